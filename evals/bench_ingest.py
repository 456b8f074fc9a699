"""The ingest part of `peerhelp bench`: `peerhelp ingest` run as a user runs it, timed, with its peak memory.

Also the environment every process of the bench runs in (evals/bench.py imports it from here).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from evals.servers import ROOT


def bench_env(**extra: str) -> dict[str, str]:
    """The load comes from one address (loopback) and measures capacity: the per-client rate limits are off."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
            "GRADIO_ANALYTICS_ENABLED": "False", "PEERHELP_RATE_LIMIT_CLIENT": "", "PEERHELP_RATE_LIMIT_CONVERSATION": "",
            **extra}


def timed_ingest(corpus: Path, index: Path, **env: str) -> float:
    """Wall time of `peerhelp ingest` as a user runs it: process start, model load, everything."""
    return measured_ingest(corpus, index, **env)[0]


def measured_ingest(corpus: Path, index: Path, *paths: Path, **env: str) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one `peerhelp ingest [PATHS]` process."""
    seconds, rss, _ = watched_ingest(corpus, index, *paths, **env)
    return seconds, rss


def watched_ingest(corpus: Path, index: Path, *paths: Path, **env: str) -> tuple[float, float, float]:
    """Wall time, peak RSS (MB), and when a question could first find the new text: the first time `CURRENT`
    named a new build (a big ingest publishes one searchable by words before its vectors are done; with no new
    build, the wall time)."""
    pointer = index / "CURRENT"
    before = pointer.read_text(encoding="utf-8") if pointer.exists() else None
    first: list[float] = []
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "peerhelp.cli", "ingest", *map(str, paths), "--corpus-dir",
                                 str(corpus), "--index-dir", str(index)], env=bench_env(**env), stdout=subprocess.DEVNULL,
                                stderr=err)
        done = threading.Event()

        def watch() -> None:
            while not done.is_set() and not first:
                if pointer.exists() and pointer.read_text(encoding="utf-8") not in (before, ""):
                    first.append(time.perf_counter() - started)
                done.wait(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        watcher.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise RuntimeError(f"ingest of {corpus} failed:\n{err.read().decode(errors='replace')[-3000:]}")
    seconds = round(time.perf_counter() - started, 2)
    return seconds, round(usage.ru_maxrss / 1024, 1), (round(first[0], 2) if first else seconds)


def _size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6, 1)


def bench_ingest(work: Path, corpus_dir: Path) -> dict:
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(corpus_dir, corpus)
    full = timed_ingest(corpus, index)
    unchanged = timed_ingest(corpus, index)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    changed = corpus / manifest["documents"][0]["file"]
    with open(changed, "a", encoding="utf-8") as fh:
        fh.write("\n\nBenchmark note: this paragraph was added to measure a one-document re-ingest.\n")
    one_changed = timed_ingest(corpus, index)
    current = (index / "CURRENT").read_text(encoding="utf-8").strip()
    return {"full_s": full, "no_change_s": unchanged, "one_changed_s": one_changed,
            "index_version_mb": _size_mb(index / "versions" / current), "index_dir_mb": _size_mb(index),
            "corpus_mb": _size_mb(corpus_dir), "documents": len(manifest["documents"])}


def bench_big_files(work: Path, corpus_dir: Path, megabytes: float = 2.0, pages: int = 1000) -> dict:
    """One big text file and one long PDF, each added to an empty corpus as staff would add it: when peers can
    first find it (a build searchable by words), when the whole ingest is done (vectors too), its peak RSS, and
    how much of it is reading the file (the rest is mostly embedding)."""
    from evals.pdf_samples import long_document
    from evals.synthetic import big_text
    from ingest.cleaning import clean_text
    from ingest.loaders import load_text

    out: dict = {}
    for name, make in (("text", lambda p: big_text(corpus_dir, p, int(megabytes * 1e6))),
                       ("pdf", lambda p: long_document(p, pages))):
        folder = work / f"big-{name}"
        corpus = folder / "corpus"
        corpus.mkdir(parents=True)
        (corpus / "manifest.json").write_text('{"documents": []}', encoding="utf-8")
        source = folder / ("handbook.txt" if name == "text" else "handbook.pdf")
        make(source)
        started = time.perf_counter()
        clean_text(load_text(source, 10**9))
        reading = round(time.perf_counter() - started, 2)
        seconds, rss, searchable = watched_ingest(corpus, folder / "index", source)
        out[name] = {"file_mb": round(source.stat().st_size / 1e6, 2), "read_and_clean_s": reading,
                     "searchable_s": searchable, "ingest_s": seconds, "peak_rss_mb": rss,
                     **({"pages": pages} if name == "pdf" else {})}
    return out
