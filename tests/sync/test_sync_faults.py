"""Faults during push and pull, through the fault proxy in front of the real central:
whatever happens, nothing is lost and nothing is applied twice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from central.models import Order
from central.models import StockMovement as CentralMovement
from kiosk.orders import OrderDraft, place_order
from kiosk.staff import add_staff
from kiosk.stock import restock
from kiosk.store.models import OrderStatusChange, OutboxEvent, ServiceOrder, SyncCursor
from sync.status import SyncStatus
from tests.sync import centralkit
from tests.sync.centralkit import TEST_TIMEOUT, Central, Kiosk, count

# mode → the keys a failed cycle may report. "reset" may hit before or after the headers.
FAULTS = {
    "down": {"sync.server_down"},
    "http500": {"sync.server_error"},
    "http503": {"sync.server_error"},
    "stall": {"sync.timeout"},
    "stall_after": {"sync.timeout"},
    "reset": {"sync.server_down", "sync.bad_response"},
    "truncate": {"sync.bad_response"},
    "chop": {"sync.bad_response"},
}
# Modes in which central did the work before the answer was lost.
CENTRAL_SAW_IT = {"stall_after", "reset", "truncate", "chop"}


def _local_events(kiosk: Kiosk) -> list[str]:
    with kiosk.store.begin() as s:
        add_staff(s, "S01", "管理员", "staff", "1234")
    ids = []
    for i in range(2):
        with kiosk.store.begin() as s:
            draft = OrderDraft("haircut", "王阿姨", f"1391234567{i}", "tomorrow_pm")
            ids.append(place_order(s, draft, kiosk.config).id)
    with kiosk.store.begin() as s:
        restock(s, "S01", "egg", 12, "补货")
    return ids


def _faulty_sync(kiosk: Kiosk) -> SyncStatus:
    # A stalled answer costs the read timeout: keep it short for the faulty cycle only.
    kiosk.client.timeout = (TEST_TIMEOUT[0], 1.0)
    try:
        return kiosk.sync()
    finally:
        kiosk.client.timeout = TEST_TIMEOUT


def _heal(kiosk: Kiosk) -> None:
    assert kiosk.proxy is not None
    kiosk.proxy.set("pass")
    kiosk.proxy.release()


@pytest.mark.parametrize("mode", list(FAULTS))
def test_push_fault_loses_and_duplicates_nothing(
    mode: str, kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k1")
    assert kiosk.sync().last_error is None
    order_ids = _local_events(kiosk)
    assert kiosk.proxy is not None
    kiosk.proxy.set(mode, path="/api/v1/events")

    status = _faulty_sync(kiosk)
    assert status.last_error in FAULTS[mode]
    assert (status.online, status.pending) == (False, 3)  # nothing marked sent on a failure
    expected = 2 if mode in CENTRAL_SAW_IT else 0
    assert count(central.db, Order, Order.id.in_(order_ids)) == expected

    _heal(kiosk)
    status = kiosk.sync()
    assert (status.last_error, status.pending, status.rejected) == (None, 0, 0)
    assert count(central.db, Order, Order.id.in_(order_ids)) == 2
    assert count(central.db, CentralMovement) == 1
    with kiosk.store.session() as s:
        results = s.scalars(select(OutboxEvent.result)).all()
    assert set(results) == ({"duplicate"} if mode in CENTRAL_SAW_IT else {"accepted"})


@pytest.mark.parametrize("mode", list(FAULTS))
def test_pull_fault_loses_and_duplicates_nothing(
    mode: str, kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k1")
    kiosk.sync()
    with kiosk.store.begin() as s:
        draft = OrderDraft("haircut", "赵大爷", "13912345678", "asap")
        order_id = place_order(s, draft, kiosk.config).id
    assert kiosk.sync().pending == 0
    with kiosk.store.session() as s:
        cursor_before = s.get(SyncCursor, "changes").cursor
    centralkit.dispatch(central.db, order_id, "assigned", team="红马甲", volunteer="李*")
    assert kiosk.proxy is not None
    kiosk.proxy.set(mode, path="/api/v1/changes")

    status = _faulty_sync(kiosk)
    assert status.last_error in FAULTS[mode]
    with kiosk.store.session() as s:
        assert s.get(SyncCursor, "changes").cursor == cursor_before
        assert s.get(ServiceOrder, order_id).status == "submitted"

    _heal(kiosk)
    assert kiosk.sync().last_error is None
    assert kiosk.sync().last_error is None  # and a second pull is a no-op
    with kiosk.store.session() as s:
        assert s.get(ServiceOrder, order_id).status == "assigned"
        n = s.scalar(
            select(func.count())
            .select_from(OrderStatusChange)
            .where(OrderStatusChange.order_id == order_id)
        )
        assert n == 2  # submitted, assigned: once each
