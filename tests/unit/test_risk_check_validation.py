"""validate_dog_risk_check_form: every question's good, typed, skipped and unclear answers, and how
questions, commands and red flags asked in the middle of the check are told apart from answers."""
import asyncio
import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.risk_check import questions as q
from actions.risk_check import validation as v
from tests.unit.tracker_builder import build_tracker, ranking

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "domain.yml"
NLU = ROOT / "data" / "nlu" / "risk_check.yml"
RULES = ROOT / "data" / "rules" / "risk_check.yml"

# Answers that make every question apply (dogs, a possible banned type, a bite, care concerns and a
# mismatch), so a test can put any question "next".
ALL_APPLY = {
    "rc_dog_count": "2", "rc_dog_details": "Staffie cross, large, 4 years",
    "rc_prohibited_type": "possibly", "rc_exemption": "no", "rc_bite_history": "child",
    "rc_bite_details": "Snapped at a visiting toddler", "rc_behaviour_change": "no",
    "rc_where_awake": "apart", "rc_where_asleep": "apart", "rc_where_feeding": "apart",
    "rc_separation_plan": "in_place", "rc_leave_room": "baby_goes", "rc_other_carers": "none",
    "rc_home_space": "no", "rc_care_control": "some", "rc_care_details": "Rarely walked",
    "rc_domestic_abuse": "no", "rc_mental_health": "no", "rc_substance_misuse": "no",
    "rc_previous_child": "no", "rc_previous_csc": "no", "rc_matches": "partly",
    "rc_mismatch_details": "Said kept in kitchen, on the sofa",
}


@pytest.fixture(autouse=True)
def no_name_model(monkeypatch):
    """Most tests do not need the spaCy name finder: free text is kept as typed."""
    monkeypatch.setattr(v, "redact_text", lambda text: text)


def answers_before(slot, **overrides):
    """The answers to every question before `slot` (all applying), plus overrides."""
    answers = {}
    for name in q.SLOTS:
        if name == slot:
            break
        answers[name] = ALL_APPLY[name]
    answers.update(overrides)
    return answers


def message(text, slot, intent="nlu_fallback", confidence=0.2, answers=None, typed=None):
    """The tracker the validation gets when the form runs after the user's message."""
    slots = dict(answers_before(slot) if answers is None else answers)
    if typed is not None:
        slots[q.TYPED_SLOT] = typed
    tracker = build_tracker(text, ranking((intent, confidence)), slots=slots,
                            active_loop=v.FORM, requested_slot=slot)
    tracker.events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text},
        {"event": "user_featurization", "use_text_for_featurization": False},
        {"event": "slot", "name": "requested_slot", "value": slot},
        {"event": "action", "name": v.FORM},
    ]
    return tracker


def not_after_message(slot, answers, last_action="utter_banned_breeds"):
    """The tracker on activation or on the form's return after an interruption."""
    tracker = build_tracker("is a cane corso banned?", ranking(("ask_banned_breeds", 0.9)),
                            slots=dict(answers), active_loop=v.FORM, requested_slot=slot)
    tracker.events = [
        {"event": "user", "text": "is a cane corso banned?"},
        {"event": "action_execution_rejected", "name": v.FORM},
        {"event": "action", "name": last_action},
        {"event": "bot", "text": "Five types of dog are banned"},
        {"event": "slot", "name": "requested_slot", "value": slot},
        {"event": "action", "name": v.FORM},
    ]
    return tracker


def run(tracker):
    dispatcher = CollectingDispatcher()
    events = v.validate_turn(dispatcher, tracker)
    return events, dispatcher.messages


def slot_events(events):
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def assert_answer(events, slot, value):
    values = slot_events(events)
    assert values[slot] == value
    assert not any(event.get("event") == "action_execution_rejected" for event in events)


def assert_reprompt(events, messages, slot, text=None):
    assert slot_events(events) == {slot: None, "requested_slot": slot}
    assert len(messages) == 1
    if text:
        assert messages[0]["text"] == text


def assert_interrupt(events):
    assert events[-1] == ActionExecutionRejected(v.FORM)
    assert slot_events(events) == {events[0]["name"]: None}


