"""Figure 2: peak memory of the kiosk started through its real entry point (the ``kiosk``
console script) as a station provisioned for its district (its central on 127.0.0.1: the
sync client is built and the station syncs while it idles), once the work its start set
going in the background has ended (the backup thread's first pass) and after idling on home
with its services running, against the bare window with one CJK label idling as long.
Peak = VmHWM of the child (its ru_maxrss on Linux also counts the parent's RSS at fork; see
startup_child.peak_rss_kb). Runs alternate."""

from __future__ import annotations

import logging
import os

from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, median, result
from benchmarks.startup import Station, provisioned_station, start_once

log = logging.getLogger(__name__)

TARGET = Target("<=", 1.8)
IDLE_S = 2.0
RUNS = 5


def run(ctx: RunContext) -> list[Result]:
    with provisioned_station(ctx) as station:
        return _run(ctx, station)


def _run(ctx: RunContext, station: Station) -> list[Result]:
    data_dir = station.data_dir
    idle = 0.2 if ctx.sizes.smoke else IDLE_S
    runs = 1 if ctx.sizes.smoke else RUNS
    ours, bare = [], []
    for _ in range(runs):
        ours.append(start_once("ours", data_dir, idle, station.env).maxrss_kb / 1024)
        bare.append(start_once("bare", data_dir, idle).maxrss_kb / 1024)
    return [
        result(
            "2",
            "peak memory at home, idle",
            "MiB",
            median(ours),
            median(bare),
            TARGET,
            note=f"the kiosk provisioned (central on 127.0.0.1, syncing); "
            f"peak RSS (VmHWM) once the start's background work has ended (the backup "
            f"thread's first pass: whole-file check, chores) and after {idle:g} s idle, {runs} "
            f"runs each, interleaved: kiosk {min(ours):.1f}/{median(ours):.1f}/"
            f"{max(ours):.1f} MiB, bare labelled window {min(bare):.1f}/{median(bare):.1f}/"
            f"{max(bare):.1f} MiB (min/median/max); load average {os.getloadavg()[0]:.1f}",
        )
    ]
