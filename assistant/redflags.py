"""Safety red-flag check: spots emergencies and disclosures in any user message.

`detect(text)` runs on every message, before and independently of the intent classifier, and
returns one of `CATEGORIES` (the highest-priority one that fires) or None. Pure stdlib, no Rasa.

Priority, when several fire (first wins):
  1. dog_attack        - an attack happening now / a child just bitten: 999 or A&E beats everything.
  2. child_danger      - a child in danger right now (alone with a dog, dog guarding the baby).
  3. mental_health     - risk to life: suicidal thoughts, a parent afraid they will harm the baby.
  4. child_disclosure  - a child telling us they are hurt: Childline/police, before adult services.
  5. domestic_abuse    - an adult disclosing abuse or coercive control.
  6. child_concern     - a non-emergency worry about someone else's child (lowest: it is not now).

How it works: the text is normalised (NFKC, lower case, smart quotes, apostrophes dropped,
emoji and symbols removed, text-speak and common misspellings mapped, stretched letters
shortened), then split into sentences and clauses. Each category is a list of named `Rule`s: a
compiled regex searched per clause, plus guards that stop it firing on hypothetical or
informational wording ("if", "what should I do when a dog...", "is it safe to..."), on
habitual/old events ("keeps", "years ago", "before") or on a professional asking in general.
A rule is only tried when the message contains one of its cue words (a set lookup), which
keeps a typical message well under 0.2 ms.
"""
import re
import unicodedata
from typing import Dict, FrozenSet, Iterable, List, Optional, Pattern, Tuple

CATEGORIES: Tuple[str, ...] = (
    "dog_attack",
    "child_danger",
    "mental_health",
    "child_disclosure",
    "domestic_abuse",
    "child_concern",
)

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'",
    "`": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"', "&": " and ", "+": " and ",
})

# Text-speak, contractions (after apostrophes are dropped) and common misspellings -> one form.
_SPELLING: Dict[str, str] = {
    # text-speak
    "u": "you", "ur": "your", "youre": "you are", "pls": "please", "plz": "please",
    "plse": "please", "pleez": "please", "rn": "right now", "atm": "at the moment",
    "bf": "boyfriend", "gf": "girlfriend", "hubby": "husband", "hubs": "husband",
    "dh": "husband", "dp": "partner", "ds": "son", "dd": "daughter", "lo": "little one",
    "bubba": "baby", "bub": "baby", "babby": "baby", "bby": "baby", "babi": "baby",
    "babie": "baby", "babys": "baby", "kiddo": "kid", "kiddie": "kid", "kiddies": "kids",
    "kidz": "kids", "childs": "child", "childrens": "children", "childern": "children",
    "chidren": "children", "childen": "children", "chlid": "child", "todler": "toddler",
    "todller": "toddler", "toddlar": "toddler", "doughter": "daughter", "daugther": "daughter",
    "daugter": "daughter", "dauhter": "daughter", "neice": "niece", "grandaughter": "granddaughter",
    "wen": "when", "wat": "what", "wot": "what", "coz": "because", "cos": "because",
    "cuz": "because", "bc": "because", "b4": "before", "ppl": "people", "sum1": "someone",
    "some1": "someone", "any1": "anyone", "no1": "no one", "nbr": "neighbour",
    "neighbor": "neighbour", "neighbors": "neighbours", "nieghbour": "neighbour",
    "neigbour": "neighbour", "neighour": "neighbour", "nextdoor": "next door",
    "mom": "mum", "mommy": "mummy", "momma": "mum", "mam": "mum", "mammy": "mum",
    "mother": "mum", "daddy": "dad", "father": "dad", "stepdad": "step dad",
    "stepmum": "step mum", "stepmom": "step mum", "stepfather": "step dad",
    "stepmother": "step mum", "stepson": "step son", "stepdaughter": "step daughter",
    "grandad": "grandad", "granddad": "grandad", "grandpa": "grandad",
    "tbh": "", "omg": "", "lol": "", "ffs": "", "pleaseee": "please", "xx": "", "x": "",
    # contractions with the apostrophe gone
    "im": "i am", "ive": "i have", "hes": "he is", "shes": "she is", "theyre": "they are",
    "theres": "there is", "thats": "that is", "whats": "what is", "dont": "do not",
    "doesnt": "does not", "didnt": "did not", "cant": "cannot", "carnt": "cannot",
    "cnt": "cannot", "wont": "will not", "isnt": "is not", "wasnt": "was not",
    "arent": "are not", "werent": "were not", "havent": "have not", "hasnt": "has not",
    "hadnt": "had not", "couldnt": "could not", "wouldnt": "would not",
    "shouldnt": "should not", "aint": "is not", "gonna": "going to", "wanna": "want to",
    "gotta": "got to", "hell": "he will", "theyll": "they will", "itll": "it will",
    "hed": "he would", "shell": "she will", "youve": "you have", "weve": "we have",
    # misspellings of the words the rules rely on
    "bitt": "bit", "bited": "bit", "bitted": "bit", "biten": "bitten", "bitton": "bitten",
    "bittin": "bitten", "bittan": "bitten", "bittn": "bitten", "bittten": "bitten",
    "biteen": "bitten", "bittem": "bitten", "bitting": "biting", "biteing": "biting",
    "bitin": "biting", "atack": "attack", "attak": "attack", "attck": "attack",
    "atacked": "attacked", "attaked": "attacked", "attakced": "attacked",
    "attacted": "attacked", "attcked": "attacked", "attackd": "attacked", "atttacked": "attacked",
    "atacking": "attacking", "attaking": "attacking", "attcking": "attacking",
    "attackin": "attacking", "attackinh": "attacking", "mauld": "mauled", "malled": "mauled",
    "bleading": "bleeding", "bleding": "bleeding", "bledding": "bleeding",
    "bleedin": "bleeding", "bleedng": "bleeding", "bloood": "blood",
    "scarred": "scared", "sacred": "scared", "scard": "scared", "skared": "scared",
    "scaired": "scared", "terified": "terrified", "terrifed": "terrified",
    "frightend": "frightened", "afriad": "afraid", "worred": "worried", "woried": "worried",
    "worryed": "worried", "concered": "concerned", "concernd": "concerned",
    "agressive": "aggressive", "aggresive": "aggressive", "agresive": "aggressive",
    "husbnd": "husband", "husban": "husband", "husbend": "husband", "partener": "partner",
    "pertner": "partner", "parnter": "partner", "boyfreind": "boyfriend",
    "boyfirend": "boyfriend", "hurted": "hurt", "hitted": "hit", "beated": "beat",
    "suicidle": "suicidal", "sucidal": "suicidal", "suicdal": "suicidal",
    "suacidal": "suicidal", "suiside": "suicide", "sucide": "suicide", "suicde": "suicide",
    "myslef": "myself", "meself": "myself", "mysef": "myself",
    "nomore": "anymore", "nursary": "nursery", "cott": "cot",
    "pitbull": "pit bull", "pitbulls": "pit bulls", "pittie": "pit bull",
    "xlbully": "xl bully", "staffie": "staffy", "staffies": "staffys",
    "dogy": "doggy", "dogz": "dogs", "doggo": "dog", "doggos": "dogs", "pupper": "puppy",
    "pupy": "puppy", "puppie": "puppy", "dgo": "dog", "dgos": "dogs", "doog": "dog",
    "dogg": "dog", "dawg": "dog", "plese": "please", "pleas": "please", "hlep": "help",
    "hepl": "help", "halp": "help", "thier": "their", "teh": "the", "adn": "and",
    "fase": "face", "fce": "face", "rite": "right", "nw": "now",
    "strangeled": "strangled", "punshed": "punched", "threatend": "threatened",
    "threatned": "threatened", "thretened": "threatened", "controling": "controlling",
    "r": "our", "ma": "my", "mah": "my", "harrassing": "harassing", "harrased": "harassed",
    "harrasing": "harassing", "harassin": "harassing", "nite": "night", "2nite": "tonight",
    "abusiv": "abusive", "abbusive": "abusive", "negleted": "neglected",
    "neglectd": "neglected", "neglecked": "neglected",
}

_CLAUSE_PUNCT = re.compile(r"[.!?;:\n\r\u2026|()\[\]]+")
_COMMA = re.compile(r",+")
_NON_ALNUM = re.compile(r"[^a-z0-9.,]+")
_APOS = re.compile(r"'")
_SURROGATES = re.compile("[\ud800-\udfff]")
# "3yo", "18mths", "2yr" -> "3 yo"
_DIGIT_UNIT = re.compile(
    r"^(\d{1,2})(yo|yos|y|yr|yrs|years?|mo|mos|mth|mths|months?|m|wk|wks|weeks?|days?)$")
_STRETCH_END = re.compile(r"([a-z])\1{2,}$")  # "helppp" -> "help"
_STRETCH_MID = re.compile(r"([a-z])\1{2,}")  # "bleeeding" -> "bleeding"
# "a bit", "a little bit": keep the verb "bit" unambiguous
_A_BIT = re.compile(r"\b(?:a (?:little |tiny |wee )?bit|bit (?:of|more|less|better|worse))\b")


def _clean_token(tok: str) -> List[str]:
    tok = _STRETCH_END.sub(r"\1", tok)
    tok = _STRETCH_MID.sub(r"\1\1", tok)
    mapped = _SPELLING.get(tok)
    if mapped is not None:
        return mapped.split()
    m = _DIGIT_UNIT.match(tok)
    if m:
        return [m.group(1), m.group(2)]
    return [tok]


