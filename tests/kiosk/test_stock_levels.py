"""Stock kept current beside the journal (migration 0004): the level a station reads is
always the sum of its movements, however they were written, and reading it does not walk
the history."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from kiosk import stock
from kiosk.gifts import gift_views
from kiosk.store import open_store
from kiosk.store.db import Store, make_engine
from kiosk.store.migrate import upgrade
from kiosk.store.models import StockLevel, StockMovement
from kiosk.store.upkeep import daily_optimize, optimize


def _sums(store: Store) -> tuple[dict[str, int], dict[str, int]]:
    with store.read() as s:
        journal = dict(
            s.execute(
                select(StockMovement.sku, func.sum(StockMovement.delta)).group_by(StockMovement.sku)
            ).all()
        )
        kept = dict(s.execute(select(StockLevel.sku, StockLevel.level)).all())
    return journal, kept


def test_levels_follow_every_insert_update_and_delete(demo_store: Store) -> None:
    with demo_store.begin() as s:
        sku = s.scalars(select(StockMovement.sku)).first()
        other = s.scalars(select(StockMovement.sku).where(StockMovement.sku != sku)).first()
        before = stock.stock_level(s, sku)
        stock.restock(s, "S02", sku, 7)
        # seen inside the same transaction, before commit
        assert stock.stock_level(s, sku) == before + 7
    with demo_store.begin() as s:
        s.execute(
            StockMovement.__table__.insert(),
            [
                {
                    "id": "m-raw",
                    "sku": sku,
                    "delta": 3,
                    "kind": "restock",
                    "at": datetime(2026, 1, 1),
                }
            ],
        )
    with demo_store.engine.begin() as conn:  # writers outside the ORM keep it too
        conn.exec_driver_sql("UPDATE stock_movements SET delta = 5 WHERE id = 'm-raw'")
        conn.exec_driver_sql(f"UPDATE stock_movements SET sku = '{other}' WHERE id = 'm-raw'")
    journal, kept = _sums(demo_store)
    assert kept == journal
    with demo_store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM stock_movements WHERE id = 'm-raw'")
    journal, kept = _sums(demo_store)
    assert kept == journal
    with demo_store.read() as s:
        assert stock.stock_level(s, sku) == before + 7
        assert stock.stock_levels(s)[sku] == before + 7
        assert {v.sku: v.stock for v in gift_views(s, None)}[sku] == before + 7


def test_a_rolled_back_movement_leaves_the_level(demo_store: Store) -> None:
    with demo_store.read() as s:
        sku = s.scalars(select(StockMovement.sku)).first()
        before = stock.stock_level(s, sku)
    try:
        with demo_store.begin() as s:
            stock.restock(s, "S02", sku, 9)
            raise RuntimeError("power cut")
    except RuntimeError:
        pass
    with demo_store.read() as s:
        assert stock.stock_level(s, sku) == before


def test_upgrading_an_old_store_fills_the_levels_from_its_journal(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade(engine, "0003")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO gifts (sku, name, name_en, category, points, per_volunteer_limit,"
            " low_stock_at, active, image_path, sort) VALUES ('G1', 'g', '', '', 5, 0, 5, 1,"
            " '', 0)"
        )
        for i, delta in enumerate((10, -3, 4)):
            conn.exec_driver_sql(
                "INSERT INTO stock_movements (id, sku, delta, kind, reason, at)"
                f" VALUES ('m{i}', 'G1', {delta}, 'restock', '', '2025-01-01 00:00:00.000000')"
            )
    engine.dispose()
    store = open_store(path)
    try:
        with store.read() as s:
            assert stock.stock_level(s, "G1") == 11
        with store.begin() as s:
            stock.record_movement(s, "G1", -1, "correction", reason="broken")
        with store.read() as s:
            assert stock.stock_level(s, "G1") == 10
    finally:
        store.close()


def test_the_shelf_and_the_cart_check_never_read_the_journal(demo_store: Store) -> None:
    """What the shelf and a redemption's stock check run never touches stock_movements:
    their cost cannot grow with the station's history."""
    statements: list[str] = []
    with demo_store.read() as s:
        raw = s.connection().connection.driver_connection
        raw.set_trace_callback(statements.append)
        try:
            views = gift_views(s, None)
            stock.stock_levels_of(s, [v.sku for v in views[:3]])
            stock.stock_levels(s)
        finally:
            raw.set_trace_callback(None)
    assert views and statements
    assert not [q for q in statements if "stock_movements" in q], statements


def test_upkeep_makes_planner_statistics_once_a_day(demo_store: Store) -> None:
    took = optimize(demo_store)
    assert took >= 0
    with demo_store.read() as s:
        tables = {r[0] for r in s.connection().exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
    assert {"stock_movements", "gifts", "volunteers"} <= tables
    chore = daily_optimize(demo_store, every_s=3600)
    assert chore() is not None  # at start
    assert chore() is None  # not again within the day
