"""Reading a store from outside the kiosk's own Store (doctor, checks before the start,
backups) without leaving ``kiosk.db-wal`` and ``kiosk.db-shm`` behind.

SQLite's read-only connections (``mode=ro``) on a WAL store create the ``-wal`` and ``-shm``
files when they are absent and, being read-only, cannot remove them when they close: after
``kiosk init`` or ``kiosk doctor`` on a stopped kiosk the data dir held two stray files a
technician is tempted to delete (deleting a running kiosk's WAL breaks every other
process's reads). When there is no ``-wal`` (no process has the store open), a read-write
connection made read-only by ``PRAGMA query_only`` reads the same and, as the last one to
close, removes both files as SQLite always does. Otherwise (the kiosk is running, or
crashed with a WAL to recover, or this user may not write there) it is ``mode=ro`` as
before: nothing is checkpointed from outside the kiosk. Only the standard library here:
the start's first checks run before SQLAlchemy is loaded.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

EMPTIED = "the store file is empty (0 bytes) though backups exist"


def emptied(store_path: str | Path, data_dir: str | Path) -> bool:
    """A 0-byte store beside backups: cut to nothing (a failed copy, a `> kiosk.db`).
    SQLite opens it as a new, empty database, so the integrity check calls it sound and
    the station would start empty, the backups unused. (Here, not in ``kiosk.backup``:
    the store's own opening asks too, and must not import the backup module.)"""
    try:
        if Path(store_path).stat().st_size != 0:
            return False
    except OSError:
        return False
    return any(Path(data_dir, "backups").glob("kiosk-*.db"))  # kiosk.backup's names


def store_in_use(store_path: str | Path) -> bool:
    """Whether another process has the store open (the kiosk, a sync, a doctor read).

    Every SQLite connection to a WAL store holds a read lock on byte 128 of its ``-shm``
    file (the unix VFS's "DMS" lock) for as long as it is open; a write lock that cannot
    be had means someone is there. No ``-shm``: nobody. POSIX only.

    Only from a process that has no connection to the store (``kiosk backup restore``):
    closing the probe's descriptor drops every POSIX lock this process holds on the file,
    SQLite's own included."""
    import fcntl

    try:
        fd = os.open(f"{store_path}-shm", os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
    except OSError:
        return True
    finally:
        os.close(fd)  # also drops the probe's lock
    return False


def connect(path: str | Path, timeout: float) -> sqlite3.Connection:
    """A connection that can only read ``path`` (which must exist: nothing is created)."""
    path = Path(path)
    # Not "an empty -wal nobody has open" (what earlier builds' looks left behind): telling
    # needs store_in_use, which must not run in a process that has the store open.
    quiet = not Path(f"{path}-wal").exists()
    if quiet and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK):
        # mode=rw: a missing file is an error, never an empty database made here.
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=timeout)
        try:
            conn.execute("PRAGMA query_only=ON")
        except BaseException:
            conn.close()
            raise
        return conn
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=timeout)
