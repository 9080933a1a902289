"""``kiosk init``: provisioning by flags or prompts; re-runnable; config errors reported."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import tomllib
from pathlib import Path

from station.cli import main
from tests.deploy.fakecentral import FakeCentral

ROOT = Path(__file__).resolve().parents[2]


def config_path() -> Path:
    return Path(os.environ["KIOSK_CONFIG"])


def settings() -> dict[str, object]:
    data = tomllib.loads(config_path().read_text(encoding="utf-8"))
    return {k: v for section in data.values() for k, v in section.items()}


def init(*args: str) -> int:
    return main(["init", "--non-interactive", *args])


def test_provision_by_flags_checks_the_server_and_creates_the_store(tmp_path, capsys):
    with FakeCentral(token="tok-1") as central:
        code = init(
            "--station-id", "ST-0301", "--station-name", "东湖社区新时代文明实践站",
            "--server-url", central.url, "--token", "tok-1",
            "--printer-connection", f"preview://{tmp_path / 'r'}", "--printer-paper-mm", "58",
            "--timezone", "Asia/Urumqi",
        )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    got = settings()
    assert got["station_id"] == "ST-0301" and got["token"] == "tok-1"
    assert got["printer_paper_mm"] == 58 and got["timezone"] == "Asia/Urumqi"
    assert got["data_dir"] == ""  # follows the platform data dir, not frozen into the file
    assert config_path().stat().st_mode & 0o777 == 0o600
    assert "OK    server" in out and "token accepted" in out
    data_dir = Path(os.environ["XDG_DATA_HOME"]) / "station-kiosk"
    assert (data_dir / "kiosk.db").exists()


def test_rerun_keeps_values_and_never_loses_the_token(capsys):
    assert init("--station-id", "ST-1", "--offline", "--no-check") == 0
    assert init("--server-url", "https://c.example.cn", "--token", "secret-1", "--no-check") == 0
    assert init("--station-name", "新站", "--token", "", "--no-check") == 0
    got = settings()
    assert got["station_id"] == "ST-1" and got["station_name"] == "新站"
    assert got["server_url"] == "https://c.example.cn" and got["token"] == "secret-1"
    capsys.readouterr()


def test_a_bad_value_is_refused_and_the_old_file_kept(capsys):
    assert init("--station-id", "ST-1", "--offline", "--no-check") == 0
    before = config_path().read_bytes()
    assert init("--printer-paper-mm", "57", "--no-check") == 2
    err = capsys.readouterr().err
    assert "printer_paper_mm" in err and "58 or 80" in err
    # Not the line of init's scratch file, which the technician never saw.
    assert "kiosk init: setting 'printer_paper_mm'" in err and "line" not in err
    assert config_path().read_bytes() == before
    assert init("--timezone", "Mars/Olympus", "--no-check") == 2
    assert init("--server-url", "central.example.cn", "--no-check") == 2
    assert "https://" in capsys.readouterr().err
    assert config_path().read_bytes() == before
    assert not list(config_path().parent.glob(".*.check"))


def test_a_broken_config_file_stops_init_without_touching_it(capsys):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('[server]\ntoken = "keep-me"\nserver_url = \n', encoding="utf-8")
    before = config_path().read_bytes()
    assert init("--station-id", "ST-1", "--no-check") == 2
    err = capsys.readouterr().err
    assert "configuration error" in err and "line 3" in err
    assert config_path().read_bytes() == before
    config_path().write_text("[server]\ncolour = 'red'\n", encoding="utf-8")
    assert init("--station-id", "ST-1", "--no-check") == 2
    assert "unknown setting [server] colour" in capsys.readouterr().err


def test_missing_required_values_without_a_terminal(capsys):
    assert init("--no-check") == 2
    assert "--station-id" in capsys.readouterr().err
    assert init("--station-id", "ST-1", "--no-check") == 2
    assert "--offline" in capsys.readouterr().err
    assert not config_path().exists()


def test_unreachable_server_keeps_the_config_and_exits_1(capsys):
    with FakeCentral() as central:
        url = central.url
    code = init("--station-id", "ST-1", "--server-url", url, "--token", "t")
    assert code == 1
    assert "FAIL  server" in capsys.readouterr().out
    assert settings()["server_url"] == url


def _converse(proc: subprocess.Popen[bytes], master: int, answers: list[str]) -> str:
    """Answer each prompt as it appears (a prompt ends in ': ')."""
    seen = b""
    pending = list(answers)
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        assert ready, f"no prompt within 30 s; so far: {seen.decode(errors='replace')}"
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if pending and seen.rstrip(b" ").endswith(b":"):
            os.write(master, (pending.pop(0) + "\n").encode())
    proc.wait(timeout=30)
    return seen.decode(errors="replace")


def test_interactive_prompts_on_a_terminal_keep_values_on_enter(tmp_path):
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(
        '[station]\nstation_id = "ST-OLD"\n[server]\ntoken = "old-token"\n'
        'server_url = "https://old.example.cn"\n',
        encoding="utf-8",
    )
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", "init", "--no-check"],
        cwd=ROOT, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    # station id (keep), name, server URL (keep), token (keep), printer, paper, zone (keep)
    answers = ["", "西湖社区新时代文明实践站", "", "", "tcp://192.168.1.50:9100", "58", ""]
    transcript = _converse(proc, master, answers)
    os.close(master)
    assert proc.returncode == 0, transcript
    got = settings()
    assert got["station_id"] == "ST-OLD" and got["token"] == "old-token"
    assert got["server_url"] == "https://old.example.cn"
    assert got["station_name"] == "西湖社区新时代文明实践站"
    assert got["printer_connection"] == "tcp://192.168.1.50:9100"
    assert got["printer_paper_mm"] == 58
    assert "[ST-OLD]" in transcript and "old-token" not in transcript


def test_init_doctor_and_backup_leave_no_wal_or_shm_behind(capsys):
    """Field test: after `kiosk init` the data dir held kiosk.db-wal and -shm (doctor's
    read-only peeks made them and could not remove them), files a technician is tempted to
    delete, which is harmful while a kiosk runs."""
    data_dir = Path(os.environ["XDG_DATA_HOME"]) / "station-kiosk"
    assert init("--station-id", "ST-1", "--offline") == 0  # with the clock/printer checks
    assert sorted(p.name for p in data_dir.iterdir()) == ["kiosk.db"]
    assert settings()["data_dir"] == ""  # follows the platform data dir (docs/deploy.md)
    assert main(["doctor", "--skip", "qt-xcb", "--skip", "glibc"]) == 0
    assert main(["backup", "now"]) == 0
    capsys.readouterr()
    assert not [p.name for p in data_dir.rglob("*") if p.name.endswith(("-wal", "-shm"))]


def test_a_relative_data_dir_given_to_init_is_written_absolute(tmp_path, monkeypatch, capsys):
    """The kiosk reads the config from wherever systemd starts it: "kiosk-data" written
    as typed would be /kiosk-data there."""
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", "kiosk-data", "init", "--non-interactive", "--station-id",
                 "ST-1", "--offline", "--no-check"]) == 0  # fmt: skip
    assert settings()["data_dir"] == str(tmp_path / "kiosk-data")
    assert (tmp_path / "kiosk-data" / "kiosk.db").exists()
    capsys.readouterr()


def test_a_config_that_cannot_be_written_is_said_without_a_traceback(tmp_path, capsys):
    """Field test: KIOSK_CONFIG on a read-only disk (or in a folder root owns) ended
    `kiosk init` in a traceback."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    target = blocker / "kiosk.toml"  # its "folder" is a file: no one can write there
    code = main(["--config", str(target), "init", "--non-interactive", "--station-id", "ST-1",
                 "--offline", "--no-check"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "configuration error" in err and f"cannot write the config file {target}" in err
    assert "KIOSK_CONFIG" in err


def test_init_creates_the_store_where_kiosk_data_dir_says(tmp_path, monkeypatch, capsys):
    """Field test: with KIOSK_DATA_DIR set, `kiosk init` made the store in the platform
    data dir, and `kiosk doctor` (which honours the variable) then said the data dir "does
    not exist yet → run `kiosk init`": a loop. Init loads the config as every other
    command does, and says the variable is not written into the file."""
    data_dir = tmp_path / "station-data"
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data_dir))
    assert init("--station-id", "ST-1", "--offline", "--no-check") == 0
    out = capsys.readouterr().out
    assert (data_dir / "kiosk.db").exists()
    platform_dir = Path(os.environ["XDG_DATA_HOME"]) / "station-kiosk"
    assert not platform_dir.exists()
    assert f"数据 / data: {data_dir / 'kiosk.db'}" in out
    assert "KIOSK_DATA_DIR" in out and "not written into" in out
    assert settings()["data_dir"] == ""  # a per-run override stays out of the file
    assert main(["doctor", "--skip", "qt-xcb", "--skip", "glibc"]) == 0
    doctor = capsys.readouterr().out
    assert "does not exist yet" not in doctor and "no store yet" not in doctor


