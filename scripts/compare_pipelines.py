"""Chooses the NLU pipeline by measurement: Rasa's stock pipeline against ours.

Trains each NLU model on the same data, measures training time, understanding on the dev
questions (scripts/evaluate.py) and parse latency, and writes docs/model-choice.md.

usage: python scripts/compare_pipelines.py
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import evaluate  # noqa: E402

CONFIGS = {
    "stock (DIET, as rasa init)": ROOT / "docs" / "config-stock.yml",
    "ours (n-gram counts + logistic regression)": ROOT / "config.yml",
}
OUT = ROOT / "docs" / "model-choice.md"


def train_nlu(config: Path, name: str) -> float:
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "assistant.run", "rasa", "train", "nlu", "--config", str(config),
         "--fixed-model-name", name, "--out", "results/compare"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - start


def parse_latency_ms(model: Path, texts, repeats: int = 3):
    import asyncio
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    timings = []

    async def run():
        for _ in range(repeats):
            for text in texts:
                start = time.perf_counter()
                await agent.parse_message(text)
                timings.append((time.perf_counter() - start) * 1000)

    asyncio.run(run())
    timings.sort()
    return statistics.median(timings), timings[int(0.95 * (len(timings) - 1))]


def main():
    questions = evaluate.load_questions()
    texts = [q["text"] for q in questions]
    rows = []
    for label, config in CONFIGS.items():
        name = config.stem
        train_s = train_nlu(config, name)
        model = ROOT / "results" / "compare" / f"{name}.tar.gz"
        parses = evaluate.parse_all(model, texts)
        print(f"\n== {label}")
        counts, in_scope = evaluate.report(questions, parses, threshold=0.3)
        p50, p95 = parse_latency_ms(model, texts)
        right = 100 * (counts["right"] + counts["safety_ok"]) / in_scope
        wrong = 100 * (counts["wrong"] + counts["false_alarm"]) / in_scope
        rows.append((label, right, wrong, 100 * counts["fallback"] / in_scope, train_s, p50, p95))

    lines = [
        "# Choosing the NLU pipeline",
        "",
        "Made by `make compare` (scripts/compare_pipelines.py) on this project's 2-core machine:",
        "each pipeline is trained on the same data and measured on the 81 dev questions",
        "(../shared/eval/dev_questions.jsonl) with the same fallback threshold (0.3).",
        "",
        "| pipeline | right | wrong | fallback | NLU training (s) | parse p50 (ms) | parse p95 (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, right, wrong, fallback, train_s, p50, p95 in rows:
        lines.append(f"| {label} | {right:.1f}% | {wrong:.1f}% | {fallback:.1f}% | "
                     f"{train_s:.0f} | {p50:.1f} | {p95:.1f} |")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
