"""Store safety: online backups, integrity checks, restore-at-start, outbox salvage.

* ``backup_now`` copies the live store with SQLite's online backup API (consistent
  while the kiosk keeps writing; WAL readers do not block writers) into
  ``<data_dir>/backups/kiosk-YYYYmmddTHHMMSSZ.db`` and prunes by ``backup_keep_days``.
* ``open_checked_store`` opens the store after a whole-file check: a store that fails
  ``PRAGMA quick_check`` is moved to ``<data_dir>/corrupt/``, the newest good backup is
  restored, the pending outbox events readable from the corrupt file are copied back,
  and a notice is left for staff (``last_restore_notice``).
* ``open_store_at_start`` is how the runtime opens it: the whole-file check (3 s on a
  three-year store) runs before the store opens only when the last run did not stop
  cleanly (no ``clean-stop.json`` matching the file: a power cut, a kill, a crash) or a
  check found damage; otherwise ``check_in_background`` runs it on the backup thread
  after start, and damage found there is a standing staff warning and makes the next
  start check and restore (``store-damaged.json``).
* ``salvage_outbox`` is the same copy by hand (``kiosk backup salvage FILE``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk import peek
from kiosk.errors import EnvironmentFault

log = logging.getLogger(__name__)

PREFIX = "kiosk-"
STAMP = "%Y%m%dT%H%M%SZ"
STREAM_CACHE_KIB = 256  # page cache of the one-pass connections (copy, check)
NOTICE = "restore-notice.json"
CLEAN_STOP = "clean-stop.json"  # written by a clean stop, taken (deleted) by the next start
DAMAGE_FOUND = "store-damaged.json"  # a check after start found damage: restore at next start
# Messages with which SQLite reports damage (as opposed to "locked", "readonly", ...).
DAMAGE = ("malformed", "not a database", "corrupt", "disk image")


class BackupError(EnvironmentFault):
    key = "backup.failed"


def backup_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "backups"


def corrupt_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "corrupt"


def _now() -> datetime:
    return datetime.now(UTC)


# --- checking ----------------------------------------------------------------------


def is_damage(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and any(w in str(exc).lower() for w in DAMAGE)


def integrity_problems(path: str | Path, quick: bool = False) -> list[str]:
    """[] when SQLite finds the file sound, else its complaints (at most 20).

    Only damage counts: "database is locked" and other operational errors propagate."""
    pragma = "quick_check" if quick else "integrity_check"
    try:
        conn = peek.connect(path, timeout=10)
        try:
            conn.execute(f"PRAGMA cache_size=-{STREAM_CACHE_KIB}")  # one pass over the file
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return [str(exc)]
        raise
    return [] if rows == ["ok"] else rows


# --- backing up ----------------------------------------------------------------------


def list_backups(data_dir: str | Path) -> list[Path]:
    """Backups, newest first (the timestamp in the name sorts)."""
    return sorted(backup_dir(data_dir).glob(f"{PREFIX}*.db"), reverse=True)


def backup_time(path: Path) -> datetime | None:
    try:
        return datetime.strptime(path.stem[len(PREFIX) :], STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def _copy_sqlite(src: str | Path, dst: Path) -> None:
    """Copy with the online backup API into ``dst`` atomically (temp file, fsync, rename)."""
    from kiosk import paths

    tmp = dst.with_name(dst.name + ".part")
    _remove_part(tmp)
    os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY, paths.PRIVATE_FILE_MODE))
    done = False
    try:
        source = peek.connect(src, timeout=10)
        try:
            target = sqlite3.connect(tmp)
            try:
                # Each page is copied once: a page cache on either side only raises the
                # kiosk's memory while a backup runs (2 MiB each by default).
                for conn in (source, target):
                    conn.execute(f"PRAGMA cache_size=-{STREAM_CACHE_KIB}")
                source.backup(target)
                # A self-contained file: no -wal beside it that a later copy could forget.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dst)
        done = True
    finally:
        if not done:
            # A failed copy (disk full, unreadable store) must not keep the space it took.
            _remove_part(tmp)


def _remove_part(tmp: Path) -> None:
    for suffix in ("", "-journal"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def _clear_unfinished(folder: Path) -> None:
    """Delete what backups cut short by a kill or a power cut left in ``folder``.

    Called with the backup lock held, so no backup is running: every ``.part`` is dead.
    Each is as big as the store (~680 MB on a three-year store) and its name (the time
    it started) is never used again, so nothing else would ever remove it."""
    for part in folder.glob(f"{PREFIX}*.db.part*"):
        try:
            part.unlink()
            log.warning("removed %s, left by a backup that did not finish", part.name)
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("could not remove unfinished backup %s: %s", part, exc)


@contextmanager
def _backup_lock(folder: Path) -> Iterator[None]:
    """One backup at a time per data dir (the kiosk's thread and `kiosk backup now` by
    hand), so clearing unfinished copies never deletes one still being written. The
    kernel drops the lock when its holder dies: a killed backup never blocks the next."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock, and no clearing (see backup_now)
        yield
        return
    # The folder itself is locked: no lock file to leave among the backups.
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def backup_now(store_path: str | Path, data_dir: str | Path, now: datetime | None = None) -> Path:
    now = now or _now()
    from kiosk import paths

    folder = backup_dir(data_dir)
    dst = folder / f"{PREFIX}{now.strftime(STAMP)}.db"
    try:
        # Inside: a data dir the kiosk user may not write (made by root, mode 555) ended
        # `kiosk backup now` in a PermissionError traceback.
        paths.private_dir(folder)
        with _backup_lock(folder):
            if os.name == "posix":  # elsewhere there is no lock to tell a live copy apart
                _clear_unfinished(folder)
            _copy_sqlite(store_path, dst)
    except (OSError, sqlite3.Error) as exc:
        hint = ""
        if isinstance(exc, PermissionError):
            hint = f" (the kiosk's user must own {data_dir}: `kiosk doctor` prints the chown)"
        raise BackupError(
            detail=f"backup of {store_path} failed: {exc}{hint}", path=str(dst)
        ) from exc
    problems = integrity_problems(dst, quick=True)
    if problems:
        dst.unlink(missing_ok=True)
        raise BackupError(detail=f"backup {dst} failed its check: {problems}", path=str(dst))
    log.info("store backed up to %s (%d bytes)", dst, dst.stat().st_size)
    return dst


