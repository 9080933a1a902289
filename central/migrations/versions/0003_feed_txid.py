"""change feed: writing transaction id, for a cursor that is safe under concurrent writers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 05:00:00

Rows already in the feed get txid 0, so a cursor handed out before (``c1.<epoch>.<seq>``,
read as (0, seq)) still points at the same place. On PostgreSQL new rows take the
writing transaction's id from the column default.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PG_TXID = "(pg_current_xact_id()::text::bigint)"


def upgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("txid", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
        )
        batch_op.create_index("ix_changes_txid_seq", ["txid", "seq"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE changes ALTER COLUMN txid SET DEFAULT {PG_TXID}")


def downgrade() -> None:
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index("ix_changes_txid_seq")
        batch_op.drop_column("txid")
