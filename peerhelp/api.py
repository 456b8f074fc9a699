"""The HTTP API (FastAPI): the same answers as the CLI, one contract for the widget and the console.

Messages are never logged: only ids, lengths, status and timings.
"""

import json
import logging
import math
import os
import time
from contextlib import asynccontextmanager
from typing import Annotated, Literal

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import AfterValidator, BaseModel, Field

from assistant.contract import Answer
from assistant.engine import Assistant, InputError, checked_message
from assistant.query import MAX_MESSAGE_CHARS
from core.asgi import read_body, replaying
from core.errors import IndexNotFoundError
from core.log_privacy import install as install_log_privacy
from core.offline import enforce_offline
from core.settings import Settings
from ingest.manifest import date_label
from ingest.profile import Localized, Widget
from ingest.vectors import VectorStoreUnavailable
from peerhelp import __version__
from peerhelp.rate_limits import RateLimits
from ui.embed import create_router as widget_router

log = logging.getLogger("peerhelp.api")


def _is_text(value: str | None) -> str | None:
    """A lone surrogate cannot be written as UTF-8 (to a log, a database, a response) and PostgreSQL refuses NUL:
    either, anywhere in a request, is a clear 422 at the boundary rather than a 500 deep inside."""
    if value is not None and any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in value):
        raise ValueError("holds a character that is not text (a NUL or a lone surrogate)")
    return value


Text = Annotated[str, AfterValidator(_is_text)]
# What `_is_text` refuses, said in the schema as far as JSON Schema can say it: NUL (a lone surrogate cannot be
# written in a pattern that schema tools generate from); validation stays with `_is_text`.
TEXT_PATTERN = {"pattern": "^[^\\u0000]*$"}


# The largest request body the public API reads: a message of MAX_MESSAGE_CHARS×4 characters in 4-byte UTF-8 with
# room to spare. A 100 MB body used to be read whole into memory.
MAX_BODY_BYTES = 64 * 1024


class BodyLimit:
    """413 for a body over `max_bytes` on the public API (`/v1/`), by its Content-Length or, without one, as it
    arrives — never read into memory past the limit. The console (file uploads) is not under this limit."""

    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_bytes:
                return await self._refuse(send)
            return await self.app(scope, receive, send)
        body = await read_body(receive, self.max_bytes)  # chunked: read up to the limit here, then hand it on whole
        if body is None:
            return await self._refuse(send)
        await self.app(scope, replaying(body, receive), send)

    async def _refuse(self, send) -> None:
        await JSONResponse(status_code=413, content={"detail": f"The request is over {self.max_bytes // 1024} KB. "
                                                               "Send a shorter message."})({"type": "http"}, None, send)


class Problem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorReply(BaseModel):
    detail: str | list[Problem] = Field(description="Why, and what to do: one sentence a person can read, or, for a "
                                        "request that does not fit the schema, one entry per field")


_ERROR_TEXT = {400: "The body is not JSON", 404: "Not found", 413: "The request body is over 64 KB", 422: "The request was refused; `detail` says why",
               429: "Too many requests from this client or conversation; retry after `Retry-After` seconds",
               503: "The index or the vector store is not ready; retry shortly"}


def errors(*codes: int) -> dict:
    """The error responses a route declares, so the OpenAPI schema says what it answers."""
    return {code: {"model": ErrorReply, "description": _ERROR_TEXT[code]} for code in codes}


class ChatRequest(BaseModel):
    message: Text = Field(description="The user's question (at least one character that is not a space)",
                          min_length=1, max_length=MAX_MESSAGE_CHARS, pattern=r"\S")
    conversation_id: Text | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]*$")
    county: Text | None = Field(None, max_length=60, description="The county whose site the widget is on: 'my county' means it",
                                json_schema_extra=TEXT_PATTERN)


