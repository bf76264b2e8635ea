"""The dog risk check's summary: its parts, each risk factor, and every combination of risk
factors that changes the actions."""
import asyncio
import datetime
import itertools
import re
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.risk_check import questions as q
from actions.risk_check import summary as s
from actions.risk_check.control import ActionRiskCheckReset
from assistant.contacts import load
from tests.unit.tracker_builder import build_tracker

CONTACTS = load()
DAY = datetime.date(2026, 11, 26)
SOURCE = Path(s.__file__).read_text(encoding="utf-8")

# A home with two dogs and none of the risk factors the check asks about.
SAFE = {
    "rc_dog_count": "1", "rc_dog_details": "Labrador, large, 6 years",
    "rc_prohibited_type": "no", "rc_bite_history": "no", "rc_behaviour_change": "no",
    "rc_where_awake": "supervised", "rc_where_asleep": "apart", "rc_where_feeding": "apart",
    "rc_separation_plan": "in_place", "rc_leave_room": "baby_goes", "rc_other_carers": "none",
    "rc_home_space": "no", "rc_care_control": "none", "rc_domestic_abuse": "no",
    "rc_mental_health": "no", "rc_substance_misuse": "no", "rc_previous_child": "no",
    "rc_previous_csc": "no", "rc_matches": "yes",
}


def answers(**changes):
    result = dict(SAFE)
    result.update(changes)
    return result


def summary(answer_set, typed=None):
    return s.build_summary(answer_set, typed, CONTACTS, DAY)


def keys(answer_set):
    return [finding.key for finding in s.findings(answer_set)]


def action_text(answer_set):
    return "\n".join(s.actions(answer_set, s.findings(answer_set), CONTACTS))


# --- the parts of every summary -----------------------------------------------------------------
def test_a_summary_without_risk_factors():
    text = summary(SAFE)
    assert text.startswith("DOG RISK CHECK - SUMMARY\nDate of check: 26 November 2026\n")
    assert "RISK FACTORS FOUND (0)" in text
    assert "None of the risk factors this check asks about were found" in text
    assert CONTACTS["never_leave"] in text
    assert "There is no numeric risk score" in text
    assert "professional judgement" in text
    assert "could be read" in text and CONTACTS["procedure_url"] in text
    assert "Discuss these findings" not in text
    assert "Consider a referral" not in text
    assert "Cambridgeshire Police" not in text
    assert "Review at the next contact" in text


def test_every_answer_is_listed_with_its_question():
    text = summary(SAFE)
    for slot, value in SAFE.items():
        assert f"- {q.BY_SLOT[slot].label}: " in text
    assert "- Type, size and age of each dog: Labrador, large, 6 years" in text
    assert "- Where the dogs are when the baby is asleep: Kept apart" in text


def test_typed_answers_are_shown_beside_the_answer():
    text = summary(answers(rc_where_asleep="free"),
                   {"rc_where_asleep": "they sleep on our bed at night"})
    assert ('Where the dogs are when the baby is asleep: Free to go where they like '
            '(typed: "they sleep on our bed at night")') in text


def test_questions_that_did_not_apply_are_left_out():
    text = summary(answers(rc_exemption="no"))  # prohibited "no": the exemption does not apply
    assert "Certificate of Exemption" not in text


def test_the_summary_is_one_message_of_plain_text():
    text = summary(answers(rc_bite_history="child", rc_bite_details="Snapped at a cousin",
                           rc_domestic_abuse="yes"))
    assert "\n\n" not in text, "Rasa sends each paragraph as its own message"
    assert "**" not in text and "](" not in text, "no markdown"
    assert "{" not in text and "}" not in text, "every placeholder filled"


@pytest.mark.parametrize("day, expected", [(datetime.date(2026, 3, 1), "1 March 2026"),
                                           (datetime.date(2027, 12, 31), "31 December 2027")])
def test_the_date(day, expected):
    assert s.format_date(day) == expected


def test_no_phone_number_or_link_is_written_in_the_code():
    code = re.sub(r'"""[\s\S]*?"""', "", SOURCE)  # docstrings cite facts.md sections
    assert "http" not in code and "www." not in code
    assert not re.search(r"\b\d{4} ?\d{3} ?\d{3,4}\b|\b0\d{4} ?\d{6}\b", code)
    assert not re.search(r"['\"](999|101|111)['\"]|\b(999|101)\b", code)


