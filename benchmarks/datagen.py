"""Large stores for the suite, made by the suite: the real schema (``open_store``), the
demo station on top (catalogue, staff, public key), then bulk inserts of volunteers, gifts,
orders and pending outbox events. Nothing is cached between runs; within one run a
template file is built once and each figure works on its own copy."""

from __future__ import annotations

import json
import logging
import random
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from benchmarks.harness import Sizes
from kiosk.clock import iso, local_day, utcnow
from kiosk.store.db import Store, open_store
from kiosk.store.models import (
    Gift,
    OutboxEvent,
    ServiceOrder,
    StockMovement,
    TicketSequence,
    Volunteer,
)
from station.demo import load_demo_data, seed_demo

log = logging.getLogger(__name__)

CHUNK = 5_000
STOCK_EACH = 1_000_000  # enough that no redemption in the suite runs a gift out
BALANCE_EACH = 10_000_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
SLOTS = ("today_am", "today_pm", "tomorrow_am", "tomorrow_pm")


@dataclass(frozen=True)
class LargeStore:
    path: Path
    volunteer_ids: list[str]
    gift_skus: list[str]
    bulk_skus: list[str]  # the generated gifts: no per-day limit, deep stock
    service_codes: list[str]
    demo: dict[str, Any]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i : i + CHUNK]


def _bulk(store: Store, model: type, rows: list[dict[str, Any]]) -> None:
    table = model.__table__  # type: ignore[attr-defined]
    with store.engine.begin() as conn:
        for chunk in _chunks(rows):
            conn.execute(insert(table), chunk)


def _volunteers(n: int, now: datetime) -> list[dict[str, Any]]:
    rng = random.Random(1)
    return [
        {
            "id": f"BV{i:06d}",
            "masked_name": f"{rng.choice(SURNAMES)}*{rng.choice(SURNAMES)}",
            "card_no": f"9{i:010d}",
            "pin_hash": None,
            "total_hours": float(rng.randint(0, 2000)),
            "star_level": 0,
            "central_balance": BALANCE_EACH,
            "balance_as_of": now,
            "team": "",
            "active": True,
        }
        for i in range(n)
    ]


def _gifts(n: int, demo: dict[str, Any]) -> list[dict[str, Any]]:
    images = [g.get("image", "") for g in demo["gifts"]]
    categories = [c["code"] for c in demo.get("gift_categories", [])] or [""]
    start = len(demo["gifts"])
    return [
        {
            "sku": f"BG{i:05d}",
            "barcode": f"69{i:011d}",
            "name": f"礼品{i:05d}号",
            "name_en": f"Gift {i}",
            "category": categories[i % len(categories)],
            "points": 5 + (i % 40) * 5,
            "per_volunteer_limit": 0,
            "low_stock_at": 5,
            "active": True,
            "image_path": images[i % len(images)],
            "sort": start + i,
        }
        for i in range(max(0, n - start))
    ]


def _orders(n: int, services: list[str], now: datetime) -> list[dict[str, Any]]:
    rng = random.Random(2)
    rows, per_day = [], 200
    for i in range(n):
        at = now - timedelta(days=(n - i) // per_day, minutes=i % per_day)
        day = local_day(at)
        phone = f"138{rng.randint(0, 10**8 - 1):08d}"
        rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "ticket_no": f"A{day[4:]}-{i % per_day + 1:03d}",
                "ticket_day": day,
                "ticket_seq": i % per_day + 1,
                "service_code": services[i % len(services)],
                "honorific": f"{rng.choice(SURNAMES)}阿姨",
                "phone": phone,
                "phone_last4": phone[-4:],
                "address": "梅园小区3号楼2单元",
                "time_slot": SLOTS[i % len(SLOTS)],
                "note_tags": [],
                "status": "submitted",
                "team": "",
                "volunteer_name": "",
                "rating": None,
                "rating_tags": [],
                "rated_at": None,
                "created_at": at,
                "purged_at": None,
            }
        )
    return rows


def order_placed_event(order: dict[str, Any]) -> dict[str, Any]:
    """The outbox row ``kiosk.orders.place_order`` would have written for ``order``."""
    return {
        "id": str(uuid.uuid4()),
        "type": "order.placed",
        "occurred_at": order["created_at"],
        "payload": {
            "order_id": order["id"],
            "ticket_no": order["ticket_no"],
            "service_code": order["service_code"],
            "honorific": order["honorific"],
            "phone": order["phone"],
            "address": order["address"],
            "time_slot": order["time_slot"],
            "note_tags": order["note_tags"],
            "placed_at": iso(order["created_at"]),
        },
        "state": "pending",
        "attempts": 0,
        "result": "",
        "sent_at": None,
    }


def build_large_store(path: Path, sizes: Sizes) -> LargeStore:
    """A store of ``sizes`` at ``path``: the demo station plus the bulk rows. The last
    ``sizes.outbox_events`` orders are still pending in the outbox (placed offline)."""
    path.unlink(missing_ok=True)
    store = open_store(path)
    try:
        demo = load_demo_data()
        seed_demo(store, demo)
        now = utcnow()
        services = [s["code"] for s in demo["services"]]
        volunteers = _volunteers(sizes.volunteers, now)
        gifts = _gifts(sizes.gifts, demo)
        orders = _orders(sizes.orders, services, now)
        _bulk(store, Volunteer, volunteers)
        _bulk(store, Gift, gifts)
        skus = [g["sku"] for g in demo["gifts"]] + [g["sku"] for g in gifts]
        stock = [
            {"id": str(uuid.uuid4()), "sku": s, "delta": STOCK_EACH, "kind": "restock", "at": now}
            for s in skus
        ]
        _bulk(store, StockMovement, stock)
        _bulk(store, ServiceOrder, orders)
        last: dict[str, int] = {}
        for o in orders:  # place_order numbers on from these, as on a real station
            last[o["ticket_day"]] = max(last.get(o["ticket_day"], 0), o["ticket_seq"])
        _bulk(store, TicketSequence, [{"day": d, "last": n} for d, n in last.items()])
        pending = orders[-sizes.outbox_events :] if sizes.outbox_events else []
        events = [order_placed_event(o) for o in pending]
        events += [
            order_placed_event(o) for o in orders[: max(0, sizes.outbox_events - len(pending))]
        ]
        _bulk(store, OutboxEvent, events)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        store.close()
    checkpoint(path)
    log.info("large store built at %s", path)
    return LargeStore(
        path=path,
        volunteer_ids=[v["id"] for v in volunteers],
        gift_skus=skus,
        bulk_skus=[g["sku"] for g in gifts],
        service_codes=services,
        demo=demo,
    )


def save_large(large: LargeStore, path: Path) -> None:
    """Describe ``large`` next to its file, so a figure in a child process can use it."""
    data = {**large.__dict__, "path": str(large.path)}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load_large(path: Path) -> LargeStore:
    data = json.loads(path.read_text(encoding="utf-8"))
    return LargeStore(**{**data, "path": Path(data["path"])})


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so a plain file copy is the whole store."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def copy_store(template: Path, dest: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, dest)
    return dest
