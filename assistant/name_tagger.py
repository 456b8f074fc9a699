"""A learned reader of people's names, for what the rules of assistant/name_rules.py miss.

Rules find a name by what introduces it ("I'm", "my son", "Dr.") or by its shape; names told any other way
("thx, Dwayne R.", "me and jorge signed up", "tell Okafor") slip past them. This tagger reads every word with its
neighbours — capitals, the name lists, how common the word is in English and Spanish, the cue words around it,
and whether the rules took it — and a logistic regression (weights in assistant/data/name_tagger.json, fitted by
`python -m evals.name_training` on helper-written messages) gives the probability that the word belongs to a
person's name. Runs of words above the threshold are names; what the rules found stays found.
"""

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.name_lists import EVERYDAY_ZIPF, bare, first_names, surnames, zipf, zipf_in
from core.errors import PeerhelpError

MODEL_FILE = Path(__file__).parent / "data" / "name_tagger.json"
WORD = re.compile(r"(?:[A-Z]\.){1,3}|[^\W\d_](?:[\w'’-]*[^\W_])?", re.UNICODE)
_PARTICLES = {"de", "del", "la", "las", "los", "van", "von", "der", "den", "da", "das", "do", "dos", "di", "du", "le", "y"}
_INTRO = {"name", "names", "named", "im", "i'm", "i’m", "am", "soy", "llamo", "is", "es", "this", "habla", "called",
          "signed", "firma", "nombre"}
_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "pastor", "rev", "sr", "sra", "srta", "don", "dona", "prof", "lic"}
_ROLES = {"son", "daughter", "kid", "mom", "mother", "dad", "father", "wife", "husband", "brother", "sister", "grandma",
          "grandpa", "aunt", "uncle", "cousin", "partner", "boyfriend", "girlfriend", "friend", "boss", "supervisor",
          "manager", "counselor", "therapist", "coworker", "colleague", "client", "sponsor", "coordinator", "director",
          "hijo", "hija", "mama", "madre", "papa", "padre", "esposo", "esposa", "marido", "hermano", "hermana", "abuela",
          "abuelo", "tia", "tio", "primo", "prima", "novio", "novia", "amigo", "amiga", "jefe", "jefa", "supervisora",
          "consejero", "consejera", "compañero", "compañera", "coordinadora", "directora", "worker", "lead", "mentor"}
_CLOSINGS = {"thanks", "thank", "thx", "ty", "regards", "best", "cheers", "sincerely", "gracias", "saludos",
             "atentamente", "att", "atte", "cordialmente", "love", "bendiciones"}
_GREETINGS = {"hi", "hello", "hey", "hola", "dear", "estimado", "estimada", "buenas", "buenos", "morning"}
_ASKS = {"ask", "call", "tell", "email", "text", "contact", "told", "asked", "emailed", "texted", "with", "and", "or",
         "con", "y", "llamar", "preguntar", "decirle", "hablar", "habló", "hablé", "said", "says", "dijo", "me", "from"}
_HERE = {"here", "aqui", "aquí", "again", "otra", "speaking"}
_PLACE_START = {"san", "santa", "santo", "los", "las", "el", "saint", "st", "fort", "port", "mount", "lake", "new",
                "condado", "county", "city", "ciudad", "in", "en", "at"}
_ARTICLES = {"the", "el", "la", "los", "las", "del", "al"}  # before a capitalised run: an organisation's or a program's name
_JOINERS = {"de", "of", "for", "y", "and"}  # inside one: "Programa de Capacitación de Intérpretes"
_PLACES = {"county", "condado", "city", "ciudad", "center", "centre", "clinic", "hospital", "university", "college",
           "department", "program", "agency", "church", "street", "st", "avenue", "ave", "blvd", "road", "health",
           "services", "school", "office", "california", "ca", "valley", "beach", "park", "lake", "mountain"}

