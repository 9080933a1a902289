"""The frozen entry point (run from the checkout) and the files a technician installs."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(
        KIOSK_CONFIG=str(tmp_path / "kiosk.toml"),
        XDG_DATA_HOME=str(tmp_path / "xdg"),
        QT_QPA_PLATFORM="xcb",  # the self-test must switch to offscreen by itself
    )
    return env


def test_self_test_from_the_entry_point_creates_a_store_and_renders_home(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "station.frozen", "--self-test"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "self-test passed" in proc.stdout
    data = tmp_path / "xdg" / "station-kiosk"
    assert (data / "kiosk.db").exists() and (data / "selftest-home.png").exists()
    assert "PLACEHOLDER" not in proc.stdout


def test_self_test_fails_when_the_data_dir_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = subprocess.run(
        [sys.executable, "-m", "station.frozen", "--self-test", "--data-dir", str(blocker / "x")],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "FAIL  store" in proc.stdout and "self-test FAILED" in proc.stdout


def test_systemd_unit_restarts_always_and_stops_with_sigterm():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "station-kiosk.service", encoding="utf-8")
    service = unit["Service"]
    assert service["Restart"] == "always"  # tests/deploy/test_restart.py runs it
    assert service["KillSignal"] == "SIGTERM"
    assert service["User"] == "kiosk"
    assert service["ExecStart"] == "/opt/station-kiosk/deploy/kiosk-x11.sh"
    assert unit["Install"]["WantedBy"] == "graphical.target"
    user_unit = (DEPLOY / "autostart" / "station-kiosk-user.service").read_text()
    assert "Restart=always" in user_unit and "Type=notify" in user_unit


def test_session_script_is_valid_sh_and_execs_the_kiosk(tmp_path):
    script = DEPLOY / "kiosk-session.sh"
    for each in (script, DEPLOY / "kiosk-x11.sh"):
        assert os.access(each, os.X_OK)
        assert subprocess.run(["sh", "-n", str(each)]).returncode == 0
    fake = tmp_path / "kiosk"
    fake.write_text('#!/bin/sh\necho "kiosk ran with $*"\n')
    fake.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "KIOSK_BIN": str(fake)}
    out = subprocess.run(
        ["sh", str(script), "--windowed"], env=env, capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0 and "kiosk ran with --windowed" in out.stdout


def test_udev_rules_are_well_formed():
    for line in (DEPLOY / "99-station-kiosk.rules").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        for pair in line.split(", "):
            key, op, value = pair.partition("=" if "==" not in pair else "==")
            if op == "=" and key.endswith("+"):
                key = key[:-1]
            assert key and value.startswith('"') and value.endswith('"'), (line, pair)


def test_self_test_on_a_damaged_store_says_so_in_words_with_the_fix(tmp_path):
    """Field test: the self-test a technician runs after an update, on a store replaced by
    garbage, printed SQLAlchemy's "DatabaseError: (sqlite3.DatabaseError) file is not a
    database (Background on this error at: https://sqlalche.me/…)"."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "kiosk.db").write_bytes(os.urandom(300_000))
    proc = subprocess.run(
        [sys.executable, "-m", "station.frozen", "--self-test", "--data-dir", str(data)],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    (line,) = [line for line in proc.stdout.splitlines() if line.startswith("FAIL  store")]
    assert "The store is damaged" in line and "restores the newest backup" in line
    assert "sqlalche.me" not in proc.stdout and "DatabaseError" not in line


def test_self_test_reads_the_config_file_given_with_config(tmp_path):
    """`kiosk --config FILE --self-test` tested the default config, not FILE."""
    config = tmp_path / "other.toml"
    config.write_text(f'[storage]\ndata_dir = "{tmp_path / "elsewhere"}"\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "station.frozen", "--config", str(config), "--self-test"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "elsewhere" / "kiosk.db").exists()
