"""The answer topics' short labels, from content/topics.yml."""
from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

TOPICS_FILE = Path(__file__).resolve().parent.parent / "content" / "topics.yml"


@lru_cache(maxsize=1)
def labels() -> Dict[str, str]:
    """Intent name -> the label that offers it (and that, sent back, asks for it)."""
    return yaml.safe_load(TOPICS_FILE.read_text(encoding="utf-8"))
