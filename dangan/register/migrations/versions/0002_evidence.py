"""The register as evidence (issue 13): access-log hash chain and page identities, staff real
names, clearances for restricted records, corrections to closed visits, issued papers for
public verification, and (SQLite) triggers that refuse to rewrite any of it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

C, S, T, N, B, DT = sa.Column, sa.String, sa.Text, sa.Integer, sa.Boolean, sa.DateTime

# The database itself refuses to rewrite the access log, clearances, corrections and issued
# papers, or to change a visit once closed. PostgreSQL: the application never issues such
# statements, and the access log's hash chain shows any that were made.
GUARDS = {
    "access_log_no_update": "BEFORE UPDATE ON access_log",
    "access_log_no_delete": "BEFORE DELETE ON access_log",
    "clearances_no_update": "BEFORE UPDATE ON clearances",
    "clearances_no_delete": "BEFORE DELETE ON clearances",
    "visit_corrections_no_update": "BEFORE UPDATE ON visit_corrections",
    "visit_corrections_no_delete": "BEFORE DELETE ON visit_corrections",
    "issued_papers_no_update": "BEFORE UPDATE ON issued_papers",
    "issued_papers_no_delete": "BEFORE DELETE ON issued_papers",
    "visits_no_delete": "BEFORE DELETE ON visits",
    "visits_closed_once": "BEFORE UPDATE ON visits WHEN OLD.ended_at IS NOT NULL",
}


def upgrade() -> None:
    bind = op.get_bind()
    columns = {t: {c["name"] for c in sa.inspect(bind).get_columns(t)}
               for t in ("users", "access_log")}
    with op.batch_alter_table("users") as batch:
        if "full_name" not in columns["users"]:
            batch.add_column(C("full_name", S(64), nullable=False, server_default=""))
    with op.batch_alter_table("access_log") as batch:
        if "page_uid" not in columns["access_log"]:
            batch.add_column(C("page_uid", N, nullable=True))
        if "prev_hash" not in columns["access_log"]:
            batch.add_column(C("prev_hash", S(64), nullable=False, server_default=""))
        if "hash" not in columns["access_log"]:
            batch.add_column(C("hash", S(64), nullable=False, server_default=""))
    op.create_table("clearances",
                    C("id", N, primary_key=True),
                    C("at", DT, nullable=False),
                    C("user_id", N, sa.ForeignKey("users.id"), nullable=False),
                    C("document", T, nullable=False),
                    C("visit_id", N, sa.ForeignKey("visits.id"), nullable=True),
                    C("request_number", S(40), nullable=True),
                    C("purpose", S(16), nullable=False),
                    C("reason", T, nullable=False))
    op.create_table("visit_corrections",
                    C("id", N, primary_key=True),
                    C("visit_id", N, sa.ForeignKey("visits.id"), nullable=False),
                    C("at", DT, nullable=False),
                    C("user_id", N, sa.ForeignKey("users.id"), nullable=False),
                    C("note", T, nullable=False))
    op.create_table("issued_papers",
                    C("id", N, primary_key=True),
                    C("code", S(20), nullable=False, unique=True),
                    C("at", DT, nullable=False),
                    C("kind", S(16), nullable=False),
                    C("number", S(40), nullable=False),
                    C("pages", N, nullable=False),
                    C("titles", T, nullable=False),
                    C("sha256", S(64), nullable=False),
                    C("signed", B, nullable=False),
                    C("user_id", N, sa.ForeignKey("users.id"), nullable=False))
    if bind.dialect.name == "sqlite":
        for name, when in GUARDS.items():
            op.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN "
                       f"SELECT RAISE(ABORT, 'register is append-only'); END")


def downgrade() -> None:
    raise NotImplementedError("the register is evidence: restore a backup instead")
