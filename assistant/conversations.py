"""Conversations and feedback in a SQL database: SQLite by default, PostgreSQL by URL (SQLAlchemy, Alembic).

Only what a follow-up needs is stored (the redacted question, status, language, time), never the
answer text or anything else about the person; feedback keeps the rating, a redacted comment and
a redacted copy of the question it rates. Rows older than the retention period are purged. Every
API worker shares the one database, so a conversation continues whichever worker answers.
"""

import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, Text, create_engine, delete, event, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from assistant.migrations import upgrade
from assistant.privacy import redact
from core.errors import PeerhelpError


class StateStoreUnavailable(PeerhelpError):
    """The conversations database could not be opened."""

_META = MetaData()
turns = Table("turns", _META, Column("id", Integer, primary_key=True), Column("conversation_id", String(64)),
              Column("at", Float), Column("question", Text), Column("status", String(16)), Column("language", String(8)),
              Column("message_key", String(32)))
feedback_table = Table("feedback", _META, Column("turn_id", Integer, primary_key=True), Column("conversation_id", String(64)),
                       Column("at", Float), Column("rating", String(4)), Column("comment", Text), Column("question", Text),
                       Column("status", String(16)), Column("language", String(8)))
resolved_table = Table("resolved_gaps", _META, Column("question", Text, primary_key=True), Column("at", Float))


def open_engine(url: str) -> Engine:
    """SQLite: WAL, a busy timeout and a pool as big as the server's thread pool, so several threads and
    worker processes share one file without reconnecting; NORMAL sync is safe under WAL (a power cut may
    lose the last turns, never corrupt the file). PostgreSQL: connections are checked before use."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=32)
    if parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_size=16, max_overflow=32)

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record):
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA busy_timeout=10000")

    return engine


@dataclass(frozen=True)
class Feedback:
    conversation_id: str
    message_id: str
    at: float
    rating: str
    comment: str
    question: str
    status: str
    language: str


class ConversationStore:
    """Usage: `store.remember(cid, question, status, language)`; `store.history(cid)`; `store.purge()`."""

    def __init__(self, url: str, retention_days: float = 30, max_turns: int = 6, redactor: Callable[[str], str] = redact):
        """`redactor`: what every stored text passes through (the assistant's knows its documents' own words)."""
        if retention_days <= 0:
            raise ValueError("retention_days must be positive")
        self.retention_seconds, self.max_turns, self.redact = retention_days * 86400, max_turns, redactor
        self._engine = open_engine(url)
        try:
            upgrade(self._engine)
        except OperationalError as err:
            where = make_url(url).render_as_string(hide_password=True)
            raise StateStoreUnavailable(f"{where}: the state database is not reachable ({str(err.orig).strip()[:200]}). "
                                        "Fix: start the database server, or check PEERHELP_DATABASE_URL") from err

    def history(self, conversation_id: str, now: float | None = None) -> list[str]:
        cutoff = (now or time.time()) - self.retention_seconds
        query = (select(turns.c.question).where(turns.c.conversation_id == conversation_id, turns.c.at >= cutoff)
                 .order_by(turns.c.at.desc(), turns.c.id.desc()).limit(self.max_turns))
        with self._engine.connect() as db:
            rows = db.execute(query).all()
        return [r[0] for r in reversed(rows)]

    def continued(self, requested: str | None) -> str:
        """The conversation a message belongs to: the one the client names if the server issued it (it has turns
        within retention), else a new random one. A client never picks its own id, so strangers cannot share one."""
        return requested if requested and self.known(requested) else uuid.uuid4().hex

    def known(self, conversation_id: str, now: float | None = None) -> bool:
        """Whether this conversation has turns within the retention period: only ids the server issued ever do."""
        return bool(self.history(conversation_id, now))

    def remember(self, conversation_id: str, question: str, status: str, language: str, now: float | None = None) -> str:
        """Returns the turn's message id, which feedback refers to: random, so no one can guess another's."""
        key = secrets.token_hex(16)
        with self._engine.begin() as db:
            db.execute(insert(turns).values(conversation_id=conversation_id, at=now or time.time(), question=self.redact(question),
                                            status=status, language=language, message_key=key))
        return key

    def add_feedback(self, conversation_id: str, message_id: str, rating: str, comment: str = "",
                     now: float | None = None) -> bool:
        """Rate an answer (a second rating of the same answer replaces the first); False if no such answer."""
        if rating not in ("up", "down"):
            raise ValueError("rating must be 'up' or 'down'")
        with self._engine.begin() as db:
            turn = db.execute(select(turns.c.id, turns.c.question, turns.c.status, turns.c.language)
                              .where(turns.c.message_key == message_id, turns.c.conversation_id == conversation_id)).first()
            if turn is None:
                return False
            db.execute(delete(feedback_table).where(feedback_table.c.turn_id == turn.id))
            db.execute(insert(feedback_table).values(turn_id=turn.id, conversation_id=conversation_id, at=now or time.time(),
                                                     rating=rating, comment=self.redact(comment.strip()), question=turn.question,
                                                     status=turn.status, language=turn.language))
        return True

    def turns_with_status(self, status: str) -> list[tuple[str, float, str, str]]:
        """(redacted question, time, language, conversation id) of every stored turn with this status, oldest
        first."""
        with self._engine.connect() as db:
            rows = db.execute(select(turns.c.question, turns.c.at, turns.c.language, turns.c.conversation_id)
                              .where(turns.c.status == status).order_by(turns.c.at, turns.c.id)).all()
        return [tuple(r) for r in rows]

    def feedback(self, rating: str | None = None) -> list[Feedback]:
        """Newest first."""
        f = feedback_table.c
        query = (select(f.conversation_id, turns.c.message_key, f.at, f.rating, f.comment, f.question, f.status, f.language)
                 .select_from(feedback_table.outerjoin(turns, turns.c.id == f.turn_id)))
        if rating:
            query = query.where(f.rating == rating)
        with self._engine.connect() as db:
            rows = db.execute(query.order_by(f.at.desc())).all()
        return [Feedback(cid, key or "", *rest) for cid, key, *rest in rows]

    def forget(self, conversation_id: str) -> bool:
        with self._engine.begin() as db:
            db.execute(delete(feedback_table).where(feedback_table.c.conversation_id == conversation_id))
            return db.execute(delete(turns).where(turns.c.conversation_id == conversation_id)).rowcount > 0

    def resolve_gap(self, question: str, now: float | None = None) -> None:
        """Staff marked the gap group this (already redacted) question represents as resolved."""
        question = self.redact(question.strip())
        with self._engine.begin() as db:
            db.execute(delete(resolved_table).where(resolved_table.c.question == question))
            db.execute(insert(resolved_table).values(question=question, at=now or time.time()))

    def resolved_gaps(self) -> dict[str, float]:
        """Representative question → when it was marked resolved."""
        with self._engine.connect() as db:
            return {q: at for q, at in db.execute(select(resolved_table.c.question, resolved_table.c.at)).all()}

    def purge(self, now: float | None = None) -> int:
        """Delete every turn, rating and resolved mark older than the retention period; returns how many turns."""
        cutoff = (now or time.time()) - self.retention_seconds
        with self._engine.begin() as db:
            db.execute(delete(feedback_table).where(feedback_table.c.at < cutoff))
            db.execute(delete(resolved_table).where(resolved_table.c.at < cutoff))
            return db.execute(delete(turns).where(turns.c.at < cutoff)).rowcount

    def close(self) -> None:
        self._engine.dispose()
