"""POST /events: apply a batch of a station's outbox events in one transaction.

Idempotent by event id: an accepted event's id is claimed (``INSERT … ON CONFLICT DO
NOTHING``) in the same transaction as its effect, so a resent event is answered
"duplicate" and changes nothing; a batch resent whole is answered from one read, with
no write at all. A rejected event leaves no trace but an audit row (its savepoint is
rolled back, the other events of the batch stand); sending it again is judged again.

Locks: the volunteers a batch touches are locked up front, in id order (PostgreSQL
``FOR UPDATE``), so two batches touching the same volunteers wait for each other
instead of deadlocking; nothing else is locked district-wide. Should PostgreSQL still
pick the batch as a deadlock victim (a lock an applier takes that was not foreseen),
the whole batch is run again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from central import activities, feed, ledger, proofs, redemptions
from central.clock import parse_iso, utcnow
from central.db import (
    Database,
    add_row,
    deferred_inserts,
    get_kept,
    is_retryable,
    statement,
)
from central.errors import Rejected
from central.models import (
    Gift,
    Order,
    ProcessedEvent,
    Redemption,
    RejectedEvent,
    Service,
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
Check = Callable[[Session], object]


# Ids a batch looked up in one query before applying its events, that were not there
# (table name → ids): the appliers then skip their own look-up for them.
_ABSENT = "central.events.absent"


def _absent(s: Session, table: str, key: str) -> bool:
    """True if ``key`` was not in ``table`` when the batch looked (once: the caller is
    about to add it, so a second event with the same key asks the database again)."""
    absent: set[str] = s.info.get(_ABSENT, {}).get(table, set())
    if key in absent:
        absent.discard(key)
        return True
    return False


def _order_placed(db: Database, s: Session, station_id: str, ev: OrderPlaced) -> None:
    if not _absent(s, "orders", ev.order_id) and s.get(Order, ev.order_id) is not None:
        raise Rejected(p.REJECT_ORDER_EXISTS)
    if get_kept(s, Service, ev.service_code) is None:
        raise Rejected(p.REJECT_UNKNOWN_SERVICE, f"{ev.service_code!r:.60}")
    add_row(
        s,
        Order,
        {
            "id": ev.order_id,
            "station_id": station_id,
            "ticket_no": ev.ticket_no,
            "service_code": ev.service_code,
            "honorific": ev.honorific,
            "phone": ev.phone,
            "address": ev.address,
            "time_slot": ev.time_slot,
            "note_tags": list(ev.note_tags),
            "placed_at": parse_iso(ev.placed_at),
            "status": p.ORDER_INITIAL_STATUS,
            "updated_at": utcnow(),
        },
    )
    _acknowledge_ticket(db, s, station_id, ev.ticket_no, ev.placed_at)


_TICKET = re.compile(r"([A-Z]{1,3}\d{4})-(\d{1,4})")
_TICKETS = "central.events.tickets"


def _acknowledge_ticket(
    db: Database, s: Session, station_id: str, ticket_no: str, placed_at: str
) -> None:
    """Publish the station's highest ticket of that day (kind "ticket"): a station
    restored from an older backup raises its counter to it instead of reusing numbers.
    The highest, not the newest: a salvaged older order may arrive after newer ones."""
    match = _TICKET.fullmatch(ticket_no)
    if match is None:
        return
    head, number = match.group(1), int(match.group(2))
    # The day's highest so far: in a batch's quick pass read once and then kept up to
    # date here (a batch carries several orders of the same day).
    highest_known: dict[tuple[str, str], int] | None = s.info.get(_TICKETS)
    highest = highest_known.get((station_id, head)) if highest_known is not None else None
    if highest is None:
        query = statement(
            s,
            "tickets of a day",
            lambda _d: select(Order.ticket_no).where(
                Order.station_id == bindparam("station"),
                Order.ticket_no.like(bindparam("pattern")),
            ),
        )
        params = {"station": station_id, "pattern": f"{head}-%"}
        same_day = s.connection().execute(query, params).scalars()
        # This order may not be in the table yet (a batch's quick pass adds its rows at
        # the end): it counts as well.
        numbers = (int(t.rsplit("-", 1)[1]) for t in same_day if _TICKET.fullmatch(t))
        highest = max(numbers, default=number)
    if highest_known is not None:
        highest_known[(station_id, head)] = max(highest, number)
    if highest > number:
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


# What a movement of each kind can be: a restock adds, a redemption takes, a correction
# (a count) may go either way but is never nothing.
_DELTA_OK: dict[str, Callable[[int], bool]] = {
    "restock": lambda d: d > 0,
    "redemption": lambda d: d < 0,
    "correction": lambda d: d != 0,
}


def _stock_moved(db: Database, s: Session, station_id: str, ev: StockMoved) -> None:
    absent = _absent(s, "stock_movements", ev.movement_id)
    known = None if absent else s.get(StockMovement, ev.movement_id)
    if known is not None:
        if known.station_id != station_id:
            raise Rejected(p.REJECT_CONFLICT, "movement id used by another station")
        return
    if get_kept(s, Gift, ev.sku) is None:
        raise Rejected(p.REJECT_UNKNOWN_SKU, f"{ev.sku!r:.60}")
    if not _DELTA_OK[ev.kind](ev.delta):
        raise Rejected(p.REJECT_BAD_DELTA, f"{ev.kind} of {ev.delta}")
    add_row(
        s,
        StockMovement,
        {
            "id": ev.movement_id,
            "station_id": station_id,
            "sku": ev.sku,
            "delta": ev.delta,
            "kind": ev.kind,
            "reason": ev.reason or "",
            "staff_id": ev.staff_id,
            "at": parse_iso(ev.at),
        },
    )
    stock: dict[tuple[str, str], int] | None = s.info.get(_STOCK)
    if stock is not None:  # a batch's quick pass: one statement per gift at the end
        stock[(station_id, ev.sku)] = stock.get((station_id, ev.sku), 0) + ev.delta
        return
    s.flush()
    _add_stock(s, {(station_id, ev.sku): ev.delta})


_STOCK = "central.events.stock"


def _add_stock(s: Session, deltas: dict[tuple[str, str], int]) -> None:
    # One statement, no read-modify-write: concurrent batches of a station (a resend
    # while the first is still running) add up instead of clashing on the key.
    if not deltas:
        return

    def build(dialect: str) -> Any:
        table = StationStock.__table__
        ins = _insert_for(dialect, table)
        return ins.on_conflict_do_update(
            index_elements=[table.c.station_id, table.c.sku],
            set_={"qty": table.c.qty + ins.excluded.qty},
        )

    upsert = statement(s, "add stock", build)
    for (station_id, sku), delta in sorted(deltas.items()):
        s.connection().execute(upsert, {"station_id": station_id, "sku": sku, "qty": delta})


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


def _dialect_insert(s: Session, table: Any) -> Any:
    """``INSERT`` with ``ON CONFLICT`` support for the session's backend."""
    return _insert_for(s.get_bind().dialect.name, table)


