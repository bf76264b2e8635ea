import asyncio

from rasa_sdk.executor import CollectingDispatcher

from assistant import topics
from actions.offer_topics import ActionOfferTopics
from tests.unit.tracker_builder import build_tracker, ranking


def run_action(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionOfferTopics().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def test_offers_the_three_likeliest_answer_topics_in_order():
    tracker = build_tracker(
        "dog n baby??",
        ranking(("nlu_fallback", 0.9), ("ask_supervision", 0.2), ("greet", 0.15),
                ("ask_sleep_safety", 0.1), ("ask_prepare_dog", 0.3), ("ask_toddlers", 0.05)),
    )
    (message,), events = run_action(tracker)
    assert events == []
    assert message["response"] == "utter_offer_topics"
    labels = topics.labels()
    assert [b["title"] for b in message["buttons"]] == [
        labels["ask_prepare_dog"], labels["ask_supervision"], labels["ask_sleep_safety"]]
    assert all(b["payload"] == b["title"] for b in message["buttons"])


def test_the_buttons_offer_one_answer_per_subject():
    (message,), _ = run_action(build_tracker("xl bully next door off lead", ranking(
        ("nlu_fallback", 0.6), ("ask_xl_bully", 0.35), ("ask_banned_breeds", 0.2),
        ("ask_report_dog", 0.2), ("ask_toddlers", 0.1))))
    labels = topics.labels()
    assert [b["title"] for b in message["buttons"]] == [
        labels["ask_xl_bully"], labels["ask_report_dog"], labels["ask_toddlers"]]


def test_non_topic_intents_are_never_offered():
    offered = topics.likeliest_topics(ranking(("greet", 0.5), ("out_of_scope", 0.3),
                                       ("safety_dog_attack", 0.1)))
    assert offered == []


def test_without_a_ranking_it_still_answers_with_the_urgent_help_response():
    (message,), _ = run_action(build_tracker("???"))
    assert message["response"] == "utter_offer_topics"
    assert message["buttons"] == []


def test_every_topic_label_is_short_enough_for_a_button():
    assert all(0 < len(label) <= 40 for label in topics.labels().values())
