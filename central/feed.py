"""The change feed: every write central makes that a kiosk must learn of appends a row.

Rows carry a global, strictly increasing ``seq`` and (PostgreSQL) the id of the
transaction that wrote them; a station's cursor is the last (txid, seq) it has seen. A
row is for every station (``station_id`` NULL) or for one. Each (kind, key, station)
keeps only its newest row: a newer write inserts a row with a higher ``seq`` and
deletes the older one, so the feed stays as small as the state and a kiosk starting
from an empty cursor gets exactly the current state.

Why not simply ``seq > cursor``: with several writers at once, a transaction can take
seq 10, a faster one seq 11 and commit first; a station pulling in between gets 11 and
its cursor passes 10 for ever. So on PostgreSQL the feed is read in (txid, seq) order
and only up to the oldest transaction of this database still in flight: every
transaction below it has finished (or belongs to another database on the server, and
cannot write here: see ``_HORIZON_PG``), and every transaction that will ever write
again gets a larger id, so no row can appear behind a cursor already handed out. A
kiosk sees a change once its own and every older transaction of this database have
committed — normally a few milliseconds. SQLite has one writer at a time, so seq order
is commit order there (txid is 0 on every row).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Text,
    bindparam,
    cast,
    delete,
    insert,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from central.clock import iso, utcnow
from central.db import Database
from central.errors import BadRequest
from central.models import ChangeRow, Gift, Service, ServiceCategory, Station, Volunteer
from protocol.api import mask_name, star_level

log = logging.getLogger(__name__)

_CURSOR = re.compile(r"c1\.([0-9a-f]{8})\.(\d{1,18})")
_CURSOR2 = re.compile(r"c2\.([0-9a-f]{8})\.(\d{1,19})\.(\d{1,18})")
# How long a pull waits for in-flight transactions older than changes it can already
# see (they are short: one batch); after that it answers with what is safe.
HORIZON_WAIT_S = 1.0
HORIZON_POLL_S = 0.02


def station_epoch(station: Station) -> str:
    """Names this station's registration in this database: a cursor from another
    database (central rebuilt, station re-provisioned) does not match it."""
    text = f"{station.id}|{station.created_at.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def encode_cursor(seq: int, epoch: str, txid: int = 0) -> str:
    # txid 0 (SQLite, rows from before migration 0003) keeps the original c1 form.
    raw = f"c1.{epoch}.{seq}" if txid == 0 else f"c2.{epoch}.{txid}.{seq}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int, int]:
    """(epoch, txid, seq) of the last change a cursor has seen; "" is the start.
    Anything else → BadRequest."""
    if not cursor:
        return "", 0, 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed cursor", {"cursor": cursor[:100]}) from exc
    if len(cursor) <= 80:
        if match := _CURSOR.fullmatch(raw):
            return match.group(1), 0, int(match.group(2))
        if match := _CURSOR2.fullmatch(raw):
            return match.group(1), int(match.group(2)), int(match.group(3))
    raise BadRequest("malformed cursor", {"cursor": cursor[:100]})


_PENDING = "central.feed.pending"


@contextmanager
def deferred(session: Session) -> Iterator[None]:
    """Collect this session's ``publish`` calls and write them at the end of the block,
    in a few statements instead of an insert and a delete each (a pushed batch of 10
    events publishes up to 10 changes). Only the newest data per (kind, key, station)
    is kept, which is what the feed keeps anyway. The block must end the way the
    transaction does: a rolled-back block writes nothing (``write_pending`` is skipped
    by the exception), so it is not for use around savepoints that may roll back."""
    pending: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    session.info[_PENDING] = pending
    try:
        yield
        write_pending(session)
    finally:
        session.info.pop(_PENDING, None)


def is_deferred(session: Session) -> bool:
    return _PENDING in session.info


def write_pending(session: Session) -> None:
    pending: dict[tuple[str, str, str | None], dict[str, Any]] = session.info.get(_PENDING, {})
    if not pending:
        return
    # Older rows of the same keys first, then the new rows: every row visible to the
    # delete was inserted before ours, so it has a lower seq (as ``publish`` deletes).
    groups: dict[tuple[str, str | None], list[str]] = {}
    for kind, key, station_id in pending:
        groups.setdefault((kind, station_id), []).append(key)
    connection = session.connection()
    for (kind, station_id), keys in groups.items():
        params = {"kind": kind, "keys": keys}
        if station_id is None:
            connection.execute(_DELETE_FOR_ALL, params)
        else:
            connection.execute(_DELETE_FOR_STATION, {**params, "station": station_id})
    now = utcnow()
    rows = [
        {"station_id": station_id, "kind": kind, "key": key, "data": data, "at": now}
        for (kind, key, station_id), data in pending.items()
    ]
    # Core, not the ORM's bulk insert: every row has the same keys, one statement.
    session.connection().execute(insert(_CHANGES), rows)
    pending.clear()


# Built once (see central.db.statement): the feed's older rows of some keys.
_CHANGES: Any = ChangeRow.__table__
_OLDER = (
    ChangeRow.kind == bindparam("kind"),
    ChangeRow.key.in_(bindparam("keys", expanding=True)),
)
_DELETE_FOR_ALL = delete(_CHANGES).where(*_OLDER, ChangeRow.station_id.is_(None))
_DELETE_FOR_STATION = delete(_CHANGES).where(*_OLDER, ChangeRow.station_id == bindparam("station"))


def publish(
    db: Database,
    session: Session,
    kind: str,
    key: str,
    data: dict[str, Any],
    station_id: str | None = None,
) -> None:
    pending = session.info.get(_PENDING)
    if pending is not None:
        # Re-published: the newest data, moved to the end (its seq comes last).
        pending.pop((kind, key, station_id), None)
        pending[(kind, key, station_id)] = data
        return
    row = ChangeRow(station_id=station_id, kind=kind, key=key, data=data, at=utcnow())
    session.add(row)
    session.flush()
    same_station = (
        ChangeRow.station_id.is_(None) if station_id is None else ChangeRow.station_id == station_id
    )
    session.execute(
        delete(ChangeRow).where(
            ChangeRow.kind == kind, ChangeRow.key == key, same_station, ChangeRow.seq < row.seq
        )
    )


@dataclass(frozen=True)
class Page:
    """A page of the feed. Each change's ``data`` stays the JSON text the database holds
    (it was written as JSON by central, and PostgreSQL's ``json`` type checked it): the
    server copies it into the answer as it is (``body``), instead of parsing every row
    and serialising it again — at a few hundred stations each pull carries hundreds of
    rows, and that round trip was a third of central's CPU per pull."""

    rows: list[tuple[str, str, str]]  # (kind, key, data as JSON text)
    next_cursor: str
    has_more: bool

    @property
    def changes(self) -> list[dict[str, Any]]:
        return [{"kind": k, "key": key, "data": json.loads(d)} for k, key, d in self.rows]

    def body(self) -> bytes:
        """The answer of ``GET /changes`` (``ChangesOut``) as JSON bytes."""
        items = ",".join(
            f'{{"kind":{_dumps(k)},"key":{_dumps(key)},"data":{d}}}' for k, key, d in self.rows
        )
        tail = f'],"next_cursor":{_dumps(self.next_cursor)},"has_more":{_dumps(self.has_more)}}}'
        return ('{"changes":[' + items + tail).encode()


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def read_page(session: Session, station_id: str, cursor: str, limit: int) -> Page:
    """The station's changes after ``cursor``. A cursor from another database, or one
    ahead of the feed (central restored from a backup), restarts from the beginning:
    every change is an upsert, so sending everything again is safe; missing some is not.
    Waits up to ``HORIZON_WAIT_S`` for older writers still in flight (see ``read_once``)."""
    deadline = time.monotonic() + HORIZON_WAIT_S
    while True:
        page, held_back = read_once(session, station_id, cursor, limit)
        if not held_back or time.monotonic() >= deadline:
            return page
        session.rollback()
        time.sleep(HORIZON_POLL_S)


def read_once(
    session: Session, station_id: str, cursor: str, limit: int, station: Station | None = None
) -> tuple[Page, bool]:
    """One look at the feed: the page, and whether changes were held back that an
    older, still open transaction may precede — worth asking again in a moment (a batch
    takes milliseconds) rather than leave the kiosk a cycle behind. The server's
    endpoint waits between looks without holding a thread (``central.app``).
    ``station``: the station's row if the caller has read it already."""
    given_epoch, after_txid, after_seq = decode_cursor(cursor)
    if station is None:
        station = session.get(Station, station_id)
    epoch = station_epoch(station) if station is not None else "0" * 8
    restart = bool(cursor) and given_epoch != epoch
    rows = _rows_after(session, station_id, after_txid, after_seq, limit)
    # A cursor ahead of the feed (central restored from a backup) finds no rows; only
    # then is it compared with the feed's head (a row after the cursor means it is not).
    if cursor and not restart and not rows:
        restart = (after_txid, after_seq) > _head(session)
    if restart:
        log.warning(
            "station %s: cursor %r is not from this feed; starting over", station_id, cursor
        )
        rows = _rows_after(session, station_id, 0, 0, limit)
    # Each row carries the horizon of the snapshot that read it (PostgreSQL): every
    # transaction below it had finished when the rows were read, so all its rows are
    # among them; rows of transactions at or above it are held back.
    safe = rows if not rows or rows[0].horizon is None else [r for r in rows if r.txid < r.horizon]
    held_back = len(safe) < len(rows) and len(safe) <= limit
    page = safe[:limit]
    unchanged = "" if restart else cursor
    next_cursor = encode_cursor(page[-1].seq, epoch, page[-1].txid) if page else unchanged
    return (
        Page(
            rows=[(r.kind, r.key, r.data) for r in page],
            next_cursor=next_cursor,
            has_more=len(safe) > limit,
        ),
        held_back,
    )


def _rows_after(
    session: Session, station_id: str, after_txid: int, after_seq: int, limit: int
) -> list[Any]:
    postgres = session.get_bind().dialect.name == "postgresql"
    query = _ROWS_PG if postgres else _ROWS
    params = {"txid": after_txid, "seq": after_seq, "station": station_id, "n": limit + 1}
    return list(session.connection().execute(query, params).all())


def _rows_query(horizon: Any) -> Any:
    return (
        select(
            ChangeRow.txid,
            ChangeRow.seq,
            ChangeRow.kind,
            ChangeRow.key,
            # As text: the answer carries it as it is (Page.body), unparsed.
            cast(ChangeRow.data, Text).label("data"),
            horizon.label("horizon"),
        )
        .where(
            tuple_(ChangeRow.txid, ChangeRow.seq)
            > tuple_(bindparam("txid", type_=BigInteger), bindparam("seq", type_=BigInteger)),
            or_(ChangeRow.station_id.is_(None), ChangeRow.station_id == bindparam("station")),
        )
        .order_by(ChangeRow.txid, ChangeRow.seq)
        .limit(bindparam("n", type_=Integer))
    )


# The horizon: the oldest transaction in flight that may write this feed. Not simply
# pg_snapshot_xmin: transaction ids are the whole server's, so a writer in flight in
# ANOTHER database on the same server (a second application, another district, a
# backup's restore) held every station's feed back for as long as it ran (each pull
# waited HORIZON_WAIT_S and then handed out nothing new). A backend stays in one
# database for life, so a transaction seen in pg_stat_activity as another database's
# can never write here; any other in-flight one still counts (one not found there — it
# ended since the snapshot, or its backend's details are hidden from this role — is
# taken to be ours, which only holds back, as before). pg_current_snapshot() in the same
# statement is the snapshot the rows are read with; xids compare by their low 32 bits
# (pg_stat_activity's width), unique among transactions in flight.
_HORIZON_PG: Any = literal_column(
    """COALESCE(
    (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
     WHERE NOT EXISTS (
        SELECT 1 FROM pg_stat_activity AS a
        WHERE a.backend_xid::text::bigint = x::text::bigint % 4294967296
          AND a.datname <> current_database())),
    pg_snapshot_xmax(pg_current_snapshot())::text::bigint)"""
)
_ROWS_PG = _rows_query(_HORIZON_PG)
_ROWS = _rows_query(literal(None))


def _head(session: Session) -> tuple[int, int]:
    # The newest row of the feed always survives compaction (only older rows of the
    # same key are deleted, by a writer whose own row comes later), so the last row in
    # (txid, seq) order is the furthest any cursor can have got.
    row = session.execute(
        select(ChangeRow.txid, ChangeRow.seq)
        .order_by(ChangeRow.txid.desc(), ChangeRow.seq.desc())
        .limit(1)
    ).first()
    return (int(row.txid), int(row.seq)) if row is not None else (0, 0)


# --- what each kind of change carries ----------------------------------------------


def category_data(c: ServiceCategory) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "name_en": c.name_en,
        "icon": c.icon,
        "sort": c.sort,
        "active": c.active,
    }


