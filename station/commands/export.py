"""``kiosk export``: CSV files of orders, redemptions and stock movements for a date range."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from datetime import date
from pathlib import Path


def _day(text: str) -> date:
    """A YYYY-MM-DD day; anything else is argparse's usage error naming the value (it said
    "invalid fromisoformat value", Python's name, not the format to type)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a day YYYY-MM-DD / 日期格式应为 YYYY-MM-DD: {text!r}"
        ) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("export", help="export CSV for a date range")
    parser.add_argument(
        "--from",
        dest="start",
        type=_day,
        required=True,
        help="first day, YYYY-MM-DD (station time)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=_day,
        required=True,
        help="last day, YYYY-MM-DD (inclusive)",
    )
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for the CSV files")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        return _export(args)
    except OSError as exc:
        # The usual target is a USB stick: not mounted, read-only or full. A technician
        # needs the folder and the reason, not a traceback.
        where = exc.filename or args.out
        print(
            f"导出失败：无法写入 {where}（{exc.strerror or exc}） / "
            f"export failed: cannot write {where} ({exc.strerror or exc})",
            file=sys.stderr,
        )
        return 1


def _export(args: argparse.Namespace) -> int:
    # SQLAlchemy only when the command runs: the `kiosk` command imports every command
    # module to build its parser, and a station's start must not load it before home.
    from sqlalchemy import select

    from kiosk.clock import to_local
    from kiosk.privacy import mask_phone
    from kiosk.reports import day_bounds
    from kiosk.store import open_store
    from kiosk.store.models import Redemption, ServiceOrder, StockMovement
    from station.args import config_from_args

    if args.end < args.start:
        print("--to is before --from / 结束日期早于开始日期")
        return 2
    cfg = config_from_args(args)
    start, _ = day_bounds(args.start, cfg.timezone)
    _, end = day_bounds(args.end, cfg.timezone)
    from kiosk import paths

    paths.private_dir(args.out)  # residents' phones may be in it
    tz = cfg.timezone

    def when(at):
        return to_local(at, tz).strftime("%Y-%m-%d %H:%M:%S")

    store = open_store(cfg.store_path())
    counts = {}
    try:
        with store.begin() as s:
            orders = s.scalars(
                select(ServiceOrder)
                .where(ServiceOrder.created_at >= start, ServiceOrder.created_at < end)
                .order_by(ServiceOrder.created_at)
            )
            counts["orders"] = _write(
                args.out / "orders.csv",
                [
                    "ticket_no",
                    "created",
                    "service",
                    "honorific",
                    "phone",
                    "time_slot",
                    "status",
                    "team",
                    "volunteer",
                    "rating",
                    "rating_tags",
                ],
                (
                    [
                        o.ticket_no,
                        when(o.created_at),
                        o.service.name,
                        o.honorific,
                        mask_phone(o.phone) if o.phone else "",
                        o.time_slot,
                        o.status,
                        o.team,
                        o.volunteer_name,
                        o.rating or "",
                        " ".join(o.rating_tags),
                    ]
                    for o in orders
                ),
            )
            reds = s.scalars(
                select(Redemption)
                .where(Redemption.created_at >= start, Redemption.created_at < end)
                .order_by(Redemption.created_at)
            )
            counts["redemptions"] = _write(
                args.out / "redemptions.csv",
                [
                    "pickup_code",
                    "created",
                    "volunteer_id",
                    "items",
                    "total_points",
                    "mode",
                    "status",
                ],
                (
                    [
                        r.pickup_code,
                        when(r.created_at),
                        r.volunteer_id,
                        "; ".join(f"{ln.name}×{ln.qty}" for ln in r.lines),
                        r.total_points,
                        r.mode,
                        r.status,
                    ]
                    for r in reds
                ),
            )
            moves = s.scalars(
                select(StockMovement)
                .where(StockMovement.at >= start, StockMovement.at < end)
                .order_by(StockMovement.at)
            )
            counts["stock_movements"] = _write(
                args.out / "stock_movements.csv",
                ["at", "sku", "delta", "kind", "reason", "staff_id", "redemption_id"],
                (
                    [
                        when(m.at),
                        m.sku,
                        m.delta,
                        m.kind,
                        m.reason,
                        m.staff_id or "",
                        m.redemption_id or "",
                    ]
                    for m in moves
                ),
            )
            from kiosk.attendance import export_rows

            attendance = [r for r in export_rows(s) if start <= r["signed_in_at"] < end]
            counts["attendance"] = _write(
                args.out / "attendance.csv",
                [
                    "signed_in",
                    "signed_out",
                    "activity",
                    "volunteer_id",
                    "hours",
                    "auto_signed_out",
                    "corrected",
                    "attendance_id",
                ],
                (
                    [
                        when(r["signed_in_at"]),
                        when(r["signed_out_at"]) if r["signed_out_at"] else "",
                        r["activity"],
                        r["volunteer_id"],
                        r["hours"],
                        r["auto_signed_out"],
                        r["corrected"],
                        r["attendance_id"],
                    ]
                    for r in attendance
                ),
            )
    finally:
        store.close()
    for name, n in counts.items():
        print(f"{args.out / (name + '.csv')}: {n} rows")
    return 0


def _write(path: Path, header: list[str], rows) -> int:
    count = 0
    # utf-8-sig: Excel on a district office PC opens it with Chinese intact.
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.chmod(path, 0o600)
        with open(fd, "w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
    except OSError as exc:
        # A cut-off CSV (a full stick) must not pass for the whole export.
        path.unlink(missing_ok=True)
        exc.filename = exc.filename or str(path)
        raise
    return count
