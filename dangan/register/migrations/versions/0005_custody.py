"""Who holds a visit (issue 27): visit_events (hand-over, admin takeover; each ends the
clearances granted on the visit so far) and visits.closed_by (who closed it).

Revision ID: 0005
Revises: 0004 (0004_dossier_decisions)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

C, S, N, DT = sa.Column, sa.String, sa.Integer, sa.DateTime


def upgrade() -> None:
    # A plain ADD COLUMN: a batch copy of the table would drop its append-only triggers.
    op.add_column("visits", C("closed_by", N, nullable=True))
    op.create_table("visit_events",
                    C("id", N, primary_key=True),
                    C("at", DT, nullable=False),
                    C("visit_id", N, sa.ForeignKey("visits.id"), nullable=False),
                    C("user_id", N, sa.ForeignKey("users.id"), nullable=False),
                    C("action", S(16), nullable=False),
                    C("to_user_id", N, sa.ForeignKey("users.id"), nullable=False),
                    C("clearance_cutoff", N, nullable=False))


def downgrade() -> None:
    raise NotImplementedError("the register is evidence: restore a backup instead")
