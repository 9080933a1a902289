"""Issue 13 point 10: the kiosk notices the network is back within 5 s.

The real central runs on 127.0.0.1 behind a proxy the test can cut (the proxy closes its
listening socket: connections are refused, as when a cable is pulled at the router). The
full-cycle backoff is made long on purpose (30-60 s after the first failure), so only the
engine's cheap health probe can bring 已联网 back within the 5 s the issue asks for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from central.embedded import start_embedded
from kiosk.config import Config
from kiosk.store import Store
from sync.backoff import Backoff
from sync.engine import SyncEngine
from tests.sync.centralkit import BALANCES, Central, Kiosk, make_kiosk, seed_catalogue
from ui import theme
from ui.app import register_fonts
from ui.context import AppContext
from ui.i18n import Translations
from ui.window import KioskWindow

BACK_WITHIN_MS = 5_000  # the contract, nothing faster is asserted


@pytest.fixture
def wired(tmp_path: Path) -> Iterator[Kiosk]:
    server = start_embedded(tmp_path / "central.db")
    try:
        seed_catalogue(server.db, BALANCES)
        central = Central(server)
        kiosk = make_kiosk(tmp_path / "k1", central.url, central.upstream, central.db)
        # 30-60 s before the next full cycle after one failure: far past the contract.
        kiosk.engine = SyncEngine(
            kiosk.store, kiosk.client, interval_s=60.0, backoff=Backoff(base_s=60.0)
        )
        try:
            yield kiosk
        finally:
            kiosk.close()
    finally:
        server.stop()


def test_the_strip_shows_online_within_5_s_of_central_returning(
    qtbot, wired: Kiosk, demo_store: Store, config: Config
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    family = register_fonts()
    theme.apply(app, False, family)
    translations = Translations(app)
    translations.switch("zh_CN")
    win = KioskWindow(AppContext(demo_store, config, sync=wired.engine), translations)
    qtbot.addWidget(win)
    net = win.strip.network.text
    try:
        wired.engine.start()
        qtbot.waitUntil(lambda: net.text().startswith("已联网"), timeout=15_000)

        assert wired.proxy is not None
        wired.proxy.set("down")  # refused from now on
        wired.engine.kick()
        qtbot.waitUntil(lambda: net.text().startswith("离线"), timeout=15_000)
        assert wired.engine.status().last_error == "sync.server_down"
        # The full cycle now waits 30-60 s; stay offline through a few probes.
        qtbot.wait(2_500)
        assert net.text().startswith("离线")
        assert wired.engine.next_attempt_in() is not None
        assert wired.engine.next_attempt_in() > 20  # the slow path alone would miss 5 s

        back = time.monotonic()
        wired.proxy.set("pass")  # the network returns
        qtbot.waitUntil(lambda: net.text().startswith("已联网"), timeout=BACK_WITHIN_MS)
        took = time.monotonic() - back
        assert wired.engine.status().last_error is None
        # The probe asked central's health, then the full cycle ran at once.
        paths = [s.path for s in wired.proxy.seen]
        assert any(p.endswith("/health") for p in paths)
        print(f"online again after {took:.2f} s")
    finally:
        wired.engine.stop()
        win.strip.detach()
        translations.clear()
        app.setStyleSheet("")
