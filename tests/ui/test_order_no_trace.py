"""After an idle reset (back home), no screen of the flows keeps anything of the last person:
phone, name, address, cart, volunteer, stars — in a widget's text or in a screen's state."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from protocol.codes import sign_code
from station.demo import DEMO_KEY_ID, demo_signing_key
from tests.ui.flow_helpers import click, keys, wait_route
from ui.screens.order_form import OrderForm

TRACES = (
    "13812345678",
    "138 1234 5678",
    "138****5678",
    "5678",
    "张阿姨",
    "1203",
    "张*明",
    "260",
    "鸡蛋",
)
FLOW_PREFIXES = ("order.", "track.", "redeem.")


def _texts(widget: QWidget) -> list[str]:
    out = [w.text() for w in widget.findChildren(QLabel)]
    out += [w.text() for w in widget.findChildren(QAbstractButton)]
    return out


def _fill_everything(qtbot, kiosk, scan) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, kiosk, "tileOrder")
    click(qtbot, kiosk, "category_repair")
    click(qtbot, kiosk, "choose_repair-tv")
    keys(qtbot, kiosk, "13812345678")
    click(qtbot, kiosk, "nextButton")
    click(qtbot, kiosk, "pick_张")
    click(qtbot, kiosk, "chip_阿姨")
    click(qtbot, kiosk, "nextButton")
    click(qtbot, kiosk, "community_0")
    click(qtbot, kiosk, "building_3号楼")
    click(qtbot, kiosk, "unit_2")
    keys(qtbot, kiosk, "1203")
    click(qtbot, kiosk, "nextButton")
    click(qtbot, kiosk, "chip_today_pm")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.confirm")
    # straight on to the other flows (not via home), so every screen holds something at once
    kiosk.nav.go("track.lookup")
    keys(qtbot, kiosk, "1123001")
    keys(qtbot, kiosk, "5678")
    kiosk.nav.go("redeem.scan")
    scan(sign_code(demo_signing_key(), DEMO_KEY_ID, "V0001", 120))
    wait_route(qtbot, kiosk, "redeem.gifts")
    click(qtbot, kiosk, "add_G-EGG-10")
    qtbot.waitUntil(lambda: "30" in kiosk.nav.current.cart_label.text())
    click(qtbot, kiosk, "toCart")
    wait_route(qtbot, kiosk, "redeem.cart")
    qtbot.waitUntil(lambda: kiosk.nav.current.quote is not None)


def test_idle_reset_leaves_no_trace(qtbot, kiosk, window, scan) -> None:  # type: ignore[no-untyped-def]
    _fill_everything(qtbot, kiosk, scan)
    assert kiosk.nav.screen("order.phone").digits == "13812345678"  # the traces are there
    assert kiosk.nav.screen("track.lookup").last4 == "5678"
    # the real idle watcher, with its minute and ten-second countdown made short
    with qtbot.waitSignal(window.idle.expired, timeout=10_000):
        window.idle.set_timeouts(idle_ms=50, admin_ms=120_000, tick_ms=5)
    assert kiosk.nav.route == "home"
    kiosk.ops.wait_done()
    qtbot.wait(50)  # let any late callback arrive (it must be dropped)
    for screen in kiosk.nav.screens():
        if not screen.route.startswith(FLOW_PREFIXES):
            continue
        for text in _texts(screen):
            for trace in TRACES:
                assert trace not in text, f"{screen.route} still shows {text!r}"
        assert getattr(screen, "form", OrderForm()) == OrderForm(), screen.route
        for attr in ("volunteer", "view", "placed", "result", "shelf", "quote"):
            assert getattr(screen, attr, None) is None, f"{screen.route}.{attr}"
        for attr in ("cart", "digits", "ticket", "last4", "room", "card_no", "pin"):
            value = getattr(screen, attr, None)
            if isinstance(value, str | dict):
                assert not value, f"{screen.route}.{attr}"
    assert kiosk.nav.screen("track.rate").stars.value() == 0
    assert kiosk.nav.screen("order.name").surnames.value() is None


def test_backing_out_to_home_forgets_the_phone(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, kiosk, "tileOrder")
    click(qtbot, kiosk, "category_repair")
    click(qtbot, kiosk, "choose_repair-tv")
    wait_route(qtbot, kiosk, "order.phone")
    keys(qtbot, kiosk, "1381234")
    for _ in range(3):
        click(qtbot, kiosk, "backButton")
    wait_route(qtbot, kiosk, "home")
    click(qtbot, kiosk, "tileOrder")
    click(qtbot, kiosk, "category_repair")
    click(qtbot, kiosk, "choose_repair-tv")
    wait_route(qtbot, kiosk, "order.phone")
    assert kiosk.nav.current.digits == ""
    assert "1234" not in " ".join(_texts(kiosk.nav.current))
