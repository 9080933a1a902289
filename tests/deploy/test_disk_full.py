"""Disk full (issue 15, finding 5): named as such, and the code on screen is in the log.

A real full disk: the worker runs in a private mount namespace (``unshare``) whose data
dir is an 8 MiB tmpfs, fills it, and then writes through ``ui.operations`` as a screen
does. Before, the code shown (E-ET8FG) never reached kiosk.log: the log could not be
written either."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("disk_full_worker.py")


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-Urm", "true"], capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.mark.skipif(not _namespaces_work(), reason="no private mount namespaces here")
def test_a_full_disk_is_named_and_its_error_code_is_in_the_log(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    script = f'mount -t tmpfs -o size=8m tmpfs "$1" && exec "{sys.executable}" "{WORKER}" "$1"'
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script, "sh", str(data)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["reserved_at_start"] is True
    assert result["crash_codes"] == []  # not a bug screen: the disk is named
    [code] = result["disk_full_codes"]
    assert code.startswith("E-")
    assert result["reserve_left"] is False  # given back so the log could be written
    assert any("disk is full" in w for w in result["staff_warnings"])
    # kiosk.log (printed by the worker: the tmpfs goes with the namespace) holds the
    # code the resident saw, with the traceback and SQLite's own words.
    log = result["log"]
    at = log.index(code)
    assert "Traceback" in log[at:] and "database or disk is full" in log[at:]


@pytest.mark.skipif(not _namespaces_work(), reason="no private mount namespaces here")
def test_commands_on_a_full_disk_say_so_without_a_traceback(tmp_path):
    """Field test: on a full disk even reading fails (no room for the store's -shm), and
    `kiosk staff list`, `backup now` and doctor said "disk I/O error" (a traceback, or
    doctor's "a damaged store is replaced by the newest backup")."""
    data = tmp_path / "data"
    data.mkdir()
    kiosk = f'"{sys.executable}" -m station --data-dir "$1"'
    script = (
        f'mount -t tmpfs -o size=4m tmpfs "$1" && {kiosk} staff add S01 张三 --pin 1234 && '
        'dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null; '
        f'{kiosk} staff list; echo "rc=$?" >&2; '
        f'{kiosk} backup now; echo "rc=$?" >&2; '
        f'{kiosk} doctor --skip qt-xcb --skip glibc --skip printer; echo "rc=$?" >&2'
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KIOSK_CONFIG": str(tmp_path / "k.toml")}
    proc = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script, "sh", str(data)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    err = proc.stderr
    assert "Traceback" not in err, err[-3000:]
    assert err.count("rc=1") == 3, err[-3000:]
    listing, backup, _doctor = err.split("rc=1")[:3]
    assert "disk is full" in listing and "存储空间已满" in listing and "MB free" in listing
    assert "backup failed" in backup and "disk is full" in backup
    store_line = next(line for line in proc.stdout.splitlines() if " store " in line)
    assert store_line.startswith("FAIL") and "free space on the disk" in store_line
    assert "newest backup" not in store_line


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_log_that_cannot_be_written_says_so_once_not_per_record(capsys):
    """Field test: a kiosk started on a full disk (no reserve could be made) printed a
    "--- Logging error ---" traceback for every record into the journal."""
    import logging

    from kiosk.logs import ReserveFileHandler

    handler = ReserveFileHandler("/dev/full", maxBytes=2_000_000, encoding="utf-8")
    logger = logging.getLogger("tests.full_log")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for i in range(5):
            logger.warning("record %d", i)
    finally:
        logger.removeHandler(handler)
        handler.close()
    err = capsys.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err
    assert err.count("the disk is full") == 1, err
    assert "cannot write /dev/full" in err
