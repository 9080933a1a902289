"""What the console changes. Every action checks the actor's role, goes through the same
central functions the CLI uses (so stations see it in /changes), and leaves an audit row."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from central import admin, dispatch, exceptions, feed
from central.console.accounts import audit
from central.console.models import ExceptionResolution, OrderAssignment
from central.db import Database
from central.errors import BadRequest, CentralError, Conflict, NotFound, Unauthorized
from central.models import Gift, Order, RevokedCode, Station, Volunteer
from protocol import api as protocol_api
from protocol.api import mask_name

log = logging.getLogger(__name__)

# What each role may do; viewer reads only.
CAN = {
    "admin": {"dispatch", "catalogue", "stations", "volunteers", "exceptions", "accounts"},
    "dispatcher": {"dispatch", "catalogue", "volunteers", "exceptions"},
    "viewer": set(),
}
# The same bounds a kiosk checks a fetched picture against (protocol.api).
MAX_PICTURE_BYTES = protocol_api.MAX_PICTURE_BYTES
MAX_PICTURE_PIXELS = protocol_api.MAX_PICTURE_PIXELS
MAX_AWARD = 100_000
MAX_NOTE_CHARS = 500


class Forbidden(CentralError):
    code, status = "forbidden", 403


@dataclass(frozen=True)
class Actor:
    username: str
    role: str

    def require(self, capability: str) -> None:
        if capability not in CAN.get(self.role, set()):
            raise Forbidden(f"role {self.role} may not {capability}")


def _note(text: str, required: bool = False) -> str:
    text = text.strip()
    if required and not text:
        raise BadRequest("reason_required")
    if len(text) > MAX_NOTE_CHARS:
        raise BadRequest("reason_too_long")
    return text


def assign(db: Database, actor: Actor, order_id: str, team: str, volunteer_id: str) -> None:
    actor.require("dispatch")
    team, volunteer_id = team.strip()[:80], volunteer_id.strip()[:40]
    if not team and not volunteer_id:
        raise BadRequest("team_or_volunteer_required")
    name = ""
    with db.read() as session:
        if volunteer_id:
            volunteer = session.get(Volunteer, volunteer_id)
            if volunteer is None or not volunteer.active:
                raise NotFound("unknown_volunteer")
            team = team or volunteer.team
            name = mask_name(volunteer.name)
    change = dispatch.set_status(
        db, order_id, "assigned", team=team or None, volunteer_name=name or None
    )
    with db.write() as session:
        row = session.get(OrderAssignment, order_id)
        if row is None:
            row = OrderAssignment(order_id=order_id)
            session.add(row)
        row.volunteer_id, row.team, row.assigned_by = volunteer_id or None, team, actor.username
        audit(
            session,
            actor.username,
            "order.assign",
            order_id,
            {"ticket": change.ticket_no, "team": team, "volunteer_id": volunteer_id},
        )


def cancel(db: Database, actor: Actor, order_id: str, reason: str) -> None:
    actor.require("dispatch")
    reason = _note(reason, required=True)
    change = dispatch.set_status(db, order_id, "cancelled")
    with db.write() as session:
        audit(
            session,
            actor.username,
            "order.cancel",
            order_id,
            {"ticket": change.ticket_no, "reason": reason},
        )


VOLUNTEER_STEPS = {"accept": "accepted", "start": "in_service", "complete": "completed"}


def volunteer_step(db: Database, volunteer_id: str, order_id: str, step: str) -> None:
    """接单 / 开始 / 完成 from the phone page. Accepting takes an order open to the
    volunteer's team (or assigned to them); starting and completing need it to be theirs."""
    status = VOLUNTEER_STEPS.get(step)
    if status is None:
        raise BadRequest("unknown_step")
    with db.read() as session:
        volunteer = session.get(Volunteer, volunteer_id)
        order = session.get(Order, order_id)
        assignment = session.get(OrderAssignment, order_id)
        if volunteer is None or not volunteer.active:
            raise Unauthorized("inactive_volunteer")
        if order is None:
            raise NotFound("unknown_order")
        owner = assignment.volunteer_id if assignment is not None else None
        if step == "accept":
            if owner not in (None, volunteer.id):
                raise Conflict("taken_by_someone_else")
            if order.team and volunteer.team and order.team != volunteer.team:
                raise Conflict("other_team")
        elif owner != volunteer.id:
            raise Conflict("not_yours")
        team, name = volunteer.team or order.team, mask_name(volunteer.name)
    dispatch.set_status(db, order_id, status, team=team or None, volunteer_name=name)
    with db.write() as session:
        row = session.get(OrderAssignment, order_id)
        if row is None:
            row = OrderAssignment(order_id=order_id, team=team, assigned_by=volunteer_id)
            session.add(row)
        row.volunteer_id = volunteer_id
        audit(session, f"volunteer:{volunteer_id}", f"order.{step}", order_id, {})


