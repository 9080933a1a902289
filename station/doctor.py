"""``kiosk doctor``'s checks: one result per check, each with the exact fix.

A check is a function ``(Context) -> Result``. Checks never change anything (the store is
opened read-only, migrations are compared, not run) so doctor is safe on a running kiosk.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk import paths, peek
from kiosk.clock import synchronised
from kiosk.config import Config
from kiosk.diskspace import disk_state, read_only_fs
from kiosk.health import clock_behind, kiosk_user, unwritable, writable_by
from kiosk.messages import text as message_text
from kiosk.store_faults import sqlite_error, store_fault

log = logging.getLogger(__name__)

OK, WARN, FAIL = "OK", "WARN", "FAIL"
GLIBC_FLOOR = (2, 34)  # PySide6 6.10 wheels are manylinux_2_34 (see docs/deploy.md)
SKEW_WARN_S, SKEW_FAIL_S = 30.0, 120.0  # volunteer codes expire in minutes
BACKUP_WARN_H = 48
# Libraries the xcb platform plugin loads, and the Debian/Ubuntu package of each.
XCB_LIBS = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libfontconfig.so.1": "libfontconfig1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
}


@dataclass
class Result:
    name: str
    level: str
    message: str
    fix: str = ""

    def line(self) -> str:
        fix = f"  → {self.fix}" if self.fix and self.level != OK else ""
        return f"{self.level:<4}  {self.name:<12} {self.message}{fix}"


@dataclass
class Context:
    config: Config
    server_timeout_s: float = 3.0
    health: dict[str, Any] | None = None  # the server check's answer, for the clock check
    extra: dict[str, Any] = field(default_factory=dict)
    skipped: frozenset[str] = frozenset()  # checks left out (``--skip``), by name


# --- store ---------------------------------------------------------------------------


def check_store(ctx: Context) -> Result:
    import sqlite3

    path = ctx.config.store_path()
    data_dir = Path(ctx.config.data_dir)
    if not data_dir.exists():
        return Result("store", WARN, f"{data_dir} does not exist yet", "run `kiosk init`")
    user = kiosk_user(data_dir)[1]
    if not writable_by(data_dir, kiosk_user(data_dir)[0]):
        return Result("store", FAIL, f"{data_dir} is not writable by {user}", _chown(data_dir))
    if not path.exists():
        return Result("store", WARN, f"{path} not created yet", "start the kiosk once")
    if peek.emptied(path, data_dir):
        return Result(
            "store",
            FAIL,
            f"{path}: {peek.EMPTIED}",
            "start the kiosk: it restores the newest backup (or `kiosk backup restore FILE`)",
        )
    try:
        conn = peek.connect(path, timeout=5)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return _store_failure(ctx, "store", exc)
    size = path.stat().st_size / 1e6
    return Result("store", OK, f"{path} ({size:.1f} MB)")


def _chown(data_dir: Path) -> str:
    user = kiosk_user(data_dir)[1]
    return f"as root: chown -R {user}:{user} '{data_dir}'"


def check_access(ctx: Context) -> Result:
    """What the kiosk writes, writable by the kiosk's user (run as root: the owner of
    the data dir), not just readable: a store it cannot write fails every order."""
    data_dir = Path(ctx.config.data_dir)
    if not data_dir.exists():
        return Result("access", WARN, f"{data_dir} does not exist yet", "run `kiosk init`")
    if read_only_fs(data_dir):
        # Mode bits say "writable" on a disk Linux remounted read-only after errors.
        return Result("access", FAIL, f"{data_dir} is on a read-only file system", READ_ONLY_FIX)
    user, denied = unwritable(data_dir, ctx.config.store_path())
    if denied:
        names = ", ".join(str(p) for p in denied[:4]) + (" …" if len(denied) > 4 else "")
        return Result("access", FAIL, f"{user} cannot write {names}", _chown(data_dir))
    how = " (checked for the data dir's owner: doctor runs as root)" if os.geteuid() == 0 else ""
    return Result("access", OK, f"{user} can write the store, WAL, backups and logs{how}")


READ_ONLY_FIX = (
    "Linux remounts a disk read-only after I/O errors: check `dmesg` and the disk "
    "(`fsck` it unmounted, or replace the card), then `mount -o remount,rw` it and restart "
    "the kiosk"
)


def _restore_fix(ctx: Context) -> str:
    from kiosk.backup import list_backups

    if not list_backups(ctx.config.data_dir):
        # "replaced by the newest backup" where there is none: the technician expected
        # the data back, and got an empty store.
        return (
            "there is no backup: a restart starts with an EMPTY store (the damaged file "
            f"is kept in {Path(ctx.config.data_dir) / 'corrupt'}, its unsent records copied "
            "over); if a copy of the store exists elsewhere, stop the kiosk and "
            "`kiosk backup restore FILE` first"
        )
    return (
        "restart the kiosk: a damaged store is replaced by the newest backup at start "
        f"(backups: `kiosk backup list`; folder {Path(ctx.config.data_dir) / 'backups'})"
    )


def _store_failure(ctx: Context, name: str, exc: BaseException, what: str = "") -> Result:
    """A check that could not read the store: SQLite's own words (not SQLAlchemy's SQL
    dump) and the fix for what it means. A restore is the fix for damage only: a full
    disk or a deleted WAL each has its own."""
    error = sqlite_error(exc) or exc
    path = ctx.config.store_path()
    fault = store_fault(exc, path)
    plain = fault is None or fault.key in ("store.damaged", "store.failed")
    if plain and _store_unwritable(ctx):
        # "attempt to write a readonly database", "unable to open database file": the
        # kiosk's user cannot write the store or make its -wal/-shm beside it. A restore
        # (the advice so far) cannot even be written; the chown comes first.
        fix = _chown(Path(ctx.config.data_dir))
    elif fault is None or fault.key in ("store.damaged", "store.failed"):
        fix = _restore_fix(ctx)
    elif fault.key == "store.read_only_fs":
        fix = READ_ONLY_FIX
    elif fault.key == "error.disk_full":
        fix = "free space on the disk (see the disk line), then run `kiosk doctor` again"
    else:
        fix = message_text(fault.key, "en", **fault.params)
    return Result(name, FAIL, f"{what}{path}: {error}", fix)


def _store_unwritable(ctx: Context) -> bool:
    from kiosk.health import unwritable

    try:
        return bool(unwritable(ctx.config.data_dir, ctx.config.store_path())[1])
    except OSError:
        return False


def check_migrations(ctx: Context) -> Result:
    from sqlalchemy import create_engine

    from kiosk.messages import text
    from kiosk.store.migrate import current_revision, head_revision
    from kiosk.store_version import StoreTooNew, refuse_if_newer

    path = ctx.config.store_path()
    if not path.exists():
        return Result("migrations", WARN, "no store yet", "start the kiosk once")
    try:
        refuse_if_newer(path)
    except StoreTooNew as exc:
        return Result(
            "migrations",
            FAIL,
            text(exc.key, "en", **exc.params) + f" (schema {exc.params['revision']})",
            f"install kiosk {exc.params['version']} or newer (the kiosk refuses to start, "
            "exit code 78); or restore the backup taken before the update (section 10)",
        )
    head = head_revision()
    engine = create_engine("sqlite://", creator=lambda: peek.connect(path, timeout=5))
    try:
        current = current_revision(engine)
    except Exception as exc:
        return _store_failure(ctx, "migrations", exc, "cannot read the schema version: ")
    finally:
        engine.dispose()
    if current == head:
        return Result("migrations", OK, f"schema at {head}")
    return Result(
        "migrations",
        WARN,
        f"schema at {current or 'none'}, this build expects {head}",
        "start the kiosk: migrations run at start (a backup is taken daily)",
    )


def check_integrity(ctx: Context) -> Result:
    from kiosk.backup import integrity_problems

    path = ctx.config.store_path()
    if not path.exists():
        return Result("integrity", WARN, "no store yet", "start the kiosk once")
    problems = integrity_problems(path)
    if problems:
        return Result(
            "integrity", FAIL, f"{len(problems)} problem(s): {problems[0][:80]}", _restore_fix(ctx)
        )
    return Result("integrity", OK, "PRAGMA integrity_check: ok")


def check_backups(ctx: Context) -> Result:
    from kiosk.backup import future_backups, list_backups, newest_plausible

    backups = list_backups(ctx.config.data_dir)
    if not backups:
        return Result(
            "backups", WARN, "no backup yet", "`kiosk backup now` (the kiosk makes one daily)"
        )
    now = datetime.now(UTC)
    future = future_backups(ctx.config.data_dir, now)
    if future:
        # Never "newest -9600 h old": a backup named in the future means a wrong clock.
        return Result(
            "backups",
            WARN,
            f"{len(future)} backup(s) dated in the future, newest {future[0].name}: "
            "the clock was or is wrong",
            "set the clock (see the clock line); those files are kept, new ones are taken",
        )
    taken = newest_plausible(ctx.config.data_dir, now)
    age_h = (now - taken).total_seconds() / 3600 if taken else 1e9
    text = f"{len(backups)} kept, newest {age_h:.0f} h old ({backups[0].name})"
    if age_h > BACKUP_WARN_H:
        return Result("backups", WARN, text, "`kiosk backup now`; check the log for backup errors")
    return Result("backups", OK, text)


def check_restore(ctx: Context) -> Result:
    from kiosk.backup import last_restore_notice, notice_text

    notice = last_restore_notice(ctx.config.data_dir)
    if notice is None:
        return Result("restore", OK, "no unread restore notice")
    return Result(
        "restore",
        WARN,
        notice_text(notice, "en"),
        "check the storage (SMART, SD card), then `kiosk backup notice --ack`",
    )


def check_crashes(ctx: Context) -> Result:
    from kiosk.logs import log_dir

    week_ago = datetime.now(UTC).timestamp() - 7 * 86400
    recent = [
        p for p in log_dir(ctx.config.data_dir).glob("crash-*.log") if p.stat().st_mtime > week_ago
    ]
    if recent:
        newest = max(recent, key=lambda p: p.stat().st_mtime)
        return Result(
            "crashes",
            WARN,
            f"{len(recent)} hard crash(es) in 7 days, newest {newest}",
            "send the crash logs and kiosk.log to the developers",
        )
    return Result("crashes", OK, "no hard crash in 7 days")


# --- assets --------------------------------------------------------------------------


def check_font(_ctx: Context) -> Result:
    font = paths.font_path()
    try:
        head = font.read_bytes()[:4]
    except OSError as exc:
        return Result("font", FAIL, f"{font}: {exc}", "reinstall the kiosk bundle")
    if head not in (b"OTTO", b"\x00\x01\x00\x00"):
        return Result("font", FAIL, f"{font} is not a font file", "reinstall the kiosk bundle")
    return Result("font", OK, f"{font.name} ({font.stat().st_size / 1e6:.1f} MB)")


def check_translations(_ctx: Context) -> Result:
    folder = paths.assets_dir() / "i18n"
    files = sorted(p.name for p in folder.glob("kiosk_*.qm")) if folder.is_dir() else []
    if not files:
        return Result(
            "translations",
            WARN,
            f"no compiled translations in {folder}",
            "rebuild the bundle after `make i18n` (screens show source texts)",
        )
    return Result("translations", OK, ", ".join(files))


# --- devices and network --------------------------------------------------------------


def check_printer(ctx: Context) -> Result:
    try:
        from station.commands.print_test import printer_check
    except ImportError:
        return Result("printer", WARN, "printer check not available in this build", "")
    try:
        level, message, fix = printer_check(ctx.config)
    except Exception as exc:
        log.debug("printer check raised", exc_info=True)
        return Result("printer", FAIL, f"{type(exc).__name__}: {exc}", "`kiosk print-test`")
    return Result("printer", str(level).upper(), message, fix)


def _client(ctx: Context) -> Any:
    from sync.client import CentralClient

    cfg = ctx.config
    timeout = (ctx.server_timeout_s, ctx.server_timeout_s)
    return CentralClient(
        cfg.server_url, cfg.station_id, cfg.token, ca_bundle=cfg.ca_bundle or None, timeout=timeout
    )


def check_server(ctx: Context) -> Result:
    cfg = ctx.config
    if not cfg.server_url:
        return Result("server", WARN, "no server_url: offline only", "kiosk init --server-url URL")
    from sync.errors import ClockWrong, SyncError, Unauthorised

    client = _client(ctx)
    try:
        try:
            ctx.health = client.health()
            ctx.extra["date_skew"] = client.clock_skew_s  # from central's Date header
        except ClockWrong as exc:
            ctx.extra["clock_wrong"] = str(exc)
            return Result("server", FAIL, f"{cfg.server_url}: {exc}", CLOCK_FIX)
        except SyncError as exc:
            return Result("server", FAIL, f"{cfg.server_url}: {exc}", _server_fix(cfg))
        version = ctx.health.get("version", "?")
        if not (cfg.station_id and cfg.token):
            return Result(
                "server", WARN, f"reachable (central {version}) but no station id/token",
                "kiosk init --station-id ID --token TOKEN",
            )  # fmt: skip
        try:
            client.changes("", 1)  # authenticated, read-only
        except Unauthorised:
            return Result(
                "server", FAIL, f"central {version} refuses station {cfg.station_id}'s token",
                "ask the district for a new token: kiosk init --token TOKEN",
            )  # fmt: skip
        except SyncError as exc:
            return Result("server", WARN, f"health ok, authenticated call failed: {exc}", "")
        return Result("server", OK, f"{cfg.server_url} (central {version}), token accepted")
    finally:
        client.close()


def _server_fix(cfg: Config) -> str:
    return (
        f"check network/DNS and the URL (curl -v {cfg.server_url.rstrip('/')}/api/v1/health); "
        "with a private CA set ca_bundle"
    )


CLOCK_FIX = (
    "set the clock: as root `timedatectl set-ntp true` (or point chrony/NTP at the "
    "district's time server; by hand: date -u -s 'YYYY-MM-DD HH:MM')"
)


def _central_skew(ctx: Context, now: datetime) -> float | None:
    """Our clock minus central's, in seconds, from the server check; None if unknown."""
    if "server" in ctx.skipped or not ctx.health:
        return None
    if "time" not in ctx.health and ctx.extra.get("date_skew") is not None:
        ctx.health = {**ctx.health, "time": (now - timedelta(seconds=ctx.extra["date_skew"]))}
    if "time" not in ctx.health:
        return None
    try:
        central = datetime.fromisoformat(str(ctx.health["time"]).replace("Z", "+00:00"))
    except ValueError:
        return None
    if central.tzinfo is None:
        central = central.replace(tzinfo=UTC)
    return (datetime.now(UTC) - central).total_seconds()


