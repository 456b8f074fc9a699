"""The assistant: question in, grounded and cited answer (or honest abstention) out.

One code path serves the CLI, the HTTP API, the console and the evaluation suite.
"""

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from assistant.compose import (Citations, compose_abstention, compose_answer, conflicting_numbers, referral_sentence,
                               select_units)
from assistant.participation import compose_county_list, compose_membership, county_sources
from assistant.boundaries import MESSAGES as BOUNDARY_MESSAGES
from assistant.boundaries import check_boundaries
from assistant.contract import Answer
from assistant.conversations import ConversationStore
from assistant.evidence import Unit, corpus_statistics, in_scope
from assistant.fitted import Fitted, fitted_for
from assistant.generation import Generation, generate
from assistant.judge import judge_for
from assistant.llm import ChatModel
from assistant.llm import from_settings as llm_from_settings
from assistant.language import alternative_groups, to_english_query
from assistant.messages import msg, scope_reply
from assistant.novelty import novelty
from assistant.query import (MAX_MESSAGE_CHARS, Query, analyze, anchors, answer_type, asks, definition_pattern,
                             definition_term, enumeration_of, listed_things, names_in, question_parts,
                             refers_back, spelling_fixes)
from assistant.values import wanted_value
from assistant.policy import AbstentionPolicy, Decision, Evidence
from assistant.name_rules import ordinary_words_of
from assistant.privacy import redact
from assistant.privacy import warm_up as warm_redactor
from assistant.ranking import Question, rank_evidence, told_terms
from assistant.referral import find_contact
from assistant.retrieval import HybridRetriever, Retriever, ScoredChunk, dense_text
from assistant.crisis_replies import CONCERN_LINE, KEEP_ASKING, PROGRAM_FOLLOWS, REPLIES
from assistant.safety import CrisisDetector, crisis_embedding
from assistant.safety_model import EMBEDDER as CRISIS_EMBEDDER
from assistant.safety_model import CrisisModel
from assistant.swap import similarity, swap_follow_up
from ingest.embedding import Embedder, get_embedder
from ingest.lexical import tokenize
from ingest.store import CURRENT, IndexVersion, current_version_dir
from ingest.units import sentence_spans
from core.errors import PeerhelpError
from core.settings import Settings

NEAR_COVERAGE = 0.3  # an abstention shows the closest passage only when it shares this much of the question
TOP_K = 8
# One of each path (membership, general, contact, Spanish, the crisis check, and words the documents never use,
# whose general frequencies load on first use: about 0.3 s); never stored.
WARM_UP_QUESTIONS = ["Is Kern County participating?", "What is a peer support specialist?",
                     "Who do I email about certification?", "¿Qué es el apoyo entre pares?", "I feel hopeless tonight",
                     "Is the office open on weekends?"]

class InputError(PeerhelpError):
    """The message itself is unusable (empty, too long); the API turns this into a 4xx."""


@dataclass
class Trace:
    query: Query | None = None
    hits: list[ScoredChunk] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)  # every ranked unit, best first
    chosen: list[Unit] = field(default_factory=list)
    policy: Decision | None = None
    decision: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    index_version: str | None = None
    generation: Generation | None = None  # set when an LLM was asked


