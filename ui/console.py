"""The staff console (Gradio, mounted at /console behind a login): inspect answers, manage documents, close gaps, run the evaluation.

Every action goes through the same code as the CLI and API (Assistant, add_documents, run_ingest,
run_eval), so what staff see is what peers get. Ingest runs in the server process; the index
switch is atomic, so peers keep being answered from the old version until the new one is live.
"""

import json
import logging
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

from assistant.engine import Assistant, InputError
from evals.runner import SUMMARY_ROWS, check_gate, run_eval, write_report
from ingest.adding import GivenFields, add_documents, preview, remove_document
from ingest.cleaning import clean_text
from ingest.history import last_change, undo_last
from ingest.loaders import load_text
from ingest.describing import UNKNOWN_ISSUER
from ingest.manifest import Kind, read_manifest, unmatched
from ingest.pipeline import run_ingest
from core.errors import LoadError, PeerhelpError
from core.settings import Settings
from ui.console_guard import ConsoleHeaders, LoginThrottle, production_refusal
from ui.gaps import EXPORT_KEEP_S
from ui.gaps_tab import gaps_tab
from ui.inspect import TRACE_COLUMNS, inspect, peer_view

log = logging.getLogger("peerhelp.console")
_INGEST_LOCK = threading.Lock()
DOC_COLUMNS, DOC_WIDTHS = (["id", "title", "kind", "issuer", "as of", "chunks", "last ingested"],  # all in view at 1366 px
                           ["15%", "29%", "8%", "18%", "10%", "7%", "13%"])
CHUNK_COLUMNS = ["chunk", "section (heading path)", "tokens", "start", "end", "text"]


class _ProgressReporter:
    """Ingest progress in the Gradio progress bar."""

    def __init__(self, progress):
        self.progress, self.total, self.done, self.skips = progress, 0, 0, []

    def stage(self, message: str) -> None:
        self.progress(0 if not self.total else self.done / self.total, desc=message)

    def skipped(self, error: LoadError) -> None:
        self.skips.append(str(error))

    def embedding_started(self, total: int) -> None:
        self.total, self.done = total, 0
        self.progress(0, desc=f"embedding {total} chunks")

    def embedded(self, count: int) -> None:
        self.done += count
        self.progress(self.done / max(self.total, 1), desc=f"embedded {self.done}/{self.total} chunks")


def console_credentials(settings: Settings) -> tuple[str, str] | None:
    """The staff login, or None when the console must stay off (production without a strong password)."""
    refusal = production_refusal(settings)
    if refusal:
        log.error("The staff console is off: %s", refusal)
        return None
    if settings.console_password:
        return settings.console_user, settings.console_password.get_secret_value()
    password = secrets.token_urlsafe(12)
    log.warning("Staff console: no PEERHELP_CONSOLE_PASSWORD set, so this run's login is %s / %s "
                "(development only; production refuses to start the console without a strong password)",
                settings.console_user, password)
    return settings.console_user, password


