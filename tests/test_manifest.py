import json

import pytest

from ingest.manifest import read_manifest, unmatched
from core.errors import ManifestError


def test_read_manifest__seed_corpus_is_complete(corpus_copy):
    entries = read_manifest(corpus_copy)
    assert len(entries) == 5
    assert {e.kind for e in entries} <= {"bhin", "faq", "guide", "rules", "webpage", "slides"}
    assert all(e.title and e.issuer and e.as_of for e in entries)


def test_unmatched__a_file_without_entry_names_the_file_and_the_fix(corpus_copy):
    (corpus_copy / "new-faq.txt").write_text("Frequently asked questions about certification.")
    (corpus_copy / ".new-faq.txt.tmp").write_text("a half-copied file is not a document")
    [found] = unmatched(corpus_copy, read_manifest(corpus_copy))
    assert (found.file, found.entry_id, found.reason) == ("new-faq.txt", None, "no manifest entry")
    assert "peerhelp ingest FILE" in found.fix


def test_unmatched__an_entry_without_file_names_the_entry_and_the_file(corpus_copy):
    (corpus_copy / "004_b2cc685654df5877.txt").unlink()
    [found] = unmatched(corpus_copy, read_manifest(corpus_copy))
    assert found.file == "004_b2cc685654df5877.txt" and found.entry_id and "remove the entry" in found.fix


def test_read_manifest__bad_date_and_kind_are_reported_per_entry(corpus_copy):
    path = corpus_copy / "manifest.json"
    data = json.loads(path.read_text())
    data["documents"][1]["as_of"] = "July 2021"
    path.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="001_3e4d9a16ddad8708.txt.*as_of"):
        read_manifest(corpus_copy)


def test_read_manifest__invalid_json_gives_the_line(corpus_copy):
    (corpus_copy / "manifest.json").write_text('{"documents": [\n{"id": }\n]}')
    with pytest.raises(ManifestError, match="line 2"):
        read_manifest(corpus_copy)


def test_read_manifest__duplicate_ids_are_refused(corpus_copy):
    path = corpus_copy / "manifest.json"
    data = json.loads(path.read_text())
    data["documents"][1]["id"] = data["documents"][0]["id"]
    path.write_text(json.dumps(data))
    with pytest.raises(ManifestError, match="appears twice"):
        read_manifest(corpus_copy)


def test_a_manifest_link_must_be_a_web_address(tmp_path):
    """A citation's link opens in a peer's browser: a hand-edited javascript: URL is refused at ingest."""
    from ingest.manifest import DocumentEntry

    fields = dict(id="memo", file="memo.txt", title="Memo", issuer="County", kind="guide", as_of="2026")
    assert DocumentEntry(**fields, url="https://example.org/memo").url == "https://example.org/memo"
    for bad in ("javascript:alert(1)", "data:text/html,hi", "example.org/memo", "https://"):
        with pytest.raises(ValueError, match="web address"):
            DocumentEntry(**fields, url=bad)
