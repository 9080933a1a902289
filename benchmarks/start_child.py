"""Figure 11's kiosk: the ``kiosk`` command as a station runs it (``station.cli.main``, config
from the ``KIOSK_*`` environment the parent sets: central URL and token, print queue on
``dummy:``), with a 5 ms precise QTimer on the main thread from the moment the kiosk logs
``home painted`` for ``WINDOW_S`` seconds. Meanwhile the kiosk does what a station does
after it is switched on: opens and checks its store, starts its services, runs the
start-of-day backup and upkeep, and its sync engine's first cycle pulls the changes
central holds for it.

``python -m benchmarks.start_child DATA_DIR WINDOW_S``

Nothing in the kiosk is patched or pre-imported. Prints one line, ``GAP <ns> AT <s> TICKS
<n> UP <s> SYNCED <s|-> ERROR <key|-> TOP <ms,ms,...>`` (AT: when the longest gap began,
seconds after home painted; UP: when the services were attached; SYNCED: when the first
sync cycle ended without error, ``-`` if not within the window; TOP: the five longest
gaps), and exits.
"""

from __future__ import annotations

import heapq
import logging
import sys
import threading
import time
from typing import Any

TICK_MS = 5


class _Watch(logging.Handler):
    """Starts the timer when the kiosk logs ``home painted`` (on the main thread, from
    ``ui.app``) and notes when it logs ``UI up`` (services attached)."""

    def __init__(self, window_s: float) -> None:
        super().__init__(logging.INFO)
        self.window_s = window_s
        self.t0 = self.last = 0.0
        self.up_at: float | None = None
        self.synced_at: float | None = None
        self.gap = self.ticks = 0
        self.gap_at = 0.0
        self.top: list[int] = []
        self.timer: Any = None
        self.ctx: Any = None

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message == "home painted" and self.timer is None:
            from PySide6.QtCore import Qt, QTimer

            self.timer = QTimer()
            self.timer.setTimerType(Qt.TimerType.PreciseTimer)
            self.timer.setInterval(TICK_MS)
            self.timer.timeout.connect(self.tick)
            self.t0 = self.last = time.perf_counter()
            self.timer.start()
        elif message.startswith("UI up") and self.up_at is None and self.timer is not None:
            from PySide6.QtWidgets import QApplication

            self.up_at = time.perf_counter() - self.t0
            app = QApplication.instance()
            window = next(w for w in app.topLevelWidgets() if type(w).__name__ == "KioskWindow")
            self.ctx = window.ctx

    def tick(self) -> None:
        now = time.perf_counter()
        gap = round((now - self.last) * 1e9)
        if gap > self.gap:
            self.gap, self.gap_at = gap, self.last - self.t0
        if len(self.top) < 5:
            heapq.heappush(self.top, gap)
        elif gap > self.top[0]:
            heapq.heapreplace(self.top, gap)
        self.last = now
        self.ticks += 1
        elapsed = now - self.t0
        sync = self.ctx.sync if self.ctx is not None else None
        if self.synced_at is None and sync is not None:
            status = sync.status()
            if status.last_success is not None:
                self.synced_at = elapsed
        if elapsed >= self.window_s:
            self.timer.stop()
            self.report()

    def report(self) -> None:
        from PySide6.QtWidgets import QApplication

        sync = self.ctx.sync if self.ctx is not None else None
        error = (sync.status().last_error if sync is not None else None) or "-"
        top = ",".join(f"{g / 1e6:.1f}" for g in sorted(self.top, reverse=True))
        synced = f"{self.synced_at:.2f}" if self.synced_at is not None else "-"
        up = f"{self.up_at:.2f}" if self.up_at is not None else "-"
        print(
            f"GAP {self.gap} AT {self.gap_at:.2f} TICKS {self.ticks} UP {up} SYNCED {synced} "
            f"ERROR {error.replace(' ', '_')} TOP {top}",
            flush=True,
        )
        app = QApplication.instance()
        assert app is not None
        app.thread().exit(0)  # as kiosk's SIGTERM handler does


def main(argv: list[str]) -> int:
    data_dir, window_s = argv[0], float(argv[1])
    logging.getLogger("ui.app").addHandler(_Watch(window_s))
    threading.current_thread().name = "MainThread"
    from station.cli import main as kiosk_main

    return kiosk_main(["--data-dir", data_dir])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
