"""Fills phone numbers, links and shared lines into responses when they are sent, and offers a
second likely topic under an answer.

Responses in domain.yml name them in braces, e.g. "Call {emergency}"; the values come from
`assistant.contacts`, the one place they are written.
"""
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant import contacts, topics
from assistant.safety_check import SAFETY_INTENT_PREFIX


def answers_the_last_message(tracker: DialogueStateTracker) -> bool:
    """True for the first reply to a message that asked a topic or set off a safety reply."""
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return False
        if isinstance(event, UserUttered):
            intent = event.intent_name or ""
            return intent in topics.labels() or intent.startswith(SAFETY_INTENT_PREFIX)
    return False


class ContactsNLG(TemplatedNaturalLanguageGenerator):
    """Rasa's own response generator, with the contacts added to the template values."""

    def __init__(
        self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None
    ) -> None:
        super().__init__(domain.responses if domain else {})

    async def generate(
        self,
        utter_action: Text,
        tracker: DialogueStateTracker,
        output_channel: Text,
        **kwargs: Any,
    ) -> Optional[Dict[Text, Any]]:
        response = await super().generate(
            utter_action, tracker, output_channel, **{**contacts.load(), **kwargs}
        )
        if response and answers_the_last_message(tracker):
            buttons = response.get("buttons") or []
            label = topics.see_also(tracker.latest_message.parse_data.get("intent_ranking") or [],
                                    {button.get("title") for button in buttons})
            if label:
                response["buttons"] = buttons + [{"title": label, "payload": label}]
        return response
