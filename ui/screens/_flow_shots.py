"""Representative states of the flow screens, for the screenshot command (issue point 11).

``states(ctx)`` drives the 点单, 进度查询·评价 and 积分兑换 screens through their public methods
and yields after each step. The caller lets the event loop settle after every yield (process
events, ``ctx.ops.wait_done()``) and grabs the window when the yielded name is not None.
It writes to the store (an order, a rating, a redemption): run it on a demo store only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

from kiosk import orders
from kiosk.clock import utcnow
from kiosk.store.models import OrderStatusChange, ServiceOrder
from ui.context import AppContext
from ui.screens.order_form import OrderForm

log = logging.getLogger(__name__)

DEMO_VOLUNTEER = "V0001"
TEAM = "梅园社区党员志愿服务队"


def _form(**extra: object) -> OrderForm:
    base = dict(
        category="repair",
        service_code="repair-tv",
        service_name="电视维修",
        service_name_en="TV repair",
        home_visit=True,
    )
    base.update(extra)
    return OrderForm(**base)  # type: ignore[arg-type]


def _order_states(ctx: AppContext) -> Iterator[str | None]:
    nav = ctx.nav
    nav.go("order.categories")
    yield "order_categories"
    categories = nav.screen("order.categories").items  # type: ignore[attr-defined]
    first = categories[0] if categories else None
    nav.go("order.services", form=OrderForm(category=first.code if first else ""), category=first)
    yield "order_services"
    nav.go("order.phone", form=_form())
    for d in "1381234":
        nav.screen("order.phone").type_digit(d)  # type: ignore[attr-defined]
    yield "order_phone"
    nav.go("order.name", form=_form(phone="13812345678"))
    name = nav.screen("order.name")
    name.surnames.set_value("张")  # type: ignore[attr-defined]
    name.titles.set_selected(["阿姨"])  # type: ignore[attr-defined]
    name._refresh()  # type: ignore[attr-defined]
    yield "order_name"
    nav.go("order.address", form=_form(phone="13812345678", surname="张", title="阿姨"))
    yield "order_address"
    address = nav.screen("order.address")
    buildings = address.buildings  # type: ignore[attr-defined]
    if buildings:
        address.choose_community(buildings[0].community)  # type: ignore[attr-defined]
        address.choose_building(buildings[min(2, len(buildings) - 1)])  # type: ignore[attr-defined]
        address.choose_unit(1)  # type: ignore[attr-defined]
        address._set_room("502")  # type: ignore[attr-defined]
        yield "order_address_room"
    full = _form(
        phone="13812345678",
        surname="张",
        title="阿姨",
        community="梅园小区",
        building="3号楼",
        unit=2,
        room="502",
        time_slot="today_pm",
        notes=("行动不便", "听力不好"),
    )
    nav.go("order.slot", form=full)
    yield "order_slot"
    nav.go("order.confirm", form=full)
    yield "order_confirm"
    nav.screen("order.confirm").submit()  # type: ignore[attr-defined]
    yield "order_done"


def _completed_order(ctx: AppContext) -> str:
    """A demo order already served, so the timeline and the rating have something to show."""
    draft = orders.OrderDraft(
        "repair-tv", "王奶奶", "13912345678", "asap", "梅园小区1号楼1单元101室"
    )
    start = utcnow() - timedelta(hours=2)
    with ctx.store.begin() as s:
        order = orders.place_order(s, draft, ctx.config, now=start)
        for i, status in enumerate(("assigned", "accepted", "in_service", "completed"), 1):
            order.history.append(
                OrderStatusChange(
                    status=status,
                    at=start + timedelta(minutes=25 * i),
                    team=TEAM,
                    volunteer_name="张*明",
                )
            )
        order.status, order.team, order.volunteer_name = "completed", TEAM, "张*明"
        s.flush()
        return orders.order_qr_payload(s.get(ServiceOrder, order.id))  # type: ignore[arg-type]


def _track_states(ctx: AppContext) -> Iterator[str | None]:
    nav = ctx.nav
    nav.go("track.lookup")
    lookup = nav.screen("track.lookup")
    for d in "11230075678":
        lookup.type_digit(d)  # type: ignore[attr-defined]
    yield "track_lookup"
    lookup.reset()
    lookup.on_scan(_completed_order(ctx))
    yield "track_status"
    nav.screen("track.status")._rate()  # type: ignore[attr-defined]
    yield None
    rate = nav.screen("track.rate")
    rate.stars.set_value(5)  # type: ignore[attr-defined]
    rate.tags.set_selected(["准时", "耐心"])  # type: ignore[attr-defined]
    yield "track_rate"
    nav.go("track.thanks", stars=5)
    yield "track_thanks"


def _redeem_states(ctx: AppContext) -> Iterator[str | None]:
    from kiosk.demo import DEMO_KEY_ID, demo_signing_key
    from sync.codes import sign_code

    nav = ctx.nav
    nav.go("redeem.scan")
    yield "redeem_scan"
    nav.screen("redeem.scan").on_scan("VK1.garbled")
    yield "redeem_scan_error"
    nav.go("redeem.card")
    card = nav.screen("redeem.card")
    for d in "31010000001":
        card.type_digit(d)  # type: ignore[attr-defined]
    yield "redeem_card"
    card.reset()
    nav.go("redeem.scan")
    nav.screen("redeem.scan").on_scan(sign_code(demo_signing_key(), DEMO_KEY_ID, DEMO_VOLUNTEER))
    yield None
    gifts = nav.screen("redeem.gifts")
    gifts.add("G-EGG-10")  # type: ignore[attr-defined]
    yield None
    gifts.add("G-DISH-SOAP")  # type: ignore[attr-defined]
    yield "redeem_gifts"
    gifts._to_cart()  # type: ignore[attr-defined]
    yield "redeem_cart"
    nav.screen("redeem.cart").redeem()  # type: ignore[attr-defined]
    yield "redeem_done"


def states(ctx: AppContext) -> Iterator[str | None]:
    """Every flow screen in a representative state; settle after each yield."""
    for part in (_order_states, _track_states, _redeem_states):
        yield from part(ctx)
        ctx.nav.home()
        yield None
