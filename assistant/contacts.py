"""Phone numbers, links and shared lines, read once from content/contacts.yml.

This is the only place answers get them from: responses in domain.yml name them in braces
(``{emergency}``, ``{pack_url}``) and `assistant.nlg` fills them in. Links to the Board's own
pages can be overridden in `.env` (PACK_URL, PROCEDURE_URL, ...), so the Board can move a page
without a code change.
"""
from functools import lru_cache
from typing import Dict

import yaml

from assistant import settings

CONTACTS_FILE = settings.PROJECT_ROOT / "content" / "contacts.yml"


@lru_cache(maxsize=1)
def load() -> Dict[str, str]:
    """Every name usable in an answer, mapped to its text."""
    raw = yaml.safe_load(CONTACTS_FILE.read_text(encoding="utf-8"))
    values: Dict[str, str] = dict(raw["phones"])
    for name, url in raw["links"].items():
        values[name] = settings.get(name.upper(), url)
    # Shared lines may name the phones and links above.
    for name, line in raw["lines"].items():
        values[name] = line.format(**values)
    return values
