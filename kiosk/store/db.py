"""Opening the store: engine, pragmas on every connect, migrations at start."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kiosk.errors import EnvironmentFault, KioskError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # pysqlite's own transaction handling is switched off (isolation_level=None) so that
    # we can issue BEGIN IMMEDIATE ourselves: a writer takes the lock up front instead
    # of failing half-way with "database is locked" when two processes race.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _on_connect_read(dbapi_conn: sqlite3.Connection, record: object) -> None:
    _on_connect(dbapi_conn, record)
    # SQLite itself refuses any write on a reader's connection, whatever the caller does.
    dbapi_conn.execute("PRAGMA query_only=ON")


def _on_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _on_begin_read(conn) -> None:
    # Deferred: in WAL mode a reader takes a snapshot at its first SELECT and never waits
    # for a writer (nor holds one up).
    conn.exec_driver_sql("BEGIN")


def make_engine(path: Path | str, *, read_only: bool = False) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _on_connect_read if read_only else _on_connect)
    event.listen(engine, "begin", _on_begin_read if read_only else _on_begin)
    return engine


class WriteInReadSession(RuntimeError):
    """A ``Store.read()`` block changed ORM objects: a bug (the change is not saved)."""


class Store:
    """The local SQLite store. One per process; hand out one Session per action or job."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.engine = make_engine(self.path)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Readers get their own connections (query_only, deferred BEGIN): a screen's query
        # must not queue behind the sync thread's write transaction for the write lock.
        self.read_engine = make_engine(self.path, read_only=True)
        self._readers = sessionmaker(self.read_engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries only, on a consistent snapshot, that never waits for
        (or blocks) a writer. It never writes: SQLite refuses a flush on its connection,
        and ORM changes still pending at the end raise ``WriteInReadSession`` (nothing is
        saved either way). Loaded objects stay readable after the block, as with
        ``begin()``."""
        session = self._readers()
        try:
            yield session
            if session.new or session.dirty or session.deleted:
                raise WriteInReadSession("ORM changes in a read-only session were discarded")
        finally:
            session.close()  # ends the snapshot (rolled back); objects are kept, not expired

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error.

        A ``KioskError`` raised with ``keep_writes=True`` still commits: a wrong PIN must
        count towards the lockout even though the caller sees an error."""
        session = self._sessions()
        try:
            yield session
        except KioskError as exc:
            if exc.keep_writes:
                session.commit()
            else:
                session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        else:
            session.commit()
        finally:
            session.close()

    def close(self) -> None:
        self.engine.dispose()
        self.read_engine.dispose()


def require_access(path: Path | str) -> None:
    """Refuse a store this process cannot read and write, naming the fix.

    SQLite opens a file it may only read as a read-only database: the kiosk would start,
    look fine and fail every order, redemption and sync. A file it cannot read at all
    (a backup copied back by root) fails deep inside the first query. Both are one
    ``chown`` away, so they are said plainly before anything touches the store."""
    path = Path(path)
    folder = path.parent
    denied = [
        p
        for p, need in (
            (folder, os.W_OK | os.X_OK),
            (path, os.R_OK | os.W_OK),
            (Path(f"{path}-wal"), os.R_OK | os.W_OK),
            (Path(f"{path}-shm"), os.R_OK | os.W_OK),
        )
        if p.exists() and not os.access(p, need)
    ]
    if not denied:
        return
    from kiosk.diskspace import read_only_fs

    if read_only_fs(folder):
        # No chown helps here: say what does.
        log.critical("the file system holding %s is mounted read-only", folder)
        raise EnvironmentFault(
            "store.read_only_fs", f"{folder} is on a read-only file system", folder=str(folder)
        )
    import pwd  # only to name the user in the message (and POSIX only, as chown is)

    try:
        user = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        user = str(os.geteuid())
    log.critical(
        "the store cannot be read and written by %s: %s; as root: chown -R %s: '%s'",
        user,
        ", ".join(str(p) for p in denied),
        user,
        folder,
    )
    raise EnvironmentFault(
        "store.no_access",
        f"{user} cannot read and write {', '.join(str(p) for p in denied)}",
        path=str(denied[0]),
        user=user,
        folder=str(folder),
    )


def open_store(path: Path | str, migrate: bool = True) -> Store:
    """Open (creating if needed) the store at ``path`` and bring its schema up to date."""
    from kiosk import paths

    path = Path(path)
    try:
        paths.private_dir(path.parent)
    except OSError as exc:
        raise EnvironmentFault("store.cannot_create", str(exc), path=str(path)) from exc
    require_access(path)
    from kiosk.peek import emptied

    if emptied(path, path.parent):
        # Migrated here, it would become an empty store and the start (which restores
        # the newest backup for it) would find nothing wrong.
        raise EnvironmentFault("store.emptied", f"{path} is 0 bytes", path=str(path))
    if not path.exists():
        # SQLite gives the -wal and -shm files the database file's mode: 0600 from birth.
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, paths.PRIVATE_FILE_MODE)
        os.close(fd)
    store = Store(path)
    if migrate:
        from kiosk.store.migrate import upgrade

        upgrade(store.engine)
    for suffix in ("", "-wal", "-shm"):  # a store made before files were private
        paths.private_file(f"{path}{suffix}")
    return store
