"""Section-aware chunks sized to what the embedding model really reads.

all-MiniLM-L6-v2 silently truncates at 256 wordpieces, so sizes are measured with the
model's own tokenizer (a word count would overshoot on numbers, emails and acronyms).
A chunk never crosses a heading, never splits a table record, and its text is an exact
slice of the cleaned document (`cleaned[start:end] == text`), which is what lets a
citation open the exact passage.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from ingest.tables import RECORD_SEP

TokenCounter = Callable[[str], int]
MODEL_MAX_TOKENS = 254  # 256 minus [CLS] and [SEP]
CHUNKING_VERSION = 4  # bump when chunk boundaries or the text embedded for a chunk change: every document is then re-embedded

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
# An FAQ's question line ("Q: …?", "3. …?", "¿…?"): it starts a block that keeps its answer with it.
QUESTION_LINE = re.compile(r"^\s*(?:Q\d*[.:)]?\s+|\d{1,2}[.)]\s+)?[¿A-ZÁÉÍÓÚÑ][^?\n]{5,200}\?\s*$")


@dataclass
class Chunk:
    id: str
    doc_id: str
    n: int
    text: str
    start: int
    end: int
    heading_path: list[str] = field(default_factory=list)
    title: str = ""
    issuer: str = ""
    kind: str = ""
    url: str | None = None
    as_of: str | None = None  # None: the document gives no date
    as_of_approximate: bool = False
    language: str = "en"
    tokens: int = 0

    @property
    def section(self) -> str | None:
        return " > ".join(self.heading_path) or None

    def embedding_text(self) -> str:
        """What the model sees: the issuer, the document title and section give a bare record its context ("Does LA
        DMH help peers prep for the exam?" finds a slide listing "Peer Certification Exam Preparation" under the
        department's name; measured in evals/README.md, "Calibration")."""
        return context_prefix(self.title, self.heading_path, self.issuer) + self.text

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Chunk":
        return cls(**data)


def context_prefix(title: str, heading_path: list[str], issuer: str = "") -> str:
    head = f"{issuer} — {title}" if issuer and issuer.lower() not in title.lower() else title
    return f"{head} — {' > '.join(heading_path)}\n" if heading_path else f"{head}\n"


@dataclass
class Line:
    text: str
    start: int
    end: int
    heading_level: int = 0  # 0 = body


def split_lines(cleaned: str) -> list[Line]:
    """Non-blank lines with offsets, each marked as heading or body."""
    lines: list[Line] = []
    pos = 0
    raw = cleaned.split("\n")
    for i, text in enumerate(raw):
        start, end = pos, pos + len(text)
        pos = end + 1
        if not text.strip():
            continue
        prev_blank = i == 0 or not raw[i - 1].strip()
        next_text = raw[i + 1] if i + 1 < len(raw) else ""
        lines.append(Line(text, start, end, heading_level(text, prev_blank, next_text)))
    return _runs_of_headings_are_lists(lines)


def _runs_of_headings_are_lists(lines: list[Line]) -> list[Line]:
    """Three or more plain-text 'headings' in a row are a list (programs, links), not empty sections:
    their text must stay answerable. The last one still heads what follows it."""
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].heading_level == 9:
            j += 1
        if j - i >= 3:
            for line in lines[i : j - 1]:
                line.heading_level = 0
        i = max(j, i + 1)
    return lines


def heading_level(line: str, prev_blank: bool, next_line: str) -> int:
    """Markdown '#' headings keep their level; plain-text headings are recognised by shape."""
    m = re.match(r"^(#{1,6})\s+\S", line)
    if m:
        return len(m.group(1))
    s = line.strip()
    if not prev_blank or next_line.strip().startswith(RECORD_SEP.strip()) or QUESTION_LINE.match(s):
        return 0  # an FAQ's question opens its own chunk with its answer (`_pack`); it is not a section
    words = s.split()
    if not 1 <= len(words) <= 12 or len(s) > 90:
        return 0
    if s.endswith(":") and len(words) <= 5 and not next_line.strip() and s[0].isupper():
        return 9  # a label heading such as "Participating Counties:"
    if s.startswith(("- ", "(", '"')) or RECORD_SEP in s or ";" in s or s.endswith((".", ",", ";", ":", "!")):
        return 0
    if re.search(r",\s*(?:[A-Z][A-Za-z.]*[A-Z]\.?\s*)+$", s):
        return 0  # "Lucero Robles, LCSW": a name with credentials, not a section
    if not s[0].isupper() and not s[0].isdigit():
        return 0
    if re.search(r"https?://|@|\d{3}[-) ]\d{3}", s):
        return 0
    significant = [w for w in words if len(re.sub(r"\W", "", w)) >= 4]
    if not significant:
        return 0
    capitalised = sum(1 for w in significant if w[0].isupper() or w[0].isdigit())
    return 9 if capitalised / len(significant) >= 0.6 else 0


