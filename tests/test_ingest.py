"""Ingest through the real pipeline, real embeddings and a real Chroma + BM25 index."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.retrieval import HybridRetriever
from ingest.pipeline import run_ingest
from ingest.store import IndexVersion
from core.settings import Settings
from tests.conftest import ROOT, CountingEmbedder

pytestmark = pytest.mark.usefixtures("fast_model")


def _settings(tmp_path, corpus):
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


def test_seed_index__documents_chunks_and_retrieval(seed_index, embedder):
    index = IndexVersion.open_current(seed_index)
    assert len(index.state.documents) == 5
    assert len(index.chunks) > 100
    assert index.collection.count() == len(index.chunks) == len(index.embeddings)
    hits = HybridRetriever(index, embedder).retrieve("who do I email about SB 803 questions?", 3)
    assert any("Peers@dhcs.ca.gov" in h.chunk.text for h in hits)


def test_incremental__unchanged_changed_added_removed(tmp_path, short_corpus, fast_embedder):
    counting = CountingEmbedder(fast_embedder)
    settings = _settings(tmp_path, short_corpus)
    first = run_ingest(settings, embedder=counting)
    index = IndexVersion.open_current(settings.index_dir)
    assert counting.embedded == first.chunks + len(index.unit_embeddings)  # each chunk, and each unit inside it

    counting.embedded = 0
    again = run_ingest(settings, embedder=counting)
    assert not again.changed and counting.embedded == 0 and again.version == first.version

    page = short_corpus / "001_3e4d9a16ddad8708.txt"
    page.write_text(page.read_text() + "\nUpdate: the listening session recordings are posted online.\n")
    changed = run_ingest(settings, embedder=counting)
    index = IndexVersion.open_current(settings.index_dir)
    assert changed.changed and changed.reused_documents == 4
    assert counting.embedded == len(index.chunks_of("dhcs-peer-support-services")) + \
        len(index.unit_embeddings_of("dhcs-peer-support-services"))
    assert any("recordings are posted" in c.text for c in index.chunks)

    counting.embedded = 0
    (short_corpus / "renewal.md").write_text("# Renewal\n\nCertified peers renew every two years with CalMHSA.\n")
    manifest = json.loads((short_corpus / "manifest.json").read_text())
    manifest["documents"].append({"id": "renewal-note", "file": "renewal.md", "title": "Renewal note", "issuer": "Test",
                                  "kind": "staff-note", "url": None, "as_of": "2026-01", "language": "en"})
    manifest["documents"] = [d for d in manifest["documents"] if d["id"] != "la-dmh-wet-slides"]
    (short_corpus / "003_81f31b55680e0ce0.txt").unlink()
    (short_corpus / "manifest.json").write_text(json.dumps(manifest))
    summary = run_ingest(settings, embedder=counting)
    index = IndexVersion.open_current(settings.index_dir)
    assert summary.removed_documents == ["la-dmh-wet-slides"]
    assert set(index.state.documents) == {"dhcs-bh-workforce-development", "dhcs-peer-support-services",
                                          "mhsoac-peer-certification-resource-guide", "calmhsa-peer-certification",
                                          "renewal-note"}
    assert len(index.chunks_of("renewal-note")) == 1 and len(index.unit_embeddings_of("renewal-note")) == 1
    assert counting.embedded == 2  # its one chunk and the one sentence inside it
    assert index.collection.count() == len(index.chunks)
    assert len(index.unit_embeddings) == index.unit_rows[-1]  # the reused documents kept their unit vectors


def test_corrupt_file__is_skipped_and_everything_else_ingests(tmp_path, short_corpus, fast_embedder):
    (short_corpus / "bhin-21-041.pdf").write_bytes(b"%PDF-1.4\n% damaged download\n")
    manifest = json.loads((short_corpus / "manifest.json").read_text())
    manifest["documents"].append({"id": "bhin-21-041", "file": "bhin-21-041.pdf", "title": "BHIN 21-041", "issuer": "DHCS",
                                  "kind": "bhin", "as_of": "2021-07-22"})
    (short_corpus / "manifest.json").write_text(json.dumps(manifest))
    summary = run_ingest(_settings(tmp_path, short_corpus), embedder=fast_embedder)
    assert [s.file.endswith("bhin-21-041.pdf") for s in summary.skipped] == [True]
    assert summary.skipped[0].fix
    assert summary.documents == 5


def _cli(*args, env_extra=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "peerhelp.cli", *args], capture_output=True, text=True, env=env, timeout=300)


def test_cli_ingest__adds_a_file_then_reports_skips_with_exit_code_1(tmp_path, short_corpus):
    note = tmp_path / "exam-note.md"
    note.write_text("# Exam format\n\nThe certification exam can be taken in English or Spanish.\n")
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.7 broken")
    result = _cli("ingest", str(note), str(bad), "--corpus-dir", str(short_corpus), "--index-dir", str(tmp_path / "ix"),
                  "--issuer", "County BH", "--json")
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert out["documents"] == 6 and len(out["skipped"]) == 1 and "scan.pdf" in out["skipped"][0]["file"]
    manifest = json.loads((short_corpus / "manifest.json").read_text())
    added = [d for d in manifest["documents"] if d["id"] == "exam-format"]
    assert added and added[0]["issuer"] == "County BH" and (short_corpus / added[0]["file"]).exists()

    listed = _cli("documents", "--index-dir", str(tmp_path / "ix"), "--json")
    assert listed.returncode == 0 and "exam-format" in listed.stdout
    shown = _cli("chunks", "exam-format", "--index-dir", str(tmp_path / "ix"), "--json")
    assert json.loads(shown.stdout)[0]["heading_path"] == ["Exam format"]

    undone = _cli("undo", "--corpus-dir", str(short_corpus), "--index-dir", str(tmp_path / "ix"))
    assert undone.returncode == 0 and "Undone: Added exam-note.md as 'exam-format'" in undone.stderr, undone.stderr
    assert "5 documents" in undone.stdout and not (short_corpus / added[0]["file"]).exists()


def test_cli__a_file_without_entry_and_an_entry_without_file_are_skipped_and_the_rest_ingests(tmp_path, short_corpus):
    (short_corpus / "stray.txt").write_text("A file nobody described in the manifest.")
    (short_corpus / "004_b2cc685654df5877.txt").unlink()
    result = _cli("ingest", "--corpus-dir", str(short_corpus), "--index-dir", str(tmp_path / "ix"), "--json")
    assert result.returncode == 1, result.stderr
    out = json.loads(result.stdout)
    assert out["documents"] == 4 and (tmp_path / "ix" / "CURRENT").exists()
    reasons = {Path(s["file"]).name: s["reason"] for s in out["skipped"]}
    assert reasons["stray.txt"] == "no manifest entry"
    assert "names 004_b2cc685654df5877.txt, which is not in" in reasons["004_b2cc685654df5877.txt"]


def test_cli__manifest_error_is_one_line_with_exit_code_2(tmp_path, corpus_copy):
    (corpus_copy / "manifest.json").write_text('{"documents": [\n{"id": }\n]}')
    result = _cli("ingest", "--corpus-dir", str(corpus_copy), "--index-dir", str(tmp_path / "ix"))
    assert result.returncode == 2
    assert "manifest.json, line 2" in result.stderr and "Fix:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "ix" / "CURRENT").exists()


def test_cli__documents_without_an_index_says_how_to_build_one(tmp_path):
    result = _cli("documents", "--index-dir", str(tmp_path / "nothing"))
    assert result.returncode == 2 and "peerhelp ingest" in result.stderr


def test_ingest_opens_no_network_connection(tmp_path, short_corpus, network_attempts):
    """Loads fresh models (both packaged ones) and builds a Chroma store while every non-loopback connect is recorded."""
    from ingest.embedding import E5Embedder, MiniLMEmbedder

    fresh = MiniLMEmbedder()
    summary = run_ingest(_settings(tmp_path, short_corpus), embedder=fresh)
    fresh.embed_query("warm the model")
    E5Embedder().embed_query("warm the other model")
    assert summary.changed
    assert network_attempts == []


def test_per_index__computed_once_per_version_and_fresh_for_a_new_one(seed_index):
    from ingest.store import per_index

    calls = []

    @per_index
    def chunk_count(index, doc_id):
        calls.append(doc_id)
        return len(index.chunks_of(doc_id))

    first, second = IndexVersion.open_current(seed_index), IndexVersion.open_current(seed_index)
    assert chunk_count(first, "calmhsa-peer-certification") == chunk_count(first, "calmhsa-peer-certification") > 0
    assert calls == ["calmhsa-peer-certification"]
    chunk_count(second, "calmhsa-peer-certification")  # a reloaded version is computed afresh
    assert len(calls) == 2


def test_cli__a_bad_setting_is_one_readable_line_not_a_traceback():
    done = _cli("purge", env_extra={"PEERHELP_DATABASE_URL": "nonsense", "PEERHELP_CORS_ORIGINS": "foo"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "PEERHELP_DATABASE_URL: 'nonsense' is not a database URL. Fix:" in done.stderr
    assert "PEERHELP_CORS_ORIGINS: 'foo' is not an origin. Fix:" in done.stderr


def test_an_index_built_before_unit_vectors_is_refused_with_the_fix(tmp_path, seed_index):
    import shutil

    from core.errors import PeerhelpError

    copy = tmp_path / "index"
    shutil.copytree(seed_index, copy)
    index = IndexVersion.open_current(copy)
    (index.path / "unit_embeddings.npy").unlink()
    with pytest.raises(PeerhelpError, match="built before evidence units had vectors.*peerhelp ingest"):
        _ = index.unit_embeddings


def test_fit_refuses_the_test_split_and_an_unknown_suite_with_the_fix():
    refused = _cli("fit", "--split", "test")
    assert refused.returncode != 0 and "use --split dev" in refused.stderr + refused.stdout
    unknown = _cli("fit", "--suite", "nowhere")
    assert unknown.returncode != 0 and "known: seeds" in unknown.stderr + unknown.stdout
    no_llm = _cli("fit", "--judge", env_extra={"PEERHELP_LLM_BASE_URL": ""})
    assert no_llm.returncode == 2 and "--judge needs the LLM" in no_llm.stderr
