"""What the console shows: read-only queries over central's tables, as plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from central.clock import utcnow
from central.console.models import ExceptionResolution, OrderAssignment
from central.models import (
    Gift,
    LedgerEntry,
    Order,
    Overdraft,
    ProcessedEvent,
    Redemption,
    RedemptionException,
    RejectedEvent,
    Service,
    Station,
    StationStock,
    Volunteer,
)


def mask_phone(phone: str) -> str:
    """138****1234, as the kiosk prints it (kiosk/privacy.py); central cannot import kiosk."""
    if len(phone) == 11:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 4, 0) + phone[-4:] if len(phone) > 4 else "*" * len(phone)


OPEN_STATUSES = ("submitted", "assigned", "accepted", "in_service")
DEFAULT_OVERDUE_HOURS = 24


@dataclass(frozen=True)
class OrderRow:
    id: str
    ticket_no: str
    station_id: str
    station_name: str
    service_code: str
    service_name: str
    home_visit: bool
    phone_masked: str
    address: str
    time_slot: str
    note_tags: list[str]
    placed_at: datetime
    status: str
    team: str
    volunteer_name: str
    volunteer_id: str | None
    overdue: bool
    rating: int | None


def orders(
    session: Session,
    *,
    open_only: bool = True,
    station_id: str = "",
    overdue_hours: int = DEFAULT_OVERDUE_HOURS,
    limit: int = 500,
) -> list[OrderRow]:
    """The dispatch queue, oldest first; an open order older than ``overdue_hours`` is
    overdue (the district's rule)."""
    query = (
        select(Order, Station.name, Service.name, Service.home_visit, OrderAssignment.volunteer_id)
        .join(Station, Station.id == Order.station_id)
        .outerjoin(Service, Service.code == Order.service_code)
        .outerjoin(OrderAssignment, OrderAssignment.order_id == Order.id)
        .order_by(Order.placed_at)
        .limit(limit)
    )
    if open_only:
        query = query.where(Order.status.in_(OPEN_STATUSES))
    if station_id:
        query = query.where(Order.station_id == station_id)
    cutoff = utcnow() - timedelta(hours=overdue_hours)
    return [
        OrderRow(
            id=o.id,
            ticket_no=o.ticket_no,
            station_id=o.station_id,
            station_name=st_name,
            service_code=o.service_code,
            service_name=svc_name or o.service_code,
            home_visit=bool(home),
            phone_masked=mask_phone(o.phone),
            address=o.address,
            time_slot=o.time_slot,
            note_tags=list(o.note_tags or []),
            placed_at=o.placed_at,
            status=o.status,
            team=o.team,
            volunteer_name=o.volunteer_name,
            volunteer_id=vid,
            overdue=o.status in OPEN_STATUSES and o.placed_at < cutoff,
            rating=o.rating,
        )
        for o, st_name, svc_name, home, vid in session.execute(query)
    ]


def teams(session: Session) -> list[str]:
    query = select(Volunteer.team).where(Volunteer.team != "", Volunteer.active).distinct()
    return sorted(t for t in session.scalars(query))


def volunteers_for_dispatch(session: Session) -> list[tuple[str, str, str]]:
    query = select(Volunteer.id, Volunteer.name, Volunteer.team).where(Volunteer.active)
    return [tuple(r) for r in session.execute(query.order_by(Volunteer.team, Volunteer.id))]


def volunteer_orders(session: Session, volunteer: Volunteer) -> list[OrderRow]:
    """For the phone page: orders open to the volunteer's team (or to anyone) that nobody
    has taken, and the ones assigned to or taken by this volunteer."""
    rows = orders(session, open_only=True)
    return [
        r
        for r in rows
        if r.volunteer_id == volunteer.id
        or (
            (r.volunteer_id is None and r.status in ("submitted", "assigned"))
            and (not r.team or r.team == volunteer.team)
        )
    ]


@dataclass(frozen=True)
class StationRow:
    id: str
    name: str
    active: bool
    offline_limit_points: int
    card_pin_enabled: bool
    privacy_retention_days: int
    last_seen: datetime | None
    events_received: int
    open_orders: int
    # As the station last reported them with a pull (display only; None = never said).
    backlog: int | None = None
    printer: str = ""
    reported_at: datetime | None = None


def _latest(*times: datetime | None) -> datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def stations(session: Session) -> list[StationRow]:
    seen = dict(
        session.execute(
            select(ProcessedEvent.station_id, func.max(ProcessedEvent.received_at)).group_by(
                ProcessedEvent.station_id
            )
        )
        .tuples()
        .all()
    )
    counts = dict(
        session.execute(
            select(ProcessedEvent.station_id, func.count()).group_by(ProcessedEvent.station_id)
        )
        .tuples()
        .all()
    )
    open_orders = dict(
        session.execute(
            select(Order.station_id, func.count())
            .where(Order.status.in_(OPEN_STATUSES))
            .group_by(Order.station_id)
        )
        .tuples()
        .all()
    )
    return [
        StationRow(
            st.id,
            st.name,
            st.active,
            st.offline_limit_points,
            st.card_pin_enabled,
            st.privacy_retention_days,
            _latest(seen.get(st.id), st.reported_at),  # an event pushed, or a pull
            counts.get(st.id, 0),
            open_orders.get(st.id, 0),
            st.reported_backlog,
            st.reported_printer,
            st.reported_at,
        )
        for st in session.scalars(select(Station).order_by(Station.id))
    ]


def search_volunteers(session: Session, text: str, limit: int = 100) -> list[Volunteer]:
    query = select(Volunteer).order_by(Volunteer.id).limit(limit)
    text = text.strip()[:40]
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(Volunteer.id.ilike(like), Volunteer.name.ilike(like), Volunteer.team.ilike(like))
        )
    return list(session.scalars(query))


