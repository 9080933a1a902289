"""A backup that never finished (the kiosk killed or the power cut mid-copy, the disk full)
must not leave its half-written copy in ``backups/``: on a three-year store each one is
~680 MB, and a station that is killed during its daily backup a few times fills its disk.

Field test (round 5): two SIGKILLs during the start-up backup of the aged store left
1.2 GB of ``kiosk-*.db.part`` (+ ``-journal``) that nothing ever removed."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk import backup
from tests.deploy.helpers import make_store

ROOT = Path(__file__).resolve().parents[2]


def leftovers(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "backups").iterdir() if ".part" in p.name)


def test_a_backup_killed_mid_copy_leaves_nothing_after_the_next_backup(tmp_path):
    src = tmp_path / "kiosk.db"
    make_store(src, 5)
    conn = sqlite3.connect(src)  # ~40 MB more, so the copy can be caught half way
    conn.execute("CREATE TABLE ballast (b BLOB)")
    conn.executemany("INSERT INTO ballast VALUES (randomblob(8000))", [()] * 5000)
    conn.commit()
    conn.close()
    # The copy runs page by page in a process of its own, as the kiosk's backup does,
    # and is killed as soon as its half-written file is on disk.
    code = "import sys; from kiosk import backup; backup.backup_now(sys.argv[1], sys.argv[2])"
    proc = subprocess.Popen([sys.executable, "-c", code, str(src), str(tmp_path)], cwd=ROOT)
    deadline = time.monotonic() + 60
    part = None
    while time.monotonic() < deadline and proc.poll() is None:
        found = list((tmp_path / "backups").glob("*.db.part"))
        if found and found[0].stat().st_size > 0:
            part = found[0]
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if part is None:
        pytest.skip("the copy finished before it could be killed")
    assert leftovers(tmp_path)  # the killed copy's file is there

    # The next day's backup (a name of its own: the killed one's is never reused).
    made = backup.backup_now(src, tmp_path, now=datetime.now(UTC) + timedelta(days=1))

    assert leftovers(tmp_path) == []
    assert backup.list_backups(tmp_path) == [made]


def test_a_failed_backup_leaves_no_half_written_file(tmp_path):
    with pytest.raises(backup.BackupError):
        backup.backup_now(tmp_path / "nope" / "kiosk.db", tmp_path)
    assert leftovers(tmp_path) == []


def test_kiosk_backup_now_that_fails_tells_the_technician_why(tmp_path, capsys):
    """Field test: on a full disk `kiosk backup now` said only "The data backup failed;
    please call a technician" to the technician typing it. The reason goes with it."""
    from station.cli import main

    data = tmp_path / "data"
    data.mkdir()
    (data / "kiosk.db").write_bytes(b"not a database at all, " * 200)
    assert main(["--data-dir", str(data), "backup", "now"]) == 1
    err = capsys.readouterr().err
    assert "数据备份失败" in err and "The data backup failed" in err
    assert "file is not a database" in err
    assert leftovers(data) == []


def test_the_salvage_log_line_stays_a_line_on_a_three_year_store(tmp_path, caplog):
    """Field test: restoring the aged store logged one WARNING line holding every day's
    ticket counter of the damaged file (~1,100 entries), tens of kilobytes in kiosk.log."""
    import logging

    from kiosk.salvage import salvage_outbox
    from kiosk.store import open_store

    damaged = tmp_path / "old.db"
    make_store(damaged, 3)
    conn = sqlite3.connect(damaged)
    first = datetime(2023, 12, 1)
    conn.executemany(
        "INSERT INTO ticket_sequences (day, last) VALUES (?, ?)",
        [((first + timedelta(days=d)).strftime("%Y%m%d"), 137) for d in range(1100)],
    )
    conn.commit()
    conn.close()
    live = open_store(tmp_path / "kiosk.db")
    try:
        with caplog.at_level(logging.WARNING, logger="kiosk.salvage"):
            result = salvage_outbox(damaged, live)
    finally:
        live.close()
    assert len(result.tickets) == 1100  # all of them are still used
    lines = [r.getMessage() for r in caplog.records if "salvaged outbox" in r.getMessage()]
    assert len(lines) == 1 and len(lines[0]) < 400, lines[0][:600]
    assert "copied 3" in lines[0] and "1100 days" in lines[0]
