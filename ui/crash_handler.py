"""Uncaught exceptions, on the main thread or any worker, become the 请联系工作人员 screen.

The hooks (``sys.excepthook``, ``threading.excepthook``) log the traceback with a short
code and emit ``crashed(code)``. The signal is queued, so the window's handler always
runs on the GUI thread, after the failing slot has unwound, whatever thread raised
(Electrum's exception window does the same). A resident never sees a traceback.

A crash loop (``LOOP_COUNT`` crashes within ``LOOP_WINDOW_S``) ends the event loop with
exit code 70, so systemd restarts the kiosk fresh instead of showing the error forever.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import types
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal

log = logging.getLogger(__name__)

LOOP_COUNT, LOOP_WINDOW_S = 5, 60.0
EXIT_CRASH_LOOP = 70  # EX_SOFTWARE


def _short_code() -> str:
    from ui.operations import short_code

    return short_code()


class CrashHandler(QObject):
    crashed = Signal(str)  # the short error code, also in the log

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._old_sys = sys.excepthook
        self._old_thread = threading.excepthook
        self._recent: list[float] = []
        self._lock = threading.Lock()

    def install(self, on_crash: Callable[[str], None]) -> CrashHandler:
        self.crashed.connect(on_crash, Qt.ConnectionType.QueuedConnection)
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook
        return self

    def uninstall(self) -> None:
        sys.excepthook = self._old_sys
        threading.excepthook = self._old_thread

    def report(
        self, kind: type[BaseException], exc: BaseException, tb: types.TracebackType | None
    ) -> str:
        code = _short_code()
        where = threading.current_thread().name
        log.critical("unhandled error %s in thread %s", code, where, exc_info=(kind, exc, tb))
        self.crashed.emit(code)
        if self._looping():
            log.critical(
                "%d crashes within %.0f s: exiting for a restart", LOOP_COUNT, LOOP_WINDOW_S
            )
            app = QCoreApplication.instance()
            if app is not None:
                app.thread().exit(EXIT_CRASH_LOOP)  # thread-safe, unlike QCoreApplication.exit
        return code

    def _looping(self) -> bool:
        now = time.monotonic()
        with self._lock:
            self._recent = [t for t in self._recent if now - t < LOOP_WINDOW_S] + [now]
            return len(self._recent) >= LOOP_COUNT

    def _sys_hook(
        self, kind: type[BaseException], exc: BaseException, tb: types.TracebackType | None
    ) -> None:
        if issubclass(kind, (KeyboardInterrupt, SystemExit)):
            self._old_sys(kind, exc, tb)
            return
        self.report(kind, exc, tb)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self.report(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)


def install_crash_handler(on_crash: Callable[[str], None]) -> CrashHandler:
    """Create on the GUI thread, after the QApplication; keep the result alive."""
    return CrashHandler(QCoreApplication.instance()).install(on_crash)