def build_console(get_assistant: Callable[[], Assistant], settings: Settings):
    import gradio as gr

    def ingest(progress) -> str:
        reporter = _ProgressReporter(progress)
        summary = run_ingest(settings, reporter, embedder=get_assistant().embedder)
        text = (f"Index version {summary.version}: {summary.documents} documents, {summary.chunks} chunks, "
                f"{summary.embedded_chunks} embedded, {summary.seconds:.1f} s. Peers are now answered from it.")
        if not summary.changed:
            text = "Nothing changed; the index is as it was."
        if summary.skipped:
            text += "\n\nSkipped:\n" + "\n".join(f"- {s.file}: {s.reason}. Fix: {s.fix}" for s in summary.skipped)
        return text

    def locked(action: Callable[[], str]) -> str:
        if not _INGEST_LOCK.acquire(blocking=False):
            return "An ingest is already running. Try again when it has finished."
        try:
            return action()
        except PeerhelpError as err:
            return f"Not done: {err}"
        finally:
            _INGEST_LOCK.release()

    def documents_rows() -> list[list]:
        index = get_assistant().index
        rows = []
        for entry in read_manifest(settings.corpus_dir):
            s = index.state.documents.get(entry.id)
            when = s.ingested_at if s else "not ingested"
            if entry.id in index.pending:
                when += " (found by its words; by meaning when its vectors are done)"
            rows.append([entry.id, entry.title, entry.kind, entry.issuer, entry.display_date, s.chunk_count if s else 0, when])
        return rows

    def document_ids() -> list[str]:
        return [e.id for e in read_manifest(settings.corpus_dir)]

    # --- Ask & inspect
    def ask_and_inspect(question: str, history: str, county: str):
        bot = get_assistant()
        earlier = [line.strip() for line in (history or "").splitlines() if line.strip()]
        try:
            answer, trace = bot.ask_with_trace(question, history=earlier, county=county.strip() or None)
        except InputError as err:
            return f"**Not asked:** {err}", [], "", "", "", "{}", ""
        seen = inspect(answer, trace)
        return (peer_view(answer), seen.rows, f"{answer.status}: {seen.decision}", seen.language, seen.crisis,
                json.dumps({"index_version": seen.index_version, **seen.timings_ms}, indent=1), seen.llm)

    # --- Documents
    def show_document(doc_id: str):
        entry = next((e for e in read_manifest(settings.corpus_dir) if e.id == doc_id), None)
        if entry is None:
            return "", "", []
        try:
            raw = load_text(settings.corpus_dir / entry.file, int(settings.max_file_mb * 1_000_000))
        except LoadError as err:
            return f"Cannot read: {err.by_name()}", "", []
        index = get_assistant().index
        chunks = [[c.n, c.section or "", c.tokens, c.start, c.end, c.text] for c in index.chunks if c.doc_id == doc_id]
        return raw, clean_text(raw), chunks

    def add_document(file, title, issuer, kind, url, as_of, doc_id, progress=gr.Progress()):
        if not file:
            return "Choose a file first (PDF, DOCX, HTML, TXT or MD).", documents_rows(), gr.update(choices=document_ids())
        given = GivenFields(title=title or None, issuer=issuer or None, kind=kind or None, url=url or None,
                            as_of=as_of or None, id=doc_id or None)

        def action() -> str:
            added, failed = add_documents(settings.corpus_dir, [Path(file)], given, int(settings.max_file_mb * 1_000_000))
            if failed:
                return "Not added: " + "; ".join(f.by_name() for f in failed)
            return "\n".join(a.message() for a in added) + ".\n\n" + ingest(progress)

        return locked(action), documents_rows(), gr.update(choices=document_ids())

    def inferred(file, url, doc_id):
        """Before adding: what the document says about itself, shown in the empty fields as their placeholder (what
        an empty field will record), never written over what staff type, however late the answer comes."""
        keep = (gr.update(),) * 3
        if not file:
            return ("", *keep)
        try:
            planned = preview(settings.corpus_dir, Path(file), GivenFields(url=url or None, id=doc_id or None),
                              int(settings.max_file_mb * 1_000_000))
        except LoadError as err:
            return (f"Cannot be added: {err.by_name()}", *keep)
        except PeerhelpError as err:
            return (str(err), *keep)
        e = planned.entry
        what = f"replaces **{e.id}** (fields you leave empty keep its values)" if planned.replaced else f"a new document, id **{e.id}**"
        issuer_known = e.issuer != UNKNOWN_ISSUER
        text = (f"Read from the file — {what}. Title: {e.title}; issuer: {e.issuer if issuer_known else 'not found (type it)'}; "
                f"date: {e.as_of or 'none found (type it if you know it)'}; kind: {e.kind}; language: {e.language}. "
                "Type in a field to correct it; a field left empty records what is shown in it.")
        return (text, gr.update(placeholder=e.title), gr.update(placeholder=e.issuer if issuer_known else "not found: type it"),
                gr.update(placeholder=e.as_of or "none found: type it if you know it"))

    def remove(doc_id: str, sure: bool, progress=gr.Progress()):
        if not doc_id:
            return "Choose a document to remove.", documents_rows(), gr.update(choices=document_ids())
        if not sure:
            return (f"Not removed: tick “Yes, remove it” to remove {doc_id} (Undo can bring it back).", documents_rows(),
                    gr.update(choices=document_ids()))

        def action() -> str:
            entry = remove_document(settings.corpus_dir, doc_id)
            return f"Removed {entry.id} ({entry.title}).\n\n" + ingest(progress)

        return locked(action), documents_rows(), gr.update(choices=document_ids(), value=None)

    def undo(progress=gr.Progress()):
        def action() -> str:
            change = undo_last(settings.corpus_dir)
            return f"Undone: {change.description}.\n\n" + ingest(progress)

        return locked(action), documents_rows(), gr.update(choices=document_ids(), value=None)

    def last_change_text() -> str:
        change = last_change(settings.corpus_dir)
        return f"Last change ({change.at}): {change.description}" if change else "No change recorded yet."

    def problems():
        found = unmatched(settings.corpus_dir, read_manifest(settings.corpus_dir))
        return ([[u.file, u.entry_id or "", u.reason, u.fix] for u in found],
                gr.update(choices=[u.file for u in found], value=None))

    def fix_problem(file_name: str, progress=gr.Progress()):
        def action() -> str:
            found = next((u for u in unmatched(settings.corpus_dir, read_manifest(settings.corpus_dir))
                          if u.file == file_name), None)
            if found is None:
                return f"Nothing to fix for {file_name or 'that file'} any more."
            if found.entry_id:  # the file is gone: the entry goes (undo brings it back)
                remove_document(settings.corpus_dir, found.entry_id)
                text = f"Removed the entry {found.entry_id}: its file {found.file} was missing."
            else:  # a file with no entry: described from its own text; correct it by replacing with its id
                added, failed = add_documents(settings.corpus_dir, [settings.corpus_dir / found.file], GivenFields(),
                                              int(settings.max_file_mb * 1_000_000))
                if failed:
                    return "Not added: " + "; ".join(f"{f.reason}. Fix: {f.fix}" for f in failed)
                text = added[0].message() + "."
            return text + "\n\n" + ingest(progress)

        return locked(action), documents_rows(), gr.update(choices=document_ids(), value=None)

    # --- Evaluation
    def evaluate(split: str, progress=gr.Progress()):
        bot = get_assistant()
        previous = _latest_report(settings.eval_results_dir, split)
        counted = {"n": 0}

        def tick(system, item_id):
            counted["n"] += 1
            progress(None, desc=f"{system}: {counted['n']} items")

        report = run_eval(settings, split=split, baselines=False, progress=tick, assistant=bot)
        failures = check_gate(report) if split == "test" else []
        folder = write_report(report, failures, settings.eval_results_dir)
        summary = report["systems"]["assistant"]["summary"]
        failing = [[i["id"], i["category"], i["question"], "; ".join(i["failed_checks"]), i["status"], i["answer"][:300]]
                   for i in report["systems"]["assistant"]["items"] if i["failed_checks"]]
        gate = "not applied (dev split)" if split != "test" else ("passed" if not failures else "FAILED: " + "; ".join(failures))
        head = f"Report written to `{folder}`. Gate: {gate}. {len(failing)} items with failed checks."
        return head, _comparison(summary, previous), failing

    # Gradio's copies of downloads (the gaps CSV) go within the hour, like the exports themselves (ui/gaps.py).
    with gr.Blocks(title="peerhelp staff console", analytics_enabled=False,
                   delete_cache=(EXPORT_KEEP_S, EXPORT_KEEP_S)) as console:
        gr.Markdown("# peerhelp staff console")
        with gr.Tab("Ask & inspect"):
            with gr.Row():
                question = gr.Textbox(label="Question", lines=2, scale=3)
                with gr.Column(scale=2):
                    history = gr.Textbox(label="Earlier questions (one per line, oldest first)", lines=2)
                    county = gr.Textbox(label="Widget county (optional)")
            ask_btn = gr.Button("Ask", variant="primary")
            peer = gr.Markdown(label="What the peer sees")
            with gr.Row():
                decision = gr.Textbox(label="Decision")
                language = gr.Textbox(label="Language")
                crisis = gr.Textbox(label="Crisis check")
            trace_table = gr.Dataframe(headers=TRACE_COLUMNS, label="Retrieved chunks", wrap=True)
            timings = gr.Code(label="Latency per stage (ms, cumulative)", language="json")
            llm_check = gr.Textbox(label="LLM draft, checked sentence by sentence", lines=3)
            outputs = [peer, trace_table, decision, language, crisis, timings, llm_check]
            ask_btn.click(ask_and_inspect, [question, history, county], outputs, api_name="ask")
            question.submit(ask_and_inspect, [question, history, county], outputs)

        with gr.Tab("Documents"):
            docs = gr.Dataframe(headers=DOC_COLUMNS, label="Documents", wrap=True, elem_id="documents", column_widths=DOC_WIDTHS)
            refresh = gr.Button("Refresh")
            refresh.click(documents_rows, None, docs, api_name="documents")
            doc_pick = gr.Dropdown(label="Document", choices=document_ids(), value=None, allow_custom_value=True)
            with gr.Row():
                raw = gr.Textbox(label="Raw text (as loaded)", lines=18, max_lines=18)
                cleaned = gr.Textbox(label="Cleaned text (what is chunked)", lines=18, max_lines=18)
            chunks = gr.Dataframe(headers=CHUNK_COLUMNS, label="Chunks", wrap=True)
            doc_pick.change(show_document, doc_pick, [raw, cleaned, chunks], api_name="document")

            gr.Markdown("### Add or replace a document\nUploading with the id of an existing document replaces it "
                        "and keeps the fields left empty; without an id a new document is added, never replacing "
                        "another. Peers keep getting answers from the current index until the new one is complete.")
            upload = gr.File(label="File (PDF, DOCX, HTML, TXT, MD)", file_types=[".pdf", ".docx", ".html", ".htm", ".txt", ".md"],
                             type="filepath", elem_id="upload")
            with gr.Row():
                title = gr.Textbox(label="Title")
                issuer = gr.Textbox(label="Issuer")
                kind = gr.Dropdown(label="Kind", choices=[k.value for k in Kind], value=None)
            with gr.Row():
                url = gr.Textbox(label="Official URL")
                as_of = gr.Textbox(label="As-of date (YYYY, YYYY-MM or YYYY-MM-DD)")
                new_id = gr.Textbox(label="Id (optional; an existing id replaces that document)")
            read_from_file = gr.Markdown()
            for trigger in (upload.change, new_id.blur):
                trigger(inferred, [upload, url, new_id],
                        [read_from_file, title, issuer, as_of], api_name=False)
            gr.Button("Read the fields from the file", size="sm").click(
                inferred, [upload, url, new_id], [read_from_file, title, issuer, as_of],
                api_name="infer_fields")
            add_btn = gr.Button("Add and ingest", variant="primary")
            ingest_status = gr.Markdown()
            add_event = add_btn.click(add_document, [upload, title, issuer, kind, url, as_of, new_id],
                                      [ingest_status, docs, doc_pick], api_name="add_document")
            last = gr.Markdown(last_change_text())
            with gr.Row():
                sure = gr.Checkbox(label="Yes, remove it", value=False)
                remove_btn = gr.Button("Remove the chosen document and re-ingest", variant="stop")
            remove_btn.click(remove, [doc_pick, sure], [ingest_status, docs, doc_pick], api_name="remove_document").then(
                lambda: (False, last_change_text()), None, [sure, last])
            undo_btn = gr.Button("Undo the last change and re-ingest")
            undo_btn.click(undo, None, [ingest_status, docs, doc_pick], api_name="undo_change").then(
                last_change_text, None, last)
            gr.Markdown("### Files the index skips\nA file in the corpus folder with no entry, or an entry whose file "
                        "is missing. Fix adds the file (described from its text) or removes the entry.")
            problem_table = gr.Dataframe(headers=["file", "entry", "reason", "fix"], label="Skipped", wrap=True)
            problem_pick = gr.Dropdown(label="File", choices=[], allow_custom_value=True)
            check_btn = gr.Button("Check")
            check_btn.click(problems, None, [problem_table, problem_pick], api_name="problems")
            fix_btn = gr.Button("Fix the chosen file and re-ingest")
            fix_btn.click(fix_problem, problem_pick, [ingest_status, docs, doc_pick], api_name="fix_problem").then(
                last_change_text, None, last)
            add_event.then(last_change_text, None, last)

        with gr.Tab("Gaps & feedback"):
            gaps_tab(get_assistant, settings, locked, ingest)

        with gr.Tab("Evaluation"):
            split = gr.Radio(["dev", "test"], value="dev", label="Split")
            run_btn = gr.Button("Run the evaluation", variant="primary")
            eval_head = gr.Markdown()
            comparison = gr.Markdown()
            failures = gr.Dataframe(headers=["id", "category", "question", "failed checks", "status", "answer"],
                                    label="Failures", wrap=True)
            run_btn.click(evaluate, split, [eval_head, comparison, failures], api_name="evaluate")

        console.load(lambda: (documents_rows(), gr.update(choices=document_ids())), None, [docs, doc_pick])
    return console


