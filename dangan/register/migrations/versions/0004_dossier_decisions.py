"""dossier_decisions: staff's confirm / split / merge of a person's records (issue 17).

Append-only, like the register: SQLite triggers refuse to rewrite or delete a decision.

Revision ID: 0004
Revises: 0003 (0003_session_version)
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GUARDS = {"dossier_decisions_no_update": "BEFORE UPDATE ON dossier_decisions",
          "dossier_decisions_no_delete": "BEFORE DELETE ON dossier_decisions"}


def upgrade() -> None:
    op.create_table(
        "dossier_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("visit_id", sa.Integer, sa.ForeignKey("visits.id"), nullable=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("records", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, when in GUARDS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN "
                       "SELECT RAISE(ABORT, 'dossier decisions are append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in GUARDS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("dossier_decisions")
