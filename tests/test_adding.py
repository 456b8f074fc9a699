"""Adding documents never loses or orphans one: colliding ids get their own, a replace is asked for by id and keeps
the fields not given, and every add, replace or remove can be undone (ingest/adding.py, ingest/history.py)."""

import json

import pytest

from ingest.adding import GivenFields, add_documents, remove_document
from ingest.history import last_change, undo_last
from ingest.manifest import read_manifest, unmatched
from ingest.pipeline import run_ingest
from core.errors import PeerhelpError
from core.settings import Settings

MAX = 1_000_000


def manifest(corpus) -> dict:
    return {e.id: e for e in read_manifest(corpus)}


def test_twenty_files_whose_titles_collide_become_twenty_documents(tmp_path, corpus_copy):
    folder = tmp_path / "pages"
    folder.mkdir()
    for n in range(20):
        (folder / f"page-{n:02d}.txt").write_text(f"Frequently Asked Questions\n\nAnswer number {n} about renewal.\n")
    added, failed = add_documents(corpus_copy, [folder], GivenFields(issuer="CalMHSA"), MAX)
    assert not failed and len(added) == 20 and len({a.entry.id for a in added}) == 20
    assert added[0].entry.id == "frequently-asked-questions" and added[1].entry.id == "frequently-asked-questions-2"
    assert "'frequently-asked-questions' is another document's id" in added[1].message()
    assert len(read_manifest(corpus_copy)) == 25 and unmatched(corpus_copy, read_manifest(corpus_copy)) == []
    texts = {(corpus_copy / a.entry.file).read_text() for a in added}
    assert len(texts) == 20  # no file overwrote another


def test_a_file_whose_inferred_id_is_taken_by_another_type_orphans_nothing(tmp_path, short_corpus, fast_embedder):
    existing = read_manifest(short_corpus)[0]
    note = tmp_path / "note.md"
    note.write_text(f"# {existing.title}\n\nA county note that happens to share the title.\n")
    [added], _ = add_documents(short_corpus, [note], GivenFields(), MAX)
    assert added.replaced is None and added.entry.id != existing.id and added.entry.file.endswith(".md")
    entries = manifest(short_corpus)
    assert entries[existing.id] == existing and (short_corpus / existing.file).is_file()
    assert unmatched(short_corpus, list(entries.values())) == []
    summary = run_ingest(Settings(corpus_dir=short_corpus, index_dir=tmp_path / "ix"), embedder=fast_embedder)
    assert summary.documents == 6 and not summary.skipped


def test_a_replace_by_id_keeps_the_fields_not_given_and_says_what_changed(tmp_path, corpus_copy):
    old = read_manifest(corpus_copy)[1]
    new = tmp_path / "new-version.txt"
    new.write_text("A rewritten page.\n\nIt says something new about peer support services.\n")
    [added], _ = add_documents(corpus_copy, [new], GivenFields(id=old.id), MAX)
    entry = manifest(corpus_copy)[old.id]
    assert added.replaced == old and len(read_manifest(corpus_copy)) == 5
    assert (entry.title, entry.issuer, entry.as_of, entry.as_of_approximate, entry.url, entry.kind) == \
        (old.title, old.issuer, old.as_of, old.as_of_approximate, old.url, old.kind)
    assert (corpus_copy / entry.file).read_text() == new.read_text()
    assert added.message() == f"Replaced {old.id} (new text, same fields)"

    [again], _ = add_documents(corpus_copy, [new], GivenFields(id=old.id, issuer="County BH", as_of="2026-03"), MAX)
    assert again.message() == f"Replaced {old.id} (issuer {old.issuer!r} → 'County BH'; as_of {old.as_of!r} → '2026-03')"


def test_a_replace_with_another_file_type_leaves_no_old_file_and_undo_brings_it_back(tmp_path, corpus_copy):
    old = read_manifest(corpus_copy)[2]
    before = (corpus_copy / old.file).read_text()
    new = tmp_path / "slides.md"
    new.write_text("# Slides\n\nThe new deck.\n")
    [added], _ = add_documents(corpus_copy, [new], GivenFields(id=old.id), MAX)
    assert added.entry.file != old.file and not (corpus_copy / old.file).exists()
    assert unmatched(corpus_copy, read_manifest(corpus_copy)) == []

    change = undo_last(corpus_copy)
    assert change.description.startswith(f"Replaced {old.id}")
    assert manifest(corpus_copy)[old.id] == old and (corpus_copy / old.file).read_text() == before
    assert not (corpus_copy / added.entry.file).exists() and unmatched(corpus_copy, read_manifest(corpus_copy)) == []