def _insert_for(dialect: str, table: Any) -> Any:
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _result(event_id: str, status: str, reason: str | None, v: Volunteer | None) -> dict:
    balance = feed.balance_data(v) if v is not None else None
    return {"id": event_id, "status": status, "reason": reason, "balance": balance}


def _reason(exc: Rejected) -> str:
    reason = exc.reason if exc.details is None else f"{exc.reason}: {exc.details}"
    return reason[:200]


def _known_answer(s: Session, station_id: str, known: ProcessedEvent) -> dict[str, Any]:
    if known.station_id != station_id:
        return _result(known.id, "rejected", f"{p.REJECT_CONFLICT}: event id reused", None)
    v = s.get(Volunteer, known.volunteer_id) if known.volunteer_id else None
    return _result(known.id, "duplicate", None, v)


def _answer_known(
    db: Database, station_id: str, events: list[EventIn], check: Check
) -> dict[int, dict[str, Any]]:
    """Answers for the events central has accepted before, from one read (no write)."""
    ids = {e.id for e in events}
    with db.read() as s:
        check(s)
        known = {
            row.id: row
            for row in s.scalars(select(ProcessedEvent).where(ProcessedEvent.id.in_(ids)))
        }
        return {
            i: _known_answer(s, station_id, known[e.id])
            for i, e in enumerate(events)
            if e.id in known
        }


def touched_volunteers(s: Session, payloads: list[Any]) -> set[str]:
    """The volunteers whose balance the events may change, to lock them up front."""
    ids: set[str] = set()
    voided: list[str] = []
    for payload in payloads:
        if isinstance(payload, RedemptionVoided):
            voided.append(payload.redemption_id)
        elif isinstance(getattr(payload, "volunteer_id", None), str):
            ids.add(payload.volunteer_id)
    if voided:
        rows = s.scalars(select(Redemption.volunteer_id).where(Redemption.id.in_(voided)))
        ids.update(v for v in rows if v)
    return ids


def _claim(s: Session, station_id: str, event: EventIn) -> bool:
    """Store the event's id; False if it was stored already (by an earlier batch, by a
    concurrent one that has committed meanwhile, or earlier in this batch)."""
    ins = _dialect_insert(s, ProcessedEvent.__table__).values(
        id=event.id,
        station_id=station_id,
        type=event.type,
        volunteer_id=None,
        occurred_at=_occurred(event),
        received_at=utcnow(),
    )
    # RETURNING tells whether the row went in (rowcount is not reliable for this
    # statement through SQLAlchemy: it reports -1 on psycopg).
    claim = ins.on_conflict_do_nothing(index_elements=["id"]).returning(ProcessedEvent.id)
    return s.connection().execute(claim).first() is not None


