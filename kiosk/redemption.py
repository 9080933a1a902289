"""积分兑换: a volunteer's cart becomes one redemption, online first and bounded offline.

``redeem`` takes the Store, not a Session, because central's authorisation is a network
call that must not hold the database's write lock:

1. when central is to be asked, a read (no write lock) checks the cart first (gifts,
   stock, per-day limits), so central never debits for a cart the kiosk would refuse;
2. central authorises and debits atomically (``Authoriser``); if it does not answer in
   time, the kiosk goes offline against its cached balance, within the offline limit;
3. one write transaction re-checks stock and limits and writes everything: redemption,
   lines, ledger debit, stock movements, outbox events, print job. All or nothing.

If step 3 fails after central approved, a ``redemption.voided`` event refunds it.
"""

from __future__ import annotations

import logging
import secrets
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
from kiosk.gifts import taken_today
from kiosk.outbox import emit
from kiosk.stock import record_movement, stock_levels_of
from kiosk.store.db import Store
from kiosk.store.models import Gift, LedgerEntry, Redemption, RedemptionLine, Volunteer, new_id
from kiosk.volunteers import available_balance, unconfirmed_totals

log = logging.getLogger(__name__)

MAX_QTY = 99

# Built once (SQLAlchemy keeps their cache keys): the commit runs them under the write lock.
_GIFTS_IN = select(Gift).where(Gift.sku.in_(bindparam("skus", expanding=True)))
_PICKUP_TAKEN = select(Redemption.id).where(Redemption.pickup_code == bindparam("code"))
PICKUP_PREFIX = "KIOSK-PICKUP:"


@dataclass(frozen=True)
class AuthRequest:
    redemption_id: str
    volunteer_id: str
    total_points: int
    lines: list[dict[str, Any]]


@dataclass(frozen=True)
class AuthDecision:
    approved: bool
    balance_after: int | None = None
    as_of: datetime | None = None
    reason: str = ""


class CentralUnreachable(KioskError):
    """Central did not answer in time, or answered nonsense: redeem offline instead."""

    key = "sync.central_unreachable"


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
    for sku, qty in cart.items():
        gift = gifts.get(sku)
        if gift is None or not gift.active:
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


def pickup_qr_payload(redemption: Redemption) -> str:
    return f"{PICKUP_PREFIX}{redemption.pickup_code}:{redemption.id}"


def _authorise(authoriser: Authoriser | None, request: AuthRequest) -> AuthDecision | None:
    if authoriser is None:
        return None
    try:
        return authoriser.authorise(request)
    except CentralUnreachable as exc:
        log.info("central unreachable for %s (%s): redeeming offline", request.redemption_id, exc)
        return None


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
    offline_limit: int,
    config: Config,
    now: datetime,
) -> Redemption:
    """The one transaction that writes a redemption and everything that belongs to it."""
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
        allowed = max(0, offline_limit + unconfirmed_offline)
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
        },
        occurred_at=now,
    )
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
    offline_limit: int,
    config: Config,
    now: datetime | None = None,
) -> RedemptionResult:
    now = now or utcnow()
    cart = {sku: qty for sku, qty in cart.items() if qty}
    redemption_id = new_id()
    decision: AuthDecision | None = None
    if authoriser is not None:
        # Only what central is asked to debit needs checking first (without the write
        # lock: the call may take seconds); the commit below checks everything again.
        with store.read() as session:
            if session.get(Volunteer, volunteer_id) is None:
                raise NotFoundError("volunteer.unknown")
            lines, problems = _cart_lines(session, volunteer_id, cart, config.timezone, now)
            if problems:
                raise problems[0]
        total = sum(line.points for line in lines)
        request = AuthRequest(
            redemption_id,
            volunteer_id,
            total,
            [{"sku": ln.sku, "qty": ln.qty, "points_each": ln.points_each} for ln in lines],
        )
        decision = _authorise(authoriser, request)
        if decision is not None and not decision.approved:
            raise _declined(store, volunteer_id, decision, total)
    try:
        with store.begin() as session:
            redemption = commit_redemption(
                session,
                redemption_id,
                volunteer_id,
                cart,
                decision=decision,
                offline_limit=offline_limit,
                config=config,
                now=now,
            )
            job_id = _enqueue_receipt(session, redemption, config)
    except Exception:
        if decision is not None:
            _void(store, redemption_id, "local_commit_failed")
        raise
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


def _void(store: Store, redemption_id: str, reason: str) -> None:
    """Central approved and debited, but the kiosk could not record it: give the points back."""
    with store.begin() as session:
        emit(session, "redemption.voided", {"redemption_id": redemption_id, "reason": reason})
    log.warning("redemption %s voided at central: %s", redemption_id, reason)