def test_remove_and_add_are_undone_in_reverse_order(tmp_path, corpus_copy):
    original = (corpus_copy / "manifest.json").read_text()
    gone = read_manifest(corpus_copy)[0]
    content = (corpus_copy / gone.file).read_bytes()
    note = tmp_path / "n.txt"
    note.write_text("Stipend note\n\nThe county stipend is paid monthly.\n")
    [added], _ = add_documents(corpus_copy, [note], GivenFields(), MAX)
    remove_document(corpus_copy, gone.id)
    assert last_change(corpus_copy).description == f"Removed {gone.id} ({gone.title})"

    undo_last(corpus_copy)
    assert (corpus_copy / gone.file).read_bytes() == content and gone.id in manifest(corpus_copy)
    undo_last(corpus_copy)
    assert not (corpus_copy / added.entry.file).exists()
    assert json.loads((corpus_copy / "manifest.json").read_text()) == json.loads(original)
    with pytest.raises(PeerhelpError, match="no change to undo"):
        undo_last(corpus_copy)


def test_a_file_already_in_the_corpus_without_entry_is_adopted_under_its_own_name(corpus_copy):
    stray = corpus_copy / "stray-faq.txt"
    stray.write_text("Stipend FAQ\n\nStipends are paid after each module.\n")
    assert [u.file for u in unmatched(corpus_copy, read_manifest(corpus_copy))] == ["stray-faq.txt"]
    [added], _ = add_documents(corpus_copy, [stray], GivenFields(issuer="County BH"), MAX)
    assert added.entry.file == "stray-faq.txt" and unmatched(corpus_copy, read_manifest(corpus_copy)) == []


def test_the_same_file_added_twice_is_one_document(tmp_path, corpus_copy):
    note = tmp_path / "n.txt"
    note.write_text("Stipend note\n\nThe county stipend is paid monthly.\n")
    [first], _ = add_documents(corpus_copy, [note], GivenFields(), MAX)
    added, [skipped] = add_documents(corpus_copy, [note], GivenFields(), MAX)
    assert added == [] and f"already holds this file as '{first.entry.id}'" in str(skipped)
    assert f"--id {first.entry.id}" in str(skipped) and len(read_manifest(corpus_copy)) == 6


def test_the_date_a_document_states_is_its_as_of_date_not_the_upload_day(tmp_path, corpus_copy):
    from tests.test_loaders import make_pdf

    pdf = make_pdf(tmp_path / "stipends.pdf", ["County Peer Stipend FAQ", "Updated March 2026",
                                                "Stipends are paid after each module."])
    undated = tmp_path / "undated.txt"
    undated.write_text("Meeting notes\n\nThe hub meets on Tuesdays.\n")
    added, _ = add_documents(corpus_copy, [pdf, undated], GivenFields(), MAX)
    dated, plain = (a.entry for a in added)
    assert (dated.as_of, dated.as_of_approximate) == ("2026-03", False)
    assert plain.as_of is None and plain.display_date == "date unknown"  # never the day the file was copied
    assert "date unknown" in added[1].message() and "2026-03" in added[0].message()

    newer = tmp_path / "stipends-v2.txt"
    newer.write_text("County Peer Stipend FAQ\nRevised: May 4, 2026\n\nStipends are paid monthly.\n")
    [again], _ = add_documents(corpus_copy, [newer], GivenFields(id=dated.id), MAX)
    assert again.entry.as_of == "2026-05-04" and "as_of '2026-03' → '2026-05-04'" in again.message()


@pytest.mark.parametrize("text,expected", [
    ("Last modified: 2025-11-03\n\nBody.", "2025-11-03"),
    ("Effective July 1, 2024, counties may bill.", "2024-07-01"),
    ("Página\nActualizado en marzo de 2026\nTexto.", "2026-03"),
    ("Posted 7/22/2021", "2021-07-22"),
    ("Revised: Sept. 2025", "2025-09"),
    ("This guide was updated in 2026 for all counties.", None),  # a year alone says too little
    ("Effective 30 days after the notice.", None),
    ("Updated 13/45/2021", None),
])
def test_stated_dates(text, expected):
    from ingest.dating import stated_date

    assert stated_date(text) == expected