def _apply_in_savepoint(
    db: Database, s: Session, station_id: str, event: EventIn, payload: Any, applier: Applier
) -> dict[str, Any]:
    """Apply one event inside the batch's transaction; a rejection or a key clash rolls
    back this event only. A clash is tried once more: the other writer has committed by
    then (PostgreSQL made us wait for it), so the second try sees its row."""
    for attempt in (1, 2):
        savepoint = s.begin_nested()
        try:
            if not _claim(s, station_id, event):
                savepoint.rollback()
                known = s.get(ProcessedEvent, event.id, populate_existing=True)
                assert known is not None  # the claim failed on this very key
                return _known_answer(s, station_id, known)
            volunteer = applier(db, s, station_id, payload)
            if volunteer is not None:
                s.flush()
                s.execute(
                    update(ProcessedEvent)
                    .where(ProcessedEvent.id == event.id)
                    .values(volunteer_id=volunteer.id)
                )
            s.flush()
            answer = _result(event.id, "accepted", None, volunteer)
            savepoint.commit()
            return answer
        except Rejected as exc:
            savepoint.rollback()
            return _record_reject(s, station_id, event, exc)
        except IntegrityError:
            savepoint.rollback()
            if attempt == 2:
                return _record_reject(
                    s, station_id, event, Rejected(p.REJECT_CONFLICT, "integrity")
                )
    raise AssertionError("unreachable")


def _record_reject(s: Session, station_id: str, event: EventIn, exc: Rejected) -> dict[str, Any]:
    reason = _reason(exc)
    log.warning("station %s: event %s (%r) rejected: %s", station_id, event.id, event.type, reason)
    s.add(
        RejectedEvent(
            event_id=event.id,
            station_id=station_id,
            type=str(event.type)[:200].replace("\x00", "\ufffd"),
            reason=reason.replace("\x00", "\ufffd"),
        )
    )
    return _result(event.id, "rejected", reason, None)


MAX_ATTEMPTS = 4


def _no_check(_s: Session) -> None:
    return None


def apply_batch(
    db: Database, station_id: str, events: list[EventIn], check: Check = _no_check
) -> list[dict[str, Any]]:
    """One result per event, in the order sent. ``check`` runs first in every
    transaction the batch opens (the server checks the station's token there: a failed
    check raises and nothing is written). Almost every batch is new: it is applied in
    one transaction straight away; if some of its events were seen before, they are
    answered from one read and the rest applied after."""
    parsed: list[tuple[int, EventIn, Any, Applier]] = []
    refused: list[tuple[int, EventIn, Rejected]] = []
    for i, event in enumerate(events):
        try:
            payload, applier = _parse(event)
            parsed.append((i, event, payload, applier))
        except Rejected as exc:
            refused.append((i, event, exc))
    ids = [event.id for _i, event, _p, _a in parsed]
    if parsed and not refused and len(set(ids)) == len(ids):
        try:
            new = _retrying(station_id, lambda: _apply_new(db, station_id, parsed, refused, check))
            return [new[i] for i in range(len(events))]
        except _Careful as exc:
            if exc.__cause__ is None:
                log.debug("station %s: some events seen before", station_id)
            else:
                log.info("station %s: batch redone event by event", station_id)
    answers = _answer_known(db, station_id, events, check)
    parsed = [x for x in parsed if x[0] not in answers]
    refused = [x for x in refused if x[0] not in answers]
    if parsed or refused:
        answers.update(
            _retrying(station_id, lambda: _apply_carefully(db, station_id, parsed, refused, check))
        )
    return [answers[i] for i in range(len(events))]


def _retrying(station_id: str, run: Callable[[], dict[int, dict[str, Any]]]) -> dict[int, Any]:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return run()
        except OperationalError as exc:
            if not is_retryable(exc) or attempt == MAX_ATTEMPTS:
                raise
            log.warning("station %s: batch retried (%s)", station_id, exc.orig)
    raise AssertionError("unreachable")


class _Careful(Exception):
    """The quick pass met an event seen before (no cause), or a rejection or a clash
    (the cause): the batch is redone event by event."""


def _apply_new(
    db: Database,
    station_id: str,
    parsed: list[tuple[int, EventIn, Any, Applier]],
    refused: list[tuple[int, EventIn, Rejected]],
    check: Check,
) -> dict[int, dict[str, Any]]:
    """The batch in one transaction, quickly — every id claimed by one statement, no
    savepoints — which is what almost every batch needs; if any event was seen before,
    is rejected or clashes, the transaction is rolled back (``_Careful``) and the batch
    done again carefully, with a savepoint per event, so a rejected event takes nothing
    else with it."""
    with db.write() as s:
        check(s)
        answers = _apply_quickly(db, s, station_id, parsed)
        for i, event, exc in refused:
            answers[i] = _record_reject(s, station_id, event, exc)
    return answers