def award(db: Database, actor: Actor, volunteer_id: str, points: int, reason: str) -> int:
    actor.require("volunteers")
    reason = _note(reason, required=True)
    if points == 0 or abs(points) > MAX_AWARD:
        raise BadRequest("points_out_of_range")
    balance = admin.award_points(db, volunteer_id, points, reason="award", ref=reason[:64])
    with db.write() as session:
        audit(
            session,
            actor.username,
            "volunteer.award",
            volunteer_id,
            {"points": points, "reason": reason, "balance": balance},
        )
    return balance


def revoke(db: Database, actor: Actor, code_id: str, reason: str) -> None:
    actor.require("volunteers")
    reason = _note(reason)
    with db.read() as session:
        known = session.get(RevokedCode, code_id.strip()) is not None
    admin.revoke_code(db, code_id.strip(), reason=reason)
    if not known:
        with db.write() as session:
            audit(session, actor.username, "code.revoke", code_id, {"reason": reason})


def add_station(db: Database, actor: Actor, name: str, station_id: str) -> admin.StationCredentials:
    actor.require("stations")
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise BadRequest("name_required")
    cred = admin.add_station(db, name, station_id=station_id.strip() or None)
    with db.write() as session:
        audit(session, actor.username, "station.add", cred.station_id, {"name": name})
    return cred


def rotate_token(db: Database, actor: Actor, station_id: str) -> admin.StationCredentials:
    actor.require("stations")
    cred = admin.rotate_token(db, station_id)
    with db.write() as session:
        audit(session, actor.username, "station.token", station_id, {})
    return cred


def station_settings(
    db: Database,
    actor: Actor,
    station_id: str,
    offline_limit: int,
    card_pin: bool,
    retention_days: int,
    active: bool,
) -> None:
    actor.require("stations")
    if not 0 <= offline_limit <= 100_000:
        raise BadRequest("offline_limit_out_of_range")
    if not 1 <= retention_days <= 3650:
        raise BadRequest("retention_out_of_range")
    settings = {
        "offline_limit_points": offline_limit,
        "card_pin_enabled": card_pin,
        "privacy_retention_days": retention_days,
        "active": active,
    }
    admin.update_settings(db, station_id, **settings)
    with db.write() as session:
        audit(session, actor.username, "station.settings", station_id, settings)


def check_picture(data: bytes) -> str:
    """The picture's file extension if ``data`` is a PNG or JPEG Pillow can read and of a
    sane size; ``BadRequest`` otherwise (a renamed PDF, a decompression bomb, 50 MB)."""
    if not data:
        return ""
    if len(data) > MAX_PICTURE_BYTES:
        raise BadRequest("picture_too_large")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise BadRequest("picture_not_image")
            if image.width * image.height > MAX_PICTURE_PIXELS:
                raise BadRequest("picture_too_large")
            image.verify()
            return ".png" if image.format == "PNG" else ".jpg"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BadRequest("picture_not_image") from exc


