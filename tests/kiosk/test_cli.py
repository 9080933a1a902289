"""The ``kiosk`` command as a technician runs it: real subprocesses, real files."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from station.cli import main


def kiosk(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        input=stdin,
        timeout=120,
    )


def test_help_everywhere() -> None:
    out = kiosk("--help")
    assert out.returncode == 0 and "--demo" in out.stdout
    for sub in (["staff", "add"], ["export"], ["config", "show"]):
        res = kiosk(*sub, "--help")
        assert res.returncode == 0, (sub, res.stderr)
        assert "usage:" in res.stdout


def test_unknown_command_is_a_usage_error() -> None:
    assert kiosk("frobnicate").returncode == 2


def test_malformed_config_exits_2_and_names_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[ui]\nidle_timeout_s = 'x'\n", encoding="utf-8")
    res = kiosk("--config", str(cfg), "config", "show")
    assert res.returncode == 2
    assert (
        str(cfg) in res.stderr and "idle_timeout_s" in res.stderr and "Traceback" not in res.stderr
    )


def test_config_show_masks_the_token(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[server]\ntoken = "abcdefghijklmnop"\n', encoding="utf-8")
    res = kiosk("--config", str(cfg), "config", "show")
    assert res.returncode == 0
    assert "token" in res.stdout and "abcdefghijklmnop" not in res.stdout


def test_config_show_gives_the_effective_settings_and_their_source(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from kiosk import catalog
    from kiosk.store.db import open_store

    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[redemption]\noffline_limit_points = 200\n", encoding="utf-8")
    store = open_store(tmp_path / "kiosk.db")
    with store.begin() as s:  # what a pull from central stored
        catalog.put_setting(s, "station_settings", {"offline_limit_points": 50})
    store.close()
    assert main(["--config", str(cfg), "--data-dir", str(tmp_path), "config", "show"]) == 0
    out = capsys.readouterr().out
    assert "offline_limit_points = 200    #" in out  # the local file's value, as written
    assert "offline_limit_points = 50    # source: central; central wins" in out
    assert "idle_timeout_s = 60    # source: default; local wins" in out


def test_staff_add_then_list(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = ["--data-dir", str(tmp_path)]
    assert main([*data, "staff", "add", "S7", "周敏", "--role", "technician", "--pin", "2468"]) == 0
    assert main([*data, "staff", "add", "S7", "周敏", "--pin", "2468"]) == 1  # exists
    assert main([*data, "staff", "add", "S8", "吴", "--pin", "12"]) == 1  # bad PIN
    err = capsys.readouterr().err
    assert "工作人员编号已存在" in err and "4 to 8 digits" in err
    assert main([*data, "staff", "list"]) == 0
    assert "S7\ttechnician\t周敏" in capsys.readouterr().out


def test_export_writes_three_csv_files(demo_store, config, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime

    from kiosk.orders import OrderDraft, place_order
    from kiosk.stock import restock

    with demo_store.begin() as s:
        place_order(
            s,
            OrderDraft("repair-tv", "李大爷", "13912345678", "asap", "梅园小区 1号楼"),
            config,
            now=datetime(2026, 11, 20, 2, 0),
        )
        restock(s, "S01", "G-EGG-10", 5, now=datetime(2026, 11, 20, 3, 0))
    out = tmp_path / "export"
    code = main(
        [
            "--data-dir",
            config.data_dir,
            "export",
            "--from",
            "2026-11-20",
            "--to",
            "2026-11-20",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    rows = list(csv.DictReader((out / "orders.csv").open(encoding="utf-8-sig")))
    assert len(rows) == 1 and rows[0]["phone"] == "139****5678" and rows[0]["honorific"] == "李大爷"
    moves = list(csv.DictReader((out / "stock_movements.csv").open(encoding="utf-8-sig")))
    assert [m["delta"] for m in moves] == ["5"]
    assert (out / "redemptions.csv").exists()


def test_export_to_a_folder_it_cannot_write_says_so_in_both_languages(  # type: ignore[no-untyped-def]
    demo_store, config, tmp_path: Path
) -> None:
    """Field test: `kiosk export --out` onto a USB stick that is not mounted, read-only or
    full ended in a Python traceback. Here the folder cannot be made (a file is in the way)."""
    blocker = tmp_path / "usb"
    blocker.write_text("not a folder", encoding="utf-8")
    out = blocker / "export"
    env = {"KIOSK_CONFIG": os.environ.get("KIOSK_CONFIG", str(tmp_path / "none.toml"))}
    res = kiosk("--data-dir", config.data_dir, "export", "--from", "2026-11-01",
                "--to", "2026-11-30", "--out", str(out), env=env)  # fmt: skip
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    assert "导出失败" in res.stderr and "export failed" in res.stderr
    assert str(out) in res.stderr and "Not a directory" in res.stderr


def test_output_into_a_closed_pipe_ends_quietly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Field test: `kiosk doctor | head` ended in a BrokenPipeError traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "station", "--data-dir", str(tmp_path / "d"), "backup", "list"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_an_export_day_that_is_no_date_names_the_format(capsys) -> None:  # type: ignore[no-untyped-def]
    """It said "invalid fromisoformat value: '2026-13-01'" (Python's function name)."""
    import pytest

    with pytest.raises(SystemExit) as stop:
        main(["export", "--from", "2026-13-01", "--to", "2026-12-31"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "YYYY-MM-DD" in err and "'2026-13-01'" in err and "fromisoformat" not in err
