"""Thousands of bad, odd and hostile inputs through the live REST and socket.io channels.

No request gets a 5xx, no process dies, Rasa's memory stays bounded, and a normal message is
answered afterwards. Each fuzzed REST request comes "through the proxy" from its own client
address (X-Forwarded-For from loopback, as a reverse proxy on this machine sends it), so the
per-address rate limit does not hide the inputs from Rasa; the counts are printed (pytest -s).
"""
import asyncio
import json
import string
import uuid
from collections import Counter

import psutil
import requests
import aiohttp
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.contacts import load as contacts
from tests.live.helpers import ask, new_sender, reply_text

# python-engineio 4.15's websocket client needs aiohttp >= 3.10 (ClientWSTimeout); with the
# aiohttp that Rasa 3.6 pins, the client uses long-polling, which reaches the same handlers.
TRANSPORTS = ["websocket"] if hasattr(aiohttp, "ClientWSTimeout") else ["polling"]

REST_EXAMPLES = 2000
SOCKETIO_EXAMPLES = 400
FUZZ_SETTINGS = dict(
    deadline=None,
    database=None,  # nothing written into the project folder
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much, HealthCheck.large_base_example],
)

# ------------------------------------------------------------------------------ what to send
MARKUP = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=//evil.example>",
    "[click](javascript:alert(1))", "![x](http://evil.example/x.png)", "<a href=\"javascript:x\">",
    "**bold** _it_ `code` # heading", "<svg/onload=alert(1)>", "{{7*7}} ${7*7} <%= 7*7 %>",
    "</textarea><b>hi</b>", "&lt;script&gt;", "\u202eRTL override\u202c", "javascript:alert(1)",
]
SQL = [
    "'; DROP TABLE events; --", "\" OR 1=1 --", "1; DELETE FROM events", "' UNION SELECT * FROM events --",
    "Robert'); DROP TABLE students;--", "%' AND sender_id LIKE '%", "\\'; SELECT pg_sleep(10); --",
]
INTENTS = ["greet", "safety_dog_attack", "safety_child_disclosure", "nlu_fallback", "restart",
           "session_start", "back", "out_of_scope", "ask_after_bite"]
RTL = "مرحبا، كلبي عض طفلي שלום הכלב נשך את התינוק"
EMOJI = "🐶🐕👶🍼😀🙏🏽👨‍👩‍👧‍👦🇬🇧❤️‍🔥"

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=" \t\n\r\u00a0\u2003\u3000\u200b\ufeff", max_size=40),
    st.text(alphabet=st.characters(whitelist_categories=("Cc", "Cs", "Co", "Cn")), max_size=60),
    st.text(alphabet=EMOJI + RTL + "\u202e\u202d\u2066\u2069 ", max_size=200),
    st.builds(lambda m, t: m + t, st.sampled_from(MARKUP), st.text(max_size=40)),
    st.builds(lambda s, t: t + s, st.sampled_from(SQL), st.text(max_size=20)),
    st.builds(lambda i, e, s: f"{s}/{i}{e}", st.sampled_from(INTENTS),
              st.sampled_from(["", '{"audience": "professional"}', '{"slot": "x"}', "{", "@0.9"]),
              st.sampled_from(["", " ", "/", " / "])),
    st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=4).map(json.dumps),
    st.sampled_from(["a" * 2000, "a" * 2001, "dog " * 5000, "x" * 60_000]),
)

senders = st.one_of(
    st.just(None),  # replaced by a fresh valid id
    st.integers(), st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.text(max_size=200), st.just(""), st.just("a" * 129), st.just("../../etc/passwd"),
)
wrong_values = st.one_of(
    st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)


