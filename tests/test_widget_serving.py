"""The widget script and the demo page as served by the API (no browser: see test_widget_browser.py)."""

import gzip

import pytest
from fastapi.testclient import TestClient

from peerhelp.api import create_app
from core.settings import Settings
from ui.embed import WIDGET_DIR, embed_tag

BUDGET_GZIP_BYTES = 25 * 1024


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    # No lifespan: these routes need no index or model.
    return TestClient(create_app(Settings(index_dir=tmp_path_factory.mktemp("none"), demo_county="Sonoma")))


def test_widget_bundle_is_within_the_size_budget():
    size = len(gzip.compress((WIDGET_DIR / "widget.js").read_bytes(), 9))
    assert size <= BUDGET_GZIP_BYTES, f"widget.js is {size} bytes gzipped; the budget is {BUDGET_GZIP_BYTES}"


def test_widget_never_builds_html_from_strings():
    source = (WIDGET_DIR / "widget.js").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, f"{sink} in widget.js: render text with textContent / text nodes instead"


def test_widget_js_is_served_compressed_and_revalidates(client):
    r = client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert r.headers["content-encoding"] == "gzip" and r.headers["x-content-type-options"] == "nosniff"
    again = client.get("/widget.js", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and not again.content


def test_demo_page_embeds_the_one_tag_with_escaped_values(client):
    page = client.get("/demo?county=<b>Kern</b>").text
    assert page.count("<script ") == 1 and 'data-county="&lt;b&gt;Kern&lt;/b&gt;"' in page
    assert '<script src="http://testserver/widget.js" data-api="http://testserver"' in client.get("/demo").text
    assert client.get("/demo").headers["content-security-policy"].startswith("default-src 'self'")


def test_embed_tag_is_one_line():
    tag = embed_tag("https://help.example.gov", "San Benito", "es", "#006400")
    assert tag == ('<script src="https://help.example.gov/widget.js" data-api="https://help.example.gov" '
                   'data-county="San Benito" data-lang="es" data-color="#006400" defer></script>')


def test_cors_origins_setting_parses_and_rejects_non_origins(monkeypatch):
    monkeypatch.setenv("PEERHELP_CORS_ORIGINS", "https://a.example.gov, https://b.example.org/")
    assert Settings().cors_origins == ["https://a.example.gov", "https://b.example.org"]
    monkeypatch.setenv("PEERHELP_CORS_ORIGINS", "www.county.gov")
    with pytest.raises(ValueError, match="Fix: write it as https://"):
        Settings()
