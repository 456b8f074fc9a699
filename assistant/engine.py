"""The assistant: question in, grounded and cited answer (or honest abstention) out.

One code path serves the CLI, the HTTP API, the console and the evaluation suite.
"""

import re
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from assistant.compose import (Citations, compose_abstention, compose_answer, compose_county_list, compose_membership,
                               county_sources, select_units)
from assistant.contract import Answer
from assistant.evidence import DATE, EMAIL, PHONE, Unit, corpus_statistics, score_units
from assistant.messages import msg
from assistant.query import MAX_MESSAGE_CHARS, Query, analyze, anchors, number_pattern, spelling_variants
from assistant.referral import find_contact, route
from assistant.retrieval import HybridRetriever, Retriever, ScoredChunk
from ingest.embedding import Embedder, get_embedder
from ingest.lexical import tokenize
from ingest.store import CURRENT, IndexVersion, current_version_dir
from peerhelp.errors import PeerhelpError
from peerhelp.settings import Settings

# Calibrated on the evaluation dev split (see evals/README.md); raise with care, never guess.
MIN_COVERAGE = 0.5
MIN_TYPED_COVERAGE = 0.3
NEAR_COVERAGE = 0.3
OUT_OF_DOMAIN_COVERAGE = 0.85
ANCHOR_PENALTY = 0.4
TOP_K = 8

DOMAIN = re.compile(
    r"\b(peers?|certif\w*|medi-?cal|calmhsa|dhcs|mhsoac|bhin|sb ?803|senate bill|count(y|ies)|condados?|exam\w*|"
    r"grand(parent|father)\w*|scholarships?|becas?|specialists?|especialista|training|renew\w*|eligib\w*|fees?|"
    r"recovery|lived experience|behavioral health|mental health|salud|dmc|smhs|wet|workforce|supervis\w*|"
    r"competenc\w*|billing|reimburs\w*|apply|application|pares|compañeros|certificaci[oó]n|stakeholder|advisory)\b",
    re.IGNORECASE)


class InputError(PeerhelpError):
    """The message itself is unusable (empty, too long); the API turns this into a 4xx."""


@dataclass
class Trace:
    query: Query | None = None
    hits: list[ScoredChunk] = field(default_factory=list)
    chosen: list[Unit] = field(default_factory=list)
    decision: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    index_version: str | None = None


class ConversationMemory:
    """Recent questions per conversation, bounded in turns and in conversations (oldest evicted)."""

    def __init__(self, max_turns: int = 6, max_conversations: int = 10_000):
        self.max_turns, self.max_conversations = max_turns, max_conversations
        self._data: OrderedDict[str, deque[str]] = OrderedDict()
        self._lock = threading.Lock()

    def history(self, conversation_id: str) -> list[str]:
        with self._lock:
            return list(self._data.get(conversation_id, ()))

    def remember(self, conversation_id: str, question: str) -> None:
        with self._lock:
            turns = self._data.setdefault(conversation_id, deque(maxlen=self.max_turns))
            turns.append(question)
            self._data.move_to_end(conversation_id)
            while len(self._data) > self.max_conversations:
                self._data.popitem(last=False)

    def forget(self, conversation_id: str) -> bool:
        with self._lock:
            return self._data.pop(conversation_id, None) is not None


