"""Small builders for catalogue rows and wire events used across central's tests."""

from __future__ import annotations

import uuid
from typing import Any

from central import admin, keys, ledger
from central.clock import iso, utcnow
from central.db import Database
from central.models import Gift

NOW = "2026-11-23T08:00:00.000Z"


def add_gift(db: Database, sku: str = "G-EGG", points: int = 30) -> None:
    with db.begin() as s:
        if s.get(Gift, sku) is None:
            admin.upsert_gift(db, s, {"sku": sku, "name": "鸡蛋", "points": points})


def add_volunteer(
    db: Database,
    vid: str = "V1",
    name: str = "张晓明",
    balance: int = 100,
    active: bool = True,
    hours: float = 120.0,
) -> None:
    with db.begin() as s:
        v = admin.upsert_volunteer(
            db,
            s,
            {"id": vid, "name": name, "total_hours": hours, "team": "党员服务队", "active": active},
        )
        if balance:
            ledger.change_balance(db, s, v, balance, "seed")
    add_gift(db)  # what the factories' redemptions take


def add_catalogue(db: Database) -> None:
    with db.begin() as s:
        admin.upsert_category(db, s, {"code": "repair", "name": "家电维修", "sort": 1})
        admin.upsert_service(db, s, {"code": "repair-tv", "category": "repair", "name": "电视维修"})
        admin.upsert_gift(db, s, {"sku": "G-EGG", "name": "鸡蛋", "points": 30})


def event(type_: str, payload: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "id": event_id or str(uuid.uuid4()),
        "type": type_,
        "occurred_at": NOW,
        "payload": payload,
    }


def order_placed(order_id: str | None = None, **over: Any) -> dict[str, Any]:
    payload = {
        "order_id": order_id or str(uuid.uuid4()),
        "ticket_no": "A20261123-001",
        "service_code": "repair-tv",
        "honorific": "王阿姨",
        "phone": "13812341234",
        "address": "梅园小区 3号楼 2单元",
        "time_slot": "今天下午",
        "note_tags": ["行动不便"],
        "placed_at": NOW,
        **over,
    }
    return event("order.placed", payload)


def redemption_made(
    redemption_id: str,
    volunteer_id: str = "V1",
    points: int = 30,
    mode: str = "offline",
    qty: int = 1,
    code: str | None = None,
    at: str | None = None,
) -> dict[str, Any]:
    return event(
        "redemption.made",
        {
            "redemption_id": redemption_id,
            "volunteer_id": volunteer_id,
            "pickup_code": "4821",
            "mode": mode,
            "total_points": points * qty,
            "lines": [{"sku": "G-EGG", "qty": qty, "points_each": points}],
            "at": at or iso(utcnow()),
            **({"code": code} if code is not None else {}),
        },
    )


def code_for(db: Database, volunteer_id: str = "V1", ttl_s: int = 600) -> str:
    """A code central signed for ``volunteer_id``, as the volunteer's phone shows it."""
    return keys.sign_volunteer_code(db, volunteer_id, ttl_s=ttl_s)


def authorise_body(
    redemption_id: str,
    volunteer_id: str = "V1",
    points: int = 30,
    proof: dict[str, str] | None = None,
) -> dict:
    body: dict[str, Any] = {
        "redemption_id": redemption_id,
        "volunteer_id": volunteer_id,
        "total_points": points,
        "lines": [{"sku": "G-EGG", "qty": 1, "points_each": points}],
    }
    if proof is not None:
        body["proof"] = proof
    return body


def local_http() -> Any:
    """A requests session for loopback servers: no proxy from the environment."""
    import requests

    session = requests.Session()
    session.trust_env = False
    return session
