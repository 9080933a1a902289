"""POST /events: per-event results, idempotency by event id, station scoping."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from central import dispatch
from central.db import Database
from central.models import ChangeRow, Order, StationStock, StockMovement
from tests.central.conftest import Api
from tests.central.factories import NOW, add_catalogue, event, order_placed


def feed_size(db: Database) -> int:
    with db.begin() as s:
        return s.scalar(select(func.count()).select_from(ChangeRow)) or 0


def rated(order_id: str, rating: int = 5) -> dict[str, Any]:
    return event(
        "order.rated", {"order_id": order_id, "rating": rating, "tags": ["准时"], "rated_at": NOW}
    )


def test_order_placed_then_rated_after_completion(api: Api, db: Database) -> None:
    add_catalogue(db)
    placed = order_placed("o1")
    assert api.push(placed) == [
        {"id": placed["id"], "status": "accepted", "reason": None, "balance": None}
    ]
    with db.begin() as s:
        order = s.get(Order, "o1")
        assert (order.station_id, order.status, order.note_tags) == (
            "ST-A",
            "submitted",
            ["行动不便"],
        )
    early = rated("o1")
    assert api.push(early)[0]["reason"] == "not_completed"
    dispatch.set_status(db, "o1", "assigned", team="党员服务队", volunteer_name="李*")
    dispatch.set_status(db, "o1", "completed")
    assert api.push(rated("o1", 5))[0]["status"] == "accepted"
    assert api.push(rated("o1", 5))[0]["status"] == "accepted"  # same rating again: fine
    assert api.push(rated("o1", 2))[0]["reason"] == "already_rated"
    with db.begin() as s:
        assert s.get(Order, "o1").rating == 5


def test_a_batch_sent_twice_changes_nothing(api: Api, db: Database) -> None:
    add_catalogue(db)
    batch = [
        order_placed(),
        order_placed(),
        event(
            "stock.moved",
            {
                "movement_id": "m1",
                "sku": "G-EGG",
                "delta": 20,
                "kind": "restock",
                "reason": "",
                "staff_id": "S02",
                "at": NOW,
            },
        ),
    ]
    first = api.push(*batch)
    assert [r["status"] for r in first] == ["accepted"] * 3
    size = feed_size(db)
    second = api.push(*batch)
    assert [r["id"] for r in second] == [e["id"] for e in batch]
    assert [r["status"] for r in second] == ["duplicate"] * 3
    assert feed_size(db) == size
    with db.begin() as s:
        assert s.scalar(select(func.count()).select_from(Order)) == 2
        assert s.get(StationStock, ("ST-A", "G-EGG")).qty == 20


def test_bad_events_are_rejected_one_by_one(api: Api, db: Database) -> None:
    add_catalogue(db)
    good = order_placed()
    batch = [
        event("order.teleported", {}),
        {"id": "e-nopayload", "type": "order.placed", "occurred_at": NOW, "payload": "x"},
        event("order.placed", {"order_id": "o2"}),
        event("order.rated", {"order_id": "o2", "rating": 9, "rated_at": NOW}),
        event("order.rated", {"order_id": "o2", "rating": "5", "rated_at": NOW}),
        event(
            "stock.moved", {"movement_id": "m", "sku": "G", "delta": 1, "kind": "theft", "at": NOW}
        ),
        event("order.placed", {**good["payload"], "placed_at": "yesterday"}),
        {"id": "e-notype", "type": None, "occurred_at": None, "payload": {}},
        good,
    ]
    results = api.push(*batch)
    assert [r["status"] for r in results] == ["rejected"] * 8 + ["accepted"]
    assert results[0]["reason"].startswith("unknown_type")
    assert all(r["reason"].startswith("bad_payload") for r in results[1:7])
    # A rejected event is judged again when resent (it was not stored as processed).
    assert api.push(batch[0])[0]["status"] == "rejected"


def test_stations_only_touch_their_own_orders(api: Api, api_b: Api, db: Database) -> None:
    add_catalogue(db)
    placed = order_placed("o1")
    api.push(placed)
    dispatch.set_status(db, "o1", "completed")
    assert api_b.push(rated("o1"))[0]["reason"] == "unknown_order"
    # An event id another station used is not a "duplicate" for this one.
    assert api_b.push(placed)[0]["status"] == "rejected"
    assert api_b.push(order_placed("o1"))[0]["reason"] == "order_exists"


def test_stock_view_is_per_station(api: Api, api_b: Api, db: Database) -> None:
    def moved(mid: str, delta: int, kind: str = "restock") -> dict[str, Any]:
        return event(
            "stock.moved",
            {
                "movement_id": mid,
                "sku": "G-EGG",
                "delta": delta,
                "kind": kind,
                "reason": "到货",
                "staff_id": None,
                "at": NOW,
            },
        )

    add_catalogue(db)
    api.push(moved("a1", 10), moved("a2", -1, "redemption"))
    api_b.push(moved("b1", 5))
    assert api_b.push(moved("a1", 10))[0]["status"] == "rejected"
    with db.begin() as s:
        assert s.get(StationStock, ("ST-A", "G-EGG")).qty == 9
        assert s.get(StationStock, ("ST-B", "G-EGG")).qty == 5
        assert s.scalar(select(func.count()).select_from(StockMovement)) == 3


def test_over_long_fields_are_rejected_not_a_database_error(api: Api, db: Database) -> None:
    from tests.central.factories import authorise_body, redemption_made

    long = "长" * 300
    placed = order_placed()
    made = redemption_made("r1")
    batch = [
        *[
            event("order.placed", {**placed["payload"], name: long})
            for name in (
                "order_id",
                "ticket_no",
                "service_code",
                "honorific",
                "phone",
                "address",
                "time_slot",
            )
        ],
        *[
            event("redemption.made", {**made["payload"], name: long})
            for name in ("redemption_id", "volunteer_id", "pickup_code")
        ],
        event(
            "stock.moved",
            {"movement_id": "m", "sku": long, "delta": 1, "kind": "restock", "at": NOW},
        ),
    ]
    results = api.push(*batch)
    assert all(r["status"] == "rejected" and r["reason"].startswith("bad_payload") for r in results)
    answer = api.post("/redemptions/authorise", json=authorise_body("r2", "V" * 41))
    assert answer.status_code == 400


def test_times_out_of_range_are_rejected_not_a_crash(api: Api, db: Database) -> None:
    add_catalogue(db)
    edge = "9999-12-31T23:59:59-05:00"
    placed = order_placed(placed_at=edge)
    placed["occurred_at"] = "0001-01-01T00:00:00+05:00"
    assert api.push(placed)[0]["reason"].startswith("bad_payload")
    ok = order_placed()
    ok["occurred_at"] = edge  # occurred_at is informative only: kept out of the way
    assert api.push(ok)[0]["status"] == "accepted"


def test_control_characters_are_refused_politely(api: Api, db: Database) -> None:
    add_catalogue(db)
    # PostgreSQL cannot store NUL: it must never reach the database (nor become a 500).
    results = api.push(
        order_placed(honorific="王\x00阿姨"),
        order_placed(note_tags=["行动\x07不便"]),
        event("order.bogus\x00", {}),
    )
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert api.push(order_placed(address="梅园小区\n3号楼"))[0]["status"] == "accepted"
    answer = api.post("/events", json={"events": [{**order_placed(), "id": "e\x00"}]})
    assert answer.status_code == 400
    body = {"redemption_id": "r\x00", "volunteer_id": "V1", "total_points": 1}
    assert api.post("/redemptions/authorise", json=body).status_code == 400
