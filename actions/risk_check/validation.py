"""validate_dog_risk_check_form: reads each answer, and tells answers from questions and commands.

While the check runs every message reaches the form first, and the form runs this action. The
answer slots have custom mappings: this action reads the message itself (so the raw text is never
put in a slot, where the conversation store would keep it unredacted). For each message it decides:

- an answer: recorded (a button title, a typed synonym, or "don't know"/"skip" -> "not known";
  free text with names and other personal details replaced by assistant.redaction);
- "go back" / "change the answer about bites": that answer (and the follow-up answers that
  depend on it) is cleared and its question asked again; the check then carries on from the
  first unanswered question;
- "stop" (NLU intent stop_check): the form is rejected, and the rule "stop the dog risk check"
  ends it without a summary;
- a question or another request ("is a cane corso banned?"): the form is rejected, so the
  question's own rule answers it, and the form then asks the same question again;
- a red-flag message (intent safety_*): the safety help is sent at once, and the check carries on;
- anything unclear: a short re-prompt, then the same question again. Never a crash.

Button questions accept their buttons and "don't know" whatever the NLU says ("No" is an answer
even if it was classified as something else). Otherwise a message interrupts only if the NLU is
confident of a known intent and the message reads as a request: a question (a question mark, or
a question word first), a topic button ("Report a dangerous dog"), or a short request such as
"hello" or "I'm a professional". A statement that is not an answer ("growled at the postman",
asked where the dogs will be) gets a re-prompt; on a free-text question it is the answer.
"""
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.risk_check import questions as q

logger = logging.getLogger(__name__)

FORM = "dog_risk_check_form"
REQUESTED_SLOT = "requested_slot"

# NLU confidence above which a message that is not an answer counts as a question or a command.
QUESTION_CONFIDENCE_BUTTONS = 0.5
QUESTION_CONFIDENCE_TEXT = 0.6
CONTROL_CONFIDENCE = 0.6
SKIP_CONFIDENCE = 0.7

NEVER_INTERRUPT = {None, "", "nlu_fallback", "skip_question", "go_back", "stop_check",
                   "risk_check_answer"}
# Requests that interrupt even without a question mark (on a free-text question: if short).
COMMAND_INTENTS = {"greet", "goodbye", "thanks", "help", "bot_challenge", "iam_family",
                   "iam_professional", "start_risk_check"}
SHORT_COMMAND_WORDS = 6
QUESTION_WORDS = {"what", "whats", "what's", "how", "why", "when", "where", "who", "which", "whose",
                  "is", "are", "can", "could", "should", "would", "do", "does", "did", "am",
                  "tell", "explain"}
NOTE_MIN_WORDS = 3
NOTE_MAX_CHARS = 200

_GO_BACK = re.compile(
    r"^(please |can we |can i |could we |could i |let's |lets |let me |i want to |i need to |"
    r"i'd like to |i would like to )?"
    r"(go back( to\b.*)?|back( to\b.*)?|back up|previous( question)?|last question|undo( that)?|"
    r"redo( that)?|(change|edit|correct|fix|amend|redo|update) (it|that|this)( answer)?|"
    r"(change|edit|correct|fix|amend|redo|update)\b.*\b(answer|reply|response)\b.*|"
    r"(change|edit|correct|amend) (what i said|what i put)\b.*|"
    r"wrong answer\b.*|i made a mistake\b.*|mistake|oops\b.*|i got that wrong\b.*)"
    r"( please)?$"
)
_STOP = re.compile(
    r"^(please |can we |can i |could we |let's |lets |i want to |i need to |i'd like to |"
    r"i have to |i've got to )?(stop|cancel|quit|exit|end|abort|abandon)"
    r"( (the|this|my) (dog )?(risk )?(check|assessment|questions|checklist|form))?"
    r"( (now|here|please|thanks|thank you))*$"
)

REPROMPT_CHOICE = ("Sorry, I didn't understand that answer. Please tap one of the buttons, or type "
                   "'don't know' to skip this question.")
