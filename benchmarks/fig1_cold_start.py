"""Figure 1: start to an interactive home screen, the kiosk started through its real entry
point (``station.cli.main``, the ``kiosk`` console script) on a copy of the aged store, as a
station provisioned for its district (its central on 127.0.0.1, in its own process), against
a bare full-screen window showing one CJK label; both offscreen, each in a fresh interpreter,
timed from spawning it.

Two readings of the kiosk: *home painted* (the first paint processed by the running loop)
and *first tap served* (the store open, the services attached, and an event posted at the
first paint handled). Warm starts alternate kiosk and bare after one discarded start that
warms the page cache; min/median/max are reported and the medians compared. Where this
process may drop the page cache (root on Linux), one *cold* start of each follows, after
``echo 3 > /proc/sys/vm/drop_caches``; otherwise the note says it was skipped."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, median, result
from benchmarks.startup import Station, provisioned_station, start_once

log = logging.getLogger(__name__)

PAINT_TARGET = Target("<=", 2.5)
TAP_TARGET = Target("<=", 4)
DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def drop_page_cache() -> bool:
    """Empty the kernel's page cache (a cold start); False where that is not permitted."""
    if os.environ.get("BENCH_NO_DROP_CACHES") or not os.access(DROP_CACHES, os.W_OK):
        return False
    try:
        os.sync()
        DROP_CACHES.write_text("3\n")
    except OSError:
        return False
    return True


def _span(values: list[int]) -> str:
    return f"{min(values) / 1e6:,.0f}/{median(values) / 1e6:,.0f}/{max(values) / 1e6:,.0f} ms"


def run(ctx: RunContext) -> list[Result]:
    with provisioned_station(ctx) as station:
        return _run(ctx, station)


def _run(ctx: RunContext, station: Station) -> list[Result]:
    data_dir, env = station.data_dir, station.env
    if not ctx.sizes.smoke:
        start_once("ours", data_dir, station_env=env)  # a first start warms the disk cache
        start_once("bare", data_dir)
    ours, bare, tapped = [], [], []
    for _ in range(ctx.sizes.cold_starts):
        bare.append(start_once("bare", data_dir).ready_ns)
        run_ = start_once("ours", data_dir, station_env=env)
        ours.append(run_.ready_ns)
        tapped.append(run_.started_ns)
    load = os.getloadavg()[0]
    cold = "cold start skipped (the page cache cannot be dropped here)"
    if not ctx.sizes.smoke and drop_page_cache():
        cold_bare = start_once("bare", data_dir).ready_ns
        drop_page_cache()
        cold_ours = start_once("ours", data_dir, station_env=env)
        cold = (
            f"cold (page cache dropped): bare {cold_bare / 1e6:,.0f} ms, kiosk home "
            f"{cold_ours.ready_ns / 1e6:,.0f} ms, first tap {cold_ours.started_ns / 1e6:,.0f} ms"
        )
    common = (
        f"{len(ours)} warm starts each, interleaved, the kiosk provisioned (central on "
        f"127.0.0.1); load average {load:.1f}"
    )
    return [
        result(
            "1 paint",
            "`kiosk` start to home painted (median)",
            "ms",
            median(ours) / 1e6,
            median(bare) / 1e6,
            PAINT_TARGET,
            note=f"{common}; min/median/max kiosk {_span(ours)}, bare labelled window "
            f"{_span(bare)}; {cold}",
        ),
        result(
            "1 tap",
            "`kiosk` start to first tap served (median)",
            "ms",
            median(tapped) / 1e6,
            median(bare) / 1e6,
            TAP_TARGET,
            note=f"{common}; min/median/max {_span(tapped)}: store open, services attached "
            "and a tap posted at the first paint handled",
        ),
    ]
