"""``kiosk backup restore FILE``: a backup put in place of the store, by hand.

Field test: docs §10 said to ``cp <backup> <data dir>/kiosk.db`` with the kiosk stopped.
After a kiosk that had been killed (power cut, kill -9) its ``kiosk.db-wal`` still held
the newest pages, SQLite replayed them onto the copied backup at the next open, and the
"restored" store was the old one again: 59 staff where the backup had 1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from kiosk.backup import list_backups
from station.cli import main

ROOT = Path(__file__).resolve().parents[2]

# A kiosk that writes and is then killed before it could close the store.
WRITER = """
import sys, time
from kiosk.staff import add_staff
from kiosk.store import open_store
store = open_store(sys.argv[1])
with store.begin() as session:
    for i in range(2, 40):
        add_staff(session, f"S{i:02d}", f"名{i}", "staff", "2345")
print("written", flush=True)
time.sleep(60)
"""


def staff_ids(data: Path, capsys) -> list[str]:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--data-dir", str(data), "staff", "list"]) == 0
    return sorted(line.split("\t")[0] for line in capsys.readouterr().out.splitlines())


def start_writer(store: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "written"
    return proc


def test_restore_after_a_killed_kiosk_really_restores(tmp_path, capsys):
    data = tmp_path / "data"
    store = data / "kiosk.db"
    assert main(["--data-dir", str(data), "staff", "add", "S01", "张三", "--pin", "1234"]) == 0
    assert main(["--data-dir", str(data), "backup", "now"]) == 0
    (backup,) = list_backups(data)
    writer = start_writer(store)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert Path(f"{store}-wal").stat().st_size > 0  # the killed kiosk's newest pages
    capsys.readouterr()
    assert main(["--data-dir", str(data), "backup", "restore", str(backup)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "kiosk backup salvage" in out
    assert staff_ids(data, capsys) == ["S01"]
    # The store that was there is kept whole, with its log: nothing is lost.
    (previous,) = (data / "replaced").glob("*.db")
    assert Path(f"{previous}-wal").exists()
    assert len(staff_ids_of(previous)) == 39


def staff_ids_of(path: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM staff")]
    finally:
        conn.close()


def test_restore_is_refused_while_the_kiosk_runs_and_for_a_bad_backup(tmp_path, capsys):
    data = tmp_path / "data"
    store = data / "kiosk.db"
    assert main(["--data-dir", str(data), "staff", "add", "S01", "张三", "--pin", "1234"]) == 0
    assert main(["--data-dir", str(data), "backup", "now"]) == 0
    (backup,) = list_backups(data)
    writer = start_writer(store)
    try:
        capsys.readouterr()
        assert main(["--data-dir", str(data), "backup", "restore", str(backup)]) == 1
        err = capsys.readouterr().err
        assert "stop the kiosk first" in err and "请先停止自助机" in err
    finally:
        writer.kill()
        writer.wait()
    assert not (data / "replaced").exists()
    damaged = tmp_path / "half.db"
    damaged.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    assert main(["--data-dir", str(data), "backup", "restore", str(damaged)]) == 1
    err = capsys.readouterr().err
    assert "left as it was" in err and "fails its check" in err
    assert len(staff_ids(data, capsys)) == 39  # untouched (the killed writer's 38 and S01)


def test_a_store_cut_to_nothing_is_restored_not_started_empty(tmp_path, capsys):
    """Field test: a 0-byte kiosk.db (a failed copy, `> kiosk.db`) beside good backups:
    `kiosk staff list` turned it into a new empty store, doctor said OK throughout, and
    the start found nothing to restore: the station ran empty."""
    from kiosk.backup import last_restore_notice, open_checked_store

    data = tmp_path / "data"
    store = data / "kiosk.db"
    assert main(["--data-dir", str(data), "staff", "add", "S01", "张三", "--pin", "1234"]) == 0
    assert main(["--data-dir", str(data), "backup", "now"]) == 0
    store.write_bytes(b"")
    capsys.readouterr()
    assert main(["--data-dir", str(data), "staff", "list"]) == 1
    err = capsys.readouterr().err
    assert "The store file is empty (0 bytes) but backups exist" in err and "0 字节" in err
    assert store.stat().st_size == 0  # left for the start to restore
    assert main(["--data-dir", str(data), "doctor", "--skip", "qt-xcb", "--skip", "glibc",
                 "--skip", "printer"]) == 1  # fmt: skip
    out = capsys.readouterr().out
    (line,) = [ln for ln in out.splitlines() if " store " in ln]
    assert line.startswith("FAIL") and "0 bytes" in line and "restores the newest backup" in line
    open_checked_store(store, data).close()  # what the start does
    notice = last_restore_notice(data)
    assert notice is not None and notice.backup_file is not None
    assert staff_ids(data, capsys) == ["S01"]