BUTTON_CASES = [(question.slot, option.title, option.value)
                for question in q.QUESTIONS for option in question.options]
TEXT_SLOTS = [question.slot for question in q.QUESTIONS if question.kind == q.TEXT]
CHOICE_SLOTS = [question.slot for question in q.QUESTIONS if question.kind != q.TEXT]


# --- good answers: every button of every question ------------------------------------------------
@pytest.mark.parametrize("slot, title, value", BUTTON_CASES)
def test_every_button_is_recorded_and_the_next_question_follows(slot, title, value):
    answers = answers_before(slot)
    events, messages = run(message(title, slot, "risk_check_answer", 0.9, answers))
    assert_answer(events, slot, value)
    expected_next = q.next_missing({**answers, slot: value})
    assert slot_events(events)["requested_slot"] == expected_next
    assert messages == []
    assert slot not in slot_events(events)[q.TYPED_SLOT], "a tap keeps no typed note"


@pytest.mark.parametrize("slot, text, value", [
    ("rc_dog_count", "2 dogs", "2"),
    ("rc_dog_count", "two", "2"),
    ("rc_dog_count", "4", "4"),
    ("rc_dog_count", "we don't have a dog", "0"),
    ("rc_dog_count", "a couple", "2"),
    ("rc_dog_count", "lots", "3 or more"),
    ("rc_prohibited_type", "it's an xl bully", "yes"),
    ("rc_prohibited_type", "it looks a bit like a pit bull", "possibly"),
    ("rc_prohibited_type", "maybe", "possibly"),
    ("rc_prohibited_type", "no it's a staffie", "no"),
    ("rc_prohibited_type", "not a banned type", "no"),
    ("rc_exemption", "yes", "claimed"),
    ("rc_exemption", "yes I've seen it", "seen"),
    ("rc_exemption", "they say so but not seen it", "claimed"),
    ("rc_bite_history", "yes", "yes"),
    ("rc_bite_history", "bit my son last year", "child"),
    ("rc_bite_history", "snapped at the cat", "other"),
    ("rc_bite_history", "no, never with children", "no"),
    ("rc_bite_history", "never bitten anyone", "no"),
    ("rc_behaviour_change", "yes he's been grumpy", "yes"),
    ("rc_behaviour_change", "nope", "no"),
    ("rc_where_awake", "in the kitchen behind a stair gate", "apart"),
    ("rc_where_asleep", "they sleep on our bed at night", "free"),
    ("rc_where_asleep", "same room but behind a gate", "apart"),
    ("rc_where_feeding", "with us in the room", "supervised"),
    ("rc_where_feeding", "haven't decided", "undecided"),
    ("rc_separation_plan", "we will have gates up", "planned"),
    ("rc_separation_plan", "gates are up already", "in_place"),
    ("rc_separation_plan", "no plan", "none"),
    ("rc_leave_room", "take the baby with me", "baby_goes"),
    ("rc_leave_room", "shut the dogs in the kitchen", "dogs_out"),
    ("rc_leave_room", "leave them just for a second", "left_together"),
    ("rc_leave_room", "not thought about it", "not_considered"),
    ("rc_other_carers", "nan has baby weekends and has a dog too", "with_dogs"),
    ("rc_other_carers", "grandparents, no dogs", "no_dogs"),
    ("rc_other_carers", "just us", "none"),
    ("rc_home_space", "yes, big dog in a one bed flat", "yes"),
    ("rc_care_control", "no concerns at all", "none"),
    ("rc_care_control", "never walked", "serious"),
    ("rc_care_control", "fine but a bit of a worry about walks", "some"),
    ("rc_domestic_abuse", "not that i know", "no"),
    ("rc_mental_health", "yes, postnatal depression", "yes"),
    ("rc_matches", "yes mostly", "partly"),
    ("rc_matches", "not really", "no"),
    ("rc_matches", "couldn't see the dogs, they were out", "not_seen"),
])
def test_typed_answers_are_read(slot, text, value):
    events, messages = run(message(text, slot))
    assert_answer(events, slot, value)
    assert messages == []


