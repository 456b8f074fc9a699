"""The ONNX embedding runtime gives sentence-transformers' own vectors, and its export never touches the network."""

import numpy as np
import pytest

from ingest.embedding import MiniLMEmbedder
from core.errors import PeerhelpError
from tests.conftest import SEED_CORPUS

TEXTS = [
    "Is Kern County participating?",
    "¿Cuánto cuesta el examen de certificación?",
    "can i still apply for a calmhsa scholorship rn?",
    " ".join((SEED_CORPUS / "001_3e4d9a16ddad8708.txt").read_text(encoding="utf-8").split()[:600]),  # past 256 tokens
]


@pytest.fixture(scope="module")
def reference():
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(MiniLMEmbedder().model_dir), device="cpu", local_files_only=True)
    return lambda texts: model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)


def test_vectors_match_sentence_transformers(fast_embedder, reference):
    ours = fast_embedder.embed_documents(TEXTS)
    cosine = np.sum(ours * reference(TEXTS), axis=1)
    assert cosine.min() > 0.9999, cosine


def test_batched_padding_changes_nothing_and_order_is_kept(fast_embedder):
    batch = fast_embedder.embed_documents(TEXTS, batch_size=3)
    one_by_one = np.vstack([fast_embedder.embed_query(t) for t in TEXTS])
    np.testing.assert_allclose(batch, one_by_one, atol=1e-5)
    assert fast_embedder.embed_documents([]).shape == (0, fast_embedder.dimension)


def test_cached_query_vectors_cannot_be_changed_by_a_caller(fast_embedder):
    first = fast_embedder.embed_query("Who certifies peers?")
    first[:] = 0
    assert np.linalg.norm(fast_embedder.embed_query("Who certifies peers?")) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.slow
def test_export_from_packaged_weights_offline_and_checked(tmp_path, network_attempts, reference):
    fresh = MiniLMEmbedder(cache_dir=tmp_path)
    vector = fresh.embed_query(TEXTS[0])
    assert fresh.onnx_path.exists() and network_attempts == []
    assert float(vector @ reference([TEXTS[0]])[0]) > 0.9999
    assert not list(tmp_path.glob("*.partial"))


def test_an_export_that_disagrees_is_refused_with_a_fix(tmp_path, fast_embedder):
    from ingest.onnx_export import _check_parity

    wrong = lambda texts: -fast_embedder.embed_documents(list(texts))  # noqa: E731
    with pytest.raises(PeerhelpError, match="Fix:"):
        _check_parity(fast_embedder.model_dir, fast_embedder.onnx_path, wrong)
