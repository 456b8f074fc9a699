"""Crisis detection, before anything else: each message gets a level — emergency, crisis, concern or none.

The level is learned (assistant/safety_model.py): a classifier on the multilingual embedding of the message
and its character n-grams, so a risk written in Spanish, in slang, with typos or at the end of a long
program question is read as such, and a peer asking how to respond to a client's suicidal thoughts, a
course title or an idiom is not. One rule stands under the model, for the one thing no context makes safe:
the writer saying, in the first person and the present, that they want to die or kill themselves, are
suicidal, or are hurting themselves — unless it is reported speech or a joke, which the model reads. The
replies are fixed templates (assistant/crisis_replies.py), never text from the corpus or a model.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

import numpy as np
from wordfreq import zipf_frequency

from assistant.safety_model import LEVELS, RISK, CrisisModel, parts

# Pictures of means or of death say what the words around them do not; the model reads the words.
_EMOJI = {"🔫": " gun ", "💊": " pills ", "🪢": " rope ", "⚰": " coffin ", "🔪": " knife ", "🩸": " blood ",
          "☠": " dead ", "💀": " dead ", "🪦": " grave ", "🌉": " bridge "}
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s", "5": "s", "7": "t"})


# The floor, on normalised text (lower case, no accents). Concepts, not phrases from any evaluation item.
_SAYS_SO = re.compile(
    r"\b(i|im|i'?m|i am|i just|i really|i still|i kinda|i honestly|i'?ve been|ive been|i keep)\s+"
    r"(want|wanna|wish|need|am going|'?m going|gonna|going|plan|planning|thinking about|keep thinking about)\s+"
    r"(to\s+)?(die|kill myself|end my life|take my (own )?life|unalive myself|end it all)\b"
    r"|\b(i'?m|im|i am|i feel|i'?ve been|ive been|i'?m feeling|im feeling)\s+(so\s+|really\s+|very\s+|kinda\s+)?suicidal\b"
    r"|\b(i'?ve been|ive been|i keep|i started|i'?m|im|i am)\s+(cutting|burning|hurting|harming)\s+myself\b"
    r"|\b(me quiero|quiero|voy a|pienso en|estoy pensando en|ya me quiero)\s+(morir(me)?|matar(me)?|suicidar(me)?|"
    r"quitar(me)? la vida)\b"
    r"|\b(me estoy|sigo|volvi a|me vuelvo a)\s+(cortando|cortar|lastimando|lastimar|quemando|quemar)\b"
    r"|\bi (\w+ )?(don'?t|do not|dont) want to (live|be alive|exist|keep living|go on living)\b"
    r"(?! (in|with|at|near|on|there|here)\b)"
    r"|\bi (wish|wished) i (was|were) dead\b|\bi'?d be better off dead\b"
    r"|\b(ya )?no quiero (vivir|seguir viviendo|existir|estar viv[oa])\b(?! (en|con|cerca|aqui|alla|ahi)\b)"
    r"|\b(quisiera|ojala) (estar muert[oa]|morirme)\b"
    # a message that starts without its "I" ("been so suicidal lately", "wanna die")
    r"|^(been|feeling|feel)\s+(so\s+|really\s+|very\s+|kinda\s+)?suicidal\b(?!\s+(clients?|patients?|people|persons?|youth|"
    r"members?|individuals?|students?|peers?|callers?|thoughts?|ideation|behaviou?rs?|feelings?|is|are|can|may|in|among)\b)"
    r"|^(wanna|want to|wanting to)\s+(die|kill myself|end my life|end it all)\b")
# The floor's own key words, read through a slip of the thumb ("suicidle", "myslef"): the floor is the net under the
# model, and a misspelling must not slip through it.
# Only long words unlike any ordinary one: "quedando" is a breath from "quemando", "matarte" from "matarme".
_FLOOR_WORDS = ("suicidal", "myself", "suicidarme", "suicidar")
_SPELLING_CUTOFF = 0.85  # difflib's ratio: "suicdal" 0.93, "myslef" 0.83 (not), "judicial" 0.75, "suicide" 0.80
_A_WORD = 1.0  # wordfreq's Zipf frequency in English or Spanish at which a word is a word, not a slip
_NOT_THE_WRITER_NOW = re.compile(
    r"\b(lol|lmao|haha\w*|jaja\w*|jeje\w*|jk|xd|says|said|say|tells|told|telling|dice|dijo|dicen|decia|quote)\b|[\"“”]|"
    "\U0001F602|\U0001F923")


@dataclass(frozen=True)
class SafetyDecision:
    level: str  # one of assistant.safety_model.LEVELS
    reason: str

    @property
    def crisis(self) -> bool:
        """Crisis or emergency: the resources come first and take over the reply."""
        return self.level in RISK


def normalize(text: str) -> str:
    """Lower case, no accents, leetspeak and stretched letters undone ('I w4nt to d1eeee' → 'i want to die')."""
    text = _with_emoji_words(text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"(?<=[a-z])[0-9@$](?=[a-z])|(?<=\s)[0-9@$](?=[a-z]{2})", lambda m: m.group(0).translate(_LEET), text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    text = text.replace("’", "'")
    return " ".join(re.sub(r"[^a-z0-9'\s]", " ", text).split())


def floor_spelling(text: str) -> str:
    """Each word of five letters or more that is no word of English or Spanish but a near miss of one of the floor's key
    words, written as that word."""
    def fixed(word: str) -> str:
        if len(word) < 5 or word in _FLOOR_WORDS or max(zipf_frequency(word, "en"), zipf_frequency(word, "es")) >= _A_WORD:
            return word
        close = difflib.get_close_matches(word, _FLOOR_WORDS, n=1, cutoff=_SPELLING_CUTOFF)
        return close[0] if close else word

    return " ".join(fixed(w) for w in text.split())


def _with_emoji_words(text: str) -> str:
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    return text


def model_text(message: str) -> str:
    """What the model reads: the message as written (accents and case carry meaning in Spanish), with the
    pictures of means as words and stretched letters shortened ('pleeeease' → 'please')."""
    return re.sub(r"(\w)\1{2,}", r"\1\1", _with_emoji_words(message)).strip()


def crisis_embedding(embedder) -> Callable[[str], np.ndarray]:
    """The vector the model was trained on: e5's passage embedding of the text. (Its query embedding, which
    retrieval computes anyway, would save one embedding per message but measured worse: on the training
    lines' cross-validation 10.9 % false alarms instead of 9.3 % at the same recall.)"""
    return lambda text: embedder.embed_documents([text])[0]


