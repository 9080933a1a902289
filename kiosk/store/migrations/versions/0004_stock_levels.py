"""stock levels kept current beside the movement journal

Revision ID: 0004
Revises: 0005
Create Date: 2026-12-07

Reading a gift's stock summed every movement it ever had: on a station's third year
(~1M movements) the shelf took ~1.9 s. ``stock_levels`` holds each gift's current level,
written by triggers in the same statement (so the same transaction) as every movement
insert, delete or change, whoever writes it: the ORM, a bulk insert, a restore script.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0005"
branch_labels = None
depends_on = None

TRIGGERS = {
    "stock_levels_after_insert": """
        CREATE TRIGGER stock_levels_after_insert AFTER INSERT ON stock_movements
        BEGIN
            INSERT INTO stock_levels (sku, level) VALUES (NEW.sku, NEW.delta)
            ON CONFLICT (sku) DO UPDATE SET level = level + excluded.level;
        END""",
    "stock_levels_after_delete": """
        CREATE TRIGGER stock_levels_after_delete AFTER DELETE ON stock_movements
        BEGIN
            UPDATE stock_levels SET level = level - OLD.delta WHERE sku = OLD.sku;
        END""",
    "stock_levels_after_update": """
        CREATE TRIGGER stock_levels_after_update AFTER UPDATE OF sku, delta ON stock_movements
        BEGIN
            UPDATE stock_levels SET level = level - OLD.delta WHERE sku = OLD.sku;
            INSERT INTO stock_levels (sku, level) VALUES (NEW.sku, NEW.delta)
            ON CONFLICT (sku) DO UPDATE SET level = level + excluded.level;
        END""",
}


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE stock_levels (
            sku VARCHAR(40) NOT NULL PRIMARY KEY REFERENCES gifts (sku),
            level INTEGER NOT NULL DEFAULT 0
        )"""
    )
    op.execute(
        "INSERT INTO stock_levels (sku, level) "
        "SELECT sku, SUM(delta) FROM stock_movements GROUP BY sku"
    )
    for sql in TRIGGERS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    op.execute("DROP TABLE stock_levels")
