"""The guard in front of the public channels, with a real Rasa output channel."""
import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from assistant.channels import (
    RepeatFilter,
    SafeSocketIOInput,
    _valid_metadata,
    as_plain_text,
    guard,
    max_message_chars,
)
from assistant.contacts import load as contacts


def send(text, handler):
    output = CollectingOutputChannel()
    asyncio.run(guard(handler)(UserMessage(text, output, "sender")))
    return output.messages


def recording_handler(reply=True):
    seen = []

    async def handler(message):
        seen.append(message.text)
        if reply:
            # as Rasa's processor sends every bot message
            await message.output_channel.send_response(message.sender_id, {"text": "answer"})
    return handler, seen


def test_commands_typed_by_a_user_become_plain_text():
    assert as_plain_text('/greet{"audience": "professional"}') == 'greet{"audience": "professional"}'
    assert as_plain_text("  //safety_dog_attack ") == "safety_dog_attack"
    assert as_plain_text("how do I stop my dog / cat fighting") == "how do I stop my dog / cat fighting"


def test_the_assistant_sees_the_text_without_the_command_slash():
    handler, seen = recording_handler()
    assert send("/ask_prepare_dog", handler)[0]["text"] == "answer"
    assert seen == ["ask_prepare_dog"]


def test_empty_message_gets_a_prompt_and_is_not_processed():
    handler, seen = recording_handler()
    (reply,) = send(" \n\t ", handler)
    assert "type your question" in reply["text"]
    assert contacts()["urgent_help"] in reply["text"]
    assert seen == []


def test_over_long_message_gets_a_short_reply_and_is_not_processed():
    handler, seen = recording_handler()
    (reply,) = send("a" * (max_message_chars() + 1), handler)
    assert "too long" in reply["text"]
    assert contacts()["urgent_help"] in reply["text"]
    assert seen == []


def test_message_at_the_limit_is_processed():
    handler, seen = recording_handler()
    send("a" * max_message_chars(), handler)
    assert len(seen) == 1


def test_no_reply_from_the_assistant_becomes_a_plain_words_apology_with_urgent_help():
    handler, _ = recording_handler(reply=False)
    (reply,) = send("hello", handler)
    assert "not working right now" in reply["text"]
    assert contacts()["urgent_help"] in reply["text"]


def test_a_failure_inside_the_assistant_still_gets_a_reply():
    async def failing(message):
        raise RuntimeError("action server unreachable")
    (reply,) = send("hello", failing)
    assert contacts()["urgent_help"] in reply["text"]


def test_a_message_of_only_invisible_characters_is_empty():
    handler, seen = recording_handler()
    for text in ("\u200b", "\ufeff", "\u200b\u200d\u2060", "\xad", " \u200b \n"):
        (reply,) = send(text, handler)
        assert "type your question" in reply["text"], repr(text)
    assert seen == []
    assert as_plain_text("dog\u200b ok") == "dog\u200b ok", "visible text keeps what it has"


def test_metadata_nested_too_deep_is_dropped_not_raised():
    assert _valid_metadata("[" * 5000) is None
    assert _valid_metadata('{"audience": "family"}') == {"audience": "family"}


def test_a_bad_limit_setting_stops_the_server_when_the_channel_is_built(monkeypatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "2000 chars")
    handler, _ = recording_handler()
    with pytest.raises(SystemExit, match="MAX_MESSAGE_CHARS must be a whole number"):
        guard(handler)


# ---------------------------------------------------------------- socket.io: repeated messages
class FakeSio:
    """What the channel uses of python-socketio's server: emit (recorded) and the environ."""

    def __init__(self):
        self.emitted = []

    async def emit(self, event, data, room=None, namespace=None):
        self.emitted.append((room, data))

    def get_environ(self, sid, namespace=None):
        return {"REMOTE_ADDR": "192.0.2.1"}


def socket_channel():
    return SafeSocketIOInput(session_persistence=True), FakeSio()


def two_part_handler(release=None):
    """Rasa answering with two parts (waiting for `release` between them, if given)."""
    seen = []

    async def handler(message):
        seen.append((message.text, message.metadata))
        await message.output_channel.send_response(message.sender_id, {"text": "first part"})
        if release is not None:
            await release.wait()
        await message.output_channel.send_response(
            message.sender_id, {"text": "urgent help", "buttons": [{"title": "More", "payload": "more"}]}
        )
    return handler, seen


def utter(channel, sio, handler, sid, message_id, text="question", session="s1", metadata=None):
    data = {"message": text, "session_id": session,
            "metadata": {"message_id": message_id, **(metadata or {})}}
    return channel._handle_message(sio, guard(handler), sid, data)


