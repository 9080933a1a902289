"""The gift catalogue as a volunteer sees it: price, stock, limits, and why a gift is greyed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.clock import to_local, to_utc_naive, utcnow
from kiosk.store.models import GiftCarrying
from kiosk.volunteers import available_balance


class GiftView(NamedTuple):
    """One gift as a volunteer may take it now. A named tuple, not a frozen dataclass: the
    shelf makes 2,000 of these on every load and every tap of Add, and a frozen dataclass
    costs about ten times as much to make (~5 ms for the shelf, on the worker that the next
    scan waits for)."""

    sku: str
    name: str
    name_en: str
    category: str
    points: int
    stock: int
    limit: int  # per volunteer per day; 0 = no limit
    taken_today: int  # by this volunteer, before the current cart
    in_cart: int
    image_path: str
    available: bool  # one more may be added to the cart
    reason_key: str | None  # why not: gift.out_of_stock | gift.unaffordable | gift.limit_reached


def day_start_utc(now: datetime, zone_name: str) -> datetime:
    """The start of the station's local day containing ``now``, as naive UTC."""
    midnight = to_local(now, zone_name).replace(hour=0, minute=0, second=0, microsecond=0)
    return to_utc_naive(midnight)


# On the session's driver connection, like the shelf's other reads: an ORM select here
# was the first statement of a volunteer's shelf that needed the ORM's mappers, so the
# first shelf after a start configured every mapper (~45 ms) and compiled the select
# (~10 ms) on the worker the first paint of the grid waits for. The per-day index
# (``ix_redemptions_volunteer_day``) finds the volunteer's redemptions of the day.
_TAKEN_TODAY = """
SELECT l.sku, sum(l.qty)
FROM redemptions r JOIN redemption_lines l ON l.redemption_id = r.id
WHERE r.volunteer_id = :volunteer_id AND r.status = 'done'
  AND r.created_at >= :since AND r.created_at < :until
GROUP BY l.sku
"""


def taken_today(
    session: Session, volunteer_id: str, zone_name: str, now: datetime | None = None
) -> dict[str, int]:
    """Items of each gift this volunteer redeemed since local midnight (limits are per day).
    The session's own unflushed changes are flushed first, so it reads what the ORM would."""
    from kiosk.store import raw

    since = day_start_utc(now or utcnow(), zone_name)
    session.flush()
    rows = raw.dbapi(session).execute(
        _TAKEN_TODAY,
        {
            "volunteer_id": volunteer_id,
            "since": raw.dt(since),
            "until": raw.dt(since + timedelta(days=1)),
        },
    )
    return {sku: int(qty) for sku, qty in rows}


# Gifts central says this station does not carry (console: 哪些站点有); they stay in the
# catalogue (a redemption or a report may name one) but never reach the shelf or a cart.
NOT_CARRIED = select(GiftCarrying.sku).where(GiftCarrying.carried.is_(False))


def not_carried(session: Session, skus: list[str]) -> set[str]:
    """Which of ``skus`` this station does not carry."""
    if not skus:
        return set()
    query = NOT_CARRIED.where(GiftCarrying.sku.in_(skus))
    return set(session.scalars(query))


@dataclass(frozen=True)
class ShelfFacts:
    """What the store says about the shelf for one volunteer, read in one snapshot;
    ``views`` builds the gift views from it without the store."""

    # sku, name, name_en, category, points, per-volunteer limit, image path, stock; in order
    rows: list[tuple[str, str, str, str, int, int, str, int]]
    balance: int | None  # None: no volunteer (nothing is unaffordable)
    taken: dict[str, int]

    def views(self, cart: Mapping[str, int] | None = None) -> list[GiftView]:
        cart = dict(cart or {})
        taken = self.taken
        left = None
        if self.balance is not None:
            points = {row[0]: row[4] for row in self.rows} if cart else {}
            left = self.balance - sum(points[s] * q for s, q in cart.items() if s in points)
        views = []
        for sku, name, name_en, category, price, limit, image_path, stock in self.rows:
            in_cart, had = cart.get(sku, 0), taken.get(sku, 0)
            reason = None
            if stock - in_cart <= 0:
                reason = "gift.out_of_stock"
            elif limit and had + in_cart >= limit:
                reason = "gift.limit_reached"
            elif left is not None and price > left:
                reason = "gift.unaffordable"
            views.append(
                GiftView(
                    sku,
                    name,
                    name_en,
                    category,
                    price,
                    stock,
                    limit,
                    had,
                    in_cart,
                    image_path,
                    reason is None,
                    reason,
                )
            )
        return views


# Every gift the shelf shows with its stock, in shelf order: plain tuples straight from the
# driver (at 2,000 gifts SQLAlchemy's result rows alone were ~5 ms of the shelf's ~25, and
# the shelf is read again on every tap of Add).
_SHELF_ROWS = """
SELECT g.sku, g.name, g.name_en, g.category, g.points, g.per_volunteer_limit, g.image_path,
  coalesce(l.level, 0)
FROM gifts g LEFT JOIN stock_levels l ON l.sku = g.sku
WHERE g.active = 1 AND g.sku NOT IN (SELECT c.sku FROM gift_carrying c WHERE c.carried = 0)
ORDER BY g.sort, g.sku
"""


def shelf_facts(
    session: Session,
    volunteer_id: str | None,
    zone_name: str = "Asia/Shanghai",
    now: datetime | None = None,
    *,
    balance: int | None = None,
) -> ShelfFacts:
    """A fixed handful of small queries whatever the catalogue size. ``balance``: the
    volunteer's available balance when the caller has read it already (the shelf has,
    for the volunteer card)."""
    from kiosk.store import raw

    session.flush()  # a query on the connection does not autoflush: see this session's changes
    rows = raw.dbapi(session).execute(_SHELF_ROWS).fetchall()
    if volunteer_id is None:
        balance, taken = None, {}
    else:
        if balance is None:
            balance = available_balance(session, volunteer_id)
        taken = taken_today(session, volunteer_id, zone_name, now)
    return ShelfFacts(rows=rows, balance=balance, taken=taken)


def gift_views(
    session: Session,
    volunteer_id: str | None,
    cart: Mapping[str, int] | None = None,
    zone_name: str = "Asia/Shanghai",
    now: datetime | None = None,
) -> list[GiftView]:
    """Every active gift as this volunteer may take it now (with ``cart`` chosen), in shelf
    order, greyed with the reason when one more cannot be added."""
    return shelf_facts(session, volunteer_id, zone_name, now).views(cart)