REPROMPT_COUNT = ("Please give the number of dogs as a number, for example 2, or tap a button. "
                  "Type 'don't know' if it isn't known.")
REPROMPT_SHORT = "Please type a few words, or 'don't know' to skip this question."
REPROMPT_LONG = ("That's too long for this note. Please keep it under {limit} characters: "
                 "the main facts are enough.")
REPROMPT_PERSONAL = ("Please don't type names, addresses, dates of birth or contact details. "
                     "Your answer seems to include {what}. Please type it again without it "
                     "(for when something happened, say roughly when, e.g. 'about 6 months ago').")
STOP_HINT = "To stop the check, type 'stop the check'. Nothing will be summarised."
BACK_FIRST = "This is the first question, so there's no earlier answer to change."
BACK_NOT_APPLICABLE = "That question doesn't apply with the answers given so far."
BACK_OK = "OK, let's change that answer."


@dataclass
class Decision:
    kind: str  # answer | reprompt | interrupt | back
    value: Any = None
    message: Optional[str] = None
    note: Optional[str] = None
    target: Optional[str] = None


def _top_intent(tracker: Tracker) -> Tuple[str, float]:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


# Menu buttons that are statements, not questions ("Report a dangerous dog"): tapped during the
# check, they ask for that topic.
MENU_BUTTONS = ["Start the dog risk check", "I'm a parent or carer", "I'm a professional"]


def topic_labels() -> List[str]:
    try:
        from assistant import topics

        return list(topics.labels().values()) + MENU_BUTTONS
    except Exception:  # no topic list: the menu buttons still count
        logger.warning("Topic labels could not be read", exc_info=True)
        return list(MENU_BUTTONS)


def is_topic_label(text: str) -> bool:
    clean = q.normalise(text)
    return any(clean == q.normalise(label) for label in topic_labels())


def looks_like_question(text: str) -> bool:
    words = q.normalise(text).split()
    return "?" in (text or "") or bool(words and words[0] in QUESTION_WORDS)


def is_go_back(text: str) -> bool:
    return bool(_GO_BACK.match(q.normalise(text)))


def is_stop(text: str) -> bool:
    return bool(_STOP.match(q.normalise(text)))


def _is_interruption(question: q.Question, text: str, intent: str, confidence: float) -> bool:
    if intent in NEVER_INTERRUPT or intent.startswith("safety_"):
        return False
    if question.kind != q.TEXT:
        # Not an answer: a question or a request if it reads like one.
        # A statement such as "growled at the postman" gets a re-prompt instead.
        return confidence >= QUESTION_CONFIDENCE_BUTTONS and (
            looks_like_question(text) or is_topic_label(text) or intent in COMMAND_INTENTS)
    if confidence < QUESTION_CONFIDENCE_TEXT:
        return False
    if intent in COMMAND_INTENTS and len(q.normalise(text).split()) <= SHORT_COMMAND_WORDS:
        return True
    return looks_like_question(text) or is_topic_label(text)


def _typed_note(question: q.Question, text: str) -> Optional[str]:
    """A typed answer to a button question, kept for the summary when it says more than a tap."""
    clean = re.sub(r"\s+", " ", text or "").strip()
    if any(q.normalise(clean) == q.normalise(option.title) for option in question.options):
        return None
    if len(q.normalise(clean).split()) < NOTE_MIN_WORDS or len(clean) > NOTE_MAX_CHARS:
        return None
    if q.personal_data_in(clean):
        return None
    return clean


def back_target(text: str, current: str, answers: q.Answers) -> Decision:
    """Which question "go back" / "change the answer about ..." means."""
    named = q.find_topic(text)
    if named and named != current:
        if named not in q.applicable(answers):
            return Decision("reprompt", message=BACK_NOT_APPLICABLE)
        return Decision("back", target=named, message=BACK_OK)
    if named == current:
        return Decision("back", target=current, message=BACK_OK)
    asked = q.applicable(answers)
    earlier = asked[: asked.index(current)] if current in asked else asked
    answered = [slot for slot in earlier if answers.get(slot) is not None]
    if not answered:
        return Decision("reprompt", message=BACK_FIRST)
    return Decision("back", target=answered[-1], message=BACK_OK)


