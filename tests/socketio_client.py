"""A browser's socket.io conversation with Rasa, for the live and the scale-out tests."""
import asyncio
import uuid
from typing import Dict, List, Sequence, Tuple

import socketio


async def converse(url: str, origin: str, texts: Sequence[str], transports=("websocket",),
                   headers: Dict[str, str] = None, timeout: float = 30,
                   settle: float = 1.5) -> Tuple[str, List[Dict]]:
    """Connect as a browser on `origin` would, send each text in turn; the session id and replies.

    Rasa's socket.io channel sends each paragraph of an answer as its own message, so each reply
    collects messages until none has arrived for `settle` seconds.
    """
    client = socketio.AsyncClient(reconnection=False)
    messages: asyncio.Queue = asyncio.Queue()
    confirmed = asyncio.Event()
    client.on("session_confirm", lambda *_: confirmed.set())
    client.on("bot_uttered", messages.put_nowait)
    session_id = uuid.uuid4().hex
    await client.connect(url, headers={"Origin": origin, **(headers or {})},
                         transports=list(transports), wait_timeout=10)
    replies = []
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), timeout)
        for text in texts:
            await client.emit("user_uttered", {"message": text, "session_id": session_id})
            parts = [await asyncio.wait_for(messages.get(), timeout)]
            while True:
                try:
                    parts.append(await asyncio.wait_for(messages.get(), settle))
                except asyncio.TimeoutError:
                    break
            replies.append({
                "text": "\n\n".join(p.get("text", "") for p in parts),
                "quick_replies": [q for p in parts for q in p.get("quick_replies", [])],
            })
    finally:
        await client.disconnect()
    return session_id, replies
