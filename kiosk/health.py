"""What the machine itself gets wrong: a full disk, a clock behind the data, a store a
check after start found damaged (restored at the next start).

Shared by doctor (``station``/``kiosk doctor``) and the staff menu, which shows these
warnings for as long as they hold (they are not start-up notices to dismiss). Reads a few
file names, the disk's free space and one row of the store: cheap enough for the UI
thread's 10 ms.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk import backup, peek
from kiosk.clock import to_local
from kiosk.diskspace import disk_state, read_only_fs
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
        conn = peek.connect(path, timeout=2)
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


SKEW_LIMIT_S = 120.0  # volunteer codes expire in minutes: beyond this they all fail
SKEW_RIGHT_S = 30.0  # within this of central the clock is right (doctor's OK)


def clock_known_right(skew_s: float | None) -> bool:
    """True when central agrees with our clock, or (not compared) the kernel says NTP
    keeps it synchronised. Data dated ahead of such a clock was written while it was
    wrong: the staff were told so for as long as its backups (dated years ahead) lasted,
    after the clock had been put right, and could do nothing about it."""
    from kiosk.clock import synchronised

    if skew_s is not None:
        return abs(skew_s) <= SKEW_RIGHT_S
    return bool(synchronised())


def warnings(
    data_dir: str | Path,
    store_path: str | Path,
    lang: str,
    zone: str = "Asia/Shanghai",
    skew_s: float | None = None,
) -> list[str]:
    """The staff menu's standing warnings, in ``lang``. ``skew_s``: our clock minus
    central's at the last sync (the sync engine's status), if known."""
    notes = []
    damage = backup.damage_found(data_dir)
    if damage is not None:
        at = str(damage.get("at") or "")
        with contextlib.suppress(ValueError):  # an unreadable finding says so without a time
            at = to_local(datetime.fromisoformat(at), zone).strftime("%Y-%m-%d %H:%M")
        notes.append(text("store.damage_found", lang, at=at))
    if skew_s is not None and abs(skew_s) > SKEW_LIMIT_S:
        notes.append(text("health.clock_skew", lang, skew=f"{skew_s:+.0f}"))
    if read_only_fs(data_dir):
        notes.append(text("health.read_only", lang))
    state, free = disk_state(data_dir)
    if state != "ok":
        key = "health.disk_full" if state == "full" else "health.disk_low"
        notes.append(text(key, lang, free=f"{free:,.0f}"))
    now = datetime.now(UTC)
    ahead = clock_behind(data_dir, store_path, now)
    if ahead is not None and not clock_known_right(skew_s):
        notes.append(
            text(
                "health.clock_behind",
                lang,
                now=to_local(now, zone).strftime("%Y-%m-%d %H:%M"),
                newest=to_local(ahead, zone).strftime("%Y-%m-%d %H:%M"),
            )
        )
    return notes


# --- write access ---------------------------------------------------------------------


def kiosk_user(data_dir: str | Path) -> tuple[int, str]:
    """Whose access matters: this user, or (run as root) the owner of the data dir."""
    import pwd

    uid = os.geteuid()
    if uid == 0:
        folder = Path(data_dir)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        uid = folder.stat().st_uid
    try:
        return uid, pwd.getpwuid(uid).pw_name
    except KeyError:
        return uid, str(uid)


def writable_by(path: Path, uid: int) -> bool:
    """Whether user ``uid`` may write ``path`` (and enter it, for a folder), by its mode
    bits, owner and the user's groups: the same answer for root as for that user."""
    import grp
    import pwd
    import stat

    if uid == os.geteuid() and uid != 0:
        mode = os.W_OK | (os.X_OK if path.is_dir() else 0)
        return os.access(path, mode)
    st = path.stat()
    need_x = stat.S_ISDIR(st.st_mode)
    if uid == 0:
        return True
    try:
        user = pwd.getpwuid(uid)
        gids = {user.pw_gid} | {g.gr_gid for g in grp.getgrall() if user.pw_name in g.gr_mem}
    except KeyError:
        gids = set()
    if st.st_uid == uid:
        w, x = stat.S_IWUSR, stat.S_IXUSR
    elif st.st_gid in gids:
        w, x = stat.S_IWGRP, stat.S_IXGRP
    else:
        w, x = stat.S_IWOTH, stat.S_IXOTH
    return bool(st.st_mode & w) and (not need_x or bool(st.st_mode & x))


def unwritable(data_dir: str | Path, store_path: str | Path) -> tuple[str, list[Path]]:
    """The kiosk user's name and what it cannot write of the store, its -wal and -shm,
    the data dir and the backups/, logs/ and corrupt/ folders (with their files)."""
    data, store = Path(data_dir), Path(store_path)
    uid, name = kiosk_user(data)
    targets = [data, store, Path(f"{store}-wal"), Path(f"{store}-shm")]
    for sub in ("backups", "logs", "corrupt"):
        folder = data / sub
        targets.append(folder)
        if folder.is_dir():
            targets += sorted(p for p in folder.iterdir() if p.is_file())[:50]
    return name, [p for p in targets if p.exists() and not writable_by(p, uid)]
