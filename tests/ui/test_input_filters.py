"""The kiosk's application-wide filters (settle, drag-scroll, idle, scanner) see input and
only input: building a screenful of widgets asks none of them, a tap and a scan still
reach all of them in the order Qt used to ask them, and a tap the settle guard drops goes
no further."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui.screens._gift_tile import GiftTile


def _spy(window) -> list[str]:  # type: ignore[no-untyped-def]
    """Records which of the four filters were asked, in order (the real ones still run);
    not the idle watcher's own look at the window's resizes (a filter on the window)."""
    asked: list[str] = []
    for name, f in (
        ("settle", window.settle),
        ("drag", window.drag),
        ("idle", window.idle),
        ("scanner", window.ctx.scanner),
    ):

        def wrapped(obj, event, _name=name, _real=f.eventFilter):  # type: ignore[no-untyped-def]
            if obj is not window:
                asked.append(_name)
            return _real(obj, event)

        f.eventFilter = wrapped
    return asked


def test_widgets_being_built_ask_none_of_the_filters(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    asked = _spy(window)
    host = QWidget(window.ctx.nav.stack)
    tiles = [GiftTile(host) for _ in range(5)]
    for t in tiles:
        t.name.set_full_text("鸡蛋")
        t.show()
    host.show()
    QLabel("礼品", host).show()
    qtbot.wait(20)
    assert asked == []


def test_a_tap_and_a_scan_reach_every_filter_in_order(qtbot, window, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    asked = _spy(window)
    kiosk.nav.go("redeem.scan")
    qtbot.wait(20)
    button = kiosk.nav.current.findChild(QWidget, "back") or kiosk.nav.current
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    assert asked[:3] == ["settle", "drag", "idle"] and "scanner" in asked
    asked.clear()
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)
    asked.clear()
    scan("ABCDEFG")
    assert "scanner" in asked


def test_a_dropped_tap_goes_no_further(qtbot, window, kiosk) -> None:  # type: ignore[no-untyped-def]
    asked = _spy(window)
    kiosk.nav.settle_ms = 10_000  # every tap lands while the screen is still settling
    kiosk.nav.go("redeem.scan")
    qtbot.mousePress(kiosk.nav.current, Qt.MouseButton.LeftButton)
    assert asked == ["settle"]
    assert window.settle.dropped == 1
