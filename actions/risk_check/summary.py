"""The summary a professional pastes into their records at the end of the dog risk check.

`build_summary` is a pure function of the answers, the contacts and the date, so every combination
of risk factors can be tested without Rasa. There is deliberately no score: the summary lists what
was found, links each finding to the part of the Board's dangerous dogs procedure it relates to,
and lists the actions that follow; professional judgement decides.

Only the opening of the Board's procedure could be read (facts.md part 1 §1.1), so findings name
the procedure's topics as its opening lists them and link the procedure page; they do not quote
its detailed sections. Other facts: part 1 §1.6 (C&P referral routes, 24-hour written follow-up),
§2.1-2.2 (familiar dogs, other carers, large dog in a small home, separation at sleep time),
§3.1-3.4 (prohibited types, Certificate of Exemption, report to the police's non-emergency line,
dangerously out of control in the home), §5.2 (record the dogs; share concerns with the
manager), §7.1 and part 2 §8 (domestic abuse, DASH, Clare's Law), §7.7 (professional curiosity),
§9 (threshold document), and the Oliver briefing (history, follow-through of actions, the
never-leave message).
"""
import datetime
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.risk_check import questions as q

logger = logging.getLogger(__name__)

# The procedure's topics, in the words of its opening section (facts.md part 1 §1.1).
PROC_VULNERABLE = "children most likely to be vulnerable and dogs most likely to be dangerous"
PROC_PROHIBITED = "protecting children from prohibited, dangerous or poorly managed dogs"
PROC_INJURY = ("information to gather when a child is injured by a dog, and the criteria for a "
               "referral to Children's Social Care")
PROC_ASSESSMENT = ("the basis for an effective risk assessment, and options for action by "
                   "strategy groups or case conferences")
PROC_FAMILY_VIOLENCE = ("animal abuse as part of a wider pattern of family violence, including "
                        "domestic abuse")
PROC_OUT_OF_CONTROL = ("the law on a dog dangerously out of control, which since 13 May 2014 "
                       "includes private places such as the home")

# Finding groups that decide the actions.
DOG = "dog"
SEPARATION = "separation"
FAMILY = "family"
CURIOSITY = "curiosity"
NOTE = "note"  # recorded as a risk factor, but on its own it does not call for any other action


@dataclass(frozen=True)
class Finding:
    key: str
    text: str
    topics: Sequence[str]
    group: str


def _has(answers: Mapping[str, Any], slot: str, *values: str) -> bool:
    return slot in q.applicable(answers) and answers.get(slot) in values


def more_than_one_dog(answers: Mapping[str, Any]) -> bool:
    count = answers.get("rc_dog_count")
    return count == "3 or more" or (isinstance(count, str) and count.isdigit() and int(count) > 1)


