"""Evidence units: the sentences, list items and table records an answer can quote.

Every unit is an exact slice of its document's cleaned text (start/end offsets), so the
quote shown to a user is always verifiable against the passage it cites.
"""

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from assistant.retrieval import ScoredChunk
from assistant.spelling import Vocabulary
from ingest.chunking import Chunk
from ingest.lexical import tokenize
from ingest.store import IndexVersion, per_index
from ingest.units import split_units

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}")
DATE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                  r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
                  r"\b(?:19|20)\d{2}\b")
NUMBER = re.compile(r"\$?\d[\d,]*(?:\.\d+)?%?")


@dataclass
class Unit:
    chunk: Chunk
    text: str
    start: int  # offsets in the cleaned document
    end: int
    kind: str  # sentence | item | record
    tokens: set[str] = field(default_factory=set)
    coverage: float = 0.0
    score: float = 0.0
    dense: float = 0.0  # the chunk's dense similarity to the question


def units_of(chunk: Chunk) -> list[Unit]:
    """The chunk's sentences, list items and records (ingest/units.py) as scoreable units."""
    return [Unit(chunk, s.text, s.start, s.end, s.kind, set(tokenize(s.text))) for s in split_units(chunk)]


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


def score_units(hits: list[ScoredChunk], query_tokens: list[str], idf: dict[str, float],
                boost: set[str] | None = None) -> list[Unit]:
    """Coverage = IDF-weighted share of the question's terms found in the unit (its section counts half).

    A term the corpus never uses weighs like a typical term (the median): a question about it
    is probably not answered, but informal words ("whats", "lol") must not sink a real question.
    `boost` terms (the newest message of a follow-up) count double.
    """
    q = set(query_tokens)
    unknown = statistics.median(idf.values()) if idf else 1.0
    boost = boost or set()

    def weight(t: str) -> float:
        return idf.get(t, unknown) * (2.0 if t in boost else 1.0)

    total = sum(weight(t) for t in q) or 1.0
    best_chunk = max((h.score for h in hits), default=1.0) or 1.0
    units: list[Unit] = []
    for hit in hits:
        context = set(tokenize(" ".join(hit.chunk.heading_path) + " " + hit.chunk.title + " " + hit.chunk.issuer))
        for unit in units_of(hit.chunk):
            direct = sum(weight(t) for t in q & unit.tokens)
            inherited = sum(weight(t) for t in (q & context) - unit.tokens)
            unit.coverage = (direct + 0.5 * inherited) / total
            unit.score = 0.75 * unit.coverage + 0.25 * (hit.score / best_chunk)
            unit.dense = hit.dense_score or 0.0
            units.append(unit)
    return units
