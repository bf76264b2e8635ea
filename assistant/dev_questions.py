"""Where the real dev questions are: ../shared/eval/dev_questions.jsonl, for measuring only.

shared/ sits beside the project's checkout. A fresh clone made elsewhere (as
../shared/tools/fresh-clone-check makes one) finds it beside the repository it was cloned from;
SHARED_DIR overrides both.
"""
import json
import os
import subprocess
from pathlib import Path
from typing import Dict, List

from assistant.settings import PROJECT_ROOT


def _candidates():
    if os.environ.get("SHARED_DIR"):
        yield Path(os.environ["SHARED_DIR"])
    yield PROJECT_ROOT.parent / "shared"
    origin = subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True).stdout.strip()
    if origin and Path(origin).is_dir():
        yield Path(origin).resolve().parent / "shared"


def path() -> Path:
    for shared in _candidates():
        questions = shared / "eval" / "dev_questions.jsonl"
        if questions.is_file():
            return questions
    raise FileNotFoundError(
        "dev_questions.jsonl not found: put shared/ beside the project or set SHARED_DIR")


def load() -> List[Dict]:
    """Each question: id, text, topic, audience (family or professional), urgent, source."""
    return [json.loads(line) for line in path().read_text(encoding="utf-8").splitlines() if line]