def _stale_data_fix(ctx: Context, now: datetime) -> str:
    from kiosk.backup import future_backups

    future = future_backups(ctx.config.data_dir, now)
    if not future:
        return "nothing to do: the store's next event is dated right and ends this warning"
    return (
        "the backups dated in the future are stale copies from then: once today's backup "
        "exists (`kiosk backup now`), delete them: rm " + " ".join(str(p) for p in future)
    )


def check_clock(ctx: Context) -> Result:
    now = datetime.now(UTC)
    ahead = clock_behind(ctx.config.data_dir, ctx.config.store_path(), now)
    if ahead is not None:
        # Data dated ahead of a clock that is known right now was written while the clock
        # was wrong: history, not a fault. A FAIL here lasted as long as the backups dated
        # 2029 did (years: they are kept), though the technician had set the clock.
        skew = _central_skew(ctx, now)
        if skew is not None and abs(skew) <= SKEW_WARN_S:
            right = f"{skew:+.0f} s against central"
        elif skew is None and synchronised():
            right = "synchronised by NTP"
        else:
            right = ""
        said = f"data this kiosk wrote is dated up to {ahead:%Y-%m-%d %H:%M} UTC"
        if right:
            return Result(
                "clock",
                WARN,
                f"the clock is right now ({right}); {said}: written while it was wrong",
                _stale_data_fix(ctx, now),
            )
        return Result(
            "clock",
            FAIL,
            f"now {now:%Y-%m-%d %H:%M} UTC is behind data this kiosk wrote at "
            f"{ahead:%Y-%m-%d %H:%M} UTC: the clock is wrong (or was, then)",
            CLOCK_FIX,
        )
    if "server" in ctx.skipped:
        # Central's time comes from the server check: without it there is nothing to
        # compare, and a WARN would send the technician after a problem they chose to skip.
        text = "not behind the kiosk's data; comparison with central skipped (--skip server)"
        return Result("clock", OK, text)
    if "clock_wrong" in ctx.extra:
        return Result(
            "clock", FAIL, "central's TLS certificate is not yet valid by this clock", CLOCK_FIX
        )
    if not ctx.config.server_url:
        return Result("clock", WARN, "not compared with central (no server_url)", "")
    if not ctx.health or ("time" not in ctx.health and ctx.extra.get("date_skew") is None):
        return Result("clock", WARN, "not compared with central (server not reached)", "")
    skew = _central_skew(ctx, now)
    if skew is None:
        return Result("clock", WARN, f"central sent a bad time {ctx.health['time']!r}", "")
    text = f"{skew:+.0f} s against central"
    fix = CLOCK_FIX
    if abs(skew) > SKEW_FAIL_S:
        return Result("clock", FAIL, text + " (volunteer codes will be refused)", fix)
    if abs(skew) > SKEW_WARN_S:
        return Result("clock", WARN, text, fix)
    return Result("clock", OK, text)


