"""The redacting conversation store, as endpoints.yml configures it, on a real SQLite file."""
import asyncio
import json
import sqlite3

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import create_tracker_store
from rasa.core.utils import read_endpoints_from_path
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant import redaction
from assistant.settings import PROJECT_ROOT
from assistant.tracker_store import RedactingSQLTrackerStore, redact_event_data

SECRET = "I'm Sarah Jones, call 07700 900123 or sarah@example.com, we live at CB1 2AB"
STORED = "I'm [name], call [phone] or [email], we live at [postcode]"


@pytest.fixture
def store(tmp_path, monkeypatch):
    db = tmp_path / "conversations.db"
    monkeypatch.setenv("TRACKER_URL", f"sqlite:///{db}")
    monkeypatch.setenv("TRACKER_DIALECT", "sqlite")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://127.0.0.1:1/webhook")
    endpoints = read_endpoints_from_path(PROJECT_ROOT / "endpoints.yml")
    tracker_store = create_tracker_store(endpoints.tracker_store, Domain.empty())
    yield tracker_store, db
    tracker_store.engine.dispose()


def user(text, intent="greet"):
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.9},
        parse_data={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": [],
            "intent_ranking": [{"name": intent, "confidence": 0.9}],
        },
        metadata={"audience": "family", "note": "call 07700 900123"},
    )


def stored_rows(db):
    with sqlite3.connect(db) as connection:
        return [(type_name, json.loads(data)) for type_name, data in
                connection.execute("SELECT type_name, data FROM events ORDER BY id")]


def test_endpoints_yml_selects_the_redacting_store(store):
    tracker_store, _ = store
    assert isinstance(tracker_store, RedactingSQLTrackerStore)


def test_user_text_is_stored_redacted_and_the_tracker_in_memory_is_not(store):
    tracker_store, db = store
    tracker = DialogueStateTracker.from_events(
        "s1", [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
               user(SECRET), BotUttered("Hello. Call 999 in an emergency.")]
    )
    asyncio.run(tracker_store.save(tracker))

    assert tracker.latest_message.text == SECRET  # what the assistant understood from
    raw = db.read_bytes()
    for original in ("Sarah", "07700", "900123", "sarah@example.com", "CB1 2AB"):
        assert original.encode() not in raw
    (stored_user,) = [data for type_name, data in stored_rows(db) if type_name == "user"]
    assert stored_user["text"] == STORED
    assert stored_user["parse_data"]["text"] == STORED
    assert stored_user["parse_data"]["intent"]["name"] == "greet"  # the rules still see this
    assert stored_user["metadata"] == {"audience": "family", "note": "call [phone]"}
    bot = [data for type_name, data in stored_rows(db) if type_name == "bot"]
    assert bot[0]["text"] == "Hello. Call 999 in an emergency."


def test_the_next_turn_appends_after_the_redacted_history(store):
    tracker_store, db = store
    events = [ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen"), user(SECRET), BotUttered("Hello.")]
    asyncio.run(tracker_store.save(DialogueStateTracker.from_events("s2", events)))

    # Rasa reads the conversation back (redacted), adds the next turn and saves again.
    tracker = asyncio.run(tracker_store.retrieve("s2"))
    assert tracker.latest_message.text == STORED
    assert tracker.latest_message.intent["name"] == "greet"
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(user("my son Oliver was bitten, DOB 12/03/2021", "ask_after_bite"))
    tracker.update(BotUttered("After a bite..."))
    asyncio.run(tracker_store.save(tracker))

    rows = stored_rows(db)
    assert len(rows) == len(events) + 3  # nothing stored twice, nothing lost
    texts = [data["text"] for type_name, data in rows if type_name == "user"]
    assert texts == [STORED, "my son [name] was bitten, DOB [date]"]
    again = asyncio.run(tracker_store.retrieve("s2"))
    assert [e.intent_name for e in again.events if isinstance(e, UserUttered)] == [
        "greet", "ask_after_bite"]


def test_rasas_own_ids_in_the_metadata_are_stored_as_they_are_and_not_searched(store, monkeypatch):
    """Rasa adds the model's and the assistant's ids to every event's metadata: not typed by
    anyone, so not run through redaction; a client's own value under those keys still is."""
    tracker_store, db = store
    searched = []
    redact = redaction.redact
    monkeypatch.setattr(redaction, "redact", lambda text: searched.append(text) or redact(text))
    tracker = DialogueStateTracker.from_events("s3", [ActionExecuted("action_listen")])
    tracker.model_id, tracker.assistant_id = "5b9d0081d9f041f2bb524c117e9247ff", "dog-safety"
    tracker.update(user(SECRET))
    sent_as_model_id = user("hello")
    sent_as_model_id.metadata = {"model_id": SECRET}
    tracker.update(sent_as_model_id)
    asyncio.run(tracker_store.save(tracker))

    first, second = [data["metadata"] for type_name, data in stored_rows(db) if type_name == "user"]
    assert first == {"audience": "family", "note": "call [phone]",
                     "model_id": tracker.model_id, "assistant_id": "dog-safety"}
    assert second == {"model_id": STORED, "assistant_id": "dog-safety"}
    assert tracker.model_id not in searched and "dog-safety" not in searched, searched
    assert SECRET in searched


def test_only_user_events_are_changed():
    bot = BotUttered("Call 0808 2000 247").as_dict()
    assert redact_event_data(bot) == bot
    action = ActionExecuted("action_offer_topics").as_dict()
    assert redact_event_data(action) == action


def test_the_first_messages_metadata_copied_into_a_slot_is_redacted_too():
    # Rasa copies the first message's metadata into the session_started_metadata slot.
    slot = SlotSet("session_started_metadata", {"audience": "family", "note": "ring 07700 900123"})
    assert redact_event_data(slot.as_dict())["value"] == {"audience": "family", "note": "ring [phone]"}
    assert slot.value["note"] == "ring 07700 900123"  # the event itself is untouched
    other = SlotSet("audience", "professional").as_dict()
    assert redact_event_data(other) == other


def test_sqlite_store_uses_a_write_ahead_log_and_checks_pooled_connections(store):
    tracker_store, db = store
    tracker = DialogueStateTracker.from_events("wal", [user("hello")])
    asyncio.run(tracker_store.save(tracker))
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert tracker_store.engine.pool._pre_ping


def test_sqlite_store_reuses_one_open_connection_across_turns(store):
    tracker_store, _ = store
    connects = []
    sa.event.listen(tracker_store.engine, "connect", lambda *args: connects.append(1))
    for turn in range(5):
        tracker = asyncio.run(tracker_store.retrieve("pool")) or DialogueStateTracker("pool", [])
        tracker.update(user(f"turn {turn}"))
        asyncio.run(tracker_store.save(tracker))
    assert len(asyncio.run(tracker_store.retrieve("pool")).events) == 5
    assert len(connects) == 1


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_store_keeps_the_conversation(url):
    tracker_store = RedactingSQLTrackerStore(dialect="sqlite", host=url, domain=Domain.empty())
    tracker = DialogueStateTracker("memory", [])
    tracker.update(user("I'm Sam Jones"))
    asyncio.run(tracker_store.save(tracker))
    (event,) = asyncio.run(tracker_store.retrieve("memory")).events
    assert event.text == "I'm [name]"
