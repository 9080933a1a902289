"""``kiosk init``: provision a station (flags, or prompts when stdin is a terminal).

Safe to run again: every value not given keeps what the config file already holds, and
the token is never cleared (an empty answer keeps it). The new file is validated by the
same loader the kiosk uses before it replaces the old one (atomically). Then the server
and the printer are checked; the config stays written either way.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# (setting, flag, prompt) in the order a technician is asked.
PROMPTS: list[tuple[str, str, str]] = [
    ("station_id", "station-id", "站点编号 Station id"),
    ("station_name", "station-name", "站点名称 Station name"),
    ("server_url", "server-url", "中心服务器地址 Server URL"),
    ("token", "token", "站点令牌 Station token"),
    ("printer_connection", "printer-connection", "打印机连接 Printer connection"),
    ("printer_paper_mm", "printer-paper-mm", "纸宽 Paper width (58/80)"),
    ("timezone", "timezone", "时区 Time zone"),
]
EXTRA_FLAGS: list[tuple[str, str]] = [
    ("station_name_en", "station-name-en"),
    ("ticket_prefix", "ticket-prefix"),
    ("ca_bundle", "ca-bundle"),
    ("printer_chinese", "printer-chinese"),
    ("printer_codepage", "printer-codepage"),
    ("language", "language"),
]


def register(subparsers: argparse._SubParsersAction) -> None:
    from kiosk.config import FIELDS

    parser = subparsers.add_parser(
        "init",
        help="provision this station: id, server, token, printer (re-runnable)",
        description=__doc__.replace("``", "`"),  # a technician reads it in a terminal
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for name, flag, _ in PROMPTS:
        kind = int if FIELDS[name].type == "int" else str
        parser.add_argument(f"--{flag}", dest=name, type=kind, help=FIELDS[name].metadata["help"])
    for name, flag in EXTRA_FLAGS:
        parser.add_argument(f"--{flag}", dest=name, help=FIELDS[name].metadata["help"])
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        default=None,
        help="accept a plain http:// server off this machine (a lab only; warned at every start)",
    )
    parser.add_argument(
        "--offline", action="store_true", help="a station without a server (no URL/token needed)"
    )
    parser.add_argument(
        "--non-interactive", action="store_true", help="never prompt, even on a terminal"
    )
    parser.add_argument("--no-check", action="store_true", help="skip the server/printer checks")
    parser.set_defaults(func=run)


def _existing(path: Path) -> dict[str, Any]:
    """The values in the current file (a broken file stops init: nothing may be lost)."""
    from kiosk.config import FIELDS, _read_toml, load_config

    if not path.exists():
        return {}
    # Read through even a file whose http:// server the loader now refuses: init is how
    # a technician fixes it (the refusal comes again below unless the URL changes).
    allowed = bool(_read_toml(path).get("allow_insecure_http", False))
    cfg = load_config(path, env={}, allow_insecure_http=True)
    values = {name: getattr(cfg, name) for name in FIELDS}
    values["allow_insecure_http"] = allowed
    if not _file_sets(path, "data_dir"):
        values["data_dir"] = ""  # keep following the platform default
    return values


def _file_sets(path: Path, name: str) -> bool:
    import tomllib

    data = tomllib.loads(path.read_text(encoding="utf-8-sig"))  # as kiosk.config reads it
    return any(name in section for section in data.values() if isinstance(section, dict))


def _ask(label: str, current: Any, secret: bool) -> str:
    if secret:
        hint = "（回车保留 Enter keeps the current one）" if current else ""
        return getpass.getpass(f"{label}{hint}: ").strip()
    shown = f" [{current}]" if current not in ("", None) else ""
    return input(f"{label}{shown}: ").strip()


def _prompt(values: dict[str, Any], given: dict[str, Any], offline: bool) -> None:
    from kiosk.config import FIELDS

    print("kiosk init — 回车保留方括号中的值 / Enter keeps the value in brackets")
    for name, _flag, label in PROMPTS:
        if name in given or (offline and name in ("server_url", "token")):
            continue
        while True:
            answer = _ask(label, values.get(name, FIELDS[name].default), name == "token")
            value: Any = answer
            if not answer or FIELDS[name].type != "int":
                break
            try:
                value = int(answer)
                break
            except ValueError:
                # "eighty" or "80mm" ended init in a ValueError traceback: ask again.
                print(f"请输入数字 / a number, please (got {answer!r})")
        if answer:
            values[name] = value


def _require(values: dict[str, Any], offline: bool) -> None:
    from kiosk.config import FIELDS
    from kiosk.errors import ConfigError

    url = values.get("server_url") or ""
    if url and not url.startswith(("http://", "https://")):
        raise ConfigError(
            "config.bad_value",
            f"server_url must start with https:// (got {url!r})",
            setting="server_url",
            origin="kiosk init",
        )
    # A station provisioned --offline stays offline on a re-run until given a server_url.
    needed = ["station_id"]
    if values.get("server_url") or not offline:
        needed += ["server_url", "token"]
    flags = {name: flag for name, flag, _ in PROMPTS}
    for name in needed:
        if not values.get(name, FIELDS[name].default):
            raise ConfigError(
                "init.not_interactive",
                f"{name} is required: pass --{flags[name]}"
                + ("" if name == "station_id" else " (or --offline)"),
                setting=name,
                option=flags[name],
            )


def _validated(values: dict[str, Any], path: Path) -> Any:
    """Build the config through the kiosk's own loader, from a scratch file beside it."""
    from kiosk.config import Config, load_config, to_toml
    from kiosk.errors import ConfigError

    scratch = path.with_name(f".{path.name}.check")
    try:
        scratch.parent.mkdir(parents=True, exist_ok=True)
        scratch.write_text(to_toml(Config(**values)), encoding="utf-8")
        os.chmod(scratch, 0o600)
        load_config(scratch, env={})
    except ConfigError as exc:
        # The scratch file's line number means nothing to whoever typed the flags.
        said = re.sub(rf"{re.escape(str(scratch))}(, line \d+)?", "kiosk init", str(exc))
        params = {**exc.params, "origin": "kiosk init"} if "origin" in exc.params else exc.params
        raise ConfigError(exc.key, said, **params) from None
    except OSError as exc:
        raise _unwritable(path, exc) from None
    finally:
        with contextlib.suppress(OSError):  # never made, on a read-only disk
            scratch.unlink(missing_ok=True)
    return Config(**values)


