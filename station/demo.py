"""Demo data: fills a store from assets/demo/demo.json so the kiosk can be tried anywhere.

Demo volunteer codes are signed with a fixed, publicly known key (``demo_signing_key``).
It is trusted only by stores seeded here; a provisioned station never holds it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk import catalog, paths
from kiosk.clock import utcnow
from kiosk.pins import hash_pin
from kiosk.privacy import mask_name
from kiosk.store.db import Store
from kiosk.store.models import (
    CommunityAddress,
    Gift,
    Service,
    ServiceCategory,
    Staff,
    StockMovement,
    Volunteer,
)
from kiosk.volunteers import star_level_for

log = logging.getLogger(__name__)

DEMO_KEY_ID = "demo"
# Cheap scrypt for demo PINs only, so seeding a store in every test stays fast.
DEMO_PIN_COST = {"n": 2**10, "r": 8, "p": 1}


def load_demo_data(path: Path | None = None) -> dict[str, Any]:
    path = path or paths.asset_path("demo/demo.json")
    return json.loads(path.read_text(encoding="utf-8"))


def demo_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"station-kiosk demo key").digest())


def demo_public_key_b64() -> str:
    raw = demo_signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def seed_demo(store: Store, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fill an empty store with the demo station. Returns the data it used."""
    data = data or load_demo_data()
    now = utcnow()
    with store.begin() as s:
        for i, c in enumerate(data["service_categories"]):
            s.add(
                ServiceCategory(
                    code=c["code"],
                    name=c["name"],
                    name_en=c.get("name_en", ""),
                    icon=c.get("icon", ""),
                    sort=c.get("sort", i),
                )
            )
        for i, v in enumerate(data["services"]):
            s.add(
                Service(
                    code=v["code"],
                    category_code=v["category"],
                    name=v["name"],
                    name_en=v.get("name_en", ""),
                    description=v.get("description", ""),
                    description_en=v.get("description_en", ""),
                    home_visit=bool(v.get("home_visit")),
                    sort=i,
                )
            )
        sort = 0
        for community in data["station"].get("communities", []):
            for b in community["buildings"]:
                s.add(
                    CommunityAddress(
                        community=community["community"],
                        building=b["building"],
                        units=b.get("units", 1),
                        sort=sort,
                    )
                )
                sort += 1
        for i, g in enumerate(data["gifts"]):
            s.add(
                Gift(
                    sku=g["sku"],
                    barcode=g.get("barcode"),
                    name=g["name"],
                    name_en=g.get("name_en", ""),
                    category=g.get("category", ""),
                    points=g["points"],
                    per_volunteer_limit=g.get("per_volunteer_limit", 0),
                    low_stock_at=g.get("low_stock_at", 5),
                    image_path=g.get("image", ""),
                    sort=i,
                )
            )
        s.flush()
        for g in data["gifts"]:
            if g.get("stock"):
                s.add(
                    StockMovement(
                        sku=g["sku"], delta=g["stock"], kind="restock", reason="初始库存", at=now
                    )
                )
        for v in data["volunteers"]:
            s.add(
                Volunteer(
                    id=v["id"],
                    masked_name=mask_name(v["name"]),
                    card_no=v.get("card_no"),
                    pin_hash=hash_pin(v["pin"], **DEMO_PIN_COST) if v.get("pin") else None,
                    total_hours=v["total_hours"],
                    star_level=star_level_for(v["total_hours"]),
                    central_balance=v["balance"],
                    balance_as_of=now,
                    team=v.get("team", ""),
                )
            )
        for m in data["staff"]:
            s.add(
                Staff(
                    id=m["id"],
                    name=m["name"],
                    role=m["role"],
                    pin_hash=hash_pin(m["pin"], **DEMO_PIN_COST),
                )
            )
        catalog.put_setting(
            s, "note_tags", {"items": data.get("note_tags", catalog.DEFAULT_NOTE_TAGS)}
        )
        catalog.put_setting(
            s, "rating_tags", {"items": data.get("rating_tags", catalog.DEFAULT_RATING_TAGS)}
        )
        catalog.put_setting(s, "gift_categories", {"items": data.get("gift_categories", [])})
        catalog.put_setting(s, "central_public_keys", {DEMO_KEY_ID: demo_public_key_b64()})
    log.info("demo data seeded into %s", store.path)
    return data


def station_overrides(data: dict[str, Any]) -> dict[str, Any]:
    """Config values that make a config describe the demo station."""
    st = data["station"]
    return {
        "station_id": st["id"],
        "station_name": st["name"],
        "station_name_en": st.get("name_en", ""),
        "ticket_prefix": st.get("ticket_prefix", "A"),
        "timezone": st.get("timezone", "Asia/Shanghai"),
    }