def ledger(session: Session, volunteer_id: str, limit: int = 200) -> list[LedgerEntry]:
    query = (
        select(LedgerEntry)
        .where(LedgerEntry.volunteer_id == volunteer_id)
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class ExceptionRow:
    kind: str  # redemption | overdraft | rejected_event
    ref: str
    station_id: str
    summary: str
    at: datetime
    resolved_by: str = ""
    note: str = ""
    # A redemption exception (central's ``exceptions`` table, issue 11): who, why, how
    # many points were not debited, and how it was resolved (debit | waive).
    volunteer_id: str = ""
    reason: str = ""
    points: int = 0
    resolution: str = ""


def exceptions(session: Session, include_resolved: bool = False) -> list[ExceptionRow]:
    """What a district officer must look at: redemptions central recorded but did not
    debit (resolved with debit or waive), offline overdrafts and rejected events."""
    out: list[ExceptionRow] = []
    flagged = select(RedemptionException).order_by(RedemptionException.id)
    if not include_resolved:
        flagged = flagged.where(RedemptionException.status == "open")
    for ex in session.scalars(flagged):
        out.append(
            ExceptionRow(
                "redemption",
                str(ex.id),
                ex.station_id,
                ex.detail if ex.detail != ex.reason else "",  # the figures behind the reason
                ex.created_at,
                note=ex.note,
                volunteer_id=ex.volunteer_id,
                reason=ex.reason,
                points=ex.points,
                resolution=ex.resolution if ex.status != "open" else "",
            )
        )
    resolved = {(r.kind, r.ref): r for r in session.scalars(select(ExceptionResolution))}
    others: list[ExceptionRow] = []
    for od in session.scalars(select(Overdraft).order_by(Overdraft.at)):
        others.append(
            ExceptionRow(
                "overdraft",
                od.redemption_id,
                od.station_id,
                f"{od.volunteer_id}: -{od.amount}",
                od.at,
            )
        )
    for rej in session.scalars(select(RejectedEvent).order_by(RejectedEvent.id).limit(1000)):
        others.append(
            ExceptionRow(
                "rejected_event",
                str(rej.id),
                rej.station_id,
                f"{rej.type}: {rej.reason}",
                rej.received_at,
            )
        )
    for row in others:
        done = resolved.get((row.kind, row.ref))
        if done is not None:
            if not include_resolved:
                continue
            row = ExceptionRow(
                row.kind, row.ref, row.station_id, row.summary, row.at, done.resolved_by, done.note
            )
        out.append(row)
    return sorted(out, key=lambda r: r.at)


def gifts(session: Session) -> list[Gift]:
    return list(session.scalars(select(Gift).order_by(Gift.sort, Gift.sku)))


def services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.sort, Service.code)))


