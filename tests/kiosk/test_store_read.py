"""The store's read-only path: a query never waits for a writer and never writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from kiosk.store.db import Store, WriteInReadSession
from kiosk.store.models import Volunteer


@pytest.fixture
def writer(demo_store: Store) -> Iterator[sqlite3.Connection]:
    """Another connection in the middle of a write transaction (as the sync thread is
    while it applies a page): the write lock taken, a change made, nothing committed."""
    conn = sqlite3.connect(demo_store.path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE volunteers SET masked_name = 'uncommitted' WHERE id = 'V0001'")
    yield conn
    conn.rollback()
    conn.close()


def test_a_read_completes_while_another_connection_holds_the_write_lock(
    demo_store: Store, writer: sqlite3.Connection
) -> None:
    with demo_store.read() as session:
        volunteer = session.get(Volunteer, "V0001")
        count = len(session.scalars(select(Volunteer.id)).all())
    # The last committed state, not the writer's half-done transaction.
    assert volunteer is not None and volunteer.masked_name != "uncommitted"
    assert count > 0
    assert volunteer.masked_name  # still readable after the block, like begin()


def test_a_write_through_the_read_path_is_refused_and_never_saved(demo_store: Store) -> None:
    with pytest.raises(OperationalError), demo_store.read() as session:
        session.get(Volunteer, "V0001").masked_name = "changed"
        session.flush()
    with pytest.raises(OperationalError), demo_store.read() as session:
        session.execute(text("DELETE FROM volunteers"))
    with pytest.raises(WriteInReadSession), demo_store.read() as session:
        session.add(Volunteer(id="V-NEW", masked_name="新*"))
    with demo_store.read() as session:
        assert session.get(Volunteer, "V-NEW") is None
        assert session.get(Volunteer, "V0001").masked_name != "changed"
        assert session.scalar(select(Volunteer.id).limit(1)) is not None


def test_writers_still_write_after_reads(demo_store: Store) -> None:
    # The readers' connections are their own: the query-only switch never reaches a writer.
    for _ in range(3):
        with demo_store.read() as session:
            session.get(Volunteer, "V0001")
    with demo_store.begin() as session:
        session.get(Volunteer, "V0001").masked_name = "王*"
    with demo_store.read() as session:
        assert session.get(Volunteer, "V0001").masked_name == "王*"
