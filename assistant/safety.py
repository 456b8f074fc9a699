"""Crisis detection, before anything else: a person at risk gets 988 first, always.

Two signals, both on a normalised message (case, accents, leetspeak, repeated letters, emoji):
a lexicon of first-person risk phrasing in English and Spanish (explicit, indirect, method
and means, self-harm, harm to others, slang), and similarity to curated crisis examples
versus curated near misses ("the exam was killer", "kill a stuck process"). A peer asking
how to help someone else is offered the resources without a crisis takeover.

The reply is a fixed template, never text from the corpus or a model.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import numpy as np

CRISIS_REPLY = {
    "en": (
        "I'm really glad you told me. You don't have to go through this alone, and help is available right now, "
        "free and confidential, any time:\n"
        "- Call or text 988 (988 Suicide & Crisis Lifeline), or chat at 988lifeline.org\n"
        "- Crisis Text Line: text HOME to 741741\n"
        "- In Spanish: call 988 and press 2, or text AYUDA to 988\n"
        "- If you are in immediate danger, call 911."
    ),
    "es": (
        "Gracias por decírmelo. No tiene que pasar por esto a solas; hay ayuda ahora mismo, gratis y confidencial, "
        "a cualquier hora:\n"
        "- Llame al 988 y marque 2 para español, o envíe AYUDA por texto al 988 (988 Suicide & Crisis Lifeline)\n"
        "- Crisis Text Line: envíe HOME por texto al 741741\n"
        "- Chat en inglés: 988lifeline.org\n"
        "- Si está en peligro inmediato, llame al 911."
    ),
}
SUPPORT_NOTE = {
    "en": "If someone is in danger right now, they (or you) can call or text 988, or call 911 in an emergency.",
    "es": "Si alguien está en peligro ahora mismo, puede llamar o enviar un texto al 988, o llamar al 911 en una emergencia.",
}
PROGRAM_FOLLOWS = {"en": "About your question:", "es": "Sobre su pregunta:"}
FIXED_TEXTS = [*CRISIS_REPLY.values(), *SUPPORT_NOTE.values(), *PROGRAM_FOLLOWS.values()]

_EMOJI = {"🔫": " gun ", "💊": " pills ", "🪢": " rope ", "⚰": " coffin ", "🔪": " knife ", "🩸": " blood ",
          "☠": " dead ", "💀": " dead ", "😵": " ", "🪦": " grave ", "🌉": " bridge "}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t"})

_SELF = r"(?:i|im|i am|ive|i have|i'?ll|i will|i keep|i wanna|i want to|i need to|i'?m going to|im gonna|i'?m gonna|gonna|going to|want to|wanna|thinking (?:about|of)|planning (?:to|on))"
_RISK_PATTERNS = [
    # explicit intent
    r"\b(kill|killing|end|ending|take|taking|off)\s+(my ?self|myself|my own life|my life)\b",
    r"\b(want|wish|hope) (someone|somebody|something) (would|could|to) kill me\b",
    r"\bk\s*m\s*s\b", r"\bkys\b", r"\bunalive\w*\b",
    r"\b(i|im|i am|i'm|feel|feeling|felt|been|getting|so|very|really|kinda|pretty)\s+(so\s+|really\s+)?su[i1]c[i1]?dal\b",
    r"\b(thinking|thought|think|thoughts) (about|of) (suicide|killing myself|ending it)\b",
    r"\b(i|im|i'm|i am|i will|i'?ll|gonna|going to) (commit|attempt|try) (suicide)\b",
    r"^\W*su[i1]c[i1]?d(e|al)\W*$",
    r"\b(want|wanna|wish|going|ready|trying)\s+(to\s+)?(die|be dead|not (be here|exist|wake up))\b",
    r"\bwish (i|id) (was|were|could be) (dead|gone|never born)\b",
    r"\b(don'?t|do not|dont) want to (live|be alive|be here|exist|wake up|go on)( anymore)?\b",
    r"\b(no|dont see the|don'?t see the|don'?t see any|can'?t see the) (point|reason) (in|of|to)? ?(living|life|going on|being alive|anything anymore)\b",
    r"\b(better off|be better) (without me|if i (was|were) (dead|gone))\b",
    r"\b(can'?t|cannot|cant) (go on|do this anymore|take (it|this) anymore|keep going)\b",
    r"\b(tired|sick) of (living|being alive|life)\b", r"\blife (isn'?t|is not|aint) worth\b",
    r"\b(end it all|end everything|this is (my )?goodbye|say(ing)? goodbye (to everyone|forever))\b",
    r"\bgoodbye (cruel )?world\b", r"\bno way out\b", r"\bdisappear forever\b",
    r"\bdone with (everything|life|it all|living|being alive)\b",
    r"\b(gun|rope|pills|knife|coffin|grave)\b.*\b(done|goodbye|bye|end it|tonight|over it|forever)\b",
    r"\b(sleep|go to sleep|close my eyes) and (never|not) wake up\b", r"\bnever wake up\b",
    r"\b(i'?m|i am|feel like) (just )?a burden\b", r"\b(no ?one|nobody) (would|will) (care|miss me|notice)( if i)?\b",
    r"\bnothing (left )?to live for\b", r"\b(want|need) (it|the pain|everything) to (stop|end) (forever|for good|permanently)\b",
    r"\bwhats the point of (living|life|going on|being alive|anything)\b", r"\b(end|ending) it (all )?(tonight|today|soon|now)\b",
    r"\bi'?m (going|gonna) (to )?end it\b", r"\b(planning|planned|writing|wrote) my (funeral|suicide note|goodbye|note)\b",
    r"\bgiving away (all )?my (stuff|things|belongings)\b", r"\bdon'?t want to exist\b", r"\bsewer ?slide\b",
    r"\bwant (out of|to leave) this (life|world)\b", r"\bfinal (exit|goodbye)\b",
    # method and means
    r"\b(saving|saved|stockpil\w*|hoard\w*|collect\w*) (up )?(my |all my )?(pills|meds|medication|medicine)\b",
    r"\bhow (many|much) (of )?(my )?(pills|meds|tylenol|xanax|insulin|medication)\b.*\b(die|kill|take|lethal|enough|od|overdose)\b",
    r"\b(overdose|od) on purpose\b",
    r"\b(i )?(just )?(took|swallowed|downed) (a (bunch|handful|lot) of|all (of )?my|too many|the whole bottle of) (pills|meds|xanax|tylenol|oxys?|percs?)\b",
    r"\b(use|shoot up|take|do) (fentanyl|heroin|dope|enough)\b.*\b(not wake up|never wake|die|be done|end it|od)\b",
    r"\b(relapse|use|using) (again )?(until|till) i (die|od|am dead)\b", r"\b" + _SELF + r"\s+(overdose|od)\b", r"\blethal dose\b",
    r"\b(hang|hanging|shoot|shooting|drown|drowning|poison|poisoning) (my ?self|myself)\b",
    r"\b(jump|jumping) (off|from) (a |the )?(bridge|building|roof|overpass)\b",
    r"\b(slit|slitting|cut|cutting) (my )?(wrists?|throat)\b", r"\bgun (to|in) my (head|mouth)\b",
    r"\brope\b.*\b(neck|hang)\b", r"\bpills\b.*\b(die|dead|end it|sleep forever)\b",
    # self-harm
    r"\b" + _SELF + r"\s+(cut|cutting|burn|burning|hurt|hurting|harm|harming)\s+(my ?self|myself)\b",
    r"\b(cutting|cut|hurting|harming) (my ?self|myself) again\b",
    r"\b(i|im|i am|i'm|keep|kept|started|been|am)\s+(cutting|burning|harming|hurting)( myself)?( again)?\b(?! (the|a|an|back|down|corners|costs|class|it|out|off|ties))",
    r"\bcutting again\b",
    r"\bi (relapsed|started) (cutting|self[- ]?harming)\b",
    # harm to others
    r"\b" + _SELF + r"\s+(kill|hurt|shoot|stab|murder)\s+(him|her|them|someone|somebody|people|my (boss|wife|husband|family|kids|coworker|supervisor|ex))\b",
    r"\b(shoot|shooting) up (the|my) (office|school|work|clinic)\b",
    r"\b(i'?m|i am|im) (going|gonna) (to )?(kill|hurt|shoot|stab) (him|her|them|my)\b",
    r"\bi (want|wanna|need) to (kill|hurt|shoot|stab) (him|her|them|someone|somebody|my)\b",
    r"\b(bring|bringing|take|taking|carry|carrying|get|got|buy|bought) (my |a |the )?(gun|knife|weapon|rifle|pistol)\b.*"
    r"\b(work|school|office|clinic|house|him|her|them|pay|tomorrow|tonight)\b",
    r"\b(make|making) (him|her|them|everyone|you all) pay\b",
    # vehicles, trains, heights as means
    r"\b(drive|driving|drove|crash|crashing|swerve|swerving|steer|steering) (my car |the car |my truck )?"
    r"(off|into|in front of|over) (the |a |an )?(overpass|bridge|cliff|wall|tree|traffic|train|truck|freeway|edge|pole)\b",
    r"\bcrash(ing)? (my|the) (car|truck) on purpose\b",
    r"\b(step|stepping|jump|jumping|walk|walking|lie|lying) (out )?in front of (a |the |an )?(train|bus|car|truck|traffic)\b",
    # Spanish
    r"\b(me )?quiero morir\b", r"\bquiero morirme\b", r"\bquitarme la vida\b", r"\bsuicidarme\b",
    r"\b(estoy|me siento|soy|ando|me pongo) (muy )?suicida\b", r"\b(pienso|pensando|pense) en el suicidio\b",
    r"\bmatarme\b", r"\bme voy a matar\b", r"\b(ya )?no quiero (vivir|seguir viviendo|estar aqui|despertar)\b",
    r"\bacabar con (todo|mi vida)\b", r"\bno (le )?veo (sentido|razon) (a|para) (la vida|vivir|seguir)\b",
    r"\b(cortarme|hacerme dano|lastimarme|cortandome)\b",
    r"\b(me estoy|sigo|volvi a|vuelvo a) (cortando|cortar|lastimando|lastimar|haciendo dano)\b", r"\bno aguanto mas\b.*\b(morir|desaparecer|vivir|matar|acabar)\b",
    r"\bmejor (sin mi|muerto|muerta)\b", r"\bestarian mejor sin mi\b", r"\bdesaparecer para siempre\b",
    r"\b(juntando|guardando) (mis )?(pastillas|medicinas)\b", r"\bvoy a matar a\b",
    r"\bme (quiero|voy a) (matar|morir|suicidar)\b",
    r"\b(lo|la|los|las) (mato|voy a matar|matare)\b", r"\bya tengo con (que|que hacerlo)\b",
    r"\b(tirarme|aventarme|estrellarme|chocar (el carro|mi carro|el coche))\b", r"\b(pensando|pienso) en (suicidarme|matarme|morir|quitarme la vida)\b",
    r"\bno vale la pena (vivir|seguir)\b", r"\b(me )?tome (todas|muchas) (las |mis )?(pastillas|medicinas)\b",
    r"\bdormir y no despertar\b", r"\b(soy|me siento) una carga\b", r"\bnadie me (extranaria|va a extranar)\b",
    r"\bme voy a (tirar|aventar) (de|del|desde)\b", r"\bya no puedo mas\b.*\b(vivir|morir|matar|acabar)\b",
    r"\bquiero (desaparecer|dejar de existir)\b", r"\b(lastimar|matar|hacerle dano) a (alguien|el|ella|mi)\b",
]
_RISK = re.compile("|".join(f"(?:{p})" for p in _RISK_PATTERNS))
_HELPING_OTHERS = re.compile(
    r"\b(how (do|can|should) (i|we|peers?)|as a peer|what should i do|what do i do|help|support|respond to|talk to|training|"
    r"work with|serve|advocacy)\b.*"
    r"\b(someone|somebody|a client|my client|clients|a peer|a participant|participants|consumers|a friend|my friend|"
    r"a person|people|members?|my (son|daughter|brother|sister|mom|dad|partner)|the people i (work with|serve|support))\b"
    r"|\b(my|a|his|her) (son|daughter|brother|sister|mom|mother|dad|father|partner|friend|client|cousin|uncle|aunt) "
    r"(attempted|tried|died by|lost .* to|struggled with) suicide\b"
    r"|\b(peer[- ]?vention|suicide prevention|prevencion del suicidio)\b"
    r"|\b(como (apoyo|ayudo|acompano|hablo con)|apoyar|ayudar|acompanar) a (alguien|un cliente|una persona|otra persona|"
    r"un companero|una companera|mi (hijo|hija|amigo|amiga|cliente|hermano|hermana|pareja))\b")
_FIRST_PERSON = re.compile(r"\b(i|im|i'm|me|my|myself|yo|me|mi)\b")

CRISIS_EXAMPLES = [
    "I want to end my life", "I'm thinking about killing myself tonight", "I don't want to be alive anymore",
    "everyone would be better off if I was gone", "I have a plan to die", "I can't keep living like this",
    "I've been collecting my pills so I can take them all at once", "I'm going to jump off a bridge",
    "I keep hurting myself when things get bad", "I feel hopeless and want it all to stop forever",
    "I wrote goodbye letters to my family", "nothing matters, I just want to sleep and never wake up",
    "I relapsed and I want to die", "I'm going to hurt someone at work", "I bought a gun to use on myself",
    "no one would miss me if I disappeared for good",
]
BENIGN_EXAMPLES = [
    "the exam was killer", "how do I kill a stuck process", "this paperwork is killing me", "I'm dying to know",
    "how do I help a client who talks about suicide", "what is suicide peer-vention training",
    "is crisis care a required specialization", "I'm dead tired after training", "that webinar killed it",
    "I almost died laughing", "can I retake the exam if I fail", "where can I find crisis services training",
]
SIMILARITY_THRESHOLD = 0.62
SIMILARITY_MARGIN = 0.08


@dataclass
class SafetyDecision:
    crisis: bool
    helping_others: bool
    reason: str


def normalize(text: str) -> str:
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"(?<=[a-z])[0-9@$](?=[a-z])|(?<=\s)[0-9@$](?=[a-z]{2})", lambda m: m.group(0).translate(_LEET), text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    text = text.replace("’", "'")
    return " ".join(re.sub(r"[^a-z0-9'\s]", " ", text).split())


class CrisisDetector:
    """`CrisisDetector(embed).assess(message)`; `embed` maps texts to normalised vectors (or None: lexicon only)."""

    def __init__(self, embed=None):
        self.embed = embed

    @cached_property
    def _examples(self) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.embed(CRISIS_EXAMPLES)), np.asarray(self.embed(BENIGN_EXAMPLES))

    def assess(self, message: str) -> SafetyDecision:
        text = normalize(message)
        helping = bool(_HELPING_OTHERS.search(text))
        m = _RISK.search(text)
        if not m and re.fullmatch(r"((gun|rope|pills|knife|coffin|grave|dead|blood)\s*)+", text):
            return SafetyDecision(True, helping, "weapon or means emoji only")
        if m and not (helping and not _first_person_risk(text, m)):
            return SafetyDecision(True, helping, f"lexicon: {m.group(0)!r}")
        if self.embed is not None and _FIRST_PERSON.search(text) and not helping:
            crisis, benign = self._examples
            v = np.asarray(self.embed([message]))[0]
            top_crisis, top_benign = float(np.max(crisis @ v)), float(np.max(benign @ v))
            if top_crisis >= SIMILARITY_THRESHOLD and top_crisis >= top_benign + SIMILARITY_MARGIN:
                return SafetyDecision(True, helping, f"similarity {top_crisis:.2f} (benign {top_benign:.2f})")
        if helping and (m or re.search(r"\b(suicid\w*|suicidio|kill (him|her|them)sel(f|ves)|self[- ]?harm|crisis|overdos\w*|die|"
                                        r"(end|take) (their|his|her) (own )?(life|lives)|hurt(ing)? (them|him|her)sel(f|ves))\b", text)):
            return SafetyDecision(False, True, "asks how to help someone else")
        return SafetyDecision(False, False, "")


def _first_person_risk(text: str, match: re.Match) -> bool:
    """In a message about helping others, is the risk phrase still about the writer?"""
    window = text[max(0, match.start() - 25): match.end() + 10]
    return bool(re.search(r"\b(i|im|i'm|me|my|myself)\b", window)) and not re.search(r"\b(they|he|she|client|friend)\b", window)
