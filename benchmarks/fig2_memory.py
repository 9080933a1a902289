"""Figure 2: peak memory of a fresh kiosk process after sitting idle on the home screen,
against the same bare PySide6 window idling as long. Peak = VmHWM of the child (its
ru_maxrss on Linux also counts the parent's RSS at fork; see startup_child.peak_rss_kb)."""

from __future__ import annotations

import logging

from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, median, result
from benchmarks.startup import kiosk_data_dir, start_once

log = logging.getLogger(__name__)

TARGET = Target("<=", 2)
IDLE_S = 2.0
RUNS = 3


def run(ctx: RunContext) -> list[Result]:
    data_dir = kiosk_data_dir(ctx)
    idle = 0.2 if ctx.sizes.smoke else IDLE_S
    runs = 1 if ctx.sizes.smoke else RUNS
    ours = [start_once("ours", data_dir, idle).maxrss_kb for _ in range(runs)]
    bare = [start_once("bare", data_dir, idle).maxrss_kb for _ in range(runs)]
    return [
        result(
            "2",
            "peak memory at home, idle",
            "MiB",
            median(ours) / 1024,
            median(bare) / 1024,
            TARGET,
            note=f"peak RSS (VmHWM) after {idle:g} s idle, median of {runs}",
        )
    ]
