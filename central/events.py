"""POST /events: apply a batch of a station's outbox events, one transaction each.

Idempotent by event id: an accepted event's id is stored in the same transaction as
its effect, so a resent event is answered "duplicate" and changes nothing. A rejected
event leaves no trace but an audit row; sending it again is judged again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central import activities, feed, redemptions
from central.clock import parse_iso, utcnow
from central.db import Database
from central.errors import Rejected
from central.models import (
    Order,
    ProcessedEvent,
    RejectedEvent,
    StationStock,
    StockMovement,
    Volunteer,
)
from central.payloads import (
    EventIn,
    OrderPlaced,
    OrderRated,
    RedemptionMade,
    RedemptionVoided,
    StockMoved,
)
from protocol import api as p

log = logging.getLogger(__name__)

Applier = Callable[[Database, Session, str, Any], Volunteer | None]


def _order_placed(db: Database, s: Session, station_id: str, ev: OrderPlaced) -> None:
    if s.get(Order, ev.order_id) is not None:
        raise Rejected(p.REJECT_ORDER_EXISTS)
    s.add(
        Order(
            id=ev.order_id,
            station_id=station_id,
            ticket_no=ev.ticket_no,
            service_code=ev.service_code,
            honorific=ev.honorific,
            phone=ev.phone,
            address=ev.address,
            time_slot=ev.time_slot,
            note_tags=list(ev.note_tags),
            placed_at=parse_iso(ev.placed_at),
            status=p.ORDER_INITIAL_STATUS,
            updated_at=utcnow(),
        )
    )
    _acknowledge_ticket(db, s, station_id, ev.ticket_no, ev.placed_at)


_TICKET = re.compile(r"([A-Z]{1,3}\d{4})-(\d{1,4})")


def _acknowledge_ticket(
    db: Database, s: Session, station_id: str, ticket_no: str, placed_at: str
) -> None:
    """Publish the station's highest ticket of that day (kind "ticket"): a station
    restored from an older backup raises its counter to it instead of reusing numbers.
    The highest, not the newest: a salvaged older order may arrive after newer ones."""
    match = _TICKET.fullmatch(ticket_no)
    if match is None:
        return
    head = match.group(1)
    same_day = s.scalars(
        select(Order.ticket_no).where(
            Order.station_id == station_id, Order.ticket_no.like(f"{head}-%")
        )
    )
    highest = max(int(t.rsplit("-", 1)[1]) for t in same_day if _TICKET.fullmatch(t))
    if highest > int(match.group(2)):
        return  # a higher one was published already
    data = {"ticket_no": ticket_no, "placed_at": placed_at}
    feed.publish(db, s, "ticket", head, data, station_id)


def _order_rated(db: Database, s: Session, station_id: str, ev: OrderRated) -> None:
    order = s.get(Order, ev.order_id)
    if order is None or order.station_id != station_id:
        raise Rejected(p.REJECT_UNKNOWN_ORDER)
    if order.status != "completed":
        raise Rejected(p.REJECT_NOT_COMPLETED)
    if order.rating is not None:
        if order.rating != ev.rating:
            raise Rejected(p.REJECT_ALREADY_RATED)
        return
    order.rating, order.rating_tags = ev.rating, list(ev.tags)
    order.rated_at, order.updated_at = parse_iso(ev.rated_at), utcnow()


def _stock_moved(db: Database, s: Session, station_id: str, ev: StockMoved) -> None:
    known = s.get(StockMovement, ev.movement_id)
    if known is not None:
        if known.station_id != station_id:
            raise Rejected(p.REJECT_CONFLICT, "movement id used by another station")
        return
    s.add(
        StockMovement(
            id=ev.movement_id,
            station_id=station_id,
            sku=ev.sku,
            delta=ev.delta,
            kind=ev.kind,
            reason=ev.reason or "",
            staff_id=ev.staff_id,
            at=parse_iso(ev.at),
        )
    )
    view = s.get(StationStock, (station_id, ev.sku))
    if view is None:
        s.add(StationStock(station_id=station_id, sku=ev.sku, qty=ev.delta))
    else:
        view.qty += ev.delta


APPLIERS: dict[str, tuple[type[BaseModel], Applier]] = {
    "order.placed": (OrderPlaced, _order_placed),
    "order.rated": (OrderRated, _order_rated),
    "redemption.made": (RedemptionMade, redemptions.record_made),
    "redemption.voided": (RedemptionVoided, redemptions.void),
    "stock.moved": (StockMoved, _stock_moved),
}
APPLIERS.update(activities.APPLIERS)  # attendance.signed_in / signed_out / corrected


def _parse(event: EventIn) -> tuple[BaseModel, Applier]:
    if not isinstance(event.type, str) or event.type not in APPLIERS:
        raise Rejected(p.REJECT_UNKNOWN_TYPE, f"{event.type!r:.60}")
    model, applier = APPLIERS[event.type]
    if not isinstance(event.payload, dict):
        raise Rejected(p.REJECT_BAD_PAYLOAD, "payload is not an object")
    try:
        payload = model.model_validate(event.payload)
        for name in ("placed_at", "rated_at", "at"):
            if isinstance(getattr(payload, name, None), str):
                parse_iso(getattr(payload, name))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise Rejected(p.REJECT_BAD_PAYLOAD, f"{where}: {first.get('msg')}") from exc
    except ValueError as exc:
        raise Rejected(p.REJECT_BAD_PAYLOAD, str(exc)) from exc
    return payload, applier


def _occurred(event: EventIn) -> Any:
    try:
        return parse_iso(event.occurred_at)
    except (TypeError, ValueError):
        return None


def _result(event_id: str, status: str, reason: str | None, v: Volunteer | None) -> dict:
    balance = feed.balance_data(v) if v is not None else None
    return {"id": event_id, "status": status, "reason": reason, "balance": balance}


def _duplicate(db: Database, station_id: str, event_id: str) -> dict[str, Any] | None:
    with db.read() as s:
        known = s.get(ProcessedEvent, event_id)
        if known is None:
            return None
        if known.station_id != station_id:
            return _result(event_id, "rejected", f"{p.REJECT_CONFLICT}: event id reused", None)
        v = s.get(Volunteer, known.volunteer_id) if known.volunteer_id else None
        return _result(event_id, "duplicate", None, v)


def apply_one(db: Database, station_id: str, event: EventIn) -> dict[str, Any]:
    dup = _duplicate(db, station_id, event.id)
    if dup is not None:
        return dup
    try:
        payload, applier = _parse(event)
        with db.write() as s:
            if s.get(ProcessedEvent, event.id) is not None:
                raise IntegrityError("event id stored meanwhile", None, Exception())
            volunteer = applier(db, s, station_id, payload)
            s.add(
                ProcessedEvent(
                    id=event.id,
                    station_id=station_id,
                    type=event.type,
                    volunteer_id=volunteer.id if volunteer is not None else None,
                    occurred_at=_occurred(event),
                )
            )
            s.flush()
            return _result(event.id, "accepted", None, volunteer)
    except Rejected as exc:
        return _reject(db, station_id, event, exc)
    except IntegrityError:
        # Another request stored the same event id first (or a unique key clashed).
        dup = _duplicate(db, station_id, event.id)
        if dup is not None:
            return dup
        return _reject(db, station_id, event, Rejected(p.REJECT_CONFLICT, "integrity"))


def _reject(db: Database, station_id: str, event: EventIn, exc: Rejected) -> dict[str, Any]:
    reason = exc.reason if exc.details is None else f"{exc.reason}: {exc.details}"
    reason = reason[:200]
    log.warning("station %s: event %s (%r) rejected: %s", station_id, event.id, event.type, reason)
    with db.begin() as s:
        s.add(
            RejectedEvent(
                event_id=event.id,
                station_id=station_id,
                type=str(event.type)[:200].replace("\x00", "\ufffd"),
                reason=reason.replace("\x00", "\ufffd"),
            )
        )
    return _result(event.id, "rejected", reason, None)


def apply_batch(db: Database, station_id: str, events: list[EventIn]) -> list[dict[str, Any]]:
    return [apply_one(db, station_id, event) for event in events]
