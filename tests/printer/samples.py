"""Real receipts made through the real domain: an order, a redemption, a restock, a day.

Used by the template tests and by ``make_previews.py`` (docs/receipts/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from kiosk import orders, receipts, redemption
from kiosk.config import Config
from kiosk.redemption import AuthDecision, AuthRequest
from kiosk.reports import day_figures
from kiosk.stock import restock, stock_level
from kiosk.store.db import Store
from kiosk.store.models import Gift, Redemption, Service, ServiceOrder, Staff, Volunteer
from printer.document import Receipt

AT = datetime(2026, 11, 23, 2, 30)  # 10:30 in Shanghai


class Approving:
    """Central's authorisation, approving everything (the real one lives in tests/sync)."""

    def __init__(self, balance: int) -> None:
        self.balance = balance

    def authorise(self, request: AuthRequest) -> AuthDecision:
        self.balance -= request.total_points
        return AuthDecision(True, self.balance, AT)


@dataclass
class Samples:
    order: ServiceOrder
    redemption: Redemption
    documents: dict[str, Receipt]


def make(store: Store, config: Config) -> Samples:
    with store.begin() as s:
        service = s.scalars(select(Service).where(Service.home_visit.is_(False))).first()
        draft = orders.OrderDraft(
            service_code=service.code,
            address="",
            honorific="王阿姨",
            phone="13812341234",
            time_slot="today_pm",
        )
        order_id = orders.place_order(s, draft, config, now=AT).id
        volunteer = s.scalars(select(Volunteer).order_by(Volunteer.id)).first()
        volunteer.central_balance = 800
        gifts = s.scalars(select(Gift).where(Gift.active).order_by(Gift.points)).all()
        usable = [g for g in gifts if stock_level(s, g.sku) >= 3][:3]
        cart = [g.sku for g in usable]
        first_qty = 2 if usable[0].per_volunteer_limit in (0, 2, 3, 4, 5) else 1
        staff = s.scalars(select(Staff)).first()
        vid, staff_id, staff_name = volunteer.id, staff.id, staff.name
        names = {g.sku: g.name for g in s.scalars(select(Gift))}
    result = redemption.redeem(
        store,
        vid,
        {cart[0]: first_qty, cart[1]: 1, cart[2]: 1},
        Approving(800),
        config,
        now=AT,
    )
    with store.begin() as s:
        moves = [restock(s, staff_id, sku, 12, now=AT) for sku in cart[:2]]
        moves.append(restock(s, staff_id, cart[2], 6, reason="补齐到货", now=AT))
    with store.begin() as s:
        order = s.get(ServiceOrder, order_id)
        red = s.get(Redemption, result.redemption_id)
        assert order is not None and red is not None
        _ = order.service, red.volunteer, list(red.lines)  # load before the session closes
        levels = {m.sku: stock_level(s, m.sku) for m in moves}
        figures = day_figures(s, date(2026, 11, 23), config.timezone)
    documents = {
        "order_ticket": receipts.order_ticket(order, config),
        "redemption": receipts.redemption_receipt(red, config),
        "restock": receipts.restock_slip(moves, config, names, staff_name, levels),
        "day_report": receipts.day_report(
            figures, config, place="幸福里社区党群服务中心", names=names, printed_at=AT
        ),
    }
    return Samples(order, red, documents)
