"""Locust load for `make bench` (scripts/bench/bench.py): each user is one conversation that sends
realistic questions over REST, one after another, waiting for each answer (as the widget does),
and starts a new conversation every MESSAGES_PER_CONVERSATION messages.

Bounded twice: by locust's --run-time, and by BENCH_MAX_MESSAGES_PER_USER per user.
Settings (environment): BENCH_QUESTIONS (a file, one question a line),
BENCH_MAX_MESSAGES_PER_USER (default 1000). Loopback targets only.
"""
import json
import os
import random
import uuid
from urllib.parse import urlsplit

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

MESSAGES_PER_CONVERSATION = 10
NO_REPLY_WORDS = "not working right now"

with open(os.environ["BENCH_QUESTIONS"], encoding="utf-8") as f:
    QUESTIONS = [line.strip() for line in f if line.strip()]
MAX_MESSAGES = int(os.environ.get("BENCH_MAX_MESSAGES_PER_USER", "1000"))


class Conversation(FastHttpUser):
    wait_time = constant(0)
    network_timeout = 120.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        host = urlsplit(self.host).hostname or ""
        if not (host == "localhost" or host.startswith("127.") or host == "::1"):
            raise StopUser()  # loopback only
        self.sent = 0
        self.position = random.randrange(len(QUESTIONS))
        self.sender = uuid.uuid4().hex

    @task
    def ask(self) -> None:
        if self.sent >= MAX_MESSAGES:
            raise StopUser()
        if self.sent and self.sent % MESSAGES_PER_CONVERSATION == 0:
            self.sender = uuid.uuid4().hex
        text = QUESTIONS[self.position % len(QUESTIONS)]
        self.position += 1
        self.sent += 1
        body = json.dumps({"sender": self.sender, "message": text})
        with self.client.post("/webhooks/rest/webhook", data=body, name="message",
                              headers={"Content-Type": "application/json"},
                              catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            try:
                replies = response.json()
            except ValueError:
                response.failure("not JSON")
                return
            texts = " ".join((r.get("text") or "") for r in replies or [])
            if not replies or NO_REPLY_WORDS in texts:
                response.failure("no real answer")
            else:
                response.success()
