"""volunteers' hours at the station: activities (from central) and attendances

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("title_en", sa.String(200), nullable=False),
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("sign_in_opens_min", sa.Integer(), nullable=False),
        sa.Column("round_to_h", sa.Float(), nullable=False),
        sa.Column("daily_max_h", sa.Float(), nullable=False),
        sa.Column("points_per_hour", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_activities_starts_at", "activities", ["starts_at"])
    op.create_table(
        "attendances",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("activity_id", sa.String(40), sa.ForeignKey("activities.id"), nullable=False),
        sa.Column("volunteer_id", sa.String(40), nullable=False),
        sa.Column("signed_in_at", sa.DateTime(), nullable=False),
        sa.Column("signed_out_at", sa.DateTime(), nullable=True),
        sa.Column("auto_signed_out", sa.Boolean(), nullable=False),
        sa.Column("expected_hours", sa.Float(), nullable=False),
        sa.Column("expected_points", sa.Integer(), nullable=False),
        sa.Column("corrected_hours", sa.Float(), nullable=True),
        sa.UniqueConstraint("activity_id", "volunteer_id"),
    )
    op.create_index("ix_attendances_activity_id", "attendances", ["activity_id"])
    op.create_index("ix_attendances_volunteer_id", "attendances", ["volunteer_id"])


def downgrade() -> None:
    op.drop_index("ix_attendances_volunteer_id", table_name="attendances")
    op.drop_index("ix_attendances_activity_id", table_name="attendances")
    op.drop_table("attendances")
    op.drop_index("ix_activities_starts_at", table_name="activities")
    op.drop_table("activities")