def test_every_finding_links_the_procedure_and_names_a_topic():
    every = answers(rc_dog_count="3 or more", rc_prohibited_type="yes", rc_exemption="no",
                    rc_bite_history="child", rc_bite_details="x", rc_behaviour_change="yes",
                    rc_where_awake="free", rc_where_asleep="free", rc_where_feeding="free",
                    rc_separation_plan="none", rc_leave_room="left_together",
                    rc_other_carers="with_dogs", rc_home_space="yes", rc_care_control="serious",
                    rc_care_details="x", rc_domestic_abuse="yes", rc_mental_health="yes",
                    rc_substance_misuse="yes", rc_previous_child="yes", rc_previous_csc="yes",
                    rc_matches="no", rc_mismatch_details="x")
    text = summary(every)
    found = s.findings(every)
    assert len(found) == 18
    procedure_lines = [line for line in text.splitlines() if line.strip().startswith("Procedure:")]
    assert len(procedure_lines) == len(found)
    assert all(line.endswith(CONTACTS["procedure_url"]) for line in procedure_lines)
    topics = {s.PROC_VULNERABLE, s.PROC_PROHIBITED, s.PROC_INJURY, s.PROC_ASSESSMENT,
              s.PROC_FAMILY_VIOLENCE, s.PROC_OUT_OF_CONTROL}
    assert all(set(finding.topics) <= topics and finding.topics for finding in found)


# --- each risk factor ----------------------------------------------------------------------------
@pytest.mark.parametrize("changes, key, topic", [
    ({"rc_prohibited_type": "yes", "rc_exemption": "no"}, "prohibited", s.PROC_PROHIBITED),
    ({"rc_prohibited_type": "possibly", "rc_exemption": "seen"}, "prohibited",
     s.PROC_PROHIBITED),
    ({"rc_bite_history": "child", "rc_bite_details": "x"}, "bite_child", s.PROC_INJURY),
    ({"rc_bite_history": "other", "rc_bite_details": "x"}, "bite_other", s.PROC_OUT_OF_CONTROL),
    ({"rc_bite_history": "yes", "rc_bite_details": "x"}, "bite_other", s.PROC_VULNERABLE),
    ({"rc_behaviour_change": "yes"}, "behaviour_change", s.PROC_VULNERABLE),
    ({"rc_where_asleep": "supervised"}, "asleep", s.PROC_VULNERABLE),
    ({"rc_where_asleep": "undecided"}, "asleep", s.PROC_VULNERABLE),
    ({"rc_where_awake": "free"}, "awake", s.PROC_VULNERABLE),
    ({"rc_where_feeding": "undecided"}, "feeding", s.PROC_VULNERABLE),
    ({"rc_separation_plan": "none"}, "no_plan", s.PROC_VULNERABLE),
    ({"rc_separation_plan": "planned"}, "plan_not_in_place", s.PROC_VULNERABLE),
    ({"rc_leave_room": "left_together"}, "left_together", s.PROC_VULNERABLE),
    ({"rc_leave_room": "not_considered"}, "left_together", s.PROC_VULNERABLE),
    ({"rc_other_carers": "with_dogs"}, "other_carers", s.PROC_VULNERABLE),
    ({"rc_dog_count": "2"}, "several_dogs", s.PROC_VULNERABLE),
    ({"rc_dog_count": "3 or more"}, "several_dogs", s.PROC_VULNERABLE),
    ({"rc_home_space": "yes"}, "small_home", s.PROC_ASSESSMENT),
    ({"rc_care_control": "some", "rc_care_details": "x"}, "care_control", s.PROC_PROHIBITED),
    ({"rc_domestic_abuse": "yes"}, "domestic_abuse", s.PROC_FAMILY_VIOLENCE),
    ({"rc_mental_health": "yes"}, "mental_health", s.PROC_ASSESSMENT),
    ({"rc_substance_misuse": "yes"}, "substance_misuse", s.PROC_ASSESSMENT),
    ({"rc_previous_child": "yes"}, "previous_child", s.PROC_ASSESSMENT),
    ({"rc_previous_csc": "yes"}, "previous_csc", s.PROC_ASSESSMENT),
    ({"rc_matches": "partly", "rc_mismatch_details": "x"}, "mismatch", s.PROC_ASSESSMENT),
    ({"rc_matches": "no", "rc_mismatch_details": "x"}, "mismatch", s.PROC_ASSESSMENT),
])
def test_each_risk_factor_is_found_and_linked_to_its_procedure_topic(changes, key, topic):
    answer_set = answers(**changes)
    (finding,) = s.findings(answer_set)
    assert finding.key == key
    assert topic in finding.topics
    text = summary(answer_set)
    assert "RISK FACTORS FOUND (1)" in text
    assert f"1. {finding.text}" in text