# --- machine -------------------------------------------------------------------------


def check_disk(ctx: Context) -> Result:
    state, free_mb = disk_state(ctx.config.data_dir)
    text = f"{free_mb:,.0f} MB free for {ctx.config.data_dir}"
    fix = (
        f"free space: old logs in {Path(ctx.config.data_dir) / 'logs'}, `apt-get clean`, "
        "`journalctl --vacuum-size=100M`; then restart the kiosk"
    )
    if state == "full":
        return Result("disk", FAIL, text + ": disk full, orders cannot be saved", fix)
    if state == "low":
        return Result("disk", WARN, text, fix)
    return Result("disk", OK, text)


def _library_present(name: str, known: str) -> bool:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / name).exists():
        return True
    if name in known:
        return True
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def check_qt_xcb(_ctx: Context) -> Result:
    if not sys.platform.startswith("linux"):
        return Result("qt-xcb", OK, f"not needed on {sys.platform}")
    known = ""
    if shutil.which("ldconfig") or Path("/sbin/ldconfig").exists():
        ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
        known = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    missing = sorted({pkg for lib, pkg in XCB_LIBS.items() if not _library_present(lib, known)})
    if missing:
        return Result(
            "qt-xcb",
            FAIL,
            f"missing for the display: {', '.join(missing)}",
            f"as root: apt-get install -y {' '.join(missing)}",
        )
    return Result("qt-xcb", OK, f"{len(XCB_LIBS)} libraries present")


