"""A touch panel that reports as a mouse (common on kiosks under X): dragging a finger
up the gift shelf scrolls it, and a drag that starts on an Add button never adds."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from tests.ui.test_redeem_shelf import _open_big_shelf, _open_shelf, _top_gift
from ui.widgets.drag_scroll import THRESHOLD


def _drag(qtbot, widget, start: QPoint, dy: int, steps: int = 12) -> None:  # type: ignore[no-untyped-def]
    """Press on ``widget`` at ``start`` and move the finger ``dy`` pixels in the window's
    frame (the finger does not move with the content it drags)."""
    window = widget.window()
    at = widget.mapTo(window, start)
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, steps + 1):
        qtbot.mouseMove(window, at + QPoint(0, dy * i // steps))
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=at + QPoint(0, dy))


def test_dragging_up_from_an_add_button_scrolls_and_adds_nothing(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    screen, grid = _open_big_shelf(qtbot, kiosk, scan)
    tile = grid.tiles[_top_gift(grid)]
    before = grid.scroll_value()
    _drag(qtbot, tile.button, tile.button.rect().center(), -300)
    assert grid.scroll_value() == before + 300
    qtbot.wait(50)
    assert screen.cart == {}
    assert not tile.button.isDown()


def test_a_tap_that_wobbles_less_than_the_threshold_still_adds(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    screen = _open_shelf(qtbot, kiosk, scan)
    grid = screen.grid
    sku = _top_gift(grid)
    button = grid.tiles[sku].button
    before = grid.scroll_value()
    centre = button.rect().center()
    qtbot.mousePress(button, Qt.MouseButton.LeftButton, pos=centre)
    for dy in (3, 7, THRESHOLD // 2):  # nothing scrolls, so the button's frame is the finger's
        qtbot.mouseMove(button, centre + QPoint(0, dy))
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton, pos=centre + QPoint(0, THRESHOLD // 2))
    qtbot.waitUntil(lambda: screen.cart.get(sku) == 1)
    assert grid.scroll_value() == before


def test_dragging_down_brings_the_shelf_back_and_stops_at_the_top(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    screen, grid = _open_big_shelf(qtbot, kiosk, scan)
    viewport = grid.viewport()
    _drag(qtbot, viewport, QPoint(10, 400), -350)  # the gutter beside the first tile
    assert grid.scroll_value() == 350
    _drag(qtbot, viewport, QPoint(10, 100), 200)
    assert grid.scroll_value() == 150
    _drag(qtbot, viewport, QPoint(10, 100), 400)
    assert grid.scroll_value() == 0
    assert screen.cart == {}
