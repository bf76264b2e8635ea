"""scripts/purge.py on a real SQLite conversation store written by Rasa's SQL tracker store."""
import asyncio
import sqlite3
import subprocess
import sys
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from scripts import purge

DAY = 24 * 60 * 60
NOW = time.time()


def conversation(sender, *ages_in_days):
    """A conversation whose events happened the given numbers of days ago."""
    events = [ActionExecuted("action_session_start", timestamp=NOW - ages_in_days[0] * DAY),
              SessionStarted(timestamp=NOW - ages_in_days[0] * DAY)]
    for age in ages_in_days:
        events += [
            UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=NOW - age * DAY),
            BotUttered("Hello.", timestamp=NOW - age * DAY),
        ]
    return DialogueStateTracker.from_events(sender, events)


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    tracker_store = SQLTrackerStore(Domain.empty(), host=url)

    async def save_all():
        await tracker_store.save(conversation("old-1", 90, 45))
        await tracker_store.save(conversation("old-2", 31))
        await tracker_store.save(conversation("came-back", 60, 2))  # last event 2 days ago
        await tracker_store.save(conversation("recent", 1))
        await tracker_store.save(conversation("today", 0))

    asyncio.run(save_all())
    tracker_store.engine.dispose()
    return tracker_store, url, tmp_path / "conversations.db"


def senders(db_path):
    with sqlite3.connect(db_path) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


def test_conversations_idle_longer_than_retention_are_deleted_and_others_kept(store, capsys):
    tracker_store, url, db_path = store
    assert senders(db_path) == {"old-1", "old-2", "came-back", "recent", "today"}

    conversations, events = purge.purge(url, days=30)

    assert senders(db_path) == {"came-back", "recent", "today"}
    assert conversations == 2
    assert events == 6 + 4  # session start and two user/bot pairs; session start and one pair
    printed = capsys.readouterr().out
    assert "deleted conversation old-1: 6 events" in printed
    assert "deleted conversation old-2: 4 events" in printed
    assert "Deleted 2 conversations (10 events)" in printed
    # Rasa still reads what is left, whole: the conversation that came back keeps its history.
    kept = asyncio.run(tracker_store.retrieve_full_tracker("came-back"))
    assert [e.text for e in kept.events if isinstance(e, UserUttered)] == ["hello", "hello"]
    assert asyncio.run(tracker_store.retrieve("old-1")) is None


def test_a_second_run_deletes_nothing(store, capsys):
    _, url, db_path = store
    purge.purge(url, days=30)
    capsys.readouterr()
    assert purge.purge(url, days=30) == (0, 0)
    assert "Deleted 0 conversations (0 events)" in capsys.readouterr().out
    assert senders(db_path) == {"came-back", "recent", "today"}


def test_dry_run_deletes_nothing_and_says_what_would_go(store, capsys):
    _, url, db_path = store
    assert purge.purge(url, days=30, dry_run=True) == (2, 10)
    assert "Would delete 2 conversations" in capsys.readouterr().out
    assert len(senders(db_path)) == 5


def test_a_shorter_retention_deletes_more(store):
    _, url, db_path = store
    purge.purge(url, days=1, quiet=True)
    assert senders(db_path) == {"today"}


def test_a_conversation_that_got_a_new_message_after_being_chosen_is_kept(store):
    _, url, db_path = store
    cutoff = NOW - 30 * DAY
    engine = purge.make_engine(url)
    with sqlite3.connect(db_path) as db:  # "old-2" gets a message between the choice and delete
        db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) "
                   "VALUES ('old-2', 'user', ?, '{}')", (NOW,))
    deleted = purge.delete_conversations(engine, ["old-1", "old-2"], cutoff)
    engine.dispose()
    assert deleted == {"old-1": 6, "old-2": 0}
    assert "old-2" in senders(db_path)


def test_the_command_line_uses_retention_days_from_the_environment(store):
    _, url, db_path = store
    result = subprocess.run(
        [sys.executable, "scripts/purge.py", "--url", url, "--quiet"],
        env={"RETENTION_DAYS": "40", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120, cwd=purge.ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "Deleted 1 conversations (6 events)" in result.stdout
    assert "RETENTION_DAYS=40" in result.stdout
    assert senders(db_path) == {"old-2", "came-back", "recent", "today"}


def test_no_store_yet_is_not_an_error(tmp_path, capsys):
    assert purge.purge(f"sqlite:///{tmp_path / 'missing.db'}", days=30) == (0, 0)
    assert "nothing to delete" in capsys.readouterr().out
    assert not (tmp_path / "missing.db").exists()


def test_deleted_rows_are_overwritten_in_the_file(store):
    _, url, db_path = store
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE events SET data = 'SECRET-MARKER-' || sender_id WHERE sender_id = 'old-1'")
    assert b"SECRET-MARKER-old-1" in db_path.read_bytes()
    purge.purge(url, days=30, quiet=True)
    assert b"SECRET-MARKER-old-1" not in db_path.read_bytes()


def test_deleted_messages_do_not_linger_in_the_log_while_the_assistant_keeps_it_open(store):
    _, url, db_path = store
    assistant = sqlite3.connect(db_path, isolation_level=None)  # as the running store: WAL, open
    assistant.execute("PRAGMA journal_mode=WAL").fetchall()
    assistant.execute("UPDATE events SET data = 'SECRET-MARKER-' || sender_id WHERE sender_id = 'old-2'")
    wal = db_path.with_name(db_path.name + "-wal")
    assert b"SECRET-MARKER-old-2" in wal.read_bytes()
    purge.purge(url, days=30, quiet=True)
    assert b"SECRET-MARKER-old-2" not in wal.read_bytes() + db_path.read_bytes()
    assert assistant.execute("SELECT COUNT(*) FROM events WHERE sender_id = 'came-back'").fetchone()[0]
    assistant.close()
