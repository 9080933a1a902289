"""Screenshots of the district console and the phone page, both languages, for
docs/screenshots/console/ (Debian's chromium + chromedriver, headless).

    .venv/bin/python tools/console_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import io
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from central import keys
from central.console import accounts
from central.embedded import DEMO_CONSOLE_PASSWORD, DEMO_CONSOLE_USER, start_embedded
from central.models import Order


def _orders(server) -> None:  # type: ignore[no-untyped-def]
    with server.db.read() as session:
        services = [
            s.code
            for s in session.scalars(
                __import__("sqlalchemy").select(
                    __import__("central.models", fromlist=["Service"]).Service
                )
            )
        ]
    now = datetime.now(UTC)
    events = []
    for i, (slot, phone) in enumerate(
        [("asap", "13812341234"), ("today_pm", "13998765432"), ("tomorrow_am", "13700001111")]
    ):
        at = (now - timedelta(hours=30 - i * 12)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        events.append(
            {
                "id": str(uuid.uuid4()),
                "type": "order.placed",
                "occurred_at": at,
                "payload": {
                    "order_id": str(uuid.uuid4()),
                    "ticket_no": f"A1207-00{i + 1}",
                    "service_code": services[i % len(services)],
                    "honorific": "王阿姨",
                    "phone": phone,
                    "address": "梅园小区 3 号楼 2 单元" if i == 0 else "",
                    "time_slot": slot,
                    "note_tags": ["行动不便"] if i == 0 else [],
                    "placed_at": at,
                },
            }
        )
    answer = requests.post(
        server.api_url + "/events", json={"events": events}, headers=server.headers, timeout=10
    )
    answer.raise_for_status()


def _exceptions(server, volunteer_id: str) -> None:  # type: ignore[no-untyped-def]
    """Two offline redemptions central will not debit (no code; over the offline limit),
    so the exceptions page shows what a district officer resolves."""
    from central.models import Gift

    with server.db.read() as session:
        gift = session.scalars(__import__("sqlalchemy").select(Gift)).first()
        assert gift is not None
        sku, points = gift.sku, gift.points
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    events = [
        {
            "id": str(uuid.uuid4()),
            "type": "redemption.made",
            "occurred_at": now,
            "payload": {
                "redemption_id": str(uuid.uuid4()),
                "volunteer_id": volunteer_id,
                "pickup_code": "4821",
                "mode": "offline",
                "total_points": points * qty,
                "lines": [{"sku": sku, "qty": qty, "points_each": points}],
                "at": now,
            },
        }
        for qty in (1, 40)
    ]
    answer = requests.post(
        server.api_url + "/events", json={"events": events}, headers=server.headers, timeout=10
    )
    answer.raise_for_status()


def _restock(server, skus: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The demo station's restocks, which central sums into stock per station."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    events = [
        {
            "id": str(uuid.uuid4()),
            "type": "stock.moved",
            "occurred_at": now,
            "payload": {
                "movement_id": str(uuid.uuid4()),
                "sku": sku,
                "delta": 20 - 4 * i,
                "kind": "restock",
                "reason": "到货",
                "staff_id": "S01",
                "at": now,
            },
        }
        for i, sku in enumerate(skus)
    ]
    answer = requests.post(
        server.api_url + "/events", json={"events": events}, headers=server.headers, timeout=10
    )
    answer.raise_for_status()


def _save(driver: webdriver.Chrome, path: Path) -> None:
    png = driver.get_screenshot_as_png()
    image = Image.open(io.BytesIO(png)).convert("RGB")
    # Few colours on a page: a palette keeps the committed file small.
    image.quantize(colors=64).save(path, optimize=True)
    print(path, path.stat().st_size // 1024, "KiB")


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="console-shots-"))
    server = start_embedded(folder / "central.db", seed_demo=True)
    _orders(server)
    with server.db.read() as session:
        first = session.scalars(
            __import__("sqlalchemy").select(Order).order_by(Order.placed_at)
        ).first()
        assert first is not None
        order_id = first.id
    from central.console import actions

    actor = actions.Actor(DEMO_CONSOLE_USER, "admin")
    with server.db.read() as session:
        from central.models import Volunteer

        vid = session.scalars(__import__("sqlalchemy").select(Volunteer.id)).first()
    actions.assign(server.db, actor, order_id, "", vid)
    _exceptions(server, vid)
    # A second station, and a gift only the first one carries (哪些站点有).
    from central import admin
    from central.models import Gift

    admin.add_station(server.db, "桂香苑新时代文明实践站", station_id="ST-DEMO-02")
    with server.db.read() as session:
        skus = list(
            session.scalars(__import__("sqlalchemy").select(Gift.sku).order_by(Gift.sort, Gift.sku))
        )
    actions.set_gift_stations(server.db, actor, skus[0], ["ST-DEMO-01"])
    _restock(server, skus[:4])
    # What the demo station says about itself with a pull (the second one never has).
    requests.get(
        server.api_url + "/changes",
        params={"backlog": 2, "printer": "paper_low"},
        headers=server.headers,
        timeout=10,
    ).raise_for_status()
    code = keys.sign_volunteer_code(server.db, vid, ttl_s=3600)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--disable-background-networking",
        "--no-first-run",
        f"--user-data-dir={folder / 'profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.set_window_size(1280, 860)
        driver.get(server.url + "/console/login")
        _save(driver, out / "01-login.png")
        driver.find_element(By.ID, "username").send_keys(DEMO_CONSOLE_USER)
        driver.find_element(By.ID, "password").send_keys(DEMO_CONSOLE_PASSWORD)
        driver.find_element(By.ID, "login").click()
        for lang in ("zh", "en"):
            for n, page in enumerate(
                ["orders", "catalogue", "stations", "volunteers", "exceptions", "figures"], 2
            ):
                driver.get(f"{server.url}/console/{page}?lang={lang}")
                _save(driver, out / f"{n:02d}-{page}-{lang}.png")
                if page == "catalogue":  # the gifts table is below the fold
                    driver.execute_script("document.getElementById('gifts').scrollIntoView()")
                    _save(driver, out / f"{n:02d}b-gifts-{lang}.png")
        driver.get(server.url + "/console/orders?lang=zh")
        driver.set_window_size(390, 844)
        for lang in ("en", "zh"):
            driver.get(f"{server.url}/m/login?lang={lang}")
            _save(driver, out / f"19-phone-login-{lang}.png")
        driver.get(server.url + "/m/login")
        driver.find_element(By.ID, "code").send_keys(code)
        driver.find_element(By.ID, "login").click()
        for lang in ("zh", "en"):
            driver.get(f"{server.url}/m/orders?lang={lang}")
            _save(driver, out / f"20-phone-orders-{lang}.png")
    finally:
        driver.quit()
        server.stop()
    _ = accounts
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots/console")))
