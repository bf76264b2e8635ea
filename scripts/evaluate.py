"""Measures the assistant on real questions people asked (../shared/eval/dev_questions.jsonl).

Each question goes through the trained model's whole NLU pipeline, safety check included; the
rules answer each intent with its own response, so the intent says which answer comes first.
Prints the share of in-scope questions that get the right topic's answer, a wrong topic's answer
or the "did you mean" fallback, the out-of-scope questions declined, safety false alarms, a
per-topic table, and the trade-off behind the fallback threshold.

usage: python scripts/evaluate.py [--model models/assistant.tar.gz] [--questions FILE]
"""
import argparse
import asyncio
import json
import logging
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from assistant import dev_questions, topics  # noqa: E402
OUT_OF_SCOPE_TOPIC = "other_out_of_scope"
FALLBACK = "nlu_fallback"
FALLBACK_COMPONENT = "assistant.subject_fallback.SubjectFallbackClassifier"
DECLINING_INTENTS = {"out_of_scope", FALLBACK}
# The outcomes (of `outcome`) in which the first answer serves the question, and those in which
# it does not; "fallback" is neither.
RIGHT = frozenset({"right", "safety_ok", "declined"})
WRONG = frozenset({"wrong", "false_alarm", "answered"})

# Which of the dev set's topics each answer serves.
INTENT_TOPICS = {
    "ask_prepare_dog": {"prepare_dog_before_baby"},
    "ask_introduce_baby": {"introduce_baby_to_dog"},
    "ask_supervision": {"supervision_never_alone"},
    "ask_any_dog_can_bite": {"supervision_never_alone"},
    "ask_sleep_safety": {"dog_sleeping_nursery_bed"},
    "ask_warning_signs": {"dog_warning_signs_body_language"},
    "ask_dog_growled": {"dog_growled_or_snapped"},
    "ask_toddlers": {"toddler_and_dog"},
    "ask_other_homes": {"visiting_homes_grandparents_dogs"},
    "ask_new_dog": {"prepare_dog_before_baby", "toddler_and_dog"},
    "ask_after_bite": {"after_bite_first_aid"},
    "ask_report_dog": {"report_dangerous_dog"},
    "ask_banned_breeds": {"banned_breeds_law_xl_bully"},
    "ask_xl_bully": {"banned_breeds_law_xl_bully"},
    "ask_behaviour_change": {"dog_jealous_or_behaviour_change"},
    "ask_rehoming": {"rehoming_dog"},
    "ask_hygiene": {"dog_licking_hygiene_health"},
    "ask_resources": {"resources_pack_training"},
    "ask_training": {"resources_pack_training"},
    "ask_oliver_review": {"resources_pack_training"},
    "ask_domestic_abuse_info": {"domestic_abuse_clares_law"},
    "ask_pro_domestic_abuse": {"domestic_abuse_clares_law"},
    "ask_social_care_family": {"referral_children_social_care"},
    "ask_referral": {"referral_children_social_care"},
    "ask_prebirth": {"referral_children_social_care"},
    "ask_visit_questions": {"professional_home_visit_assessment"},
    "start_risk_check": {"professional_home_visit_assessment"},
    "ask_curiosity": {"professional_home_visit_assessment"},
    "ask_recording": {"professional_home_visit_assessment"},
    "ask_parental_mental_health": set(),
}


def load_questions(path: Path = None):
    if path is None:
        return dev_questions.load()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def parse_all(model: Path, texts):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)
    import structlog
    from rasa.core.agent import Agent

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    agent = Agent.load(str(model))

    async def parse():
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse())


def classified(parse):
    """The classifier's ranking, before fallback and safety overrides."""
    return [r for r in parse.get("intent_ranking", []) if r["name"] != FALLBACK
            and not r["name"].startswith("safety_")]


def decide(parse, threshold, ambiguity):
    """The intent the fallback would give with these settings (safety unchanged)."""
    intent = parse["intent"]["name"]
    if intent.startswith("safety_"):
        return intent
    ranking = classified(parse)
    if topics.unsure_of_subject(ranking, threshold, ambiguity):
        return FALLBACK
    return ranking[0]["name"]


def outcome(question, intent):
    """right, wrong, fallback, safety or declined, for one question's first answer."""
    in_scope = question["topic"] != OUT_OF_SCOPE_TOPIC
    if intent.startswith("safety_"):
        return "safety_ok" if question["urgent"] else "false_alarm"
    if not in_scope:
        return "declined" if intent in DECLINING_INTENTS else "answered"
    if intent == FALLBACK:
        return "fallback"
    return "right" if question["topic"] in INTENT_TOPICS.get(intent, set()) else "wrong"


def offers_right_topic(question, parse, buttons=3):
    """Whether the fallback's topic buttons for this parse (the first `buttons` of them) include
    the question's topic."""
    return any(question["topic"] in INTENT_TOPICS.get(intent, set())
               for intent in topics.topic_menu(classified(parse), limit=buttons))


def pct(part, whole):
    return f"{100 * part / whole:5.1f}%" if whole else "  n/a"


def interval(part, whole):
    """The 95% Wilson interval: how far a share measured on a few dozen questions can be trusted."""
    from scipy.stats import binomtest

    if not whole:
        return "no interval"
    low, high = binomtest(part, whole).proportion_ci(0.95, method="wilson")
    return f"95% interval {100 * low:.0f}-{100 * high:.0f}%"


