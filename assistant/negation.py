"""Negation in one sentence: whether it denies, what its denials attach to, and idioms that only look like denials.

The verifier (assistant/contradiction.py, assistant/grounding.py) sets a sentence's denials against its passage's. A
negation attaches to the first content word or two after it, in its clause. English counts denials in pairs ("cannot
refund anyone who has not returned it" denies nothing); Spanish stacks negations for one denial ("no
emite…, no administra… ni aprueba…"). "At no cost", "sin importar" and "can't go beyond N" say free, regardless and
up to N: they are read as those words before any negation is counted.
"""

import re

from assistant.language import to_english_query
from ingest.lexical import strip_accents, tokenize

_NEGATIONS = {"not", "no", "never", "cannot", "none", "nor", "neither", "without", "nobody", "nothing", "lacking",
              "lacks", "lack", "unable", "nunca", "ningun", "ninguno", "ninguna", "ni", "sin", "tampoco", "jamas", "nadie",
              "nada", "carece", "carecen"}
_UNTIL = {"until", "unless", "hasta", "sino"}  # "not released until X" = "X before release": a time, not a denial
# "no later than", "not more than", "no menos de": a limit (read below with its direction), not a denial
_COMPARATIVES = {"more", "less", "fewer", "later", "earlier", "sooner", "longer", "shorter", "older", "younger",
                 "greater", "mas", "menos"}
# words between a negation and what it negates ("does not have to be", "no se puede")
_SKIPPED = set("""be is are was were been being do does did have has had can could will would shall should may might
must need needs to a an the any all yet also always ever even longer more only just get got it they we you he she
es son esta estan ser estar fue fueron puede pueden podra se lo la las los el le les de del que ha han hay debe
deben tiene tienen tener hace haber va van para un una ya mas solo""".split())
# Where a negation's reach ends ("not required, and …"): finer than contradiction.py's `_CLAUSES`, which cuts only at
# a contrast ("but", "rather"), because a clause there must keep its "and" to be compared whole with the passage's.
CLAUSE_BREAK = re.compile(r"[,;:()]|\b(?:but|and|or|because|while|although|unless|pero|porque|aunque|mientras|sino)\b",
                          re.IGNORECASE)
TOKEN = re.compile(r"[a-záéíóúñü]+(?:['’]t)?|\d[\d,]*(?:\.\d+)?", re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lower-case words without accents, "don't" kept whole, and figures."""
    return [strip_accents(w.lower()).replace("’", "'") for w in TOKEN.findall(text)]


def _negations(found: list[str]) -> list[int]:
    """Positions of the negations that deny something ("not … until" marks a time, "no later than" a limit)."""
    return [i for i, w in enumerate(found) if (w in _NEGATIONS or w.endswith("n't"))
            and not any(u in _UNTIL for u in found[i + 1:i + 12])
            and not (found[i + 1:i + 2] and found[i + 1] in _COMPARATIVES and found[i + 2:i + 3] in (["than"], ["de"]))]


def negated(text: str, language: str = "en") -> set[str]:
    """The stems a negation in `text` attaches to: the first two content words after it in its clause."""
    out: set[str] = set()
    for clause in CLAUSE_BREAK.split(text.lower()):
        found = words(clause)
        for i in _negations(found):
            taken = 0
            for nxt in found[i + 1:]:
                if nxt in _NEGATIONS or nxt in _SKIPPED:
                    continue
                english = to_english_query(nxt) if language == "es" else nxt
                out.update(s for s in tokenize(english) if s)
                taken += 1
                if taken == 2:
                    break
    return out


_ANSWER_WORD = re.compile(r"\b(?:no|yes|s[ií])\s*[.!,:;]", re.IGNORECASE)  # an FAQ's "No. We do not …"


def denies(text: str, concord: bool = False) -> bool:
    """The text denies something: it holds an odd number of negations ("not … until" and an answer's opening
    "No." excepted), so "cannot issue it to anyone who has not attended" denies nothing. With `concord` (a Spanish
    sentence only), any negation denies: Spanish stacks them for one denial ("no emite…, no administra… ni
    aprueba…", "nunca … ni …")."""
    found = _negations(words(_ANSWER_WORD.sub(" ", text)))
    return bool(found) if concord else len(found) % 2 == 1


def has_negation(text: str) -> bool:
    """Any negation at all, idioms read first: a passage that holds one may be restated with one."""
    return bool(_negations(words(plain_idioms(text))))


# Ways of saying "free" or "regardless" that hold a negation word; read as one word before negations are counted, so
# "at no cost" restating "free" is no denial, and "sin importar cuántas horas" denies nothing
_IDIOMS = [(re.compile(r"\b(?:at\s+no\s+(?:cost|charge)|free\s+of\s+charge|without\s+(?:any\s+)?(?:cost|charge)|"
                       r"(?:do|does|did|will|wo)\s*(?:n[o']t)\s+cost(?:\s+(?:you\s+)?anything)?|costs?\s+nothing|"
                       r"no\s+(?:\w+\s+)?(?:cost|charge|fee)s?)\b(?!\s+(?:more|over|less|than|above|waivers?)\b)|"
                       r"\b(?:sin\s+(?:ning[uú]n\s+)?(?:costo|cargo|cobro)|"
                       r"no\s+(?:le\s+|les\s+)?cuesta[n]?(?:\s+nada)?|no\s+tiene[n]?\s+(?:ning[uú]n\s+)?costo)\b",
                       re.IGNORECASE), "free"),
           (re.compile(r"\b(?:no\s+matter|sin\s+importar|no\s+importa)\b", re.IGNORECASE), "regardless"),
           # a ceiling told as a denial: "can't go beyond 16 units" is "up to 16 units"
           (re.compile(r"\b(?:cannot|can't|can\s+not|may\s+not|must\s+not|will\s+not|won't|should\s+not|does\s+not|doesn't|"
                       r"do\s+not|don't)\s+(?:go\s+(?:beyond|over|above)|exceed|surpass|be\s+(?:more|longer|greater)\s+than)\b|"
                       r"\bno\s+(?:puede[n]?|debe[n]?)\s+(?:exceder|superar|sobrepasar|pasar\s+de)\b", re.IGNORECASE), "up to")]


def plain_idioms(text: str) -> str:
    """The text with each idiom above replaced by the plain word it means."""
    text = text.replace("’", "'")
    for pattern, word in _IDIOMS:
        text = pattern.sub(word, text)
    return text
