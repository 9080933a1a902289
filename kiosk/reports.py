"""Today's figures for staff and the end-of-day report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.clock import to_utc_naive
from kiosk.stock import stock_levels
from kiosk.store.models import Gift, Redemption, RedemptionLine, ServiceOrder, StockMovement


@dataclass(frozen=True)
class DayFigures:
    day: date
    orders_by_status: dict[str, int]
    orders_total: int
    residents_served: int  # distinct phone numbers among today's orders (服务人数)
    services: list[tuple[str, int]]  # (service name, orders), most first (服务内容)
    redemptions: int
    volunteers_redeemed: int  # 参与人数
    points_redeemed: int
    top_gifts: list[tuple[str, int]]  # (gift name, items), most first
    restocked_items: int
    stock: dict[str, int] = field(default_factory=dict)
    # top_gifts by the gift's English name (its Chinese one where it has none)
    top_gifts_en: list[tuple[str, int]] = field(default_factory=list)


def day_bounds(day: date, zone_name: str) -> tuple[datetime, datetime]:
    from zoneinfo import ZoneInfo

    start = datetime.combine(day, time.min, tzinfo=ZoneInfo(zone_name))
    return to_utc_naive(start), to_utc_naive(start + timedelta(days=1))


def day_figures(session: Session, day: date, zone_name: str = "Asia/Shanghai") -> DayFigures:
    start, end = day_bounds(day, zone_name)
    orders = list(
        session.scalars(
            select(ServiceOrder).where(
                ServiceOrder.created_at >= start, ServiceOrder.created_at < end
            )
        )
    )
    by_status = Counter(o.status for o in orders)
    services = Counter(o.service.name for o in orders)
    redemptions = list(
        session.scalars(
            select(Redemption).where(
                Redemption.created_at >= start,
                Redemption.created_at < end,
                Redemption.status == "done",
            )
        )
    )
    top = session.execute(
        select(
            RedemptionLine.name,
            func.max(Gift.name_en),  # a gift since removed from the catalogue has none
            func.sum(RedemptionLine.qty).label("n"),
        )
        .join(Redemption, Redemption.id == RedemptionLine.redemption_id)
        .outerjoin(Gift, Gift.sku == RedemptionLine.sku)
        .where(
            Redemption.created_at >= start, Redemption.created_at < end, Redemption.status == "done"
        )
        .group_by(RedemptionLine.name)
        .order_by(func.sum(RedemptionLine.qty).desc())
        .limit(5)
    ).all()
    restocked = (
        session.scalar(
            select(func.coalesce(func.sum(StockMovement.delta), 0)).where(
                StockMovement.kind == "restock",
                # made by staff: the stock a new (or demo) station starts with has no one
                StockMovement.staff_id.is_not(None),
                StockMovement.at >= start,
                StockMovement.at < end,
            )
        )
        or 0
    )
    return DayFigures(
        day=day,
        orders_by_status=dict(by_status),
        orders_total=len(orders),
        residents_served=len({o.phone_last4 + o.honorific for o in orders}),
        services=services.most_common(),
        redemptions=len(redemptions),
        volunteers_redeemed=len({r.volunteer_id for r in redemptions}),
        points_redeemed=sum(r.total_points for r in redemptions),
        top_gifts=[(name, int(n)) for name, _en, n in top],
        top_gifts_en=[(en or name, int(n)) for name, en, n in top],
        restocked_items=int(restocked),
        stock=stock_levels(session),
    )
