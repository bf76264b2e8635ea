"""The professionals' dog risk check on the real servers, over REST, tapping buttons as a phone
would (a button's payload is sent back as plain text)."""
import re

from assistant.contacts import load as contacts
from tests.live.helpers import ask, new_sender, reply_text

# (what the question asks about, the answer sent) for a home with two dogs, one of which has
# snapped at a child, and no separation plan: 21 questions.
FULL_CHECK = [
    ("How many dogs", "2"),
    ("what type, size and age", "Staffie cross, large, 4 years; Jack Russell, small, 10 years"),
    ("banned (prohibited) type", "No"),
    ("bitten, snapped at, growled at", "Yes, at a child"),
    ("what happened", "Snapped at a visiting toddler who hugged it, about 6 months ago"),
    ("behaviour changed", "Don't know"),
    ("baby is awake", "Same room, adult watching"),
    ("baby is asleep", "they sleep on our bed at night"),
    ("baby is being fed", "Same room, adult watching"),
    ("keeping the dogs and the baby apart", "No plan"),
    ("leaves the room", "Baby and dogs left together"),
    ("Who else looks after the baby", "Others, with dogs"),
    ("large dog, or several dogs, in a small home", "Yes"),
    ("cared for and controlled", "Some concerns"),
    ("concerns about care and control", "Rarely walked, no training"),
    ("domestic abuse", "No"),
    ("mental health", "Yes"),
    ("drug or alcohol", "No"),
    ("previous child", "skip"),
    ("children's social care before", "No"),
    ("match what you see", "Partly"),
    ("didn't match", "Said the dogs stay in the kitchen; both were on the sofa, no gate"),
]


def buttons(replies):
    return [button["title"] for reply in replies for button in reply.get("buttons", [])]


def start_check(live, sender):
    ask(live, "I'm a health visitor", sender)
    replies = ask(live, "Start the dog risk check", sender)
    text = reply_text(replies)
    assert "don't type names, addresses, dates of birth" in text
    assert "How many dogs" in text
    assert {"None", "1", "2", "3 or more", "Don't know"} <= set(buttons(replies))
    return replies


def test_a_full_check_ends_with_a_summary_to_paste(live_stack):
    sender = new_sender()
    replies = start_check(live_stack, sender)
    for number, (asks_about, answer) in enumerate(FULL_CHECK):
        assert asks_about.lower() in reply_text(replies).lower(), (number, reply_text(replies))
        assert buttons(replies), "every question offers at least a Don't know button"
        if answer in ("2", "No", "Yes", "Partly", "No plan") or answer.startswith(
                ("Yes,", "Same room", "Baby and", "Others,", "Some concerns", "Don't know")):
            assert answer in buttons(replies), (answer, buttons(replies))
        replies = ask(live_stack, answer, sender)

    (summary,) = [reply["text"] for reply in replies
                  if "DOG RISK CHECK" in (reply.get("text") or "")]
    values = contacts()
    assert re.search(r"Date of check: \d{1,2} [A-Z][a-z]+ \d{4}", summary)
    assert "Yes, towards a child" in summary
    assert 'typed: "they sleep on our bed at night"' in summary
    assert "Concern in a parent's history with a previous child: Not known" in summary
    assert "A dog has bitten, snapped at, growled at or threatened a child." in summary
    assert "There is no plan to keep the dogs and the baby apart." in summary
    assert "Procedure: " in summary and values["procedure_url"] in summary
    assert values["never_leave"] in summary
    assert "Consider a referral to children's social care" in summary
    assert values["cambs_childrens_services"] in summary
    assert values["pboro_childrens_services"] in summary
    assert "Discuss these findings with your safeguarding lead" in summary
    assert "There is no numeric risk score" in summary
    assert "{" not in summary

    # The answers are forgotten: the next "Yes" is not taken as an answer to anything.
    assert "DOG RISK CHECK" not in reply_text(ask(live_stack, "Yes", sender))


def test_a_question_in_the_middle_is_answered_then_the_check_resumes(live_stack):
    sender = new_sender()
    start_check(live_stack, sender)
    ask(live_stack, "1", sender)
    replies = ask(live_stack, "is a cane corso banned?", sender)
    text = reply_text(replies)
    assert "Pit Bull Terrier" in text and "XL Bully" in text
    assert text.rstrip().endswith(
        "For each dog: what type, size and age is it? For example: \"Staffie cross, large, 4 "
        "years; Jack Russell, small, 10 years\". No names, please."), text
    replies = ask(live_stack, "Cane Corso, large, 18 months", sender)
    assert "banned (prohibited) type" in reply_text(replies)


def test_an_unclear_answer_gets_a_reprompt_and_the_same_question(live_stack):
    sender = new_sender()
    start_check(live_stack, sender)
    replies = ask(live_stack, "banana", sender)
    text = reply_text(replies)
    assert "Please give the number of dogs" in text
    assert "How many dogs" in text


def test_changing_an_answer_asks_that_question_again(live_stack):
    sender = new_sender()
    start_check(live_stack, sender)
    for answer in ("1", "Labrador, large, 6 years", "No", "No", "No"):
        replies = ask(live_stack, answer, sender)
    assert "baby is awake" in reply_text(replies)
    replies = ask(live_stack, "change the answer about bites", sender)
    assert "bitten, snapped at, growled at" in reply_text(replies)
    replies = ask(live_stack, "Yes, at an adult or animal", sender)
    assert "what happened" in reply_text(replies).lower()
    replies = ask(live_stack, "Growled at a delivery driver last month", sender)
    assert "baby is awake" in reply_text(replies), "back where the check had got to"


def test_stop_ends_the_check_without_a_summary(live_stack):
    sender = new_sender()
    start_check(live_stack, sender)
    ask(live_stack, "2", sender)
    text = reply_text(ask(live_stack, "stop", sender))
    assert "stopped" in text and "nothing was summarised" in text
    assert "SUMMARY" not in text
    # A new check starts again from the first question.
    assert "How many dogs" in reply_text(ask(live_stack, "Start the dog risk check", sender))
