"""The curated answers: sources, review dates, reading level, and the one place for contacts."""
import re
import string
from pathlib import Path

import pytest
import textstat
import yaml

from assistant import topics
from assistant.contacts import CONTACTS_FILE, load as contacts

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]
PROFESSIONAL_TOPICS = {
    "ask_visit_questions", "ask_referral", "ask_prebirth", "ask_recording", "ask_curiosity",
    "ask_pro_domestic_abuse", "ask_parental_mental_health", "ask_oliver_review", "ask_training",
}
# Answers about adults' own safety or services rather than dogs and children.
NOT_ABOUT_DOGS_AND_CHILDREN = {"ask_domestic_abuse_info", "ask_social_care_family"}
MAX_FAMILY_GRADE = 7.0


def response_name(intent: str) -> str:
    return "utter_" + intent[len("ask_"):]


FAMILY_ANSWERS = [response_name(i) for i in topics.labels() if i not in PROFESSIONAL_TOPICS]
ALL_ANSWERS = [response_name(i) for i in topics.labels()] + [
    name for name in RESPONSES if name.startswith("utter_safety_")]


def texts(name):
    return [variation["text"] for variation in RESPONSES[name]]


def rendered(text: str) -> str:
    return text.format(**contacts())


def readable_part(text: str) -> str:
    """The words a family reads: without the source line, markdown marks and link targets."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("Source:"))
    body = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", body)
    body = re.sub(r"[*_#]", "", body)
    # A bullet is a sentence of its own for a reader.
    return "\n".join(line.lstrip("- ").rstrip(".") + "." for line in body.splitlines() if line.strip())


def test_every_topic_has_an_answer():
    missing = [name for name in ALL_ANSWERS if name not in RESPONSES]
    assert missing == []


@pytest.mark.parametrize("name", ALL_ANSWERS)
def test_answer_names_its_source_with_a_link_and_review_date(name):
    for text in texts(name):
        source_lines = [line for line in text.splitlines() if line.startswith("Source:")]
        assert len(source_lines) == 1, "one Source: line"
        assert re.search(r"\]\(\{\w+\}\)", source_lines[0]), "the source is a link"
        assert re.search(r"Reviewed \d{1,2} \w{3} 20\d\d\.", source_lines[0])


@pytest.mark.parametrize("name", FAMILY_ANSWERS)
def test_family_answer_reads_at_grade_7_or_below(name):
    for text in texts(name):
        grade = textstat.flesch_kincaid_grade(readable_part(rendered(text)))
        assert grade <= MAX_FAMILY_GRADE, f"Flesch-Kincaid grade {grade}"


@pytest.mark.parametrize(
    "name",
    [response_name(i) for i in topics.labels()
     if i not in PROFESSIONAL_TOPICS | NOT_ABOUT_DOGS_AND_CHILDREN],
)
def test_answer_about_dogs_and_children_carries_the_never_leave_line(name):
    assert all("{never_leave}" in text for text in texts(name))


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_placeholder_is_defined_once_in_contacts(name):
    for text in texts(name):
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        assert fields <= set(contacts()), f"unknown: {fields - set(contacts())}"
        rendered(text)


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_buttons_send_plain_text_never_commands(name):
    for variation in RESPONSES[name]:
        for button in variation.get("buttons", []):
            assert not button["payload"].lstrip().startswith("/")


def phone_numbers():
    raw = yaml.safe_load(CONTACTS_FILE.read_text(encoding="utf-8"))
    return {number for number in raw["phones"].values()}


def files_outside_contacts():
    # Training examples and the patterns that recognise users' words (people do type "999")
    # are not answers, so data/, redflags.py and redaction.py are not searched.
    patterns = ["domain.yml", "actions/**/*.py", "assistant/**/*.py",
                "web/src/**/*", "web/public/**/*.html"]
    readers_of_user_text = {"redflags.py", "redaction.py"}
    for pattern in patterns:
        for path in ROOT.glob(pattern):
            if path.is_file() and path.name not in readers_of_user_text:
                yield path


def test_phone_numbers_and_links_are_written_only_in_contacts_yml():
    found = []
    numbers = [re.escape(n.split(",")[0]) for n in phone_numbers()]
    number_pattern = re.compile(r"(?<![\w.])(" + "|".join(numbers) + r")(?![\w.])")
    link_pattern = re.compile(r"https?://(?!localhost|127\.0\.0\.1)[\w-]+\.[\w.-]+")
    for path in files_outside_contacts():
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in number_pattern.findall(line) + link_pattern.findall(line):
                found.append(f"{path.relative_to(ROOT)}:{lineno}: {match}")
    assert found == []
