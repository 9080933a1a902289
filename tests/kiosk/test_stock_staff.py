"""Restock, corrections with a reason, PIN lockout, and the audit log of staff actions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from kiosk import staff, stock
from kiosk.errors import AuthError, NotFoundError, ValidationError
from kiosk.store.models import AuditEntry, OutboxEvent, Staff, StockMovement


def sku_of(store) -> str:  # type: ignore[no-untyped-def]
    with store.begin() as s:
        return s.scalars(select(StockMovement.sku)).first()


def test_restock_is_a_movement_with_outbox_and_audit(demo_store) -> None:  # type: ignore[no-untyped-def]
    sku = sku_of(demo_store)
    with demo_store.begin() as s:
        before = stock.stock_level(s, sku)
        movement = stock.restock(s, "S02", sku, 12, "街道配送")
        mid = movement.id
    with demo_store.begin() as s:
        assert stock.stock_level(s, sku) == before + 12
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "stock.moved")).one()
        assert event.payload == {
            **event.payload,
            "movement_id": mid,
            "sku": sku,
            "delta": 12,
            "kind": "restock",
            "staff_id": "S02",
        }
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "stock.restock")).one()
        assert entry.staff_id == "S02" and entry.detail["qty"] == 12


@pytest.mark.parametrize("qty", [0, -3, 1_000_001, True, 2.5])
def test_restock_rejects_bad_quantities(demo_store, qty) -> None:  # type: ignore[no-untyped-def]
    sku = sku_of(demo_store)
    with demo_store.begin() as s, pytest.raises(ValidationError) as err:
        stock.restock(s, "S02", sku, qty)
    assert err.value.key == "stock.qty_invalid"


def test_correction_needs_a_reason_and_cannot_go_negative(demo_store) -> None:  # type: ignore[no-untyped-def]
    sku = sku_of(demo_store)
    with demo_store.begin() as s:
        level = stock.stock_level(s, sku)
        with pytest.raises(ValidationError) as err:
            stock.correct_stock(s, "S02", sku, -1, "  ")
        assert err.value.key == "stock.reason_required"
        with pytest.raises(ValidationError) as err:
            stock.correct_stock(s, "S02", sku, -(level + 1), "盘点")
        assert err.value.key == "stock.would_go_negative"
        stock.correct_stock(s, "S02", sku, -1, "破损")
    with demo_store.begin() as s:
        assert stock.stock_level(s, sku) == level - 1
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "stock.correction")).one()


def test_barcode_lookup(demo_store) -> None:  # type: ignore[no-untyped-def]
    with demo_store.begin() as s:
        gift = stock.find_gift_by_barcode(s, "6901234501018\r\n")
        assert gift.sku == "G-EGG-10"
        with pytest.raises(NotFoundError) as err:
            stock.find_gift_by_barcode(s, "0000")
        assert err.value.key == "stock.barcode_unknown"


def test_low_stock_lists_what_runs_out(demo_store) -> None:  # type: ignore[no-untyped-def]
    with demo_store.begin() as s:
        low = stock.low_stock(s)
    assert low and all(level <= gift.low_stock_at for gift, level in low)


def try_pin(store, pin: str, now: datetime) -> str:  # type: ignore[no-untyped-def]
    try:
        with store.begin() as s:
            staff.verify_pin(s, "S02", pin, now=now)
    except AuthError as exc:
        return f"{exc.key}:{exc.params}"
    return "ok"


def test_five_wrong_pins_lock_for_five_minutes(demo_store) -> None:  # type: ignore[no-untyped-def]
    t0 = datetime(2026, 11, 23, 8, 0)
    results = [try_pin(demo_store, "000000", t0) for _ in range(5)]
    assert results[:4] == [f"staff.pin_wrong:{{'remaining': {n}}}" for n in (4, 3, 2, 1)]
    assert results[4] == "staff.locked:{'minutes': 5}"
    # Even the right PIN is refused while locked; the failures survived each rolled-back call.
    assert try_pin(demo_store, "135790", t0 + timedelta(minutes=4)).startswith("staff.locked")
    assert try_pin(demo_store, "135790", t0 + timedelta(minutes=5, seconds=1)) == "ok"
    with demo_store.begin() as s:
        actions = [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert actions.count("staff.pin_failed") == 5 and "staff.locked" in actions
        assert actions[-1] == "staff.login"
        assert s.get(Staff, "S02").failed_attempts == 0


def test_a_right_pin_resets_the_count(demo_store) -> None:  # type: ignore[no-untyped-def]
    t0 = datetime(2026, 11, 23, 8, 0)
    for _ in range(4):
        try_pin(demo_store, "1", t0)
    assert try_pin(demo_store, "135790", t0) == "ok"
    assert try_pin(demo_store, "1", t0) == "staff.pin_wrong:{'remaining': 4}"


def test_add_staff_validates_pin(store) -> None:  # type: ignore[no-untyped-def]
    with store.begin() as s, pytest.raises(ValidationError) as err:
        staff.add_staff(s, "S09", "赵", "staff", "12a4")
    assert err.value.key == "staff.pin_format"
    with store.begin() as s:
        staff.add_staff(s, "S09", "赵", "technician", "4321")
    with store.begin() as s:
        assert staff.verify_pin(s, "S09", "4321").role == "technician"


@pytest.mark.parametrize(
    ("staff_id", "name", "needle"),
    [
        ("", "赵", "staff id must be"),  # field test: `kiosk staff add "" 赵` was taken
        ("S 09", "赵", "staff id must be"),
        ("S09", "", "staff name must be"),
        ("S09", "   ", "staff name must be"),
        ("S09", "赵\n钱", "staff name must be"),
    ],
)
def test_add_staff_refuses_an_empty_or_odd_id_or_name(store, staff_id, name, needle) -> None:  # type: ignore[no-untyped-def]
    with store.begin() as s, pytest.raises(ValidationError) as err:
        staff.add_staff(s, staff_id, name, "staff", "1234")
    assert needle in str(err.value)
    with store.begin() as s:
        assert staff.list_staff(s) == []
