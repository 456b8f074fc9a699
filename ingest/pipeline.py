"""Ingest the corpus into a new index version, re-embedding only what changed."""

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.chunking import CHUNKING_VERSION, Chunk, chunk_document
from ingest.cleaning import CLEANING_VERSION, clean_text
from ingest.embedding import Embedder, get_embedder
from ingest.lexical import LEXICAL_VERSION
from ingest.loaders import load_text
from ingest.manifest import DocumentEntry, read_manifest, unmatched
from ingest.profile import PROFILE_FILE, read_profile
from ingest.store import (DocumentState, IndexState, IndexVersion, current_version_dir, ingest_lock,
                          new_version_name, prune, write_version)
from ingest.units import UNITS_VERSION, split_units, unit_embedding_text
from core.errors import LoadError, PeerhelpError
from core.settings import Settings


class Reporter(Protocol):
    def stage(self, message: str) -> None: ...

    def skipped(self, error: LoadError) -> None: ...

    def embedding_started(self, total: int) -> None: ...

    def embedded(self, count: int) -> None: ...


class SilentReporter:
    def stage(self, message: str) -> None:
        pass

    def skipped(self, error: LoadError) -> None:
        pass

    def embedding_started(self, total: int) -> None:
        pass

    def embedded(self, count: int) -> None:
        pass


@dataclass
class Skip:
    file: str
    reason: str
    fix: str


@dataclass
class IngestSummary:
    version: str | None
    changed: bool
    documents: int
    chunks: int
    embedded_chunks: int
    reused_documents: int
    removed_documents: list[str]
    skipped: list[Skip] = field(default_factory=list)
    seconds: float = 0.0
    words_first_version: str | None = None  # a build published before the vectors: searchable by words meanwhile

    def to_dict(self) -> dict:
        return {**{k: v for k, v in vars(self).items() if k != "skipped"}, "skipped": [vars(s) for s in self.skipped]}


@dataclass
class Prepared:
    entry: DocumentEntry
    content_hash: str
    chunks: list[Chunk]
    embeddings: np.ndarray | None  # None: still to embed
    cleaned_chars: int
    reused: bool = False
    unit_embeddings: np.ndarray | None = None  # one row per evidence unit (ingest/units.py)


def content_hash(path: Path, entry: DocumentEntry) -> str:
    h = hashlib.sha256(path.read_bytes())
    h.update(json.dumps(entry.model_dump(mode="json"), sort_keys=True).encode())
    return h.hexdigest()


def pipeline_signature(settings: Settings, embedder: Embedder) -> str:
    """Anything that changes chunk text or vectors; a different signature re-embeds everything."""
    return (f"clean-v{CLEANING_VERSION}|chunk-v{CHUNKING_VERSION}|lexical-v{LEXICAL_VERSION}|"
            f"units-v{UNITS_VERSION}|target-{settings.chunk_target_tokens}|{embedder.name}")


