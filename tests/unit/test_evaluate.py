"""scripts/evaluate.py: how one question's first answer is scored, and the fallback's buttons."""
from scripts import evaluate

REHOMING = {"id": "q0", "topic": "rehoming_dog", "urgent": False}


def parse(*ranking):
    """What the NLU pipeline returns: the intent placed first, and the classifier's ranking."""
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return {"intent": entries[0], "intent_ranking": entries}


def test_the_threshold_turns_an_unsure_answer_into_the_fallback():
    unsure = parse(("ask_rehoming", 0.55), ("ask_behaviour_change", 0.3))
    assert evaluate.decide(unsure, threshold=0.5, ambiguity=0.1) == "ask_rehoming"
    assert evaluate.decide(unsure, threshold=0.6, ambiguity=0.1) == evaluate.FALLBACK


def test_a_near_tie_is_the_fallback_when_the_margin_is_wider_than_the_lead():
    tie = parse(("ask_rehoming", 0.45), ("ask_behaviour_change", 0.41))
    assert evaluate.decide(tie, threshold=0.25, ambiguity=0.05) == evaluate.FALLBACK
    assert evaluate.decide(tie, threshold=0.25, ambiguity=0.0) == "ask_rehoming"


def test_answers_that_share_a_subject_add_up_against_the_threshold():
    split = parse(("ask_xl_bully", 0.45), ("ask_banned_breeds", 0.2), ("ask_report_dog", 0.2))
    assert evaluate.decide(split, threshold=0.6, ambiguity=0.1) == "ask_xl_bully"
    apart = parse(("ask_xl_bully", 0.45), ("ask_report_dog", 0.2), ("ask_toddlers", 0.2))
    assert evaluate.decide(apart, threshold=0.6, ambiguity=0.1) == evaluate.FALLBACK


def test_a_safety_reply_is_never_replaced_by_the_fallback():
    safety = parse(("safety_dog_attack", 1.0), ("ask_after_bite", 0.2))
    assert evaluate.decide(safety, threshold=0.9, ambiguity=0.5) == "safety_dog_attack"


def test_outcomes_of_a_first_answer():
    assert evaluate.outcome(REHOMING, "ask_rehoming") == "right"
    assert evaluate.outcome(REHOMING, "ask_toddlers") == "wrong"
    assert evaluate.outcome(REHOMING, evaluate.FALLBACK) == "fallback"
    assert evaluate.outcome(REHOMING, "safety_dog_attack") == "false_alarm"
    assert evaluate.outcome({**REHOMING, "urgent": True}, "safety_dog_attack") == "safety_ok"


def test_the_fallback_offers_the_right_topic_only_among_its_three_buttons():
    third = parse(("ask_toddlers", 0.3), ("ask_behaviour_change", 0.25), ("ask_rehoming", 0.2),
                  ("ask_other_homes", 0.1))
    fourth = parse(("ask_toddlers", 0.3), ("ask_behaviour_change", 0.25), ("ask_other_homes", 0.2),
                   ("ask_rehoming", 0.1))
    assert evaluate.offers_right_topic(REHOMING, third)
    assert not evaluate.offers_right_topic(REHOMING, fourth)
    assert not evaluate.offers_right_topic(REHOMING, third, buttons=2)


def test_the_fallback_and_the_safety_ranks_are_not_topic_buttons():
    ranking = parse(("safety_dog_attack", 1.0), (evaluate.FALLBACK, 0.6), ("ask_toddlers", 0.3),
                    ("ask_behaviour_change", 0.25), ("ask_other_homes", 0.2), ("ask_rehoming", 0.1))
    assert not evaluate.offers_right_topic(REHOMING, ranking)


def test_every_outcome_counts_as_right_wrong_or_the_fallback():
    out_of_scope = {"id": "q1", "topic": evaluate.OUT_OF_SCOPE_TOPIC, "urgent": False}
    seen = {evaluate.outcome(question, intent)
            for question in (REHOMING, {**REHOMING, "urgent": True}, out_of_scope)
            for intent in ("ask_rehoming", "ask_toddlers", evaluate.FALLBACK, "out_of_scope",
                           "safety_dog_attack")}
    assert seen == evaluate.RIGHT | evaluate.WRONG | {"fallback"}
    assert not evaluate.RIGHT & evaluate.WRONG


def test_the_trade_off_is_headed_by_the_settings_the_pipeline_runs_with():
    import yaml
    from assistant.subject_fallback import SubjectFallbackClassifier

    with open("config.yml", encoding="utf-8") as config:
        entry = next(c for c in yaml.safe_load(config)["pipeline"]
                     if c["name"] == evaluate.FALLBACK_COMPONENT)
    running = {**SubjectFallbackClassifier.get_default_config(), **entry}
    assert evaluate.configured_fallback() == (running["threshold"], running["ambiguity_threshold"])