class Assistant:
    """Usage: `Assistant(Settings()).ask("Is Kern County participating?")`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, retriever: Retriever | None = None,
                 llm: ChatModel | None = None, crisis_embedder: Embedder | None = None, fitted: Fitted | None = None):
        """`embedder` must be the model the index was built with; `crisis_embedder` the crisis layer's own;
        `fitted` the ranking and answer policy (default: the one fitted on dev for that model)."""
        self.settings = settings
        self.llm = llm or llm_from_settings(settings)
        self.embedder = embedder or get_embedder(settings.embedding_model)
        self.fitted = fitted or fitted_for(self.embedder.name)
        self.policy = AbstentionPolicy(self.fitted)
        self.judge = judge_for(self.llm, settings.llm_judge, self.fitted)
        # The same model serves both when retrieval uses MiniLM: one session in memory, one embedding per message.
        self.crisis_embedder = crisis_embedder or (
            self.embedder if self.embedder.name == CRISIS_EMBEDDER else get_embedder(CRISIS_EMBEDDER))
        self._fixed_retriever = retriever
        self._index: IndexVersion | None = None
        self._retriever: Retriever | None = retriever
        self._pointer_mtime: float | None = None
        self._lock = threading.Lock()
        self._conversations: ConversationStore | None = None
        crisis_model = CrisisModel.load()
        if crisis_model is None or crisis_model.embedder != self.crisis_embedder.name:
            raise PeerhelpError("assistant/data/crisis_model.npz is missing or was trained for another embedder. "
                                "Fix: run `peerhelp train-safety`.")
        self.detector = CrisisDetector(crisis_embedding(self.crisis_embedder), crisis_model)

    @property
    def conversations(self) -> ConversationStore:
        if self._conversations is None:
            self._conversations = ConversationStore(self.settings.state_url, self.settings.retention_days,
                                                    redactor=lambda text: redact(text, ordinary_words_of(self.index)))
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
                    _ = index.collection, index.bm25, index.unit_embeddings  # loaded (and checked) before a question waits
                    corpus_statistics(index)
                    ordinary_words_of(index)
                    self._index = index
                    self._retriever = self._fixed_retriever or HybridRetriever(index, self.embedder)
                self._pointer_mtime = mtime
        return self._index

    def warm_up(self) -> None:
        """Load everything the first real questions would otherwise wait for (index, model, per-index tables)."""
        _ = self.index
        for question in WARM_UP_QUESTIONS:
            self.ask(question)
        warm_redactor()

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
        query = analyze(message, history, home_county=county, in_scope=lambda text: in_scope(index, text))
        trace.query = query
        trace.timings_ms["analyze"] = _ms(started)
        boundary = None if safety.crisis else check_boundaries(message)
        if not safety.crisis and _mostly_unsupported_script(message):
            trace.decision = "language: neither English nor Spanish"
            answer = Answer(status="abstained", answer=msg("en", "other_language"), language="en")
        elif safety.crisis:
            answer = self._crisis_answer(query, safety.level, index, trace)
            trace.decision = f"{safety.level} ({safety.reason}); " + trace.decision
        elif boundary is not None:
            answer = self._boundary_answer(query, index, boundary.kind, trace)
        else:
            if query.previous is not None:  # a follow-up
                swap = swap_follow_up(query, query.previous, similarity(self.embedder), self.fitted.semantic.z)
                query = trace.query = swap or (self._with_antecedents(query, index) if refers_back(query.cleaned) else query)
            answer = self._answer(query, index, trace, history if use_llm and self.llm else None, on_draft)
        if safety.level == "concern":  # the answer the question deserves, and one line about 988
            answer.answer = f"{answer.answer}\n\n{CONCERN_LINE[answer.language]}"
            trace.decision += f"; concern line ({safety.reason})"
        answer.safety = safety.level
        answer.conversation_id = conversation_id
        if conversation_id:
            answer.message_id = self.conversations.remember(conversation_id, message, answer.status, answer.language)
        trace.timings_ms["total"] = _ms(started)
        return answer, trace

    def new_conversation_id(self) -> str:
        return self.conversations.continued(None)

    def _with_antecedents(self, query: Query, index: IndexVersion) -> Query:
        """'How do I contact them?': the names in what answered the previous question stand in for 'them'."""
        previous = query.previous
        earlier = self._answer(previous, index, Trace())
        if earlier.status != "answered":
            return query
        asked = previous.text.lower()
        quotes = [c.quote for c in earlier.citations]
        # the names the answer kept coming back to (in most of its quotes) are what 'it' or 'them' points at
        found = [n for n in names_in(" ".join(quotes[:2])) if n.lower() not in asked]
        names = sorted(found, key=lambda n: -sum(n in q for q in quotes))[:3]
        if not names:
            return query
        carried = " ".join(names)
        return replace(query, text=f"{query.text} {carried}", focus=f"{query.focus} {carried}",
                       meaning=f"{query.meaning} {carried}")

    def _part_units(self, part: str, lang: str, hits: list[ScoredChunk], index: IndexVersion, idf: dict[str, float],
                    fixes: dict[str, str]) -> tuple[list[Unit], re.Pattern | None]:
        """One question of a several-part message, ranked on its own over the same retrieved chunks."""
        english = to_english_query(part) if lang == "es" else part
        wanted = wanted_value(answer_type(part, []), english)
        tokens = tokenize(" ".join(fixes.get(w, w) for w in re.findall(r"\S+", english)))
        question = Question(tokens=tokens, boost=set(), wanted=wanted, anchors=anchors(english, index.profile.anchors),
                            alternatives=alternative_groups(part) if lang == "es" else [],
                            vector=self.embedder.embed_query(dense_text(self.embedder, english, part)))
        return rank_evidence(hits, index, question, idf, self.fitted, self.embedder), wanted

    def _boundary_answer(self, query: Query, index: IndexVersion, kind: str, trace: Trace) -> Answer:
        """Medical, legal or personal-record questions: a kind boundary, then who can help."""
        lang = query.language
        text = BOUNDARY_MESSAGES[kind][lang]
        cites = Citations()
        default = index.profile.default_referral()
        if kind == "personal" and default is not None:
            text += " " + referral_sentence(lang, default, find_contact(index, default.id), cites)
        trace.decision = f"boundary: {kind} advice is not given"
        return Answer(status="abstained", answer=text, citations=cites.items, language=lang)

    def _crisis_answer(self, query: Query, level: str, index: IndexVersion, trace: Trace) -> Answer:
        """Resources first, always (911 first in an emergency); then the program question the message also asks,
        answered or referred, and the reader is told they can keep asking about certification."""
        lang = query.language
        text = REPLIES[level][lang]
        citations = []
        sentences = [query.cleaned[a:b].strip() for a, b in sentence_spans(query.cleaned)]
        asked = [s for s in sentences if asks(s) and in_scope(index, to_english_query(s) if lang == "es" else s)]
        if asked:  # the program question alone, without the words of distress around it
            program = self._answer(analyze(" ".join(asked), [], in_scope=lambda text: in_scope(index, text)), index, trace)
            text = f"{text}\n\n{PROGRAM_FOLLOWS[lang]} {program.answer}"
            citations = program.citations
        text = f"{text}\n\n{KEEP_ASKING[lang]}"
        return Answer(status="crisis", answer=text, citations=citations, language=lang)

    def _answer(self, query: Query, index: IndexVersion, trace: Trace, llm_history: list[str] | None = None,
                on_draft: Callable[[str], None] | None = None) -> Answer:
        """`llm_history` (the conversation's earlier questions) is given when an LLM may phrase the answer."""
        cites = Citations()
        lang = query.language
        if not query.text.strip():
            trace.decision = "scope: nothing but instructions to the assistant"
            return Answer(status="abstained", answer=scope_reply(lang, index.profile), language=lang)

        idf, vocabulary = corpus_statistics(index)
        t = time.perf_counter()
        words = re.findall(r"[A-Za-z]+", query.text)
        fixes = spelling_fixes(words, vocabulary)
        retrieval_text = " ".join([query.text] + list(fixes.values()))
        scoring_text = " ".join(fixes.get(w, w) for w in re.findall(r"\S+", query.text))
        hits = self._retriever.retrieve(retrieval_text, top_k=TOP_K, meaning=query.meaning or None)
        term = definition_term(scoring_text if not query.follow_up else " ".join(fixes.get(w, w) for w in query.focus.split()))
        definition = definition_pattern(term) if query.answer_type == "definition" and term else None
        if definition is not None:
            hits = _add_definition_chunks(hits, index, definition)
        trace.hits = hits
        trace.timings_ms["retrieve"] = _ms(t)

        t = time.perf_counter()
        if query.answer_type in ("membership", "county_list"):
            sources = county_sources(index)
            text = compose_membership(query, query.counties[0], sources, index.profile.participation, cites) \
                if query.counties and \
                query.answer_type == "membership" else compose_county_list(query, sources, cites)
            if text:
                trace.decision = f"{query.answer_type}: {', '.join(query.counties) or 'all'}"
                trace.timings_ms["compose"] = _ms(t)
                return Answer(status="answered", answer=text, citations=cites.items, language=lang)

        focus_tokens = set(tokenize(" ".join(fixes.get(w, w) for w in re.findall(r"\S+", query.focus)))) if query.follow_up else set()
        type_re = wanted_value(query.answer_type, query.original if lang == "en" and not query.swapped else query.text)
        question_tokens = tokenize(scoring_text)
        question = Question(tokens=question_tokens, boost=focus_tokens, definition=definition, wanted=type_re,
                            vector=self.embedder.embed_query(dense_text(self.embedder, retrieval_text, query.meaning)),
                            anchors=anchors(query.original if lang == "en" else query.text, index.profile.anchors),
                            told=told_terms(scoring_text),
                            alternatives=alternative_groups(query.original) if lang == "es" else [])
        ranked = rank_evidence(hits, index, question, idf, self.fitted, self.embedder)
        trace.units = ranked
        best = ranked[0] if ranked else None
        in_domain = in_scope(index, scoring_text) or in_scope(index, query.original)
        referral = index.profile.route(f"{query.original} {query.text}")
        parts = [self._part_units(part, lang, hits, index, idf, fixes) for part in question_parts(query.cleaned)]
        things = listed_things(query.original if lang == "en" else query.text)
        if things:  # a list question: the unit that enumerates the asked-for things answers it too
            parts.append((ranked, enumeration_of(things)))
        selection = select_units(ranked, type_re, parts)
        trace.chosen = selection.units if selection else []
        lead = selection.lead if selection else None
        judge = None  # with an LLM, it reads what the answer would quote (assistant/judge.py); not for follow-ups
        if self.judge and selection and llm_history is not None and not query.follow_up:
            def judge() -> float | None:
                at = time.perf_counter()
                judged = self.judge.probability(query.original, selection.units)
                trace.timings_ms["judge"] = _ms(at)
                return judged
        decision = self.policy.decide(lead, Evidence(
            in_domain=in_domain, wants_type=type_re is not None,
            # the value may sit in a neighbour quoted with the lead ("… by email to X." before "This inbox is …")
            type_found=bool(selection and type_re and any(type_re.search(u.text) for u in selection.group)),
            focus_found=bool(lead and _mentions_focus(lead, question_tokens, idf)),
            novelty=novelty(scoring_text, idf), cross_language=bool(lead and lead.chunk.language != lang)), judge)
        trace.policy = decision
        answered = decision.answer
        if not answered and not in_domain and not (best is not None and best.coverage >= NEAR_COVERAGE):
            trace.decision = f"scope: no program terms and no passage near the question; {decision.describe()}"
            trace.timings_ms["compose"] = _ms(t)
            return Answer(status="abstained", language=lang, answer=scope_reply(lang, index.profile))
        if answered:
            trace.decision = f"answered ({query.answer_type}): {decision.describe()}"
            conflict = conflicting_numbers(lead, ranked[:20], type_re) if query.answer_type == "number" else None
            acronym = term if definition is not None and re.fullmatch(r"[A-Za-z-]{2,10}", term or "") else None
            text = compose_answer(query, selection, cites, conflict, acronym)
            trace.timings_ms["compose"] = _ms(t)
            # Contacts come from the corpus, and disagreeing sources are shown side by side: both stay extractive.
            if llm_history is not None and self.settings.llm_phrasing and query.answer_type not in ("email", "phone") \
                    and conflict is None:
                generated, trace.generation = generate(self.llm, query, llm_history, [u.chunk for u in trace.chosen + ranked],
                                                       index.profile.program("en"), on_draft)
                trace.timings_ms["llm"] = trace.generation.ms
                trace.decision += f"; llm: {trace.generation.outcome}"
                if generated is not None:
                    return generated
            return Answer(status="answered", answer=text, citations=cites.items, language=lang)

        contact = find_contact(index, referral.id) if referral else None
        if query.answer_type == "email" and contact is not None:
            trace.decision = f"answered with the {referral.id} contact: no passage answers better"
            text = referral_sentence(lang, referral, contact, cites)
            trace.timings_ms["compose"] = _ms(t)
            return Answer(status="answered", answer=text, citations=cites.items, language=lang)

        near = best if best is not None and best.coverage >= NEAR_COVERAGE else None
        trace.decision = f"abstained ({query.answer_type}): " + (decision.describe() if best else "nothing retrieved")
        text = compose_abstention(query, near, referral, contact, cites)
        trace.timings_ms["compose"] = _ms(t)
        return Answer(status="abstained", answer=text, citations=cites.items, language=lang)


_TYPE_WORDS = set(tokenize("when date deadline due time cost costs fee fees price pay paid score percent hour hours minimum "
                            "maximum many much long email e-mail contact phone call number dial write reach"))


def _mentions_focus(unit: Unit, query_tokens: list[str], idf: dict[str, float]) -> bool:
    """The lead passage is about the question's most specific term (a date or a number about something else is not an answer)."""
    known = [t for t in query_tokens if t in idf and t not in _TYPE_WORDS]
    if not known:
        return True
    focus = max(known, key=lambda t: idf[t])
    return focus in unit.tokens or focus in tokenize(f"{unit.chunk.text} {unit.chunk.section or ''}")


def _add_definition_chunks(hits: list[ScoredChunk], index: IndexVersion, pattern: re.Pattern) -> list[ScoredChunk]:
    """A definition often hides mid-paragraph where neither retriever ranks it; find it by its shape."""
    seen = {h.chunk.id for h in hits}
    top = max((h.score for h in hits), default=1.0)
    extra = [ScoredChunk(c, top) for c in index.chunks if c.id not in seen and pattern.search(c.text)]
    return hits + extra[:4]


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
