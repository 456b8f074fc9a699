"""Message ids a client cannot guess: each turn gets a random key, which the API gives out instead of the row
number (a global counter told anyone how many messages the service had answered, and which ids to try).

Revision ID: 0003
Revises: 0002
"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("turns", sa.Column("message_key", sa.String(32), nullable=True))
    bind = op.get_bind()
    turns = sa.table("turns", sa.column("id", sa.Integer), sa.column("message_key", sa.String))
    for (turn_id,) in bind.execute(sa.select(turns.c.id)).all():
        bind.execute(sa.update(turns).where(turns.c.id == turn_id).values(message_key=secrets.token_hex(16)))
    op.create_index("turns_by_message_key", "turns", ["message_key"], unique=True)


def downgrade() -> None:
    op.drop_index("turns_by_message_key", table_name="turns")
    op.drop_column("turns", "message_key")
