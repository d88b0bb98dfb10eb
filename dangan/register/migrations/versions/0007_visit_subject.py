"""Whose records a visit seeks, and a number to call back (issue 30): visits.subject_name
(the requester is often a child asking for a parent's records) and visits.phone.

Revision ID: 0007
Revises: 0006 (0006_audit_chain)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch copy of the table would drop its append-only triggers.
    op.add_column("visits", sa.Column("subject_name", sa.String(64), nullable=False,
                                      server_default=""))
    op.add_column("visits", sa.Column("phone", sa.String(32), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    raise NotImplementedError("the register is evidence: restore a backup instead")
