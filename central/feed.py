"""The change feed: every write central makes that a kiosk must learn of appends a row.

Rows carry a global, strictly increasing ``seq``; a station's cursor is the last ``seq``
it has seen. A row is for every station (``station_id`` NULL) or for one. Each
(kind, key, station) keeps only its newest row: a newer write inserts a row with a
higher ``seq`` and deletes the older one, so the feed stays as small as the state and
a kiosk starting from an empty cursor gets exactly the current state.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from central.clock import iso, utcnow
from central.db import Database
from central.errors import BadRequest
from central.models import ChangeRow, Gift, Service, ServiceCategory, Station, Volunteer
from protocol.api import mask_name, star_level

log = logging.getLogger(__name__)

_CURSOR = re.compile(r"c1\.([0-9a-f]{8})\.(\d{1,18})")


def station_epoch(station: Station) -> str:
    """Names this station's registration in this database: a cursor from another
    database (central rebuilt, station re-provisioned) does not match it."""
    text = f"{station.id}|{station.created_at.isoformat()}"
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def encode_cursor(seq: int, epoch: str) -> str:
    return base64.urlsafe_b64encode(f"c1.{epoch}.{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    """(epoch, last seq) of a cursor; "" is the start. Anything else → BadRequest."""
    if not cursor:
        return "", 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed cursor", {"cursor": cursor[:100]}) from exc
    match = _CURSOR.fullmatch(raw)
    if match is None or len(cursor) > 60:
        raise BadRequest("malformed cursor", {"cursor": cursor[:100]})
    return match.group(1), int(match.group(2))


def publish(
    db: Database,
    session: Session,
    kind: str,
    key: str,
    data: dict[str, Any],
    station_id: str | None = None,
) -> None:
    db.lock_feed(session)
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
    changes: list[dict[str, Any]]
    next_cursor: str
    has_more: bool


def read_page(session: Session, station_id: str, cursor: str, limit: int) -> Page:
    """The station's changes after ``cursor``. A cursor from another database, or one
    ahead of the feed (central restored from a backup), restarts from the beginning:
    every change is an upsert, so sending everything again is safe; missing some is not."""
    given_epoch, after = decode_cursor(cursor)
    station = session.get(Station, station_id)
    epoch = station_epoch(station) if station is not None else "0" * 8
    restart = bool(cursor) and (given_epoch != epoch or after > _head(session))
    if restart:
        log.warning(
            "station %s: cursor %r is not from this feed; starting over", station_id, cursor
        )
        after = 0
    rows = session.scalars(
        select(ChangeRow)
        .where(
            ChangeRow.seq > after,
            or_(ChangeRow.station_id.is_(None), ChangeRow.station_id == station_id),
        )
        .order_by(ChangeRow.seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    unchanged = "" if restart else cursor
    next_cursor = encode_cursor(page[-1].seq, epoch) if page else unchanged
    return Page(
        changes=[{"kind": r.kind, "key": r.key, "data": r.data} for r in page],
        next_cursor=next_cursor,
        has_more=len(rows) > limit,
    )


def _head(session: Session) -> int:
    # The newest row of the feed always survives compaction (only older rows of the
    # same key are deleted), so max(seq) is the last sequence number handed out.
    return int(session.scalar(select(func.max(ChangeRow.seq))) or 0)


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
    return {
        "id": v.id,
        "masked_name": mask_name(v.name),
        "card_no": v.card_no,
        "pin_hash": v.pin_hash,
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
        "privacy_retention_days": st.privacy_retention_days,
        "station_name": st.name,
    }


def balance_data(v: Volunteer) -> dict[str, Any]:
    return {"volunteer_id": v.id, "balance": v.balance, "as_of": iso(v.balance_as_of)}
