"""``kiosk config show``: every setting, its value and where it came from (secrets masked)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="show the configuration")
    sub = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="print the settings in force (secrets masked)")
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    from kiosk import paths
    from kiosk.config import FIELDS
    from station.args import config_from_args

    cfg = config_from_args(args)
    print(f"# config file: {args.config or paths.config_file()}")
    for name, value in cfg.shown().items():
        print(f"{name} = {value!r}    # {FIELDS[name].metadata['help']}")
    return 0
