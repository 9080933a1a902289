"""``kiosk doctor``: a line per check, the fix on each failing one, exit 1 on any FAIL."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk import backup
from kiosk.config import Config, save_config
from station import doctor
from station.cli import main
from tests.deploy.fakecentral import FakeCentral
from tests.deploy.helpers import corrupt_middle_of_outbox, make_store

ROOT = Path(__file__).resolve().parents[2]
# The machine's own libraries and the printer engineer's check are not under test here.
MACHINE = ["--skip", "qt-xcb", "--skip", "glibc", "--skip", "printer"]


def provision(tmp_path: Path, **settings: object) -> Path:
    cfg = Config(station_id="ST-1", data_dir=str(tmp_path / "data"), **settings)
    path = save_config(cfg, Path(os.environ["KIOSK_CONFIG"]))
    make_store(cfg.store_path(), 130)
    backup.backup_now(cfg.store_path(), cfg.data_dir)
    return path


def doctor_lines(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, str]]:
    code = main(["doctor", *MACHINE, *args])
    out = capsys.readouterr().out
    lines = {line.split()[1]: line for line in out.splitlines() if line.strip()}
    return code, lines


def test_healthy_station_passes(tmp_path, capsys):
    with FakeCentral() as central:
        provision(tmp_path, server_url=central.url, token="good-token")
        code, lines = doctor_lines(capsys)
    assert code == 0, lines
    for name in ("config", "store", "migrations", "integrity", "backups", "font", "server"):
        assert lines[name].startswith("OK"), lines[name]
    assert lines["clock"].startswith("OK")
    assert "token accepted" in lines["server"]
    assert lines["disk"].split()[0] in ("OK", "WARN")
    assert "qt-xcb" not in lines
    # The authenticated call carried the station's credentials.
    ((_path, headers),) = [r for r in central.requests if "changes" in r[0]]
    assert headers["X-Station-Id"] == "ST-1"


def test_corrupt_store_fails_with_the_restore_fix(tmp_path, capsys):
    provision(tmp_path)
    corrupt_middle_of_outbox(tmp_path / "data" / "kiosk.db")
    code, lines = doctor_lines(capsys)
    assert code == 1
    assert lines["integrity"].startswith("FAIL")
    assert "newest backup" in lines["integrity"] and "kiosk backup list" in lines["integrity"]


def test_unreachable_server_fails(tmp_path, capsys):
    with FakeCentral() as central:
        url = central.url  # closed once the block ends: a port nobody listens on
    provision(tmp_path, server_url=url, token="t")
    code, lines = doctor_lines(capsys, "--timeout", "1")
    assert code == 1
    assert lines["server"].startswith("FAIL") and "curl -v" in lines["server"]
    assert lines["clock"].startswith("WARN")


def test_refused_token_fails(tmp_path, capsys):
    with FakeCentral(token="the-real-one") as central:
        provision(tmp_path, server_url=central.url, token="stale")
        code, lines = doctor_lines(capsys)
    assert code == 1
    assert lines["server"].startswith("FAIL") and "kiosk init --token" in lines["server"]


def test_clock_skew_against_central(tmp_path, capsys):
    with FakeCentral(token="t", skew=timedelta(minutes=10)) as central:
        provision(tmp_path, server_url=central.url, token="t")
        code, lines = doctor_lines(capsys)
    assert code == 1
    assert lines["clock"].startswith("FAIL") and "timedatectl set-ntp true" in lines["clock"]
    with FakeCentral(token="t", skew=timedelta(seconds=60)) as central:
        provision(tmp_path, server_url=central.url, token="t")
        code, lines = doctor_lines(capsys)
    assert code == 0 and lines["clock"].startswith("WARN")


def test_broken_config_is_a_failed_check_and_the_rest_still_runs(tmp_path, capsys):
    Path(os.environ["KIOSK_CONFIG"]).write_text("[server]\nserver_url = \n", encoding="utf-8")
    code, lines = doctor_lines(capsys)
    assert code == 1
    assert lines["config"].startswith("FAIL") and "kiosk init" in lines["config"]
    assert "disk" in lines and "font" in lines


def test_missing_xcb_library_names_the_package_to_install(monkeypatch):
    monkeypatch.setattr(doctor, "XCB_LIBS", {"libxcb-nonesuch.so.9": "libxcb-nonesuch9"})
    result = doctor.check_qt_xcb(doctor.Context(Config()))
    assert result.level == doctor.FAIL
    assert result.fix == "as root: apt-get install -y libxcb-nonesuch9"


def test_old_glibc_fails_with_the_os_to_use(monkeypatch):
    monkeypatch.setattr(doctor, "glibc_version", lambda: (2, 31))
    result = doctor.check_glibc(doctor.Context(Config()))
    assert result.level == doctor.FAIL and "2.34" in result.message
    assert "Debian 12" in result.fix


def test_glibc_floor_matches_the_pinned_pyside6_wheel():
    lock = (ROOT / "requirements.lock").read_text()
    assert "pyside6-essentials==6.10" in lock
    import PySide6

    wheel = next(Path(PySide6.__file__).parents[1].glob("pyside6_essentials-*.dist-info"))
    tag = (wheel / "WHEEL").read_text()
    assert f"manylinux_{doctor.GLIBC_FLOOR[0]}_{doctor.GLIBC_FLOOR[1]}_" in tag


def test_doctor_exit_code_from_a_real_process(tmp_path):
    provision(tmp_path)
    corrupt_middle_of_outbox(tmp_path / "data" / "kiosk.db")
    proc = subprocess.run(
        [sys.executable, "-m", "station", "doctor", *MACHINE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "FAIL  integrity" in proc.stdout


def test_restore_notice_and_crash_logs_are_reported(tmp_path, capsys):
    provision(tmp_path)
    data = tmp_path / "data"
    corrupt_middle_of_outbox(data / "kiosk.db")
    backup.open_checked_store(data / "kiosk.db", data).close()  # as at start
    (data / "logs").mkdir(exist_ok=True)
    (data / "logs" / "crash-20261123-080000.log").write_text("Fatal Python error: Aborted\n")
    code, lines = doctor_lines(capsys)
    assert code == 0  # the kiosk recovered by itself: warnings for the technician
    assert lines["integrity"].startswith("OK")
    assert lines["restore"].startswith("WARN") and "notice --ack" in lines["restore"]
    assert lines["crashes"].startswith("WARN") and "1 hard crash" in lines["crashes"]
    assert main(["backup", "notice", "--ack"]) == 0
    capsys.readouterr()
    code, lines = doctor_lines(capsys)
    assert lines["restore"].startswith("OK")


# --- issue 15: what doctor used to get wrong --------------------------------------------


def _every_fail_names_its_fix(lines: dict[str, str]) -> None:
    for line in lines.values():
        if line.startswith("FAIL"):
            assert "  → " in line and line.split("  → ", 1)[1].strip(), line


def test_a_store_the_kiosk_user_cannot_write_fails_with_the_chown(tmp_path, capsys):
    """Finding 7: doctor said OK while every write failed."""
    provision(tmp_path)
    data = tmp_path / "data"
    store = data / "kiosk.db"
    if os.geteuid() == 0:
        # As a technician running doctor as root after copying a store in: the data dir
        # belongs to the kiosk user (here: nobody), the store file stayed root's.
        os.chown(tmp_path, 65534, 65534)
        for path in [data, *data.rglob("*")]:
            if path != store:
                os.chown(path, 65534, 65534)
        os.chmod(store, 0o644)
    else:
        os.chmod(store, 0o444)
    code, lines = doctor_lines(capsys)
    assert code == 1
    assert lines["access"].startswith("FAIL") and str(store) in lines["access"]
    assert "chown -R" in lines["access"] and str(data) in lines["access"]
    _every_fail_names_its_fix(lines)


def test_a_writable_station_passes_the_access_check(tmp_path, capsys):
    provision(tmp_path)
    _code, lines = doctor_lines(capsys)
    assert lines["access"].startswith("OK")


def test_a_store_from_a_newer_build_fails_naming_the_version(tmp_path, capsys):
    """Finding 6: a raw Alembic traceback at start, and doctor advised "start the kiosk:
    migrations run at start"."""
    from tests.kiosk.test_migrate import make_newer_store

    cfg = Config(station_id="ST-1", data_dir=str(tmp_path / "data"))
    save_config(cfg, Path(os.environ["KIOSK_CONFIG"]))
    make_newer_store(cfg.store_path(), "0.3.0")
    code, lines = doctor_lines(capsys)
    assert code == 1
    line = lines["migrations"]
    assert line.startswith("FAIL") and "older than its data" in line
    assert "install kiosk 0.3.0 or newer" in line and "migrations run at start" not in line
    _every_fail_names_its_fix(lines)
    # The kiosk itself: refused before any window, exit 78, no traceback.
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_CONFIG=os.environ["KIOSK_CONFIG"], QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-m", "station", "-platform", "offscreen"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 78, proc.stderr[-2000:]
    assert "install version 0.3.0 or newer" in proc.stderr
    assert "Traceback" not in proc.stderr and "alembic" not in proc.stderr.lower()


