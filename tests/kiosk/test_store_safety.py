"""Two processes on one store file, and a process killed in the middle of writing."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.stock import correct_stock, stock_level
from kiosk.store.models import Gift, Volunteer

WORKER = Path(__file__).with_name("store_worker.py")


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def unlimited_skus(store, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    with store.begin() as s:
        s.get(Volunteer, "V0001").central_balance = 10**8
        gifts = list(s.scalars(select(Gift).order_by(Gift.sku).limit(n)))
        for gift in gifts:  # the worker redeems over and over; limits are tested elsewhere
            gift.per_volunteer_limit = 0
        return [g.sku for g in gifts]


def test_two_processes_cannot_both_take_the_last_item(demo_store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sku = unlimited_skus(demo_store, 1)[0]
    for round_ in range(3):
        with demo_store.begin() as s:
            level = stock_level(s, sku)
            if level != 1:
                correct_stock(s, "S01", sku, 1 - level, "test: leave exactly one")
        go = tmp_path / f"go-{round_}"
        procs = [spawn(str(demo_store.path), "race", str(go), sku) for _ in range(2)]
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        go.touch()
        outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
        assert all(p.returncode == 0 for p in procs), [p.stderr for p in procs]
        assert sorted(o.split()[0] for o in outputs) == ["redeemed", "refused"], outputs
        assert any(o == "refused redeem.out_of_stock" for o in outputs)
        with demo_store.begin() as s:
            assert stock_level(s, sku) == 0


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def wholeness_problems(path: Path) -> list[str]:
    """Every redemption is wholly there (lines, ledger, movements, outbox, print job)."""
    q = {
        "redemption without lines": "SELECT r.id FROM redemptions r WHERE NOT EXISTS "
        "(SELECT 1 FROM redemption_lines l WHERE l.redemption_id = r.id)",
        "redemption without ledger": "SELECT r.id FROM redemptions r WHERE NOT EXISTS "
        "(SELECT 1 FROM ledger_entries e WHERE e.redemption_id = r.id)",
        "redemption without movements": "SELECT r.id FROM redemptions r WHERE "
        "(SELECT COUNT(*) FROM stock_movements m WHERE m.redemption_id = r.id) <> "
        "(SELECT COUNT(*) FROM redemption_lines l WHERE l.redemption_id = r.id)",
        "redemption without outbox": "SELECT r.id FROM redemptions r WHERE NOT EXISTS "
        "(SELECT 1 FROM outbox_events o WHERE o.type = 'redemption.made' "
        "AND json_extract(o.payload, '$.redemption_id') = r.id)",
        "redemption without print job": "SELECT r.id FROM redemptions r WHERE NOT EXISTS "
        "(SELECT 1 FROM print_jobs p WHERE p.ref_id = r.id)",
        "orphan ledger": "SELECT e.id FROM ledger_entries e WHERE e.redemption_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM redemptions r WHERE r.id = e.redemption_id)",
        "orphan movement": "SELECT m.id FROM stock_movements m WHERE m.redemption_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM redemptions r WHERE r.id = m.redemption_id)",
        "restock without outbox": "SELECT m.id FROM stock_movements m WHERE m.staff_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM outbox_events o WHERE o.type = 'stock.moved' "
        "AND json_extract(o.payload, '$.movement_id') = m.id)",
    }
    with sqlite3.connect(path) as conn:
        return [f"{name}: {row[0]}" for name, sql in q.items() for row in conn.execute(sql)]


@pytest.mark.slow
def test_sigkill_mid_write_leaves_whole_transactions(demo_store) -> None:  # type: ignore[no-untyped-def]
    skus = unlimited_skus(demo_store, 4)
    path = demo_store.path
    demo_store.close()
    rng = random.Random(20261123)
    kills = 0
    while kills < 50:
        proc = spawn(str(path), "loop", str(rng.randrange(10**6)), ",".join(skus))
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.01, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        kills += 1
        assert integrity(path) == "ok", f"after kill {kills}"
        assert wholeness_problems(path) == [], f"after kill {kills}"
    with sqlite3.connect(path) as conn:
        made = conn.execute("SELECT COUNT(*) FROM redemptions").fetchone()[0]
    assert made > 0, "the worker never got to write: the test proved nothing"