@pytest.mark.parametrize("text, value", [
    ("no bites, but he snapped at my son last week", "child"),
    ("Never bitten anyone, but he growls at the baby", "child"),
    ("no bites, but he growled at the postman", "other"),
    ("no, he has never bitten, snapped or growled at anyone", "no"),
])
def test_a_no_followed_by_a_described_bite_is_read_as_the_bite(text, value):
    events, messages = run(message(text, "rc_bite_history"))
    assert_answer(events, "rc_bite_history", value)
    assert messages == []


@pytest.mark.parametrize("text", ["not really, he growled at a child once",
                                  "nothing serious, he nipped our toddler once"])
def test_a_no_beside_a_bite_that_is_not_clearly_qualified_is_asked_again(text):
    events, messages = run(message(text, "rc_bite_history"))
    assert_reprompt(events, messages, "rc_bite_history", v.REPROMPT_CHOICE)


@pytest.mark.parametrize("slot, text", [
    ("rc_behaviour_change", "no, but he's been growling more lately"),
    ("rc_domestic_abuse", "no but her ex used to shout a lot"),
])
def test_a_no_followed_by_but_is_asked_again(slot, text):
    events, messages = run(message(text, slot))
    assert_reprompt(events, messages, slot, v.REPROMPT_CHOICE)


def test_a_typed_answer_that_says_more_than_a_tap_is_kept_for_the_summary():
    events, _ = run(message("they sleep on our bed at night", "rc_where_asleep",
                            typed={"rc_where_awake": "in the kitchen behind a stair gate"}))
    assert slot_events(events)[q.TYPED_SLOT] == {
        "rc_where_awake": "in the kitchen behind a stair gate",
        "rc_where_asleep": "they sleep on our bed at night"}


def test_answering_again_with_a_tap_drops_the_old_typed_note():
    events, _ = run(message("Free to roam", "rc_where_asleep",
                            typed={"rc_where_asleep": "they sleep on our bed at night"}))
    assert slot_events(events)[q.TYPED_SLOT] == {}


def test_a_typed_note_with_personal_details_is_not_kept():
    events, _ = run(message("yes they live at CB1 2AB with a dog", "rc_other_carers"))
    values = slot_events(events)
    assert values["rc_other_carers"] == "with_dogs"
    assert "rc_other_carers" not in values[q.TYPED_SLOT]


# --- skipped answers ----------------------------------------------------------------------------
@pytest.mark.parametrize("slot", q.SLOTS)
@pytest.mark.parametrize("text", ["Don't know", "skip", "not sure", "dunno", "skip this question"])
def test_dont_know_and_skip_are_recorded_as_not_known(slot, text):
    events, messages = run(message(text, slot, "skip_question", 0.95))
    assert_answer(events, slot, q.NOT_KNOWN)
    assert messages == []


def test_the_skip_intent_counts_for_a_short_message():
    events, _ = run(message("leave that one", "rc_home_space", "skip_question", 0.9))
    assert_answer(events, "rc_home_space", q.NOT_KNOWN)


# --- unclear answers ----------------------------------------------------------------------------
@pytest.mark.parametrize("slot", [slot for slot in CHOICE_SLOTS if slot != "rc_dog_count"])
def test_an_unclear_answer_to_a_button_question_gets_a_reprompt(slot):
    events, messages = run(message("banana", slot))
    assert_reprompt(events, messages, slot, v.REPROMPT_CHOICE)


@pytest.mark.parametrize("text", ["banana", "45", "loads and loads of them, more than 100"])
def test_an_unclear_number_of_dogs_gets_a_reprompt(text):
    events, messages = run(message(text, "rc_dog_count"))
    assert_reprompt(events, messages, "rc_dog_count", v.REPROMPT_COUNT)


def test_an_ambiguous_typed_answer_gets_a_reprompt():
    events, messages = run(message("free to roam but crated at night", "rc_where_asleep"))
    assert_reprompt(events, messages, "rc_where_asleep", v.REPROMPT_CHOICE)


def test_a_statement_that_is_not_an_answer_gets_a_reprompt_not_a_topic():
    events, messages = run(message("growled at the postman", "rc_where_awake",
                                   "ask_dog_growled", 0.95))
    assert_reprompt(events, messages, "rc_where_awake", v.REPROMPT_CHOICE)


