"""SIGTERM (systemd stopping the kiosk) stops the workers and closes the store cleanly.

A real ``kiosk`` process with the real UI on the offscreen platform, signalled once its
window is up; then the store it leaves behind is inspected."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from kiosk.config import Config, save_config
from tests.deploy.helpers import make_store

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIOSK_CONFIG=str(tmp_path / "kiosk.toml"),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_for(proc: subprocess.Popen[bytes], needle: bytes, timeout: float = 90) -> bytes:
    """Read stderr (unbuffered, so communicate() later misses nothing) until ``needle``;
    the deadline only guards against a hung child."""
    assert proc.stderr is not None
    fd = proc.stderr.fileno()
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 65536) if ready else b""
        if not chunk:  # exited, or hung, before the UI came up
            code = proc.poll()
            proc.kill()
            raise AssertionError(
                f"{needle!r} never appeared (exit code {code}):\n{seen.decode()[-4000:]}"
            )
        seen += chunk
    return seen


def _assert_clean_store(db: Path) -> None:
    wal = Path(f"{db}-wal")
    # The last connection's close checkpoints the WAL and removes it: nothing to recover.
    assert not wal.exists() or wal.stat().st_size == 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def _sigterm_run(args: list[str], env: dict[str, str], after: bytes = b"UI up") -> tuple[int, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", *args, "-platform", "offscreen"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        before = _wait_for(proc, after)
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, (before + rest).decode(errors="replace")


def test_sigterm_stops_a_provisioned_station_cleanly(tmp_path):
    data = tmp_path / "data"
    cfg = Config(
        station_id="ST-SIG",
        data_dir=str(data),
        printer_connection=f"preview://{tmp_path / 'receipts'}",
    )
    save_config(cfg, tmp_path / "kiosk.toml")
    make_store(cfg.store_path(), 5)  # unsent events: no server configured
    # The backup thread's first pass begins once the start is over (UI up, or a moment
    # before or after it): the signal waits for the daily backup it makes.
    code, output = _sigterm_run([], _env(tmp_path), after=b"store backed up to")
    assert code == 0, output[-4000:]
    assert "UI up" in output and "signal SIGTERM: stopping" in output
    _assert_clean_store(cfg.store_path())
    log = (data / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "kiosk stopped" in log and "Traceback" not in log
    assert list((data / "backups").glob("kiosk-*.db"))  # the daily backup ran at start


def test_sigterm_stops_the_demo_station_cleanly(tmp_path):
    demo = tmp_path / "demo"
    demo.mkdir()
    code, output = _sigterm_run(["--demo", "--demo-dir", str(demo)], _env(tmp_path))
    assert code == 0, output[-4000:]
    _assert_clean_store(demo / "kiosk.db")
    log = (demo / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "kiosk stopped" in log
