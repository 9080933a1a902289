"""积分兑换 as one transaction: balance, stock, limits, ledger, outbox, print job."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from sqlalchemy import func, select

from kiosk import redemption
from kiosk.errors import (
    ConflictError,
    InsufficientPointsError,
    LimitExceededError,
    NotFoundError,
    OutOfStockError,
)
from kiosk.gifts import gift_views
from kiosk.redemption import AuthDecision, AuthRequest, CentralUnreachable
from kiosk.stock import restock, stock_level
from kiosk.store.models import (
    Gift,
    LedgerEntry,
    OutboxEvent,
    PrintJob,
    Redemption,
    StockMovement,
    Volunteer,
)
from kiosk.volunteers import available_balance


class Unreachable:
    calls = 0

    def authorise(self, request: AuthRequest) -> AuthDecision:
        self.calls += 1
        raise CentralUnreachable(detail="test: central down")


class Central:
    """Stands in for central's authorisation only (the real one is tested in tests/sync)."""

    def __init__(self, balance: int) -> None:
        self.balance = balance
        self.requests: list[AuthRequest] = []

    def authorise(self, request: AuthRequest) -> AuthDecision:
        self.requests.append(request)
        if request.total_points > self.balance:
            return AuthDecision(False, self.balance, datetime(2026, 1, 1), "insufficient_points")
        self.balance -= request.total_points
        return AuthDecision(True, self.balance, datetime(2026, 1, 1))


def volunteer_and_gifts(store, *, balance: int = 500):  # type: ignore[no-untyped-def]
    with store.begin() as s:
        v = s.get(Volunteer, "V0001")
        v.central_balance = balance
        gifts = s.scalars(select(Gift).order_by(Gift.points)).all()
        cheap = [g for g in gifts if stock_level(s, g.sku) >= 3][:2]
        for gift in cheap:  # limits have their own test
            gift.per_volunteer_limit = 0
        return v.id, cheap[0].sku, cheap[1].sku, cheap[0].points, cheap[1].points


def counts(store):  # type: ignore[no-untyped-def]
    with store.begin() as s:
        return {
            m.__name__: s.scalar(select(func.count()).select_from(m))
            for m in (Redemption, LedgerEntry, StockMovement, OutboxEvent, PrintJob)
        }


def test_online_redemption_writes_everything_once(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    vid, a, b, pa, pb = volunteer_and_gifts(demo_store)
    central = Central(500)
    before = counts(demo_store)
    result = redemption.redeem(
        demo_store,
        vid,
        {a: 2, b: 1},
        central,
        dataclasses.replace(config, offline_limit_points=200, offline_daily_points=200),
    )
    total = 2 * pa + pb
    assert result.mode == "online" and result.total == total
    assert result.balance_after == 500 - total
    assert len(result.pickup_code) == 6 and result.pickup_code.isdigit()
    after = counts(demo_store)
    assert after["Redemption"] - before["Redemption"] == 1
    assert after["LedgerEntry"] - before["LedgerEntry"] == 1
    assert after["StockMovement"] - before["StockMovement"] == 2
    assert after["OutboxEvent"] - before["OutboxEvent"] == 3  # redemption.made + 2 stock.moved
    assert after["PrintJob"] - before["PrintJob"] == 1
    with demo_store.begin() as s:
        entry = s.scalars(select(LedgerEntry)).one()
        assert entry.confirmed and not entry.offline and entry.delta == -total
        # Central's balance after the debit is the new cache; nothing is counted twice.
        assert available_balance(s, vid) == 500 - total
        made = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "redemption.made")).one()
        assert made.payload["mode"] == "online" and made.payload["total_points"] == total


