"""A resident finds an order (typed or scanned), sees its progress and rates it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kiosk import orders
from kiosk.clock import utcnow
from kiosk.store.models import OrderStatusChange, OutboxEvent, ServiceOrder
from tests.ui.flow_helpers import banner_text, click, keys, text_of, wait_route

PHONE = "13912345678"


def _completed_order(store, config) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """An order placed two hours ago and completed since (as a pull from central would)."""
    draft = orders.OrderDraft("repair-tv", "王奶奶", PHONE, "asap", "梅园小区1号楼1单元101室")
    start = utcnow() - timedelta(hours=2)
    with store.begin() as s:
        order = orders.place_order(s, draft, config, now=start)
        for i, status in enumerate(("assigned", "accepted", "in_service", "completed"), 1):
            order.history.append(
                OrderStatusChange(
                    status=status,
                    at=start + timedelta(minutes=20 * i),
                    team="梅园社区党员志愿服务队",
                    volunteer_name="张*明",
                )
            )
        order.status, order.team = "completed", "梅园社区党员志愿服务队"
        order.volunteer_name = "张*明"
        return order.ticket_no, orders.order_qr_payload(order)


def test_resident_tracks_by_ticket_and_rates(qtbot, kiosk, config) -> None:  # type: ignore[no-untyped-def]
    ticket, _qr = _completed_order(kiosk.store, config)
    click(qtbot, kiosk, "tileTrack")
    wait_route(qtbot, kiosk, "track.lookup")
    keys(qtbot, kiosk, ticket[1:].replace("-", ""))  # the prefix letter is shown already
    keys(qtbot, kiosk, "0000")
    click(qtbot, kiosk, "findButton")
    qtbot.waitUntil(lambda: banner_text(kiosk) != "")  # wrong last four: a clear message
    assert kiosk.nav.route == "track.lookup"
    click(qtbot, kiosk, "key_clear")
    keys(qtbot, kiosk, PHONE[-4:])
    click(qtbot, kiosk, "findButton")
    wait_route(qtbot, kiosk, "track.status")
    assert ticket in text_of(kiosk, "orderSummary")
    assert text_of(kiosk, "status_completed")
    click(qtbot, kiosk, "rateButton")
    wait_route(qtbot, kiosk, "track.rate")
    click(qtbot, kiosk, "star_4")
    click(qtbot, kiosk, "chip_准时")
    click(qtbot, kiosk, "chip_耐心")
    click(qtbot, kiosk, "sendRating")
    wait_route(qtbot, kiosk, "track.thanks")
    with kiosk.store.begin() as s:
        order = s.scalars(select(ServiceOrder)).one()
        assert (order.rating, order.rating_tags) == (4, ["准时", "耐心"])
        assert "order.rated" in s.scalars(select(OutboxEvent.type)).all()
    click(qtbot, kiosk, "doneButton")
    wait_route(qtbot, kiosk, "home")


def test_receipt_qr_scan_finds_the_order(qtbot, kiosk, config, scan) -> None:  # type: ignore[no-untyped-def]
    ticket, qr = _completed_order(kiosk.store, config)
    click(qtbot, kiosk, "tileTrack")
    wait_route(qtbot, kiosk, "track.lookup")
    scan("KIOSK-ORDER:garbled")
    qtbot.waitUntil(lambda: banner_text(kiosk) != "")
    assert kiosk.nav.route == "track.lookup"
    scan(qr)
    wait_route(qtbot, kiosk, "track.status")
    assert ticket in text_of(kiosk, "orderSummary")


def test_rating_needs_a_star(qtbot, kiosk, config) -> None:  # type: ignore[no-untyped-def]
    _ticket, qr = _completed_order(kiosk.store, config)
    kiosk.nav.go("track.lookup")
    kiosk.nav.current.on_scan(qr)
    wait_route(qtbot, kiosk, "track.status")
    click(qtbot, kiosk, "rateButton")
    wait_route(qtbot, kiosk, "track.rate")
    rate = kiosk.nav.current
    assert not rate.send.isEnabled()
    rate.submit()
    assert banner_text(kiosk)
    with kiosk.store.begin() as s:
        assert s.scalars(select(ServiceOrder.rating)).one() is None


def test_rated_and_cancelled_orders(qtbot, kiosk, config) -> None:  # type: ignore[no-untyped-def]
    _ticket, qr = _completed_order(kiosk.store, config)
    with kiosk.store.begin() as s:
        orders.rate_order(s, s.scalars(select(ServiceOrder.id)).one(), 5, ["准时"])
        cancelled = orders.place_order(
            s, orders.OrderDraft("repair-small", "李先生", "13700001111", "asap"), config
        )
        cancelled.history.append(OrderStatusChange(status="cancelled", at=utcnow()))
        cancelled.status = "cancelled"
        s.flush()
        cancelled_qr = orders.order_qr_payload(cancelled)
    kiosk.nav.go("track.lookup")
    kiosk.nav.current.on_scan(qr)
    wait_route(qtbot, kiosk, "track.status")
    status = kiosk.nav.current
    assert not status.rate.isVisible() and status.rated.isVisible()
    kiosk.nav.go("track.lookup")
    kiosk.nav.current.on_scan(cancelled_qr)
    qtbot.waitUntil(lambda: kiosk.nav.route == "track.status" and status.view.status == "cancelled")
    assert text_of(kiosk, "status_cancelled")
    assert not status.rate.isVisible()


def test_lookup_messages(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, kiosk, "tileTrack")
    wait_route(qtbot, kiosk, "track.lookup")
    keys(qtbot, kiosk, "11")
    click(qtbot, kiosk, "findButton")
    assert banner_text(kiosk) == kiosk.msg("order.lookup_invalid")
    kiosk.nav.current.on_scan("KIOSK-ORDER:A1123-001:00000000-0000-0000-0000-000000000000")
    qtbot.waitUntil(lambda: banner_text(kiosk) == kiosk.msg("order.not_found"))
    kiosk.nav.current.on_scan("hello world")
    qtbot.waitUntil(lambda: banner_text(kiosk) == kiosk.msg("order.qr_invalid"))
