"""Figure 1: cold start to an interactive home screen on the large store, offscreen, in a
fresh interpreter, against a bare PySide6 window in a fresh interpreter (same platform).
Both are timed from spawning the interpreter to the first paint processed by the running
event loop; runs alternate, and the medians are compared. The kiosk paints home before it
opens the store and starts its services; when those run is in the note."""

from __future__ import annotations

import logging

from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, median, result
from benchmarks.startup import kiosk_data_dir, start_once

log = logging.getLogger(__name__)

TARGET = Target("<=", 3)


def run(ctx: RunContext) -> list[Result]:
    data_dir = kiosk_data_dir(ctx)
    if not ctx.sizes.smoke:
        start_once("ours", data_dir)  # a first start warms the disk cache for both
    ours, bare, started = [], [], []
    for _ in range(ctx.sizes.cold_starts):
        bare.append(start_once("bare", data_dir).ready_ns)
        run = start_once("ours", data_dir)
        ours.append(run.ready_ns)
        started.append(run.started_ns)
    return [
        result(
            "1",
            "cold start to home (median)",
            "ms",
            median(ours) / 1e6,
            median(bare) / 1e6,
            TARGET,
            note=f"{len(ours)} starts each, interpreter spawn to first paint; "
            f"ours {min(ours) / 1e6:.0f}–{max(ours) / 1e6:.0f} ms; store open and "
            f"services running at {median(started) / 1e6:,.0f} ms (median)",
        )
    ]