def _latest_report(results_dir: Path, split: str) -> dict | None:
    folders = sorted(results_dir.glob(f"*-{split}")) if results_dir.exists() else []
    for folder in reversed(folders):
        try:
            return json.loads((folder / "report.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
    return None


def _comparison(summary: dict, previous: dict | None) -> str:
    before = previous["systems"]["assistant"]["summary"] if previous else {}
    lines = ["| metric | this run | previous run | change |", "|---|---|---|---|"]
    for key in SUMMARY_ROWS:
        now, was = summary.get(key), before.get(key)
        change = f"{now - was:+.3f}" if isinstance(now, (int, float)) and isinstance(was, (int, float)) else "—"
        lines.append(f"| {key} | {'—' if now is None else now} | {'—' if was is None else was} | {change} |")
    note = f"Previous run: {previous['created_at']}." if previous else "No previous run of this split to compare with."
    return note + "\n\n" + "\n".join(lines)


def mount_console(app, get_assistant: Callable[[], Assistant], settings: Settings) -> bool:
    """Mount at /console behind the staff login; False (and a logged reason) when it stays off."""
    credentials = console_credentials(settings)
    if credentials is None:
        return False
    import gradio as gr

    # System fonts: the default theme would fetch web fonts from a third party.
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    app.add_middleware(LoginThrottle, login_path="/console/login")
    app.add_middleware(ConsoleHeaders, prefix="/console")
    gr.mount_gradio_app(app, build_console(get_assistant, settings), path="/console", auth=[credentials],
                        auth_message="peerhelp staff console", footer_links=[], ssr_mode=False, theme=theme)
    return True
