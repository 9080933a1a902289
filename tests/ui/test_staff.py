"""Staff: sign in by name tile and PIN, restock by tap and by barcode, correct stock, the
lockout after wrong PINs, technician-only settings, admin lock after idle."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from sqlalchemy import select

from kiosk import stock
from kiosk.clock import utcnow
from kiosk.store.models import Activity, Attendance, AuditEntry, OutboxEvent, Staff, StockMovement
from tests.ui.flow_helpers import banner_text, click, keys, text_of, wait_route

TECH, TECH_PIN = "S01", "246810"  # 王站长, technician
STAFF, STAFF_PIN = "S02", "135790"  # 李敏, staff
EGGS, EGGS_BARCODE = "G-EGG-10", "6901234501018"


def open_staff_entry(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The hidden entry: a long press on the station name (3 s; shortened for the test)."""
    window.strip._long_press.setInterval(50)
    station = window.strip.station
    qtbot.mousePress(station, Qt.MouseButton.LeftButton)
    wait_route(qtbot, window.ctx, "staff.pin")
    qtbot.mouseRelease(station, Qt.MouseButton.LeftButton)


def sign_in(qtbot, window, staff_id: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    open_staff_entry(qtbot, window)
    click(qtbot, window.ctx, f"pick_{staff_id}")
    keys(qtbot, window.ctx, pin)
    click(qtbot, window.ctx, "pinOk")


def level(store, sku: str) -> int:  # type: ignore[no-untyped-def]
    with store.begin() as s:
        return stock.stock_level(s, sku)


def test_a_short_press_on_the_station_name_does_nothing(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(window.strip.station, Qt.MouseButton.LeftButton)
    assert window.ctx.nav.route == "home"


def test_staff_restocks_a_gift_by_tapping_it(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    before = level(ctx.store, EGGS)
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    assert ctx.staff.id == STAFF
    assert not ctx.nav.current.tiles["staff.settings"].isVisible()  # technicians only
    click(qtbot, ctx, "menu_restock")
    wait_route(qtbot, ctx, "staff.restock")
    click(qtbot, ctx, f"pick_{EGGS}")
    keys(qtbot, ctx, "24")
    assert text_of(ctx, "qtyDisplay") == "+24"
    assert not ctx.nav.current.confirm.isEnabled()  # no reason yet
    click(qtbot, ctx, "pick_delivery")
    click(qtbot, ctx, "stockConfirm")
    qtbot.waitUntil(lambda: ctx.nav.current.notice.isVisible())
    assert str(before + 24) in ctx.nav.current.notice.label.text()
    assert level(ctx.store, EGGS) == before + 24
    with ctx.store.begin() as s:
        move = s.scalars(select(StockMovement).order_by(StockMovement.at.desc())).first()
        assert (move.sku, move.delta, move.kind, move.staff_id, move.reason) == (
            EGGS,
            24,
            "restock",
            STAFF,
            "到货",
        )
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "stock.restock")).one()


def test_staff_restocks_by_scanning_the_barcode(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    before = level(ctx.store, EGGS)
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_restock")
    wait_route(qtbot, ctx, "staff.restock")
    qtbot.waitUntil(lambda: bool(ctx.nav.current.gifts))
    scan(EGGS_BARCODE)
    qtbot.waitUntil(lambda: ctx.nav.current.chosen is not None)
    assert ctx.nav.current.chosen.sku == EGGS
    keys(qtbot, ctx, "6")
    click(qtbot, ctx, "pick_donation")
    click(qtbot, ctx, "stockConfirm")
    qtbot.waitUntil(lambda: level(ctx.store, EGGS) == before + 6)


def test_an_unknown_barcode_says_so(qtbot, window, scan) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_restock")
    wait_route(qtbot, ctx, "staff.restock")
    scan("0000000000000")
    qtbot.waitUntil(lambda: banner_text(ctx) != "")
    assert banner_text(ctx) == ctx.msg("stock.barcode_unknown", code="0000000000000")


def test_a_correction_below_zero_is_refused_with_a_message(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    before = level(ctx.store, EGGS)
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_correct")
    wait_route(qtbot, ctx, "staff.correct")
    click(qtbot, ctx, f"pick_{EGGS}")
    click(qtbot, ctx, "pick_minus")
    keys(qtbot, ctx, "9999")
    click(qtbot, ctx, "pick_broken")
    click(qtbot, ctx, "stockConfirm")
    qtbot.waitUntil(lambda: banner_text(ctx) != "")
    assert banner_text(ctx) == ctx.msg("stock.would_go_negative", level=before)
    assert level(ctx.store, EGGS) == before
    click(qtbot, ctx, "key_clear")
    keys(qtbot, ctx, "2")
    click(qtbot, ctx, "stockConfirm")
    qtbot.waitUntil(lambda: level(ctx.store, EGGS) == before - 2)


def test_wrong_pins_count_down_then_lock_the_account(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    open_staff_entry(qtbot, window)
    click(qtbot, ctx, f"pick_{STAFF}")
    for remaining in (4, 3, 2, 1):
        keys(qtbot, ctx, "1111")
        click(qtbot, ctx, "pinOk")
        expected = ctx.msg("staff.pin_wrong", remaining=remaining)
        qtbot.waitUntil(lambda expected=expected: banner_text(ctx) == expected)
        assert ctx.nav.current.pin == ""  # the digits are gone
    keys(qtbot, ctx, "1111")
    click(qtbot, ctx, "pinOk")
    locked = ctx.msg("staff.locked", minutes=5)
    qtbot.waitUntil(lambda: banner_text(ctx) == locked)
    # even the right PIN is refused now
    keys(qtbot, ctx, STAFF_PIN)
    click(qtbot, ctx, "pinOk")
    qtbot.waitUntil(lambda: not ctx.ops.busy)
    qtbot.waitUntil(lambda: banner_text(ctx) == locked)
    assert ctx.nav.route == "staff.pin" and ctx.staff is None
    with ctx.store.begin() as s:
        assert s.get(Staff, STAFF).locked_until is not None


def test_technician_sees_settings_and_sign_out_clears_the_session(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, TECH, TECH_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    click(qtbot, ctx, "menu_settings")
    wait_route(qtbot, ctx, "staff.settings")
    click(qtbot, ctx, "staffSignOut")
    wait_route(qtbot, ctx, "home")
    assert ctx.staff is None
    ctx.nav.go("staff.menu")  # no way round the PIN
    wait_route(qtbot, ctx, "staff.pin")


def test_admin_locks_itself_when_left_alone(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    window.idle.set_timeouts(idle_ms=60_000, admin_ms=100, tick_ms=1000)
    wait_route(qtbot, ctx, "home")
    assert ctx.staff is None
    assert not window.idle.counting  # admin locks without the resident countdown


def test_no_reason_is_cut_in_english_large_text_on_a_small_screen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """1280×800, English, large text switched on while signed in: each reason chip is at
    least as wide as its longest word ("Donation" showed as "onatio"), and a tap on one
    still chooses it."""
    ctx = window.ctx
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    window.set_language("en")
    window.set_large_text(True)
    click(qtbot, ctx, "menu_restock")
    wait_route(qtbot, ctx, "staff.restock")
    click(qtbot, ctx, f"pick_{EGGS}")
    reasons = ctx.nav.current.reason
    qtbot.wait(50)  # the grid refits after the new font has reached its buttons
    for key, button in reasons.buttons.items():
        metrics = button._label.fontMetrics()
        longest = max(metrics.horizontalAdvance(w) for w in button.text().split())
        assert button._label.width() >= longest, (key, button.text(), button._label.width())
    click(qtbot, ctx, "pick_donation")
    assert reasons.value() == "donation"


def test_no_menu_title_is_cut_in_english_large_text_on_a_small_screen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """1280×800, English, large text: "Attendance" was cut at both ends in a fifth of the
    width. The menu takes fewer columns while a title's word would not fit, and five
    again in normal text."""
    ctx = window.ctx
    sign_in(qtbot, window, TECH, TECH_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    menu = ctx.nav.current
    assert menu._columns == 5
    window.set_language("en")
    window.set_large_text(True)
    qtbot.wait(50)
    assert menu._columns == 4
    for tile in menu.tiles.values():
        metrics = tile.title.fontMetrics()
        longest = max(metrics.horizontalAdvance(w) for w in tile.title.text().split())
        assert tile.title.width() >= longest, (tile.title.text(), tile.title.width(), longest)
    click(qtbot, ctx, "menu_attendance")
    wait_route(qtbot, ctx, "staff.attendance")
    ctx.nav.go("staff.menu")
    wait_route(qtbot, ctx, "staff.menu")
    window.set_large_text(False)
    qtbot.wait(50)
    assert ctx.nav.current._columns == 5


def test_a_correction_stops_at_the_activitys_length(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """签到记录 → 更正: +0.5 went up to 24 h on any activity. It stops at what the
    activity lasted (2 h 45 min here: 2.5 in half-hour steps), and saving sends that."""
    ctx = window.ctx
    now = utcnow().replace(microsecond=0)
    with ctx.store.begin() as s:
        s.add(
            Activity(
                id="A-SHORT",
                title="义务理发",
                starts_at=now - timedelta(minutes=2),
                ends_at=now - timedelta(minutes=2) + timedelta(hours=2, minutes=45),
            )
        )
        s.flush()
        s.add(
            Attendance(
                id="att-1",
                activity_id="A-SHORT",
                volunteer_id="V0001",
                signed_in_at=now - timedelta(minutes=1),
                signed_out_at=now,
            )
        )
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    click(qtbot, ctx, "menu_attendance")
    wait_route(qtbot, ctx, "staff.attendance")
    screen = ctx.nav.current
    qtbot.waitUntil(lambda: screen.findChild(QWidget, "attended_att-1") is not None)
    row = screen.findChild(QWidget, "attended_att-1")
    qtbot.mouseClick(row.findChild(QPushButton, "rowAction"), Qt.MouseButton.LeftButton)
    for _ in range(10):
        click(qtbot, ctx, "hoursPlus")
    assert screen.hours == 2.5
    assert screen.value.findChild(QLabel).text() == "时长：2.5 小时"
    click(qtbot, ctx, "hoursMinus")
    click(qtbot, ctx, "hoursPlus")
    qtbot.mouseClick(
        screen.findChild(QWidget, "reason_stayed_late").findChild(QPushButton, "rowAction"),
        Qt.MouseButton.LeftButton,
    )
    qtbot.waitUntil(lambda: screen.notice.isVisible())
    with ctx.store.begin() as s:
        sent = s.scalars(select(OutboxEvent).where(OutboxEvent.type == "attendance.corrected"))
        assert [e.payload["hours"] for e in sent] == [2.5]


def test_a_sign_in_central_refused_is_told_to_staff_in_words(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Central refuses a sign-in to an activity it had cancelled (the kiosk's list was
    older): the sync screen says why in the kiosk's language, not central's reason code,
    and keeps the event visible."""
    from kiosk import outbox
    from sync.push import record_results

    ctx = window.ctx
    with ctx.store.begin() as s:
        ev = outbox.emit(
            s,
            "attendance.signed_in",
            {"attendance_id": "att-x", "activity_id": "A-GONE", "volunteer_id": "V0001"},
        )
        s.flush()
        event_id = ev.id
    with ctx.store.begin() as s:
        reason = "activity_cancelled"
        record_results(s, [event_id], [{"id": event_id, "status": "rejected", "reason": reason}])
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    wait_route(qtbot, ctx, "staff.menu")
    click(qtbot, ctx, "menu_sync")
    wait_route(qtbot, ctx, "staff.sync")
    rows = ctx.nav.current.rows

    def shown() -> str:
        return "\n".join(label.text() for row in rows.rows for label in row.findChildren(QLabel))

    qtbot.waitUntil(lambda: "活动已取消" in shown(), timeout=5000)
    assert "activity_cancelled" not in shown()
    assert "志愿者签到" in shown() and "attendance.signed_in" not in shown(), shown()
    window.set_language("en")
    qtbot.waitUntil(lambda: "The activity was cancelled" in shown(), timeout=5000)
    assert "Volunteer signed in" in shown(), shown()
