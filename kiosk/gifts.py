"""The gift catalogue as a volunteer sees it: price, stock, limits, and why a gift is greyed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.clock import to_local, to_utc_naive, utcnow
from kiosk.store.models import Gift, Redemption, RedemptionLine, StockMovement
from kiosk.volunteers import available_balance


@dataclass(frozen=True)
class GiftView:
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


def taken_today(
    session: Session, volunteer_id: str, zone_name: str, now: datetime | None = None
) -> dict[str, int]:
    """Items of each gift this volunteer redeemed since local midnight (limits are per day)."""
    since = day_start_utc(now or utcnow(), zone_name)
    rows = session.execute(
        select(RedemptionLine.sku, func.sum(RedemptionLine.qty))
        .join(Redemption, Redemption.id == RedemptionLine.redemption_id)
        .where(
            Redemption.volunteer_id == volunteer_id,
            Redemption.status == "done",
            Redemption.created_at >= since,
            Redemption.created_at < since + timedelta(days=1),
        )
        .group_by(RedemptionLine.sku)
    )
    return {sku: int(qty) for sku, qty in rows}


@dataclass(frozen=True)
class ShelfFacts:
    """What the store says about the shelf for one volunteer, read in one short transaction;
    ``views`` builds the gift views from it without the store."""

    rows: list[
        tuple[str, str, str, str, int, int, str]
    ]  # sku, names, category, points, limit, image
    levels: dict[str, int]
    balance: int | None  # None: no volunteer (nothing is unaffordable)
    taken: dict[str, int]

    def views(self, cart: Mapping[str, int] | None = None) -> list[GiftView]:
        cart = dict(cart or {})
        points = {row[0]: row[4] for row in self.rows}
        spent = sum(points[s] * q for s, q in cart.items() if s in points)
        left = None if self.balance is None else self.balance - spent
        levels, taken = self.levels, self.taken
        views = []
        for sku, name, name_en, category, price, limit, image_path in self.rows:
            stock, in_cart, had = levels.get(sku, 0), cart.get(sku, 0), taken.get(sku, 0)
            reason = None
            if stock - in_cart <= 0:
                reason = "gift.out_of_stock"
            elif limit and had + in_cart >= limit:
                reason = "gift.limit_reached"
            elif left is not None and price > left:
                reason = "gift.unaffordable"
            views.append(
                GiftView(
                    sku=sku,
                    name=name,
                    name_en=name_en,
                    category=category,
                    points=price,
                    stock=stock,
                    limit=limit,
                    taken_today=had,
                    in_cart=in_cart,
                    image_path=image_path,
                    available=reason is None,
                    reason_key=reason,
                )
            )
        return views


def shelf_facts(
    session: Session,
    volunteer_id: str | None,
    zone_name: str = "Asia/Shanghai",
    now: datetime | None = None,
) -> ShelfFacts:
    """Four small set-based queries whatever the catalogue size. The gifts come with their
    stock in one query, as plain rows on the session's connection (no ORM objects, no ORM
    result layer): at 2,000 gifts loading entities was most of the time, this runs again on
    every tap of Add, and every store transaction holds the write lock while it runs."""
    level = (
        select(func.coalesce(func.sum(StockMovement.delta), 0))
        .where(StockMovement.sku == Gift.sku)
        .correlate(Gift)
        .scalar_subquery()
    )
    session.flush()  # a query on the connection does not autoflush: see this session's changes
    rows = session.connection().execute(
        select(
            Gift.sku,
            Gift.name,
            Gift.name_en,
            Gift.category,
            Gift.points,
            Gift.per_volunteer_limit,
            Gift.image_path,
            level,
        )
        .where(Gift.active)
        .order_by(Gift.sort, Gift.sku)
    )
    gifts, levels = [], {}
    for *gift, stock in rows:
        gifts.append(tuple(gift))
        levels[gift[0]] = int(stock)
    if volunteer_id is None:
        balance, taken = None, {}
    else:
        balance = available_balance(session, volunteer_id)
        taken = taken_today(session, volunteer_id, zone_name, now)
    return ShelfFacts(rows=gifts, levels=levels, balance=balance, taken=taken)  # type: ignore[arg-type]


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
