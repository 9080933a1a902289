"""``kiosk doctor``: one line per check with OK/WARN/FAIL and the fix; exit 1 on any FAIL."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check store, font, printer, server, clock, disk and OS libraries"
    )
    parser.add_argument(
        "--timeout", type=float, default=3.0, help="seconds to wait for the server (default 3)"
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="CHECK",
        help="leave out a check, e.g. --skip qt-xcb on a Wayland-only station (repeatable)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk import paths
    from kiosk.config import FIELDS, Config, unknown_env
    from kiosk.errors import ConfigError
    from station.args import config_from_args
    from station.doctor import CHECKS, FAIL, WARN, Context, Result, run_checks

    skip = frozenset(name.replace("-", "_") for name in args.skip)
    names = [c.__name__.removeprefix("check_") for c in CHECKS]
    unknown = sorted(skip - set(names))
    if unknown:
        # A mistyped name would leave the check running, and the technician wondering.
        print(
            f"kiosk doctor: no check named {', '.join(unknown)}; "
            f"--skip takes: {', '.join(n.replace('_', '-') for n in names)}",
            file=sys.stderr,
        )
        return 2
    config: Config | None = None
    bad: dict[str, Any] = {}  # setting -> the default it is checked with
    failed = False
    while config is None:
        try:
            config = config_from_args(args, **bad)
        except ConfigError as exc:
            print(Result("config", FAIL, str(exc), "fix the file or rerun `kiosk init`").line())
            failed = True
            setting = exc.params.get("setting")
            if exc.key == "config.bad_value" and setting in FIELDS and setting not in bad:
                # One bad value: check the rest with the file's other settings (its
                # server, its data dir), not a default station that has none.
                bad[setting] = FIELDS[setting].default
                continue
            # A file that does not parse: go on with defaults, the technician wants to
            # know about the OS libraries and disk too.
            data_dir = getattr(args, "data_dir", None) or str(paths.data_dir())
            config = Config(data_dir=data_dir)
    config_file = Path(args.config) if args.config else paths.config_file()
    if not failed and not config_file.exists():
        # A mistyped --config or KIOSK_CONFIG, or a station never provisioned: the
        # defaults are in force (and their data dir), which "OK" hid.
        print(
            Result(
                "config", WARN, f"no config file at {config_file}: defaults in force", "kiosk init"
            ).line()
        )
    elif not failed:
        print(f"OK    {'config':<12} station {config.station_id or '-'} ({config.station_name})")
    for problem in unknown_env(os.environ):
        # A mistyped KIOSK_* override changes nothing: say so beside the settings in force.
        print(Result("config", WARN, problem, "correct the name, or unset it").line())
    checks = [c for c in CHECKS if c.__name__.removeprefix("check_") not in skip]
    context = Context(config, server_timeout_s=args.timeout, skipped=skip)
    results = run_checks(context, checks)
    for result in results:
        print(result.line())
    failed = failed or any(r.level == FAIL for r in results)
    sys.stdout.flush()
    return 1 if failed else 0