def report(questions, parses, settings):
    outcomes = [outcome(q, p["intent"]["name"]) for q, p in zip(questions, parses)]
    in_scope = [o for q, o in zip(questions, outcomes) if q["topic"] != OUT_OF_SCOPE_TOPIC]
    out_scope = [o for q, o in zip(questions, outcomes) if q["topic"] == OUT_OF_SCOPE_TOPIC]
    counts = Counter(in_scope)
    non_urgent = [o for q, o in zip(questions, outcomes) if not q["urgent"]]
    print(f"Questions: {len(questions)} ({len(in_scope)} in scope, {len(out_scope)} out of scope)")
    right, wrong = sum(o in RIGHT for o in in_scope), sum(o in WRONG for o in in_scope)
    print(f"In scope, right topic's answer: {pct(right, len(in_scope))}  ({interval(right, len(in_scope))};"
          f" of which safety-first replies to urgent questions: {counts['safety_ok']})")
    print(f"In scope, wrong topic's answer: {pct(wrong, len(in_scope))}  ({interval(wrong, len(in_scope))})")
    offered = sum(1 for q, p, o in zip(questions, parses, outcomes)
                  if o == "fallback" and offers_right_topic(q, p))
    print(f"In scope, 'did you mean' fallback: {pct(counts['fallback'], len(in_scope))}"
          f"  (the topic buttons offered include the right one: {offered}/{counts['fallback']})")
    declined = sum(o in RIGHT for o in out_scope)
    print(f"Out of scope, declined (or safety-first when urgent): {pct(declined, len(out_scope))}")
    alarms = non_urgent.count("false_alarm")
    print(f"Safety false alarms on non-urgent questions: {alarms}/{len(non_urgent)} = {pct(alarms, len(non_urgent))}")

    print("\n| topic | n | right | wrong | fallback |\n|---|---|---|---|---|")
    by_topic = defaultdict(list)
    for q, o in zip(questions, outcomes):
        by_topic[q["topic"]].append(o)
    for topic, found in sorted(by_topic.items()):
        print(f"| {topic} | {len(found)} | {sum(o in RIGHT for o in found)} | "
              f"{sum(o in WRONG for o in found)} | {found.count('fallback')} |")

    print(f"\nFallback trade-off (in scope; chosen: threshold {settings[0]}, "
          f"ambiguity {settings[1]}):")
    print("| threshold | ambiguity | right | wrong | fallback | fallback offering the right topic |"
          " right, or one tap away |\n|---|---|---|---|---|---|---|")
    scoped = [(q, p) for q, p in zip(questions, parses) if q["topic"] != OUT_OF_SCOPE_TOPIC]
    for threshold in (0.1, 0.25, 0.4, 0.5, 0.6, 0.7, 0.8):
        for ambiguity in (0.0, 0.05, 0.1, 0.2):
            decided = [(q, p, outcome(q, decide(p, threshold, ambiguity))) for q, p in scoped]
            right = sum(o in RIGHT for _, _, o in decided)
            wrong = sum(o in WRONG for _, _, o in decided)
            fallback = [(q, p) for q, p, o in decided if o == "fallback"]
            offered = sum(offers_right_topic(q, p) for q, p in fallback)
            print(f"| {threshold:.2f} | {ambiguity:.2f} | {pct(right, len(scoped))} | "
                  f"{pct(wrong, len(scoped))} | {pct(len(fallback), len(scoped))} | "
                  f"{pct(offered, len(scoped))} | {pct(right + offered, len(scoped))} |")
    see_also_table(scoped)


def see_also_table(scoped):
    """How often the 'see also' button under an answer leads to the right topic, by its minimum."""
    intent_of = {label: intent for intent, label in topics.labels().items()}
    answered = [(q, p, outcome(q, p["intent"]["name"])) for q, p in scoped
                if p["intent"]["name"] != FALLBACK]
    wrong = [(q, p) for q, p, o in answered if o in WRONG]
    right = [(q, p) for q, p, o in answered if o in RIGHT]
    print(f"\n'See also' button under an answer (chosen minimum: {topics.SEE_ALSO_MIN_CONFIDENCE}):")
    print("| minimum | wrong answers whose button is the right topic | right answers with a button |")
    print("|---|---|---|")
    for minimum in (0.05, 0.1, 0.15, 0.2, 0.3):
        offered_wrong = [(q, topics.see_also(p["intent_ranking"], min_confidence=minimum))
                         for q, p in wrong]
        fixed = sum(1 for q, label in offered_wrong
                    if label and q["topic"] in INTENT_TOPICS.get(intent_of[label], set()))
        extra = sum(1 for _, p in right
                    if topics.see_also(p["intent_ranking"], min_confidence=minimum))
        print(f"| {minimum:.2f} | {fixed}/{len(wrong)} | {extra}/{len(right)} |")


def configured_fallback():
    """The fallback's threshold and ambiguity threshold in config.yml (or Rasa's default)."""
    import yaml
    from rasa.core.constants import DEFAULT_NLU_FALLBACK_AMBIGUITY_THRESHOLD
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    fallback = next(c for c in config["pipeline"] if c["name"] == FALLBACK_COMPONENT)
    return (fallback["threshold"],
            fallback.get("ambiguity_threshold", DEFAULT_NLU_FALLBACK_AMBIGUITY_THRESHOLD))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    parser.add_argument("--questions", help="a JSON-lines file (default: the dev questions)")
    parser.add_argument("--show-misses", action="store_true", help="list each miss")
    args = parser.parse_args()
    questions = load_questions(Path(args.questions) if args.questions else None)
    parses = parse_all(Path(args.model), [q["text"] for q in questions])
    report(questions, parses, configured_fallback())
    if args.show_misses:
        print("\nMisses:")
        for q, p in zip(questions, parses):
            o = outcome(q, p["intent"]["name"])
            if o not in RIGHT:
                print(f"{q['id']} {q['topic']} -> {p['intent']['name']} "
                      f"({p['intent']['confidence']:.2f}) {o}: {q['text'][:70]}")


if __name__ == "__main__":
    main()
