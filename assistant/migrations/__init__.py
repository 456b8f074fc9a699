"""Alembic migrations for the state store (conversations, feedback), run to head when a store opens.

Several API workers may start at once against one database: PostgreSQL serialises them with an
advisory lock, SQLite with a file lock beside the database file.
"""

import fcntl
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

HERE = Path(__file__).resolve().parent
_ADVISORY_KEY = 72_201_803  # any constant; "SB 803"


def upgrade(engine: Engine) -> None:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    with _one_at_a_time(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def _one_at_a_time(engine: Engine):
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
