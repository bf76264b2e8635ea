"""Tests of the safety red-flag check (assistant/redflags.py) on tests/safety/messages.yml."""
import random
import re
from pathlib import Path

import pytest
import yaml

from assistant import redflags
from assistant.redflags import CATEGORIES, detect, normalise

SET = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "safety" / "messages.yml").read_text(encoding="utf-8"))
POSITIVES = [(category, text) for category, texts in SET["positives"].items() for text in texts]
NEGATIVES = list(SET["negatives"])


def _id(prefix: str, index: int, text: str) -> str:
    return f"{prefix}-{index:02d}-" + re.sub(r"\W+", "_", text.strip())[:50]


# ------------------------------------------------------------------ the test set itself

def test_set_has_enough_messages():
    assert set(SET["positives"]) == set(CATEGORIES)
    for category in CATEGORIES:
        assert len(SET["positives"][category]) >= 20, category
    assert len(NEGATIVES) >= 60


def test_set_has_no_duplicates():
    texts = [t for _, t in POSITIVES] + NEGATIVES
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize(
    "category,text", POSITIVES,
    ids=[_id(c, i, t) for i, (c, t) in enumerate(POSITIVES)])
def test_positive_fires_its_category(category, text):
    assert detect(text) == category, redflags.matching_rules(text)


@pytest.mark.parametrize("text", NEGATIVES, ids=[_id("neg", i, t) for i, t in enumerate(NEGATIVES)])
def test_negative_does_not_fire(text):
    assert detect(text) is None, redflags.matching_rules(text)


# ------------------------------------------------------------------ normalisation

@pytest.mark.parametrize("raw,expected", [
    ("The DOG Just BIT my Baby", "the dog just bit my baby"),
    ("the dog\u2019s lead", "the dogs lead"),            # smart apostrophe dropped
    ("he\u2019s set the dog on me", "he is set the dog on me"),
    ("  lots \t of \n\n space  ", "lots of . space"),
    ("my bf hits me pls help rn", "my boyfriend hits me please help right now"),
    ("ur dog bitt my babys face", "your dog bit my baby face"),
    ("dog biten my 4yo", "dog bitten my 4 yo"),
    ("HELPPPP the dog is attaking", "help the dog is attacking"),
    ("bleeeeding", "bleeding"),
    ("\uff48\uff45\uff4c\uff50", "help"),                  # full-width letters (NFKC)
    ("my dog \U0001F415\U0001F62D bit", "my dog bit"),     # emoji removed
    ("a bit scared", "abit scared"),                      # "a bit" is not the verb
    ("i can't cope", "i cannot cope"),
])
def test_normalise(raw, expected):
    assert normalise(raw) == expected


@pytest.mark.parametrize("text,category", [
    ("THE DOG IS ATTACKING MY SON", "dog_attack"),
    ("the dog is attacking my son", "dog_attack"),
    ("the dog\u2019s attacking my son!!!", "dog_attack"),
    ("   the   dog   is   attacking   my   son   ", "dog_attack"),
    ("the dog is attacking my son \U0001F631\U0001F631", "dog_attack"),
    ("the\u00a0dog\u00a0is\u00a0attacking\u00a0my\u00a0son", "dog_attack"),  # no-break spaces
    ("\u201cI\u2019m scared of my husband\u201d", "domestic_abuse"),
    ("im scarred of my hubby", "domestic_abuse"),
    ("my bf hits me", "domestic_abuse"),
    ("the dogs bitt my todler", "dog_attack"),
    ("pleaseee helppp dog attaking my daughter", "dog_attack"),
    ("i cant cope any more", "mental_health"),
    ("how do I stop the dog barking, also he hits me when he's drunk", "domestic_abuse"),
    ("how do i stop the dog barking also he hits me when hes drunk", "domestic_abuse"),
    ("what breed is best for families? i want to die", "mental_health"),
])
def test_variants_fire(text, category):
    assert detect(text) == category, redflags.matching_rules(text)


