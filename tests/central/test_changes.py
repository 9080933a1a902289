"""GET /changes: the per-station feed, cursor paging, compaction, each kind's data."""

from __future__ import annotations

import pytest

from central import admin, dispatch, seed
from central.db import Database
from central.errors import Conflict
from protocol import api as protocol
from tests.central.conftest import Api
from tests.central.factories import add_catalogue, add_volunteer, order_placed


def test_a_new_station_gets_key_settings_and_catalogue(api: Api, db: Database) -> None:
    add_catalogue(db)
    changes, _ = api.all_changes()
    kinds = [c["kind"] for c in changes]
    assert kinds[0] == "public_key"  # generated at first start, before anything else
    assert set(kinds) == {"public_key", "station_settings", "service_category", "service", "gift"}
    assert kinds.index("service_category") < kinds.index("service")
    settings = next(c for c in changes if c["kind"] == "station_settings")
    assert settings["key"] == "ST-A"
    assert settings["data"] == {
        "offline_limit_points": 200,
        "card_pin_enabled": False,
        "privacy_retention_days": 30,
        "station_name": "梅园社区新时代文明实践站",
    }
    key = changes[0]["data"]
    assert set(key) == {"key_id", "public_key"}
    assert all(c["kind"] in protocol.CHANGE_KINDS for c in changes)


