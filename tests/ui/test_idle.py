"""Idle reset: the "Still there?" countdown, a touch that keeps the work, and no trace of
the previous person anywhere after the reset."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

from tests.ui.flow_helpers import click, keys, text_of, wait_route
from tests.ui.test_redeem_flow import EGGS, SOAP, choose, code
from ui.widgets import QrLabel, StarRating

PHONE = "13812345678"


def fast_idle(window, idle_ms: int = 150, tick_ms: int = 20) -> None:  # type: ignore[no-untyped-def]
    window.idle.set_timeouts(idle_ms=idle_ms, admin_ms=60_000, tick_ms=tick_ms)


def all_texts(root: QWidget) -> list[str]:
    texts: list[str] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLabel | QAbstractButton | QLineEdit):
            texts.append(w.text())
        if w.toolTip():
            texts.append(w.toolTip())
    return texts


def test_countdown_shows_and_a_touch_keeps_the_work(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    click(qtbot, ctx, "tileOrder")
    wait_route(qtbot, ctx, "order.categories")
    fast_idle(window, tick_ms=1000)
    qtbot.waitUntil(lambda: window.idle.counting, timeout=5000)
    overlay = window.idle.overlay
    assert overlay.title.text() == "还在吗？"
    assert overlay.seconds.text() == "10"
    qtbot.mouseClick(overlay.button, Qt.MouseButton.LeftButton)
    assert not window.idle.counting
    assert ctx.nav.route == "order.categories"


def test_home_never_times_out(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    fast_idle(window)
    qtbot.wait(400)  # several idle periods
    assert not window.idle.counting and window.ctx.nav.route == "home"


def test_countdown_to_zero_goes_home_and_restores_the_language(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    qtbot.mouseClick(window.strip.lang_button, Qt.MouseButton.LeftButton)
    assert ctx.lang == "en"
    click(qtbot, ctx, "tileTrack")
    wait_route(qtbot, ctx, "track.lookup")
    fast_idle(window)
    qtbot.waitUntil(lambda: window.idle.counting, timeout=5000)
    wait_route(qtbot, ctx, "home")
    assert not window.idle.counting
    assert ctx.lang == "zh_CN"
    assert ctx.nav.screen("home").order.text() == "我要点单"


def test_no_trace_of_the_resident_after_an_idle_reset(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    click(qtbot, ctx, "tileOrder")
    click(qtbot, ctx, "category_repair")
    click(qtbot, ctx, "choose_repair-tv")
    wait_route(qtbot, ctx, "order.phone")
    keys(qtbot, ctx, PHONE)
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.name")
    click(qtbot, ctx, "pick_张")
    click(qtbot, ctx, "chip_阿姨")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.address")
    click(qtbot, ctx, "community_0")
    click(qtbot, ctx, "building_3号楼")
    click(qtbot, ctx, "unit_2")
    keys(qtbot, ctx, "502")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.slot")
    click(qtbot, ctx, "chip_tomorrow_pm")
    click(qtbot, ctx, "chip_行动不便")
    click(qtbot, ctx, "nextButton")
    wait_route(qtbot, ctx, "order.confirm")
    before = " ".join(all_texts(window))
    assert "138****5678" in before and "张阿姨" in before  # the check below can see them

    fast_idle(window)
    wait_route(qtbot, ctx, "home")
    after = " ".join(all_texts(window))
    for trace in (PHONE, "138 1234 5678", "138****5678", "5678", "张阿姨", "502室", "3号楼2单元"):
        assert trace not in after, trace
    assert all(not q.payload for q in window.findChildren(QrLabel))


def test_no_trace_of_the_volunteer_after_an_idle_reset(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    click(qtbot, ctx, "tileRedeem")
    wait_route(qtbot, ctx, "redeem.scan")
    scan(code())
    wait_route(qtbot, ctx, "redeem.gifts")
    qtbot.waitUntil(lambda: text_of(ctx, "volunteerBalance").endswith("260"))
    click(qtbot, ctx, f"add_{EGGS}")
    choose(qtbot, ctx, SOAP)
    click(qtbot, ctx, "toCart")
    wait_route(qtbot, ctx, "redeem.cart")
    qtbot.waitUntil(lambda: text_of(ctx, "balanceAfter") == "205")
    assert "张*明" in " ".join(all_texts(window))

    fast_idle(window)
    wait_route(qtbot, ctx, "home")
    texts = all_texts(window)
    assert not any("张*明" in t for t in texts)
    assert not any(t in ("205", "260") for t in texts)  # balance, balance after
    for screen in ctx.nav.screens():
        for attr in ("cart", "volunteer", "view", "phone", "volunteer_id"):
            value = getattr(screen, attr, None)
            assert not value, f"{screen.route}.{attr} = {value!r}"
    assert all(s.value() == 0 for s in window.findChildren(StarRating))
