"""The shelf a volunteer sees: order, stock, what the cart already takes, and a fixed number
of queries however many gifts a station lists."""

from __future__ import annotations

from sqlalchemy import event

from kiosk.gifts import gift_views
from kiosk.store.models import Gift, StockMovement, Volunteer


def _add_gifts(store, n: int, points: int = 5, stock: int = 10) -> list[str]:  # type: ignore[no-untyped-def]
    skus = [f"G-X{i:04d}" for i in range(n)]
    with store.begin() as s:
        for i, sku in enumerate(skus):
            s.add(Gift(sku=sku, name=f"礼品{i}", category="daily", points=points, sort=-1))
        s.flush()
        s.add_all(StockMovement(sku=sku, delta=stock, kind="restock") for sku in skus)
    return skus


def _statements(store, volunteer_id: str) -> int:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def count(*_args: object) -> None:
        seen.append("x")

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.begin() as s:
            gift_views(s, volunteer_id, {})
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_number_of_queries_does_not_grow_with_the_catalogue(demo_store) -> None:  # type: ignore[no-untyped-def]
    few = _statements(demo_store, "V0001")
    _add_gifts(demo_store, 200)
    assert _statements(demo_store, "V0001") == few


def test_shelf_order_stock_and_what_the_cart_already_takes(demo_store) -> None:  # type: ignore[no-untyped-def]
    skus = _add_gifts(demo_store, 3, points=100, stock=2)
    with demo_store.begin() as s:
        s.get(Volunteer, "V0001").central_balance = 250
        s.get(Gift, skus[1]).active = False
        views = gift_views(s, "V0001", {skus[0]: 2, skus[2]: 1})
    by_sku = {v.sku: v for v in views}
    # sort first (these have -1), then sku; inactive gifts are not on the shelf
    assert [v.sku for v in views[:2]] == [skus[0], skus[2]] and skus[1] not in by_sku
    first, third = by_sku[skus[0]], by_sku[skus[2]]
    assert (first.stock, first.in_cart, first.reason_key) == (2, 2, "gift.out_of_stock")
    # 300 points in the cart already, 250 to spend: one more is unaffordable
    assert (third.in_cart, third.available, third.reason_key) == (1, False, "gift.unaffordable")
    with demo_store.begin() as s:
        assert gift_views(s, "V0001", {})[1].available  # without the cart it could be taken


def test_todays_takings_are_the_local_days_done_redemptions(demo_store) -> None:  # type: ignore[no-untyped-def]
    """Per-day limits count what this volunteer took since local midnight: not a voided
    redemption, not the evening before, not another volunteer's; 00:30 in Shanghai is
    still the previous day in UTC and counts."""
    from datetime import datetime

    from kiosk.gifts import taken_today
    from kiosk.store.models import Redemption, RedemptionLine

    a, b = _add_gifts(demo_store, 2)
    now = datetime(2026, 3, 10, 4, 0)  # 12:00 in Shanghai (naive UTC, as stored)
    made = [
        ("V0001", "done", datetime(2026, 3, 9, 16, 30), a, 2),  # 00:30 local today
        ("V0001", "done", datetime(2026, 3, 10, 3, 0), b, 1),
        ("V0001", "done", datetime(2026, 3, 10, 3, 30), a, 1),
        ("V0001", "voided", datetime(2026, 3, 10, 3, 0), a, 5),
        ("V0001", "done", datetime(2026, 3, 9, 15, 30), a, 7),  # 23:30 local yesterday
        ("V0002", "done", datetime(2026, 3, 10, 3, 0), a, 3),
    ]
    with demo_store.begin() as s:
        for i, (who, status, at, sku, qty) in enumerate(made):
            r = Redemption(
                volunteer_id=who,
                pickup_code=f"T{i:05d}",
                total_points=5 * qty,
                balance_after=0,
                status=status,
                created_at=at,
            )
            r.lines.append(RedemptionLine(sku=sku, name=sku, qty=qty, points_each=5))
            s.add(r)
    with demo_store.read() as s:
        assert taken_today(s, "V0001", "Asia/Shanghai", now) == {a: 3, b: 1}
        assert taken_today(s, "V0002", "Asia/Shanghai", now) == {a: 3}
