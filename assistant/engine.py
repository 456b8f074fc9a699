"""The assistant: question in, grounded and cited answer (or honest abstention) out.

One code path serves the CLI, the HTTP API, the console and the evaluation suite.
"""

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.compose import (Citations, compose_abstention, compose_answer, compose_county_list, compose_membership,
                               conflicting_numbers, county_sources, referral_sentence, select_units)
from assistant.boundaries import MESSAGES as BOUNDARY_MESSAGES
from assistant.boundaries import check_boundaries
from assistant.contract import Answer
from assistant.conversations import ConversationStore
from assistant.evidence import DATE, EMAIL, PHONE, Unit, corpus_acronyms, corpus_statistics, score_units
from assistant.generation import Generation, generate
from assistant.llm import ChatModel
from assistant.llm import from_settings as llm_from_settings
from assistant.messages import msg
from assistant.query import (DOMAIN, MAX_MESSAGE_CHARS, Query, analyze, anchors, definition_term, number_pattern,
                             spelling_fixes)
from assistant.referral import find_contact, route
from assistant.retrieval import HybridRetriever, Retriever, ScoredChunk
from assistant.safety import CRISIS_REPLY, PROGRAM_FOLLOWS, SUPPORT_NOTE, CrisisDetector
from assistant.safety_model import EMBEDDER as CRISIS_EMBEDDER
from assistant.safety_model import CrisisModel
from ingest.embedding import Embedder, get_embedder
from ingest.lexical import tokenize
from ingest.store import CURRENT, IndexVersion, current_version_dir
from peerhelp.errors import PeerhelpError
from peerhelp.settings import Settings

# Calibrated on the evaluation dev split (evals/README.md, "Calibration"); change them only with a new dev run.
MIN_COVERAGE = 0.45
DENSE_SUPPORTED_COVERAGE = 0.3  # a lower coverage is enough when the passage is also semantically close
# A chunk's dense similarity that counts as close depends on the model's scale (MiniLM spreads 0.2-0.8,
# e5 sits in 0.75-0.95); the e5 value is the dev-split point where abstention recall stops rising.
MIN_DENSE = {"all-MiniLM-L6-v2": 0.55, "multilingual-e5-small-q4": 0.88}
MIN_TYPED_COVERAGE = 0.3
NEAR_COVERAGE = 0.3
OUT_OF_DOMAIN_COVERAGE = 0.85
ANCHOR_PENALTY = 0.4
TOP_K = 8
# One of each path (membership, general, contact, Spanish, the crisis check); never stored.
WARM_UP_QUESTIONS = ["Is Kern County participating?", "What is a peer support specialist?",
                     "Who do I email about certification?", "¿Qué es el apoyo entre pares?", "I feel hopeless tonight"]

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
    generation: Generation | None = None  # set when an LLM was asked


