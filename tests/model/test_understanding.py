"""The trained model: safety routing, false alarms on real questions, topic buttons."""
from pathlib import Path

import pytest
import yaml

from assistant import topics
from assistant import dev_questions

ROOT = Path(__file__).resolve().parents[2]
SAFETY = yaml.safe_load((ROOT / "tests" / "safety" / "messages.yml").read_text(encoding="utf-8"))
MAX_FALSE_ALARM_RATE = 0.05

POSITIVES = [(category, text) for category, texts in SAFETY["positives"].items() for text in texts]


@pytest.mark.parametrize("category,text", POSITIVES)
def test_every_safety_message_is_routed_to_its_help(parse, category, text):
    assert parse(text)["intent"]["name"] == f"safety_{category}"


@pytest.mark.parametrize("text", SAFETY["negatives"])
def test_ordinary_questions_are_not_routed_to_safety(parse, text):
    assert not parse(text)["intent"]["name"].startswith("safety_")


def test_false_alarms_on_real_questions_stay_at_or_under_5_percent(parse):
    questions = dev_questions.load()
    calm = [q for q in questions if not q["urgent"]]
    alarms = [q["id"] for q in calm if parse(q["text"])["intent"]["name"].startswith("safety_")]
    rate = len(alarms) / len(calm)
    print(f"safety false alarms on the dev questions: {len(alarms)}/{len(calm)} = {rate:.1%} {alarms}")
    assert rate <= MAX_FALSE_ALARM_RATE


@pytest.mark.parametrize("intent,label", sorted(topics.labels().items()))
def test_each_topic_button_label_gets_its_topic(parse, intent, label):
    assert parse(label)["intent"]["name"] == intent
