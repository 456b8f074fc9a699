"""Add files to the corpus: copy each into corpus/ and give it a manifest entry.

Copying (rather than indexing a path elsewhere) keeps corpus/ + manifest.json the single
source of truth: the next ingest, a restart or a new machine sees the same documents.
"""

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.cleaning import clean_text
from ingest.loaders import load_text
from ingest.manifest import SUPPORTED_SUFFIXES, DocumentEntry, read_manifest, slugify, write_manifest
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


def add_documents(corpus_dir: Path, paths: list[Path], given: GivenFields, max_bytes: int) -> tuple[list[DocumentEntry], list[LoadError]]:
    files = expand_paths(paths)
    if len(files) > 1 and (given.title or given.id or given.url):
        raise PeerhelpError("--title, --id and --url describe one document. Fix: add files one at a time to give them.")
    entries = read_manifest(corpus_dir)
    added: list[DocumentEntry] = []
    failed: list[LoadError] = []
    for path in files:
        try:
            cleaned = clean_text(load_text(path, max_bytes))
        except LoadError as err:
            failed.append(err)
            continue
        entry = _entry_for(path, cleaned, given, entries)
        entries = [e for e in entries if e.id != entry.id and e.file != entry.file]
        dest = corpus_dir / entry.file
        if path.resolve() != dest.resolve():
            tmp = dest.with_name("." + dest.name + ".tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(dest)
        entries.append(entry)
        added.append(entry)
    if added:
        write_manifest(corpus_dir, entries)
    return added, failed


def remove_document(corpus_dir: Path, doc_id: str) -> DocumentEntry:
    entries = read_manifest(corpus_dir)
    match = [e for e in entries if e.id == doc_id]
    if not match:
        raise PeerhelpError(f"No document with id '{doc_id}' in {corpus_dir}/manifest.json. Fix: see `peerhelp documents`.")
    write_manifest(corpus_dir, [e for e in entries if e.id != doc_id])
    (corpus_dir / match[0].file).unlink(missing_ok=True)
    return match[0]


def _entry_for(path: Path, cleaned: str, given: GivenFields, existing: list[DocumentEntry]) -> DocumentEntry:
    title = given.title or _guess_title(cleaned, path)
    doc_id = given.id or slugify(title)
    same = next((e for e in existing if e.id == doc_id), None)
    file_name = same.file if same and Path(same.file).suffix == path.suffix.lower() else _free_name(path, existing, doc_id)
    as_of, approximate = (given.as_of, False) if given.as_of else (date.fromtimestamp(path.stat().st_mtime).isoformat(), True)
    return DocumentEntry(
        id=doc_id, file=file_name, title=title, issuer=given.issuer or "Unknown issuer",
        kind=given.kind or _guess_kind(path, title), url=given.url, as_of=as_of, as_of_approximate=approximate,
        language=given.language or detect_language(cleaned),
    )


def _free_name(path: Path, existing: list[DocumentEntry], doc_id: str) -> str:
    taken = {e.file for e in existing}
    name = f"{doc_id}{path.suffix.lower()}"
    n = 2
    while name in taken:
        name = f"{doc_id}-{n}{path.suffix.lower()}"
        n += 1
    return name


def _guess_title(cleaned: str, path: Path) -> str:
    for line in cleaned.splitlines():
        s = line.lstrip("#").strip()
        if 3 <= len(s) <= 120:
            return s
    return path.stem.replace("_", " ").replace("-", " ").strip() or path.name


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