# A backup named more than this far in the future was taken while the clock was wrong.
FUTURE_SLACK = timedelta(hours=1)
KEEP_AT_LEAST = 3  # whatever keep_days says


def future_backups(data_dir: str | Path, now: datetime | None = None) -> list[Path]:
    """Backups dated after ``now``: the clock was (or is) wrong."""
    now = now or _now()
    return [p for p in list_backups(data_dir) if (backup_time(p) or now) > now + FUTURE_SLACK]


def newest_plausible(data_dir: str | Path, now: datetime | None = None) -> datetime | None:
    """The time of the newest backup not dated in the future."""
    now = now or _now()
    times = [backup_time(p) for p in list_backups(data_dir)]
    sane = [t for t in times if t is not None and t <= now + FUTURE_SLACK]
    return max(sane, default=None)


def prune(data_dir: str | Path, keep_days: int, now: datetime | None = None) -> list[Path]:
    """Delete backups more than ``keep_days`` days older than the newest plausible one.

    Age is measured from the newest backup, not from the clock: a clock a year ahead
    must not make every backup look expired. The newest ``keep_days`` backups (one a day,
    so a count that matches the age) always stay, and so do backups dated in the future
    (doctor names them; they are pruned once the calendar passes them)."""
    now = now or _now()
    reference = newest_plausible(data_dir, now)
    if reference is None:
        return []
    cutoff = reference - timedelta(days=max(keep_days, 1))
    removed = []
    for path in list_backups(data_dir)[max(keep_days, KEEP_AT_LEAST) :]:
        taken = backup_time(path)
        if taken is not None and taken < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("pruned %d backups older than %d days", len(removed), keep_days)
    return removed


def backup_due(data_dir: str | Path, now: datetime | None = None) -> bool:
    """A day since the newest backup; a backup dated in the future does not count."""
    now = now or _now()
    taken = newest_plausible(data_dir, now)
    return taken is None or now - taken >= timedelta(hours=24)


