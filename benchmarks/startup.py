"""Spawning the fresh interpreters of figures 1 and 2 (same interpreter, same platform)."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.context import RunContext
from benchmarks.datagen import copy_store
from benchmarks.harness import NotAvailable, child_env, now_ns

log = logging.getLogger(__name__)
TIMEOUT_S = 120


@dataclass(frozen=True)
class Station:
    """A data dir and the technician's settings of a provisioned station (KIOSK_*)."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)


@contextmanager
def provisioned_station(ctx: RunContext) -> Iterator[Station]:
    """The aged store's copy as a station provisioned for a district: its central (a real
    one, in its own process on 127.0.0.1, as another machine would be) in the settings, so
    the start builds the sync client and the station syncs while it idles, as every
    station in the field does. A station in daily use has delivered what it made: the
    aged store's offline backlog (figure 5's) is marked delivered on this copy, or the
    measured starts would push it to central in the background."""
    from benchmarks.centralbench import embedded_central

    data_dir = kiosk_data_dir(ctx)
    conn = sqlite3.connect(data_dir / "kiosk.db")
    try:
        with conn:
            conn.execute(
                "UPDATE outbox_events SET state = 'sent', sent_at = occurred_at"
                " WHERE state = 'pending'"
            )
    finally:
        conn.close()
    with embedded_central(ctx.workdir / "start-central.db") as central:
        yield Station(
            data_dir,
            {
                "KIOSK_SERVER_URL": central.url,
                "KIOSK_TOKEN": central.token,
                "KIOSK_STATION_ID": central.station_id,
            },
        )


@dataclass(frozen=True)
class Start:
    ready_ns: int  # from spawning the interpreter to the first paint processed
    maxrss_kb: int
    started_ns: int = 0  # the kiosk's store open and services running (0: bare window)


def kiosk_data_dir(ctx: RunContext) -> Path:
    """A data dir holding a copy of the aged store as the kiosk's own store."""
    try:
        import ui.app
        import ui.window  # noqa: F401
    except ModuleNotFoundError as exc:
        raise NotAvailable(f"{exc.name} has not landed") from exc
    folder = ctx.workdir / "kiosk-data"
    folder.mkdir(exist_ok=True)
    copy_store(ctx.large_store().path, folder / "kiosk.db")
    return folder


def start_once(
    mode: str, data_dir: Path, idle_s: float = 0.0, station_env: dict[str, str] | None = None
) -> Start:
    env = child_env(
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        # A provisioned station, configured as a technician would (file + KIOSK_*).
        KIOSK_CONFIG=str(data_dir / "kiosk.toml"),
        KIOSK_STATION_ID="ST-BENCH",
        KIOSK_PRINTER_CONNECTION="dummy:",
        KIOSK_LANGUAGE="zh_CN",
    )
    env.update(station_env or {})
    cmd = [sys.executable, "-m", "benchmarks.startup_child", mode, str(data_dir), str(idle_s)]
    start = now_ns()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    ready_ns, started_ns, rss = 0, 0, 0
    try:
        for line in proc.stdout:
            if line.startswith("READY") and not ready_ns:
                ready_ns = now_ns() - start
            elif line.startswith("STARTED") and not started_ns:
                started_ns = now_ns() - start
            elif line.startswith("MAXRSS"):
                rss = int(line.split()[1])
        proc.wait(TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    err = proc.stderr.read() if proc.stderr else ""
    if not ready_ns or not rss or (mode == "ours" and not started_ns):
        raise RuntimeError(f"{mode} start did not report (rc {proc.returncode}): {err[-400:]}")
    return Start(ready_ns, rss, started_ns)
