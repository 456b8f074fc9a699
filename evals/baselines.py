"""Baselines measured in the same run as the assistant, so every figure is also a ratio.

(a) llama-index defaults: raw documents, `SentenceSplitter()` defaults, `VectorStoreIndex` over a
    Chroma collection with the same embedding model, top-2; the "answer" is the first 150
    words of the top chunk. (b) BM25 only over the assistant's own chunks, same answer rule.
"""

from dataclasses import dataclass

import numpy as np

from assistant.contract import Answer, Citation
from ingest.embedding import Embedder
from ingest.lexical import tokenize
from ingest.loaders import load_text
from ingest.manifest import read_manifest
from ingest.store import IndexVersion
from core.settings import Settings

ANSWER_WORDS = 150


@dataclass
class Ranked:
    document: str
    text: str


@dataclass
class Decided:
    """The assistant's answer decision on one question: its probability and the unit texts it would quote."""

    probability: float
    chosen: list[str]


def naive_answer(ranked: list[Ranked], titles: dict[str, str]) -> Answer:
    if not ranked:
        return Answer(status="abstained", answer="", citations=[])
    answer = " ".join(ranked[0].text.split()[:ANSWER_WORDS])
    citations = [Citation(n=i + 1, document=r.document, title=titles.get(r.document, r.document), quote=r.text)
                 for i, r in enumerate(ranked[:2])]
    return Answer(status="answered", answer=answer, citations=citations)


class BM25Baseline:
    name = "bm25_only"

    def __init__(self, index: IndexVersion):
        self.index = index
        self.titles = {d.id: d.title for d in index.state.documents.values()}

    def run(self, question: str, history: list[str]) -> tuple[Answer, list[Ranked], Decided | None]:
        tokens = [t for t in tokenize(question) if t in self.index.bm25.vocab_dict]
        if not tokens:
            return naive_answer([], self.titles), [], None
        docs, scores = self.index.bm25.retrieve([tokens], k=min(10, len(self.index.chunks)), show_progress=False, n_threads=0)
        ranked = [Ranked(self.index.chunks[int(d)].doc_id, self.index.chunks[int(d)].text)
                  for d, s in zip(docs[0], scores[0]) if s > 0]
        return naive_answer(ranked, self.titles), ranked, None


class LlamaIndexBaseline:
    name = "llamaindex_default_top2"

    def __init__(self, settings: Settings, embedder: Embedder, top_k: int = 10):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Document, StorageContext, VectorStoreIndex
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core.embeddings import BaseEmbedding
        from llama_index.core.llms import MockLLM
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        class SameModel(BaseEmbedding):
            """The assistant's own embedding model, so the comparison is about the pipeline only."""

            def _get_query_embedding(self, query: str) -> list[float]:
                return embedder.embed_query(query).tolist()

            async def _aget_query_embedding(self, query: str) -> list[float]:
                return self._get_query_embedding(query)

            def _get_text_embedding(self, text: str) -> list[float]:
                return embedder.embed_documents([text])[0].tolist()

            def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
                return np.asarray(embedder.embed_documents(texts)).tolist()

        LlamaSettings.llm = MockLLM()
        LlamaSettings.embed_model = SameModel(model_name=embedder.name)
        entries = read_manifest(settings.corpus_dir)
        self.titles = {e.id: e.title for e in entries}
        documents = []
        for e in entries:
            try:
                text = load_text(settings.corpus_dir / e.file, int(settings.max_file_mb * 1_000_000))
            except Exception:
                continue
            documents.append(Document(text=text, metadata={"document": e.id}))
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection("llamaindex_baseline", embedding_function=None)
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        index = VectorStoreIndex.from_documents(documents, storage_context=storage, transformations=[SentenceSplitter()])
        self.retriever = index.as_retriever(similarity_top_k=top_k)

    def run(self, question: str, history: list[str]) -> tuple[Answer, list[Ranked], Decided | None]:
        nodes = self.retriever.retrieve(question)
        ranked = [Ranked(n.node.metadata.get("document", ""), n.node.get_content()) for n in nodes]
        return naive_answer(ranked, self.titles), ranked, None
