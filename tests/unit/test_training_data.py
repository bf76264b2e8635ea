"""The dev questions measure the assistant; none of them may leak into its training examples."""
import re
from pathlib import Path

import yaml

from assistant import dev_questions

ROOT = Path(__file__).resolve().parents[2]
SHARED_RUN = 8  # words in a row that two independently written texts rarely share


def training_examples():
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield path.name, line.strip()[2:]


def word_runs(text):
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i:i + SHARED_RUN]) for i in range(len(words) - SHARED_RUN + 1)}


def test_no_training_example_shares_a_run_of_words_with_a_dev_question():
    dev_runs = {}
    for question in dev_questions.load():
        for run in word_runs(question["text"]):
            dev_runs[run] = question["id"]
    leaks = [(name, dev_runs[run], " ".join(run)) for name, text in training_examples()
             for run in word_runs(text) if run in dev_runs]
    assert leaks == []


def test_the_leak_check_finds_a_copied_question():
    question = dev_questions.load()[0]["text"]
    copied = word_runs("I was wondering, " + question)
    assert copied & word_runs(question)
