"""Figure 6: does the UI stay responsive while the sync engine works? In a fresh kiosk
process started as the ``kiosk`` command starts it (runtime with a server, then
``ui.app.run_app``: the app's own heap and GC policy), the longest gap between ticks of a
5 ms QTimer on the main thread while ``SyncEngine`` (its thread) drains 10,000 outbox events
to central (a child process on 127.0.0.1) and pulls 50,000 changes; against the same
timer in the same app with sync idle (no server), for up to 10 s."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from benchmarks.centralbench import embedded_central
from benchmarks.context import RunContext
from benchmarks.datagen import copy_store
from benchmarks.harness import NotAvailable, Result, Target, child_env, result

log = logging.getLogger(__name__)

TARGET = Target("<=", 50, "abs", "ms")
IDLE_MAX_S = 10.0
TIMEOUT_S = 400


def _data_dir(ctx: RunContext, name: str) -> Path:
    folder = ctx.workdir / name
    folder.mkdir(exist_ok=True)
    copy_store(ctx.large_store().path, folder / "kiosk.db")
    return folder


def _child(data_dir: Path, url: str, station: str, token: str, idle_s: float) -> dict[str, str]:
    cmd = [sys.executable, "-m", "benchmarks.responsive_child", str(data_dir), url, station]
    proc = subprocess.run(
        [*cmd, token, str(idle_s)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env=child_env(),
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("GAP ")), "")
    if not line:
        raise RuntimeError(
            f"kiosk child gave no figure (rc {proc.returncode}): {proc.stderr[-300:]}"
        )
    words = line.split()
    return dict(zip(words[::2], words[1::2], strict=True))


def run(ctx: RunContext) -> list[Result]:
    try:
        import ui.app  # noqa: F401
    except ModuleNotFoundError as exc:
        raise NotAvailable(f"{exc.name} has not landed") from exc
    changes = ctx.sizes.central_changes
    with embedded_central(ctx.workdir / "fig6-central.db", changes=changes) as ec:
        busy = _child(_data_dir(ctx, "fig6-busy"), ec.url, ec.station_id, ec.token, 0)
    idle_s = min(float(busy["SECONDS"]), IDLE_MAX_S)
    idle = _child(_data_dir(ctx, "fig6-idle"), "-", "ST-BENCH", "-", idle_s)
    if busy["ERROR"] != "-":
        raise RuntimeError(f"sync cycle failed: {busy['ERROR']}")
    return [
        result(
            "6",
            "longest 5 ms QTimer gap while syncing",
            "ms",
            int(busy["GAP"]) / 1e6,
            int(idle["GAP"]) / 1e6,
            TARGET,
            note=f"kiosk app process; sync cycle {float(busy['SECONDS']):.1f} s: "
            f"{ctx.sizes.outbox_events} events pushed ({busy['PENDING']} left), {changes} "
            f"changes pulled; {busy['TICKS']} ticks vs {idle['TICKS']} idle; longest gap "
            f"{busy['AT']} s after the first paint (idle: {idle['AT']} s)",
        )
    ]
