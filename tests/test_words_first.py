"""A big ingest publishes a build searchable by words before its vectors are done, and a stopped one resumes."""

import json

import numpy as np
import pytest

from assistant.fitted import fitted_for
from assistant.ranking import Question, rank_evidence
from assistant.retrieval import HybridRetriever
from ingest.lexical import tokenize
from ingest.pipeline import run_ingest
from ingest.store import IndexVersion
from core.settings import Settings

pytestmark = pytest.mark.usefixtures("fast_model")

DOCS = {
    "stipend.md": "# Stipends\n\nThe county pays a monthly stipend of $300 to peers in the apprenticeship.\n",
    "calendar.md": "# Calendar\n\nThe next core training starts on April 8. Supervisors meet on Fridays.\n",
}


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    entries = []
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
        entries.append({"id": name.removesuffix(".md"), "file": name, "title": name.removesuffix(".md").title(),
                        "issuer": "Test County", "kind": "faq", "url": None, "as_of": "2026-01", "language": "en"})
    (folder / "manifest.json").write_text(json.dumps({"documents": entries}), encoding="utf-8")
    return folder


class StopsEmbedding:
    """The real embedder until ingest starts embedding passages: then the process 'dies' (an exception)."""

    def __init__(self, inner):
        self.inner = inner
        self.name, self.dimension, self.multilingual = inner.name, inner.dimension, inner.multilingual

    def count_tokens(self, text):
        return self.inner.count_tokens(text)

    def embed_documents(self, texts, batch_size=32, progress=None):
        raise KeyboardInterrupt("stopped while embedding")

    def embed_query(self, text):
        return self.inner.embed_query(text)


def _versions(settings):
    return sorted(p.name for p in (settings.index_dir / "versions").iterdir())


def test_over_the_limit_a_words_first_build_comes_first_then_the_full_one(tmp_path, corpus, fast_embedder):
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embed_now_limit=0)
    summary = run_ingest(settings, embedder=fast_embedder)
    assert summary.words_first_version and summary.words_first_version != summary.version
    words = IndexVersion(settings.index_dir / "versions" / summary.words_first_version)
    assert words.pending == {"stipend", "calendar"} and words.meaning_searchable == 0
    assert words.collection.count() == 0 and not words.embeddings.any()
    hits = HybridRetriever(words, fast_embedder).retrieve("monthly stipend for apprenticeship peers", 2)
    assert hits and hits[0].chunk.doc_id == "stipend" and hits[0].dense_rank is None  # found by its words

    final = IndexVersion.open_current(settings.index_dir)
    assert final.version == summary.version and not final.pending
    assert final.collection.count() == len(final.chunks) and final.embeddings.any()


def test_under_the_limit_one_build(tmp_path, corpus, fast_embedder):
    summary = run_ingest(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=fast_embedder)
    assert summary.words_first_version is None and len(_versions(Settings(index_dir=tmp_path / "index"))) == 1


def test_stopped_while_embedding__the_words_build_serves_and_ranks_by_meaning_and_the_next_ingest_finishes(
        tmp_path, corpus, fast_embedder):
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embed_now_limit=0)
    with pytest.raises(KeyboardInterrupt):
        run_ingest(settings, embedder=StopsEmbedding(fast_embedder))
    serving = IndexVersion.open_current(settings.index_dir)
    assert serving.pending == {"stipend", "calendar"}

    question = "how much is the stipend each month?"
    hits = HybridRetriever(serving, fast_embedder).retrieve(question, 2)
    ranked = rank_evidence(hits, serving, Question(tokens=tokenize(question), vector=fast_embedder.embed_query(question),
                                                    boost=set(), anchors=[]),
                           {}, fitted_for(fast_embedder.name), fast_embedder)
    assert "$300" in ranked[0].text
    assert ranked[0].semantic > 0.3  # its unit was read by meaning on the spot, not scored as a zero vector
    row = serving.by_id[ranked[0].chunk.id]
    assert np.allclose(serving.unit_embeddings_of_chunk(row, fast_embedder),
                       fast_embedder.embed_documents([u for u in _unit_texts(serving, row)]))

    resumed = run_ingest(settings, embedder=fast_embedder)
    final = IndexVersion.open_current(settings.index_dir)
    assert resumed.changed and resumed.embedded_chunks == len(final.chunks) and not final.pending
    assert final.collection.count() == len(final.chunks) and final.unit_embeddings.any(axis=1).all()
    assert run_ingest(settings, embedder=fast_embedder).changed is False  # nothing owed any more


def _unit_texts(index, row):
    from ingest.units import split_units, unit_embedding_text

    chunk = index.chunks[row]
    return [unit_embedding_text(chunk, u) for u in split_units(chunk)]
