"""Alembic's environment: run on the connection `dangan.register.migrate` hands over.

Revisions are written by hand or with autogenerate against `Base.metadata` (the models), e.g.
`.venv/bin/alembic -x url=sqlite:///var/data/dangan.sqlite3 revision --autogenerate -m "…"`
from the repository root (alembic.ini); tests/test_register_migrations.py fails while the
models and the revisions disagree.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from dangan.register import dossiers, requests, tokens  # noqa: F401  (tables join Base.metadata)
from dangan.register.accounts import Base


def _run(connection) -> None:
    # Batch mode: SQLite can only add columns in place; other changes rebuild the table.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line, e.g. to autogenerate a revision
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("give the database: alembic -x url=sqlite:///PATH …")
    with create_engine(url).begin() as conn:
        _run(conn)