def interpret(question: q.Question, text: str, intent: str, confidence: float,
              answers: q.Answers) -> Decision:
    """What one message means while `question` is being asked."""
    # Commands first, so "change my answer about the gate" is never read as an answer about gates.
    if is_go_back(text):
        return back_target(text, question.slot, answers)
    if is_stop(text):
        return Decision("interrupt") if intent == "stop_check" else Decision(
            "reprompt", message=STOP_HINT)

    if question.kind in (q.CHOICE, q.COUNT):
        clean = q.normalise(text)
        if any(clean == q.normalise(option.title) for option in question.options):
            return Decision("answer", value=q.read_choice(question, text))  # a button
        if q.is_not_known(text):
            return Decision("answer", value=q.NOT_KNOWN)
        # A question that happens to contain answer words ("what should I ask about
        # grandparents' dogs?") is a question, not an answer.
        if _is_interruption(question, text, intent, confidence):
            return Decision("interrupt")
        value = q.read_choice(question, text)
        if value is not None:
            return Decision("answer", value=value, note=_typed_note(question, text))

    if intent == "go_back" and confidence >= CONTROL_CONFIDENCE:
        return back_target(text, question.slot, answers)
    if intent == "stop_check" and confidence >= CONTROL_CONFIDENCE:
        return Decision("interrupt")
    short = len(q.normalise(text).split()) <= 5
    if intent == "skip_question" and confidence >= SKIP_CONFIDENCE and short:
        return Decision("answer", value=q.NOT_KNOWN)
    if _is_interruption(question, text, intent, confidence):
        return Decision("interrupt")

    if question.kind == q.TEXT:
        value, problem = q.read_text(text)
        if value is not None:
            return Decision("answer", value=value)
        if problem == "personal_data":
            return Decision("reprompt", message=REPROMPT_PERSONAL.format(
                what=q.personal_data_in(text)))
        if problem == "too_long":
            return Decision("reprompt", message=REPROMPT_LONG.format(limit=q.MAX_TEXT_CHARS))
        return Decision("reprompt", message=REPROMPT_SHORT)
    if question.kind == q.COUNT:
        return Decision("reprompt", message=REPROMPT_COUNT)
    return Decision("reprompt", message=REPROMPT_CHOICE)


def current_answers(tracker: Tracker, skip: Optional[str] = None) -> Dict[str, Any]:
    return {slot: (None if slot == skip else q.stored_answer(tracker.get_slot(slot)))
            for slot in q.SLOTS}


def requested_question(tracker: Tracker) -> Optional[str]:
    """The question being asked; None if requested_slot holds anything else (even a list)."""
    requested = tracker.get_slot(REQUESTED_SLOT)
    return requested if isinstance(requested, str) and requested in q.BY_SLOT else None


def clear_follow_ups(parent: str, answers: Dict[str, Any]) -> List[EventType]:
    """Follow-up answers belong to the parent's old answer: cleared, so they are asked again
    if the new answer still calls for them."""
    events: List[EventType] = []
    for child in q.children_of(parent):
        answers[child] = None
        events.append(SlotSet(child, None))
    return events


# Events Rasa logs between a user message and the form's run (slots set by extraction, the
# message's featurisation, entities).
SKIPPED_EVENTS = {"slot", "user_featurization", "entities"}


def answers_a_message(tracker: Tracker) -> bool:
    """True when this run of the form follows a user message (not its activation, nor its
    return after an interruption). Rasa gives the validation the conversation plus, at the end,
    the form's own run and slot events; what came before those decides."""
    events = list(tracker.events or [])
    if events and events[-1].get("event") == "action":
        events = events[:-1]  # the form's own run, added by Rasa for the validation
    for event in reversed(events):
        kind = event.get("event")
        if kind in SKIPPED_EVENTS:
            continue
        return kind == "user"
    return False


