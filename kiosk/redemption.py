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

import functools
import logging
import secrets
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
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
from kiosk.gifts import day_start_utc
from kiosk.outbox import emit, emit_rows
from kiosk.proof import CentralUnreachable, Proof, ProofRefused  # noqa: F401 (re-exported)
from kiosk.settings import effective_read
from kiosk.store import raw
from kiosk.store.db import Store
from kiosk.store.models import (
    Redemption,
    RedemptionIntent,
    RedemptionLine,
    Volunteer,
    new_id,
)
from kiosk.volunteers import allowance, balance_facts

log = logging.getLogger(__name__)

MAX_QTY = 99

# The redemption's statements run on the session's sqlite3 connection (kiosk.store.raw):
# the commit asks and writes all of this while it holds the write lock, and through the
# ORM the Python around ~20 statements cost ~9 ms per redemption on the aged store, against
# ~1 ms for SQLite itself. Every read is an indexed look-up of one volunteer, one day or
# the cart's gifts (kiosk.volunteers.balance_facts, _cart_sql): none grows with the store's
# history (tests/kiosk/test_redemption_sql.py checks the plans).


@functools.lru_cache(maxsize=32)
def _cart_sql(n: int) -> str:
    """The cart's gifts with their stock, whether this station carries them and, for a gift
    with a per-day limit, how many this volunteer took today: one statement for ``n`` skus."""
    marks = ", ".join(f":s{i}" for i in range(n))
    return f"""
SELECT g.sku, g.name, g.points, g.per_volunteer_limit, g.active,
  coalesce(l.level, 0), coalesce(c.carried, 1), g.name_en,
  CASE WHEN g.per_volunteer_limit > 0 THEN (
    SELECT coalesce(sum(rl.qty), 0) FROM redemptions r
    JOIN redemption_lines rl ON rl.redemption_id = r.id
    WHERE r.volunteer_id = :v AND r.status = 'done' AND r.created_at >= :since
      AND r.created_at < :until AND rl.sku = g.sku) ELSE 0 END
FROM gifts g LEFT JOIN stock_levels l ON l.sku = g.sku
LEFT JOIN gift_carrying c ON c.sku = g.sku
WHERE g.sku IN ({marks})
"""


