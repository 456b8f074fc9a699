"""The state store on SQLite and on PostgreSQL: same behaviour, migrations, and nothing lost from older databases.

PostgreSQL tests need a server (the `store_url` fixture in conftest.py says how).
"""

import re
import sqlite3
import threading

import pytest
from sqlalchemy import create_engine, text

from assistant.conversations import ConversationStore


def test_history_feedback_forget_and_purge(store_url):
    store = ConversationStore(store_url, retention_days=1, max_turns=2)
    first = store.remember("c1", "Is Kern County participating?", "answered", "en", now=1000.0)
    store.remember("c1", "and Fresno? call me at 916-555-0100", "answered", "en", now=1001.0)
    store.remember("c1", "what about the exam?", "abstained", "en", now=1002.0)
    store.remember("c2", "other person", "answered", "en", now=1003.0)
    recent = store.history("c1", now=1005.0)
    assert len(recent) == 2 and recent[1] == "what about the exam?"
    assert "[phone]" in recent[0] and "555" not in recent[0]
    assert store.add_feedback("c1", first, "down", "wrong county, email me a@b.org", now=1004.0)
    assert store.add_feedback("c1", first, "up", now=1004.5)  # replaces, not duplicates
    assert not store.add_feedback("c2", first, "up")  # someone else's answer
    assert not store.add_feedback("c1", "999999999", "up") and not store.add_feedback("c1", "x", "up")
    [rating] = store.feedback()
    assert (rating.rating, rating.message_id, rating.question) == ("up", first, "Is Kern County participating?")
    assert [q for q, _, _, _ in store.turns_with_status("abstained")] == ["what about the exam?"]
    assert store.forget("c1") and not store.forget("c1") and store.feedback() == []
    assert store.history("c2", now=1005.0) == ["other person"]
    assert store.purge(now=1003.0 + 86400 + 1) == 1 and store.history("c2", now=1005.0) == []
    store.close()


def test_two_stores_share_one_database(store_url):
    """Two API workers: a follow-up answered by the other worker still sees the first question."""
    a, b = ConversationStore(store_url), ConversationStore(store_url)
    a.remember("c", "Is Kern County participating?", "answered", "en")
    assert b.history("c") == ["Is Kern County participating?"]
    a.close(), b.close()


def test_concurrent_writers_lose_nothing(store_url):
    store = ConversationStore(store_url)
    ids: list[str] = []

    def write(n: int) -> None:
        for i in range(20):
            ids.append(store.remember(f"w{n}", f"question {i}", "answered", "en"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 80
    store.close()


def test_opening_twice_runs_migrations_once(store_url):
    ConversationStore(store_url).close()
    ConversationStore(store_url).close()
    engine = create_engine(store_url)
    with engine.connect() as db:
        assert db.execute(text("SELECT version_num FROM alembic_version")).all() == [("0003",)]  # head, once
    engine.dispose()


def test_a_database_from_before_migrations_is_adopted_with_its_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE turns (conversation_id TEXT NOT NULL, at REAL NOT NULL, question TEXT NOT NULL,
                            status TEXT NOT NULL, language TEXT NOT NULL);
        CREATE INDEX turns_by_conversation ON turns (conversation_id, at);
        CREATE TABLE feedback (turn_id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL, at REAL NOT NULL,
                               rating TEXT NOT NULL, comment TEXT NOT NULL, question TEXT NOT NULL,
                               status TEXT NOT NULL, language TEXT NOT NULL);
        INSERT INTO turns VALUES ('c', 1e12, 'first question', 'answered', 'en');
        INSERT INTO turns VALUES ('c', 1e12 + 1, 'second question', 'abstained', 'en');
        INSERT INTO feedback VALUES (2, 'c', 1e12 + 2, 'down', 'not helpful', 'second question', 'abstained', 'en');
    """)
    db.commit()
    db.close()
    store = ConversationStore(f"sqlite:///{path}")
    assert store.history("c", now=1e12 + 5) == ["first question", "second question"]
    [rating] = store.feedback()
    assert re.fullmatch(r"[0-9a-f]{32}", rating.message_id) and rating.comment == "not helpful"  # a key given on upgrade
    third = store.remember("c", "third", "answered", "en", now=1e12 + 6)
    assert re.fullmatch(r"[0-9a-f]{32}", third) and store.add_feedback("c", third, "up")
    store.close()


def test_message_ids_are_random_and_feedback_needs_the_right_conversation(store_url):
    store = ConversationStore(store_url)
    first, second = (store.remember("c1", q, "answered", "en") for q in ("one", "two"))
    assert first != second and not first.isdigit() and len(first) == 32
    assert not store.add_feedback("c2", first, "up")  # another conversation's answer
    assert not store.add_feedback("c1", "1", "up")  # a guessed row number
    assert store.add_feedback("c1", second, "down")
    assert store.known("c1") and not store.known("c2") and not store.known("a")
    store.close()


def test_bad_database_urls_get_a_clear_error_with_the_fix():
    from core.settings import Settings

    with pytest.raises(ValueError, match="is not a database URL. Fix: write it as postgresql"):
        Settings(database_url="nonsense")
    with pytest.raises(ValueError, match="'mysql' databases are not supported"):
        Settings(database_url="mysql://a@b/c")
    assert Settings(database_url="postgresql://u:p@db.local/peers").state_url == "postgresql+psycopg://u:p@db.local/peers"


def test_an_unreachable_database_is_named_without_its_password():
    from assistant.conversations import StateStoreUnavailable

    with pytest.raises(StateStoreUnavailable) as err:
        ConversationStore("postgresql+psycopg://peerhelp:secret@127.0.0.1:1/peerhelp")
    assert "127.0.0.1:1/peerhelp: the state database is not reachable" in str(err.value) and "secret" not in str(err.value)