def test_a_clock_behind_the_data_is_a_clock_failure(tmp_path, capsys, monkeypatch):
    """Finding 4: doctor said "OK, newest -9600 h old"."""
    monkeypatch.setattr(doctor, "synchronised", lambda: False)  # nothing says it is right
    provision(tmp_path)
    data = tmp_path / "data"
    ahead = backup.backup_now(data / "kiosk.db", data, now=backup._now() + timedelta(days=400))
    code, lines = doctor_lines(capsys)
    assert code == 1
    assert lines["clock"].startswith("FAIL") and "behind data" in lines["clock"]
    assert "timedatectl set-ntp true" in lines["clock"]
    assert lines["backups"].startswith("WARN") and ahead.name in lines["backups"]
    assert " h old" not in lines["backups"]  # no negative age
    _every_fail_names_its_fix(lines)


def test_skipping_the_server_skips_the_clock_comparison_and_says_so(tmp_path, capsys):
    """Field test: `--skip server` still warned "clock not compared with central"."""
    with FakeCentral() as central:
        url = central.url  # nobody listens: had the server check run, it would FAIL
    provision(tmp_path, server_url=url, token="t")
    code, lines = doctor_lines(capsys, "--skip", "server")
    assert code == 0, lines
    assert "server" not in lines
    assert lines["clock"].startswith("OK"), lines["clock"]
    assert "comparison with central skipped (--skip server)" in lines["clock"]
    # What the clock check can see alone still counts: data written "in the future".
    data = tmp_path / "data"
    backup.backup_now(data / "kiosk.db", data, now=backup._now() + timedelta(days=400))
    code, lines = doctor_lines(capsys, "--skip", "server")
    assert code == 1 and lines["clock"].startswith("FAIL") and "behind data" in lines["clock"]


