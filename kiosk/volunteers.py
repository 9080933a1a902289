"""Who is at the kiosk: signed volunteer codes, card + PIN, balances."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session

from kiosk import catalog
from kiosk.clock import parse_iso, utcnow
from kiosk.config import Config
from kiosk.errors import AuthError, KioskError, NotFoundError, ValidationError
from kiosk.proof import CentralUnreachable, Proof
from kiosk.settings import StationSettings, effective, effective_read
from kiosk.store.models import LedgerEntry, Redemption, Volunteer
from protocol.api import star_level

if TYPE_CHECKING:
    from kiosk.store.db import Store
    from protocol.codes import VolunteerCode

log = logging.getLogger(__name__)

# The national rule (100/300/600/1000/1500 h = one to five stars), shared with central.
star_level_for = star_level


class _RevokedOnConnection:
    """A ``Container`` over the revoked-codes table (one indexed statement on the
    session's connection per question), so no list is loaded per scan."""

    def __init__(self, session: Session) -> None:
        from kiosk.store import raw

        self.conn = raw.dbapi(session)

    def __contains__(self, code_id: object) -> bool:
        if not isinstance(code_id, str):
            return False
        found = self.conn.execute("SELECT 1 FROM revoked_codes WHERE code_id = ?", (code_id,))
        return found.fetchone() is not None


def public_keys(session: Session) -> dict[str, str]:
    return _string_keys(catalog.get_setting(session, "central_public_keys"))


def _string_keys(setting: dict[str, object]) -> dict[str, str]:
    return {k: v for k, v in setting.items() if isinstance(v, str)}


def _verified(
    session: Session,
    scanned_text: str,
    keys: dict[str, str],
    now: datetime | None,
    purpose: str | None = None,
) -> VolunteerCode:
    """The scanned code's claims once its signature, use (``purpose``: what it is scanned
    for, protocol.codes.USES), expiry and revocation check out; each kind of bad code
    refused with its own message key."""
    from protocol import codes

    if not keys:
        raise KioskError("code.no_key")
    try:
        return codes.verify_code(
            scanned_text, keys, _RevokedOnConnection(session), now=now, purpose=purpose
        )
    except codes.CodeError as exc:
        raise KioskError(exc.key, str(exc)) from exc


def identify(
    session: Session, scanned_text: str, now: datetime | None = None, purpose: str | None = None
) -> Volunteer:
    """The volunteer whose signed code was scanned. Refuses each kind of bad code with its
    own message key (malformed, forged, issued for another use than ``purpose``, expired,
    revoked, unknown volunteer)."""
    code = _verified(session, scanned_text, public_keys(session), now, purpose)
    volunteer = session.get(Volunteer, code.volunteer_id)
    if volunteer is None:
        raise NotFoundError("volunteer.unknown")
    if not volunteer.active:
        raise AuthError("volunteer.inactive")
    return volunteer


class CardVerifier(Protocol):
    """Central checks a card number and PIN (``sync.authorise.CentralAuthoriser``): the
    kiosk holds no PIN hash. Raises ``kiosk.proof.CentralUnreachable`` when central
    does not answer, a ``KioskError`` (``proof.*``) when it refuses."""

    def verify_card(self, card: str, pin: str) -> dict[str, Any]: ...


CARD_RE = re.compile(r"\d{4,32}")


def identify_by_card(
    store: Store, verifier: CardVerifier | None, card_no: str, pin: str, config: Config
) -> VolunteerView:
    """The volunteer whose card + PIN central accepts, as the shelf shows them, with the
    proof the redemption will carry. Online only: central checks the PIN (and counts
    failures towards its lockout); offline the kiosk cannot, and says so."""
    with store.read() as session:
        enabled = effective(session, config).card_pin_enabled
    if not enabled:
        raise AuthError("volunteer.card_disabled")
    card_no = (card_no or "").strip()
    if not CARD_RE.fullmatch(card_no) or not pin:
        raise ValidationError("volunteer.card_unknown")
    if verifier is None:
        raise KioskError("card.online_only")
    try:
        answer = verifier.verify_card(card_no, pin)
    except CentralUnreachable as exc:
        raise KioskError("card.online_only", str(exc)) from exc
    volunteer_id = str(answer.get("volunteer_id") or answer.get("id") or "")
    with store.begin() as session:
        volunteer = session.get(Volunteer, volunteer_id)
        if volunteer is None:
            raise NotFoundError("volunteer.unknown")
        if not volunteer.active or answer.get("active") is False:
            raise AuthError("volunteer.inactive")
        balance, as_of = answer.get("balance"), answer.get("balance_as_of")
        if isinstance(balance, int) and not isinstance(balance, bool) and isinstance(as_of, str):
            at = parse_iso(as_of)
            # Central's balance unless we already hold a newer one (answers can cross).
            if volunteer.balance_as_of is None or at >= volunteer.balance_as_of:
                volunteer.central_balance, volunteer.balance_as_of = balance, at
    with store.read() as session:
        view = volunteer_view(session, volunteer_id, config)
    return replace(view, proof=Proof.card_pin(card_no, pin))


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


def offline_points_today(session: Session, volunteer_id: str, now: datetime) -> int:
    """Points this volunteer redeemed offline here on ``now``'s day. The UTC day: central
    counts its per-day offline ceiling by the UTC date of each redemption's ``at``, and
    the kiosk must not allow what central will then list as an exception."""
    since = datetime(now.year, now.month, now.day)
    return int(
        session.scalar(
            _OFFLINE_TODAY,
            {"volunteer_id": volunteer_id, "since": since, "until": since + timedelta(days=1)},
        )
        or 0
    )


_OFFLINE_TODAY = select(func.coalesce(func.sum(Redemption.total_points), 0)).where(
    Redemption.volunteer_id == bindparam("volunteer_id"),
    Redemption.mode == "offline",
    Redemption.status == "done",
    Redemption.created_at >= bindparam("since"),
    Redemption.created_at < bindparam("until"),
)


def offline_allowance(
    session: Session,
    volunteer_id: str,
    settings: StationSettings,
    zone_name: str,
    now: datetime,
    *,
    spent_offline: int | None = None,
) -> int:
    """THE offline rule (the shelf shows it, the redemption enforces it): points this
    volunteer may still redeem while central is unreachable — the station's offline limit
    less their offline debits central has not counted yet, and no more than what is left
    of their per-day offline ceiling here (``offline_daily_points``, central's rule).
    ``spent_offline`` (points, >= 0) saves a query when the caller has it already.
    ``zone_name`` is kept for callers; the day is central's (UTC)."""
    if spent_offline is None:
        spent_offline = -unconfirmed_total(session, volunteer_id, offline_only=True)
    return allowance(settings, spent_offline, offline_points_today(session, volunteer_id, now))


def allowance(settings: StationSettings, spent_offline: int, offline_today: int) -> int:
    """The offline rule of ``offline_allowance`` on numbers already read: ``spent_offline``
    the volunteer's offline debits central has not counted (points, >= 0), ``offline_today``
    what they redeemed offline here on this UTC day."""
    left = max(0, settings.offline_limit_points - spent_offline)
    return min(left, max(0, settings.offline_daily_points - offline_today))


# One volunteer and everything their card, balance and offline allowance need, in one
# statement on the session's connection (a scan, the shelf and the redemption commit ask
# it while a volunteer waits; the commit under the write lock): central's balance, their
# local entries central has not counted yet (all, and the offline ones: the index on
# (volunteer_id, confirmed) holds only those, so the read does not grow with the ledger)
# and their offline redemptions here on this UTC day (the index on (volunteer_id,
# created_at): one day).
_FACTS = """
SELECT v.masked_name, v.total_hours, v.star_level, v.central_balance, v.balance_as_of,
  v.active,
  (SELECT coalesce(sum(e.delta), 0) FROM ledger_entries e
    WHERE e.volunteer_id = :v AND e.confirmed = 0),
  (SELECT coalesce(sum(e.delta), 0) FROM ledger_entries e
    WHERE e.volunteer_id = :v AND e.confirmed = 0 AND e.offline = 1),
  (SELECT coalesce(sum(r.total_points), 0) FROM redemptions r
    WHERE r.volunteer_id = :v AND r.mode = 'offline' AND r.status = 'done'
      AND r.created_at >= :day AND r.created_at < :day_end)
FROM volunteers v WHERE v.id = :v
"""


@dataclass(frozen=True)
class BalanceFacts:
    """One volunteer as ``balance_facts`` reads them."""

    masked_name: str
    total_hours: float
    star_level: int
    central_balance: int
    balance_as_of: datetime | None
    active: bool
    unconfirmed: int  # local entries central has not counted (a debit is negative)
    unconfirmed_offline: int  # of which offline
    offline_today: int  # points redeemed offline here on this UTC day

    @property
    def balance(self) -> int:
        """``available_balance``: central's as of the last sync plus what it has not counted."""
        return self.central_balance + self.unconfirmed


def balance_facts(session: Session, volunteer_id: str, now: datetime) -> BalanceFacts:
    """The volunteer's row, balance and offline spending in one indexed read (see
    ``_FACTS``); ``NotFoundError`` for an unknown volunteer. The session's own unflushed
    changes are flushed first, so it reads what the ORM queries would."""
    from kiosk.store import raw

    # The UTC day: central counts its per-day offline ceiling by the UTC date (see
    # ``offline_points_today``).
    day = datetime(now.year, now.month, now.day)
    session.flush()
    row = (
        raw.dbapi(session)
        .execute(
            _FACTS,
            {"v": volunteer_id, "day": raw.dt(day), "day_end": raw.dt(day + timedelta(days=1))},
        )
        .fetchone()
    )
    if row is None:
        raise NotFoundError("volunteer.unknown")
    return BalanceFacts(
        masked_name=row[0],
        total_hours=float(row[1]),
        star_level=int(row[2]),
        central_balance=int(row[3]),
        balance_as_of=raw.dt_out(row[4]),
        active=bool(row[5]),
        unconfirmed=int(row[6]),
        unconfirmed_offline=int(row[7]),
        offline_today=int(row[8]),
    )


@dataclass(frozen=True)
class VolunteerView:
    id: str
    masked_name: str
    star_level: int
    total_hours: float
    balance: int
    offline_left: int
    balance_as_of: datetime | None
    # What the redemption will show central: the scanned code or card + PIN (held in
    # memory only, for this visit; never stored, never in a repr or a log line).
    proof: Proof | None = field(default=None, repr=False, compare=False)


def volunteer_view(
    session: Session,
    volunteer_id: str,
    config: Config | None = None,
    *,
    proof: Proof | None = None,
    now: datetime | None = None,
) -> VolunteerView:
    """What the shelf shows; ``offline_left`` follows the effective settings (0 without
    a config: nothing may leave offline). Two statements: the volunteer's facts and the
    station settings."""
    facts = balance_facts(session, volunteer_id, now or utcnow())
    settings = effective_read(session, config) if config is not None else None
    return _view(volunteer_id, facts, settings, proof)


def scanned_view(
    session: Session,
    scanned_text: str,
    config: Config,
    *,
    proof: Proof | None = None,
    now: datetime | None = None,
    purpose: str | None = None,
) -> VolunteerView:
    """``identify`` and ``volunteer_view`` in one: the volunteer card a scan shows, from
    three statements (the public keys and the station settings, the code's revocation,
    the volunteer's facts). Refuses a code exactly as ``identify`` does."""
    from kiosk.settings import CENTRAL_KEY, resolve

    rows = catalog.get_settings(session, ("central_public_keys", CENTRAL_KEY))
    keys = _string_keys(rows["central_public_keys"])
    code = _verified(session, scanned_text, keys, now, purpose)
    facts = balance_facts(session, code.volunteer_id, now or utcnow())
    if not facts.active:
        raise AuthError("volunteer.inactive")
    return _view(code.volunteer_id, facts, resolve(config, rows[CENTRAL_KEY]), proof)


def _view(
    volunteer_id: str, facts: BalanceFacts, settings: StationSettings | None, proof: Proof | None
) -> VolunteerView:
    offline = 0
    if settings is not None:
        offline = allowance(settings, -facts.unconfirmed_offline, facts.offline_today)
    return VolunteerView(
        id=volunteer_id,
        masked_name=facts.masked_name,
        star_level=max(facts.star_level, star_level_for(facts.total_hours)),
        total_hours=facts.total_hours,
        balance=facts.balance,
        offline_left=offline,
        balance_as_of=facts.balance_as_of,
        proof=proof,
    )
