"""What the machine itself gets wrong: a full disk and a clock behind the data.

Shared by doctor (``station``/``kiosk doctor``) and the staff menu, which shows these
warnings for as long as they hold (they are not start-up notices to dismiss). Reads a few
file names, the disk's free space and one row of the store: cheap enough for the UI
thread's 10 ms.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk import backup
from kiosk.clock import to_local
from kiosk.diskspace import disk_state
from kiosk.messages import text

log = logging.getLogger(__name__)

# Data dated later than now by more than this means the clock is (or was) wrong.
CLOCK_SLACK = timedelta(minutes=10)


def newest_store_time(store_path: str | Path) -> datetime | None:
    """When the store's newest outbox event happened (UTC), read-only; None if unknown."""
    path = Path(store_path)
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
        try:
            row = conn.execute(
                "SELECT occurred_at FROM outbox_events ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if not row or not row[0]:
        return None
    try:
        return datetime.fromisoformat(str(row[0])).replace(tzinfo=UTC)
    except ValueError:
        return None


def newest_data_time(data_dir: str | Path, store_path: str | Path) -> datetime | None:
    """The latest time the kiosk wrote down: its newest event or backup."""
    times = [newest_store_time(store_path)]
    times += [backup.backup_time(p) for p in backup.list_backups(data_dir)[:3]]
    return max((t for t in times if t is not None), default=None)


def clock_behind(
    data_dir: str | Path, store_path: str | Path, now: datetime | None = None
) -> datetime | None:
    """The newest data time when it lies ahead of the clock (the clock is wrong now, or
    was when that was written); None when the clock is plausible."""
    now = now or datetime.now(UTC)
    newest = newest_data_time(data_dir, store_path)
    return newest if newest is not None and newest > now + CLOCK_SLACK else None


def warnings(
    data_dir: str | Path, store_path: str | Path, lang: str, zone: str = "Asia/Shanghai"
) -> list[str]:
    """The staff menu's standing warnings, in ``lang``."""
    notes = []
    state, free = disk_state(data_dir)
    if state != "ok":
        key = "health.disk_full" if state == "full" else "health.disk_low"
        notes.append(text(key, lang, free=f"{free:,.0f}"))
    now = datetime.now(UTC)
    ahead = clock_behind(data_dir, store_path, now)
    if ahead is not None:
        notes.append(
            text(
                "health.clock_behind",
                lang,
                now=to_local(now, zone).strftime("%Y-%m-%d %H:%M"),
                newest=to_local(ahead, zone).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return notes
