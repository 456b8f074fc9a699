"""The staff console through gradio_client and a real browser, against a live server on loopback."""

import csv
import json
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from evals.servers import api_server

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
NOTE = "The Quokka Valley peer hub meets on Tuesdays at the old library; bring your certificate number.\n"


@pytest.fixture(scope="module")
def console_site(seed_index, tmp_path_factory):
    base = tmp_path_factory.mktemp("console")
    shutil.copytree(seed_index.parent / "corpus", base / "corpus")
    shutil.copytree(seed_index, base / "index")
    env = {"PEERHELP_CORPUS_DIR": str(base / "corpus"), "PEERHELP_CONSOLE_PASSWORD": PASSWORD,
           "PEERHELP_STATE_DB": str(base / "state.sqlite"), "PEERHELP_EVAL_RESULTS_DIR": str(base / "results"),
           "PEERHELP_STAFF_GOLD_FILE": str(base / "staff.jsonl"), "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
    with api_server(base / "index", env=env) as api:
        yield api, base


@pytest.fixture(scope="module")
def client(console_site):
    from gradio_client import Client

    return Client(f"{console_site[0]}/console/", auth=("staff", PASSWORD), verbose=False)


def rows(table) -> list[list]:
    return table["data"] if isinstance(table, dict) else table


def test_wrong_password_is_refused(console_site):
    from gradio_client import Client

    with pytest.raises(Exception):
        Client(f"{console_site[0]}/console/", auth=("staff", "wrong"), verbose=False)
    r = httpx.post(f"{console_site[0]}/console/login", data={"username": "staff", "password": "wrong"})
    assert r.status_code in (400, 401)
    config = httpx.get(f"{console_site[0]}/console/config")
    assert config.status_code == 401 and "Ask & inspect" not in config.text


def test_production_without_a_strong_password_keeps_the_console_off(tmp_path):
    from core.settings import Settings
    from ui.console import console_credentials

    assert console_credentials(Settings(production=True)) is None
    assert console_credentials(Settings(production=True, console_password="x")) is None
    assert console_credentials(Settings(production=True, console_password=PASSWORD)) == ("staff", PASSWORD)
    user, one_run = console_credentials(Settings())
    assert user == "staff" and len(one_run) >= 12


def test_ask_and_inspect_shows_the_trace(client):
    peer, trace, decision, language, crisis, timings, llm = client.predict("Is Kern County participating?", "", "", api_name="/ask")
    assert peer.startswith("Yes. Kern") and "**Sources**" in peer
    table = rows(trace)
    assert table and {"[1]", "[2]"} <= {r[-1] for r in table}, "cited chunks are marked"
    assert any(r[4] is not None for r in table) and any(r[5] is not None for r in table), "BM25 and dense ranks"
    assert decision.startswith("answered: membership") and language == "en" and crisis == "no crisis signal"
    assert {"retrieve", "compose", "total"} <= set(json.loads(timings))
    assert llm.startswith("No LLM was asked")
    peer, _, decision, _, crisis, _, _ = client.predict("I can't go on, I want to die", "", "", api_name="/ask")
    assert "988" in peer and crisis.startswith("crisis") and decision.startswith("crisis")
    _, _, decision, language, _, _, _ = client.predict("¿Cuánto cuesta el estacionamiento en Fresno?", "", "", api_name="/ask")
    assert decision.startswith("abstained") and language == "es"


def test_documents_list_raw_cleaned_and_chunks(client):
    docs = rows(client.predict(api_name="/documents"))
    assert len(docs) == 5 and all(d[5] > 0 for d in docs)
    raw, cleaned, chunks = client.predict("mhsoac-peer-certification-resource-guide", api_name="/document")
    assert "<" in raw and len(cleaned) < len(raw)
    chunk_rows = rows(chunks)
    assert len(chunk_rows) == next(d[5] for d in docs if d[0] == "mhsoac-peer-certification-resource-guide")
    assert any(" > " in r[1] for r in chunk_rows), "heading paths"


def test_add_replace_remove_without_restart_while_peers_keep_being_answered(client, console_site, tmp_path):
    from gradio_client import handle_file

    api = console_site[0]
    note = tmp_path / "quokka-hub.txt"
    note.write_text(NOTE, encoding="utf-8")
    answers, stop = [], threading.Event()

    def peers():
        while not stop.is_set():
            answers.append(httpx.post(f"{api}/v1/chat", json={"message": "What is grandparenting?"}, timeout=60).status_code)

    thread = threading.Thread(target=peers)
    thread.start()
    try:
        status, docs, _ = client.predict(handle_file(str(note)), "Quokka Valley peer hub", "Test county", "staff-note",
                                         "https://example.org/quokka", "2026-11-01", "quokka-hub", api_name="/add_document")
    finally:
        stop.set()
        thread.join()
    assert "Added quokka-hub" in status and "Peers are now answered from it" in status, status
    assert answers and set(answers) == {200}, "the old index kept serving during the ingest"
    assert any(d[0] == "quokka-hub" for d in rows(docs))
    answer = httpx.post(f"{api}/v1/chat", json={"message": "When does the Quokka Valley peer hub meet?"}, timeout=60).json()
    assert any(c["document"] == "quokka-hub" for c in answer["citations"]) and "Tuesdays" in answer["answer"]

    note.write_text(NOTE.replace("Tuesdays", "Thursdays"), encoding="utf-8")
    status, _, _ = client.predict(handle_file(str(note)), "Quokka Valley peer hub", "Test county", "staff-note",
                                  "https://example.org/quokka", "2026-11-20", "quokka-hub", api_name="/add_document")
    answer = httpx.post(f"{api}/v1/chat", json={"message": "When does the Quokka Valley peer hub meet?"}, timeout=60).json()
    assert "Thursdays" in answer["answer"] and "Tuesdays" not in answer["answer"], "replaced, not added twice"

    status, docs, _ = client.predict("quokka-hub", False, api_name="/remove_document")
    assert status.startswith("Not removed: tick") and any(d[0] == "quokka-hub" for d in rows(docs))
    status, docs, _ = client.predict("quokka-hub", True, api_name="/remove_document")
    assert "Removed quokka-hub" in status and not any(d[0] == "quokka-hub" for d in rows(docs))
    answer = httpx.post(f"{api}/v1/chat", json={"message": "When does the Quokka Valley peer hub meet?"}, timeout=60).json()
    assert not any(c["document"] == "quokka-hub" for c in answer["citations"])


def test_a_remove_is_undone_and_skipped_files_are_fixed_in_one_click(client, console_site):
    corpus = console_site[1] / "corpus"
    status, docs, _ = client.predict("la-dmh-wet-slides", True, api_name="/remove_document")
    assert "Removed la-dmh-wet-slides" in status and len(rows(docs)) == 4, status
    status, docs, _ = client.predict(api_name="/undo_change")
    assert status.startswith("Undone: Removed la-dmh-wet-slides") and "Peers are now answered from it" in status
    assert any(d[0] == "la-dmh-wet-slides" for d in rows(docs))

    (corpus / "stray-stipends.txt").write_text("Stipend schedule\n\nStipends are paid after each module.\n")
    table, _ = client.predict(api_name="/problems")
    assert [r[0] for r in rows(table)] == ["stray-stipends.txt"] and rows(table)[0][2] == "no manifest entry"
    status, docs, _ = client.predict("stray-stipends.txt", api_name="/fix_problem")
    assert status.startswith("Added stray-stipends.txt as 'stipend-schedule'"), status
    assert any(d[0] == "stipend-schedule" for d in rows(docs))

    (corpus / "stray-stipends.txt").unlink()
    table, _ = client.predict(api_name="/problems")
    assert [r[1] for r in rows(table)] == ["stipend-schedule"]
    status, docs, _ = client.predict("stray-stipends.txt", api_name="/fix_problem")
    assert status.startswith("Removed the entry stipend-schedule") and len(rows(docs)) == 5, status
    assert rows(client.predict(api_name="/problems")[0]) == []


def test_a_bad_file_gets_the_clear_ingest_error(client, tmp_path):
    from gradio_client import handle_file

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    status, docs, _ = client.predict(handle_file(str(broken)), "", "", None, "", "", "", api_name="/add_document")
    assert status.startswith("Not added:") and "broken.pdf" in status and "Fix" in status
    assert "/" not in status.split("Fix")[0], status  # the file's name, never the server's temporary folder
    memo = tmp_path / "memo.txt"
    memo.write_text("Supervision memo\n\nPeer staff meet their supervisor every week.\n")
    status, docs, _ = client.predict(handle_file(str(memo)), "", "", None, "", "Marchh 2026", "", api_name="/add_document")
    assert status.startswith("Not done: As-of date 'Marchh 2026' is not a date. Fix:"), status  # the field, not "Error"
    assert len(rows(docs)) == 5


def test_before_adding_the_fields_read_from_the_file_are_shown_in_the_empty_boxes(client, tmp_path):
    from gradio_client import handle_file

    memo = tmp_path / "stipend-memo.txt"
    memo.write_text("Title: County Peer Stipend Memo\nUpdated March 2026\n\nStipends are paid after each module.\n")
    def shown_in(update):  # the placeholder a field shows; its value is never set, so typing is never overwritten
        assert "value" not in update, update
        return update.get("placeholder")

    shown, title, issuer, as_of = client.predict(handle_file(str(memo)), "", "", api_name="/infer_fields")
    assert "new document, id **county-peer-stipend-memo**" in shown and "issuer: not found" in shown, shown
    assert (shown_in(title), shown_in(as_of), shown_in(issuer)) == ("County Peer Stipend Memo", "2026-03",
                                                                   "not found: type it")
    undated = tmp_path / "notes.txt"
    undated.write_text("Hub notes\n\nThe hub meets on Tuesdays.\n")
    shown, *_ = client.predict(handle_file(str(undated)), "", "la-dmh-wet-slides", api_name="/infer_fields")
    assert "replaces **la-dmh-wet-slides**" in shown and "Los Angeles County" in shown, shown  # kept from the entry
    assert len(rows(client.predict(api_name="/documents"))) == 5  # nothing was added


def test_gaps_grouped_exported_curated_and_added_to_the_evaluation(client, console_site):
    from evals.gold import GoldItem

    api, base = console_site
    asked = ["Is there free parking at the exam center in Fresno?", "is parking free at the Fresno exam center",
             "Can I bring my service dog to the exam?"]
    conversation = None  # one conversation, its id issued by the server
    for q in asked:
        a = httpx.post(f"{api}/v1/chat", json={"message": q, "conversation_id": conversation}, timeout=60).json()
        assert a["status"] == "abstained", (q, a["answer"])
        conversation = a["conversation_id"]
    rated = httpx.post(f"{api}/v1/chat", json={"message": "What is grandparenting? my email is pat@example.org",
                                                "conversation_id": conversation}, timeout=60).json()
    httpx.post(f"{api}/v1/feedback", json={"conversation_id": conversation, "message_id": rated["message_id"], "rating": "down",
                                           "comment": "no deadline given, call me 415-555-0100"}).raise_for_status()
    groups, _ = client.predict(api_name="/gaps")
    table = rows(groups)
    parking = [g for g in table if "parking" in g[1].lower()]
    assert len(parking) == 1 and (parking[0][2], parking[0][3], parking[0][4]) == ("open", 1, 2), table  # one conversation
    down = [g for g in table if g[5] == 1]
    assert down and "pat@example.org" not in down[0][1] and "415-555-0100" not in down[0][8] and "deadline" in down[0][8]
    status, resolved, _ = client.predict(parking[0][1], api_name="/resolve_gap")
    assert status.startswith("Marked resolved") and [g[2] for g in rows(resolved) if g[1] == parking[0][1]] == ["resolved"]

    exported = client.predict(api_name="/export_csv")
    lines = list(csv.DictReader(Path(exported).read_text(encoding="utf-8").splitlines()))
    assert len(lines) == sum(g[4] for g in table) and {line["source"] for line in lines} == {"abstained", "thumbs down"}
    assert sum("parking" in line["question"] for line in lines) == 2

    status = client.predict("Is there free parking at the exam center in Fresno?",
                            "Parking at the Fresno exam center is free in the north lot.", "https://example.org/fresno-exam",
                            "Fresno exam center parking", api_name="/curated_answer")
    assert "kind staff-note" in status, status
    answer = httpx.post(f"{api}/v1/chat", json={"message": "Is parking free at the Fresno exam center?"}, timeout=60).json()
    assert answer["status"] == "answered" and "north lot" in answer["answer"]
    assert any(c["url"] == "https://example.org/fresno-exam" for c in answer["citations"])
    status = client.predict("https://not-official", "x", "ftp://nope", "", api_name="/curated_answer")
    assert "official source URL" in status

    status = client.predict("Can I bring my service dog to the exam?", "abstained", "", "", api_name="/add_eval_item")
    assert "staff-001" in status
    item = GoldItem.model_validate_json((base / "staff.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert item.split == "dev" and item.expected_status == "abstained"


def test_evaluation_runs_and_compares_with_the_previous_run(client):
    head, comparison, failures = client.predict("dev", api_name="/evaluate")
    assert head.startswith("Report written") and "No previous run" in comparison and "status_accuracy" in comparison
    head, comparison, _ = client.predict("dev", api_name="/evaluate")
    assert "Previous run:" in comparison and "+0.000" in comparison
    assert isinstance(rows(failures), list)


def test_browser_login_upload_pdf_and_see_it_cited(console_site, tmp_path):
    from fpdf import FPDF
    from playwright.sync_api import sync_playwright

    from tests.test_widget_browser import _launch

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Marmot Creek peer certification clinic\n\nThe Marmot Creek clinic helps peers fill in the "
                         "certification application every Wednesday afternoon.")
    path = tmp_path / "marmot-clinic.pdf"
    pdf.output(str(path))
    api = console_site[0]
    outside = []
    with sync_playwright() as p:
        browser = _launch(p)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
                and urlparse(r.url).scheme in ("http", "https") else None)
        page.goto(f"{api}/console/")
        page.get_by_label("Username").fill("staff")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Login").click()
        page.get_by_text("Incorrect", exact=False).first.wait_for(timeout=20_000)
        page.get_by_label("Username").fill("staff")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Login").click()
        page.get_by_role("tab", name="Documents").click()
        page.set_viewport_size({"width": 1366, "height": 768})  # a county laptop: every column in view, no scrolling
        last = page.locator("#documents th").filter(has_text="last ingested").first
        last.wait_for()
        box = last.bounding_box()
        assert box and box["x"] + box["width"] <= 1366, box
        page.set_viewport_size({"width": 1280, "height": 900})
        page.locator("#upload input[type=file]").set_input_files(str(path))
        page.get_by_text("marmot-clinic.pdf").first.wait_for()
        page.get_by_label("Title").first.fill("Marmot Creek clinic")
        page.get_by_label("Official URL").fill("https://example.org/marmot")
        page.get_by_role("button", name="Add and ingest").click()
        page.get_by_text("Peers are now answered from it", exact=False).wait_for(timeout=120_000)
        page.get_by_role("tab", name="Ask & inspect").click()
        page.get_by_role("textbox", name="Question", exact=True).fill("When does the Marmot Creek clinic help with the application?")
        page.get_by_role("button", name="Ask", exact=True).click()
        page.get_by_text("Marmot Creek clinic", exact=False).nth(1).wait_for(timeout=60_000)
        assert "Wednesday" in page.locator("body").inner_text()
        page.screenshot(path=str(tmp_path / "console.png"))
        browser.close()
    assert not outside, f"the console made third-party requests: {outside[:5]}"
