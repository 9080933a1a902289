"""A resident orders a home visit by tapping through the real screens; the store has it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from kiosk.store.models import OutboxEvent, PrintJob, ServiceOrder
from tests.ui.flow_helpers import banner_text, button, click, keys, text_of, wait_route

PHONE = "13812345678"


def _to_phone(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, kiosk, "tileOrder")
    wait_route(qtbot, kiosk, "order.categories")
    click(qtbot, kiosk, "category_repair")
    wait_route(qtbot, kiosk, "order.services")
    click(qtbot, kiosk, "choose_repair-tv")
    wait_route(qtbot, kiosk, "order.phone")


def test_resident_orders_a_home_visit(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    _to_phone(qtbot, kiosk)
    keys(qtbot, kiosk, PHONE)
    assert text_of(kiosk, "phoneDisplay") == "138 1234 5678"
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.name")
    click(qtbot, kiosk, "pick_张")
    click(qtbot, kiosk, "chip_阿姨")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.address")
    click(qtbot, kiosk, "community_0")
    click(qtbot, kiosk, "building_3号楼")
    click(qtbot, kiosk, "unit_2")
    keys(qtbot, kiosk, "502")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.slot")
    click(qtbot, kiosk, "chip_tomorrow_pm")
    click(qtbot, kiosk, "chip_行动不便")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.confirm")
    assert text_of(kiosk, "summary_phone") == "138****5678"
    assert text_of(kiosk, "summary_address") == "梅园小区3号楼2单元502室"
    assert text_of(kiosk, "summary_name") == "张阿姨"
    click(qtbot, kiosk, "submitButton")
    wait_route(qtbot, kiosk, "order.done")
    ticket = text_of(kiosk, "ticketNumber")
    assert ticket.startswith("A") and "-" in ticket

    with kiosk.store.begin() as s:
        order = s.scalars(select(ServiceOrder)).one()
        assert (order.ticket_no, order.phone, order.honorific) == (ticket, PHONE, "张阿姨")
        assert order.address == "梅园小区3号楼2单元502室"
        assert (order.time_slot, order.note_tags) == ("tomorrow_pm", ["行动不便"])
        assert s.scalars(select(OutboxEvent.type)).all() == ["order.placed"]
        assert s.scalars(select(PrintJob.kind)).all() == ["order_ticket"]

    click(qtbot, kiosk, "doneButton")
    wait_route(qtbot, kiosk, "home")


def test_phone_is_checked_as_typed(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    _to_phone(qtbot, kiosk)
    keys(qtbot, kiosk, "2")
    assert banner_text(kiosk)  # "a mobile number starts with 1"
    assert text_of(kiosk, "phoneDisplay") != "2"
    keys(qtbot, kiosk, "12")
    assert banner_text(kiosk)  # the second digit is 3-9
    assert text_of(kiosk, "phoneDisplay") == "1"
    keys(qtbot, kiosk, "3")
    assert banner_text(kiosk) == ""
    assert not button(kiosk, "nextButton").isEnabled()
    keys(qtbot, kiosk, "912345678")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.name")


def test_station_service_skips_the_address(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, kiosk, "tileOrder")
    click(qtbot, kiosk, "category_repair")
    click(qtbot, kiosk, "choose_repair-small")
    keys(qtbot, kiosk, PHONE)
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.name")
    click(qtbot, kiosk, "chip_先生")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.slot")
    click(qtbot, kiosk, "chip_asap")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.confirm")
    click(qtbot, kiosk, "submitButton")
    wait_route(qtbot, kiosk, "order.done")
    with kiosk.store.begin() as s:
        order = s.scalars(select(ServiceOrder)).one()
        assert (order.honorific, order.address, order.time_slot) == ("先生", "", "asap")


def _to_confirm(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, kiosk, "tileOrder")
    click(qtbot, kiosk, "category_repair")
    click(qtbot, kiosk, "choose_repair-small")
    keys(qtbot, kiosk, PHONE)
    click(qtbot, kiosk, "nextButton")
    click(qtbot, kiosk, "chip_女士")
    click(qtbot, kiosk, "nextButton")
    click(qtbot, kiosk, "chip_asap")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.confirm")


def test_a_double_tap_places_one_order(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    _to_confirm(qtbot, kiosk)
    confirm = kiosk.nav.current
    confirm.submit()
    confirm.submit()  # the second tap while the first is on its way
    wait_route(qtbot, kiosk, "order.done")
    kiosk.ops.wait_done()
    with kiosk.store.begin() as s:
        assert len(s.scalars(select(ServiceOrder)).all()) == 1


def test_done_goes_home_by_itself_or_on_a_tap(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    _to_confirm(qtbot, kiosk)
    click(qtbot, kiosk, "submitButton")
    wait_route(qtbot, kiosk, "order.done")
    kiosk.nav.current.left_s = 2  # instead of 30 s
    wait_route(qtbot, kiosk, "home")
    _to_confirm(qtbot, kiosk)
    click(qtbot, kiosk, "submitButton")
    wait_route(qtbot, kiosk, "order.done")
    qtbot.mouseClick(kiosk.nav.current.findChild(QLabel, "ticketNumber"), Qt.MouseButton.LeftButton)
    wait_route(qtbot, kiosk, "home")


def test_language_switch_mid_flow(qtbot, kiosk, window) -> None:  # type: ignore[no-untyped-def]
    _to_confirm(qtbot, kiosk)
    assert text_of(kiosk, "summary_time") == "尽快"
    assert text_of(kiosk, "summary_service") == "小家电维修"
    window.set_language("en")
    assert text_of(kiosk, "summary_time") == "As soon as possible"
    assert text_of(kiosk, "summary_service") == "Small appliance repair"
    assert button(kiosk, "submitButton").text() == "Submit"
    window.set_language("zh_CN")
    assert button(kiosk, "submitButton").text() == "确认提交"


def test_done_says_printed_or_queued(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    _to_confirm(qtbot, kiosk)
    click(qtbot, kiosk, "submitButton")
    wait_route(qtbot, kiosk, "order.done")
    done = kiosk.nav.current
    qtbot.waitUntil(lambda: done.print_state == "printing")
    with kiosk.store.begin() as s:
        s.scalars(select(PrintJob)).one().state = "done"
    kiosk.bus.changed.emit("printer")  # what the status strip says when the queue moves
    qtbot.waitUntil(lambda: done.print_state == "done")
    assert "补打" not in text_of(kiosk, "printState")
    with kiosk.store.begin() as s:  # a printer that gave up: the job waits for staff
        s.scalars(select(PrintJob)).one().state = "failed"
    done.watch.watch(done.placed.print_job_id)
    qtbot.waitUntil(lambda: done.print_state == "queued")
    assert text_of(kiosk, "printState") == "小票暂未打印，已排队。请联系工作人员补打。"
