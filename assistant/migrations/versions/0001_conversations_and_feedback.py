"""Conversations and feedback; adopts a database made before migrations (SQLite, turns keyed by rowid).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_TURN_COLUMNS = "conversation_id, at, question, status, language"
_FEEDBACK_COLUMNS = "turn_id, conversation_id, at, rating, comment, question, status, language"


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    legacy = "turns" in existing
    if legacy:
        op.rename_table("turns", "turns_before_migrations")
        op.execute("DROP INDEX IF EXISTS turns_by_conversation")
        op.execute("DROP INDEX IF EXISTS turns_by_time")
    if "feedback" in existing:
        op.rename_table("feedback", "feedback_before_migrations")
        op.execute("DROP INDEX IF EXISTS feedback_by_time")

    op.create_table(
        "turns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
    )
    op.create_index("turns_by_conversation", "turns", ["conversation_id", "at"])
    op.create_index("turns_by_time", "turns", ["at"])
    op.create_table(
        "feedback",
        sa.Column("turn_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("rating", sa.String(4), sa.CheckConstraint("rating IN ('up', 'down')", name="rating_up_or_down"),
                  nullable=False),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
    )
    op.create_index("feedback_by_time", "feedback", ["at"])

    if legacy:
        op.execute(f"INSERT INTO turns (id, {_TURN_COLUMNS}) SELECT rowid, {_TURN_COLUMNS} FROM turns_before_migrations")
        op.drop_table("turns_before_migrations")
    if "feedback" in existing:
        op.execute(f"INSERT INTO feedback ({_FEEDBACK_COLUMNS}) SELECT {_FEEDBACK_COLUMNS} FROM feedback_before_migrations")
        op.drop_table("feedback_before_migrations")


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("turns")
