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


def connect(path: str | Path, timeout: float) -> sqlite3.Connection:
    """A connection that can only read ``path`` (which must exist: nothing is created)."""
    path = Path(path)
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