class Assistant:
    """Usage: `Assistant(Settings()).ask("Is Kern County participating?")`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, retriever: Retriever | None = None,
                 llm: ChatModel | None = None, crisis_embedder: Embedder | None = None):
        """`embedder` must be the model the index was built with; `crisis_embedder` the crisis layer's own."""
        self.settings = settings
        self.llm = llm or llm_from_settings(settings)
        self.embedder = embedder or get_embedder(settings.embedding_model)
        # The same model serves both when retrieval uses MiniLM: one session in memory, one embedding per message.
        self.crisis_embedder = crisis_embedder or (
            self.embedder if self.embedder.name == CRISIS_EMBEDDER else get_embedder(CRISIS_EMBEDDER))
        self._fixed_retriever = retriever
        self._index: IndexVersion | None = None
        self._retriever: Retriever | None = retriever
        self._pointer_mtime: float | None = None
        self._lock = threading.Lock()
        self._conversations: ConversationStore | None = None
        self.detector = CrisisDetector(lambda texts: self.crisis_embedder.embed_documents(list(texts)), CrisisModel.load())

    @property
    def conversations(self) -> ConversationStore:
        if self._conversations is None:
            self._conversations = ConversationStore(self.settings.state_url, self.settings.retention_days)
        return self._conversations

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
                    index = IndexVersion.open_current(self.settings.index_dir, self.settings.chroma_url)
                    if not index.state.signature.endswith(f"|{self.embedder.name}"):
                        raise PeerhelpError(f"{index.path}: this index was not built with {self.embedder.name} "
                                            f"(build: {index.state.signature.rsplit('|', 1)[-1]}). Fix: run "
                                            "`peerhelp ingest` with the same PEERHELP_EMBEDDING_MODEL as the server.")
                    _ = index.collection, index.bm25
                    corpus_statistics(index)
                    self._index = index
                    self._retriever = self._fixed_retriever or HybridRetriever(index, self.embedder)
                self._pointer_mtime = mtime
        return self._index

    def warm_up(self) -> None:
        """Load everything the first real questions would otherwise wait for (index, model, per-index tables)."""
        _ = self.index
        for question in WARM_UP_QUESTIONS:
            self.ask(question)

    def ask(self, message: str, history: list[str] | None = None, conversation_id: str | None = None,
            county: str | None = None, on_draft: Callable[[str], None] | None = None) -> Answer:
        return self.ask_with_trace(message, history, conversation_id, county, on_draft)[0]

    def ask_with_trace(self, message: str, history: list[str] | None = None, conversation_id: str | None = None,
                       county: str | None = None, on_draft: Callable[[str], None] | None = None,
                       use_llm: bool = True) -> tuple[Answer, Trace]:
        """`on_draft` receives an LLM's unverified text as it streams; the returned answer is what was verified."""
        started = time.perf_counter()
        trace = Trace()
        message = checked_message(message)
        if conversation_id and history is None:
            history = self.conversations.history(conversation_id)
        history = list(history or [])
        safety = self.detector.assess(message)
        trace.timings_ms["safety"] = _ms(started)
        index = self.index
        trace.index_version = index.version
        query = analyze(message, history, home_county=county)
        trace.query = query
        trace.timings_ms["analyze"] = _ms(started)
        boundary = None if safety.crisis else check_boundaries(message)
        if not safety.crisis and _mostly_unsupported_script(message):
            trace.decision = "language: neither English nor Spanish"
            answer = Answer(status="abstained", answer=msg("en", "other_language"), language="en")
        elif safety.crisis:
            answer = self._crisis_answer(query, index, trace)
            trace.decision = f"crisis ({safety.reason}); " + trace.decision
        elif boundary is not None:
            answer = self._boundary_answer(query, index, boundary.kind, trace)
        else:
            answer = self._answer(query, index, trace, history if use_llm and self.llm else None, on_draft)
            if safety.helping_others:
                answer.answer = f"{answer.answer} {SUPPORT_NOTE[query.language]}"
                trace.decision += "; support note: asks how to help someone else"
        answer.conversation_id = conversation_id
        if conversation_id:
            answer.message_id = self.conversations.remember(conversation_id, message, answer.status, answer.language)
        trace.timings_ms["total"] = _ms(started)
        return answer, trace

    def new_conversation_id(self) -> str:
        return uuid.uuid4().hex

    def _boundary_answer(self, query: Query, index: IndexVersion, kind: str, trace: Trace) -> Answer:
        """Medical, legal or personal-record questions: a kind boundary, then who can help."""
        lang = query.language
        text = BOUNDARY_MESSAGES[kind][lang]
        cites = Citations()
        if kind == "personal":
            text += " " + referral_sentence(lang, "calmhsa", find_contact(index, "calmhsa"), cites)
        trace.decision = f"boundary: {kind} advice is not given"
        return Answer(status="abstained", answer=text, citations=cites.items, language=lang)

    def _crisis_answer(self, query: Query, index: IndexVersion, trace: Trace) -> Answer:
        """Resources first, always; a program question in the same message is answered after them."""
        lang = query.language
        text = CRISIS_REPLY[lang]
        citations = []
        if DOMAIN.search(query.focus):
            program = self._answer(query, index, trace)
            if program.status == "answered":
                text = f"{text}\n\n{PROGRAM_FOLLOWS[lang]} {program.answer}"
                citations = program.citations
        return Answer(status="crisis", answer=text, citations=citations, language=lang)

    def _answer(self, query: Query, index: IndexVersion, trace: Trace, llm_history: list[str] | None = None,
                on_draft: Callable[[str], None] | None = None) -> Answer:
        """`llm_history` (the conversation's earlier questions) is given when an LLM may phrase the answer."""
        cites = Citations()
        lang = query.language
        if not query.text.strip():
            trace.decision = "scope: nothing but instructions to the assistant"
            return Answer(status="abstained", answer=f"{msg(lang, 'scope')} {msg(lang, 'scope_ask')}", language=lang)

        idf, vocabulary = corpus_statistics(index)
        t = time.perf_counter()
        words = re.findall(r"[A-Za-z]+", query.text)
        fixes = spelling_fixes(words, vocabulary)
        retrieval_text = " ".join([query.text] + list(fixes.values()))
        scoring_text = " ".join(fixes.get(w, w) for w in re.findall(r"\S+", query.text))
        hits = self._retriever.retrieve(retrieval_text, top_k=TOP_K, meaning=query.meaning or None)
        term = definition_term(scoring_text if not query.follow_up else " ".join(fixes.get(w, w) for w in query.focus.split()))
        definition = _definition_pattern(term) if query.answer_type == "definition" and term else None
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

        focus_tokens = set(tokenize(" ".join(fixes.get(w, w) for w in re.findall(r"\S+", query.focus)))) if query.follow_up else set()
        units = score_units(hits, tokenize(scoring_text), idf, boost=focus_tokens)
        _apply_anchors(units, anchors(query.original if lang == "en" else query.text))
        if definition is not None:
            _prefer_definitions(units, definition)
        ranked = sorted(units, key=lambda u: u.score, reverse=True)
        best = ranked[0] if ranked else None
        in_domain = bool(DOMAIN.search(query.text) or DOMAIN.search(query.original) or DOMAIN.search(scoring_text)
                         or set(tokenize(scoring_text)) & corpus_acronyms(index))
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
        answered = bool(chosen) and (chosen[0].coverage >= MIN_COVERAGE or
                                     (chosen[0].coverage >= DENSE_SUPPORTED_COVERAGE and
                                      chosen[0].dense >= MIN_DENSE[self.embedder.name]))
        if type_re is not None:
            answered = bool(chosen) and bool(type_re.search(chosen[0].text)) and \
                chosen[0].coverage >= MIN_TYPED_COVERAGE and best is not None and best.coverage >= MIN_COVERAGE * 0.8 \
                and _mentions_focus(chosen[0], tokenize(scoring_text), idf)
        if answered:
            trace.decision = f"answered: best coverage {chosen[0].coverage:.2f}, type {query.answer_type}"
            conflict = conflicting_numbers(chosen, ranked[:20], type_re) if query.answer_type == "number" else None
            text = compose_answer(query, chosen, cites, conflict)
            trace.timings_ms["compose"] = _ms(t)
            # Contacts come from the corpus, and disagreeing sources are shown side by side: both stay extractive.
            if llm_history is not None and query.answer_type not in ("email", "phone") and conflict is None:
                generated, trace.generation = generate(self.llm, query, llm_history, [u.chunk for u in chosen + ranked],
                                                       on_draft)
                trace.timings_ms["llm"] = trace.generation.ms
                trace.decision += f"; llm: {trace.generation.outcome}"
                if generated is not None:
                    return generated
            return Answer(status="answered", answer=text, citations=cites.items, language=lang)

        contact = find_contact(index, topic)
        if query.answer_type == "email" and contact is not None:
            trace.decision = f"answered with the {topic} contact: no passage answers better"
            text = referral_sentence(lang, topic, contact, cites)
            trace.timings_ms["compose"] = _ms(t)
            return Answer(status="answered", answer=text, citations=cites.items, language=lang)

        near = best if best is not None and best.coverage >= NEAR_COVERAGE else None
        trace.decision = (f"abstained: best coverage {best.coverage:.2f}" if best else "abstained: nothing retrieved") + \
            (f", no {query.answer_type} in the passages" if type_re is not None else "")
        text = compose_abstention(query, near, contact, topic, cites)
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


def _definition_pattern(term: str) -> re.Pattern:
    head = term.lower().split()[-1]
    head = re.escape(head[:-1] if head.endswith("s") and len(head) > 3 else head)
    return re.compile(rf"\b(an?\s+)?{head}s?(\s+\([^)]*\))?\s+(is|are|means|refers to|takes)\b|^{head}s?\s+—", re.IGNORECASE)


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


def _mostly_unsupported_script(message: str) -> bool:
    """Chinese, Russian, Arabic… : the documents and the crisis lexicon are English and Spanish only."""
    letters = [c for c in message if c.isalpha()]
    if len(letters) < 4:
        return False
    latin = sum(1 for c in letters if ord(c) < 0x250)
    return latin / len(letters) < 0.5


def checked_message(message: str) -> str:
    """The message with control characters and runs of whitespace collapsed; InputError if unusable."""
    message = " ".join(re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", message or "").split())
    if not message:
        raise InputError("The message is empty. Fix: type a question.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise InputError(f"The message is {len(message)} characters; the limit is {MAX_MESSAGE_CHARS}. "
                         "Fix: ask a shorter question.")
    return message


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


