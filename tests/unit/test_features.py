"""The two featurizers the intent classifier reads: word TF-IDF and the sentence embedding."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from assistant.sentence_features import SentenceEmbeddingFeaturizer
from assistant.tfidf_features import WordTfidfFeaturizer

EXAMPLES = [
    "how do i get my dog ready for the baby",
    "my dog growled at the baby",
    "the dog growled at my toddler again",
    "which dogs are banned",
    "is my dog a banned type",
]


def context():
    return ExecutionContext(graph_schema=None, node_name="featurizer")


def sentence_features(message):
    sequence, sentence = message.get_sparse_features(TEXT)
    if sentence is None:
        sequence, sentence = message.get_dense_features(TEXT)
    return sentence.features


@pytest.fixture
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def trained_tfidf(storage, **config):
    config = {**WordTfidfFeaturizer.get_default_config(), **config}
    resource = Resource("tfidf")
    featurizer = WordTfidfFeaturizer.create(config, storage, resource, context())
    featurizer.train(TrainingData([Message(data={TEXT: t}) for t in EXAMPLES]))
    return featurizer, config, resource


def test_tfidf_vectors_have_the_configured_length_whatever_the_message_length(storage):
    featurizer, config, _ = trained_tfidf(storage, scale=3.0)
    rows = featurizer.vectors(["dog banned", "dog " * 500 + "banned " * 3])
    assert np.allclose(np.sqrt(rows.multiply(rows).sum(axis=1)).A.ravel(), 3.0)


def test_tfidf_gives_rarer_words_more_weight(storage):
    featurizer, _, _ = trained_tfidf(storage, min_df=1, scale=1.0)
    row = featurizer.vectors(["dog growled"]).toarray()[0]
    vocabulary = featurizer.counter.vocabulary_
    assert row[vocabulary["growled"]] > row[vocabulary["dog"]] > 0


@pytest.mark.parametrize("min_df", [1, 2])
def test_tfidf_rows_are_scikit_learns_sublinear_tfidf_times_the_scale(storage, min_df):
    from sklearn.feature_extraction.text import TfidfVectorizer

    featurizer, _, _ = trained_tfidf(storage, min_df=min_df, scale=3.0)
    reference = TfidfVectorizer(lowercase=True, strip_accents="unicode",
                                token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), min_df=min_df,
                                sublinear_tf=True).fit(EXAMPLES)
    texts = ["my dog growled at the baby, the dog GROWLED", "is my dog banned", "zebra", "dog"]
    expected = reference.transform(texts).toarray() * 3.0
    assert np.allclose(featurizer.vectors(texts).toarray(), expected, rtol=0, atol=1e-12)


def test_tfidf_survives_being_stored_and_loaded(storage):
    featurizer, config, resource = trained_tfidf(storage)
    loaded = WordTfidfFeaturizer.load(config, storage, resource, context())
    texts = ["my dog growled at the baby!!", "unseen words only: zebra quokka"]
    assert (featurizer.vectors(texts) != loaded.vectors(texts)).nnz == 0


def test_tfidf_gives_an_empty_row_not_an_error_for_unknown_words(storage):
    featurizer, _, _ = trained_tfidf(storage)
    message = Message(data={TEXT: "zebra quokka 🦘"})
    featurizer.process([message])
    assert sentence_features(message).nnz == 0


def test_tfidf_leaves_messages_without_text_alone(storage):
    featurizer, _, _ = trained_tfidf(storage)
    message = Message(data={"intent": "greet"})
    featurizer.process([message])
    assert message.features == []


@pytest.mark.parametrize("bad", [{"scale": 0}, {"max_ngram": 0}])
def test_tfidf_rejects_a_meaningless_configuration(storage, bad):
    config = {**WordTfidfFeaturizer.get_default_config(), **bad}
    with pytest.raises(ValueError):
        WordTfidfFeaturizer.create(config, storage, Resource("tfidf"), context())


def test_sentence_feature_is_one_scaled_384_wide_row_per_message(storage):
    config = {**SentenceEmbeddingFeaturizer.get_default_config(), "scale": 7.0}
    featurizer = SentenceEmbeddingFeaturizer.create(config, storage, Resource("e"), context())
    messages = [Message(data={TEXT: t}) for t in EXAMPLES] + [Message(data={"intent": "x"})]
    featurizer.process_training_data(TrainingData(messages[:-1]))
    featurizer.process(messages[-1:])
    for message in messages[:-1]:
        row = sentence_features(message)
        assert row.shape == (1, 384)
        assert np.isclose(np.linalg.norm(row), 7.0, atol=1e-4)
    assert messages[-1].features == []


def test_sentence_featurizer_rejects_a_non_positive_scale(storage):
    with pytest.raises(ValueError):
        SentenceEmbeddingFeaturizer.create({"scale": -1, "alias": None}, storage, Resource("e"),
                                           context())


def test_a_served_message_is_encoded_on_one_thread_and_training_on_all_cores(storage,
                                                                            monkeypatch):
    featurizer = SentenceEmbeddingFeaturizer.create(
        SentenceEmbeddingFeaturizer.get_default_config(), storage, Resource("e"), context())
    calls = []
    encode = featurizer.encoder.encode

    def recording_encode(texts, **options):
        calls.append(options.get("all_cores", False))
        return encode(texts, **options)

    monkeypatch.setattr(featurizer.encoder, "encode", recording_encode)
    featurizer.process([Message(data={TEXT: "is my baby safe with the dog"})])
    featurizer.process_training_data(TrainingData([Message(data={TEXT: t}) for t in EXAMPLES]))
    assert calls == [False, True]