@pytest.mark.parametrize("slot", TEXT_SLOTS)
def test_free_text_is_recorded(slot):
    text = "Large staffie cross, about 4 years, snapped once"
    events, messages = run(message(text, slot, "ask_dog_growled", 0.7))
    assert_answer(events, slot, text)
    assert messages == []


@pytest.mark.parametrize("slot", TEXT_SLOTS)
def test_too_short_free_text_gets_a_reprompt(slot):
    events, messages = run(message("x", slot))
    assert_reprompt(events, messages, slot, v.REPROMPT_SHORT)


def test_too_long_free_text_gets_a_reprompt():
    events, messages = run(message("a very long note " * 60, "rc_bite_details"))
    assert_reprompt(events, messages, "rc_bite_details",
                    v.REPROMPT_LONG.format(limit=q.MAX_TEXT_CHARS))


@pytest.mark.parametrize("text, what", [
    ("snapped at the neighbour's toddler on 12/03/2025", "a date"),
    ("lives at CB1 2AB", "a postcode"),
    ("call mum on 07700 900123", "a phone number"),
    ("email dad at dad@example.com", "an email address"),
    ("the dog at 12 Mill Road bit him", "an address"),
    ("baby born last week", "a date of birth"),
])
def test_free_text_with_personal_details_gets_a_reprompt(text, what):
    events, messages = run(message(text, "rc_bite_details"))
    assert_reprompt(events, messages, "rc_bite_details",
                    v.REPROMPT_PERSONAL.format(what=what))


def test_free_text_is_stored_with_names_redacted_but_dog_types_kept(monkeypatch):
    monkeypatch.undo()  # the real name finder (assistant.redaction), not the fixture's stand-in
    text = "Jack Russell and a Cane Corso; Mrs Patel's son Jayden was bitten"
    events, _ = run(message(text, "rc_bite_details"))
    stored = slot_events(events)["rc_bite_details"]
    assert "Jack Russell" in stored and "Cane Corso" in stored
    assert "Patel" not in stored and "Jayden" not in stored
    assert "[name]" in stored


# --- questions and requests in the middle of the check -------------------------------------------
@pytest.mark.parametrize("slot", q.SLOTS)
def test_a_confident_question_interrupts_and_clears_nothing_else(slot):
    events, messages = run(message("is a cane corso banned?", slot, "ask_banned_breeds", 0.9))
    assert events == [SlotSet(slot, None), ActionExecutionRejected(v.FORM)]
    assert messages == []


def test_a_question_containing_answer_words_is_still_a_question():
    events, _ = run(message("what should I ask about grandparents dogs?", "rc_other_carers",
                            "ask_visit_questions", 0.8))
    assert_interrupt(events)


def test_an_unsure_question_to_a_button_question_gets_a_reprompt():
    events, messages = run(message("is a cane corso banned?", "rc_home_space",
                                   "ask_banned_breeds", 0.4))
    assert_reprompt(events, messages, "rc_home_space", v.REPROMPT_CHOICE)


def test_a_question_without_a_question_mark_interrupts_when_it_starts_like_one():
    events, _ = run(message("what do i ask about the dogs", "rc_dog_details",
                            "ask_visit_questions", 0.8))
    assert_interrupt(events)


def test_free_text_that_mentions_a_topic_is_an_answer_not_a_question():
    text = "XL bully type, very large, 2 years"
    events, _ = run(message(text, "rc_dog_details", "ask_xl_bully", 0.95))
    assert_answer(events, "rc_dog_details", text)


def test_an_unsure_question_during_a_free_text_question_is_recorded_as_text():
    text = "is it ok that he sleeps by the cot"
    events, _ = run(message(text, "rc_bite_details", "ask_sleep_safety", 0.45))
    assert_answer(events, "rc_bite_details", text)


