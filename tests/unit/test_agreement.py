"""scripts/agreement.py: independent readers' topics for the dev questions, against the labels."""
from pathlib import Path

import pytest

from assistant import dev_questions
from scripts import agreement

READERS = sorted(Path("docs/agreement").glob("labels_*.jsonl"))


def reader(*topics):
    return {f"q{i}": {"topic": first, "second": second}
            for i, (first, second) in enumerate(topics)}


def test_the_majority_needs_more_than_half_of_the_readers():
    readers = [reader(("rehoming", None)), reader(("rehoming", None)), reader(("toddlers", None))]
    assert agreement.majority(readers, "q0") == "rehoming"
    assert agreement.majority(readers[1:], "q0") is None


def test_counts_first_choices_and_first_two_choices_that_match_the_reference():
    labels = reader(("rehoming", "growled"), ("toddlers", None), ("growled", "toddlers"))
    reference = {"q0": "growled", "q1": "toddlers", "q2": "rehoming"}
    assert agreement.agreement(labels, reference) == 1
    assert agreement.within_two(labels, reference) == 2


@pytest.mark.parametrize("labels", READERS, ids=[path.stem for path in READERS])
def test_each_reader_gave_every_dev_question_a_dev_topic(labels):
    questions = dev_questions.load()
    given = agreement.read_labels(labels)
    assert set(given) == {q["id"] for q in questions}
    known = {q["topic"] for q in questions}
    assert all(row["topic"] in known and row.get("second") in known | {None}
               for row in given.values())


def test_there_are_readers_to_measure_with():
    assert len(READERS) >= 3
