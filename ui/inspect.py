"""The retrieval trace of one answer, as staff read it: which chunks were found, by which retriever, which were cited, and why."""

import re
from dataclasses import dataclass

from assistant.contract import Answer
from assistant.engine import Trace
from ingest.manifest import WEB_ADDRESS

TRACE_COLUMNS = ["fused rank", "document", "chunk", "section", "BM25 rank", "dense rank", "fused score", "dense similarity",
                 "cited as"]


@dataclass
class Inspection:
    rows: list[list]
    decision: str
    language: str
    crisis: str
    timings_ms: dict[str, float]
    index_version: str | None
    llm: str = ""  # the LLM's draft, sentence by sentence: kept, or dropped and why


def inspect(answer: Answer, trace: Trace) -> Inspection:
    cited = {(c.document, c.chunk): c.n for c in answer.citations}
    rows = [[rank, h.chunk.doc_id, h.chunk.n, h.chunk.section or "", h.bm25_rank, h.dense_rank, round(h.score, 4),
             None if h.dense_score is None else round(h.dense_score, 3),
             f"[{cited[(h.chunk.doc_id, h.chunk.n)]}]" if (h.chunk.doc_id, h.chunk.n) in cited else ""]
            for rank, h in enumerate(trace.hits, start=1)]
    crisis = {"emergency": "emergency: 911 first, then 988", "crisis": "crisis: 988 and the crisis lines first",
              "concern": "concern: the answer, then one line about 988"}.get(answer.safety, "no crisis signal")
    why = trace.decision or {"answered": "answered from the cited passages", "abstained": "nothing relevant retrieved"}.get(
        answer.status, "")
    return Inspection(rows=rows, decision=why, language=answer.language, crisis=crisis,
                      timings_ms={k: round(v, 1) for k, v in trace.timings_ms.items()}, index_version=trace.index_version,
                      llm=_generation_report(trace))


def _generation_report(trace: Trace) -> str:
    g = trace.generation
    if g is None:
        return "No LLM was asked (none configured, or this answer is never phrased by one)."
    lines = [f"{g.model}: {g.outcome} ({g.ms:.0f} ms)"]
    lines += [f"kept     {c.text}" if c.kept else f"dropped  {c.text}  ← {c.reason}" for c in g.checks]
    return "\n".join(lines)


def peer_view(answer: Answer) -> str:
    """The answer as the widget shows it, in Markdown: text, then numbered sources with their quotes. Every piece
    comes from documents or a message, so it is shown as text: a title holding `<img src=x>` or `[x](javascript:…)`
    reads as those characters, never as an image or a link."""
    label = {"abstained": "**The documents don't say.**\n\n", "crisis": "**Crisis reply (988 panel shown).**\n\n"}
    lines = [label.get(answer.status, "") + as_text(answer.answer), ""]
    if answer.citations:
        lines.append("**Sources**")
        for c in answer.citations:
            meta = " · ".join(as_text(x) for x in (c.issuer, c.section, c.date) if x)
            link = f" — <{c.url}>" if c.url and WEB_ADDRESS.match(c.url) and not _UNSAFE_IN_LINK.search(c.url) else ""
            lines += [f"{c.n}. *{as_text(c.title)}* ({meta}){link}", f"   > {as_text(c.quote)}"]
    return "\n".join(lines)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")
_UNSAFE_IN_LINK = re.compile(r"[<>\s]")


def as_text(text: str) -> str:
    """`text` as Markdown that renders exactly those characters: HTML's three special characters as entities, every
    Markdown punctuation mark escaped, each line break a line break."""
    escaped = _MARKDOWN.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return "  \n".join(line.strip() for line in escaped.splitlines())
