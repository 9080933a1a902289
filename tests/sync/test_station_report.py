"""A kiosk's report of itself (events not yet pushed, printer state) reaching the district
console with its pull: a real central on 127.0.0.1 and a real kiosk store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from central.console import accounts
from central.embedded import start_embedded
from kiosk import orders
from sync import push
from sync.engine import SyncEngine
from tests.central.factories import local_http
from tests.sync.centralkit import BALANCES, make_kiosk, seed_catalogue


def test_backlog_and_printer_state_show_on_the_stations_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start_embedded(tmp_path / "central.db")
    seed_catalogue(server.db, BALANCES)
    accounts.add_account(server.db, "wang", "a long password", role="viewer")
    host, port = server.url.removeprefix("http://").split(":")
    kiosk = make_kiosk(tmp_path / "k1", server.url, (host, int(port)), server.db, via_proxy=False)
    printer = ["paper_out"]
    # One event per batch and two batches per cycle: five orders leave three waiting.
    monkeypatch.setattr(push, "MAX_BATCHES", 2)
    engine = SyncEngine(
        kiosk.store, kiosk.client, interval_s=60.0, batch_size=1, printer_state=lambda: printer[0]
    )
    http = local_http()
    try:
        login = http.post(
            server.url + "/console/login", data={"username": "wang", "password": "a long password"}
        )
        assert login.ok

        def row() -> str:
            page = http.get(server.url + "/console/stations").text
            found = re.search(r'<tr id="station-ST-K1">(.*?)</tr>', page, re.S)
            assert found, page
            return found.group(1)

        assert "未上报" in row()
        engine.sync_once()  # the catalogue
        with kiosk.store.begin() as s:
            for i in range(5):
                draft = orders.OrderDraft("haircut", "王奶奶", f"1398765432{i}", "asap")
                orders.place_order(s, draft, kiosk.config)
        assert engine.sync_once().last_error is None
        assert "3 条" in row() and "缺纸" in row()
        printer[0] = "ok"
        monkeypatch.setattr("central.admin.REPORT_REFRESH_S", 0)
        for _ in range(2):
            engine.sync_once()
        assert "0 条" in row() and "正常" in row()
        # A state the protocol does not know goes as "unknown", never as free text.
        printer[0] = "smoke <b>"
        engine.sync_once()
        assert "未知" in row() and "smoke" not in row()
    finally:
        http.close()
        engine.stop()
        kiosk.close()
        server.stop()