FEATURES = ("capital", "all_caps", "lower", "sentence_start", "first_name", "surname", "zipf_en", "zipf_es",
            "rare", "short", "initial", "particle", "accent", "prev_intro", "prev_title", "prev_role", "prev_named",
            "next_capital", "next_named", "next_here", "prev_closing", "prev_dash", "prev_greeting", "prev_ask",
            "next_place", "prev_capital", "ruled", "prev_ruled", "next_ruled", "last_word", "possessive",
            "first_and_capital", "surname_and_capital", "rare_and_capital", "inner_capital", "next_digit",
            "prev_place", "start_and_common")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens_of(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in WORD.finditer(text)]


def _low(word: str) -> str:
    return word.lower().strip(".")


def features(text: str, tokens: list[Token], ruled: list[tuple[int, int]]) -> list[dict[str, float]]:
    """Each token's features; `ruled`: the name spans the rules found."""
    inside = [any(s <= t.start and t.end <= e for s, e in ruled) for t in tokens]
    rows = []
    for i, t in enumerate(tokens):
        word, plain, low = t.text, bare(t.text), _low(t.text)
        prev = [_low(x.text) for x in tokens[max(0, i - 3):i]]
        between = text[tokens[i - 1].end:t.start] if i else text[:t.start]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        capital, first, last = word[:1].isupper(), plain in first_names(), plain in surnames()
        rare = zipf(word) < 3.0
        starts = i == 0 or bool(re.search(r"[.!?:\n]\s*$", between))
        rows.append({
            "capital": float(capital), "all_caps": float(word.isupper() and len(word) > 1),
            "lower": float(word.islower()),
            "sentence_start": float(starts),
            "first_name": float(first), "surname": float(last),
            "zipf_en": min(zipf_in(low, "en"), 8.0) / 8.0, "zipf_es": min(zipf_in(low, "es"), 8.0) / 8.0,
            "rare": float(rare), "short": float(len(plain) <= 2), "initial": float(bool(re.fullmatch(r"(?:[A-Z]\.?){1,3}", word))),
            "particle": float(low in _PARTICLES), "accent": float(plain != low.replace("'", "").replace("’", "")),
            "prev_intro": float(bool(set(prev[-2:]) & _INTRO)), "prev_title": float(bool(prev) and prev[-1] in _TITLES),
            "prev_role": float(bool(set(prev[-2:]) & _ROLES)),
            "prev_named": float(i > 0 and tokens[i - 1].text[:1].isupper() and bare(tokens[i - 1].text) in first_names()),
            "next_capital": float(nxt is not None and nxt.text[:1].isupper()),
            "next_named": float(nxt is not None and (bare(nxt.text) in surnames() or bare(nxt.text) in first_names())),
            "next_here": float(nxt is not None and _low(nxt.text) in _HERE),
            "prev_closing": float(bool(prev) and prev[-1] in _CLOSINGS),
            "prev_dash": float(bool(re.search(r"[-–—~]\s*$", between))),
            "prev_greeting": float(bool(prev) and prev[-1] in _GREETINGS),
            "prev_ask": float(bool(prev) and prev[-1] in _ASKS),
            "next_place": float(nxt is not None and _low(nxt.text) in _PLACES),
            "prev_capital": float(i > 0 and tokens[i - 1].text[:1].isupper()),
            "ruled": float(inside[i]), "prev_ruled": float(i > 0 and inside[i - 1]),
            "next_ruled": float(i + 1 < len(tokens) and inside[i + 1]),
            "last_word": float(nxt is None), "possessive": float(bool(re.search(r"['’]s$", word))),
            "first_and_capital": float(first and capital), "surname_and_capital": float(last and capital),
            "rare_and_capital": float(rare and capital),
            "inner_capital": float(any(c.isupper() for c in word[1:])),  # CalMHSA, DHCS, CEUs: acronyms
            "next_digit": float(bool(re.match(r"\s*\d", text[t.end:t.end + 3]))),  # "May 31"
            "prev_place": float(bool(set(prev[-2:]) & _PLACE_START)),  # "San Bernardino", "condado de Kern"
            "start_and_common": float(starts and zipf(word) >= 4.0),
        })
    return rows