def daily_backup(
    store_path: str | Path, data_dir: str | Path, keep_days: int, now: datetime | None = None
) -> Path | None:
    """Back up when the newest backup is a day old (or there is none); prune either way."""
    now = now or _now()
    made = backup_now(store_path, data_dir, now) if backup_due(data_dir, now) else None
    prune(data_dir, keep_days, now)
    return made


# --- restoring at start --------------------------------------------------------------


@dataclass
class RestoreNotice:
    """What staff are told after a corrupt store was replaced (JSON in the data dir)."""

    at: str
    corrupt_file: str
    problems: list[str]
    backup_file: str | None  # None: no good backup, the kiosk started with an empty store
    backup_taken: str | None
    salvaged: int = 0
    salvage_unreadable: int = 0
    # False: the salvage was cut short (time budget, stop); "pages": read from raw pages
    salvage_complete: bool = True
    salvage_method: str = ""
    seen: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _move_aside(store_path: Path, data_dir: Path, now: datetime) -> Path:
    folder = corrupt_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{store_path.stem}-{now.strftime(STAMP)}{store_path.suffix}"
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{store_path}{suffix}")
        if src.exists():
            shutil.move(src, Path(f"{target}{suffix}"))
    return target


@dataclass
class Replaced:
    backup: Path
    previous: Path | None  # the store that was there, kept with its -wal (None: none was)


def restore_from(backup_file: str | Path, store_path: str | Path, data_dir: str | Path) -> Replaced:
    """Put ``backup_file`` in place of the store, by hand (``kiosk backup restore``).

    The store and its ``-wal``/``-shm`` are moved aside together into ``replaced/``: a
    backup copied over ``kiosk.db`` with the old ``-wal`` still beside it is not restored
    at all (SQLite replays the old log onto it at the next open). Refused while anything
    has the store open, or for a backup that fails its check."""
    backup_file, store_path, data_dir = Path(backup_file), Path(store_path), Path(data_dir)
    if not backup_file.is_file():
        raise BackupError("backup.restore_failed", f"no such file: {backup_file}")
    if peek.store_in_use(store_path):
        raise BackupError(
            "backup.store_in_use", f"{store_path} is open in another process", path=str(store_path)
        )
    problems = integrity_problems(backup_file)
    if problems:
        raise BackupError("backup.restore_failed", f"{backup_file} fails its check: {problems[0]}")
    from kiosk.store_version import refuse_if_newer

    refuse_if_newer(backup_file)  # a newer build's backup: the start would refuse it
    previous = None
    if any(Path(f"{store_path}{s}").exists() for s in ("", "-wal", "-shm")):
        folder = data_dir / "replaced"
        folder.mkdir(parents=True, exist_ok=True)
        previous = folder / f"{store_path.stem}-{_now().strftime(STAMP)}{store_path.suffix}"
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{store_path}{suffix}")
            if src.exists():
                shutil.move(src, Path(f"{previous}{suffix}"))
    try:
        _copy_sqlite(backup_file, store_path)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError("backup.restore_failed", f"copying {backup_file} failed: {exc}") from exc
    if os.geteuid() == 0:
        # Run as root (as docs/deploy.md's commands are): the kiosk user must own it.
        owner = data_dir.stat()
        os.chown(store_path, owner.st_uid, owner.st_gid)
    # Findings and markers were about the store that was there.
    for name in (DAMAGE_FOUND, CLEAN_STOP):
        (data_dir / name).unlink(missing_ok=True)
    log.warning(
        "store restored by hand from %s; the previous one kept as %s", backup_file, previous
    )
    return Replaced(backup_file, previous)


def restore_order(data_dir: str | Path, now: datetime | None = None) -> list[Path]:
    """Backups in the order a restore tries them: those the clock finds plausible, newest
    first, then those dated in the future. A backup dated 2029 was taken while the clock
    was years ahead; once it was put right, every backup since sorts below it by name, so
    "newest by name" restored the stale one and lost the months after it."""
    future = set(future_backups(data_dir, now))
    backups = list_backups(data_dir)
    return [p for p in backups if p not in future] + [p for p in backups if p in future]


