"""The next volunteer's scan, on the screen the last one left behind (found on a real X
display, fifth round). A queue does not wait for 完成 or 下一位: the scanner types the code
the moment a phone is held under it, whatever the kiosk is showing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kiosk.clock import utcnow
from kiosk.store.models import Activity, Attendance, Redemption
from tests.ui.flow_helpers import banner_text, button, text_of, wait_route
from tests.ui.test_field_fingers import SECOND_TAP_MS
from tests.ui.test_fingers import settle, tap_at
from tests.ui.test_redeem_flow import EGGS, code
from tests.ui.test_staff import STAFF, STAFF_PIN, sign_in
from tests.ui.test_track_flow import _completed_order

SECOND = "V0003"  # 王建国, 1880 points in the demo data


def tap(qtbot, window, name: str) -> None:  # type: ignore[no-untyped-def]
    """A finger on the button's middle, once it is there to be tapped."""
    ctx = window.ctx
    qtbot.waitUntil(lambda: button(ctx, name).isVisible() and button(ctx, name).isEnabled())
    settle(qtbot, window)
    b = button(ctx, name)
    tap_at(qtbot, window, b.mapTo(window, b.rect().center()))
    qtbot.wait(SECOND_TAP_MS)


def _eggs_in_the_cart(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    tap(qtbot, window, "tileRedeem")
    wait_route(qtbot, ctx, "redeem.scan")
    scan(code())
    wait_route(qtbot, ctx, "redeem.gifts")
    qtbot.waitUntil(lambda: EGGS in ctx.nav.current.tiles)
    tap(qtbot, window, f"add_{EGGS}")
    tap(qtbot, window, "toCart")
    wait_route(qtbot, ctx, "redeem.cart")
    qtbot.waitUntil(lambda: button(ctx, "confirmRedeem").isEnabled())


def _redemptions(ctx) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    with ctx.store.begin() as s:
        return [(r.volunteer_id, r.total_points) for r in s.scalars(select(Redemption))]


def test_the_next_volunteers_code_on_a_cart_opens_their_own_gifts(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    """张*明 left eggs in the cart; 王建国 scanned and the kiosk went on showing 张*明's cart
    ("scan ignored on redeem.cart"): 确认兑换 would have spent 张*明's points."""
    ctx = window.ctx
    _eggs_in_the_cart(qtbot, window, scan)

    scan(code(SECOND))

    qtbot.waitUntil(
        lambda: ctx.nav.route == "redeem.gifts" and text_of(ctx, "volunteerName") == "王*国",
        timeout=5000,
    )
    qtbot.waitUntil(lambda: text_of(ctx, "volunteerBalance").endswith("1880"))
    assert not button(ctx, "toCart").isEnabled(), "张*明's eggs came along"
    # Back from 王*国's gifts does not lead to 张*明's cart either.
    tap(qtbot, window, "backButton")
    qtbot.waitUntil(lambda: ctx.nav.route != "redeem.gifts")
    assert ctx.nav.route == "home"
    assert ctx.nav.screen("redeem.cart").volunteer is None
    assert _redemptions(ctx) == []


def test_the_same_volunteer_scanning_again_keeps_their_cart(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _eggs_in_the_cart(qtbot, window, scan)
    scan(code())  # their own code again (a fresh one: the app shows a new code each time)
    qtbot.wait(500)
    assert ctx.nav.route == "redeem.cart"
    assert button(ctx, "confirmRedeem").isEnabled()
    tap(qtbot, window, "confirmRedeem")
    wait_route(qtbot, ctx, "redeem.done")
    assert _redemptions(ctx) == [("V0001", 30)]


def test_a_code_of_nobody_on_a_cart_gets_a_message_and_keeps_it(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _eggs_in_the_cart(qtbot, window, scan)
    scan("VK1.%%garbled;;burst")
    qtbot.waitUntil(lambda: banner_text(ctx) == ctx.msg("code.malformed"))
    assert ctx.nav.route == "redeem.cart"
    assert button(ctx, "confirmRedeem").isEnabled()


def test_the_next_volunteers_code_on_the_pickup_code_opens_their_gifts(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _eggs_in_the_cart(qtbot, window, scan)
    tap(qtbot, window, "confirmRedeem")
    wait_route(qtbot, ctx, "redeem.done")
    scan(code(SECOND))
    qtbot.waitUntil(
        lambda: ctx.nav.route == "redeem.gifts" and text_of(ctx, "volunteerName") == "王*国",
        timeout=5000,
    )
    assert _redemptions(ctx) == [("V0001", 30)]


def _activity(ctx) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    with ctx.store.begin() as s:
        s.add(
            Activity(
                id="A0",
                title="义务理发",
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=2),
                capacity=10,
            )
        )


def _signed_in(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    with ctx.store.begin() as s:
        rows = s.scalars(select(Attendance).order_by(Attendance.signed_in_at))
        return [r.volunteer_id for r in rows if r.signed_out_at is None]


def test_a_queue_of_volunteers_signs_in_without_tapping(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    """The second volunteer scanned while "李*, 已签到" still showed: the scan was dropped
    without a word ("scan ignored on attend.done") and they left unsigned-in."""
    ctx = window.ctx
    _activity(ctx)
    tap(qtbot, window, "tileAttend")
    wait_route(qtbot, ctx, "attend.activities")
    tap(qtbot, window, "activity_A0")
    wait_route(qtbot, ctx, "attend.scan")
    scan(code("V0002"))
    wait_route(qtbot, ctx, "attend.done")
    assert text_of(ctx, "attendHeadline").startswith("李*")

    scan(code(SECOND))

    qtbot.waitUntil(lambda: _signed_in(ctx) == ["V0002", SECOND], timeout=5000)
    qtbot.waitUntil(
        lambda: ctx.nav.route == "attend.done" and text_of(ctx, "attendHeadline").startswith("王*")
    )
    # The first volunteer's phone still under the scanner: "just signed in", not signed out.
    scan(code("V0002"))
    qtbot.waitUntil(lambda: banner_text(ctx) == ctx.msg("attendance.just_signed_in"))
    assert ctx.nav.route == "attend.scan"
    assert _signed_in(ctx) == ["V0002", SECOND]


def test_a_scan_before_choosing_the_activity_says_what_to_do(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    _activity(ctx)
    tap(qtbot, window, "tileAttend")
    wait_route(qtbot, ctx, "attend.activities")
    scan(code("V0002"))
    qtbot.waitUntil(lambda: banner_text(ctx) == "请先点您参加的活动，再扫码。")
    assert _signed_in(ctx) == []
    tap(qtbot, window, "activity_A0")  # the message does not stand in the way
    wait_route(qtbot, ctx, "attend.scan")
    assert banner_text(ctx) == ""


def test_a_volunteers_code_on_restock_gets_a_message_that_fits(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    """补货 repeated the whole scanned code (40 of its 177 characters) in a one-line message
    slot: two lines of which the top and bottom halves were cut off."""
    ctx = window.ctx
    for lang, large in (("zh_CN", False), ("zh_CN", True), ("en", False)):
        window.set_large_text(large)
        window.set_language(lang)
        sign_in(qtbot, window, STAFF, STAFF_PIN)
        tap(qtbot, window, "menu_restock")
        wait_route(qtbot, ctx, "staff.restock")
        scan(code("V0002"))
        qtbot.waitUntil(lambda: banner_text(ctx) != "")
        assert banner_text(ctx) == ctx.msg("stock.barcode_unknown", code="VK1.eyJ2IjoiV…")
        text = ctx.nav.current.banner.label
        qtbot.wait(50)  # laid out
        need = text.heightForWidth(text.width())
        # less than half a line over (heightForWidth rounds one line of 大字 up by 1 px)
        assert need - text.height() < text.fontMetrics().lineSpacing() // 2, (
            f"{need} px of text in {text.height()} px ({lang}, large={large})"
        )
        tap(qtbot, window, "staffSignOut")
        wait_route(qtbot, ctx, "home")
    window.set_large_text(False)
    window.set_language("zh_CN")


def test_the_next_residents_ticket_on_the_last_ones_progress_opens_theirs(
    qtbot, window, config, scan
) -> None:  # type: ignore[no-untyped-def]
    """王奶奶's progress was still up; the next resident held their receipt under the
    scanner and nothing happened ("scan ignored on track.status")."""
    ctx = window.ctx
    first, first_qr = _completed_order(ctx.store, config)
    second, second_qr = _completed_order(ctx.store, config)
    tap(qtbot, window, "tileTrack")
    wait_route(qtbot, ctx, "track.lookup")
    scan(first_qr)
    qtbot.waitUntil(lambda: ctx.nav.route == "track.status" and first in _summary(ctx))

    scan(second_qr)

    qtbot.waitUntil(
        lambda: ctx.nav.route == "track.status" and second in _summary(ctx), timeout=5000
    )
    # and a volunteer's code there opens their gifts, as on the home screen
    scan(code())
    qtbot.waitUntil(lambda: ctx.nav.route == "redeem.gifts", timeout=5000)
    qtbot.waitUntil(lambda: text_of(ctx, "volunteerName") == "张*明")


def _summary(ctx) -> str:  # type: ignore[no-untyped-def]
    return text_of(ctx, "orderSummary") if ctx.nav.route == "track.status" else ""


def test_the_next_volunteers_scan_during_still_there_opens_their_gifts(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    """张*明 walked off with eggs in the cart and "Still there?" was counting down when
    王建国 scanned: the countdown goes, 王*国's own gifts open, 张*明's eggs are not his."""
    from tests.ui.test_idle import fast_idle

    ctx = window.ctx
    _eggs_in_the_cart(qtbot, window, scan)
    fast_idle(window, tick_ms=1000)
    qtbot.waitUntil(lambda: window.idle.counting, timeout=5000)
    scan(code(SECOND))
    assert not window.idle.counting
    qtbot.waitUntil(
        lambda: ctx.nav.route == "redeem.gifts" and text_of(ctx, "volunteerName") == "王*国",
        timeout=5000,
    )
    assert not button(ctx, "toCart").isEnabled(), "张*明's eggs came along"
    assert _redemptions(ctx) == []
