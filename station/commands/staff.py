"""``kiosk staff add``: create a staff or technician account with a PIN."""

from __future__ import annotations

import argparse
import getpass
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("staff", help="manage staff accounts")
    sub = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add a staff member (PIN asked for unless --pin is given)")
    add.add_argument("staff_id", help="short id, e.g. S03")
    add.add_argument("name", help="name shown on the staff keypad")
    add.add_argument("--role", choices=["staff", "technician"], default="staff")
    add.add_argument("--pin", help="4-8 digits (avoid on shared shells: it lands in history)")
    add.set_defaults(func=run_add)
    lst = sub.add_parser("list", help="list staff accounts")
    lst.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    from kiosk.staff import add_staff
    from kiosk.store import open_store
    from station.args import config_from_args

    pin = args.pin
    if pin is None:
        if not sys.stdin.isatty():
            pin = sys.stdin.readline().strip()
        else:
            pin = getpass.getpass("PIN (4-8 digits): ")
            if getpass.getpass("PIN again: ") != pin:
                print("PINs differ / 两次输入的密码不一致", file=sys.stderr)
                return 1
    store = open_store(config_from_args(args).store_path())
    try:
        with store.begin() as session:
            add_staff(session, args.staff_id, args.name, args.role, pin)
    finally:
        store.close()
    print(f"added {args.role} {args.staff_id} ({args.name})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from kiosk.staff import list_staff
    from kiosk.store import open_store
    from station.args import config_from_args

    store = open_store(config_from_args(args).store_path())
    try:
        with store.begin() as session:
            for member in list_staff(session):
                locked = " (locked)" if member.locked_until else ""
                print(f"{member.id}\t{member.role}\t{member.name}{locked}")
    finally:
        store.close()
    return 0
