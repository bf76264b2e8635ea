"""Word features for the intent classifier: TF-IDF of word 1- and 2-grams, one row per message.

Rasa's CountVectorsFeaturizer gives raw counts, so a long story outweighs any short question
and the classifier becomes confidently wrong on long texts. Here each message's vector is
sublinear (1 + log count), weighted by how rare the n-gram is in the training examples, and
scaled to length one: long and short messages weigh the same. Stored as JSON, not pickle.
"""
import json
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

MODEL_FILE = "tfidf.json"
WORD_PATTERN = r"(?u)\b\w+\b"  # keeps one-letter words such as "u" (you) and "i"


def _counter(config: Dict[Text, Any], vocabulary: Optional[Dict[Text, int]] = None):
    return CountVectorizer(
        lowercase=True,
        strip_accents="unicode",
        token_pattern=WORD_PATTERN,
        ngram_range=(1, int(config["max_ngram"])),
        min_df=1 if vocabulary else int(config["min_df"]),
        vocabulary=vocabulary,
        dtype=np.float64,
    )


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True
)
class WordTfidfFeaturizer(SparseFeaturizer, GraphComponent):
    """Adds a sentence-level sparse TF-IDF feature to each message's text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # scale: the weight of words against the sentence embedding (chosen with `make eval`).
        return {**SparseFeaturizer.get_default_config(), "max_ngram": 2, "min_df": 2,
                "scale": 5.0}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("scale", 0)) <= 0 or int(config.get("max_ngram", 0)) < 1:
            raise ValueError("WordTfidfFeaturizer: 'scale' must be positive, 'max_ngram' >= 1")

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource, vocabulary=None, idf=None) -> None:
        super().__init__(name, config)
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.counter = _counter(config, vocabulary) if vocabulary else None
        self.idf = idf

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "WordTfidfFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [m.get(TEXT) for m in training_data.training_examples if m.get(TEXT)]
        self.counter = _counter(self.config)
        counts = self.counter.fit_transform(texts)
        documents_with_term = np.bincount(counts.indices, minlength=counts.shape[1])
        # sklearn's smoothed idf: as if one more document held every term.
        self.idf = np.log((1 + len(texts)) / (1 + documents_with_term)) + 1.0
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_text(json.dumps({
                "vocabulary": {term: int(i) for term, i in self.counter.vocabulary_.items()},
                "idf": self.idf.tolist(),
            }))
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "WordTfidfFeaturizer":
        with model_storage.read_from(resource) as directory:
            stored = json.loads((directory / MODEL_FILE).read_text())
        return cls(config, execution_context.node_name, model_storage, resource,
                   stored["vocabulary"], np.array(stored["idf"]))

    def vectors(self, texts: List[Text]) -> scipy.sparse.csr_matrix:
        counts = self.counter.transform(texts)
        # Weighted where the counts are stored: multiply() by the idf row built a new matrix in
        # another format, half of this method's time for one message.
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        return normalize(counts, copy=False) * float(self.config["scale"])

    def _featurize(self, messages: List[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text or self.counter is None:
            return
        rows = self.vectors([m.get(TEXT) for m in with_text])
        for i, message in enumerate(with_text):
            self.add_features_to_message(None, rows[i].tocoo(), TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages
