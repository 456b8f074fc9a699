"""With several workers the rate limits must be counted in one place: two API apps (two workers) sharing a real
Redis server on loopback refuse the client together, where in-memory counts would let it through each of them."""

import os
import shutil
import subprocess
import time

import pytest
from fastapi.testclient import TestClient

from assistant.engine import Assistant
from core.settings import Settings
from evals.servers import free_port
from peerhelp.api import create_app
from tests.conftest import SEED_CORPUS


@pytest.fixture(scope="module")
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("PEERHELP_REQUIRE_REDIS"):
            pytest.fail("redis-server is required here (PEERHELP_REQUIRE_REDIS is set)")
        pytest.skip("no redis-server (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_two_workers_share_one_count(seed_index, embedder, tmp_path, redis_url):
    settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS, state_db=tmp_path / "state.sqlite", console=False,
                        rate_limit_client="4/minute", rate_limit_conversation="", rate_limit_storage=redis_url)
    workers = [TestClient(create_app(settings, assistant=Assistant(settings, embedder=embedder))) for _ in range(2)]
    with workers[0] as one, workers[1] as two:
        codes = [(one if n % 2 else two).post("/v1/chat", json={"message": "What is grandparenting?"}).status_code
                 for n in range(6)]
    assert codes == [200] * 4 + [429] * 2, codes
