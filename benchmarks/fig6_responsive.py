"""Figure 6: does the UI thread stay responsive while the sync engine works? The longest
gap between ticks of a 5 ms QTimer on the main thread while ``SyncEngine`` (its own
thread, the real central on 127.0.0.1) drains the outbox and pulls the change feed,
against the same timer with sync idle for the same length of time."""

from __future__ import annotations

import gc
import logging
import os
import threading
import time

from benchmarks.centralbench import embedded_central
from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, now_ns, result
from kiosk.store.db import open_store
from sync.client import CentralClient
from sync.engine import SyncEngine
from sync.status import SyncStatus

log = logging.getLogger(__name__)

TARGET = Target("<=", 50, "abs", "ms")
TICK_MS = 5
FREEZE = os.environ.get("BENCH_FREEZE") == "1"
TIMEOUT_S = 240.0
IDLE_MAX_S = 10.0  # the idle timer's longest gap settles within seconds


def qt_app():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return app if app is not None else QApplication(["bench"])


def longest_gap(
    until: threading.Event, min_s: float = 0.0, max_s: float = TIMEOUT_S
) -> tuple[int, int, float]:
    """Run a 5 ms precise QTimer until ``until`` is set (and ``min_s`` has passed);
    return (longest gap ns, ticks, seconds)."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    qt_app()
    loop = QEventLoop()
    state = {"last": now_ns(), "gap": 0, "ticks": 0}
    start = time.monotonic()

    def tick() -> None:
        t = now_ns()
        state["gap"] = max(state["gap"], t - state["last"])
        state["last"] = t
        state["ticks"] += 1
        elapsed = time.monotonic() - start
        if (until.is_set() and elapsed >= min_s) or elapsed > max_s:
            loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    state["last"] = now_ns()
    timer.start()
    loop.exec()
    timer.stop()
    return state["gap"], state["ticks"], time.monotonic() - start


def run(ctx: RunContext) -> list[Result]:
    store = open_store(ctx.copy_of_large("fig6.db"))
    changes = ctx.sizes.central_changes
    try:
        with embedded_central(ctx.workdir / "fig6-central.db", changes=changes) as ec:
            client = CentralClient(ec.url, ec.station_id, ec.token)
            engine = SyncEngine(store, client, interval_s=3600)
            done = threading.Event()
            statuses: list[SyncStatus] = []

            def listen(status: SyncStatus) -> None:
                if status.last_success is not None or status.last_error is not None:
                    statuses.append(status)
                    done.set()

            engine.add_listener(listen)
            qt_app()
            if FREEZE:
                gc.collect()
                gc.freeze()
            engine.start()
            try:
                ours_gap, ours_ticks, busy_s = longest_gap(done)
            finally:
                engine.stop()
                client.close()
            idle = threading.Event()
            idle.set()
            bare_gap, bare_ticks, _ = longest_gap(idle, min_s=min(busy_s, IDLE_MAX_S))
    finally:
        store.close()
    if not statuses or statuses[-1].last_error is not None:
        raise RuntimeError(f"sync did not finish cleanly: {statuses[-1:]}")
    left = statuses[-1].pending
    freeze = (
        "; with gc.freeze() before the sync (BENCH_FREEZE=1, not the app's own)" if FREEZE else ""
    )
    return [
        result(
            "6",
            "longest 5 ms QTimer gap while syncing",
            "ms",
            ours_gap / 1e6,
            bare_gap / 1e6,
            TARGET,
            note=f"sync cycle {busy_s:.1f} s: {ctx.sizes.outbox_events} events pushed "
            f"({left} left), {changes} changes pulled; {ours_ticks} ticks vs {bare_ticks} idle"
            f"{freeze}",
        )
    ]
