"""The register's keyed audit chain (issue 27): audit_chain and audit_lock, and append-only
triggers on PostgreSQL as on SQLite.

SQLite gains triggers for hand-overs, request steps and the chain, and one that refuses to
change an open visit's person, number or registering clerk (only its closing fields may be
set). PostgreSQL gets the same rules as trigger functions, and TRUNCATE refused too; the
trigger names are listed in dangan/register/chain.py, which `dangan audit verify` checks.

Revision ID: 0006
Revises: 0005 (0005_custody)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

C, S, T, N, DT = sa.Column, sa.String, sa.Text, sa.Integer, sa.DateTime

# Frozen here (not imported), as every revision freezes what it creates.
APPEND_ONLY = ("access_log", "clearances", "visit_corrections", "issued_papers",
               "dossier_decisions", "visit_events", "request_events", "audit_chain")
SQLITE_NEW = ("visit_events", "request_events", "audit_chain")
VISIT_FIXED = ("id", "number", "requester_name", "id_number", "relationship", "purpose",
               "note", "staff_id", "started_at")


def upgrade() -> None:
    op.create_table("audit_chain",
                    C("id", N, primary_key=True, autoincrement=False),
                    C("at", DT, nullable=False),
                    C("kind", S(32), nullable=False),
                    C("row_id", N, nullable=True),
                    C("digest", S(64), nullable=False),
                    C("note", T, nullable=False),
                    C("prev", S(64), nullable=False),
                    C("mac", S(64), nullable=False))
    op.create_table("audit_lock", C("id", N, primary_key=True), C("n", N, nullable=False))
    op.execute("INSERT INTO audit_lock (id, n) VALUES (1, 0)")
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in VISIT_FIXED)
    if op.get_bind().dialect.name == "sqlite":
        for table in SQLITE_NEW:
            for verb in ("update", "delete"):
                op.execute(f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE "
                           f"{verb.upper()} ON {table} BEGIN "
                           "SELECT RAISE(ABORT, 'register is append-only'); END")
        op.execute(f"CREATE TRIGGER IF NOT EXISTS visits_fixed_fields BEFORE UPDATE ON visits "
                   f"WHEN {changed} BEGIN "
                   "SELECT RAISE(ABORT, 'a visit''s person and number are fixed'); END")
        return
    op.execute("""
        CREATE OR REPLACE FUNCTION dangan_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'register is append-only (%)', TG_TABLE_NAME; END
        $$ LANGUAGE plpgsql""")
    distinct = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in VISIT_FIXED)
    op.execute(f"""
        CREATE OR REPLACE FUNCTION dangan_visits_guard() RETURNS trigger AS $$
        BEGIN
          IF OLD.ended_at IS NOT NULL THEN
            RAISE EXCEPTION 'a closed visit is final';
          END IF;
          IF {distinct} THEN
            RAISE EXCEPTION 'a visit''s person and number are fixed';
          END IF;
          RETURN NEW;
        END $$ LANGUAGE plpgsql""")
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION dangan_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION dangan_append_only()")
    op.execute("CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits "
               "FOR EACH ROW EXECUTE FUNCTION dangan_append_only()")
    op.execute("CREATE TRIGGER visits_no_truncate BEFORE TRUNCATE ON visits "
               "FOR EACH STATEMENT EXECUTE FUNCTION dangan_append_only()")
    op.execute("CREATE TRIGGER visits_guard BEFORE UPDATE ON visits "
               "FOR EACH ROW EXECUTE FUNCTION dangan_visits_guard()")


def downgrade() -> None:
    raise NotImplementedError("the register is evidence: restore a backup instead")
