"""indexes so that what a screen or an hourly chore reads does not grow with the store's age

Today's figures summed a day's restocks by walking every stock movement (1M on a three-year
store: 170 ms, growing by the year); the hourly purge walked every order ever closed to find
the few not yet purged; today's attendance, the 自动签退 chore and the activity list's counts
walked every attendance; the print status walked every kept print job for each failed one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_stock_movements_at", "stock_movements", ["at"])
    op.create_index(
        "ix_service_orders_unpurged",
        "service_orders",
        ["status"],
        sqlite_where=sa.text("purged_at IS NULL"),
    )
    op.create_index("ix_attendances_signed_in_at", "attendances", ["signed_in_at"])
    op.create_index("ix_print_jobs_reprint_of", "print_jobs", ["reprint_of"])
    op.create_index(
        "ix_attendances_open",
        "attendances",
        ["activity_id"],
        sqlite_where=sa.text("signed_out_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_attendances_open", "attendances")
    op.drop_index("ix_print_jobs_reprint_of", "print_jobs")
    op.drop_index("ix_attendances_signed_in_at", "attendances")
    op.drop_index("ix_service_orders_unpurged", "service_orders")
    op.drop_index("ix_stock_movements_at", "stock_movements")