def restore_newest(store_path: Path, data_dir: Path) -> Path | None:
    """Copy the newest backup that passes its check to ``store_path``; None if none does."""
    for candidate in restore_order(data_dir):
        if integrity_problems(candidate, quick=True):
            log.error("backup %s is damaged too; trying an older one", candidate)
            continue
        _copy_sqlite(candidate, store_path)
        return candidate
    return None


def recover_if_corrupt(store_path: str | Path, data_dir: str | Path) -> RestoreNotice | None:
    """Replace a damaged store by the newest good backup. None when the store is sound."""
    store_path, data_dir = Path(store_path), Path(data_dir)
    if not store_path.exists():
        return None
    if peek.emptied(store_path, data_dir):
        problems = [peek.EMPTIED]
    else:
        problems = integrity_problems(store_path, quick=True)
    if not problems:
        return None
    now = _now()
    log.critical("store %s is damaged: %s", store_path, "; ".join(problems[:5]))
    moved = _move_aside(store_path, data_dir, now)
    restored = restore_newest(store_path, data_dir)
    taken = backup_time(restored) if restored else None
    if restored:
        log.critical("restored the store from backup %s; damaged file kept as %s", restored, moved)
    else:
        log.critical("no usable backup: starting with an empty store; damaged file at %s", moved)
    notice = RestoreNotice(
        at=now.isoformat(timespec="seconds"),
        corrupt_file=str(moved),
        problems=problems[:5],
        backup_file=str(restored) if restored else None,
        backup_taken=taken.isoformat(timespec="seconds") if taken else None,
    )
    write_notice(data_dir, notice)
    return notice


def write_notice(data_dir: str | Path, notice: RestoreNotice) -> None:
    path = Path(data_dir) / NOTICE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(notice), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def last_restore_notice(data_dir: str | Path) -> RestoreNotice | None:
    """The notice of the last restore that staff have not yet acknowledged, for the UI."""
    path = Path(data_dir) / NOTICE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        notice = RestoreNotice(**data)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError, OSError):
        log.exception("unreadable restore notice %s", path)
        return None
    return None if notice.seen else notice


def acknowledge_restore_notice(data_dir: str | Path) -> None:
    """Staff have read it: keep the file (for technicians) but stop showing it."""
    path = Path(data_dir) / NOTICE
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        write_notice(data_dir, RestoreNotice(**{**data, "seen": True}))


# --- checking only after an unclean stop ----------------------------------------------


def _file_state(store_path: Path) -> dict[str, int]:
    """What a clean stop leaves: the main file as closed, no write-ahead log in use."""
    st = store_path.stat()
    wal = Path(f"{store_path}-wal")
    return {
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "inode": st.st_ino,
        "wal_size": wal.stat().st_size if wal.exists() else 0,
    }


def mark_clean_stop(store_path: str | Path, data_dir: str | Path) -> bool:
    """Called once the store is closed at a clean stop: the next start may skip the
    whole-file check before opening (it then runs after start). Not when damage was found
    in this run, nor when the store is gone. True when the marker was written."""
    store_path, data_dir = Path(store_path), Path(data_dir)
    if (data_dir / DAMAGE_FOUND).exists() or not store_path.exists():
        return False
    state: dict[str, str | int] = {"store": str(store_path)}
    state.update(_file_state(store_path), at=_now().isoformat(timespec="seconds"))
    path = data_dir / CLEAN_STOP
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(state, fh)
        fh.flush()
        os.fsync(fh.fileno())  # a power cut right after the stop keeps it or loses it whole
    os.replace(tmp, path)
    return True


def take_clean_stop(store_path: str | Path, data_dir: str | Path) -> bool:
    """Whether the last run stopped cleanly and nothing touched the store since.

    The marker is consumed: from now on this run counts as unclean until its own clean
    stop writes a new one, so a power cut or a kill today means a whole-file check at the
    next start. A marker for another file, a file changed since (size, mtime, inode), a
    write-ahead log with frames or a damage finding all count as unclean."""
    store_path, data_dir = Path(store_path), Path(data_dir)
    path = data_dir / CLEAN_STOP
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (ValueError, OSError):
        log.warning("unreadable clean-stop marker %s: checking the store", path)
        state = None
    path.unlink(missing_ok=True)
    if not isinstance(state, dict) or (data_dir / DAMAGE_FOUND).exists():
        return False
    try:
        now = _file_state(store_path)
    except OSError:
        return False
    same = state.get("store") == str(store_path) and all(state.get(k) == v for k, v in now.items())
    return same and now["wal_size"] == 0