@pytest.mark.parametrize("slot", ["rc_home_space", "rc_dog_details"])
@pytest.mark.parametrize("text, intent", [
    ("Report a dangerous dog", "ask_report_dog"),
    ("I'm a professional", "iam_professional"),
    ("hello", "greet"),
    ("Start the dog risk check", "start_risk_check"),
])
def test_a_topic_button_or_a_request_interrupts(slot, text, intent):
    events, _ = run(message(text, slot, intent, 0.9))
    assert_interrupt(events)


@pytest.mark.parametrize("slot, text", [("rc_home_space", "Yes"), ("rc_dog_details", "Don't know")])
def test_a_button_answer_is_an_answer_whatever_the_intent(slot, text):
    events, _ = run(message(text, slot, "ask_banned_breeds", 0.99))
    assert not any(event.get("event") == "action_execution_rejected" for event in events)


# --- red flags ----------------------------------------------------------------------------------
def test_a_red_flag_gets_the_safety_help_and_the_answer_is_still_recorded():
    text = "bit the baby's face last week and she needed stitches"
    events, messages = run(message(text, "rc_bite_details", "safety_dog_attack", 1.0))
    assert messages[0]["response"] == "utter_safety_dog_attack"
    assert_answer(events, "rc_bite_details", text)


def test_a_red_flag_that_is_not_an_answer_gets_the_safety_help_then_the_question_again():
    events, messages = run(message("the dog is attacking the baby now", "rc_home_space",
                                   "safety_dog_attack", 1.0))
    assert messages[0]["response"] == "utter_safety_dog_attack"
    assert messages[1]["text"] == v.REPROMPT_CHOICE
    assert slot_events(events) == {"rc_home_space": None, "requested_slot": "rc_home_space"}


def test_a_red_flag_never_rejects_the_form():
    events, _ = run(message("is my partner allowed to hit me?", "rc_domestic_abuse",
                            "safety_domestic_abuse", 1.0))
    assert not any(event.get("event") == "action_execution_rejected" for event in events)


# --- go back and change an answer ---------------------------------------------------------------
@pytest.mark.parametrize("text", ["go back", "back", "previous question", "undo",
                                  "I made a mistake", "change my answer"])
def test_go_back_asks_the_previous_answered_question_again(text):
    events, messages = run(message(text, "rc_where_awake", "go_back", 0.9))
    assert slot_events(events) == {"rc_where_awake": None, "rc_behaviour_change": None,
                                   "requested_slot": "rc_behaviour_change"}
    assert messages[0]["text"] == v.BACK_OK


def test_go_back_skips_questions_that_did_not_apply():
    answers = answers_before("rc_bite_history", rc_prohibited_type="no")
    del answers["rc_exemption"]
    events, _ = run(message("go back", "rc_bite_history", "go_back", 0.9, answers))
    assert slot_events(events)["requested_slot"] == "rc_prohibited_type"


@pytest.mark.parametrize("text, target", [
    ("change the answer about bites", "rc_bite_history"),
    ("can I change my answer about how many dogs", "rc_dog_count"),
    ("go back to the question about where the dogs sleep", "rc_where_asleep"),
    ("change the answer about domestic abuse", "rc_domestic_abuse"),
    ("change what I said about the grandparents", "rc_other_carers"),
])
def test_change_the_answer_about_a_topic_asks_that_question_again(text, target):
    events, _ = run(message(text, "rc_matches", "go_back", 0.9))
    values = slot_events(events)
    assert values[target] is None and values["rc_matches"] is None
    assert values["requested_slot"] == target


def test_changing_an_answer_clears_its_follow_up_answers():
    events, _ = run(message("change the answer about bites", "rc_behaviour_change", "go_back", 0.9))
    values = slot_events(events)
    assert values["rc_bite_history"] is None and values["rc_bite_details"] is None
    assert values["requested_slot"] == "rc_bite_history"


def test_a_new_answer_to_a_parent_question_asks_its_follow_up_again():
    # the bite details of an earlier "child" answer are still stored
    answers = answers_before("rc_behaviour_change", rc_bite_history=None,
                             rc_bite_details="bit the toddler's hand")
    events, _ = run(message("Yes, at an adult or animal", "rc_bite_history", "risk_check_answer",
                            0.9, answers))
    values = slot_events(events)
    assert values["rc_bite_history"] == "other" and values["rc_bite_details"] is None
    assert values["requested_slot"] == "rc_bite_details"


