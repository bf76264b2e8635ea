"""The guard in front of the public channels, with a real Rasa output channel."""
import asyncio

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from assistant.channels import _valid_metadata, as_plain_text, guard, max_message_chars
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
