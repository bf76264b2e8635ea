"""Talking to the live servers the way a website does."""
import json
import random
import sqlite3
import uuid
from pathlib import Path
from typing import Dict, List

import requests


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex}"


def visitor() -> Dict[str, str]:
    """Headers of a new visitor behind the local reverse proxy (a random TEST-NET-2 address), so
    the suite's many messages are not all one client for the per-address rate limit."""
    return {"X-Forwarded-For": f"198.51.100.{random.randint(1, 254)}"}


def ask(live, text: str, sender: str = None, origin: str = None) -> List[Dict]:
    """Send one message over REST and return the assistant's replies."""
    headers = {**visitor(), **({"Origin": origin} if origin else {})}
    response = requests.post(
        live.rest_url,
        json={"sender": sender or new_sender(), "message": text},
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def reply_text(replies: List[Dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def stored_user_events(tracker_db: Path, sender: str) -> List[Dict]:
    """The user messages of one conversation, as the tracker store keeps them."""
    with sqlite3.connect(tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (sender,),
        ).fetchall()
    return [json.loads(data) for (data,) in rows]