def test_change_my_answer_about_the_gate_is_not_read_as_an_answer_about_gates():
    events, _ = run(message("change my answer about the gate", "rc_where_asleep", "go_back", 0.9))
    assert slot_events(events)["requested_slot"] == "rc_separation_plan"
    assert slot_events(events)["rc_where_asleep"] is None


def test_go_back_at_the_first_question_says_so():
    events, messages = run(message("go back", "rc_dog_count", "go_back", 0.9, answers={}))
    assert_reprompt(events, messages, "rc_dog_count", v.BACK_FIRST)


def test_changing_a_question_that_does_not_apply_says_so():
    answers = answers_before("rc_bite_history", rc_prohibited_type="no")
    events, messages = run(message("change the answer about the exemption certificate",
                                   "rc_bite_history", "go_back", 0.9, answers))
    assert_reprompt(events, messages, "rc_bite_history", v.BACK_NOT_APPLICABLE)


def test_after_a_change_the_check_carries_on_at_the_first_open_question():
    # bites were "no"; the person changed it while at rc_where_awake and now answers "child"
    answers = answers_before("rc_where_awake", rc_bite_history=None)
    del answers["rc_bite_details"]
    events, _ = run(message("Yes, at a child", "rc_bite_history", "risk_check_answer", 0.9,
                            answers))
    assert slot_events(events)["requested_slot"] == "rc_bite_details"
    answers.update(rc_bite_history="child", rc_bite_details="Snapped at a cousin")
    assert q.next_missing(answers) == "rc_where_awake"


# --- stop ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["stop", "cancel", "stop the check", "I want to stop",
                                  "cancel this check please"])
def test_stop_rejects_the_form_so_the_stop_rule_ends_it(text):
    events, _ = run(message(text, "rc_home_space", "stop_check", 0.8))
    assert_interrupt(events)


def test_a_confident_stop_intent_stops_even_in_other_words():
    events, _ = run(message("I've had enough, let's leave it there", "rc_dog_details",
                            "stop_check", 0.9))
    assert_interrupt(events)


def test_stop_typed_but_not_understood_as_stop_explains_how_to_stop():
    events, messages = run(message("stop", "rc_dog_details", "nlu_fallback", 0.2))
    assert_reprompt(events, messages, "rc_dog_details", v.STOP_HINT)


# --- activation and coming back after an interruption -------------------------------------------
def test_activation_asks_the_first_question():
    tracker = not_after_message(None, {}, last_action="utter_risk_check_intro")
    events, messages = run(tracker)
    assert events == [SlotSet("requested_slot", "rc_dog_count")]
    assert messages == []


def test_after_an_interruption_the_same_question_is_asked_again():
    answers = answers_before("rc_bite_history")
    events, _ = run(not_after_message("rc_bite_history", answers))
    assert events == [SlotSet("requested_slot", "rc_bite_history")]


def test_after_an_interruption_an_answered_question_is_not_asked_again():
    answers = answers_before("rc_bite_history")
    answers["rc_bite_history"] = "no"
    events, _ = run(not_after_message("rc_bite_history", answers))
    assert events == [SlotSet("requested_slot", "rc_behaviour_change")]


@pytest.mark.parametrize("trailing, expected", [
    ([{"event": "user"}, {"event": "slot"}, {"event": "action", "name": v.FORM}], True),
    ([{"event": "user"}, {"event": "user_featurization"}, {"event": "action", "name": v.FORM}],
     True),
    ([{"event": "user"}, {"event": "action", "name": "utter_x"}, {"event": "bot"},
      {"event": "slot"}, {"event": "action", "name": v.FORM}], False),
    ([{"event": "action", "name": "utter_risk_check_intro"}, {"event": "active_loop"},
      {"event": "action", "name": v.FORM}], False),
    ([], False),
])
def test_answers_a_message_reads_the_events_before_the_forms_run(trailing, expected):
    tracker = build_tracker("x")
    tracker.events = trailing
    assert v.answers_a_message(tracker) is expected