def redact_text(text: str) -> str:
    """Free text with names and other personal details replaced, as assistant.redaction does
    for stored messages, except that dog types it takes for names ("Jack Russell") are kept."""
    try:
        from assistant.redaction import find
    except Exception:  # no redaction: the re-prompt for postcodes, dates and numbers still applies
        logger.warning("Redaction is not available; free text kept as typed", exc_info=True)
        return text
    try:
        spans = find(text)
    except Exception:
        logger.warning("Redaction failed; free text kept as typed", exc_info=True)
        return text
    pieces, position = [], 0
    for start, end, label in spans:
        if label == "name" and q.names_a_breed(text[start:end]):
            continue
        pieces.append(text[position:start])
        pieces.append(f"[{label}]")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _warm_up_redaction() -> None:
    try:
        redact_text("warm up")
    except Exception:  # pragma: no cover - only logging
        pass


def validate_turn(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The events for one run of the validation action."""
    requested = requested_question(tracker)
    if requested is None or not answers_a_message(tracker):
        # Activation, or back after an interruption: ask the same question again if it is still
        # open, otherwise the first open one.
        answers = current_answers(tracker)
        if requested in q.applicable(answers) and answers.get(requested) is None:
            return [SlotSet(REQUESTED_SLOT, requested)]
        return [SlotSet(REQUESTED_SLOT, q.next_missing(answers))]

    answers = current_answers(tracker, skip=requested)
    question = q.BY_SLOT[requested]
    text = tracker.latest_message.get("text") or ""
    intent, confidence = _top_intent(tracker)

    if intent.startswith("safety_"):
        # The red-flag help goes out first, whatever else the message is.
        dispatcher.utter_message(response=f"utter_{intent}")

    decision = interpret(question, text, intent, confidence, answers)
    logger.debug("risk check: %s -> %s", requested, decision.kind)

    if decision.kind == "interrupt":
        return [SlotSet(requested, None), ActionExecutionRejected(FORM)]
    if decision.message:
        dispatcher.utter_message(text=decision.message)
    if decision.kind == "reprompt":
        return [SlotSet(requested, None), SlotSet(REQUESTED_SLOT, requested)]
    if decision.kind == "back":
        events: List[EventType] = [SlotSet(requested, None)]
        if decision.target != requested:
            events.append(SlotSet(decision.target, None))
        events += clear_follow_ups(decision.target, answers)
        return events + [SlotSet(REQUESTED_SLOT, decision.target)]

    value = decision.value
    if question.kind == q.TEXT and value != q.NOT_KNOWN:
        value = redact_text(value)
    answers[requested] = value
    # A follow-up comes after its parent, so one answered already belongs to an earlier answer.
    follow_ups = clear_follow_ups(requested, answers)
    typed = q.typed_notes(tracker.get_slot(q.TYPED_SLOT))
    if decision.note:
        typed[requested] = redact_text(decision.note)
    else:
        typed.pop(requested, None)
    return [
        SlotSet(requested, value),
        *follow_ups,
        SlotSet(q.TYPED_SLOT, typed),
        SlotSet(REQUESTED_SLOT, q.next_missing(answers)),
    ]


class ValidateDogRiskCheckForm(FormValidationAction):
    def __init__(self) -> None:
        super().__init__()
        # Load the redaction model in the background, so the first free-text answer is not slow.
        threading.Thread(target=_warm_up_redaction, daemon=True).start()

    def name(self) -> Text:
        return "validate_dog_risk_check_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        try:
            return validate_turn(dispatcher, tracker)
        except Exception:  # never leave the person stuck: ask the same question again
            logger.exception("Validating the dog risk check failed")
            requested = requested_question(tracker)
            dispatcher.utter_message(text=REPROMPT_CHOICE)
            if requested is not None:
                return [SlotSet(requested, None), SlotSet(REQUESTED_SLOT, requested)]
            return [SlotSet(REQUESTED_SLOT, q.next_missing({}))]
