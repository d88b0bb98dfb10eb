"""Bring the records database to the current schema with Alembic: `serve` and `db upgrade`.

The register, requests and API log are evidence and are never rebuilt: a new release adds a
revision under `migrations/versions/` (see the README: "Changing a table"), and `dangan serve`
or `dangan db upgrade` applies what a database lacks. A database made before migrations
existed (by `create_all`) is taken up by the first revision, which creates only what is
missing. Two processes starting at once take turns: a file lock beside a SQLite database, an
advisory lock on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_PG_LOCK = 0x64616E67616E  # "dangan": the advisory lock that serialises upgrades


def alembic_config(connection=None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class RegisterBehind(RuntimeError):
    """The database is an existing register at an older schema than this release's: only
    `dangan serve` and `dangan db upgrade` bring it forward (the register is evidence; a
    command that merely lists users must not change its schema behind the operator's back)."""

    def __init__(self, revision: str | None, target: str):
        self.revision, self.target = revision, target
        super().__init__(
            f"记录数据库的结构落后于本版本（{revision or '迁移之前'} → {target}）："
            "请先运行 dangan db upgrade（或启动 dangan serve）升级后再执行此命令")


def prepare(engine: Engine, migrate: bool = False) -> tuple[str | None, str | None]:
    """Make the database usable by this release: (revision before, revision after).

    A new, empty database is created at the current schema (nothing in it to migrate). An
    existing one that is behind is upgraded only when `migrate` (serve, db upgrade); otherwise
    RegisterBehind is raised and nothing is changed."""
    target = head()
    before = current(engine)
    if before == target:
        return before, before
    if migrate or (before is None and not inspect(engine).get_table_names()):
        return upgrade(engine)
    raise RegisterBehind(before, target)


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Apply every revision the database lacks; returns (revision before, revision after)."""
    target = head()
    before = current(engine)
    if before == target:  # the everyday start: one query, no lock
        return before, before
    with _exclusive(engine), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
        command.upgrade(alembic_config(conn), "head")
    return before, current(engine)


@contextlib.contextmanager
def _exclusive(engine: Engine) -> Iterator[None]:
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