# --- which question comes next ------------------------------------------------------------------
@pytest.mark.parametrize("slot, value, expected_next", [
    ("rc_dog_count", "0", "rc_other_carers"),
    ("rc_dog_count", q.NOT_KNOWN, "rc_dog_details"),
    ("rc_prohibited_type", "no", "rc_bite_history"),
    ("rc_prohibited_type", "yes", "rc_exemption"),
    ("rc_prohibited_type", "possibly", "rc_exemption"),
    ("rc_prohibited_type", q.NOT_KNOWN, "rc_bite_history"),
    ("rc_bite_history", "no", "rc_behaviour_change"),
    ("rc_bite_history", "other", "rc_bite_details"),
    ("rc_care_control", "none", "rc_domestic_abuse"),
    ("rc_care_control", "serious", "rc_care_details"),
    ("rc_matches", "yes", None),
    ("rc_matches", "no", "rc_mismatch_details"),
])
def test_follow_up_questions_apply_only_when_the_answer_calls_for_them(slot, value,
                                                                       expected_next):
    answers = {name: ALL_APPLY[name] for name in q.SLOTS[:q.SLOTS.index(slot)]}
    answers = {name: val for name, val in answers.items() if name in q.applicable(answers)}
    answers[slot] = value
    assert q.next_missing(answers) == expected_next


def test_a_home_with_no_dogs_is_asked_eight_questions():
    answers = {"rc_dog_count": "0"}
    assert q.applicable(answers) == ["rc_dog_count", "rc_other_carers", "rc_domestic_abuse",
                                     "rc_mental_health", "rc_substance_misuse",
                                     "rc_previous_child", "rc_previous_csc", "rc_matches"]


def test_the_last_answer_completes_the_form():
    answers = answers_before("rc_matches")
    events, _ = run(message("Yes, it matches", "rc_matches", "risk_check_answer", 0.9, answers))
    assert slot_events(events)["requested_slot"] is None


# --- the action itself --------------------------------------------------------------------------
def test_the_action_never_crashes(monkeypatch):
    def broken(dispatcher, tracker):
        raise RuntimeError("boom")

    monkeypatch.setattr(v, "validate_turn", broken)
    monkeypatch.setattr(v, "_warm_up_redaction", lambda: None)
    dispatcher = CollectingDispatcher()
    tracker = message("Yes", "rc_home_space")
    events = asyncio.run(v.ValidateDogRiskCheckForm().run(dispatcher, tracker, {}))
    assert slot_events(events) == {"rc_home_space": None, "requested_slot": "rc_home_space"}
    assert dispatcher.messages[0]["text"] == v.REPROMPT_CHOICE


def test_a_requested_slot_that_is_not_a_slot_name_asks_the_first_open_question(monkeypatch):
    monkeypatch.setattr(v, "_warm_up_redaction", lambda: None)
    dispatcher = CollectingDispatcher()
    tracker = message("2", ["rc_dog_count"], answers={})
    events = asyncio.run(v.ValidateDogRiskCheckForm().run(dispatcher, tracker, {}))
    assert events == [SlotSet("requested_slot", "rc_dog_count")]


@pytest.mark.parametrize("typed", ["oops", ["rc_dog_count"], 3])
def test_a_typed_answers_slot_that_is_not_a_dict_counts_as_empty(typed):
    events, messages = run(message("2", "rc_dog_count", answers={}, typed=typed))
    assert slot_events(events) == {"rc_dog_count": "2", q.TYPED_SLOT: {},
                                   "requested_slot": "rc_dog_details"}
    assert messages == []


def test_an_answer_slot_of_another_type_counts_as_not_answered():
    answers = answers_before("rc_bite_history", rc_dog_details=["Labrador"])
    events, _ = run(message("no", "rc_bite_history", answers=answers))
    assert slot_events(events)["requested_slot"] == "rc_dog_details"


def test_the_action_runs_through_rasa_sdk(monkeypatch):
    monkeypatch.setattr(v, "_warm_up_redaction", lambda: None)
    action = v.ValidateDogRiskCheckForm()
    assert action.name() == "validate_dog_risk_check_form"
    events = asyncio.run(action.run(CollectingDispatcher(), message("2", "rc_dog_count",
                                                                     answers={}), {}))
    assert slot_events(events)["rc_dog_count"] == "2"


