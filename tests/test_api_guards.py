"""What one client may do to others through the public API (issue 20): conversation ids are issued by the server,
and chat and feedback are rate-limited per client address and per conversation with 429 and Retry-After."""

import pytest
from fastapi.testclient import TestClient

from assistant.engine import Assistant
from core.errors import PeerhelpError
from core.settings import Settings
from peerhelp.api import create_app
from peerhelp.rate_limits import RateLimits
from tests.conftest import SEED_CORPUS


@pytest.fixture
def api(seed_index, embedder, tmp_path):
    def start(**limits: str) -> TestClient:
        settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS, state_db=tmp_path / "state.sqlite",
                            console=False, **limits)
        return TestClient(create_app(settings, assistant=Assistant(settings, embedder=embedder)))
    return start


def test_a_client_cannot_choose_its_conversation_id(api):
    with api() as client:
        first = client.post("/v1/chat", json={"message": "What is grandparenting?", "conversation_id": "a"}).json()
        second = client.post("/v1/chat", json={"message": "Is Kern County participating?", "conversation_id": "a"}).json()
        assert first["conversation_id"] != "a" and second["conversation_id"] != "a"
        assert first["conversation_id"] != second["conversation_id"], "two strangers picking 'a' never share"
        assert len(first["conversation_id"]) == 32
        issued = first["conversation_id"]
        follow = client.post("/v1/chat", json={"message": "and when did it end?", "conversation_id": issued}).json()
        assert follow["conversation_id"] == issued  # an id the server gave out continues its conversation
        assert client.delete("/v1/conversations/a").status_code == 404
        assert client.delete(f"/v1/conversations/{issued}").status_code == 204
        gone = client.post("/v1/chat", json={"message": "What is grandparenting?", "conversation_id": issued}).json()
        assert gone["conversation_id"] != issued  # forgotten: a new conversation


def test_message_ids_cannot_be_guessed(api):
    with api() as client:
        answers = [client.post("/v1/chat", json={"message": q}).json() for q in ("What is grandparenting?", "What is SB 803?")]
        ids = [a["message_id"] for a in answers]
        assert all(len(i) == 32 and not i.isdigit() for i in ids) and ids[0] != ids[1]
        rate = {"conversation_id": answers[0]["conversation_id"], "rating": "up"}
        assert client.post("/v1/feedback", json={**rate, "message_id": ids[1]}).status_code == 404  # not this conversation's
        assert client.post("/v1/feedback", json={**rate, "message_id": ids[0]}).status_code == 204


def test_one_client_sending_many_messages_gets_429_with_retry_after(api):
    with api(rate_limit_client="5/minute", rate_limit_conversation="") as client:
        codes = [client.post("/v1/chat", json={"message": "What is grandparenting?"}) for _ in range(8)]
        assert [r.status_code for r in codes] == [200] * 5 + [429] * 3
        refused = codes[-1]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60 and "Try again" in refused.json()["detail"]
        assert "grandparenting" not in refused.text
        assert client.post("/v1/chat/stream", json={"message": "What is SB 803?"}).status_code == 429
        other = TestClient(client.app, client=("10.1.2.3", 4000))
        assert other.post("/v1/chat", json={"message": "What is grandparenting?"}).status_code == 200  # others still served


def test_one_conversation_is_limited_on_its_own(api):
    with api(rate_limit_client="100/minute", rate_limit_conversation="2/minute") as client:
        first = client.post("/v1/chat", json={"message": "What is grandparenting?"}).json()
        again = {"message": "and SB 803?", "conversation_id": first["conversation_id"]}
        assert client.post("/v1/chat", json=again).status_code == 200
        assert client.post("/v1/chat", json=again).status_code == 429
        assert client.post("/v1/chat", json={"message": "What is SB 803?"}).status_code == 200  # a new conversation


def test_the_default_limits_stop_a_flood_of_five_hundred_messages(api):
    with api() as client:
        codes = [client.post("/v1/chat", json={"message": "hi"}).status_code for _ in range(500)]
    per_minute = int(Settings().rate_limit_client.split("/")[0])
    assert codes.count(200) == per_minute and codes.count(429) == 500 - per_minute


def test_unusable_limit_settings_are_a_clear_error(monkeypatch):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="Fix: write it like 30/minute"):
        Settings(rate_limit_client="lots")
    with pytest.raises(ValidationError, match="not a rate-limit store"):
        Settings(rate_limit_storage="nosuch://x")
    with pytest.raises(PeerhelpError, match="Fix:"):  # a known scheme whose client library is missing
        RateLimits(Settings(rate_limit_storage="mongodb://127.0.0.1:27017"))
    from typer.testing import CliRunner

    from peerhelp.cli import app

    monkeypatch.setenv("PEERHELP_RATE_LIMIT_CLIENT", "lots")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code != 0 and "PEERHELP_RATE_LIMIT_CLIENT" in result.output and "Traceback" not in result.output
