"""Verification of an LLM draft against the passages it was given, sentence by sentence.

A sentence reaches the user only if the passages it cites exist (one without a marker is checked against those its
neighbours cite, or all given), every number, date, email and phone in it sits in those passages, its content words
mostly come from them, a negation in it is matched by one in the passage, and it does not contradict the sentences that support it
(assistant/contradiction.py: negation, limits, units, opposites, roles), and — when an LLM is there to ask — the
model reading it against those sentences finds it there (assistant/entailment.py). Each kept sentence is re-cited
with the exact sentences of the passage that hold it, so its quote is as short and checkable as an extractive one.
"""

import re
from dataclasses import dataclass, field, replace

from assistant.contradiction import contradiction
from assistant.negation import denies, has_negation, plain_idioms
from assistant.entailment import ENTAILED_MIN, RESCUE_MIN_OVERLAP, REWORDED_ENTAILED_MIN, Reader
from assistant.evidence import EMAIL, NUMBER, PHONE, Unit, units_of
from assistant.language import to_english_query
from assistant.numerals import numerals
from ingest.chunking import Chunk
from ingest.lexical import strip_accents, tokenize
from ingest.units import sentence_spans

MIN_OVERLAP = 0.6  # the evaluation's bar for a supported sentence (evals/checks.py SUPPORT_OVERLAP)
# A Spanish sentence is read through a general word list that renders only part of its words in the corpus's
# English; on the verifier's dev pairs 0.4 kept 14 of 17 faithful Spanish claims (0.6 kept 7) and still dropped
# 14 of 16 Spanish contradictions (evals/README.md, "Verifying LLM drafts").
MIN_OVERLAP_ES = 0.4
MIN_KEPT_SHARE = 0.5  # below this share of sentences kept, the extractive answer is better
MAX_SUPPORT_UNITS = 4
MARKERS = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")
_MARKER_BEFORE_STOP = re.compile(r"([.!?])((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass
class Passage:
    n: int
    chunk: Chunk
    units: list[Unit] = field(default_factory=list)
    context: set[str] = field(default_factory=set)  # title and section tokens: they name what a record is

    @classmethod
    def of(cls, n: int, chunk: Chunk) -> "Passage":
        units = units_of(chunk)
        if chunk.language == "es":  # a Spanish passage is matched in the corpus's English words, like a Spanish draft
            for unit in units:
                unit.tokens = content_tokens(unit.text, "es")
        return cls(n, chunk, units, set(tokenize(f"{chunk.title} {chunk.section or ''}")))


@dataclass
class Checked:
    text: str  # the sentence without its markers
    item: bool  # it was a list item in the draft
    kept: bool
    reason: str = ""
    support: list[Unit] = field(default_factory=list)
    # dropped only because few of its words are in the passages; nothing in them contradicts it
    reworded: bool = False
    contradicted: bool = False  # dropped because the passages say otherwise, not because they do not say it


def split_draft(draft: str) -> list[tuple[str, bool]]:
    """Sentences of the draft, each with its markers, and whether it was a list item."""
    draft = _MARKER_BEFORE_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", draft)
    out: list[tuple[str, bool]] = []
    for line in draft.splitlines():
        item = bool(_BULLET.match(line))
        line = _BULLET.sub("", line).strip()
        for s, e in sentence_spans(line):
            out.append((line[s:e].strip(), item))
    return out


def markers(sentence: str) -> list[int]:
    return [int(n) for group in MARKERS.findall(sentence) for n in re.split(r"\s*,\s*", group)]


def figures(text: str, language: str = "en") -> list[str]:
    """Every number (digits or words), date part, email and phone, normalized: none may appear unless a passage
    holds it."""
    found = [e.lower() for e in EMAIL.findall(text)]
    rest = EMAIL.sub(" ", text)
    found += [re.sub(r"\D", "", p)[-10:] for p in PHONE.findall(rest)]
    rest = numerals(_numeric_dates(PHONE.sub(" ", rest)), language)
    return found + [_number(n) for n in NUMBER.findall(rest) if _number(n)]


_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"]
_MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre"]
# capitalized, as a date is written: "you may 3 times" is no date (a lower-case "july 1" keeps only its day, a figure
# the passage holds either way)
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_EN_DATE = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?")
_EN_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+(\d{{4}})\b)?")
_ES_DATE = re.compile(rf"\b(\d{{1,2}})\s+de\s+({'|'.join(_MESES)})\b(?:\s+(?:de\s+|del\s+)?(\d{{4}})\b)?", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\b")


def _numeric_dates(text: str) -> str:
    """'July 1, 2021', '1 July 2021', '1 de julio de 2021' and '2021-07-01' as '7/1/2021': a date written another way
    holds the same figures, the month among them."""
    def numeric(month: str, day: str, year: str | None) -> str:
        names = _MESES if month.lower() in _MESES else _MONTHS
        number = next(i for i, name in enumerate(names, 1) if name.startswith(month.lower()[:3]))
        return f"{number}/{int(day)}" + (f"/{year}" if year else "")

    text = _ISO_DATE.sub(lambda m: numeric(_MONTHS[int(m.group(2)) - 1], m.group(3), m.group(1)), text)
    text = _EN_DATE.sub(lambda m: numeric(m.group(1), m.group(2), m.group(3)), text)
    text = _EN_DAY_FIRST.sub(lambda m: numeric(m.group(2), m.group(1), m.group(3)), text)
    return _ES_DATE.sub(lambda m: numeric(m.group(2), m.group(1), m.group(3)), text)


def _number(raw: str) -> str:
    digits = raw.strip("$%").replace(",", "")
    return digits.rstrip(".").removesuffix(".0").removesuffix(".00")


def _holds(unit: Unit, fact: str) -> bool:
    return fact in figures(unit.text, unit.chunk.language)


def content_tokens(sentence: str, language: str) -> set[str]:
    sentence = numerals(sentence, language)  # "eighteen" is the passage's "18"
    return set(tokenize(strip_accents(to_english_query(sentence)) if language == "es" else sentence))


def check(sentence: str, item: bool, passages: dict[int, Passage], language: str,
          implied: tuple[int, ...] = ()) -> Checked:
    """`implied`: the passages a sentence without markers of its own is checked against (see `verify`)."""
    cited = markers(sentence) or list(implied)
    text = MARKERS.sub("", sentence).strip()
    if not cited:
        return Checked(text, item, False, "no citation")
    unknown = [n for n in cited if n not in passages]
    if unknown:
        return Checked(text, item, False, f"cites [{unknown[0]}], which was not given")
    units = [u for n in dict.fromkeys(cited) for u in passages[n].units]
    support: list[Unit] = []
    for fact in dict.fromkeys(figures(text, language)):
        holder = next((u for u in units if _holds(u, fact)), None)
        if holder is None:
            return Checked(text, item, False, f"'{fact}' is not in the cited passages")
        if holder not in support:
            support.append(holder)
    need = content_tokens(text, language)
    if not need:
        return Checked(text, item, False, "nothing checkable in it")
    covered = set().union(*(passages[n].context for n in cited)) | {t for u in support for t in u.tokens}
    while len(support) < MAX_SUPPORT_UNITS:
        best = max(units, key=lambda u: len((need - covered) & u.tokens), default=None)
        if best is None or not (need - covered) & best.tokens:
            break
        support.append(best)
        covered |= best.tokens
    overlap = len(need & covered) / len(need)
    worded = f"only {overlap:.0%} of its words are in the cited passages"
    few = overlap < (MIN_OVERLAP_ES if language == "es" else MIN_OVERLAP) or (language == "es" and len(need & covered) < 2)
    if not support or (few and overlap < RESCUE_MIN_OVERLAP):
        return Checked(text, item, False, worded if few else "no sentence of the cited passages holds it")
    if denies(plain_idioms(text), language == "es") and not any(has_negation(passages[n].chunk.text) for n in cited):
        return Checked(text, item, False, "it negates what the cited passages say", contradicted=True)
    around = [numerals(u.text, u.chunk.language) for u in units if u not in support and need & u.tokens]
    found = contradiction(text, [numerals(u.text, u.chunk.language) for u in support], language, around)
    if found is not None:
        return Checked(text, item, False, found.reason(), contradicted=True)
    # told in other words: only a reader can keep it (read below), the rules found nothing against it
    return Checked(text, item, not few, worded if few else "", support=support, reworded=few)


def verify(draft: str, passages: dict[int, Passage], language: str, reader: Reader | None = None) -> list[Checked]:
    """Each sentence by the rules; one they keep is then read against its support by `reader`, when there is one.

    A sentence without a marker is checked against the passages the next marked sentence cites (small models cite
    once, after a list or a paragraph: "… These are outlined in [1]."), else the previous one's, else every passage
    given: a missing marker is a slip of form, and every check still runs against the passages, and a kept sentence
    is re-cited with the exact sentences that hold it. When the neighbour's passages do not hold it, it is checked
    against every passage given; when they contradict it, it stays dropped."""
    sentences = split_draft(draft)
    own = [markers(sentence) for sentence, _ in sentences]
    given = [tuple(n for n in cited if n in passages) for cited in own]
    every = tuple(sorted(passages))

    def implied(k: int) -> tuple[int, ...]:
        return next((c for c in given[k + 1:] if c), None) or next((c for c in reversed(given[:k]) if c), None) or every

    def checked(k: int, sentence: str, item: bool) -> Checked:
        if own[k]:
            return check(sentence, item, passages, language)
        first = check(sentence, item, passages, language, implied(k))
        if first.kept or first.contradicted or implied(k) == every:
            return first
        again = check(sentence, item, passages, language, every)
        return again if again.kept or (again.reworded and not first.reworded) else first

    return [read(checked(k, sentence, item), reader) for k, (sentence, item) in enumerate(sentences)]


def read(checked: Checked, reader: Reader | None) -> Checked:
    """The model's reading of a sentence against its support: it can drop what the rules kept, and keep a sentence
    the rules dropped only for being told in other words, when it reads it as plainly said (REWORDED_ENTAILED_MIN)."""
    if reader is None or not (checked.kept or checked.reworded):
        return checked
    p = reader(" ".join(u.text for u in checked.support), checked.text)
    if checked.reworded:
        if p is not None and p >= REWORDED_ENTAILED_MIN:
            return replace(checked, kept=True, reason="", reworded=False)
        return checked
    if p is not None and p < ENTAILED_MIN:
        return Checked(checked.text, checked.item, False, f"read against its cited sentences, it is not what they say "
                                                          f"(p = {p:.2f})")
    return checked


def acceptable(checked: list[Checked]) -> bool:
    kept = sum(c.kept for c in checked)
    return kept > 0 and kept >= MIN_KEPT_SHARE * len(checked)
