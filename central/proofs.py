"""Who is redeeming, checked at central: a scanned signed code, or card number + PIN.

Reasons (the 403 body's ``reason``): proof_required, bad_code, code_expired,
code_revoked, code_other_volunteer, wrong_pin, card_locked, card_pin_disabled. A wrong
PIN counts against the card (known or not, so a probe learns nothing); after
``Policy.pin_max_failures`` in a row the card is locked for ``Policy.pin_lockout_s``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from central import feed, keys, policy
from central.clock import FUTURE_SLACK_S, utcnow
from central.db import Database
from central.errors import Forbidden
from central.models import CardLock, RevokedCode, Station, Volunteer
from central.payloads import ProofIn
from central.throttle import AuthThrottle
from protocol import codes

log = logging.getLogger(__name__)

MAX_SCRYPT_N = 2**17  # refuse stored hashes that would make one check cost seconds


@dataclass(frozen=True)
class Proven:
    volunteer_id: str
    code_id: str = ""  # the code's jti when proven by a code
    by: str = "code"  # code | card


def code_reason(exc: codes.CodeError) -> str:
    if isinstance(exc, codes.CodeExpired):
        return "code_expired"
    if isinstance(exc, codes.CodeRevoked):
        return "code_revoked"
    if isinstance(exc, codes.CodeWrongUse):
        return "code_wrong_use"
    return "bad_code"


_PUBLIC = "central.proofs.public_keys"
_REVOCATIONS = "central.proofs.revocations"


def _public_keys(session: Session) -> dict[str, str]:
    # Read once per transaction: a batch of offline redemptions checks many codes.
    cached: dict[str, str] | None = session.info.get(_PUBLIC)
    if cached is None:
        cached = session.info[_PUBLIC] = keys.public_keys(session)
    return cached


_REVOKED_AMONG = select(RevokedCode.code_id).where(
    RevokedCode.code_id.in_(bindparam("ids", expanding=True))
)


def prefetch_revocations(session: Session, texts: list[str]) -> None:
    """Look up, in one query, whether any of these codes is revoked, so ``check_code``
    on them in this transaction needs no query of its own. Codes that do not verify are
    left out (``check_code`` refuses them anyway)."""
    ids: set[str] = set()
    public = _public_keys(session)
    for text in texts:
        try:
            ids.add(codes.verify_code(text, public, (), now=0).code_id)
        except codes.CodeError:
            continue
    if not ids:
        return
    query = _REVOKED_AMONG
    revoked = set(session.connection().execute(query, {"ids": sorted(ids)}).scalars())
    checked, found = session.info.setdefault(_REVOCATIONS, (set(), set()))
    checked.update(ids)
    found.update(revoked)


def _is_revoked(session: Session, code_id: str) -> bool:
    checked, found = session.info.get(_REVOCATIONS, ((), ()))
    if code_id in checked:
        return code_id in found
    return session.get(RevokedCode, code_id) is not None


def check_code(
    session: Session,
    text: str,
    at: datetime | None = None,
    purpose: str | None = None,
    require_use: bool = False,
) -> codes.VolunteerCode:
    """The code's claims if it verifies against central's keys and revocations at ``at``
    (now by default) and, given ``purpose``, was not issued for another use — nor, with
    ``require_use`` (``Policy.require_code_use``), for no use in particular; otherwise
    ``codes.CodeError``."""
    claims = codes.verify_code(text, _public_keys(session), (), now=at or utcnow(), purpose=purpose)
    if purpose is not None and require_use and not claims.use:
        raise codes.CodeWrongUse(f"code {claims.code_id} names no use; {purpose!r} required")
    if _is_revoked(session, claims.code_id):
        raise codes.CodeRevoked(f"code {claims.code_id} was revoked")
    return claims


def earliest_use(code: codes.VolunteerCode, max_ttl_s: int) -> datetime:
    """The earliest moment a kiosk can honestly have scanned ``code``: when it was
    issued (less an honest clock's skew: the kiosk dates the scan by its own clock) or,
    for a code that does not say, its expiry less the longest lifetime a code may have.
    A report dated earlier was back-dated (one fresh code spread over past days)."""
    if code.issued_at is not None:
        return code.issued_at - timedelta(seconds=FUTURE_SLACK_S)
    return code.expires_at - timedelta(seconds=max_ttl_s)


def verify(
    db: Database,
    station_id: str,
    proof: ProofIn | None,
    volunteer_id: str,
    session: Session | None = None,
) -> Proven:
    """Check the proof for debiting ``volunteer_id``; ``Forbidden`` when it fails. A
    code is checked in ``session`` when given (a read the caller has open already)."""
    if proof is None or (proof.code is None and proof.card is None):
        raise Forbidden("proof_required", "a scanned code or card + PIN is required")
    if proof.code is not None:
        try:
            # Debiting: a code issued for signing in (or the phone page) is not spent here.
            strict = policy.of(db).require_code_use
            if session is not None:
                claims = check_code(session, proof.code, None, codes.USE_REDEEM, strict)
            else:
                with db.read() as own:
                    claims = check_code(own, proof.code, None, codes.USE_REDEEM, strict)
        except codes.CodeError as exc:
            raise Forbidden(code_reason(exc), str(exc.detail or exc.key)) from exc
        if claims.volunteer_id != volunteer_id:
            raise Forbidden("code_other_volunteer", "the code belongs to another volunteer")
        return Proven(volunteer_id, claims.code_id, "code")
    volunteer = check_card(db, station_id, proof.card or "", proof.pin or "")
    if volunteer["id"] != volunteer_id:
        raise Forbidden("code_other_volunteer", "the card belongs to another volunteer")
    return Proven(volunteer_id, "", "card")


_THROTTLES: weakref.WeakKeyDictionary[object, AuthThrottle] = weakref.WeakKeyDictionary()


def login_throttle(db: Database) -> AuthThrottle:
    """Failed sign-ins and wrong PINs for ``db``'s central (in this process), keyed by
    who tries: ``station:<id>`` for a kiosk, ``phone:<address>`` / ``console:<address>``
    for a browser. The per-card lock stops guessing one card's PIN; this stops one PIN
    being tried on every card in turn (card numbers are sequential)."""
    found = _THROTTLES.get(db)
    if found is None:
        rules = policy.of(db)
        found = _THROTTLES[db] = AuthThrottle(rules.login_fail_limit, rules.login_fail_window_s)
    return found


def check_card(db: Database, station_id: str, card: str, pin: str) -> dict[str, Any]:
    """The card's volunteer, as the feed shows one (``feed.volunteer_data``), if the PIN
    is right and the card is not locked, and the station has not had too many wrong PINs
    of late (``login_throttle``)."""
    with db.read() as session:
        station = session.get(Station, station_id)
        if station is None or not station.card_pin_enabled:
            raise Forbidden("card_pin_disabled", "card + PIN is not enabled at this station")
    throttle, key = login_throttle(db), f"station:{station_id}"
    wait = throttle.retry_after(key)
    if wait:
        log.warning("station %s: too many wrong PINs; cards refused for %d s", station_id, wait)
        raise Forbidden("card_locked", "too many wrong PINs at this station", retry_after=wait)
    try:
        return check_card_pin(db, card, pin, f"station {station_id}")
    except Forbidden:
        throttle.failed(key)
        raise


def check_card_pin(db: Database, card: str, pin: str, where: str) -> dict[str, Any]:
    """Card + PIN wherever it is typed (a kiosk, the phone page): one lock per card, so
    wrong PINs count together and a lock holds everywhere. ``where`` is for the log."""
    rules = policy.of(db)
    card = card.strip()
    with db.read() as session:
        lock = session.get(CardLock, card)
        now = utcnow()
        if lock is not None and lock.locked_until is not None and lock.locked_until > now:
            wait = int((lock.locked_until - now).total_seconds()) + 1
            raise Forbidden("card_locked", "too many wrong PINs", retry_after=wait)
        volunteer = session.scalars(select(Volunteer).where(Volunteer.card_no == card)).first()
        stored = volunteer.pin_hash if volunteer is not None and volunteer.active else None
        view = feed.volunteer_data(volunteer) if volunteer is not None else None
    if stored is not None and view is not None and pin_matches(pin, stored):
        _forget_failures(db, card)
        return view
    locked_for = _count_failure(db, card, rules.pin_max_failures, rules.pin_lockout_s)
    log.warning("%s: wrong PIN for a card (%s)", where, "locked" if locked_for else "")
    if locked_for:
        raise Forbidden("card_locked", "too many wrong PINs", retry_after=locked_for)
    raise Forbidden("wrong_pin", "card number or PIN is wrong")


def _count_failure(db: Database, card: str, max_failures: int, lockout_s: int) -> int:
    """Record a wrong PIN; the lockout in seconds if this one locked the card, else 0."""
    if not card or len(card) > 32:
        return 0
    with db.write() as session:
        lock = session.get(CardLock, card)
        if lock is None:
            lock = CardLock(card_no=card, failures=0)
            session.add(lock)
        now = utcnow()
        lock.failures += 1
        lock.updated_at = now
        if lock.failures >= max_failures:
            lock.failures = 0
            lock.locked_until = now + timedelta(seconds=lockout_s)
            return lockout_s
    return 0


def _forget_failures(db: Database, card: str) -> None:
    with db.write() as session:
        lock = session.get(CardLock, card)
        if lock is not None:
            session.delete(lock)


def pin_matches(pin: str, stored: str) -> bool:
    """``scrypt$n$r$p$salt_b64$hash_b64`` (central.seed.hash_pin) against ``pin``."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        n_i, r_i, p_i = int(n), int(r), int(p)
        if scheme != "scrypt" or not 2 <= n_i <= MAX_SCRYPT_N or not 1 <= r_i * p_i <= 64:
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(
            pin.encode(),
            salt=base64.b64decode(salt),
            n=n_i,
            r=r_i,
            p=p_i,
            dklen=len(want),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)
