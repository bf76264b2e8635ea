"""The public REST and socket.io channels, with the guard every user message passes first.

Rasa's own channels accept `/intent` and `/intent{"slot": ...}` as commands that skip NLU (and
so the safety check). On these public channels such text is plain text. The guard also answers
empty and over-long messages itself, and says in plain words when the assistant produced no reply
(for example, when the action server is down), always with the urgent-help line.
"""
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from assistant import contacts, settings

logger = logging.getLogger(__name__)

MessageHandler = Callable[[UserMessage], Awaitable[Any]]


def max_message_chars() -> int:
    return settings.get_int("MAX_MESSAGE_CHARS", 2000)


def as_plain_text(text: Optional[Text]) -> Text:
    """User text with any leading command slashes removed, so Rasa reads it as words."""
    return (text or "").strip().lstrip("/").strip()


def _reply(template: Text, **values: Any) -> Text:
    return template.format(**contacts.load(), **values)


EMPTY_MESSAGE_REPLY = "Please type your question about dogs and young children.\n{urgent_help}"
TOO_LONG_REPLY = (
    "That message is too long for me. Please send a shorter message "
    "(up to {limit:,} characters).\n{urgent_help}"
)
NO_REPLY = (
    "Sorry, that part of the service is not working right now. Please try again in a few "
    "minutes.\n{urgent_help}"
)


class _CountingOutputChannel(OutputChannel):
    """Passes every reply on to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> Text:  # type: ignore[override]
        return self.inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)


def guard(on_new_message: MessageHandler) -> MessageHandler:
    """Wraps Rasa's message handler with the checks every public message needs."""

    async def guarded(message: UserMessage) -> None:
        text = as_plain_text(message.text)
        limit = max_message_chars()
        if not text:
            await message.output_channel.send_text_message(
                message.sender_id, _reply(EMPTY_MESSAGE_REPLY)
            )
            return
        if len(text) > limit:
            await message.output_channel.send_text_message(
                message.sender_id, _reply(TOO_LONG_REPLY, limit=limit)
            )
            return
        message.text = text
        counting = _CountingOutputChannel(message.output_channel)
        message.output_channel = counting
        try:
            await on_new_message(message)
        except Exception:  # a reply in plain words beats a silent failure
            logger.exception("Handling a message failed")
        if counting.sent == 0:
            await counting.inner.send_text_message(message.sender_id, _reply(NO_REPLY))

    return guarded


class SafeRestInput(RestInput):
    """Rasa's REST channel (`/webhooks/rest/webhook`) behind the guard."""

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        return super().blueprint(guard(on_new_message))


class SafeSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel behind the guard, accepting only the allowed origins."""

    def blueprint(self, on_new_message: MessageHandler) -> Blueprint:
        blueprint = super().blueprint(guard(on_new_message))
        # Rasa turns the socket.io origin check off; browsers from other sites must not connect.
        self.sio.eio.cors_allowed_origins = settings.allowed_origins()
        return blueprint
