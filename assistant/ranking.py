"""Rank evidence: every sentence, list item, table record and FAQ answer of the retrieved chunks.

Two signals, each strong where the other is weak:
- meaning: the unit's own vector (stored at ingest, embedded with its title, section and FAQ
  question) against the question's, which reads paraphrase, filler words and Spanish;
- words: coverage, the IDF-weighted share of the question's terms found in the unit (the FAQ
  question it answers counts fully, its section and title half), which pins names, numbers and acronyms.
With two facts about the question (does the unit mention what the question names; is it shaped
like a definition of the asked-about term) they are weighed by a logistic model fitted on the dev
split (assistant/fitted.py), so a unit's score is the probability that it holds an asked-for fact.
An FAQ's question line is never ranked: the text under it is the answer.
"""

import re
import statistics
from dataclasses import dataclass, field

import numpy as np

from assistant.evidence import Unit, units_of
from assistant.fitted import Fitted
from assistant.retrieval import ScoredChunk
from ingest.embedding import Embedder
from ingest.lexical import tokenize
from ingest.store import IndexVersion

SECTION_WEIGHT = 0.5  # a term found only in the unit's section or title counts half
TOLD_WEIGHT = 0.3


@dataclass
class Question:
    """What ranking needs to know about the question (computed once by the engine)."""

    tokens: list[str]  # stemmed terms of the corpus-English rendering
    vector: np.ndarray  # the question as the embedding model reads it
    boost: set[str]  # terms of a follow-up's newest message: they count double
    anchors: list[set[str]]  # what the evidence must mention, each as a set of alternatives
    definition: re.Pattern | None = None  # the shape of a definition of the asked-about term
    wanted: re.Pattern | None = None  # the shape of the asked-for value (an email, a date, an amount), if any
    # terms only of the sentences around the question ("I've done peer work for 10 years. What is grandparenting?"):
    # what the person tells, not what they ask; they count TOLD_WEIGHT
    told: frozenset[str] = frozenset()
    # stems that stand for one word of the question, rendered several ways (a Spanish word: 'costo' → 'cost fee'):
    # the word counts once, as present when any of them is
    alternatives: list[frozenset[str]] = field(default_factory=list)


RANKING_FEATURES = ("coverage", "semantic", "chunk", "coverage_gap", "semantic_gap", "anchored", "defines", "typed")


def unit_features(unit: Unit, fitted: Fitted, best_coverage: float, best_semantic: float) -> dict[str, float]:
    """Absolute and relative to the question's best unit: the gaps let the model compare within one question."""
    semantic = fitted.semantic.z(unit.semantic)
    return {"coverage": unit.coverage, "semantic": semantic, "chunk": unit.chunk_score,
            "coverage_gap": unit.coverage - best_coverage, "semantic_gap": semantic - fitted.semantic.z(best_semantic),
            "anchored": float(unit.anchored), "defines": float(unit.defines), "typed": float(unit.typed)}


def told_terms(text: str) -> frozenset[str]:
    """The terms of a message's sentences that are not questions, when some sentence is one."""
    sentences = [x for x in re.split(r"(?<=[.!?])\s+", text.strip()) if x]
    asked = [x for x in sentences if x.rstrip().endswith("?")]
    if not asked or len(asked) == len(sentences):
        return frozenset()
    return frozenset(tokenize(" ".join(x for x in sentences if x not in asked))) - set(tokenize(" ".join(asked)))


def rank_evidence(hits: list[ScoredChunk], index: IndexVersion, question: Question, idf: dict[str, float],
                  fitted: Fitted, embedder: Embedder | None = None) -> list[Unit]:
    """The units of the retrieved chunks, best first, each with its features and score. `embedder` reads the units
    of a document whose vectors are still being computed (a words-first build, ingest/store.py)."""
    q = set(question.tokens)
    unknown = statistics.median(idf.values()) if idf else 1.0

    def weight(t: str) -> float:
        # A term the corpus never uses weighs like a typical term: informal words must not sink a real question.
        return idf.get(t, unknown) * (2.0 if t in question.boost else 1.0) * (TOLD_WEIGHT if t in question.told else 1.0)

    terms = [(group, max(weight(t) for t in group)) for group in _term_groups(q, question.alternatives)]
    total = sum(w for _, w in terms) or 1.0
    best_chunk = max((h.score for h in hits), default=1.0) or 1.0
    units: list[Unit] = []
    for hit in hits:
        chunk = hit.chunk
        context = set(tokenize(" ".join(chunk.heading_path) + " " + chunk.title + " " + chunk.issuer))
        where = f"{chunk.text} {chunk.section or ''} {chunk.title} {chunk.issuer}".lower()
        anchored = all(any(_mentions(where, alt) for alt in group) for group in question.anchors)
        vectors = index.unit_embeddings_of_chunk(index.by_id[chunk.id], embedder)
        similarities = vectors @ question.vector if len(vectors) else np.zeros(0)
        for unit, similarity in zip(units_of(chunk), similarities):
            if unit.kind == "question":
                continue
            present = unit.tokens | set(tokenize(unit.asks))
            direct = sum(w for group, w in terms if group & present)
            inherited = sum(w for group, w in terms if group & context and not group & present)
            unit.coverage = (direct + SECTION_WEIGHT * inherited) / total
            unit.semantic = float(similarity)
            unit.chunk_score = hit.score / best_chunk
            unit.dense = hit.dense_score or 0.0
            unit.anchored = anchored
            unit.defines = bool(question.definition and question.definition.search(unit.text))
            unit.typed = bool(question.wanted and question.wanted.search(unit.text))
            units.append(unit)
    best_coverage = max((u.coverage for u in units), default=0.0)
    best_semantic = max((u.semantic for u in units), default=0.0)
    for unit in units:
        unit.features = unit_features(unit, fitted, best_coverage, best_semantic)
        unit.score = fitted.ranking.probability(unit.features)
    return sorted(units, key=lambda u: u.score, reverse=True)


def _term_groups(tokens: set[str], alternatives: list[frozenset[str]]) -> list[frozenset[str]]:
    """The question's terms, each group of alternatives (merged where they share a stem) as one term."""
    groups: list[set[str]] = []
    for alternative in alternatives:
        group = set(alternative & tokens)
        if len(group) < 2:
            continue
        for other in [g for g in groups if g & group]:
            group |= other
            groups.remove(other)
        groups.append(group)
    grouped = set().union(*groups) if groups else set()
    return [frozenset(g) for g in groups] + [frozenset({t}) for t in tokens - grouped]


def _mentions(text: str, term: str) -> bool:
    return re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", text) is not None
