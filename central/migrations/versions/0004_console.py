"""console: staff accounts, web sessions, order assignments, exception resolutions, audit

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("username", sa.String(40), primary_key=True),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("subject", sa.String(40), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_web_sessions_subject", "web_sessions", ["subject"])
    op.create_table(
        "order_assignments",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("volunteer_id", sa.String(40), nullable=True),
        sa.Column("team", sa.String(80), nullable=False),
        sa.Column("assigned_by", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_order_assignments_volunteer_id", "order_assignments", ["volunteer_id"])
    op.create_table(
        "exception_resolutions",
        sa.Column("kind", sa.String(24), primary_key=True),
        sa.Column("ref", sa.String(200), primary_key=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("resolved_by", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("actor", sa.String(60), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("exception_resolutions")
    op.drop_index("ix_order_assignments_volunteer_id", table_name="order_assignments")
    op.drop_table("order_assignments")
    op.drop_index("ix_web_sessions_subject", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("staff_accounts")
