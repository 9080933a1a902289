"""Salvage always ends: every class of damaged page, a rowid range it could probe for ever,
and SIGTERM while it runs (issue 15, finding 1).

Each damaged store is a real SQLite file written by the kiosk's own store code, with a
backup taken half-way and unsent events after it; the damage is garbage written over the
pages as a failing SD card leaves it."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk import backup
from kiosk.config import Config, save_config
from kiosk.salvage import collect
from kiosk.store import open_store
from kiosk.store.models import OutboxEvent, TicketSequence
from station import runtime
from tests.deploy.helpers import fill_outbox, leaf_pages, make_store, overwrite_pages

ROOT = Path(__file__).resolve().parents[2]
START_LIMIT_S = 30.0
SALVAGE = ("backup", "salvage")


def _station(tmp_path: Path) -> tuple[Config, list[str], list[str]]:
    """A store with a backup of 60 events, then 80 more unsent ones only in the live file."""
    cfg = Config(station_id="ST-DMG", data_dir=str(tmp_path / "data"))
    path = cfg.store_path()
    before = make_store(path, 60, sent=10)
    backup.backup_now(path, cfg.data_dir, now=datetime.now(UTC) - timedelta(hours=1))
    store = open_store(path)
    try:
        after = fill_outbox(store, 80, tag="after")
        with store.begin() as s:
            s.add(TicketSequence(day="20261203", last=21))
    finally:
        store.close()
    return cfg, before, after


def _damage_header(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.write(b"\xa5" * 100)


def _damage_schema(path: Path) -> None:
    overwrite_pages(path, [1])  # header and the root of sqlite_master


def _damage_table(path: Path) -> None:
    leaves = leaf_pages(path, "outbox_events")
    overwrite_pages(path, leaves[len(leaves) // 2 : len(leaves) // 2 + 2])


def _damage_index(path: Path) -> None:
    overwrite_pages(path, leaf_pages(path, "ix_outbox_state_seq")[:1])


def _started_within_limit(cfg: Config) -> tuple[set[str], float]:
    began = time.monotonic()
    rt = runtime.start(cfg, services=False)
    took = time.monotonic() - began
    try:
        with rt.store.read() as s:
            pending = set(s.scalars(select(OutboxEvent.id).where(OutboxEvent.state == "pending")))
    finally:
        rt.stop()
    assert took < START_LIMIT_S
    assert backup.integrity_problems(cfg.store_path()) == []
    return pending, took


@pytest.mark.parametrize(
    "damage, all_recovered",
    [
        (_damage_header, True),
        (_damage_schema, True),  # this one used to hang for good
        (_damage_table, False),
        (_damage_index, True),
    ],
    ids=["header", "schema", "table", "index"],
)
def test_every_page_class_damaged_still_starts_in_time_and_says_what_came_back(
    tmp_path, damage, all_recovered
):
    cfg, before, after = _station(tmp_path)
    damage(cfg.store_path())
    pending, _took = _started_within_limit(cfg)
    notice = backup.last_restore_notice(cfg.data_dir)
    assert notice is not None and notice.backup_file is not None
    assert set(before) <= pending  # the backup's events
    recovered = set(after) & pending
    assert notice.salvaged == len(recovered)  # the notice tells the truth
    assert notice.salvage_complete is True
    if all_recovered:
        assert recovered == set(after)
    else:
        assert 0 < len(recovered) < len(after) and notice.salvage_unreadable > 0


def _copy_with_wal(store_path: Path, target: Path) -> None:
    """The files as a power cut leaves them: the newest transactions only in the -wal."""
    shutil.copyfile(store_path, target)
    shutil.copyfile(f"{store_path}-wal", f"{target}-wal")


def _damage_wal_frames_of_page(wal: Path, page_no: int, page_size: int = 4096) -> None:
    data = bytearray(wal.read_bytes())
    for pos in range(32, len(data) - page_size, 24 + page_size):
        if int.from_bytes(data[pos : pos + 4], "big") == page_no:
            data[pos + 24 : pos + 24 + page_size] = b"\xa5" * page_size
    wal.write_bytes(bytes(data))


def test_schema_page_gone_but_the_wal_holds_the_unsent_events(tmp_path):
    cfg, before, _after = _station(tmp_path)
    live = open_store(cfg.store_path())
    try:
        with live.begin() as s:
            s.execute(OutboxEvent.__table__.delete().where(OutboxEvent.state == "pending"))
        wal_only = fill_outbox(live, 20, tag="wal")  # committed, not yet checkpointed
        crashed = tmp_path / "crashed.db"
        _copy_with_wal(cfg.store_path(), crashed)
    finally:
        live.close()
    shutil.move(crashed, cfg.store_path())
    shutil.move(f"{crashed}-wal", f"{cfg.store_path()}-wal")
    _damage_schema(cfg.store_path())
    _damage_wal_frames_of_page(Path(f"{cfg.store_path()}-wal"), 1)  # else SQLite reads it there
    pending, _took = _started_within_limit(cfg)
    notice = backup.last_restore_notice(cfg.data_dir)
    assert notice is not None and notice.salvage_method == "pages"
    assert set(wal_only) <= pending and set(before) <= pending
    assert notice.salvaged == len(wal_only)


def test_a_damaged_wal_costs_its_own_frames_only(tmp_path):
    cfg, before, after = _station(tmp_path)
    live = open_store(cfg.store_path())
    try:
        fill_outbox(live, 20, tag="wal")
        crashed = tmp_path / "crashed.db"
        _copy_with_wal(cfg.store_path(), crashed)
    finally:
        live.close()
    shutil.move(crashed, cfg.store_path())
    shutil.move(f"{crashed}-wal", f"{cfg.store_path()}-wal")
    with open(f"{cfg.store_path()}-wal", "r+b") as fh:
        fh.seek(32 + 3 * (24 + 4096))
        fh.write(b"\xa5" * 8192)  # frames 4 and 5: SQLite drops the WAL from there on
    pending, _took = _started_within_limit(cfg)
    assert set(before) | set(after) <= pending


def _endless(path: Path) -> None:
    """A rowid range of a billion with a damaged page in it: the old row-by-row probe
    never ended on such a file."""
    make_store(path, 120)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO outbox_events (seq, id, type, occurred_at, payload, state, attempts, result)"
        " VALUES (1000000000, 'far', 'x', '2026-01-01 00:00:00', '{}', 'sent', 0, '')"
    )
    conn.commit()
    conn.close()
    _damage_table(path)


def test_salvage_is_cut_at_its_budget_and_keeps_what_it_read(tmp_path):
    damaged = tmp_path / "old.db"
    _endless(damaged)
    began = time.monotonic()
    found = collect(damaged, budget_s=2)
    assert time.monotonic() - began < 5
    assert found.complete is False and found.error == "timed out"
    assert 0 < len(found.rows) < 121


def test_salvage_stops_when_asked(tmp_path):
    damaged = tmp_path / "old.db"
    _endless(damaged)
    asked = time.monotonic() + 0.5
    began = time.monotonic()
    found = collect(damaged, budget_s=60, should_stop=lambda: time.monotonic() > asked)
    assert time.monotonic() - began < 3
    assert found.complete is False and found.error == "stopped"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIOSK_CONFIG=str(tmp_path / "kiosk.toml"),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


def test_kiosk_asked_to_stop_during_salvage_at_start_stops_at_once(tmp_path):
    """systemd's SIGTERM while the store is being salvaged: a clean exit in seconds, not
    after the salvage budget (set to a minute here)."""
    cfg = Config(station_id="ST-DMG", data_dir=str(tmp_path / "data"))
    save_config(cfg, tmp_path / "kiosk.toml")
    _endless(cfg.store_path())
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", "-platform", "offscreen"],
        cwd=ROOT,
        env=_env(tmp_path, KIOSK_SALVAGE_BUDGET_S="60"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not _children(proc.pid):  # the salvage child is running
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        child = _children(proc.pid)[0]
        proc.send_signal(signal.SIGTERM)
        began = time.monotonic()
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - began
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()[-3000:]
    assert took < 10
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text()
    log = (Path(cfg.data_dir) / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "stopped on request" in log and "kiosk stopped" in log
    notice = backup.last_restore_notice(cfg.data_dir)
    assert notice is not None and notice.salvage_complete is False
    assert "kiosk backup salvage" in backup.notice_text(notice, "en")


def test_backup_salvage_command_ends_and_says_it_was_cut_short(tmp_path):
    damaged = tmp_path / "old.db"
    _endless(damaged)
    began = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "station", "--data-dir", str(tmp_path / "data"), *SALVAGE, damaged],
        cwd=ROOT,
        env=_env(tmp_path, KIOSK_SALVAGE_BUDGET_S="2"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - began < 30
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "not finished" in proc.stdout
    copied = int(proc.stdout.split("copied ")[1].split(",")[0])
    assert copied > 0
