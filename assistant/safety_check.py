"""The red-flag check as the last step of the NLU pipeline.

It runs on every message after the intent classifier and the fallback classifier, so its verdict
does not depend on the classifier's confidence: when `assistant.redflags` finds an emergency or
a disclosure, the message's intent becomes `safety_<category>` with confidence 1, and a rule sends
the matching help first. It lives in the Rasa server, so it works with the action server down.
"""
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from assistant import redflags

SAFETY_INTENT_PREFIX = "safety_"


def safety_intent(category: Text) -> Text:
    return SAFETY_INTENT_PREFIX + category


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SafetyCheck(GraphComponent):
    """Overrides the predicted intent when a red flag fires."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyCheck":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            category = redflags.detect(message.get(TEXT) or "")
            if category is None:
                continue
            intent = {"name": safety_intent(category), "confidence": 1.0}
            ranking = [
                entry
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get("name") != intent["name"]
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
        return messages
