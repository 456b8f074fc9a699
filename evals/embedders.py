"""Compare the packaged embedding models on the gold set's retrieval: recall@5 and MRR@10 per language.

Each model embeds the current index's chunks (the text ingest embeds) in memory, so the comparison
needs no second index. Runs: the model alone (dense), and fused with the index's BM25 the way
HybridRetriever fuses them. The English-only model reads a Spanish question through its English
rendering; a multilingual model reads it as typed. `peerhelp compare-embedders` prints the table.
"""

import time
from dataclasses import dataclass

import numpy as np

from assistant.language import to_english_query
from assistant.retrieval import RRF_K, HybridRetriever
from evals.baselines import Ranked
from evals.gold import load_gold
from evals.runner import gold_rank
from ingest.embedding import MODELS
from ingest.store import IndexVersion
from core.errors import PeerhelpError

CANDIDATES = 30


@dataclass
class Row:
    model: str
    run: str  # dense | hybrid
    language: str
    items: int
    recall_at_5: float
    mrr_at_10: float


@dataclass
class Cost:
    model: str
    embed_chunks_s: float
    query_ms_p50: float


def _fuse(*rankings: list[int]) -> list[int]:
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, row in enumerate(ranking, start=1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores, key=lambda r: -scores[r])


def compare(index: IndexVersion, split: str = "dev") -> tuple[list[Row], list[Cost]]:
    if split not in ("dev", "test"):
        raise PeerhelpError(f"unknown split {split!r}. Fix: use --split dev (tune on it) or --split test.")
    items = [i for i in load_gold(split) if i.expected_status == "answered" and i.gold and not i.history]
    lexical = HybridRetriever(index, embedder=None)  # only its BM25 side is used
    rows: list[Row] = []
    costs: list[Cost] = []
    for name, model_class in MODELS.items():
        model = model_class()
        started = time.perf_counter()
        vectors = model.embed_documents([c.embedding_text() for c in index.chunks])
        embed_s = time.perf_counter() - started
        ranks: dict[tuple[str, str], list[int | None]] = {}
        timings: list[float] = []
        for item in items:
            english = to_english_query(item.question) if item.language == "es" else item.question
            started = time.perf_counter()
            query_vector = model.embed_query(item.question if model.multilingual else english)
            timings.append(time.perf_counter() - started)
            dense = list(np.argsort(-(vectors @ query_vector))[:CANDIDATES])
            bm25 = [row for row, _ in lexical.lexical(english, CANDIDATES)]
            for run, ranking in (("dense", dense), ("hybrid", _fuse(dense, bm25))):
                ranked = [Ranked(index.chunks[r].doc_id, index.chunks[r].text) for r in ranking[:10]]
                ranks.setdefault((run, item.language), []).append(gold_rank(item, ranked))
        for (run, language), found in sorted(ranks.items()):
            rows.append(Row(name, run, language, len(found),
                            round(float(np.mean([1.0 if r and r <= 5 else 0.0 for r in found])), 3),
                            round(float(np.mean([1.0 / r if r else 0.0 for r in found])), 3)))
        costs.append(Cost(name, round(embed_s, 1), round(1000 * float(np.median(timings)), 1)))
    return rows, costs
