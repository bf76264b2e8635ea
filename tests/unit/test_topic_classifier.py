"""The intent classifier: the same model as scikit-learn's logistic regression, stored safely."""
import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_info, threadpool_limits

from assistant.topic_classifier import SoftmaxModel, TopicClassifier, _sentence_features

INTENTS = ["ask_rehoming", "ask_hygiene", "ask_report_dog", "greet"]


def random_problem(seed, n=120, sparse_width=40, dense_width=8):
    """Unbalanced classes, each with its own mean, in a sparse and a dense block."""
    rng = np.random.default_rng(seed)
    labels = rng.choice(INTENTS, size=n, p=[0.5, 0.25, 0.15, 0.1])
    codes = np.searchsorted(sorted(INTENTS), labels)
    dense = rng.normal(size=(n, dense_width)) + codes[:, None] * 0.7
    sparse = scipy.sparse.random(n, sparse_width, density=0.15, format="csr", random_state=seed)
    sparse = scipy.sparse.lil_matrix(sparse)
    sparse[np.arange(n), codes] = 1.0  # one word that goes with each class
    return sparse.tocsr(), dense, list(labels)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_probabilities_as_scikit_learns_balanced_logistic_regression(seed):
    sparse, dense, labels = random_problem(seed)
    ours = SoftmaxModel.fit(sparse, dense, labels, penalty_c=1.0, max_iter=1000, tol=1e-8)
    reference = LogisticRegression(class_weight="balanced", C=1.0, max_iter=1000, tol=1e-8)
    reference.fit(scipy.sparse.hstack([sparse, scipy.sparse.csr_matrix(dense)]).tocsr(), labels)

    assert list(ours.classes) == list(reference.classes_)
    expected = reference.predict_proba(
        scipy.sparse.hstack([sparse, scipy.sparse.csr_matrix(dense)]).tocsr())
    assert np.allclose(ours.probabilities(sparse, dense), expected, atol=1e-4)


def test_a_smaller_c_gives_less_confident_answers():
    sparse, dense, labels = random_problem(3)
    strong = SoftmaxModel.fit(sparse, dense, labels, penalty_c=10.0, max_iter=500, tol=1e-6)
    weak = SoftmaxModel.fit(sparse, dense, labels, penalty_c=0.01, max_iter=500, tol=1e-6)
    assert weak.probabilities(sparse, dense).max(axis=1).mean() < \
        strong.probabilities(sparse, dense).max(axis=1).mean()


def featurised(text, sparse_row, dense_row, intent=None):
    """A message as the featurizers leave it: one sparse and one dense sentence row."""
    message = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    message.add_features(Features(scipy.sparse.coo_matrix(sparse_row), "sentence", TEXT, "tfidf"))
    message.add_features(Features(dense_row, "sentence", TEXT, "embedding"))
    return message


def messages_for(seed):
    sparse, dense, labels = random_problem(seed, n=60)
    return [featurised(f"message {i}", sparse[i], dense[i:i + 1], labels[i])
            for i in range(len(labels))]


def test_each_messages_rows_are_stacked_as_scipy_stacks_them():
    sparse, dense, _ = random_problem(4, n=6)
    sparse = (scipy.sparse.diags([1.0, 1.0, 0.0, 1.0, 1.0, 1.0]) @ sparse).tocsr()
    sparse.eliminate_zeros()  # message 2's words are all unknown: an empty row
    messages = [featurised(f"message {i}", sparse[i], dense[i:i + 1]) for i in range(6)]
    stacked_sparse, stacked_dense = _sentence_features(messages)
    expected = scipy.sparse.vstack([scipy.sparse.coo_matrix(sparse[i]) for i in range(6)],
                                   format="csr")
    assert stacked_sparse.format == "csr" and stacked_sparse.dtype == np.float64
    assert np.array_equal(stacked_sparse.toarray(), expected.toarray())
    assert np.array_equal(stacked_dense, dense)


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context():
    return ExecutionContext(graph_schema=None, node_name="classifier")


def test_ranks_intents_and_gives_the_same_answers_after_being_stored_and_loaded(storage):
    config = {**TopicClassifier.get_default_config(), "ranking_length": 3}
    resource = Resource("topic_classifier")
    trained = TopicClassifier.create(config, storage, resource, context())
    examples = messages_for(4)
    trained.train(TrainingData(examples))
    loaded = TopicClassifier.load(config, storage, resource, context())

    fresh = [featurised(m.get(TEXT), *[f.features for f in m.features]) for m in examples[:10]]
    again = [featurised(m.get(TEXT), *[f.features for f in m.features]) for m in examples[:10]]
    trained.process(fresh)
    loaded.process(again)
    for before, after in zip(fresh, again):
        ranking = after.get(INTENT_RANKING_KEY)
        assert len(ranking) == 3
        confidences = [entry["confidence"] for entry in ranking]
        assert confidences == sorted(confidences, reverse=True)
        assert after.get(INTENT) == ranking[0]
        assert ranking == pytest.approx(before.get(INTENT_RANKING_KEY))
    correct = sum(m.get(INTENT)["name"] == e.get(INTENT) for m, e in zip(again, examples))
    assert correct >= 8


def test_the_stored_model_loads_without_pickle(storage):
    resource = Resource("topic_classifier")
    TopicClassifier.create({}, storage, resource, context()).train(TrainingData(messages_for(5)))
    with storage.read_from(resource) as directory:
        stored = np.load(next(directory.glob("*.npz")), allow_pickle=False)
        assert set(stored.files) == {"classes", "sparse_weights", "dense_weights", "bias"}


def test_with_no_intent_examples_it_trains_and_loads_and_leaves_messages_alone(storage):
    resource = Resource("topic_classifier")
    TopicClassifier.create({}, storage, resource, context()).train(TrainingData([]))
    loaded = TopicClassifier.load({}, storage, resource, context())
    message = Message(data={TEXT: "hello"})
    loaded.process([message])
    assert message.get(INTENT) is None


@pytest.mark.parametrize("config", [{"C": 0}, {"C": -1}, {"max_iter": 0}])
def test_nonsense_settings_are_refused(config):
    with pytest.raises(ValueError):
        TopicClassifier.validate_config({**TopicClassifier.get_default_config(), **config})


def blas_threads():
    return max(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")


def test_served_messages_are_classified_on_one_blas_thread(storage, monkeypatch):
    """An idle OpenBLAS worker spins on the other core: see assistant/blas.py."""
    resource = Resource("topic_classifier")
    classifier = TopicClassifier.create({}, storage, resource, context())
    classifier.train(TrainingData(messages_for(6)))
    seen = []
    probabilities = SoftmaxModel.probabilities
    monkeypatch.setattr(SoftmaxModel, "probabilities",
                        lambda self, *a: seen.append(blas_threads()) or probabilities(self, *a))
    with threadpool_limits(limits=2, user_api="blas"):
        classifier.process(messages_for(7)[:1])
        assert seen == [1]
        assert blas_threads() == 2, "the limit ends with the message"


@pytest.mark.parametrize("bad", [{"C": 0}, {"C": -1.0}, {"max_iter": 0}])
def test_a_bad_config_is_refused_when_the_classifier_is_made(storage, bad):
    with pytest.raises(ValueError, match="'C' must be positive"):
        TopicClassifier.create(bad, storage, Resource("topic_classifier"), context())
