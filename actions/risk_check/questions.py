"""The dog risk check's questions, their button options, and how typed answers are read.

One short question at a time. Most questions have buttons (their titles are also the answers the
validator accepts, with the typed synonyms below); four take free text. The question wording
itself is in the domain (responses utter_ask_<slot> in content/staging/risk_check_domain.yml);
tests/unit/test_risk_check_validation.py checks that the buttons there match the options here.

Sources for what is asked (../shared/content/facts.md): part 1 §2.2 (Tees, Bedford, Berkshire West,
Pan-Lancashire questions: every dog living in or visiting, bite history, large dog in a small home,
dog left alone with the child, who else cares for the baby, where the dog is at sleep time),
§2.1 (deaths of under-5s involve a familiar dog, often not the family's own, sometimes in a
grandparent's care), §3.2-3.3 (prohibited types, Certificate of Exemption), part 2 §7 (health
visitor and midwife practice) and the Oliver briefing (history, domestic abuse, parental mental
health, a parent's previous child, professional curiosity).
"""
import re
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Mapping, Optional, Pattern, Sequence, Tuple

NOT_KNOWN = "not known"

CHOICE = "choice"  # buttons; typed synonyms accepted
COUNT = "count"  # a number of dogs; buttons for the common answers
TEXT = "text"  # free text, accepted unless it is clearly a question or a command

Answers = Dict[str, object]


@dataclass(frozen=True)
class Option:
    value: str
    title: str  # button title, also sent back as the payload
    label: str  # how the answer reads in the summary
    patterns: Sequence[str] = ()  # typed synonyms (regular expressions on normalised text)
    button: bool = True  # False: accepted when typed, but not offered as a button


@dataclass(frozen=True)
class Question:
    slot: str
    label: str  # the question as it reads in the summary
    kind: str
    options: Sequence[Option] = ()
    applies: Callable[[Answers], bool] = field(default=lambda answers: True)
    # words that name this question in "change the answer about ..."
    topic_words: Sequence[str] = ()
    # the question whose answer makes this follow-up apply (validation clears the follow-up
    # when that answer changes)
    parent: Optional[str] = None


