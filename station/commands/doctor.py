"""``kiosk doctor``: one line per check with OK/WARN/FAIL and the fix; exit 1 on any FAIL."""

from __future__ import annotations

import argparse
import sys


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
    from kiosk.config import Config
    from kiosk.errors import ConfigError
    from station.args import config_from_args
    from station.doctor import CHECKS, FAIL, Context, Result, run_checks

    try:
        config = config_from_args(args)
    except ConfigError as exc:
        # Report the broken config as a check, then go on with defaults: the technician
        # wants to know about the OS libraries and disk too.
        print(Result("config", FAIL, str(exc), "fix the file or rerun `kiosk init`").line())
        from kiosk import paths

        config, failed = Config(data_dir=str(paths.data_dir())), True
    else:
        failed = False
        print(f"OK    {'config':<12} station {config.station_id or '-'} ({config.station_name})")
    skip = {name.replace("-", "_") for name in args.skip}
    checks = [c for c in CHECKS if c.__name__.removeprefix("check_") not in skip]
    results = run_checks(Context(config, server_timeout_s=args.timeout), checks)
    for result in results:
        print(result.line())
    failed = failed or any(r.level == FAIL for r in results)
    sys.stdout.flush()
    return 1 if failed else 0
