"""Deletes conversations whose last event is older than RETENTION_DAYS (default 30).

Works on the conversation store Rasa uses (TRACKER_URL: SQLite by default, or PostgreSQL), the
`events` table of Rasa's SQL tracker store. Safe to run from cron:
- idempotent: a second run deletes nothing more;
- short transactions: conversations are deleted in small batches, each its own transaction, and
  a conversation that received a new event after it was chosen is left alone (the delete
  re-checks its last event), so a running assistant is never blocked for long;
- SQLite waits up to 30 s for a lock instead of failing, overwrites deleted rows with zeros
  (secure_delete) and then empties the write-ahead log into the database file (a checkpoint),
  so deleted messages linger neither in the file nor in the log beside it;
- prints what it deleted: each conversation (its random id, events, last activity) and a total.

usage: python scripts/purge.py [--days N] [--url URL] [--dry-run] [--quiet]
  (`make purge`; e.g. cron: 17 3 * * * cd /srv/assistant && make purge >> var/purge.log 2>&1)
"""
import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import settings  # noqa: E402

BATCH = 100
SECONDS_PER_DAY = 24 * 60 * 60


def retention_days() -> int:
    return settings.get_int("RETENTION_DAYS", 30)


def tracker_url() -> str:
    return settings.rasa_environment()["TRACKER_URL"]


def make_engine(url: str) -> sa.engine.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _secure_delete(connection, _record) -> None:
            connection.execute("PRAGMA secure_delete = ON")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _when(timestamp: Optional[float]) -> str:
    if timestamp is None:
        return "unknown"
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def expired_conversations(engine: sa.engine.Engine, cutoff: float) -> List[Tuple[str, int, float]]:
    """(sender id, number of events, last event time) of each conversation idle since cutoff."""
    query = sa.text(
        "SELECT sender_id, COUNT(*), MAX(timestamp) FROM events "
        "GROUP BY sender_id HAVING MAX(timestamp) < :cutoff ORDER BY MAX(timestamp)"
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query, {"cutoff": cutoff})]


def delete_conversations(
    engine: sa.engine.Engine, senders: Sequence[str], cutoff: float
) -> Dict[str, int]:
    """Deletes the events of these conversations, in one transaction, except those that got a
    new event since `cutoff`; returns the number of events deleted for each."""
    statement = sa.text(
        "DELETE FROM events WHERE sender_id = :sender AND NOT EXISTS "
        "(SELECT 1 FROM events AS newer WHERE newer.sender_id = :sender "
        "AND newer.timestamp >= :cutoff)"
    )
    with engine.begin() as connection:
        return {
            sender: connection.execute(statement, {"sender": sender, "cutoff": cutoff}).rowcount
            for sender in senders
        }


def purge(url: str, days: int, dry_run: bool = False, quiet: bool = False,
          now: Optional[float] = None) -> Tuple[int, int]:
    """Deletes expired conversations; returns (conversations, events) deleted."""
    if days < 1:
        raise SystemExit(f"RETENTION_DAYS must be at least 1, got {days}")
    cutoff = (now if now is not None else time.time()) - days * SECONDS_PER_DAY
    location = sa.engine.url.make_url(url)
    if location.drivername.startswith("sqlite") and not Path(location.database or "").is_file():
        print(f"No conversation store at {location.database}: nothing to delete.")
        return 0, 0
    engine = make_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            print("No conversation store yet (no events table): nothing to delete.")
            return 0, 0
        expired = expired_conversations(engine, cutoff)
        conversations = events = 0
        for start in range(0, len(expired), BATCH):
            batch = expired[start:start + BATCH]
            if dry_run:
                deleted = {sender: count for sender, count, _ in batch}
            else:
                deleted = delete_conversations(engine, [sender for sender, _, _ in batch], cutoff)
            for sender, _, last in batch:
                if not deleted.get(sender):
                    continue  # it came back to life while we were deleting: kept
                conversations += 1
                events += deleted[sender]
                if not quiet:
                    print(f"{'would delete' if dry_run else 'deleted'} conversation {sender}: "
                          f"{deleted[sender]} events, last activity {_when(last)}")
        if conversations and not dry_run and engine.dialect.name == "sqlite":
            # The assistant's store runs in WAL mode: the deleted pages stay in the -wal file
            # until a checkpoint copies the zeroed pages back and truncates it.
            with engine.connect() as connection:
                connection.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        verb = "Would delete" if dry_run else "Deleted"
        print(f"{verb} {conversations} conversations ({events} events) with no activity since "
              f"{_when(cutoff)} (RETENTION_DAYS={days}).")
        return conversations, events
    finally:
        engine.dispose()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=None,
                        help="keep conversations active in the last N days (RETENTION_DAYS)")
    parser.add_argument("--url", default=None, help="the store's URL (TRACKER_URL)")
    parser.add_argument("--dry-run", action="store_true", help="only print what would go")
    parser.add_argument("--quiet", action="store_true", help="print only the total")
    args = parser.parse_args(argv)
    purge(args.url or tracker_url(), args.days if args.days is not None else retention_days(),
          dry_run=args.dry_run, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
