"""Several processes, one database: readiness, one leader for background jobs, the
retention purge, migrations taking turns."""

from __future__ import annotations

import threading
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from central import jobs, migrate
from central.clock import utcnow
from central.db import Database
from central.leader import JobRunner, Leader, advisory_lock
from central.models import RejectedEvent


def test_ready_says_whether_the_schema_is_migrated(client: TestClient, db: Database) -> None:
    answer = client.get("/api/v1/ready")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "schema_revision": migrate.head_revision()}
    assert client.get("/api/v1/health").json()["status"] == "ok"


def test_not_ready_when_the_schema_is_not_this_codes(client: TestClient, db: Database) -> None:
    # As when a newer app server is rolled out before the database is migrated.
    head = migrate.head_revision()
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        answer = client.get("/api/v1/ready")
    finally:  # the PostgreSQL schema is shared by the session's tests
        with db.write() as s:
            s.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
    assert answer.status_code == 503
    assert answer.json()["error"]["details"] == {
        "schema_revision": "0001",
        "expected": migrate.head_revision(),
    }


def test_one_leader_at_a_time(db: Database) -> None:
    first, second = Leader(db, "jobs-test"), Leader(db, "jobs-test")
    assert first.acquire()
    assert first.acquire()  # still ours
    assert not second.acquire()
    first.release()
    assert second.acquire()
    assert not first.acquire()
    second.release()


def test_only_the_leader_runs_the_jobs(db: Database) -> None:
    old = utcnow() - timedelta(days=jobs.REJECTED_KEEP_DAYS + 1)
    with db.write() as s:
        s.add(
            RejectedEvent(event_id="e-old", station_id="S", type="x", reason="r", received_at=old)
        )
        s.add(RejectedEvent(event_id="e-new", station_id="S", type="x", reason="r"))
    ran: list[str] = []
    job_list = [*jobs.JOBS, ("count", lambda _db: ran.append("ran"))]
    a, b = JobRunner(db, job_list, 3600), JobRunner(db, job_list, 3600)
    try:
        assert a.run_once()
        assert not b.run_once()
        assert ran == ["ran"]
    finally:
        a.stop()
        b.stop()
    with db.read() as s:
        left = s.scalars(select(RejectedEvent.event_id)).all()
    assert left == ["e-new"]


def test_migrations_take_turns(db: Database) -> None:
    """Whoever holds the migration lock keeps the others waiting (on PostgreSQL across
    processes; the lock is on the server)."""
    entered: list[str] = []
    with advisory_lock(db.engine, "migrate"):
        other = threading.Thread(target=lambda: (migrate.upgrade(db.engine), entered.append("in")))
        other.start()
        other.join(1.0)
        assert entered == []  # waiting for our lock
    other.join(30)
    assert entered == ["in"]
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(RejectedEvent)) == 0