def test_config_and_data_dir_are_taken_after_the_command_too(tmp_path, monkeypatch, capsys):
    """Field test: `kiosk init --data-dir /srv/kiosk` and `kiosk doctor --config FILE`
    ended in "unrecognised arguments" (they worked only before the command)."""
    monkeypatch.chdir(tmp_path)
    assert init("--data-dir", "kiosk-data", "--station-id", "ST-1", "--offline", "--no-check") == 0
    assert settings()["data_dir"] == str(tmp_path / "kiosk-data")  # as typed, made absolute
    assert (tmp_path / "kiosk-data" / "kiosk.db").exists()
    other = tmp_path / "other.toml"
    other.write_text('[station]\nstation_id = "ST-OTHER"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["doctor", "--config", str(other), "--skip", "qt-xcb", "--skip", "glibc"]) == 0
    assert "station ST-OTHER" in capsys.readouterr().out
    assert main(["backup", "now", "--data-dir", str(tmp_path / "kiosk-data")]) == 0
    assert main(["--data-dir", str(tmp_path / "kiosk-data"), "backup", "list"]) == 0
    assert "kiosk-data/backups/kiosk-" in capsys.readouterr().out


def test_a_kiosk_started_with_config_saves_staff_settings_into_that_file(
    tmp_path, monkeypatch, capsys
):
    """`kiosk --config FILE` read FILE, but the staff settings screen saved into the
    default config file: the next start (reading FILE) had lost them."""
    from kiosk.config import save_changes
    from station.commands import run as run_command

    other = tmp_path / "etc" / "kiosk.toml"
    other.parent.mkdir()
    other.write_text('[station]\nstation_id = "ST-ETC"\n', encoding="utf-8")
    saved = []
    monkeypatch.setattr(  # the UI, where staff save a setting
        run_command, "run_station", lambda config, runtimes, **ui: saved.append(
            save_changes({"language": "en"})
        ) or 0,
    )  # fmt: skip
    monkeypatch.chdir(tmp_path)
    default = config_path()
    assert main(["--config", "etc/kiosk.toml", "--data-dir", str(tmp_path / "d")]) == 0
    assert saved == [other]
    assert 'language = "en"' in other.read_text(encoding="utf-8")
    assert not default.exists()  # the default file was not written


def test_a_config_error_is_said_in_chinese_too_with_the_setting_and_line(capsys):
    """The command line said only "配置错误 / configuration error:" and then English."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("[printer]\nprinter_paper_mm = 57\n", encoding="utf-8")
    assert main(["config", "show"]) == 2
    err = capsys.readouterr().err
    assert f"配置项 printer_paper_mm 的值不正确（{config_path()}, line 2）" in err
    config_path().write_text("[printer]\nprinter_papr_mm = 80\n", encoding="utf-8")
    assert main(["doctor"]) == 1  # doctor lists it as a check; the command line says it:
    assert main(["staff", "list"]) == 2
    assert "未知的配置项 printer_papr_mm" in capsys.readouterr().err


def test_a_prompt_answered_with_no_number_asks_again(tmp_path):
    """Field test: "80mm" for the paper width ended `kiosk init` in a ValueError
    traceback, after every answer before it had been typed."""
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text(
        '[station]\nstation_id = "ST-OLD"\n[server]\ntoken = "old-token"\n'
        'server_url = "https://old.example.cn"\n',
        encoding="utf-8",
    )
    master, slave = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", "init", "--no-check"],
        cwd=ROOT, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    transcript = _converse(proc, master, ["", "", "", "", "", "80mm", "58", ""])
    os.close(master)
    assert proc.returncode == 0, transcript
    assert "Traceback" not in transcript and "a number, please (got '80mm')" in transcript
    assert settings()["printer_paper_mm"] == 58


def test_kiosk_help_names_the_environment_overrides(capsys):
    """`kiosk --help` did not say that KIOSK_<NAME> overrides a setting (docs only)."""
    import pytest

    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "KIOSK_<NAME>" in out and "kiosk config show" in out
