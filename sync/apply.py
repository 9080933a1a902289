"""Apply one page of central's changes to the kiosk store (upserts, idempotent).

Each applier reads and converts every field first and only then touches the session,
so a malformed change is skipped whole (with a log line) and never half-applied. The
caller runs a page in one transaction together with the cursor update.

Volunteers, gifts and order-status changes, the kinds that come by the tens of thousands,
are applied set-based:
each run of them is converted to plain rows in Python and written with one SQLite upsert
per ``BULK_CHUNK`` rows (``executemany``), no ORM object per change. The ORM path cost
~0.5 ms of GIL-holding Python per volunteer (identity map, attribute events, unit of
work), and that kept the UI thread from its timer for up to 100 ms at a time while a big
pull ran (docs/performance.md, figure 6).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, bindparam, case, func, or_, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from kiosk.clock import parse_iso, utcnow
from kiosk.orders import raise_ticket_counter, ticket_day_and_seq
from kiosk.store.models import (
    Activity,
    Gift,
    GiftCarrying,
    OrderStatusChange,
    Overdraft,
    RevokedCode,
    Service,
    ServiceCategory,
    ServiceOrder,
    Setting,
    Volunteer,
)

log = logging.getLogger(__name__)

Data = dict[str, Any]
PUBLIC_KEYS = "central_public_keys"
STATION_SETTINGS = "station_settings"


def _s(data: Data, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _opt(data: Data, key: str) -> str | None:
    # Unique columns (card_no, barcode) must hold NULL, not "", when absent.
    value = data.get(key)
    return str(value) if value not in (None, "") else None


def _upsert(session: Session, model: type, key: Any, fields: Data) -> Any:
    row = session.get(model, key)
    if row is None:
        pk = model.__mapper__.primary_key[0].key  # type: ignore[attr-defined]
        row = model(**{pk: key}, **fields)
        session.add(row)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
    return row


def apply_category(session: Session, d: Data) -> None:
    fields = {
        "name": str(d["name"]),
        "name_en": _s(d, "name_en"),
        "icon": _s(d, "icon"),
        "sort": int(d.get("sort") or 0),
        "active": bool(d.get("active", True)),
    }
    _upsert(session, ServiceCategory, str(d["code"]), fields)


def apply_service(session: Session, d: Data) -> None:
    fields = {
        "category_code": str(d["category"]),
        "name": str(d["name"]),
        "name_en": _s(d, "name_en"),
        "description": _s(d, "description"),
        "description_en": _s(d, "description_en"),
        "home_visit": bool(d.get("home_visit", False)),
        "sort": int(d.get("sort") or 0),
        "active": bool(d.get("active", True)),
    }
    _upsert(session, Service, str(d["code"]), fields)


def gift_row(d: Data) -> Data:
    """A gift change as a ``gifts`` row (raises on a malformed change)."""
    # Stock is station-local (the sum of its movements): a pull never touches it.
    return {
        "sku": str(d["sku"]),
        "barcode": _opt(d, "barcode"),
        "name": str(d["name"]),
        "name_en": _s(d, "name_en"),
        "category": _s(d, "category"),
        "points": int(d["points"]),
        "per_volunteer_limit": int(d.get("per_volunteer_limit") or 0),
        "low_stock_at": int(d.get("low_stock_at") or 0),
        "active": bool(d.get("active", True)),
        "image_path": _s(d, "image"),
        "sort": int(d.get("sort") or 0),
    }


def apply_gift_carried(session: Session, d: Data) -> None:
    """Whether this station carries a gift (central sends each station its own answer)."""
    sku, carried = d["sku"], d["carried"]
    if not isinstance(sku, str) or not 1 <= len(sku) <= 40 or not isinstance(carried, bool):
        raise ValueError(f"bad gift_carried change {d!r}"[:200])
    _upsert(session, GiftCarrying, sku, {"carried": carried})


def volunteer_row(d: Data) -> Data:
    """A volunteer change as a ``volunteers`` row, central's balance included (raises on
    a malformed change)."""
    return {
        "id": str(d["id"]),
        "masked_name": str(d["masked_name"]),
        # card_no / pin_hash, if an old central still sends them, are dropped here: the
        # kiosk keeps no secret of a volunteer's (card + PIN is checked at central).
        "total_hours": float(d.get("total_hours") or 0.0),
        "star_level": int(d.get("star_level") or 0),
        "team": _s(d, "team"),
        "active": bool(d.get("active", True)),
        "central_balance": int(d["balance"]),
        "balance_as_of": parse_iso(d["balance_as_of"]),
    }


def newer_balance(held_as_of: Any, incoming_as_of: Any) -> ColumnElement[bool]:
    """The one rule for central's balance: take it unless we already hold a newer one
    (push answers and pulled pages can cross). In SQL, so the single update below and the
    bulk upsert of a pulled page share it; balance_as_of is stored in SQLAlchemy's
    fixed-width ISO text, so text order is time order."""
    return or_(held_as_of.is_(None), incoming_as_of >= held_as_of)


def update_balance(session: Session, volunteer_id: str, balance: int, as_of: datetime) -> None:
    # No ORM synchronisation: matching it against the session's identity map would cost a
    # scan of every object loaded (a push holds its whole batch), once per answer.
    session.execute(
        update(Volunteer)
        .where(Volunteer.id == volunteer_id, newer_balance(Volunteer.balance_as_of, as_of))
        .values(central_balance=balance, balance_as_of=as_of)
        .execution_options(synchronize_session=False)
    )


def order_status_row(d: Data) -> Data:
    return {
        "order_id": str(d["order_id"]),
        "status": str(d["status"]),
        "at": parse_iso(d["at"]) if d.get("at") else utcnow(),
        "team": _s(d, "team"),
        "volunteer_name": _s(d, "volunteer_name"),
    }


def apply_order_status(session: Session, d: Data) -> None:
    _write_order_statuses(session, [order_status_row(d)])


# Rows per round of the set-based status writer: three indexed reads and two
# executemany per round, whatever the round's size.
STATUS_CHUNK = 500
_ORDERS = cast(Table, ServiceOrder.__table__)
_CHANGES = cast(Table, OrderStatusChange.__table__)
_STATUS_INSERT = _CHANGES.insert()
_ORDER_UPDATE = (
    update(_ORDERS)
    .where(_ORDERS.c.id == bindparam("_id"))
    .values(status=bindparam("_status"), team=bindparam("_team"), volunteer_name=bindparam("_vn"))
)


def _write_order_statuses(session: Session, rows: list[Data]) -> None:
    """Apply order-status changes (converted, in feed order) set-based, with the same
    result as one by one: a status an order already has is skipped, a change for an
    unknown order is ignored, and the order shows the newest status by time (a late,
    older change is only added to the history)."""
    session.flush()
    conn = session.connection()
    orders = _ORDERS.c
    changes = _CHANGES.c
    for start in range(0, len(rows), STATUS_CHUNK):
        chunk = rows[start : start + STATUS_CHUNK]
        ids = list({r["order_id"] for r in chunk})
        current = {
            oid: [status, team, vn]
            for oid, status, team, vn in conn.execute(
                select(orders.id, orders.status, orders.team, orders.volunteer_name).where(
                    orders.id.in_(ids)
                )
            )
        }
        have = set(
            conn.execute(
                select(changes.order_id, changes.status).where(changes.order_id.in_(ids))
            ).tuples()
        )
        latest: dict[str, datetime] = dict(
            conn.execute(
                select(changes.order_id, func.max(changes.at))
                .where(changes.order_id.in_(ids))
                .group_by(changes.order_id)
            )
            .tuples()
            .all()  # a Result has keys(): dict() would take it for a mapping
        )
        inserts: list[Data] = []
        touched: set[str] = set()
        for r in chunk:
            oid, status, at = r["order_id"], r["status"], r["at"]
            order = current.get(oid)
            if order is None:
                log.info("status %s for unknown order %s ignored", status, oid)
                continue
            if (oid, status) in have:
                continue  # applied before: a repeated page changes nothing
            have.add((oid, status))
            inserts.append(r)
            if oid not in latest or at >= latest[oid]:
                latest[oid] = at
                order[0] = status
                order[1] = r["team"] or order[1]
                order[2] = r["volunteer_name"] or order[2]
                touched.add(oid)
        if inserts:
            conn.execute(_STATUS_INSERT, inserts)
        if touched:
            conn.execute(
                _ORDER_UPDATE,
                [
                    {"_id": oid, "_status": o[0], "_team": o[1], "_vn": o[2]}
                    for oid in touched
                    for o in (current[oid],)
                ],
            )
    if rows:
        # ORM objects of these orders loaded earlier in the session must not keep old values.
        session.expire_all()


def apply_activity(session: Session, d: Data) -> None:
    """An activity at this station (签到/签退); an inactive one stops taking sign-ins."""
    _upsert(
        session,
        Activity,
        str(d["id"]),
        {
            "title": _s(d, "title"),
            "title_en": _s(d, "title_en"),
            "team": _s(d, "team"),
            "starts_at": parse_iso(d["starts_at"]),
            "ends_at": parse_iso(d["ends_at"]),
            "capacity": int(d.get("capacity") or 0),
            "sign_in_opens_min": int(d.get("sign_in_opens_min") or 0),
            "round_to_h": float(d.get("round_to_h") or 0.5),
            "daily_max_h": float(d.get("daily_max_h") or 8.0),
            "points_per_hour": int(d.get("points_per_hour") or 0),
            "active": bool(d.get("active", True)),
        },
    )


def apply_ticket(session: Session, d: Data) -> None:
    """Central's acknowledgement of the station's highest ticket of a day: a store
    restored from an older backup must not hand that number out again."""
    found = ticket_day_and_seq(str(d["ticket_no"]), parse_iso(d["placed_at"]))
    if found is None:
        raise ValueError(f"not a ticket number: {d['ticket_no']!r}")
    raise_ticket_counter(session, *found)


def apply_revoked_code(session: Session, d: Data) -> None:
    code_id = str(d["code_id"])
    if session.get(RevokedCode, code_id) is None:
        session.add(RevokedCode(code_id=code_id))


def _set_setting(session: Session, key: str, value: Data) -> None:
    # A new dict each time: JSON columns do not notice in-place mutation.
    _upsert(session, Setting, key, {"value": value})


def apply_public_key(session: Session, d: Data) -> None:
    key_id, public_key = str(d["key_id"]), str(d["public_key"])
    row = session.get(Setting, PUBLIC_KEYS)
    keys = dict(row.value) if row is not None else {}
    keys[key_id] = public_key
    _set_setting(session, PUBLIC_KEYS, keys)


def apply_station_settings(session: Session, d: Data) -> None:
    _set_setting(session, STATION_SETTINGS, dict(d))


EXCEPTIONS = "central_exceptions"
MAX_EXCEPTIONS_KEPT = 200


def apply_exception(session: Session, d: Data) -> None:
    """Something this station sent that central would not apply as it stood (an offline
    claim over the limits, a bad code...): listed for the district, flagged to staff here.
    Kept by id (the newest ``MAX_EXCEPTIONS_KEPT``); a later change of one replaces it."""
    ident = d.get("id") or d.get("exception_id") or d.get("redemption_id") or d.get("event_id")
    if not isinstance(ident, str | int) or isinstance(ident, bool):
        raise ValueError("exception without an id")
    row = session.get(Setting, EXCEPTIONS)
    kept = dict(row.value) if row is not None else {}
    kept.pop(str(ident), None)
    kept[str(ident)] = dict(d)
    while len(kept) > MAX_EXCEPTIONS_KEPT:
        kept.pop(next(iter(kept)))
    _set_setting(session, EXCEPTIONS, kept)


def apply_overdraft(session: Session, d: Data) -> None:
    redemption_id = str(d["redemption_id"])
    volunteer_id, amount = str(d["volunteer_id"]), int(d["amount"])
    row = session.get(Overdraft, redemption_id)
    if row is None:
        session.add(
            Overdraft(redemption_id=redemption_id, volunteer_id=volunteer_id, amount=amount)
        )
    else:  # keep staff's "resolved" mark; central may correct the amount
        row.volunteer_id, row.amount = volunteer_id, amount


# --- set-based upserts ------------------------------------------------------------------

# Rows per executemany: a chunk is a few milliseconds of Python (conversion and binding)
# between stretches in SQLite, where the GIL is released.
BULK_CHUNK = 100


@dataclass(frozen=True)
class Bulk:
    """How one bulk kind is written: an upsert, and a statement that takes a unique value
    (card number, barcode) away from any other row first, since central may move one
    and the page may bring the new holder before the old one."""

    kind: str
    table: Table
    key: str
    unique: str | None
    to_row: Callable[[Data], Data]
    upsert: Any
    free: Any


def _bulk(
    kind: str, table: Table, key: str, unique: str | None, to_row: Callable[[Data], Data]
) -> Bulk:
    stmt = sqlite_insert(table)
    new = stmt.excluded
    # Only the columns a change carries: anything else on the row (gift stock settings
    # added later, say) is the station's and stays.
    sample = to_row(SAMPLES[kind])
    set_: dict[str, Any] = {name: new[name] for name in sample if name != key}
    if kind == "volunteer":
        col = table.c.balance_as_of
        newer = newer_balance(col, new.balance_as_of)
        set_["central_balance"] = case((newer, new.central_balance), else_=table.c.central_balance)
        set_["balance_as_of"] = case((newer, new.balance_as_of), else_=col)
    return Bulk(
        kind,
        table,
        key,
        unique,
        to_row,
        stmt.on_conflict_do_update(index_elements=[table.c[key]], set_=set_),
        None
        if unique is None
        else update(table)
        .where(table.c[unique] == bindparam("_value"), table.c[key] != bindparam("_key"))
        .values({unique: None}),
    )


def _segments(bulk: Bulk, rows: list[Data]) -> list[list[Data]]:
    """Split ``rows`` where a unique value comes again for another key: up to there,
    freeing all the chunk's values first and then upserting equals doing it row by row."""
    if bulk.unique is None:
        return [rows] if rows else []
    out: list[list[Data]] = [[]]
    holders: dict[str, Any] = {}
    for row in rows:
        value = row[bulk.unique]
        if value is not None and holders.setdefault(value, row[bulk.key]) != row[bulk.key]:
            out.append([])
            holders = {value: row[bulk.key]}
        out[-1].append(row)
    return [seg for seg in out if seg]


