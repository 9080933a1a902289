"""Central's database: SQLite file by default, PostgreSQL by URL, same code.

Writes that must not race rely on: SQLite — every transaction begins IMMEDIATE, so
writers are serialised (one writer is SQLite's nature: a small district); PostgreSQL —
no district-wide lock: a balance change locks only its volunteers' rows (SELECT … FOR
UPDATE, several taken in id order so two batches cannot deadlock), stock and orders
upsert their own rows, and the change feed is made safe for concurrent writers on the
reading side (``central.feed``: only changes below the oldest in-flight transaction are
handed out). Many writers therefore run at once, in one process or several.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")
BUSY_TIMEOUT_MS = 15_000
# PostgreSQL connections per process. A request holds one for its transaction; the
# server runs at most this many requests' database work at once (central.app), so no
# thread waits for a connection and none times out waiting (the rest queue as requests).
POOL_SIZE, POOL_OVERFLOW = 10, 20
POOL_RECYCLE_S = 1800
# PostgreSQL error codes worth retrying the whole transaction for.
RETRYABLE_PGCODES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def _on_sqlite_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN IMMEDIATE ourselves
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _on_sqlite_begin(conn) -> None:
    # Readers (WAL) need no lock up front; writers take it at BEGIN, never half-way.
    read_only = conn.get_execution_options().get("central_read_only", False)
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def database_url(target: str | Path) -> str:
    """A URL as given, or a file path turned into a SQLite URL."""
    text_target = str(target)
    if "://" in text_target:
        return text_target
    return f"sqlite:///{Path(text_target).resolve()}"


def make_engine(url: str) -> Engine:
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        return engine
    # No pre-ping: it is a round trip on every checkout (several per push and pull). A
    # connection PostgreSQL dropped (restart, failover) fails the one request that meets
    # it — a 503 with Retry-After, which a kiosk retries — and SQLAlchemy then discards
    # every pooled connection of that generation; recycling bounds their age anyway.
    return create_engine(
        url, pool_recycle=POOL_RECYCLE_S, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW
    )


def private_sqlite_file(url: str) -> None:
    """A SQLite database file is created 0600 (it holds residents' phones and the
    ledger), and an existing one is narrowed to 0600; SQLite gives its -wal and -shm
    files the database file's mode."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return
    path = Path(parsed.database)
    if not path.parent.is_dir():
        return  # SQLite will say so when it connects
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if name.exists() and name.stat().st_mode & 0o077:
            os.chmod(name, 0o600)


class Database:
    """The engine and a session factory; one Session per request or command."""

    def __init__(self, target: str | Path) -> None:
        self.url = database_url(target)
        private_sqlite_file(self.url)
        self.engine = make_engine(self.url)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        reader = self.engine.execution_options(central_read_only=True)
        self._readers = sessionmaker(reader, expire_on_commit=False)

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        session = self._sessions()
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        else:
            session.commit()
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only (on SQLite it does not take the write lock)."""
        session = self._readers()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A writing transaction. On SQLite it begins IMMEDIATE (writers one at a time);
        on PostgreSQL writers run concurrently and lock only the rows they change.
        Readers are never held up."""
        with self.begin() as session:
            yield session

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()


_KEPT = "central.db.kept"


def keep(session: Session, *rows: object) -> None:
    """Hold these ORM objects for as long as the session lives. The session's identity
    map holds its objects only weakly, so a row looked up and dropped is gone again, and
    the next ``session.get`` for it is another query; a batch of events looks up the
    same station, gifts and volunteers once per event."""
    session.info.setdefault(_KEPT, []).extend(r for r in rows if r is not None)


_FOUND = "central.db.found"


def get_kept(session: Session, model: type[T], key: object) -> T | None:
    """``session.get``, the found row kept (see ``keep``) and found again without
    SQLAlchemy's identity-map lookup (a batch asks for the same station, gifts and
    services once per event)."""
    found_before: dict[tuple[type, object], object] = session.info.setdefault(_FOUND, {})
    hit = found_before.get((model, key))
    if hit is not None:
        return hit  # type: ignore[return-value]
    found = session.get(model, key)
    if found is not None:
        keep(session, found)
        found_before[(model, key)] = found
    return found


_STATEMENTS: dict[tuple[str, str], Any] = {}


def statement(session: Session, name: str, build: Callable[[str], Any]) -> Any:
    """A statement built once per process and backend (``build(dialect name)``), with
    bind parameters for its values: building an expression and its cache key again
    for every batch costs more CPU than PostgreSQL spends running it."""
    dialect = session.get_bind().dialect.name
    found = _STATEMENTS.get((dialect, name))
    if found is None:
        found = _STATEMENTS[(dialect, name)] = build(dialect)
    return found


_INSERTS = "central.db.inserts"


@contextmanager
def deferred_inserts(session: Session) -> Iterator[None]:
    """Within the block, ``add_row`` collects new rows, written at the end as one
    Core ``INSERT`` per table (the unit of work's bookkeeping per object is most of the
    cost of a pushed batch otherwise). Nothing in the block may read those rows back
    (they are not in the database until the end), and, as ``feed.deferred``, the block
    must end the way the transaction does: a rolled-back block writes nothing."""
    pending: dict[Any, list[dict[str, Any]]] = {}
    session.info[_INSERTS] = pending
    try:
        yield
        write_inserts(session)
    finally:
        session.info.pop(_INSERTS, None)


def write_inserts(session: Session) -> None:
    pending: dict[Any, list[dict[str, Any]]] = session.info.get(_INSERTS, {})
    connection = session.connection()
    for table, rows in pending.items():
        if rows:
            connection.execute(table.insert(), rows)
    pending.clear()


def add_row(session: Session, model: type[Any], row: dict[str, Any]) -> None:
    """A new row of ``model``: collected for one INSERT inside ``deferred_inserts``
    (every row of a model must carry the same keys), else added to the session."""
    pending: dict[Any, list[dict[str, Any]]] | None = session.info.get(_INSERTS)
    if pending is None:
        session.add(model(**row))
    else:
        pending.setdefault(model.__table__, []).append(row)


def is_retryable(exc: BaseException) -> bool:
    """A PostgreSQL deadlock victim or serialisation failure: the whole transaction may
    simply be run again."""
    orig = getattr(exc, "orig", None)
    return getattr(orig, "sqlstate", None) in RETRYABLE_PGCODES
