"""Fills phone numbers, links and shared lines into responses when they are sent.

Responses in domain.yml name them in braces, e.g. "Call {emergency}"; the values come from
`assistant.contacts`, the one place they are written.
"""
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from assistant import contacts


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
        return await super().generate(
            utter_action, tracker, output_channel, **{**contacts.load(), **kwargs}
        )
