"""Settings, declared once: type, default, help. TOML on disk, environment overrides.

The file lives in the platform config dir (``kiosk.paths.config_file``). Each setting
may be overridden by ``KIOSK_<NAME>`` in the environment (``KIOSK_SERVER_URL=…``), which
is what a technician reaches for when diagnosing a station.
"""

from __future__ import annotations

import logging
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError

log = logging.getLogger(__name__)

SECRET = "secret"


def setting(default: Any, help: str, *, section: str, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "section": section, "secret": secret})


# Frozen: the runtime, the sync engine, the print queue and the screens share one Config,
# so a change is a new Config handed out explicitly (ui.context.AppContext.apply_settings),
# never an attribute set under another holder's feet.
@dataclass(frozen=True)
class Config:
    # [station]
    station_id: str = setting(
        "", "Station id issued by the district's central server", section="station"
    )
    station_name: str = setting(
        "新时代文明实践站", "Station name shown on screen and receipts", section="station"
    )
    station_name_en: str = setting(
        "Civilization Practice Station", "Station name in English", section="station"
    )
    ticket_prefix: str = setting(
        "A", "Prefix of residents' ticket numbers (1-3 letters)", section="station"
    )
    timezone: str = setting(
        "Asia/Shanghai", "IANA zone the station shows times in", section="station"
    )
    # [storage]
    data_dir: str = setting(
        "", "Where the store, logs and backups live (empty: platform data dir)", section="storage"
    )
    backup_keep_days: int = setting(14, "Daily store backups to keep", section="storage")
    # [server]
    server_url: str = setting(
        "", "Central server base URL, e.g. https://central.example.gov.cn", section="server"
    )
    token: str = setting(
        "", "Station token printed by `kiosk-central station add`", section="server", secret=True
    )
    ca_bundle: str = setting(
        "", "PEM file of a private CA to verify the server (empty: system CAs)", section="server"
    )
    sync_interval_s: float = setting(30.0, "Seconds between background syncs", section="server")
    authorise_timeout_s: float = setting(
        3.0, "Seconds to wait for central to authorise a redemption", section="server"
    )
    allow_insecure_http: bool = setting(
        False,
        "Allow plain http:// to a server off this machine (a lab only: the token travels in clear)",
        section="server",
    )
    # [printer]
    printer_connection: str = setting(
        "",
        "usb://VID:PID, serial:///dev/ttyUSB0?baud=9600, tcp://HOST:9100, cups://QUEUE, "
        "file:///dev/usb/lp0, preview:///DIR or dummy: (empty: preview into the data dir)",
        section="printer",
    )
    printer_paper_mm: int = setting(80, "Paper width: 58 or 80", section="printer")
    printer_chinese: str = setting(
        "raster", "Chinese text: native (printer's GB18030 font) or raster", section="printer"
    )
    printer_codepage: str = setting(
        "gb18030", "Native mode code page: gb18030 or gbk", section="printer"
    )
    printer_native_qr: bool = setting(
        True, "Printer draws QR codes itself (GS ( k)", section="printer"
    )
    # [redemption]
    offline_limit_points: int = setting(
        200, "Points one volunteer may redeem while central is unreachable", section="redemption"
    )
    offline_daily_points: int = setting(
        400,
        "Points one volunteer may redeem offline per (UTC) day at this station, all "
        "offline redemptions together (central's rule; 0: none offline)",
        section="redemption",
    )
    card_pin_enabled: bool = setting(
        False,
        "Allow card number + PIN instead of a signed code (checked at central: online only)",
        section="redemption",
    )
    # [ui]
    language: str = setting("zh_CN", "zh_CN or en", section="ui")
    large_text: bool = setting(False, "Start in large-text mode", section="ui")
    idle_timeout_s: int = setting(
        60, "Seconds without a touch before the 'still there?' countdown", section="ui"
    )
    admin_idle_timeout_s: int = setting(
        120, "Seconds without a touch before staff admin locks", section="ui"
    )
    # [privacy]
    privacy_retention_days: int = setting(
        30,
        "Days after an order is closed and synced before its phone number is purged",
        section="privacy",
    )

    def store_path(self) -> Path:
        return Path(self.data_dir) / "kiosk.db"

    def shown(self) -> dict[str, Any]:
        """Settings with secrets masked, for ``kiosk config show`` and logs."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata.get("secret") and value:
                value = value[:3] + "…" + "*" * 6
            out[f.name] = value
        return out


FIELDS = {f.name: f for f in fields(Config)}
SECTIONS = sorted({f.metadata["section"] for f in fields(Config)})


def _coerce(name: str, raw: Any, origin: str) -> Any:
    kind = FIELDS[name].type
    try:
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.lower() in {
                "1",
                "true",
                "yes",
                "on",
                "0",
                "false",
                "no",
                "off",
            }:
                return raw.lower() in {"1", "true", "yes", "on"}
            raise ValueError("expected true or false")
        if kind == "int":
            if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                # int(60.7) would quietly be 60 (and 0.5 days, 0)
                raise ValueError("expected a whole number")
            return int(raw)
        if kind == "float":
            if isinstance(raw, bool):
                raise ValueError("expected a number")
            number = float(raw)
            if not math.isfinite(number):  # TOML and float() both take nan and inf
                raise ValueError("expected a finite number")
            return number
        if not isinstance(raw, str):
            raise ValueError("expected text")
        return raw
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            "config.bad_value",
            f"{origin}: setting {name!r}: {exc} (got {raw!r})",
            setting=name,
            origin=origin,
        ) from exc


def _validate(cfg: Config, origin: str, origins: Mapping[str, str] | None = None) -> None:
    """Refuse the first bad value, naming where it came from: ``origins`` maps a setting
    to "FILE, line N" or "environment KIOSK_X" (else ``origin``, the file)."""
    problems = []
    if cfg.printer_paper_mm not in (58, 80):
        problems.append(("printer_paper_mm", "must be 58 or 80"))
    if cfg.printer_chinese not in ("native", "raster"):
        problems.append(("printer_chinese", "must be native or raster"))
    if cfg.printer_codepage not in ("gb18030", "gbk"):
        problems.append(("printer_codepage", "must be gb18030 or gbk"))
    if cfg.language not in ("zh_CN", "en"):
        problems.append(("language", "must be zh_CN or en"))
    if not (
        1 <= len(cfg.ticket_prefix) <= 3
        and cfg.ticket_prefix.isalpha()
        and cfg.ticket_prefix.isascii()
    ):
        problems.append(("ticket_prefix", "must be 1-3 letters A-Z"))
    if cfg.offline_limit_points < 0:
        problems.append(("offline_limit_points", "must be 0 or more"))
    if cfg.offline_daily_points < 0:
        problems.append(("offline_daily_points", "must be 0 or more"))
    if cfg.server_url and not _has_scheme_and_host(cfg.server_url):
        # Taken as it was, such a URL fails every sync as "server down": the station
        # shows 离线 for good and nothing names the setting.
        problems.append(
            (
                "server_url",
                f"must be https://HOST (got {cfg.server_url!r}), "
                "e.g. https://central.example.gov.cn",
            )
        )
    elif insecure_server_url(cfg.server_url) and not cfg.allow_insecure_http:
        problems.append(
            (
                "server_url",
                f"is plain http:// to another machine ({cfg.server_url}): the station token "
                "would travel in clear. Use https://, or set allow_insecure_http = true "
                "(kiosk init --allow-insecure-http) for a lab",
            )
        )
    printer_problem = _printer_problem(cfg.printer_connection)
    if printer_problem:
        # Taken as it was, every receipt waits in the queue as "printer error" and only
        # `kiosk doctor` names the setting.
        problems.append(
            (
                "printer_connection",
                f"is not a printer connection ({printer_problem}), e.g. usb://0416:5011, "
                "tcp://192.168.1.50:9100 or file:///dev/usb/lp0",
            )
        )
    if cfg.idle_timeout_s < 10:
        problems.append(("idle_timeout_s", "must be at least 10 seconds"))
    if cfg.admin_idle_timeout_s < 10:
        # 0 locked staff admin the moment it opened.
        problems.append(("admin_idle_timeout_s", "must be at least 10 seconds"))
    if cfg.sync_interval_s < 1:
        # 0 or less: every station syncs in a loop without pause, hammering central.
        problems.append(("sync_interval_s", "must be at least 1 second (default 30)"))
    if cfg.authorise_timeout_s <= 0:
        # 0: every online redemption failed at once and fell back to the offline limit.
        problems.append(("authorise_timeout_s", "must be more than 0 seconds (default 3)"))
    if cfg.privacy_retention_days < 0:
        problems.append(("privacy_retention_days", "must be 0 or more"))
    if cfg.data_dir and not Path(cfg.data_dir).is_absolute():
        # Relative to wherever the kiosk was started ("/" under systemd), and "~" is
        # not expanded: the store would not be where the technician looks.
        problems.append(
            (
                "data_dir",
                f"must be an absolute path (got {cfg.data_dir!r}), e.g. /home/kiosk/kiosk-data",
            )
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(cfg.timezone)
    except Exception:
        problems.append(("timezone", "unknown time zone"))
    if problems:
        name, why = problems[0]
        # A value from KIOSK_* named as the file's sent the technician to a file that
        # holds a good value; one from the file without its line, hunting for it.
        where = (origins or {}).get(name, origin)
        raise ConfigError(
            "config.bad_value", f"{where}: setting {name!r} {why}", setting=name, origin=where
        )


def _printer_problem(uri: str) -> str:
    """Why ``uri`` names no printer connection ("" when it does, or is empty: preview).
    Asks the printer package's own parser, which opens nothing."""
    if not uri.strip():
        return ""
    from printer.connections import open_connection
    from printer.errors import BadUri

    try:
        open_connection(uri)
    except BadUri as exc:
        return exc.detail  # names the value: "no host in 'tcp://:9100'"
    return ""


LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _has_scheme_and_host(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def insecure_server_url(url: str) -> bool:
    """True for an http:// URL whose host is not this machine (loopback stays allowed:
    the demo and the tests run central beside the kiosk)."""
    from urllib.parse import urlsplit

    if not url.lower().startswith("http://"):
        return False
    host = (urlsplit(url).hostname or "").lower()
    return not (host in LOOPBACK_HOSTS or host.startswith("127."))


def _line_of(text: str, key: str) -> int | None:
    import re

    # The key itself, bare or quoted, then "=": not a longer key it begins
    # (station_name in station_name_en), nor a comment.
    pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def _hint(name: str) -> str:
    """Where a misplaced setting belongs, or the one a typo meant."""
    if name in FIELDS:
        return f" (it belongs in [{FIELDS[name].metadata['section']}])"
    import difflib

    close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.75)
    if close:
        return f" (did you mean {close[0]}, in [{FIELDS[close[0]].metadata['section']}]?)"
    return ""


def _read_toml(path: Path, origins: dict[str, str] | None = None) -> dict[str, Any]:
    """The file's settings, flat; ``origins`` (if given) gets "FILE, line N" for each."""
    try:
        # utf-8-sig: Windows Notepad starts a UTF-8 file with a BOM, which TOML calls an
        # "Invalid statement (at line 1, column 1)".
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        # A Chinese Windows editor saves "ANSI", i.e. GBK: the station name breaks it.
        bad_line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ConfigError(
            "config.unreadable",
            f"{path}, line {bad_line}: the file is not UTF-8 (saved as GBK/ANSI?): "
            "save it as UTF-8, e.g. iconv -f GBK -t UTF-8",
            origin=str(path),
        ) from exc
    except OSError as exc:
        raise ConfigError("config.unreadable", f"{path}: {exc}", origin=str(path)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already names line and column ("... (at line 3, column 7)").
        raise ConfigError("config.syntax", f"{path}: {exc}", origin=str(path)) from exc
    flat: dict[str, Any] = {}
    for section, values in data.items():
        if not isinstance(values, dict):
            raise ConfigError(
                "config.syntax", f"{path}: {section!r} must be a [section]", origin=str(path)
            )
        for name, value in values.items():
            line = _line_of(text, name)
            where = f"{path}, line {line}" if line else str(path)
            if name not in FIELDS or FIELDS[name].metadata["section"] != section:
                raise ConfigError(
                    "config.unknown_setting",
                    f"{where}: unknown setting [{section}] {name}{_hint(name)}",
                    setting=name,
                    origin=where,
                )
            flat[name] = _coerce(name, value, where)
            if origins is not None:
                origins[name] = where
    return flat


def env_overrides(env: Mapping[str, str]) -> list[str]:
    """The ``KIOSK_<NAME>`` variables in ``env`` that override a setting, in field order."""
    return [f"KIOSK_{name.upper()}" for name in FIELDS if f"KIOSK_{name.upper()}" in env]


# KIOSK_* variables that are no setting but read elsewhere (the config file's path, the
# salvage budget, central's knobs, the X session scripts, tests and benchmarks).
OTHER_ENV = frozenset(
    {
        "KIOSK_CONFIG",
        "KIOSK_SALVAGE_BUDGET_S",
        "KIOSK_BIN",
        "KIOSK_DISPLAY",
        "KIOSK_X",
        "KIOSK_X_ARGS",
        "KIOSK_X_SERVER",
        "KIOSK_STORE",
        "KIOSK_BARE_DB",
        "KIOSK_FULL_WALK",
        "KIOSK_SLOW",
    }
)
OTHER_ENV_PREFIXES = ("KIOSK_CENTRAL_", "KIOSK_TEST_", "KIOSK_BENCH_")


def unknown_env(env: Mapping[str, str]) -> list[str]:
    """``KIOSK_*`` variables that override nothing, each with the setting a typo meant:
    ``KIOSK_SERVERURL=…`` was silently ignored, and the technician believed it in force."""
    import difflib

    names = {f"KIOSK_{name.upper()}": name for name in FIELDS}
    found = []
    for var in sorted(env):
        if not var.startswith("KIOSK_") or var in names or var in OTHER_ENV:
            continue
        if var.startswith(OTHER_ENV_PREFIXES):
            continue
        close = difflib.get_close_matches(var, names, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        found.append(f"{var} is not a setting and is ignored{hint}")
    return found


_warned_env: set[str] = set()


def _warn_unknown_env(env: Mapping[str, str]) -> None:
    for problem in unknown_env(env):
        if problem not in _warned_env:  # the config is loaded more than once per run
            _warned_env.add(problem)
            log.warning("environment: %s", problem)


def load_config(
    path: Path | None = None, env: Mapping[str, str] | None = None, **overrides: Any
) -> Config:
    """Defaults, then the TOML file, then ``KIOSK_*`` variables, then explicit overrides."""
    from kiosk import paths

    env = os.environ if env is None else env
    path = path or paths.config_file()
    origins: dict[str, str] = {}
    values: dict[str, Any] = _read_toml(path, origins)
    for name in FIELDS:
        var = f"KIOSK_{name.upper()}"
        if var in env:
            values[name] = _coerce(name, env[var], f"environment {var}")
            origins[name] = f"environment {var}"
    _warn_unknown_env(env)
    given = {k: v for k, v in overrides.items() if v is not None}
    values.update(given)
    for name in given:
        origins.pop(name, None)
    if not values.get("data_dir"):
        values["data_dir"] = str(paths.data_dir())
    cfg = Config(**values)
    _validate(cfg, str(path), origins)
    return cfg


def to_toml(cfg: Config) -> str:
    """The config as TOML with each setting's help as a comment."""
    import tomli_w

    lines: list[str] = []
    for section in SECTIONS:
        lines.append(f"[{section}]")
        for f in fields(cfg):
            if f.metadata["section"] != section:
                continue
            lines.append(f"# {f.metadata['help']}")
            lines.append(tomli_w.dumps({f.name: getattr(cfg, f.name)}).strip())
        lines.append("")
    return "\n".join(lines)


def save_changes(changes: Mapping[str, Any], path: Path | None = None) -> Path:
    """Change only ``changes`` in the config file; every other line keeps what the file
    says. The staff settings screen saved the whole config in force instead: that run's
    ``KIOSK_*`` variables (a test server's URL) became the file's, the platform data dir
    was written out, and what a technician had edited in the file since the start was
    undone."""
    import dataclasses

    from kiosk import paths

    path = path or paths.config_file()
    values = _read_toml(path)  # a file broken since the start stops the save: nothing lost
    values.update(changes)
    cfg = Config(**values)
    _validate(dataclasses.replace(cfg, data_dir=cfg.data_dir or str(paths.data_dir())), str(path))
    return save_config(cfg, path)


def save_config(cfg: Config, path: Path | None = None) -> Path:
    from kiosk import paths

    path = path or paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(to_toml(cfg), encoding="utf-8")
    os.replace(tmp, path)
    try:
        path.chmod(0o600)  # it holds the station token
    except OSError:
        log.warning("could not restrict permissions of %s", path)
    return path
