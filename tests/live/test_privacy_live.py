"""Personal details sent to the live assistant never reach the conversation store's file."""
import asyncio
import sqlite3
import uuid

import aiohttp
import socketio

from assistant.contacts import load as contacts
from tests.live.helpers import ask, new_sender, reply_text, stored_user_events, visitor

# python-engineio 4.15's websocket client needs aiohttp >= 3.10 (ClientWSTimeout); with the
# aiohttp that Rasa 3.6 pins, the client uses long-polling, which reaches the same handlers.
TRANSPORTS = ["websocket"] if hasattr(aiohttp, "ClientWSTimeout") else ["polling"]

PERSONAL = {
    "name": "Sarah Jones",
    "child": "Freddie",
    "mobile": "07700 900123",
    "mobile_unspaced": "07700900123",
    "landline": "+44 1223 123456",
    "email": "sarah.jones@example.com",
    "postcode": "CB1 2AB",
    "street": "12 Mill Road",
    "nhs": "943 476 5919",
    "dob": "12/03/2021",
}

MESSAGES = [
    f"Hi, I'm {PERSONAL['name']}, how do I get my dog ready for the baby?",
    f"My son {PERSONAL['child']} (DOB {PERSONAL['dob']}, NHS number {PERSONAL['nhs']}) "
    "was bitten by our dog, what should I do after a dog bite?",
    f"You can call me on {PERSONAL['mobile']} or {PERSONAL['landline']}, "
    f"or text {PERSONAL['mobile_unspaced']}",
    f"We live at {PERSONAL['street']}, Cambridge {PERSONAL['postcode']}, "
    f"email {PERSONAL['email']}",
]


def all_stored_text(db_path):
    """Everything in the store's file as text, and every row's data, to search both ways."""
    raw = db_path.read_bytes().decode("utf-8", errors="replace")
    with sqlite3.connect(db_path) as db:
        rows = "\n".join(data for (data,) in db.execute("SELECT data FROM events"))
    return raw + "\n" + rows


def digits(value):
    return "".join(ch for ch in value if ch.isdigit())


def test_personal_details_sent_over_rest_are_not_in_the_store(live_stack):
    sender = new_sender()
    replies = [reply_text(ask(live_stack, text, sender)) for text in MESSAGES]

    # The assistant understood the real words: it answered the questions asked.
    assert contacts()["pack_url"] in replies[0]
    assert contacts()["nhs_bites_url"] in replies[1]

    stored = stored_user_events(live_stack.tracker_db, sender)
    assert len(stored) == len(MESSAGES)
    assert stored[0]["text"].startswith("Hi, I'm [name]")
    assert "[nhs number]" in stored[1]["text"] and "[date]" in stored[1]["text"]
    assert stored[2]["text"].count("[phone]") == 3
    assert "[postcode]" in stored[3]["text"] and "[email]" in stored[3]["text"]
    assert all(event["parse_data"]["text"] == event["text"] for event in stored)

    everything = all_stored_text(live_stack.tracker_db)
    for value in PERSONAL.values():
        assert value not in everything, f"{value!r} was stored"
    for value in ("mobile", "landline", "nhs"):  # nor written without its spaces
        assert digits(PERSONAL[value]) not in everything


def test_the_conversation_goes_on_after_a_redacted_turn(live_stack):
    sender = new_sender()
    ask(live_stack, f"my name is {PERSONAL['name']}, hello", sender)
    text = reply_text(ask(live_stack, "what should I do after a dog bite", sender))
    assert contacts()["nhs_bites_url"] in text
    assert [e["text"] for e in stored_user_events(live_stack.tracker_db, sender)] == [
        "my name is [name], hello", "what should I do after a dog bite"]


def test_personal_details_sent_over_socketio_are_not_in_the_store(live_stack):
    session_id = uuid.uuid4().hex
    text = f"my daughter Poppy was bitten, call {PERSONAL['mobile']}, we're at {PERSONAL['postcode']}"

    async def converse():
        client = socketio.AsyncClient(reconnection=False)
        replies: asyncio.Queue = asyncio.Queue()
        client.on("bot_uttered", replies.put_nowait)
        await client.connect(live_stack.rasa_url, headers={"Origin": live_stack.web_url, **visitor()},
                             transports=TRANSPORTS, wait_timeout=10)
        # The acknowledgement comes once the server has handled it (the room is joined).
        await client.call("session_request", {"session_id": session_id}, timeout=30)
        try:
            await client.call("user_uttered", {
                "message": text, "session_id": session_id,
                "metadata": {"audience": "family", "note": f"ring {PERSONAL['mobile']}"},
            }, timeout=60)
            return await asyncio.wait_for(replies.get(), 30)
        finally:
            await client.disconnect()

    reply = asyncio.run(converse())
    assert reply["text"]
    (stored,) = stored_user_events(live_stack.tracker_db, session_id)
    assert stored["text"] == "my daughter [name] was bitten, call [phone], we're at [postcode]"
    assert stored["metadata"]["audience"] == "family"
    assert stored["metadata"]["note"] == "ring [phone]"
    everything = all_stored_text(live_stack.tracker_db)
    for value in ("Poppy", PERSONAL["mobile"], PERSONAL["postcode"]):
        assert value not in everything
