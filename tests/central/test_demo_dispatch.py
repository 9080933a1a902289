"""The demo dispatcher walks orders through 派单 → 接单 → 服务中 → 已完成."""

from __future__ import annotations

import time
from pathlib import Path

from central.db import Database
from central.demo_dispatch import DemoDispatcher
from central.embedded import start_embedded
from tests.central.conftest import Api
from tests.central.factories import add_catalogue, add_volunteer, local_http, order_placed


def test_each_step_moves_open_orders_once(api: Api, db: Database) -> None:
    add_volunteer(db, vid="V1", name="张晓明")
    add_catalogue(db)
    api.push(order_placed("o1"))
    dispatcher = DemoDispatcher(db)
    assert [dispatcher.step_once() for _ in range(5)] == [1, 1, 1, 1, 0]
    statuses = [c["data"] for c in api.all_changes()[0] if c["kind"] == "order_status"]
    assert [d["status"] for d in statuses] == ["assigned", "accepted", "in_service", "completed"]
    assert statuses[-1]["team"] == "党员服务队" and statuses[-1]["volunteer_name"] == "张*明"


def test_embedded_demo_dispatches_by_itself(tmp_path: Path) -> None:
    ec = start_embedded(tmp_path / "central.db", seed_demo=True, auto_dispatch_s=0.05)
    try:
        with local_http() as http:
            placed = order_placed("o-demo", service_code="repair-tv")
            http.post(
                ec.api_url + "/events", json={"events": [placed]}, headers=ec.headers, timeout=5
            ).raise_for_status()
            deadline, status = time.monotonic() + 30, ""
            while status != "completed":
                assert time.monotonic() < deadline, f"stuck at {status!r}"
                page = http.get(
                    ec.api_url + "/changes", headers=ec.headers, params={"limit": 1000}, timeout=5
                ).json()
                done = [c["data"]["status"] for c in page["changes"] if c["kind"] == "order_status"]
                status = "completed" if "completed" in done else (done[-1] if done else "")
    finally:
        ec.stop()
    assert ec.dispatcher is not None