class CrisisDetector:
    """`CrisisDetector(embed, model).assess(message)`; `embed` maps a text to its normalised passage vector with
    the model's embedder (assistant.safety_model.EMBEDDER; `crisis_embedding(embedder)`)."""

    def __init__(self, embed: Callable[[str], np.ndarray], model: CrisisModel):
        self.embed = embed
        self.model = model

    def assess(self, message: str) -> SafetyDecision:
        text = normalize(message)
        said = _SAYS_SO.search(floor_spelling(text))
        if not said and self.model.plainly_ordinary(text):
            return SafetyDecision("none", "screen: plainly ordinary (not embedded)")
        written = model_text(message)
        vector = np.asarray(self.embed(written))
        found = self.model.assess(vector, text, [(np.asarray(self.embed(p)), normalize(p)) for p in parts(written)])
        p = dict(zip(LEVELS, found.probabilities))
        reason = f"model: {found.level} (crisis {p['crisis']:.2f}, emergency {p['emergency']:.2f}, " \
                 f"concern {p['concern']:.2f}; neighbours: risk {found.vote.risk:.2f}, emergency {found.vote.emergency:.2f})"
        if found.level not in RISK and said and not _NOT_THE_WRITER_NOW.search(message.lower()):
            return SafetyDecision("crisis", f"the writer says so in the first person; {reason}")
        return SafetyDecision(found.level, reason)
