"""The whole 一云四端 loop, each end as its user meets it: a resident's order placed on a
kiosk, dispatched by the district office in a real browser (Debian's Chromium, headless,
driven through its chromedriver), taken and completed by a volunteer on the phone page in
the same browser, and the kiosk's tracking screen showing 已完成 after a sync."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from central import keys
from central.console import accounts
from central.embedded import start_embedded
from kiosk import orders
from tests.sync.centralkit import BALANCES, Kiosk, make_kiosk, seed_catalogue
from tests.ui.flow_helpers import click, text_of, wait_route
from tests.ui.flow_helpers import keys as tap_keys
from ui import theme
from ui.app import register_fonts
from ui.context import AppContext
from ui.i18n import Translations
from ui.window import KioskWindow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PHONE = "13987654321"

if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
    # CI installs Debian's chromium and chromium-driver (.ci/chromium.sh): there, missing
    # them is a failure, not a skip.
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI needs /usr/bin/chromium and /usr/bin/chromedriver")
    pytest.skip("Debian's chromium and chromium-driver are not installed", allow_module_level=True)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--lang=zh-CN",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def station(tmp_path: Path) -> Iterator[tuple[object, Kiosk]]:
    server = start_embedded(tmp_path / "central.db")
    seed_catalogue(server.db, BALANCES)
    accounts.add_account(server.db, "dispatch", "dispatch-pass-1", role="dispatcher")
    host, port = server.url.removeprefix("http://").split(":")
    kiosk = make_kiosk(tmp_path / "k1", server.url, (host, int(port)), server.db, via_proxy=False)
    try:
        yield server, kiosk
    finally:
        kiosk.close()
        server.stop()


@pytest.fixture
def kiosk_window(qtbot) -> Iterator[Callable[[Kiosk], KioskWindow]]:  # type: ignore[no-untyped-def]
    """The kiosk's window over a test kiosk; its translator and style are removed after,
    so the tests that follow start in English with the default style."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    made: list[tuple[KioskWindow, Translations]] = []

    def make(kiosk: Kiosk) -> KioskWindow:
        family = register_fonts()
        theme.apply(app, kiosk.config.large_text, family)
        translations = Translations(app)
        translations.switch(kiosk.config.language)
        win = KioskWindow(AppContext(kiosk.store, kiosk.config), translations, font_family=family)
        win.ctx.nav.settle_ms = 0  # taps as fast as the code lets them (ui.settle)
        qtbot.addWidget(win)
        win.resize(1280, 800)
        win.show()
        made.append((win, translations))
        return win

    yield make
    for win, translations in made:
        win.ctx.ops.drop_pending()
        win.ctx.ops.wait_done()
        translations.clear()
    app.setStyleSheet("")


def test_dispatch_in_the_browser_and_complete_on_the_phone(  # type: ignore[no-untyped-def]
    qtbot, browser, station, kiosk_window
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    def submit(element) -> None:  # type: ignore[no-untyped-def]
        """Tap a form button and wait for the next page (the old one goes stale)."""
        from selenium.common.exceptions import WebDriverException

        page = browser.find_element(By.TAG_NAME, "html")
        element.click()

        def gone(_driver) -> bool:  # type: ignore[no-untyped-def]
            # Under load chromedriver may answer "node does not belong to the document"
            # instead of "stale element" for the old page: both mean it was replaced.
            try:
                page.is_enabled()
            except WebDriverException:
                return True
            return False

        WebDriverWait(browser, 20).until(gone)

    server, kiosk = station
    kiosk.sync()  # the kiosk learns the catalogue
    with kiosk.store.begin() as s:
        draft = orders.OrderDraft("haircut", "王奶奶", PHONE, "asap")
        ticket = orders.place_order(s, draft, kiosk.config).ticket_no
    kiosk.sync()  # order.placed reaches central

    # 派单: the district office signs in and assigns the order to a volunteer.
    browser.get(server.url + "/console/")
    assert "/console/login" in browser.current_url
    browser.find_element(By.ID, "username").send_keys("dispatch")
    browser.find_element(By.ID, "password").send_keys("dispatch-pass-1")
    submit(browser.find_element(By.ID, "login"))
    row = browser.find_element(By.ID, f"order-{ticket}")
    assert "理发" in row.text and "139****4321" in row.text and PHONE not in row.text
    Select(row.find_element(By.NAME, "volunteer_id")).select_by_value("V001")
    submit(row.find_element(By.CSS_SELECTOR, "button.assign"))
    assert "已保存" in browser.find_element(By.ID, "flash-ok").text
    assert "已派单" in browser.find_element(By.ID, f"order-{ticket}").text

    # 接单: the volunteer signs in on the phone page with their code and walks the order.
    code = keys.sign_volunteer_code(server.db, "V001", ttl_s=600)
    browser.get(server.url + "/m/login")
    browser.find_element(By.ID, "code").send_keys(code)
    submit(browser.find_element(By.ID, "login"))
    for step in ("accept", "start", "complete"):
        card = browser.find_element(By.ID, f"m-order-{ticket}")
        submit(card.find_element(By.CSS_SELECTOR, f"button.step-{step}"))
        assert "已更新" in browser.find_element(By.ID, "flash-ok").text
    browser.get(server.url + "/console/orders?all=1")
    assert "已完成" in browser.find_element(By.ID, f"order-{ticket}").text

    # 评单 starts where it always did: the kiosk pulls the steps and shows 已完成.
    kiosk.sync()
    # The kiosk's pull carried its report: nothing waiting to go.
    browser.get(server.url + "/console/stations")
    station_row = browser.find_element(By.ID, f"station-{kiosk.config.station_id}")
    assert "0 条" in station_row.text, station_row.text
    win = kiosk_window(kiosk)
    ctx = win.ctx
    click(qtbot, ctx, "tileTrack")
    wait_route(qtbot, ctx, "track.lookup")
    tap_keys(qtbot, ctx, ticket[1:].replace("-", ""))
    tap_keys(qtbot, ctx, PHONE[-4:])
    click(qtbot, ctx, "findButton")
    wait_route(qtbot, ctx, "track.status")
    assert ticket in text_of(ctx, "orderSummary")
    assert text_of(ctx, "status_completed")
    ctx.ops.wait_done()