def stock(session: Session) -> dict[tuple[str, str], int]:
    return {(s.station_id, s.sku): s.qty for s in session.scalars(select(StationStock))}


@dataclass(frozen=True)
class Figures:
    by_status: dict[str, int]
    by_station: dict[str, int]
    rated: int
    good: int
    months: list[str]
    orders_per_month: list[int]
    points_per_month: list[int]
    hours_total: float
    top_services: list[tuple[str, int]]
    top_gifts: list[tuple[str, int]]

    @property
    def good_rate(self) -> float | None:
        return self.good / self.rated if self.rated else None


def figures(session: Session, months: int = 12) -> Figures:
    by_status = dict(
        session.execute(select(Order.status, func.count()).group_by(Order.status)).tuples().all()
    )
    by_station = dict(
        session.execute(select(Order.station_id, func.count()).group_by(Order.station_id))
        .tuples()
        .all()
    )
    rated = session.scalar(select(func.count()).where(Order.rating.is_not(None))) or 0
    good = session.scalar(select(func.count()).where(Order.rating >= 4)) or 0
    now = utcnow()
    keys = []
    year, month = now.year, now.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    keys.reverse()
    # Only the months shown are read (a city's orders of past years stay in the database).
    since = datetime(int(keys[0][:4]), int(keys[0][5:]), 1)
    per_order = {k: 0 for k in keys}
    for (placed,) in session.execute(select(Order.placed_at).where(Order.placed_at >= since)):
        key = f"{placed.year:04d}-{placed.month:02d}"
        if key in per_order:
            per_order[key] += 1
    per_points = {k: 0 for k in keys}
    recorded = select(Redemption.at, Redemption.total_points).where(
        Redemption.status == "recorded", Redemption.at >= since
    )
    for at, points in session.execute(recorded):
        if at is None:
            continue
        key = f"{at.year:04d}-{at.month:02d}"
        if key in per_points:
            per_points[key] += points
    hours = session.scalar(select(func.coalesce(func.sum(Volunteer.total_hours), 0.0))) or 0.0
    service_counts = session.execute(
        select(Order.service_code, func.count())
        .group_by(Order.service_code)
        .order_by(func.count().desc())
        .limit(5)
    ).all()
    gift_counts: dict[str, int] = {}
    for (lines,) in session.execute(
        select(Redemption.lines).where(Redemption.status == "recorded")
    ):
        for line in lines or []:
            sku = str(line.get("sku", ""))
            gift_counts[sku] = gift_counts.get(sku, 0) + int(line.get("qty", 0))
    top_gifts = sorted(gift_counts.items(), key=lambda kv: -kv[1])[:5]
    return Figures(
        by_status=by_status,
        by_station=by_station,
        rated=rated,
        good=good,
        months=keys,
        orders_per_month=[per_order[k] for k in keys],
        points_per_month=[per_points[k] for k in keys],
        hours_total=float(hours),
        top_services=[(str(c), int(n)) for c, n in service_counts],
        top_gifts=top_gifts,
    )


def phones_for(session: Session, order_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Full phone and address, only for the orders a volunteer has taken (to call ahead)."""
    if not order_ids:
        return {}
    query = select(Order.id, Order.phone, Order.address).where(Order.id.in_(order_ids))
    return {oid: (phone, address) for oid, phone, address in session.execute(query)}
