"""The keyboard-wedge filter: bursts become scans, people typing never do.

The filter reads time from a fake clock (the ``scan_clock`` fixture), so gaps are exact.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.ui.conftest import FakeClock, send_keys
from ui.scanner import MAX_GAP_S, ScannerFilter


def key(text: str) -> QKeyEvent:
    if text == "\r":
        return QKeyEvent(
            QKeyEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, text
        )
    return QKeyEvent(QKeyEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, text)


def feed(f: ScannerFilter, clock: FakeClock, text: str, gaps: list[float]) -> list[bool]:
    out = []
    for ch, gap in zip(text, gaps, strict=True):
        clock.advance(gap)
        out.append(f.feed(key(ch)))
    return out


def test_burst_ending_in_enter_is_a_scan(qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    f = ScannerFilter(clock=clock)
    with qtbot.waitSignal(f.scanned) as got:
        feed(f, clock, "KV1.abc\r", [1.0] + [0.008] * 7)
    assert got.args == ["KV1.abc"]


def test_shift_presses_of_capital_letters_stay_inside_the_burst(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Found on a real X display: xdotool (like a real wedge scanner) presses Shift before
    each capital, and the burst used to restart there, so a VK1 code never scanned."""
    clock = FakeClock()
    f = ScannerFilter(clock=clock)
    shift = QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier, "")
    with qtbot.waitSignal(f.scanned) as got:
        clock.advance(1.0)
        for ch in "VK1.eyJ\r":
            if ch.isupper():
                clock.advance(0.004)
                f.feed(shift)
            clock.advance(0.008)
            f.feed(key(ch))
    assert got.args == ["VK1.eyJ"]


def test_a_pause_inside_the_burst_breaks_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    f = ScannerFilter(clock=clock)
    with qtbot.assertNotEmitted(f.scanned):
        # the pause leaves "45" + Enter: too short for a code
        feed(f, clock, "12345\r", [1.0, 0.01, 0.01, MAX_GAP_S + 0.01, 0.01, 0.01])


def test_short_bursts_and_bursts_without_enter_are_not_scans(qtbot) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock()
    f = ScannerFilter(clock=clock)
    with qtbot.assertNotEmitted(f.scanned):
        feed(f, clock, "123\r", [1.0, 0.01, 0.01, 0.01])
        feed(f, clock, "123456", [1.0] + [0.01] * 5)
        feed(f, clock, "\r", [0.2])  # Enter long after the burst


def test_scan_reaches_a_screen_that_accepts_scans(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    kiosk.nav.go("redeem.scan")
    seen: list[str] = []
    screen = kiosk.nav.current
    screen.on_scan = seen.append  # type: ignore[method-assign]
    scan("GARBLED#@!~code")
    assert seen == ["GARBLED#@!~code"]


def test_scan_on_a_screen_without_scans_is_ignored(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    delivered: list[str] = []
    kiosk.scanner.scanned.connect(delivered.append)
    kiosk.nav.go("order.categories")  # (home takes scans: tests/ui/test_fingers.py)
    scan("6901234501018")
    assert delivered == ["6901234501018"]  # recognised ...
    assert kiosk.nav.route == "order.categories"  # ... and nothing happened


def test_a_slow_typist_is_never_a_scan(qtbot, kiosk, type_slowly) -> None:  # type: ignore[no-untyped-def]
    kiosk.nav.go("redeem.scan")
    with qtbot.assertNotEmitted(kiosk.scanner.scanned):
        type_slowly("13812345678")


def test_a_focused_text_field_keeps_its_keys(qtbot, kiosk, scan_clock) -> None:  # type: ignore[no-untyped-def]
    field = QLineEdit(kiosk.nav.current)
    field.show()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    with qtbot.assertNotEmitted(kiosk.scanner.scanned):
        send_keys(field, scan_clock, "ABCD1234", 0.005)
    assert field.text() == "ABCD1234"
