"""Prints config.yml without the fallback classifier and the safety check, for `make crossval`.

Cross-validation measures the classifier: a fallback or a safety override would count as a
misclassification there. Derived from config.yml so the two pipelines cannot drift apart.
"""
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import FALLBACK_COMPONENT  # noqa: E402

LEFT_OUT = {FALLBACK_COMPONENT, "assistant.safety_check.SafetyCheck"}

config = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yml").read_text())
config["pipeline"] = [c for c in config["pipeline"] if c["name"] not in LEFT_OUT]
yaml.safe_dump(config, sys.stdout, sort_keys=False)