class FeedbackRequest(BaseModel):
    conversation_id: Text = Field(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    message_id: Text = Field(max_length=64, pattern=r"^[A-Za-z0-9_-]+$", description="`message_id` of the rated answer")
    rating: Literal["up", "down"]
    comment: Text = Field("", max_length=1000, description="Optional; stored with personal details redacted",
                          json_schema_extra=TEXT_PATTERN)


class ProfilePublic(BaseModel):
    """What the deployment is about, for the widget: the program's name and the widget's texts."""

    program: Localized
    widget: Widget


class DocumentPublic(BaseModel):
    id: str
    title: str
    issuer: str
    kind: str
    url: str | None
    date: str
    language: str
    chunks: int
    ingested_at: str


class ChunkPublic(BaseModel):
    document: str
    n: int
    title: str
    section: str | None
    url: str | None
    date: str | None
    text: str
    start: int
    end: int


def create_app(settings: Settings | None = None, assistant: Assistant | None = None, *,
               console_process: bool = False) -> FastAPI:
    """`console_process`: this is `peerhelp console`, the staff console's own process. In production the console is
    served only there, never on the public API's port."""
    enforce_offline()
    install_log_privacy()
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Answers are CPU-bound under one GIL: more threads than this only interleave them and stretch the tail.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.assistant = assistant or Assistant(settings)
        purged = app.state.assistant.conversations.purge()
        log.info("purged %d conversation turns older than %s days", purged, settings.retention_days)
        try:
            app.state.assistant.warm_up()
        except (IndexNotFoundError, VectorStoreUnavailable) as err:
            log.warning("not ready yet, answers will wait for it: %s", err)
        yield

    app = FastAPI(title="peerhelp", version=__version__, lifespan=lifespan,
                  description="Grounded, cited answers about the Medi-Cal Peer Support Specialist certification.")

    limits = RateLimits(settings)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(BodyLimit)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Content-Type"], allow_credentials=False, max_age=600)
    app.include_router(widget_router(settings.demo_county))
    if settings.console and settings.production and not console_process:
        log.info("staff console not served on the public port in production: run `peerhelp console`")
    elif settings.console:
        from ui.console import mount_console

        mount_console(app, lambda: app.state.assistant, settings)

    def get_assistant(request: Request) -> Assistant:
        return request.app.state.assistant

    AssistantDep = Annotated[Assistant, Depends(get_assistant)]

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        """FastAPI's 422 in its schema's shape, without the `input` it echoes by default: a 50 MB message came back
        whole, and a lone surrogate in it could not be encoded at all (a 500 whose traceback held the message)."""
        def plain(x) -> str | int:
            return x if isinstance(x, int) else str(x).encode("utf-8", "replace").decode("utf-8")[:200]

        return JSONResponse(status_code=422, content={"detail": [
            {"loc": [plain(p) for p in e.get("loc", ())], "msg": plain(e.get("msg", "")), "type": plain(e.get("type", ""))}
            for e in exc.errors()[:20]]})

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception):
        """Any error no other handler knows: a plain 500, and a log line with the route and the error's type and
        frames, never the request or the error's message (core/log_privacy.py)."""
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse(status_code=500, content={"detail": "Something went wrong. Try again."})

    @app.exception_handler(IndexNotFoundError)
    async def no_index(request: Request, exc: IndexNotFoundError):
        return JSONResponse(status_code=503, content={"detail": "The document index is not built yet. Run `peerhelp ingest`."})

    @app.exception_handler(VectorStoreUnavailable)
    async def no_vector_store(request: Request, exc: VectorStoreUnavailable):
        log.error("vector store unavailable: %s", exc)
        return JSONResponse(status_code=503, headers={"Retry-After": "5"},
                            content={"detail": "The document search service is not reachable right now. Try again in a moment."})

    @app.post("/v1/chat", response_model=Answer, tags=["chat"], responses=errors(400, 413, 422, 429, 503))
    def chat(body: ChatRequest, bot: AssistantDep, request: Request, response: Response) -> Answer:
        started = time.perf_counter()
        response.headers["X-Served-By"] = str(os.getpid())  # which worker answered: for operators and the scale-out tests
        conversation_id = bot.conversations.continued(body.conversation_id)
        limits.check(_client(request), conversation_id)
        try:
            answer = bot.ask(body.message, conversation_id=conversation_id, county=body.county)
        except InputError as err:
            raise HTTPException(status_code=422, detail=str(err)) from err
        _log_answer(conversation_id, body.message, answer, started)
        return answer

    @app.post("/v1/chat/stream", tags=["chat"], response_class=StreamingResponse, responses={**errors(400, 413, 422, 429), 200: {
        "content": {"text/event-stream": {}},
        "description": "Server-sent events. `draft` {\"text\": …}: an LLM's unverified text as it is written (LLM mode "
                       "only; show it as a draft). `answer`: the verified answer, the same contract as POST /v1/chat; "
                       "replace the draft with it. `error` {\"status\", \"detail\"}: the answer failed. The conversation id is "
                       "in the `X-Conversation-Id` header, before any event."}})
    async def chat_stream(body: ChatRequest, request: Request) -> StreamingResponse:
        """The same answer as POST /v1/chat, with the LLM's draft streamed while it is written."""
        bot: Assistant = request.app.state.assistant
        try:
            checked_message(body.message)
        except InputError as err:
            raise HTTPException(status_code=422, detail=str(err)) from err
        conversation_id = await anyio.to_thread.run_sync(bot.conversations.continued, body.conversation_id)
        limits.check(_client(request), conversation_id)
        started = time.perf_counter()
        send, receive = anyio.create_memory_object_stream[tuple[str, dict]](math.inf)

        def draft(text: str) -> None:
            try:
                anyio.from_thread.run_sync(send.send_nowait, ("draft", {"text": text}))
            except (anyio.BrokenResourceError, anyio.ClosedResourceError):
                pass  # the client left; the answer is still completed and remembered

        async def produce() -> None:
            async with send:
                try:
                    answer = await anyio.to_thread.run_sync(
                        lambda: bot.ask(body.message, conversation_id=conversation_id, county=body.county, on_draft=draft))
                    _log_answer(conversation_id, body.message, answer, started)
                    await send.send(("answer", answer.model_dump()))
                except VectorStoreUnavailable as err:
                    log.error("vector store unavailable: %s", err)
                    await send.send(("error", {"status": 503, "detail": "The document search service is not reachable "
                                                                        "right now. Try again in a moment."}))
                except IndexNotFoundError:
                    await send.send(("error", {"status": 503, "detail": "The document index is not built yet."}))
                except Exception:
                    log.exception("chat stream failed conversation=%s", conversation_id)
                    await send.send(("error", {"status": 500, "detail": "Something went wrong. Try again."}))

        async def events():
            async with anyio.create_task_group() as group:
                group.start_soon(produce)
                async with receive:
                    async for kind, data in receive:
                        yield f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Served-By": str(os.getpid()),
                                          "X-Conversation-Id": conversation_id})

    @app.delete("/v1/conversations/{conversation_id}", status_code=204, tags=["chat"], responses=errors(404, 422))
    def forget(conversation_id: str, bot: AssistantDep) -> None:
        if not bot.conversations.forget(conversation_id):
            raise HTTPException(status_code=404, detail="Conversation not found")

    @app.post("/v1/feedback", status_code=204, tags=["chat"], responses=errors(400, 404, 413, 422, 429))
    def feedback(body: FeedbackRequest, bot: AssistantDep, request: Request) -> None:
        """Thumbs up or down on one answer; a second rating of the same answer replaces the first."""
        limits.check(_client(request))
        if not bot.conversations.add_feedback(body.conversation_id, body.message_id, body.rating, body.comment):
            raise HTTPException(status_code=404, detail="No such answer in that conversation (it may have been cleared)")
        log.info("feedback conversation=%s message=%s rating=%s comment_chars=%d", body.conversation_id, body.message_id,
                 body.rating, len(body.comment))

    @app.get("/v1/profile", response_model=ProfilePublic, tags=["documents"])
    def profile(bot: AssistantDep, response: Response) -> ProfilePublic:
        """The current index's deployment profile, as much of it as a page shows (corpus/profile.toml)."""
        response.headers["Cache-Control"] = "public, max-age=300"
        return ProfilePublic(program=bot.index.profile.program, widget=bot.index.profile.widget)

    @app.get("/v1/documents", response_model=list[DocumentPublic], tags=["documents"])
    def documents(bot: AssistantDep) -> list[DocumentPublic]:
        return [DocumentPublic(id=d.id, title=d.title, issuer=d.issuer, kind=d.kind, url=d.url,
                               date=date_label(d.as_of, d.as_of_approximate), language=d.language,
                               chunks=d.chunk_count, ingested_at=d.ingested_at)
                for d in bot.index.state.documents.values()]

    @app.get("/v1/documents/{doc_id}/chunks/{n}", response_model=ChunkPublic, tags=["documents"], responses=errors(404, 422))
    def chunk(doc_id: str, n: int, bot: AssistantDep) -> ChunkPublic:
        index = bot.index
        if doc_id not in index.state.documents:
            raise HTTPException(status_code=404, detail="Document not found")
        found = index.by_id.get(f"{doc_id}:{n}")
        if found is None:
            raise HTTPException(status_code=404, detail="Chunk not found")
        c = index.chunks[found]
        return ChunkPublic(document=c.doc_id, n=c.n, title=c.title, section=c.section, url=c.url,
                           date=date_label(c.as_of, c.as_of_approximate),
                           text=c.text, start=c.start, end=c.end)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"])
    def readyz(bot: AssistantDep) -> dict:
        index = bot.index
        return {"status": "ready", "index_version": index.version, "documents": len(index.state.documents),
                "chunks": len(index.chunks), "worker": os.getpid()}

    return app


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _log_answer(conversation_id: str, message: str, answer: Answer, started: float) -> None:
    log.info("chat conversation=%s chars=%d status=%s mode=%s citations=%d ms=%.1f", conversation_id, len(message),
             answer.status, answer.mode, len(answer.citations), (time.perf_counter() - started) * 1000)
