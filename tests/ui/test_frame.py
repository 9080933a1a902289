"""The frame: window sizes, status strip, language and text size, busy overlay, the error
screen, kiosk mode, font, contrast and touch-target sizes."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontDatabase, QFontInfo
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from kiosk.errors import ValidationError
from tests.ui.flow_helpers import click, wait_route
from ui import theme

SIZES = [QSize(1920, 1080), QSize(1280, 800), QSize(1080, 1920)]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s.width()}x{s.height()}")
def test_every_screen_fits_each_kiosk_size(qtbot, window, size, lang) -> None:  # type: ignore[no-untyped-def]
    window.set_language(lang)
    window.ctx.nav.build_all()
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size)
    stack = window.ctx.nav.stack
    too_big = []
    for screen in window.ctx.nav.screens():
        hint = screen.minimumSizeHint()
        if hint.width() > stack.width() or hint.height() > stack.height():
            too_big.append(f"{screen.route} needs {hint.width()}×{hint.height()}")
    assert not too_big, f"room {stack.width()}×{stack.height()}: {too_big}"


def test_status_strip_shows_station_clock_network_and_printer(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    strip = window.strip
    assert strip.station.toolTip() == window.ctx.config.station_name
    assert "周" in strip.clock.text()
    assert strip.network.text.text() == "离线模式"  # no sync engine configured
    assert strip.printer.text.text() == "无打印机"


@dataclass
class FakeStatus:
    online: bool | None
    pending: int = 0
    rejected: int = 0
    last_success: object = None
    last_error: str | None = None


class FakeSync:
    def __init__(self) -> None:
        self.listeners: list = []
        self.kicked = 0

    def status(self) -> FakeStatus:
        return FakeStatus(None)

    def add_listener(self, cb) -> None:  # type: ignore[no-untyped-def]
        self.listeners.append(cb)

    def remove_listener(self, cb) -> None:  # type: ignore[no-untyped-def]
        self.listeners.remove(cb)

    def kick(self) -> None:
        self.kicked += 1


def test_sync_state_from_a_worker_thread_reaches_the_strip(qtbot, demo_store, config) -> None:  # type: ignore[no-untyped-def]
    from ui.context import AppContext
    from ui.window import KioskWindow

    sync = FakeSync()
    win = KioskWindow(AppContext(demo_store, config, sync=sync))
    qtbot.addWidget(win)
    assert win.strip.network.text.text() == "Connecting…"  # no translator in this test
    worker = threading.Thread(target=lambda: sync.listeners[0](FakeStatus(False, pending=3)))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: win.strip.network.text.text() == "Offline · 3 to sync")
    worker = threading.Thread(target=lambda: sync.listeners[0](FakeStatus(True, pending=0)))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: win.strip.network.text.text() == "Online · all synced")
    win.strip.detach()
    assert sync.listeners == []


def test_language_toggle_switches_every_screen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    home = window.ctx.nav.screen("home")
    assert home.order.text() == "我要点单"
    qtbot.mouseClick(window.strip.lang_button, Qt.MouseButton.LeftButton)
    assert home.order.text() == "Request a service"
    assert window.strip.lang_button.text() == "中文"
    assert window.ctx.nav.screen("staff.pin").title.text() == "Staff sign-in"
    assert window.ctx.msg("staff.locked", minutes=5).startswith("Locked") or window.ctx.lang == "en"
    qtbot.mouseClick(window.strip.lang_button, Qt.MouseButton.LeftButton)
    assert home.order.text() == "我要点单"
    assert window.ctx.nav.screen("staff.pin").title.text() == "工作人员登录"


def test_large_text_mode_makes_text_bigger(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    hint = window.ctx.nav.screen("home").hint
    normal = QFontInfo(hint.font()).pixelSize()
    assert normal >= 24
    qtbot.mouseClick(window.strip.text_button, Qt.MouseButton.LeftButton)
    assert window.ctx.large_text
    qtbot.waitUntil(lambda: QFontInfo(hint.font()).pixelSize() > normal)
    labels = [w for w in window.findChildren(QLabel) if w.isVisible() and w.text()]
    small = [
        (w.text(), QFontInfo(w.font()).pixelSize())
        for w in labels
        if QFontInfo(w.font()).pixelSize() < 32
    ]
    assert not small, small
    qtbot.mouseClick(window.strip.text_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QFontInfo(hint.font()).pixelSize() == normal)


def test_body_text_and_touch_targets_are_big_enough(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    for route in ("home", "staff.pin", "order.categories", "track.lookup", "redeem.scan"):
        window.ctx.nav.go(route)
        qtbot.waitUntil(lambda: not window.ctx.ops.busy)
        labels = [w for w in window.findChildren(QLabel) if w.isVisible() and w.text()]
        small = [w.text() for w in labels if QFontInfo(w.font()).pixelSize() < 24]
        assert not small, (route, small)
        buttons = [b for b in window.findChildren(QAbstractButton) if b.isVisible()]
        tiny = [
            (b.objectName(), b.text(), b.height())
            for b in buttons
            if min(b.height(), b.width()) < theme.TOUCH
        ]
        assert not tiny, (route, tiny)


def test_busy_overlay_shows_and_the_screen_stays_touchable(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    release = threading.Event()
    done: list[object] = []
    ctx.ops.run(release.wait, 10, on_ok=done.append)
    qtbot.waitUntil(window.busy.isVisible)
    click(qtbot, ctx, "tileTrack")  # a touch goes through the overlay
    wait_route(qtbot, ctx, "track.lookup")
    release.set()
    qtbot.waitUntil(lambda: not window.busy.isVisible())
    assert done == [True]


def test_a_kiosk_error_goes_to_the_screen_a_bug_to_the_error_screen(qtbot, window, caplog) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    errors: list[BaseException] = []

    def invalid() -> None:
        raise ValidationError("stock.qty_invalid")

    def bug() -> None:
        raise ZeroDivisionError("a bug")

    ctx.ops.run(invalid, on_err=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert ctx.error_text(errors[0]) == ctx.msg("stock.qty_invalid")
    assert ctx.nav.route == "home"
    with caplog.at_level(logging.ERROR, logger="ui.operations"):
        ctx.ops.run(bug, on_err=errors.append)
        wait_route(qtbot, ctx, "error")
    code = ctx.nav.current.code_label.text()
    assert code.startswith("E-") and len(code) == 7
    assert any(
        code in r.getMessage() and "ZeroDivisionError" in r.getMessage() for r in caplog.records
    )
    assert ctx.nav.current.title.text() == "出了点问题，请联系工作人员。"
    click(qtbot, ctx, "errorHome")
    wait_route(qtbot, ctx, "home")


def test_a_late_result_never_refills_a_reset_screen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    release = threading.Event()
    got: list[object] = []
    ctx.ops.run(release.wait, 10, on_ok=got.append)
    ctx.nav.home()  # idle reset / back home while it runs
    release.set()
    qtbot.waitUntil(lambda: ctx.ops.pending == 0)
    assert got == []


def test_kiosk_mode_refuses_to_close_until_a_technician_leaves(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.show_kiosk()
    qtbot.waitUntil(window.isFullScreen)
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    window.close()
    assert window.isVisible()
    window.leave_kiosk()
    assert not window.isVisible()


def test_the_bundled_cjk_font_is_registered() -> None:
    from ui.app import register_fonts

    family = register_fonts()
    assert family == "Noto Sans SC Kiosk"
    assert family in QFontDatabase.families()
    assert QApplication.font().family() == family


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize(
    ("fg", "bg"),
    [
        (theme.TEXT, theme.BG),
        (theme.TEXT, theme.SURFACE),
        (theme.MUTED, theme.BG),
        (theme.MUTED, theme.SURFACE),
        (theme.ON_ACCENT, theme.ACCENT),
        (theme.ON_ACCENT, theme.ACCENT_DARK),
        (theme.DANGER, theme.INFO_BG),
        (theme.DANGER, theme.SURFACE),
        (theme.SUCCESS, theme.SURFACE),
        (theme.SUCCESS, theme.BG),
        (theme.WARNING, theme.SURFACE),
        (theme.ACCENT, theme.BG),
        (theme.TEXT, theme.INFO_BG),
        ("#3A0A12", "#D9A3AC"),  # disabled primary
        ("#5C5C5C", "#ECEAE6"),  # disabled button
    ],
)
def test_text_colours_clear_4_5_to_1(fg: str, bg: str) -> None:
    assert contrast(fg, bg) >= 4.5, f"{fg} on {bg}: {contrast(fg, bg):.2f}"


def test_the_strip_redraws_no_icon_per_state_change(qtbot, demo_store, config) -> None:  # type: ignore[no-untyped-def]
    # Every order or redemption changes the sync and printer state; an icon drawn anew at
    # each change left one more copy in QPixmapCache (through the label's QIcon) until its
    # 10 MiB were full: the soak's RSS grew by that (docs/performance.md).
    from ui.context import AppContext
    from ui.window import KioskWindow

    sync = FakeSync()
    win = KioskWindow(AppContext(demo_store, config, sync=sync))
    qtbot.addWidget(win)
    win.show()
    keys = set()
    for pending in range(40):
        sync.listeners[0](FakeStatus(pending % 3 != 0, pending=pending))
        qtbot.waitUntil(lambda p=pending: f" {p} " in win.strip.network.text.text())
        win.strip.network.icon.repaint()
        keys.add(win.strip.network.icon.pixmap().cacheKey())
    assert len(keys) == 2  # online and offline, each drawn once
    win.strip.detach()
