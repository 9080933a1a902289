"""积分兑换: a volunteer's cart becomes one redemption, online first and bounded offline.

``redeem`` takes the Store, not a Session, because central's authorisation is a network
call that must not hold the database's write lock. The hold protocol, kiosk side
(docs/sync-protocol.md, "Redemption holds: the kiosk side"):

1. a read (no write lock) checks the cart first (gifts, stock, per-day limits), so
   central never holds points for a cart the kiosk would refuse;
2. an **intent** (redemption id, volunteer, points, lines, proof kind) is committed to
   the store BEFORE central is asked: from here on a hold may exist at central;
3. central answers with the proof it was shown (signed code or card + PIN): approved
   (a hold is placed, keyed by the redemption id), declined or refused (no hold); or the
   answer is lost (reset, 5xx, cut body, timeout): uncertain, a hold may exist;
4. one write transaction re-checks stock and limits and writes everything: redemption,
   lines, ledger debit, stock movements, ``redemption.made`` (which captures the hold),
   print job, and the intent marked ``committed``. All or nothing. After an uncertain
   answer this is the offline path, within the effective offline allowance;
5. if step 4 fails for any reason after an approval or an uncertain answer, a
   ``redemption.voided`` (releasing the hold, if any) is written in the same transaction
   that marks the intent ``voided``.

Intents left open (the process died between 2 and 4) are resolved at start by
``resolve_open_intents``: committed if the redemption exists, otherwise voided. No
intent ever stays open, so no hold waits for its expiry at central.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from kiosk.clock import iso, utcnow
from kiosk.config import Config
from kiosk.errors import (
    ConflictError,
    InsufficientPointsError,
    KioskError,
    LimitExceededError,
    NotFoundError,
    OutOfStockError,
    ValidationError,
)
from kiosk.gifts import not_carried, taken_today
from kiosk.outbox import emit
from kiosk.proof import CentralUnreachable, Proof, ProofRefused  # noqa: F401 (re-exported)
from kiosk.settings import effective
from kiosk.stock import record_movement, stock_levels_of
from kiosk.store.db import Store
from kiosk.store.models import (
    Gift,
    LedgerEntry,
    Redemption,
    RedemptionIntent,
    RedemptionLine,
    Volunteer,
    new_id,
)
from kiosk.volunteers import available_balance, offline_allowance, unconfirmed_totals

log = logging.getLogger(__name__)

MAX_QTY = 99

# Built once (SQLAlchemy keeps their cache keys): the commit runs them under the write lock.
_GIFTS_IN = select(Gift).where(Gift.sku.in_(bindparam("skus", expanding=True)))
_PICKUP_TAKEN = select(Redemption.id).where(Redemption.pickup_code == bindparam("code"))


# This process: an intent written by another (dead) process is resolved at start.
BOOT_ID = new_id()
# Redemptions under way in this process: the resolver never touches their intents.
_in_flight: set[str] = set()
_in_flight_lock = threading.Lock()


@dataclass(frozen=True)
class AuthRequest:
    redemption_id: str
    volunteer_id: str
    total_points: int
    lines: list[dict[str, Any]]
    proof: Proof | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AuthDecision:
    approved: bool
    balance_after: int | None = None
    as_of: datetime | None = None
    reason: str = ""
    hold_expires_at: datetime | None = None


class Authoriser(Protocol):
    def authorise(self, request: AuthRequest) -> AuthDecision: ...


@dataclass(frozen=True)
class Line:
    sku: str
    name: str
    qty: int
    points_each: int

    @property
    def points(self) -> int:
        return self.qty * self.points_each


@dataclass(frozen=True)
class Quote:
    lines: list[Line]
    total: int
    balance: int
    balance_after: int
    problems: list[KioskError] = field(default_factory=list)

    @property
    def problem_keys(self) -> list[str]:
        return [p.key for p in self.problems]


@dataclass(frozen=True)
class RedemptionResult:
    redemption_id: str
    pickup_code: str
    total: int
    balance_after: int
    mode: str  # online | offline
    print_job_id: str | None


def _cart_lines(
    session: Session, volunteer_id: str, cart: Mapping[str, int], zone: str, now: datetime
) -> tuple[list[Line], list[KioskError]]:
    """The cart as priced lines, plus every reason it cannot be redeemed as it stands.

    A fixed handful of queries whatever the cart holds: the commit runs this under the
    write lock."""
    lines: list[Line] = []
    problems: list[KioskError] = []
    taken = taken_today(session, volunteer_id, zone, now)
    skus = [sku for sku in cart if isinstance(sku, str)]
    gifts = {g.sku: g for g in session.scalars(_GIFTS_IN, {"skus": skus})} if skus else {}
    levels = stock_levels_of(session, [sku for sku in skus if sku in gifts])
    elsewhere = not_carried(session, skus)
    for sku, qty in cart.items():
        gift = gifts.get(sku)
        if gift is None or not gift.active or sku in elsewhere:
            problems.append(NotFoundError("redeem.gift_unknown"))
            continue
        if isinstance(qty, bool) or not isinstance(qty, int) or not 0 < qty <= MAX_QTY:
            problems.append(ValidationError("redeem.qty_invalid"))
            continue
        left = levels.get(sku, 0)
        if qty > left:
            problems.append(OutOfStockError(name=gift.name, left=max(left, 0)))
        limit = gift.per_volunteer_limit
        if limit and taken.get(sku, 0) + qty > limit:
            problems.append(LimitExceededError(name=gift.name, limit=limit))
        lines.append(Line(sku=sku, name=gift.name, qty=qty, points_each=gift.points))
    if not lines and not problems:
        problems.append(ValidationError("redeem.cart_empty"))
    return lines, problems


def quote(
    session: Session,
    volunteer_id: str,
    cart: Mapping[str, int],
    zone: str = "Asia/Shanghai",
    now: datetime | None = None,
) -> Quote:
    """What the cart costs and what would stop it, for the cart screen."""
    now = now or utcnow()
    if session.get(Volunteer, volunteer_id) is None:
        raise NotFoundError("volunteer.unknown")
    lines, problems = _cart_lines(session, volunteer_id, cart, zone, now)
    total = sum(line.points for line in lines)
    balance = available_balance(session, volunteer_id)
    if total > balance:
        problems.append(InsufficientPointsError(need=total, have=balance))
    return Quote(
        lines=lines, total=total, balance=balance, balance_after=balance - total, problems=problems
    )


def _new_pickup_code(session: Session) -> str:
    for _ in range(20):
        code = f"{secrets.randbelow(10**6):06d}"
        if session.scalars(_PICKUP_TAKEN, {"code": code}).first() is None:
            return code
    raise ConflictError("error.conflict", "could not find a free pickup code")


def _declined(store: Store, volunteer_id: str, decision: AuthDecision, need: int) -> KioskError:
    """Central said no: refresh the cached balance it told us, and say why."""
    if decision.balance_after is not None:
        with store.begin() as session:
            volunteer = session.get(Volunteer, volunteer_id)
            if volunteer is not None:
                volunteer.central_balance = decision.balance_after
                volunteer.balance_as_of = decision.as_of or utcnow()
    if decision.reason == "insufficient_points":
        have = decision.balance_after if decision.balance_after is not None else 0
        return InsufficientPointsError(need=need, have=have)
    if decision.reason in ("unknown_volunteer", "inactive_volunteer"):
        return KioskError(
            "volunteer.unknown" if decision.reason == "unknown_volunteer" else "volunteer.inactive"
        )
    return ConflictError("redeem.declined", reason=decision.reason or "?")


def commit_redemption(
    session: Session,
    redemption_id: str,
    volunteer_id: str,
    cart: Mapping[str, int],
    *,
    decision: AuthDecision | None,
    config: Config,
    now: datetime,
    proof: Proof | None = None,
) -> Redemption:
    """The one transaction that writes a redemption and everything that belongs to it.
    ``decision`` None: offline, within the effective offline allowance."""
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFoundError("volunteer.unknown")
    lines, problems = _cart_lines(session, volunteer_id, cart, config.timezone, now)
    if problems:
        raise problems[0]
    total = sum(line.points for line in lines)
    online = decision is not None
    unconfirmed, unconfirmed_offline = unconfirmed_totals(session, volunteer_id)
    if not online:
        balance = volunteer.central_balance + unconfirmed
        if total > balance:
            raise InsufficientPointsError(need=total, have=balance)
        settings = effective(session, config)
        allowed = offline_allowance(
            session,
            volunteer_id,
            settings,
            config.timezone,
            now,
            spent_offline=-unconfirmed_offline,
        )
        if total > allowed:
            raise ConflictError("redeem.offline_limit", limit=allowed, need=total)
    if decision is not None and decision.balance_after is not None:
        volunteer.central_balance = decision.balance_after
        volunteer.balance_as_of = decision.as_of or now
    # The balance after: central's (already debited when online) plus what central has not
    # counted yet; an offline debit is one of those, an online one is confirmed.
    balance_after = volunteer.central_balance + unconfirmed - (0 if online else total)
    redemption = Redemption(
        id=redemption_id,
        volunteer=volunteer,  # the receipt names them without another query
        pickup_code=_new_pickup_code(session),
        total_points=total,
        balance_after=balance_after,
        mode="online" if online else "offline",
        created_at=now,
    )
    redemption.lines = [
        RedemptionLine(sku=ln.sku, name=ln.name, qty=ln.qty, points_each=ln.points_each)
        for ln in lines
    ]
    session.add(redemption)
    # The ledger row refers to the redemption by a bare foreign key (no relationship), so
    # the unit of work does not order the two inserts: write the redemption first.
    session.flush()
    session.add(
        LedgerEntry(
            volunteer_id=volunteer_id,
            delta=-total,
            reason="redemption",
            redemption_id=redemption_id,
            offline=not online,
            confirmed=online,
            created_at=now,
        )
    )
    for ln in lines:
        record_movement(
            session, ln.sku, -ln.qty, "redemption", redemption_id=redemption_id, now=now
        )
    emit(
        session,
        "redemption.made",
        {
            "redemption_id": redemption_id,
            "volunteer_id": volunteer_id,
            "pickup_code": redemption.pickup_code,
            "mode": redemption.mode,
            "total_points": total,
            "lines": [
                {"sku": ln.sku, "qty": ln.qty, "points_each": ln.points_each} for ln in lines
            ],
            "at": iso(now),
            # The code it was made with: central checks it (signature, expiry at the
            # time of the redemption, revocation, volunteer) before moving a balance.
            **({"code": proof.code} if proof is not None and proof.kind == "code" else {}),
        },
        occurred_at=now,
    )
    intent = session.get(RedemptionIntent, redemption_id)
    if intent is not None:
        _close(intent, "committed", redemption.mode, now)
    return redemption


def _enqueue_receipt(session: Session, redemption: Redemption, config: Config) -> str:
    from kiosk import print_queue, receipts

    job = print_queue.enqueue(
        session, "redemption", redemption.id, receipts.redemption_receipt(redemption, config)
    )
    return job.id


def redeem(
    store: Store,
    volunteer_id: str,
    cart: Mapping[str, int],
    authoriser: Authoriser | None,
    config: Config,
    now: datetime | None = None,
    *,
    proof: Proof | None = None,
) -> RedemptionResult:
    """Redeem ``cart`` for the volunteer; ``proof`` is what identified them. The offline
    allowance and every other policy come from ``kiosk.settings.effective``."""
    now = now or utcnow()
    cart = {sku: qty for sku, qty in cart.items() if qty}
    redemption_id = new_id()
    if authoriser is None:  # a station without a server: offline by design
        if proof is not None and proof.online_only:
            raise KioskError("card.online_only")
        return _commit(store, redemption_id, volunteer_id, cart, None, config, now, proof)
    with _in_flight_lock:
        _in_flight.add(redemption_id)
    try:
        decision = _ask_central(
            store, authoriser, redemption_id, volunteer_id, cart, config, now, proof
        )
        if decision is None and proof is not None and proof.online_only:
            _void(store, redemption_id, "card_pin_offline")
            raise KioskError("card.online_only")
        try:
            return _commit(store, redemption_id, volunteer_id, cart, decision, config, now, proof)
        except BaseException:
            # Approved, or the answer was lost: a hold may be waiting either way. The old
            # rule voided only after an approval and stranded the lost-answer holds.
            _void(store, redemption_id, "local_commit_failed" if decision else "offline_refused")
            raise
    finally:
        with _in_flight_lock:
            _in_flight.discard(redemption_id)


def _ask_central(
    store: Store,
    authoriser: Authoriser,
    redemption_id: str,
    volunteer_id: str,
    cart: Mapping[str, int],
    config: Config,
    now: datetime,
    proof: Proof | None,
) -> AuthDecision | None:
    """Check the cart, write the intent, ask central. Returns the approval, or None when
    the answer is uncertain; raises for a refusal (the intent is closed: no hold)."""
    # Only what central is asked to hold needs checking first (without the write lock:
    # the call may take seconds); the commit checks everything again.
    with store.read() as session:
        if session.get(Volunteer, volunteer_id) is None:
            raise NotFoundError("volunteer.unknown")
        lines, problems = _cart_lines(session, volunteer_id, cart, config.timezone, now)
        if problems:
            raise problems[0]
    total = sum(line.points for line in lines)
    wire_lines = [{"sku": ln.sku, "qty": ln.qty, "points_each": ln.points_each} for ln in lines]
    with store.begin() as session:
        session.add(
            RedemptionIntent(
                redemption_id=redemption_id,
                volunteer_id=volunteer_id,
                total_points=total,
                lines=wire_lines,
                proof_kind=proof.kind if proof is not None else "none",
                state="open",
                boot_id=BOOT_ID,
                created_at=now,
            )
        )
    request = AuthRequest(redemption_id, volunteer_id, total, wire_lines, proof)
    try:
        decision = authoriser.authorise(request)
    except CentralUnreachable as exc:
        log.info("authorise %s uncertain (%s): offline path", redemption_id, exc)
        resolve_open_intents(store)  # any other intent a crash or a failed void left open
        return None
    except KioskError as exc:  # central refused the proof: a definite no, no hold
        _settle(store, redemption_id, "declined", exc.key)
        raise
    except BaseException:
        _void(store, redemption_id, "authorise_failed")
        raise
    if not decision.approved:
        _settle(store, redemption_id, "declined", decision.reason or "declined")
        raise _declined(store, volunteer_id, decision, total)
    return decision


def _commit(
    store: Store,
    redemption_id: str,
    volunteer_id: str,
    cart: Mapping[str, int],
    decision: AuthDecision | None,
    config: Config,
    now: datetime,
    proof: Proof | None,
) -> RedemptionResult:
    with store.begin() as session:
        redemption = commit_redemption(
            session,
            redemption_id,
            volunteer_id,
            cart,
            decision=decision,
            config=config,
            now=now,
            proof=proof,
        )
        job_id = _enqueue_receipt(session, redemption, config)
    log.info(
        "redemption %s: %d points, %s", redemption_id, redemption.total_points, redemption.mode
    )
    return RedemptionResult(
        redemption_id=redemption_id,
        pickup_code=redemption.pickup_code,
        total=redemption.total_points,
        balance_after=redemption.balance_after,
        mode=redemption.mode,
        print_job_id=job_id,
    )


def _close(intent: RedemptionIntent, state: str, outcome: str, now: datetime | None = None) -> None:
    intent.state = state
    intent.outcome = outcome[:80]
    intent.resolved_at = now or utcnow()


def _settle(store: Store, redemption_id: str, state: str, outcome: str) -> None:
    """Close an intent that needs nothing sent (central declined: it holds nothing)."""
    with store.begin() as session:
        intent = session.get(RedemptionIntent, redemption_id)
        if intent is not None and intent.state == "open":
            _close(intent, state, outcome)


def _void(store: Store, redemption_id: str, reason: str) -> None:
    """Release whatever central may hold for ``redemption_id``: ``redemption.voided`` goes
    out through the outbox, written with the intent's closing in one transaction. Should
    this fail too (disk full), the intent stays open and the next resolution voids it."""
    try:
        with store.begin() as session:
            _void_in(session, redemption_id, reason)
    except Exception:
        log.exception("void of %s failed: left for the resolver", redemption_id)
        return
    log.warning("redemption %s voided at central: %s", redemption_id, reason)


def _void_in(session: Session, redemption_id: str, reason: str) -> None:
    intent = session.get(RedemptionIntent, redemption_id)
    if session.get(Redemption, redemption_id) is not None:
        # Committed after all (the failure came after the commit): its redemption.made
        # captures the hold; a void now would release points already handed over.
        if intent is not None and intent.state == "open":
            _close(intent, "committed", "found_at_void")
        return
    emit(session, "redemption.voided", {"redemption_id": redemption_id, "reason": reason})
    if intent is not None:
        _close(intent, "voided", reason)


def resolve_open_intents(store: Store) -> dict[str, int]:
    """Resolve every open intent not under way in this process: ``committed`` if its
    redemption was written (its ``redemption.made`` captures the hold), otherwise
    ``voided`` with a ``redemption.voided`` in the outbox (the volunteer left without the
    gifts: the kiosk died or the answer was lost before anything was handed over).
    Runs at start (off the UI thread) and after every uncertain answer. Returns counts."""
    counts = {"committed": 0, "voided": 0}
    with store.begin() as session:
        open_ids = list(
            session.scalars(
                select(RedemptionIntent.redemption_id).where(RedemptionIntent.state == "open")
            )
        )
        with _in_flight_lock:
            open_ids = [rid for rid in open_ids if rid not in _in_flight]
        for rid in open_ids:
            intent = session.get(RedemptionIntent, rid)
            assert intent is not None
            if session.get(Redemption, rid) is not None:
                _close(intent, "committed", "found_at_resolution")
                counts["committed"] += 1
            else:
                _void_in(session, rid, "resolved_open_intent")
                counts["voided"] += 1
    if open_ids:
        log.warning("open redemption intents resolved: %s", counts)
    return counts
