"""The socket.io round trip a browser makes, with a real socket.io client.

With unpinned packages this breaks silently (the bot's replies never arrive), so it is proven here.
"""
import asyncio

import pytest
import socketio

from assistant.contacts import load as contacts
from tests.live.helpers import visitor
from tests.socketio_client import converse as conversation


async def converse(url: str, origin: str, text: str, timeout: float = 30):
    """One message from a visitor's browser on `origin`, and the whole reply."""
    _, (reply,) = await conversation(url, origin, [text], headers=visitor(), timeout=timeout)
    return reply


def test_socketio_round_trip_from_the_demo_page_origin(live_stack):
    reply = asyncio.run(converse(live_stack.rasa_url, live_stack.web_url,
                                 "what should I do after a dog bite"))
    assert contacts()["nhs_bites_url"] in reply["text"]


def test_socketio_round_trip_from_the_partner_origin(live_stack):
    reply = asyncio.run(converse(live_stack.rasa_url, live_stack.partner_url, "hello"))
    assert contacts()["urgent_help"] in reply["text"]
    assert reply["quick_replies"], "buttons arrive as quick replies"


def test_socketio_refuses_an_origin_not_on_the_allow_list(live_stack):
    with pytest.raises(socketio.exceptions.ConnectionError):
        asyncio.run(converse(live_stack.rasa_url, "http://evil.example", "hello", timeout=5))
