"""The widget in a real browser (Debian Chromium driven by Playwright) against a real server on loopback.

The widget is embedded, with its one tag, in a county page served from a second origin that has
hostile CSS, so every test also exercises CORS and style isolation. Screenshots are written to
test-artifacts/widget/ (look at them).
"""

import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import httpx
import pytest

from evals.servers import api_server, free_port
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "widget"
XSS_TITLE = "Widget notice"  # ingest refuses markup in a title: it reaches the widget only in a forged response, below
XSS_TEXT = ("Widget escape notice\n\nThe quokka escape phrase for the peer widget is "
            "<img src=x onerror=\"window.__xss=2\"> followed by <script>window.__xss=3</script> and nothing else.\n")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  * {{ font-size: 40px !important; color: #f0f !important; font-family: serif !important; }}
  button, textarea, section, div, ol {{ display: none !important; background: #0f0 !important; }}
  main {{ display: block !important; }}
</style>
<script>window.__before = Object.getOwnPropertyNames(window);</script>
</head><body><main><h1>{title}</h1><p>A county page with hostile CSS.</p><a href="/{other}.html">Other page</a></main>
<script src="{api}/widget.js" data-api="{api}" data-county="Sonoma" data-lang="auto" data-color="#0b5a8a" defer></script>
</body></html>"""


def _launch(p):
    if not CHROMIUM.exists():
        if os.environ.get("PEERHELP_REQUIRE_BROWSER"):
            pytest.fail("/usr/bin/chromium is missing. Fix: apt-get install chromium chromium-driver (.ci/run does)")
        pytest.skip("Debian chromium is not installed (apt-get install chromium chromium-driver)")
    return p.chromium.launch(executable_path=str(CHROMIUM),
                             args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])


@pytest.fixture(scope="module")
def index_with_payload(seed_index, tmp_path_factory, embedder):
    """The seed index plus one document whose text carries HTML payloads (incremental: only it is embedded)."""
    from ingest.pipeline import run_ingest
    from core.settings import Settings

    base = tmp_path_factory.mktemp("widget")
    corpus = base / "corpus"
    shutil.copytree(seed_index.parent / "corpus", corpus)
    shutil.copytree(seed_index, base / "index")
    (corpus / "widget-notice.txt").write_text(XSS_TEXT, encoding="utf-8")
    manifest = json.loads((corpus / "manifest.json").read_text())
    manifest["documents"].append({"id": "widget-notice", "file": "widget-notice.txt", "title": XSS_TITLE, "issuer": "Test",
                                  "kind": "staff-note", "url": "https://example.org/notice", "as_of": "2024-01-01",
                                  "language": "en"})
    (corpus / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    run_ingest(Settings(corpus_dir=corpus, index_dir=base / "index"), embedder=embedder)
    return base / "index", base / "state.sqlite"


@pytest.fixture(scope="module")
def site(index_with_payload):
    """(API base URL, county site base URL, state database)."""
    index, state_db = index_with_payload
    host_port = free_port()
    host_origin = f"http://127.0.0.1:{host_port}"
    with api_server(index, env={"PEERHELP_CORS_ORIGINS": host_origin, "PEERHELP_STATE_DB": str(state_db)}) as api:
        pages = {f"/{name}.html": HOST_PAGE.format(title=title, other=other, api=api).encode()
                 for name, title, other in [("index", "Sonoma County Behavioral Health", "services"),
                                            ("services", "Peer services", "index")]}

        class CountySite(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path.split("?")[0])
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body or b"not found")

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", host_port), CountySite)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield api, host_origin, state_db
        finally:
            server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = _launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser, site):
    """A fresh browser context (fresh sessionStorage) on the county site; fails the test on any page error."""
    context = browser.new_context(viewport=DESKTOP)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(f"{site[1]}/index.html")
    yield pg
    context.close()
    assert not errors, errors


def open_panel(pg):
    pg.get_by_role("button", name="Questions about peer certification").click()
    return pg.get_by_role("textbox", name="Your question")


def ask(pg, question, n=1):
    box = pg.get_by_role("textbox", name="Your question")
    box.fill(question)
    box.press("Enter")
    answers = pg.locator("li.msg.bot:not(.thinking):not(.draft)")
    answers.nth(n - 1).wait_for(timeout=60_000)
    return answers.nth(n - 1)


def api_answer(api, question):
    return httpx.post(f"{api}/v1/chat", json={"message": question, "county": "Sonoma"}, timeout=60).json()


def test_ask__cited_answer_and_a_citation_opens_its_passage(page, site):
    box = open_panel(page)
    assert box.evaluate("el => el.getRootNode().activeElement === el"), "focus moves into the panel on open"
    answer = ask(page, "Is Kern County participating?")
    expected = api_answer(site[0], "Is Kern County participating?")
    assert answer.locator("p").first.inner_text().startswith("Yes.")
    assert answer.locator("button.cite").count() >= 2
    answer.locator("button.cite").first.click()
    view = page.get_by_role("region", name="Source passage")
    first = expected["citations"][0]
    assert first["title"] in view.inner_text()
    assert view.locator("blockquote").inner_text() == first["quote"]
    assert view.get_by_role("link", name="Open the official page").get_attribute("href") == first["url"]
    assert (first["date"] or "") in view.inner_text()
    page.keyboard.press("Escape")
    assert view.is_hidden()
    assert answer.locator("button.cite").first.evaluate("el => el.getRootNode().activeElement === el")


def test_my_county_means_the_county_of_the_site(page):
    open_panel(page)
    answer = ask(page, "Is my county participating?")
    assert answer.locator("p").first.inner_text().startswith("Yes. Sonoma")


def test_abstention_shows_the_documents_dont_say_with_a_referral(page):
    open_panel(page)
    answer = ask(page, "What is the parking validation policy at the exam center in Fresno?")
    assert answer.locator(".badge").inner_text() == "The documents don't say"
    assert "@" in answer.inner_text() or "county" in answer.inner_text().lower()


def test_thumbs_down_with_a_comment_is_stored_redacted(page, site):
    from assistant.conversations import ConversationStore

    open_panel(page)
    answer = ask(page, "What is grandparenting?")
    answer.get_by_role("button", name="No, not helpful").click()
    comment = answer.get_by_role("textbox", name="What was missing or wrong?")
    comment.fill("It did not say the fee. Write me at jane.doe@example.org")
    answer.get_by_role("button", name="Send feedback").click()
    page.get_by_text("Thank you — your feedback helps us improve.").wait_for()
    assert answer.get_by_role("button", name="No, not helpful").get_attribute("aria-pressed") == "true"
    stored = [f for f in ConversationStore(f"sqlite:///{site[2]}").feedback("down") if f.question == "What is grandparenting?"]
    assert stored and "It did not say the fee" in stored[0].comment
    assert "jane.doe@example.org" not in stored[0].comment


def test_crisis_message_shows_the_988_panel_first(page):
    open_panel(page)
    answer = ask(page, "i don't want to be alive anymore")
    panel = answer.locator(".crisis")
    assert panel.is_visible()
    hrefs = {a.get_attribute("href") for a in panel.locator("a").all()}
    assert {"tel:988", "sms:988", "tel:911"} <= hrefs
    assert "marque 2" in panel.inner_text()
    assert answer.get_by_role("button", name="No, not helpful").count() == 0
    assert "988" in page.get_by_role("alert").inner_text()


def test_emergency_message_puts_911_first(page):
    open_panel(page)
    answer = ask(page, "my roommate took a whole bottle of pills an hour ago and now he won't wake up")
    panel = answer.locator(".crisis")
    assert panel.locator("a").first.get_attribute("href") == "tel:911"
    assert "911" in page.get_by_role("alert").inner_text()


def test_spanish_ui_from_the_browser_language_and_switchable(browser, site):
    context = browser.new_context(viewport=PHONE, locale="es-MX")
    pg = context.new_page()
    pg.goto(f"{site[1]}/index.html")
    pg.get_by_role("button", name="¿Preguntas sobre la certificación de pares?").click()
    box = pg.get_by_role("textbox", name="Su pregunta")
    assert "No comparta datos personales" in pg.locator("peerhelp-widget .privacy").inner_text()
    box.fill("¿Qué condados participan?")
    box.press("Enter")
    answer = pg.locator("li.msg.bot:not(.thinking)").first
    answer.wait_for(timeout=60_000)
    assert answer.get_attribute("lang") == "es"
    assert answer.get_by_role("heading", name="Fuentes").is_visible()
    pg.get_by_role("button", name="Switch to English").click()
    assert pg.get_by_role("textbox", name="Your question").is_visible()
    assert pg.get_by_role("button", name="Clear conversation").is_visible()
    context.close()


def test_html_in_documents_messages_and_responses_is_shown_as_text(page, site):
    question = "What is the quokka escape phrase for the peer widget?"
    expected = api_answer(site[0], question)
    assert any(c["document"] == "widget-notice" for c in expected["citations"]), expected
    open_panel(page)
    answer = ask(page, question)
    assert "quokka escape phrase" in answer.inner_text()  # the document's markup was text, cleaned at ingest
    answer.locator(".srcs button").filter(has_text="Widget notice").first.click()
    assert "quokka escape phrase" in page.get_by_role("region", name="Source passage").inner_text()
    page.keyboard.press("Escape")
    ask(page, '<img src=x onerror="window.__xss=4"><script>window.__xss=5</script>', n=2)
    assert page.locator("li.msg.user").nth(1).inner_text().endswith("<script>window.__xss=5</script>")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator("peerhelp-widget img, peerhelp-widget script").count() == 0


def test_hostile_server_text_and_javascript_urls_are_inert(page):
    payload = '<img src=x onerror="window.__xss=6">'
    forged = {"status": "answered", "answer": f"Forged {payload} [1]", "language": "en", "conversation_id": "c1",
              "message_id": "1", "citations": [{"n": 1, "document": "d", "title": payload, "section": payload,
                                                "url": "javascript:window.__xss=7", "date": payload, "quote": payload}]}
    stream = f"event: draft\ndata: {json.dumps({'text': payload})}\n\nevent: answer\ndata: {json.dumps(forged)}\n\n"
    page.route("**/v1/chat/stream", lambda route: route.fulfill(status=200, content_type="text/event-stream",
                                                                headers={"Access-Control-Allow-Origin": "*"}, body=stream))
    open_panel(page)
    answer = ask(page, "anything")
    answer.locator("button.cite").click()
    view = page.get_by_role("region", name="Source passage")
    assert payload in view.locator("blockquote").inner_text()
    assert view.get_by_role("link", name="Open the official page").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None


def test_an_error_event_is_shown_plainly(page):
    detail = "The document search service is not reachable right now. Try again in a moment."
    stream = f"event: error\ndata: {json.dumps({'status': 503, 'detail': detail})}\n\n"
    page.route("**/v1/chat/stream", lambda route: route.fulfill(status=200, content_type="text/event-stream",
                                                                headers={"Access-Control-Allow-Origin": "*"}, body=stream))
    open_panel(page)
    assert ask(page, "Is Kern County participating?").inner_text().strip().endswith(detail)


def test_keyboard_only_flow_with_visible_focus(page):
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.tagName") == "PEERHELP-WIDGET":
            break
    launcher = page.locator("button.launcher")
    assert launcher.evaluate("el => el.getRootNode().activeElement === el")
    assert launcher.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.keyboard.type("Which counties are participating?")
    page.keyboard.press("Enter")
    page.locator("li.msg.bot:not(.thinking)").first.wait_for(timeout=60_000)
    page.keyboard.press("Shift+Tab")
    focused = page.evaluate("document.activeElement.shadowRoot.activeElement.textContent")
    assert focused, "Shift+Tab moves back into the conversation"
    page.keyboard.press("Escape")
    assert page.locator("#ph-panel").is_hidden()
    assert launcher.evaluate("el => el.getRootNode().activeElement === el"), "focus returns to the launcher"


def test_shift_enter_makes_a_new_line_instead_of_sending(page):
    box = open_panel(page)
    box.type("first line")
    box.press("Shift+Enter")
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    assert page.locator("li.msg.user").count() == 0


STYLE_PROBE = """() => [...document.querySelector('peerhelp-widget').shadowRoot.querySelectorAll('h2, .sub, .privacy, textarea, .send, .starters button')]
    .map(el => { const s = getComputedStyle(el); return [el.className || el.tagName, s.fontSize, s.color, s.fontFamily, s.display]; })"""


def test_host_css_does_not_leak_in_and_no_globals_are_added(page, browser, site):
    clean = browser.new_page(viewport=DESKTOP)
    clean.goto(f"{site[0]}/demo")
    open_panel(clean)
    expected = clean.evaluate(STYLE_PROBE)
    clean.close()
    open_panel(page)
    assert page.evaluate(STYLE_PROBE) == expected, "the host page's CSS changes nothing inside the widget"
    assert page.locator("textarea#ph-input").is_visible()
    added = page.evaluate("Object.getOwnPropertyNames(window).filter(k => !window.__before.includes(k) && k !== '__before')")
    assert added == []
    assert page.locator("h1").evaluate("el => getComputedStyle(el).color") == "rgb(255, 0, 255)", "host styles untouched"


def test_conversation_survives_navigation_in_session_storage_and_clears(page, site):
    open_panel(page)
    ask(page, "What is grandparenting?")
    page.goto(f"{site[1]}/services.html")
    assert page.locator("#ph-panel").is_visible(), "an open panel stays open on the next page"
    assert page.locator("li.msg.user").inner_text().endswith("What is grandparenting?")
    stored = page.evaluate("JSON.stringify(sessionStorage)")
    assert "grandparenting" in stored and page.evaluate("localStorage.length") == 0
    cid = json.loads(next(iter(json.loads(stored).values())))["cid"]
    page.get_by_role("button", name="Clear conversation").click()
    assert page.locator("li.msg").count() == 0
    assert page.get_by_role("button", name="What is grandparenting?").is_visible(), "starter questions come back"
    page.wait_for_timeout(300)
    assert httpx.delete(f"{site[0]}/v1/conversations/{cid}").status_code == 404, "the server forgot it too"


def test_starter_question_is_asked_with_one_click(page):
    open_panel(page)
    page.get_by_role("button", name="Is Sonoma County participating?").click()
    answer = page.locator("li.msg.bot:not(.thinking):not(.draft)").first
    answer.wait_for(timeout=60_000)
    assert "Sonoma" in answer.inner_text()


def test_cors_allows_only_the_configured_origins(site):
    api, allowed, _ = site
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = httpx.options(f"{api}/v1/chat", headers={"Origin": allowed, **preflight})
    assert ok.headers.get("access-control-allow-origin") == allowed
    other = httpx.options(f"{api}/v1/chat", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("viewport,name", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_axe_finds_no_serious_violations_and_screenshots(browser, site, viewport, name):
    assert AXE.exists(), "axe-core missing. Fix: npm ci --prefix tests/browser (make test does it)"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport)
    pg = context.new_page()
    pg.goto(f"{site[1]}/index.html")
    pg.screenshot(path=ARTIFACTS / f"{name}-closed.png")
    open_panel(pg)
    pg.screenshot(path=ARTIFACTS / f"{name}-open.png")
    ask(pg, "Is Kern County participating?")
    ask(pg, "I want to end my life", n=2)
    if name == "phone":
        box = pg.locator("#ph-panel").bounding_box()
        assert (box["width"], box["height"]) == (viewport["width"], viewport["height"]), "full screen on a phone"
    pg.screenshot(path=ARTIFACTS / f"{name}-answers.png")
    pg.add_script_tag(path=str(AXE))
    violations = []
    for state in ("answers", "passage"):
        if state == "passage":
            pg.locator("button.cite").first.click()
            pg.screenshot(path=ARTIFACTS / f"{name}-passage.png")
        result = pg.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations += [(state, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
                       if v["impact"] in ("serious", "critical") and v["id"] != "document-title"]
    context.close()
    assert not violations, violations
    assert (ARTIFACTS / f"{name}-answers.png").stat().st_size > 10_000


def test_llm_draft_streams_then_the_verified_answer_replaces_it(browser, llm_server, seed_index, tmp_path):
    from tests.scripted_llm import script

    env = {"PEERHELP_LLM_BASE_URL": f"{llm_server}/v1", "PEERHELP_LLM_MODEL": "scripted", "PEERHELP_LLM_TIMEOUT_S": "30",
           "PEERHELP_STATE_DB": str(tmp_path / "state.sqlite")}
    draft = ("Yes, CalMHSA offers a Spanish version of the certification exam [1]. The Spanish exam costs $150 [1]. "
             "To take it in Spanish, pick the \"Spanish\" option when you schedule the exam [1].")
    with api_server(seed_index, env=env) as api:
        script(llm_server, {"text": draft, "chunk_delay": 0.15})
        context = browser.new_context(viewport=PHONE)
        pg = context.new_page()
        pg.goto(f"{api}/demo")
        open_panel(pg)
        box = pg.get_by_role("textbox", name="Your question")
        box.fill("Is the certification exam available in Spanish?")
        box.press("Enter")
        streaming = pg.locator("li.msg.bot.draft")
        streaming.wait_for(timeout=30_000)
        assert "checking each sentence" in streaming.inner_text()
        pg.wait_for_function("() => document.querySelector('peerhelp-widget').shadowRoot"
                             ".querySelector('li.draft p').textContent.includes('$150')", timeout=30_000)
        assert "[1]" not in streaming.locator("p").inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "llm-draft-phone.png"))
        final = pg.locator("li.msg.bot:not(.thinking):not(.draft)").first
        final.wait_for(timeout=30_000)
        assert pg.locator("li.msg.bot.draft").count() == 0
        text = final.inner_text()
        assert "Spanish version of the certification exam" in text and "$150" not in text
        assert final.locator("button.cite").count() >= 1
        context.close()
