"""志愿者签到 by touch and scanner, against a real central on 127.0.0.1: a volunteer taps
志愿者签到, picks today's activity, scans in, later scans out, gets a slip (real ESC/POS
bytes, decoded), and after a sync the redemption card shows the hours and points central
credited — then spends them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from central import activities, keys
from central.clock import utcnow
from central.embedded import start_embedded
from kiosk.store.models import PrintJob
from printer.connections import DummyConnection
from printer.document import Receipt
from printer.output import Output
from printer.profiles import make_profile
from printer.raster import Fonts
from protocol import codes
from tests.printer.conftest import BOLD, REGULAR
from tests.printer.escpos_decoder import decode
from tests.sync.centralkit import BALANCES, Kiosk, make_kiosk, seed_catalogue
from tests.ui.conftest import FakeClock, send_keys
from tests.ui.flow_helpers import banner_text, click, text_of, wait_route
from ui import theme
from ui.app import register_fonts
from ui.context import AppContext
from ui.i18n import Translations
from ui.window import KioskWindow


@pytest.fixture
def station(tmp_path: Path) -> Iterator[tuple[object, Kiosk]]:
    server = start_embedded(tmp_path / "central.db")
    seed_catalogue(server.db, BALANCES)
    host, port = server.url.removeprefix("http://").split(":")
    kiosk = make_kiosk(tmp_path / "k1", server.url, (host, int(port)), server.db, via_proxy=False)
    now = utcnow()
    activities.publish_activity(
        server.db,
        activity_id="haircut-1207",
        title="义务理发",
        title_en="Free haircuts",
        team="红马甲",
        starts_at=now - timedelta(hours=3),
        ends_at=now + timedelta(hours=1),
        station_id=kiosk.config.station_id,
        points_per_hour=10,
    )
    try:
        yield server, kiosk
    finally:
        kiosk.close()
        server.stop()


@pytest.fixture
def window(qtbot, station) -> Iterator[tuple[KioskWindow, FakeClock]]:  # type: ignore[no-untyped-def]
    _server, kiosk = station
    kiosk.sync()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    family = register_fonts()
    theme.apply(app, kiosk.config.large_text, family)
    translations = Translations(app)
    translations.switch(kiosk.config.language)
    clock = FakeClock()
    win = KioskWindow(
        AppContext(kiosk.store, kiosk.config, clock=clock), translations, font_family=family
    )
    win.ctx.nav.settle_ms = 0  # taps as fast as the code lets them (ui.settle)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    win.install(app)
    yield win, clock
    win.uninstall(app)
    win.ctx.ops.drop_pending()
    win.ctx.ops.wait_done()
    translations.clear()
    app.setStyleSheet("")


def _scan(win: KioskWindow, clock: FakeClock, text: str) -> None:
    clock.advance(1.0)
    focus = QApplication.focusWidget() or win
    send_keys(focus, clock, text, 0.010)


def test_sign_in_sign_out_slip_and_the_hours_on_the_card(qtbot, station, window) -> None:  # type: ignore[no-untyped-def]
    server, kiosk = station
    win, clock = window
    ctx = win.ctx
    click(qtbot, ctx, "tileAttend")
    wait_route(qtbot, ctx, "attend.activities")
    click(qtbot, ctx, "activity_haircut-1207")
    wait_route(qtbot, ctx, "attend.scan")
    assert text_of(ctx, "activityTitle") == "义务理发"

    # In (the code as central signs it), then a second scan at once: a clear message.
    # Issued 2 h 15 min ago (valid 3 h): below, the test moves the sign-in back that far,
    # and central refuses a sign-in dated before its code was issued (back-dating).
    key_id, private = keys.signing_key(server.db)
    issued = utcnow() - timedelta(hours=2, minutes=15)
    code = codes.sign_code(private, key_id, "V001", ttl_s=3 * 3600, now=issued)
    _scan(win, clock, code)
    wait_route(qtbot, ctx, "attend.done")
    assert "已签到" in text_of(ctx, "attendHeadline")
    click(qtbot, ctx, "nextVolunteer")
    wait_route(qtbot, ctx, "attend.scan")
    _scan(win, clock, code)
    qtbot.waitUntil(lambda: "不用重复扫码" in banner_text(ctx), timeout=10_000)

    # Two hours and a quarter later: the test moves the sign-in back (in the store and in
    # the not yet sent event) rather than wait. The same code signs out: 2 h by the 0.5 h
    # rule, 20 points.
    from kiosk.clock import iso
    from kiosk.store.models import Attendance, OutboxEvent

    with kiosk.store.begin() as s:
        row = s.scalars(select(Attendance)).one()
        row.signed_in_at -= timedelta(hours=2, minutes=15)
        sent = s.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "attendance.signed_in")
        ).one()
        assert sent.state == "pending"
        sent.payload = {**sent.payload, "at": iso(row.signed_in_at)}
    _scan(win, clock, code)
    wait_route(qtbot, ctx, "attend.done")
    assert "已签退" in text_of(ctx, "attendHeadline")
    assert "2 小时" in text_of(ctx, "attendDetails") and "20 积分" in text_of(ctx, "attendDetails")

    # The slip, as the printer receives it.
    with kiosk.store.begin() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.kind == "attendance")).one()
        document = job.document
    output = Output(DummyConnection(), make_profile(80, "native"), Fonts(REGULAR, BOLD))
    printed = decode(output.render(Receipt.from_dict(document)))
    assert "本次服务时长" in printed.text and "2 小时" in printed.text
    assert printed.qr_payloads and b"/api/v1/attendance/" in printed.qr_payloads[0]

    # Sync: central credits by the same rule; the card shows the new hours and balance.
    kiosk.sync()
    kiosk.sync()
    from central.models import Volunteer as CentralVolunteer

    with server.db.read() as s:
        v = s.get(CentralVolunteer, "V001")
        assert v is not None and (v.total_hours, v.balance) == (152.0, 120)
    ctx.nav.home()
    click(qtbot, ctx, "tileRedeem")
    wait_route(qtbot, ctx, "redeem.scan")
    _scan(win, clock, keys.sign_volunteer_code(server.db, "V001", ttl_s=600))
    wait_route(qtbot, ctx, "redeem.gifts")
    screen = ctx.nav.current
    assert screen is not None
    shown = " ".join(w.text() for w in screen.findChildren(type(screen.header.title)))  # type: ignore[attr-defined]
    assert "152" in shown and "120" in shown
    ctx.ops.wait_done()
