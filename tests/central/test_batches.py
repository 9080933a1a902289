"""POST /events as one transaction per batch; the change feed under concurrent writers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, func, select, text

from central import admin, feed
from central.db import Database
from central.models import ChangeRow, LedgerEntry, Order, StationStock, Volunteer
from tests.central.conftest import Api
from tests.central.factories import (
    NOW,
    add_catalogue,
    add_volunteer,
    code_for,
    order_placed,
    redemption_made,
)
from tests.central.factories import event as wire_event


@contextmanager
def counting_commits(db: Database) -> Iterator[list[int]]:
    """How many transactions committed on ``db``'s engine inside the block."""
    box = [0]

    def on_commit(_conn: object) -> None:
        box[0] += 1

    event.listen(db.engine, "commit", on_commit)
    try:
        yield box
    finally:
        event.remove(db.engine, "commit", on_commit)


def stock(movement_id: str, delta: int) -> dict:
    payload = {
        "movement_id": movement_id,
        "sku": "G-EGG",
        "delta": delta,
        "kind": "restock",
        "reason": "",
        "staff_id": "S02",
        "at": NOW,
    }
    return wire_event("stock.moved", payload)


def test_a_batch_is_one_transaction_and_a_rejection_spoils_nothing(api: Api, db: Database) -> None:
    add_catalogue(db)
    add_volunteer(db, "V1", balance=100)
    rated_unknown = wire_event(
        "order.rated", {"order_id": "nope", "rating": 5, "tags": [], "rated_at": NOW}
    )
    batch = [
        order_placed("o1"),
        redemption_made("R1", "V1", points=30, code=code_for(db, "V1")),
        rated_unknown,  # rejected in the middle: the others stand
        {"id": "bad-type", "type": "no.such", "occurred_at": NOW, "payload": {}},
        stock("m1", 20),
        redemption_made("R2", "V1", points=30, code=code_for(db, "V1")),
    ]
    with counting_commits(db) as commits:
        results = api.push(*batch)
    assert commits[0] == 1  # the whole batch, rejections' audit rows included
    assert [r["status"] for r in results] == [
        "accepted",
        "accepted",
        "rejected",
        "rejected",
        "accepted",
        "accepted",
    ]
    assert results[2]["reason"] == "unknown_order"
    # Each accepted redemption answers the balance right after it.
    assert [results[1]["balance"]["balance"], results[5]["balance"]["balance"]] == [70, 40]
    with db.read() as s:
        assert s.get(Volunteer, "V1").balance == 40
        assert s.get(Order, "o1") is not None
        assert s.get(StationStock, ("ST-A", "G-EGG")).qty == 20

    with counting_commits(db) as commits:
        again = api.push(*batch)
    assert commits[0] == 1  # only the two rejected ones are judged again (audit rows)
    assert [r["status"] for r in again] == [
        "duplicate",
        "duplicate",
        "rejected",
        "rejected",
        "duplicate",
        "duplicate",
    ]
    assert again[5]["balance"]["balance"] == 40
    accepted_only = [e for e, r in zip(batch, results, strict=True) if r["status"] == "accepted"]
    with counting_commits(db) as commits:
        assert {r["status"] for r in api.push(*accepted_only)} == {"duplicate"}
    assert commits[0] == 0  # a resent batch is answered from one read, nothing written
    with db.read() as s:
        assert s.get(Volunteer, "V1").balance == 40
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 3  # seed + 2


def test_the_same_event_twice_in_one_batch_counts_once(api: Api, db: Database) -> None:
    add_catalogue(db)
    add_volunteer(db, "V1", balance=100)
    made = redemption_made("R1", "V1", points=30, code=code_for(db, "V1"))
    results = api.push(made, made, stock("m1", 5), stock("m2", 7))
    assert [r["status"] for r in results] == ["accepted", "duplicate", "accepted", "accepted"]
    with db.read() as s:
        assert s.get(Volunteer, "V1").balance == 70
        assert s.get(StationStock, ("ST-A", "G-EGG")).qty == 12


def test_a_slow_writer_with_a_smaller_sequence_is_not_skipped(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two writers at once (PostgreSQL): the slow one takes the smaller sequence number,
    the fast one commits first. A station pulling in between must not step past the
    slow one's change: once it commits, the next pull brings it."""
    if not db.is_postgres:
        pytest.skip("SQLite has one writer at a time: sequence order is commit order")
    monkeypatch.setattr(feed, "HORIZON_WAIT_S", 0.2)
    _, cursor = api.all_changes()
    with db.write() as slow:
        admin.upsert_gift(db, slow, {"sku": "G-SLOW", "name": "慢", "points": 5})
        slow.flush()
        slow_seq = slow.scalar(select(ChangeRow.seq).where(ChangeRow.key == "G-SLOW"))
        with db.write() as fast:
            admin.upsert_gift(db, fast, {"sku": "G-FAST", "name": "快", "points": 5})
        with db.read() as s:
            fast_seq = s.scalar(select(ChangeRow.seq).where(ChangeRow.key == "G-FAST"))
        assert slow_seq < fast_seq  # the case a plain `seq > cursor` gets wrong
        page = api.get("/changes", params={"cursor": cursor}).json()
        # The fast change is committed but held back behind the open slow writer.
        assert [c["key"] for c in page["changes"]] == []
        cursor = page["next_cursor"]
    changes, _ = api.all_changes(cursor)
    assert sorted(c["key"] for c in changes) == ["G-FAST", "G-SLOW"]


def test_a_pull_waits_briefly_for_an_older_writer(api: Api, db: Database) -> None:
    if not db.is_postgres:
        pytest.skip("SQLite has one writer at a time")
    _, cursor = api.all_changes()
    holding, release = threading.Event(), threading.Event()

    def slow_writer() -> None:
        with db.write() as s:
            admin.upsert_gift(db, s, {"sku": "G-SLOW", "name": "慢", "points": 5})
            s.flush()
            holding.set()
            release.wait(10)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert holding.wait(10)
    with db.write() as fast:
        admin.upsert_gift(db, fast, {"sku": "G-FAST", "name": "快", "points": 5})
    threading.Timer(0.2, release.set).start()  # the slow one commits during the pull
    page = api.get("/changes", params={"cursor": cursor}).json()
    writer.join(10)
    assert sorted(c["key"] for c in page["changes"]) == ["G-FAST", "G-SLOW"]


def test_a_writer_in_another_database_does_not_hold_the_feed_back(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Transaction ids are the whole PostgreSQL server's: a write transaction left open in
    another database on it (another application, another engineer's tests) held every
    change of this central back from every station — a pull waited and handed out
    nothing new until it ended (the console's dispatch and the volunteer-data tests
    failed so under load). It cannot write this feed, so it does not count; a writer in
    this database still does (the tests above)."""
    if not db.is_postgres:
        pytest.skip("SQLite has one writer at a time")
    monkeypatch.setattr(feed, "HORIZON_WAIT_S", 0.2)
    _, cursor = api.all_changes()
    other_url = db.engine.url.set(database="postgres", query={})
    other = create_engine(other_url)
    try:
        with other.connect() as conn, conn.begin():
            conn.execute(text("SELECT pg_current_xact_id()"))  # an id, as a writer gets
            with db.write() as s:
                admin.upsert_gift(db, s, {"sku": "G-NEW", "name": "新", "points": 5})
            changes, _ = api.all_changes(cursor)
            assert [c["key"] for c in changes] == ["G-NEW"]
    finally:
        other.dispose()
