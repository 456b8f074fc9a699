"""Shared fixtures: one real embedder and one real index of the seed corpus per test session."""

import os
import shutil
import socket
import tempfile
import uuid
from pathlib import Path

import pytest

from core.offline import enforce_offline

enforce_offline()
# Stored conversations go to a throwaway database, never the developer's .data/ (servers started by tests inherit it).
os.environ.setdefault("PEERHELP_STATE_DB", str(Path(tempfile.mkdtemp(prefix="peerhelp-state-")) / "state.sqlite"))

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"


class CountingEmbedder:
    """Wraps the real embedder and counts what it embeds (to prove incremental ingest re-embeds nothing)."""

    def __init__(self, inner):
        self.inner = inner
        self.name, self.dimension, self.multilingual = inner.name, inner.dimension, inner.multilingual
        self.embedded = 0

    def count_tokens(self, text):
        return self.inner.count_tokens(text)

    def embed_documents(self, texts, batch_size=32, progress=None):
        self.embedded += len(texts)
        return self.inner.embed_documents(texts, batch_size, progress)

    def embed_query(self, text):
        return self.inner.embed_query(text)


@pytest.fixture(scope="session")
def embedder():
    """The default retrieval model (settings.embedding_model), the one the product ships with."""
    from ingest.embedding import get_embedder
    from core.settings import Settings

    return get_embedder(Settings().embedding_model)


FAST_MODEL = "all-MiniLM-L6-v2"  # index plumbing tests: what they check does not depend on the model, ingest time does


@pytest.fixture(scope="session")
def fast_embedder():
    from ingest.embedding import get_embedder

    return get_embedder(FAST_MODEL)


@pytest.fixture(scope="session")
def crisis_embedder(fast_embedder):
    """The crisis layer's own model (assistant/safety_model.py), whatever retrieval uses."""
    from assistant.safety_model import EMBEDDER
    from ingest.embedding import get_embedder

    return fast_embedder if fast_embedder.name == EMBEDDER else get_embedder(EMBEDDER)


@pytest.fixture
def fast_model(monkeypatch):
    """Settings() and the CLI processes a test starts build indexes with FAST_MODEL."""
    monkeypatch.setenv("PEERHELP_EMBEDDING_MODEL", FAST_MODEL)


@pytest.fixture
def network_attempts(monkeypatch) -> list:
    """Blocks and records every connection or DNS lookup that would leave loopback."""
    attempts: list = []
    loopback = ("127.0.0.1", "::1", "localhost")
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if sock.family in (socket.AF_INET, socket.AF_INET6) and host not in loopback:
            attempts.append(address)
            raise OSError(f"network access blocked in test: {address}")
        return real_connect(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in (*loopback, None):
            attempts.append(host)
            raise socket.gaierror(f"DNS blocked in test: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    dest = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, dest)
    return dest


SHORT_DOCUMENT = 6000  # characters


@pytest.fixture
def short_corpus(corpus_copy) -> Path:
    """The seeds with each long document cut after its first paragraphs: the same five documents with their entries,
    a third of the text. For tests of ingest plumbing (counts, skips, undo, crashes), whose checks do not depend on
    how long a document is and whose time is mostly embedding."""
    for path in corpus_copy.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        if len(text) > SHORT_DOCUMENT:
            path.write_text(text[:text.rfind("\n\n", 0, SHORT_DOCUMENT)] + "\n", encoding="utf-8")
    return corpus_copy


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, embedder) -> Path:
    """The seeds ingested once into a temporary index (never the developer's .index)."""
    from ingest.pipeline import run_ingest
    from core.settings import Settings

    base = tmp_path_factory.mktemp("seed")
    corpus = base / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=base / "index")
    summary = run_ingest(settings, embedder=embedder)
    assert summary.changed and not summary.skipped
    return settings.index_dir


@pytest.fixture(scope="session")
def fast_seed_build(tmp_path_factory, fast_embedder) -> Path:
    """The seeds and their index built once with FAST_MODEL; `fast_seed_copy` hands each test its own copy."""
    from ingest.pipeline import run_ingest
    from core.settings import Settings

    base = tmp_path_factory.mktemp("fast-seed")
    shutil.copytree(SEED_CORPUS, base / "corpus")
    run_ingest(Settings(corpus_dir=base / "corpus", index_dir=base / "index", embedding_model=FAST_MODEL),
               embedder=fast_embedder)
    return base


@pytest.fixture
def fast_seed_copy(tmp_path, fast_seed_build) -> tuple[Path, Path]:
    """(corpus, index) of the seeds, built with FAST_MODEL, copied for one test to change as it likes."""
    shutil.copytree(fast_seed_build / "corpus", tmp_path / "corpus")
    shutil.copytree(fast_seed_build / "index", tmp_path / "index", symlinks=True)
    return tmp_path / "corpus", tmp_path / "index"


def seed_text(name: str) -> str:
    return (SEED_CORPUS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def llm_server():
    """A scripted OpenAI-compatible server on loopback (tests/scripted_llm.py); base URL without /v1."""
    from evals.servers import free_port
    from tests.scripted_llm import scripted_server

    with scripted_server(free_port()) as url:
        yield url


POSTGRES = os.environ.get("PEERHELP_TEST_DATABASE_URL")


@pytest.fixture
def postgres_url():
    """A fresh schema on the test PostgreSQL. `.ci/run` starts Debian's server and sets PEERHELP_TEST_DATABASE_URL
    (and PEERHELP_REQUIRE_POSTGRES=1, so a missing server fails CI instead of skipping)."""
    from sqlalchemy import create_engine, text

    if not POSTGRES:
        if os.environ.get("PEERHELP_REQUIRE_POSTGRES") == "1":
            pytest.fail("PEERHELP_REQUIRE_POSTGRES=1 but PEERHELP_TEST_DATABASE_URL is not set")
        pytest.skip("no PostgreSQL: set PEERHELP_TEST_DATABASE_URL (see .ci/run)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as db:
        db.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES}{'&' if '?' in POSTGRES else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as db:
        db.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The state store's URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite'}"
    return request.getfixturevalue("postgres_url")
