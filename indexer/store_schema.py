"""The page store's schema, under Alembic like the register's (indexer/store_migrations).

Why Alembic and not columns added by hand: one way to change a table for both databases, with
the revision a store is at recorded in it (`alembic_version`), so an old store is brought
forward step by step and a new column is one revision, not an ALTER guarded by PRAGMA at
every open. The store is derived (pages, OCR cache, batch history; the index is rebuilt
from it) and written by dangan only, so it is brought to the current revision whenever it is
opened; a store from before Alembic is taken up by the baseline, which creates only what is
missing. An everyday open reads the revision with sqlite3 and does not import Alembic.
"""

from __future__ import annotations

import fcntl
import sqlite3
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "store_migrations"
HEAD = "s0001"  # the newest revision under store_migrations/versions (a test holds them equal)


def current(db: sqlite3.Connection) -> str | None:
    try:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no table yet: a new store, or one from before Alembic
        return None
    return row[0] if row else None


def upgrade(db: sqlite3.Connection, path: Path) -> tuple[str | None, str | None]:
    """Bring the store at `path` (open as `db`) to HEAD; (revision before, after)."""
    before = current(db)
    if before == HEAD:
        return before, before
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    # Two processes opening an old store at once (the batch and the web server) take turns.
    with open(f"{path}.migrate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        engine = create_engine(f"sqlite:///{path}")
        try:
            with engine.begin() as conn:
                cfg = Config()
                cfg.set_main_option("script_location", str(MIGRATIONS))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        finally:
            engine.dispose()
    return before, current(db)
