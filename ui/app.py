"""Starting the touch UI: QApplication, bundled font, translations, theme, the window.

``run_app`` is what ``kiosk`` (station/commands/run.py) calls: with a ready store and
services, or with ``start_services`` to open them once home has been painted.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk import sdnotify
from kiosk.config import Config
from kiosk.paths import font_path
from ui import theme
from ui.context import AppContext
from ui.i18n import Translations

if TYPE_CHECKING:
    from ui.services import (
        Authoriser,
        PrintQueueService,
        Services,
        StoreAccess,
        SyncService,
    )

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: Any, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


_registered: list[str] = []


def register_fonts() -> str:
    """Register the bundled CJK font once; return its family (so no glyph is ever a box)."""
    if _registered:
        return _registered[0]
    family = ""
    for bold in (False, True):
        path = font_path(bold)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.error("could not load bundled font %s", path)
            continue
        families = QFontDatabase.applicationFontFamilies(font_id)
        family = family or (families[0] if families else "")
    if family:
        font = QFont(family)
        font.setPixelSize(theme.sizes(False)["body"])
        QApplication.setFont(font)
        log.info("font family %s registered", family)
        _registered.append(family)
    return family or theme.FONT_FAMILY


def prepare_app(
    config: Config, argv: list[str] | None = None
) -> tuple[QApplication, Translations, str]:
    """The QApplication with font, theme and translations (shared by run_app and screenshots)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or ["kiosk"])
    app.setApplicationName("station-kiosk")
    family = register_fonts()
    theme.apply(app, config.large_text, family)
    translations = Translations(app)
    translations.switch(config.language)
    return app, translations, family


class AfterFirstPaint(QObject):
    """Runs ``then`` once, when the event loop comes round after the widget's first paint."""

    def __init__(self, widget: QObject, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._then is not None and event.type() == QEvent.Type.Paint:
            then, self._then = self._then, None
            obj.removeEventFilter(self)
            QTimer.singleShot(0, then)
        return False


# A stop during the start waits this long for it; a salvage or a restore obeys the stop
# request within a second, migrations of a big store may take longer (then it is left).
STARTER_JOIN_S = 30.0


class _Started(QObject):
    """Carries the outcome of the start from its thread to the main thread (queued)."""

    done = Signal(bool, object)


def _freeze_heap() -> None:
    # The start-up heap (modules, Qt wrappers, the built screens) lives as long as the
    # process: keep it out of the collector, so a gen-2 collection started by the sync
    # thread does not hold the GIL for 100-300 ms while it walks all of it. No collect()
    # first: it walked that same heap on the main thread (40-100 ms, the longest UI stall
    # of figure 6) and found nothing to free after a start.
    gc.freeze()
    # The kiosk command starts with the collector off (station.commands.run): a start
    # makes almost no cyclic garbage (~850 objects, measured) but its imports and widgets
    # triggered ~170 collections, 80-95 ms on the way to the first tap. From here on it
    # collects as usual, over what is made after the start.
    gc.enable()


class SystemdWatchdog(QObject):
    """Tells systemd the kiosk is up, then pings its watchdog from the event loop.

    The ping rides on a QTimer of the main thread, so it stops when the UI freezes (a
    deadlock, an endless loop in a slot) and systemd restarts the kiosk; a worker thread
    could keep pinging for a dead UI."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.interval_s = sdnotify.watchdog_interval_s()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.ping)

    def ready(self) -> None:
        sdnotify.notify("READY=1\nSTATUS=kiosk UI up")
        if self.interval_s is not None:
            self.ping()
            self._timer.start(max(100, int(self.interval_s * 1000)))

    def ping(self) -> None:
        sdnotify.notify("WATCHDOG=1")

    def stopping(self) -> None:
        self._timer.stop()
        sdnotify.notify("STOPPING=1")


def run_app(
    config: Config,
    store: StoreAccess | None = None,
    *,
    sync: SyncService | None = None,
    printq: PrintQueueService | None = None,
    authoriser: Authoriser | None = None,
    demo: bool = False,
    windowed: bool = False,
    argv: list[str] | None = None,
    start_services: Callable[[], Services] | None = None,
) -> int:
    """Show the kiosk and run its event loop until it quits.

    With ``start_services`` (and no store) home is painted first and then
    ``start_services()`` opens the store and starts the workers on a thread of its own
    (``start-services``): importing SQLAlchemy, checking and migrating the store and
    starting the services took the main thread for 0.3-0.5 s right after home showed, and
    the UI answered nothing meanwhile. The main thread keeps serving: the screens work,
    and a screen's store work submitted before the store is open waits on its worker
    (``Operations``) until it is. It runs no widget code. It returns the services
    (``store``, ``sync``, ``printq``, ``authoriser`` attributes, e.g. a
    ``station.runtime.Runtime``); if it raises, the loop ends and the error is raised here."""
    from ui.window import KioskWindow

    if (store is None) == (start_services is None):
        raise ValueError("run_app needs a store or start_services, not both")
    qInstallMessageHandler(_qt_message)
    app, translations, family = prepare_app(config, argv)
    ctx = AppContext(store, config, sync=sync, printq=printq, authoriser=authoriser)
    window = KioskWindow(ctx, translations, font_family=family)
    window.install(app)
    from ui.crash_handler import install_crash_handler

    # Uncaught exceptions on any thread: logged with a code, then the error screen.
    crash_handler = install_crash_handler(ctx.nav.show_error)
    failed: list[BaseException] = []

    watchdog = SystemdWatchdog(app)

    def up() -> None:
        log.info("UI up (demo=%s, windowed=%s, language=%s)", demo, windowed, config.language)
        watchdog.ready()

    started = _Started()

    def attach(ok: bool, outcome: Any) -> None:
        if not ok:
            failed.append(outcome)
            app.exit(1)
            return
        window.attach_services(
            outcome.store,
            sync=outcome.sync,
            printq=outcome.printq,
            authoriser=outcome.authoriser,
        )
        up()
        _freeze_heap()
        outcome.release_background()

    started.done.connect(attach)

    def start_in_thread() -> None:
        assert start_services is not None
        try:
            services = start_services()
        except BaseException as exc:
            started.done.emit(False, exc)
        else:
            started.done.emit(True, services)

    starter: list[threading.Thread] = []

    def open_services() -> None:
        thread = threading.Thread(target=start_in_thread, name="start-services", daemon=True)
        starter.append(thread)
        thread.start()

    def painted() -> None:
        log.info("home painted")
        if start_services is not None:
            open_services()
        else:
            _freeze_heap()

    AfterFirstPaint(window, painted)
    window.show_kiosk(windowed=windowed)
    if start_services is None:
        up()
    try:
        code = app.exec()
        if failed:
            raise failed[0]
        return code
    finally:
        watchdog.stopping()
        if starter and starter[0].is_alive():
            # Asked to stop while the store was still being opened: let the start finish
            # or give up on its own (a salvage obeys the stop request), so what it started
            # is stopped by the caller instead of dying with the process mid-write.
            log.info("waiting for the start to finish before stopping")
            starter[0].join(STARTER_JOIN_S)
        crash_handler.uninstall()
        window.uninstall(app)
        ctx.ops.drop_pending()
        ctx.ops.wait_done(5000)
