"""Undo for staff changes to the corpus: add, replace, remove.

Before a change, the manifest and every file the change overwrites or deletes are copied into
`corpus/.history/<time>/`, with a note of the files it creates. `undo_last` puts the latest
snapshot back (manifest, overwritten and deleted files) and deletes what it created, so a clerk can
take back a wrong Remove or Replace without shell access. The folder is hidden: ingest never reads it.
"""

import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ingest.manifest import MANIFEST_NAME
from core.errors import PeerhelpError

HISTORY_DIR = ".history"
KEEP = 20  # snapshots kept; older ones are deleted


@dataclass
class Change:
    description: str  # "Removed x (Title)", "Added a, b", "Replaced x"
    saved: list[str]  # corpus files copied before the change overwrote or deleted them
    created: list[str]  # corpus files the change wrote that did not exist before
    at: str


def snapshot(corpus_dir: Path, description: str, saved: list[str], created: list[str]) -> Path:
    """Record the corpus as it is, before a change that overwrites or deletes `saved` and writes `created`."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = corpus_dir / HISTORY_DIR / stamp
    folder.mkdir(parents=True)
    shutil.copy2(corpus_dir / MANIFEST_NAME, folder / MANIFEST_NAME)
    kept = [name for name in dict.fromkeys(saved) if (corpus_dir / name).is_file()]
    for name in kept:
        (folder / "files").mkdir(exist_ok=True)
        shutil.copy2(corpus_dir / name, folder / "files" / name)
    change = Change(description, kept, [n for n in dict.fromkeys(created) if not (corpus_dir / n).exists()],
                    datetime.now(timezone.utc).isoformat(timespec="seconds"))
    (folder / "change.json").write_text(json.dumps(vars(change), ensure_ascii=False, indent=1), encoding="utf-8")
    for old in _snapshots(corpus_dir)[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
    return folder


def last_change(corpus_dir: Path) -> Change | None:
    snapshots = _snapshots(corpus_dir)
    return _read(snapshots[-1]) if snapshots else None


def undo_last(corpus_dir: Path) -> Change:
    """Put the corpus back as it was before the latest recorded change; that change is then forgotten."""
    snapshots = _snapshots(corpus_dir)
    if not snapshots:
        raise PeerhelpError(f"{corpus_dir}: there is no change to undo (none was recorded since this feature existed).")
    folder = snapshots[-1]
    change = _read(folder)
    for name in change.saved:
        tmp = corpus_dir / f".{name}.undo"
        shutil.copy2(folder / "files" / name, tmp)
        tmp.replace(corpus_dir / name)
    restored = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    listed = {d.get("file") for d in restored.get("documents", [])}
    tmp = corpus_dir / f".{MANIFEST_NAME}.undo"
    shutil.copy2(folder / MANIFEST_NAME, tmp)
    tmp.replace(corpus_dir / MANIFEST_NAME)
    for name in change.created:
        if name not in listed:
            (corpus_dir / name).unlink(missing_ok=True)
    shutil.rmtree(folder)
    return change


def _snapshots(corpus_dir: Path) -> list[Path]:
    root = corpus_dir / HISTORY_DIR
    return sorted(p for p in root.iterdir() if (p / "change.json").is_file()) if root.is_dir() else []


def _read(folder: Path) -> Change:
    return Change(**json.loads((folder / "change.json").read_text(encoding="utf-8")))