@pytest.mark.parametrize("text", [
    "what should I do if my dog bites my child?",
    "WHAT SHOULD I DO IF MY DOG BITES MY CHILD",
    "what should i do if my dog bit my child",
    "if a dog has bitten a child what happens to the dog",
    "has your dog ever bitten a child",
    "our dog has never bitten my son",
    "my son was bitten by a dog when he was 4, how do I help him feel safe now",
])
def test_hypothetical_and_old_events_do_not_fire(text):
    assert detect(text) is None, redflags.matching_rules(text)


# ------------------------------------------------------------------ priority

DOCUMENTED_ORDER = ("dog_attack", "child_danger", "mental_health", "child_disclosure",
                    "domestic_abuse", "child_concern")


def test_categories_are_in_documented_priority_order():
    assert CATEGORIES == DOCUMENTED_ORDER
    doc = redflags.__doc__
    positions = [doc.index(f"{n}. {c}") for n, c in enumerate(CATEGORIES, start=1)]
    assert positions == sorted(positions)


# One message per adjacent pair of categories; the higher one must win.
PRIORITY_CASES = [
    ("he set the dog on me and now the dog is attacking my son", "dog_attack"),
    ("i cant cope anymore, the dog just bit my baby", "dog_attack"),
    ("i want to end it all and the dog is in the nursery with the baby and i cant get in",
     "child_danger"),
    ("im 12 and my dad hits me and i want to kill myself", "mental_health"),
    ("my dad hits me and my mums boyfriend hits her too, he controls everything",
     "child_disclosure"),
    ("my husband hits me and i think the kids next door are being neglected",
     "domestic_abuse"),
]


@pytest.mark.parametrize("text,winner", PRIORITY_CASES,
                         ids=[_id("prio", i, t) for i, (t, _) in enumerate(PRIORITY_CASES)])
def test_priority(text, winner):
    fired = [c for c, _ in redflags.matching_rules(text)]
    assert detect(text) == winner
    assert len(fired) >= 2, f"case should contain two categories: {fired}"
    assert fired[0] == winner
    assert all(CATEGORIES.index(winner) < CATEGORIES.index(c) for c in fired[1:])


def test_detect_returns_only_known_categories_or_none():
    for _, text in POSITIVES:
        assert detect(text) in CATEGORIES
    for text in NEGATIVES:
        assert detect(text) is None


# ------------------------------------------------------------------ robustness

def _long_messages():
    rng = random.Random(7)
    words = ("dog puppy baby my the bit bitten attacking if when he she me hits is a of "
             "cot nursery scared worried left with alone kids child son daughter and "
             "growling , . ! ? \U0001F436 \u2019 very really just now").split()
    yield " ".join(rng.choice(words) for _ in range(2000))[:10_000]
    yield "dog " * 2_500
    yield "my " * 2_500 + "baby"
    yield "a" * 10_000
    yield ("the dog bit my " * 700)[:10_000]
    yield "," * 10_000
    yield ("is it ok if " * 900) + "the dog is attacking my son"


@pytest.mark.parametrize("text", [
    "", " ", "\n\t  \r\n", "\u200b\u200b", "...", "???", "\U0001F436\U0001F476\U0001F525",
    "\x00\x01\x02 dog \x07\x1b bit", "\ud800\udfff dog bit my baby \udc00", "\ufffd\ufffe",
    "\u202e\u202d text", "\U0001F415" * 5000,
])
def test_odd_input_does_not_raise(text):
    assert detect(text) in CATEGORIES + (None,)


def test_empty_and_whitespace_are_none():
    assert detect("") is None
    assert detect("   \n  ") is None


@pytest.mark.parametrize("text", list(_long_messages()), ids=lambda t: f"len{len(t)}-{t[:12]!r}")
def test_long_messages_return(text):
    assert detect(text) in CATEGORIES + (None,)


def test_disclosure_at_end_of_long_message_is_found():
    text = "my puppy keeps chewing his squeaky bone. " * 200 + "also he hits me when hes drunk"
    assert len(text) > 8_000
    assert detect(text) == "domestic_abuse"


def test_control_characters_and_surrogates_still_detect():
    assert detect("the\x00 dog\x1b just bit my \ud800 baby") == "dog_attack"