def findings(answers: Mapping[str, Any]) -> List[Finding]:
    """The risk factors in the answers, most serious first."""
    found: List[Finding] = []

    def add(key: str, text: str, topics: Sequence[str], group: str) -> None:
        found.append(Finding(key, text, topics, group))

    if _has(answers, "rc_prohibited_type", "yes", "possibly"):
        certificate = {
            "seen": "The owner showed a Certificate of Exemption.",
            "claimed": "The family say there is a Certificate of Exemption, but it was not seen.",
            "no": "There is no Certificate of Exemption: owning a prohibited type without one is "
                  "a criminal offence.",
            q.NOT_KNOWN: "It is not known whether there is a Certificate of Exemption.",
        }.get(answers.get("rc_exemption"), "")
        sure = "may be" if answers.get("rc_prohibited_type") == "possibly" else "is thought to be"
        add("prohibited", f"A dog {sure} a prohibited (banned) type. {certificate}".strip(),
            (PROC_PROHIBITED, PROC_VULNERABLE), DOG)
    if _has(answers, "rc_bite_history", "child"):
        add("bite_child", "A dog has bitten, snapped at, growled at or threatened a child.",
            (PROC_INJURY, PROC_VULNERABLE), DOG)
    if _has(answers, "rc_bite_history", "other", "yes"):
        whom = ("an adult or an animal" if answers.get("rc_bite_history") == "other"
                else "a person or an animal")
        add("bite_other", f"A dog has bitten, snapped at, growled at or threatened {whom}.",
            (PROC_VULNERABLE, PROC_OUT_OF_CONTROL), DOG)
    if _has(answers, "rc_behaviour_change", "yes"):
        add("behaviour_change", "A dog's behaviour has changed recently.", (PROC_VULNERABLE,), DOG)
    if _has(answers, "rc_where_asleep", "free", "undecided", "supervised"):
        where = {"free": "the dogs can go where they like",
                 "undecided": "where the dogs will be is not decided",
                 "supervised": "the dogs are in the same room"}[answers["rc_where_asleep"]]
        add("asleep", f"When the baby is asleep, {where}: the dogs could reach the sleeping baby.",
            (PROC_VULNERABLE,), SEPARATION)
    if _has(answers, "rc_where_awake", "free", "undecided"):
        where = q.option_label("rc_where_awake", answers["rc_where_awake"]).lower()
        add("awake", f"When the baby is awake, the dogs are not kept apart ({where}).",
            (PROC_VULNERABLE,), SEPARATION)
    if _has(answers, "rc_where_feeding", "free", "undecided"):
        where = q.option_label("rc_where_feeding", answers["rc_where_feeding"]).lower()
        add("feeding", f"When the baby is being fed, the dogs are not kept apart ({where}).",
            (PROC_VULNERABLE,), SEPARATION)
    if _has(answers, "rc_separation_plan", "none"):
        add("no_plan", "There is no plan to keep the dogs and the baby apart.",
            (PROC_VULNERABLE,), SEPARATION)
    if _has(answers, "rc_separation_plan", "planned"):
        add("plan_not_in_place", "The separation plan (gates, closed doors, crate) is not in "
                                 "place yet.", (PROC_VULNERABLE,), SEPARATION)
    if _has(answers, "rc_leave_room", "left_together", "not_considered"):
        what = ("the baby and the dogs are left together" if answers["rc_leave_room"] ==
                "left_together" else "what happens has not been thought about")
        add("left_together", f"When the adult leaves the room, even briefly, {what}.",
            (PROC_VULNERABLE,), SEPARATION)
    if _has(answers, "rc_other_carers", "with_dogs"):
        add("other_carers", "Other people who care for the baby have dogs. Serious injuries to "
                            "under-5s often involve a familiar dog that is not the family's own, "
                            "sometimes while another adult is caring for the child.",
            (PROC_VULNERABLE,), DOG)
    if more_than_one_dog(answers):
        add("several_dogs", "More than one dog lives in or visits the home (Oliver was attacked "
                            "by the family's two dogs).", (PROC_VULNERABLE,), NOTE)
    if _has(answers, "rc_home_space", "yes"):
        add("small_home", "A large dog, or several dogs, in a small home.",
            (PROC_PROHIBITED, PROC_ASSESSMENT), DOG)
    if _has(answers, "rc_care_control", "some", "serious"):
        level = "Serious" if answers["rc_care_control"] == "serious" else "Some"
        add("care_control", f"{level} concerns about how the dogs are cared for and controlled.",
            (PROC_PROHIBITED,), DOG)
    if _has(answers, "rc_domestic_abuse", "yes"):
        add("domestic_abuse", "Domestic abuse, including coercive control, is known or suspected.",
            (PROC_FAMILY_VIOLENCE, PROC_ASSESSMENT), FAMILY)
    if _has(answers, "rc_mental_health", "yes"):
        add("mental_health", "A parent or carer has mental health needs.", (PROC_ASSESSMENT,),
            FAMILY)
    if _has(answers, "rc_substance_misuse", "yes"):
        add("substance_misuse", "Drug or alcohol misuse by a parent or carer.",
            (PROC_ASSESSMENT,), FAMILY)
    if _has(answers, "rc_previous_child", "yes"):
        add("previous_child", "There is concern in a parent's history with a previous child: use "
                              "that history to assess the present.", (PROC_ASSESSMENT,), FAMILY)
    if _has(answers, "rc_previous_csc", "yes"):
        add("previous_csc", "The family have been involved with children's social care before.",
            (PROC_ASSESSMENT,), FAMILY)
    if _has(answers, "rc_matches", "partly", "no"):
        how = "only partly match" if answers["rc_matches"] == "partly" else "do not match"
        add("mismatch", f"What the family say and what you saw {how}.", (PROC_ASSESSMENT,),
            CURIOSITY)
    return found


