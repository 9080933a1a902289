"""Balances: one locked row per volunteer, one ledger entry per change, one feed row."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import feed
from central.clock import utcnow
from central.db import Database, add_row, keep
from central.models import LedgerEntry, Volunteer

_LOCKED = "central.ledger.locked"


def lock_volunteer(session: Session, volunteer_id: str) -> Volunteer | None:
    """The volunteer's row, locked until commit (FOR UPDATE on PostgreSQL; on SQLite
    the transaction already began IMMEDIATE, which serialises every writer). A row this
    transaction has locked already (``lock_volunteers``) comes from the session, with no
    second round trip."""
    if volunteer_id in session.info.get(_LOCKED, ()):
        found = session.get(Volunteer, volunteer_id)
        if found is not None:
            return found
    return session.scalars(
        select(Volunteer).where(Volunteer.id == volunteer_id).with_for_update()
    ).first()


def lock_volunteers(session: Session, volunteer_ids: set[str] | list[str]) -> None:
    """Lock several volunteers' rows at once, in id order: every writer that takes more
    than one takes them in the same order, so two of them cannot deadlock. The rows are
    loaded into the session, so ``lock_volunteer`` then costs no query. (SQLite: its
    writers are one at a time; the rows are only loaded.)"""
    if not volunteer_ids:
        return
    query = select(Volunteer).where(Volunteer.id.in_(sorted(volunteer_ids))).order_by(Volunteer.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    found = session.scalars(query).all()
    keep(session, *found)
    session.info.setdefault(_LOCKED, set()).update(v.id for v in found)


def change_balance(
    db: Database,
    session: Session,
    volunteer: Volunteer,
    delta: int,
    reason: str,
    ref: str = "",
    station_id: str | None = None,
) -> None:
    now = utcnow()
    volunteer.balance += delta
    # as_of only moves forward: a kiosk keeps the newest balance it has seen.
    volunteer.balance_as_of = max(now, volunteer.balance_as_of or now)
    add_row(
        session,
        LedgerEntry,
        {
            "volunteer_id": volunteer.id,
            "delta": delta,
            "reason": reason,
            "ref": ref,
            "station_id": station_id,
            "at": now,
        },
    )
    publish_volunteer(db, session, volunteer)


def publish_volunteer(db: Database, session: Session, volunteer: Volunteer) -> None:
    if not feed.is_deferred(session):
        session.flush()
    feed.publish(db, session, "volunteer", volunteer.id, feed.volunteer_data(volunteer))
