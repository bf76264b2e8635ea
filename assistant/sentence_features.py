"""Meaning features for the intent classifier: one sentence embedding per message.

n-gram counts only see shared words, so a worried story told in words the training examples
never used lands on the wrong topic. A sentence embedding (all-MiniLM-L6-v2, see
`assistant.sentence_encoder`) places paraphrases close together. The classifier sees both.
"""
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from assistant.sentence_encoder import shared_encoder


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a sentence-level dense feature (384 wide) to each message's text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Words (TF-IDF) and meaning both have length one; the two featurizers' scales weigh them
        # against each other in the logistic regression (chosen with `make eval`).
        return {**DenseFeaturizer.get_default_config(), "scale": 10.0}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("scale", 0)) <= 0:
            raise ValueError("SentenceEmbeddingFeaturizer: 'scale' must be positive")

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEmbeddingFeaturizer":
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.scale = float(config["scale"])
        self.encoder = shared_encoder()

    def _featurize(self, messages: List[Message], all_cores: bool = False) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        vectors = self.encoder.encode([m.get(TEXT) for m in with_text], all_cores=all_cores)
        vectors *= self.scale
        for message, vector in zip(with_text, vectors):
            self.add_features_to_message(None, vector[np.newaxis, :], TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples, all_cores=True)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)  # one thread (why: assistant/blas.py)
        return messages
