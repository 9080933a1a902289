"""index ledger entries by volunteer and confirmed (every balance reads these)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch_op:
        batch_op.create_index("ix_ledger_volunteer_unconfirmed", ["volunteer_id", "confirmed"])


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch_op:
        batch_op.drop_index("ix_ledger_volunteer_unconfirmed")
