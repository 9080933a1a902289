"""The real kiosk window in this process (offscreen, 1280×800, zh_CN), over a copy of the
large store, for the figures that drive the touch UI (3 and 8). Built as
``tests/ui/conftest.py`` and ``ui.app.run_app`` build it, without ``exec()``."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from benchmarks.context import RunContext
from benchmarks.harness import NotAvailable

log = logging.getLogger(__name__)


@contextmanager
def kiosk_window(ctx: RunContext, name: str) -> Iterator[Any]:
    """The KioskWindow (its ``ctx`` is the AppContext) on the home screen."""
    try:
        from PySide6.QtWidgets import QApplication

        from ui.app import prepare_app
        from ui.context import AppContext
        from ui.window import KioskWindow
    except ModuleNotFoundError as exc:
        raise NotAvailable(f"{exc.name} has not landed") from exc
    from kiosk.config import Config
    from kiosk.store.db import open_store

    store = open_store(ctx.copy_of_large(name))
    config = Config(station_id="ST-BENCH", data_dir=str(ctx.workdir), language="zh_CN")
    app, translations, family = prepare_app(config, ["bench"])
    assert isinstance(app, QApplication)
    ui = AppContext(store, config)
    window = KioskWindow(ui, translations, font_family=family)
    window.resize(1280, 800)
    window.show()
    window.install(app)
    try:
        wait_until(lambda: window.isVisible(), 5.0)
        app.processEvents()  # home painted
        # ui.app.run_app's heap policy once home is painted (gc.freeze): without
        # it every gen-2 collection walks the whole start-up heap (40-120 ms here) and lands
        # in the figures, which the running kiosk does not pay.
        gc.freeze()
        yield window
    finally:
        ui.nav.home()  # screens stop what they scheduled (a shelf fetch after a paint)
        window.uninstall(app)
        ui.ops.drop_pending()
        ui.ops.wait_done(10_000)
        window.hide()
        window.deleteLater()
        translations.clear()
        app.setStyleSheet("")
        app.processEvents()
        store.close()
        gc.unfreeze()


# How often the waiting loop wakes to look at the clock and ``done()`` when no event came.
WAKE_MS = 20


def wait_until(done: Callable[[], bool], timeout_s: float) -> None:
    """Turn the event loop, sleeping in it as a station's ``exec()`` does, until ``done()``
    or time out. ``processEvents(flags, ms)`` drops ``WaitForMoreEvents`` (it returns as soon
    as nothing is pending), so this loop used to spin ~20,000 times a second: the main
    thread took the interpreter back from the worker whose answer the figure waited for at
    every turn (figure 8's shelf fetch: ~10 ms of CPU, 25-130 ms of wall time under load,
    and more CPU than alone). ``processEvents(WaitForMoreEvents)`` blocks until an event
    arrives; a timer wakes it every ``WAKE_MS`` for the deadline."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    app = QApplication.instance()
    assert app is not None
    wake = QTimer()
    wake.setInterval(WAKE_MS)
    wake.start()
    try:
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError("the UI did not get there in time")
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        wake.stop()


class PaintWatch:
    """Records the time of paint events on one widget that satisfy ``ready()``."""

    def __init__(self, widget: Any, ready: Callable[[], bool]) -> None:
        from PySide6.QtCore import QEvent, QObject

        from benchmarks.harness import now_ns

        watch = self

        class _Filter(QObject):
            def eventFilter(self, obj: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint and watch.at is None and ready():
                    watch.at = now_ns()
                return False

        self.at: int | None = None
        self._filter = _Filter()
        self.widget = widget
        widget.installEventFilter(self._filter)

    def arm(self) -> None:
        self.at = None

    def close(self) -> None:
        self.widget.removeEventFilter(self._filter)
