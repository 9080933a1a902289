"""``kiosk config show``: every setting, its value and where it came from (secrets masked),
then the station's EFFECTIVE settings — local config and central's station settings
merged by ``kiosk.settings`` — each with its source and who wins."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("config", help="show the configuration")
    sub = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="print the settings in force (secrets masked)")
    show.set_defaults(func=run_show)


def run_show(args: argparse.Namespace) -> int:
    from kiosk import paths, settings
    from kiosk.config import FIELDS
    from station.args import config_from_args

    cfg = config_from_args(args)
    print(f"# config file: {args.config or paths.config_file()}")
    for name, value in cfg.shown().items():
        print(f"{name} = {value!r}    # {FIELDS[name].metadata['help']}")
    pulled: dict[str, object] = {}
    store_path = cfg.store_path()
    if store_path.exists():
        # Showing the config never creates or migrates a store.
        from kiosk.store.db import open_store

        try:
            store = open_store(store_path, migrate=False)
            try:
                with store.read() as session:
                    pulled = settings.central_values(session)
            finally:
                store.close()
        except Exception as exc:  # a damaged store must not hide the config
            print(f"# (central's station settings unreadable: {exc})")
    print("\n# effective station settings (precedence: who wins; source: where the value is from)")
    for name, value, source, precedence in settings.resolve(cfg, pulled).rows():
        print(f"{name} = {value!r}    # source: {source}; {precedence} wins")
    return 0
