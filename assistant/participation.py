"""County participation answers: "Is Kern County participating?" and "which counties take part?".

A document may list the taking-part counties in a line, another give a table with a record per county;
the profile's participation words say which lists and tables are about taking part. They may disagree,
and then both are shown with the conflict note. Every sentence is a template filled with a county name,
a document title and a cited line.
"""

import re
from dataclasses import dataclass

from assistant.compose import Citations, source_name
from assistant.messages import msg
from assistant.query import COUNTIES, Query
from ingest.chunking import Chunk
from ingest.tables import RECORD_SEP
from ingest.profile import Participation
from ingest.store import IndexVersion, per_index



@dataclass
class CountySource:
    chunk: Chunk
    line: str
    start: int  # offset of the line in the cleaned document
    kind: str  # "list" (comma-separated names) or "table" (one record per county)


def _about_participation(text: str, participation: Participation) -> bool:
    lowered = text.lower()
    return any(re.search(rf"\b{re.escape(w.lower())}", lowered) for w in participation.words)


@per_index
def county_sources(index: IndexVersion) -> list[CountySource]:
    sources: list[CountySource] = []
    participation = index.profile.participation
    for c in index.chunks:
        if not _about_participation((c.section or "") + " " + c.text[:200], participation):
            continue
        pos = 0
        for line in c.text.split("\n"):
            start = c.start + pos
            pos += len(line) + 1
            names = sum(1 for name in COUNTIES if re.search(rf"\b{re.escape(name)}\b", line))
            if names >= 8 and "," in line and RECORD_SEP not in line:
                sources.append(CountySource(c, line, start, "list"))
        if sum(1 for line in c.text.split("\n") if RECORD_SEP in line and line.split(RECORD_SEP)[0].strip() in COUNTIES) >= 3:
            sources.append(CountySource(c, c.text, c.start, "table"))
    return sources


def compose_membership(query: Query, county: str, sources: list[CountySource], participation: Participation,
                       cites: Citations) -> str | None:
    lists = [s for s in sources if s.kind == "list"]
    tables = [s for s in sources if s.kind == "table"]
    if not lists and not tables:
        return None
    parts: list[str] = []
    verdicts: list[str] = []
    for s in lists:
        m = re.search(rf"(?<![A-Za-z]){re.escape(county)}(?![A-Za-z])", s.line)
        n = cites.add(s.chunk, s.start, s.start + len(s.line))
        key = "listed_yes" if m else "listed_no"
        verdicts.append("yes" if m else "no")
        parts.append(msg(query.language, key, county=county, source=source_name(s.chunk), n=n))
    table_rows = []
    for s in tables:
        pos = 0
        for line in s.chunk.text.split("\n"):
            if line.split(RECORD_SEP)[0].strip() == county or line.split(RECORD_SEP)[0].strip().split("/")[0] == county or \
                    county in line.split(RECORD_SEP)[0].strip().split("/"):
                table_rows.append((s.chunk, s.chunk.start + pos, line))
            pos += len(line) + 1
    for chunk, start, line in table_rows[:1]:
        n = cites.add(chunk, start, start + len(line))
        parts.append(msg(query.language, "table_row", county=county, source=source_name(chunk), record=line.split(RECORD_SEP, 1)[1], n=n))
        negative = any(w.lower() in line.lower() for w in participation.negative)
        verdicts.append("no" if negative else "yes")
    if tables and not table_rows:
        first = tables[0]
        header = first.chunk.text.split("\n")[0]
        n = cites.add(first.chunk, first.chunk.start, first.chunk.start + len(header))
        parts.append(msg(query.language, "table_absent", county=county, source=source_name(first.chunk), n=n))
        verdicts.append("no")
    if len(set(verdicts)) > 1:
        parts.append(msg(query.language, "conflict"))
    return " ".join(parts)


def compose_county_list(query: Query, sources: list[CountySource], cites: Citations) -> str | None:
    lists = [s for s in sources if s.kind == "list"]
    tables = [s for s in sources if s.kind == "table"]
    if not lists and not tables:
        return None
    parts: list[str] = []
    for s in lists:
        n = cites.add(s.chunk, s.start, s.start + len(s.line))
        parts.append(msg(query.language, "county_list", source=source_name(s.chunk), names=s.line.rstrip("."), n=n))
    for s in tables[:1]:
        lines = s.chunk.text.split("\n")[:3]
        n = cites.add(s.chunk, s.chunk.start, s.chunk.start + len("\n".join(lines)))
        parts.append(msg(query.language, "county_table_note", source=source_name(s.chunk), n=n))
    return " ".join(parts)
