"""Versioned, crash-safe index storage: each build is a directory; `CURRENT` names the live one.

    <index_dir>/
      CURRENT                   one line: the live version's name (replaced atomically)
      versions/<name>/          complete builds: chunks.jsonl, embeddings.npy, unit_embeddings.npy, bm25/,
                                state.json, vectors.json
                                (+ chroma/, or a collection on a Chroma server: ingest/vectors.py)
                                A build may be *words first*: the documents in its state's `pending`
                                list are searchable by BM25 while their vectors (zero rows here, absent
                                from Chroma) are still being computed for the next build.
      versions/.building-<name> a build in progress (never read; removed by the next ingest)
      .ingest.lock              one ingest at a time

A build is written in full under `.building-*`, renamed into place, and only then named in
CURRENT with an atomic os.replace. A process killed at any instant therefore leaves the
previous version current and loadable; readers never see a half-written build.
"""

import fcntl
import functools
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import numpy as np

from ingest.chunking import Chunk
from ingest.profile import NEUTRAL, Profile
from ingest.units import split_units, unit_embedding_text
from ingest.vectors import drop_vectors, open_collection, write_vectors
from core.errors import IndexNotFoundError, PeerhelpError

if TYPE_CHECKING:
    from ingest.embedding import Embedder

CURRENT = "CURRENT"
VERSIONS = "versions"
BUILDING_PREFIX = ".building-"


@dataclass
class DocumentState:
    """What the index knows about one document: its manifest fields, content hash and chunk range."""

    id: str
    file: str
    title: str
    issuer: str
    kind: str
    url: str | None
    as_of: str | None
    as_of_approximate: bool
    language: str
    content_hash: str
    chunk_count: int
    ingested_at: str
    cleaned_chars: int = 0


