"""Hybrid retrieval: dense (Chroma) and BM25, fused by reciprocal rank.

The assistant depends on the `Retriever` protocol only, so a test can hand it a fake and a
deployment can swap the store. Dense search finds paraphrases and misspellings ("scholorship");
BM25 finds exact names, numbers and acronyms ("BHIN 21-041", "Kern"); RRF needs no score
calibration between the two.
"""

from dataclasses import dataclass
from typing import Protocol

import httpx

from ingest.chunking import Chunk
from ingest.embedding import Embedder
from ingest.lexical import tokenize
from ingest.store import IndexVersion
from ingest.vectors import VectorStoreUnavailable

RRF_K = 60


@dataclass
class ScoredChunk:
    chunk: Chunk
    score: float
    dense_rank: int | None = None
    bm25_rank: int | None = None
    dense_score: float | None = None
    bm25_score: float | None = None


class Retriever(Protocol):
    def retrieve(self, query: str, top_k: int = 8, meaning: str | None = None) -> list[ScoredChunk]:
        """`query` (corpus English) is matched by words; `meaning` (the message as typed, with its conversation)
        by a multilingual embedding model; an English-only model embeds `query`."""
        ...


def dense_text(embedder: Embedder, query: str, meaning: str | None) -> str:
    """What the embedding model reads: the message as typed for a multilingual model, else its English rendering."""
    return meaning if meaning and embedder.multilingual else query


class HybridRetriever:
    """Usage: `HybridRetriever(IndexVersion.open_current(dir), embedder).retrieve("who certifies peers?")`."""

    def __init__(self, index: IndexVersion, embedder: Embedder, candidates: int = 30, rrf_k: int = RRF_K):
        if candidates < 1:
            raise ValueError("candidates must be at least 1")
        self.index, self.embedder, self.candidates, self.rrf_k = index, embedder, candidates, rrf_k

    def dense(self, query: str, k: int) -> list[tuple[int, float]]:
        k = min(k, self.index.meaning_searchable)  # a words-first build's pending chunks are not in the store yet
        if k == 0:
            return []
        vector = self.embedder.embed_query(query)
        try:
            result = self.index.collection.query(query_embeddings=[vector.tolist()], n_results=k, include=["distances"])
        except httpx.HTTPError as err:
            raise VectorStoreUnavailable(f"the Chroma server stopped answering ({err})") from err
        return [(self.index.by_id[cid], 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    def lexical(self, query: str, k: int) -> list[tuple[int, float]]:
        tokens = [t for t in tokenize(query) if t in self.index.bm25.vocab_dict]
        k = min(k, len(self.index.chunks))
        if not tokens or k == 0:
            return []
        docs, scores = self.index.bm25.retrieve([tokens], k=k, show_progress=False, n_threads=0)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]

    def retrieve(self, query: str, top_k: int = 8, meaning: str | None = None) -> list[ScoredChunk]:
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        fused: dict[int, ScoredChunk] = {}
        for rank, (row, score) in enumerate(self.dense(dense_text(self.embedder, query, meaning), self.candidates), start=1):
            item = fused.setdefault(row, ScoredChunk(self.index.chunks[row], 0.0))
            item.dense_rank, item.dense_score = rank, score
            item.score += 1.0 / (self.rrf_k + rank)
        for rank, (row, score) in enumerate(self.lexical(query, self.candidates), start=1):
            item = fused.setdefault(row, ScoredChunk(self.index.chunks[row], 0.0))
            item.bm25_rank, item.bm25_score = rank, score
            item.score += 1.0 / (self.rrf_k + rank)
        return sorted(fused.values(), key=lambda s: s.score, reverse=True)[:top_k]
