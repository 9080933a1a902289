"""Residents' phone numbers: masked everywhere, purged after closing and syncing."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from kiosk.orders import OrderDraft, place_order
from kiosk.privacy import mask_phone, purge_closed_orders
from kiosk.store.models import OrderStatusChange, OutboxEvent, ServiceOrder


def test_mask_phone() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("") == ""


def test_purge_only_closed_synced_and_old(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    t0 = datetime(2026, 10, 1, 2, 0)
    ids = []
    with demo_store.begin() as s:
        for phone in ("13800000001", "13800000002", "13800000003"):
            ids.append(
                place_order(
                    s, OrderDraft("repair-tv", "王先生", phone, "asap", "1号楼"), config, now=t0
                ).id
            )
    closed_synced, closed_unsynced, still_open = ids
    with demo_store.begin() as s:
        for oid in (closed_synced, closed_unsynced):
            s.get(ServiceOrder, oid).status = "completed"
            s.add(OrderStatusChange(order_id=oid, status="completed", at=t0 + timedelta(days=1)))
        s.execute(
            update(OutboxEvent)
            .where(OutboxEvent.payload["order_id"].as_string() != closed_unsynced)
            .values(state="sent")
        )
    with demo_store.begin() as s:
        assert purge_closed_orders(s, 30, now=t0 + timedelta(days=20)) == 0  # not old enough
        assert purge_closed_orders(s, 30, now=t0 + timedelta(days=40)) == 1
    with demo_store.begin() as s:
        assert s.get(ServiceOrder, closed_synced).phone == ""
        assert s.get(ServiceOrder, closed_synced).phone_last4 == "0001"  # tracking still works
        assert s.get(ServiceOrder, closed_unsynced).phone == "13800000002"
        assert s.get(ServiceOrder, still_open).phone == "13800000003"


def test_the_running_kiosk_purges_with_central_retention(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    from kiosk import catalog
    from station.runtime import purge_chore

    long_ago = datetime(2020, 1, 1, 2, 0)
    with demo_store.begin() as s:
        oid = place_order(
            s,
            OrderDraft("repair-tv", "王先生", "13800000009", "asap", "1号楼"),
            config,
            now=long_ago,
        ).id
        s.get(ServiceOrder, oid).status = "cancelled"
        s.add(OrderStatusChange(order_id=oid, status="cancelled", at=long_ago))
        s.execute(update(OutboxEvent).values(state="sent"))
        # Central says keep phones for 100 years: nothing may go yet.
        catalog.put_setting(s, "station_settings", {"privacy_retention_days": 36500})
    chore = purge_chore(config, demo_store)
    assert chore() == 0
    with demo_store.begin() as s:
        catalog.put_setting(s, "station_settings", {"privacy_retention_days": 30})
    assert chore() == 1
    with demo_store.begin() as s:
        assert s.get(ServiceOrder, oid).phone == ""
