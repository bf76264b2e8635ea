"""The guard's rate limit, client addresses, origins and text cleaning, with real Rasa channels."""
import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from assistant.channels import (
    ANSWERED, LIMITED, RateLimiter, as_plain_text, client_address, guard, origin_allowed,
)
from assistant.contacts import load as contacts


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_each_conversation_gets_its_limit_per_minute_then_a_pause():
    clock = Clock()
    limiter = RateLimiter({"conversation": 3}, clock=clock)
    key = [("conversation", "a")]
    assert [limiter.allow(key) for _ in range(4)] == [True, True, True, False]
    assert limiter.allow([("conversation", "b")])  # another conversation is not affected
    clock.now += 59
    assert not limiter.allow(key)
    clock.now += 1.5  # a minute after the first messages
    assert limiter.allow(key)


def test_refused_messages_do_not_extend_the_pause():
    clock = Clock()
    limiter = RateLimiter({"conversation": 2}, clock=clock)
    key = [("conversation", "a")]
    limiter.allow(key), limiter.allow(key)
    for _ in range(50):
        clock.now += 1
        assert not limiter.allow(key)
    clock.now += 11
    assert limiter.allow(key)


def test_a_message_is_refused_when_any_of_its_keys_is_over_the_limit():
    limiter = RateLimiter({"conversation": 100, "address": 2}, clock=Clock())
    assert limiter.allow([("conversation", "a"), ("address", "203.0.113.9")])
    assert limiter.allow([("conversation", "b"), ("address", "203.0.113.9")])
    assert not limiter.allow([("conversation", "c"), ("address", "203.0.113.9")])
    assert limiter.allow([("conversation", "c"), ("address", "198.51.100.1")])


def test_memory_stays_bounded():
    clock = Clock()
    limiter = RateLimiter({"conversation": 5}, clock=clock, max_keys=1000)
    for i in range(5000):
        limiter.allow([("conversation", str(i))])
    assert len(limiter) == 1000
    clock.now += 61
    limiter.allow([("conversation", "new")])
    assert len(limiter) == 1  # idle conversations are forgotten


def test_a_zero_limit_switches_that_limit_off():
    limiter = RateLimiter({"conversation": 0}, clock=Clock())
    assert all(limiter.allow([("conversation", "a")]) for _ in range(100))


def send(handler, limiter, text="hello", sender="s", client=None):
    output = CollectingOutputChannel()
    outcome = asyncio.run(guard(handler, limiter)(UserMessage(text, output, sender), client))
    return outcome, output.messages


async def answering(message):
    await message.output_channel.send_response(message.sender_id, {"text": "answer"})


def test_over_the_limit_gets_a_clear_reply_with_urgent_help_and_is_not_processed():
    seen = []

    async def handler(message):
        seen.append(message.text)
        await answering(message)

    limiter = RateLimiter({"conversation": 2, "address": 100}, clock=Clock())
    assert send(handler, limiter)[0] == ANSWERED
    assert send(handler, limiter)[0] == ANSWERED
    outcome, (reply,) = send(handler, limiter)
    assert outcome == LIMITED
    assert "wait a minute" in reply["text"]
    assert contacts()["urgent_help"] in reply["text"]
    assert len(seen) == 2


def test_the_address_limit_counts_across_conversations():
    limiter = RateLimiter({"conversation": 100, "address": 2}, clock=Clock())
    outcomes = [send(answering, limiter, sender=f"s{i}", client="203.0.113.5")[0] for i in range(3)]
    assert outcomes == [ANSWERED, ANSWERED, LIMITED]
    assert send(answering, limiter, sender="s9", client="203.0.113.6")[0] == ANSWERED


def test_client_address_behind_a_trusted_proxy_on_this_machine():
    assert client_address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert client_address("127.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert client_address("::1", "2001:db8::5") == "2001:db8::5"
    # A header from the client itself (not via our proxy) is not believed.
    assert client_address("203.0.113.8", "198.51.100.1") == "203.0.113.8"
    assert client_address("127.0.0.1", "not-an-address") == "127.0.0.1"
    assert client_address("127.0.0.1", None) == "127.0.0.1"


def test_origins_on_the_allow_list_or_no_origin_pass():
    assert origin_allowed(None)
    assert origin_allowed("http://localhost:8080")
    assert not origin_allowed("http://evil.example")
    assert not origin_allowed("null")
    assert not origin_allowed("http://localhost:8080.evil.example")


def test_text_cleaning_leaves_no_command_and_no_control_characters():
    assert as_plain_text("/ /greet") == "greet"
    assert as_plain_text(" \n/\t//greet{\"a\": 1}") == 'greet{"a": 1}'
    assert as_plain_text("hel\x00lo\x07 \x1b[31mred") == "hello [31mred"
    assert as_plain_text("dog\ud800 bite") == "dog bite"
    assert as_plain_text("line one\nline two\ttab") == "line one\nline two\ttab"
    assert as_plain_text(42) == ""
    assert as_plain_text(None) == ""
    assert as_plain_text("مرحبا كلب 🐶") == "مرحبا كلب 🐶"
