"""How often independent readers give a dev question the same topic as its label.

Each reader labelled the 81 dev questions alone, from a brief that lists the topics
(docs/agreement/brief*.md), without seeing the labels. Their agreement with the labels estimates
the ceiling for a single first answer on this set; the assistant is measured against both the
labels and the readers' majority.

usage: python scripts/agreement.py [--model models/assistant.tar.gz] docs/agreement/labels_*.jsonl
"""
import argparse
import json
import sys
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from evaluate import (OUT_OF_SCOPE_TOPIC, RIGHT, load_questions, offers_right_topic,  # noqa: E402
                      outcome, parse_all, pct)

Labels = Dict[str, dict]  # question id -> {"topic": ..., "second": ...}


def read_labels(path: Path) -> Labels:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {row["id"]: row for row in rows}


def majority(readers: List[Labels], question_id: str) -> Optional[str]:
    """The topic most readers chose, or None when no topic has more than half of them."""
    topic, votes = Counter(r[question_id]["topic"] for r in readers).most_common(1)[0]
    return topic if votes * 2 > len(readers) else None


def agreement(reader: Labels, reference: Dict[str, str]) -> int:
    return sum(reader[qid]["topic"] == topic for qid, topic in reference.items())


def within_two(reader: Labels, reference: Dict[str, str]) -> int:
    return sum(topic in (reader[qid]["topic"], reader[qid].get("second"))
               for qid, topic in reference.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="+", type=Path, help="one JSON-lines file per reader")
    parser.add_argument("--model", type=Path, help="also measure this trained model")
    args = parser.parse_args()

    questions = [q for q in load_questions() if q["topic"] != OUT_OF_SCOPE_TOPIC]
    labelled = {q["id"]: q["topic"] for q in questions}
    names = [path.stem.replace("labels_", "") for path in args.labels]
    readers = [read_labels(path) for path in args.labels]
    n = len(labelled)

    print(f"In-scope dev questions: {n}; readers: {len(readers)}\n")
    print("| reader | first choice = label | label in first two |\n|---|---|---|")
    for name, reader in zip(names, readers):
        first, two = agreement(reader, labelled), within_two(reader, labelled)
        print(f"| {name} | {first}/{n} = {pct(first, n).strip()} "
              f"| {two}/{n} = {pct(two, n).strip()} |")

    print("\n| readers | same first choice |\n|---|---|")
    for (name_a, a), (name_b, b) in combinations(zip(names, readers), 2):
        same = agreement(a, {qid: b[qid]["topic"] for qid in labelled})
        print(f"| {name_a}, {name_b} | {same}/{n} |")

    majorities = {qid: majority(readers, qid) for qid in labelled}
    differ = sorted(qid for qid, topic in majorities.items() if topic != labelled[qid])
    print(f"\nThe readers' majority differs from the label on {len(differ)}/{n}: "
          + ", ".join(f"{qid} ({labelled[qid]} -> {majorities[qid]})" for qid in differ))

    if args.model:
        parses = parse_all(args.model, [q["text"] for q in questions])
        for reference, name in ((labelled, "the labels"), (majorities, "the readers' majority")):
            # A question without a majority topic has nothing to agree with.
            scored = [({**q, "topic": reference[q["id"]]}, parse)
                      for q, parse in zip(questions, parses) if reference[q["id"]]]
            right = sum(outcome(q, parse["intent"]["name"]) in RIGHT for q, parse in scored)
            print(f"The assistant's first answer agrees with {name}: "
                  f"{right}/{len(scored)} = {pct(right, len(scored)).strip()}")
        # Beside the readers' "label in first two": the assistant's ranking, before the fallback.
        two = sum(offers_right_topic(q, parse, buttons=2) for q, parse in zip(questions, parses))
        print(f"The assistant's two likeliest topics include the label: {two}/{n} = "
              f"{pct(two, n).strip()}")


if __name__ == "__main__":
    main()
