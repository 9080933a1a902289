"""补货 and 库存更正 as a hurried volunteer uses them (sixth round's field test): picking a gift
must not move anything under the next finger, and Save must be on screen without scrolling,
in both languages, normal and large text, on the small and the big landscape screen.

Taps go to window positions (a finger does not know that a chip moved)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea

from tests.ui.flow_helpers import click, wait_route
from tests.ui.test_fingers import tap_at
from tests.ui.test_staff import STAFF, STAFF_PIN, level, sign_in

QUICK_MS = 120  # the tap on a reason chip right after the tap on the gift
RICE, RICE_BARCODE = "G-RICE-5KG", "6901234501025"
LONGEST = "G-COUPON-SHOP"  # 购物折扣券（满100减20） / Supermarket voucher (20 off 100)
CONFIGS = [
    ("zh_CN", False, (1280, 800)),
    ("zh_CN", True, (1280, 800)),
    ("en", False, (1280, 800)),
    ("en", True, (1280, 800)),
    ("zh_CN", False, (1920, 1080)),
    ("en", True, (1920, 1080)),
]


def _open(qtbot, window, route: str) -> None:  # type: ignore[no-untyped-def]
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, window.ctx, f"menu_{route}")
    wait_route(qtbot, window.ctx, f"staff.{route}")
    qtbot.waitUntil(lambda: bool(window.ctx.nav.current.gifts), timeout=10_000)


def _set(qtbot, window, lang: str, large: bool, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    window.set_language(lang)
    window.set_large_text(large)
    window.resize(*size)
    still(qtbot, window)


def buttons(window) -> dict[str, QRect]:  # type: ignore[no-untyped-def]
    """Every visible button of the current screen, in window coordinates."""
    screen = window.ctx.nav.current
    return {
        b.objectName(): QRect(b.mapTo(window, QPoint(0, 0)), b.size())
        for b in screen.findChildren(QPushButton)
        if b.isVisible() and b.objectName()
    }


def still(qtbot, window) -> dict[str, QRect]:  # type: ignore[no-untyped-def]
    """Wait until the layout holds still (relayouts run a turn or two after a change)."""
    before: dict[str, QRect] = {}
    for _ in range(30):
        qtbot.wait(60)
        now = buttons(window)
        if now == before:
            return now
        before = now
    return before


def _frame(window) -> QScrollArea:  # type: ignore[no-untyped-def]
    frame = window.ctx.nav.current.parentWidget().parentWidget()
    assert isinstance(frame, QScrollArea) and frame.objectName() == "screenFrame"
    return frame


def _centre(rect: QRect) -> QPoint:
    return rect.center()


@pytest.mark.parametrize("route", ["restock", "correct"])
def test_a_reason_tapped_right_after_the_gift_is_the_one_that_was_there(
    qtbot, window, route
) -> None:  # type: ignore[no-untyped-def]
    """Picking a gift put its name (two lines) at the top of the form, and every chip below
    moved down 41 px: the volunteer's next tap, aimed where 新到货 was, hit the gap."""
    _open(qtbot, window, route)
    screen = window.ctx.nav.current
    reasons = list(screen.reasons)
    for n, (lang, large, size) in enumerate(CONFIGS):
        _set(qtbot, window, lang, large, size)
        screen.reset_form()
        gift = f"pick_{LONGEST if n % 2 else 'G-EGG-10'}"
        scroll = screen.grid.parentWidget().parentWidget()
        assert isinstance(scroll, QScrollArea)
        scroll.ensureWidgetVisible(screen.grid.buttons[gift[5:]])
        before = still(qtbot, window)
        reason = reasons[n % len(reasons)]
        aim = _centre(before[f"pick_{reason}"])
        tap_at(qtbot, window, _centre(before[gift]))
        qtbot.wait(QUICK_MS)
        tap_at(qtbot, window, aim)
        where = f"{lang} {'large' if large else 'normal'} {size}"
        assert screen.chosen is not None and screen.chosen.sku == gift[5:], where
        assert screen.reason.value() == reason, f"{where}: the tap on {reason} missed"
        after = still(qtbot, window)
        moved = {k: (before[k], after.get(k)) for k in before if after.get(k) != before[k]}
        assert not moved, f"{where}: picking a gift moved {moved}"


@pytest.mark.parametrize("route", ["restock", "correct"])
def test_save_is_on_screen_without_scrolling(qtbot, window, route) -> None:  # type: ignore[no-untyped-def]
    """In English, large text, at 1280×800, Save was below the fold (the reasons took one
    column, four rows); the whole form fits in every language and text size."""
    _open(qtbot, window, route)
    screen = window.ctx.nav.current
    for lang, large, size in CONFIGS:
        _set(qtbot, window, lang, large, size)
        screen._picked(LONGEST)
        QApplication.processEvents()
        still(qtbot, window)
        where = f"{lang} {'large' if large else 'normal'} {size}"
        frame = _frame(window)
        assert frame.verticalScrollBar().maximum() == 0, f"{where}: the screen scrolls"
        save = QRect(screen.confirm.mapTo(window, QPoint(0, 0)), screen.confirm.size())
        assert window.rect().contains(save), f"{where}: Save at {save} is off screen"
        for key, chip in screen.reason.buttons.items():
            spot = QRect(chip.mapTo(window, QPoint(0, 0)), chip.size())
            assert window.rect().contains(spot), f"{where}: reason {key} off screen"


def test_a_gift_scanned_while_the_last_one_saves_stays_chosen_and_waits_for_its_own_save(
    qtbot, window, scan
) -> None:  # type: ignore[no-untyped-def]
    """The volunteer taps Save for the eggs and scans the rice at once, while the save is
    still on its way: Save must not light up again for the rice with the eggs' quantity and
    reason (a second tap saved +24 rice), and the rice must still be chosen afterwards (the
    eggs' answer cleared it)."""
    ctx = window.ctx
    _open(qtbot, window, "restock")
    screen = ctx.nav.current
    click(qtbot, ctx, "pick_G-EGG-10")
    for d in "24":
        click(qtbot, ctx, f"key_{d}")
    click(qtbot, ctx, "pick_delivery")
    eggs, rice = level(ctx.store, "G-EGG-10"), level(ctx.store, RICE)
    lock = sqlite3.connect(ctx.store.path, timeout=5)
    lock.execute("BEGIN IMMEDIATE")  # the save waits for the store, as behind a sync batch
    try:
        click(qtbot, ctx, "stockConfirm")
        scan(RICE_BARCODE)
        qtbot.waitUntil(lambda: screen.chosen is not None and screen.chosen.sku == RICE)
        assert not screen.confirm.isEnabled(), "Save lit up for the rice mid-save"
    finally:
        lock.rollback()
        lock.close()
    qtbot.waitUntil(lambda: screen.notice.isVisible())
    assert level(ctx.store, "G-EGG-10") == eggs + 24
    assert level(ctx.store, RICE) == rice
    assert screen.chosen is not None and screen.chosen.sku == RICE
    assert screen.grid.value() == RICE
    assert "Rice" in screen.heading.text() or "大米" in screen.heading.text()
    assert screen.qty == "" and screen.reason.value() is None
    assert not screen.confirm.isEnabled()