@st.composite
def rest_requests(draw):
    """(kind, body bytes, extra headers, query string)."""
    kind = draw(st.sampled_from(
        ["text", "text", "text", "wrong_sender", "wrong_message", "missing", "malformed",
         "invalid_utf8", "binary", "huge_body", "extra_fields"]))
    sender = new_sender()
    headers = {"Content-Type": draw(st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin-1"]))}
    query = draw(st.sampled_from(["", "?stream=true", "?token=x", "?stream=1&x=%00"]))
    if kind == "text":
        body = json.dumps({"sender": sender, "message": draw(texts)}).encode()
    elif kind == "wrong_sender":
        value = draw(senders)
        body = json.dumps({"sender": value if value is not None else sender,
                           "message": draw(texts)}).encode()
    elif kind == "wrong_message":
        body = json.dumps({"sender": sender, "message": draw(wrong_values)}).encode()
    elif kind == "missing":
        body = json.dumps(draw(st.sampled_from(
            [{}, {"sender": sender}, {"message": "hello"}, {"text": "hello", "user": sender}]))).encode()
    elif kind == "malformed":
        body = draw(st.sampled_from([
            b"", b"{", b"}", b"[]", b"null", b"true", b"42", b'"hello"', b"[1, 2]",
            b'{"sender": "a", "message": ', b"{'sender': 'a'}", b'{"sender": "a" "message": "b"}',
            b'{"sender": "a", "message": "b"}}', b"\x00\x00", b'{"message": NaN}',
            b'{"sender": "a", "message": "\\ud800"}', b"sender=a&message=hello",
        ]))
    elif kind == "invalid_utf8":
        body = b'{"sender": "' + sender.encode() + b'", "message": "' + draw(
            st.sampled_from([b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\x80abc", b"dog \xe2\x82"])) + b'"}'
    elif kind == "binary":
        body = draw(st.binary(max_size=300))
    elif kind == "huge_body":
        body = json.dumps({"sender": sender, "message": "a" * draw(
            st.sampled_from([65_000, 1_000_000]))}).encode()
    else:  # extra_fields: metadata, input_channel and others a client might try
        body = json.dumps({"sender": sender, "message": draw(texts), "input_channel": "rest_admin",
                           "metadata": draw(wrong_values), "parse_data": {"intent": "greet"}}).encode()
    return kind, body, headers, query


def rss_mb(process):
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            pass
    return total / 2 ** 20


def all_running(live):
    return {name: service.running() for name, service in live.services.items()}


# ------------------------------------------------------------------------------ REST
def test_rest_fuzz_never_fails_the_server(live_stack):
    rasa = psutil.Process(live_stack.services["rasa"].process.pid)
    ask(live_stack, "hello")
    before = rss_mb(rasa)
    statuses, kinds = Counter(), Counter()
    session = requests.Session()

    @settings(max_examples=REST_EXAMPLES, **FUZZ_SETTINGS)
    @given(rest_requests())
    def one_request(request):
        kind, body, headers, query = request
        n = sum(kinds.values())
        headers = {**headers, "X-Forwarded-For": f"198.18.{n // 250 % 250}.{n % 250 + 1}"}
        response = session.post(live_stack.rest_url + query, data=body, headers=headers,
                                timeout=60)
        kinds[kind] += 1
        statuses[response.status_code] += 1
        assert response.status_code < 500, (kind, body[:200], response.text[:300])
        payload = response.json()  # always JSON, errors included
        if response.status_code == 200:
            assert isinstance(payload, list)
            assert all(isinstance(reply, dict) for reply in payload)
            if any("not working right now" in (reply.get("text") or "") for reply in payload):
                statuses["200, the plain-words unavailable reply"] += 1
        elif response.status_code != 429:
            assert "error" in payload

    one_request()
    after = rss_mb(rasa)
    print(f"\nREST fuzz: {sum(kinds.values())} requests; by kind {dict(kinds)}; "
          f"by status {dict(statuses)}; Rasa RSS {before:.0f} -> {after:.0f} MB")
    assert sum(kinds.values()) >= REST_EXAMPLES
    assert all(all_running(live_stack).values()), all_running(live_stack)
    assert after < before * 1.5 + 150
    assert contacts()["urgent_help"] in reply_text(ask(live_stack, "hello", new_sender()))


# ------------------------------------------------------------------------------ socket.io
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)
session_ids = st.one_of(st.none(), st.integers(), st.just(""), st.just("x" * 200), st.text(max_size=40),
                        st.lists(st.text(max_size=3), max_size=2), st.just("valid"))
socketio_events = st.one_of(
    st.tuples(st.just("user_uttered"), st.fixed_dictionaries({
        "message": st.one_of(texts, json_values),
        "session_id": session_ids,
    }, optional={"metadata": st.one_of(json_values, st.just("{not json"), st.just('{"audience": "family"}'),
                                       st.just({"big": "x" * 5000}))})),
    st.tuples(st.just("user_uttered"), st.one_of(json_values, st.binary(max_size=100))),
    st.tuples(st.just("session_request"), st.one_of(json_values, st.fixed_dictionaries({"session_id": session_ids}))),
    st.tuples(st.sampled_from(["message", "session_confirm", "bot_uttered", "x" * 300]), json_values),
)


class SocketClient:
    """One socket.io connection on a private event loop; a fresh one (from a new client address)
    every `per_connection` messages, so the per-address limit does not hide the inputs."""

    def __init__(self, live, per_connection=25):
        self.live = live
        self.loop = asyncio.new_event_loop()
        self.client = None
        self.sent = 0
        self.connections = 0
        self.per_connection = per_connection

    def run(self, coroutine):
        return self.loop.run_until_complete(coroutine)

    def connected_client(self):
        if self.client is None or not self.client.connected or self.sent % self.per_connection == 0:
            self.close_client()
            self.connections += 1
            client = socketio.AsyncClient(reconnection=False)
            self.run(client.connect(
                self.live.rasa_url, transports=TRANSPORTS, wait_timeout=10,
                headers={"Origin": self.live.web_url,
                         "X-Forwarded-For": f"198.19.{self.connections // 250}.{self.connections % 250 + 1}"}))
            self.client = client
        return self.client

    def close_client(self):
        if self.client is not None:
            self.run(self.client.disconnect())
            self.client = None

    def close(self):
        self.close_client()
        self.loop.close()


def test_socketio_fuzz_never_fails_the_server(live_stack):
    rasa = psutil.Process(live_stack.services["rasa"].process.pid)
    before = rss_mb(rasa)
    socket = SocketClient(live_stack)
    outcomes, events = Counter(), Counter()

    @settings(max_examples=SOCKETIO_EXAMPLES, **FUZZ_SETTINGS)
    @given(socketio_events)
    def one_event(event_and_data):
        event, data = event_and_data
        if isinstance(data, dict) and data.get("session_id") == "valid":
            data = {**data, "session_id": uuid.uuid4().hex}
        client = socket.connected_client()
        socket.sent += 1
        events[event if len(event) < 30 else "a 300-character event name"] += 1
        if event in ("user_uttered", "session_request"):
            # The handler acknowledges once it has finished: it must always finish.
            socket.run(client.call(event, data, timeout=60))
            outcomes["acknowledged"] += 1
        else:
            socket.run(client.emit(event, data))
            socket.run(asyncio.sleep(0.01))
            outcomes["sent without acknowledgement"] += 1
        assert client.connected

    try:
        one_event()
        # After all that, the same connection kind still gets a real answer.
        client = socket.connected_client()
        replies: asyncio.Queue = asyncio.Queue()
        client.on("bot_uttered", replies.put_nowait)
        session_id = uuid.uuid4().hex
        socket.run(client.call("session_request", {"session_id": session_id}, timeout=30))
        socket.run(client.call("user_uttered", {"message": "hello", "session_id": session_id},
                               timeout=60))
        reply = socket.run(asyncio.wait_for(replies.get(), 30))
    finally:
        socket.close()
    after = rss_mb(rasa)
    print(f"\nsocket.io fuzz: {sum(events.values())} events on {socket.connections} connections; "
          f"{dict(events)}; {dict(outcomes)}; Rasa RSS {before:.0f} -> {after:.0f} MB")
    assert sum(events.values()) >= SOCKETIO_EXAMPLES
    assert contacts()["urgent_help"] in reply["text"]
    assert all(all_running(live_stack).values()), all_running(live_stack)
    assert after < before * 1.5 + 150
