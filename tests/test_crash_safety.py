"""A kill at any moment of an ingest leaves the previous index current, loadable and answering."""

import os
import signal
import subprocess
import sys
import time

import pytest

from assistant.retrieval import HybridRetriever
from ingest.pipeline import run_ingest
from ingest.store import BUILDING_PREFIX, CURRENT, VERSIONS, IndexVersion
from core.settings import Settings
from tests.conftest import ROOT

# (stage line to wait for, extra delay before SIGKILL): spread over embedding and every write step.
KILL_POINTS = [
    pytest.param("checking", 0.0, marks=pytest.mark.slow),
    ("embedding", 0.5),
    pytest.param("writing chunks", 0.0, marks=pytest.mark.slow),
    pytest.param("writing BM25 index", 0.05, marks=pytest.mark.slow),
    ("writing Chroma collection", 0.2),
    pytest.param("switching to the new version", 0.0, marks=pytest.mark.slow),
]

pytestmark = pytest.mark.usefixtures("fast_model")


def _assert_serving(index_dir, fast_embedder, allowed_versions):
    name = (index_dir / CURRENT).read_text().strip()
    assert not name.startswith(BUILDING_PREFIX)
    assert name in allowed_versions
    index = IndexVersion.open_current(index_dir)
    assert (index.path / "state.json").exists() and index.collection.count() == index.meaning_searchable
    hits = HybridRetriever(index, fast_embedder).retrieve("Which counties participate in peer certification?", 5)
    assert hits and all(h.chunk.text for h in hits)
    return index.version


@pytest.mark.parametrize("stage,delay", KILL_POINTS)
def test_sigkill_during_ingest_leaves_previous_index_serving(fast_seed_copy, fast_embedder, stage, delay):
    corpus_copy, index_dir = fast_seed_copy
    settings = Settings(corpus_dir=corpus_copy, index_dir=index_dir)
    first = IndexVersion.open_current(index_dir).version

    guide = corpus_copy / "002_a3f5e78bf45f2be3.txt"
    guide.write_text(guide.read_text() + f"\nAddendum written before a crash at '{stage}'.\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "peerhelp.cli", "ingest", "--corpus-dir", str(corpus_copy),
                             "--index-dir", str(index_dir)], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, env=env)
    seen = []
    deadline = time.monotonic() + 240
    for line in proc.stderr:
        seen.append(line)
        if stage in line:
            time.sleep(delay)
            break
        assert time.monotonic() < deadline, "ingest never reached the stage"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "".join(seen)

    versions_dir = index_dir / VERSIONS
    complete = {p.name for p in versions_dir.iterdir() if not p.name.startswith(BUILDING_PREFIX)}
    # Killed just after the atomic switch, the new version may be current; it must then be complete.
    _assert_serving(index_dir, fast_embedder, allowed_versions=complete)
    serving = IndexVersion.open_current(index_dir)
    if serving.version != first:  # past the switch, or a words-first build published before the embedding
        assert stage == "switching to the new version" or serving.pending == {"mhsoac-peer-certification-resource-guide"}
        assert any("Addendum written before a crash" in c.text for c in serving.chunks)

    recovered = run_ingest(settings, embedder=fast_embedder)
    assert not any(p.name.startswith(BUILDING_PREFIX) for p in versions_dir.iterdir())
    latest = _assert_serving(index_dir, fast_embedder, allowed_versions={recovered.version})
    assert any("Addendum written before a crash" in c.text for c in IndexVersion.open_current(index_dir).chunks), latest
