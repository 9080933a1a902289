"""What staff must hear about the previous run: a hard crash, a store restored from backup.

Both are collected once per process (the crash text is handed out once by
``kiosk.logs.new_crash_text``) and stay on the staff menu until a staff member dismisses
them. Reading two small files is well under the 10 ms a main-thread read may take.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from kiosk import backup, health
from kiosk.logs import log_dir, new_crash_text

log = logging.getLogger(__name__)

_crash_line: str | None = None
_crash_collected = False


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[0][:120] if lines else ""


def pending(data_dir: str | Path, lang: str) -> list[str]:
    """The notices to show, in the current language (empty when there is nothing)."""
    global _crash_line, _crash_collected
    if not _crash_collected:
        _crash_collected = True
        text = new_crash_text(data_dir)
        _crash_line = _first_line(text) if text else None
    notes = []
    if _crash_line is not None:
        notes.append(
            QCoreApplication.translate(
                "StartupNotices",
                "The kiosk stopped abnormally last time ({what}). The details are in {folder}; "
                "please pass them to the technician.",
            ).format(what=_crash_line, folder=log_dir(data_dir))
        )
    notice = backup.last_restore_notice(data_dir)
    if notice is not None:
        notes.append(backup.notice_text(notice, lang))
    return notes


def standing(data_dir: str | Path, store_path: str | Path, lang: str, zone: str) -> list[str]:
    """Warnings that hold until the cause is fixed (disk full or low, clock behind the
    data); not dismissable."""
    try:
        return health.warnings(data_dir, store_path, lang, zone)
    except OSError:
        log.exception("machine health check failed")
        return []


def dismiss(data_dir: str | Path) -> None:
    global _crash_line
    _crash_line = None
    if backup.last_restore_notice(data_dir) is not None:
        backup.acknowledge_restore_notice(data_dir)
    log.info("staff dismissed the start-up notices")
