"""The `peerhelp` command line: ingest documents, inspect the index.

Library errors become one-line messages (file, reason, fix) and an exit code; no tracebacks.
Exit codes: 0 success, 1 finished but some files were skipped, 2 nothing done (fix the error).
"""

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from peerhelp.errors import PeerhelpError
from peerhelp.offline import enforce_offline
from peerhelp.settings import Settings

app = typer.Typer(
    help="peerhelp: grounded, cited answers about the Medi-Cal Peer Support Specialist certification.\n\n"
    "Start with `peerhelp ingest`, then `peerhelp documents`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

IndexDir = Annotated[Optional[Path], typer.Option("--index-dir", help="Index folder (default: PEERHELP_INDEX_DIR or .index).")]
CorpusDir = Annotated[Optional[Path], typer.Option("--corpus-dir", help="Corpus folder (default: PEERHELP_CORPUS_DIR or corpus/).")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _settings(index_dir: Path | None = None, corpus_dir: Path | None = None) -> Settings:
    """The settings, or one readable line per bad PEERHELP_* value (never a traceback)."""
    from pydantic import ValidationError

    overrides = {k: v for k, v in {"index_dir": index_dir, "corpus_dir": corpus_dir}.items() if v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as err:
        _fail(ValueError("; ".join(("PEERHELP_" + "_".join(map(str, e["loc"])).upper() + ": " if e["loc"] else "") +
                                   e["msg"].removeprefix("Value error, ") for e in err.errors())))


def _fail(err: Exception) -> None:
    typer.secho(f"Error: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)


class ConsoleReporter:
    """Progress for people on a terminal; plain stage lines on stderr otherwise (logs, tests)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.progress = None
        self.task = None

    def stage(self, message: str) -> None:
        if self.progress:
            self.progress.stop()
            self.progress = None
        typer.echo(f"[ingest] {message}", err=True)

    def skipped(self, error) -> None:
        typer.secho(f"[ingest] skipped {error.path}: {error.reason}. Fix: {error.fix}", fg=typer.colors.YELLOW, err=True)

    def embedding_started(self, total: int) -> None:
        if self.tty and total:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.progress = Progress("[ingest] embedding", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                     transient=True)
            self.progress.start()
            self.task = self.progress.add_task("embed", total=total)

    def embedded(self, count: int) -> None:
        if self.progress:
            self.progress.advance(self.task, count)


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Extra files or folders to add to the corpus first.")] = None,
    index_dir: IndexDir = None,
    corpus_dir: CorpusDir = None,
    title: Annotated[Optional[str], typer.Option(help="Title of the added document (one file only).")] = None,
    issuer: Annotated[Optional[str], typer.Option(help="Who issued the added documents, e.g. 'DHCS'.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="bhin, faq, guide, rules, webpage, slides or staff-note.")] = None,
    url: Annotated[Optional[str], typer.Option(help="Official URL of the added document (one file only).")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Date the document speaks as of: YYYY[-MM[-DD]].")] = None,
    language: Annotated[Optional[str], typer.Option(help="en or es (default: detected).")] = None,
    doc_id: Annotated[Optional[str], typer.Option("--id", help="Document id (default: from the title).")] = None,
    as_json: AsJson = False,
) -> None:
    """Build the index from corpus/ (only changed documents are re-embedded).

    Examples:

      peerhelp ingest

      peerhelp ingest ~/Downloads/bhin-21-041.pdf --title "BHIN 21-041" --issuer DHCS --kind bhin --as-of 2021-07-22
    """
    enforce_offline()
    from ingest.adding import GivenFields, add_documents
    from ingest.pipeline import run_ingest

    settings = _settings(index_dir, corpus_dir)
    reporter = ConsoleReporter()
    add_failures = []
    try:
        if paths:
            given = GivenFields(title=title, issuer=issuer, kind=kind, url=url, as_of=as_of, language=language, id=doc_id)
            added, add_failures = add_documents(settings.corpus_dir, paths, given, int(settings.max_file_mb * 1_000_000))
            for err in add_failures:
                reporter.skipped(err)
            for entry in added:
                note = " (as-of date taken from the file; pass --as-of)" if entry.as_of_approximate else ""
                typer.echo(f"[ingest] added {entry.file} as '{entry.id}' ({entry.kind}){note}", err=True)
        summary = run_ingest(settings, reporter)
    except PeerhelpError as err:
        _fail(err)
    skipped = [{"file": e.path, "reason": e.reason, "fix": e.fix} for e in add_failures] + [vars(s) for s in summary.skipped]
    if as_json:
        typer.echo(json.dumps({**summary.to_dict(), "skipped": skipped}, indent=2))
    else:
        state = "new version " + str(summary.version) if summary.changed else "unchanged (" + str(summary.version) + ")"
        typer.echo(f"Index {state}: {summary.documents} documents, {summary.chunks} chunks, "
                   f"{summary.embedded_chunks} embedded, {summary.reused_documents} documents reused, "
                   f"{summary.seconds:.1f} s.")
        if summary.removed_documents:
            typer.echo(f"Removed: {', '.join(summary.removed_documents)}")
        for s in skipped:
            typer.secho(f"Skipped {s['file']}: {s['reason']}. Fix: {s['fix']}", fg=typer.colors.YELLOW)
    if skipped:
        raise typer.Exit(1)


@app.command()
def documents(index_dir: IndexDir = None, as_json: AsJson = False) -> None:
    """List the documents in the current index (title, issuer, kind, date, chunks)."""
    from ingest.store import IndexVersion

    try:
        index = IndexVersion.open_current(_settings(index_dir).index_dir)
    except PeerhelpError as err:
        _fail(err)
    docs = [vars(d) for d in index.state.documents.values()]
    if as_json:
        typer.echo(json.dumps(docs, indent=2, ensure_ascii=False))
        return
    typer.echo(f"Index version {index.version} ({len(docs)} documents)")
    for d in docs:
        date = f"about {d['as_of']}" if d["as_of_approximate"] else d["as_of"]
        typer.echo(f"- {d['id']}: {d['title']} — {d['issuer']} [{d['kind']}, {date}] {d['chunk_count']} chunks")


@app.command()
def chunks(
    doc_id: Annotated[str, typer.Argument(help="Document id (see `peerhelp documents`).")],
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Show a document's chunks with their section (heading path) and offsets."""
    from ingest.store import IndexVersion

    try:
        index = IndexVersion.open_current(_settings(index_dir).index_dir)
    except PeerhelpError as err:
        _fail(err)
    found = index.chunks_of(doc_id)
    if not found:
        _fail(PeerhelpError(f"No document '{doc_id}' in the index. Fix: see `peerhelp documents` for ids."))
    if as_json:
        typer.echo(json.dumps([c.to_dict() for c in found], indent=2, ensure_ascii=False))
        return
    for c in found:
        typer.secho(f"── {c.id}  [{c.section or '(no section)'}]  chars {c.start}-{c.end}, {c.tokens} tokens", bold=True)
        typer.echo(c.text)
        typer.echo()


@app.command()
def ask(
    question: Annotated[Optional[str], typer.Argument(help="The question. Omit it when using --batch.")] = None,
    history: Annotated[Optional[list[str]], typer.Option("--history", help="An earlier question of the conversation (repeatable, oldest first).")] = None,
    batch: Annotated[Optional[Path], typer.Option("--batch", help='JSONL file: one {"question": ..., "history": [...]} per line; "-" reads stdin.')] = None,
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Answer a question from the documents, with citations.

    Examples:

      peerhelp ask "Is Kern County participating?"

      peerhelp ask "and San Benito?" --history "Is Kern County participating?" --json

      peerhelp ask --batch questions.jsonl > answers.jsonl
    """
    enforce_offline()
    from assistant.engine import Assistant, InputError

    if (question is None) == (batch is None):
        _fail(PeerhelpError("Give either a QUESTION or --batch FILE."))
    bot = Assistant(_settings(index_dir))
    try:
        if batch is not None:
            lines = sys.stdin if str(batch) == "-" else open(batch, encoding="utf-8")
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    answer = bot.ask(item["question"], item.get("history") or [])
                    typer.echo(answer.model_dump_json())
                except (json.JSONDecodeError, KeyError, TypeError) as err:
                    _fail(PeerhelpError(f"{batch}, line {number}: expected {{\"question\": ...}} ({err}). Fix: correct that line."))
                except InputError as err:
                    typer.echo(json.dumps({"error": str(err), "line": number}))
            return
        answer = bot.ask(question, history or [])
    except PeerhelpError as err:
        _fail(err)
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    typer.echo(answer.answer)
    for c in answer.citations:
        where = " > ".join(x for x in [c.title, c.section] if x)
        typer.secho(f"\n[{c.n}] {where} — {c.issuer or ''}, {c.date or 'undated'}", bold=True)
        if c.url:
            typer.echo(f"    {c.url}")
        typer.echo(f"    “{c.quote}”")


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default 8000).")] = None,
    index_dir: IndexDir = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="API worker processes sharing the port, the index and the "
                                                             "state database. With more than one, run the staff console "
                                                             "on its own: `peerhelp console`.")] = 1,
) -> None:
    """Serve the HTTP API and the widget (OpenAPI docs at /docs); with one worker, the staff console too."""
    enforce_offline()
    import uvicorn

    settings = _settings(index_dir)
    host, port = host or settings.host, port or settings.port
    if workers == 1:
        from peerhelp.api import create_app

        typer.echo(f"peerhelp: serving on http://{host}:{port} (API docs at /docs)", err=True)
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)
        return
    from assistant.conversations import ConversationStore

    ConversationStore(settings.state_url, settings.retention_days).close()  # migrate once, before the workers start
    # Workers build their app from the environment: pass on what the command line set.
    os.environ["PEERHELP_INDEX_DIR"] = str(settings.index_dir)
    os.environ["PEERHELP_CONSOLE"] = "false"
    typer.echo(f"peerhelp: serving on http://{host}:{port} with {workers} workers (API docs at /docs); "
               "staff console: run `peerhelp console` as its own process", err=True)
    uvicorn.run("peerhelp.api:create_app", factory=True, workers=workers, host=host, port=port, log_level="info",
                access_log=False)


@app.command()
def console(
    host: Annotated[Optional[str], typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int, typer.Option(help="Port.")] = 8001,
    index_dir: IndexDir = None,
) -> None:
    """Serve the staff console at /console in one process of its own (the API workers serve peers).

    Gradio keeps each staff session in the process that opened it, so it cannot be spread over
    several workers; it reads the same index and database, and its ingests switch every worker.
    """
    enforce_offline()
    import uvicorn

    from peerhelp.api import create_app

    settings = _settings(index_dir).model_copy(update={"console": True})
    host = host or settings.host
    typer.echo(f"peerhelp: staff console on http://{host}:{port}/console", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)


@app.command("eval")
def eval_(
    split: Annotated[str, typer.Option(help="dev (tune on it; the gate), test (read once per issue) or all.")] = "dev",
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="Also run the baselines in the same run.")] = True,
    index_dir: IndexDir = None,
    corpus_dir: CorpusDir = None,
    gate: Annotated[bool, typer.Option("--gate/--no-gate", help="Exit 1 when a threshold in evals/thresholds.toml is missed (dev split).")] = False,
    gold_dir: Annotated[Path | None, typer.Option(help="The questions written for --corpus-dir (default: evals/gold, the seeds').")] = None,
) -> None:
    """Run the evaluation suite; write evals/results/<time>-<split>/report.md and report.json.

    Example: peerhelp eval --split dev
    A second corpus, with its own index and questions:
      peerhelp ingest --corpus-dir C/corpus --index-dir /tmp/c && peerhelp eval --corpus-dir C/corpus --index-dir /tmp/c --gold-dir C/gold
    """
    enforce_offline()
    from rich.progress import Progress

    from evals.gold import GOLD_DIR
    from evals.runner import GATE_SPLIT, check_gate, run_eval, write_report

    settings = _settings(index_dir, corpus_dir)
    try:
        with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
            task = progress.add_task("evaluating", total=None)
            report = run_eval(settings, split=split, baselines=baseline, gold_dir=gold_dir or GOLD_DIR,
                              progress=lambda system, item: progress.update(task, advance=1, description=f"{system}: {item}"))
    except (PeerhelpError, ValueError) as err:
        _fail(err)
    # The floors were measured on that split of the seeds' questions.
    failures = check_gate(report) if split == GATE_SPLIT and gold_dir in (None, GOLD_DIR) else []
    folder = write_report(report, failures)
    shown = [name for name in ("assistant", "assistant-llm") if name in report["systems"]]
    typer.echo(f"{'':>22}  " + "  ".join(f"{name:>13}" for name in shown))
    for key in ("items", "status_accuracy", "recall_at_5", "fact_recall", "citation_recall", "invented_facts",
                "abstention_precision", "abstention_recall", "crisis_recall", "spanish_parity_gap", "llm_answer_share"):
        values = [report["systems"][name]["summary"].get(key) for name in shown]
        typer.echo(f"{key:>22}: " + "  ".join(f"{str(v):>13}" for v in values))
    typer.echo(f"Report: {folder / 'report.md'}")
    if failures:
        typer.secho("Gate failed: " + "; ".join(failures), fg=typer.colors.RED, err=True)
        if gate:
            raise typer.Exit(1)


@app.command()
def bench(
    scales: Annotated[str, typer.Option(help="Synthetic corpus sizes for the scale curve, comma-separated multiples of the corpus.")] = "10,100",
    corpus_dir: CorpusDir = None,
) -> None:
    """Measure answer latency, HTTP throughput, cold start, memory, ingest and scale, with baselines in the same run.

    Writes evals/results/bench-<time>.json and .md. Takes about 15 minutes on 2 cores with the default scales.
    Example: peerhelp bench --scales 10
    """
    enforce_offline()
    from evals.bench import run_bench, write_bench

    try:
        factors = sorted({int(f) for f in scales.split(",") if f.strip()})
    except ValueError:
        _fail(ValueError(f"--scales {scales!r}: write whole numbers separated by commas, e.g. 10,100"))
    if any(f < 2 for f in factors):
        _fail(ValueError("--scales: each size is a multiple of the corpus, 2 or more (×1 is always measured)"))
    settings = _settings(corpus_dir=corpus_dir)
    try:
        result = run_bench(settings, factors, report=lambda stage: typer.echo(f"[bench] {stage}", err=True))
    except (PeerhelpError, RuntimeError) as err:
        _fail(err)
    path = write_bench(result, settings.eval_results_dir)
    for t in result["targets"]:
        typer.echo(f"{'met ' if t['met'] else 'MISS'} {t['target']}: {t['value']} {t['unit']}")
    typer.echo(f"Report: {path.with_suffix('.md')}")


@app.command("compare-embedders")
def compare_embedders(split: Annotated[str, typer.Option(help="dev (tune on it) or test.")] = "dev",
                      index_dir: IndexDir = None) -> None:
    """Retrieval recall@5 and MRR per language for each packaged embedding model, on the current index's chunks.

    Example: peerhelp compare-embedders --split dev
    """
    enforce_offline()
    from evals.embedders import compare
    from ingest.store import IndexVersion

    try:
        rows, costs = compare(IndexVersion.open_current(_settings(index_dir).index_dir), split)
    except PeerhelpError as err:
        _fail(err)
    typer.echo("| model | run | language | items | recall@5 | MRR@10 |\n|---|---|---|---|---|---|")
    for r in rows:
        typer.echo(f"| {r.model} | {r.run} | {r.language} | {r.items} | {r.recall_at_5} | {r.mrr_at_10} |")
    typer.echo("\n| model | embed the chunks (s) | one query p50 (ms) |\n|---|---|---|")
    for c in costs:
        typer.echo(f"| {c.model} | {c.embed_chunks_s} | {c.query_ms_p50} |")


@app.command("fit")
def fit_(split: Annotated[str, typer.Option(help="dev: the only split the answer stages are fitted on.")] = "dev",
         index_dir: IndexDir = None, corpus_dir: CorpusDir = None,
         suite: Annotated[list[str] | None, typer.Option(help="Fit on these suites only (seeds, or a folder name under evals/corpora); default: all.")] = None) -> None:
    """Fit the unit ranker and the answer policy for PEERHELP_EMBEDDING_MODEL on the dev questions of the seeds
    and of every corpus under evals/corpora/; write assistant/data/fitted.json.

    The index must be built with that model. Example: PEERHELP_EMBEDDING_MODEL=multilingual-e5-small-q4 peerhelp fit
    """
    enforce_offline()
    from assistant.engine import Assistant
    from assistant.fitted import FITTED_FILE, Fitted, write_section
    from evals.fitting import fit
    from evals.gold import load_gold
    from evals.suites import ensure_index, suite_settings, suites

    if split != "dev":
        _fail(ValueError(f"fitting on the {split} split would make its figures meaningless. Fix: use --split dev."))
    settings = _settings(index_dir, corpus_dir)
    try:
        runs = []
        chosen = [s for s in suites(settings) if not suite or s.name in suite]
        if suite and len(chosen) != len(set(suite)):
            raise PeerhelpError(f"unknown suite in {suite}; known: {', '.join(s.name for s in suites(settings))}. "
                                "Fix: name the seeds or a folder under evals/corpora.")
        for one in chosen:  # the seeds and every second corpus, each with its own index
            suite_config = suite_settings(settings, one)
            if one.name != "seeds":
                typer.echo(f"{one.name}: updating its index in {suite_config.index_dir}")
                ensure_index(suite_config)
            runs.append((Assistant(suite_config, fitted=Fitted(settings.embedding_model)), load_gold(split, one.gold_dir)))
        fitted = fit(runs, split, [one.name for one in chosen])
    except PeerhelpError as err:
        _fail(err)
    write_section(fitted)
    typer.echo(f"{fitted.model}: ranking {fitted.ranking.weights}, bias {fitted.ranking.bias:.3f}")
    typer.echo(f"answer {fitted.answer.weights}, bias {fitted.answer.bias:.3f}, threshold {fitted.threshold}")
    typer.echo("| p | questions | predicted | observed |\n|---|---|---|---|")
    for row in fitted.provenance["reliability"]:
        typer.echo(f"| {row['bin']} | {row['items']} | {row['predicted']} | {row['observed']} |")
    typer.echo(f"Written: {FITTED_FILE}")


@app.command("train-safety")
def train_safety(index_dir: IndexDir = None) -> None:
    """Rebuild assistant/data/crisis_model.npz from assistant/data/crisis_training.jsonl (deterministic)."""
    enforce_offline()
    from assistant.safety_model import EMBEDDER, MODEL_FILE, load_training, train, training_hash
    from ingest.embedding import get_embedder
    from ingest.store import IndexVersion
    from ingest.units import split_units

    try:
        index = IndexVersion.open_current(_settings(index_dir).index_dir)
    except PeerhelpError as err:
        _fail(err)
    texts, labels = load_training()
    domain = sorted({u.text for c in index.chunks for u in split_units(c) if len(u.text.split()) >= 4})
    embedder = get_embedder(EMBEDDER)
    model, stats = train(texts, labels, domain, lambda t: embedder.embed_documents(list(t)), embedder.name)
    model.save(MODEL_FILE, training_hash())
    typer.echo(f"Wrote {MODEL_FILE}: {json.dumps(stats)}")


@app.command()
def purge() -> None:
    """Delete stored conversation turns older than PEERHELP_RETENTION_DAYS (default 30)."""
    from assistant.conversations import ConversationStore

    settings = _settings()
    try:
        removed = ConversationStore(settings.state_url, settings.retention_days).purge()
    except PeerhelpError as err:
        _fail(err)
    typer.echo(f"Purged {removed} conversation turns older than {settings.retention_days:g} days from the state database.")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
