"""Screens that hold a fixed amount fit the window: no scroll bar at 1280×800 or 1920×1080,
in Chinese and English, normal and large text (sixth round's field test: 进度查询 and
点单完成 were 9 px too tall at 1280×800, and a scroll bar showed; the progress card's five
steps were 12 px too tall for it)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton, QScrollArea

from kiosk.views import orders as q
from kiosk.views.orders import PlacedOrder
from tests.ui.test_clip_walk import LONG_EN, cut_labels
from tests.ui.test_restock_layout import still
from tests.ui.test_track_flow import _completed_order
from ui.screens.order_form import OrderForm

CONFIGS = [
    (lang, large, size)
    for size in ((1280, 800), (1920, 1080))
    for lang in ("zh_CN", "en")
    for large in (False, True)
]


def scrolling(window) -> list[str]:  # type: ignore[no-untyped-def]
    """Every scroll area of the current screen (its frame too) that can scroll now."""
    screen = window.ctx.nav.current
    frame = screen.parentWidget().parentWidget()
    areas = [frame, *screen.findChildren(QScrollArea)]
    return [
        f"{a.objectName() or type(a.widget()).__name__} by {a.verticalScrollBar().maximum()} px"
        for a in areas
        if a.isVisible() and a.verticalScrollBar().maximum() > 0
    ]


def test_track_lookup_progress_and_order_done_fit_without_a_scroll_bar(
    qtbot, window, config
) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, station_name_en=LONG_EN)  # two lines
    _ticket, qr = _completed_order(ctx.store, config)  # all five steps, with team and name
    with ctx.store.begin() as s:
        view = q.lookup_qr(s, qr, config.timezone)
    rated = dataclasses.replace(view, rating=4, rateable=False)
    placed = PlacedOrder("A1207-001", "KIOSK-ORDER:A1207-001:x", "138****5678", None)
    found = []
    for lang, large, size in CONFIGS:
        window.set_language(lang)
        window.set_large_text(large)
        window.resize(*size)
        where = f"{lang} {'large' if large else 'normal'} {size[0]}x{size[1]}"
        ctx.nav.go("track.lookup")
        still(qtbot, window)
        found += [f"{where} track.lookup: {s}" for s in scrolling(window)]
        for shown in (view, rated):
            ctx.nav.go("track.status", view=shown)
            still(qtbot, window)
            found += [f"{where} track.status: {s}" for s in scrolling(window)]
        ctx.nav.go("track.rate", view=view)  # 评价: its Send is the last thing on the page
        still(qtbot, window)
        found += [f"{where} track.rate: {s}" for s in scrolling(window)]
        ctx.nav.go("order.done", placed=placed)
        for state in ("printing", "queued"):  # queued: the longest words
            ctx.nav.current._print_state(state)
            still(qtbot, window)
            found += [f"{where} order.done ({state}): {s}" for s in scrolling(window)]
        ctx.nav.home()
    assert not found, found


def test_the_name_question_fits_with_next_on_screen_in_english(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """In English at 1280×800 the six bilingual title chips ("大爷 Grandpa") took two rows,
    and 下一步 (Next) was half below the fold: the page scrolled by 24 px."""
    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, station_name_en=LONG_EN)
    found = []
    for lang in ("zh_CN", "en"):
        window.set_language(lang)
        ctx.nav.go("order.name")
        still(qtbot, window)
        found += [f"{lang} order.name: {s}" for s in scrolling(window) if "screenFrame" in s]
        nxt = ctx.nav.current.next
        bottom = nxt.mapTo(window, nxt.rect().bottomLeft()).y()
        if bottom >= window.height():
            found.append(f"{lang}: Next ends at y={bottom}, below the window")
        ctx.nav.home()
    assert not found, found


def test_the_scan_pages_and_the_error_page_fit_in_large_text(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """积分兑换 and 志愿者签到's "show your code" pages scrolled in large English at 1280×800
    (29 and 9 px): the drawing is smaller in large text. "Please ask the staff" scrolled
    too (12 px)."""
    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, station_name_en=LONG_EN)
    found = []
    for lang, large, size in CONFIGS:
        window.set_language(lang)
        window.set_large_text(large)
        window.resize(*size)
        where = f"{lang} {'large' if large else 'normal'} {size[0]}x{size[1]}"
        for route in ("redeem.scan", "attend.scan"):
            ctx.nav.go(route)
            still(qtbot, window)
            found += [f"{where} {route}: {s}" for s in scrolling(window)]
        for reason in ("", "error.disk_full"):  # "please ask the staff", and the longest
            ctx.nav.show_error("E-7K3Q9", reason)
            still(qtbot, window)
            found += [f"{where} error {reason}: {s}" for s in scrolling(window)]
        ctx.nav.home()
    assert not found, found


def test_the_check_page_keeps_submit_on_screen_in_large_text(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """请核对 in 大字 at 1280×800: seven summary rows pushed 确认提交 (Submit) 80 px below the
    fold, so the resident had to find a scroll bar to send the request."""
    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, station_name_en=LONG_EN)
    form = OrderForm(
        service_code="repair-tv",
        service_name="电视维修",
        service_name_en="TV repair",
        home_visit=True,
        phone="13812345678",
        surname="张",
        title="阿姨",
        community="梅园小区",
        building="3号楼",
        unit=2,
        room="502",
        time_slot="tomorrow_pm",
        notes=("行动不便", "听力不好"),
    )
    found = []
    for lang, large, size in CONFIGS:
        window.set_language(lang)
        window.set_large_text(large)
        window.resize(*size)
        ctx.nav.go("order.confirm", form=form)
        still(qtbot, window)
        where = f"{lang} {'large' if large else 'normal'} {size[0]}x{size[1]}"
        found += [f"{where}: {s}" for s in scrolling(window)]
        found += [f"{where}: {c}" for c in cut_labels(ctx.nav.current)]
        submit = ctx.nav.current.submit_button
        if submit.mapTo(window, submit.rect().bottomLeft()).y() >= window.height():
            found.append(f"{where}: Submit below the window")
        ctx.nav.home()
    assert not found, found


def test_the_room_keypad_is_whole_on_screen_in_large_text(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """住址, room number: at 1280×800 in large text the keypad's last row (清空 0 删除)
    was below the fold (the page scrolled by 32 px), and 502 needs the 0. The address so
    far now sits above the room's field, beside the keypad."""
    from tests.ui.test_field_fingers import _to_address

    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, station_name_en=LONG_EN)  # two lines
    _to_address(qtbot, ctx)
    screen = ctx.nav.current
    screen.choose_community(screen.buildings[0].community)
    screen.choose_building(screen.buildings[0])
    screen.choose_unit(2)
    found = []
    for lang, large, size in CONFIGS:
        window.set_language(lang)
        window.set_large_text(large)
        window.resize(*size)
        still(qtbot, window)
        where = f"{lang} {'large' if large else 'normal'} {size[0]}x{size[1]}"
        found += [f"{where}: {s}" for s in scrolling(window) if "screenFrame" in s]
        for key in screen.keypad.findChildren(type(screen.next)):
            bottom = key.mapTo(window, key.rect().bottomLeft()).y()
            if key.isVisible() and bottom >= window.height():
                found.append(f"{where}: {key.text()!r} ends at y={bottom}")
        if not screen.room_address.text().startswith(("地址", "Address")):
            found.append(
                f"{where}: the address so far is not shown ({screen.room_address.text()!r})"
            )
    assert not found, found