def test_an_unknown_check_name_to_skip_is_refused(tmp_path, capsys):
    provision(tmp_path)
    assert main(["doctor", "--skip", "severs"]) == 2
    captured = capsys.readouterr()
    assert "no check named severs" in captured.err and "qt-xcb" in captured.err
    assert captured.out == ""


def test_an_offline_station_is_not_told_the_server_was_not_reached(tmp_path, capsys):
    provision(tmp_path)  # no server_url
    code, lines = doctor_lines(capsys)
    assert code == 0, lines
    assert lines["clock"].startswith("WARN") and "no server_url" in lines["clock"]
    assert "not reached" not in lines["clock"]


def test_one_bad_value_leaves_the_rest_of_the_config_in_force(tmp_path, capsys):
    """A bad printer_connection (refused at load since this round) sent doctor on with a
    default station: "no server_url: offline only" about a station that has one, and the
    store looked for in the default data dir."""
    with FakeCentral(token="good-token") as central:
        path = provision(tmp_path, server_url=central.url, token="good-token")
        text = path.read_text(encoding="utf-8")
        text = text.replace('printer_connection = ""', 'printer_connection = "192.168.1.50:9100"')
        text = text.replace("idle_timeout_s = 60", "idle_timeout_s = 5")
        path.write_text(text, encoding="utf-8")
        code = main(["doctor", *MACHINE])
        out = capsys.readouterr().out
    assert code == 1
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 2, out
    assert "'printer_connection'" in out and "'idle_timeout_s'" in out
    lines = {line.split()[1]: line for line in out.splitlines() if line.strip()}
    assert lines["server"].startswith("OK") and "token accepted" in lines["server"]
    assert lines["store"].startswith("OK") and str(tmp_path / "data") in lines["store"]