@pytest.mark.parametrize("changes", [
    {"rc_where_awake": "supervised"}, {"rc_where_feeding": "supervised"},
    {"rc_where_asleep": "apart"}, {"rc_separation_plan": "in_place"},
    {"rc_leave_room": "dogs_out"}, {"rc_other_carers": "no_dogs"}, {"rc_care_control": "none"},
    {"rc_matches": "yes"}, {"rc_dog_count": "1"},
])
def test_safe_answers_are_not_risk_factors(changes):
    assert keys(answers(**changes)) == []


@pytest.mark.parametrize("certificate, says", [
    ("no", "There is no Certificate of Exemption"),
    ("claimed", "but it was not seen"),
    ("seen", "The owner showed a Certificate of Exemption"),
    (q.NOT_KNOWN, "not known whether there is a Certificate of Exemption"),
])
def test_the_prohibited_type_finding_says_what_is_known_about_the_certificate(certificate, says):
    (finding,) = s.findings(answers(rc_prohibited_type="yes", rc_exemption=certificate))
    assert says in finding.text


def test_answers_of_questions_that_do_not_apply_are_ignored():
    # bite details left over from an earlier answer, then bites changed to "no"
    assert keys(answers(rc_bite_details="old note")) == []
    # no dogs: dog answers left over are ignored
    no_dogs = {"rc_dog_count": "0", "rc_bite_history": "child", "rc_other_carers": "none",
               "rc_domestic_abuse": "no", "rc_mental_health": "no", "rc_substance_misuse": "no",
               "rc_previous_child": "no", "rc_previous_csc": "no", "rc_matches": "yes"}
    assert keys(no_dogs) == []


def test_not_known_answers_are_listed_to_find_out_at_the_next_contact():
    answer_set = answers(rc_behaviour_change=q.NOT_KNOWN, rc_previous_child=q.NOT_KNOWN,
                         rc_matches="not_seen")
    text = summary(answer_set)
    assert "NOT KNOWN YET (find out at the next contact)" in text
    assert "- Recent change in any dog's behaviour" in text
    assert "- Concern in a parent's history with a previous child" in text
    assert "not observed" in text
    assert "find out what is not yet known (recent change in any dog's behaviour" in text
    assert keys(answer_set) == []


# --- the actions --------------------------------------------------------------------------------
def test_safety_advice_and_recording_are_always_there():
    text = action_text(SAFE)
    assert f'Safety advice given to the family, including: "{CONTACTS["never_leave"]}"' in text
    assert "Record the dogs in the child's record" in text
    assert "Record each action and whether it was completed" in text


def test_a_home_with_no_dogs_records_that_and_asks_again_next_time():
    no_dogs = {"rc_dog_count": "0", "rc_other_carers": "none", "rc_domestic_abuse": "no",
               "rc_mental_health": "no", "rc_substance_misuse": "no", "rc_previous_child": "no",
               "rc_previous_csc": "no", "rc_matches": "yes"}
    text = summary(no_dogs)
    assert "Record that no dogs live in or regularly visit the home" in text
    assert "ask again about dogs in and visiting the home" in text
    assert "Type, size and age" not in text


def test_other_carers_with_dogs_get_the_same_advice():
    assert "the same advice applies in their homes" in action_text(
        answers(rc_other_carers="with_dogs"))


def test_several_dogs_alone_is_recorded_but_calls_for_no_other_action():
    answer_set = answers(rc_dog_count="2")
    assert keys(answer_set) == ["several_dogs"]
    assert "Discuss these findings" not in action_text(answer_set)


def test_referral_lists_the_cambridgeshire_and_peterborough_routes():
    text = action_text(answers(rc_bite_history="child", rc_bite_details="x"))
    for name in ("cambs_childrens_services", "pboro_childrens_services", "out_of_hours_team",
                 "mash_professionals", "emergency", "procedure_url"):
        assert CONTACTS[name] in text
    assert "where the procedure's criteria are met" in text
    assert ("Reasons to weigh: a dog has bitten, snapped at, growled at or threatened a child"
            in text)
    assert "in writing within 24 hours" in text