def run_ingest(settings: Settings, reporter: Reporter | None = None, embedder: Embedder | None = None) -> IngestSummary:
    reporter = reporter or SilentReporter()
    started = time.perf_counter()
    corpus_dir, index_dir = settings.corpus_dir, settings.index_dir
    reporter.stage(f"reading manifest in {corpus_dir}")
    entries = read_manifest(corpus_dir)
    problems = unmatched(corpus_dir, entries)
    missing = {u.entry_id for u in problems if u.entry_id}
    entries = [e for e in entries if e.id not in missing]
    profile = read_profile(corpus_dir)
    if profile is None:
        reporter.stage(f"no {PROFILE_FILE} in {corpus_dir}: answers name no program and offer no contact. "
                       "Fix: write one (docs/profile.md)")
    profile_data = profile.model_dump(mode="json") if profile else None
    embedder = embedder or get_embedder(settings.embedding_model)
    signature = pipeline_signature(settings, embedder)

    with ingest_lock(index_dir):
        prune(index_dir, settings.keep_versions, settings.chroma_url)
        previous = IndexVersion(current_version_dir(index_dir)) if current_version_dir(index_dir) else None
        reusable = previous if previous and previous.state.signature == signature else None

        reporter.stage(f"checking {len(entries)} documents")
        prepared: list[Prepared] = []
        skipped: list[Skip] = []
        for u in problems:
            err = LoadError(str(corpus_dir / u.file), u.reason, u.fix)
            skipped.append(Skip(err.path, err.reason, err.fix))
            reporter.skipped(err)
        max_bytes = int(settings.max_file_mb * 1_000_000)
        for entry in entries:
            path = corpus_dir / entry.file
            digest = content_hash(path, entry)
            old = reusable.state.documents.get(entry.id) if reusable else None
            if old and old.content_hash == digest and entry.id in reusable.pending:  # words first, vectors still owed
                prepared.append(Prepared(entry, digest, reusable.chunks_of(entry.id), None, old.cleaned_chars, reused=True))
                continue
            if old and old.content_hash == digest:
                prepared.append(Prepared(entry, digest, reusable.chunks_of(entry.id), reusable.embeddings_of(entry.id),
                                         old.cleaned_chars, reused=True,
                                         unit_embeddings=reusable.unit_embeddings_of(entry.id)))
                continue
            try:
                cleaned = clean_text(load_text(path, max_bytes))
            except LoadError as err:
                skipped.append(Skip(err.path, err.reason, err.fix))
                reporter.skipped(err)
                continue
            meta = entry.model_dump(mode="json")
            chunks = chunk_document(cleaned, doc_id=entry.id, count_tokens=embedder.count_tokens,
                                    target_tokens=settings.chunk_target_tokens, meta=meta)
            if not chunks:
                err = LoadError(str(path), "no text left after cleaning", "check that the file has real content")
                skipped.append(Skip(err.path, err.reason, err.fix))
                reporter.skipped(err)
                continue
            prepared.append(Prepared(entry, digest, chunks, None, len(cleaned)))

        if not prepared:
            raise PeerhelpError(f"{corpus_dir}: no document could be ingested (see the skipped files above); "
                                "the previous index, if any, keeps serving. Fix: repair or replace those files.")
        previous_ids = set(previous.state.documents) if previous else set()
        current_ids = {p.entry.id for p in prepared}
        removed = sorted(previous_ids - current_ids)
        to_embed = [p for p in prepared if p.embeddings is None]
        unchanged = previous is not None and reusable is not None and not to_embed and not removed \
            and previous.state.profile == profile_data
        if unchanged:
            reporter.stage("nothing changed: the current index is up to date")
            return IngestSummary(previous.version, False, len(prepared), sum(len(p.chunks) for p in prepared),
                                 0, len(prepared), [], skipped, time.perf_counter() - started)

        total = sum(len(p.chunks) for p in to_embed)
        unit_texts = {id(p): [unit_embedding_text(c, u) for c in p.chunks for u in split_units(c)] for p in to_embed}
        units = sum(len(texts) for texts in unit_texts.values())
        words_first = None
        if total + units > settings.embed_now_limit:
            words_first = _publish(settings, prepared, previous, signature, profile_data, reporter, embedder.dimension,
                                   pending=frozenset(p.entry.id for p in to_embed))
            reporter.stage(f"searchable by words now (version {words_first}); meaning search follows when the "
                           f"vectors below are done — stopping here keeps that version, and the next ingest resumes")
        reporter.stage(f"embedding {total} chunks and their {units} sentences, items and records "
                       f"from {len(to_embed)} documents")
        reporter.embedding_started(total + units)
        for p in to_embed:
            p.embeddings = embedder.embed_documents([c.embedding_text() for c in p.chunks],
                                                    batch_size=settings.embed_batch_size, progress=reporter.embedded)
            p.unit_embeddings = embedder.embed_documents(unit_texts[id(p)], batch_size=settings.embed_batch_size,
                                                         progress=reporter.embedded)
        version = _publish(settings, prepared, previous, signature, profile_data, reporter, embedder.dimension)
        return IngestSummary(version, True, len(prepared), sum(len(p.chunks) for p in prepared), total,
                             len(prepared) - len(to_embed), removed, skipped, time.perf_counter() - started,
                             words_first)


def _publish(settings: Settings, prepared: list[Prepared], previous: IndexVersion | None, signature: str,
             profile_data: dict | None, reporter: Reporter, dimension: int, pending: frozenset[str] = frozenset()) -> str:
    """Write a build of `prepared` and make it current; the `pending` documents go in by words only (zero vectors)."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    state = IndexState(version=new_version_name(), signature=signature, created_at=now, profile=profile_data,
                       pending=sorted(pending))
    for p in prepared:
        old = previous.state.documents.get(p.entry.id) if previous else None
        ingested_at = old.ingested_at if (old and p.reused) else now
        state.documents[p.entry.id] = DocumentState(
            **p.entry.model_dump(mode="json"), content_hash=p.content_hash, chunk_count=len(p.chunks),
            ingested_at=ingested_at, cleaned_chars=p.cleaned_chars)
    all_chunks = [c for p in prepared for c in p.chunks]

    def zeros(count: int) -> np.ndarray:
        return np.zeros((count, dimension), np.float32)

    vectors = np.vstack([zeros(len(p.chunks)) if p.entry.id in pending else p.embeddings for p in prepared])
    unit_vectors = np.vstack([zeros(sum(len(split_units(c)) for c in p.chunks)) if p.entry.id in pending
                              else p.unit_embeddings for p in prepared])
    write_version(settings.index_dir, state, all_chunks, vectors, unit_vectors, on_stage=reporter.stage,
                  chroma_url=settings.chroma_url)
    prune(settings.index_dir, settings.keep_versions, settings.chroma_url)
    return state.version


def cleaned_text_of(settings: Settings, entry: DocumentEntry) -> tuple[str, str]:
    """The raw and cleaned text of a corpus document, for inspection (CLI, console)."""
    raw = load_text(settings.corpus_dir / entry.file, int(settings.max_file_mb * 1_000_000))
    return raw, clean_text(raw)
