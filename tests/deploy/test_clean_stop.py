"""The store's whole-file check at start runs only after an unclean stop (issue 16).

``PRAGMA quick_check`` over a three-year store took 3 s before the kiosk served its first
tap. A clean stop now leaves ``clean-stop.json``; the next start opens the store at once
and checks it on the backup thread. These tests start the real runtime on real SQLite
files, stop it cleanly or kill its process, and damage the file as a failing card does."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from kiosk import backup, health
from kiosk.config import Config
from kiosk.store import open_store
from kiosk.store.models import OutboxEvent
from station import runtime
from tests.deploy.helpers import corrupt_middle_of_outbox, fill_outbox, make_store

ROOT = Path(__file__).resolve().parents[2]


def _station(tmp_path: Path) -> tuple[Config, list[str]]:
    """A station with a backup an hour old and 120 unsent events in its store."""
    cfg = Config(
        station_id="ST-CLEAN", data_dir=str(tmp_path / "data"), printer_connection="dummy:"
    )
    ids = make_store(cfg.store_path(), 120)
    backup.backup_now(cfg.store_path(), cfg.data_dir, now=datetime.now(UTC) - timedelta(hours=1))
    return cfg, ids


def _damage_keeping_stat(path: Path) -> None:
    """Damage pages the way bit rot does: the file's size and times stay as they were."""
    st = path.stat()
    corrupt_middle_of_outbox(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _wait_for_check(rt: runtime.Runtime, timeout_s: float = 30.0) -> list[str] | None:
    end = time.monotonic() + timeout_s
    while rt.backups.damage is None and time.monotonic() < end:
        time.sleep(0.05)
    return rt.backups.damage


def _messages(caplog, thread: str | None = None) -> list[str]:
    return [r.getMessage() for r in caplog.records if thread is None or r.threadName == thread]


def test_after_a_clean_stop_the_store_opens_at_once_and_is_checked_after_start(tmp_path, caplog):
    cfg, _ids = _station(tmp_path)
    caplog.set_level(logging.INFO, logger="kiosk.backup")
    runtime.start(cfg).stop()  # first start: no marker, checked before opening
    marker = Path(cfg.data_dir) / backup.CLEAN_STOP
    assert marker.exists()

    caplog.clear()
    rt = runtime.start(cfg)
    try:
        assert not marker.exists()  # consumed: a kill from now on means a check next time
        assert any("last stop was clean" in m for m in _messages(caplog))
        assert _wait_for_check(rt) == []
        assert any("checked after start: sound" in m for m in _messages(caplog, "backup"))
    finally:
        rt.stop()
    assert marker.exists()
    assert health.warnings(cfg.data_dir, cfg.store_path(), "zh_CN") == []


def test_a_file_changed_after_the_clean_stop_is_checked_and_restored_before_opening(tmp_path):
    cfg, _ids = _station(tmp_path)
    runtime.start(cfg).stop()
    corrupt_middle_of_outbox(cfg.store_path())  # written to: its mtime moved

    rt = runtime.start(cfg)
    rt.stop()
    notice = backup.last_restore_notice(cfg.data_dir)
    assert notice is not None and notice.backup_file is not None
    assert (Path(cfg.data_dir) / "corrupt").exists()
    assert backup.integrity_problems(cfg.store_path()) == []


def test_damage_found_after_start_warns_staff_and_is_restored_at_the_next_start(tmp_path):
    cfg, ids = _station(tmp_path)
    runtime.start(cfg).stop()
    _damage_keeping_stat(cfg.store_path())  # the marker still matches the file

    rt = runtime.start(cfg)
    try:
        assert backup.last_restore_notice(cfg.data_dir) is None  # opened without the check
        assert _wait_for_check(rt)  # ... and the backup thread found the damage
        zh = health.warnings(cfg.data_dir, cfg.store_path(), "zh_CN")
        en = health.warnings(cfg.data_dir, cfg.store_path(), "en")
        assert any("发现损坏" in w and "重启" in w for w in zh), zh
        assert any("found the kiosk's data file damaged" in w for w in en), en
    finally:
        rt.stop()
    assert not (Path(cfg.data_dir) / backup.CLEAN_STOP).exists()  # damage: no clean marker

    rt = runtime.start(cfg)
    try:
        with rt.store.read() as s:
            pending = set(s.scalars(select(OutboxEvent.id).where(OutboxEvent.state == "pending")))
    finally:
        rt.stop()
    notice = backup.last_restore_notice(cfg.data_dir)
    assert notice is not None and notice.backup_file is not None
    assert set(ids) == pending  # all were in the backup
    assert health.warnings(cfg.data_dir, cfg.store_path(), "zh_CN") == []
    assert backup.integrity_problems(cfg.store_path()) == []


KILLED_CHILD = """
import os, signal, sys
from kiosk.config import Config
from station import runtime
cfg = Config(station_id="ST-CLEAN", data_dir=sys.argv[1], printer_connection="dummy:")
rt = runtime.start(cfg)
print("started", flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # a power cut, as far as the store can tell
"""


def test_a_killed_run_means_the_whole_file_check_before_opening_next_time(tmp_path):
    cfg, ids = _station(tmp_path)
    runtime.start(cfg).stop()
    assert (Path(cfg.data_dir) / backup.CLEAN_STOP).exists()
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, cfg.data_dir],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL and "started" in proc.stdout, proc.stderr[-800:]
    store = open_store(cfg.store_path())
    try:
        after = fill_outbox(store, 30, tag="after")  # only in the live file
    finally:
        store.close()
    # Damage that leaves the file looking untouched is still found: the kill consumed the
    # marker, so this start checks before it opens, restores and salvages.
    _damage_keeping_stat(cfg.store_path())
    rt = runtime.start(cfg)
    try:
        notice = backup.last_restore_notice(cfg.data_dir)
        assert notice is not None and notice.backup_file is not None
        assert notice.salvaged > 0
        with rt.store.read() as s:
            pending = set(s.scalars(select(OutboxEvent.id).where(OutboxEvent.state == "pending")))
        assert set(ids) <= pending and pending & set(after)
    finally:
        rt.stop()
