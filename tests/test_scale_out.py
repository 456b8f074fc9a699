"""Scale-out on real servers: a Chroma server (`chroma run`), two API workers, live updates, failures.

One long scenario, because each step needs the state the previous one left (slow; CI runs it).
"""

import os
import signal
import time

import httpx
import pytest

from evals.servers import ChromaServer, api_server
from ingest.adding import GivenFields, add_documents
from ingest.pipeline import run_ingest
from core.settings import Settings

pytestmark = pytest.mark.slow
NEW_FACT = "The Lassen County peer café meets every second Friday at the Susanville library."


@pytest.fixture
def chroma(tmp_path):
    server = ChromaServer(tmp_path / "chroma-data")
    server.start()
    yield server
    server.stop()


def _ask(base: str, message: str) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=30) as fresh:  # a new connection: the kernel may hand it to either worker
        return fresh.post("/v1/chat", json={"message": message})


def _answers_by_worker(base: str, message: str, tries: int = 60) -> dict[str, list[dict]]:
    seen: dict[str, list[dict]] = {}
    for _ in range(tries):
        response = _ask(base, message)
        assert response.status_code == 200, response.text
        body = response.json()
        seen.setdefault(response.headers["X-Served-By"], []).append(
            {"status": body["status"], "answer": body["answer"], "citations": body["citations"]})
        if len(seen) == 2 and all(len(v) >= 3 for v in seen.values()):
            break
    return seen


def test_chroma_server_two_workers_live_update_and_failures(tmp_path, corpus_copy, embedder, chroma, store_url):
    """Run with the conversations on SQLite and on PostgreSQL (the deployment for several machines)."""
    settings = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", chroma_url=chroma.url,
                        database_url=store_url)
    run_ingest(settings, embedder=embedder)
    version_dir = next((tmp_path / "index" / "versions").iterdir())
    assert not (version_dir / "chroma").exists()  # the vectors are on the server, not in the folder
    env = {"PEERHELP_CHROMA_URL": chroma.url, "PEERHELP_DATABASE_URL": store_url}

    with api_server(settings.index_dir, env, args=("--workers", "2")) as base:
        # Both workers answer the same question the same way.
        seen = _answers_by_worker(base, "Is Kern County participating?")
        assert len(seen) == 2, f"only one worker answered: {list(seen)}"
        answers = [a for replies in seen.values() for a in replies]
        assert all(a == answers[0] for a in answers) and answers[0]["status"] == "answered"

        # A conversation continues whichever worker answers the follow-up.
        first = httpx.post(f"{base}/v1/chat", json={"message": "Is Kern County participating?"}).json()
        follow = _ask_in(base, "and what about San Benito County?", first["conversation_id"])
        assert "San Benito" in follow["answer"]

        # A new document is served by both workers soon after the switch.
        note = tmp_path / "lassen.txt"
        note.write_text(f"Lassen County peer support\n\n{NEW_FACT}\n", encoding="utf-8")
        add_documents(settings.corpus_dir, [note], GivenFields(title="Lassen County peer café", issuer="Lassen County",
                                                               kind="staff-note", url="https://example.org/lassen"),
                      max_bytes=1_000_000)
        run_ingest(settings, embedder=embedder)
        switched = time.monotonic()
        served_new: set[str] = set()
        while len(served_new) < 2 and time.monotonic() - switched < 10:
            response = _ask(base, "When does the Lassen County peer café meet?")
            if "second Friday" in response.json()["answer"]:
                served_new.add(response.headers["X-Served-By"])
        assert len(served_new) == 2, "both workers should serve the new document within 10 s"

        # One worker killed: the other keeps answering.
        victim = int(next(iter(seen)))
        os.kill(victim, signal.SIGKILL)
        replies = [_ask(base, "Is Kern County participating?") for _ in range(15)]
        assert all(r.status_code == 200 for r in replies)

        # The Chroma server stops mid-service: a clear 503, then recovery when it is back.
        chroma.stop()
        down = _ask(base, "Who do I email about certification?")
        assert down.status_code == 503 and down.headers.get("Retry-After") == "5"
        assert "not reachable" in down.json()["detail"]
        chroma.start()
        deadline = time.monotonic() + 30
        while _ask(base, "Who do I email about certification?").status_code != 200:
            assert time.monotonic() < deadline, "no recovery within 30 s of the Chroma server's return"
            time.sleep(0.5)


def _ask_in(base: str, message: str, conversation_id: str) -> dict:
    with httpx.Client(base_url=base, timeout=30) as fresh:
        response = fresh.post("/v1/chat", json={"message": message, "conversation_id": conversation_id})
    assert response.status_code == 200, response.text
    return response.json()
