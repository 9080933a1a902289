"""A fresh interpreter for figures 1 and 2: start either the kiosk through its real entry
point (``station.cli.main``, what the ``kiosk`` console script runs: argument parsing, config,
logging, then ``run_station``) or a bare PySide6 window showing one CJK label, and report.

``python -m benchmarks.startup_child ours|bare DATA_DIR IDLE_S``

Nothing in the kiosk is patched or pre-imported: before the kiosk runs, this module has
imported only the standard library. It listens to the kiosk's own log records: ``home
painted`` (``ui.app``, logged once the first paint has been processed) prints ``READY``;
at that moment it also posts an event to the main thread, standing for a tap made the
instant home shows; ``UI up`` (the store open and the services attached) and that posted
event being handled are both needed for ``STARTED``: the first moment a tap on a
store-backed screen is served. With ``IDLE_S`` > 0 it then waits for the start's own
background work to end (the backup thread's first pass: the whole-file check after a clean
stop, a due backup, the hourly chores; it logs ``first backup pass done``), idles
``IDLE_S`` seconds with the loop running, prints ``MAXRSS <kilobytes>`` (VmHWM) and ends the
loop as the kiosk's SIGTERM handler does: the peak of a station idle at home includes what
its start set going in the background.
"""

from __future__ import annotations

import logging
import resource
import sys
from typing import Any


def peak_rss_kb() -> int:
    """Peak resident memory of this process image, in KiB.

    Linux keeps ``ru_maxrss`` across fork+exec: a child spawned by a parent holding
    235 MiB reports at least 235 MiB whatever it uses itself. ``VmHWM`` belongs to the
    exec'd image only, so it is read first; ``ru_maxrss`` is the fallback elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _Probe(logging.Handler):
    """Watches the kiosk's own log records for the two moments figure 1 times."""

    def __init__(self, idle_s: float) -> None:
        super().__init__(logging.INFO)
        self.idle_s = idle_s
        self.up = False
        self.tapped = False
        self.started = False
        self.settled = idle_s <= 0  # figure 1 ends at STARTED; figure 2 waits for it
        self.idling = False
        self.keep: list[Any] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message == "home painted":
            self._painted()
        elif message.startswith("UI up"):
            self.up = True
            self._maybe_started()
        elif message.startswith("first backup pass done"):
            self.settled = True
            self._maybe_idle()

    def _painted(self) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        assert app is not None
        windows = [w for w in app.topLevelWidgets() if type(w).__name__ == "KioskWindow"]
        if not windows or not windows[0].isVisible():
            raise SystemExit("no visible KioskWindow after the first paint")
        route = windows[0].ctx.nav.route
        if route != "home":
            raise SystemExit(f"first paint on {route!r}, not home")
        print("READY", flush=True)

        def tap() -> None:
            self.tapped = True
            self._maybe_started()

        QTimer.singleShot(0, tap)  # handled once the main thread is free again

        def done() -> None:
            print(f"MAXRSS {peak_rss_kb()}", flush=True)
            app.thread().exit(0)  # as kiosk's SIGTERM handler does; the window refuses close

        timer = QTimer()
        timer.setSingleShot(True)
        timer.setInterval(int(self.idle_s * 1000))
        timer.timeout.connect(done)
        self.keep.append(timer)
        self._idle_timer = timer

    def _maybe_started(self) -> None:
        if self.up and self.tapped and not self.started:
            self.started = True
            print("STARTED", flush=True)
            self._maybe_idle()

    def _maybe_idle(self) -> None:
        # Log records come from the backup thread too: the timer is started on the main
        # thread, where it lives.
        if self.started and self.settled and not self.idling:
            self.idling = True
            from PySide6.QtCore import QMetaObject, Qt

            QMetaObject.invokeMethod(self._idle_timer, "start", Qt.ConnectionType.QueuedConnection)


def ours(data_dir: str, idle_s: float) -> int:
    """The ``kiosk`` console script as a station runs it (config from its file and the
    ``KIOSK_*`` environment, set by the parent)."""
    probe = _Probe(idle_s)
    logging.getLogger("ui.app").addHandler(probe)
    logging.getLogger("kiosk.backup_schedule").addHandler(probe)
    from station.cli import main as kiosk_main

    return kiosk_main(["--data-dir", data_dir])


def bare(idle_s: float) -> int:
    """The fair pair of a kiosk: a full-screen window showing one line of Chinese (so a
    CJK font is found and loaded, as the kiosk must)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    class FirstPaint(QObject):
        def __init__(self, then: Any) -> None:
            super().__init__()
            self.then, self.seen = then, False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if not self.seen and event.type() == QEvent.Type.Paint:
                self.seen = True
                QTimer.singleShot(0, self.then)
            return False

    app = QApplication(["bare"])
    window = QLabel("新时代文明实践站 积分兑换")

    def ready() -> None:
        print("READY", flush=True)

        def done() -> None:
            print(f"MAXRSS {peak_rss_kb()}", flush=True)
            app.quit()

        QTimer.singleShot(int(idle_s * 1000), done)

    watcher = FirstPaint(ready)
    app.installEventFilter(watcher)
    window.showFullScreen()
    return app.exec()


def main(argv: list[str]) -> int:
    mode, data_dir, idle_s = argv[0], argv[1], float(argv[2])
    return bare(idle_s) if mode == "bare" else ours(data_dir, idle_s)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
