"""What one redemption asks SQLite, and that the rows it writes on the driver connection
read back through the models as the ORM would have written them."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime

import pytest
from sqlalchemy import select

from kiosk import receipts, redemption
from kiosk.config import Config
from kiosk.errors import OutOfStockError
from kiosk.redemption import AuthDecision, AuthRequest
from kiosk.stock import stock_level
from kiosk.store.commit_hooks import WakeOnCommit
from kiosk.store.db import Store
from kiosk.store.models import (
    Gift,
    LedgerEntry,
    OutboxEvent,
    PrintJob,
    Redemption,
    StockMovement,
    Volunteer,
)


def _setup(store: Store, balance: int = 500) -> tuple[str, str, str]:
    with store.begin() as s:
        v = s.get(Volunteer, "V0001")
        assert v is not None
        v.central_balance = balance
        gifts = [g for g in s.scalars(select(Gift).order_by(Gift.points)) if g.active]
        a, b = [g for g in gifts if stock_level(s, g.sku) >= 3][:2]
        a.per_volunteer_limit = 0
        b.per_volunteer_limit = 5  # the per-day limit's look-up runs too
        return v.id, a.sku, b.sku


def test_an_offline_redemption_is_one_transaction_of_indexed_statements(
    demo_store: Store, config: Config, traced: list[str]
) -> None:
    vid, a, b = _setup(demo_store)
    traced.clear()
    result = redemption.redeem(demo_store, vid, {a: 1, b: 2}, None, config)
    assert result.mode == "offline"
    assert traced.count("BEGIN IMMEDIATE") == 1 and traced.count("COMMIT") == 1, traced
    # Statements by their shape (a row of an executemany, or a stock_levels trigger, is
    # traced as its statement again): volunteer with balance and allowance facts; the
    # cart (gifts, stock, carried, today's takings); settings; pickup code; redemption,
    # lines, ledger, movements, events, intent, print job; BEGIN and COMMIT.
    shapes = {re.sub(r"'[^']*'|\b\d+\b", "?", " ".join(q.split())) for q in traced}
    assert len(shapes) <= 13, sorted(shapes)
    # The tables that grow with the station's history (ledger, redemptions and their
    # lines, stock movements) may only be looked up through an index: one volunteer,
    # one day, one redemption, never walked.
    reads = [q for q in traced if q.lstrip().upper().startswith("SELECT")]
    journal = [q for q in traced if "stock_movements" in q and not q.startswith("INSERT")]
    assert not journal, journal  # stock comes from stock_levels
    plans = sqlite3.connect(demo_store.path)
    try:
        for query in reads:
            for row in plans.execute("EXPLAIN QUERY PLAN " + query):
                # Every table is reached through an index (a plan names tables by their
                # alias, so any SCAN fails, not only one of HISTORY's).
                assert not row[3].startswith("SCAN"), (row[3], query)
    finally:
        plans.close()


def test_the_rows_read_back_through_the_models(demo_store: Store, config: Config) -> None:
    vid, a, b = _setup(demo_store)
    now = datetime(2026, 12, 7, 3, 4, 5)  # no microseconds: the stored form still has them
    with demo_store.read() as s:
        stock_before = {sku: stock_level(s, sku) for sku in (a, b)}
    result = redemption.redeem(demo_store, vid, {a: 1, b: 2}, None, config, now=now)
    with demo_store.read() as s:
        red = s.get(Redemption, result.redemption_id)
        assert red is not None
        assert (red.volunteer_id, red.mode, red.status, red.created_at) == (
            vid,
            "offline",
            "done",
            now,
        )
        assert red.volunteer.id == vid
        assert sorted((ln.sku, ln.qty) for ln in red.lines) == sorted([(a, 1), (b, 2)])
        assert red.total_points == sum(ln.qty * ln.points_each for ln in red.lines)
        entry = s.scalars(select(LedgerEntry).where(LedgerEntry.redemption_id == red.id)).one()
        assert (entry.delta, entry.offline, entry.confirmed, entry.created_at) == (
            -red.total_points,
            True,
            False,
            now,
        )
        assert red.balance_after == 500 - red.total_points == result.balance_after
        moves = s.scalars(select(StockMovement).where(StockMovement.redemption_id == red.id))
        assert sorted((m.sku, m.delta, m.kind, m.at) for m in moves) == sorted(
            [(a, -1, "redemption", now), (b, -2, "redemption", now)]
        )
        assert {sku: stock_level(s, sku) for sku in (a, b)} == {
            a: stock_before[a] - 1,
            b: stock_before[b] - 2,
        }
        events = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq.desc()).limit(3)).all()
        made, *moved = events
        assert made.type == "redemption.made" and made.state == "pending"
        assert made.occurred_at == now
        assert made.payload["redemption_id"] == red.id
        assert made.payload["pickup_code"] == red.pickup_code == result.pickup_code
        assert made.payload["lines"] == [
            {"sku": ln.sku, "qty": ln.qty, "points_each": ln.points_each}
            for ln in sorted(red.lines, key=lambda ln: ln.id)
        ]
        assert sorted(e.payload["sku"] for e in moved) == sorted([a, b])
        assert all(e.type == "stock.moved" and e.payload["delta"] < 0 for e in moved)
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == red.id)).one()
        assert job.id == result.print_job_id and job.state == "pending"
        # The receipt made from what was written is the receipt that was queued.
        assert job.document == receipts.redemption_receipt(red, config).to_dict()


class Approves:
    def authorise(self, request: AuthRequest) -> AuthDecision:
        return AuthDecision(True, 1234, datetime(2026, 12, 1, 8, 0))


def test_an_online_redemption_keeps_centrals_balance_and_closes_its_intent(
    demo_store: Store, config: Config
) -> None:
    from kiosk.store.models import RedemptionIntent

    vid, a, _b = _setup(demo_store)
    result = redemption.redeem(demo_store, vid, {a: 1}, Approves(), config)
    with demo_store.read() as s:
        v = s.get(Volunteer, vid)
        assert v is not None
        assert (v.central_balance, v.balance_as_of) == (1234, datetime(2026, 12, 1, 8, 0))
        intent = s.get(RedemptionIntent, result.redemption_id)
        assert intent is not None and (intent.state, intent.outcome) == ("committed", "online")
        entry = s.scalars(
            select(LedgerEntry).where(LedgerEntry.redemption_id == result.redemption_id)
        ).one()
        assert (entry.offline, entry.confirmed) == (False, True)
    assert result.balance_after == 1234


def test_a_redemption_wakes_the_printer_and_sync_only_when_it_commits(
    demo_store: Store, config: Config
) -> None:
    vid, a, _b = _setup(demo_store)
    woken: list[str] = []
    hooks = [
        WakeOnCommit(demo_store, PrintJob, lambda: woken.append("print")),
        WakeOnCommit(demo_store, OutboxEvent, lambda: woken.append("sync")),
    ]
    for hook in hooks:
        hook.install()
    try:
        redemption.redeem(demo_store, vid, {a: 1}, None, config)
        assert sorted(woken) == ["print", "sync"]
        woken.clear()
        with pytest.raises(OutOfStockError):
            redemption.redeem(demo_store, vid, {a: 99}, None, config)
        assert woken == []
    finally:
        for hook in hooks:
            hook.remove()
