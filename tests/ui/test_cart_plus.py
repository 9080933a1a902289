"""积分兑换's cart as a volunteer in a hurry uses it (sixth round's field test): "+" stayed
enabled at the gift's daily limit, and the tap on it gave an error afterwards. Now "+" is off
when one more would be refused — the daily limit, the stock, the points — and the reason
stands under the gift's name; a quick double tap never goes past the limit."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel

from kiosk.views.staff import apply_correction
from tests.ui.flow_helpers import button, click, text_of, wait_route
from tests.ui.test_fingers import tap_at
from tests.ui.test_redeem_flow import EGGS, choose, code
from tests.ui.test_restock_layout import still

NOODLES = "G-NOODLE"  # 15 points, limit 3 a day, 60 in stock (here: cut to 2)
SCIENCE = "G-TICKET-SCIENCE"  # 150 points, limit 2 a day
SECOND_TAP_MS = 120


def _why(kiosk, sku: str) -> str:  # type: ignore[no-untyped-def]
    return text_of(kiosk, f"why_{sku}")


def _to_cart(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    with kiosk.store.begin() as s:
        apply_correction(s, "S02", NOODLES, -58, "盘点差异")
    click(qtbot, kiosk, "tileRedeem")
    wait_route(qtbot, kiosk, "redeem.scan")
    scan(code())  # 张晓明, 260 points
    wait_route(qtbot, kiosk, "redeem.gifts")
    for sku in (EGGS, NOODLES, SCIENCE):
        choose(qtbot, kiosk, sku)
    click(qtbot, kiosk, "toCart")
    wait_route(qtbot, kiosk, "redeem.cart")
    qtbot.waitUntil(lambda: text_of(kiosk, "balanceAfter") == "65")  # 260 - 30 - 15 - 150


def test_plus_is_off_with_the_reason_when_one_more_would_be_refused(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    _to_cart(qtbot, kiosk, scan)
    window = kiosk.nav.current.window()
    # 150 more points than the 65 left: off from the start, and it says so
    assert not button(kiosk, f"plus_{SCIENCE}").isEnabled()
    assert _why(kiosk, SCIENCE) == "积分不足"
    assert button(kiosk, f"plus_{EGGS}").isEnabled() and _why(kiosk, EGGS) == ""

    # eggs, limit 2 a day: a quick double tap on "+" adds one, the second tap finds it off
    still(qtbot, window)  # the lines are laid out
    plus = button(kiosk, f"plus_{EGGS}")
    spot = plus.mapTo(window, plus.rect().center())
    tap_at(qtbot, window, spot)
    qtbot.wait(SECOND_TAP_MS)
    tap_at(qtbot, window, spot)
    qtbot.waitUntil(lambda: text_of(kiosk, "balanceAfter") == "35")
    qtbot.wait(200)  # any late answer to the second tap has landed
    assert text_of(kiosk, f"qty_{EGGS}") == "2"
    assert kiosk.nav.current.cart[EGGS] == 2
    assert not button(kiosk, f"plus_{EGGS}").isEnabled()
    assert _why(kiosk, EGGS) == "每人每天限 2 件"
    assert not kiosk.nav.current.banner.isVisible(), kiosk.nav.current.banner.text()
    assert button(kiosk, "confirmRedeem").isEnabled()

    # noodles: only 2 in stock
    click(qtbot, kiosk, f"plus_{NOODLES}")
    qtbot.waitUntil(lambda: text_of(kiosk, "balanceAfter") == "20")
    assert not button(kiosk, f"plus_{NOODLES}").isEnabled()
    assert _why(kiosk, NOODLES) == "库存只有 2 件"
    assert not kiosk.nav.current.banner.isVisible()

    # one egg fewer: "+" is back and the reason gone, and no line moved for it
    still(qtbot, window)
    rows = {
        sku: button(kiosk, f"plus_{sku}").mapTo(window, QPoint(0, 0))
        for sku in (EGGS, NOODLES, SCIENCE)
    }
    click(qtbot, kiosk, f"minus_{EGGS}")
    qtbot.waitUntil(lambda: text_of(kiosk, "balanceAfter") == "50")
    still(qtbot, window)
    assert button(kiosk, f"plus_{EGGS}").isEnabled() and _why(kiosk, EGGS) == ""
    assert rows == {
        sku: button(kiosk, f"plus_{sku}").mapTo(window, QPoint(0, 0))
        for sku in (EGGS, NOODLES, SCIENCE)
    }

    # in English: the gifts' English names, the reasons in English
    window.set_language("en")
    assert text_of(kiosk, f"line_{EGGS}") == "Eggs (10)"
    assert _why(kiosk, NOODLES) == "Only 2 in stock"
    assert _why(kiosk, SCIENCE) == "Not enough points"


def test_a_double_tap_on_minus_takes_off_one_gift_not_the_next(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    """Eggs ×1 and noodles ×1: "−" on the eggs removed their line, the noodles' line moved
    up into its place, and the second tap of a double tap took the noodles off too."""
    _to_cart(qtbot, kiosk, scan)
    window = kiosk.nav.current.window()
    screen = kiosk.nav.current
    still(qtbot, window)
    before = {sku: button(kiosk, f"minus_{sku}").mapTo(window, QPoint(0, 0)) for sku in screen.cart}
    minus = button(kiosk, f"minus_{EGGS}")
    spot = minus.mapTo(window, minus.rect().center())
    tap_at(qtbot, window, spot)
    qtbot.wait(SECOND_TAP_MS)
    tap_at(qtbot, window, spot)
    qtbot.waitUntil(lambda: text_of(kiosk, "balanceAfter") == "95")  # 260 - 15 - 150
    qtbot.wait(200)
    assert kiosk.nav.route == "redeem.cart"
    assert screen.cart == {NOODLES: 1, SCIENCE: 1}
    # the eggs' row stays, at nought, with "+" to put them back; nothing moved
    still(qtbot, window)
    assert text_of(kiosk, f"qty_{EGGS}") == "0"
    assert not button(kiosk, f"minus_{EGGS}").isEnabled()
    assert before == {
        sku: button(kiosk, f"minus_{sku}").mapTo(window, QPoint(0, 0)) for sku in before
    }
    click(qtbot, kiosk, f"plus_{EGGS}")
    qtbot.waitUntil(lambda: text_of(kiosk, "balanceAfter") == "65")
    assert screen.cart == {NOODLES: 1, SCIENCE: 1, EGGS: 1}


def test_the_reason_under_a_gift_shows_in_large_text(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    """In 大字 the one line kept for the reason measured a pixel short of its words, and
    the reason was shortened to nothing."""
    _to_cart(qtbot, kiosk, scan)
    window = kiosk.nav.current.window()
    for lang in ("zh_CN", "en"):
        window.set_language(lang)
        window.set_large_text(True)
        still(qtbot, window)
        why = kiosk.nav.current.findChild(QLabel, f"why_{SCIENCE}")
        assert why.text() == kiosk.msg("gift.unaffordable")
        assert why.heightForWidth(why.width()) <= why.height()
        window.set_large_text(False)


def test_the_cart_says_its_points_in_the_language_switched_to(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    """A volunteer who switched to English on the cart read "30 积分" beside "Eggs (10)":
    each gift's points stayed in the language the rows were built in."""
    kiosk = window.ctx
    _to_cart(qtbot, kiosk, scan)
    assert text_of(kiosk, f"points_{EGGS}") == "30 积分"
    window.set_language("en")
    assert text_of(kiosk, f"points_{EGGS}") == "30 points"
    assert text_of(kiosk, f"line_{EGGS}") == "Eggs (10)"
    window.set_language("zh_CN")
    assert text_of(kiosk, f"points_{EGGS}") == "30 积分"
