"""Two ``kiosk-central serve`` processes on one PostgreSQL, started together on an empty
database (migrations take turns), pushed to at once: every event applied exactly once,
balances exact, and every station's pulled view ends equal to the database."""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from benchmarks.cityserver import central_server, pg_schema, serving
from central import admin, migrate
from central.db import Database
from central.models import LedgerEntry, Order, ProcessedEvent, StationStock, Volunteer
from tests.central.conftest import PG_URL
from tests.central.factories import (
    add_catalogue,
    add_volunteer,
    code_for,
    event,
    order_placed,
    redemption_made,
)

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(not PG_URL, reason="KIOSK_TEST_PG_URL is not set"),
]

STATIONS, BATCHES, VOLUNTEERS, START_BALANCE = 4, 5, 6, 10_000


def make_batch(
    rng: random.Random, station: str, n: int, codes: dict[str, str]
) -> list[dict[str, Any]]:
    batch = []
    for i in range(10):
        tag = f"{station}-{n}-{i}"
        if i < 6:
            vid = f"V{rng.randrange(VOLUNTEERS)}"
            # Offline redemptions carry the code they were made with (issue 11).
            # At the gift's price (central refuses a gift below it).
            qty = rng.randint(1, 2)
            made = redemption_made(f"R-{tag}", vid, points=30, qty=qty, code=codes[vid])
            batch.append(made)
        elif i < 8:
            batch.append(order_placed(f"O-{tag}", service_code="repair-tv"))
        else:
            payload = {
                "movement_id": f"M-{tag}",
                "sku": "G-EGG",
                "delta": 3,
                "kind": "restock",
                "reason": "",
                "staff_id": None,
                "at": "2026-11-23T08:00:00.000Z",
            }
            batch.append(event("stock.moved", payload))
    return batch


def test_two_processes_one_database_nothing_lost_or_doubled(tmp_path: Path) -> None:
    with pg_schema(PG_URL, "mp") as url:
        # Both start on an empty schema at the same moment: the migration lock decides.
        servers = [central_server(url, log_path=tmp_path / f"central-{i}.log") for i in (0, 1)]
        with serving(*servers) as urls:
            db = Database(url)
            assert migrate.current_revision(db.engine) == migrate.head_revision()
            # A high per-day offline ceiling: this test is about concurrency, not policy.
            creds = [
                admin.add_station(
                    db, f"站{i}", station_id=f"ST-{i}", offline_daily_points=START_BALANCE
                )
                for i in range(STATIONS)
            ]
            add_catalogue(db)  # central rejects movements of SKUs it does not know
            for v in range(VOLUNTEERS):
                add_volunteer(db, f"V{v}", balance=START_BALANCE)
            codes = {f"V{v}": code_for(db, f"V{v}") for v in range(VOLUNTEERS)}
            rng = random.Random(12)
            batches = {
                c.station_id: [make_batch(rng, c.station_id, n, codes) for n in range(BATCHES)]
                for c in creds
            }
            answers: list[tuple[str, str, int]] = []  # (event id, status, points)
            views: dict[str, dict[str, int]] = {c.station_id: {} for c in creds}
            errors: list[str] = []
            lock = threading.Lock()

            def headers(cred: admin.StationCredentials) -> dict[str, str]:
                return {"X-Station-Id": cred.station_id, "Authorization": f"Bearer {cred.token}"}

            def push(cred: admin.StationCredentials, base: str, batch: list[dict]) -> None:
                with requests.Session() as http:
                    http.trust_env = False
                    resp = http.post(
                        f"{base}/api/v1/events",
                        json={"events": batch},
                        headers=headers(cred),
                        timeout=60,
                    )
                if resp.status_code != 200:
                    errors.append(f"{resp.status_code}: {resp.text[:200]}")
                    return
                points = {e["id"]: e["payload"].get("total_points", 0) for e in batch}
                with lock:
                    answers.extend(
                        (r["id"], r["status"], points[r["id"]]) for r in resp.json()["results"]
                    )

            def pull(cred: admin.StationCredentials, cursor: str, base: str) -> str:
                with requests.Session() as http:
                    http.trust_env = False
                    while True:
                        page = http.get(
                            f"{base}/api/v1/changes",
                            params={"cursor": cursor, "limit": 1000},
                            headers=headers(cred),
                            timeout=60,
                        ).json()
                        for c in page["changes"]:
                            if c["kind"] == "volunteer":
                                views[cred.station_id][c["key"]] = c["data"]["balance"]
                        cursor = page["next_cursor"]
                        if not page["has_more"]:
                            return cursor

            def station(cred: admin.StationCredentials) -> None:
                cursor = ""
                for n, batch in enumerate(batches[cred.station_id]):
                    # The same batch to both processes at once (a kiosk that timed out
                    # and resent to another app server behind the load balancer).
                    twins = [
                        threading.Thread(target=push, args=(cred, base, batch)) for base in urls
                    ]
                    for t in twins:
                        t.start()
                    cursor = pull(cred, cursor, urls[n % 2])  # pulls race the pushes
                    for t in twins:
                        t.join()
                cursors[cred.station_id] = cursor

            cursors: dict[str, str] = {}
            threads = [threading.Thread(target=station, args=(c,)) for c in creds]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            assert not errors, errors
            for i, cred in enumerate(creds):  # after the storm: each view catches up
                pull(cred, cursors[cred.station_id], urls[i % 2])

            per_event = Counter(eid for eid, _status, _points in answers)
            accepted = Counter(eid for eid, status, _ in answers if status == "accepted")
            total = STATIONS * BATCHES * 10
            assert len(per_event) == total and set(per_event.values()) == {2}
            assert len(accepted) == total and set(accepted.values()) == {1}
            assert {s for _e, s, _p in answers} == {"accepted", "duplicate"}

            debited: Counter[str] = Counter()
            for batch_list in batches.values():
                for batch in batch_list:
                    for e in batch:
                        if e["type"] == "redemption.made":
                            debited[e["payload"]["volunteer_id"]] += e["payload"]["total_points"]
            with db.read() as s:
                balances = dict(s.execute(select(Volunteer.id, Volunteer.balance)).all())
                assert balances == {
                    f"V{v}": START_BALANCE - debited[f"V{v}"] for v in range(VOLUNTEERS)
                }
                redemptions = sum(
                    len([e for e in b if e["type"] == "redemption.made"])
                    for bl in batches.values()
                    for b in bl
                )
                ledger = s.scalar(select(func.count()).select_from(LedgerEntry))
                assert ledger == VOLUNTEERS + redemptions  # one seed each + one per debit
                assert s.scalar(select(func.count()).select_from(ProcessedEvent)) == total
                assert s.scalar(select(func.count()).select_from(Order)) == STATIONS * BATCHES * 2
                stock = dict(s.execute(select(StationStock.station_id, StationStock.qty)).all())
                assert stock == {c.station_id: BATCHES * 2 * 3 for c in creds}
            for cred in creds:
                assert views[cred.station_id] == balances, cred.station_id
            db.close()
