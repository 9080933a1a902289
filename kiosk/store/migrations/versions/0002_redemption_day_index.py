"""index redemptions by volunteer and time (per-day gift limits)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("redemptions") as batch_op:
        batch_op.create_index("ix_redemptions_volunteer_day", ["volunteer_id", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("redemptions") as batch_op:
        batch_op.drop_index("ix_redemptions_volunteer_day")
