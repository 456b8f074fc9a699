"""Conversations in SQLite: the recent questions that follow-ups resolve against, redacted, kept for a set time.

Only what a follow-up needs is stored (the redacted question, status, language, time), never the
answer text or anything else about the person. Rows older than the retention period are purged.
"""

import sqlite3
import threading
import time
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
"""


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

    def remember(self, conversation_id: str, question: str, status: str, language: str, now: float | None = None) -> None:
        with self._lock:
            self._db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?)",
                             (conversation_id, now or time.time(), redact(question), status, language))

    def forget(self, conversation_id: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,)).rowcount > 0

    def purge(self, now: float | None = None) -> int:
        """Delete every turn older than the retention period; returns how many."""
        cutoff = (now or time.time()) - self.retention_seconds
        with self._lock:
            return self._db.execute("DELETE FROM turns WHERE at < ?", (cutoff,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()