def _write_bulk(session: Session, bulk: Bulk, rows: list[Data]) -> None:
    """Upsert ``rows`` (converted, in feed order) in the caller's transaction."""
    # ORM changes earlier in the page go first, so feed order holds across kinds.
    session.flush()
    conn = session.connection()
    for start in range(0, len(rows), BULK_CHUNK):
        for seg in _segments(bulk, rows[start : start + BULK_CHUNK]):
            unique = bulk.unique
            if bulk.free is None or unique is None:
                conn.execute(bulk.upsert, seg)
                continue
            frees = [
                {"_value": r[unique], "_key": r[bulk.key]} for r in seg if r[unique] is not None
            ]
            if frees:
                conn.execute(bulk.free, frees)
            conn.execute(bulk.upsert, seg)


SAMPLES: dict[str, Data] = {
    "volunteer": {"id": "v", "masked_name": "", "balance": 0, "balance_as_of": "2026-01-01T00:00Z"},
    "gift": {"sku": "g", "name": "", "points": 0},
}
VOLUNTEERS = _bulk("volunteer", cast(Table, Volunteer.__table__), "id", None, volunteer_row)
GIFTS = _bulk("gift", cast(Table, Gift.__table__), "sku", "barcode", gift_row)
BULK = {b.kind: b for b in (VOLUNTEERS, GIFTS)}


