"""Settings: defaults, TOML, environment overrides, and errors that name file, line and setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import Config, load_config, save_config
from kiosk.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_there_is_no_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = load_config(tmp_path / "missing.toml", env={})
    assert cfg.idle_timeout_s == 60 and cfg.language == "zh_CN" and cfg.offline_limit_points == 200
    assert cfg.data_dir  # the platform data dir


def test_file_then_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, '[station]\nstation_id = "ST-9"\n[ui]\nidle_timeout_s = 90\n')
    cfg = load_config(path, env={"KIOSK_IDLE_TIMEOUT_S": "120", "KIOSK_LARGE_TEXT": "yes"})
    assert (cfg.station_id, cfg.idle_timeout_s, cfg.large_text) == ("ST-9", 120, True)


def test_round_trip_keeps_every_value_and_masks_the_token(tmp_path) -> None:  # type: ignore[no-untyped-def]
    cfg = Config(
        station_id="ST-1", token="secret-token-123", printer_paper_mm=58, data_dir=str(tmp_path)
    )
    path = save_config(cfg, tmp_path / "k.toml")
    again = load_config(path, env={})
    assert again == cfg
    assert "secret-token-123" not in str(again.shown())
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[ui]\nidle_timeout_s = "soon"\n', "line 2"),
        ('[ui]\nlanguage = "fr"\n', "language"),
        ("[printer]\nprinter_paper_mm = 72\n", "printer_paper_mm"),
        ('[ui]\ncolour = "red"\n', "unknown setting [ui] colour"),
        ('[station]\nstation_id = "x"\n[ui\n', "line 3"),
        ('[station]\ntimezone = "Mars/Olympus"\n', "timezone"),
        ("[server]\nidle_timeout_s = 5\n", "unknown setting [server]"),
        # Field test: a hand-edited URL without its scheme was taken, and the kiosk then
        # showed 离线 forever ("No scheme supplied" in the log every 30 s).
        ('[server]\nserver_url = "central.example.gov.cn"\n', "server_url"),
        ('[server]\nserver_url = "https://"\n', "server_url"),
        ('[server]\nserver_url = "ftp://central.example.gov.cn"\n', "server_url"),
    ],
)
def test_malformed_config_names_file_line_and_setting(tmp_path, text, needle) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(path) in str(err.value)
    assert needle in str(err.value)


def test_bad_environment_value_names_the_variable(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "none.toml", env={"KIOSK_OFFLINE_LIMIT_POINTS": "lots"})
    assert "KIOSK_OFFLINE_LIMIT_POINTS" in str(err.value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        # Field test: these were taken at load; every receipt then waited as "printer
        # error" and only `kiosk doctor` named the setting.
        ("192.168.1.50:9100", "unknown printer connection"),
        ("tcp://:9100", "no host"),
        ("tcp://192.168.1.50:91000", "bad port"),
        ("usb://0416-5011", "usb://VID:PID"),
        ("lpt1", "unknown printer connection"),
        ("serial:///dev/ttyUSB0?baud=fast", "bad baud rate"),
    ],
)
def test_a_bad_printer_connection_is_refused_at_load(tmp_path, value, why) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, f'[printer]\nprinter_connection = "{value}"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    message = str(err.value)
    assert str(path) in message and "'printer_connection'" in message
    assert repr(value) in message and why in message
    assert "e.g. usb://0416:5011, tcp://192.168.1.50:9100" in message
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "none.toml", env={"KIOSK_PRINTER_CONNECTION": value})
    assert "printer_connection" in str(err.value)


@pytest.mark.parametrize(
    "value",
    ["", "usb://0416:5011", "tcp://10.0.0.9", "tcp://printer.lan:9100", "cups://Receipt",
     "file:///dev/usb/lp0", "serial:///dev/ttyUSB0?baud=19200", "preview:///tmp/r", "dummy:"],
)  # fmt: skip
def test_every_documented_printer_connection_loads(tmp_path, value) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, f'[printer]\nprinter_connection = "{value}"\n')
    assert load_config(path, env={}).printer_connection == value


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        # Field test (a technician's hand edits): each was taken and broke the station.
        ("[server]\nsync_interval_s = 0\n", "sync_interval_s' must be at least 1 second"),
        ("[server]\nsync_interval_s = -5\n", "sync_interval_s' must be at least 1 second"),
        ("[server]\nsync_interval_s = nan\n", "expected a finite number"),
        ("[server]\nsync_interval_s = inf\n", "expected a finite number"),
        ("[server]\nauthorise_timeout_s = 0\n", "authorise_timeout_s' must be more than 0"),
        ("[ui]\nadmin_idle_timeout_s = 0\n", "admin_idle_timeout_s' must be at least 10"),
        ("[privacy]\nprivacy_retention_days = -3\n", "privacy_retention_days' must be 0 or"),
        ("[ui]\nidle_timeout_s = 60.7\n", "expected a whole number (got 60.7)"),
        ('[storage]\ndata_dir = "kiosk-data"\n', "data_dir' must be an absolute path"),
        ('[storage]\ndata_dir = "~/kiosk-data"\n', "e.g. /home/kiosk/kiosk-data"),
    ],
)
def test_values_that_would_break_the_station_are_refused(tmp_path, text, needle) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(path) in str(err.value) and needle in str(err.value)


def test_whole_floats_and_text_numbers_still_load(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, '[ui]\nidle_timeout_s = 90.0\n[printer]\nprinter_paper_mm = "58"\n')
    cfg = load_config(path, env={})
    assert (cfg.idle_timeout_s, cfg.printer_paper_mm) == (90, 58)


def test_a_file_from_a_windows_editor_loads_or_says_how_to_fix_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Field test: Notepad's UTF-8 BOM read as "Invalid statement (at line 1, column 1)";
    a file saved as ANSI (GBK on a Chinese Windows) as "'utf-8' codec can't decode"."""
    path = tmp_path / "kiosk.toml"
    text = '[station]\nstation_id = "ST-1"\nstation_name = "东湖社区新时代文明实践站"\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_config(path, env={}).station_name == "东湖社区新时代文明实践站"
    path.write_bytes(text.encode("gbk"))
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert f"{path}, line 3: the file is not UTF-8" in str(err.value)
    assert "iconv -f GBK -t UTF-8" in str(err.value)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("[server]\nidle_timeout_s = 90\n", "(it belongs in [ui])"),
        ('[server]\nsever_url = "https://c.example.cn"\n', "(did you mean server_url, in [server]"),
        ('[printer]\nprinter_conection = "usb://0416:5011"\n', "did you mean printer_connection"),
    ],
)
def test_an_unknown_setting_says_where_it_belongs_or_what_was_meant(tmp_path, text, hint) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert hint in str(err.value)
    path = write(tmp_path, '[ui]\ncolour = "red"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert str(err.value).endswith("unknown setting [ui] colour")  # nothing close: no guess


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[ui]\nlarge_text = true\nlanguage = "fr"\n', 3),
        ('[printer]\nprinter_chinese = "raster"\nprinter_paper_mm = 57\n', 3),
        ('[station]\nstation_name_en = "X"\nstation_id = "S"\ntimezone = "Beijing"\n', 4),
        ('[storage]\n"data_dir" = "kiosk-data"\n', 2),
    ],
)
def test_a_bad_value_in_the_file_names_its_line(tmp_path, text, line) -> None:  # type: ignore[no-untyped-def]
    """Field test: a value of the right type but not allowed (paper 57, a zone that does
    not exist) was named without its line, unlike a value of the wrong type."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path, env={})
    assert f"{path}, line {line}: setting" in str(err.value)


def test_a_bad_value_from_the_environment_names_the_variable_not_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Field test: KIOSK_PRINTER_PAPER_MM=57 was reported as the file's setting; the file
    said 80, and the technician could not find what was wrong."""
    path = write(tmp_path, "[printer]\nprinter_paper_mm = 80\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, env={"KIOSK_PRINTER_PAPER_MM": "57"})
    assert str(err.value).startswith("environment KIOSK_PRINTER_PAPER_MM: setting")
    assert str(path) not in str(err.value)
    assert err.value.params["origin"] == "environment KIOSK_PRINTER_PAPER_MM"


def test_a_mistyped_environment_override_is_warned_with_the_name_it_meant(
    tmp_path, caplog, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Field test: KIOSK_SERVERURL=… was ignored without a word."""
    from kiosk import config
    from kiosk.config import unknown_env

    monkeypatch.setattr(config, "_warned_env", set())  # warned once per process

    env = {"KIOSK_SERVERURL": "https://c.example.cn", "KIOSK_CONFIG": "x", "KIOSK_CENTRAL_DB": "y"}
    with caplog.at_level("WARNING", logger="kiosk.config"):
        cfg = load_config(tmp_path / "none.toml", env=env)
    assert cfg.server_url == ""
    assert unknown_env(env) == [
        "KIOSK_SERVERURL is not a setting and is ignored (did you mean KIOSK_SERVER_URL?)"
    ]
    assert "did you mean KIOSK_SERVER_URL?" in caplog.text


def test_saving_changes_keeps_the_rest_of_the_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kiosk.config import save_changes

    path = write(tmp_path, '[station]\nstation_id = "ST-1"\n[ui]\nidle_timeout_s = 90\n')
    save_changes({"language": "en"}, path)
    again = load_config(path, env={})
    assert (again.station_id, again.idle_timeout_s, again.language) == ("ST-1", 90, "en")
    assert 'data_dir = ""' in path.read_text(encoding="utf-8")  # still the platform's
    with pytest.raises(ConfigError):
        save_changes({"idle_timeout_s": 3}, path)  # refused like a hand-written 3
    assert load_config(path, env={}).idle_timeout_s == 90
