"""Staff hear about the previous run: a store restored from backup, a hard crash."""

from __future__ import annotations

import pytest

from kiosk import backup
from tests.ui.flow_helpers import click, wait_route
from tests.ui.test_staff import STAFF, STAFF_PIN, sign_in
from ui import startup_notices


@pytest.fixture(autouse=True)
def _fresh_notices(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(startup_notices, "_crash_collected", False)
    monkeypatch.setattr(startup_notices, "_crash_line", None)


def test_restore_and_crash_are_shown_until_dismissed(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    data_dir = ctx.config.data_dir
    backup.write_notice(
        data_dir,
        backup.RestoreNotice(
            at="2026-11-23T08:00:00",
            corrupt_file="kiosk.db.corrupt",
            problems=["page 7"],
            backup_file="kiosk-20261122.db",
            backup_taken="2026-11-22T03:00:00",
            salvaged=3,
        ),
    )
    # The previous process's faulthandler dump, as kiosk.logs hands it over once.
    monkeypatch.setattr(
        startup_notices,
        "new_crash_text",
        lambda _d: "Fatal Python error: Segmentation fault\n\nThread 0x1 ...",
    )
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    menu = ctx.nav.current
    shown = menu.startup.text()
    assert "Segmentation fault" in shown and "技术员" in shown
    assert backup.notice_text(backup.last_restore_notice(data_dir), "zh_CN") in shown
    assert menu.dismiss.isVisible()
    click(qtbot, ctx, "dismissStartupNotice")
    assert not menu.startup.isVisible() and not menu.dismiss.isVisible()
    assert backup.last_restore_notice(data_dir) is None  # acknowledged on disk too


def test_nothing_to_say_shows_nothing(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(startup_notices, "new_crash_text", lambda _d: None)
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, window.ctx, "staff.menu")
    assert not window.ctx.nav.current.startup.isVisible()
