"""Disk full: recognising it, measuring free space, and a reserve so the log still works.

A full disk shows itself as ``sqlite3.OperationalError: database or disk is full`` (or
SQLAlchemy's wrapper of it) and as ``OSError(ENOSPC)`` from files. The kiosk names it as
such (status strip, staff menu, doctor) instead of "offline" or a bare error code, and
keeps a few MiB reserved in ``<data dir>/logs/.reserve``: when the log itself cannot be
written, the reserve is given back so that the error and its traceback reach kiosk.log
(``kiosk.logs``). It is made again once there is room.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

RESERVE_NAME = ".reserve"
RESERVE_BYTES = 4 * 1024 * 1024
LOW_MB, FULL_MB = 1024.0, 200.0  # doctor's WARN and FAIL thresholds; the strip's "full"
_FULL_TEXT = ("database or disk is full", "no space left on device", "disk quota exceeded")


def is_disk_full(exc: BaseException | None) -> bool:
    """True when ``exc`` (or an exception it wraps) says the disk is full."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(text in str(exc).lower() for text in _FULL_TEXT):
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
        seen += 1
    return False


def read_only_fs(folder: str | Path) -> bool:
    """Whether the file system holding ``folder`` is mounted read-only: Linux remounts an
    SD card or disk so after I/O errors, and then no chown or restart makes it writable."""
    path = Path(folder)
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows): not known, so not said
        return False


def free_mb(folder: str | Path) -> float:
    path = Path(folder)
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free / 1e6


def disk_state(folder: str | Path) -> tuple[str, float]:
    """("full" | "low" | "ok", free MB) for the disk holding ``folder``."""
    free = free_mb(folder)
    return ("full" if free < FULL_MB else "low" if free < LOW_MB else "ok"), free


def reserve_path(log_folder: str | Path) -> Path:
    return Path(log_folder) / RESERVE_NAME


def make_reserve(log_folder: str | Path) -> bool:
    """Set aside RESERVE_BYTES (real blocks, not a sparse file); False if there is no room."""
    path = reserve_path(log_folder)
    try:
        if path.exists() and path.stat().st_size >= RESERVE_BYTES:
            return True
        with open(path, "wb") as fh:
            fh.write(b"\0" * RESERVE_BYTES)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        path.unlink(missing_ok=True)
        return False
    return True


def release_reserve(log_folder: str | Path) -> bool:
    """Give the reserve back to the disk; True when there was one."""
    path = reserve_path(log_folder)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