def test_a_mistyped_kiosk_variable_is_a_config_warning(tmp_path, capsys, monkeypatch):
    """Field test: `KIOSK_SERVERURL=https://… kiosk doctor` said "no server_url: offline
    only" and nothing about the variable, which overrode nothing."""
    provision(tmp_path)
    monkeypatch.setenv("KIOSK_SERVERURL", "https://central.example.cn")
    code = main(["doctor", *MACHINE])
    out = capsys.readouterr().out
    assert code == 0, out
    (warn,) = [line for line in out.splitlines() if line.startswith("WARN  config")]
    assert "KIOSK_SERVERURL is not a setting" in warn and "KIOSK_SERVER_URL?" in warn


def test_data_dated_ahead_of_a_clock_central_agrees_with_is_history_not_a_failure(
    tmp_path, capsys, monkeypatch
):
    """Field test, a station whose clock once ran three years ahead: after the technician
    set it right, doctor kept failing "the clock is wrong" (and exiting 1) for as long as
    the backup taken then (named 2029-…, kept) lasted: three years."""
    monkeypatch.setattr(doctor, "synchronised", lambda: False)
    with FakeCentral(token="t") as central:
        provision(tmp_path, server_url=central.url, token="t")
        data = tmp_path / "data"
        stale = backup.backup_now(data / "kiosk.db", data, now=backup._now() + timedelta(days=1095))
        code, lines = doctor_lines(capsys)
    assert code == 0, lines
    clock = lines["clock"]
    assert clock.startswith("WARN") and "right now" in clock and "against central" in clock
    assert f"rm {stale}" in clock  # the stale copy, named for the technician to remove
    stale.unlink()
    with FakeCentral(token="t") as central:
        provision(tmp_path, server_url=central.url, token="t")
        code, lines = doctor_lines(capsys)
    assert code == 0 and lines["clock"].startswith("OK"), lines["clock"]


def test_an_offline_station_whose_clock_ntp_keeps_is_warned_not_failed(
    tmp_path, capsys, monkeypatch
):
    provision(tmp_path)
    data = tmp_path / "data"
    backup.backup_now(data / "kiosk.db", data, now=backup._now() + timedelta(days=1095))
    monkeypatch.setattr(doctor, "synchronised", lambda: True)
    code, lines = doctor_lines(capsys)
    assert code == 0 and lines["clock"].startswith("WARN")
    assert "synchronised by NTP" in lines["clock"]
    monkeypatch.setattr(doctor, "synchronised", lambda: False)  # a clock set by hand
    code, lines = doctor_lines(capsys)
    assert code == 1 and lines["clock"].startswith("FAIL")


def test_a_config_file_that_is_not_there_is_a_config_warning(tmp_path, capsys):
    """Field test: `kiosk --config /etc/station-kisok.toml doctor` (a typo) said "OK config
    station -" and went on checking a default station in the default data dir."""
    missing = tmp_path / "station-kisok.toml"
    code = main(["--config", str(missing), "doctor", *MACHINE])
    out = capsys.readouterr().out
    (line,) = [line for line in out.splitlines() if line.split()[1:2] == ["config"]]
    assert line.startswith("WARN") and f"no config file at {missing}" in line, out
    assert "kiosk init" in line and code == 0


def test_a_damaged_store_without_any_backup_is_not_promised_a_restore(tmp_path, capsys):
    """Field test: a store replaced by garbage on a station with no backup: doctor said
    "restart the kiosk: a damaged store is replaced by the newest backup at start"; the
    restart started with an empty store."""
    cfg = Config(station_id="ST-1", data_dir=str(tmp_path / "data"))
    save_config(cfg, Path(os.environ["KIOSK_CONFIG"]))
    make_store(cfg.store_path(), 3)
    cfg.store_path().write_bytes(os.urandom(300_000))
    code, lines = doctor_lines(capsys)
    assert code == 1
    for name in ("store", "integrity"):
        assert "no backup" in lines[name] and "EMPTY store" in lines[name], lines[name]
        assert "newest backup" not in lines[name]