def test_only_the_latest_changes_are_kept_for_undo(corpus_copy, monkeypatch):
    import ingest.history

    monkeypatch.setattr(ingest.history, "KEEP", 2)
    ids = [e.id for e in read_manifest(corpus_copy)[:3]]
    for doc_id in ids:
        remove_document(corpus_copy, doc_id)
    assert len(list((corpus_copy / ".history").iterdir())) == 2
    undo_last(corpus_copy)
    undo_last(corpus_copy)
    assert ids[0] not in manifest(corpus_copy) and {ids[1], ids[2]} <= set(manifest(corpus_copy))
    with pytest.raises(PeerhelpError, match="no change to undo"):
        undo_last(corpus_copy)


@pytest.mark.parametrize("typed,stored", [("March 2026", "2026-03"), ("3/15/2026", "2026-03-15"), ("2026-03", "2026-03"),
                                          ("15 de marzo de 2026", "2026-03-15"), ("2026", "2026")])
def test_a_date_is_taken_as_staff_write_it(tmp_path, corpus_copy, typed, stored):
    doc = tmp_path / "memo.txt"
    doc.write_text("Supervision memo\n\nPeer staff meet their supervisor every week.\n")
    [added], _ = add_documents(corpus_copy, [doc], GivenFields(as_of=typed), MAX)
    assert (added.entry.as_of, added.entry.as_of_approximate) == (stored, False)


@pytest.mark.parametrize("given,field", [(GivenFields(as_of="Marchh 2026"), "As-of date"),
                                         (GivenFields(url="javascript:alert(1)"), "URL"),
                                         (GivenFields(kind="memo"), "Kind"),
                                         (GivenFields(id="Bad Id!"), "Id")])
def test_a_bad_field_is_refused_by_name_with_its_fix_and_nothing_changes(tmp_path, corpus_copy, given, field):
    doc = tmp_path / "memo.txt"
    doc.write_text("Supervision memo\n\nPeer staff meet their supervisor every week.\n")
    before = (corpus_copy / "manifest.json").read_text()
    with pytest.raises(PeerhelpError, match=rf"^{field} '.*' is not .*Fix: "):
        add_documents(corpus_copy, [doc], given, MAX)
    assert (corpus_copy / "manifest.json").read_text() == before and not (corpus_copy / "memo.txt").exists()
    assert last_change(corpus_copy) is None  # no change recorded: nothing to undo


def test_a_document_without_a_date_is_ingested_and_cited_as_date_unknown(tmp_path, short_corpus, fast_embedder):
    from assistant.compose import Citations
    from ingest.pipeline import run_ingest
    from ingest.store import IndexVersion
    from core.settings import Settings

    undated = tmp_path / "hub-notes.txt"
    undated.write_text("Hub meeting notes\n\nThe peer hub meets on Tuesdays at the county library.\n")
    [added], _ = add_documents(short_corpus, [undated], GivenFields(), MAX)
    settings = Settings(corpus_dir=short_corpus, index_dir=tmp_path / "index")
    run_ingest(settings, embedder=fast_embedder)
    index = IndexVersion.open_current(settings.index_dir)
    assert index.state.documents[added.entry.id].as_of is None
    chunk = next(c for c in index.chunks if c.doc_id == added.entry.id)
    cites = Citations()
    cites.add(chunk, chunk.start, chunk.end)
    assert cites.items[0].date == "date unknown"


def test_preview_shows_the_entry_a_file_would_get_and_writes_nothing(tmp_path, corpus_copy):
    from ingest.adding import preview

    before = (corpus_copy / "manifest.json").read_text()
    doc = tmp_path / "faq.txt"
    doc.write_text("Peer Stipend FAQ\nEffective: 2026-02-01\n\nStipends are paid monthly.\n")
    planned = preview(corpus_copy, doc, GivenFields(), MAX)
    assert (planned.entry.id, planned.entry.title, planned.entry.as_of, planned.replaced) == \
        ("peer-stipend-faq", "Peer Stipend FAQ", "2026-02-01", None)
    assert (corpus_copy / "manifest.json").read_text() == before and not (corpus_copy / "faq.txt").exists()
