"""Figure 5: draining the outbox to central on 127.0.0.1 with the real sync code
(``sync.push.push_pending`` through ``CentralClient``), against a bare ``requests`` loop
posting the same batches. Each side gets its own fresh central, seeded alike, so both
see every event for the first time (no cheap "duplicate" answers for either)."""

from __future__ import annotations

import logging
import uuid

import requests

from benchmarks.centralbench import embedded_central, pending_batches
from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, now_ns, result
from kiosk.store.db import open_store
from sync.client import CentralClient
from sync.push import push_pending

log = logging.getLogger(__name__)

TARGET = Target(">=", 0.7)
WARMUP_EVENTS = 50


def bare_drain(url: str, headers: dict[str, str], batches: list[list[dict]]) -> int:
    """POST every batch with a plain requests.Session; nanoseconds taken."""
    with requests.Session() as session:
        session.trust_env = False
        start = now_ns()
        for batch in batches:
            resp = session.post(f"{url}/api/v1/events", json={"events": batch}, headers=headers)
            resp.raise_for_status()
            results = resp.json()["results"]
            if len(results) != len(batch):
                raise RuntimeError(f"central answered {len(results)} of {len(batch)}")
        return now_ns() - start


def warm_up(url: str, headers: dict[str, str], batch: list[dict]) -> None:
    """Post a small batch of look-alike events (fresh ids) so that neither side pays for
    the server's first requests (imports, route set-up, cold caches)."""
    fresh = [
        {**e, "id": str(uuid.uuid4()), "payload": {**e["payload"], "order_id": str(uuid.uuid4())}}
        for e in batch[:WARMUP_EVENTS]
    ]
    bare_drain(url, headers, [fresh])


def run(ctx: RunContext) -> list[Result]:
    store = open_store(ctx.copy_of_large("fig5.db"))
    try:
        batches = pending_batches(store)
        n = sum(len(b) for b in batches)
        with embedded_central(ctx.workdir / "fig5-central-bare.db") as ec:
            warm_up(ec.url, ec.headers, batches[0])
            bare_ns = bare_drain(ec.url, ec.headers, batches)
        with embedded_central(ctx.workdir / "fig5-central-ours.db") as ec:
            warm_up(ec.url, ec.headers, batches[0])
            client = CentralClient(ec.url, ec.station_id, ec.token)
            try:
                start = now_ns()
                settled = push_pending(store, client)
                ours_ns = now_ns() - start
            finally:
                client.close()
    finally:
        store.close()
    if settled != n:
        raise RuntimeError(f"push settled {settled} of {n} events")
    ours_tp, bare_tp = n / (ours_ns / 1e9), n / (bare_ns / 1e9)
    return [
        result(
            "5",
            "outbox drain throughput",
            "ev/s",
            ours_tp,
            bare_tp,
            TARGET,
            note=f"{n} events in {len(batches)} batches; ours {ours_ns / 1e9:.1f} s, "
            f"bare {bare_ns / 1e9:.1f} s",
        )
    ]
