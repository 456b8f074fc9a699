"""Run by Alembic with the connection that `assistant.migrations.upgrade` opened (never a URL from a file)."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
