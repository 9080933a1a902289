"""Station-local gift stock: a journal of movements, and each gift's current level in
``stock_levels`` (kept by triggers in the same transaction as each movement)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from kiosk.clock import iso, utcnow
from kiosk.errors import NotFoundError, ValidationError
from kiosk.outbox import emit
from kiosk.staff import audit
from kiosk.store.models import Gift, StockLevel, StockMovement, new_id

log = logging.getLogger(__name__)
BARCODE_SHOWN = 14  # characters of an unknown barcode the message repeats (GTIN-14 whole)

MAX_RESTOCK = 100_000


def stock_level(session: Session, sku: str) -> int:
    session.flush()  # a movement added in this session must reach the triggers first
    return int(session.scalar(select(StockLevel.level).where(StockLevel.sku == sku)) or 0)


_LEVELS_OF = select(StockLevel.sku, StockLevel.level).where(
    StockLevel.sku.in_(bindparam("skus", expanding=True))
)


def stock_levels_of(session: Session, skus: Iterable[str]) -> dict[str, int]:
    """Stock of these gifts in one query (0 for a gift with no movements); the statement is
    built once, so the redemption commit only binds the skus."""
    wanted = list(dict.fromkeys(skus))
    levels = dict.fromkeys(wanted, 0)
    if wanted:
        session.flush()
        rows = session.execute(_LEVELS_OF, {"skus": wanted})
        levels.update({sku: int(level) for sku, level in rows})
    return levels


def stock_levels(session: Session) -> dict[str, int]:
    session.flush()
    rows = session.execute(
        select(Gift.sku, func.coalesce(StockLevel.level, 0)).outerjoin(
            StockLevel, StockLevel.sku == Gift.sku
        )
    )
    return {sku: int(level) for sku, level in rows}


def record_movement(
    session: Session,
    sku: str,
    delta: int,
    kind: str,
    *,
    reason: str = "",
    staff_id: str | None = None,
    redemption_id: str | None = None,
    now: datetime | None = None,
) -> StockMovement:
    """One movement plus its outbox event, in the caller's transaction."""
    now = now or utcnow()
    movement = StockMovement(
        id=new_id(),  # known now: no flush just to learn it (the caller may add more)
        sku=sku,
        delta=delta,
        kind=kind,
        reason=reason,
        staff_id=staff_id,
        redemption_id=redemption_id,
        at=now,
    )
    session.add(movement)
    emit(
        session,
        "stock.moved",
        {
            "movement_id": movement.id,
            "sku": sku,
            "delta": delta,
            "kind": kind,
            "reason": reason,
            "staff_id": staff_id,
            "at": iso(now),
        },
        occurred_at=now,
    )
    return movement


def _gift(session: Session, sku: str) -> Gift:
    gift = session.get(Gift, sku)
    if gift is None:
        raise NotFoundError("redeem.gift_unknown")
    return gift


def restock(
    session: Session,
    staff_id: str,
    sku: str,
    qty: int,
    reason: str = "",
    now: datetime | None = None,
) -> StockMovement:
    _gift(session, sku)
    if isinstance(qty, bool) or not isinstance(qty, int) or not 0 < qty <= MAX_RESTOCK:
        raise ValidationError("stock.qty_invalid")
    movement = record_movement(
        session, sku, qty, "restock", reason=reason.strip(), staff_id=staff_id, now=now
    )
    audit(session, staff_id, "stock.restock", sku=sku, qty=qty, movement=movement.id)
    log.info("restock %s +%d by %s", sku, qty, staff_id)
    return movement


def correct_stock(
    session: Session, staff_id: str, sku: str, delta: int, reason: str, now: datetime | None = None
) -> StockMovement:
    """A count that differs from the books: breakage, expiry, a miscount. Needs a reason."""
    _gift(session, sku)
    if (
        isinstance(delta, bool)
        or not isinstance(delta, int)
        or delta == 0
        or abs(delta) > MAX_RESTOCK
    ):
        raise ValidationError("stock.qty_invalid")
    if not reason.strip():
        raise ValidationError("stock.reason_required")
    level = stock_level(session, sku)
    if level + delta < 0:
        raise ValidationError("stock.would_go_negative", level=level)
    movement = record_movement(
        session, sku, delta, "correction", reason=reason.strip(), staff_id=staff_id, now=now
    )
    audit(
        session,
        staff_id,
        "stock.correction",
        sku=sku,
        delta=delta,
        reason=reason.strip(),
        movement=movement.id,
    )
    return movement


def low_stock(session: Session) -> list[tuple[Gift, int]]:
    levels = stock_levels(session)
    gifts = session.scalars(select(Gift).where(Gift.active).order_by(Gift.sort, Gift.sku))
    return [(g, levels.get(g.sku, 0)) for g in gifts if levels.get(g.sku, 0) <= g.low_stock_at]


def find_gift_by_barcode(session: Session, code: str) -> Gift:
    code = (code or "").strip()
    gift = session.scalars(select(Gift).where(Gift.barcode == code)).first()
    if gift is None:
        # A gift's barcode is EAN-13 or so; what else gets scanned here (a volunteer's
        # 177-character code) is cut short, so the message fits the staff screen's one line.
        shown = code if len(code) <= BARCODE_SHOWN else code[: BARCODE_SHOWN - 1] + "…"
        raise NotFoundError("stock.barcode_unknown", code=shown)
    return gift
