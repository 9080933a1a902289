"""Points leaving a balance: online authorisation, recording a redemption, voiding one.

Authorisation is atomic and idempotent by redemption id: the volunteer's row is locked
(FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), the decision is stored with the
redemption, and asking again returns the stored decision without a second debit.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from central import feed, ledger
from central.clock import iso, parse_iso, utcnow
from central.db import Database
from central.errors import BadRequest, Conflict, Rejected
from central.models import Overdraft, Redemption, Volunteer
from central.payloads import AuthoriseIn, RedemptionMade, RedemptionVoided
from protocol import api as p

log = logging.getLogger(__name__)


def _check_total(total: int, lines: list[Any]) -> bool:
    return not lines or total == sum(ln.qty * ln.points_each for ln in lines)


def authorise(db: Database, station_id: str, req: AuthoriseIn) -> dict[str, Any]:
    if not _check_total(req.total_points, req.lines):
        raise BadRequest("total_points is not the sum of the lines")
    with db.write() as session:
        volunteer = ledger.lock_volunteer(session, req.volunteer_id)
        existing = session.get(Redemption, req.redemption_id)
        if existing is not None:
            if existing.station_id != station_id or existing.volunteer_id != req.volunteer_id:
                raise Conflict("redemption id already used", {"redemption_id": existing.id})
            return dict(existing.decision)
        decision = _decide(db, session, station_id, volunteer, req)
        session.add(
            Redemption(
                id=req.redemption_id,
                station_id=station_id,
                volunteer_id=req.volunteer_id,
                total_points=req.total_points,
                lines=[ln.model_dump() for ln in req.lines],
                status="authorised" if decision["approved"] else "declined",
                debited=req.total_points if decision["approved"] else 0,
                decision=decision,
            )
        )
    log.info("authorise %s for %s: %s", req.redemption_id, req.volunteer_id, decision)
    return decision


def _decide(
    db: Database, session: Session, station_id: str, volunteer: Volunteer | None, req: AuthoriseIn
) -> dict[str, Any]:
    if volunteer is None:
        return {"approved": False, "reason": "unknown_volunteer", "balance": None}
    if not volunteer.active:
        return {"approved": False, "reason": "inactive_volunteer", "balance": volunteer.balance}
    if volunteer.balance < req.total_points:
        return {"approved": False, "reason": "insufficient_points", "balance": volunteer.balance}
    ledger.change_balance(
        db, session, volunteer, -req.total_points, "redemption", req.redemption_id, station_id
    )
    return {
        "approved": True,
        "balance_after": volunteer.balance,
        "as_of": iso(volunteer.balance_as_of),
    }


def record_made(db: Database, session: Session, station_id: str, ev: RedemptionMade) -> Volunteer:
    """Apply ``redemption.made``. An authorised redemption was debited already: record it
    only (whatever mode the kiosk reports, so a kiosk that timed out after central
    approved never pays twice). Otherwise debit now and report any overdraft."""
    if not _check_total(ev.total_points, ev.lines):
        raise Rejected(p.REJECT_BAD_PAYLOAD, "total_points is not the sum of the lines")
    volunteer = ledger.lock_volunteer(session, ev.volunteer_id)
    if volunteer is None:
        raise Rejected(p.REJECT_UNKNOWN_VOLUNTEER)
    row = session.get(Redemption, ev.redemption_id)
    if row is not None and (row.station_id != station_id or row.volunteer_id != ev.volunteer_id):
        raise Rejected(p.REJECT_CONFLICT, "redemption id used by another station or volunteer")
    if row is not None and row.status == "recorded":
        return volunteer  # the same redemption under another event id: nothing more to do
    if row is None:
        row = Redemption(id=ev.redemption_id, station_id=station_id, volunteer_id=volunteer.id)
        row.debited, row.decision = 0, {}
        session.add(row)
    owed = ev.total_points - (row.debited if row.status == "authorised" else 0)
    if row.status != "authorised":
        row.debited = 0
    row.total_points, row.mode, row.pickup_code = ev.total_points, ev.mode, ev.pickup_code
    row.lines = [ln.model_dump() for ln in ev.lines]
    row.at, row.status = parse_iso(ev.at), "recorded"
    if owed:
        _debit(db, session, station_id, volunteer, owed, ev.redemption_id)
        row.debited += owed
    return volunteer


def _debit(
    db: Database,
    session: Session,
    station_id: str,
    volunteer: Volunteer,
    points: int,
    redemption_id: str,
) -> None:
    before = volunteer.balance
    ledger.change_balance(db, session, volunteer, -points, "redemption", redemption_id, station_id)
    if volunteer.balance >= 0 or points <= 0:
        return
    # The gift is gone: keep the debit, and tell the station how much was not covered.
    amount = min(points, points - max(before, 0))
    session.add(
        Overdraft(
            redemption_id=redemption_id,
            station_id=station_id,
            volunteer_id=volunteer.id,
            amount=amount,
            at=utcnow(),
        )
    )
    data = {"redemption_id": redemption_id, "volunteer_id": volunteer.id, "amount": amount}
    feed.publish(db, session, "overdraft", redemption_id, data, station_id)
    log.warning("overdraft of %d on %s by %s", amount, volunteer.id, redemption_id)


def void(db: Database, session: Session, station_id: str, ev: RedemptionVoided) -> Volunteer | None:
    """Refund an authorised redemption whose local commit failed on the kiosk."""
    row = session.get(Redemption, ev.redemption_id)
    if row is None:
        # Central never authorised it (the request did not arrive): nothing to refund;
        # remember the void so a late authorisation with this id is not approved.
        session.add(
            Redemption(
                id=ev.redemption_id,
                station_id=station_id,
                volunteer_id="",
                total_points=0,
                status="voided",
                decision={"approved": False, "reason": "voided", "balance": None},
            )
        )
        return None
    if row.station_id != station_id:
        raise Rejected(p.REJECT_CONFLICT, "redemption id used by another station")
    volunteer = ledger.lock_volunteer(session, row.volunteer_id)
    if row.status == "recorded":
        raise Rejected("not_voidable", "the redemption was completed")
    if row.status == "authorised" and row.debited and volunteer is not None:
        ledger.change_balance(db, session, volunteer, row.debited, "refund", row.id, station_id)
        row.debited = 0
    row.status = "voided"
    return volunteer
