"""A gift's barcode scanned in the staff area (seventh round's field test: on the staff menu
a scan did nothing and said nothing). A volunteer staff member scans a gift when a delivery
comes in: 补货 opens with that gift chosen. A code of no gift says so where it was scanned;
settings, whose switches are not saved yet, says where gifts are scanned instead."""

from __future__ import annotations

from tests.ui.flow_helpers import banner_text, click, keys, text_of, wait_route
from tests.ui.test_field_scans import tap
from tests.ui.test_redeem_flow import code
from tests.ui.test_staff import EGGS, EGGS_BARCODE, STAFF, STAFF_PIN, TECH, TECH_PIN, level, sign_in


def test_a_gift_scanned_on_the_staff_menu_opens_its_restock(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    before = level(ctx.store, EGGS)
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    scan(EGGS_BARCODE)  # keys 10 ms apart, then Enter
    wait_route(qtbot, ctx, "staff.restock")
    qtbot.waitUntil(lambda: ctx.nav.current.chosen is not None)
    assert ctx.nav.current.chosen.sku == EGGS
    assert text_of(ctx, "chosenGift").startswith("鸡蛋（10枚） · 现有")
    keys(qtbot, ctx, "12")
    click(qtbot, ctx, "pick_delivery")
    click(qtbot, ctx, "stockConfirm")
    qtbot.waitUntil(lambda: level(ctx.store, EGGS) == before + 12)


def test_garbage_scanned_on_the_staff_menu_says_so_in_both_languages(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    for lang, garbage in (("zh_CN", "@@#%^&*garbage"), ("en", "x" * 600), ("en", code())):
        window.set_language(lang)
        scan(garbage)
        qtbot.waitUntil(lambda: banner_text(ctx) != "")
        said = banner_text(ctx)
        assert said.startswith("没有这个条码的礼品" if lang == "zh_CN" else "No gift with barcode")
        assert len(said) < 60, said  # the code shortened, in a one-line slot
        assert ctx.nav.route == "staff.menu"
        tap(qtbot, window, "menu_today")  # the message does not stand in the way
        wait_route(qtbot, ctx, "staff.today")
        tap(qtbot, window, "staffBack")
        wait_route(qtbot, ctx, "staff.menu")
        assert banner_text(ctx) == ""  # gone with the visit it belonged to
    window.set_language("zh_CN")


def test_a_barcode_typed_slowly_on_the_staff_menu_is_no_scan(qtbot, window, type_slowly) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    type_slowly(EGGS_BARCODE)  # 200 ms between keys: a person on a keyboard
    qtbot.wait(200)
    assert ctx.nav.route == "staff.menu" and banner_text(ctx) == ""


def test_a_gift_scanned_on_low_stock_opens_its_restock(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    tap(qtbot, window, "menu_low")
    wait_route(qtbot, ctx, "staff.low")
    scan(EGGS_BARCODE)
    wait_route(qtbot, ctx, "staff.restock")
    qtbot.waitUntil(lambda: ctx.nav.current.chosen is not None)
    assert ctx.nav.current.chosen.sku == EGGS


def test_a_gift_scanned_on_settings_keeps_the_unsaved_choices(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, TECH, TECH_PIN)
    tap(qtbot, window, "menu_settings")
    wait_route(qtbot, ctx, "staff.settings")
    click(qtbot, ctx, "idle_timeout_s_180")
    scan(EGGS_BARCODE)
    assert ctx.nav.route == "staff.settings"
    assert banner_text(ctx) == "礼品条码请在菜单页扫描。"
    assert ctx.nav.current.choices["idle_timeout_s"].value() == "180"
    window.set_language("en")
    scan(EGGS_BARCODE)
    assert banner_text(ctx) == "Scan gifts on the menu."
    window.set_language("zh_CN")


def test_a_tap_before_the_scans_answer_wins(qtbot, window, scan, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The volunteer scanned eggs on the menu and at once tapped 今日: the gift's answer,
    arriving after the tap, must not pull them off to 补货 (nor say anything there)."""
    import threading

    from ui.screens import staff_base

    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    release = threading.Event()
    real = staff_base.gift_by_barcode

    def slow(session, text):  # type: ignore[no-untyped-def]
        release.wait(5)  # a store busy with a sync page
        return real(session, text)

    monkeypatch.setattr(staff_base, "gift_by_barcode", slow)
    scan(EGGS_BARCODE)
    tap(qtbot, window, "menu_today")
    wait_route(qtbot, ctx, "staff.today")
    release.set()
    qtbot.waitUntil(lambda: ctx.ops.pending == 0)
    qtbot.wait(50)
    assert ctx.nav.route == "staff.today" and banner_text(ctx) == ""