def _cart_of(qtbot, ctx, scan, skus: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.flow_helpers import click, text_of, wait_route
    from tests.ui.test_redeem_flow import choose, code

    click(qtbot, ctx, "tileRedeem")
    wait_route(qtbot, ctx, "redeem.scan")
    scan(code())  # 张晓明, 260 points
    wait_route(qtbot, ctx, "redeem.gifts")
    for sku in skus:
        choose(qtbot, ctx, sku)
    click(qtbot, ctx, "toCart")
    wait_route(qtbot, ctx, "redeem.cart")
    qtbot.waitUntil(lambda: text_of(ctx, "balanceAfter") != "")


def test_a_two_gift_cart_shows_both_gifts_whole(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    """积分兑换's cart with eggs and dish soap: at 1280×800 the list scrolled by 4 px in
    normal text and the page by 6 px in large text, where the list showed one gift of the
    two (the second's "−" and "+" below the fold, no sign of more)."""
    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, station_name_en=LONG_EN)
    _cart_of(qtbot, ctx, scan, ("G-EGG-10", "G-DISH-SOAP"))
    screen = ctx.nav.current
    found = []
    for lang, large, size in CONFIGS:
        window.set_language(lang)
        window.set_large_text(large)
        window.resize(*size)
        still(qtbot, window)
        where = f"{lang} {'large' if large else 'normal'} {size[0]}x{size[1]}"
        found += [f"{where}: {s}" for s in scrolling(window)]
        for sku in ("G-EGG-10", "G-DISH-SOAP"):
            plus = screen.line_parts[sku][3]
            bottom = plus.mapTo(window, plus.rect().bottomLeft()).y()
            if bottom >= window.height():
                found.append(f"{where}: {sku}'s + ends at y={bottom}")
        confirm = screen.confirm
        if confirm.mapTo(window, confirm.rect().bottomLeft()).y() >= window.height():
            found.append(f"{where}: Redeem below the window")
        more = getattr(screen.findChild(QScrollArea), "more_below", None)
        if more is not None and more.isVisible():
            found.append(f"{where}: 'more below' shown with nothing below")
    assert not found, found


def test_a_long_cart_scrolls_its_list_with_a_sign_of_more(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    """Four gifts in large text at 1280×800 need more room than there is: the page stays
    put (Redeem on screen), the list scrolls, and a fade with a chevron at its foot says
    there is more until the last gift is in view."""
    ctx = window.ctx
    window.set_large_text(True)
    _cart_of(qtbot, ctx, scan, ("G-EGG-10", "G-DISH-SOAP", "G-NOODLE", "G-SOAP"))
    still(qtbot, window)
    assert [s for s in scrolling(window) if "screenFrame" in s] == []
    area = ctx.nav.current.findChild(QScrollArea)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 80, bar.maximum()  # a whole row and more, not a few pixels
    assert area.more_below.isVisible()
    # A finger at the lower edge of dish soap's "+", where the fade lies over it: the tap
    # goes through the fade to the button.
    from tests.ui.flow_helpers import text_of
    from tests.ui.test_fingers import tap_at

    plus = ctx.nav.current.line_parts["G-DISH-SOAP"][3]
    edge = plus.mapTo(window, plus.rect().bottomLeft()) + QPoint(plus.width() // 2, -6)
    fade = area.more_below
    assert fade.rect().contains(fade.mapFrom(window, edge)), "not under the fade"
    tap_at(qtbot, window, edge)
    qtbot.waitUntil(lambda: text_of(ctx, "qty_G-DISH-SOAP") == "2")
    bar.setValue(bar.maximum())  # a finger drags the list to its end
    qtbot.waitUntil(lambda: not area.more_below.isVisible())
    bar.setValue(0)
    qtbot.waitUntil(area.more_below.isVisible)


def _staff_worst_day(ctx) -> object:  # type: ignore[no-untyped-def]
    """A busy day: big figures, every status, five top gifts with long names."""
    from kiosk.clock import utcnow
    from kiosk.reports import DayFigures

    statuses = ("submitted", "assigned", "accepted", "in_service", "completed", "cancelled")
    return DayFigures(
        day=utcnow().date(),
        orders_by_status={s: 12 for s in statuses},
        orders_total=72,
        residents_served=64,
        services=[],
        redemptions=148,
        volunteers_redeemed=97,
        points_redeemed=12650,
        top_gifts=[
            ("食用油（1.8升）", 31),
            ("洗洁精（1.1千克）", 28),
            ("科技馆门票（成人）", 17),
            ("理发服务券（社区理发店）", 12),
            ("抽纸（6包装）", 9),
        ],
        top_gifts_en=[
            ("Cooking oil (1.8 L)", 31),
            ("Dish soap (1.1 kg)", 28),
            ("Science museum ticket (adult)", 17),
            ("Haircut voucher (community barber)", 12),
            ("Tissues (6 packs)", 9),
        ],
        restocked_items=240,
    )


def test_the_staff_menu_today_and_settings_fit_in_large_text(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """At 1280×800 in large text the staff menu scrolled (50 px in Chinese, 274 in English),
    今日 (today's figures) by 41 px in English, settings by 92 / 153 px with Save below the
    fold. Each now fits: no cut words, tiles and buttons still big enough; the settings'
    provisioned details are a list that scrolls with a sign of more."""
    from tests.ui.test_staff import TECH, TECH_PIN, sign_in
    from ui import theme

    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, station_name_en=LONG_EN)
    sign_in(qtbot, window, TECH, TECH_PIN)  # a technician: ten tiles, settings too
    found = []
    for lang, large, size in [*CONFIGS, ("en", True, (1080, 1920))]:  # portrait: no cut words
        window.set_language(lang)
        window.set_large_text(large)
        window.resize(*size)
        where = f"{lang} {'large' if large else 'normal'} {size[0]}x{size[1]}"
        for route in ("staff.menu", "staff.today", "staff.settings"):
            ctx.nav.go(route)
            qtbot.waitUntil(lambda: not ctx.ops.busy)
            screen = ctx.nav.current
            if route == "staff.today":
                screen._show(_staff_worst_day(ctx))
            if route == "staff.menu":  # a caption left out for room is still said aloud
                found += [
                    f"{where}: {t.objectName()} has no description"
                    for t in screen.tiles.values()
                    if not t.accessibleDescription()
                ]
            still(qtbot, window)
            for s in scrolling(window):
                inner = [a for a in screen.findChildren(QScrollArea) if a.isVisible()]
                if "screenFrame" in s or not all(a.more_below.isVisible() for a in inner):
                    found.append(f"{where} {route}: {s}")
            found += [f"{where} {route}: {c}" for c in cut_labels(screen)]
            for button in screen.findChildren(QAbstractButton):
                low = button.mapTo(window, button.rect().bottomLeft()).y()
                if button.isVisible() and low >= window.height():
                    found.append(f"{where} {route}: {button.objectName()} ends at y={low}")
                if button.isVisible() and min(button.width(), button.height()) < theme.TOUCH:
                    found.append(f"{where} {route}: {button.objectName()} is {button.size()}")
    assert not found, found


def test_the_ten_service_kinds_show_whole_in_chinese(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """我要点单's ten kinds of help at 1280×800 in Chinese: two columns scrolled by 49 px
    (85 in large text), 关爱儿童 and 文化学习 half under the fold. Three columns fit where the
    words do; English's longer words keep two columns, and the list says there is more."""
    ctx = window.ctx
    found = []
    for lang, large, size in CONFIGS:
        window.set_language(lang)
        window.set_large_text(large)
        window.resize(*size)
        ctx.nav.go("order.categories")
        qtbot.waitUntil(lambda: not ctx.ops.busy)
        still(qtbot, window)
        where = f"{lang} {'large' if large else 'normal'} {size[0]}x{size[1]}"
        area = ctx.nav.current.findChild(QScrollArea)
        if lang == "zh_CN":
            found += [f"{where}: {s}" for s in scrolling(window)]
        elif area.verticalScrollBar().maximum() > 0 and not area.more_below.isVisible():
            found.append(f"{where}: scrolls with no sign of more")
        found += [f"{where}: {c}" for c in cut_labels(ctx.nav.current)]
        ctx.nav.home()
    assert not found, found
