"""The socket.io round trip a browser makes, with a real socket.io client.

With unpinned packages this breaks silently (the bot's replies never arrive), so it is proven here.
"""
import asyncio
import uuid

import pytest
import socketio

from assistant.contacts import load as contacts
from tests.live.helpers import visitor


async def converse(url: str, origin: str, text: str, timeout: float = 30, settle: float = 1.5):
    """Connect as a browser on `origin` would, send one message, return the whole reply.

    Rasa's socket.io channel sends each paragraph of an answer as its own message, so this
    collects messages until none has arrived for `settle` seconds.
    """
    client = socketio.AsyncClient(reconnection=False)
    replies: asyncio.Queue = asyncio.Queue()
    confirmed = asyncio.Event()
    client.on("session_confirm", lambda *_: confirmed.set())
    client.on("bot_uttered", replies.put_nowait)
    session_id = uuid.uuid4().hex
    await client.connect(url, headers={"Origin": origin, **visitor()}, transports=["websocket"],
                         wait_timeout=10)
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), timeout)
        await client.emit("user_uttered", {"message": text, "session_id": session_id})
        messages = [await asyncio.wait_for(replies.get(), timeout)]
        while True:
            try:
                messages.append(await asyncio.wait_for(replies.get(), settle))
            except asyncio.TimeoutError:
                return {
                    "text": "\n\n".join(m.get("text", "") for m in messages),
                    "quick_replies": [q for m in messages for q in m.get("quick_replies", [])],
                }
    finally:
        await client.disconnect()


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
