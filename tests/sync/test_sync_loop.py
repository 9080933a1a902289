"""The whole loop against the real central: order → dispatch → status → rating; restock;
the same batch twice; a local event goes out at once from the running engine."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import select

from central.models import Order
from central.models import StockMovement as CentralMovement
from kiosk.orders import OrderDraft, place_order, rate_order
from kiosk.outbox import emit
from kiosk.staff import add_staff
from kiosk.stock import restock
from kiosk.store.models import Gift, OutboxEvent, ServiceOrder, Volunteer
from sync.push import next_batch
from sync.status import SyncStatus
from tests.sync import centralkit
from tests.sync.centralkit import Central, Kiosk, count


def _place(kiosk: Kiosk, phone: str = "13812345678") -> str:
    with kiosk.store.begin() as s:
        draft = OrderDraft("haircut", "王阿姨", phone, "tomorrow_am")
        return place_order(s, draft, kiosk.config).id


def test_order_rating_loop(kiosks: Callable[..., Kiosk], central: Central) -> None:
    kiosk = kiosks("k1")
    assert kiosk.sync().last_error is None  # first pull brings the catalogue
    with kiosk.store.session() as s:
        assert s.get(Gift, "egg").name == "鸡蛋"
        assert s.get(Volunteer, "V001").central_balance == 100
    order_id = _place(kiosk)

    status = kiosk.sync()
    assert (status.pending, status.last_error, status.online) == (0, None, True)
    assert count(central.db, Order, Order.id == order_id) == 1

    centralkit.dispatch(central.db, order_id, "assigned", team="红马甲", volunteer="李*")
    centralkit.dispatch(central.db, order_id, "completed", team="红马甲", volunteer="李*")
    assert kiosk.sync().last_error is None
    with kiosk.store.session() as s:
        order = s.get(ServiceOrder, order_id)
        assert (order.status, order.volunteer_name) == ("completed", "李*")
        assert [h.status for h in order.history] == ["submitted", "assigned", "completed"]

    with kiosk.store.begin() as s:
        rate_order(s, order_id, 5, [])
    assert kiosk.sync().pending == 0
    with central.db.begin() as s:
        assert s.get(Order, order_id).rating == 5


def test_restock_reaches_central(kiosks: Callable[..., Kiosk], central: Central) -> None:
    kiosk = kiosks("k1")
    kiosk.sync()
    with kiosk.store.begin() as s:
        add_staff(s, "S01", "管理员", "staff", "1234")
    with kiosk.store.begin() as s:
        restock(s, "S01", "egg", 24, "月初补货")
        restock(s, "S01", "soap", 6)
    assert kiosk.sync().pending == 0
    with central.db.begin() as s:
        rows = s.scalars(select(CentralMovement).order_by(CentralMovement.sku)).all()
        assert [(m.sku, m.delta, m.kind) for m in rows] == [
            ("egg", 24, "restock"),
            ("soap", 6, "restock"),
        ]


def test_same_batch_twice_changes_nothing(kiosks: Callable[..., Kiosk], central: Central) -> None:
    kiosk = kiosks("k1")
    kiosk.sync()
    ids = [_place(kiosk, f"1381234567{i}") for i in range(3)]
    batch = next_batch(kiosk.store, 500)
    first = kiosk.client.push_events(batch)
    second = kiosk.client.push_events(batch)
    assert [r["status"] for r in first] == ["accepted"] * 3
    assert [r["status"] for r in second] == ["duplicate"] * 3
    assert count(central.db, Order, Order.id.in_(ids)) == 3
    # The kiosk never saw the first answer: its own push settles them as duplicates.
    assert kiosk.sync().pending == 0
    with kiosk.store.session() as s:
        assert set(s.scalars(select(OutboxEvent.result))) == {"duplicate"}
    assert count(central.db, Order, Order.id.in_(ids)) == 3


def test_running_engine_sends_a_local_event_at_once(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k1")
    clean = threading.Event()

    def watch(status: SyncStatus) -> None:
        if status.last_error is None and status.last_success and status.pending == 0:
            clean.set()

    kiosk.engine.add_listener(watch)
    kiosk.engine.start()  # interval 60 s: only the outbox hook can explain a quick send
    assert clean.wait(20)
    clean.clear()
    order_id = _place(kiosk)  # no kick(): the commit itself wakes the engine
    assert clean.wait(20)
    assert count(central.db, Order, Order.id == order_id) == 1


def test_rejected_events_are_kept_for_staff_not_retried(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k1")
    kiosk.sync()
    with kiosk.store.begin() as s:  # a rating for an order central never heard of
        emit(
            s,
            "order.rated",
            {
                "order_id": "no-such-order",
                "rating": 5,
                "tags": [],
                "rated_at": "2026-11-23T10:00:00.000Z",
            },
        )
    order_id = _place(kiosk)
    status = kiosk.sync()
    assert (status.last_error, status.pending, status.rejected) == (None, 0, 1)
    assert count(central.db, Order, Order.id == order_id) == 1  # the rest went on
    with kiosk.store.session() as s:
        row = s.scalars(select(OutboxEvent).where(OutboxEvent.state == "rejected")).one()
        assert row.result and row.attempts == 1
    assert kiosk.sync().rejected == 1
    with kiosk.store.session() as s:
        assert (
            s.scalars(select(OutboxEvent.attempts).where(OutboxEvent.state == "rejected")).one()
            == 1
        )