def test_paging_with_a_cursor_sees_everything_once(api: Api, db: Database) -> None:
    add_catalogue(db)
    for i in range(7):
        add_volunteer(db, vid=f"V{i}", balance=0)
    everything, _ = api.all_changes()
    cursor, seen = "", []
    while True:
        page = api.get("/changes", params={"cursor": cursor, "limit": 3}).json()
        assert len(page["changes"]) <= 3
        seen += page["changes"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == everything
    # Nothing new: an empty page with the same position.
    page = api.get("/changes", params={"cursor": cursor}).json()
    assert page == {"changes": [], "next_cursor": cursor, "has_more": False}
    # A new write shows up after the cursor, and only it.
    admin.award_points(db, "V3", 5)
    page = api.get("/changes", params={"cursor": cursor}).json()
    assert [(c["kind"], c["key"]) for c in page["changes"]] == [("volunteer", "V3")]
    assert page["changes"][0]["data"]["balance"] == 5


def test_feed_keeps_only_the_newest_row_per_key(api: Api, db: Database) -> None:
    add_volunteer(db, balance=10)
    for _ in range(5):
        admin.award_points(db, "V1", 1)
    volunteers = [c for c in api.all_changes()[0] if c["kind"] == "volunteer"]
    assert len(volunteers) == 1 and volunteers[0]["data"]["balance"] == 15


def test_volunteer_data(api: Api, db: Database) -> None:
    from kiosk.pins import check_pin  # the kiosk must be able to verify what central sends

    with db.begin() as s:
        admin.upsert_volunteer(
            db,
            s,
            {
                "id": "V7",
                "name": "欧阳娜娜",
                "card_no": "3101",
                "pin_hash": seed.hash_pin("2468"),
                "total_hours": 640.5,
                "team": "巾帼服务队",
            },
        )
    admin.award_points(db, "V7", 120)
    data = next(c["data"] for c in api.all_changes()[0] if c["kind"] == "volunteer")
    assert data["masked_name"] == "欧**娜" and data["star_level"] == 3
    assert data["balance"] == 120 and data["balance_as_of"].endswith("Z")
    assert data["card_no"] == "3101" and data["team"] == "巾帼服务队" and data["active"]
    assert check_pin("2468", data["pin_hash"]) and not check_pin("1357", data["pin_hash"])
    assert set(data) == {
        "id",
        "masked_name",
        "card_no",
        "pin_hash",
        "total_hours",
        "star_level",
        "balance",
        "balance_as_of",
        "team",
        "active",
    }


@pytest.mark.parametrize(("name", "masked"), [("张晓明", "张*明"), ("李娜", "李*"), ("王", "王")])
def test_mask_name(name: str, masked: str) -> None:
    assert protocol.mask_name(name) == masked


@pytest.mark.parametrize(
    ("hours", "stars"), [(0, 0), (99.9, 0), (100, 1), (300, 2), (1000, 4), (1500, 5), (9000, 5)]
)
def test_star_levels(hours: float, stars: int) -> None:
    assert protocol.star_level(hours) == stars


def test_order_status_goes_to_the_ordering_station_only(api: Api, api_b: Api, db: Database) -> None:
    api.push(order_placed("o1"))
    steps = [
        ("assigned", "党员服务队", "李*"),
        ("accepted", None, None),
        ("in_service", None, None),
        ("completed", None, None),
    ]
    for status, team, name in steps:
        dispatch.set_status(db, "o1", status, team=team, volunteer_name=name)
    statuses = [c["data"] for c in api.all_changes()[0] if c["kind"] == "order_status"]
    assert [d["status"] for d in statuses] == ["assigned", "accepted", "in_service", "completed"]
    assert all(d["team"] == "党员服务队" and d["volunteer_name"] == "李*" for d in statuses)
    assert all(d["order_id"] == "o1" and d["at"].endswith("Z") for d in statuses)
    assert not [c for c in api_b.all_changes()[0] if c["kind"] == "order_status"]


def test_dispatch_never_goes_back(api: Api, db: Database) -> None:
    api.push(order_placed("o1"))
    dispatch.set_status(db, "o1", "accepted")
    with pytest.raises(Conflict):
        dispatch.set_status(db, "o1", "assigned")
    dispatch.set_status(db, "o1", "cancelled")
    with pytest.raises(Conflict):
        dispatch.set_status(db, "o1", "completed")


def test_revocations_and_settings_reach_the_feed(api: Api, api_b: Api, db: Database) -> None:
    _, cursor_a = api.all_changes()
    _, cursor_b = api_b.all_changes()
    admin.revoke_code(db, "abcdefghijkl")
    admin.update_settings(db, "ST-A", offline_limit_points=50, card_pin_enabled=True)
    new_a, _ = api.all_changes(cursor_a)
    new_b, _ = api_b.all_changes(cursor_b)
    assert [c["kind"] for c in new_a] == ["revoked_code", "station_settings"]
    assert new_a[0]["data"] == {"code_id": "abcdefghijkl"}
    assert new_a[1]["data"]["offline_limit_points"] == 50
    assert [c["kind"] for c in new_b] == ["revoked_code"]


def test_pulling_is_not_held_up_by_a_writer(api: Api, db: Database) -> None:
    add_catalogue(db)
    with db.write() as session:  # a long write transaction is open...
        admin.upsert_gift(db, session, {"sku": "G-NEW", "name": "新礼品", "points": 5})
        page = api.get("/changes").json()  # ...and a kiosk still pulls (committed rows)
        assert "G-NEW" not in [c["key"] for c in page["changes"]]
        assert "G-EGG" in [c["key"] for c in page["changes"]]
    assert "G-NEW" in [c["key"] for c in api.all_changes()[0]]


def test_a_cursor_from_another_database_starts_over(api: Api, db: Database) -> None:
    from central import feed

    add_catalogue(db)
    everything, cursor = api.all_changes()
    _epoch, seq = feed.decode_cursor(cursor)
    # Central rebuilt (another epoch), or restored from a backup (cursor ahead of the
    # feed): resend everything rather than silently skip what the kiosk lacks.
    for stale in (feed.encode_cursor(seq, "deadbeef"), feed.encode_cursor(seq + 50, _epoch)):
        again, _ = api.all_changes(stale)
        assert again == everything
    # A good cursor at the head still gets nothing.
    assert api.get("/changes", params={"cursor": cursor}).json()["changes"] == []
