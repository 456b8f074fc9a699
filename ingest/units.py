"""Evidence units: the sentences, list items and table records inside a chunk.

An answer quotes a unit, not a chunk. They live on the ingest floor because they are a fact
about a chunk's text (the crisis layer's training reads them too), not about a question. Each
unit is an exact slice of its document's cleaned text (start/end offsets), so a quote is always
verifiable against the passage it cites.

In a question-and-answer document the question line is not an answer: it is marked `question`,
and the lines under it carry it in `asks`, so ranking can match a question to the text that
answers it (and the embedding of an answer line knows what it answers). A table record too long to
quote whole is read field by field, and each field carries the record's name the same way: "Procedure
code: H0025" is the code of "Educational Skill Building Groups", which only the record's first field says.
"""

import re
from dataclasses import dataclass

from ingest.chunking import QUESTION_LINE, Chunk, context_prefix
from ingest.tables import RECORD_SEP

UNITS_VERSION = 3  # part of the index signature: unit vectors are stored in this order, read as they are read

_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][)\"']))\s+(?=[\"'(¿¡]?[A-Z0-9ÁÉÍÓÚÑ])")
_ABBREVIATIONS = {"p.m", "a.m", "no", "dec", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                  "st", "ste", "e.g", "i.e", "vs", "inc", "dr", "mr", "ms", "mrs", "u.s", "d.c", "ph.d", "et al", "al",
                  "co", "dept", "approx", "pt", "gov", "calif", "sen", "rep", "jr", "sr", "fig", "vol", "nos"}
_LONG_RECORD_WORDS = 40
_RECORD_NAME_WORDS = 8  # a record's first field names it when it is this short and holds no 'label:'


@dataclass(frozen=True)
class UnitSpan:
    text: str
    start: int  # offsets in the cleaned document
    end: int
    kind: str  # sentence | item | record | question (an FAQ's question line)
    asks: str = ""  # the FAQ question this unit sits under, if any



def split_units(chunk: Chunk) -> list[UnitSpan]:
    units: list[UnitSpan] = []
    pos = 0
    asks = ""
    for line in chunk.text.split("\n"):
        line_start = chunk.start + pos
        pos += len(line) + 1
        if not line.strip():
            continue
        if QUESTION_LINE.match(line) and not line.startswith("- "):
            units.append(UnitSpan(line.strip(), line_start + len(line) - len(line.lstrip()),
                                  line_start + len(line.rstrip()), "question"))
            asks = line.strip()
            continue
        if line.startswith("- "):
            for k, (s, e) in enumerate(sentence_spans(line[2:])):
                units.append(UnitSpan(line[2 + s:2 + e], line_start + 2 + s, line_start + 2 + e,
                                      "item" if k == 0 else "sentence", asks))
            continue
        is_record = RECORD_SEP in line
        if is_record and len(line.split()) <= _LONG_RECORD_WORDS:
            units.append(UnitSpan(line, line_start, line_start + len(line), "record", asks))
            continue
        segments = [(0, len(line))]
        named = asks
        if is_record:
            segments, at = [], 0
            for part in line.split(RECORD_SEP):
                segments.append((at, at + len(part)))
                at += len(part) + len(RECORD_SEP)
            name = line[:segments[0][1]].strip()
            if len(name.split()) <= _RECORD_NAME_WORDS and ":" not in name:
                named = f"{asks} {name}".strip()
        for k, (seg_start, seg_end) in enumerate(segments):
            for s, e in sentence_spans(line[seg_start:seg_end]):
                units.append(UnitSpan(line[seg_start + s:seg_start + e], line_start + seg_start + s,
                                      line_start + seg_start + e, "sentence", asks if k == 0 else named))
    return units


def unit_embedding_text(chunk: Chunk, unit: UnitSpan) -> str:
    """What the model sees for one unit: where it sits (title, section, the FAQ question) and its text."""
    return context_prefix(chunk.title, chunk.heading_path) + (f"{unit.asks} " if unit.asks else "") + unit.text


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