def test_a_message_sent_again_is_not_handled_again_and_gets_its_replies_again_on_its_connection():
    channel, sio = socket_channel()
    handler, seen = two_part_handler()

    async def scenario():
        first = await utter(channel, sio, handler, "sid-1", "m1", metadata={"audience": "family"})
        again = await utter(channel, sio, handler, "sid-2", "m1")
        return first, again

    first, again = asyncio.run(scenario())
    assert seen == [("question", {"audience": "family"})], "handled once; the id is not passed on"
    assert first == again == {"replies": 2}
    to_room = [data for room, data in sio.emitted if room == "s1"]
    to_second = [data for room, data in sio.emitted if room == "sid-2"]
    assert [(r["reply_to"], r["part"], r["text"]) for r in to_room] == [
        ("m1", 0, "first part"), ("m1", 1, "urgent help")]
    assert to_second == to_room, "the repeat gets the same replies, on its own connection only"
    assert to_room[1]["quick_replies"][0]["title"] == "More"


def test_a_repeat_during_the_answer_waits_for_it_and_then_gets_every_part():
    channel, sio = socket_channel()
    release = asyncio.Event()
    handler, seen = two_part_handler(release)

    async def scenario():
        first = asyncio.ensure_future(utter(channel, sio, handler, "sid-1", "m1"))
        while not sio.emitted:  # the first part has gone out
            await asyncio.sleep(0)
        again = asyncio.ensure_future(utter(channel, sio, handler, "sid-2", "m1"))
        for _ in range(20):
            await asyncio.sleep(0)
        assert not again.done(), "a repeat is acknowledged only once the first has been handled"
        release.set()
        return await first, await again

    first, again = asyncio.run(scenario())
    assert len(seen) == 1
    assert again == {"replies": 2}
    assert [d["part"] for room, d in sio.emitted if room == "sid-2"] == [0, 1]


def test_a_repeat_gets_only_the_parts_it_has_not_received():
    channel, sio = socket_channel()
    handler, seen = two_part_handler()

    async def scenario():
        await utter(channel, sio, handler, "sid-1", "m1")
        acks = [await utter(channel, sio, handler, "sid-2", "m1", metadata={"received": [0]}),
                await utter(channel, sio, handler, "sid-3", "m1", metadata={"received": [0, 1]}),
                await utter(channel, sio, handler, "sid-4", "m1", metadata={"received": [{}, "x"]})]
        return acks

    assert asyncio.run(scenario()) == [{"replies": 2}] * 3
    assert len(seen) == 1
    assert [d["part"] for room, d in sio.emitted if room == "sid-2"] == [1]
    assert [d["part"] for room, d in sio.emitted if room == "sid-3"] == []
    assert [d["part"] for room, d in sio.emitted if room == "sid-4"] == [0, 1], "nonsense is ignored"


def test_the_same_id_in_another_conversation_and_a_new_id_are_new_messages():
    channel, sio = socket_channel()
    handler, seen = two_part_handler()

    async def scenario():
        await utter(channel, sio, handler, "sid-1", "m1", session="s1")
        await utter(channel, sio, handler, "sid-1", "m1", session="s2")
        await utter(channel, sio, handler, "sid-1", "m2", session="s1")

    asyncio.run(scenario())
    assert len(seen) == 3


def test_a_message_without_an_id_is_handled_as_before():
    channel, sio = socket_channel()
    handler, seen = two_part_handler()

    async def scenario():
        data = {"message": "question", "session_id": "s1"}
        return [await channel._handle_message(sio, guard(handler), "sid-1", data) for _ in range(2)]

    assert asyncio.run(scenario()) == [None, None]
    assert len(seen) == 2
    assert all("reply_to" not in data for room, data in sio.emitted)


def test_a_malformed_id_is_ignored():
    channel, sio = socket_channel()
    handler, seen = two_part_handler()

    async def scenario():
        for message_id in ("", "x" * 65, "a b", 5, ["m1"]):
            await utter(channel, sio, handler, "sid-1", message_id)

    asyncio.run(scenario())
    assert len(seen) == 5
    assert all("reply_to" not in data for room, data in sio.emitted)


def test_the_memory_of_handled_messages_is_bounded_in_number_age_and_replies():
    now = [0.0]
    repeats = RepeatFilter(max_entries=3, max_age=60, max_replies=2, clock=lambda: now[0])
    for i in range(5):
        repeats.begin("s", f"m{i}")
    assert len(repeats) == 3
    assert repeats.begin("s", "m0")[1] is False, "the oldest was forgotten"
    assert repeats.begin("s", "m4")[1] is True
    now[0] = 61
    entry, repeat = repeats.begin("s", "m5")
    assert not repeat and len(repeats) == 1, "entries older than max_age are dropped"
    for i in range(5):
        repeats.keep(entry, {"text": str(i)})
    assert entry.count == 5 and len(entry.replies) == 2
