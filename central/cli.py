"""``kiosk-central``: run the server and do the district administrator's jobs.

    kiosk-central serve [--host H] [--port P] [--workers N] [--no-access-log]
                        [--ssl-certfile F --ssl-keyfile F]
    kiosk-central station add NAME [--id ID] [--offline-limit N] [--card-pin]
    kiosk-central station token ID            # a new token (the old one stops working)
    kiosk-central station set ID [--offline-limit N] [--card-pin|--no-card-pin] [--retention-days N]
                              [--no-active]
    kiosk-central station list
    kiosk-central volunteer add ID NAME [--card NO --pin PIN] [--hours H] [--team T]
    kiosk-central volunteer code ID [--ttl S] [--use U] # a fresh signed QR payload
    kiosk-central volunteer award ID POINTS
    kiosk-central volunteer revoke CODE_ID
    kiosk-central holds list|expire           # open holds; release those past expiry
    kiosk-central exceptions list [--all] [--station ID]
    kiosk-central exceptions resolve ID debit|waive --note TEXT
    kiosk-central keys rotate                 # new signing key; old codes still verify
    kiosk-central order list [--station ID]
    kiosk-central order assign|accept|start|complete|cancel ORDER_ID [--team T] [--volunteer N]
    kiosk-central seed-demo [--demo-key]
    kiosk-central activity add ID TITLE --start ISO --end ISO [--station ST] [--capacity N]
                               [--team T] [--points-per-hour N] [--opens-min M]
    kiosk-central activity list
    kiosk-central volunteer honor ID HOURS --reason R   # 荣誉时长, capped per year
    kiosk-central console user add NAME [--role admin|dispatcher|viewer]   # password on stdin
    kiosk-central console user password NAME                              # password on stdin

The database is ``--db`` (a file path or a SQLAlchemy URL such as
postgresql+psycopg://user:pass@host/db), else $KIOSK_CENTRAL_DB, else central.db in the
platform's data directory. The schema is migrated on every start (under an advisory
lock on PostgreSQL, so several app servers starting at once take turns).

``serve --workers N`` runs N worker processes (uvicorn's), for PostgreSQL; health:
GET /api/v1/health (liveness), GET /api/v1/ready (database and schema; 503 if not).
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from central import admin, dispatch, exceptions, keys, migrate, policy, redemptions, seed
from central.db import Database
from central.errors import CentralError
from central.models import Order, Station
from protocol import codes

log = logging.getLogger(__name__)


def default_db() -> str:
    if env := os.environ.get("KIOSK_CENTRAL_DB"):
        return env
    folder = Path(platformdirs.user_data_dir("station-kiosk-central", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / "central.db")


def open_db(target: str, ensure_key: bool = True) -> Database:
    db = Database(target)
    migrate.upgrade(db.engine)
    if ensure_key:
        keys.ensure_key(db)
    return db


WORKER_HEALTHCHECK_S = 60


def is_loopback(host: str) -> bool:
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


INSECURE_WARNING = (
    "WARNING: central is listening on {host} without TLS. Station tokens, card numbers "
    "and PINs would cross the network in clear. Serve it behind a TLS reverse proxy "
    "(docs/deploy.md) and bind to 127.0.0.1, or pass --ssl-certfile/--ssl-keyfile."
)


def cmd_serve(db: Database, args: argparse.Namespace) -> int:
    import uvicorn

    from central.app import DB_ENV, create_app
    from central.jobs import HoldSweeper

    if not is_loopback(args.host) and not args.ssl_certfile:
        message = INSECURE_WARNING.format(host=args.host)
        log.warning(message)
        print("\n" + "!" * 78 + "\n" + message + "\n" + "!" * 78 + "\n", file=sys.stderr)
    options: dict = {
        "host": args.host,
        "port": args.port,
        "ssl_certfile": args.ssl_certfile,
        "ssl_keyfile": args.ssl_keyfile,
        "log_level": "info",
        "access_log": args.access_log,
        "http": "central.transport:NoDelayH11Protocol",  # no 40 ms Nagle stall per answer
    }
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    # Expired holds are released by every serving process (safe when several do); the
    # leader-only jobs run inside the app (JobRunner).
    sweeper = HoldSweeper(db, policy.of(db).hold_sweep_s).start()
    try:
        if args.workers == 1:
            uvicorn.run(create_app(db, run_migrations=False, background_jobs=True), **options)
            return 0
        if not db.is_postgres:
            # SQLite has one writer at a time: more processes only queue on its lock.
            log.warning("--workers %d on SQLite: writes still go one at a time", args.workers)
        # Each worker builds its own app (and engine) from the URL; this process has
        # migrated the schema and made the signing key already (open_db).
        os.environ[DB_ENV] = db.url
        uvicorn.run(
            "central.app:app_from_env",
            factory=True,
            workers=args.workers,
            # uvicorn's supervisor kills a worker that does not answer its ping within this
            # (5 s by default): a worker still importing on a busy machine, or one busy
            # with a burst of batches, is not hung.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            **options,
        )
    finally:
        sweeper.stop()
    return 0


def cmd_holds_list(db: Database, _args: argparse.Namespace) -> int:
    for h in redemptions.holds(db):
        print(
            f"{h['redemption_id']}\t{h['station_id']}\t{h['volunteer_id']}\t"
            f"{h['points']}\t{h['expires_at']}"
        )
    return 0


def cmd_holds_expire(db: Database, _args: argparse.Namespace) -> int:
    print(f"released: {redemptions.expire_holds(db)}")
    return 0


def cmd_exceptions_list(db: Database, args: argparse.Namespace) -> int:
    rows = exceptions.list_exceptions(db, None if args.all else "open", args.station)
    for e in rows:
        print(
            f"{e['id']}\t{e['status']}\t{e['station_id']}\t{e['volunteer_id']}\t"
            f"{e['points']}\t{e['reason']}\t{e['redemption_id']}\t{e['detail']}"
            + (f"\t{e['resolution']}: {e['note']}" if e["status"] != "open" else "")
        )
    print(f"({len(rows)} {'in all' if args.all else 'open'})", file=sys.stderr)
    return 0


def cmd_exceptions_resolve(db: Database, args: argparse.Namespace) -> int:
    try:  # who ran it, for the audit log (a service account may have no name)
        who = f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        who = "cli"
    done = exceptions.resolve(db, args.id, args.resolution, args.note, actor=who)
    print(f"exception {done['id']}: {done['resolution']} ({done['points']} points)")
    return 0


def cmd_keys_rotate(db: Database, _args: argparse.Namespace) -> int:
    key_id = keys.rotate(db)
    print(f"signing key: {key_id} (older keys still verify the codes they signed)")
    return 0


def cmd_station_add(db: Database, args: argparse.Namespace) -> int:
    cred = admin.add_station(
        db,
        args.name,
        station_id=args.id,
        offline_limit_points=args.offline_limit,
        card_pin_enabled=args.card_pin,
        offline_daily_points=args.offline_daily,
    )
    print(f"station_id: {cred.station_id}")
    print(f"token: {cred.token}")
    print("(the token is shown once; central keeps only its hash)", file=sys.stderr)
    return 0


def cmd_station_token(db: Database, args: argparse.Namespace) -> int:
    cred = admin.rotate_token(db, args.id)
    print(f"station_id: {cred.station_id}")
    print(f"token: {cred.token}")
    return 0


def cmd_station_set(db: Database, args: argparse.Namespace) -> int:
    changes = {
        name: value
        for name, value in (
            ("offline_limit_points", args.offline_limit),
            ("offline_daily_points", args.offline_daily),
            ("card_pin_enabled", args.card_pin),
            ("privacy_retention_days", args.retention_days),
            ("name", args.name),
            ("active", args.active),
        )
        if value is not None
    }
    admin.update_settings(db, args.id, **changes)
    print(f"{args.id}: " + ", ".join(f"{k}={v}" for k, v in changes.items()))
    return 0


def cmd_station_list(db: Database, _args: argparse.Namespace) -> int:
    with db.begin() as session:
        for st in session.scalars(select(Station).order_by(Station.id)):
            print(f"{st.id}\t{st.name}\toffline_limit={st.offline_limit_points}")
    return 0


def cmd_volunteer_add(db: Database, args: argparse.Namespace) -> int:
    profile = {
        "id": args.id,
        "name": args.name,
        "card_no": args.card,
        "pin_hash": seed.hash_pin(args.pin, n=2**14) if args.pin else None,
        "total_hours": args.hours,
        "team": args.team,
        "active": not args.inactive,
    }
    # On an update, card and PIN stay as they are unless given.
    profile = {k: v for k, v in profile.items() if v is not None}
    with db.write() as session:
        admin.upsert_volunteer(db, session, profile)
    print(f"volunteer: {args.id}")
    return 0


def cmd_volunteer_code(db: Database, args: argparse.Namespace) -> int:
    use = "" if args.use == "any" else args.use
    print(keys.sign_volunteer_code(db, args.id, ttl_s=args.ttl, use=use))
    return 0


def cmd_volunteer_award(db: Database, args: argparse.Namespace) -> int:
    print(f"balance: {admin.award_points(db, args.id, args.points, reason=args.reason)}")
    return 0


def cmd_volunteer_revoke(db: Database, args: argparse.Namespace) -> int:
    admin.revoke_code(db, args.code_id, reason=args.reason)
    print(f"revoked: {args.code_id}")
    return 0


def cmd_order_list(db: Database, args: argparse.Namespace) -> int:
    with db.begin() as session:
        query = select(Order).order_by(Order.placed_at)
        if args.station:
            query = query.where(Order.station_id == args.station)
        for o in session.scalars(query):
            print(f"{o.id}\t{o.station_id}\t{o.ticket_no}\t{o.service_code}\t{o.status}")
    return 0


def cmd_order_step(db: Database, args: argparse.Namespace) -> int:
    from central.console.actions import find_order

    order_id = find_order(db, args.order_id)  # the UUID or the ticket number people read out
    change = dispatch.set_status(
        db, order_id, dispatch.STEPS[args.step], team=args.team, volunteer_name=args.volunteer
    )
    print(f"{change.order_id} {change.ticket_no}: {change.status}")
    return 0


def cmd_seed_demo(db: Database, args: argparse.Namespace) -> int:
    if args.demo_key and seed.install_demo_key(db):
        print("installed the public demo signing key (key id 'demo')", file=sys.stderr)
    keys.ensure_key(db)
    cred = seed.seed_demo(db)
    print(f"station_id: {cred.station_id}")
    print(f"token: {cred.token}")
    return 0


def _local_time(text: str) -> datetime:
    """A time as the district reads it (2026-12-05T09:00, district time zone) → naive UTC."""
    from central.activities import district_zone

    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=district_zone())
    return value.astimezone(UTC).replace(tzinfo=None)


def cmd_activity_add(db: Database, args: argparse.Namespace) -> int:
    from central import activities

    try:
        starts, ends = _local_time(args.start), _local_time(args.end)
    except ValueError:
        print("error: --start and --end are times like 2026-12-05T09:00", file=sys.stderr)
        return 2
    activities.publish_activity(
        db,
        activity_id=args.id,
        title=args.title,
        title_en=args.title_en,
        starts_at=starts,
        ends_at=ends,
        station_id=args.station,
        team=args.team,
        capacity=args.capacity,
        sign_in_opens_min=args.opens_min,
        points_per_hour=args.points_per_hour,
    )
    print(f"activity {args.id}: {args.title} ({args.station or 'every station'})")
    return 0


def cmd_activity_list(db: Database, _args: argparse.Namespace) -> int:
    from central.models import Activity

    with db.read() as session:
        for a in session.scalars(select(Activity).order_by(Activity.starts_at)):
            print(f"{a.id}\t{a.title}\t{a.station_id or '*'}\t{a.starts_at}Z\t{a.ends_at}Z")
    return 0


def cmd_volunteer_honor(db: Database, args: argparse.Namespace) -> int:
    from central import activities

    total = activities.add_honor_hours(db, args.id, args.hours, args.reason, by="cli")
    print(f"total hours: {total:g}")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise CentralError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_console_user_add(db: Database, args: argparse.Namespace) -> int:
    from central.console import accounts

    accounts.add_account(db, args.name, _read_password(), role=args.role)
    print(f"console account {args.name} ({args.role}) added; sign in at /console/login")
    return 0


def cmd_console_user_password(db: Database, args: argparse.Namespace) -> int:
    from central.console import accounts

    accounts.set_password(db, args.name, _read_password())
    print(f"password of {args.name} changed; the account is unlocked and signed out")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-central", description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="file path or SQLAlchemy URL")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (PostgreSQL; default 1)"
    )
    serve.add_argument(
        "--no-access-log",
        dest="access_log",
        action="store_false",
        help="no line per request in the log (a busy district: hundreds a second)",
    )
    serve.add_argument("--ssl-certfile", default=None, help="serve HTTPS with this certificate")
    serve.add_argument("--ssl-keyfile", default=None)
    serve.set_defaults(func=cmd_serve)

    station = sub.add_parser("station", help="provision stations").add_subparsers(
        dest="action", required=True
    )
    add = station.add_parser("add", help="add a station; prints its id and token")
    add.add_argument("name")
    add.add_argument("--id", default=None)
    add.add_argument("--offline-limit", type=int, default=200)
    add.add_argument(
        "--offline-daily", type=int, default=400, help="offline points per volunteer per day"
    )
    add.add_argument("--card-pin", action="store_true", help="allow card number + PIN")
    add.set_defaults(func=cmd_station_add)
    token = station.add_parser("token", help="issue a new token for a station")
    token.add_argument("id")
    token.set_defaults(func=cmd_station_token)
    st_set = station.add_parser("set", help="change a station's settings (sent to the kiosk)")
    st_set.add_argument("id")
    st_set.add_argument("--name", default=None)
    st_set.add_argument("--offline-limit", type=int, default=None)
    st_set.add_argument("--offline-daily", type=int, default=None)
    st_set.add_argument("--card-pin", action=argparse.BooleanOptionalAction, default=None)
    st_set.add_argument("--retention-days", type=int, default=None)
    st_set.add_argument(
        "--active",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="--no-active: lock out",
    )
    st_set.set_defaults(func=cmd_station_set)
    station.add_parser("list").set_defaults(func=cmd_station_list)

    vol = sub.add_parser("volunteer", help="volunteer codes and points").add_subparsers(
        dest="action", required=True
    )
    vadd = vol.add_parser("add", help="add or update a volunteer's profile")
    vadd.add_argument("id")
    vadd.add_argument("name")
    vadd.add_argument("--card", default=None, help="card number (for card + PIN)")
    vadd.add_argument("--pin", default=None)
    vadd.add_argument("--hours", type=float, default=0.0)
    vadd.add_argument("--team", default="")
    vadd.add_argument("--inactive", action="store_true")
    vadd.set_defaults(func=cmd_volunteer_add)
    code = vol.add_parser("code", help="print a fresh signed volunteer QR payload")
    code.add_argument("id")
    code.add_argument(
        "--ttl", type=int, default=300, help="seconds until it expires (at most a day by default)"
    )
    code.add_argument(
        "--use",
        choices=("any", *codes.USES),
        default="any",
        help="what the code is for: accepted for that only (any: every use, as a printed "
        "card that signs in and redeems)",
    )
    code.set_defaults(func=cmd_volunteer_code)
    award = vol.add_parser("award", help="add (or take, if negative) points")
    award.add_argument("id")
    award.add_argument("points", type=int)
    award.add_argument("--reason", default="award")
    award.set_defaults(func=cmd_volunteer_award)
    revoke = vol.add_parser("revoke", help="revoke one volunteer code by its code id (jti)")
    revoke.add_argument("code_id")
    revoke.add_argument("--reason", default="")
    revoke.set_defaults(func=cmd_volunteer_revoke)

    hold = sub.add_parser("holds", help="points held by approvals").add_subparsers(
        dest="action", required=True
    )
    hold.add_parser("list", help="open holds").set_defaults(func=cmd_holds_list)
    hold.add_parser("expire", help="release holds past their expiry").set_defaults(
        func=cmd_holds_expire
    )

    exc = sub.add_parser(
        "exceptions", help="redemptions central recorded but did not debit"
    ).add_subparsers(dest="action", required=True)
    exc_list = exc.add_parser("list", help="open exceptions (--all: resolved too)")
    exc_list.add_argument("--all", action="store_true")
    exc_list.add_argument("--station", default=None)
    exc_list.set_defaults(func=cmd_exceptions_list)
    exc_res = exc.add_parser("resolve", help="close one: debit the volunteer, or waive")
    exc_res.add_argument("id", type=int)
    exc_res.add_argument("resolution", choices=exceptions.RESOLUTIONS)
    exc_res.add_argument("--note", required=True, help="why (kept with the exception)")
    exc_res.set_defaults(func=cmd_exceptions_resolve)

    key = sub.add_parser("keys", help="code-signing keys").add_subparsers(
        dest="action", required=True
    )
    key.add_parser("rotate", help="issue a new signing key").set_defaults(func=cmd_keys_rotate)

    honor = vol.add_parser("honor", help="add 荣誉时长 (central only, capped per year)")
    honor.add_argument("id")
    honor.add_argument("hours", type=float)
    honor.add_argument("--reason", required=True)
    honor.set_defaults(func=cmd_volunteer_honor)

    act = sub.add_parser("activity", help="activities volunteers sign in to (签到/签退)")
    acts = act.add_subparsers(dest="action", required=True)
    aadd = acts.add_parser("add", help="publish (or change) an activity")
    aadd.add_argument("id")
    aadd.add_argument("title")
    aadd.add_argument("--title-en", default="")
    aadd.add_argument("--start", required=True, help="e.g. 2026-12-05T09:00 (district time)")
    aadd.add_argument("--end", required=True)
    aadd.add_argument("--station", default=None, help="one station's id (default: every one)")
    aadd.add_argument("--team", default="")
    aadd.add_argument("--capacity", type=int, default=0, help="0 = no limit")
    aadd.add_argument("--opens-min", type=int, default=30, help="sign-in opens before start")
    aadd.add_argument("--points-per-hour", type=int, default=10)
    aadd.set_defaults(func=cmd_activity_add)
    acts.add_parser("list").set_defaults(func=cmd_activity_list)

    order = sub.add_parser("order", help="dispatch orders (派单/接单/服务中/已完成)")
    steps = order.add_subparsers(dest="step", required=True)
    steps.add_parser("list").set_defaults(func=cmd_order_list)
    steps.choices["list"].add_argument("--station", default=None)
    for step, help_text in (
        ("assign", "派单 → assigned"),
        ("accept", "接单 → accepted"),
        ("start", "服务中 → in_service"),
        ("complete", "已完成 → completed"),
        ("cancel", "→ cancelled"),
    ):
        p = steps.add_parser(step, help=help_text)
        p.add_argument("order_id", help="the order's id or its ticket number")
        p.add_argument("--team", default=None)
        p.add_argument("--volunteer", default=None, help="the volunteer's display name")
        p.set_defaults(func=cmd_order_step)

    console = sub.add_parser("console", help="the district's web console (/console)")
    users = (
        console.add_subparsers(dest="area", required=True)
        .add_parser("user", help="console accounts")
        .add_subparsers(dest="action", required=True)
    )
    uadd = users.add_parser("add", help="add a staff account; the password is read from stdin")
    uadd.add_argument("name")
    uadd.add_argument("--role", choices=("admin", "dispatcher", "viewer"), default="dispatcher")
    uadd.set_defaults(func=cmd_console_user_add)
    upw = users.add_parser("password", help="set a new password (unlocks the account)")
    upw.add_argument("name")
    upw.set_defaults(func=cmd_console_user_password)

    demo = sub.add_parser("seed-demo", help="load assets/demo/demo.json; prints id and token")
    demo.add_argument("--demo-key", action="store_true", help="sign with the public demo key")
    demo.set_defaults(func=cmd_seed_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    func: Callable[[Database, argparse.Namespace], int] = args.func
    try:
        demo_key = args.command == "seed-demo" and args.demo_key
        db = open_db(args.db or default_db(), ensure_key=not demo_key)
    except Exception as exc:  # a wrong URL, an unreachable server: say so, no traceback
        print(f"error: cannot open the database: {exc}", file=sys.stderr)
        return 2
    try:
        return func(db, args)
    except CentralError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:  # e.g. a value too long for its column
        print(f"error: the database refused it: {exc.__class__.__name__}", file=sys.stderr)
        log.debug("database error", exc_info=True)
        return 1
    finally:
        db.close()


if __name__ == "__main__":
    sys.exit(main())
