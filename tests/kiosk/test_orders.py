"""Placing, finding and rating residents' orders."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from kiosk import orders
from kiosk.errors import ConflictError, NotFoundError, ValidationError
from kiosk.store.models import OrderStatusChange, OutboxEvent, PrintJob, ServiceOrder

HOME_VISIT = "repair-tv"


def draft(**kw):  # type: ignore[no-untyped-def]
    base = dict(
        service_code=HOME_VISIT,
        address="",
        honorific="王阿姨",
        phone="13812341234",
        time_slot="asap",
    )
    base.update(kw)
    return orders.OrderDraft(**base)


def first_at_station(demo_store) -> str:  # type: ignore[no-untyped-def]
    from kiosk.store.models import Service

    with demo_store.begin() as s:
        return s.scalars(select(Service.code).where(Service.home_visit.is_(False))).first()


@pytest.mark.parametrize("phone", ["13812341234", "19900000000", "138 1234 1234", "138-1234-1234"])
def test_valid_mobile_numbers(phone: str) -> None:
    assert orders.validate_phone(phone) == phone.replace(" ", "").replace("-", "")


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "12812341234",
        "1381234123",
        "138123412345",
        "23812341234",
        "1381234123a",
        "０１３８１２３４１２３４",
        "+8613812341234",
    ],
)
def test_invalid_mobile_numbers(phone: str) -> None:
    with pytest.raises(ValidationError) as err:
        orders.validate_phone(phone)
    assert err.value.key == "order.phone_invalid"


def test_phone_validated_as_typed() -> None:
    assert orders.phone_prefix_ok("")
    assert orders.phone_prefix_ok("1")
    assert orders.phone_prefix_ok("138")
    assert not orders.phone_prefix_ok("2")
    assert not orders.phone_prefix_ok("12")
    assert not orders.phone_prefix_ok("138123412345")


def test_place_order_writes_order_history_outbox_and_print_job(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    code = first_at_station(demo_store)
    with demo_store.begin() as s:
        order = orders.place_order(s, draft(service_code=code, note_tags=("行动不便",)), config)
        order_id, ticket = order.id, order.ticket_no
    with demo_store.begin() as s:
        order = s.get(ServiceOrder, order_id)
        assert order.status == "submitted"
        assert [h.status for h in order.history] == ["submitted"]
        event = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "order.placed")).one()
        assert event.payload["order_id"] == order_id
        assert event.payload["ticket_no"] == ticket
        assert event.payload["note_tags"] == ["行动不便"]
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == order_id)).one()
        assert job.kind == "order_ticket" and job.state == "pending"


def test_home_visit_needs_an_address(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    with demo_store.begin() as s, pytest.raises(ValidationError) as err:
        orders.place_order(s, draft(service_code=HOME_VISIT), config)
    assert err.value.key == "order.address_required"
    with demo_store.begin() as s:
        order = orders.place_order(
            s, draft(service_code=HOME_VISIT, address="梅园小区 3号楼 2单元 401"), config
        )
        assert order.address.startswith("梅园小区")


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("service_code", "no-such-service", "order.service_unknown"),
        ("honorific", "  ", "order.honorific_required"),
        ("time_slot", "midnight", "order.slot_invalid"),
        ("phone", "110", "order.phone_invalid"),
        ("note_tags", ("<script>",), "order.note_invalid"),
    ],
)
def test_each_bad_field_has_its_own_message(demo_store, config, field, value, key) -> None:  # type: ignore[no-untyped-def]
    code = first_at_station(demo_store)
    fields = {"service_code": code, field: value}
    with demo_store.begin() as s, pytest.raises(ValidationError) as err:
        orders.place_order(s, draft(**fields), config)
    assert err.value.key == key
    with demo_store.begin() as s:
        assert s.scalars(select(ServiceOrder)).first() is None
        assert s.scalars(select(OutboxEvent)).first() is None


def test_ticket_numbers_follow_the_station_day(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    code = first_at_station(demo_store)
    # 2026-11-23 15:59 UTC is 23:59 in Shanghai; 16:01 UTC is the next local day.
    times = [
        datetime(2026, 11, 23, 15, 58),
        datetime(2026, 11, 23, 15, 59),
        datetime(2026, 11, 23, 16, 1),
    ]
    tickets = []
    for at in times:
        with demo_store.begin() as s:
            tickets.append(
                orders.place_order(s, draft(service_code=code), config, now=at).ticket_no
            )
    assert tickets == ["A1123-001", "A1123-002", "A1124-001"]


def test_find_and_rate_a_completed_order_once(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    code = first_at_station(demo_store)
    with demo_store.begin() as s:
        order = orders.place_order(s, draft(service_code=code), config)
        order_id, ticket = order.id, order.ticket_no
    with demo_store.begin() as s:
        assert orders.find_order(s, ticket.lower().replace("-", ""), "1234").id == order_id
        assert orders.find_order_by_qr(s, f"KIOSK-ORDER:{ticket}:{order_id}").id == order_id
        with pytest.raises(NotFoundError):
            orders.find_order(s, ticket, "9999")
        with pytest.raises(ValidationError):
            orders.find_order(s, "??", "12")
        with pytest.raises(ValidationError):
            orders.find_order_by_qr(s, "VK1.garbage")
        with pytest.raises(ConflictError) as err:
            orders.rate_order(s, order_id, 5, ["准时"])
        assert err.value.key == "order.not_completed"
    with demo_store.begin() as s:
        order = s.get(ServiceOrder, order_id)
        order.status = "completed"
        s.add(OrderStatusChange(order_id=order_id, status="completed"))
    with demo_store.begin() as s:
        with pytest.raises(ValidationError):
            orders.rate_order(s, order_id, 6, [])
        orders.rate_order(s, order_id, 5, ["准时", "耐心", "准时", "不存在的标签"])
    with demo_store.begin() as s:
        order = s.get(ServiceOrder, order_id)
        assert (order.rating, order.rating_tags) == (5, ["准时", "耐心"])
        rated = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "order.rated")).one()
        assert rated.payload["rating"] == 5
    with demo_store.begin() as s, pytest.raises(ConflictError) as err:
        orders.rate_order(s, order_id, 4, [])
    assert err.value.key == "order.already_rated"
