"""A store a command cannot use: its ``-wal`` deleted while the kiosk runs (a technician
"cleaning up"), or the file cut short. ``kiosk`` commands say so in words and exit 1; the
running kiosk loses nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from station.cli import main

ROOT = Path(__file__).resolve().parents[2]

# The running kiosk, as far as the store goes: a Store held open that writes when told.
HOLDER = """
import sys
from kiosk.staff import add_staff
from kiosk.store import open_store
store = open_store(sys.argv[1])
with store.begin() as session:
    add_staff(session, "S02", "李四", "staff", "2345")
print("ready", flush=True)
sys.stdin.readline()
with store.begin() as session:
    add_staff(session, "S03", "王五", "staff", "3456")
store.close()
print("closed", flush=True)
"""


def test_other_commands_name_the_missing_wal_and_nothing_is_lost(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "staff", "add", "S01", "张三", "--pin", "1234"]) == 0
    store = data / "kiosk.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        Path(f"{store}-wal").unlink()
        capsys.readouterr()
        # Before: "sqlite3.OperationalError: disk I/O error" and a 40-line traceback.
        assert main(["--data-dir", str(data), "staff", "list"]) == 1
        err = capsys.readouterr().err
        assert f"{store}-wal" in err and "write-ahead log" in err and "预写日志" in err
        assert "not kill -9" in err and "disk I/O error" in err
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "closed"
        assert holder.wait(timeout=30) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    # Stopped normally, the kiosk wrote its log back: every account is there.
    assert main(["--data-dir", str(data), "staff", "list"]) == 0
    out = capsys.readouterr().out
    assert [line.split("\t")[0] for line in out.splitlines()] == ["S01", "S02", "S03"]


def test_doctor_and_backup_name_the_missing_wal(tmp_path, capsys):
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "staff", "add", "S01", "张三", "--pin", "1234"]) == 0
    store = data / "kiosk.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "ready"
        Path(f"{store}-wal").unlink()
        capsys.readouterr()
        machine = ["--skip", "qt-xcb", "--skip", "glibc", "--skip", "printer"]
        assert main(["--data-dir", str(data), "doctor", *machine]) == 1
        out = capsys.readouterr().out
        (integrity,) = [line for line in out.splitlines() if " integrity " in line]
        # Before: "check crashed: OperationalError: disk I/O error → send this output ..."
        assert integrity.startswith("FAIL") and "crashed" not in integrity
        assert "disk I/O error" in integrity and "write-ahead log" in integrity
        assert main(["--data-dir", str(data), "backup", "now"]) == 1
        err = capsys.readouterr().err
        assert "backup failed" in err and "write-ahead log" in err and "预写日志" in err
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "closed"
    finally:
        holder.kill()
        holder.wait()


def test_a_store_truncated_in_the_middle_is_called_damaged_with_the_fix(tmp_path, capsys):
    """A store cut short (a copy interrupted, a card failing): `staff list` ended in a
    traceback, `backup now` said only "backup failed"."""
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "staff", "add", "S01", "张三", "--pin", "1234"]) == 0
    assert main(["--data-dir", str(data), "backup", "now"]) == 0
    store = data / "kiosk.db"
    os.truncate(store, store.stat().st_size // 2)
    capsys.readouterr()
    assert main(["--data-dir", str(data), "staff", "list"]) == 1
    err = capsys.readouterr().err
    assert "The store is damaged" in err and "数据文件已损坏" in err
    assert "restores the newest backup" in err and "malformed" in err
    assert main(["--data-dir", str(data), "backup", "now"]) == 1
    err = capsys.readouterr().err
    assert "backup failed" in err and "The store is damaged" in err
