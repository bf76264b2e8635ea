"""The fallback decides on the message's subject: answers that share one do not compete."""
import yaml
from rasa.shared.nlu.training_data.message import Message

from assistant import topics
from assistant.subject_fallback import SubjectFallbackClassifier
from scripts import evaluate
from tests.unit.tracker_builder import ranking

FALLBACK = SubjectFallbackClassifier({"threshold": 0.6, "ambiguity_threshold": 0.1})


def first_intent(*intents_and_confidences):
    entries = ranking(*intents_and_confidences)
    message = Message(data={"text": "a message", "intent": dict(entries[0]),
                            "intent_ranking": entries})
    return FALLBACK.process([message])[0].get("intent")["name"]


def test_a_message_split_between_answers_to_one_subject_gets_the_likeliest():
    assert first_intent(("ask_any_dog_can_bite", 0.37), ("ask_supervision", 0.30),
                        ("ask_dog_growled", 0.11)) == "ask_any_dog_can_bite"


def test_the_same_split_between_two_subjects_offers_the_topics():
    assert first_intent(("ask_toddlers", 0.37), ("ask_supervision", 0.30),
                        ("ask_dog_growled", 0.11)) == "nlu_fallback"


def test_a_subject_below_the_threshold_offers_the_topics_even_with_siblings():
    assert first_intent(("ask_xl_bully", 0.35), ("ask_report_dog", 0.3),
                        ("ask_banned_breeds", 0.2)) == "nlu_fallback"


def test_a_confident_answer_is_kept_and_two_close_subjects_are_ambiguous():
    assert first_intent(("ask_rehoming", 0.8), ("ask_behaviour_change", 0.2)) == "ask_rehoming"
    assert topics.unsure_of_subject(ranking(("ask_rehoming", 0.61), ("ask_toddlers", 0.39)),
                                    threshold=0.6, ambiguity=0.25)
    assert not topics.unsure_of_subject(ranking(("ask_rehoming", 0.61), ("ask_toddlers", 0.39)),
                                        threshold=0.6, ambiguity=0.2)


def test_subjects_group_answer_topics_each_in_one_subject_and_never_the_risk_check():
    grouped = [intent for subject in topics.SUBJECTS for intent in subject]
    assert len(grouped) == len(set(grouped))
    assert set(grouped) <= set(topics.labels())
    assert all(len(subject) >= 2 for subject in topics.SUBJECTS)
    assert "start_risk_check" not in grouped


def test_config_and_make_eval_use_this_fallback():
    this_class = f"{SubjectFallbackClassifier.__module__}.{SubjectFallbackClassifier.__name__}"
    with open("config.yml", encoding="utf-8") as config:
        names = [component["name"] for component in yaml.safe_load(config)["pipeline"]]
    assert this_class in names
    assert "FallbackClassifier" not in names
    assert evaluate.FALLBACK_COMPONENT == this_class
