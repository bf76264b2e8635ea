"""Talking to the live servers the way a website does."""
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Dict, List

import requests


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex}"


def ask(live, text: str, sender: str = None, origin: str = None) -> List[Dict]:
    """Send one message over REST and return the assistant's replies."""
    headers = {"Origin": origin} if origin else {}
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
