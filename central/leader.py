"""Advisory locks for several central processes on one PostgreSQL: one migrates the
schema at start while the others wait, one runs the background jobs at a time.

    with advisory_lock(db.engine, "migrate"):          # wait for it
        ...
    leader = Leader(db, "jobs")                       # hold it while it lasts
    if leader.acquire():                              # non-blocking
        run_jobs()

A lock is a PostgreSQL session-level advisory lock held on a connection of its own, so
it lasts across transactions and is released if the process dies (the connection
closes). On SQLite there is no server to hold a lock: these are process-local (a SQLite
district runs one process; ``serve --workers`` is for PostgreSQL).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text

from central.db import Database

log = logging.getLogger(__name__)

_LOCAL_LOCKS: dict[str, threading.Lock] = {}
_LOCAL_GUARD = threading.Lock()


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for ``name`` (same in every process)."""
    digest = hashlib.sha256(f"kiosk-central:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _local(name: str) -> threading.Lock:
    with _LOCAL_GUARD:
        return _LOCAL_LOCKS.setdefault(name, threading.Lock())


@contextmanager
def advisory_lock(engine: Engine, name: str) -> Iterator[None]:
    """Hold the lock ``name`` (waiting for it) for the ``with`` block."""
    if engine.dialect.name != "postgresql":
        with _local(name):
            yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(name)})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
            conn.commit()


@dataclass
class Leader:
    """Leadership by a non-blocking advisory lock: ``acquire()`` is True while this
    process holds it (and keeps holding it until ``release()`` or the process ends)."""

    db: Database
    name: str
    _conn: Connection | None = field(default=None, repr=False)
    _local_held: bool = field(default=False, repr=False)

    def acquire(self) -> bool:
        if not self.db.is_postgres:
            if not self._local_held:
                self._local_held = _local(f"leader:{self.name}").acquire(blocking=False)
            return self._local_held
        if self._conn is not None:
            try:  # still ours as long as the connection lives
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except Exception:
                log.warning("leader %s: lost the database connection", self.name)
                self._drop()
        conn = self.db.engine.connect()
        got = bool(
            conn.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(self.name)}
            ).scalar()
        )
        conn.commit()
        if got:
            self._conn = conn
            log.info("leader %s: this process leads", self.name)
        else:
            conn.close()
        return got

    @property
    def held(self) -> bool:
        return self._conn is not None or self._local_held

    def release(self) -> None:
        if self._local_held:
            _local(f"leader:{self.name}").release()
            self._local_held = False
        if self._conn is not None:
            try:
                self._conn.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(self.name)}
                )
                self._conn.commit()
            except Exception:
                log.debug("leader %s: unlock failed", self.name, exc_info=True)
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                log.debug("leader %s: close failed", self.name, exc_info=True)
            self._conn = None


Job = Callable[[Database], object]


class JobRunner:
    """Background jobs run every ``interval_s`` by whichever process leads "jobs".

    Other modules register a job with ``JOBS.append((name, func))`` (e.g. the hold
    expiry of central.redemptions); each job is one short transaction and must be safe
    to run again (a leader may die half-way and another take over)."""

    def __init__(self, db: Database, jobs: list[tuple[str, Job]], interval_s: float) -> None:
        self.db, self.jobs, self.interval_s = db, jobs, interval_s
        self.leader = Leader(db, "jobs")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="central-jobs", daemon=True)
        self.runs = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self.leader.release()

    def run_once(self) -> bool:
        """Run every job if this process leads; True if it did."""
        if not self.leader.acquire():
            return False
        for name, job in self.jobs:
            try:
                job(self.db)
            except Exception:
                log.exception("background job %s failed", name)
        self.runs += 1
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.warning("background jobs: database unavailable", exc_info=True)
            self._stop.wait(self.interval_s)
