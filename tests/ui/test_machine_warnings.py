"""A full disk and a wrong clock are named for what they are (issue 15, findings 4, 5):
the status strip says "disk full", not "offline"; the resident's error screen says the
disk is full and shows the code that is in the log; the staff menu keeps a warning up
for as long as the cause lasts."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

from kiosk import backup
from tests.ui.flow_helpers import wait_route
from tests.ui.test_frame import FakeStatus, FakeSync
from tests.ui.test_staff import STAFF, STAFF_PIN, sign_in


def test_the_strip_says_disk_full_when_sync_cannot_write(qtbot, demo_store, config) -> None:  # type: ignore[no-untyped-def]
    from ui.context import AppContext
    from ui.window import KioskWindow

    sync = FakeSync()
    win = KioskWindow(AppContext(demo_store, config, sync=sync))
    qtbot.addWidget(win)
    status = FakeStatus(False, pending=3, last_error="sync.disk_full")
    worker = threading.Thread(target=lambda: sync.listeners[0](status))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: win.strip.network.text.text() == "磁盘已满")
    win.strip.detach()


def test_a_write_that_finds_the_disk_full_names_it_and_logs_its_code(qtbot, window, caplog) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx

    def place(_session: object) -> None:
        # What SQLite raises when the WAL cannot grow (the real thing: test_disk_full.py).
        raise sqlite3.OperationalError("database or disk is full")

    ctx.ops.run_db(place)
    wait_route(qtbot, ctx, "error")
    screen = ctx.nav.current
    code = screen.code_label.text()
    assert code.startswith("E-")
    assert screen.title.text() == ctx.msg("error.disk_full")
    assert window.strip.network.text.text() == "磁盘已满"
    record = next(r for r in caplog.records if code in r.getMessage())
    assert "database or disk is full" in record.getMessage()
    assert "Traceback" in record.getMessage()
    # Space freed: the next write works and the strip stops saying so.
    done: list[object] = []
    ctx.ops.run_db(lambda _s: "ok", on_ok=done.append)
    qtbot.waitUntil(lambda: done == ["ok"])
    assert window.strip.network.text.text() != "磁盘已满"


def test_staff_see_a_clock_behind_the_data_until_it_is_right(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from kiosk import clock

    monkeypatch.setattr(clock, "synchronised", lambda: False)  # nothing says it is right
    ctx = window.ctx
    ahead = datetime.now(UTC) + timedelta(days=400)  # written while the clock was ahead
    backup.backup_now(ctx.config.store_path(), ctx.config.data_dir, now=ahead)
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    menu = ctx.nav.current
    shown = menu.startup.text()
    assert "时钟" in shown and ahead.strftime("%Y-") in shown
    assert not menu.dismiss.isVisible()  # not a notice to wave away


def test_staff_are_not_told_of_old_data_dated_ahead_once_the_clock_is_known_right(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Field test: after the clock was put right, the staff menu kept saying "the clock is
    probably wrong" for as long as a backup taken while it was years ahead was kept."""
    from kiosk import clock, health
    from tests.deploy.helpers import make_store

    store = tmp_path / "kiosk.db"
    make_store(store, 1)
    backup.backup_now(store, tmp_path, now=datetime.now(UTC) + timedelta(days=1095))
    monkeypatch.setattr(clock, "synchronised", lambda: False)
    assert any("时钟" in w for w in health.warnings(tmp_path, store, "zh_CN"))
    # Central agrees with the clock (the sync engine's skew), or NTP keeps it.
    assert not any("时钟" in w for w in health.warnings(tmp_path, store, "zh_CN", skew_s=2.0))
    monkeypatch.setattr(clock, "synchronised", lambda: True)
    assert not any("clock" in w for w in health.warnings(tmp_path, store, "en"))
    assert any("behind data" in w for w in health.warnings(tmp_path, store, "en", skew_s=600.0))