def not_known(answers: Mapping[str, Any]) -> List[str]:
    """Questions that apply but whose answer is not known (or could not be seen)."""
    labels = [q.BY_SLOT[slot].label for slot in q.applicable(answers)
              if answers.get(slot) == q.NOT_KNOWN]
    if _has(answers, "rc_matches", "not_seen"):
        labels.append("Whether what the family say matches what you see (not observed)")
    return labels


@dataclass(frozen=True)
class Referral:
    indicated: bool
    reasons: List[str]


def referral(answers: Mapping[str, Any], found: Sequence[Finding]) -> Referral:
    """Whether the answers show the kind of concern that calls for considering a referral.

    The procedure's own referral criteria could not be read, so the action says "consider a
    referral where the procedure's criteria are met" and lists these reasons for the professional
    to weigh; it is never automatic.
    """
    keys = {finding.key for finding in found}
    groups = {finding.group for finding in found}
    dog_concern = bool(keys & {"prohibited", "bite_child", "bite_other", "behaviour_change",
                               "care_control", "small_home"})
    reasons: List[str] = []
    if "bite_child" in keys:
        reasons.append("a dog has bitten, snapped at, growled at or threatened a child")
    if "prohibited" in keys and answers.get("rc_exemption") != "seen":
        reasons.append("a suspected prohibited type without a Certificate of Exemption seen")
    if keys & {"bite_child", "bite_other"} and SEPARATION in groups:
        reasons.append("a dog with a history of biting or threatening, and gaps in keeping it "
                       "apart from the baby")
    if (dog_concern or SEPARATION in groups) and FAMILY in groups:
        reasons.append("concerns about the dogs together with other risk factors in the family")
    if _has(answers, "rc_care_control", "serious") and SEPARATION in groups:
        reasons.append("serious concerns about the dogs' care and control, and gaps in "
                       "keeping them apart from the baby")
    if CURIOSITY in groups and (dog_concern or SEPARATION in groups):
        reasons.append("what the family say about the dogs does not match what you saw")
    return Referral(bool(reasons), reasons)


def police_report(answers: Mapping[str, Any]) -> Optional[str]:
    """'report' for a suspected prohibited type without a seen certificate; 'check' if seen."""
    if not _has(answers, "rc_prohibited_type", "yes", "possibly"):
        return None
    return "check" if answers.get("rc_exemption") == "seen" else "report"


