"""redemption intents (written before central is asked); card numbers and PIN hashes leave

Revision ID: 0007
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redemption_intents",
        sa.Column("redemption_id", sa.String(length=36), nullable=False),
        sa.Column("volunteer_id", sa.String(length=40), nullable=False),
        sa.Column("total_points", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("proof_kind", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("boot_id", sa.String(length=36), nullable=False),
        sa.Column("outcome", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("redemption_id"),
    )
    op.create_index("ix_redemption_intents_state", "redemption_intents", ["state"])
    # PIN hashes and card numbers stay at central: forget the ones earlier pulls brought.
    # secure_delete zeroes the freed pages, so no copy survives in the file's free list.
    op.execute("PRAGMA secure_delete = ON")
    op.execute("UPDATE volunteers SET card_no = NULL, pin_hash = NULL")
    with op.batch_alter_table("volunteers", recreate="always") as batch_op:
        batch_op.drop_column("card_no")
        batch_op.drop_column("pin_hash")
    op.execute("PRAGMA secure_delete = OFF")


def downgrade() -> None:
    with op.batch_alter_table("volunteers") as batch_op:
        batch_op.add_column(sa.Column("card_no", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("pin_hash", sa.String(length=200), nullable=True))
    op.drop_index("ix_redemption_intents_state", table_name="redemption_intents")
    op.drop_table("redemption_intents")
