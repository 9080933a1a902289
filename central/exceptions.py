"""Redemptions central recorded but did not (fully) debit, for the district to decide.

An exception is opened instead of moving a balance on the station's word alone: an
offline redemption whose code is missing, forged, expired, revoked or another
volunteer's, over the station's offline limit or per-day ceiling, a gift central does not
know, more than the hold approved, or an overdraft after a hold expired. The station
sees it in its feed (kind ``exception``) so its staff screen can flag it; the
administrator resolves it: ``debit`` (charge the volunteer, e.g. after checking the
paper log) or ``waive`` (the district absorbs it), with a note.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import feed, ledger
from central.clock import iso, utcnow
from central.db import Database
from central.errors import BadRequest, Conflict, NotFound
from central.models import AuditEntry, Redemption, RedemptionException

log = logging.getLogger(__name__)

RESOLUTIONS = ("debit", "waive")
# Exceptions whose points central has taken already (an overdraft after a hold expired).
ALREADY_DEBITED = ("overdraft_after_expiry",)


def exception_data(row: RedemptionException) -> dict[str, Any]:
    return {
        "id": row.id,
        "redemption_id": row.redemption_id,
        "volunteer_id": row.volunteer_id,
        "reason": row.reason,
        "detail": row.detail,
        "points": row.points,
        "status": row.status,
        "resolution": row.resolution,
        "note": row.note,
        "created_at": iso(row.created_at),
    }


def open_exception(
    db: Database,
    session: Session,
    station_id: str,
    redemption_id: str,
    volunteer_id: str,
    reason: str,
    points: int,
    detail: str = "",
) -> RedemptionException:
    row = RedemptionException(
        redemption_id=redemption_id,
        station_id=station_id,
        volunteer_id=volunteer_id,
        reason=reason[:40],
        detail=detail[:400],
        points=points,
        status="open",
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    feed.publish(db, session, "exception", str(row.id), exception_data(row), station_id)
    log.warning(
        "station %s: redemption %s of %d points by %s is an exception: %s %s",
        station_id,
        redemption_id,
        points,
        volunteer_id,
        reason,
        detail,
    )
    return row


def list_exceptions(
    db: Database, status: str | None = "open", station_id: str | None = None
) -> list[dict[str, Any]]:
    with db.read() as session:
        query = select(RedemptionException).order_by(RedemptionException.id)
        if status:
            query = query.where(RedemptionException.status == status)
        if station_id:
            query = query.where(RedemptionException.station_id == station_id)
        return [{**exception_data(r), "station_id": r.station_id} for r in session.scalars(query)]


def resolve(
    db: Database, exception_id: int, resolution: str, note: str, actor: str = "cli"
) -> dict[str, Any]:
    """Close an exception: ``debit`` charges the volunteer its points now (the balance
    may go below zero: the gift is gone), ``waive`` charges nothing. The one path for the
    CLI and the console: ``actor`` (a console account, or ``cli:<user>``) goes into the
    audit log in the same transaction as the resolution."""
    if resolution not in RESOLUTIONS:
        raise BadRequest(f"resolution is one of {', '.join(RESOLUTIONS)}")
    if not note.strip():
        raise BadRequest("say why in a note")
    with db.write() as session:
        row = session.get(RedemptionException, exception_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no exception {exception_id}")
        if row.status != "open":
            raise Conflict(f"exception {exception_id} is already {row.status}")
        # An overdraft after expiry was debited when it was recorded (the gift was gone):
        # "debit" keeps that charge, "waive" gives the overdrawn points back. Every other
        # exception's points were never taken: "debit" takes them, "waive" nothing.
        if row.reason in ALREADY_DEBITED:
            delta = row.points if resolution == "waive" else 0
        else:
            delta = -row.points if resolution == "debit" else 0
        if delta and row.points > 0:
            volunteer = ledger.lock_volunteer(session, row.volunteer_id)
            if volunteer is None:
                raise NotFound(f"unknown volunteer {row.volunteer_id}")
            reason = "redemption" if delta < 0 else "refund"
            ledger.change_balance(
                db, session, volunteer, delta, reason, row.redemption_id, row.station_id
            )
            redemption = session.get(Redemption, row.redemption_id)
            if redemption is not None:
                redemption.debited -= delta
        row.status, row.resolution, row.note = "resolved", resolution, note.strip()[:400]
        row.resolved_at = utcnow()
        session.flush()
        feed.publish(db, session, "exception", str(row.id), exception_data(row), row.station_id)
        session.add(
            AuditEntry(
                actor=actor[:60],
                action="exception.resolve",
                target=f"redemption:{row.id}",
                detail={
                    "resolution": resolution,
                    "points": row.points,
                    "volunteer_id": row.volunteer_id,
                    "redemption_id": row.redemption_id,
                    "note": row.note,
                },
            )
        )
        log.info("exception %d resolved by %s: %s (%s)", row.id, actor, resolution, row.note)
        return {**exception_data(row), "station_id": row.station_id}
