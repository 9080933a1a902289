"""Read-only views of what the station offers: services, addresses, tags, gift categories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.store.models import CommunityAddress, Service, ServiceCategory, Setting

DEFAULT_NOTE_TAGS = ["行动不便", "听力不好", "需要上门", "视力不好", "独居老人", "需要回电"]
DEFAULT_RATING_TAGS = ["准时", "专业", "热情", "耐心"]


def list_categories(session: Session) -> list[ServiceCategory]:
    return list(
        session.scalars(
            select(ServiceCategory)
            .where(ServiceCategory.active)
            .order_by(ServiceCategory.sort, ServiceCategory.code)
        )
    )


def list_services(session: Session, category_code: str) -> list[Service]:
    return list(
        session.scalars(
            select(Service)
            .where(Service.category_code == category_code, Service.active)
            .order_by(Service.sort, Service.code)
        )
    )


def get_service(session: Session, code: str) -> Service | None:
    service = session.get(Service, code)
    return service if service is not None and service.active else None


def list_addresses(session: Session) -> list[CommunityAddress]:
    return list(
        session.scalars(
            select(CommunityAddress).order_by(CommunityAddress.sort, CommunityAddress.id)
        )
    )


def get_setting(session: Session, key: str) -> dict[str, Any]:
    """A settings row's JSON object ({} when absent). Lists are kept under "items"."""
    row = session.get(Setting, key)
    return dict(row.value) if row is not None else {}


def get_settings(session: Session, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Several settings rows' JSON objects ({} when absent) in one statement on the
    session's connection, no ORM objects: for a scan, which reads the public keys and the
    station settings while the volunteer waits. The session's own unflushed changes are
    flushed first, so it reads what ``get_setting`` would."""
    from kiosk.store import raw

    session.flush()
    marks = ", ".join("?" for _ in keys)
    found: dict[str, dict[str, Any]] = {key: {} for key in keys}
    rows = raw.dbapi(session).execute(
        f"SELECT key, value FROM settings WHERE key IN ({marks})", tuple(keys)
    )
    for key, value in rows:
        loaded = raw.json_out(value)
        found[key] = dict(loaded) if isinstance(loaded, dict) else {}
    return found


def put_setting(session: Session, key: str, value: dict[str, Any]) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def note_tags(session: Session) -> list[str]:
    return list(get_setting(session, "note_tags").get("items", DEFAULT_NOTE_TAGS))


def rating_tags(session: Session) -> list[str]:
    return list(get_setting(session, "rating_tags").get("items", DEFAULT_RATING_TAGS))


def gift_categories(session: Session) -> list[dict[str, str]]:
    """[{code, name, name_en}] in display order. Read on the session's connection (no ORM
    object): the shelf asks for it on every load, the first one right after a start."""
    return list(get_settings(session, ("gift_categories",))["gift_categories"].get("items", []))
