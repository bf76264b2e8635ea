"""The answer topics: their short labels (content/topics.yml) and which ones a message is likeliest about."""
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection, Dict, List, Optional, Text

import yaml

TOPICS_FILE = Path(__file__).resolve().parent.parent / "content" / "topics.yml"

# A second topic at least this likely gets a button under the answer ("see also"). Real stories
# often touch two topics (a toddler growled at: toddlers, or growling?). Chosen with `make eval`
# (docs/understanding.md): below it, the second topic was rarely the one people meant.
SEE_ALSO_MIN_CONFIDENCE = 0.15

# Answers to one subject, at different depths or for different readers. When the classifier
# splits its confidence between them, it is sure of the subject, not unsure: the assistant
# answers with the likeliest (assistant/subject_fallback.py), and 'see also' can offer the
# next. Each other intent is a subject of its own. The risk check is left out: it starts a guided
# exchange, which only a clear request should do.
SUBJECTS = (
    ("ask_supervision", "ask_any_dog_can_bite"),
    ("ask_banned_breeds", "ask_xl_bully"),
    ("ask_resources", "ask_training", "ask_oliver_review"),
    ("ask_domestic_abuse_info", "ask_pro_domestic_abuse"),
    ("ask_social_care_family", "ask_referral", "ask_prebirth"),
    ("ask_visit_questions", "ask_curiosity", "ask_recording"),
)


@lru_cache(maxsize=1)
def labels() -> Dict[str, str]:
    """Intent name -> the label that offers it (and that, sent back, asks for it)."""
    return yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))


def likeliest_topics(intent_ranking: List[Dict[Text, Any]], limit: int = 3) -> List[Text]:
    """The best-ranked intents that are answer topics, most likely first."""
    ranked = sorted(intent_ranking, key=lambda entry: entry.get("confidence") or 0, reverse=True)
    return [entry["name"] for entry in ranked if entry.get("name") in labels()][:limit]


def subject_of(intent: Text) -> Any:
    """The subject an intent answers (SUBJECTS), or the intent itself."""
    return next((subject for subject in SUBJECTS if intent in subject), intent)


def topic_menu(intent_ranking: List[Dict[Text, Any]], limit: int = 3) -> List[Text]:
    """The fallback's buttons: the likeliest topics, one per subject, so that a subject's two
    answers do not take two of the few buttons from another subject the message may be about."""
    menu: List[Text] = []
    for topic in likeliest_topics(intent_ranking, limit=len(intent_ranking)):
        if all(subject_of(topic) != subject_of(shown) for shown in menu):
            menu.append(topic)
    return menu[:limit]


def subject_confidences(intent_ranking: List[Dict[Text, Any]]) -> List[float]:
    """Each subject's confidence (the sum of its intents'), highest first."""
    totals: Dict[Any, float] = {}
    for entry in intent_ranking:
        subject = subject_of(entry.get("name"))
        totals[subject] = totals.get(subject, 0.0) + (entry.get("confidence") or 0.0)
    return sorted(totals.values(), reverse=True)


def unsure_of_subject(intent_ranking: List[Dict[Text, Any]], threshold: float,
                      ambiguity: float) -> bool:
    """Whether the likeliest subject is below the threshold, or within the margin of the next."""
    confidences = subject_confidences(intent_ranking) + [0.0, 0.0]
    return confidences[0] < threshold or confidences[0] - confidences[1] < ambiguity


def see_also(intent_ranking: List[Dict[Text, Any]], shown_labels: Collection[Text] = (),
             min_confidence: float = SEE_ALSO_MIN_CONFIDENCE) -> Optional[Text]:
    """The label of the likeliest other topic the message may be about, if likely enough.

    The ranking's first entry is what was answered (a topic, or a safety reply placed first by
    the safety check); topics whose labels are already shown as buttons are skipped.
    """
    if not intent_ranking:
        return None
    answered = intent_ranking[0].get("name")
    others = [entry for entry in intent_ranking[1:] if entry.get("name") != answered
              and (entry.get("confidence") or 0) >= min_confidence]
    for topic in likeliest_topics(others, limit=len(others)):
        if labels()[topic] not in shown_labels:
            return labels()[topic]
    return None
