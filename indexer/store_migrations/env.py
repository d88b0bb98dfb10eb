"""Alembic's environment for the page store: run on the connection that
dangan.indexer.store_schema hands over. The store is plain SQLite written with sqlite3 (no
models), so revisions are written by hand, with `op.get_bind().exec_driver_sql(...)` or
`op.add_column` in batch mode."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