def normalise(text: Optional[str]) -> str:
    """Lower case, curly quotes straightened, punctuation (except ' / + -) and extra spaces gone."""
    text = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[^a-z0-9'/+\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


# --- shared answer patterns ------------------------------------------------------------------
# "Don't know" and "skip" are answers: recorded as not known.
NOT_KNOWN_PATTERNS = [
    r"(i )?(really )?(do not|don't|dont|dnt) know( yet)?",
    r"(i'm |im |i am )?(not sure|unsure)( yet)?",
    r"dunno", r"idk", r"no idea", r"not known", r"unknown", r"can't say", r"cannot say",
    r"(i )?(can't|cannot|couldn't|could not) tell", r"n/?a", r"not applicable",
    r"skip( (this|that|it))?( (one|question))?( please)?", r"pass", r"next( question)?",
    r"(they )?(wouldn't|would not|didn't|did not) say", r"not asked( yet)?",
    r"(i )?(didn't|did not|haven't|have not) ask(ed)?( yet)?",
]
YES = r"(yes|yeah|yea|yep|yup|y|ye|correct|definitely|they do|there is|there are|it has|true)"
NO = (r"(no|nope|nah|n|none|never|not really|not at all|not that i know|not as far as i know|"
      r"there isn't|there is not|there aren't|nothing|no concerns?)")

_NOT_KNOWN_RE = re.compile(r"^(?:" + "|".join(NOT_KNOWN_PATTERNS) + r")$")


def is_not_known(text: str) -> bool:
    return bool(_NOT_KNOWN_RE.match(normalise(text)))


def yes_no_options(yes_label: str = "Yes", no_label: str = "No") -> List[Option]:
    return [
        Option("yes", "Yes", yes_label, (YES + r"\b.*",)),
        Option("no", "No", no_label, (NO + r"\b.*",)),
    ]


DONT_KNOW = Option(NOT_KNOWN, "Don't know", "Not known")

# --- conditions ------------------------------------------------------------------------------


def has_dogs(answers: Answers) -> bool:
    """Dog questions apply unless the answer was that no dogs live in or visit the home."""
    return answers.get("rc_dog_count") != "0"


def _answer_in(slot: str, values: Sequence[str]) -> Callable[[Answers], bool]:
    def applies(answers: Answers) -> bool:
        return has_dogs(answers) and answers.get(slot) in values

    return applies


WHERE_OPTIONS = [
    Option("apart", "Apart: gate, door or crate", "Kept apart (gate, closed door or crate)",
           (r".*\b(stair ?gates?|baby ?gates?|gates?|gated|crates?|crated|cages?|kennels?|pen|"
            r"another room|other room|different room|separate room|separated|apart|"
            r"shut (in|away|out)|closed door|door (shut|closed)|behind (a|the) (door|gate)|"
            r"utility|outside|garden|kitchen)\b.*",)),
    Option("supervised", "Same room, adult watching", "Same room, with an adult watching",
           (r".*\b(same room|with (us|me|mum|dad|them|an adult|the adult)|supervised|watch(ed|ing)|"
            r"on (a|the) lead|in the room)\b.*",)),
    Option("free", "Free to roam", "Free to go where they like",
           (r".*\b(free|roam(s|ing)?|anywhere|wherever|everywhere|loose|sofa|"
            r"(on|in) (our|the|my|their|his|her|mum's|dad's) (bed|sofa|settee)|"
            r"(sleeps?|lies|lays) (with|next to|by) (the )?baby)\b.*",)),
    Option("undecided", "Not decided", "Not decided yet",
           (r".*\b(not decided|undecided|not (thought|planned)|haven't (thought|decided|planned)|"
            r"have not (thought|decided|planned)|no plan)\b.*",)),
    DONT_KNOW,
]

QUESTIONS: List[Question] = [
    Question(
        "rc_dog_count", "Dogs living in or regularly visiting the home", COUNT,
        [Option("0", "None", "None"), Option("1", "1", "1"), Option("2", "2", "2"),
         Option("3 or more", "3 or more", "3 or more"), DONT_KNOW],
        topic_words=("how many", "number of dogs", "count", "dogs in the home", "number"),
    ),
    Question(
        "rc_dog_details", "Type, size and age of each dog", TEXT, applies=has_dogs,
        topic_words=("type", "breed", "size", "age", "describe", "description", "details"),
    ),
    Question(
        "rc_prohibited_type", "Could any dog be a prohibited (banned) type", CHOICE,
        [Option("yes", "Yes", "Yes",
                (YES + r"\b(?!.*\b(might|may|could|possibly|maybe|perhaps|think)\b).*",
                 r"(it's |its |it is |he's |she's |one is |they're |looks like )?(an? )?"
                 r"(pit ?bull|pitbull|japanese tosa|tosa|dogo|fila|xl( bully)?|bully xl)"
                 r"(\b(?!.*\b(might|may|could|possibly|maybe|perhaps|think)\b).*)?",)),
         Option("possibly", "Possibly", "Possibly",
                (r".*\b(possibly|maybe|might|may be|could be|perhaps|suspect(ed)?|i think so|"
                 r"looks? (a bit )?like|unsure if|not sure if)\b.*",)),
         Option("no", "No", "No",
                (NO + r"\b.*", r".*\bnot (a |an )?(banned|prohibited|illegal)\b.*")),
         DONT_KNOW],
        applies=has_dogs,
        topic_words=("banned", "prohibited", "pit bull", "pitbull", "xl", "bully", "tosa",
                     "dogo", "fila"),
    ),
    Question(
        "rc_exemption", "Certificate of Exemption for that dog", CHOICE,
        [Option("seen", "Yes, I've seen it", "Yes, seen",
                (r".*\b(seen|saw|shown|showed|checked|have seen)\b.*",)),
         Option("claimed", "They say yes, not seen", "They say yes (not seen)",
                (r".*\b(they say|say so|says so|said so|apparently|claims?|not seen|didn't see|"
                 r"did not see)\b.*", YES + r"$")),
         Option("no", "No", "No", (NO + r"\b.*",)),
         DONT_KNOW],
        applies=_answer_in("rc_prohibited_type", ("yes", "possibly")),
        topic_words=("exemption", "certificate", "exempt"), parent="rc_prohibited_type",
    ),
    Question(
        "rc_bite_history", "Bite, snap, growl or threat towards a person or animal", CHOICE,
        [Option("child", "Yes, at a child", "Yes, towards a child",
                (r".*\b(child|children|baby|toddler|kids?|son|daughter|boy|girl|nephew|niece|"
                 r"grandchild)\b.*",)),
         Option("other", "Yes, at an adult or animal", "Yes, towards an adult or an animal",
                (r".*\b(adult|man|woman|mum|dad|mother|father|partner|postman|postie|visitor|"
                 r"neighbour|cat|cats|animal|another dog|other dog|dogs|person|people|"
                 r"vet|groomer)\b.*",)),
         Option("yes", "Yes", "Yes (towards whom not said)",
                (YES + r"\b.*", r".*\b(bit|bites|bitten|biting|snap(ped|s)?|nip(ped|s)?|"
                 r"growl(ed|s|ing)?|lunged?|attack(ed)?|went for|snarl(ed|s)?)\b.*"),
                button=False),
         Option("no", "No", "No", (NO + r"\b.*",)),
         DONT_KNOW],
        applies=has_dogs,
        topic_words=("bite", "bites", "bitten", "bit", "snap", "growl", "threat", "aggression",
                     "history"),
    ),
    Question(
        "rc_bite_details", "What happened (bite, snap, growl or threat)", TEXT,
        applies=_answer_in("rc_bite_history", ("child", "other", "yes")),
        topic_words=("what happened", "incident"), parent="rc_bite_history",
    ),
    Question(
        "rc_behaviour_change", "Recent change in any dog's behaviour", CHOICE,
        yes_no_options() + [DONT_KNOW], applies=has_dogs,
        topic_words=("behaviour", "behavior", "acting differently"),
    ),
    Question(
        "rc_where_awake", "Where the dogs are when the baby is awake", CHOICE, WHERE_OPTIONS,
        applies=has_dogs, topic_words=("awake",),
    ),
    Question(
        "rc_where_asleep", "Where the dogs are when the baby is asleep", CHOICE, WHERE_OPTIONS,
        applies=has_dogs,
        topic_words=("asleep", "sleep", "sleeps", "sleeping", "nap", "naps", "night"),
    ),
    Question(
        "rc_where_feeding", "Where the dogs are when the baby is being fed", CHOICE, WHERE_OPTIONS,
        applies=has_dogs, topic_words=("fed", "feed", "feeding", "feeds"),
    ),
    Question(
        "rc_separation_plan", "Supervision and separation plan (gates, closed doors, crate)",
        CHOICE,
        [Option("in_place", "Yes, in place", "Yes, and in place now",
                (r".*\b(in place|in use|already|got (a |the )?(gates?|crate)|have (a |the )?"
                 r"(gates?|crate)|gates? (are )?up|set up)\b.*", YES + r"$")),
         Option("planned", "Planned, not in place", "Planned, not in place yet",
                (r".*\b(planned|planning|going to|gonna|will (get|buy|put)|not yet|buying|ordered|"
                 r"soon|before (the )?baby|will)\b.*",)),
         Option("none", "No plan", "No plan", (NO + r"\b.*", r".*\bno plan\b.*")),
         DONT_KNOW],
        applies=has_dogs,
        topic_words=("plan", "separation", "separate", "supervision", "gates", "gate", "crate"),
    ),
    Question(
        "rc_leave_room", "When the adult leaves the room, even briefly", CHOICE,
        [Option("baby_goes", "Baby goes with them", "The baby goes with them",
                (r".*\b(take|takes|taking|carry|carries|bring|brings) (the )?baby\b.*",
                 r".*\bbaby (comes|goes|come|go)\b.*")),
         Option("dogs_out", "Dogs shut out first", "The dogs are shut out or crated first",
                (r".*\b(shut|put|close|crate|gate)\b.*\b(dogs?|them|door)\b.*",
                 r".*\bdogs? (go|goes|are put|is put) (out|away|in)\b.*")),
         Option("left_together", "Baby and dogs left together", "Baby and dogs left together",
                (r".*\b(left together|leave (them|the baby|baby)|stay(s)? together|"
                 r"(dog|dogs) stay(s)?|just for a (sec|second|minute|moment)|only (a )?(sec|second|"
                 r"minute|moment))\b.*",)),
         Option("not_considered", "Not thought about", "Not thought about",
                (r".*\b(not thought|haven't thought|have not thought|never thought|no plan|"
                 r"not considered|not discussed)\b.*",)),
         DONT_KNOW],
        applies=has_dogs,
        topic_words=("leave", "leaves", "leaving", "out of the room", "leaves the room"),
    ),
    Question(
        "rc_other_carers", "Others who care for the baby, and their dogs", CHOICE,
        [Option("with_dogs", "Others, with dogs", "Others care for the baby, and have dogs",
                (r"(?!.*\b(no|not|don't|dont|doesn't|doesnt|without)\b.*\bdogs?\b)"
                 r".*\b(dogs?|puppy|puppies|rottweiler|staffie|staffy|lab|labrador|collie|"
                 r"spaniel|terrier|shepherd|husky|bully|bulldog)\b.*",)),
         Option("no_dogs", "Others, no dogs", "Others care for the baby, no dogs",
                (r".*\b(no|not|don't|dont|doesn't|doesnt|without)\b.*\bdogs?\b.*",
                 r".*\bdog ?free\b.*")),
         Option("none", "No one else", "No one else cares for the baby",
                (r".*\b(no ?one|nobody|noone|only (us|me|mum|dad|parents)|just (us|me|mum|dad|"
                 r"parents|the parents))\b.*", r"no|none|nope")),
         DONT_KNOW],
        topic_words=("carer", "carers", "grandparent", "grandparents", "nan", "nana", "gran",
                     "grandma", "grandad", "childminder", "babysitter", "who else",
                     "looks after", "other homes"),
    ),
    Question(
        "rc_home_space", "A large dog, or several dogs, in a small home", CHOICE,
        yes_no_options() + [DONT_KNOW], applies=has_dogs,
        topic_words=("small home", "space", "large dog", "small house", "small flat", "room"),
    ),
    Question(
        "rc_care_control", "Care and control (walked, trained, vet, under control)", CHOICE,
        [Option("none", "No concerns", "No concerns",
                (r"(no|not any) (real )?(concerns?|worries|issues|problems)\b.*",
                 r"(?!.*\b(not|isn't|aren't|never|no|but)\b).*\b(well cared|well looked after|"
                 r"well trained|all good|all fine|fine|good|walked (daily|every day|twice))\b.*")),
         Option("some", "Some concerns", "Some concerns",
                (r".*\b(some|a few|minor|slight|bit of|a little)\b.*",)),
         Option("serious", "Serious concerns", "Serious concerns",
                (r".*\b(serious|major|severe|very (worried|concerned)|neglect(ed)?|never walked|"
                 r"not walked|no vet|out of control|starving|thin|matted|filthy|faeces|poo "
                 r"everywhere|dirty)\b.*",)),
         DONT_KNOW],
        applies=has_dogs,
        topic_words=("care", "control", "walked", "walk", "trained", "training", "vet",
                     "welfare"),
    ),
    Question(
        "rc_care_details", "Concerns about care and control", TEXT,
        applies=_answer_in("rc_care_control", ("some", "serious")),
        topic_words=("concerns about care",), parent="rc_care_control",
    ),
    Question(
        "rc_domestic_abuse", "Domestic abuse, including coercive control", CHOICE,
        yes_no_options("Yes", "None known") + [DONT_KNOW],
        topic_words=("domestic", "abuse", "violence", "coercive", "coercion", "dv", "da"),
    ),
    Question(
        "rc_mental_health", "Parental mental health concerns", CHOICE,
        yes_no_options("Yes", "None known") + [DONT_KNOW],
        topic_words=("mental", "depression", "anxiety", "psychosis"),
    ),
    Question(
        "rc_substance_misuse", "Drug or alcohol misuse", CHOICE,
        yes_no_options("Yes", "None known") + [DONT_KNOW],
        topic_words=("drug", "drugs", "alcohol", "substance", "drinking"),
    ),
    Question(
        "rc_previous_child", "Concern in a parent's history with a previous child", CHOICE,
        yes_no_options("Yes", "None known") + [DONT_KNOW],
        topic_words=("previous child", "other child", "older child", "first child",
                     "previous children"),
    ),
    Question(
        "rc_previous_csc", "Previous children's social care involvement", CHOICE,
        yes_no_options("Yes", "None known") + [DONT_KNOW],
        topic_words=("social care", "social services", "children's services", "csc",
                     "involvement", "social worker"),
    ),
    Question(
        "rc_matches", "What the family says matches what you see", CHOICE,
        [Option("yes", "Yes, it matches", "Yes, it matches",
                (r"(yes|yeah|yep|y|it does|matches|consistent)\b(?!.*\b(partly|mostly|not)\b).*",)),
         Option("partly", "Partly", "Partly",
                (r".*\b(partly|partially|mostly|some of it|not entirely|not completely|"
                 r"sort of|kind of)\b.*",)),
         Option("no", "No, it doesn't match", "No, it does not match",
                (r"(no|nope|n|not really|it doesn't|it does not|doesn't|does not|not at all)\b.*",
                 r".*\b(doesn't match|does not match|inconsistent|contradict)\w*\b.*")),
         Option("not_seen", "Couldn't see", "Could not see (not observed)",
                (r".*\b(couldn't see|could not see|didn't see|did not see|not seen|not observed|"
                 r"dogs? (were|was) (out|away|not there|elsewhere))\b.*",)),
         DONT_KNOW],
        topic_words=("match", "matches", "see", "seen", "observe", "observed", "what i see"),
    ),
    Question(
        "rc_mismatch_details", "What did not match", TEXT,
        applies=lambda answers: answers.get("rc_matches") in ("partly", "no"),
        topic_words=("mismatch", "did not match", "didn't match"), parent="rc_matches",
    ),
]

BY_SLOT: Dict[str, Question] = {question.slot: question for question in QUESTIONS}
SLOTS: List[str] = [question.slot for question in QUESTIONS]
# The free-text notes of typed answers to button questions ({slot: text}).
TYPED_SLOT = "rc_typed_answers"
ALL_SLOTS: List[str] = SLOTS + [TYPED_SLOT]


def applicable(answers: Answers) -> List[str]:
    """The questions that apply, in order, given the answers so far."""
    return [question.slot for question in QUESTIONS if question.applies(answers)]


def next_missing(answers: Answers) -> Optional[str]:
    """The first applicable question without an answer, or None when the check is complete."""
    return next((slot for slot in applicable(answers) if answers.get(slot) is None), None)


def children_of(slot: str) -> List[str]:
    return [question.slot for question in QUESTIONS if question.parent == slot]


def stored_answer(value: object) -> Optional[str]:
    """A slot's value as an answer. Every answer is a string, so anything else (a list, a
    number: a tracker edited by hand or by another version) counts as not answered."""
    return value if isinstance(value, str) else None


def typed_notes(value: object) -> Dict[str, str]:
    """The typed-answers slot as {slot: note}; a value of any other shape counts as no notes."""
    if not isinstance(value, Mapping):
        return {}
    return {slot: note for slot, note in value.items()
            if isinstance(slot, str) and isinstance(note, str)}


# --- reading answers -------------------------------------------------------------------------
_WORD_NUMBERS = {
    "none": 0, "no": 0, "zero": 0, "nil": 0, "one": 1, "just one": 1,
    "single": 1, "two": 2, "a couple": 2, "couple": 2, "a pair": 2, "pair": 2, "three": 3,
    "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
MAX_DOGS = 30


def _read_count(text: str) -> Optional[str]:
    if re.fullmatch(r"(3|three) or more|more than (2|two)|several|lots|many|a few|loads", text):
        return "3 or more"
    if re.fullmatch(r"(no|none|zero|nil|0)( dogs?)?( at all)?( here| in the home)?|"
                    r"(we |they )?(don't|dont|do not) have (any )?(a )?dogs?|"
                    r"no dogs? (live|visit).*",
                    text):
        return "0"
    match = re.search(r"\b(\d{1,3})\b", text)
    if match:
        number = int(match.group(1))
        if number > MAX_DOGS:
            return None
        return str(number)
    if re.fullmatch(r"(just )?(a|an|one) (dog|puppy)( only)?|only (the )?one", text):
        return "1"
    words = re.match(r"^(just one|a couple|a pair|none|zero|nil|one|single|two|couple|pair|three|"
                     r"four|five|six|seven|eight|nine|ten)\b( dogs?| of them)?", text)
    if words:
        return str(_WORD_NUMBERS[words.group(1)])
    return None


def _option_patterns(option: Option) -> List[Pattern[str]]:
    return [re.compile(r"^(?:" + pattern + r")$") for pattern in option.patterns]


def read_choice(question: Question, text: str) -> Optional[str]:
    """The option value a typed or tapped answer means, or None if it is unclear."""
    clean = normalise(text)
    if not clean:
        return None
    for option in question.options:
        if clean == normalise(option.title):
            return option.value
    if is_not_known(clean):
        return NOT_KNOWN
    if question.kind == COUNT:
        return _read_count(clean)
    matches: List[str] = []
    for option in question.options:
        if any(pattern.match(clean) for pattern in _option_patterns(option)):
            matches.append(option.value)
    choice = _break_tie(question, clean, matches)
    if choice == "no" and _CONTRAST.search(clean):
        # "no, but he's been growling more lately": what follows the "but" may be the risk the
        # question asks about. Asking again costs a tap; a wrong "no" hides it.
        return None
    return choice


# What a dog did, in typed answers to the bite question.
_BITE_WORDS = re.compile(
    r"\b(bite|bites|bit|bitten|biting|snap(s|ped|ping)?|nip(s|ped|ping)?|growl(s|ed|ing)?|"
    r"lunge(s|d)?|lunging|attack(s|ed|ing)?|(went|goes|go|going) for|snarl(s|ed|ing)?|"
    r"threaten(s|ed|ing)?)\b")
_NEGATIONS = {"no", "not", "never", "nothing", "none", "nor", "isn't", "isnt", "hasn't", "hasnt",
              "haven't", "havent", "hadn't", "hadnt", "doesn't", "doesnt", "didn't", "didnt",
              "don't", "dont", "won't", "wouldn't", "wouldnt", "wasn't", "wasnt"}
_LIST_WORDS = {"or", "and", "nor", "even", "ever"}  # "never bitten, snapped or growled"
_CONTRAST = re.compile(r"\b(but|though|although|except|apart from|other than|however|only)\b")


def _affirms_bite(clean: str) -> bool:
    """True if the text says a dog bit, snapped, growled... without negating it."""
    previous_end = None  # where the last (negated) bite word ended
    for match in _BITE_WORDS.finditer(clean):
        negated = bool(_NEGATIONS & set(clean[:match.start()].split()[-2:]))
        in_negated_list = (previous_end is not None
                           and set(clean[previous_end:match.start()].split()) <= _LIST_WORDS)
        if not (negated or in_negated_list):
            return True
        previous_end = match.end()
    return False


def _bite_answer_with_a_no(clean: str) -> Optional[str]:
    """The bite question's answer when a "no" pattern matched (the text starts with a no).

    A "no" must not win over a bite, snap or growl the text goes on to describe ("no bites, but
    he snapped at my son"): a risk to a child would be lost. So a "no" stands only if every such
    word is negated; an affirmed one after "but" is read for whom it was towards; anything else
    is asked again, since a re-ask costs a tap and a wrong "no" hides a risk.
    """
    contrast = _CONTRAST.search(clean)
    if contrast:
        rest = clean[contrast.end():].strip()
        if not _affirms_bite(rest):
            return None
        options = {option.value: option for option in BY_SLOT["rc_bite_history"].options}
        for value in ("child", "other"):  # a threat to a child matters most
            if any(pattern.match(rest) for pattern in _option_patterns(options[value])):
                return value
        return "yes"
    return None if _affirms_bite(clean) else "no"


_STRONG_SEPARATION = re.compile(
    r"\b(gates?|gated|crated?|cages?|kennels?|pen|door|shut|separate\w*|apart|another room|"
    r"other room|different room)\b")


def _break_tie(question: Question, clean: str, matches: List[str]) -> Optional[str]:
    """One option when several typed-answer patterns matched; None if it stays unclear."""
    found = set(matches)
    if len(found) == 1:
        return matches[0]
    if not found:
        return None
    slot = question.slot
    if slot == "rc_bite_history" and "no" in found:
        return _bite_answer_with_a_no(clean)
    if "no" in found and "possibly" not in found and slot != "rc_matches":
        return "no"  # the "no" patterns only match answers that start with a no
    if question.options is WHERE_OPTIONS and found == {"apart", "supervised"}:
        # "same room but behind a gate" is apart; "in the kitchen with us" is not
        return "apart" if _STRONG_SEPARATION.search(clean) else None
    if slot == "rc_bite_history" and found <= {"child", "other", "yes"}:
        return "child" if "child" in found else "other"  # a threat to a child matters most
    if slot == "rc_prohibited_type" and found == {"yes", "possibly"}:
        return "possibly"
    if slot == "rc_care_control" and "serious" in found:
        return "serious"
    if slot == "rc_care_control" and found == {"some", "none"}:
        return "some"  # "fine, but a bit of a worry about walks"
    if slot == "rc_separation_plan" and found == {"in_place", "planned"}:
        return "planned"  # "we will have gates up"
    if slot == "rc_exemption" and found == {"seen", "claimed"}:
        return "claimed" if re.search(r"\b(not seen|didn't see|did not see)\b", clean) else "seen"
    if slot == "rc_leave_room" and "left_together" in found:
        return "left_together"
    if slot == "rc_matches" and found == {"yes", "partly"}:
        return "partly"
    return None


def option_label(slot: str, value: object) -> str:
    question = BY_SLOT[slot]
    if value == NOT_KNOWN:
        return "Not known"
    for option in question.options:
        if option.value == value:
            return option.label
    return str(value)


def button_titles(slot: str) -> List[str]:
    return [option.title for option in BY_SLOT[slot].options if option.button]


# --- free text -------------------------------------------------------------------------------
MIN_TEXT_CHARS = 2
MAX_TEXT_CHARS = 600

_PERSONAL_DATA = [
    (re.compile(r"\b[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b", re.I), "a postcode"),
    (re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b"), "a date"),
    (re.compile(r"\b(born|dob|d\.o\.b|date of birth)\b", re.I), "a date of birth"),
    (re.compile(r"(\+44|\b0)\d[\d ]{8,12}\d\b"), "a phone number"),
    (re.compile(r"\b\S+@\S+\.\w+\b"), "an email address"),
    (re.compile(r"\b\d+[a-z]? [a-z]+ (road|rd|street|st|avenue|ave|close|lane|drive|way|"
                r"court|crescent|gardens|place)\b", re.I), "an address"),
]


def personal_data_in(text: str) -> Optional[str]:
    """What personal detail the text seems to contain (a postcode, a date...), if any."""
    for pattern, what in _PERSONAL_DATA:
        if pattern.search(text or ""):
            return what
    return None


# Dog types the name finder in assistant.redaction can take for people's names ("Jack Russell",
# "Cane Corso"): a name it finds inside one of these is kept in a free-text answer.
BREED_WORDS = [
    "jack russell", "russell", "spaniel", "cocker", "springer", "cavalier", "king charles",
    "rottweiler", "rottie", "cane corso", "corso", "german shepherd", "shepherd", "alsatian",
    "labrador", "lab", "retriever", "golden", "staffie", "staffy", "staffordshire", "terrier",
    "bull terrier", "pit bull", "pitbull", "bully", "american bully", "xl", "tosa", "dogo",
    "argentino", "fila", "brasileiro", "husky", "malamute", "akita", "shiba", "mastiff",
    "bullmastiff", "bulldog", "french bulldog", "frenchie", "boxer", "great dane", "dane",
    "dobermann", "doberman", "weimaraner", "vizsla", "dalmatian", "saint bernard", "st bernard",
    "bernese", "newfoundland", "presa canario", "canario", "dogue de bordeaux", "bordeaux",
    "shar pei", "chow", "malinois", "belgian", "collie", "border collie", "sheepdog", "poodle",
    "cockapoo", "cavapoo", "labradoodle", "goldendoodle", "schnauzer", "maltese", "pug", "corgi",
    "westie", "west highland", "scottie", "airedale", "ridgeback", "rhodesian", "samoyed",
    "beagle", "basset", "dachshund", "sausage dog", "chihuahua", "pomeranian", "yorkie",
    "yorkshire", "shih tzu", "lhasa apso", "bichon", "bichon frise", "whippet", "greyhound",
    "lurcher", "patterdale", "kangal", "caucasian", "leonberger", "setter", "pointer",
    "hungarian", "japanese", "tibetan", "jackapoo", "puggle", "cross", "mongrel",
]
_BREED_RE = re.compile(r"\b(" + "|".join(re.escape(word) for word in BREED_WORDS) + r")s?\b",
                       re.IGNORECASE)


def names_a_breed(text: str) -> bool:
    return bool(_BREED_RE.search(text or ""))


def read_text(text: str) -> Tuple[Optional[str], Optional[str]]:
    """(answer, problem): the cleaned free-text answer, or why it cannot be used."""
    clean = re.sub(r"\s+", " ", (text or "")).strip()
    if is_not_known(clean):
        return NOT_KNOWN, None
    if len(re.sub(r"[^A-Za-z0-9]", "", clean)) < MIN_TEXT_CHARS:
        return None, "too_short"
    if len(clean) > MAX_TEXT_CHARS:
        return None, "too_long"
    if personal_data_in(clean):
        return None, "personal_data"
    return clean, None


def find_topic(text: str) -> Optional[str]:
    """The question that "change the answer about ..." names, if any (longest phrase wins)."""
    clean = " " + normalise(text) + " "
    best: Tuple[int, Optional[str]] = (0, None)
    for question in QUESTIONS:
        for word in question.topic_words:
            if re.search(r"\b" + re.escape(word) + r"\b", clean) and len(word) > best[0]:
                best = (len(word), question.slot)
    return best[1]
