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


@lru_cache(maxsize=1)
def labels() -> Dict[str, str]:
    """Intent name -> the label that offers it (and that, sent back, asks for it)."""
    return yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))


def likeliest_topics(intent_ranking: List[Dict[Text, Any]], limit: int = 3) -> List[Text]:
    """The best-ranked intents that are answer topics, most likely first."""
    ranked = sorted(intent_ranking, key=lambda entry: entry.get("confidence") or 0, reverse=True)
    return [entry["name"] for entry in ranked if entry.get("name") in labels()][:limit]


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
