"""which stations carry a gift (gifts.stations); what a station last reported about
itself (backlog, printer) for the console

Revision ID: 0006
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gifts") as batch_op:
        batch_op.add_column(sa.Column("stations", sa.JSON(), nullable=True))
    with op.batch_alter_table("stations") as batch_op:
        batch_op.add_column(sa.Column("reported_backlog", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("reported_printer", sa.String(24), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reported_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stations") as batch_op:
        batch_op.drop_column("reported_at")
        batch_op.drop_column("reported_printer")
        batch_op.drop_column("reported_backlog")
    with op.batch_alter_table("gifts") as batch_op:
        batch_op.drop_column("stations")
