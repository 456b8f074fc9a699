"""Evidence units: the sentences, list items and table records inside a chunk.

An answer quotes a unit, not a chunk. They live on the ingest floor because they are a fact
about a chunk's text (the crisis layer's training reads them too), not about a question. Each
unit is an exact slice of its document's cleaned text (start/end offsets), so a quote is always
verifiable against the passage it cites.
"""

import re
from dataclasses import dataclass

from ingest.chunking import Chunk
from ingest.cleaning import RECORD_SEP

_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][)\"']))\s+(?=[\"'(¿¡]?[A-Z0-9ÁÉÍÓÚÑ])")
_ABBREVIATIONS = {"p.m", "a.m", "no", "dec", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                  "st", "ste", "e.g", "i.e", "vs", "inc", "dr", "mr", "ms", "mrs", "u.s", "d.c", "ph.d", "et al", "al",
                  "co", "dept", "approx", "pt", "gov", "calif", "sen", "rep", "jr", "sr", "fig", "vol", "nos"}
_LONG_RECORD_WORDS = 40


@dataclass(frozen=True)
class UnitSpan:
    text: str
    start: int  # offsets in the cleaned document
    end: int
    kind: str  # sentence | item | record


def split_units(chunk: Chunk) -> list[UnitSpan]:
    units: list[UnitSpan] = []
    pos = 0
    for line in chunk.text.split("\n"):
        line_start = chunk.start + pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if line.startswith("- "):
            for k, (s, e) in enumerate(sentence_spans(line[2:])):
                units.append(UnitSpan(line[2 + s:2 + e], line_start + 2 + s, line_start + 2 + e,
                                      "item" if k == 0 else "sentence"))
            continue
        is_record = RECORD_SEP in line
        if is_record and len(line.split()) <= _LONG_RECORD_WORDS:
            units.append(UnitSpan(line, line_start, line_start + len(line), "record"))
            continue
        segments = [(0, len(line))]
        if is_record:
            segments, at = [], 0
            for part in line.split(RECORD_SEP):
                segments.append((at, at + len(part)))
                at += len(part) + len(RECORD_SEP)
        for seg_start, seg_end in segments:
            for s, e in sentence_spans(line[seg_start:seg_end]):
                units.append(UnitSpan(line[seg_start + s:seg_start + e], line_start + seg_start + s,
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