class Assistant:
    """Usage: `Assistant(Settings()).ask("Is Kern County participating?")`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, retriever: Retriever | None = None):
        self.settings = settings
        self.embedder = embedder or get_embedder()
        self._fixed_retriever = retriever
        self._index: IndexVersion | None = None
        self._retriever: Retriever | None = retriever
        self._pointer_mtime: float | None = None
        self._lock = threading.Lock()
        self.memory = ConversationMemory()

    @property
    def index(self) -> IndexVersion:
        """The current index version; a new build is picked up on the next request after its switch."""
        pointer = self.settings.index_dir / CURRENT
        try:
            mtime = pointer.stat().st_mtime_ns
        except FileNotFoundError:
            mtime = None
        if self._index is None or mtime != self._pointer_mtime:
            with self._lock:
                path = current_version_dir(self.settings.index_dir)
                if self._index is None or path is None or path.name != self._index.version:
                    index = IndexVersion.open_current(self.settings.index_dir)
                    _ = index.collection, index.bm25
                    corpus_statistics(index)
                    self._index = index
                    self._retriever = self._fixed_retriever or HybridRetriever(index, self.embedder)
                self._pointer_mtime = mtime
        return self._index

    def warm_up(self) -> None:
        _ = self.index
        self.embedder.embed_query("warm up")

    def ask(self, message: str, history: list[str] | None = None, conversation_id: str | None = None) -> Answer:
        return self.ask_with_trace(message, history, conversation_id)[0]

    def ask_with_trace(self, message: str, history: list[str] | None = None,
                       conversation_id: str | None = None) -> tuple[Answer, Trace]:
        started = time.perf_counter()
        trace = Trace()
        message = _sanitize(message)
        if not message:
            raise InputError("The message is empty. Fix: type a question.")
        if len(message) > MAX_MESSAGE_CHARS:
            raise InputError(f"The message is {len(message)} characters; the limit is {MAX_MESSAGE_CHARS}. "
                             "Fix: ask a shorter question.")
        if conversation_id and history is None:
            history = self.memory.history(conversation_id)
        history = list(history or [])
        index = self.index
        trace.index_version = index.version
        query = analyze(message, history)
        trace.query = query
        trace.timings_ms["analyze"] = _ms(started)
        answer = self._answer(query, index, trace)
        answer.conversation_id = conversation_id
        if conversation_id:
            self.memory.remember(conversation_id, message)
        trace.timings_ms["total"] = _ms(started)
        return answer, trace

    def new_conversation_id(self) -> str:
        return uuid.uuid4().hex

    def _answer(self, query: Query, index: IndexVersion, trace: Trace) -> Answer:
        cites = Citations()
        lang = query.language
        if not query.text.strip():
            trace.decision = "scope: nothing but instructions to the assistant"
            return Answer(status="abstained", answer=f"{msg(lang, 'scope')} {msg(lang, 'scope_ask')}", language=lang)

        idf, vocabulary = corpus_statistics(index)
        t = time.perf_counter()
        words = re.findall(r"[A-Za-z]+", query.text)
        fixes = dict(zip([w for w in words if spelling_variants([w], vocabulary)],
                         [spelling_variants([w], vocabulary)[0] for w in words if spelling_variants([w], vocabulary)]))
        retrieval_text = " ".join([query.text] + list(fixes.values()))
        scoring_text = " ".join(fixes.get(w, w) for w in re.findall(r"\S+", query.text))
        hits = self._retriever.retrieve(retrieval_text, top_k=TOP_K)
        definition = _definition_pattern(scoring_text) if query.answer_type == "definition" else None
        if definition is not None:
            hits = _add_definition_chunks(hits, index, definition)
        trace.hits = hits
        trace.timings_ms["retrieve"] = _ms(t)

        t = time.perf_counter()
        if query.answer_type in ("membership", "county_list"):
            sources = county_sources(index)
            text = compose_membership(query, query.counties[0], sources, cites) if query.counties and \
                query.answer_type == "membership" else compose_county_list(query, sources, cites)
            if text:
                trace.decision = f"{query.answer_type}: {', '.join(query.counties) or 'all'}"
                trace.timings_ms["compose"] = _ms(t)
                return Answer(status="answered", answer=text, citations=cites.items, language=lang)

        units = score_units(hits, tokenize(scoring_text), idf)
        _apply_anchors(units, anchors(query.original if lang == "en" else query.text))
        if definition is not None:
            _prefer_definitions(units, definition)
        ranked = sorted(units, key=lambda u: u.score, reverse=True)
        best = ranked[0] if ranked else None
        in_domain = bool(DOMAIN.search(query.text) or DOMAIN.search(query.original))
        topic = route(query.original + " " + query.text)

        if not in_domain and (best is None or best.coverage < OUT_OF_DOMAIN_COVERAGE):
            trace.decision = "scope: no program terms and no strong passage"
            trace.timings_ms["compose"] = _ms(t)
            return Answer(status="abstained", language=lang,
                          answer=f"{msg(lang, 'scope')} {msg(lang, 'scope_ask')}")

        type_re = {"email": EMAIL, "phone": PHONE, "date": DATE}.get(query.answer_type)
        if query.answer_type == "number":
            type_re = number_pattern(query.original if lang == "en" else query.text)
        chosen = select_units(units, query, type_re)
        trace.chosen = chosen
        answered = bool(chosen) and chosen[0].coverage >= MIN_COVERAGE
        if type_re is not None:
            answered = bool(chosen) and bool(type_re.search(chosen[0].text)) and \
                chosen[0].coverage >= MIN_TYPED_COVERAGE and best is not None and best.coverage >= MIN_COVERAGE * 0.8 \
                and _mentions_focus(chosen[0], tokenize(scoring_text), idf)
        if answered:
            trace.decision = f"answered: best coverage {chosen[0].coverage:.2f}, type {query.answer_type}"
            text = compose_answer(query, chosen, ranked[:20], cites, type_re)
            trace.timings_ms["compose"] = _ms(t)
            return Answer(status="answered", answer=text, citations=cites.items, language=lang)

        near = best if best is not None and best.coverage >= NEAR_COVERAGE else None
        trace.decision = (f"abstained: best coverage {best.coverage:.2f}" if best else "abstained: nothing retrieved") + \
            (f", no {query.answer_type} in the passages" if type_re is not None else "")
        text = compose_abstention(query, near, find_contact(index, topic), topic, cites)
        trace.timings_ms["compose"] = _ms(t)
        return Answer(status="abstained", answer=text, citations=cites.items, language=lang)


def _apply_anchors(units: list[Unit], groups: list[set[str]]) -> None:
    """Evidence that never mentions what the question is about ('EPOC', 'peer') is demoted, not trusted."""
    if not groups:
        return
    for u in units:
        context = f"{u.chunk.text} {u.chunk.section or ''} {u.chunk.title} {u.chunk.issuer}".lower()
        if not all(any(re.search(rf"(?<![a-z0-9]){re.escape(alt)}(?![a-z0-9])", context) for alt in group)
                   for group in groups):
            u.coverage *= ANCHOR_PENALTY
            u.score *= ANCHOR_PENALTY


_TYPE_WORDS = set(tokenize("when date deadline due time cost costs fee fees price pay paid score percent hour hours minimum "
                            "maximum many much long email e-mail contact phone call number dial write reach"))


def _mentions_focus(unit: Unit, query_tokens: list[str], idf: dict[str, float]) -> bool:
    """The passage giving a date or number must be about the question's most specific term."""
    known = [t for t in query_tokens if t in idf and t not in _TYPE_WORDS]
    if not known:
        return True
    focus = max(known, key=lambda t: idf[t])
    return focus in unit.tokens or focus in tokenize(f"{unit.chunk.text} {unit.chunk.section or ''}")


