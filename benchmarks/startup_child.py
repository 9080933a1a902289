"""A fresh interpreter for figures 1 and 2: start either the kiosk (as the ``kiosk``
command does: ``station.commands.run.run_station`` — home painted, then the store opened and
the services started) or a bare PySide6 window, and report.

``python -m benchmarks.startup_child ours|bare DATA_DIR IDLE_S``

Prints ``READY`` right after the first paint of the window has been processed by the
running event loop (the kiosk must also be on its home screen), ``STARTED`` once the
kiosk's store is open and its services run, then idles ``IDLE_S`` seconds with the loop
running, prints ``MAXRSS <kilobytes>`` (VmHWM) and exits.
"""

from __future__ import annotations

import resource
import sys
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class FirstPaint(QObject):
    """Calls ``then`` once the event loop comes round after the first paint event."""

    def __init__(self, then: Any) -> None:
        super().__init__()
        self.then = then
        self.seen = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self.then)
        return False


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


def _report_then_quit(app: QApplication, idle_s: float, check: Any = None) -> None:
    if check is not None:
        check()
    print("READY", flush=True)

    def done() -> None:
        print(f"MAXRSS {peak_rss_kb()}", flush=True)
        app.thread().exit(0)  # as kiosk's SIGTERM handler does; the window refuses close

    QTimer.singleShot(int(idle_s * 1000), done)


def bare(idle_s: float) -> int:
    app = QApplication(["bare"])
    window = QWidget()
    watcher = FirstPaint(lambda: _report_then_quit(app, idle_s))
    app.installEventFilter(watcher)
    window.showFullScreen()
    return app.exec()


def ours(data_dir: str, idle_s: float) -> int:
    from kiosk.config import Config
    from station.commands.run import run_station

    config = Config(
        station_id="ST-BENCH",
        data_dir=data_dir,
        printer_connection="dummy:",
        language="zh_CN",
    )
    app = QApplication(["kiosk"])  # run_app reuses it; we need it for the filter

    def check() -> None:
        windows = [w for w in app.topLevelWidgets() if type(w).__name__ == "KioskWindow"]
        if not windows or not windows[0].isVisible():
            raise SystemExit("no visible KioskWindow after the first paint")
        route = windows[0].ctx.nav.route
        if route != "home":
            raise SystemExit(f"first paint on {route!r}, not home")

    watcher = FirstPaint(lambda: _report_then_quit(app, idle_s, check))
    app.installEventFilter(watcher)
    runtimes: list[Any] = []
    try:
        return run_station(config, runtimes, on_started=lambda _rt: print("STARTED", flush=True))
    finally:
        for rt in runtimes:
            rt.stop()


def main(argv: list[str]) -> int:
    mode, data_dir, idle_s = argv[0], argv[1], float(argv[2])
    return bare(idle_s) if mode == "bare" else ours(data_dir, idle_s)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
