"""Talking to the scale-out topology, and reading what PostgreSQL stored."""
import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import psycopg2
import requests

NO_REPLY_WORDS = "not working right now"

# Questions a family asks, each answered from the domain (no action server needed), and none
# changed by redaction, so each stored user event can be matched to the message sent.
QUESTIONS = [
    "hello",
    "how do I get my dog ready for the baby?",
    "what are the warning signs a dog is stressed",
    "can the dog sleep in the nursery",
    "my dog growled at my toddler",
    "how do I introduce my dog to the new baby",
    "is it safe to let my dog lick the baby",
    "how do I report a dangerous dog",
    "we are visiting grandparents who have a dog",
    "what should I do after a dog bite",
    "is an xl bully banned",
    "my dog is acting jealous of the baby",
    "where can I find the dangerous dogs pack",
    "should I rehome my dog",
]


def new_sender(prefix: str = "scale") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def visitor() -> Dict[str, str]:
    """A visitor's address as nginx would pass it on (TEST-NET-2), for messages sent straight
    to a Rasa instance. Through nginx, nginx adds the address it sees after it, and Rasa reads
    that one (the tests turn Rasa's per-address limit off: everything comes from loopback)."""
    return {"X-Forwarded-For": f"198.51.100.{random.randint(1, 254)}"}


@dataclass
class Sent:
    text: str
    started: float
    finished: float
    status: Optional[int]
    replies: Optional[list]
    upstream: str = ""

    @property
    def answered(self) -> bool:
        """A real answer (not an error, not the guard's 'not working' reply)."""
        return (self.status == 200 and bool(self.replies)
                and NO_REPLY_WORDS not in " ".join(r.get("text") or "" for r in self.replies))


def post(url: str, sender: str, text: str, timeout: float = 30) -> Sent:
    started = time.monotonic()
    try:
        response = requests.post(url, json={"sender": sender, "message": text},
                                 headers=visitor(), timeout=timeout)
        try:
            replies = response.json()
        except ValueError:
            replies = None
        return Sent(text, started, time.monotonic(), response.status_code, replies,
                    response.headers.get("X-Upstream", ""))
    except requests.RequestException:
        return Sent(text, started, time.monotonic(), None, None)


@dataclass
class Reply:
    status: int
    headers: "http.client.HTTPMessage"
    replies: object

    @property
    def upstream(self) -> str:
        """The Rasa instance that answered ("" when nginx answered itself)."""
        return self.headers.get("X-Upstream", "")

    @property
    def answered(self) -> bool:
        return (self.status == 200 and bool(self.replies)
                and NO_REPLY_WORDS not in " ".join(r.get("text") or "" for r in self.replies))


def post_from(address, source: str, forwarded_for: str, text: str = "hello") -> Reply:
    """A REST message to `address` (a topology.Address) sent from the local address `source`,
    as a load balancer there would pass on a client's message (X-Forwarded-For)."""
    connection = http.client.HTTPConnection(address.connect_host, address.port, timeout=30,
                                            source_address=(source, 0))
    try:
        connection.request("POST", "/webhooks/rest/webhook",
                           body=json.dumps({"sender": new_sender("balanced"), "message": text}),
                           headers={"Content-Type": "application/json",
                                    "X-Forwarded-For": forwarded_for})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    try:
        replies = json.loads(body)
    except ValueError:
        replies = None
    return Reply(response.status, response.headers, replies)


def rest_url(base: str) -> str:
    return f"{base.rstrip('/')}/webhooks/rest/webhook"