def service_data(s: Service) -> dict[str, Any]:
    return {
        "code": s.code,
        "category": s.category,
        "name": s.name,
        "name_en": s.name_en,
        "description": s.description,
        "description_en": s.description_en,
        "home_visit": s.home_visit,
        "sort": s.sort,
        "active": s.active,
    }


def gift_data(g: Gift) -> dict[str, Any]:
    return {
        "sku": g.sku,
        "barcode": g.barcode,
        "name": g.name,
        "name_en": g.name_en,
        "category": g.category,
        "points": g.points,
        "per_volunteer_limit": g.per_volunteer_limit,
        "low_stock_at": g.low_stock_at,
        "active": g.active,
        "image": g.image,
        "sort": g.sort,
    }


def volunteer_data(v: Volunteer) -> dict[str, Any]:
    # Never the card number or the PIN hash: card + PIN is checked at central only
    # (POST /cards/verify, /redemptions/authorise), so no station can try PINs offline.
    return {
        "id": v.id,
        "masked_name": mask_name(v.name),
        "has_card": bool(v.card_no and v.pin_hash),
        "total_hours": v.total_hours,
        "star_level": star_level(v.total_hours),
        "balance": v.balance,
        "balance_as_of": iso(v.balance_as_of),
        "team": v.team,
        "active": v.active,
    }


def settings_data(st: Station) -> dict[str, Any]:
    return {
        "offline_limit_points": st.offline_limit_points,
        "card_pin_enabled": st.card_pin_enabled,
        "offline_daily_points": st.offline_daily_points,
        "privacy_retention_days": st.privacy_retention_days,
        "station_name": st.name,
    }


def balance_data(v: Volunteer) -> dict[str, Any]:
    return {"volunteer_id": v.id, "balance": v.balance, "as_of": iso(v.balance_as_of)}
