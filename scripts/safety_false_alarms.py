"""False-alarm rate of the safety red-flag check on the real-questions dev set.

Runs `assistant.redflags.detect` on every question of
/work/shared/eval/dev_questions.jsonl (fields: id, text, topic, audience, urgent) and prints
which non-urgent questions fire (id, category, first 80 characters) and how many urgent ones
fire. Exits 1 when more than 5% of the non-urgent questions fire, 2 when the file is missing.

The dev questions judge generalisation: measure with them, never copy them into
tests/safety/messages.yml or write patterns to match them.

    .venv/bin/python scripts/safety_false_alarms.py [--max-rate 0.05] [--file PATH]
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.redflags import detect  # noqa: E402

DEV_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev_questions.jsonl"


def load(path: Path):
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line:
                yield json.loads(line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEV_FILE)
    parser.add_argument("--max-rate", type=float, default=0.05,
                        help="highest acceptable false-alarm rate on non-urgent questions")
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(f"dev questions not found: {args.file}", file=sys.stderr)
        return 2

    questions = list(load(args.file))
    normal = [q for q in questions if not q.get("urgent")]
    urgent = [q for q in questions if q.get("urgent")]

    false_alarms = []
    for q in normal:
        category = detect(q.get("text") or "")
        if category is not None:
            false_alarms.append((q, category))
    urgent_hits = []
    for q in urgent:
        urgent_hits.append((q, detect(q.get("text") or "")))

    rate = len(false_alarms) / len(normal) if normal else 0.0
    print(f"dev questions: {len(questions)} ({len(normal)} non-urgent, {len(urgent)} urgent)")
    print(f"non-urgent that fire (false alarms): {len(false_alarms)}/{len(normal)} = {rate:.1%}")
    for q, category in false_alarms:
        text = " ".join(str(q.get("text") or "").split())
        print(f"  {q.get('id')}  {category:16}  {text[:80]}")
    fired = sum(1 for _, c in urgent_hits if c is not None)
    print(f"urgent that fire: {fired}/{len(urgent)}")
    for q, category in urgent_hits:
        print(f"  {q.get('id')}  {category or '-':16}")
    if rate > args.max_rate:
        print(f"FAIL: false-alarm rate {rate:.1%} is above {args.max_rate:.0%}")
        return 1
    print(f"OK: false-alarm rate {rate:.1%} is at most {args.max_rate:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
