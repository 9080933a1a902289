"""Found by trying the kiosk on a real X display with xdotool (fifth round, field testing):
fingers that tap twice, and a queue of volunteers whose scanner does not wait for the
screen in front of them. Taps go to window positions, with the gaps a hand makes."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QPushButton, QWidget

from tests.ui.flow_helpers import button, click, keys, wait_route
from tests.ui.test_fingers import settle, tap_at
from tests.ui.test_order_flow import PHONE, _to_phone
from ui.context import SETTLE_MS
from ui.screens.order_address import BUILDING, ROOM, UNIT

SECOND_TAP_MS = 150  # a double tap's second tap: 100-300 ms after the first


def button_under(window: QWidget, spot: QPoint) -> QPushButton | None:
    """The button a finger at ``spot`` (window coordinates) would press, if any."""
    w = window.childAt(spot)
    while w is not None and not isinstance(w, QPushButton):
        w = w.parentWidget()
    return w


def _to_address(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    _to_phone(qtbot, ctx)
    keys(qtbot, ctx, PHONE)
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.name")
    click(qtbot, ctx, "pick_张")
    click(qtbot, ctx, "chip_阿姨")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.address")
    qtbot.waitUntil(lambda: button(ctx, "community_0").isVisible(), timeout=10_000)


def _double_tap(qtbot, window, spot: QPoint) -> QPushButton | None:  # type: ignore[no-untyped-def]
    """Two taps at ``spot``, ``SECOND_TAP_MS`` apart; returns what lay under the second."""
    tap_at(qtbot, window, spot)
    qtbot.wait(SECOND_TAP_MS)
    under = button_under(window, spot)
    tap_at(qtbot, window, spot)
    qtbot.wait(50)
    return under


def test_a_double_tap_on_an_address_answer_answers_one_question(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """梅园小区 tapped twice chose 2号楼 too (the building tile comes up under the finger);
    a building tapped twice chose 1单元; a unit tapped twice typed a room digit."""
    ctx = window.ctx
    _to_address(qtbot, ctx)
    screen = ctx.nav.current
    ctx.nav.settle_ms = SETTLE_MS

    settle(qtbot, window)
    estate = button(ctx, "community_0")
    spot = estate.mapTo(window, QPoint(estate.width() * 3 // 4, estate.height() // 2))
    under = _double_tap(qtbot, window, spot)
    assert under is not None and under.objectName().startswith("building_"), (
        "the test must tap where a building comes up"
    )
    assert screen.stages.currentIndex() == BUILDING
    assert screen.building is None, f"the second tap chose {under.objectName()}"

    settle(qtbot, window)
    house = button(ctx, "building_1号楼")
    under = _double_tap(qtbot, window, house.mapTo(window, house.rect().center()))
    assert under is not None and under.objectName().startswith("unit_")
    assert screen.building is not None and screen.building.building == "1号楼"
    assert screen.stages.currentIndex() == UNIT, f"the second tap chose {under.objectName()}"

    settle(qtbot, window)
    units = [
        b
        for b in screen.findChildren(QPushButton)
        if b.objectName().startswith("unit_") and b.isVisible()
    ]
    last = max(units, key=lambda b: b.mapTo(window, QPoint(0, 0)).x())
    under = _double_tap(qtbot, window, last.mapTo(window, last.rect().center()))
    assert under is not None and under.objectName().startswith("key_")
    assert screen.stages.currentIndex() == ROOM
    assert screen.room == "", f"the second tap typed room {screen.room!r}"

    # Settled, the same keys answer as before: the guard is not a lock.
    settle(qtbot, window)
    for d in "502":
        key = button(ctx, f"key_{d}")
        tap_at(qtbot, window, key.mapTo(window, key.rect().center()))
        qtbot.wait(SECOND_TAP_MS)
    assert screen.room == "502"


def test_next_waits_for_a_room_number(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """On a station's first home visit of the day 下一步 was red with no room typed, and
    tapping it said 上门服务需要填写地址 to someone who had just picked their address."""
    ctx = window.ctx
    _to_address(qtbot, ctx)
    click(qtbot, ctx, "community_0")
    click(qtbot, ctx, "building_3号楼")
    click(qtbot, ctx, "unit_2")
    screen = ctx.nav.current
    qtbot.waitUntil(lambda: screen.stages.currentIndex() == ROOM)
    assert not button(ctx, "nextButton").isEnabled()
    keys(qtbot, ctx, "50")
    assert not button(ctx, "nextButton").isEnabled()
    keys(qtbot, ctx, "2")
    assert button(ctx, "nextButton").isEnabled()


def test_the_title_hint_points_where_the_titles_are(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The hint under the title chips said 请在下面选择称呼 ("choose a title below"): a
    first-time user looked below it and found nothing."""
    ctx = window.ctx
    _to_phone(qtbot, ctx)
    keys(qtbot, ctx, PHONE)
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.name")
    screen = ctx.nav.current
    hint = screen.preview
    assert hint.text() == "请在上面选择称呼（姓氏可以不选）。"
    titles_bottom = screen.titles.mapTo(window, QPoint(0, screen.titles.height())).y()
    assert hint.mapTo(window, QPoint(0, 0)).y() >= titles_bottom
