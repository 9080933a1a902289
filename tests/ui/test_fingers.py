"""Taps as fingers make them: by position on the window, with real gaps between them.

A resident's finger does not find a button by name: it comes down where the button was a
moment ago. These tests tap window coordinates (what is under the point gets the press),
so a layout that moves, or a screen that takes a tap meant for the one before it, fails.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from tests.ui.flow_helpers import banner_text, click, keys, text_of, wait_route
from tests.ui.test_order_flow import _to_phone
from tests.ui.test_redeem_flow import EGGS, code
from tests.ui.test_staff import STAFF, STAFF_PIN, open_staff_entry, sign_in
from tests.ui.test_track_flow import _completed_order
from ui.context import SETTLE_MS

SIZES = [(1920, 1080), (1280, 800), (1080, 1920)]


def centre_in_window(widget: QWidget) -> QPoint:
    return widget.mapTo(widget.window(), widget.rect().center())


def tap_at(qtbot, window: QWidget, point: QPoint) -> QWidget:  # type: ignore[no-untyped-def]
    """Press and lift a finger at ``point`` (window coordinates): whatever is there gets it."""
    target = window.childAt(point) or window
    local = target.mapFrom(window, point)
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=local)
    return target


def keypad_keys(screen: QWidget) -> dict[str, QRect]:
    """Every visible keypad key's rectangle in window coordinates."""
    found: dict[str, QRect] = {}
    for b in screen.findChildren(QPushButton):
        if b.objectName().startswith("key_") and b.isVisible():
            found[b.objectName()] = QRect(b.mapTo(b.window(), QPoint(0, 0)), b.size())
    assert found, f"no keypad on {screen.objectName()}"
    return found


def settle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    qtbot.waitUntil(window.ctx.nav.settled, timeout=2000)


# -- 1. a double tap on the final confirm ------------------------------------------------
def _double_tap(qtbot, window, button: QPushButton, done_route: str) -> None:  # type: ignore[no-untyped-def]
    """Tap ``button``, then tap the same spot again 250 ms later (or, if the work takes
    longer, the moment the next screen appears: still inside its settle time)."""
    ctx = window.ctx
    ctx.nav.settle_ms = SETTLE_MS
    settle(qtbot, window)
    spot = centre_in_window(button)
    first = time.monotonic()
    tap_at(qtbot, window, spot)
    qtbot.waitUntil(lambda: ctx.nav.route == done_route, timeout=10_000)
    left_ms = 250 - (time.monotonic() - first) * 1000
    if left_ms > 0:
        qtbot.wait(int(left_ms))
    dropped = window.settle.dropped
    tap_at(qtbot, window, spot)
    assert window.settle.dropped == dropped + 1, "the second tap reached the done screen"
    qtbot.wait(300)
    assert ctx.nav.route == done_route


