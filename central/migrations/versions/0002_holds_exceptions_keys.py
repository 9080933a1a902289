"""holds, exceptions, card locks; private keys out of the database

Revision ID: 0002
Revises: 0005
Create Date: 2026-12-07 04:50:00

Redemptions get an expiry (a hold) and the code they were made with; rows left
"authorised" by older centrals become holds expiring ten minutes after the upgrade, so
points an unanswered approval took are given back unless the kiosk's redemption.made
arrives first. Signing keys' private halves become optional: central moves them to its
key file on the next start and blanks the column (central.keys).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offline_daily_points", sa.Integer(), nullable=False, server_default="400")
        )
    with op.batch_alter_table("signing_keys", schema=None) as batch_op:
        batch_op.alter_column("private_key", existing_type=sa.String(length=64), nullable=True)
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("code_id", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_redemptions_expires_at"), ["expires_at"])
    expiry = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=10)
    op.execute(
        sa.text(
            "UPDATE redemptions SET status = 'held', expires_at = :at WHERE status = 'authorised'"
        ).bindparams(at=expiry)
    )

    op.create_table(
        "exceptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("redemption_id", sa.String(length=64), nullable=False),
        sa.Column("station_id", sa.String(length=40), nullable=False),
        sa.Column("volunteer_id", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.String(length=400), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolution", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("exceptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exceptions_redemption_id"), ["redemption_id"])
        batch_op.create_index(batch_op.f("ix_exceptions_station_id"), ["station_id"])

    op.create_table(
        "card_locks",
        sa.Column("card_no", sa.String(length=32), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("card_no"),
    )


def downgrade() -> None:
    op.drop_table("card_locks")
    with op.batch_alter_table("exceptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exceptions_station_id"))
        batch_op.drop_index(batch_op.f("ix_exceptions_redemption_id"))
    op.drop_table("exceptions")
    with op.batch_alter_table("redemptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_redemptions_expires_at"))
        batch_op.drop_column("code_id")
        batch_op.drop_column("expires_at")
    with op.batch_alter_table("stations", schema=None) as batch_op:
        batch_op.drop_column("offline_daily_points")
