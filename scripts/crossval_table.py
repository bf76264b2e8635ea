"""Turns Rasa's cross-validation intent report into the markdown table kept in docs/crossval.md.

usage: python scripts/crossval_table.py results/crossval > docs/crossval.md
"""
import json
import sys
from pathlib import Path


def main() -> None:
    results = Path(sys.argv[1])
    report = json.loads((results / "intent_report.json").read_text(encoding="utf-8"))
    averages = {k: report.pop(k) for k in ("accuracy", "macro avg", "weighted avg", "micro avg")
                if k in report}
    print("# Cross-validation of the intent classifier\n")
    print("Made by `make crossval`: `rasa test nlu --cross-validation --folds 5` with")
    print("config.yml minus the fallback classifier and the safety check (scripts/crossval_config.py),")
    print("so that neither counts as a misclassification. Test folds, summed over the 5 runs.\n")
    print("| intent | precision | recall | f1 | examples |\n|---|---|---|---|---|")
    for intent, scores in sorted(report.items(), key=lambda item: item[1]["f1-score"]):
        print(f"| {intent} | {scores['precision']:.2f} | {scores['recall']:.2f} | "
              f"{scores['f1-score']:.2f} | {scores['support']} |")
    for name, value in averages.items():
        if isinstance(value, dict):
            print(f"| **{name}** | {value['precision']:.2f} | {value['recall']:.2f} | "
                  f"{value['f1-score']:.2f} | {value['support']} |")
        else:
            print(f"| **{name}** | | | {value:.2f} | |")


if __name__ == "__main__":
    main()