def actions(answers: Mapping[str, Any], found: Sequence[Finding], contacts: Mapping[str, str]
            ) -> List[str]:
    """The actions that follow, in order; which ones appear depends on the findings."""
    keys = {finding.key for finding in found}
    groups = {finding.group for finding in found}
    dogs = q.has_dogs(answers)
    steps: List[str] = []

    advice = (f'Safety advice given to the family, including: "{contacts["never_leave"]}" '
              "Record that you gave it, and ask the family to share it with everyone who "
              "looks after the baby.")
    if "other_carers" in keys:
        advice += " Other carers have dogs: the same advice applies in their homes."
    steps.append(advice)

    if dogs:
        steps.append("Record the dogs in the child's record: how many, type, size and age, "
                     "where they are kept, and the separation plan.")
    else:
        steps.append("Record that no dogs live in or regularly visit the home. Ask again at "
                     "every contact: a dog can arrive later, and the baby may visit homes with "
                     "dogs.")

    if any(finding.group != NOTE for finding in found):
        steps.append("Discuss these findings with your safeguarding lead or in safeguarding "
                     "supervision.")

    decision = referral(answers, found)
    if decision.indicated:
        steps.append(
            "Consider a referral to children's social care where the procedure's criteria are "
            f"met ({contacts['procedure_url']}). Reasons to weigh: "
            + "; ".join(decision.reasons) + ". "
            f"Cambridgeshire child: the online Safeguarding Referral Form or "
            f"{contacts['cambs_childrens_services']}. Peterborough child: the Portal or "
            f"{contacts['pboro_childrens_services']}. Out of hours: Emergency Duty Team "
            f"{contacts['out_of_hours_team']}. Advice for professionals (Cambridgeshire MASH, "
            f"office hours): {contacts['mash_professionals']}. Follow a phone referral up in "
            f"writing within 24 hours. A child in immediate danger: call {contacts['emergency']}."
        )
    elif FAMILY in groups:
        steps.append(
            "Risk factors in the family were found without a concern about the dogs: use the "
            f"threshold document ({contacts['threshold_url']}) to decide on early help or a "
            "referral to children's social care."
        )

    police = police_report(answers)
    if police == "report":
        steps.append(
            "Report the suspected prohibited type to Cambridgeshire Police on "
            f"{contacts['police_non_emergency']}. Whether a dog is banned depends on what it "
            "looks like, and the police decide. If a dog is attacking, call "
            f"{contacts['emergency']}."
        )
    elif police == "check":
        steps.append(
            "A prohibited type with a Certificate of Exemption must be neutered, microchipped, "
            "kept secure, and on a lead and muzzled in public: if these conditions are not kept, "
            f"tell Cambridgeshire Police on {contacts['police_non_emergency']}."
        )
    if keys & {"bite_child", "bite_other"}:
        steps.append(
            "A dog that injures someone, or makes someone worried it might, can be dangerously "
            "out of control, an offence even in the home: it can be reported to Cambridgeshire "
            f"Police on {contacts['police_non_emergency']}."
        )

    if "domestic_abuse" in keys:
        steps.append(
            "Explore domestic abuse safely, including coercive control and whether the dogs are "
            "used to threaten or control. Consider a DASH risk assessment, and whether a "
            f"disclosure under Clare's Law (police {contacts['police_non_emergency']}) is "
            "appropriate."
        )
    if CURIOSITY in groups:
        steps.append(
            "Use professional curiosity: check what you were told against what you see and "
            f"against other agencies' information ({contacts['curiosity_url']})."
        )
    if FAMILY in groups or decision.indicated:
        steps.append(
            "If the baby is not born yet, follow the pre-birth assessment procedure "
            f"({contacts['prebirth_url']})."
        )

    review = ("Review at the next contact: check that the separation plan is in place and "
              "kept" if dogs else "Review at the next contact: ask again about dogs in and "
              "visiting the home")
    unknown = not_known(answers)
    if unknown:
        review += "; find out what is not yet known (" + "; ".join(
            label.lower() for label in unknown) + ")"
    review += (". Record each action and whether it was completed; if an action is no longer "
               "needed, record why.")
    steps.append(review)
    return steps


def _answer_text(slot: str, value: Any, typed: Mapping[str, str]) -> str:
    question = q.BY_SLOT[slot]
    if question.kind == q.TEXT:
        return "Not known" if value == q.NOT_KNOWN else str(value)
    text = q.option_label(slot, value)
    if slot in typed:
        text += f' (typed: "{typed[slot]}")'
    return text