def test_central_declines_and_nothing_is_written(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    vid, a, _, pa, _ = volunteer_and_gifts(demo_store, balance=10_000)
    before = counts(demo_store)
    with pytest.raises(InsufficientPointsError):
        redemption.redeem(
            demo_store,
            vid,
            {a: 1},
            Central(pa - 1),
            dataclasses.replace(config, offline_limit_points=200, offline_daily_points=200),
        )
    assert counts(demo_store) == before
    with demo_store.begin() as s:  # the kiosk learned the real balance from central's answer
        assert available_balance(s, vid) == pa - 1


def test_offline_redemption_bounded_by_the_offline_limit(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    vid, a, b, pa, _pb = volunteer_and_gifts(demo_store, balance=10_000)
    down = Unreachable()
    result = redemption.redeem(
        demo_store,
        vid,
        {a: 1},
        down,
        dataclasses.replace(config, offline_limit_points=pa, offline_daily_points=pa),
    )
    assert result.mode == "offline" and down.calls == 1
    with demo_store.begin() as s:
        entry = s.scalars(select(LedgerEntry)).one()
        assert entry.offline and not entry.confirmed
        assert available_balance(s, vid) == 10_000 - pa
    with pytest.raises(ConflictError) as err:
        redemption.redeem(
            demo_store,
            vid,
            {b: 1},
            down,
            dataclasses.replace(config, offline_limit_points=pa, offline_daily_points=pa),
        )
    assert err.value.key == "redeem.offline_limit"


def test_offline_cannot_spend_more_than_the_cached_balance(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    vid, a, _, pa, _ = volunteer_and_gifts(demo_store, balance=0)
    with pytest.raises(InsufficientPointsError) as err:
        redemption.redeem(
            demo_store,
            vid,
            {a: 1},
            Unreachable(),
            dataclasses.replace(config, offline_limit_points=10_000, offline_daily_points=10_000),
        )
    assert err.value.params == {"need": pa, "have": 0}


def test_stock_and_limits_are_checked(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    vid, a, _, _, _ = volunteer_and_gifts(demo_store, balance=100_000)
    with demo_store.begin() as s:
        left = stock_level(s, a)
        limited = s.scalars(select(Gift).where(Gift.per_volunteer_limit > 0, Gift.sku != a)).first()
        limited_sku, limit = limited.sku, limited.per_volunteer_limit
        restock(s, "S01", limited_sku, 50)
    with pytest.raises(OutOfStockError) as err:
        redemption.redeem(
            demo_store,
            vid,
            {a: left + 1},
            None,
            dataclasses.replace(config, offline_limit_points=100_000, offline_daily_points=100_000),
        )
    assert err.value.params["left"] == left
    with pytest.raises(LimitExceededError):
        redemption.redeem(
            demo_store,
            vid,
            {limited_sku: limit + 1},
            None,
            dataclasses.replace(config, offline_limit_points=100_000, offline_daily_points=100_000),
        )
    redemption.redeem(
        demo_store,
        vid,
        {limited_sku: limit},
        None,
        dataclasses.replace(config, offline_limit_points=100_000, offline_daily_points=100_000),
    )
    with pytest.raises(LimitExceededError):  # the limit is per day, not per visit
        redemption.redeem(
            demo_store,
            vid,
            {limited_sku: 1},
            None,
            dataclasses.replace(config, offline_limit_points=100_000, offline_daily_points=100_000),
        )
    with demo_store.begin() as s:
        view = {g.sku: g for g in gift_views(s, vid)}[limited_sku]
        assert not view.available and view.reason_key == "gift.limit_reached"


def test_gift_views_grey_out_with_a_reason(demo_store) -> None:  # type: ignore[no-untyped-def]
    with demo_store.begin() as s:
        s.get(Volunteer, "V0001").central_balance = 35
        views = gift_views(s, "V0001")
    reasons = {v.reason_key for v in views}
    assert "gift.out_of_stock" in reasons  # the demo has one gift with no stock
    assert "gift.unaffordable" in reasons
    assert all(v.available == (v.reason_key is None) for v in views)


def test_quote_reports_every_problem(demo_store) -> None:  # type: ignore[no-untyped-def]
    vid, a, b, pa, pb = volunteer_and_gifts(demo_store, balance=0)
    with demo_store.begin() as s:
        q = redemption.quote(s, vid, {a: 1, b: 2})
    assert q.total == pa + 2 * pb and q.balance_after == -(pa + 2 * pb)
    assert "redeem.insufficient_points" in q.problem_keys


def test_failure_after_central_approved_voids_it(demo_store, config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    vid, a, _, _, _ = volunteer_and_gifts(demo_store)
    before = counts(demo_store)

    def broken_printer(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(redemption, "_enqueue_receipt", broken_printer)
    with pytest.raises(OSError):
        redemption.redeem(
            demo_store,
            vid,
            {a: 1},
            Central(500),
            dataclasses.replace(config, offline_limit_points=200, offline_daily_points=200),
        )
    after = counts(demo_store)
    assert after["Redemption"] == before["Redemption"]
    assert after["OutboxEvent"] == before["OutboxEvent"] + 1
    with demo_store.begin() as s:
        void = s.scalars(select(OutboxEvent)).one()
        assert void.type == "redemption.voided"


def test_without_central_each_receipt_shows_the_balance_left(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    """A station with no central (no authoriser) redeems offline straight away; the second
    redemption's balance counts the first, unconfirmed one, as the receipt must."""
    vid, a, b, pa, pb = volunteer_and_gifts(demo_store, balance=1_000)
    first = redemption.redeem(
        demo_store,
        vid,
        {a: 1},
        None,
        dataclasses.replace(config, offline_limit_points=10_000, offline_daily_points=10_000),
    )
    second = redemption.redeem(
        demo_store,
        vid,
        {b: 2},
        None,
        dataclasses.replace(config, offline_limit_points=10_000, offline_daily_points=10_000),
    )
    assert (first.mode, second.mode) == ("offline", "offline")
    assert first.balance_after == 1_000 - pa
    assert second.balance_after == 1_000 - pa - 2 * pb
    with demo_store.begin() as s:
        assert available_balance(s, vid) == second.balance_after
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == second.redemption_id)).one()
        rows = {b["label"]: b["value"] for b in job.document["blocks"] if b["kind"] == "row"}
    assert rows["剩余积分"] == f"{second.balance_after} 分"


def test_an_unknown_volunteer_is_named_as_such_offline_too(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    _vid, a, _b, _pa, _pb = volunteer_and_gifts(demo_store)
    with pytest.raises(NotFoundError) as err:
        redemption.redeem(
            demo_store,
            "V-NOBODY",
            {a: 1},
            None,
            dataclasses.replace(config, offline_limit_points=10_000, offline_daily_points=10_000),
        )
    assert err.value.key == "volunteer.unknown"


def test_a_balance_reads_only_that_volunteers_unconfirmed_entries(demo_store) -> None:  # type: ignore[no-untyped-def]
    """Not every unconfirmed entry of the station (an offline week can hold thousands)."""
    with demo_store.begin() as s:
        plan = s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT sum(delta) FROM ledger_entries "
            "WHERE volunteer_id = 'V0001' AND confirmed IS 0"
        )
        detail = " ".join(str(row[-1]) for row in plan)
    assert "ix_ledger_volunteer_unconfirmed" in detail, detail
