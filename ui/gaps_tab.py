"""The console's Gaps & feedback tab: what peers could not get answered, grouped; its state (open, resolved, asked
again, answered now); and the two ways staff close a gap — a curated answer, or a question for the evaluation set."""

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from assistant.engine import Assistant
from core.settings import Settings
from ingest.adding import GivenFields, add_documents
from ingest.describing import capitalized
from ingest.manifest import WEB_ADDRESS
from ui.gaps import (GROUP_COLUMNS, append_eval_item, collect_gaps, eval_item, export_file, gaps_csv, group_gaps,
                     group_states, grouping_embedder, groups_table, staff_note_text)


def gaps_tab(get_assistant: Callable[[], Assistant], settings: Settings, locked: Callable[[Callable[[], str]], str],
             ingest: Callable) -> None:
    """Render the tab inside the console's Blocks; `locked` runs a corpus change under the console's ingest lock,
    `ingest(progress)` re-ingests and says how it went."""
    import gradio as gr

    def gap_groups():
        bot = get_assistant()
        return group_gaps(collect_gaps(bot.conversations), grouping_embedder().embed_documents)

    def load_gaps():
        groups = gap_groups()
        bot = get_assistant()
        # asked without a conversation id, so nothing is remembered
        states = group_states(groups, bot.conversations.resolved_gaps(),
                              lambda q: bot.ask_with_trace(q, use_llm=False)[0].status)
        return groups_table(groups, states), gr.update(choices=[g.representative for g in groups])

    def resolve(question: str):
        if not (question or "").strip():
            return "Choose a group's question first.", *load_gaps()
        get_assistant().conversations.resolve_gap(question)
        return f"Marked resolved: {question}. It shows again if someone asks it after now.", *load_gaps()

    def export_csv():
        return str(export_file(settings.state_db.parent / "exports", "peerhelp-gaps.csv", gaps_csv(gap_groups())))

    def curated_answer(question: str, answer: str, source_url: str, title: str, progress=gr.Progress()):
        if not (question or "").strip() or not (answer or "").strip():
            return "Write the question and the answer."
        if not WEB_ADDRESS.match((source_url or "").strip()):
            return "Give the official source URL (https://…) that the answer comes from."
        folder = Path(tempfile.mkdtemp(prefix="peerhelp-note-"))
        note = folder / "staff-note.md"
        note.write_text(staff_note_text(answer, source_url), encoding="utf-8")
        given = GivenFields(title=capitalized((title or question).strip()[:160]), issuer="County staff (curated answer)",
                            kind="staff-note", url=source_url.strip())

        def action() -> str:
            added, failed = add_documents(settings.corpus_dir, [note], given, int(settings.max_file_mb * 1_000_000))
            if failed:
                return "Not added: " + "; ".join(f.by_name() for f in failed)
            return f"Curated answer added as document {added[0].entry.id} (kind staff-note).\n\n" + ingest(progress)

        return locked(action)

    def add_eval(question: str, expected_status: str, document: str, contains: str):
        if not (question or "").strip():
            return "Choose or write the question."
        path = settings.staff_gold_file
        existing = {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()} \
            if path.exists() else set()
        item = eval_item(question, expected_status, document or None, contains or None, existing)
        append_eval_item(path, item)
        return f"Added {item['id']} to {path} (dev split)."

    gr.Markdown("Questions the assistant could not answer, and answers rated unhelpful — personal details "
                "redacted, grouped by similarity.")
    gaps_btn = gr.Button("Load")
    groups = gr.Dataframe(headers=GROUP_COLUMNS, label="Groups", wrap=True)
    with gr.Row():
        resolve_btn = gr.Button("Mark the chosen group resolved")
        resolve_status = gr.Markdown()
    csv_btn = gr.Button("Export CSV")
    csv_file = gr.File(label="CSV")
    csv_btn.click(export_csv, None, csv_file, api_name="export_csv")
    gr.Markdown("### Write a curated answer\nA short answer from an official source. It becomes a "
                "`staff-note` document and is cited like any other.")
    group_pick = gr.Dropdown(label="Question (from a group, or type one)", choices=[], allow_custom_value=True)
    gaps_btn.click(load_gaps, None, [groups, group_pick], api_name="gaps")
    resolve_btn.click(resolve, group_pick, [resolve_status, groups, group_pick], api_name="resolve_gap")
    note_title = gr.Textbox(label="Title (optional)")
    note_answer = gr.Textbox(label="Answer", lines=4)
    note_url = gr.Textbox(label="Official source URL")
    note_btn = gr.Button("Add curated answer and ingest", variant="primary")
    note_status = gr.Markdown()
    note_btn.click(curated_answer, [group_pick, note_answer, note_url, note_title], note_status, api_name="curated_answer")
    gr.Markdown("### Add the question to the evaluation set (dev split)")
    with gr.Row():
        expected = gr.Radio(["answered", "abstained"], value="answered", label="Expected")
        gold_doc = gr.Textbox(label="Answering document id")
        gold_contains = gr.Textbox(label="Exact text of the answering passage")
    eval_btn = gr.Button("Add to evaluation set")
    eval_status = gr.Markdown()
    eval_btn.click(add_eval, [group_pick, expected, gold_doc, gold_contains], eval_status, api_name="add_eval_item")

