"""Where a version's vectors live: an embedded Chroma folder inside the version (the default), or one
collection per version on a Chroma server (`chroma run`), shared by every worker and machine.

The version folder records which (`vectors.json`); the server's address comes from the settings
at run time, so a server can move without rebuilding the index.
"""

import json
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

from ingest.chunking import Chunk
from core.errors import PeerhelpError

COLLECTION = "chunks"
LOCATION_FILE = "vectors.json"
_BATCH = 1000


class VectorStoreUnavailable(PeerhelpError):
    """The Chroma server did not answer; the API turns this into a 503 and retries on the next request."""


def _embedded_client(path: Path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))


def _server_client(url: str):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    parsed = urlparse(url)
    try:
        return chromadb.HttpClient(host=parsed.hostname, port=parsed.port or (443 if parsed.scheme == "https" else 80),
                                   ssl=parsed.scheme == "https", settings=ChromaSettings(anonymized_telemetry=False))
    except (ValueError, httpx.HTTPError) as err:
        raise VectorStoreUnavailable(f"Chroma server at {url} is not reachable ({err}). "
                                     "Fix: start it (`chroma run --path … --port …`) or correct PEERHELP_CHROMA_URL.") from err


def collection_name(version: str) -> str:
    return f"peerhelp-{version}"


def write_vectors(version_dir: Path, version: str, chunks: list[Chunk], embeddings: np.ndarray,
                  chroma_url: str | None) -> None:
    if chroma_url:
        client = _server_client(chroma_url)
        name = collection_name(version)
        try:
            client.delete_collection(name)  # a leftover from a build that crashed after writing it
        except Exception:  # noqa: BLE001 - chromadb raises various errors for "no such collection"
            pass
        location = {"store": "chroma-server", "collection": name}
    else:
        client = _embedded_client(version_dir / "chroma")
        name, location = COLLECTION, {"store": "chroma-embedded", "collection": COLLECTION}
    collection = client.create_collection(name, embedding_function=None, metadata={"hnsw:space": "cosine"})
    for i in range(0, len(chunks), _BATCH):
        part = chunks[i : i + _BATCH]
        collection.add(
            ids=[c.id for c in part],
            embeddings=embeddings[i : i + len(part)].tolist(),
            documents=[c.text for c in part],
            metadatas=[{"doc_id": c.doc_id, "n": c.n, "title": c.title, "section": c.section or ""} for c in part],
        )
    (version_dir / LOCATION_FILE).write_text(json.dumps(location), encoding="utf-8")


def _location(version_dir: Path) -> dict:
    path = version_dir / LOCATION_FILE
    if not path.exists():  # built before vectors.json existed: always embedded
        return {"store": "chroma-embedded", "collection": COLLECTION}
    return json.loads(path.read_text(encoding="utf-8"))


def open_collection(version_dir: Path, chroma_url: str | None):
    location = _location(version_dir)
    if location["store"] == "chroma-embedded":
        return _embedded_client(version_dir / "chroma").get_collection(location["collection"], embedding_function=None)
    if not chroma_url:
        raise PeerhelpError(f"{version_dir}: this index version keeps its vectors on a Chroma server. "
                            "Fix: set PEERHELP_CHROMA_URL to that server (e.g. http://127.0.0.1:8100).")
    try:
        return _server_client(chroma_url).get_collection(location["collection"], embedding_function=None)
    except httpx.HTTPError as err:
        raise VectorStoreUnavailable(f"Chroma server at {chroma_url} is not reachable ({err}).") from err


def drop_vectors(version_dir: Path, chroma_url: str | None) -> None:
    """Delete a pruned version's server collection (an embedded one goes with its folder)."""
    location = _location(version_dir)
    if location["store"] != "chroma-server" or not chroma_url:
        return
    try:
        _server_client(chroma_url).delete_collection(location["collection"])
    except Exception:  # noqa: BLE001 - already gone, or the server is down (then it stays, unused)
        pass