_PICKUP_TAKEN = "SELECT 1 FROM redemptions WHERE pickup_code = ?"
_INSERT_REDEMPTION = (
    "INSERT INTO redemptions (id, volunteer_id, pickup_code, total_points, balance_after, "
    "mode, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'done', ?)"
)
_INSERT_LINE = (
    "INSERT INTO redemption_lines (redemption_id, sku, name, qty, points_each) "
    "VALUES (?, ?, ?, ?, ?)"
)
_INSERT_LEDGER = (
    "INSERT INTO ledger_entries (id, volunteer_id, delta, reason, redemption_id, offline, "
    "confirmed, created_at) VALUES (?, ?, ?, 'redemption', ?, ?, ?, ?)"
)
# The stock_levels triggers (migration 0004) keep each gift's level in the same statement.
_INSERT_MOVEMENT = (
    "INSERT INTO stock_movements (id, sku, delta, kind, reason, staff_id, redemption_id, at) "
    "VALUES (?, ?, ?, 'redemption', '', NULL, ?, ?)"
)
_CENTRAL_BALANCE = "UPDATE volunteers SET central_balance = ?, balance_as_of = ? WHERE id = ?"
_CLOSE_INTENT = (
    "UPDATE redemption_intents SET state = 'committed', outcome = ?, resolved_at = ? "
    "WHERE redemption_id = ?"
)


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
    name_en: str = ""
    # For the cart's "+": the stock left, the per-day limit (0: none) and how many the
    # volunteer already took today, as this quote read them.
    left: int = MAX_QTY
    limit: int = 0
    taken: int = 0

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

    def why_not_more(self, sku: str, cart: Mapping[str, int]) -> tuple[str, dict[str, Any]] | None:
        """Why one more of ``sku`` would be refused (a message key and its parameters), with
        the cart as it stands now (taps the quote has not seen yet count too); None if
        another one is fine."""
        line = next((ln for ln in self.lines if ln.sku == sku), None)
        if line is None:
            return None
        qty = cart.get(sku, line.qty)
        if line.limit and line.taken + qty >= line.limit:
            return "cart.limit_reached", {"limit": line.limit}
        if qty >= min(line.left, MAX_QTY):
            return "cart.stock_all", {"left": max(line.left, 0)}
        spent = sum(cart.get(ln.sku, ln.qty) * ln.points_each for ln in self.lines)
        if spent + line.points_each > self.balance:
            return "gift.unaffordable", {}
        return None


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

    One statement whatever the cart holds: the commit runs this under the write lock."""
    lines: list[Line] = []
    problems: list[KioskError] = []
    skus = [sku for sku in cart if isinstance(sku, str)]
    facts: dict[str, Any] = {}
    if skus:
        since = day_start_utc(now, zone)  # per-volunteer limits are per local day
        params: dict[str, Any] = {
            "v": volunteer_id,
            "since": raw.dt(since),
            "until": raw.dt(since + timedelta(days=1)),
        }
        params.update({f"s{i}": sku for i, sku in enumerate(skus)})
        rows = raw.dbapi(session).execute(_cart_sql(len(skus)), params)
        facts = {row[0]: row for row in rows}
    for sku, qty in cart.items():
        row = facts.get(sku)
        # row: sku, name, points, per-volunteer limit, active, stock, carried, name_en,
        # taken today
        if row is None or not row[4] or not row[6]:
            problems.append(NotFoundError("redeem.gift_unknown"))
            continue
        if isinstance(qty, bool) or not isinstance(qty, int) or not 0 < qty <= MAX_QTY:
            problems.append(ValidationError("redeem.qty_invalid"))
            continue
        name, points, limit, left, taken = row[1], int(row[2]), int(row[3]), int(row[5]), row[8]
        if qty > left:
            problems.append(OutOfStockError(name=name, left=max(left, 0)))
        if limit and int(taken) + qty > limit:
            problems.append(LimitExceededError(name=name, limit=limit))
        lines.append(
            Line(
                sku=sku,
                name=name,
                qty=qty,
                points_each=points,
                name_en=row[7] or "",
                left=left,
                limit=limit,
                taken=int(taken),
            )
        )
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
    balance = balance_facts(session, volunteer_id, now).balance
    lines, problems = _cart_lines(session, volunteer_id, cart, zone, now)
    total = sum(line.points for line in lines)
    if total > balance:
        problems.append(InsufficientPointsError(need=total, have=balance))
    return Quote(
        lines=lines, total=total, balance=balance, balance_after=balance - total, problems=problems
    )


def _new_pickup_code(conn: sqlite3.Connection) -> str:
    for _ in range(20):
        code = f"{secrets.randbelow(10**6):06d}"
        if conn.execute(_PICKUP_TAKEN, (code,)).fetchone() is None:
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
    if decision.reason == "over_limit":
        # Central counted more of a limited gift today than this kiosk's store knows of.
        return ConflictError("redeem.limit_at_central")
    if decision.reason == "price_changed":
        # This kiosk's price list is behind central's: the next pull brings the new one.
        return ConflictError("redeem.price_changed")
    if decision.reason == "not_carried":
        # Taken off this station's shelf (or withdrawn) at central; the next pull hides it.
        return ConflictError("redeem.gift_unknown")
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
    ``decision`` None: offline, within the effective offline allowance.

    Written with plain statements on the session's connection (``kiosk.store.raw``), so
    the returned ``Redemption`` (with its lines and volunteer, for the receipt) is a
    detached copy of what was written, not an object of ``session``."""
    conn = raw.dbapi(session)
    facts = balance_facts(session, volunteer_id, now)
    lines, problems = _cart_lines(session, volunteer_id, cart, config.timezone, now)
    if problems:
        raise problems[0]
    total = sum(line.points for line in lines)
    online = decision is not None
    if not online:
        if total > facts.balance:
            raise InsufficientPointsError(need=total, have=facts.balance)
        allowed = allowance(
            effective_read(session, config), -facts.unconfirmed_offline, facts.offline_today
        )
        if total > allowed:
            raise ConflictError("redeem.offline_limit", limit=allowed, need=total)
    central_balance = facts.central_balance
    if decision is not None and decision.balance_after is not None:
        central_balance = decision.balance_after
        conn.execute(
            _CENTRAL_BALANCE, (central_balance, raw.dt(decision.as_of or now), volunteer_id)
        )
    # The balance after: central's (already debited when online) plus what central has not
    # counted yet; an offline debit is one of those, an online one is confirmed.
    balance_after = central_balance + facts.unconfirmed - (0 if online else total)
    mode = "online" if online else "offline"
    pickup_code = _new_pickup_code(conn)
    at = raw.dt(now)
    conn.execute(
        _INSERT_REDEMPTION,
        (redemption_id, volunteer_id, pickup_code, total, balance_after, mode, at),
    )
    conn.executemany(
        _INSERT_LINE, [(redemption_id, ln.sku, ln.name, ln.qty, ln.points_each) for ln in lines]
    )
    conn.execute(
        _INSERT_LEDGER, (new_id(), volunteer_id, -total, redemption_id, not online, online, at)
    )
    movements = [(new_id(), ln.sku, -ln.qty) for ln in lines]
    conn.executemany(
        _INSERT_MOVEMENT, [(mid, sku, delta, redemption_id, at) for mid, sku, delta in movements]
    )
    stamp = iso(now)
    events: list[tuple[str, dict[str, Any], datetime]] = [
        (
            "stock.moved",
            {
                "movement_id": mid,
                "sku": sku,
                "delta": delta,
                "kind": "redemption",
                "reason": "",
                "staff_id": None,
                "at": stamp,
            },
            now,
        )
        for mid, sku, delta in movements
    ]
    events.append(
        (
            "redemption.made",
            {
                "redemption_id": redemption_id,
                "volunteer_id": volunteer_id,
                "pickup_code": pickup_code,
                "mode": mode,
                "total_points": total,
                "lines": [
                    {"sku": ln.sku, "qty": ln.qty, "points_each": ln.points_each} for ln in lines
                ],
                "at": stamp,
                # The code it was made with: central checks it (signature, expiry at the
                # time of the redemption, revocation, volunteer) before moving a balance.
                **({"code": proof.code} if proof is not None and proof.kind == "code" else {}),
            },
            now,
        )
    )
    emit_rows(session, events)
    # An intent (online, or an uncertain answer) is closed in the same transaction.
    conn.execute(_CLOSE_INTENT, (mode, raw.dt(now), redemption_id))
    redemption = Redemption(
        id=redemption_id,
        volunteer_id=volunteer_id,
        pickup_code=pickup_code,
        total_points=total,
        balance_after=balance_after,
        mode=mode,
        status="done",
        created_at=now,
    )
    redemption.volunteer = Volunteer(id=volunteer_id, masked_name=facts.masked_name)
    redemption.lines = [
        RedemptionLine(sku=ln.sku, name=ln.name, qty=ln.qty, points_each=ln.points_each)
        for ln in lines
    ]
    return redemption


def _enqueue_receipt(session: Session, redemption: Redemption, config: Config) -> str:
    from kiosk import print_queue, receipts

    return print_queue.enqueue_row(
        session, "redemption", redemption.id, receipts.redemption_receipt(redemption, config)
    )


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
        balance_facts(session, volunteer_id, now)  # raises for an unknown volunteer
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
