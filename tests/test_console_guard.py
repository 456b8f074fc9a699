"""The staff console's door (issue 20): production refuses a weak password and serves the console only in its own
process; wrong passwords are slowed down and logged; no other site can frame it; document fields render as text."""

import logging

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant.contract import Answer, Citation
from core.errors import PeerhelpError
from core.settings import Settings
from ingest.adding import GivenFields, add_documents
from ingest.describing import describe
from ingest.manifest import DocumentEntry
from ui import console_guard
from ui.console_guard import ConsoleHeaders, LoginThrottle, password_problem, production_refusal
from ui.inspect import peer_view

STRONG = "quokka lantern orchard 42"


@pytest.mark.parametrize("password", ["a", "password1234", "123qweasdzxc", "aaaaaaaaaaaaaaaa", "passwordpassword"])
def test_weak_passwords_are_refused_for_production(password):
    assert password_problem(password)
    refusal = production_refusal(Settings(production=True, console_password=password))
    assert "too weak" in refusal and "Fix:" in refusal


def test_a_long_uncommon_passphrase_is_accepted_and_development_asks_nothing():
    assert password_problem(STRONG) is None
    assert production_refusal(Settings(production=True, console_password=STRONG)) is None
    assert production_refusal(Settings(production=False, console_password="a")) is None
    assert "PEERHELP_CONSOLE_PASSWORD" in production_refusal(Settings(production=True))


def test_the_console_command_refuses_to_start_with_a_weak_password(monkeypatch):
    from typer.testing import CliRunner

    from peerhelp.cli import app

    monkeypatch.setenv("PEERHELP_PRODUCTION", "true")
    monkeypatch.setenv("PEERHELP_CONSOLE_PASSWORD", "a")
    result = CliRunner().invoke(app, ["console"])
    assert result.exit_code == 2 and "too weak" in result.output


def _login_app(clock):
    async def login(request):
        form = await request.form()
        if form.get("password") == STRONG:
            return JSONResponse({"success": True})
        return JSONResponse({"detail": "Incorrect credentials."}, status_code=400)

    app = Starlette(routes=[Route("/console/login", login, methods=["POST"])])
    return LoginThrottle(app, login_path="/console/login", clock=clock)


def test_wrong_passwords_wait_longer_and_longer_then_a_right_one_clears(caplog):
    now = [1000.0]
    client = TestClient(_login_app(lambda: now[0]))

    def attempt(password, user="staff"):
        return client.post("/console/login", data={"username": user, "password": password})

    with caplog.at_level(logging.WARNING, logger="peerhelp.console"):
        codes = [attempt(f"guess-{n}").status_code for n in range(console_guard.FREE_FAILURES + 1)]
    assert codes == [400] * (console_guard.FREE_FAILURES + 1)
    refused = attempt(STRONG)  # even the right password waits its turn
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    now[0] += 1.0
    assert attempt("guess-again").status_code == 400
    assert attempt(STRONG).headers["Retry-After"] == "2"  # doubled
    now[0] += 2.0
    assert attempt(STRONG).status_code == 200
    assert attempt("one typo").status_code == 400  # the count started again
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == console_guard.FREE_FAILURES + 3
    assert all("'staff'" in m and "testclient" in m for m in logged)
    assert not any("guess" in m for m in logged), "the password is never logged"


def test_one_user_name_is_throttled_whatever_the_client_address():
    now = [0.0]
    throttle = _login_app(lambda: now[0])
    for n in range(console_guard.FREE_FAILURES + 1):
        throttle._failed([("client", f"10.0.0.{n}"), ("user", "staff")], "staff", f"10.0.0.{n}")
    other_address = TestClient(throttle, client=("10.9.9.9", 5000))
    response = other_address.post("/console/login", data={"username": "Staff", "password": "x"})
    assert response.status_code == 429


def test_five_hundred_wrong_logins_are_mostly_turned_away():
    client = TestClient(_login_app(lambda: 0.0))
    codes = [client.post("/console/login", data={"username": "staff", "password": f"p{n}"}).status_code
             for n in range(500)]
    assert codes.count(400) == console_guard.FREE_FAILURES + 1 and codes.count(429) == 500 - codes.count(400)


def test_console_responses_forbid_framing():
    app = Starlette(routes=[Route("/console/", lambda r: PlainTextResponse("hi")), Route("/v1/x", lambda r: PlainTextResponse("x"))])
    client = TestClient(ConsoleHeaders(app))
    page = client.get("/console/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in client.get("/v1/x").headers


def test_production_serves_the_console_only_in_its_own_process(seed_index):
    from peerhelp.api import create_app

    settings = Settings(production=True, console_password=STRONG, index_dir=seed_index)
    public = TestClient(create_app(settings))
    assert public.get("/console/").status_code == 404
    own = TestClient(create_app(settings, console_process=True))
    page = own.get("/console/")
    assert page.status_code == 200 and page.headers["X-Frame-Options"] == "DENY"
    wrong = [own.post("/console/login", data={"username": "staff", "password": "nope"}).status_code for _ in range(8)]
    assert wrong[:console_guard.FREE_FAILURES + 1] == [400] * (console_guard.FREE_FAILURES + 1) and wrong[-1] == 429


def test_what_the_peer_sees_shows_document_fields_as_text():
    citation = Citation(n=1, document="d", title="<img src=x onerror=alert(1)> Fees", issuer="[County](javascript:alert(1))",
                        quote="**Bold** <b>claim</b>", url="javascript:alert(1)")
    shown = peer_view(Answer(status="answered", answer="It is free [1].", citations=[citation]))
    assert "<img" not in shown and "&lt;img src=x onerror=alert\\(1\\)&gt; Fees" in shown
    assert "](javascript" not in shown and "<javascript" not in shown and "\\*\\*Bold\\*\\*" in shown


def test_ingest_takes_titles_and_issuers_as_plain_text_only(tmp_path, corpus_copy):
    with pytest.raises(ValueError, match="plain text"):
        DocumentEntry(id="x", file="x.txt", title="<img src=x>", issuer="County", kind="faq", as_of="2026")
    page = tmp_path / "page.txt"
    page.write_text("Stipends\n\nThe county pays a stipend.\n")
    with pytest.raises(PeerhelpError, match="Issuer is not plain text"):
        add_documents(corpus_copy, [page], GivenFields(issuer="<script>x</script>"), 1_000_000)
    html = tmp_path / "p.html"
    html.write_text("<html><head><title>&lt;b&gt;Stipend FAQ&lt;/b&gt;</title></head><body><p>Text.</p></body></html>")
    assert describe(html, "Text.").title == "Stipend FAQ"