def _definition_pattern(question: str) -> re.Pattern | None:
    words = [w for w in re.findall(r"[A-Za-z-]+", question.lower()) if w not in {"what", "who", "is", "are", "a", "an",
             "the", "does", "do", "mean", "means", "stand", "for", "define", "definition", "of", "s"}]
    if not words:
        return None
    term = re.escape(words[-1][:-1] if words[-1].endswith("s") and len(words[-1]) > 3 else words[-1])
    return re.compile(rf"\b(an?\s+)?{term}s?(\s+\([^)]*\))?\s+(is|are|means|refers to)\b|^{term}s?\s+—", re.IGNORECASE)


def _add_definition_chunks(hits: list[ScoredChunk], index: IndexVersion, pattern: re.Pattern) -> list[ScoredChunk]:
    """A definition often hides mid-paragraph where neither retriever ranks it; find it by its shape."""
    seen = {h.chunk.id for h in hits}
    top = max((h.score for h in hits), default=1.0)
    extra = [ScoredChunk(c, top) for c in index.chunks if c.id not in seen and pattern.search(c.text)]
    return hits + extra[:4]


def _prefer_definitions(units: list[Unit], pattern: re.Pattern) -> None:
    for u in units:
        if pattern.search(u.text):
            u.score += 0.3
            u.coverage = max(u.coverage, 0.6)


def _sanitize(message: str) -> str:
    message = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", message or "")
    return " ".join(message.split())


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


