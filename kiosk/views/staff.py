"""What the staff screens ask of the store, as plain data (run on a worker via ops.run_db).

ORM rows never cross to the main thread: each function returns small frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk import outbox, print_queue, stock
from kiosk.clock import to_local, utcnow
from kiosk.config import Config
from kiosk.staff import list_staff, verify_pin
from kiosk.store.models import Gift, OutboxEvent, Overdraft, Volunteer


@dataclass(frozen=True)
class StaffInfo:
    id: str
    name: str
    role: str

    @property
    def technician(self) -> bool:
        return self.role == "technician"


@dataclass(frozen=True)
class GiftStock:
    sku: str
    name: str
    name_en: str
    barcode: str
    level: int
    low_at: int


@dataclass(frozen=True)
class JobRow:
    id: str
    kind: str
    ref_id: str
    state: str
    created_local: str
    title: str
    reprint_of: str | None


@dataclass(frozen=True)
class EventRow:
    type: str
    occurred_local: str
    attempts: int
    result: str


@dataclass(frozen=True)
class OverdraftRow:
    redemption_id: str
    volunteer: str
    amount: int
    reported_local: str
    resolved: bool


def staff_members(session: Session) -> list[StaffInfo]:
    return [StaffInfo(m.id, m.name, m.role) for m in list_staff(session)]


def sign_in(session: Session, staff_id: str, pin: str) -> StaffInfo:
    member = verify_pin(session, staff_id, pin)
    return StaffInfo(member.id, member.name, member.role)


def gift_stock(session: Session) -> list[GiftStock]:
    levels = stock.stock_levels(session)
    gifts = session.scalars(select(Gift).where(Gift.active).order_by(Gift.sort, Gift.sku))
    return [
        GiftStock(g.sku, g.name, g.name_en, g.barcode or "", levels.get(g.sku, 0), g.low_stock_at)
        for g in gifts
    ]


def gift_by_barcode(session: Session, code: str) -> GiftStock:
    g = stock.find_gift_by_barcode(session, code)
    return GiftStock(
        g.sku, g.name, g.name_en, g.barcode or "", stock.stock_level(session, g.sku), g.low_stock_at
    )


def low_stock(session: Session) -> list[GiftStock]:
    return [
        GiftStock(g.sku, g.name, g.name_en, g.barcode or "", level, g.low_stock_at)
        for g, level in stock.low_stock(session)
    ]


def apply_restock(session: Session, staff_id: str, sku: str, qty: int, reason: str) -> int:
    stock.restock(session, staff_id, sku, qty, reason)
    return stock.stock_level(session, sku)


def apply_correction(session: Session, staff_id: str, sku: str, delta: int, reason: str) -> int:
    stock.correct_stock(session, staff_id, sku, delta, reason)
    return stock.stock_level(session, sku)


def _local(at: datetime | None, zone: str) -> str:
    return to_local(at, zone).strftime("%m-%d %H:%M") if at else ""


def recent_jobs(session: Session, zone: str, limit: int = 30) -> list[JobRow]:
    return [
        JobRow(
            j.id,
            j.kind,
            j.ref_id,
            j.state,
            _local(j.created_at, zone),
            _reference(str((j.document or {}).get("title", ""))),
            j.reprint_of,
        )
        for j in print_queue.recent_jobs(session, limit)
    ]


def _reference(title: str) -> str:
    """What tells one receipt from another of its kind: the printed title less its kind
    word (点单 A1208-002 → A1208-002, 兑换 216244 → 216244, 签退 <activity>, 日报 <day>).
    The screen names the kind in its own language; the word was Chinese on English screens."""
    return title.partition(" ")[2]


def reprint_job(session: Session, job_id: str, staff_id: str) -> str:
    return print_queue.reprint(session, job_id, staff_id).id


def enqueue_test_page(session: Session, config: Config, staff_id: str) -> str:
    from kiosk.staff import audit
    from printer.testpage import test_page

    page = test_page(print_queue.profile_for(config), datetime.now())
    job = print_queue.enqueue(session, "test", "", page)
    audit(session, staff_id, "print.test", job_id=job.id)
    return job.id


def unsynced(session: Session, zone: str, limit: int = 40) -> tuple[int, int, list[EventRow]]:
    """(pending, rejected, the oldest pending or rejected events)."""
    rows = session.scalars(
        select(OutboxEvent)
        .where(OutboxEvent.state.in_(("pending", "rejected")))
        .order_by(OutboxEvent.seq)
        .limit(limit)
    )
    events = [EventRow(e.type, _local(e.occurred_at, zone), e.attempts, e.result) for e in rows]
    return (*outbox.counts(session), events)


def overdrafts(session: Session, zone: str) -> list[OverdraftRow]:
    rows = session.scalars(select(Overdraft).order_by(Overdraft.reported_at.desc()).limit(50))
    out = []
    for row in rows:
        volunteer = session.get(Volunteer, row.volunteer_id)
        who = volunteer.masked_name if volunteer is not None else row.volunteer_id
        out.append(
            OverdraftRow(
                row.redemption_id, who, row.amount, _local(row.reported_at, zone), row.resolved
            )
        )
    return out


@dataclass(frozen=True)
class CentralExceptionRow:
    """An offline claim central would not apply as it stood (over a limit, bad code...):
    the district administrator handles it; staff see it flagged here."""

    key: str
    volunteer: str
    points: int | None
    reason: str
    at_local: str
    handled: bool  # resolved by the district (debited or waived)


def central_exceptions(session: Session, zone: str) -> list[CentralExceptionRow]:
    from kiosk import catalog
    from kiosk.clock import parse_iso

    out = []
    for key, data in reversed(list(catalog.get_setting(session, "central_exceptions").items())):
        if not isinstance(data, dict):
            continue
        vid = str(data.get("volunteer_id") or "")
        volunteer = session.get(Volunteer, vid) if vid else None
        points = data.get("points", data.get("total_points"))
        try:
            at = _local(parse_iso(str(data.get("at") or data.get("created_at"))), zone)
        except (TypeError, ValueError):
            at = ""
        out.append(
            CentralExceptionRow(
                key,
                volunteer.masked_name if volunteer is not None else vid or "?",
                points if isinstance(points, int) and not isinstance(points, bool) else None,
                str(data.get("reason") or data.get("kind") or "?"),
                at,
                data.get("status") == "resolved",
            )
        )
    return out


def exceptions(session: Session, zone: str) -> tuple[list[OverdraftRow], list[CentralExceptionRow]]:
    return overdrafts(session, zone), central_exceptions(session, zone)


def resolve_overdraft(session: Session, redemption_id: str, staff_id: str) -> None:
    from kiosk.staff import audit

    row = session.get(Overdraft, redemption_id)
    if row is not None:
        row.resolved = True
        audit(session, staff_id, "overdraft.resolved", redemption_id=redemption_id)


def today(session: Session, zone: str) -> Any:
    from kiosk.reports import day_figures

    return day_figures(session, to_local(utcnow(), zone).date(), zone)


def today_date(zone: str) -> date:
    return to_local(utcnow(), zone).date()


def effective_settings(session: Session, config: Config) -> Any:
    """The station's settings in force (kiosk.settings: central wins for policy)."""
    from kiosk import settings

    return settings.effective(session, config)