def damage_found(data_dir: str | Path) -> dict[str, Any] | None:
    """The finding of a check after start (``check_in_background``) not yet acted on."""
    path = Path(data_dir) / DAMAGE_FOUND
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, OSError):
        return {"at": "", "problems": ["unreadable finding"]}
    return data if isinstance(data, dict) else {"at": "", "problems": []}


def check_in_background(store_path: str | Path, data_dir: str | Path) -> list[str]:
    """The whole-file check of a store the kiosk already runs on (the backup thread's,
    when the start skipped it after a clean stop). Reads a WAL snapshot through its own
    read-only connection with a small page cache; SQLite releases the GIL while it runs.

    Damage found is written down (``store-damaged.json``): the staff menu warns until
    the kiosk is restarted, the clean stop leaves no marker, and the next start checks,
    moves the damaged file aside and restores the newest good backup."""
    store_path, data_dir = Path(store_path), Path(data_dir)
    began = _now()
    problems = integrity_problems(store_path, quick=True)
    if not problems:
        log.info(
            "store %s checked after start: sound (%.1f s)",
            store_path,
            (_now() - began).total_seconds(),
        )
        return []
    log.critical(
        "store %s is damaged (found after start): %s; it is restored at the next start",
        store_path,
        "; ".join(problems[:5]),
    )
    path = data_dir / DAMAGE_FOUND
    tmp = path.with_suffix(".tmp")
    finding = {"at": began.isoformat(timespec="seconds"), "problems": problems[:5]}
    tmp.write_text(json.dumps(finding, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return problems


def open_store_at_start(store_path: str | Path, data_dir: str | Path) -> tuple[Any, bool]:
    """The runtime's way in: ``(store, checked)``. After a clean stop the store opens
    at once and ``checked`` is False: the caller runs ``check_in_background`` soon
    after. Otherwise it is ``open_checked_store`` (check, restore, salvage)."""
    from kiosk.store.db import require_access

    require_access(store_path)  # before the check: it would read an unreadable file as damage
    if take_clean_stop(store_path, data_dir):
        from kiosk.store import open_store

        log.info("last stop was clean: the store's whole-file check runs after start")
        return open_store(store_path), False
    return open_checked_store(store_path, data_dir), True


def open_checked_store(store_path: str | Path, data_dir: str | Path) -> Any:
    """Open the store for the runtime: recover it first if damaged, then salvage."""
    from kiosk.salvage import salvage_outbox
    from kiosk.store import open_store
    from kiosk.store.db import require_access

    require_access(store_path)
    notice = recover_if_corrupt(store_path, data_dir)
    # Checked now (and restored if it was damaged): a finding after start is acted on.
    Path(data_dir, DAMAGE_FOUND).unlink(missing_ok=True)
    store = open_store(store_path)
    if notice is not None:
        try:
            result = salvage_outbox(notice.corrupt_file, store)
        except Exception:
            # The damaged file stays in corrupt/: `kiosk backup salvage` can retry later.
            log.exception("salvaging outbox events from %s failed", notice.corrupt_file)
            notice.salvage_complete, notice.salvage_method = False, "failed"
        else:
            notice.salvaged, notice.salvage_unreadable = result.copied, result.unreadable
            notice.salvage_complete, notice.salvage_method = result.complete, result.method
        write_notice(data_dir, notice)
    return store


def notice_text(notice: RestoreNotice, lang: str = "zh_CN") -> str:
    """The sentence the UI shows staff for ``notice`` (see ``last_restore_notice``)."""
    from kiosk.messages import text

    key = "store.restored" if notice.backup_file else "store.restored_empty"
    sentence = text(
        key,
        lang,
        at=notice.at.replace("T", " ")[:16],
        taken=(notice.backup_taken or "").replace("T", " ")[:16],
        salvaged=notice.salvaged,
    )
    if not notice.salvage_complete:
        # "0 recovered" must not read as "nothing was lost".
        sentence += " " + text("store.salvage_partial", lang, file=notice.corrupt_file)
    return sentence
