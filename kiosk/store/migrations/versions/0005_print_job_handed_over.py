"""print jobs record when the whole job was handed to the printer (handed_over_at), and
the states printed_unconfirmed / interrupted a crash leaves behind

Revision ID: 0005
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.add_column(sa.Column("handed_over_at", sa.DateTime(), nullable=True))
        # "printed_unconfirmed" does not fit the old 12 characters.
        batch_op.alter_column(
            "state", existing_type=sa.String(12), type_=sa.String(24), existing_nullable=False
        )


def downgrade() -> None:
    # The old code knew only failed(print.interrupted) for both.
    op.execute(
        "UPDATE print_jobs SET state = 'failed' "
        "WHERE state IN ('printed_unconfirmed', 'interrupted')"
    )
    with op.batch_alter_table("print_jobs") as batch_op:
        batch_op.alter_column(
            "state", existing_type=sa.String(24), type_=sa.String(12), existing_nullable=False
        )
        batch_op.drop_column("handed_over_at")
