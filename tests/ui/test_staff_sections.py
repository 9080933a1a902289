"""The other admin sections, tapped as staff would: today's figures, sync now, reprint,
printer test, exceptions, low stock to restock, technician settings saved to the config."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import select

from kiosk import redemption
from kiosk.clock import utcnow
from kiosk.config import load_config
from kiosk.store.models import Activity, Attendance, AuditEntry, Overdraft, PrintJob
from tests.ui.flow_helpers import click, text_of, wait_route
from tests.ui.test_staff import STAFF, STAFF_PIN, TECH, TECH_PIN, sign_in


def test_today_shows_the_day_figures(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_today")
    wait_route(qtbot, ctx, "staff.today")
    screen = ctx.nav.current
    qtbot.waitUntil(lambda: screen.figures is not None)
    assert screen.cards["orders"].value.text() == str(screen.figures.orders_total)
    assert screen.cards["restocked"].value.text() == str(screen.figures.restocked_items)
    assert "已提交" in text_of(ctx, "ordersByStatus")


def test_today_names_the_top_gifts_in_the_language_shown(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """A redemption line keeps the gift's Chinese name (the receipt's); in English the
    day's top gifts read in English (they showed '鸡蛋（10枚） × 1' on the English screen)."""
    ctx = window.ctx
    result = redemption.redeem(ctx.store, "V0001", {"G-EGG-10": 1}, None, ctx.config)
    assert result.mode == "offline"
    window.set_language("en")
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_today")
    wait_route(qtbot, ctx, "staff.today")
    qtbot.waitUntil(lambda: ctx.nav.current.figures is not None)
    assert "Eggs (10) × 1" in text_of(ctx, "topGifts"), text_of(ctx, "topGifts")
    assert "鸡蛋" not in text_of(ctx, "topGifts")
    window.set_language("zh_CN")
    assert "鸡蛋（10枚） × 1" in text_of(ctx, "topGifts"), text_of(ctx, "topGifts")