def test_a_double_tap_on_submit_shows_the_ticket(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _to_phone(qtbot, ctx)
    keys(qtbot, ctx, "13812345678")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.name")
    click(qtbot, ctx, "pick_张")
    click(qtbot, ctx, "chip_阿姨")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.address")
    click(qtbot, ctx, "community_0")
    click(qtbot, ctx, "building_3号楼")
    click(qtbot, ctx, "unit_2")
    keys(qtbot, ctx, "502")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.slot")
    chips = [b for b in ctx.nav.current.slots.findChildren(QPushButton) if b.isEnabled()]
    qtbot.mouseClick(chips[-1], Qt.MouseButton.LeftButton)
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.confirm")
    submit = ctx.nav.current.submit_button
    submit_rect = QRect(submit.mapTo(window, QPoint(0, 0)), submit.size())

    _double_tap(qtbot, window, submit, "order.done")

    screen = ctx.nav.current
    assert screen.ticket.isVisible() and screen.ticket.text().startswith("A")
    assert screen.qr.isVisible()
    done_rect = QRect(screen.done.mapTo(window, QPoint(0, 0)), screen.done.size())
    assert not done_rect.intersects(submit_rect), "完成 sits where 确认提交 was"
    # Once settled, a tap goes home as before (the guard is not a lock).
    settle(qtbot, window)
    tap_at(qtbot, window, centre_in_window(screen.done))
    wait_route(qtbot, ctx, "home")


def test_a_double_tap_on_redeem_shows_the_pickup_code(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    click(qtbot, ctx, "tileRedeem")
    wait_route(qtbot, ctx, "redeem.scan")
    scan(code())
    wait_route(qtbot, ctx, "redeem.gifts")
    click(qtbot, ctx, f"add_{EGGS}")
    click(qtbot, ctx, "toCart")
    wait_route(qtbot, ctx, "redeem.cart")
    qtbot.waitUntil(lambda: ctx.nav.current.confirm.isEnabled())
    confirm = ctx.nav.current.confirm

    _double_tap(qtbot, window, confirm, "redeem.done")

    pickup = ctx.nav.current.findChild(QWidget, "pickupCode")
    assert pickup.isVisible() and len(text_of(ctx, "pickupCode")) == 6


def test_a_tap_during_the_settle_time_is_dropped_not_delayed(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    ctx.nav.settle_ms = SETTLE_MS
    settle(qtbot, window)
    click(qtbot, ctx, "tileOrder")
    wait_route(qtbot, ctx, "order.categories")
    qtbot.waitUntil(lambda: ctx.nav.current.findChild(QPushButton, "category_repair") is not None)
    tile = ctx.nav.current.findChild(QPushButton, "category_repair")
    if ctx.nav.settled():
        pytest.skip("the machine took the whole settle time to show the screen")
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)  # at once: dropped
    qtbot.wait(SETTLE_MS + 100)
    assert ctx.nav.route == "order.categories"
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    wait_route(qtbot, ctx, "order.services")


# -- 2. the keypad never moves under a finger -------------------------------------------
def _phone(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    _to_phone(qtbot, window.ctx)


def _room(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _to_phone(qtbot, ctx)
    keys(qtbot, ctx, "13812345678")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.name")
    click(qtbot, ctx, "pick_张")
    click(qtbot, ctx, "chip_阿姨")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.address")
    click(qtbot, ctx, "community_0")
    click(qtbot, ctx, "building_3号楼")
    click(qtbot, ctx, "unit_2")


def _lookup(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, window.ctx, "tileTrack")
    wait_route(qtbot, window.ctx, "track.lookup")


def _pin(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    open_staff_entry(qtbot, window)
    click(qtbot, window.ctx, f"pick_{STAFF}")


def _restock(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, window.ctx, "menu_restock")
    wait_route(qtbot, window.ctx, "staff.restock")


def _correct(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, window.ctx, "menu_correct")
    wait_route(qtbot, window.ctx, "staff.correct")


KEYPAD_SCREENS = {
    "phone": _phone,
    "room": _room,
    "lookup": _lookup,
    "pin": _pin,
    "restock": _restock,
    "correct": _correct,
}


def _error(window) -> str:  # type: ignore[no-untyped-def]
    """A long message, as the screens show them (two lines on a narrow window)."""
    return window.ctx.msg("order.lookup_invalid") * 2


@pytest.mark.parametrize("where", list(KEYPAD_SCREENS))
def test_messages_never_move_a_key(qtbot, window, where) -> None:  # type: ignore[no-untyped-def]
    """Every key's rectangle is the same before, during and after an error and a success
    message, at each of the three window sizes."""
    KEYPAD_SCREENS[where](qtbot, window)
    screen = window.ctx.nav.current
    notice = getattr(screen, "notice", None)
    for size in SIZES:
        window.resize(*size)
        # the status strip re-wraps a turn or two later: wait until the layout holds still
        before: dict[str, QRect] = {}
        for _ in range(20):
            qtbot.wait(100)
            now = keypad_keys(screen)
            if now == before:
                break
            before = now
        screen.banner.show(_error(window))
        QApplication.processEvents()
        assert keypad_keys(screen) == before, f"an error message moved the keypad at {size}"
        screen.banner.hide()
        if notice is not None:
            notice.show_text("已保存：鸡蛋 +24，现有 60")
            QApplication.processEvents()
            assert keypad_keys(screen) == before, f"a notice moved the keypad at {size}"
            notice.clear()
        QApplication.processEvents()
        assert keypad_keys(screen) == before


def _tap_digits(qtbot, window, spots: dict[str, QPoint], digits: str) -> None:  # type: ignore[no-untyped-def]
    for d in digits:
        tap_at(qtbot, window, spots[f"key_{d}"])
        qtbot.wait(20)


def test_typing_a_phone_through_an_error_gives_those_digits(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """1-2-3-4-5-6-7-8-9-0-1 tapped where the keys were at the start: the 2 is refused
    with a message (the second digit of a mobile number is 3-9), every other tap lands."""
    ctx = window.ctx
    _to_phone(qtbot, ctx)
    screen = ctx.nav.current
    spots = {k: r.center() for k, r in keypad_keys(screen).items()}
    _tap_digits(qtbot, window, spots, "12")
    assert screen.banner.text() != ""
    _tap_digits(qtbot, window, spots, "345678901")
    assert text_of(ctx, "phoneDisplay") == "134 5678 901"


def test_typing_a_room_after_a_message_gives_those_digits(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _room(qtbot, window)
    screen = ctx.nav.current
    spots = {k: r.center() for k, r in keypad_keys(screen).items()}
    screen.submit()  # Next with no room: "please finish the address"
    assert screen.banner.text() != ""
    _tap_digits(qtbot, window, spots, "502")
    assert screen.room == "502"


def test_typing_a_pin_after_a_wrong_one_gives_those_digits(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _pin(qtbot, window)
    screen = ctx.nav.current
    spots = {k: r.center() for k, r in keypad_keys(screen).items()}
    _tap_digits(qtbot, window, spots, "000000")
    tap_at(qtbot, window, centre_in_window(screen.ok))
    qtbot.waitUntil(lambda: screen.banner.text() != "")
    _tap_digits(qtbot, window, spots, STAFF_PIN)
    assert screen.pin == STAFF_PIN
    tap_at(qtbot, window, centre_in_window(screen.ok))
    wait_route(qtbot, ctx, "staff.menu")


def test_typing_a_ticket_after_a_message_gives_those_digits(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _lookup(qtbot, window)
    screen = ctx.nav.current
    spots = {k: r.center() for k, r in keypad_keys(screen).items()}
    screen.submit()  # nothing typed: a message
    assert screen.banner.text() != ""
    _tap_digits(qtbot, window, spots, "1207001")
    assert screen.ticket == "1207001"


# -- 6. scanning on home ----------------------------------------------------------------
def test_a_ticket_scanned_on_home_opens_its_progress(qtbot, kiosk, config, scan) -> None:  # type: ignore[no-untyped-def]
    ticket, qr = _completed_order(kiosk.store, config)
    assert kiosk.nav.route == "home"
    scan(qr)
    wait_route(qtbot, kiosk, "track.status")
    assert ticket in text_of(kiosk, "orderSummary")


def test_a_volunteer_code_scanned_on_home_opens_their_gifts(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    scan(code())
    wait_route(qtbot, kiosk, "redeem.gifts")
    qtbot.waitUntil(lambda: text_of(kiosk, "volunteerBalance").endswith("260"))


def test_an_unknown_code_on_home_gets_a_message(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    scan("NOT-A-CODE-123")
    wait_route(qtbot, kiosk, "redeem.scan")
    qtbot.waitUntil(lambda: banner_text(kiosk) != "")


# -- 4. the step counter ----------------------------------------------------------------
def _step(ctx) -> str:  # type: ignore[no-untyped-def]
    return ctx.nav.current.prompt.text().split(" · ")[0]


def test_the_step_counter_counts_one_flow(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    """A home visit has five questions (phone, name, address, time, check); a station
    service four. Each screen says where it is in *this* order's list, going back too."""
    seen = []
    _to_phone(qtbot, kiosk)
    seen.append(_step(kiosk))
    keys(qtbot, kiosk, "13812345678")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.name")
    seen.append(_step(kiosk))
    click(qtbot, kiosk, "chip_阿姨")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.address")
    seen.append(_step(kiosk))
    click(qtbot, kiosk, "community_0")
    click(qtbot, kiosk, "building_3号楼")
    click(qtbot, kiosk, "unit_2")
    keys(qtbot, kiosk, "502")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.slot")
    seen.append(_step(kiosk))
    click(qtbot, kiosk, "chip_tomorrow_am")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.confirm")
    seen.append(_step(kiosk))
    assert seen == [f"第 {n} 步，共 5 步" for n in range(1, 6)]
    kiosk.nav.home()
    # a station service after a home visit: the screens must not keep the old count
    click(qtbot, kiosk, "tileOrder")
    click(qtbot, kiosk, "category_repair")
    click(qtbot, kiosk, "choose_repair-small")
    wait_route(qtbot, kiosk, "order.phone")
    seen = [_step(kiosk)]
    keys(qtbot, kiosk, "13812345678")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.name")
    seen.append(_step(kiosk))
    click(qtbot, kiosk, "chip_先生")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.slot")
    seen.append(_step(kiosk))
    click(qtbot, kiosk, "chip_asap")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.confirm")
    seen.append(_step(kiosk))
    click(qtbot, kiosk, "changeButton")
    wait_route(qtbot, kiosk, "order.slot")
    seen.append(_step(kiosk))
    assert seen == [f"第 {n} 步，共 4 步" for n in (1, 2, 3, 4, 3)]


# -- 9. names the font cannot draw --------------------------------------------------------
RARE = "喆堃昇玥璟垚赟镕燊䶮"


def test_rare_name_characters_draw_on_screen_and_on_receipts(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The surname grid's buttons, a masked name and a raster receipt line draw each of
    喆 堃 昇 玥 璟 垚 赟 镕 燊 䶮 with the bundled font: no box, no 〓."""
    from PySide6.QtGui import QRawFont

    from kiosk.paths import font_path
    from printer.fonts import Fonts
    from printer.raster import TextPainter
    from ui.widgets import PickerGrid

    grid = PickerGrid([(c, c) for c in RARE], columns=5)
    grid.setParent(window)
    grid.show()

    def drawn_by_own_font(widget: QWidget) -> bool:
        # the widget's own font, not Qt's fallback chain (a system CJK font may exist here)
        raw = QRawFont.fromFont(widget.font())
        assert raw.familyName() == window.font_family
        return all(raw.supportsCharacter(ord(c)) for c in widget.text())  # type: ignore[attr-defined]

    buttons = grid.findChildren(QPushButton)
    assert len(buttons) == len(RARE)
    assert [b.text() for b in buttons if not drawn_by_own_font(b)] == []
    masked = QPushButton("张*" + RARE[0])  # a masked name as the volunteer card shows it
    masked.setParent(window)
    assert drawn_by_own_font(masked)
    painter = TextPainter(Fonts(font_path(False), font_path(True)))
    assert [c for c in RARE if not painter.has_glyph(c)] == []