def normalise(text: object) -> str:
    """Lower-case, NFKC, apostrophes dropped, sentence marks -> " . ", commas -> " , ".

    The result holds only [a-z0-9 .,] tokens separated by single spaces.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    # lone surrogates (invalid in UTF-8) become spaces
    text = _SURROGATES.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = text.replace("a and e", " a and e ")
    text = _APOS.sub("", text)
    text = _CLAUSE_PUNCT.sub(" . ", text)
    text = _COMMA.sub(" , ", text)
    text = _NON_ALNUM.sub(" ", text)
    text = re.sub(r"(?<![a-z0-9])[.,](?=[a-z0-9])|(?<=[a-z0-9])[.,](?![a-z0-9])", " \\g<0> ",
                  text)
    out: List[str] = []
    for tok in text.split():
        if tok in (".", ","):
            out.append(tok)
        elif "." in tok or "," in tok:  # "3.5", "e.g"
            out.extend(_clean_token(tok.replace(".", "").replace(",", "")))
        else:
            out.extend(_clean_token(tok))
    return _A_BIT.sub("abit", " ".join(out))


# --------------------------------------------------------------------------------------------
# Vocabulary (regex fragments; all non-capturing, matched on normalised text)
# --------------------------------------------------------------------------------------------

def _alt(*words: str) -> str:
    return "(?:" + "|".join(sorted(set(words), key=len, reverse=True)) + ")"


def _words(s: str) -> List[str]:
    return [w.strip() for w in s.split("|") if w.strip()]


# Dogs, by word and by common breed/type.
DOG_N = _alt(*_words(
    "dog|dogs|doggy|doggie|doggies|puppy|puppies|pup|pups|hound|hounds|staffy|staffys|"
    "staffordshire|pit bull|pit bulls|bully|bullies|xl bully|xl bullies|xl|rottweiler|"
    "rottweilers|rottie|rotties|rotty|alsatian|alsatians|german shepherd|shepherd|husky|"
    "huskies|labrador|lab|collie|terrier|mastiff|akita|cane corso|doberman|dobermann|boxer|"
    "spaniel|jack russell|greyhound|lurcher|bulldog|mutt|cockapoo|cavapoo|poodle|dachshund|"
    "chihuahua|malinois|american bully|beagle|retriever|rescue|rescue dog|rescues"))
# The dog as the subject of a sentence ("it bit her"); pronouns need a dog word in the message.
DOG_SUBJ = _alt(DOG_N, "it", "he", "she", "they")
NUMW = _alt(*_words(
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen"))
# "3 year old", "18 month old", "4 yo"
AGE = (rf"(?:\d{{1,2}}|{NUMW})(?: and a half)? (?:(?:year|yr|month|mth|week|wk|day)s? old|"
       rf"yo|y o|mo|m o)")
# Babies and children as nouns.
CHILD_N = _alt(*_words(
    "baby|babies|newborn|newborns|infant|infants|child|children|kid|kids|son|sons|"
    "daughter|daughters|boy|boys|girl|girls|toddler|toddlers|grandson|grandsons|"
    "granddaughter|granddaughters|grandchild|grandchildren|grandkid|grandkids|nephew|"
    "nephews|niece|nieces|little one|little ones|step son|step daughter|twins|twin|"
    "youngest|eldest|little man|little lady"))
# Things that follow a child word but are not the child ("baby gate", "the kids toys").
CHILD_STUFF = _alt(*_words(
    "gate|gates|wipes|wipe|toy|toys|bottle|bottles|blanket|blankets|monitor|clothes|seat|"
    "bouncer|shoes|shoe|sock|socks|food|mat|stuff|things|book|books|bath|chair|walker|swing|"
    "gym|rattle|dummy|dummies|teddy|carrier|bag|stair|stairs|ball|football|bike|scooter|"
    "trainers|coat|hat|lunch|snack|sandwich|bed|cot|pram|buggy|room|nappy|nappies|cream|"
    "milk|formula|doll|dolls|lego|shoe|slipper|slippers|pushchair|car|gloves|mittens"))
CHILD = rf"(?:{AGE}(?: {CHILD_N})?|{CHILD_N})(?! {CHILD_STUFF}\b)"
# Words that may come before a child noun: "my", "our little", "my sisters 2 year old".
PRE = _alt(*_words(
    "my|our|the|a|an|his|her|their|this|that|poor|little|tiny|young|younger|older|new|baby|"
    "only|own|other|another|eldest|oldest|youngest|sisters|brothers|friends|neighbours|"
    "partners|mums|dads|nans|grans|grandmas|grandads|aunties|uncles|cousins|boyfriends|"
    "girlfriends|familys|family|next door|neighbour|friend|best|one of my|one of the|"
    "2|two|3|three|both"))
CHILD_OBJ = rf"(?:{PRE} ){{0,4}}{CHILD}"
# Body parts (a bite to a child's face/head/neck is an emergency).
BODY = _alt(*_words(
    "face|head|neck|cheek|cheeks|eye|eyes|lip|lips|ear|ears|nose|scalp|throat|chin|forehead|"
    "mouth|jaw|arm|hand|leg|finger|fingers|foot|chest|back|tummy|belly|bum|thigh|wrist"))
# Partners and ex-partners (domestic abuse is about them).
PARTNER_N = _alt(*_words(
    "partner|husband|boyfriend|wife|girlfriend|fiance|fiancee|ex|ex partner|ex husband|"
    "ex wife|ex boyfriend|ex girlfriend|other half|baby dad|baby daddy|kids dad|"
    "childrens dad|fella|missus|spouse"))
PARTNER = rf"(?:(?:my|our) (?:ex |former |new |current |soon to be ex )?(?:{PARTNER_N}|man))"
# Parents, carers and family members of a child (child disclosures are about them).
CARER_N = _alt(*_words(
    "mum|mummy|dad|step dad|step mum|mums boyfriend|mums partner|mums husband|mums fella|"
    "dads girlfriend|dads partner|dads wife|nan|nana|nanny|gran|granny|grandma|grandad|"
    "uncle|auntie|aunty|aunt|cousin|brother|big brother|older brother|sister|big sister|"
    "older sister|teacher|coach|babysitter|childminder|foster mum|foster dad|foster carer|"
    "carer|parents|mum and dad|mums friend|dads friend|step brother|step sister"))
CARER = rf"(?:my (?:{CARER_N}))"
# Where someone else's child lives ("the kids next door").
PLACE = _alt(*_words(
    "next door|upstairs|downstairs|over the road|across the road|down the road|in my street|"
    "on my street|on my road|in our street|on our road|nearby|near me|in my building|"
    "in the flat|at school|at my school|in my class|on my caseload|in the park|opposite"))
# Adults who are not the speaker: "the lady upstairs", "my neighbour", "the parents".
THIRD_ADULT = (rf"(?:(?:the|my|our|a) (?:neighbours?|parents|mum|dad|family|lady|woman|man|"
               rf"couple|people|girl|guy|bloke|foster carers?|childminder|nanny)(?: {PLACE})?|"
               rf"neighbours|next door)")
# First person feeling ("i am", "i have always been", "im so").
I_FEEL = (r"(?:i|we)(?: (?:am|m|are|feel|get|have|ve|been|was|always|really|so|very|just|"
          r"now|also|getting|starting|becoming|to be honest|honestly)){0,4}")
# Violence a person does (a dog does not punch); safe with "he"/"she" even in a dog message.
HUMAN_STRICT = _alt(*_words(
    "hit|hits|hitting|beat|beats|beating|beaten|punch|punches|punched|punching|slap|slaps|"
    "slapped|slapping|kick|kicks|kicked|kicking|choke|chokes|choked|choking|strangle|"
    "strangles|strangled|strangling|throttle|throttles|throttled|rape|rapes|raped|batter|"
    "batters|battered|assault|assaults|assaulted|headbutt|headbutts|headbutted|smack|smacks|"
    "smacked|threaten|threatens|threatened|spat on|spits on|whip|whips|whipped|suffocate|"
    "suffocated|strangle|belt|belts|belted|thumps|thumped|thump|threatening"))
# Further physical violence, ambiguous when "he" may be the dog (dogs push, pin, drag).
HUMAN_VIOLENCE = _alt(HUMAN_STRICT, *_words(
    "push|pushes|pushed|shove|shoves|shoved|drag|drags|dragged|burn|burns|burned|burnt|"
    "pin|pins|pinned"))
# Broader harm verbs, only trusted with an explicit person as subject.
OTHER_HARM = _alt(*_words(
    "hurt|hurts|hurting|abuse|abuses|abused|abusing|attack|attacks|attacked|bully|bullies|"
    "bullied|grab|grabs|grabbed|scare|scares|frighten|frightens|terrify|terrifies|"
    "intimidate|intimidates|humiliate|humiliates|control|controls|controlled|manipulate|"
    "manipulates|isolate|isolates|pinch|pinches|pinched|throw|throws|threw|lock|locks|"
    "locked|starve|starves|starved|stalk|stalks|stalking|stalked|harass|harasses|harassing|"
    "harassed"))
# Adverbs/auxiliaries allowed between a subject and its verb ("the dog has just bit").
ADV = _alt(*_words(
    "just|has|had|have|also|then|still|even|always|sometimes|often|regularly|constantly|"
    "keeps|kept|used to|again|really|actually|literally|suddenly|badly|properly|is|s|was|"
    "gets|got|goes|went|did|does|physically|now|today|earlier|randomly|completely|are|"
    "were|been|being"))
SEVERE_BLEED = (
    r"(?:blood everywhere|so much blood|lots of blood|loads of blood|a lot of blood|"
    r"pouring (?:with )?blood|covered in blood|blood (?:is )?(?:pouring|gushing|spurting)|"
    r"bleeding (?:badly|heavily|a lot|loads|everywhere|so much|really bad|bad|profusely)|"
    r"(?:will not|would not|cannot|can not) stop (?:the )?bleeding|"
    r"bleeding (?:will not|would not|is not|has not) stop(?:ping|ped)?|"
    r"(?:deep|big|huge|massive|gaping) (?:wound|wounds|cut|cuts|gash|hole|holes)|"
    r"(?:ripped|torn|hanging) (?:open|off)|bone showing|not breathing|unconscious|"
    r"passed out|lost (?:a lot of )?blood)")

# --------------------------------------------------------------------------------------------
# Guards (applied to the words before a match, to its sentence, or to the whole message)
# --------------------------------------------------------------------------------------------

# Hypothetical / general-information framing in the 8 words before a match.
HYPO = re.compile(
    r"\b(?:if|what if|in case|incase|suppose|supposing|imagine|hypothetically|whether|unless|"
    r"when (?:a|an|any|your|dogs|children|kids|babies|people|someone|one|parents)|"
    r"how (?:to|do you|do i|can i|can we|do we|should i|should we|would i|would you|can you|"
    r"do parents|can parents) (?:stop|prevent|avoid|train|teach|deal|handle|tell|know|spot|"
    r"recognise|recognize|react|respond|keep|make sure|ensure|protect|reduce|ask|talk|"
    r"support)|"
    r"(?:is it|it is|would it be|is that|is this) (?:normal|ok|okay|safe|common|possible|"
    r"likely|true|usual|alright|fine|dangerous|wrong|advisable|allowed|legal)|"
    r"can dogs|do dogs|would a|will a|could a|might|could(?! not)|would(?! not)|may|"
    r"ever|in general|generally|typically|statistically|how often|how likely|chances?|"
    r"risk of|statistics|why do|why would|signs? (?:of|that)|advice on|tips on|"
    r"should (?:the|my|our|a|we|i let|i leave|i allow|dogs|babies|children|kids))\b")
# Old or past-history events (a bite years ago is not an emergency).
DISTANT = re.compile(
    r"\b(?:(?:weeks|months|years|yrs|a while|ages|a long time|some time|a year|a month|"
    r"a week|few weeks|few months|few years) ago|last (?:week|month|year|summer|winter|"
    r"spring|autumn|christmas|time)|(?:weeks|months|years) back|in the past|previously|"
    r"history|before(?: *$| and| but| so| now| though| too| as well| when| which| what)|"
    r"when (?:i|he|she|they|we|my [a-z]+) (?:was|were) (?:a baby|a child|a kid|little|young|"
    r"younger|small|smaller|a toddler|\d+|" + NUMW + r")|as a (?:child|kid|baby|toddler)|"
    r"growing up|used to|at the time|in (?:19|20)\d\d|once)\b")
# "just", "right now", blood: a recent event even if the sentence also mentions an old one.
RECENT = re.compile(r"\b(?:just|right now|today|tonight|this (?:morning|afternoon|evening)|"
                    r"minutes ago|mins ago|an hour ago|bleeding|blood)\b")
# Habitual / ongoing-behaviour framing ("keeps", "every time") rather than a single event now.
HABIT = re.compile(
    r"\b(?:keeps|keep|kept|always|constantly|every time|everytime|whenever|all the time|"
    r"tends to|often|sometimes|usually|regularly|each time|at times|every (?:day|morning|"
    r"night|evening|week|walk)|has started|started|starting|"
    r"been (?:growling|snapping|biting|nipping|snarling)|"
    r"when (?:he|she|they|it|the baby|the kids|baby|my [a-z]+|we|i) (?:is|s|are|am|gets|get|"
    r"goes|go|comes|come|crawls|walks|plays|play|cries|touches|tries|approaches|moves|"
    r"eats|has|sleeps|sleeping|playing|not)|while (?:they|we|he|she) (?:play|plays|playing|"
    r"were playing)|playing|play|plays|teething|mouthing|nipping|nippy|mouthy)\b")
# An explicit "now": cancels HABIT and QUESTION_AFTER.
NOW = re.compile(
    r"\b(?:right now|now|at the moment|currently|this minute|this second|just|help|quick|"
    r"please help|999|ambulance|emergency|urgent|asap|hurry)\b")
# For attacks, injury also cancels HABIT ("bit him while playing and his face is bleeding").
NOW_OR_INJURY = re.compile(
    NOW.pattern + r"|\b(?:bleeding|blood|face|head|neck|cheek|eye|hospital|a and e|stitches|"
    r"puncture|punctures|wound|wounds|baby|newborn)\b")
# Asking us about it ("is that ok?") rather than reporting an emergency.
QUESTION_AFTER = re.compile(
    r"\b(?:is (?:that|this|it) (?:ok|okay|safe|alright|fine|normal|bad|dangerous|wrong|"
    r"acceptable)|is it safe|are they safe|should i|should we|can i|can we|how long|how do i|"
    r"how can i|any (?:tips|advice)|what should i do to|do you think|ok to|okay to|"
    r"safe to|is this normal|normal for)\b")
# Preparing for a baby not yet here (fears about the future are questions, not dangers).
PREP = re.compile(
    r"\b(?:when (?:the|our|my) (?:new )?(?:baby|little one) (?:arrives|comes|is born|gets here|"
    r"is here|comes home)|when (?:we|i) (?:bring|brings|have|get) (?:the|our|my|a) (?:new )?baby|"
    r"before (?:the|our|my) baby|once (?:the|our|my) baby|pregnant|expecting|due (?:in|date|"
    r"soon|next)|baby is due|on the way|new arrival|arrival|weeks along|months along|"
    r"trimester|future)\b")
# Asking us for tips / a general question (for the "I'm scared it will hurt the baby" rule).
ASKING = re.compile(
    r"\b(?:any (?:tips|advice|ideas|suggestions)|how (?:do|can|should) (?:i|we) (?:prepare|"
    r"introduce|stop|prevent|train|get|help|make|keep|teach|know|tell)|what (?:can|should) "
    r"(?:i|we) do to|is (?:it|this|that) normal|(?:will|would|could|might) (?:my|the|our|a) "
    r"(?:[a-z]+ )?" + DOG_N + r"|should (?:i|we) (?:rehome|get rid|be worried|worry|find|"
    r"give|keep|have)|rehome|rehoming|new home|put (?:him|her|it) down|"
    r"signs|body language|training|trainer|behaviourist)\b")
# A professional asking about their work in general.
PROF = re.compile(
    r"\b(?:client|clients|service users?|caseload|practitioners?|professionals?|"
    r"health visitors?|social workers?|midwife|midwives|nurse|gp|dsl|safeguarding lead|"
    r"my team|colleagues?|families i|a family i|a mum i|a parent i|a woman i|"
    r"on (?:a|my|the) (?:home )?visit|home visits?|refer|referral|training|staff|patients?|"
    r"parents i|how (?:do|can|should) (?:i|we) (?:ask|support|approach|raise|talk to|spot|"
    r"recognise|identify|help (?:a|someone|parents|families|mums)))\b")
# The biter is not a dog.
NON_DOG_BITER = re.compile(
    r"\bby (?:a |an |the |some |another |his |her |their |our |my )?(?:mosquito|mosquitos|"
    r"mozzie|mozzies|insect|insects|bug|bugs|tick|ticks|flea|fleas|spider|snake|bee|wasp|"
    r"horse|cat|kitten|hamster|rat|mouse|rabbit|guinea pig|ferret|parrot|child|kid|boy|girl|"
    r"toddler|baby|brother|sister|friend|classmate|cousin|midge|midges|horsefly|man|woman|"
    r"lady|person|someone|somebody|older|bigger|other (?:kid|child|boy|girl)s?)\b")
# Objects of "the dog is attacking ..." that are not people.
NON_PERSON = re.compile(
    r"^ (?:(?:his|her|its|their|the|my|our|a|an|another|other|some|every|any|next doors|"
    r"neighbours|little|big|new|old|own) )*(?:" + DOG_N + r"|cat|cats|squirrel|squirrels|"
    r"rabbit|rabbits|bird|birds|fox|toy|toys|ball|balls|lead|leash|shoe|shoes|sock|socks|"
    r"sofa|couch|bed|tail|paw|paws|bone|bones|food|bowl|hoover|vacuum|post|postman|door|"
    r"fence|gate|chew|stick|sticks|teddy|blanket|furniture|cushion|chair|tv|window|car|cars|"
    r"bike|bikes|hand|hands|fingers|feet|ankles|trousers|clothes|sleeve|sleeves|hair|"
    r"wheel|wheels|postie|lawnmower|chicken|chickens|sheep|cow|cows|deer|horse|walk|walks|"
    r"horses|duck|ducks|rat|rats|mouse|mice|hedgehog|kitten|everything|anything|"
    r"something|things|stuff|reflection|shadow|mirror|plants?|grass|bin|bins)\b")

HAS_DOG = re.compile(rf"\b{DOG_N}\b")
HAS_CHILD = re.compile(rf"\b(?:{CHILD}|pram|cot|crib|nursery|buggy|pushchair)\b")
HAS_PARTNER = re.compile(rf"\b{PARTNER_N}\b|\bmy man\b")
# Very young children: "he hits me" from a toddler is not domestic abuse.
TODDLER_CTX = re.compile(
    r"\b(?:toddler|toddlers|terrible twos|tantrum|tantrums|phase|teething|"
    r"(?:[1-5]|one|two|three|four|five) (?:year|yr)s? old|[1-5] yo|"
    r"(?:son|daughter|boy|girl|he|she) (?:is|s) (?:only )?(?:[1-5]|one|two|three|four|five)\b"
    r"(?! (?:weeks|months|days|minutes)))")
# A child speaking: "im 9", "i am 12 years old", "im in year 6".
CHILD_SPEAKER = re.compile(
    r"\b(?:i am|i m|iam) (?:only |just )?(?:[4-9]|1[0-7]|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)(?: (?:years|year|yrs|yr)"
    r"(?: old)?| yo)?\b(?! (?:weeks|week|months|month|minutes|hours|days|miles|percent|kg|"
    r"stone|pounds|times|mins|wks|pregnant|am|pm|oclock))|\b(?:i am|i m) in year "
    r"(?:[1-9]|1[0-3])\b|\b(?:i am|i m) (?:only )?(?:a kid|a child|a boy|a girl|in primary|"
    r"in secondary)\b")
BITE_WORD = re.compile(
    r"\b(?:bit|bitten|bite|bites|biting|attack|attacked|attacking|mauled|savaged|nipped|"
    r"went for|teeth|scratched|knocked|jumped|lunged)\b")
ABUSE_TERMS = re.compile(
    r"\b(?:neglect|neglected|neglecting|abuse|abused|abusing|hurt|hurting|harm|harmed|"
    r"hit|hits|hitting|beat|beats|beaten|bruise|bruises|bruised|marks|injur[a-z]*|"
    r"left alone|on (?:his|her|their|its) own|by (?:himself|herself|themselves)|unsupervised|"
    r"not fed|starving|dirty|filthy|drunk|drinking|drugs|violent|violence|scared of (?:his|"
    r"her|their)|shouting|screaming|locked|ignored|ignores|not looked after)\b")
CONCERN_TERMS = re.compile(
    ABUSE_TERMS.pattern + r"|\b(?:alone|all day|for hours|no one|nobody|hungry|smells|"
    r"mess|crying all|cries all|dangerous|aggressive|at risk|in danger|unsafe|not safe|"
    r"frightened of|out late|no coat|thin|left outside|left with|leave|leaves|leaving)\b")


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

class Rule:
    """One named pattern of one category.

    rx         searched in each clause of the message
    cues       the rule is only tried if the message has one of these words (speed)
    hypo       skip a match when the 8 words before it look hypothetical/informational (HYPO)
    distant    skip when its sentence is about an old event (DISTANT), unless RECENT
    habit      skip when its sentence is about habitual behaviour (HABIT), unless habit_unless
    question   skip when its sentence asks us about it ("is that ok?"), unless NOW
    need       regexes that must all match the whole message
    block      regexes, any of which in the match's sentence stops the rule
    msg_block  regexes, any of which in the whole message stops the rule
    obj_ok     a function of the match deciding if it counts (e.g. its object is a person)
    """

    __slots__ = ("name", "category", "rx", "cues", "hypo", "distant", "habit", "need",
                 "block", "msg_block", "obj_ok", "question", "habit_unless")

    def __init__(self, name: str, category: str, rx: str, cues: str, *,
                 hypo: bool = True, distant: bool = False, habit: bool = False,
                 question: bool = False, habit_unless: Optional[Pattern] = None,
                 need: Iterable[Pattern] = (), block: Iterable[Pattern] = (),
                 msg_block: Iterable[Pattern] = (), obj_ok=None) -> None:
        self.name = name
        self.category = category
        self.rx = re.compile(rx)
        self.cues: FrozenSet[str] = frozenset(cues.split())
        self.hypo = hypo
        self.distant = distant
        self.habit = habit
        self.question = question
        self.habit_unless = habit_unless or NOW
        self.need = tuple(need)
        self.block = tuple(block)
        self.msg_block = tuple(msg_block)
        self.obj_ok = obj_ok

    def fires(self, clause: str, sentence: str, message: str) -> bool:
        for m in self.rx.finditer(clause):
            if self.hypo:
                before = clause[:m.start()].split()[-8:]
                if before and HYPO.search(" ".join(before)):
                    continue
            if self.obj_ok is not None and not self.obj_ok(m):
                continue
            if self.distant and DISTANT.search(sentence) and not RECENT.search(sentence):
                return False
            if self.habit and HABIT.search(sentence) and not self.habit_unless.search(sentence):
                return False
            if self.question and QUESTION_AFTER.search(sentence) and not NOW.search(sentence):
                return False
            if any(not n.search(message) for n in self.need):
                return False
            if any(b.search(sentence) for b in self.block):
                return False
            if any(b.search(message) for b in self.msg_block):
                return False
            return True
        return False


def _obj_is_person(m: "re.Match") -> bool:
    """After 'the dog is attacking': a person, a child, or nothing (not a toy or another dog)."""
    return not NON_PERSON.match(m.group("obj") or "")


def _obj_not_dog_stuff(m: "re.Match") -> bool:
    obj = m.group("obj") or ""
    return not HAS_DOG.search(obj) and not re.search(
        r"\b(?:barking|behaviour|noise|mess|jumping|walks|hair|crying|lead)\b", obj)


_ATTACK_VERBS_PAST = (
    r"(?:bit|bitten|attacked|mauled|savaged|went for|went at|ripped into|tore into|"
    r"sank (?:his|her|its|their) teeth into|grabbed|latched onto|bit into|lunged at and bit|"
    r"has bit|has bitten)")
_BITE_CUES = ("bit bitten attacked mauled savaged went ripped tore sank grabbed latched "
              "lunged")
_DISTANT_PLACE_BLOCK = re.compile(
    r"\b(?:yesterday|last night|the other day|earlier|for a (?:second|sec|minute|min|moment|"
    r"few (?:seconds|minutes|mins))|for (?:a |two |2 |five |5 |a few )?(?:seconds|secs|minutes|"
    r"mins))\b")
_CHILDREN_AROUND = re.compile(
    r"\b(?:kids|children|child|baby|toddler|son|daughter|boy|girl|pram|buggy|playground|"
    r"little one|school children|schoolkids)\b")

RULES: List[Rule] = [
    # ================================ dog_attack ================================
    # An attack in progress: "the dog is attacking my son", "dogs mauling someone".
    Rule("attack_in_progress", "dog_attack",
         rf"\b{DOG_SUBJ} (?:is |are |s )?(?:still )?(?:attacking|mauling|savaging|ripping into|"
         rf"tearing into|(?:has|got|has got) hold of|has (?:got )?(?:his|her|its|their) "
         rf"(?:teeth|jaws) (?:in|into|on|round|around))(?P<obj>(?: [a-z0-9]+){{0,4}})",
         "attacking mauling savaging ripping tearing hold teeth jaws",
         habit=True, habit_unless=NOW_OR_INJURY, need=[HAS_DOG], obj_ok=_obj_is_person),
    # "the dog is biting my son", "it's going for her": needs a person/child as the object.
    Rule("biting_person_now", "dog_attack",
         rf"\b{DOG_SUBJ} (?:is |are |s )(?:still )?(?:biting|going for|shaking|dragging|"
         rf"latched on(?:to| to)?) (?:{CHILD_OBJ}|me|him|her|us|them|someone|somebody|"
         rf"a (?:man|woman|lady|person|child|kid)|my (?:husband|wife|partner|mum|dad|friend|"
         rf"neighbour|nan|gran|grandad))\b",
         "biting going shaking dragging latched",
         habit=True, habit_unless=NOW_OR_INJURY, need=[HAS_DOG],
         block=[re.compile(r"\b(?:how (?:do|can|to) (?:i |we )?(?:stop|get)|stop (?:him|her|it|"
                           r"my|the|our) (?:[a-z]+ )?(?:from )?biting|hands|fingers|feet|"
                           r"ankles|sleeves|trousers|clothes|hair|toes)\b")]),
    # First person, now: "im being attacked by a dog", "my son is being bitten".
    Rule("being_attacked", "dog_attack",
         r"\b(?:i am|i m|we are|he is|she is|they are|someone is|a (?:man|woman|child|kid|"
         r"boy|girl|lady|person) is|my [a-z]+ is) being (?:attacked|bitten|mauled|savaged)\b",
         "being", need=[HAS_DOG]),
    # A child bitten/attacked by a dog (actual, not hypothetical): "the dog bit my babys face".
    Rule("dog_bit_child", "dog_attack",
         rf"\b{DOG_SUBJ}(?:(?: {ADV}){{0,3}}|(?: [a-z0-9]+){{1,6}} and(?: then| just| has)?)"
         rf" {_ATTACK_VERBS_PAST} {CHILD_OBJ}\b",
         _BITE_CUES, distant=True, habit=True, habit_unless=NOW_OR_INJURY, need=[HAS_DOG]),
    # Pronoun victim when the message is about a child: "our dog bit her on the face".
    Rule("dog_bit_him_her", "dog_attack",
         rf"\b{DOG_SUBJ}(?: {ADV}){{0,3}} {_ATTACK_VERBS_PAST} (?:him|her|them)\b"
         rf"(?! (?:{CHILD_STUFF}|toy|toys|ball|lead|bone)\b)",
         _BITE_CUES, distant=True, habit=True, habit_unless=NOW_OR_INJURY,
         need=[HAS_DOG, HAS_CHILD]),
    # The dog hurt a child: "the puppy scratched my babys face", "dog has injured my son".
    Rule("dog_hurt_child", "dog_attack",
         rf"\b{DOG_SUBJ}(?: {ADV}){{0,3}} (?:hurt|injured|scratched|clawed) (?:{CHILD_OBJ}|"
         rf"(?:him|her) (?:on|in|across) (?:the|his|her) {BODY})\b",
         "hurt injured scratched clawed",
         distant=True, habit=True, habit_unless=NOW_OR_INJURY, need=[HAS_DOG, HAS_CHILD]),
    # Passive: "my son got bitten", "my baby has been bitten by our dog", "she was attacked".
    Rule("child_was_bitten", "dog_attack",
         rf"\b(?:{CHILD_OBJ}|he|she)(?: s)? (?:(?:has|have|had|was|were|is|got|been|just|"
         rf"gets|also|then|s) ){{1,3}}(?:badly |bad |really |seriously |severely )?(?:bitten|"
         rf"bit|attacked|mauled|savaged)\b",
         "bitten bit attacked mauled savaged",
         distant=True, habit=True, habit_unless=NOW_OR_INJURY,
         obj_ok=lambda m: not re.match(r"(?:a|an|any|every|each|some) ", m.group(0))
         or bool(NOW.search(m.string)),
         need=[HAS_CHILD, re.compile(rf"\b{DOG_N}\b|\b(?:bitten|bit) (?:on|in) (?:the|his|her) "
                                     rf"{BODY}\b")],
         block=[NON_DOG_BITER]),
    # A child's face/body bitten: "my babys face was bitten", "his face has been bitten".
    Rule("child_body_bitten", "dog_attack",
         rf"\b(?:{CHILD_OBJ}|his|her) {BODY} (?:(?:has|was|is|got|been|just) ){{1,3}}"
         rf"(?:bitten|bit|ripped|torn|mauled)\b",
         "bitten bit ripped torn mauled", distant=True, need=[HAS_CHILD],
         block=[NON_DOG_BITER]),
    # Noun form: "my son has a dog bite on his cheek", "a dog bite to her face".
    Rule("child_has_dog_bite", "dog_attack",
         rf"\b(?:(?:{CHILD_OBJ}|he|she) (?:has|had|got|s got|has got|now has) "
         rf"(?:a |two |some |several )?(?:nasty |bad |deep |big |small |little )?"
         rf"(?:dog )?(?:bite|bites|bite wound|bite marks|puncture wounds?|punctures|"
         rf"teeth marks)|dog bite (?:to|on|in) (?:his|her|my|our|the baby|the babys) {BODY})\b",
         "bite bites punctures puncture teeth",
         distant=True, habit=True, habit_unless=NOW_OR_INJURY, need=[HAS_DOG, HAS_CHILD]),
    # A child bleeding/injured in a message about a dog biting: "his face is bleeding".
    Rule("child_injured", "dog_attack",
         rf"\b(?:{CHILD_OBJ}|his|her|he|she)(?: s)?(?: {BODY})? (?:(?:is|s|has|keeps|"
         rf"will not stop|is still|still|has been|was|got|now) ){{0,2}}(?:bleeding|"
         rf"pouring (?:with )?blood|covered in blood|cut open|unconscious|not breathing|"
         rf"floppy|(?:a )?(?:deep |big )?(?:puncture|punctures|wound|wounds|gash|hole|holes|"
         rf"bite marks|teeth marks))\b",
         "bleeding blood open unconscious breathing floppy puncture punctures wound "
         "wounds gash hole holes marks",
         distant=True, need=[HAS_DOG, HAS_CHILD, BITE_WORD]),
    # Severe bleeding after a bite or attack, anyone: "the bleeding wont stop", "blood everywhere".
    Rule("severe_bleeding", "dog_attack", rf"\b{SEVERE_BLEED}\b",
         "blood bleeding wound wounds cut cuts gash hole holes open off bone breathing "
         "unconscious passed",
         distant=True, need=[HAS_DOG, BITE_WORD],
         block=[re.compile(rf"\b(?:my|our|the|his|her) {DOG_N} (?:was|got|has been|is) "
                           r"(?:bitten|attacked|mauled|savaged)\b|\bby (?:a|an|another|the) "
                           rf"(?:other )?{DOG_N}\b")]),
    # Cannot get the dog off someone: "cant get the dog off my son".
    Rule("cant_get_dog_off", "dog_attack",
         rf"\b(?:cannot|can not|could not|unable to|trying to|try to|help me|help us|help) "
         rf"(?:get|pull|prise|prize|drag) (?:the |it |him |her |that |our |my )?"
         rf"(?:[a-z]+ )?(?:{DOG_N} )?off (?:of )?(?:me|him|her|them|us|{CHILD_OBJ}|"
         rf"(?:my|our|the) (?:husband|wife|partner|mum|dad|friend|neighbour|nan|gran|grandad|"
         rf"man|woman|lady|leg|arm|face|neck)|a (?:man|woman|lady|person))\b",
         "off", hypo=False, need=[HAS_DOG]),
    # "one has my son by the leg".
    Rule("dog_has_child_by", "dog_attack",
         rf"\b(?:{DOG_SUBJ}|one|the other|one of them)(?: {ADV}){{0,2}} (?:has|has got|got|"
         rf"grabbed|is holding|caught) (?:{CHILD_OBJ}|me|him|her|my (?:husband|wife|partner|mum|"
         rf"dad)) by (?:the|his|her|my) {BODY}\b",
         "has got grabbed holding caught", need=[HAS_DOG]),
    Rule("will_not_let_go", "dog_attack",
         rf"\b{DOG_SUBJ} (?:will not|would not|is not) (?:let go|release)(?: of)? "
         rf"(?:{CHILD_OBJ}|me\b|(?:him|her)(?! [a-z])|(?:his|her|the babys|the baby|my "
         rf"(?:sons|daughters|babys|baby|toddlers|kids)) {BODY})",
         "let release", need=[HAS_DOG], habit=True, habit_unless=NOW_OR_INJURY),
    # "dog attack happening now".
    Rule("attack_happening", "dog_attack",
         r"\b(?:dog|dogs) (?:attack|fight|attacking) (?:is )?(?:happening|going on|right now|"
         r"now|in progress)\b",
         "attack fight attacking"),
    Rule("attack_on_person_now", "dog_attack",
         rf"\b(?:dog|dogs) (?:attack|attacks) (?:on|against) (?:{CHILD_OBJ}|me|us|my (?:husband|"
         rf"wife|partner|mum|dad|friend|nan|gran|grandad)|a (?:man|woman|lady|person))\b",
         "attack attacks", need=[re.compile(
             r"\b(?:just|right now|now|happening|ambulance|999|help|bleeding|blood)\b")]),
    # "the dog mauled me" (any person).
    Rule("mauled_person", "dog_attack",
         rf"\b{DOG_SUBJ}(?: {ADV}){{0,3}} (?:mauled|savaged) (?:me|him|her|my|a|an|the|"
         rf"someone|somebody)\b(?! (?:other )?(?:{DOG_N}|cat|toy|toys|rabbit|squirrel)\b)",
         "mauled savaged", distant=True, need=[HAS_DOG]),

    # ================================ child_danger ================================
    # Child left with dogs and nobody there: "I left her with the dogs and went out".
    Rule("left_with_dogs", "child_danger",
         rf"\bleft (?:{CHILD_OBJ}|him|her|them)(?: (?:alone|on (?:his|her|their) own|by "
         rf"(?:himself|herself|themselves)|unsupervised|at home|home|in the house|in the garden|"
         rf"downstairs|upstairs|in the room|asleep|sleeping|(?:on|in) the [a-z]+)){{0,3}} "
         rf"(?:with|in with) "
         rf"(?:[a-z0-9]+ ){{0,2}}{DOG_N}\b",
         "left", distant=True, block=[_DISTANT_PLACE_BLOCK]),
    Rule("left_dogs_with_child", "child_danger",
         rf"\bleft (?:the |our |my |his |her |their |both )?(?:[a-z]+ )?{DOG_N} (?:alone |"
         rf"loose )?(?:with|in with|in the room with|near) {CHILD_OBJ}\b",
         "left", distant=True, block=[_DISTANT_PLACE_BLOCK]),
    # Child alone with dogs right now: "my baby is alone with the dogs and im stuck at work".
    Rule("child_alone_with_dogs", "child_danger",
         rf"\b(?:{CHILD_OBJ}|he|she|they) (?:is|s|are|has been|have been) (?:still )?"
         rf"(?:home |at home |in the house |in the garden |upstairs |downstairs |inside |"
         rf"in there |in the room |asleep |sleeping )?(?:alone|on (?:his|her|their) own|by "
         rf"(?:himself|herself|themselves)|unsupervised|locked in|shut in|stuck) "
         rf"(?:in (?:the |a )?[a-z]+ )?with (?:[a-z0-9]+ ){{0,2}}{DOG_N}\b",
         "alone own himself herself themselves unsupervised locked shut stuck",
         habit=True, question=True, need=[HAS_CHILD]),
    # Carer away/locked out while the child is with the dogs.
    Rule("away_child_with_dog", "child_danger",
         rf"\b(?:{CHILD_OBJ}|he|she) (?:is|s|are) (?:still )?(?:home|at home|inside|in the house|"
         rf"in there|in the (?:room|nursery|bedroom|garden|kitchen|car)|in the cot|upstairs|"
         rf"downstairs)(?: alone)? with (?:[a-z0-9]+ ){{0,2}}{DOG_N}\b",
         "home inside house there room nursery bedroom garden kitchen car cot upstairs "
         "downstairs",
         habit=True, question=True,
         need=[HAS_CHILD, re.compile(
             r"\b(?:locked out|not (?:home|there|in)|(?:at|stuck at|still at) (?:work|the shops|"
             r"the pub|school)|i am out|we are out|cannot get (?:in|to|back|home|there)|"
             r"could not get (?:in|to|back)|door (?:is )?(?:locked|shut|stuck|jammed)|"
             r"miles away|on my way|no one (?:is )?(?:there|home|with)|nobody (?:is )?(?:there|"
             r"home|with)|unsupervised)\b")]),
    # Dog in the cot/pram with a baby, or in the room with the baby and nobody can get in.
    Rule("dog_in_cot", "child_danger",
         rf"\b{DOG_SUBJ} (?:(?:is|s|has|has got|got|just|jumped|climbed|gone|went|now|still) )+"
         rf"(?:in|into|on|onto|up on|up into|inside) (?:the |her |his |my |our |baby |"
         rf"babys )*(?:cot|crib|moses basket|bassinet|pram|pushchair|buggy|playpen|car seat|"
         rf"bouncer|baby bed)\b",
         "in into on onto inside", habit=True, question=True,
         need=[HAS_DOG, re.compile(r"\b(?:baby|newborn|infant|little one|toddler|son|daughter|"
                                   r"him|her|she|he)\b")]),
    Rule("dog_in_room_with_baby", "child_danger",
         rf"\b{DOG_SUBJ} (?:(?:is|s|has|has got|got|just|gone|went|now|still|locked|shut) )+"
         rf"(?:in|into|inside) (?:the |her |his |my |our |baby |babys )*(?:nursery|bedroom|room|"
         rf"bed|bathroom|kitchen|car|house|garden)(?: [a-z0-9]+){{0,3}} with (?:the |my |our |"
         rf"her |his )?(?:{CHILD}|him|her)\b",
         "in into inside", habit=True, question=True,
         need=[HAS_DOG, HAS_CHILD, re.compile(
             r"\b(?:cannot|can not|could not|locked|shut|door|growling|snarling|guarding|"
             r"will not let|help|right now|now|alone|asleep|sleeping|nobody|no one)\b")],
         block=[re.compile(rf"\b(?:sleep|sleeps|sleeping|allowed|likes|loves|wants) (?:in|on)\b")]),
    # Cannot reach the child because of the dog: "I can't get in", "can't get to him".
    Rule("cannot_reach_child", "child_danger",
         rf"\b(?:i|we|i just|we just|i still|and i|but i)(?: am| are)? (?:cannot|can not|could "
         rf"not|unable to) get (?:in|into|to|near|through|past|back in|the door open)\b",
         "cannot can could unable", habit=True,
         need=[HAS_DOG, HAS_CHILD, re.compile(
             r"\b(?:growling|snarling|guarding|snapping|lunging|locked|door|in there with|"
             r"inside with|in the (?:room|nursery|bedroom) with|will not let|showing (?:his|her|"
             r"its) teeth|baring)\b")]),
    Rule("cannot_get_dog_away", "child_danger",
         rf"\b(?:cannot|can not|could not|unable to) (?:get|pull|drag|move|call|keep) (?:the |it |"
         rf"him |her |our |my )?(?:[a-z]+ )?(?:{DOG_N} )?(?:away from|out of the room with|off) "
         rf"(?:{CHILD_OBJ}|him|her|them)\b",
         "cannot can could unable", need=[HAS_DOG, HAS_CHILD]),
    # Dog threatening a child right now: "the dog is growling at the baby".
    Rule("dog_threatening_child", "child_danger",
         rf"\b{DOG_SUBJ} (?:(?:is|s|are|now) |(?=[a-z ]* (?:right now|now|help|quick)\b))"
         rf"(?:still |now |just |acting [a-z]+ and |being "
         rf"[a-z]+ and )?(?:growling|snarling|snapping|"
         rf"lunging|guarding|stalking|standing over|stood over|circling|cornered|cornering|"
         rf"pinning|pinned|showing (?:his|her|its|their) teeth|baring (?:his|her|its|their )?"
         rf"teeth|going mad|going crazy|being aggressive|acting aggressive|trying to (?:bite|"
         rf"attack|get)|lying on|laying on|sitting on|sat on|on top of)(?: (?:at|over|near|"
         rf"round|around|towards|to|with|on|in))? (?:{CHILD_OBJ}|him|her|them)\b"
         rf"(?! {CHILD_STUFF}\b)",
         "growling snarling snapping lunging guarding stalking standing stood circling "
         "cornered cornering pinning pinned showing baring going being acting trying lying "
         "laying sitting sat on",
         habit=True, question=True, distant=True, need=[HAS_DOG, HAS_CHILD],
         block=[_DISTANT_PLACE_BLOCK]),
    Rule("dog_has_child_trapped", "child_danger",
         rf"\b{DOG_SUBJ}(?: {ADV}){{0,2}} (?:has|has got|got) (?:{CHILD_OBJ}|him|her|them) "
         rf"(?:pinned|cornered|trapped|backed into|stuck)\b",
         "pinned cornered trapped backed stuck", need=[HAS_DOG, HAS_CHILD]),
    # "the dog just snapped at the baby" (just happened, nobody hurt yet).
    Rule("dog_just_went_for_child", "child_danger",
         rf"\b{DOG_SUBJ} (?:has )?just (?:snapped|lunged|tried to bite|"
         rf"tried to attack|tried to get|jumped) (?:at |on |up at )?(?:{CHILD_OBJ}|him|her)\b",
         "just", need=[HAS_DOG, HAS_CHILD]),
    # "the dog will not let me near the baby" (guarding).
    Rule("dog_guarding_child", "child_danger",
         rf"\b{DOG_SUBJ} (?:will not|would not|is not) (?:let|letting) (?:me|us|anyone|"
         rf"my (?:husband|partner|wife|mum)) (?:near|get to|get near|go near|pick up|touch|"
         rf"reach|take|get|hold|see) (?:{CHILD_OBJ}|him|her)\b",
         "let letting", habit=True, question=True, need=[HAS_DOG, HAS_CHILD]),
    # Fear that the dog is about to hurt the child: "I think it will hurt the baby".
    Rule("dog_will_hurt_child", "child_danger",
         rf"\b(?:think|reckon|know|sure|convinced|scared|afraid|frightened|terrified|petrified|"
         rf"feel like|worried|fear)(?: that)? (?:{DOG_SUBJ}|(?:my|the|our|his|her|their) "
         rf"(?:[a-z]+ )?{DOG_N}) (?:will|is going to|going to|s going to|is about to|about to|"
         rf"is trying to|trying to|wants to|ll) (?:really |actually )?(?:hurt|bite|attack|kill|"
         rf"maul|savage|eat|harm|go for|injure|smother|suffocate)(?: (?:{CHILD_OBJ}|him|her|"
         rf"them)\b|$)",
         "think reckon know sure convinced scared afraid frightened terrified petrified "
         "feel worried fear",
         need=[HAS_CHILD], msg_block=[PREP, ASKING]),
    # "the dog is going to attack my son" (stated as imminent).
    Rule("dog_about_to", "child_danger",
         rf"\b{DOG_SUBJ} (?:is|s) (?:about to|going to|trying to) (?:hurt|bite|attack|"
         rf"kill|maul|go for|get) (?:{CHILD_OBJ}|him|her|them)\b",
         "about going trying", need=[HAS_DOG, HAS_CHILD], msg_block=[PREP, ASKING]),
    # A loose/stray/aggressive dog near children now.
    Rule("loose_dog_near_children", "child_danger",
         rf"\b{DOG_N} (?:(?:is|s|are|has|have|just|has just|has got|got|now) )+(?:loose|"
         rf"running loose|on the loose|escaped|got out|off (?:the|its|his|her) lead|off lead|"
         rf"roaming|running around|running at|running after|chasing|charging at|charging "
         rf"towards|out of control|running wild|jumping at|cornered|attacking people|"
         rf"attacking everyone|biting people|going for people)\b",
         "loose escaped out off roaming running chasing charging jumping cornered "
         "attacking biting going",
         habit=True, distant=True, question=True, need=[_CHILDREN_AROUND],
         block=[re.compile(r"\b(?:yesterday|last night|the other day|earlier|legal|law|"
                           r"allowed|report|fine|fined|reported)\b")]),
    Rule("loose_dog_there_is_doing", "child_danger",
         rf"\bthere (?:is|are|s) (?:a |an |two |some )?(?:[a-z]+ )?{DOG_N}s? (?:roaming|running "
         rf"loose|running around|running wild|loose|off (?:the|its|his|her) lead|off lead|on the "
         rf"loose|going for|chasing|attacking|biting|snarling|growling|out of control)\b",
         "there", habit=True, question=True, need=[_CHILDREN_AROUND],
         block=[re.compile(r"\b(?:every day|legal|law|allowed|report|reported|rules)\b")]),
    Rule("loose_dog_there_is", "child_danger",
         rf"\bthere (?:is|are|s) (?:a |an |two |some )?(?:big |huge |massive |aggressive |"
         rf"scary |stray |angry |vicious |loose |dangerous |snarling |growling |xl |large )+"
         rf"(?:[a-z]+ )?{DOG_N} (?:loose |running |off lead |off its lead )?(?:in|at|near|by|"
         rf"outside|round|around|on|going for|chasing) (?:the |my |our |a )?(?:playground|park|"
         rf"school|nursery|garden|house|pram|buggy|kids|children|baby|street|road|gate|gates)\b",
         "there", habit=True, question=True, need=[_CHILDREN_AROUND],
         block=[re.compile(r"\b(?:every day|legal|law|allowed|report|reported)\b")]),

    # ================================ mental_health ================================
    # Suicide and self-harm in the first person.
    Rule("suicidal", "mental_health",
         r"\b(?:(?:kill|killing|hang|hanging|drown|drowning|top|topping) myself|"
         r"(?:end|ending|take|taking) my (?:own )?life|end(?:ing)? it all|"
         r"(?:^|\bi |\bi really |\bi just |\bi honestly |\bi sometimes |\bi feel like i )"
         r"(?:want|wanted|am wanting|wanting|am going|am ready|am planning) to (?:die|end it|"
         r"not be here|not exist|disappear forever)(?! (?:with|for|between|laughing|of))|"
         r"wish i (?:was|were) (?:dead|not (?:here|alive|born))|wish i (?:had )?never (?:been "
         r"born|woke up)|(?:better off|be better) (?:dead|without me)|"
         r"do not want to (?:be here|be alive|live|wake up|exist|go on|carry on)(?: anymore|"
         r" any more| any longer)?(?: [a-z]+)?$|"
         r"do not want to (?:be alive|live|wake up|exist)(?! (?:without|with|in|near|next|"
         r"there|somewhere|abroad|on|at|by)\b)|"
         r"no (?:reason|point) (?:to|in) (?:living|live|going on|being here|carrying on|life)|"
         r"what is the point (?:in|of) (?:living|life|going on|being here|carrying on)|"
         r"(?:i am|i m|i feel|feeling|i have been|i ve been|been feeling) (?:so |really |very |"
         r"a bit |quite )?suicidal|suicidal (?:thoughts|feelings)|thoughts of suicide|"
         r"(?:i|i have|i ve|i just|have just) (?:took|taken|take|taking) (?:an |all my |all the |"
         r"a load of |loads of |too many )?(?:overdose|od|pills|tablets)|"
         r"(?:i|i have|i ve|i am|i m|i keep|i started|i have started) (?:been )?(?:self harming|"
         r"self harm|cutting myself|hurting myself|harming myself|burning myself|starving "
         r"myself)|(?:going to|want to|will|ll|might) (?:hurt|harm|cut|burn) myself|"
         r"(?:cannot|can not) go on(?: (?:anymore|any more|like this|any longer))?$|"
         r"cannot go on (?:anymore|any more|like this|any longer)|"
         r"cannot do this (?:anymore|any more|any longer)|"
         r"cannot take (?:it|this) (?:anymore|any more|any longer)|"
         r"(?:having|have had|had|going to have) a (?:nervous |mental )?breakdown|"
         r"(?:throw|throwing|threw|jump|jumping|jumped|step|stepping) (?:myself )?(?:off|in front "
         r"of|under) (?:a |the )?(?:bridge|building|cliff|roof|car park|train|car|bus|lorry)"
         r"(?! for)|"
         r"(?:thinking|thought|think|thinks|considering) (?:about |of )?(?:suicide|killing myself|"
         r"ending it|ending my life|taking my life)|"
         r"\bi (?:just |really |only )?want (?:it all|everything|all of this|this all|the pain|"
         r"my life|life) to (?:stop|end|be over))\b",
         "myself life all die end not wish better do no what suicidal suicide overdose od "
         "pills tablets self harm go cannot breakdown want wanted wanting throw throwing "
         "threw jump "
         "jumping jumped step stepping thinking thought think thinks considering",
         hypo=False),
    # Someone close is suicidal: "my wife says she wants to kill herself".
    Rule("other_suicidal", "mental_health",
         r"\b(?:my|our) [a-z]+(?: [a-z]+)? (?:is|has been|keeps|said|says|told me|talks about|"
         r"is talking about|is threatening|threatened|tried|wants|is going)(?: (?:she|he) "
         r"(?:wants|is going|will|ll|would))? (?:to )?(?:kill(?:ing)? (?:himself|herself|"
         r"themselves)|suicid(?:e|al)|end(?:ing)? (?:his|her|their) life|self harm(?:ing)?|"
         r"hurt(?:ing)? (?:himself|herself))\b",
         "himself herself themselves suicide suicidal life self", hypo=False,
         msg_block=[PROF]),
    # Cannot cope (but not "can't cope with the dog's barking"): "I can't cope anymore".
    Rule("cannot_cope", "mental_health",
         r"(?:^|\bi (?:am |m |just |really |honestly |feel like i |think i |simply |literally )*|"
         r"\bwe (?:are |just |really )*)(?:cannot|can not|could not|not|struggling to|no longer) "
         r"cop(?:e|ing)(?P<obj>(?: [a-z0-9]+){0,5}?)(?: (?:anymore|any more|any longer|at all)|$)",
         "cannot can could not struggling longer", hypo=False, obj_ok=_obj_not_dog_stuff),
    Rule("cannot_cope_life", "mental_health",
         r"\b(?:cannot|can not|not|struggling to) cop(?:e|ing) with (?:life|anything|everything|"
         r"it all|being (?:a )?(?:mum|parent|alive|here)|motherhood|myself|my (?:thoughts|"
         r"feelings|head))\b",
         "cannot can not struggling", hypo=False),
    Rule("dark_feelings", "mental_health",
         r"\b(?:i|i am|i m|i feel|feeling|i have been|i ve been) (?:so |really |very |just |"
         r"completely |totally )?(?:hopeless|worthless|dead inside|like giving up|like i am "
         r"drowning|like i cannot go on|like ending it|like disappearing|at breaking point|"
         r"falling apart|like i am going mad|like a burden|like everyone would be better off)\b"
         r"(?! (?:as a|as an|at|with|when|because of|about)\b)",
         "hopeless worthless dead giving drowning cannot ending disappearing breaking "
         "falling mad burden better", hypo=False),
    # A parent afraid they may harm the baby: "I feel like I could hurt my baby".
    Rule("parent_may_harm_baby", "mental_health",
         rf"\b(?:i (?:(?:am|m|feel|think|worry|really|just|honestly|sometimes|genuinely|actually|"
         rf"so|scared|afraid|worried|terrified|frightened|like|that|i|keep|literally|am|"
         rf"getting|get) ){{0,5}}(?:could|might|will|would|am going to|going to|want to|may|ll|"
         rf"keep wanting to|wanted to)|ill) (?:really |actually |seriously )?(?:hurt|harm|shake|"
         rf"smother|suffocate|kill|hit|throw|drown|strangle|snap and hurt|lose it with|lash out "
         rf"at|do something to|squeeze) (?:(?:my|our|the|this) (?:[a-z]+ ){{0,2}}(?:baby|newborn|"
         rf"child|kids|children|son|daughter|toddler|little one|boy|girl|{AGE})|him|her|them)\b",
         "could might will would going want may ll wanting wanted ill",
         need=[HAS_CHILD], hypo=False,
         block=[re.compile(rf"\b(?:accident|accidentally|by mistake|drop|dropping|{DOG_N})\b")]),
    Rule("thoughts_of_harming_baby", "mental_health",
         rf"\b(?:thoughts?|urges?|images?|visions?|pictures?|fantasies) (?:of|about) (?:hurting|"
         rf"harming|shaking|smothering|suffocating|killing|drowning|throwing|dropping|hitting|"
         rf"stabbing|strangling) (?:my|our|the|him|her|them)\b",
         "thought thoughts urge urges image images vision visions picture pictures fantasies",
         hypo=False, need=[HAS_CHILD,
                           re.compile(r"\b(?:i|i am|i m|i have|i ve|i keep|i get|my head)\b")],
         msg_block=[PROF]),
    Rule("dont_trust_myself", "mental_health",
         rf"\bdo not trust myself (?:with|around|near|alone with) (?:the |my |our )?"
         rf"(?:{CHILD_N})\b|\bi (?:shook|threw|smothered) (?:the|my|our) (?:baby|newborn)\b|"
         rf"\bi (?:hate|resent) (?:my|the|our) (?:baby|newborn)\b|"
         rf"\bi (?:wish i had never had|regret having) (?:my|the|our|this) (?:baby|child)\b",
         "trust shook threw smothered hate resent wish regret", hypo=False),
    # Postnatal depression in the first person.
    Rule("postnatal_depression", "mental_health",
         r"\bi (?:think i |might |may |really )?(?:have|ve got|have got|am suffering (?:from|"
         r"with)|am struggling with|am going through|have been diagnosed with|was diagnosed "
         r"with|got diagnosed with|am dealing with)(?: really| severe| bad)? (?:postnatal|"
         r"post natal|postpartum|post partum|perinatal|pnd|ppd)\b",
         "have ve got am was", hypo=False, distant=True),

    # ================================ child_disclosure ================================
    # A parent/carer hurting the child speaking: "my dad hits me".
    Rule("carer_hurts_me", "child_disclosure",
         rf"\b{CARER}(?: {ADV}){{0,2}} (?:{HUMAN_VIOLENCE}|{OTHER_HARM})(?: [a-z]+)? "
         rf"(?:me|us|me and my [a-z]+)\b",
         "me us", hypo=False, distant=True),
    Rule("carer_hurts_sibling", "child_disclosure",
         rf"\b{CARER}(?: {ADV}){{0,2}} (?:{HUMAN_VIOLENCE}) (?:my (?:little |big |baby |older |"
         rf"younger )?(?:brother|sister|mum|dad)|my (?:{CHILD_N}))\b",
         "my", hypo=False, distant=True,
         msg_block=[re.compile(r"\b(?:my|our) (?:partner|husband|wife|boyfriend|girlfriend)\b")]),
    # A child (stated age) saying someone hurts them: "im 9 and he hits me".
    Rule("child_speaker_hurt", "child_disclosure",
         rf"\b(?:{HUMAN_VIOLENCE}|hurts|hurt|hurting|abuses|abused|touches|touched|touching|"
         rf"starves|locks|locked|scares|bullies) (?:me|us)\b|\bscared (?:of (?:my (?:{CARER_N})"
         rf"\b(?! s)|him|her|them|going home)|to go home)\b|\bnot safe at home\b|"
         rf"\b(?:no one|nobody|they do not|she does not|he does not) feeds? me\b|\bbruises\b",
         "me us scared home feed feeds bruises", hypo=False, need=[CHILD_SPEAKER]),
    # Sexual abuse: "someone touches me and I don't like it".
    Rule("touching", "child_disclosure",
         rf"\b(?:someone|somebody|a man|a lady|a woman|an older boy|a boy|a grown up|an adult|"
         rf"{CARER}|he|she|they)(?: {ADV}){{0,2}} (?:touches|touched|touching|feels|felt|"
         rf"fiddles with|plays with|made me touch|makes me touch) (?:me|my (?:private|privates|"
         rf"private parts|bits|body|bum|willy|chest|boobs|fanny|vagina|penis|front|bottom|"
         rf"down there)|him|her)\b",
         "touches touched touching feels felt fiddles plays touch", hypo=False,
         block=[re.compile(rf"\b(?:{DOG_N}|paw|paws|nose|lick|licks)\b")],
         msg_block=[HAS_PARTNER]),
    Rule("secret_touching", "child_disclosure",
         r"\b(?:told|tells|made|makes) me (?:not to tell|keep (?:it )?(?:a |our )?secrets?)\b|"
         r"\b(?:it is|its) our (?:little )?secret\b|\btouch(?:es|ed)? me (?:in|on|down) (?:my |"
         r"places|there|private)",
         "told tells made makes secret me", hypo=False,
         need=[re.compile(r"\b(?:touch[a-z]*|private[a-z]*|hurts?|hits?|hit me|does things|"
                          r"bad things|secret|secrets|body)\b")]),
    Rule("scared_of_carer", "child_disclosure",
         rf"\b(?:i am|i m|i feel|i get) (?:so |really |very )?(?:scared|afraid|frightened|"
         rf"terrified) (?:of {CARER}\b(?! s\b)|to go home)",
         "scared afraid frightened terrified", hypo=False, msg_block=[HAS_PARTNER]),
    Rule("hit_at_home", "child_disclosure",
         r"\bi (?:get|got|am|keep getting) (?:hit|beaten|hurt|smacked|slapped|kicked|punched|"
         r"locked in|locked out|starved|belted|whipped) (?:at home|by my (?:mum|dad|step|nan|"
         r"gran|uncle|brother|sister|parents)|every day|all the time|when (?:my|i))\b",
         "get got am keep", hypo=False, msg_block=[HAS_PARTNER]),
    # Threat to keep a secret: "dad says if i tell he will hurt my dog".
    Rule("threat_if_i_tell", "child_disclosure",
         r"\bif i (?:tell|told|say|said) (?:anyone|anybody|someone|somebody|the teacher|a teacher|"
         r"my teacher|the police)\b",
         "tell told say said", hypo=False,
         need=[re.compile(r"\b(?:hurt|kill|hit|beat|get rid of|drown|poison|put down)\b")],
         msg_block=[HAS_PARTNER]),
    Rule("carer_makes_dog_bite", "child_disclosure",
         rf"\b{CARER}(?: {ADV}){{0,2}} (?:makes|made|lets|let|sets|set|tells|told|gets|got) "
         rf"(?:the |his |her |their |our |my )?(?:[a-z]+ )?{DOG_N} (?:to )?(?:bite|attack|go for|"
         rf"on|onto) me\b",
         "makes made lets let sets set tells told gets got", hypo=False),

    # ================================ domestic_abuse ================================
    # The dog used as a weapon: "he's set the dog on me".
    Rule("set_dog_on_me", "domestic_abuse",
         rf"\b(?:set|sets|setting|sic|sics|sicced|sicked|siccing|unleashed|unleashes|"
         rf"encourages|encouraged|commands|commanded|tells|told|uses|used|using|set) "
         rf"(?:the |his |her |their |our |my |that )?(?:[a-z]+ )?{DOG_N} (?:on|onto|to attack|"
         rf"to bite|to go for|at|against|to scare|to frighten|to threaten|to control|"
         rf"to intimidate) (?:me|us|my (?:kids|children|son|daughter))\b",
         "set sets setting sic sics sicced sicked siccing unleashed unleashes encourages "
         "encouraged commands commanded tells told uses used using", hypo=False),
    # Threats to hurt the pet: "my partner threatens to hurt the dog if I leave".
    Rule("threat_to_pet", "domestic_abuse",
         rf"\b(?:threaten|threatens|threatened|threatening|says|said|told me|keeps saying|is "
         rf"saying|saying)(?: that)?(?: (?:he|she|they))?(?: (?:will|would|ll|d|is going to|"
         rf"going to))?(?: to)? (?:hurt|kill|harm|poison|drown|stab|strangle|shoot|beat|kick|"
         rf"torture|hang|burn|starve|break) (?:the|my|our|his|her) (?:[a-z]+ )?(?:{DOG_N}|cat|"
         rf"pets?|animals?)\b",
         "threaten threatens threatened threatening says said told saying", hypo=False,
         need=[re.compile(rf"\b(?:{PARTNER_N}|he|she|if i)\b")],
         msg_block=[re.compile(r"\b(?:neighbour|neighbours|vet|warden|council|landlord|"
                               r"police said)\b")]),
    Rule("threat_to_take_pet", "domestic_abuse",
         rf"\b(?:threaten|threatens|threatened|threatening) (?:me )?(?:that he will |that she "
         rf"will )?(?:to )?(?:get rid of|give|dump|take|sell|rehome|have|let) (?:the|my|our|his|"
         rf"her) (?:[a-z]+ )?(?:{DOG_N}|cat|pets?)(?: away| put down| down| off)?\b",
         "threaten threatens threatened threatening", hypo=False,
         block=[re.compile(r"\bif (?:it|he|she|they|the dog) (?:growls|bites|snaps|jumps|"
                           r"barks|goes|does|keeps|ever)\b")],
         msg_block=[re.compile(r"\b(?:neighbour|neighbours|vet|warden|council|landlord)\b")]),
    Rule("pet_if_i_leave", "domestic_abuse",
         rf"\b(?:hurt|kill|harm|poison|drown|get rid of|give away|dump|sell|put down|have "
         rf"(?:[a-z]+ )?put down) (?:the|my|our|his|her) (?:[a-z]+ )?(?:{DOG_N}|cat|pets?)"
         rf"(?: [a-z]+){{0,2}} if i (?:leave|left|go|tell|report|call|try to leave|ever leave|"
         rf"ever left|talk|see)\b",
         "if", hypo=False),
    Rule("if_i_leave_pet", "domestic_abuse",
         rf"\bif i (?:leave|left|go|tell|report|call|try to leave|ever leave|ever left|talk|"
         rf"see)(?: [a-z]+){{0,3}} (?:he|she|they)(?: (?:will|would|ll|d|is going to|is gonna|"
         rf"says he will|said he would))? (?:hurt|kill|harm|poison|drown|get rid of|give away|"
         rf"dump|sell|put down|have (?:[a-z]+ )?put down|beat|kick|stab|shoot|take) (?:the|my|our|"
         rf"his|her) (?:[a-z]+ )?(?:{DOG_N}|cat|pets?)\b",
         "if", hypo=False),
    Rule("cannot_leave_because_dog", "domestic_abuse",
         rf"\b(?:cannot|can not|could not|scared to|afraid to) leave (?:him|her|"
         rf"{PARTNER})(?: [a-z]+){{0,3}} (?:because|as|since|cos) (?:of )?(?:the|my|our|he|she)\b",
         "leave", hypo=False,
         need=[re.compile(rf"\b(?:{DOG_N}|kill|hurt|threat|threaten|threatens|scared)\b")]),
    # Partner hurting the pet to punish: "my husband kicks the dog to punish me".
    Rule("hurts_pet_to_control", "domestic_abuse",
         rf"\b(?:hurts|hurt|hits|hit|kicks|kicked|beats|beat|starves|starved|abuses|abused|"
         rf"throws|threw|strangles|strangled|punches|punched|tortures|tortured|harms|harmed|"
         rf"drowned|drowns|killed|kills|poisoned|poisons|hanged|stabbed|burned|burnt) "
         rf"(?:the|my|our|his|her) (?:[a-z]+ )?(?:{DOG_N}|cat|pets?) (?:to (?:punish|scare|"
         rf"frighten|hurt|upset|control|get at|get back at|threaten|intimidate) (?:me|us)|"
         rf"so i|when i|because i|if i|in front of me)\b",
         "hurts hurt hits hit kicks kicked beats beat starves starved abuses abused throws "
         "threw strangles strangled punches punched tortures tortured harms harmed drowned drowns "
         "killed kills poisoned poisons hanged stabbed burned burnt",
         hypo=False),
    Rule("partner_hurts_pet", "domestic_abuse",
         rf"\b{PARTNER}(?: {ADV}){{0,2}} (?:hurts|hurt|kicks|kicked|beats|beat|starves|starved|"
         rf"abuses|abused|throws|threw|strangles|strangled|punches|punched|tortures|tortured|"
         rf"hits|hit) (?:the|my|our|his|her) (?:[a-z]+ )?(?:{DOG_N}|cat|pets?)\b",
         "hurts hurt kicks kicked beats beat starves starved abuses abused throws threw "
         "strangles strangled punches punched tortures tortured hits hit", hypo=False,
         block=[re.compile(r"\bwhen (?:it|he|she|the dog) (?:growls|bites|jumps|barks|snaps|"
                           r"pees|poos|misbehaves|is naughty)\b")]),
    # Partner violence: "my bf hits me".
    Rule("partner_violence", "domestic_abuse",
         rf"\b{PARTNER}(?: {ADV}){{0,3}} (?:{HUMAN_VIOLENCE}|{OTHER_HARM}|bit|bites)"
         rf"(?: [a-z]+)? (?:me|us|me and)\b",
         "me us", hypo=False),
    # "he hits me when he's drunk" (verbs a dog or toddler would not do).
    Rule("pronoun_violence", "domestic_abuse",
         rf"\b(?:he|she)(?: {ADV}){{0,3}} (?:{HUMAN_STRICT})(?: [a-z]+)? (?:me|us)\b",
         "me us", hypo=False, msg_block=[TODDLER_CTX]),
    Rule("pronoun_violence_no_dog", "domestic_abuse",
         rf"\b(?:he|she)(?: {ADV}){{0,3}} (?:{HUMAN_VIOLENCE})(?: [a-z]+)? (?:me|us)\b",
         "me us", hypo=False, msg_block=[TODDLER_CTX, HAS_DOG]),
    Rule("pronoun_violence_partner", "domestic_abuse",
         rf"\b(?:he|she)(?: {ADV}){{0,3}} (?:{OTHER_HARM})(?: [a-z]+)? (?:me|us)\b",
         "me us", hypo=False, need=[HAS_PARTNER], msg_block=[HAS_DOG, TODDLER_CTX]),
    Rule("partner_is_violent", "domestic_abuse",
         rf"\b{PARTNER}(?: {ADV}){{0,2}} (?:is|gets|can be|becomes|has been|turns|goes) (?:so |"
         rf"very |really |quite |extremely |more |always |sometimes )?(?:violent|physical with "
         rf"me|abusive)\b",
         "violent physical abusive", distant=True, msg_block=[PROF]),
    Rule("he_is_violent", "domestic_abuse",
         rf"\b(?:he|she)(?: {ADV}){{0,2}} (?:is|gets|can be|becomes|has been|turns|goes) (?:so |"
         rf"very |really |quite |extremely |more |always |sometimes )?(?:violent|abusive)\b",
         "violent abusive", hypo=False, msg_block=[TODDLER_CTX, PROF, HAS_DOG]),
    # Even in a message about a dog: "he is violent when he drinks", "physical with me".
    Rule("he_is_violent_to_me", "domestic_abuse",
         rf"\b(?:he|she)(?: {ADV}){{0,2}} (?:is|gets|can be|becomes|has been|turns|goes) (?:so |"
         rf"very |really |quite |extremely |more |always |sometimes )?(?:violent|physical|"
         rf"abusive) (?:when (?:he|she) (?:drinks|is drunk|has been drinking|gets drunk|is "
         rf"angry|is high)|(?:towards|to|with) (?:me|us)|at home|in front of)\b",
         "violent physical abusive", hypo=False, msg_block=[TODDLER_CTX, PROF]),
    Rule("grabbed_throat", "domestic_abuse",
         rf"\b(?:he|she|{PARTNER})(?: {ADV}){{0,2}} (?:grabbed|grabs|had|held|holds|pinned|"
         rf"pins) me (?:by|round|around|against) (?:the|my) (?:throat|neck|hair|wall)|"
         rf"\b(?:he|she|{PARTNER})(?: {ADV}){{0,2}} (?:pulls|pulled|dragged|drags) me by my "
         rf"hair|\b(?:he|she|{PARTNER})(?: {ADV}){{0,2}} (?:threw|throws) (?:[a-z]+ "
         rf"){{0,2}}at me\b|"
         rf"\bput (?:his|her) hands? (?:round|around) my (?:throat|neck)\b",
         "grabbed grabs had held holds pinned pins pulls pulled dragged drags threw throws put",
         hypo=False, msg_block=[TODDLER_CTX]),
    # Threats to kill/hurt the person or the children.
    Rule("threat_to_kill", "domestic_abuse",
         r"\b(?:threaten|threatens|threatened|threatening|says|said|keeps saying|told me|"
         r"texted|messaged)(?: (?:he|she|they))?(?: (?:will|would|ll|d|is going to|going to))?"
         r"(?: to)? (?:kill|hurt|stab|shoot|strangle|burn|beat|harm) (?:me|us|the kids|the "
         r"children|my kids|my children|the baby|my baby|himself|herself)\b|"
         r"\b(?:threatened|threatens|is threatening|keeps threatening) (?:me|us)\b",
         "threaten threatens threatened threatening says said saying told texted messaged",
         hypo=False, msg_block=[PROF, TODDLER_CTX],
         need=[re.compile(rf"\b(?:{PARTNER_N}|he|she|they)\b")],
         block=[re.compile(r"\bkill (?:me|us) if (?!i (?:leave|left|go|tell|told|call|called|"
                           r"report|try|tried|ever|take|took|contact|see|speak|talk))")]),
    # Coercive control: "he controls everything", "he checks my phone".
    Rule("control", "domestic_abuse",
         rf"\b(?:{PARTNER}|he|she)(?: {ADV}){{0,2}} (?:controls|controlled|is controlling|is "
         rf"so controlling|is very controlling|is really controlling|is being controlling|tracks|"
         rf"tracked|monitors|monitored) (?:everything|me|all (?:my|the) money|the money|my "
         rf"(?:money|phone|messages|texts|bank|finances|location|every move|life)|what i|where i|"
         rf"who i)\b|\b(?:{PARTNER}|he|she)(?: {ADV}){{0,2}} (?:checks|checked|checking|reads|"
         rf"reading|goes through|going through|takes|took|taking|keeps|has taken|tracks|"
         rf"tracking|monitors|monitoring) my (?:money|phone|messages|texts|bank card|"
         rf"card|finances|emails|passport|wages|benefits|bank account)\b",
         "controls controlled controlling tracks tracked monitors monitored checks checked "
         "reads goes takes took keeps taken checking reading going taking tracking monitoring",
         hypo=False,
         msg_block=[PROF, TODDLER_CTX]),
    Rule("not_allowed_partner", "domestic_abuse",
         rf"\b{PARTNER}(?: {ADV}){{0,2}} (?:will not|does not|never|do not|would not) "
         rf"(?:let|allow) me (?:to )?(?:see|go|leave|have|talk|speak|work|use|visit|get|wear|"
         rf"drive|call|contact|out|spend)\b|"
         rf"\b(?:{PARTNER}|he|she) (?:stops|stopped|isolates|isolated|has isolated|cut|has cut) "
         rf"me (?:off )?(?:from )?(?:seeing|going|working|leaving|my family|my friends)\b|"
         rf"\b(?:{PARTNER}|he|she) (?:calls|called|keeps calling) me (?:stupid|useless|worthless|"
         rf"fat|ugly|a bitch|names|a slag|pathetic)\b",
         "not never let allow stops stopped isolates isolated cut calls called calling",
         hypo=False, msg_block=[PROF]),
    Rule("not_allowed_pronoun", "domestic_abuse",
         rf"\b(?:he|she)(?: {ADV}){{0,2}} (?:will not|does not|never|do not|would not) "
         rf"(?:let|allow) me (?:to )?(?:see (?:my|anyone|friends|family)|go out|leave the house|"
         rf"have (?:any |my own )?money|talk to|speak to|work|use my|visit|contact|spend)\b",
         "not never let allow", hypo=False, msg_block=[PROF, TODDLER_CTX]),
    # Fear of the partner: "I'm scared of my husband".
    Rule("scared_of_partner", "domestic_abuse",
         rf"\b{I_FEEL} (?:scared|afraid|frightened|terrified|petrified) (?:of|to (?:go home "
         rf"to|leave|tell|"
         rf"be alone with|go back to|be at home with)) {PARTNER}\b(?! s\b)",
         "scared afraid frightened terrified petrified", hypo=False),
    Rule("scared_of_him", "domestic_abuse",
         rf"\b{I_FEEL} (?:scared|afraid|frightened|terrified|petrified) (?:of|to (?:go home "
         rf"to|leave|tell|"
         rf"be alone with|go back to|be at home with)) (?:him|her)\b",
         "scared afraid frightened terrified petrified", hypo=False,
         need=[HAS_PARTNER], msg_block=[HAS_DOG]),
    Rule("abusive_relationship", "domestic_abuse",
         rf"\b(?:i am|i m|i was|i have been|we are|i think i am|i live|i am living|living|stuck|"
         rf"trapped) (?:in |with )(?:an? |a very |a really |my )?(?:abusive|violent|"
         rf"controlling|coercive)\b(?! (?:[a-z]+ )?{DOG_N})|"
         rf"\b{PARTNER} (?:is|has become|can be|gets|got|becomes|has been) (?:very |really |so |"
         rf"quite |sometimes |extremely |getting |more |always )?(?:abusive|violent|controlling|"
         rf"aggressive|dangerous)\b|"
         rf"\b(?:i am|i m|i was|we are|i have been|i ve been|been) (?:experiencing|suffering|a "
         rf"victim of|living with|going through|escaping|fleeing) (?:domestic (?:abuse|violence)|"
         rf"coercive control|abuse)\b",
         "abusive violent controlling coercive aggressive dangerous experiencing suffering "
         "victim living escaping fleeing", distant=True, msg_block=[PROF]),
    Rule("flee_partner", "domestic_abuse",
         rf"\b(?:i|we|me|need to|want to|have to|trying to|planning to|how do i|how can i)"
         rf"(?: [a-z]+){{0,3}} (?:get away from|escape|escape from|flee|flee from|run away from|"
         rf"hide from) (?:him|her|{PARTNER})\b|\bleave (?:him|her|{PARTNER}) (?:safely|without "
         rf"(?:him|her) knowing)\b",
         "away escape flee hide leave", hypo=False, msg_block=[PROF]),
    Rule("refuge", "domestic_abuse",
         r"\b(?:i|me|my|we|us)\b[a-z0-9 ]{0,60}\brefuges?\b|\brefuges?\b[a-z0-9 ]{0,60}"
         r"\b(?:i|me|my|we|us)\b",
         "refuge refuges", hypo=False, msg_block=[PROF]),

    # ================================ child_concern ================================
    # Worry about someone else's child, with signs of harm/neglect.
    Rule("worried_about_other_child", "child_concern",
         rf"\b(?:worried|worry|worrying|concerned|concern|concerns|uneasy|suspicious|anxious|"
         rf"scared|afraid|frightened) (?:about|for|that)(?: [a-z0-9]+){{0,2}}? (?:(?:my |the |a )?"
         rf"(?:neighbours|next doors|friends|best friends|sisters|brothers|cousins|colleagues|"
         rf"exs|partners|someones|mates|step daughters|step sons|sons|daughters)"
         rf"(?: [a-z0-9]+){{0,3}}? {CHILD}|(?:a|the|this|that|one|some)(?: little)? (?:child|"
         rf"baby|kid|kids|children|toddler|boy|girl|family|families) (?:next door|in my street|"
         rf"on my street|on my road|in our street|on our road|down the road|over the road|"
         rf"across the road|upstairs|downstairs|nearby|near me|in my building|in the flat|"
         rf"at school|at my school|in my class|on my caseload|i (?:look after|teach|visit|see|"
         rf"work with|support|know)|in the park)|the (?:kids|children|baby|toddler) next door|"
         rf"(?:a|one|some|two) (?:little |young |small )?(?:{CHILD_N}))\b",
         "worried worry worrying concerned concern concerns uneasy suspicious anxious "
         "scared afraid frightened", need=[CONCERN_TERMS]),
    Rule("worried_about_family_child", "child_concern",
         r"\b(?:worried|worry|worrying|concerned|concern|concerns|uneasy|suspicious|anxious|"
         r"scared|afraid|frightened) (?:about|for|that) (?:my )?(?:niece|nephew|grandson|"
         r"granddaughter|grandchild|grandchildren|grandkids|godson|goddaughter|nieces|nephews)\b",
         "worried worry worrying concerned concern concerns uneasy suspicious anxious scared "
         "afraid frightened", need=[ABUSE_TERMS]),
    # Passive: "the kids next door are always left alone with two big dogs".
    Rule("third_child_left", "child_concern",
         rf"\b(?:(?:neighbours|next doors|friends|their|her|his|the|a|that|this) (?:[a-z]+ )?"
         rf"(?:{CHILD_N})(?: {PLACE})?|(?:the|a|that|this) (?:[a-z]+ )?(?:{CHILD_N}) {PLACE}) "
         rf"(?:is|are|gets|get|was|were)(?: {ADV}){{0,2}} left (?:(?:crying|screaming|outside|"
         rf"in the garden|in the car|in (?:his|her|their|the) (?:room|cot|pram)) )?(?:alone|on "
         rf"(?:his|her|their|its) own|unsupervised|outside|with (?:[a-z0-9]+ ){{0,2}}{DOG_N}|"
         rf"for hours|all day)\b",
         "left", question=True),
    # Third party lets the dog sleep with the baby: "her dad lets his pit bull sleep in the cot".
    Rule("third_lets_dog_in_cot", "child_concern",
         rf"\b(?:they|she|he|{THIRD_ADULT}|my (?:[a-z]+ )?(?:{CARER_N}|sister|brother|friend|ex|"
         rf"daughter in law|son in law))(?: {ADV}){{0,2}} (?:lets|let|allows|leaves|puts) (?:the|"
         rf"his|her|their) (?:[a-z]+ )?{DOG_N} (?:sleep |lie |get |go )?(?:in|on|into) (?:the )?"
         rf"(?:cot|crib|pram|moses basket|bassinet|baby bed)\b",
         "lets let allows leaves puts", question=True),
    # "I think a child in my street is being neglected".
    Rule("child_being_harmed", "child_concern",
         rf"\b(?:think|suspect|believe|reckon|worried|concerned|feel|fear|sure|know|heard|"
         rf"seen|saw)(?: that)?(?: [a-z0-9]+){{0,8}} (?:is|are|was|were) (?:being |getting )"
         rf"(?:neglected|abused|mistreated|ill treated|maltreated|harmed|starved|beaten|hurt|"
         rf"hit|left alone)\b",
         "think suspect believe reckon worried concerned feel fear sure know heard seen saw",
         need=[re.compile(rf"\b(?:{CHILD})\b")],
         block=[re.compile(rf"\bby (?:the|our|my|his|her|a) (?:[a-z]+ )?{DOG_N}\b")]),
    Rule("child_at_risk", "child_concern",
         rf"\b(?:think|suspect|believe|reckon|worried|concerned|fear)(?: that)? (?:the |a |"
         rf"my neighbours |next doors |my friends |this |that |their )(?:[a-z]+ )?(?:{CHILD_N})"
         rf"(?: [a-z]+){{0,3}} (?:is|are) (?:at risk|in danger|not safe|unsafe|not being (?:fed|"
         rf"looked after|cared for))\b",
         "think suspect believe reckon worried concerned fear",
         block=[re.compile(rf"\b{DOG_N}\b")]),
    # Third parties neglecting/abusing their children.
    Rule("they_neglect_children", "child_concern",
         rf"\b(?:they|she|he|{THIRD_ADULT})(?: {ADV}){{0,2}} (?:neglects|neglect|neglecting|"
         rf"neglected|abuses|"
         rf"abusing|hits|hitting|beats|beating|shakes|shook|starves|starving|ignores|"
         rf"ignoring|never feed|never feeds|do not feed|does not feed|lock|locks|locked) "
         rf"(?:their|her|his|the) (?:[a-z]+ )?(?:{CHILD_N})\b",
         "neglects neglect neglecting neglected abuses abusing hits hitting beats beating "
         "shakes shook starves starving ignores ignoring never not lock locks locked"),
    # Third party leaves their child with dogs: "they leave it with their dogs all day".
    Rule("they_leave_child_with_dogs", "child_concern",
         rf"\b(?:they|she|he|neighbours|my neighbour|next door|the parents|the mum|the dad|the "
         rf"family|my (?:sister|brother|daughter|son|friend|ex|daughter in law|son in law|cousin|"
         rf"mum|dad|nan)|her (?:partner|boyfriend|husband)|his (?:partner|girlfriend|wife))"
         rf"(?: {ADV}){{0,2}} (?:leave|leaves|leaving|left|lets|let|puts|put) (?:their|her|his|"
         rf"the|our|my|it|them)(?: [a-z0-9]+){{0,3}}? (?:alone |on (?:its|his|her|their) own |"
         rf"unsupervised |outside |in the garden )?(?:with|in with|near|sleep with|sleep in|"
         rf"in the cot with) (?:the |their |her |his |two |2 |three |3 |a |an )?"
         rf"(?:[a-z]+ ){{0,2}}{DOG_N}\b",
         "leave leaves leaving left lets let puts put", question=True,
         need=[re.compile(r"\b(?:alone|all day|for hours|unsupervised|on (?:its|his|her|their) "
                          r"own|while (?:she|he|they) (?:go|goes|went)|goes out|go out|went out|"
                          r"aggressive|dangerous|bitten|bit|growl[a-z]*|snap[a-z]*|sleep|"
                          r"worried|concerned|will not listen|does not listen|refuses|"
                          r"every day|all the time|always)\b")]),
    Rule("they_leave_child_alone", "child_concern",
         rf"\b(?:they|neighbours|the neighbours|my neighbour|next door|the parents|the family|"
         rf"the mum|the dad)(?: {ADV}){{0,2}} (?:leave|leaves|left) (?:their|the|her|his) "
         rf"(?:[a-z]+ )?(?:{CHILD_N})(?: [a-z0-9]+){{0,2}} (?:alone|on (?:his|her|their|its) "
         rf"own|outside|unsupervised|for hours|all day)\b",
         "leave leaves left", question=True),
    Rule("third_child_signs", "child_concern",
         rf"\b(?:(?:neighbours|next doors|friends|a|that|this) (?:[a-z]+ )?(?:{CHILD_N})"
         rf"(?: {PLACE})?|the (?:[a-z]+ )?(?:{CHILD_N}) {PLACE}) (?:(?:always|often|keeps|"
         rf"constantly|has|had|with|is|s|are|turns up|comes to school|seem|seems|seemed|look|"
         rf"looks|looked|get|gets|got|always) ){{1,2}}(?:bruises|bruised|marks on|"
         rf"injuries|burns|crying all|screaming all|screaming every|filthy|scared of (?:his|her|"
         rf"their) (?:dad|mum|step|parents))\b",
         "bruises bruised marks injuries burns crying screaming filthy scared"),
    Rule("they_leave_them", "child_concern",
         rf"\b(?:they|{THIRD_ADULT}) (?:(?:always|often|just|still|regularly) )?(?:leave|leaves|"
         rf"left) (?:them|it|him|her) (?:alone |on (?:their|its|his|her) own |outside )?(?:for "
         rf"hours|all day|all night|every day)\b",
         "leave leaves left", need=[re.compile(rf"\b(?:{CHILD_N})\b")], question=True),
    Rule("report_family", "child_concern",
         r"\b(?:want to|need to|going to|should i|how do i|how can i|where do i) report "
         r"(?:my |the |a )?(?:neighbours?|family|parents?|mum|dad|friend|sister|brother|"
         r"someone)(?: [a-z]+){0,3} (?:for|because|who|that|as)\b",
         "report", hypo=False,
         need=[re.compile(r"\b(?:neglect|neglecting|abus[a-z]*|hurting|hitting|leaving|left|"
                          r"alone|unsafe|danger)\b")]),
]

_BY_CATEGORY: Dict[str, List[Rule]] = {c: [r for r in RULES if r.category == c]
                                       for c in CATEGORIES}
assert all(r.category in CATEGORIES for r in RULES)

_SENTENCE_SPLIT = re.compile(r" ?\. ?")
# Clauses: commas, and "but/also/btw/anyway/..." when a new statement starts after them.
_CLAUSE_SPLIT = re.compile(
    r" ?, ?| (?:but|also|btw|anyway|plus|however|ps|oh and|and also|and now|and then|and|so)"
    r"(?= (?:i|my|he|she|they|the|our|we|it|his|her|there|now|also|a|an)\b) ")


def _split(norm: str) -> List[Tuple[str, List[str]]]:
    """[(sentence, [clauses])]; a sentence keeps its commas out so guards see all of it."""
    out = []
    for sent in _SENTENCE_SPLIT.split(norm):
        sent = sent.strip(" ,")
        if sent:
            clauses = [c.strip() for c in _CLAUSE_SPLIT.split(sent) if c.strip()]
            out.append((sent.replace(" , ", " "), clauses))
    return out


def _run(text: str, first_only: bool):
    norm = normalise(text)
    if not norm.strip(" .,"):
        return
    tokens = set(norm.split())
    parts = _split(norm)
    message = " ".join(s for s, _ in parts)
    for category in CATEGORIES:
        for rule in _BY_CATEGORY[category]:
            if not (rule.cues & tokens):
                continue
            if any(rule.fires(clause, sent, message) for sent, clauses in parts
                   for clause in clauses):
                yield category, rule.name
                if first_only:
                    return
                break


def matching_rules(text: str) -> List[Tuple[str, str]]:
    """Every (category, first rule that fired) for `text`; for debugging and tests."""
    return list(_run(text, first_only=False))


def detect(text: str) -> Optional[str]:
    """The highest-priority red-flag category in `text`, or None."""
    for category, _ in _run(text, first_only=True):
        return category
    return None