def test_a_prohibited_type_without_a_seen_certificate_is_reported_to_the_police():
    text = action_text(answers(rc_prohibited_type="possibly", rc_exemption="claimed"))
    assert f"Report the suspected prohibited type to Cambridgeshire Police on " \
           f"{CONTACTS['police_non_emergency']}" in text


def test_a_prohibited_type_with_a_seen_certificate_has_its_conditions_checked():
    text = action_text(answers(rc_prohibited_type="yes", rc_exemption="seen"))
    assert "Report the suspected prohibited type" not in text
    assert "if these conditions are not kept" in text
    assert "Consider a referral" not in text


def test_domestic_abuse_brings_the_coercive_control_and_clares_law_action():
    text = action_text(answers(rc_domestic_abuse="yes"))
    assert "coercive control" in text and "Clare's Law" in text and "DASH" in text
    assert CONTACTS["police_non_emergency"] in text


def test_family_risk_factors_alone_point_to_the_threshold_document_and_pre_birth():
    text = action_text(answers(rc_mental_health="yes"))
    assert CONTACTS["threshold_url"] in text
    assert CONTACTS["prebirth_url"] in text
    assert "Consider a referral" not in text


def test_a_mismatch_brings_professional_curiosity():
    text = action_text(answers(rc_matches="no", rc_mismatch_details="x"))
    assert "Use professional curiosity" in text and CONTACTS["curiosity_url"] in text


# Every combination of the answers that change the actions, against an independent statement of
# which actions each combination calls for.
BITES = ["no", "child", "other"]
PROHIBITED = [("no", None), ("yes", "no"), ("possibly", "seen"), ("yes", q.NOT_KNOWN)]
SEPARATION = ["kept", "gap"]
FAMILY = ["none", "domestic_abuse", "mental_health"]
MATCHES = ["yes", "no"]
CARE = ["none", "serious"]
CARERS = ["none", "with_dogs"]


def combination(bite, prohibited, separation, family, matches, care, carers):
    answer_set = answers(rc_bite_history=bite, rc_prohibited_type=prohibited[0],
                         rc_matches=matches, rc_care_control=care, rc_other_carers=carers)
    if prohibited[1]:
        answer_set["rc_exemption"] = prohibited[1]
    if bite != "no":
        answer_set["rc_bite_details"] = "x"
    if care != "none":
        answer_set["rc_care_details"] = "x"
    if matches != "yes":
        answer_set["rc_mismatch_details"] = "x"
    if separation == "gap":
        answer_set["rc_separation_plan"] = "none"
    if family != "none":
        answer_set[f"rc_{family}"] = "yes"
    return answer_set


def expected_actions(bite, prohibited, separation, family, matches, care, carers):
    """Which actions the combination calls for, written out independently of summary.py."""
    suspected = prohibited[0] in ("yes", "possibly")
    uncertified = suspected and prohibited[1] != "seen"
    dog = bite != "no" or suspected or care == "serious"
    gap = separation == "gap"
    fam = family != "none"
    mismatch = matches == "no"
    any_factor = dog or gap or fam or mismatch or carers == "with_dogs"
    refer = (bite == "child" or uncertified or (bite != "no" and gap) or ((dog or gap) and fam)
             or (care == "serious" and gap) or (mismatch and (dog or gap)))
    return {
        "advice": True,
        "record": True,
        "discuss": any_factor,
        "refer": refer,
        "threshold": fam and not refer,
        "police_report": uncertified,
        "police_check": suspected and not uncertified,
        "police_bite": bite != "no",
        "domestic_abuse": family == "domestic_abuse",
        "curiosity": mismatch,
        "prebirth": fam or refer,
        "carers": carers == "with_dogs",
        "review": True,
    }


MARKERS = {
    "advice": "Safety advice given to the family",
    "record": "Record the dogs in the child's record",
    "discuss": "Discuss these findings with your safeguarding lead",
    "refer": "Consider a referral to children's social care",
    "threshold": "use the threshold document",
    "police_report": "Report the suspected prohibited type",
    "police_check": "if these conditions are not kept",
    "police_bite": "can be dangerously out of control",
    "domestic_abuse": "Explore domestic abuse safely",
    "curiosity": "Use professional curiosity",
    "prebirth": "pre-birth assessment procedure",
    "carers": "the same advice applies in their homes",
    "review": "Review at the next contact",
}

