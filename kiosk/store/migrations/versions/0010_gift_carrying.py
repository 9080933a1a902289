"""which gifts this station carries, as central says (gift_carrying; no row = carried)

Revision ID: 0010
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gift_carrying",
        sa.Column("sku", sa.String(40), primary_key=True),
        sa.Column("carried", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gift_carrying")