def _unwritable(path: Path, exc: OSError) -> Any:
    from kiosk.errors import ConfigError

    # A read-only disk, a folder root owns, a KIOSK_CONFIG pointing somewhere odd: the
    # old file (if any) is untouched, and the technician needs the path and the reason.
    return ConfigError(
        "config.unwritable",
        f"cannot write the config file {path}: {exc.strerror or exc} "
        "(choose another with --config or KIOSK_CONFIG, or fix the folder's rights)",
        origin=str(path),
    )


def run(args: argparse.Namespace) -> int:
    from kiosk import paths
    from kiosk.config import FIELDS, save_config

    path = Path(args.config) if args.config else paths.config_file()
    values = _existing(path)
    given = {name: getattr(args, name, None) for name in FIELDS}
    if not getattr(args, "allow_insecure_http", None):
        given.pop("allow_insecure_http", None)  # absent flag: keep what the file says
    # An empty --token "" would clear the station's only credential: ignore it.
    given = {k: v for k, v in given.items() if v is not None and not (k == "token" and not v)}
    values.update(given)
    if args.offline:
        values["server_url"] = ""
    offline = args.offline or (path.exists() and not values.get("server_url"))
    if sys.stdin.isatty() and not args.non_interactive:
        _prompt(values, given, offline)
    _require(values, offline)
    cfg = _validated(values, path)
    existed = path.exists()
    try:
        save_config(cfg, path)
    except OSError as exc:
        raise _unwritable(path, exc) from None
    print(f"{'更新' if existed else '写入'} / {'updated' if existed else 'wrote'} {path}")
    runtime_cfg = _ready_store(args, path)
    if args.no_check:
        return 0
    return _checks(runtime_cfg)


def _ready_store(args: argparse.Namespace, path: Path) -> Any:
    """Create the data dir and the store now, so doctor and the first start find them:
    where the kiosk will look, i.e. the config as every other command loads it (the file,
    then ``KIOSK_*`` from the environment, then ``--data-dir``). A ``KIOSK_*`` variable is
    a per-run override that init does not write into the file, so it says it used one."""
    from kiosk.backup import open_checked_store
    from kiosk.config import env_overrides
    from station.args import config_from_args

    cfg = config_from_args(args)
    open_checked_store(cfg.store_path(), cfg.data_dir).close()
    print(f"数据 / data: {cfg.store_path()}")
    overrides = env_overrides(os.environ)
    if overrides:
        names = ", ".join(overrides)
        print(
            f"  用了环境变量 {names}（未写入配置文件，kiosk 服务也须设置） / used {names} from "
            f"the environment, not written into {path}: the kiosk's service must set it too"
        )
    return cfg


def _checks(cfg: Any) -> int:
    from station.doctor import FAIL, Context, check_clock, check_printer, check_server, run_checks

    results = run_checks(Context(cfg), [check_server, check_clock, check_printer])
    for result in results:
        print(result.line())
    if any(r.level == FAIL for r in results):
        print(
            "配置已保存，但检查未通过 / config saved, but a check failed: "
            "fix it, then run `kiosk doctor`"
        )
        return 1
    return 0
