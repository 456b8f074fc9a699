"""LLM answers: prompt the configured model with the retrieved passages, verify its draft, cite what survives.

Only called after the extractive path found an answer: the LLM may phrase what the passages say,
never decide that they say something. When it fails, times out, declines or too little of its
draft survives verification, the caller keeps the extractive answer.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.compose import MAX_WORDS, TIME_SENSITIVE, Citations, with_marker
from assistant.contract import Answer
from assistant.entailment import reader_for
from assistant.grounding import Checked, Passage, acceptable, verify
from assistant.llm import ChatModel, LLMUnavailable, complete
from assistant.messages import msg
from assistant.prompt import MAX_PASSAGES, NOT_ANSWERED, build_messages
from assistant.query import Query, strip_injection
from ingest.chunking import Chunk


@dataclass
class Generation:
    """What the console shows staff: the raw draft and why each sentence was kept or dropped."""
    model: str
    draft: str = ""
    checks: list[Checked] = field(default_factory=list)
    outcome: str = ""
    ms: float = 0.0


def _passages(chunks: list[Chunk]) -> list[Chunk]:
    """Distinct chunks in the order the extractive ranking put them, at most MAX_PASSAGES."""
    seen: dict[str, Chunk] = {}
    for c in chunks:
        seen.setdefault(c.id, c)
    return list(seen.values())[:MAX_PASSAGES]


def generate(model: ChatModel, query: Query, earlier: list[str], chunks: list[Chunk], program: str,
             on_delta: Callable[[str], None] | None = None) -> tuple[Answer | None, Generation]:
    """`chunks` in the extractive ranking's order; `program` the profile's name for what it is about; each delta of
    the draft goes to `on_delta` as it arrives."""
    started = time.perf_counter()
    record = Generation(model=model.name)
    chunks = _passages(chunks)
    messages = build_messages(query.cleaned or query.original, [strip_injection(q)[0] for q in earlier], chunks,
                              query.language, program)
    try:
        record.draft = complete(model, messages, on_delta)
    except LLMUnavailable as err:
        record.outcome = f"model unavailable ({err})"
        return None, _timed(record, started)
    if NOT_ANSWERED in record.draft.upper() or not record.draft.strip():
        record.outcome = "the model found no answer in the passages"
        return None, _timed(record, started)
    passages = {n: Passage.of(n, c) for n, c in enumerate(chunks, start=1)}
    record.checks = verify(record.draft, passages, query.language, reader_for(model))
    kept = sum(c.kept for c in record.checks)
    if not acceptable(record.checks):
        record.outcome = f"{kept} of {len(record.checks)} sentences verified: too few"
        return None, _timed(record, started)
    record.outcome = f"{kept} of {len(record.checks)} sentences verified"
    return _answer(record.checks, query.language), _timed(record, started)


def _answer(checks: list[Checked], language: str) -> Answer:
    cites = Citations()
    lines: list[str] = [msg("es", "intro")] if language == "es" else []
    words = 0
    support = []
    for c in (c for c in checks if c.kept):
        n_words = len(c.text.split())
        if words and words + n_words > MAX_WORDS - 25:
            break
        words += n_words
        spans: dict[str, tuple[Chunk, int, int]] = {}
        for u in c.support:
            chunk, start, end = spans.get(u.chunk.id, (u.chunk, u.start, u.end))
            spans[u.chunk.id] = (chunk, min(start, u.start), max(end, u.end))
        _add_line(lines, with_marker(c.text, *(cites.add(chunk, s, e) for chunk, s, e in spans.values())), c.item)
        support += c.support
    if any(TIME_SENSITIVE.search(u.text) for u in support):
        _add_line(lines, msg(language, "dated"), False)
    if language == "es":
        _add_line(lines, msg("es", "quotes_in_english"), False)
    return Answer(status="answered", answer="\n".join(lines), citations=cites.items, language=language, mode="llm")


def _add_line(lines: list[str], sentence: str, item: bool) -> None:
    """List items stay lines of their own (the widget renders them as a list); prose joins its paragraph."""
    if item:
        lines.append(f"- {sentence}")
    elif lines and not lines[-1].startswith("- "):
        lines[-1] = f"{lines[-1]} {sentence}"
    else:
        lines.append(sentence)


def _timed(record: Generation, started: float) -> Generation:
    record.ms = round((time.perf_counter() - started) * 1000, 2)
    return record