COMBINATIONS = list(itertools.product(BITES, PROHIBITED, SEPARATION, FAMILY, MATCHES, CARE,
                                      CARERS))


@pytest.mark.parametrize("combo", COMBINATIONS, ids=lambda combo: "-".join(
    str(part if not isinstance(part, tuple) else "/".join(map(str, part))) for part in combo))
def test_every_combination_of_risk_factors_gets_the_right_actions(combo):
    text = action_text(combination(*combo))
    expected = expected_actions(*combo)
    for action, marker in MARKERS.items():
        assert (marker in text) is expected[action], (action, combo)


def test_the_actions_come_in_a_fixed_order():
    text = action_text(combination("child", ("yes", "no"), "gap", "domestic_abuse", "no",
                                   "serious", "with_dogs"))
    positions = [text.index(MARKERS[name]) for name in
                 ("advice", "record", "discuss", "refer", "police_report", "police_bite",
                  "domestic_abuse", "curiosity", "prebirth", "review")]
    assert positions == sorted(positions)


# --- the actions in Rasa ------------------------------------------------------------------------
def test_the_summary_action_sends_one_message_and_forgets_the_answers():
    tracker = build_tracker("Yes, it matches", slots={**SAFE, q.TYPED_SLOT: {}})
    dispatcher = CollectingDispatcher()
    events = asyncio.run(s.ActionRiskCheckSummary().run(dispatcher, tracker, {}))
    (message,) = dispatcher.messages
    assert message["text"].startswith("DOG RISK CHECK - SUMMARY")
    assert "There is no numeric risk score" in message["text"]
    assert {event["name"] for event in events} == set(q.ALL_SLOTS)
    assert all(event["value"] is None for event in events)


def test_the_summary_action_with_no_answers_says_so():
    dispatcher = CollectingDispatcher()
    events = asyncio.run(s.ActionRiskCheckSummary().run(dispatcher, build_tracker("x"), {}))
    assert dispatcher.messages[0]["text"] == "There are no answers to summarise."
    assert len(events) == len(q.ALL_SLOTS)


def run_summary_action(slots):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(s.ActionRiskCheckSummary().run(dispatcher, build_tracker("x", slots=slots),
                                                        {}))
    (message,) = dispatcher.messages
    return message["text"], events


def test_an_answer_of_another_type_is_left_out_and_the_rest_summarised():
    text, events = run_summary_action(answers(rc_prohibited_type="yes", rc_exemption=["seen"]))
    assert text.startswith("DOG RISK CHECK - SUMMARY")
    assert "A dog is thought to be a prohibited (banned) type." in text
    assert "Certificate of Exemption for that dog" not in text
    assert "Report the suspected prohibited type" in text  # no certificate known to be seen
    assert all(event["value"] is None for event in events)


@pytest.mark.parametrize("typed", ["rc_dog_count", ["rc_dog_count"], 3,
                                   {"rc_dog_count": ["two dogs here"]}])
def test_typed_notes_of_another_shape_are_left_out(typed):
    text, _ = run_summary_action({**SAFE, q.TYPED_SLOT: typed})
    assert text.startswith("DOG RISK CHECK - SUMMARY")
    assert "- Dogs living in or regularly visiting the home: 1\n" in text
    assert "(typed:" not in text


def test_a_summary_that_cannot_be_made_says_so_with_the_urgent_help_line(monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(s, "build_summary", broken)
    with caplog.at_level("ERROR", logger=s.__name__):
        text, events = run_summary_action(dict(SAFE))
    assert text == s.SUMMARY_FAILED.format(**CONTACTS)
    assert CONTACTS["urgent_help"] in text
    assert "boom" in caplog.text
    assert {event["name"]: event["value"] for event in events} == {
        slot: None for slot in q.ALL_SLOTS}


def test_the_reset_action_forgets_every_answer_and_says_nothing():
    dispatcher = CollectingDispatcher()
    tracker = build_tracker("stop", slots=dict(SAFE))
    events = asyncio.run(ActionRiskCheckReset().run(dispatcher, tracker, {}))
    assert dispatcher.messages == []
    assert {event["name"]: event["value"] for event in events} == {
        slot: None for slot in q.ALL_SLOTS + ["requested_slot"]}
