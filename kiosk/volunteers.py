"""Who is at the kiosk: signed volunteer codes, card + PIN, balances."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from kiosk import catalog
from kiosk.errors import AuthError, KioskError, NotFoundError, ValidationError
from kiosk.pins import check_pin
from kiosk.store.models import LedgerEntry, RevokedCode, Volunteer
from protocol.api import star_level

log = logging.getLogger(__name__)

# The national rule (100/300/600/1000/1500 h = one to five stars), shared with central.
star_level_for = star_level


class _RevokedInStore:
    """A ``Container`` over the revoked-codes table, so no list is loaded per scan."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __contains__(self, code_id: object) -> bool:
        return isinstance(code_id, str) and self.session.get(RevokedCode, code_id) is not None


def public_keys(session: Session) -> dict[str, str]:
    return {
        k: v
        for k, v in catalog.get_setting(session, "central_public_keys").items()
        if isinstance(v, str)
    }


def identify(session: Session, scanned_text: str, now: datetime | None = None) -> Volunteer:
    """The volunteer whose signed code was scanned. Refuses each kind of bad code with its
    own message key (malformed, forged, expired, revoked, unknown volunteer)."""
    from protocol import codes

    keys = public_keys(session)
    if not keys:
        raise KioskError("code.no_key")
    try:
        code = codes.verify_code(scanned_text, keys, _RevokedInStore(session), now=now)
    except codes.CodeError as exc:
        raise KioskError(exc.key, str(exc)) from exc
    volunteer = session.get(Volunteer, code.volunteer_id)
    if volunteer is None:
        raise NotFoundError("volunteer.unknown")
    if not volunteer.active:
        raise AuthError("volunteer.inactive")
    return volunteer


def card_pin_enabled(session: Session, configured: bool) -> bool:
    """Central's station setting wins over the local config once it has been pulled."""
    pulled = catalog.get_setting(session, "station_settings").get("card_pin_enabled")
    return bool(pulled) if pulled is not None else configured


def identify_by_card(session: Session, card_no: str, pin: str, *, enabled: bool) -> Volunteer:
    if not enabled:
        raise AuthError("volunteer.card_disabled")
    card_no = (card_no or "").strip()
    if not re.fullmatch(r"\d{4,32}", card_no):
        raise ValidationError("volunteer.card_unknown")
    volunteer = session.scalars(select(Volunteer).where(Volunteer.card_no == card_no)).first()
    # The same message for an unknown card and a wrong PIN: no probing for card numbers.
    if volunteer is None or not check_pin(pin or "", volunteer.pin_hash):
        raise AuthError("volunteer.card_unknown")
    if not volunteer.active:
        raise AuthError("volunteer.inactive")
    return volunteer


def unconfirmed_total(session: Session, volunteer_id: str, offline_only: bool = False) -> int:
    query = select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
        LedgerEntry.volunteer_id == volunteer_id, LedgerEntry.confirmed.is_(False)
    )
    if offline_only:
        query = query.where(LedgerEntry.offline.is_(True))
    return int(session.scalar(query) or 0)


def available_balance(session: Session, volunteer_id: str) -> int:
    """Central's balance as of the last sync plus every local entry it has not yet counted."""
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFoundError("volunteer.unknown")
    return volunteer.central_balance + unconfirmed_total(session, volunteer_id)


_UNCONFIRMED_TOTALS = select(
    func.coalesce(func.sum(LedgerEntry.delta), 0),
    func.coalesce(func.sum(case((LedgerEntry.offline.is_(True), LedgerEntry.delta), else_=0)), 0),
).where(LedgerEntry.volunteer_id == bindparam("volunteer_id"), LedgerEntry.confirmed.is_(False))


def unconfirmed_totals(session: Session, volunteer_id: str) -> tuple[int, int]:
    """(all unconfirmed, offline unconfirmed) entries of one volunteer, in one query: the
    redemption commit needs both and runs while it holds the write lock (the statement is
    built once, so a call only binds the volunteer)."""
    row = session.execute(_UNCONFIRMED_TOTALS, {"volunteer_id": volunteer_id}).one()
    return int(row[0]), int(row[1])


def offline_left(session: Session, volunteer_id: str, offline_limit: int) -> int:
    """Points this volunteer may still redeem while central is unreachable."""
    spent_offline = -unconfirmed_total(session, volunteer_id, offline_only=True)
    return max(0, offline_limit - spent_offline)


@dataclass(frozen=True)
class VolunteerView:
    id: str
    masked_name: str
    star_level: int
    total_hours: float
    balance: int
    offline_left: int
    balance_as_of: datetime | None


def volunteer_view(session: Session, volunteer_id: str, offline_limit: int = 0) -> VolunteerView:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFoundError("volunteer.unknown")
    return VolunteerView(
        id=volunteer.id,
        masked_name=volunteer.masked_name,
        star_level=max(volunteer.star_level, star_level_for(volunteer.total_hours)),
        total_hours=volunteer.total_hours,
        balance=available_balance(session, volunteer_id),
        offline_left=offline_left(session, volunteer_id, offline_limit),
        balance_as_of=volunteer.balance_as_of,
    )
