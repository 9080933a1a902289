"""Figure 6's fresh interpreter: the kiosk as the ``kiosk`` command starts it
(``station.runtime.start`` with a server, so its ``SyncEngine`` runs on its thread, then
``ui.app.run_app`` — the app's own heap and GC policy), plus a 5 ms precise QTimer on the
main thread started at the first paint.

``python -m benchmarks.responsive_child DATA_DIR URL STATION TOKEN IDLE_S``

With URL "-" there is no server (sync idle) and the timer runs IDLE_S seconds. Otherwise it
runs until the engine's first cycle has finished. Prints ``GAP <ns> AT <s> TICKS <n>
SECONDS <s> PENDING <n> ERROR <key|->`` (AT: when the longest gap began, seconds after the
first paint: a stall right after start-up is the app's, not the sync cycle's) and exits.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

TICK_MS = 5
MAX_S = 240.0


class Ticker(QObject):
    def __init__(self, app: QApplication, rt: Any, idle_s: float) -> None:
        super().__init__()
        self.app, self.rt, self.idle_s = app, rt, idle_s
        self.started = False
        self.gap = self.ticks = 0
        self.last = self.t0 = self.gap_at = 0.0
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self.started and event.type() == QEvent.Type.Paint:
            self.started = True
            self.t0 = self.last = time.perf_counter()
            self.timer.start()
        return False

    def tick(self) -> None:
        now = time.perf_counter()
        gap = round((now - self.last) * 1e9)
        if gap > self.gap:
            self.gap, self.gap_at = gap, self.last - self.t0
        self.last = now
        self.ticks += 1
        elapsed = now - self.t0
        status = self.rt.sync.status() if self.rt.sync is not None else None
        done = (
            elapsed >= self.idle_s
            if status is None
            else status.last_success is not None or status.last_error is not None
        )
        if done or elapsed > MAX_S:
            self.timer.stop()
            pending = status.pending if status is not None else 0
            error = (status.last_error if status is not None else None) or "-"
            print(
                f"GAP {self.gap} AT {self.gap_at:.2f} TICKS {self.ticks} SECONDS {elapsed:.2f} "
                f"PENDING {pending} ERROR {error}",
                flush=True,
            )
            self.app.thread().exit(0)  # as kiosk's SIGTERM handler does


def main(argv: list[str]) -> int:
    data_dir, url, station, token, idle_s = argv[0], argv[1], argv[2], argv[3], float(argv[4])
    from kiosk.config import Config
    from station import runtime

    config = Config(
        station_id=station,
        data_dir=data_dir,
        printer_connection="dummy:",
        server_url="" if url == "-" else url,
        token=token,
        sync_interval_s=3600.0,
    )
    app = QApplication(["kiosk"])  # run_app reuses it
    rt = runtime.start(config)
    ticker = Ticker(app, rt, idle_s)
    app.installEventFilter(ticker)
    try:
        from ui.app import run_app

        return run_app(rt.config, rt.store, sync=rt.sync, printq=rt.printq)
    finally:
        rt.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
