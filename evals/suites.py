"""Evaluation suites: a corpus, the questions written for it, and an index built from it.

The seeds (`corpus/` with `evals/gold/`) are one suite; every folder under `evals/corpora/` with a
`corpus/manifest.json` and a `gold/` folder is another, found by looking, never by name. A second
suite's index is built on demand (incrementally) under `.index-suites/<folder>-<model>/`.
"""

from dataclasses import dataclass
from pathlib import Path

from evals.gold import GOLD_DIR
from ingest.pipeline import run_ingest
from core.settings import PROJECT_ROOT, Settings

CORPORA_DIR = Path(__file__).resolve().parent / "corpora"
SUITE_INDEXES = PROJECT_ROOT / ".index-suites"


@dataclass(frozen=True)
class Suite:
    name: str
    corpus_dir: Path
    gold_dir: Path


def suites(settings: Settings) -> list[Suite]:
    """The settings' own corpus with the seed questions first, then every second corpus."""
    found = [Suite("seeds", settings.corpus_dir, GOLD_DIR)]
    for folder in sorted(p for p in CORPORA_DIR.iterdir() if p.is_dir()) if CORPORA_DIR.exists() else []:
        if (folder / "corpus" / "manifest.json").exists() and (folder / "gold").is_dir():
            found.append(Suite(folder.name, folder / "corpus", folder / "gold"))
    return found


def suite_settings(settings: Settings, suite: Suite) -> Settings:
    """Settings that point at the suite's corpus and index (the seeds keep the configured index)."""
    if suite.name == "seeds":
        return settings
    index_dir = SUITE_INDEXES / f"{suite.name}-{settings.embedding_model}"
    return settings.model_copy(update={"corpus_dir": suite.corpus_dir, "index_dir": index_dir})


def ensure_index(settings: Settings, embedder=None) -> None:
    """Build or update the suite's index (a no-op when nothing changed)."""
    run_ingest(settings, embedder=embedder)