# --- the domain fragment, NLU and rules agree with the question list -----------------------------
@pytest.fixture(scope="module")
def domain():
    return yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))


def test_the_form_asks_every_question_in_order(domain):
    assert domain["forms"]["dog_risk_check_form"]["required_slots"] == q.SLOTS


@pytest.mark.parametrize("slot", q.SLOTS)
def test_each_question_has_a_response_whose_buttons_are_its_options(domain, slot):
    (response,) = domain["responses"][f"utter_ask_{slot}"]
    buttons = response.get("buttons", [])
    assert all(button["payload"] == button["title"] for button in buttons)
    titles = [button["title"] for button in buttons]
    if q.BY_SLOT[slot].kind == q.TEXT:
        assert titles == ["Don't know"]
    else:
        assert titles == q.button_titles(slot)
    assert len(response["text"]) <= 260, "one short question"


@pytest.mark.parametrize("slot", q.ALL_SLOTS)
def test_answer_slots_are_custom_mapped_and_not_featurised(domain, slot):
    definition = domain["slots"][slot]
    assert definition["mappings"] == [{"type": "custom"}]
    assert definition["influence_conversation"] is False


def test_responses_have_no_phone_numbers_or_links(domain):
    text = yaml.safe_dump(domain["responses"])
    assert "http" not in text and "www." not in text
    assert not re.search(r"\b\d{3,5} ?\d{3} ?\d{3,4}\b", text)
    assert not re.search(r"\b(999|101|111)\b", text)


def test_the_menus_have_exactly_the_agreed_buttons(domain):
    pro = [b["title"] for b in domain["responses"]["utter_professional_menu"][0]["buttons"]]
    assert pro == ["Start the dog risk check", "Questions to ask about dogs",
                   "When to refer to social care", "Pre-birth assessment",
                   "Professional curiosity", "Domestic abuse and coercive control",
                   "Lessons from Oliver's review"]
    family = [b["title"] for b in domain["responses"]["utter_family_menu"][0]["buttons"]]
    assert family == ["Getting my dog ready for the baby", "Never leave them alone: how",
                      "Warning signs in dogs", "What to do after a bite",
                      "Report a dangerous dog", "The Dangerous Dogs Pack"]
    audience = [b["title"] for b in domain["responses"]["utter_ask_audience"][0]["buttons"]]
    assert audience == ["I'm a parent or carer", "I'm a professional"]


def test_the_first_message_says_not_to_type_personal_details(domain):
    intro = domain["responses"]["utter_risk_check_intro"][0]["text"]
    assert "don't type names, addresses, dates of birth" in intro
    assert all(word in intro for word in ('"skip"', '"go back"', '"stop"'))


def test_family_menu_has_no_professional_jargon(domain):
    text = yaml.safe_dump(domain["responses"]["utter_family_menu"]).lower()
    assert not any(word in text for word in ("risk check", "referral", "procedure",
                                            "safeguarding", "professional"))


def test_nlu_examples_per_intent():
    blocks = {block["intent"]: [line[2:].strip() for line in block["examples"].splitlines()
                                if line.strip()]
              for block in yaml.safe_load(NLU.read_text(encoding="utf-8"))["nlu"]}
    assert len(blocks["iam_family"]) >= 30 and len(blocks["iam_professional"]) >= 30
    for intent in ("skip_question", "stop_check", "go_back"):
        assert 25 <= len(blocks[intent]) <= 40
    assert blocks["iam_family"][0] == "I'm a parent or carer"
    assert blocks["iam_professional"][0] == "I'm a professional"
    every_title = {title for slot in q.SLOTS for title in
                   (q.button_titles(slot) if q.BY_SLOT[slot].kind != q.TEXT else [])}
    assert every_title - {"Don't know"} <= set(blocks["risk_check_answer"])


def test_every_rule_file_loads_and_names_only_known_intents(domain):
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))["rules"]
    intents = {step["intent"] for rule in rules for step in rule["steps"] if "intent" in step}
    assert intents <= set(domain["intents"])