def chunk_document(
    cleaned: str,
    *,
    doc_id: str,
    count_tokens: TokenCounter,
    target_tokens: int = 180,
    meta: dict | None = None,
) -> list[Chunk]:
    """Pack body lines under the current heading path until the token budget is reached."""
    meta = meta or {}
    title = meta.get("title", doc_id)
    chunks: list[Chunk] = []
    path: list[tuple[int, str]] = []
    pending: list[Line] = []
    last_was_heading = False

    def flush() -> None:
        if not pending:
            return
        heading_path = [h for _, h in path]
        # the budget counts the title and section, not the issuer the embedded text adds: counted, it made the chunks
        # smaller and lowered county2's fact recall 0.536 → 0.509 (evals/README.md, "Calibration"); it can run a long
        # chunk a few tokens past MiniLM's 254, which truncates its last words from the vector only
        for start, end, tokens in _pack(pending, cleaned, title, heading_path, count_tokens, target_tokens):
            text = cleaned[start:end]
            chunks.append(Chunk(
                id=f"{doc_id}:{len(chunks)}", doc_id=doc_id, n=len(chunks), text=text, start=start, end=end,
                heading_path=heading_path, title=title, issuer=meta.get("issuer", ""), kind=meta.get("kind", ""),
                url=meta.get("url"), as_of=meta.get("as_of"), as_of_approximate=meta.get("as_of_approximate", False),
                language=meta.get("language", "en"),
                tokens=tokens,
            ))
        pending.clear()

    for line in split_lines(cleaned):
        if line.heading_level:
            flush()
            name = line.text.lstrip("#").strip()
            if line.heading_level < 9:
                path = [(lvl, h) for lvl, h in path if lvl < line.heading_level] + [(line.heading_level, name)]
            elif last_was_heading and path:
                path = path[-1:] + [(9, name)]
            else:
                path = [(9, name)]
            last_was_heading = True
        else:
            pending.append(line)
            last_was_heading = False
    flush()
    return chunks


def _pack(lines: list[Line], cleaned: str, title: str, heading_path: list[str],
          count_tokens: TokenCounter, target: int) -> list[tuple[int, int, int]]:
    """Group consecutive lines into spans of at most `target` tokens (prefix included), each with its token count
    (the prefix's and its lines' — each line is counted once: the tokenizer is most of chunking's time). An FAQ
    question and the lines that answer it are a span of their own (its vector is about that one question), split
    at lines only when the pair alone is over the budget."""
    prefix_tokens = count_tokens(context_prefix(title, heading_path))
    budget = max(32, target - prefix_tokens)
    hard_budget = max(32, MODEL_MAX_TOKENS - prefix_tokens)
    spans: list[tuple[int, int, int]] = []
    cur: tuple[int, int] | None = None
    cur_tokens = 0

    def close() -> None:
        nonlocal cur, cur_tokens
        if cur:
            spans.append((cur[0], cur[1], prefix_tokens + cur_tokens))
        cur, cur_tokens = None, 0

    for asked, block in _blocks(lines):
        tokens = [count_tokens(line.text) for line in block]
        if asked:
            close()
        if asked and sum(tokens) <= budget:
            spans.append((block[0].start, block[-1].end, prefix_tokens + sum(tokens)))
            continue
        for line, n in zip(block, tokens):
            if n > hard_budget:
                close()
                spans.extend((s, e, prefix_tokens + count_tokens(cleaned[s:e]))
                             for s, e in _split_long(line, count_tokens, budget))
                continue
            if cur and cur_tokens + n > budget:
                close()
            cur = (cur[0], line.end) if cur else (line.start, line.end)
            cur_tokens += n
    close()
    return spans


def _blocks(lines: list[Line]) -> list[tuple[bool, list[Line]]]:
    """(asked, lines): a question line with the lines up to the next question, or one line before any question."""
    blocks: list[tuple[bool, list[Line]]] = []
    for line in lines:
        if QUESTION_LINE.match(line.text):
            blocks.append((True, [line]))
        elif blocks and blocks[-1][0]:
            blocks[-1][1].append(line)
        else:
            blocks.append((False, [line]))
    return blocks


def _split_long(line: Line, count_tokens: TokenCounter, budget: int) -> list[tuple[int, int]]:
    """A paragraph too long for the model: split at sentence ends, or at words as a last resort."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(line.text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(line.text)))
    units: list[tuple[int, int]] = []
    for s, e in pieces:
        if count_tokens(line.text[s:e]) <= budget:
            units.append((s, e))
            continue
        words = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", line.text[s:e])]
        group: list[tuple[int, int]] = []
        for w in words:
            if group and count_tokens(line.text[group[0][0]:w[1]]) > budget:
                units.append((group[0][0], group[-1][1]))
                group = []
            group.append(w)
        if group:
            units.append((group[0][0], group[-1][1]))
    spans: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for s, e in units:
        if cur and count_tokens(line.text[cur[0]:e]) > budget:
            spans.append(cur)
            cur = None
        cur = (cur[0], e) if cur else (s, e)
    if cur:
        spans.append(cur)
    return [(line.start + s, line.start + e) for s, e in spans]
