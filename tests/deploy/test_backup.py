"""Backups, restore at start and outbox salvage on real SQLite files damaged on disk."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk import backup
from kiosk.backup_schedule import BackupScheduler
from kiosk.salvage import SalvageError, read_outbox_rows, salvage_outbox
from kiosk.store import open_store
from kiosk.store.models import OutboxEvent
from tests.deploy.helpers import corrupt_middle_of_outbox, fill_outbox, make_store


def outbox_ids(path: Path, state: str = "pending") -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT id FROM outbox_events WHERE state=?", (state,))}
    finally:
        conn.close()


def test_online_backup_while_the_store_is_open_and_written(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    try:
        fill_outbox(store, 5)
        made = backup.backup_now(store.path, tmp_path)
        fill_outbox(store, 3, tag="later")  # the live store keeps going
    finally:
        store.close()
    assert made.parent == tmp_path / "backups"
    assert not Path(f"{made}-wal").exists()  # self-contained
    assert backup.integrity_problems(made) == []
    assert len(outbox_ids(made)) == 5
    assert backup.list_backups(tmp_path) == [made]


def test_retention_keeps_keep_days_backups_and_those_younger(tmp_path):
    src = tmp_path / "kiosk.db"
    make_store(src, 1)
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    for days in [*range(16), 40]:
        backup.backup_now(src, tmp_path, now=now - timedelta(days=days))
    removed = backup.prune(tmp_path, keep_days=14, now=now)
    assert sorted(backup.backup_time(p) for p in removed) == [
        now - timedelta(days=40),
        now - timedelta(days=15),
    ]
    assert len(backup.list_backups(tmp_path)) == 15
    # A station switched off for months keeps its last backups: age counts from the
    # newest backup, not from the clock.
    backup.prune(tmp_path, keep_days=14, now=now + timedelta(days=100))
    assert len(backup.list_backups(tmp_path)) == 15


def test_a_clock_a_year_ahead_neither_prunes_the_backups_nor_stops_them(tmp_path):
    """Issue 15, finding 4: a clock 400 days ahead pruned every backup, and once it was
    put right no backup was taken again (the newest looked 9600 h in the future)."""
    src = tmp_path / "kiosk.db"
    make_store(src, 1)
    real = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    for day in range(20, 0, -1):  # 20 daily backups
        backup.daily_backup(src, tmp_path, keep_days=14, now=real - timedelta(days=day))
    assert len(backup.list_backups(tmp_path)) == 15  # 14 days back from the newest
    wrong = real + timedelta(days=400)
    made = backup.daily_backup(src, tmp_path, keep_days=14, now=wrong)
    assert made is not None
    kept = backup.list_backups(tmp_path)
    assert len(kept) >= 14  # never all but one
    assert backup.future_backups(tmp_path, now=real) == [made]
    # The clock is put right: the next check takes a backup again, the older ones stay.
    assert backup.backup_due(tmp_path, now=real)
    again = backup.daily_backup(src, tmp_path, keep_days=14, now=real)
    assert again is not None and again in backup.list_backups(tmp_path)
    assert backup.newest_plausible(tmp_path, now=real) == real
    assert not backup.backup_due(tmp_path, now=real + timedelta(hours=2))


def test_daily_backup_runs_once_a_day(tmp_path):
    src = tmp_path / "kiosk.db"
    make_store(src, 1)
    scheduler = BackupScheduler(src, tmp_path, keep_days=14)
    assert scheduler.run_once() is not None
    assert scheduler.run_once() is None  # the one from a moment ago is fresh enough
    assert not backup.backup_due(tmp_path)
    assert backup.backup_due(tmp_path, now=datetime.now(UTC) + timedelta(hours=25))


def test_scheduler_thread_backs_up_at_start_and_stops(tmp_path):
    src = tmp_path / "kiosk.db"
    make_store(src, 1)
    scheduler = BackupScheduler(src, tmp_path, keep_days=14)
    scheduler.start()
    scheduler.stop()  # the first check runs before the thread waits
    assert len(backup.list_backups(tmp_path)) == 1
    assert scheduler._thread is not None and not scheduler._thread.is_alive()


def test_a_held_first_pass_waits_for_release_and_a_stop_ends_the_wait(tmp_path):
    """The kiosk holds the first pass (check, backup, chores) until its start is over; a
    stop before that ends the thread at once, having read nothing."""
    src = tmp_path / "kiosk.db"
    make_store(src, 1)
    held = BackupScheduler(src, tmp_path, keep_days=14, check_store=True, hold_first_pass=True)
    held.start()
    time.sleep(0.3)
    assert held.damage is None and backup.list_backups(tmp_path) == []  # nothing yet
    held.release()
    deadline = time.monotonic() + 30
    while held.damage is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert held.damage == []  # checked: sound
    held.stop()
    assert len(backup.list_backups(tmp_path)) == 1

    other = tmp_path / "other"
    other.mkdir()
    never = BackupScheduler(src, other, keep_days=14, check_store=True, hold_first_pass=True)
    never.start()
    began = time.monotonic()
    never.stop()
    assert time.monotonic() - began < 2.0
    assert never._thread is not None and not never._thread.is_alive()
    assert never.damage is None and backup.list_backups(other) == []


def test_a_backup_of_a_missing_store_fails_with_a_typed_error(tmp_path):
    with pytest.raises(backup.BackupError):
        backup.backup_now(tmp_path / "nope" / "kiosk.db", tmp_path)


def test_integrity_check_finds_overwritten_pages(tmp_path):
    path = tmp_path / "kiosk.db"
    make_store(path, 200)
    assert backup.integrity_problems(path) == []
    corrupt_middle_of_outbox(path)
    assert backup.integrity_problems(path)
    assert backup.integrity_problems(path, quick=True)


def test_garbage_instead_of_a_database_counts_as_damage(tmp_path):
    path = tmp_path / "kiosk.db"
    path.write_bytes(b"\x00garbage" * 1000)
    assert backup.integrity_problems(path)


def test_sound_store_is_left_alone_at_start(tmp_path):
    path = tmp_path / "kiosk.db"
    make_store(path, 3)
    store = backup.open_checked_store(path, tmp_path)
    store.close()
    assert backup.last_restore_notice(tmp_path) is None
    assert not (tmp_path / "corrupt").exists()


def test_corrupt_store_at_start_is_restored_from_newest_backup_and_salvaged(tmp_path):
    path = tmp_path / "kiosk.db"
    in_backup = make_store(path, 150, sent=20)
    backup.backup_now(path, tmp_path, now=datetime.now(UTC) - timedelta(days=2))
    newest = backup.backup_now(path, tmp_path)
    store = open_store(path)
    after_backup = fill_outbox(store, 150, tag="after")  # only in the live file
    store.close()
    damaged = corrupt_middle_of_outbox(path)

    store = backup.open_checked_store(path, tmp_path)
    try:
        with store.begin() as s:
            pending = set(s.scalars(select(OutboxEvent.id).where(OutboxEvent.state == "pending")))
            total = s.scalar(select(func.count()).select_from(OutboxEvent))
    finally:
        store.close()
    notice = backup.last_restore_notice(tmp_path)
    assert notice is not None and notice.backup_file == str(newest)
    assert Path(notice.corrupt_file).parent == tmp_path / "corrupt"
    assert Path(notice.corrupt_file).exists()
    assert notice.problems
    # Everything the backup held, plus what was readable of the later events.
    assert set(in_backup) <= pending
    recovered = set(after_backup) & pending
    assert notice.salvaged == len(recovered) > 0
    assert notice.salvage_unreadable > 0  # the rows on the damaged pages
    assert len(recovered) + notice.salvage_unreadable >= len(after_backup) - len(damaged)
    assert total == 150 + 20 + len(recovered)  # no duplicates of what the backup held
    assert backup.integrity_problems(path) == []

    backup.acknowledge_restore_notice(tmp_path)
    assert backup.last_restore_notice(tmp_path) is None
    assert json.loads((tmp_path / backup.NOTICE).read_text())["seen"] is True


def test_corrupt_store_without_backup_starts_empty_and_says_so(tmp_path):
    path = tmp_path / "kiosk.db"
    ids = make_store(path, 120)
    corrupt_middle_of_outbox(path)
    store = backup.open_checked_store(path, tmp_path)
    store.close()
    notice = backup.last_restore_notice(tmp_path)
    assert notice is not None and notice.backup_file is None
    assert 0 < notice.salvaged < len(ids)
    assert outbox_ids(path) <= set(ids)


def test_a_damaged_newest_backup_is_passed_over(tmp_path):
    path = tmp_path / "kiosk.db"
    make_store(path, 120)
    older = backup.backup_now(path, tmp_path, now=datetime.now(UTC) - timedelta(days=1))
    newest = backup.backup_now(path, tmp_path)
    corrupt_middle_of_outbox(newest)
    corrupt_middle_of_outbox(path)
    backup.open_checked_store(path, tmp_path).close()
    notice = backup.last_restore_notice(tmp_path)
    assert notice is not None and notice.backup_file == str(older)


def test_salvage_by_hand_is_idempotent(tmp_path):
    damaged = tmp_path / "old.db"
    ids = make_store(damaged, 120, sent=10)
    corrupt_middle_of_outbox(damaged)
    store = open_store(tmp_path / "kiosk.db")
    try:
        first = salvage_outbox(damaged, store)
        second = salvage_outbox(damaged, store)
    finally:
        store.close()
    assert first.copied > 0 and first.unreadable > 0
    assert second.copied == 0 and second.skipped == first.copied
    assert outbox_ids(tmp_path / "kiosk.db") <= set(ids)


def test_salvage_of_a_sound_file_reads_in_bulk(tmp_path):
    src = tmp_path / "old.db"
    make_store(src, 4, sent=3)
    rows, unreadable = read_outbox_rows(src)
    assert (len(rows), unreadable) == (7, 0)


def test_salvage_of_a_missing_file_is_a_typed_error(tmp_path):
    store = open_store(tmp_path / "kiosk.db")
    try:
        with pytest.raises(SalvageError):
            salvage_outbox(tmp_path / "missing.db", store)
    finally:
        store.close()


def test_notice_text_for_staff_in_both_languages(tmp_path):
    notice = backup.RestoreNotice(
        at="2026-11-23T08:00:00+00:00",
        corrupt_file="x",
        problems=["p"],
        backup_file="b",
        backup_taken="2026-11-22T03:00:00+00:00",
        salvaged=7,
    )
    assert "2026-11-22 03:00" in backup.notice_text(notice) and "7" in backup.notice_text(notice)
    assert "restored" in backup.notice_text(notice, "en")
    notice.backup_file = None
    assert "no backup" in backup.notice_text(notice, "en")


# --- the command ---------------------------------------------------------------------


def test_backup_command_now_list_salvage_notice(tmp_path, capsys):
    from station.cli import main

    data = tmp_path / "data"
    live = data / "kiosk.db"
    make_store(live, 2)
    assert main(["--data-dir", str(data), "backup", "now"]) == 0
    assert main(["--data-dir", str(data), "backup", "list"]) == 0
    out = capsys.readouterr().out
    assert str(backup.list_backups(data)[0]) in out

    damaged = tmp_path / "old.db"
    ids = make_store(damaged, 120)
    corrupt_middle_of_outbox(damaged)
    assert main(["--data-dir", str(data), "backup", "salvage", str(damaged)]) == 0
    first = capsys.readouterr().out
    assert main(["--data-dir", str(data), "backup", "salvage", str(damaged)]) == 0
    second = capsys.readouterr().out
    copied = int(first.split("copied ")[1].split(",")[0])
    assert 0 < copied < 120 and "unreadable 0" not in first
    assert "copied 0" in second and f"already present {copied}" in second
    assert len(outbox_ids(live) & set(ids)) == copied
    assert main(["--data-dir", str(data), "backup", "salvage", str(live)]) == 2

    assert main(["--data-dir", str(data), "backup", "notice"]) == 0
    assert "no unread restore notice" in capsys.readouterr().out


def test_salvage_finds_events_after_a_long_purged_stretch(tmp_path):
    damaged = tmp_path / "old.db"
    store = open_store(damaged)
    try:
        fill_outbox(store, 0, sent=1500, tag="old")
        with store.begin() as s:
            s.query(OutboxEvent).delete()  # sent events purged: seq 1..1500 are gone
        ids = fill_outbox(store, 120, tag="new")
    finally:
        store.close()
    corrupt_middle_of_outbox(damaged)
    live = open_store(tmp_path / "kiosk.db")
    try:
        result = salvage_outbox(damaged, live)
    finally:
        live.close()
    assert result.copied > 0 and result.unreadable > 0
    assert result.copied + result.unreadable >= len(ids) - 10


def test_a_restore_after_the_clock_was_put_right_takes_the_backup_taken_since(tmp_path):
    """Field test, a station whose clock once ran three years ahead: the backup taken then
    (named 2029-…) sorted above every backup taken after the clock was put right, and a
    damaged store was restored from it: the months since were lost."""
    path = tmp_path / "kiosk.db"
    make_store(path, 120)
    now = datetime.now(UTC)
    stale = backup.backup_now(path, tmp_path, now=now + timedelta(days=3 * 365))
    store = open_store(path)
    later = fill_outbox(store, 30, tag="after")  # written once the clock was right again
    store.close()
    since = backup.backup_now(path, tmp_path, now=now - timedelta(hours=1))
    assert backup.list_backups(tmp_path)[0] == stale  # by name, the stale one is newest
    corrupt_middle_of_outbox(path)
    backup.open_checked_store(path, tmp_path).close()
    notice = backup.last_restore_notice(tmp_path)
    assert notice is not None and notice.backup_file == str(since)
    assert set(later) <= outbox_ids(path)
