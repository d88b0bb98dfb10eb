"""Baseline: the records schema of the release before migrations (commit cb55e17).

Creates whatever of it a database lacks, so it serves a new database and one made by an
earlier release with `create_all` alike; a register from before access_log.request_number
existed gains that column (the hand-written ADD COLUMN this replaces). The tables are frozen
here as they were, not imported from the models, which will change in later revisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables() -> sa.MetaData:
    meta = sa.MetaData()
    C, S, T, N, B, D, DT = (sa.Column, sa.String, sa.Text, sa.Integer, sa.Boolean, sa.Date,
                            sa.DateTime)
    sa.Table("users", meta,
             C("id", N, primary_key=True),
             C("username", S(64), nullable=False, unique=True),
             C("password_hash", S(256), nullable=False),
             C("role", S(16), nullable=False),
             C("active", B, nullable=False),
             C("created_at", DT, nullable=False))
    sa.Table("requests", meta,
             C("id", N, primary_key=True),
             C("number", S(40), nullable=False, unique=True),
             C("created_at", DT, nullable=False),
             C("requester_name", S(64), nullable=False),
             C("requester_id_number", S(18), nullable=False),
             C("requester_phone", S(32), nullable=False),
             C("requester_address", T, nullable=False),
             C("applicant_type", S(8), nullable=False),
             C("relationship", S(16), nullable=False),
             C("attorney_note", T, nullable=False),
             C("channel", S(8), nullable=False),
             C("delegated", B, nullable=False),
             C("subject_name", S(64), nullable=False),
             C("subject_former_names", S(128), nullable=False),
             C("subject_birth_year", N),
             C("subject_unit", S(128), nullable=False),
             C("year_from", N),
             C("year_to", N),
             C("doc_types", S(128), nullable=False),
             C("purpose", S(16), nullable=False),
             C("detail", T, nullable=False),
             C("receiving_archive", S(32), nullable=False),
             C("holding_archive", S(32), nullable=False),
             C("status", S(8), nullable=False),
             C("accepted_on", D, nullable=False),
             C("due_on", D, nullable=False),
             C("delivery", S(8), nullable=False),
             C("result_note", T, nullable=False),
             C("origin_archive", S(32), nullable=False),
             C("origin_number", S(40), nullable=False),
             C("forwarded_to", S(32), nullable=False),
             C("remote_number", S(40), nullable=False),
             C("remote_status", S(8), nullable=False),
             C("remote_checked_at", DT))
    sa.Table("api_tokens", meta,
             C("id", N, primary_key=True),
             C("peer", S(32), nullable=False),
             C("token_hash", S(64), nullable=False, unique=True),
             C("hint", S(16), nullable=False),
             C("created_at", DT, nullable=False),
             C("revoked_at", DT),
             C("last_used_at", DT))
    sa.Table("api_log", meta,
             C("id", N, primary_key=True),
             C("at", DT, nullable=False),
             C("peer", S(32), nullable=False),
             C("action", S(32), nullable=False),
             C("status", N, nullable=False),
             C("detail", T, nullable=False))
    sa.Table("visits", meta,
             C("id", N, primary_key=True),
             C("number", S(32), nullable=False, unique=True),
             C("requester_name", S(64), nullable=False),
             C("id_number", S(18), nullable=False),
             C("relationship", S(8), nullable=False),
             C("purpose", S(16), nullable=False),
             C("note", T, nullable=False),
             C("staff_id", N, sa.ForeignKey("users.id"), nullable=False),
             C("started_at", DT, nullable=False),
             C("ended_at", DT),
             C("outcome", S(8)),
             C("copied", T, nullable=False))
    sa.Table("request_events", meta,
             C("id", N, primary_key=True),
             C("request_id", N, sa.ForeignKey("requests.id"), nullable=False),
             C("at", DT, nullable=False),
             C("actor", S(64), nullable=False),
             C("user_id", N, sa.ForeignKey("users.id")),
             C("from_status", S(8), nullable=False),
             C("to_status", S(8), nullable=False),
             C("note", T, nullable=False))
    sa.Table("request_pages", meta,
             C("id", N, primary_key=True),
             C("request_id", N, sa.ForeignKey("requests.id"), nullable=False),
             C("page_id", N, nullable=False),
             C("label", S(200), nullable=False),
             C("added_by", S(64), nullable=False),
             C("added_at", DT, nullable=False))
    sa.Table("access_log", meta,
             C("id", N, primary_key=True),
             C("at", DT, nullable=False),
             C("user_id", N, sa.ForeignKey("users.id"), nullable=False),
             C("visit_id", N, sa.ForeignKey("visits.id")),
             C("request_number", S(40)),
             C("action", S(24), nullable=False),
             C("path", T, nullable=False),
             C("page", N),
             C("detail", T, nullable=False))
    return meta


def upgrade() -> None:
    bind = op.get_bind()
    _tables().create_all(bind, checkfirst=True)
    columns = {c["name"] for c in sa.inspect(bind).get_columns("access_log")}
    if "request_number" not in columns:
        with op.batch_alter_table("access_log") as batch:
            batch.add_column(sa.Column("request_number", sa.String(40), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("the register is evidence: restore a backup instead")