@dataclass(frozen=True)
class Run:
    """A kind applied set-based: each change converted to a plain row, consecutive changes
    of the kind written together."""

    to_row: Callable[[Data], Data]
    write: Callable[[Session, list[Data]], None]


def _bulk_run(bulk: Bulk) -> Run:
    return Run(bulk.to_row, lambda session, rows: _write_bulk(session, bulk, rows))


RUNS: dict[str, Run] = {b.kind: _bulk_run(b) for b in (VOLUNTEERS, GIFTS)}
RUNS["order_status"] = Run(order_status_row, _write_order_statuses)


APPLIERS: dict[str, Callable[[Session, Data], None]] = {
    "service_category": apply_category,
    "service": apply_service,
    "order_status": apply_order_status,
    "ticket": apply_ticket,
    "revoked_code": apply_revoked_code,
    "public_key": apply_public_key,
    "station_settings": apply_station_settings,
    "overdraft": apply_overdraft,
    "exception": apply_exception,
    "activity": apply_activity,
    "gift_carried": apply_gift_carried,
}


def apply_changes(session: Session, changes: list[Data]) -> int:
    """Apply a validated page inside the caller's transaction; return how many applied."""
    # A service may arrive in the same page as (or before) its category: check foreign
    # keys at commit rather than row by row.
    session.execute(text("PRAGMA defer_foreign_keys = ON"))
    applied = 0
    run: list[Data] = []  # converted rows of consecutive changes of one set-based kind
    run_kind: Run | None = None
    for change in changes:
        kind, data = change["kind"], change["data"]
        set_based = RUNS.get(kind)
        if run and set_based is not run_kind:
            assert run_kind is not None
            run_kind.write(session, run)
            run = []
        applier = APPLIERS.get(kind)
        if applier is None and set_based is None:
            log.warning("unknown change kind %r (key %r) skipped", kind, change.get("key"))
            continue
        try:
            if set_based is not None:
                run.append(set_based.to_row(data))
                run_kind = set_based
            elif applier is not None:
                applier(session, data)
        except (KeyError, TypeError, ValueError) as exc:
            log.error("malformed %s change %r skipped: %r", kind, change.get("key"), exc)
            continue
        applied += 1
    if run:
        assert run_kind is not None
        run_kind.write(session, run)
    return applied
