"""Evidence units: the sentences, list items and table records an answer can quote.

Every unit is an exact slice of its document's cleaned text (start/end offsets), so the
quote shown to a user is always verifiable against the passage it cites.
"""

import math
import statistics
import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.retrieval import ScoredChunk
from assistant.spelling import Vocabulary
from ingest.chunking import Chunk
from ingest.cleaning import RECORD_SEP
from ingest.lexical import tokenize
from ingest.store import IndexVersion, per_index

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}")
DATE = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                  r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
                  r"\b(?:19|20)\d{2}\b")
NUMBER = re.compile(r"\$?\d[\d,]*(?:\.\d+)?%?")
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][)\"']))\s+(?=[\"'(¿¡]?[A-Z0-9ÁÉÍÓÚÑ])")
_ABBREVIATIONS = {"p.m", "a.m", "no", "dec", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                  "st", "ste", "e.g", "i.e", "vs", "inc", "dr", "mr", "ms", "mrs", "u.s", "d.c", "ph.d", "et al", "al",
                  "co", "dept", "approx", "pt", "gov", "calif", "sen", "rep", "jr", "sr", "fig", "vol", "nos"}
_LONG_RECORD_WORDS = 40


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


def split_units(chunk: Chunk) -> list[Unit]:
    units: list[Unit] = []
    pos = 0
    for line in chunk.text.split("\n"):
        line_start = chunk.start + pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if line.startswith("- "):
            for k, (s, e) in enumerate(sentence_spans(line[2:])):
                units.append(Unit(chunk, line[2 + s:2 + e], line_start + 2 + s, line_start + 2 + e,
                                  "item" if k == 0 else "sentence"))
            continue
        is_record = RECORD_SEP in line
        if is_record and len(line.split()) <= _LONG_RECORD_WORDS:
            units.append(Unit(chunk, line, line_start, line_start + len(line), "record"))
            continue
        segments = [(0, len(line))]
        if is_record:
            segments, at = [], 0
            for part in line.split(RECORD_SEP):
                segments.append((at, at + len(part)))
                at += len(part) + len(RECORD_SEP)
        for seg_start, seg_end in segments:
            for s, e in sentence_spans(line[seg_start:seg_end]):
                units.append(Unit(chunk, line[seg_start + s:seg_start + e], line_start + seg_start + s,
                                  line_start + seg_start + e, "sentence"))
    return units


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries that survive 'p.m.', 'Dec. 22', 'No. 21-041' and initials."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE.finditer(text):
        before = text[start:m.start()].rstrip(".!?)\"'")
        last = before.split()[-1].lower() if before.split() else ""
        if last.rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last) or last.endswith((".m", "p.m")):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


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
        for unit in split_units(hit.chunk):
            unit.tokens = set(tokenize(unit.text))
            direct = sum(weight(t) for t in q & unit.tokens)
            inherited = sum(weight(t) for t in (q & context) - unit.tokens)
            unit.coverage = (direct + 0.5 * inherited) / total
            unit.score = 0.75 * unit.coverage + 0.25 * (hit.score / best_chunk)
            unit.dense = hit.dense_score or 0.0
            units.append(unit)
    return units
