"""The gift catalogue as a volunteer sees it: price, stock, limits, and why a gift is greyed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.clock import to_local, to_utc_naive, utcnow
from kiosk.stock import stock_levels
from kiosk.store.models import Gift, Redemption, RedemptionLine
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


def gift_views(
    session: Session,
    volunteer_id: str | None,
    cart: Mapping[str, int] | None = None,
    zone_name: str = "Asia/Shanghai",
    now: datetime | None = None,
) -> list[GiftView]:
    """Every active gift as this volunteer may take it now, in shelf order.

    A fixed handful of set-based queries whatever the catalogue size; the gifts are read as
    plain rows, not ORM objects: at 2,000 gifts loading entities (identity map, attribute
    instrumentation) was most of the time, and this runs again on every tap of Add.
    """
    cart = dict(cart or {})
    rows = session.execute(
        select(
            Gift.sku,
            Gift.name,
            Gift.name_en,
            Gift.category,
            Gift.points,
            Gift.per_volunteer_limit,
            Gift.image_path,
        )
        .where(Gift.active)
        .order_by(Gift.sort, Gift.sku)
    ).all()
    levels = stock_levels(session)
    points = {row.sku: row.points for row in rows}
    spent = sum(points[s] * q for s, q in cart.items() if s in points)
    if volunteer_id is None:
        left, taken = None, {}
    else:
        left = available_balance(session, volunteer_id) - spent
        taken = taken_today(session, volunteer_id, zone_name, now)
    views = []
    for sku, name, name_en, category, price, limit, image_path in rows:
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
