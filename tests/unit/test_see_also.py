"""The 'see also' button: a second likely topic offered under an answer."""
import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant import topics
from assistant.nlg import ContactsNLG
from tests.unit.tracker_builder import ranking

LABELS = topics.labels()
DOMAIN = Domain.load("domain.yml")


def test_offers_the_next_likeliest_topic_when_likely_enough():
    offered = topics.see_also(ranking(("ask_toddlers", 0.6), ("greet", 0.2),
                                      ("ask_dog_growled", 0.3), ("ask_rehoming", 0.1)))
    assert offered == LABELS["ask_dog_growled"]


def test_offers_nothing_below_the_minimum_or_without_a_ranking():
    assert topics.see_also(ranking(("ask_toddlers", 0.9), ("ask_dog_growled", 0.149))) is None
    assert topics.see_also([]) is None


def test_skips_topics_whose_button_is_already_shown():
    offered = topics.see_also(
        ranking(("ask_toddlers", 0.5), ("ask_dog_growled", 0.3), ("ask_warning_signs", 0.2)),
        shown_labels={LABELS["ask_dog_growled"]})
    assert offered == LABELS["ask_warning_signs"]


def test_after_a_safety_reply_offers_the_topic_the_classifier_found():
    offered = topics.see_also(ranking(("safety_dog_attack", 1.0), ("nlu_fallback", 0.3),
                                      ("ask_other_homes", 0.6), ("ask_after_bite", 0.2)))
    assert offered == LABELS["ask_other_homes"]


def tracker_after(text, intent_ranking, *later_events):
    message = UserUttered(text, intent=intent_ranking[0],
                          parse_data={"intent": intent_ranking[0], "intent_ranking": intent_ranking})
    return DialogueStateTracker.from_events(
        "see-also", [ActionExecuted("action_listen"), message, *later_events])


def generate(utter_action, tracker):
    return asyncio.run(ContactsNLG(domain=DOMAIN).generate(utter_action, tracker, "rest"))


def titles(response):
    return [button["title"] for button in response.get("buttons") or []]


def test_the_answer_gets_the_button_after_its_own_buttons():
    tracker = tracker_after("our lab growls when my toddler lies on her",
                            ranking(("ask_toddlers", 0.6), ("ask_dog_growled", 0.3)))
    response = generate("utter_toddlers", tracker)
    plain = DOMAIN.responses["utter_toddlers"][0]
    assert titles(response)[:-1] == [b["title"] for b in plain.get("buttons", [])]
    assert titles(response)[-1] == LABELS["ask_dog_growled"]
    assert response["buttons"][-1]["payload"] == LABELS["ask_dog_growled"]


def test_the_domains_response_is_not_changed_by_adding_the_button():
    tracker = tracker_after("x", ranking(("ask_toddlers", 0.6), ("ask_dog_growled", 0.3)))
    generate("utter_toddlers", tracker)
    again = generate("utter_toddlers", tracker)
    assert titles(again).count(LABELS["ask_dog_growled"]) == 1


def test_only_the_first_reply_to_a_message_gets_the_button():
    tracker = tracker_after("x", ranking(("ask_toddlers", 0.6), ("ask_dog_growled", 0.3)),
                            ActionExecuted("utter_toddlers"), BotUttered("the answer"))
    assert LABELS["ask_dog_growled"] not in titles(generate("utter_toddlers", tracker))


@pytest.mark.parametrize("intent", ["greet", "nlu_fallback", "risk_check_answer"])
def test_replies_to_messages_that_are_not_questions_get_no_button(intent):
    tracker = tracker_after("x", ranking((intent, 0.6), ("ask_dog_growled", 0.3)))
    assert LABELS["ask_dog_growled"] not in titles(generate("utter_greet", tracker))