# ------------------------------------------------------------------------------ PostgreSQL
class Store:
    """Read-only look at the events table the Rasa instances write."""

    def __init__(self, config) -> None:
        self.config = config

    def _connect(self):
        c = self.config
        return psycopg2.connect(host=c.postgres.connect_host, port=c.postgres.port,
                                user=c.postgres_user, password=c.postgres_password,
                                dbname=c.postgres_db, connect_timeout=5)

    def events(self, sender: str) -> List[Tuple[int, str, dict]]:
        with self._connect() as db, db.cursor() as cur:
            cur.execute("SELECT id, type_name, data FROM events WHERE sender_id = %s ORDER BY id",
                        (sender,))
            rows = cur.fetchall()
        return [(row_id, type_name, json.loads(data)) for row_id, type_name, data in rows]

    def events_of(self, senders: List[str]) -> Dict[str, List[Tuple[int, str, dict]]]:
        with self._connect() as db, db.cursor() as cur:
            cur.execute("SELECT sender_id, id, type_name, data FROM events "
                        "WHERE sender_id = ANY(%s) ORDER BY id", (list(senders),))
            rows = cur.fetchall()
        found = {s: [] for s in senders}
        for sender, row_id, type_name, data in rows:
            found[sender].append((row_id, type_name, json.loads(data)))
        return found


def user_texts(events) -> List[str]:
    return [data.get("text") for _, type_name, data in events if type_name == "user"]


def check_conversation(events, sent: List[Sent], must_store: List[Sent]) -> None:
    """What every stored conversation must look like, whatever failed on the way:

    one session; the user messages stored are messages sent, in the order sent, none twice;
    every message in `must_store` is stored; each stored message is followed by the
    assistant's reply and the conversation ends listening; no event is stored twice.
    """
    types = [t for _, t, _ in events]
    assert types.count("session_started") == 1, types
    stored = user_texts(events)
    sent_texts = [s.text for s in sent]
    assert len(stored) == len(set(stored)), f"a message was stored twice: {stored}"
    position = 0
    for text in stored:  # a subsequence of what was sent, in order
        assert text in sent_texts[position:], f"{text!r} stored out of order or never sent: {stored}"
        position = sent_texts.index(text, position) + 1
    for s in must_store:
        assert s.text in stored, f"{s.text!r} was answered after recovery but not stored: {stored}"
    # After each user event: the assistant's reply before the next user event.
    turns = " ".join(types).split("user ")[1:]
    for turn in turns:
        assert "bot" in turn.split(), f"a stored message has no stored reply: {types}"
    assert types[-1] == "action", types
    assert events[-1][2].get("name") == "action_listen", types
    serialised = [json.dumps(data, sort_keys=True) for _, _, data in events]
    assert len(serialised) == len(set(serialised)), "an event was stored twice"


# ------------------------------------------------------------------------------ traffic
@dataclass
class Conversation:
    sender: str
    sent: List[Sent] = field(default_factory=list)


class Traffic:
    """Conversations sending their questions one after another (each waits for its answer, as
    the widget does), all at once, until each has sent `per_conversation` messages."""

    def __init__(self, url: str, conversations: int, per_conversation: int,
                 pause: float = 0.0, prefix: str = "scale") -> None:
        self.url = url
        self.per_conversation = per_conversation
        self.pause = pause
        self.conversations = [Conversation(new_sender(prefix)) for _ in range(conversations)]
        self._start = threading.Barrier(conversations)
        self._threads = [threading.Thread(target=self._talk, args=(c, i), daemon=True)
                         for i, c in enumerate(self.conversations)]

    def _talk(self, conversation: Conversation, index: int) -> None:
        self._start.wait()
        for n in range(self.per_conversation):
            text = QUESTIONS[(index + n) % len(QUESTIONS)]
            if n >= len(QUESTIONS):
                text = f"{text} please"  # keeps each message of a conversation unique
            conversation.sent.append(post(self.url, conversation.sender, text))
            if self.pause:
                time.sleep(self.pause)

    def start(self) -> "Traffic":
        for thread in self._threads:
            thread.start()
        return self

    def join(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self._threads), "traffic did not finish in time"


def wait_until_answered(url: str, timeout: float = 90) -> float:
    """Sends a probe message (a new conversation each time) until one gets a real answer;
    returns when that happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        probe = post(url, new_sender("probe"), "hello", timeout=10)
        if probe.answered:
            return time.monotonic()
        time.sleep(0.5)
    raise AssertionError(f"the assistant did not answer again within {timeout:.0f} s")
