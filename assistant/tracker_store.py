"""Rasa's SQL conversation store, storing what users typed only after redaction.

endpoints.yml names it (`type: assistant.tracker_store.RedactingSQLTrackerStore`); it takes the
same settings as Rasa's `type: SQL` store (dialect, url), so SQLite and PostgreSQL both work.

Rasa keeps the conversation in memory while it answers a message and then calls `save`, which
serialises each new event with `event.as_dict()` and writes it as JSON. Here the serialised copy
of each user event has its text (the event's `text`, `parse_data.text`, entity values and
metadata strings) passed through `assistant.redaction.redact` before it is written, and so has
the `session_started_metadata` slot (Rasa copies the first message's metadata there); the event
objects in memory are not changed, so the message being answered is understood from what the
user actually typed. On the next message Rasa reads the conversation back from the store, so
the history it sees is the redacted one: intents, actions and slots are stored unchanged, which
is all the rules need. Events sent to an event broker (none is configured) are redacted the
same way.
"""
import copy
import json
import logging
import os
from typing import Any, Callable, Collection, Dict, List, Text

import sqlalchemy as sa

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.constants import SESSION_START_METADATA_SLOT
from rasa.shared.core.events import Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from assistant import redaction

logger = logging.getLogger(__name__)


def _expand(value: Any) -> Any:
    """${VARIABLES} in a setting, filled from the environment.

    Rasa fills ${...} in endpoints.yml only where the value is not in quotes; this fills them
    either way, and refuses to start with one left unfilled.
    """
    if not isinstance(value, str) or "${" not in value:
        return value
    expanded = os.path.expandvars(value)
    if "${" in expanded:
        raise ValueError(f"Set the environment variables in {value!r} (see .env.example)")
    return expanded


def _redact_strings(value: Any, redact: Callable[[Text], Text] = redaction.redact) -> Any:
    """Every string inside a JSON-like value, redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_strings(item, redact) for item in value]
    if isinstance(value, dict):
        return {key: _redact_strings(item, redact) for key, item in value.items()}
    return value


def redact_event_data(data: Dict[Text, Any], rasas_own: Collection[Text] = ()) -> Dict[Text, Any]:
    """A serialised event, with what the user sent redacted: a user event's text, entities and
    metadata, and the copy of the first message's metadata that Rasa keeps in the
    `session_started_metadata` slot. Other events are returned unchanged.

    `rasas_own`: strings that Rasa itself writes into every event (the model's and the
    assistant's ids), left as they are: nobody typed them, and finding names in them cost two
    runs of spaCy's pipeline for each message, as many as the user's own text."""
    if data.get("event") == SlotSet.type_name and data.get("name") == SESSION_START_METADATA_SLOT:
        return {**data, "value": _redact_strings(copy.deepcopy(data.get("value")))}
    if data.get("event") != UserUttered.type_name:
        return data
    redacted: Dict[Text, Text] = {}

    def redact(text: Text) -> Text:
        if text in rasas_own:
            return text
        # The event's text and parse_data's text are the same string: find names in it once.
        if text not in redacted:
            redacted[text] = redaction.redact(text)
        return redacted[text]

    data = copy.deepcopy(data)
    if data.get("text"):
        data["text"] = redact(data["text"])
    parse_data = data.get("parse_data")
    if isinstance(parse_data, dict):
        if parse_data.get("text"):
            parse_data["text"] = redact(parse_data["text"])
        for entity in parse_data.get("entities") or []:
            if isinstance(entity, dict) and isinstance(entity.get("value"), str):
                entity["value"] = redact(entity["value"])
        if parse_data.get("metadata"):
            parse_data["metadata"] = _redact_strings(parse_data["metadata"], redact)
    if data.get("metadata"):
        data["metadata"] = _redact_strings(data["metadata"], redact)
    return data


def _sqlite_without_a_disk_sync_per_message(dbapi_connection: Any, _: Any) -> None:
    """Write-ahead log, synced at checkpoints: a stored message survives the process being
    killed (only a power cut could lose the last few), without a disk sync on every commit."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _in_memory(url: Any) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def _engine_kwargs(url: Any) -> Dict[str, Any]:
    if url.get_backend_name() == "sqlite":
        # SQLAlchemy 1.4 opens a new connection per session for a SQLite file: keep a few open
        # instead (each one is only used by one thread at a time, hence check_same_thread off).
        # An in-memory database lives as long as its one connection, so all share that one.
        pool = sa.pool.StaticPool if _in_memory(url) else sa.pool.QueuePool
        return {"poolclass": pool, "connect_args": {"check_same_thread": False}}
    return create_engine_kwargs(url)


class RedactingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose stored user events carry redacted text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        redaction.load()  # fail at start-up, not on the first message, if the model is missing
        super().__init__(*args, **{key: _expand(value) for key, value in kwargs.items()})
        # Rasa's engine does not test pooled connections before use: after a database restart
        # the first read fails, and Rasa then answers as if the conversation were new.
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **_engine_kwargs(url))
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_without_a_disk_sync_per_message)
        if _in_memory(url):  # the tables made by Rasa went with the engine replaced above
            self.Base.metadata.create_all(self.engine)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa 3.6's SQLTrackerStore.save, with each event's data redacted before writing."""
        await self.stream_events(tracker)

        with self.session_scope() as session:
            # What Rasa adds to each event's metadata (unless the metadata sent has these keys).
            rasas_own = {value for value in (tracker.model_id, tracker.assistant_id) if value}
            for event in self._additional_events(session, tracker):
                data = redact_event_data(event.as_dict(), rasas_own)
                intent = (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY)
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent,
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()

        logger.debug("Conversation stored (user text redacted)")

    async def _stream_new_events(
        self, event_broker: EventBroker, new_events: List[Event], sender_id: Text
    ) -> None:
        for event in new_events:
            event_broker.publish({"sender_id": sender_id, **redact_event_data(event.as_dict())})
