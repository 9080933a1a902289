"""SIGTERM (systemd stopping the kiosk), SIGINT and SIGHUP as a clean stop request.

Python runs a signal handler only when the main thread executes Python code, and the
main thread of the kiosk sits in Qt's C++ event loop. So the C-level handler's wakeup
byte (``signal.set_wakeup_fd``) is read by a small watcher thread, which calls
``on_stop`` (the composition root makes that quit the Qt event loop from any thread).
Before the UI runs, the Python handler itself raises ``SystemExit(0)`` instead, so a stop
during start-up unwinds through the same ``finally`` blocks.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# Set by any StopSignals on a stop request: long work at start (salvage) polls it so
# that a stop is obeyed even while the main thread is busy outside the event loop.
_requested = threading.Event()


def stop_requested() -> bool:
    return _requested.is_set()


class StopSignals:
    def __init__(self, on_stop: Callable[[int], bool]) -> None:
        """``on_stop(signum)`` returns True when it handled the stop (the UI is quitting)."""
        self._on_stop = on_stop
        self.requested = threading.Event()
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._write_fd, False)
        self._old_handlers: dict[int, object] = {}
        self._old_wakeup = -1
        self._handled = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="stop-signals", daemon=True)

    def install(self) -> StopSignals:
        """Call from the main thread."""
        _requested.clear()
        for signum in STOP_SIGNALS:
            self._old_handlers[signum] = signal.signal(signum, self._python_handler)
        self._old_wakeup = signal.set_wakeup_fd(self._write_fd, warn_on_full_buffer=False)
        self._thread.start()
        return self

    def uninstall(self) -> None:
        _requested.clear()
        signal.set_wakeup_fd(self._old_wakeup)
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        os.close(self._write_fd)  # ends the watcher's read
        self._thread.join(2)
        os.close(self._read_fd)

    def _watch(self) -> None:
        while True:
            try:
                data = os.read(self._read_fd, 16)
            except OSError:
                return
            if not data:
                return
            for signum in data:
                if signum in STOP_SIGNALS:
                    self._watch_request(signum)

    def _request(self, signum: int) -> bool:
        """Pass the stop on once; True when it has been taken. Never blocks: the Python
        handler may run in the middle of anything, even inside a logging call."""
        self.requested.set()
        _requested.set()
        if self._handled.is_set():
            return True
        try:
            taken = self._on_stop(signum)
        except Exception:
            taken = False
        if taken:
            self._handled.set()
        return taken

    def _watch_request(self, signum: int) -> None:
        if self._request(signum):
            # Logged from this thread, never from the Python handler (it may interrupt
            # the main thread while that holds a logging lock).
            log.warning("signal %s: stopping", signal.Signals(signum).name)

    def _python_handler(self, signum: int, _frame: FrameType | None) -> None:
        # Runs on the main thread whenever it next executes Python code; the watcher
        # thread has usually taken the stop already. With no UI to quit (start-up),
        # unwind from here through the callers' finally blocks.
        if not self._request(signum):
            raise SystemExit(0)
