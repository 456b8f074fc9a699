"""Add files to the corpus: copy each into corpus/ and give it a manifest entry.

Copying (rather than indexing a path elsewhere) keeps corpus/ + manifest.json the single
source of truth: the next ingest, a restart or a new machine sees the same documents.
"""

import re
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.cleaning import clean_text
from ingest.dating import stated_date, written_date
from ingest.describing import UNKNOWN_ISSUER, describe
from ingest.history import snapshot
from ingest.loaders import load_text
from ingest.manifest import (ID_PATTERN, MARKUP, MAX_NAME_CHARS, SUPPORTED_SUFFIXES, WEB_ADDRESS, DocumentEntry, Kind,
                             read_manifest, slugify, write_manifest)
from core.errors import LoadError, PeerhelpError

_SPANISH = set("el la los las de del que y en para con por una un es se su sus al como más pero está son".split())
_ENGLISH = set("the of and to in for is on that with as are by be this from or an it at".split())


@dataclass
class GivenFields:
    title: str | None = None
    issuer: str | None = None
    kind: str | None = None
    url: str | None = None
    as_of: str | None = None
    language: str | None = None
    id: str | None = None


def expand_paths(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            files.append(p)
    return files


@dataclass
class Added:
    """One file taken into the corpus: as a new document, or as a new version of the one whose id was given."""

    entry: DocumentEntry
    source: str  # the name of the file given
    replaced: DocumentEntry | None = None
    taken_id: str | None = None  # the inferred id another document already had

    def message(self) -> str:
        if self.replaced is not None:
            changed = [f"{name} {getattr(self.replaced, name)!r} → {getattr(self.entry, name)!r}"
                       for name in ("file", "title", "issuer", "kind", "url", "as_of", "language")
                       if getattr(self.replaced, name) != getattr(self.entry, name)]
            return f"Replaced {self.entry.id}" + (f" ({'; '.join(changed)})" if changed else " (new text, same fields)")
        note = f"; '{self.taken_id}' is another document's id" if self.taken_id else ""
        e = self.entry
        return (f"Added {self.source} as '{e.id}' ({e.kind}){note}: title {e.title!r}, issuer {e.issuer!r}, "
                f"{e.display_date}, language {e.language}")


def add_documents(corpus_dir: Path, paths: list[Path], given: GivenFields,
                  max_bytes: int) -> tuple[list[Added], list[LoadError]]:
    """Copy the files into the corpus with manifest entries. A file replaces a document only when its id is given
    (`given.id`); otherwise an inferred id that another document (or another file of this run) has gets a free
    one. The manifest and the files a change overwrites are snapshot first (ingest/history.py: undo)."""
    files = expand_paths(paths)
    if len(files) > 1 and (given.title or given.id or given.url):
        raise PeerhelpError("--title, --id and --url describe one document. Fix: add files one at a time to give them.")
    given = _checked(given)
    entries = read_manifest(corpus_dir)
    planned: list[tuple[Path, Added]] = []
    failed: list[LoadError] = []
    for path in files:
        try:
            cleaned = clean_text(load_text(path, max_bytes))
        except LoadError as err:
            failed.append(err)
            continue
        twin = None if given.id else _same_bytes(corpus_dir, path, entries)
        if twin is not None:
            failed.append(LoadError(str(path), f"the corpus already holds this file as '{twin.id}'",
                                    f"nothing to do; to replace a document with a new version, give its id (--id {twin.id})"))
            continue
        added = _plan(corpus_dir, path, cleaned, given, entries)
        entries = [e for e in entries if e.id != added.entry.id] + [added.entry]
        planned.append((path, added))
    if not planned:
        return [], failed
    replaced = [a.replaced.file for _, a in planned if a.replaced]
    snapshot(corpus_dir, "; ".join(a.message() for _, a in planned), replaced + [a.entry.file for _, a in planned],
             [a.entry.file for _, a in planned])
    for path, added in planned:
        dest = corpus_dir / added.entry.file
        if path.resolve() != dest.resolve():
            tmp = dest.with_name("." + dest.name + ".tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(dest)
    write_manifest(corpus_dir, entries)
    for old in replaced:
        if old not in {e.file for e in entries}:
            (corpus_dir / old).unlink(missing_ok=True)
    return [a for _, a in planned], failed


def preview(corpus_dir: Path, path: Path, given: GivenFields, max_bytes: int) -> Added:
    """What adding the file would record (its id and the fields read from it, or kept from the document it
    replaces), so staff can check and correct them first; nothing is written. LoadError when it cannot be read."""
    given = _checked(given)
    return _plan(corpus_dir, path, clean_text(load_text(path, max_bytes)), given, read_manifest(corpus_dir))


def remove_document(corpus_dir: Path, doc_id: str) -> DocumentEntry:
    entries = read_manifest(corpus_dir)
    match = [e for e in entries if e.id == doc_id]
    if not match:
        raise PeerhelpError(f"No document with id '{doc_id}' in {corpus_dir}/manifest.json. Fix: see `peerhelp documents`.")
    snapshot(corpus_dir, f"Removed {doc_id} ({match[0].title})", [match[0].file], [])
    write_manifest(corpus_dir, [e for e in entries if e.id != doc_id])
    (corpus_dir / match[0].file).unlink(missing_ok=True)
    return match[0]


def _plan(corpus_dir: Path, path: Path, cleaned: str, given: GivenFields, existing: list[DocumentEntry]) -> Added:
    """The entry a file gets; a replaced document keeps every field not given."""
    old = next((e for e in existing if e.id == given.id), None) if given.id else None
    described = describe(path, cleaned, given.url or (old.url if old else None))
    inferred = slugify(given.title or described.title)
    doc_id = given.id or _free_id(inferred, existing)
    if path.resolve().parent == corpus_dir.resolve():  # a file already in corpus/ (one with no entry) keeps its name
        file_name = path.name
    elif old is not None and Path(old.file).suffix == path.suffix.lower():
        file_name = old.file
    else:
        file_name = _free_name(corpus_dir, path, existing, doc_id)
    title = given.title or (old.title if old else described.title)
    stated = stated_date(cleaned)
    if given.as_of or stated:  # a new version's own "Updated …" line beats the old entry's date
        as_of, approximate = given.as_of or stated, False
    elif old is not None:
        as_of, approximate = old.as_of, old.as_of_approximate
    else:  # never the file's date: that is the day it was downloaded or copied, not what it speaks as of
        as_of, approximate = None, False
    known_issuer = old.issuer if old and old.issuer != UNKNOWN_ISSUER else None
    entry = DocumentEntry(
        id=doc_id, file=file_name, title=title, issuer=given.issuer or known_issuer or described.issuer,
        kind=given.kind or (old.kind if old else _guess_kind(path, title)), url=given.url or (old.url if old else None),
        as_of=as_of, as_of_approximate=approximate,
        language=given.language or (old.language if old else detect_language(cleaned)))
    return Added(entry, path.name, old, inferred if doc_id != inferred and not given.id else None)


def _checked(given: GivenFields) -> GivenFields:
    """The fields staff typed, each refused with the field's name, what is wrong and how to write it — before any
    file is touched. A date is taken as people write it."""
    as_of = given.as_of
    if as_of is not None:
        as_of = written_date(as_of)
        if as_of is None:
            raise PeerhelpError(f"As-of date '{given.as_of}' is not a date. Fix: write it like 2026-03-15, 2026-03, "
                                "March 2026 or 3/15/2026.")
    if given.url is not None and not WEB_ADDRESS.match(given.url.strip()):
        raise PeerhelpError(f"URL '{given.url}' is not a web address. Fix: paste the page's full address, "
                            "starting with https://.")
    if given.kind is not None and given.kind not in {k.value for k in Kind}:
        raise PeerhelpError(f"Kind '{given.kind}' is not one of {', '.join(k.value for k in Kind)}. Fix: pick one of "
                            "those, or leave it empty to have it guessed.")
    for name, value in (("Title", given.title), ("Issuer", given.issuer)):
        if value is not None and (MARKUP.search(value) or len(value) > MAX_NAME_CHARS):
            raise PeerhelpError(f"{name} is not plain text (HTML tags, control characters, or over {MAX_NAME_CHARS} "
                                "characters). Fix: write it as peers should read it, e.g. Peer Support FAQ.")
    if given.id is not None and not ID_PATTERN.match(given.id):
        raise PeerhelpError(f"Id '{given.id}' is not an id. Fix: use lowercase letters, digits and '-' (see the "
                            "Documents table for the ids in use).")
    return replace(given, as_of=as_of, url=given.url.strip() if given.url else None)


def _same_bytes(corpus_dir: Path, path: Path, entries: list[DocumentEntry]) -> DocumentEntry | None:
    """The document whose file has exactly these bytes (uploading the same file twice adds nothing)."""
    size, content = path.stat().st_size, None
    for e in entries:
        other = corpus_dir / e.file
        if other.is_file() and other.stat().st_size == size and other.resolve() != path.resolve():
            content = path.read_bytes() if content is None else content
            if other.read_bytes() == content:
                return e
    return None


def _free_id(doc_id: str, existing: list[DocumentEntry]) -> str:
    taken = {e.id for e in existing}
    n, candidate = 2, doc_id
    while candidate in taken:
        candidate = f"{doc_id[:60].rstrip('-')}-{n}"
        n += 1
    return candidate


def _free_name(corpus_dir: Path, path: Path, existing: list[DocumentEntry], doc_id: str) -> str:
    """A file name no entry uses and no file in corpus/ has."""
    taken = {e.file for e in existing} | {f.name for f in corpus_dir.iterdir()}
    name = f"{doc_id}{path.suffix.lower()}"
    n = 2
    while name in taken:
        name = f"{doc_id}-{n}{path.suffix.lower()}"
        n += 1
    return name


def _guess_kind(path: Path, title: str) -> str:
    text = f"{path.name} {title}".lower()
    if re.search(r"\bbhin\b|information notice", text):
        return "bhin"
    if re.search(r"\bfaqs?\b|frequently asked", text):
        return "faq"
    if path.suffix.lower() in {".html", ".htm"}:
        return "webpage"
    return "guide"


def detect_language(text: str) -> str:
    words = re.findall(r"[a-záéíóúñ]+", text.lower()[:20000])
    es = sum(w in _SPANISH for w in words)
    en = sum(w in _ENGLISH for w in words)
    return "es" if es > en else "en"
