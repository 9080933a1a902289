"""What a failed store operation means, for the technician at the ``kiosk`` command line.

An SQLite error reaching ``kiosk staff list`` or ``kiosk export`` used to end in a Python
traceback ("sqlite3.OperationalError: disk I/O error" 40 lines down). ``store_fault`` turns
it into an ``EnvironmentFault`` whose message says what happened and what to do; the
command line prints it in Chinese and English and exits 1. Standard library only: the
command line imports this when something already failed.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path

from kiosk.backup import DAMAGE
from kiosk.diskspace import disk_state, is_disk_full, read_only_fs
from kiosk.errors import DiskFull, EnvironmentFault

WAL_HEADER, FRAME_HEADER = 32, 24  # bytes (sqlite.org/fileformat.html, "WAL file format")


def sqlite_error(exc: BaseException | None) -> sqlite3.Error | None:
    """The sqlite3 error ``exc`` is or wraps (SQLAlchemy keeps it as ``.orig``)."""
    for _ in range(10):
        if exc is None:
            return None
        if isinstance(exc, sqlite3.Error):
            return exc
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return None


def wal_missing(store_path: str | Path) -> bool:
    """Whether the ``-wal`` file is shorter than the log the store's shared memory
    (``-shm``) says was written: it was deleted under a process that still writes through
    it (the next process to open the store makes a new, empty one)."""
    try:
        with open(f"{store_path}-shm", "rb") as fh:
            header = fh.read(48)  # SQLite's WalIndexHdr, in the machine's byte order
        wal_size = os.path.getsize(f"{store_path}-wal")
    except FileNotFoundError as exc:
        return exc.filename == f"{store_path}-wal"
    except OSError:
        return False
    if len(header) < 48:
        return False
    page_size, frames = struct.unpack_from("=HI", header, 14)
    page_size = 65536 if page_size == 1 else page_size
    return frames > 0 and wal_size < WAL_HEADER + frames * (FRAME_HEADER + page_size)


def store_fault(exc: BaseException, store_path: str | Path | None) -> EnvironmentFault | None:
    """The fault to report for ``exc``, or None when it is no store error."""
    error = sqlite_error(exc)
    if error is None:
        return None
    detail = f"{store_path}: {error}" if store_path else str(error)
    message = str(error).lower()
    if is_disk_full(error):
        return DiskFull(detail=detail)
    if store_path and read_only_fs(Path(store_path).parent):
        folder = str(Path(store_path).parent)
        return EnvironmentFault("store.read_only_fs", detail, folder=folder)
    if store_path and "disk i/o error" in message and wal_missing(store_path):
        return EnvironmentFault("store.wal_missing", detail, wal=f"{store_path}-wal")
    if store_path and "disk i/o error" in message:
        # With no room for the -shm file SQLite cannot even read ("disk I/O error"): said
        # as such, it would send the technician after a failing disk or a restore.
        state, free = disk_state(Path(store_path).parent)
        if state == "full":
            return DiskFull(detail=f"{detail} ({free:,.0f} MB free on its disk)")
    if "database is locked" in message or "database is busy" in message:
        return EnvironmentFault("store.busy", detail)
    if any(word in message for word in DAMAGE):
        return EnvironmentFault("store.damaged", detail, path=str(store_path or "?"))
    return EnvironmentFault("store.failed", detail, path=str(store_path or "?"))
