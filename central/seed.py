"""Load the demo data (assets/demo/demo.json) into central: catalogue, volunteers with
their balances, and the demo station. Only what is missing is added, so seeding an
existing database again changes nothing (balances included)."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.orm import Session

from central import admin, feed, ledger
from central.clock import utcnow
from central.db import Database
from central.models import (
    Gift,
    LedgerEntry,
    Service,
    ServiceCategory,
    SigningKey,
    Station,
    Volunteer,
)

log = logging.getLogger(__name__)

# The kiosk's demo store trusts this publicly known key (station.demo, key id "demo"): an
# embedded demo central signs with it, so codes verify before the first pull. Never in
# production: it is only installed on request, into a database that has no key yet.
DEMO_KEY_ID = "demo"
DEMO_KEY_SEED = b"station-kiosk demo key"
DEMO_PIN_COST = 2**10  # demo PINs are public; the kiosk reads n from each hash


def demo_json_path() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    root = Path(frozen_root) if frozen_root else Path(__file__).resolve().parent.parent
    return root / "assets" / "demo" / "demo.json"


def load_demo(path: Path | None = None) -> dict[str, Any]:
    return json.loads((path or demo_json_path()).read_text(encoding="utf-8"))


def hash_pin(pin: str, n: int = DEMO_PIN_COST, r: int = 8, p: int = 1) -> str:
    """``scrypt$n$r$p$salt_b64$hash_b64``, the format kiosk.pins.check_pin verifies."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def install_demo_key(db: Database) -> bool:
    """Install the public demo key if central has no key yet; True if installed."""
    private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(DEMO_KEY_SEED).digest())
    public = base64.b64encode(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    with db.write() as session:
        if session.scalars(select(SigningKey).limit(1)).first() is not None:
            return False
        session.add(
            SigningKey(
                key_id=DEMO_KEY_ID,
                private_key=base64.b64encode(hashlib.sha256(DEMO_KEY_SEED).digest()).decode(),
                public_key=public.decode(),
            )
        )
        data = {"key_id": DEMO_KEY_ID, "public_key": public.decode()}
        feed.publish(db, session, "public_key", DEMO_KEY_ID, data)
    return True


def seed_demo(db: Database, data: dict[str, Any] | None = None) -> admin.StationCredentials:
    """Seed the catalogue and volunteers, and make sure the demo station exists.
    Returns the station's id and a fresh token (a new one on every call)."""
    data = data or load_demo()
    with db.write() as session:
        _seed_catalogue(db, session, data)
        _seed_volunteers(db, session, data)
    station = data["station"]
    _seed_activities(db, station["id"])
    with db.begin() as session:
        exists = session.get(Station, station["id"]) is not None
    if exists:
        return admin.rotate_token(db, station["id"])
    return admin.add_station(
        db, station["name"], station_id=station["id"], name_en=station.get("name_en", "")
    )


def _seed_activities(db: Database, station_id: str) -> None:
    """Two activities today at the demo station: one open for sign-in now, one later."""
    from datetime import timedelta

    from central.activities import publish_activity
    from central.clock import utcnow

    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for activity_id, title, title_en, team, start, hours in (
        (
            "demo-haircut",
            "义务理发",
            "Free haircuts",
            "巧手理发志愿队",
            now - timedelta(hours=1),
            4,
        ),
        (
            "demo-antifraud",
            "反诈宣传",
            "Anti-fraud talk",
            "平安宣讲队",
            now + timedelta(hours=5),
            2,
        ),
    ):
        publish_activity(
            db,
            activity_id=activity_id,
            title=title,
            title_en=title_en,
            team=team,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            station_id=station_id,
            capacity=20,
        )


def _seed_catalogue(db: Database, session: Session, data: dict[str, Any]) -> None:
    for i, cat in enumerate(data.get("service_categories", [])):
        if session.get(ServiceCategory, cat["code"]) is None:
            admin.upsert_category(db, session, {"sort": i + 1, **cat})
    for i, svc in enumerate(data.get("services", [])):
        if session.get(Service, svc["code"]) is None:
            admin.upsert_service(db, session, {"sort": i + 1, **svc})
    for i, gift in enumerate(data.get("gifts", [])):
        if session.get(Gift, gift["sku"]) is None:
            admin.upsert_gift(db, session, {"sort": i + 1, **gift})


def _seed_volunteers(db: Database, session: Session, data: dict[str, Any]) -> None:
    added = 0
    for v in data.get("volunteers", []):
        if session.get(Volunteer, v["id"]) is not None:
            continue
        profile = {
            "id": v["id"],
            "name": v["name"],
            "card_no": v.get("card_no") or None,
            "pin_hash": hash_pin(str(v["pin"])) if v.get("pin") else None,
            "total_hours": float(v.get("total_hours") or 0),
            "team": v.get("team", ""),
            "active": bool(v.get("active", True)),
        }
        balance = int(v.get("balance") or 0)
        volunteer = Volunteer(**profile, balance=balance, balance_as_of=utcnow())
        session.add(volunteer)
        ledger.publish_volunteer(db, session, volunteer)  # flushes the volunteer first
        if balance:
            session.add(LedgerEntry(volunteer_id=v["id"], delta=balance, reason="seed"))
        added += 1
    log.info("demo seed: %d volunteers added", added)
