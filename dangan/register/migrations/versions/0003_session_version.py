"""users.session_version: logout, a new password and disabling end every session.

Sessions carry the version they were made under (web/security.py); bumping it makes every
older session cookie invalid, copies included.

Revision ID: 0003
Revises: 0002 (0002_evidence)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
