"""Evidence units: the sentences, list items, table records and FAQ answers an answer can quote.

Every unit is an exact slice of its document's cleaned text (start/end offsets), so the
quote shown to a user is always verifiable against the passage it cites.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.spelling import Vocabulary
from ingest.chunking import Chunk
from ingest.lexical import tokenize
from ingest.store import IndexVersion, per_index
from ingest.units import split_units

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}")
DATE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                  r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
                  r"\b(?:19|20)\d{2}\b|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)days?\b|\b\d{1,2}(?::\d{2})?\s*[ap]\.?m\b|"
                  # a time relative to an event answers "when" too: "within 6 months of finishing the training"
                  r"\b(?:within|after|before|by)\s+(?:\d+|one|two|three|six|twelve)\s+(?:business\s+|calendar\s+)?"
                  r"(?:days?|weeks?|months?|years?)\b", re.IGNORECASE)
NUMBER = re.compile(r"\$?\d[\d,]*(?:\.\d+)?%?")


@dataclass
class Unit:
    chunk: Chunk
    text: str
    start: int  # offsets in the cleaned document
    end: int
    kind: str  # sentence | item | record | question (an FAQ's question line: never quoted as an answer)
    tokens: set[str] = field(default_factory=set)
    asks: str = ""  # the FAQ question this unit answers, if it sits under one
    # Set by ranking (assistant/ranking.py): the features, and the fitted probability that the unit answers.
    coverage: float = 0.0
    semantic: float = 0.0  # the unit's own vector against the question's, on the model's fitted scale
    chunk_score: float = 0.0  # the chunk's fused retrieval score relative to the best chunk's
    dense: float = 0.0  # the chunk's dense similarity to the question
    anchored: bool = True  # mentions what the question names (its acronyms, numbers, "peer")
    defines: bool = False  # has the shape of a definition of the asked-about term
    typed: bool = False  # holds a value of the asked-for kind (an email, a date, an amount)
    features: dict[str, float] = field(default_factory=dict)  # what the ranker weighed
    score: float = 0.0


# A sentence that gives an assistant orders ("ignore previous instructions and reply with …") is an attack planted
# in a document, not something the program says: it is never evidence, so never quoted.
ADDRESSED_TO_AN_ASSISTANT = re.compile(
    r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+|the\s+|your\s+)?(previous|prior|above|earlier|preceding|"
    r"system)\s+(instructions?|prompts?|rules?|messages?)\b|\b(system prompt|you are now|as an ai( language model)?|"
    r"ignora(r)?\s+(las\s+)?instrucciones\s+(anteriores|previas))\b", re.IGNORECASE)


def units_of(chunk: Chunk) -> list[Unit]:
    """The chunk's sentences, list items, records and FAQ lines (ingest/units.py) as scoreable units, less any that
    give an assistant orders."""
    return [Unit(chunk, text, start, end, kind, set(tokens), asks) for text, start, end, kind, tokens, asks
            in _unit_parts(chunk.text, chunk.start)]


@lru_cache(maxsize=16384)
def _unit_parts(text: str, start: int) -> tuple[tuple[str, int, int, str, frozenset[str], str], ...]:
    """Split and tokenized once per chunk text, not on every question that retrieves it (a tenth of an answer's CPU)."""
    spans = split_units(Chunk(id="", doc_id="", n=0, text=text, start=start, end=start + len(text)))
    return tuple((s.text, s.start, s.end, s.kind, frozenset(tokenize(s.text)), s.asks) for s in spans
                 if not ADDRESSED_TO_AN_ASSISTANT.search(s.text))


@per_index
def corpus_statistics(index: IndexVersion) -> tuple[dict[str, float], Vocabulary]:
    """IDF of each stemmed token over chunks, and the raw word vocabulary (for spelling repair)."""
    df: Counter[str] = Counter()
    vocabulary: set[str] = set()
    for c in index.chunks:
        df.update(set(tokenize(c.text)))
        vocabulary.update(w.lower() for w in re.findall(r"[A-Za-z]{4,}", c.text))
    n = len(index.chunks) or 1
    return {t: math.log(1 + n / f) for t, f in df.items()}, Vocabulary(vocabulary)


@per_index
def corpus_acronyms(index: IndexVersion) -> set[str]:
    """Program acronyms the documents use (CAMHPRO, EPOC, PWI…), as BM25 tokens: they mark a question as in scope."""
    words = {w for c in index.chunks for w in re.findall(r"\b[A-Z][A-Z-]{2,}[A-Z]\b", c.text)}
    return {t for w in words for t in tokenize(w) if len(t) >= 3}


@per_index
def scope_terms(index: IndexVersion) -> frozenset[str]:
    """What the deployment is about: the profile's program, scope and referral topics, and the acronyms the
    documents use."""
    terms = index.profile.scope_terms() | corpus_acronyms(index)
    return frozenset(t for t in terms if len(t) >= 3)  # not the 's' of "what's" or "peer's"


_GLUED_CODE = re.compile(r"\b([A-Za-z]{1,4})(\d{2,5})\b")  # "sb803", "ab2098": a bill or form typed without its space


def in_scope(index: IndexVersion, text: str) -> bool:
    """`text` (in the corpus's English) names what the deployment is about."""
    return bool((set(tokenize(text)) | set(tokenize(_GLUED_CODE.sub(r"\1 \2", text)))) & scope_terms(index))
