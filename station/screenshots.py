"""Render every screen, in representative states, to PNG (``kiosk screenshots --out DIR``).

A throw-away demo station (as ``kiosk --demo``) is started for each language and size; a
script then taps
through the real screens by their object names — the way a person (or a test) would —
and grabs the window after each step. Files: ``DIR/<lang>/<W>x<H>/NN-name.png``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.config import Config
from station.screenshots_script import SCRIPT

log = logging.getLogger(__name__)

SIZES = (QSize(1920, 1080), QSize(1280, 800), QSize(1080, 1920))
LANGS = ("zh_CN", "en")


class StepFailed(RuntimeError):
    pass


class Driver:
    """Taps, keys, scans and waits on a live kiosk window."""

    def __init__(self, window: Any, app: QApplication) -> None:
        self.window = window
        self.ctx = window.ctx
        self.app = app

    def settle(self, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self.app.processEvents()
            if not self.ctx.ops.busy and self.ctx.ops.pending == 0:
                break
            time.sleep(0.01)
        for _ in range(3):
            self.app.processEvents()

    def until(self, check: Callable[[], bool], what: str, timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not check():
            if time.monotonic() > deadline:
                raise StepFailed(f"timed out waiting for {what} (on {self.ctx.nav.route})")
            self.app.processEvents()
            time.sleep(0.01)
        self.settle()

    def click(self, name: str) -> None:
        def ready() -> bool:
            screen = self.ctx.nav.current
            found = screen.findChild(QPushButton, name) if screen is not None else None
            ready = found is not None and found.isVisible() and found.isEnabled()
            return ready and self.ctx.nav.settled()  # a new screen drops taps (ui.settle)

        self.until(ready, f"button {name}")
        button = self.ctx.nav.current.findChild(QPushButton, name)
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        self.settle()

    def keys(self, digits: str) -> None:
        for d in digits:
            self.click(f"key_{d}")

    def route(self, route: str) -> None:
        self.until(lambda: self.ctx.nav.route == route, f"screen {route}")

    def go(self, route: str, **params: Any) -> None:
        self.ctx.nav.go(route, **params)
        self.settle()

    def scan(self, text: str) -> None:
        self.ctx.nav.deliver_scan(text)
        self.settle()

    def grab(self, path: Path) -> None:
        self.settle()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(path)):
            raise StepFailed(f"could not write {path}")


def render_set(
    app: QApplication,
    lang: str,
    size: QSize,
    out: Path,
    family: str,
    translations: Any,
    large: bool = False,
) -> list[str]:
    """One language at one size on a fresh demo station (``kiosk --demo``: its own store,
    an embedded central server, the real sync engine and a print queue printing PNG
    previews); returns the failures (empty when all went well)."""
    from station import runtime
    from ui.context import AppContext
    from ui.window import KioskWindow

    rt = runtime.start_demo(Config(language=lang))
    translations.switch(lang)
    ctx = AppContext(rt.store, rt.config, sync=rt.sync, printq=rt.printq, authoriser=rt.authoriser)
    window = KioskWindow(ctx, translations, font_family=family)
    window.resize(size)
    window.show()
    window.set_large_text(large)
    drv = Driver(window, app)
    drv.until(
        lambda: (
            window.strip.sync_status is not None and window.strip.sync_status.online is not None
        ),
        "the first sync",
        20,
    )
    try:  # the print queue's first probe of the printer (a printer may never say)
        drv.until(
            lambda: getattr(window.strip.printer_state, "printer", "unknown") != "unknown",
            "the printer state",
            5,
        )
    except StepFailed:
        log.info("the printer did not report its state")
    failures: list[str] = []
    target = out / lang / f"{size.width()}x{size.height()}{'-large' if large else ''}"
    try:
        for name, step in SCRIPT:
            try:
                step(drv)
                if large:  # a step may switch large text off (the script's own 02/03 do)
                    window.set_large_text(True)
                    drv.settle()
                window.resize(size)
                drv.grab(target / f"{name}.png")
                if window.size() != size:
                    got = f"{window.width()}x{window.height()}"
                    raise StepFailed(f"the window grew to {got}: a screen does not fit")
            except Exception as exc:
                log.exception(
                    "screenshot %s (%s, %dx%d) failed", name, lang, size.width(), size.height()
                )
                failures.append(f"{lang} {size.width()}x{size.height()} {name}: {exc}")
                ctx.nav.home()
    finally:
        window.idle.overlay.setVisible(False)
        window.set_large_text(False)
        ctx.ops.drop_pending()
        ctx.ops.wait_done(10_000)
        window.strip.detach()
        window.allow_close()
        window.close()
        window.deleteLater()
        # Delete it now: processEvents() leaves a deferred delete for the event loop, which
        # never runs here, and the old window's idle reset then switched the next set (the
        # same language in large text) back to Chinese halfway through.
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
        rt.stop()
    return failures


def render_all(
    out: Path,
    langs: tuple[str, ...] = LANGS,
    sizes: tuple[QSize, ...] = SIZES,
    large: tuple[bool, ...] = (False,),
) -> list[str]:
    from ui.app import prepare_app

    app, translations, family = prepare_app(Config(), ["kiosk-screenshots"])
    failures: list[str] = []
    try:
        for lang in langs:
            for size in sizes:
                for big in large:
                    failures += render_set(app, lang, size, out, family, translations, big)
    finally:
        translations.clear()
    return failures