@dataclass(frozen=True)
class NameTagger:
    bias: float
    weights: dict[str, float]
    threshold: float

    def probabilities(self, text: str, tokens: list[Token], ruled: list[tuple[int, int]]) -> list[float]:
        out = []
        for row in features(text, tokens, ruled):
            z = self.bias + sum(self.weights[k] * row[k] for k in FEATURES)
            out.append(1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))))
        return out

    def spans(self, text: str, ruled: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Runs of name words (particles between two name words belong to the run). Whatever the probability, a word
        is not taken when it is shaped like an acronym in a message not written in capitals (CalMHSA, BHIN, CEUs),
        holds a digit (H0038), stands in a capitalised run after an article (the Core Competencies course, el
        Departamento de Salud Mental) or before a place or organisation
        word (San Diego County), or starts a place name (San, Santa, Los):
        those name things, not people; the rules may still take them."""
        tokens = tokens_of(text)
        loud = shouting(text)
        marked = []
        for i, (token, p) in enumerate(zip(tokens, self.probabilities(text, tokens, ruled))):
            acronym = not loud and acronym_shaped(token.text)
            j = i - 1  # "the Core Competencies", "el Departamento de Salud Mental": the whole capitalised run
            while j >= 0 and _low(tokens[j].text) not in _ARTICLES and (tokens[j].text[:1].isupper() or j > 0 and
                                                                        _low(tokens[j].text) in _JOINERS
                                                                        and tokens[j - 1].text[:1].isupper()):
                j -= 1
            after_the = j >= 0 and _low(tokens[j].text) in _ARTICLES and _low(tokens[j + 1].text) not in _TITLES
            k = i + 1
            while k < len(tokens) and tokens[k].text[:1].isupper() and _low(tokens[k].text) not in _PLACES:
                k += 1  # "San Diego County": the whole capitalised run before the place word
            before_place = k < len(tokens) and _low(tokens[k].text) in _PLACES
            place_start = _low(token.text) in _PLACE_START and token.text[:1].isupper()  # San, Santa, Los …
            coded = any(c.isdigit() for c in token.text)  # a code, not a name: H0038, 21-041
            marked.append(p >= self.threshold and not (acronym or coded or after_the or before_place or place_start))
        for i in range(1, len(tokens) - 1):
            if not marked[i] and _low(tokens[i].text) in _PARTICLES and marked[i - 1] and marked[i + 1]:
                marked[i] = True
        spans: list[tuple[int, int]] = []
        for token, name in zip(tokens, marked):
            if not name:
                continue
            if spans and not text[spans[-1][1]:token.start].strip(" "):
                spans[-1] = (spans[-1][0], token.end)
            else:
                spans.append((token.start, token.end))
        # one everyday word opening a sentence is that word ("Do the courses count", "Durante cuántos años")
        return [(s, e) for s, e in spans if not (_opens_sentence(text, s) and " " not in text[s:e]
                                                 and zipf(text[s:e]) >= EVERYDAY_ZIPF)]


def shouting(text: str) -> bool:
    """Written in capitals: a long enough message mostly in capitals ("What is CAMHPRO?" is not shouting)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def acronym_shaped(word: str) -> bool:
    """DHCS, CalMHSA, BHIN; not McNeil or O'Neil."""
    return re.search(r"[A-Z]{2}", word) is not None


def _opens_sentence(text: str, start: int) -> bool:
    return re.search(r"(?:^|[.!?:\n])[\s¿¡\"“]*$", text[:start]) is not None


@lru_cache(maxsize=1)
def load() -> NameTagger:
    """The fitted tagger (assistant/data/name_tagger.json, shipped with the package)."""
    try:
        data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise PeerhelpError(f"{MODEL_FILE} is missing or unreadable ({err}). Fix: run `python -m evals.name_training`.") from err
    if tuple(data["features"]) != FEATURES:
        raise PeerhelpError(f"{MODEL_FILE} was fitted on other features. Fix: run `python -m evals.name_training`.")
    return NameTagger(data["bias"], dict(zip(data["features"], data["weights"])), data["threshold"])
