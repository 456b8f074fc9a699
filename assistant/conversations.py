"""Conversations in SQLite: the recent questions that follow-ups resolve against, and feedback on answers.

Only what a follow-up needs is stored (the redacted question, status, language, time), never the
answer text or anything else about the person; feedback keeps the rating, a redacted comment and
a redacted copy of the question it rates. Rows older than the retention period are purged.
"""

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.privacy import redact

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL,
    at REAL NOT NULL,
    question TEXT NOT NULL,
    status TEXT NOT NULL,
    language TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation_id, at);
CREATE INDEX IF NOT EXISTS turns_by_time ON turns (at);
CREATE TABLE IF NOT EXISTS feedback (
    turn_id INTEGER PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    at REAL NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL,
    question TEXT NOT NULL,
    status TEXT NOT NULL,
    language TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback (at);
"""


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

    def __init__(self, path: Path, retention_days: float = 30, max_turns: int = 6):
        if retention_days <= 0:
            raise ValueError("retention_days must be positive")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.retention_seconds, self.max_turns = path, retention_days * 86400, max_turns
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def history(self, conversation_id: str, now: float | None = None) -> list[str]:
        cutoff = (now or time.time()) - self.retention_seconds
        with self._lock:
            rows = self._db.execute(
                "SELECT question FROM turns WHERE conversation_id = ? AND at >= ? ORDER BY at DESC LIMIT ?",
                (conversation_id, cutoff, self.max_turns)).fetchall()
        return [r[0] for r in reversed(rows)]

    def remember(self, conversation_id: str, question: str, status: str, language: str, now: float | None = None) -> str:
        """Returns the turn's message id, which feedback refers to."""
        with self._lock:
            cursor = self._db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?)",
                                      (conversation_id, now or time.time(), redact(question), status, language))
        return str(cursor.lastrowid)

    def add_feedback(self, conversation_id: str, message_id: str, rating: str, comment: str = "",
                     now: float | None = None) -> bool:
        """Rate an answer (a second rating of the same answer replaces the first); False if no such answer."""
        if rating not in ("up", "down"):
            raise ValueError("rating must be 'up' or 'down'")
        if not message_id.isdigit():
            return False
        with self._lock:
            turn = self._db.execute("SELECT question, status, language FROM turns WHERE rowid = ? AND conversation_id = ?",
                                    (int(message_id), conversation_id)).fetchone()
            if turn is None:
                return False
            self._db.execute("INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             (int(message_id), conversation_id, now or time.time(), rating, redact(comment.strip()), *turn))
        return True

    def turns_with_status(self, status: str) -> list[tuple[str, float, str]]:
        """(redacted question, time, language) of every stored turn with this status, oldest first."""
        with self._lock:
            return self._db.execute("SELECT question, at, language FROM turns WHERE status = ? ORDER BY at",
                                    (status,)).fetchall()

    def feedback(self, rating: str | None = None) -> list[Feedback]:
        """Newest first."""
        where, args = ("WHERE rating = ?", (rating,)) if rating else ("", ())
        with self._lock:
            rows = self._db.execute("SELECT conversation_id, turn_id, at, rating, comment, question, status, language "
                                    f"FROM feedback {where} ORDER BY at DESC", args).fetchall()
        return [Feedback(cid, str(tid), *rest) for cid, tid, *rest in rows]

    def forget(self, conversation_id: str) -> bool:
        with self._lock:
            self._db.execute("DELETE FROM feedback WHERE conversation_id = ?", (conversation_id,))
            return self._db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,)).rowcount > 0

    def purge(self, now: float | None = None) -> int:
        """Delete every turn and rating older than the retention period; returns how many turns."""
        cutoff = (now or time.time()) - self.retention_seconds
        with self._lock:
            self._db.execute("DELETE FROM feedback WHERE at < ?", (cutoff,))
            return self._db.execute("DELETE FROM turns WHERE at < ?", (cutoff,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()
