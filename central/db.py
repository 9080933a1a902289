"""Central's database: SQLite file by default, PostgreSQL by URL, same code.

Writes that must not race (balances, the change feed) rely on: SQLite — every
transaction begins IMMEDIATE, so writers are serialised; PostgreSQL — ``write()`` takes
a transaction-scoped advisory lock first (so feed sequence numbers become visible in
order and writers never deadlock), and balances are read with SELECT … FOR UPDATE.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
FEED_LOCK_ID = 0x4B494F534B  # "KIOSK": pg_advisory_xact_lock key for the change feed


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
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


class Database:
    """The engine and a session factory; one Session per request or command."""

    def __init__(self, target: str | Path) -> None:
        self.url = database_url(target)
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
        """A writing transaction. Writers are serialised on both backends (SQLite by
        BEGIN IMMEDIATE, PostgreSQL by the feed's advisory lock taken first, before any
        row lock, so writers cannot deadlock); readers are not held up."""
        with self.begin() as session:
            self.lock_feed(session)
            yield session

    def lock_feed(self, session: Session) -> None:
        """Serialise feed writers until commit (PostgreSQL; SQLite already is)."""
        if self.is_postgres:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK_ID})

    def close(self) -> None:
        self.engine.dispose()