def glibc_version() -> tuple[int, int] | None:
    try:
        found = os.confstr("CS_GNU_LIBC_VERSION")  # "glibc 2.36"
    except (AttributeError, ValueError, OSError):
        return None
    if found is None:
        return None
    name, _, version = found.partition(" ")
    if name != "glibc":
        return None
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def check_glibc(_ctx: Context) -> Result:
    if not sys.platform.startswith("linux"):
        return Result("glibc", OK, f"not applicable on {sys.platform}")
    version = glibc_version()
    floor = ".".join(map(str, GLIBC_FLOOR))
    if version is None:
        return Result("glibc", FAIL, "not a glibc system (musl?)", "use Debian 12 or Ubuntu 22.04+")
    text = f"glibc {version[0]}.{version[1]} (needs {floor}+)"
    if version < GLIBC_FLOOR:
        return Result(
            "glibc", FAIL, text, "upgrade the OS: Debian 12, Ubuntu 22.04 or newer (Qt 6.10)"
        )
    return Result("glibc", OK, text)


CHECKS: list[Callable[[Context], Result]] = [
    check_store,
    check_access,
    check_migrations,
    check_integrity,
    check_backups,
    check_restore,
    check_crashes,
    check_font,
    check_translations,
    check_printer,
    check_server,
    check_clock,
    check_disk,
    check_qt_xcb,
    check_glibc,
]


def run_checks(
    ctx: Context, checks: list[Callable[[Context], Result]] | None = None
) -> list[Result]:
    results = []
    for check in checks or CHECKS:
        try:
            results.append(check(ctx))
        except Exception as exc:  # a broken check must not hide the others
            log.debug("check %s raised", check.__name__, exc_info=True)
            name = check.__name__.removeprefix("check_")
            if sqlite_error(exc) is not None:  # the store's failure, not the check's
                results.append(_store_failure(ctx, name, exc))
                continue
            results.append(
                Result(
                    name,
                    FAIL,
                    f"check crashed: {type(exc).__name__}: {exc}",
                    "send this output and kiosk.log to the developers; the other lines stand",
                )
            )
    return results