def _row_texts(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    rows = ctx.nav.current.rows.rows
    return [" ".join(label.text() for label in row.findChildren(QLabel)) for row in rows]


def test_english_staff_lists_say_what_is_chinese_only_in_names(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The reprint list named each receipt by its printed Chinese title (点单 A1208-002,
    兑换 216244) beside its kind in English, and today's attendance the activity by its
    Chinese title although central sent an English one."""
    ctx = window.ctx
    now = utcnow()
    with ctx.store.begin() as s:
        s.add(
            Activity(
                id="ACT-HAIR",
                title="义务理发",
                title_en="Free haircuts",
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(hours=2),
            )
        )
        s.add(Attendance(activity_id="ACT-HAIR", volunteer_id="V0001", signed_in_at=now))
    result = redemption.redeem(ctx.store, "V0001", {"G-EGG-10": 1}, None, ctx.config)
    window.set_language("en")
    sign_in(qtbot, window, TECH, TECH_PIN)
    click(qtbot, ctx, "menu_attendance")
    wait_route(qtbot, ctx, "staff.attendance")
    qtbot.waitUntil(lambda: bool(ctx.nav.current.rows.rows))
    (line,) = _row_texts(ctx)
    assert "Free haircuts" in line and "义务理发" not in line, line
    click(qtbot, ctx, "staffBack")
    click(qtbot, ctx, "menu_reprint")
    wait_route(qtbot, ctx, "staff.reprint")
    qtbot.waitUntil(lambda: bool(ctx.nav.current.rows.rows))
    (receipt,) = _row_texts(ctx)
    assert f"Gift receipt · {result.pickup_code} ·" in receipt and "兑换" not in receipt, receipt
    window.set_language("zh_CN")


def test_sync_without_a_server_says_so(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_sync")
    wait_route(qtbot, ctx, "staff.sync")
    click(qtbot, ctx, "syncNow")
    assert ctx.nav.current.banner.text() == "没有配置服务器：本机只能离线使用。"


def test_reprint_and_printer_test_queue_jobs(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_printer")
    wait_route(qtbot, ctx, "staff.printer")
    test_button = ctx.nav.current.findChild(QPushButton, "printTest")
    qtbot.mouseClick(test_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(test_button, Qt.MouseButton.LeftButton)  # a double tap: one page
    qtbot.waitUntil(lambda: ctx.nav.current.notice.isVisible())
    assert test_button.isEnabled()  # ready for another once the first is queued
    with ctx.store.begin() as s:
        test_job = s.scalars(select(PrintJob).where(PrintJob.kind == "test")).one()
        test_id = test_job.id
    click(qtbot, ctx, "staffBack")
    click(qtbot, ctx, "menu_reprint")
    wait_route(qtbot, ctx, "staff.reprint")
    qtbot.waitUntil(lambda: bool(ctx.nav.current.jobs))
    newest = ctx.nav.current.rows.rows[0].findChild(QPushButton, "rowAction")
    qtbot.mouseClick(newest, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(newest, Qt.MouseButton.LeftButton)  # a double tap queues one copy
    qtbot.waitUntil(lambda: ctx.nav.current.notice.isVisible())
    with ctx.store.begin() as s:
        copy = s.scalars(select(PrintJob).where(PrintJob.reprint_of == test_id)).one()
        assert copy.kind == "test"
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "print.reprint")).one()
        assert audit.staff_id == STAFF


def test_an_exception_is_marked_handled(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    with ctx.store.begin() as s:
        s.add(Overdraft(redemption_id="r-1", volunteer_id="V0001", amount=35))
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_exceptions")
    wait_route(qtbot, ctx, "staff.exceptions")
    qtbot.waitUntil(lambda: bool(ctx.nav.current.items))
    assert "35" in ctx.nav.current.rows.texts()[0]
    click(qtbot, ctx, "rowAction")
    qtbot.waitUntil(lambda: bool(ctx.nav.current.items) and ctx.nav.current.items[0].resolved)
    with ctx.store.begin() as s:
        assert s.get(Overdraft, "r-1").resolved


def test_low_stock_leads_to_restock_of_that_gift(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_low")
    wait_route(qtbot, ctx, "staff.low")
    qtbot.waitUntil(lambda: bool(ctx.nav.current.gifts))
    low = ctx.nav.current.gifts[0]
    click(qtbot, ctx, "rowAction")
    wait_route(qtbot, ctx, "staff.restock")
    qtbot.waitUntil(lambda: ctx.nav.current.chosen is not None)
    assert ctx.nav.current.chosen.sku == low.sku


def test_technician_saves_settings(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, TECH, TECH_PIN)
    click(qtbot, ctx, "menu_settings")
    wait_route(qtbot, ctx, "staff.settings")
    click(qtbot, ctx, "large_text_on")
    click(qtbot, ctx, "idle_timeout_s_120")
    click(qtbot, ctx, "saveSettings")
    qtbot.waitUntil(lambda: ctx.nav.current.notice.isVisible())
    assert ctx.config.large_text and ctx.config.idle_timeout_s == 120
    saved = load_config()
    assert saved.large_text and saved.idle_timeout_s == 120
    # The next "Still there?" countdown waits the new time, without a restart.
    assert window.idle.idle_ms == 120_000


def test_saved_settings_change_only_their_lines_of_the_config_file(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Field test: the settings screen wrote the whole config in force into the file: a
    server URL given for one run by KIOSK_SERVER_URL became the file's, the platform data
    dir was written out, and a printer the technician had set in the file since the start
    was put back."""
    import os
    import tomllib
    from pathlib import Path

    ctx = window.ctx
    path = Path(os.environ["KIOSK_CONFIG"])
    path.write_text(
        '[station]\nstation_id = "ST-FILE"\n[printer]\nprinter_connection = "tcp://10.0.0.9:9100"\n',
        encoding="utf-8",
    )
    # In force: the file's values as loaded at start, plus a KIOSK_SERVER_URL of that run.
    ctx.apply_settings(dataclasses.replace(ctx.config, server_url="https://test.example.cn"))
    sign_in(qtbot, window, TECH, TECH_PIN)
    click(qtbot, ctx, "menu_settings")
    wait_route(qtbot, ctx, "staff.settings")
    click(qtbot, ctx, "large_text_on")
    click(qtbot, ctx, "saveSettings")
    qtbot.waitUntil(lambda: ctx.nav.current.notice.isVisible())
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    saved = {k: v for section in data.values() for k, v in section.items()}
    assert saved["large_text"] is True
    assert saved["station_id"] == "ST-FILE"
    assert saved["printer_connection"] == "tcp://10.0.0.9:9100"
    assert saved["server_url"] == "" and saved["data_dir"] == ""
    assert ctx.config.large_text and ctx.config.server_url == "https://test.example.cn"


def test_the_config_is_changed_only_by_handing_out_a_new_one(window) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    import pytest

    ctx = window.ctx
    before = ctx.config
    with pytest.raises(dataclasses.FrozenInstanceError):
        before.idle_timeout_s = 5  # type: ignore[misc]
    seen: list[str] = []
    ctx.bus.changed.connect(seen.append)
    ctx.apply_settings(dataclasses.replace(before, admin_idle_timeout_s=30))
    assert seen == ["settings"] and window.idle.admin_ms == 30_000
    assert before.admin_idle_timeout_s != 30  # whoever holds the old one still sees it whole


def test_centrals_exception_is_flagged_to_staff(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from sync.apply import apply_changes

    ctx = window.ctx
    exception = {"id": "X-1", "volunteer_id": "V0001", "reason": "offline_over_limit",
                 "points": 10_000_000, "at": "2026-12-07T02:00:00Z"}  # fmt: skip
    with ctx.store.begin() as s:
        assert apply_changes(s, [{"kind": "exception", "key": "X-1", "data": exception}]) == 1
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_exceptions")
    wait_route(qtbot, ctx, "staff.exceptions")
    qtbot.waitUntil(lambda: bool(ctx.nav.current.central))
    row = ctx.nav.current.rows.texts()[0]
    assert row.startswith("⚠") and "张*明" in row and "10000000" in row
    assert "offline_over_limit" in row and "区级管理员" in row
    save_png(ctx, "staff_exceptions_central")


def test_settings_screen_shows_what_is_in_force_and_where_from(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from kiosk import catalog

    ctx = window.ctx
    ctx.config = dataclasses.replace(ctx.config, offline_limit_points=200)  # the local config
    with ctx.store.begin() as s:
        catalog.put_setting(s, "station_settings", {"offline_limit_points": 50})
    sign_in(qtbot, window, TECH, TECH_PIN)
    click(qtbot, ctx, "menu_settings")
    wait_route(qtbot, ctx, "staff.settings")
    qtbot.waitUntil(lambda: ctx.nav.current.in_force is not None)
    info = text_of(ctx, "settingsInfo")
    assert "offline_limit_points: 50 (中心)" in info  # central wins for policy
    assert "idle_timeout_s: 60 (默认)" in info
    assert ctx.nav.current.in_force.sources["offline_limit_points"] == "central"
    save_png(ctx, "staff_settings_in_force")


def save_png(ctx, name: str) -> None:  # type: ignore[no-untyped-def]
    """For a person to look at (SHOTS_DIR=dir); nothing is asserted on pixels."""
    import os

    folder = os.environ.get("SHOTS_DIR")
    if folder:
        from PySide6.QtWidgets import QApplication

        for _ in range(5):  # let layouts settle before the picture
            QApplication.processEvents()
        ctx.nav.current.window().grab().save(f"{folder}/{name}.png")
