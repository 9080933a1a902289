"""The walk through the kiosk that ``station.screenshots`` photographs: (file name, step).

Each step starts where the previous one left the window. Object names are the same ones
the pytest-qt tests tap, so a renamed button breaks both loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

Step = Callable[[Any], None]


def completed_order(store: Any, config: Any) -> tuple[str, str]:
    """A finished order with its history, as a pull from central would leave it."""
    from kiosk import orders
    from kiosk.clock import utcnow
    from kiosk.store.models import OrderStatusChange

    draft = orders.OrderDraft(
        "repair-tv", "王奶奶", "13912345678", "asap", "梅园小区1号楼1单元101室"
    )
    start = utcnow() - timedelta(hours=3)
    team = "梅园社区党员志愿服务队"
    with store.begin() as s:
        order = orders.place_order(s, draft, config, now=start)
        for i, status in enumerate(("assigned", "accepted", "in_service", "completed"), 1):
            at = start + timedelta(minutes=25 * i)
            order.history.append(
                OrderStatusChange(status=status, at=at, team=team, volunteer_name="张*明")
            )
        order.status, order.team, order.volunteer_name = "completed", team, "张*明"
        return order.ticket_no, orders.order_qr_payload(order)


def volunteer_code(volunteer_id: str = "V0001") -> str:
    from protocol.codes import sign_code
    from station.demo import DEMO_KEY_ID, demo_signing_key

    return sign_code(demo_signing_key(), DEMO_KEY_ID, volunteer_id, 600)


def _nothing(d: Any) -> None:
    d.ctx.nav.home()


def _large_text(d: Any) -> None:
    d.window.set_large_text(True)


def _normal_text(d: Any) -> None:
    d.window.set_large_text(False)
    d.click("tileOrder")
    d.route("order.categories")


def _services(d: Any) -> None:
    d.click("category_repair")
    d.route("order.services")


def _phone(d: Any) -> None:
    d.click("choose_repair-tv")
    d.route("order.phone")
    d.keys("13812345678")


def _name(d: Any) -> None:
    d.click("nextButton")
    d.route("order.name")
    d.click("pick_张")
    d.click("chip_阿姨")


def _address(d: Any) -> None:
    d.click("nextButton")
    d.route("order.address")
    d.click("community_0")
    d.click("building_3号楼")
    d.click("unit_2")
    d.keys("502")


def _slot(d: Any) -> None:
    d.click("nextButton")
    d.route("order.slot")
    d.click("chip_today_pm")
    d.click("chip_行动不便")


def _confirm(d: Any) -> None:
    d.click("nextButton")
    d.route("order.confirm")


def _done(d: Any) -> None:
    d.click("submitButton")
    d.route("order.done")


def _track_lookup(d: Any) -> None:
    d.ctx.nav.home()
    ticket, _qr = completed_order(d.ctx.store, d.ctx.config)
    d.ticket = ticket
    d.click("tileTrack")
    d.route("track.lookup")
    d.keys(ticket[1:].replace("-", ""))
    d.keys("5678")


def _track_status(d: Any) -> None:
    d.click("findButton")
    d.route("track.status")


def _rate(d: Any) -> None:
    d.click("rateButton")
    d.route("track.rate")
    d.click("star_4")
    d.click("chip_准时")
    d.click("chip_耐心")


def _thanks(d: Any) -> None:
    d.click("sendRating")
    d.route("track.thanks")


def _redeem_scan(d: Any) -> None:
    d.ctx.nav.home()
    d.click("tileRedeem")
    d.route("redeem.scan")


def _gifts(d: Any) -> None:
    d.scan(volunteer_code())
    d.route("redeem.gifts")
    d.click("add_G-EGG-10")
    # Only the gifts in view have tiles: scroll to the soap as a finger would, tap, and
    # back to the top for the picture.
    shelf = d.ctx.nav.current.grid
    shelf.scroll_to_sku("G-DISH-SOAP")
    d.click("add_G-DISH-SOAP")
    shelf.verticalScrollBar().setValue(0)


def _cart(d: Any) -> None:
    d.click("toCart")
    d.route("redeem.cart")


def _redeemed(d: Any) -> None:
    d.click("confirmRedeem")
    d.route("redeem.done")


def _idle(d: Any) -> None:
    d.ctx.nav.home()
    d.click("tileOrder")
    d.route("order.categories")
    d.window.idle._timed_out()
    d.window.idle.overlay.set_remaining(7)


def _error(d: Any) -> None:
    d.window.idle.poke()
    d.ctx.nav.show_error("E-7K3Q9")


def _pin_names(d: Any) -> None:
    d.ctx.nav.home()
    d.go("staff.pin")
    d.until(lambda: bool(d.ctx.nav.current.members), "staff names")


def _pin_wrong(d: Any) -> None:
    d.click("pick_S02")
    d.keys("1111")
    d.click("pinOk")
    d.until(lambda: d.ctx.nav.current.banner.text() != "", "the wrong-PIN message")


def _menu(d: Any) -> None:
    d.click("pinOtherPerson")
    d.click("pick_S01")
    d.keys("246810")
    d.click("pinOk")
    d.route("staff.menu")


def _restock(d: Any) -> None:
    d.click("menu_restock")
    d.route("staff.restock")
    d.click("pick_G-EGG-10")
    d.keys("24")
    d.click("pick_delivery")


def _staff_section(route: str) -> Step:
    def step(d: Any) -> None:
        d.go(route)
        d.route(route)

    return step


def _exceptions(d: Any) -> None:
    """An offline redemption central found over the balance (as a pull would record it)."""
    from kiosk.store.models import Overdraft

    with d.ctx.store.begin() as s:
        s.merge(Overdraft(redemption_id="demo-overdraft-1", volunteer_id="V0002", amount=35))
    d.go("staff.exceptions")
    d.route("staff.exceptions")


def _correct(d: Any) -> None:
    d.go("staff.correct")
    d.click("pick_G-OIL-18")
    d.click("pick_minus")
    d.keys("1")
    d.click("pick_broken")


def _attend_activities(d: Any) -> None:
    d.ctx.nav.home()
    d.click("tileAttend")
    d.route("attend.activities")
    d.until(lambda: d.window.findChild(object, "activity_demo-haircut") is not None, "activities")


def _attend_scan(d: Any) -> None:
    d.click("activity_demo-haircut")
    d.route("attend.scan")


def _attend_in(d: Any) -> None:
    d.scan(volunteer_code("V0001"))
    d.route("attend.done")


def _attend_out(d: Any) -> None:
    """Signed out two and a half hours later (the sign-in is moved back, not waited for)."""
    from sqlalchemy import select

    from kiosk.store.models import Attendance

    with d.ctx.store.begin() as s:
        row = s.scalars(select(Attendance).where(Attendance.volunteer_id == "V0001")).one()
        row.signed_in_at -= timedelta(hours=2, minutes=30)
    d.click("nextVolunteer")
    d.route("attend.scan")
    d.scan(volunteer_code("V0001"))
    d.route("attend.done")


def _attend_staff(d: Any) -> None:
    d.go("staff.attendance")
    d.route("staff.attendance")


SCRIPT: list[tuple[str, Step]] = [
    ("01-home", _nothing),
    ("02-home-large-text", _large_text),
    ("03-order-categories", _normal_text),
    ("04-order-services", _services),
    ("05-order-phone", _phone),
    ("06-order-name", _name),
    ("07-order-address", _address),
    ("08-order-slot", _slot),
    ("09-order-confirm", _confirm),
    ("10-order-done", _done),
    ("11-track-lookup", _track_lookup),
    ("12-track-status", _track_status),
    ("13-track-rate", _rate),
    ("14-track-thanks", _thanks),
    ("15-redeem-scan", _redeem_scan),
    ("16-redeem-gifts", _gifts),
    ("17-redeem-cart", _cart),
    ("18-redeem-done", _redeemed),
    ("19-idle-countdown", _idle),
    ("20-error", _error),
    ("21-staff-pin", _pin_names),
    ("22-staff-pin-wrong", _pin_wrong),
    ("23-staff-menu", _menu),
    ("24-staff-restock", _restock),
    ("25-staff-correct", _correct),
    ("26-staff-low-stock", _staff_section("staff.low")),
    ("27-staff-today", _staff_section("staff.today")),
    ("28-staff-sync", _staff_section("staff.sync")),
    ("29-staff-reprint", _staff_section("staff.reprint")),
    ("30-staff-printer", _staff_section("staff.printer")),
    ("31-staff-exceptions", _exceptions),
    ("32-staff-settings", _staff_section("staff.settings")),
    ("33-attend-activities", _attend_activities),
    ("34-attend-scan", _attend_scan),
    ("35-attend-signed-in", _attend_in),
    ("36-attend-signed-out", _attend_out),
    ("37-staff-attendance", _attend_staff),
]
