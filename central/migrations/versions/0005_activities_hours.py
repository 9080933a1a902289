"""volunteers' hours: activities, attendances, the hours ledger

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False),
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("station_id", sa.String(40), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("sign_in_opens_min", sa.Integer(), nullable=False),
        sa.Column("round_to_h", sa.Float(), nullable=False),
        sa.Column("daily_max_h", sa.Float(), nullable=False),
        sa.Column("points_per_hour", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_activities_station_id", "activities", ["station_id"])
    op.create_table(
        "attendances",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("activity_id", sa.String(40), nullable=False),
        sa.Column("volunteer_id", sa.String(40), nullable=False),
        sa.Column("station_id", sa.String(40), nullable=False),
        sa.Column("signed_in_at", sa.DateTime(), nullable=False),
        sa.Column("signed_out_at", sa.DateTime(), nullable=True),
        sa.Column("auto_signed_out", sa.Boolean(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
    )
    for column in ("activity_id", "volunteer_id", "station_id"):
        op.create_index(f"ix_attendances_{column}", "attendances", [column])
    op.create_table(
        "hours_ledger",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("volunteer_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("by", sa.String(60), nullable=False),
        sa.Column("station_id", sa.String(40), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_hours_ledger_volunteer_id", "hours_ledger", ["volunteer_id"])


def downgrade() -> None:
    op.drop_index("ix_hours_ledger_volunteer_id", table_name="hours_ledger")
    op.drop_table("hours_ledger")
    for column in ("activity_id", "volunteer_id", "station_id"):
        op.drop_index(f"ix_attendances_{column}", table_name="attendances")
    op.drop_table("attendances")
    op.drop_index("ix_activities_station_id", table_name="activities")
    op.drop_table("activities")
