"""A scripted OpenAI-compatible chat server for the LLM-mode tests: real HTTP, replies chosen by the test.

Run: python -m tests.scripted_llm --port 8199
POST /script {"replies": [{"text": "...", "delay": 0, "chunk_delay": 0, "status": 200, "cut": false}]} queues replies;
with the queue empty it answers like a faithful model: the first sentence of passage [1], cited.
A judge's request (one token, with log-probabilities) takes the next of "judgements" instead:
{"top": {"yes": -0.2, "no": -1.8}} (the first token's alternatives), {"text": "No", "top": null} (no
log-probabilities), or {"status": 500}; with none queued it answers yes (log-probability -0.1, no -2.4).
GET /requests returns the chat requests received, so tests can read the prompt.
"""

import argparse
import asyncio
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from evals.servers import wait_until_ready

state: dict = {"replies": [], "judgements": [], "requests": []}
DEFAULT_JUDGEMENT = {"top": {"yes": -0.1, "no": -2.4}}


def faithful_reply(messages: list[dict]) -> str:
    prompt = messages[-1]["content"]
    passage = re.search(r"^\[1\][^\n]*\n(.+?)(?:\n\n|\Z)", prompt, re.MULTILINE | re.DOTALL)
    if not passage:
        return "NOT IN PASSAGES"
    first = re.split(r"(?<=[.!?])\s+", passage.group(1).strip().strip('"'))[0]
    return f"{first.rstrip('.')} [1]."


async def script(request: Request) -> JSONResponse:
    body = await request.json()
    state["replies"] = list(body.get("replies", []))
    state["judgements"] = list(body.get("judgements", []))
    state["requests"].clear()
    return JSONResponse({"queued": len(state["replies"]) + len(state["judgements"])})


async def requests_seen(request: Request) -> JSONResponse:
    return JSONResponse(state["requests"])


async def models(request: Request) -> JSONResponse:
    return JSONResponse({"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "tests"}]})


async def completions(request: Request):
    body = await request.json()
    state["requests"].append({"body": body, "authorization": request.headers.get("authorization")})
    if body.get("logprobs") and body.get("max_tokens") == 1:
        return judgement(body, state["judgements"].pop(0) if state["judgements"] else DEFAULT_JUDGEMENT)
    reply = state["replies"].pop(0) if state["replies"] else {"text": faithful_reply(body["messages"])}
    await asyncio.sleep(reply.get("delay", 0))
    if reply.get("status", 200) != 200:
        return JSONResponse({"error": {"message": "scripted failure", "type": "server_error"}}, status_code=reply["status"])
    text, created = reply["text"], int(time.time())
    if not body.get("stream"):
        return JSONResponse({"id": "chatcmpl-scripted", "object": "chat.completion", "created": created,
                             "model": body.get("model"), "choices": [{"index": 0, "finish_reason": "stop",
                                                                      "message": {"role": "assistant", "content": text}}]})

    async def chunks():
        pieces = re.findall(r"\S+\s*", text)
        for k, piece in enumerate(pieces):
            if reply.get("cut") and k == len(pieces) // 2:
                raise ConnectionResetError("scripted cut")
            delta = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created, "model": body.get("model"),
                     "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
            yield f"data: {json.dumps(delta)}\n\n"
            await asyncio.sleep(reply.get("chunk_delay", 0))
        done = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created, "model": body.get("model"),
                "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        yield f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n"

    return StreamingResponse(chunks(), media_type="text/event-stream")


def judgement(body: dict, reply: dict) -> JSONResponse:
    if reply.get("status", 200) != 200:
        return JSONResponse({"error": {"message": "scripted failure", "type": "server_error"}}, status_code=reply["status"])
    top = reply.get("top")
    text = reply.get("text") or (max(top, key=top.get) if top else "")
    logprobs = {"content": [{"token": text, "logprob": top[text] if top and text in top else 0.0, "bytes": None,
                             "top_logprobs": [{"token": t, "logprob": lp, "bytes": None} for t, lp in top.items()]}]} \
        if top else None
    return JSONResponse({"id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()),
                         "model": body.get("model"), "choices": [{"index": 0, "finish_reason": "length", "logprobs": logprobs,
                                                                  "message": {"role": "assistant", "content": text}}]})


app = Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"]), Route("/v1/models", models),
                        Route("/script", script, methods=["POST"]), Route("/requests", requests_seen)])

@contextmanager
def scripted_server(port: int) -> Iterator[str]:
    """The server in its own process on 127.0.0.1:`port`; yields its base URL (append /v1 for clients)."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.scripted_llm", "--port", str(port)],
                            cwd=Path(__file__).resolve().parents[1])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(f"{url}/v1/models", proc, 30, "the scripted LLM server")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def script(url: str, *replies: dict, judgements: list[dict] | None = None) -> None:
    """Queue the next replies and judge's answers (and forget the requests seen so far)."""
    httpx.post(f"{url}/script", json={"replies": list(replies), "judgements": judgements or []}).raise_for_status()


def seen(url: str) -> list[dict]:
    return httpx.get(f"{url}/requests").json()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvicorn.run(app, host="127.0.0.1", port=parser.parse_args().port, log_level="warning")
