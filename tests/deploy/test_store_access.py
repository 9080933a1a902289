"""A store the kiosk's user cannot write stops the start with the fix, not a traceback.

Field test (round 5): the technician restores a backup as root (docs §10: `cp <backup>
<data dir>/kiosk.db`) or a store ends up read-only. With a store mode 0400 the kiosk
started and ran: every order, redemption and sync failed ("attempt to write a readonly
database", tracebacks in the log every 30 s) while the screen looked fine. With a store
it could not even open (owned by root, 0600) it painted home and died with a Python
traceback on stderr; kiosk.log said only "kiosk stopped".

As root every mode bit is ignored, so under root the kiosk runs with the capabilities
that bypass them dropped (setpriv): it then meets the file modes a kiosk user meets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.config import Config, save_config
from tests.deploy.helpers import make_store

ROOT = Path(__file__).resolve().parents[2]
NO_OVERRIDE = [
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
]


def _as_kiosk_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file modes cannot bite")
    return NO_OVERRIDE


def _start(tmp_path: Path, mode: int) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "data"
    cfg = Config(station_id="ST-ACCESS", data_dir=str(data), printer_connection="dummy:")
    save_config(cfg, tmp_path / "kiosk.toml")
    make_store(cfg.store_path(), 3)
    cfg.store_path().chmod(mode)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIOSK_CONFIG=str(tmp_path / "kiosk.toml"),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        QT_QPA_PLATFORM="offscreen",
    )
    try:
        return subprocess.run(
            [*_as_kiosk_user(), sys.executable, "-m", "station", "-platform", "offscreen"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=40,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            "the kiosk ran on a store it cannot write instead of stopping with the fix:\n"
            + (exc.stderr or b"").decode(errors="replace")[-2000:]
        ) from exc


@pytest.mark.parametrize("mode", [0o400, 0o000], ids=["read-only", "unreadable"])
def test_a_store_the_kiosk_cannot_write_stops_the_start_and_names_the_fix(tmp_path, mode):
    done = _start(tmp_path, mode)
    store = tmp_path / "data" / "kiosk.db"
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    # Both languages, the file, and what to type.
    assert "数据文件无法读写" in done.stderr and "cannot be read and written" in done.stderr
    assert str(store) in done.stderr and "chown" in done.stderr
    # The reason is in the log too, where a technician looks after systemd restarted it.
    log = (tmp_path / "data" / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "CRITICAL" in log and str(store) in log
    assert store.stat().st_mode & 0o777 == mode  # the kiosk did not paper over it


@pytest.mark.skipif(shutil.which("unshare") is None, reason="no unshare")
def test_a_read_only_file_system_is_named_not_a_chown(tmp_path):
    """Field test: on a disk Linux had remounted read-only (as after SD card errors) even
    `kiosk staff list` said "chown -R root: …" (no chown helps), doctor's access line
    said OK and its store line advised a restore."""
    from tests.deploy.test_disk_full import _namespaces_work

    if not _namespaces_work():
        pytest.skip("no private mount namespaces here")
    data = tmp_path / "data"
    data.mkdir()
    kiosk = f'"{sys.executable}" -m station --data-dir "$1"'
    script = (
        f'mount -t tmpfs -o size=8m tmpfs "$1" && {kiosk} staff add S01 张三 --pin 1234 && '
        'mount -o remount,ro "$1" && '
        f'{kiosk} staff list; echo "rc=$?" >&2; '
        f'"{sys.executable}" -c "{WARNINGS}" "$1" >&2; '
        f"{kiosk} doctor --skip qt-xcb --skip glibc --skip printer --skip disk"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "KIOSK_CONFIG": str(tmp_path / "k.toml")}
    proc = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script, "sh", str(data)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    err, out = proc.stderr, proc.stdout
    assert "Traceback" not in err and "rc=1" in err, err[-3000:]
    assert "read-only" in err and "只读" in err and "chown" not in err
    assert proc.returncode == 1, out
    lines = {line.split()[1]: line for line in out.splitlines() if line.strip()}
    assert lines["access"].startswith("FAIL") and "read-only file system" in lines["access"]
    assert "remount,rw" in lines["access"]
    assert lines["store"].startswith("FAIL") and "remount,rw" in lines["store"]
    assert "newest backup" not in lines["store"]
    # The staff menu's standing warnings (a kiosk running when the disk went read-only).
    assert "The disk holding the data has become read-only" in err


# What the staff menu shows, printed from inside the namespace.
WARNINGS = (
    "import sys; from kiosk import health; "
    "print(health.warnings(sys.argv[1], sys.argv[1] + '/kiosk.db', 'en'))"
)


def test_a_data_dir_the_kiosk_user_cannot_write_is_a_chown_not_a_restore(tmp_path):
    """Field test: a data dir the kiosk's user may not write (left by root, mode 555).
    Doctor's migrations and integrity lines read "attempt to write a readonly database →
    restart the kiosk: a damaged store is replaced by the newest backup" (a restore changes
    nothing), and `kiosk backup now` ended in a PermissionError traceback."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root (to hand the folder to another user) and setpriv")
    data = tmp_path / "data"
    cfg = Config(station_id="ST-RO", data_dir=str(data), printer_connection="dummy:")
    save_config(cfg, tmp_path / "kiosk.toml")
    make_store(cfg.store_path(), 3)
    for path in (data, cfg.store_path()):
        os.chown(path, 65534, 65534)  # the kiosk's user is someone else: "nobody"
    data.chmod(0o555)
    tmp_path.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_CONFIG=str(tmp_path / "kiosk.toml"), XDG_DATA_HOME=str(tmp_path / "x"))
    # Root without the capabilities that bypass modes or let it chmod another's folder.
    caps = "-dac_override,-dac_read_search,-fowner"
    as_other = ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}", sys.executable]
    doctor = subprocess.run(
        [*as_other, "-m", "station", "doctor", "--skip", "qt-xcb", "--skip", "glibc"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    lines = {line.split()[1]: line for line in doctor.stdout.splitlines() if line.strip()}
    assert doctor.returncode == 1, doctor.stdout + doctor.stderr
    for name in ("migrations", "integrity"):
        assert lines[name].startswith("FAIL"), lines[name]
        assert "chown -R" in lines[name] and "newest backup" not in lines[name], lines[name]
    backup = subprocess.run(
        [*as_other, "-m", "station", "backup", "now"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert backup.returncode == 1
    assert "Traceback" not in backup.stderr, backup.stderr[-2000:]
    assert "数据备份失败" in backup.stderr and "Permission denied" in backup.stderr
    assert "kiosk doctor" in backup.stderr
    data.chmod(0o755)  # let pytest clean up
