"""What a district's administrator does on central: stations, catalogue, volunteers,
points, revocations. Every write publishes its change in the feed."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import feed, ledger
from central.clock import utcnow
from central.db import Database
from central.errors import BadRequest, Conflict, NotFound
from central.models import (
    Gift,
    RevokedCode,
    Service,
    ServiceCategory,
    Station,
    Volunteer,
)
from protocol.api import (
    DEFAULT_OFFLINE_DAILY_POINTS,
    DEFAULT_OFFLINE_LIMIT_POINTS,
    MAX_REPORTED_BACKLOG,
    REPORT_PRINTER_STATES,
)

log = logging.getLogger(__name__)


def hash_token(token: str) -> str:
    # Tokens are 256-bit random strings: a plain SHA-256 is enough (no dictionary to try).
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StationCredentials:
    station_id: str
    token: str


def new_station_id() -> str:
    return "ST-" + secrets.token_hex(4).upper()


def add_station(
    db: Database,
    name: str,
    station_id: str | None = None,
    name_en: str = "",
    offline_limit_points: int = DEFAULT_OFFLINE_LIMIT_POINTS,
    card_pin_enabled: bool = False,
    privacy_retention_days: int = 30,
    offline_daily_points: int = DEFAULT_OFFLINE_DAILY_POINTS,
) -> StationCredentials:
    """Provision a station; the token is shown once and stored only as a hash."""
    station_id = station_id or new_station_id()
    if not 1 <= len(station_id) <= 40:
        raise BadRequest("station id must be 1..40 characters")
    token = secrets.token_urlsafe(32)
    with db.write() as session:
        if session.get(Station, station_id) is not None:
            raise Conflict(f"station {station_id} exists")
        station = Station(
            id=station_id,
            name=name,
            name_en=name_en,
            token_hash=hash_token(token),
            offline_limit_points=offline_limit_points,
            card_pin_enabled=card_pin_enabled,
            privacy_retention_days=privacy_retention_days,
            offline_daily_points=offline_daily_points,
        )
        session.add(station)
        publish_settings(db, session, station)
        # A gift only some stations carry is not on the new station's shelf.
        for gift in session.scalars(select(Gift).where(Gift.stations.is_not(None))):
            if gift.stations:
                _publish_carried(db, session, gift.sku, station_id, False)
    log.info("station %s added", station_id)
    return StationCredentials(station_id, token)


REPORT_REFRESH_S = 60  # a station pulling every few seconds writes its report once a minute


def report_to_store(
    station: Station, backlog: str | None, printer: str | None
) -> tuple[int | None, str, datetime] | None:
    """What of a station's report (GET /changes: ``backlog``, ``printer``) to store,
    judged against its row as just read: None when there is nothing to store (no
    report, one out of the protocol's bounds — logged — or the same as the stored one
    and fresh). Most pulls repeat the last report: they must not queue behind other
    writers for the write lock just to learn that."""
    if backlog is None and printer is None:
        return None
    count: int | None = None
    if backlog is not None:
        if not (backlog.isascii() and backlog.isdigit() and len(backlog) <= 8):
            log.warning("station %s: report ignored: backlog %r", station.id, backlog[:20])
            return None
        count = int(backlog)
        if count > MAX_REPORTED_BACKLOG:
            log.warning("station %s: report ignored: backlog %d", station.id, count)
            return None
    if printer is not None and printer not in REPORT_PRINTER_STATES:
        log.warning("station %s: report ignored: printer %r", station.id, printer[:30])
        return None
    now = utcnow()
    same = (station.reported_backlog, station.reported_printer) == (
        count if backlog is not None else station.reported_backlog,
        printer if printer is not None else station.reported_printer,
    )
    fresh = station.reported_at is not None and (
        (now - station.reported_at).total_seconds() < REPORT_REFRESH_S
    )
    if same and fresh:
        return None
    return (
        (count if backlog is not None else station.reported_backlog),
        (printer if printer is not None else station.reported_printer),
        now,
    )


def store_report(
    db: Database, station_id: str, backlog: int | None, printer: str, at: datetime
) -> bool:
    with db.write() as session:
        station = session.get(Station, station_id)
        if station is None:
            return False
        station.reported_backlog, station.reported_printer = backlog, printer
        station.reported_at = at
    return True


def record_report(db: Database, station_id: str, backlog: str | None, printer: str | None) -> bool:
    """Keep what a station said about itself with a pull (GET /changes), for the console
    only. Both optional; anything out of the protocol's bounds and the whole report is
    ignored (logged), the stored one untouched. True if stored."""
    if backlog is None and printer is None:
        return False
    with db.read() as session:
        station = session.get(Station, station_id)
        if station is None:
            return False
        report = report_to_store(station, backlog, printer)
    return report is not None and store_report(db, station_id, *report)


def rotate_token(db: Database, station_id: str) -> StationCredentials:
    token = secrets.token_urlsafe(32)
    with db.write() as session:
        station = session.get(Station, station_id)
        if station is None:
            raise NotFound(f"unknown station {station_id}")
        station.token_hash = hash_token(token)
    log.info("token of station %s rotated", station_id)
    return StationCredentials(station_id, token)


def update_settings(db: Database, station_id: str, **settings: Any) -> None:
    allowed = {
        "offline_limit_points",
        "offline_daily_points",
        "card_pin_enabled",
        "privacy_retention_days",
        "name",
        "active",
    }
    unknown = set(settings) - allowed
    if unknown:
        raise BadRequest(f"unknown station settings: {sorted(unknown)}")
    with db.write() as session:
        station = session.get(Station, station_id)
        if station is None:
            raise NotFound(f"unknown station {station_id}")
        for name, value in settings.items():
            setattr(station, name, value)
        publish_settings(db, session, station)


def publish_settings(db: Database, session: Session, station: Station) -> None:
    session.flush()
    feed.publish(
        db, session, "station_settings", station.id, feed.settings_data(station), station.id
    )


def upsert_category(db: Database, session: Session, data: dict[str, Any]) -> None:
    row = _upsert(session, ServiceCategory, data["code"], data, ("code",))
    feed.publish(db, session, "service_category", row.code, feed.category_data(row))


def upsert_service(db: Database, session: Session, data: dict[str, Any]) -> None:
    row = _upsert(session, Service, data["code"], data, ("code",))
    feed.publish(db, session, "service", row.code, feed.service_data(row))


def upsert_gift(db: Database, session: Session, data: dict[str, Any]) -> None:
    row = _upsert(session, Gift, data["sku"], data, ("sku",))
    feed.publish(db, session, "gift", row.sku, feed.gift_data(row))


def _publish_carried(
    db: Database, session: Session, sku: str, station_id: str, carried: bool
) -> None:
    feed.publish(db, session, "gift_carried", sku, {"sku": sku, "carried": carried}, station_id)


def set_gift_stations(db: Database, session: Session, sku: str, stations: list[str]) -> bool:
    """Which stations carry gift ``sku`` ([] = every station). Each station hears its own
    answer in its feed (``gift_carried``), so a station never learns the others' list
    and a change of the set reaches exactly the stations it concerns. True if it changed."""
    gift = session.get(Gift, sku)
    if gift is None:
        raise NotFound(f"unknown gift {sku}")
    wanted = sorted(set(stations))
    known = set(session.scalars(select(Station.id)))
    unknown = [s for s in wanted if s not in known]
    if unknown:
        raise BadRequest(f"unknown station {unknown[0]}")
    before = sorted(gift.stations or [])
    if before == wanted:
        return False
    gift.stations = wanted or None
    for station_id in sorted(known):
        old = not before or station_id in before
        new = not wanted or station_id in wanted
        if old != new:
            _publish_carried(db, session, sku, station_id, new)
    log.info("gift %s carried by %s", sku, ", ".join(wanted) or "every station")
    return True


def upsert_volunteer(db: Database, session: Session, data: dict[str, Any]) -> Volunteer:
    """Profile fields only; the balance changes through the ledger (``award_points``)."""
    fields = {k: v for k, v in data.items() if k not in ("balance", "balance_as_of")}
    row = _upsert(session, Volunteer, data["id"], fields, ("id",))
    ledger.publish_volunteer(db, session, row)
    return row


def award_points(
    db: Database, volunteer_id: str, points: int, reason: str = "award", ref: str = ""
) -> int:
    """Add (or with a negative number take) points; returns the new balance."""
    with db.write() as session:
        volunteer = ledger.lock_volunteer(session, volunteer_id)
        if volunteer is None:
            raise NotFound(f"unknown volunteer {volunteer_id}")
        ledger.change_balance(db, session, volunteer, points, reason, ref)
        return volunteer.balance


def revoke_code(db: Database, code_id: str, reason: str = "") -> None:
    if not 1 <= len(code_id) <= 64:
        raise BadRequest("a code id is 1..64 characters")
    with db.write() as session:
        if session.get(RevokedCode, code_id) is None:
            session.add(RevokedCode(code_id=code_id, reason=reason))
            feed.publish(db, session, "revoked_code", code_id, {"code_id": code_id})
    log.info("volunteer code %s revoked", code_id)


def _upsert(
    session: Session, model: type[Any], key: str, data: dict[str, Any], pk: tuple[str, ...]
) -> Any:
    columns = set(model.__table__.columns.keys())
    fields = {k: v for k, v in data.items() if k in columns and k not in pk}
    # Locked (PostgreSQL) so two writers of one key publish their feed rows in turn.
    row = session.get(model, key, with_for_update=True)
    if row is None:
        row = model(**{pk[0]: key}, **fields)
        session.add(row)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
    session.flush()
    return row
