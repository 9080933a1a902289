"""``kiosk.peek``: reading a store from outside leaves no -wal/-shm behind, and never
takes a running kiosk's WAL away."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from kiosk import peek
from kiosk.staff import add_staff, list_staff
from kiosk.store import open_store


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_stopped_store_is_read_and_left_as_it_was(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "kiosk.db"
    open_store(path).close()
    assert names(tmp_path) == ["kiosk.db"]
    before = path.read_bytes()
    conn = peek.connect(path, timeout=1)
    assert conn.execute("SELECT count(*) FROM staff").fetchone() == (0,)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM staff")
    conn.close()
    assert names(tmp_path) == ["kiosk.db"] and path.read_bytes() == before


def test_a_running_kiosks_wal_is_read_and_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "kiosk.db"
    store = open_store(path)
    try:
        with store.begin() as session:
            add_staff(session, "S01", "张三", "staff", "1234")
        conn = peek.connect(path, timeout=1)
        assert conn.execute("SELECT id FROM staff").fetchall() == [("S01",)]
        conn.close()
        assert {"kiosk.db-wal", "kiosk.db-shm"} <= set(names(tmp_path))
        with store.begin() as session:  # the kiosk goes on writing through its WAL
            add_staff(session, "S02", "李四", "staff", "2345")
    finally:
        store.close()
    store = open_store(path)
    try:
        with store.read() as session:
            assert [m.id for m in list_staff(session)] == ["S01", "S02"]
    finally:
        store.close()


def test_a_missing_store_is_not_created(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(sqlite3.OperationalError):
        peek.connect(tmp_path / "none.db", timeout=1)
    assert os.listdir(tmp_path) == []