def save_gift(
    db: Database,
    actor: Actor,
    media_dir: Path,
    *,
    sku: str,
    name: str,
    name_en: str,
    points: int,
    per_volunteer_limit: int,
    active: bool,
    picture: bytes,
) -> None:
    """Add or change a gift (爱心超市 donations included); stations get it via /changes."""
    actor.require("catalogue")
    sku, name, name_en = sku.strip(), name.strip(), name_en.strip()
    if not sku or len(sku) > 40 or not all(c.isalnum() or c in "-_" for c in sku):
        raise BadRequest("bad_sku")
    if not 1 <= len(name) <= 80 or len(name_en) > 80:
        raise BadRequest("name_required")
    if not 1 <= points <= 100_000:
        raise BadRequest("points_out_of_range")
    if not 0 <= per_volunteer_limit <= 1000:
        raise BadRequest("limit_out_of_range")
    ext = check_picture(picture)
    image = ""
    if ext:
        digest = hashlib.sha256(picture).hexdigest()[:32]
        media_dir.mkdir(parents=True, exist_ok=True)
        (media_dir / f"{digest}{ext}").write_bytes(picture)
        image = f"media/{digest}{ext}"
    with db.write() as session:
        existing = session.get(Gift, sku)
        data = {
            "sku": sku,
            "name": name,
            "name_en": name_en,
            "points": points,
            "per_volunteer_limit": per_volunteer_limit,
            "active": active,
        }
        if image:
            data["image"] = image
        elif existing is None:
            data["image"] = ""
        admin.upsert_gift(db, session, data)
        audit(
            session,
            actor.username,
            "gift.add" if existing is None else "gift.change",
            sku,
            {k: v for k, v in data.items() if k != "sku"},
        )


def set_gift_stations(db: Database, actor: Actor, sku: str, stations: list[str]) -> None:
    """Which stations carry a gift (none ticked = every station); audited."""
    actor.require("catalogue")
    wanted = sorted({s.strip() for s in stations if s.strip()})
    with db.write() as session:
        if session.get(Gift, sku) is None:
            raise NotFound("unknown_gift")
        known = set(session.scalars(select(Station.id)))
        if any(s not in known for s in wanted):
            raise BadRequest("unknown_station")
        if admin.set_gift_stations(db, session, sku, wanted):
            audit(session, actor.username, "gift.stations", sku, {"stations": wanted})


def set_service_active(db: Database, actor: Actor, code: str, active: bool) -> None:
    actor.require("catalogue")
    from central.models import Service

    with db.write() as session:
        service = session.get(Service, code)
        if service is None:
            raise NotFound("unknown_service")
        service.active = active
        session.flush()
        feed.publish(db, session, "service", service.code, feed.service_data(service))
        audit(session, actor.username, "service.active", code, {"active": active})


def resolve_exception(db: Database, actor: Actor, kind: str, ref: str, note: str) -> None:
    actor.require("exceptions")
    note = _note(note, required=True)
    if kind not in ("overdraft", "rejected_event"):
        raise BadRequest("unknown_exception_kind")
    with db.write() as session:
        if session.get(ExceptionResolution, (kind, ref)) is not None:
            raise Conflict("already_resolved")
        session.add(ExceptionResolution(kind=kind, ref=ref, note=note, resolved_by=actor.username))
        audit(session, actor.username, "exception.resolve", f"{kind}:{ref}", {"note": note})


def resolve_redemption_exception(
    db: Database, actor: Actor, exception_id: str, resolution: str, note: str
) -> None:
    """Debit or waive a redemption central did not debit. The same function as
    ``kiosk-central exceptions resolve`` (it writes the audit row in its transaction)."""
    actor.require("exceptions")
    note = _note(note, required=True)
    if resolution not in exceptions.RESOLUTIONS:
        raise BadRequest("unknown_resolution")
    try:
        number = int(exception_id)
    except ValueError as exc:
        raise NotFound("not_found") from exc
    try:
        exceptions.resolve(db, number, resolution, note, actor=actor.username)
    except Conflict as exc:
        raise Conflict("already_resolved") from exc
    except NotFound as exc:
        raise NotFound("not_found") from exc


def find_order(db: Database, ticket_or_id: str) -> str:
    """An order's id from its UUID or its ticket number (what people read aloud)."""
    key = ticket_or_id.strip()
    with db.read() as session:
        if session.get(Order, key) is not None:
            return key
        rows = session.execute(
            select(Order.id, Order.status).where(Order.ticket_no == key).order_by(Order.placed_at)
        ).all()
    # Ticket numbers restart every day: prefer the one order still open under that number.
    open_ids = [r.id for r in rows if r.status not in ("completed", "cancelled")]
    ids = open_ids if len(open_ids) == 1 else [r.id for r in rows]
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise NotFound(f"no order with id or ticket {key}")
    raise Conflict(f"ticket {key} is used by {len(ids)} orders; give the order id")