@dataclass
class IndexState:
    version: str
    signature: str
    created_at: str
    documents: dict[str, DocumentState] = field(default_factory=dict)
    profile: dict | None = None  # the corpus's profile.toml as read at ingest (ingest/profile.py); None: it had none
    pending: list[str] = field(default_factory=list)  # documents searchable by words only: vectors still to come

    def to_json(self) -> str:
        return json.dumps({
            "version": self.version, "signature": self.signature, "created_at": self.created_at,
            "documents": {k: vars(v) for k, v in self.documents.items()}, "profile": self.profile,
            "pending": self.pending,
        }, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "IndexState":
        data = json.loads(text)
        docs = {k: DocumentState(**v) for k, v in data["documents"].items()}
        return cls(version=data["version"], signature=data["signature"], created_at=data["created_at"], documents=docs,
                   profile=data.get("profile"), pending=data.get("pending", []))


def new_version_name() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


def current_version_dir(index_dir: Path) -> Path | None:
    pointer = index_dir / CURRENT
    if not pointer.exists():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    path = index_dir / VERSIONS / name
    return path if (path / "state.json").exists() else None


@contextmanager
def ingest_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".ingest.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise PeerhelpError(f"{index_dir}: another ingest is running. Fix: wait for it to finish.") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_version(index_dir: Path, state: IndexState, chunks: list[Chunk], embeddings: np.ndarray,
                  unit_embeddings: np.ndarray, on_stage=lambda stage: None, chroma_url: str | None = None) -> Path:
    """Write a complete build and make it current. Returns the version directory.

    `unit_embeddings` has one row per evidence unit, in the order of `split_units` over `chunks`. The chunks of
    the state's pending documents have zero rows in both arrays and are left out of the vector store.
    """
    import bm25s

    from ingest.lexical import tokenize

    if len(chunks) != len(embeddings):
        raise ValueError("one embedding per chunk expected")
    if len(unit_embeddings) != sum(len(split_units(c)) for c in chunks):
        raise ValueError("one embedding per evidence unit expected")
    versions = index_dir / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    building = versions / (BUILDING_PREFIX + state.version)
    building.mkdir()

    on_stage("writing chunks")
    with open(building / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for c in chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    np.save(building / "embeddings.npy", embeddings)
    np.save(building / "unit_embeddings.npy", unit_embeddings)

    on_stage("writing BM25 index")
    retriever = bm25s.BM25()
    corpus_tokens = [tokenize(lexical_text(c)) or ["_empty_"] for c in chunks]
    retriever.index(corpus_tokens, show_progress=False)
    retriever.save(str(building / "bm25"))

    on_stage("writing Chroma collection" + (f" on {chroma_url}" if chroma_url else ""))
    pending = set(state.pending)
    meant = [i for i, c in enumerate(chunks) if c.doc_id not in pending]
    write_vectors(building, state.version, [chunks[i] for i in meant], embeddings[meant], chroma_url)

    (building / "state.json").write_text(state.to_json(), encoding="utf-8")
    _fsync_tree(building)
    on_stage("switching to the new version")
    final = versions / state.version
    os.replace(building, final)
    _point_current(index_dir, state.version)
    return final


def lexical_text(chunk: Chunk) -> str:
    """BM25 sees the title and section too, so 'which counties participate' finds a bare county list."""
    return " ".join([chunk.title, " ".join(chunk.heading_path), chunk.text])


def _point_current(index_dir: Path, name: str) -> None:
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    dir_fd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _fsync_tree(root: Path) -> None:
    for dirpath, _, files in os.walk(root):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def prune(index_dir: Path, keep: int, chroma_url: str | None = None) -> list[str]:
    """Delete abandoned partial builds and all but the newest `keep` complete versions (and their server collections)."""
    versions = index_dir / VERSIONS
    if not versions.exists():
        return []
    current = current_version_dir(index_dir)
    removed: list[str] = []
    for path in versions.iterdir():
        if path.name.startswith(BUILDING_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    complete = sorted((p for p in versions.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True)
    for path in complete[keep:]:
        if current is None or path.resolve() != current.resolve():
            drop_vectors(path, chroma_url)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def per_index(fn):
    """Memoize something derived from one index version (statistics, contact passages, county lists).

    Computed once per version instead of per request; a new version after an ingest gets fresh values,
    and the old ones go when the old version is dropped.
    """
    cache: WeakKeyDictionary = WeakKeyDictionary()

    @functools.wraps(fn)
    def wrapper(index, *args):
        values = cache.setdefault(index, {})
        if args not in values:
            values[args] = fn(index, *args)
        return values[args]

    return wrapper


class IndexVersion:
    """A loaded, read-only build: chunks, embeddings, BM25 and the Chroma collection."""

    def __init__(self, path: Path, chroma_url: str | None = None):
        self.path, self.chroma_url = path, chroma_url
        self.state = IndexState.from_json((path / "state.json").read_text(encoding="utf-8"))
        self.chunks: list[Chunk] = []
        with open(path / "chunks.jsonl", encoding="utf-8") as fh:
            for line in fh:
                self.chunks.append(Chunk.from_dict(json.loads(line)))
        self.by_id = {c.id: i for i, c in enumerate(self.chunks)}
        self._late_units: dict[int, np.ndarray] = {}  # unit vectors of pending documents, computed on first use

    @classmethod
    def open_current(cls, index_dir: Path, chroma_url: str | None = None) -> "IndexVersion":
        path = current_version_dir(index_dir)
        if path is None:
            raise IndexNotFoundError(f"{index_dir}: no index has been built yet. Fix: run `peerhelp ingest` (or `make run`).")
        return cls(path, chroma_url)

    @property
    def version(self) -> str:
        return self.state.version

    @cached_property
    def pending(self) -> frozenset[str]:
        """Documents of a words-first build: found by BM25, not yet by meaning (their vectors come next)."""
        return frozenset(self.state.pending)

    @cached_property
    def meaning_searchable(self) -> int:
        """How many chunks the vector store holds."""
        return sum(1 for c in self.chunks if c.doc_id not in self.pending)

    @cached_property
    def profile(self) -> Profile:
        """The deployment profile this build was made with (a neutral one when the corpus had none)."""
        return Profile.model_validate(self.state.profile) if self.state.profile else NEUTRAL

    @cached_property
    def embeddings(self) -> np.ndarray:
        return np.load(self.path / "embeddings.npy")

    @cached_property
    def bm25(self):
        import bm25s

        return bm25s.BM25.load(str(self.path / "bm25"))

    @cached_property
    def collection(self):
        return open_collection(self.path, self.chroma_url)

    @cached_property
    def unit_rows(self) -> list[int]:
        """Where each chunk's unit vectors start in `unit_embeddings` (one more entry: the total)."""
        rows = [0]
        for c in self.chunks:
            rows.append(rows[-1] + len(split_units(c)))
        return rows

    @cached_property
    def unit_embeddings(self) -> np.ndarray:
        path = self.path / "unit_embeddings.npy"
        if not path.exists():
            raise PeerhelpError(f"{self.path}: this index was built before evidence units had vectors. "
                                "Fix: run `peerhelp ingest` to rebuild the index.")
        vectors = np.load(path)
        if len(vectors) != self.unit_rows[-1]:
            raise PeerhelpError(f"{self.path}: the stored unit vectors do not match the chunks. "
                                "Fix: run `peerhelp ingest` to rebuild the index.")
        return vectors

    def unit_embeddings_of_chunk(self, row: int, embedder: "Embedder | None" = None) -> np.ndarray:
        """The chunk's unit vectors. A pending document's are computed on first use with `embedder` (the model the
        build was made with) and kept with this version, so ranking reads its units by meaning meanwhile."""
        chunk = self.chunks[row]
        if chunk.doc_id not in self.pending or embedder is None:
            return self.unit_embeddings[self.unit_rows[row]:self.unit_rows[row + 1]]
        if row not in self._late_units:
            texts = [unit_embedding_text(chunk, u) for u in split_units(chunk)]
            self._late_units[row] = embedder.embed_documents(texts) if texts else \
                np.zeros((0, self.unit_embeddings.shape[1]), np.float32)
        return self._late_units[row]

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return [c for c in self.chunks if c.doc_id == doc_id]

    def embeddings_of(self, doc_id: str) -> np.ndarray:
        rows = [i for i, c in enumerate(self.chunks) if c.doc_id == doc_id]
        return self.embeddings[rows]

    def unit_embeddings_of(self, doc_id: str) -> np.ndarray:
        rows = [i for i, c in enumerate(self.chunks) if c.doc_id == doc_id]
        return np.vstack([self.unit_embeddings_of_chunk(i) for i in rows]) if rows else \
            np.zeros((0, self.unit_embeddings.shape[1]), np.float32)