def _apply_carefully(
    db: Database,
    station_id: str,
    parsed: list[tuple[int, EventIn, Any, Applier]],
    refused: list[tuple[int, EventIn, Rejected]],
    check: Check,
) -> dict[int, dict[str, Any]]:
    answers = {}
    with db.write() as s:
        check(s)
        if parsed:
            ledger.lock_volunteers(s, touched_volunteers(s, [x[2] for x in parsed]))
        for i, event, payload, applier in parsed:
            answers[i] = _apply_in_savepoint(db, s, station_id, event, payload, applier)
        for i, event, exc in refused:
            answers[i] = _record_reject(s, station_id, event, exc)
    return answers


def _volunteer_hint(payload: Any) -> str | None:
    value = getattr(payload, "volunteer_id", None)
    return value if isinstance(value, str) else None


def _prefetch(s: Session, station_id: str, payloads: list[Any]) -> None:
    """What the batch's events will look up one by one, read in a few queries up front:
    the redemptions (locked in id order, after the
    volunteers, as the batch has always taken them), whether the codes offline
    redemptions carry are revoked, the volunteers' offline totals for the day.
    Only for the quick pass: a rejection there rolls the whole transaction back."""

    def ids(kind: type[BaseModel], attr: str) -> set[str]:
        return {getattr(x, attr) for x in payloads if isinstance(x, kind)}

    # New orders and movements are taken to be new, unread: their rows go in at the
    # end (central.db.deferred_inserts) under their primary keys, so one already there
    # fails that INSERT, and the batch is redone carefully, where it is looked up.
    absent: dict[str, set[str]] = s.info.setdefault(_ABSENT, {})
    absent["orders"] = ids(OrderPlaced, "order_id")
    absent["stock_movements"] = ids(StockMoved, "movement_id")
    redemptions.lock_redemptions(
        s, ids(RedemptionMade, "redemption_id") | ids(RedemptionVoided, "redemption_id")
    )
    texts = [x.code for x in payloads if isinstance(x, RedemptionMade) and x.code]
    if texts:
        proofs.prefetch_revocations(s, texts)
    s.info[_TICKETS] = {}
    s.info[_STOCK] = {}
    made = [x for x in payloads if isinstance(x, RedemptionMade)]
    redemptions.prefetch_offline_spending(s, station_id, made)


def _apply_quickly(
    db: Database, s: Session, station_id: str, parsed: list[tuple[int, EventIn, Any, Applier]]
) -> dict[int, dict[str, Any]]:
    payloads = [x[2] for x in parsed]
    ledger.lock_volunteers(s, touched_volunteers(s, payloads))
    _prefetch(s, station_id, payloads)
    now = utcnow()
    rows = [
        {
            "id": event.id,
            "station_id": station_id,
            "type": event.type,
            "volunteer_id": _volunteer_hint(payload),
            "occurred_at": _occurred(event),
            "received_at": now,
        }
        for _i, event, payload, _a in parsed
    ]
    # Parameters given apart from the statement (not ``.values(rows)``): the statement
    # is compiled once per process, and SQLAlchemy still sends one INSERT … VALUES.
    claim = statement(
        s,
        "claim events",
        lambda dialect: (
            _insert_for(dialect, ProcessedEvent.__table__)
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(ProcessedEvent.id)
        ),
    )
    if len(s.connection().execute(claim, rows).all()) != len(rows):
        raise _Careful  # stored meanwhile by a concurrent batch: answer it event by event
    answers: dict[int, dict[str, Any]] = {}
    corrections: list[dict[str, Any]] = []
    try:
        # The feed rows the events publish, and their new rows, are written together at
        # the end.
        with feed.deferred(s), deferred_inserts(s):
            for i, event, payload, applier in parsed:
                volunteer = applier(db, s, station_id, payload)
                actual = volunteer.id if volunteer is not None else None
                if actual != _volunteer_hint(payload):
                    corrections.append({"id": event.id, "volunteer_id": actual})
                answers[i] = _result(event.id, "accepted", None, volunteer)
        if corrections:
            s.execute(update(ProcessedEvent), corrections)
        s.flush()
        _add_stock(s, s.info.pop(_STOCK, {}))
    except (Rejected, IntegrityError) as exc:
        raise _Careful from exc
    return answers


def apply_one(db: Database, station_id: str, event: EventIn) -> dict[str, Any]:
    """A batch of one (kept for callers that apply a single event)."""
    return apply_batch(db, station_id, [event])[0]
