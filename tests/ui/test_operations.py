"""Operations.read_db: a screen's query runs on the read-only path."""

from __future__ import annotations

import sqlite3

from sqlalchemy.orm import Session

from kiosk.store import Store
from kiosk.store.models import Volunteer
from ui.operations import Operations


def _name(session: Session, volunteer_id: str) -> str:
    return session.get(Volunteer, volunteer_id).masked_name


def test_a_screen_read_answers_while_sync_holds_the_write_lock(qtbot, demo_store: Store) -> None:
    ops = Operations(demo_store)
    writer = sqlite3.connect(demo_store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as the sync thread while it applies a page
    writer.execute("UPDATE volunteers SET masked_name = 'uncommitted' WHERE id = 'V0001'")
    got: list[str] = []
    try:
        ops.read_db(_name, "V0001", on_ok=got.append)
        qtbot.waitUntil(lambda: bool(got), timeout=5_000)
    finally:
        writer.rollback()
        writer.close()
    assert got[0] and got[0] != "uncommitted"


def _rename(session: Session, volunteer_id: str) -> None:
    session.get(Volunteer, volunteer_id).masked_name = "changed"
    session.flush()


def test_a_write_sent_down_the_read_path_fails_and_changes_nothing(
    qtbot, demo_store: Store
) -> None:
    ops = Operations(demo_store)
    with qtbot.waitSignal(ops.crashed, timeout=5_000):
        ops.read_db(_rename, "V0001")
    with demo_store.read() as session:
        assert _name(session, "V0001") != "changed"
