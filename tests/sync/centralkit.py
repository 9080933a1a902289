"""Both ends for the sync tests: a real central (uvicorn in a thread on 127.0.0.1, a
SQLite file) with a small catalogue, and kiosks (a real store file each) wired to it,
optionally through a fault proxy."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from central import admin
from central.db import Database
from central.embedded import EmbeddedCentral
from kiosk.config import Config
from kiosk.store.db import Store, open_store
from sync.client import CentralClient
from sync.engine import SyncEngine
from tests.sync.faultproxy import FaultProxy

# What the seeded volunteers hold on central when a test starts.
BALANCES = {"V001": 100, "V002": 500}


class Central:
    """The embedded central plus what the tests read from it."""

    def __init__(self, server: EmbeddedCentral) -> None:
        self.server = server
        self.db: Database = server.db
        self.url = server.url
        parts = urlsplit(self.url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)


# Short timeouts keep fault tests quick; a loaded 2-core box still answers in far less.
TEST_TIMEOUT = (2.0, 3.0)

CATEGORY = {"code": "life", "name": "生活服务", "name_en": "Daily life", "icon": "", "active": True}
SERVICE = {
    "code": "haircut",
    "category": "life",
    "name": "理发",
    "name_en": "Haircut",
    "home_visit": False,
    "active": True,
}
GIFTS = [
    {"sku": "egg", "name": "鸡蛋", "name_en": "Eggs", "points": 10, "active": True},
    {"sku": "soap", "name": "洗洁精", "name_en": "Dish soap", "points": 30, "active": True},
]
VOLUNTEERS = [
    {"id": "V001", "name": "张晓明", "total_hours": 150.0, "team": "红马甲"},
    {"id": "V002", "name": "李娜", "total_hours": 20.0, "team": "红马甲"},
]


def seed_catalogue(db: Database, balances: dict[str, int]) -> None:
    with db.begin() as session:
        admin.upsert_category(db, session, CATEGORY)
        admin.upsert_service(db, session, SERVICE)
        for gift in GIFTS:
            admin.upsert_gift(db, session, gift)
        for volunteer in VOLUNTEERS:
            admin.upsert_volunteer(db, session, volunteer)
    for vid, points in balances.items():
        admin.award_points(db, vid, points, "seed")


@dataclass
class Kiosk:
    name: str
    store: Store
    config: Config
    client: CentralClient
    engine: SyncEngine
    proxy: FaultProxy | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def sync(self) -> Any:
        return self.engine.sync_once()

    def close(self) -> None:
        self.engine.stop()
        self.client.close()
        if self.proxy is not None:
            self.proxy.stop()
        self.store.close()


def make_kiosk(
    folder: Path,
    central_url: str,
    upstream: tuple[str, int],
    db: Database,
    *,
    name: str = "k1",
    via_proxy: bool = True,
    offline_limit: int = 50,
) -> Kiosk:
    folder.mkdir(parents=True, exist_ok=True)
    creds = admin.add_station(
        db, f"测试站 {name}", station_id=f"ST-{name.upper()}", offline_limit_points=offline_limit
    )
    proxy = FaultProxy(upstream, lifetime_s=300) if via_proxy else None
    url = proxy.url if proxy else central_url
    config = Config(
        station_id=creds.station_id,
        station_name=f"测试站 {name}",
        data_dir=str(folder),
        server_url=url,
        token=creds.token,
        offline_limit_points=offline_limit,
        printer_connection=f"preview://{folder / 'receipts'}",
    )
    store = open_store(folder / "kiosk.db")
    client = CentralClient(url, creds.station_id, creds.token, timeout=TEST_TIMEOUT)
    engine = SyncEngine(store, client, interval_s=60.0)
    return Kiosk(name, store, config, client, engine, proxy)


def count(db: Database, model: type, *where: Any) -> int:
    with db.begin() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def dispatch(db: Database, order_id: str, status: str, *, team: str, volunteer: str) -> None:
    """What the district's dispatcher does on central (派单, 接单, 完成...)."""
    from central.dispatch import set_status

    set_status(db, order_id, status, team=team, volunteer_name=volunteer)