def today_in_england() -> datetime.date:
    try:
        from zoneinfo import ZoneInfo

        return datetime.datetime.now(ZoneInfo("Europe/London")).date()
    except Exception:  # no time zone data: the server's own date
        return datetime.date.today()


def format_date(day: datetime.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def build_summary(answers: Mapping[str, Any], typed: Optional[Mapping[str, str]],
                  contacts: Mapping[str, str], today: datetime.date) -> str:
    """The plain-text summary, ready to paste into the child's record.

    One message: no blank lines, because Rasa's channels send each paragraph as its own message.
    Answers that are not strings, and typed notes that are not a {slot: text} mapping, are
    treated as missing, so the summary is still made from what is valid.
    """
    answers = {slot: q.stored_answer(answers.get(slot)) for slot in q.SLOTS}
    typed = q.typed_notes(typed)
    found = findings(answers)
    lines: List[str] = [
        "DOG RISK CHECK - SUMMARY",
        f"Date of check: {format_date(today)}",
        "Made with the Cambridgeshire and Peterborough Safeguarding Partnership Board's dog "
        "safety assistant. No names, addresses or dates of birth were asked for.",
        "ANSWERS",
    ]
    for slot in q.applicable(answers):
        if answers.get(slot) is None:
            continue
        lines.append(f"- {q.BY_SLOT[slot].label}: {_answer_text(slot, answers[slot], typed)}")

    lines.append(f"RISK FACTORS FOUND ({len(found)})")
    if not found:
        lines.append("- None of the risk factors this check asks about were found. Any dog can "
                     "bite: the safety advice still applies.")
    for number, finding in enumerate(found, start=1):
        lines.append(f"{number}. {finding.text}")
        lines.append(f"   Procedure: {'; '.join(finding.topics)} - {contacts['procedure_url']}")

    unknown = not_known(answers)
    if unknown:
        lines.append("NOT KNOWN YET (find out at the next contact)")
        lines += [f"- {label}" for label in unknown]

    lines.append("ACTIONS")
    lines += [f"{number}. {step}" for number, step in
              enumerate(actions(answers, found, contacts), start=1)]

    lines += [
        "There is no numeric risk score. This summary records what was found; professional "
        "judgement, with your safeguarding lead, decides what happens next.",
        "Only the opening of the Board's dangerous dogs procedure could be read when this check "
        "was written, so its detailed sections (including the referral criteria) are named here "
        f"by topic, not quoted. Read them in the procedure: {contacts['procedure_url']}",
    ]
    return "\n".join(lines)


def answers_from(tracker: Tracker) -> Dict[str, Any]:
    return {slot: q.stored_answer(tracker.get_slot(slot)) for slot in q.SLOTS}


SUMMARY_FAILED = (
    "Sorry, the summary could not be made because of a fault in this assistant, and the answers "
    "have not been kept. Please record what you found in the child's record yourself, and "
    "discuss any concern with your safeguarding lead.\n{urgent_help}")


def clear_events() -> List[EventType]:
    """Forget every answer (nothing about the family is kept once the summary is sent)."""
    return [SlotSet(slot, None) for slot in q.ALL_SLOTS]


class ActionRiskCheckSummary(Action):
    def name(self) -> Text:
        return "action_risk_check_summary"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        from assistant.contacts import load

        contacts = load()
        answers = answers_from(tracker)
        if all(value is None for value in answers.values()):
            dispatcher.utter_message(text="There are no answers to summarise.")
            return clear_events()
        try:
            summary = build_summary(answers, tracker.get_slot(q.TYPED_SLOT), contacts,
                                    today_in_england())
        except Exception:
            # Last resort: the check has ended, so without this the person would get no reply.
            logger.exception("The dog risk check summary could not be made")
            summary = SUMMARY_FAILED.format(**contacts)
        dispatcher.utter_message(text=summary)
        return clear_events()
