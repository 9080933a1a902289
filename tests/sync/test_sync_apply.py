"""Applying central's changes to a real store file: idempotent, ordered, and careful."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, inspect, select

from kiosk.store.db import Store
from kiosk.store.models import (
    Gift,
    OrderStatusChange,
    Overdraft,
    Service,
    ServiceCategory,
    ServiceOrder,
    Setting,
    StockMovement,
    Volunteer,
)
from sync.apply import apply_changes

CAT = {"code": "home", "name": "家政", "name_en": "Home", "icon": "", "sort": 1, "active": True}
SVC = {
    "code": "fix",
    "category": "home",
    "name": "家电维修",
    "name_en": "Repair",
    "description": "",
    "description_en": "",
    "home_visit": True,
    "sort": 1,
    "active": True,
}


def _vol(balance: int, as_of: str) -> dict:
    return {
        "kind": "volunteer",
        "key": "v1",
        "data": {
            "id": "v1",
            "masked_name": "张*",
            "total_hours": 120.5,
            "star_level": 1,
            "balance": balance,
            "balance_as_of": as_of,
            "team": "红马甲",
            "active": True,
        },
    }


def _apply(store: Store, changes: list[dict]) -> int:
    with store.begin() as session:
        return apply_changes(session, changes)


def test_service_before_its_category_in_one_page(store: Store) -> None:
    # Foreign keys are checked at commit, so the order inside a page does not matter.
    n = _apply(
        store,
        [
            {"kind": "service", "key": "fix", "data": SVC},
            {"kind": "service_category", "key": "home", "data": CAT},
        ],
    )
    assert n == 2
    with store.session() as s:
        assert s.get(Service, "fix").category.name == "家政"


def test_unknown_and_malformed_changes_are_skipped(store: Store) -> None:
    n = _apply(
        store,
        [
            {"kind": "weather", "key": "x", "data": {}},
            {"kind": "service_category", "key": "bad", "data": {"code": "bad"}},  # no name
            {"kind": "service_category", "key": "home", "data": CAT},
        ],
    )
    assert n == 1
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ServiceCategory)) == 1


def test_volunteer_balance_never_goes_back_in_time(store: Store) -> None:
    _apply(store, [_vol(300, "2026-11-23T10:00:00.000Z")])
    _apply(store, [_vol(500, "2026-11-23T09:00:00.000Z")])  # older: profile yes, balance no
    with store.session() as s:
        v = s.get(Volunteer, "v1")
        assert (v.central_balance, v.balance_as_of) == (300, datetime(2026, 11, 23, 10))
    _apply(store, [_vol(250, "2026-11-23T11:00:00Z")])
    with store.session() as s:
        assert s.get(Volunteer, "v1").central_balance == 250


def test_gift_pull_leaves_stock_alone(store: Store) -> None:
    gift = {
        "sku": "egg",
        "barcode": "",
        "name": "鸡蛋",
        "name_en": "Eggs",
        "category": "food",
        "points": 20,
        "per_volunteer_limit": 2,
        "low_stock_at": 5,
        "active": True,
        "image": "egg.png",
        "sort": 1,
    }
    _apply(store, [{"kind": "gift", "key": "egg", "data": gift}])
    with store.begin() as s:
        s.add(StockMovement(sku="egg", delta=12, kind="restock"))
    _apply(store, [{"kind": "gift", "key": "egg", "data": {**gift, "points": 25}}])
    with store.session() as s:
        g = s.get(Gift, "egg")
        assert (g.points, g.image_path, g.barcode) == (25, "egg.png", None)
        assert s.scalar(select(func.sum(StockMovement.delta))) == 12


def _order(store: Store) -> None:
    _apply(store, [{"kind": "service_category", "key": "home", "data": CAT}])
    _apply(store, [{"kind": "service", "key": "fix", "data": SVC}])
    with store.begin() as s:
        s.add(
            ServiceOrder(
                id="o1",
                ticket_no="A1123-001",
                ticket_day="20261123",
                ticket_seq=1,
                service_code="fix",
                honorific="王阿姨",
                phone="13812341234",
                phone_last4="1234",
                time_slot="am",
            )
        )


def _status(status: str, at: str) -> dict:
    data = {"order_id": "o1", "status": status, "at": at, "team": "队", "volunteer_name": "李*"}
    return {"kind": "order_status", "key": f"o1:{status}", "data": data}


def test_order_status_twice_is_a_no_op_and_stays_newest(store: Store) -> None:
    _order(store)
    page = [
        _status("assigned", "2026-11-23T10:00:00Z"),
        _status("completed", "2026-11-23T12:00:00Z"),
    ]
    _apply(store, page)
    _apply(store, page)
    _apply(store, [_status("accepted", "2026-11-23T11:00:00Z")])  # late, older
    unknown = {"kind": "order_status", "key": "x", "data": {"order_id": "nope", "status": "x"}}
    assert _apply(store, [unknown]) == 1  # ignored with a log line, not an error
    with store.session() as s:
        order = s.get(ServiceOrder, "o1")
        assert (order.status, order.volunteer_name) == ("completed", "李*")
        rows = s.scalars(select(OrderStatusChange.status).order_by(OrderStatusChange.at)).all()
        assert rows == ["assigned", "accepted", "completed"]


def test_settings_keys_revocations_and_overdrafts(store: Store) -> None:
    page = [
        {"kind": "public_key", "key": "k1", "data": {"key_id": "k1", "public_key": "AAA"}},
        {"kind": "public_key", "key": "k2", "data": {"key_id": "k2", "public_key": "BBB"}},
        {"kind": "station_settings", "key": "s", "data": {"offline_limit_points": 50}},
        {"kind": "revoked_code", "key": "c1", "data": {"code_id": "c1"}},
        {
            "kind": "overdraft",
            "key": "r1",
            "data": {"redemption_id": "r1", "volunteer_id": "v1", "amount": 30},
        },
    ]
    _apply(store, page)
    with store.begin() as s:
        s.get(Overdraft, "r1").resolved = True
    _apply(store, page)  # twice: same state, staff's mark kept
    with store.session() as s:
        assert s.get(Setting, "central_public_keys").value == {"k1": "AAA", "k2": "BBB"}
        assert s.get(Setting, "station_settings").value == {"offline_limit_points": 50}
        od = s.get(Overdraft, "r1")
        assert (od.amount, od.resolved) == (30, True)


def test_a_card_number_or_pin_hash_from_an_old_central_is_not_kept(store: Store) -> None:
    # Card + PIN is checked at central: even if a central still sends them, the kiosk's
    # store has nowhere to keep them (the columns are gone) and the change still applies.
    change = _vol(10, "2026-11-23T10:00:00Z")
    change["data"] |= {"card_no": "31010001", "pin_hash": "scrypt$16384$8$1$c2FsdA==$aGFzaA=="}
    assert _apply(store, [change]) == 1
    with store.session() as s:
        assert s.get(Volunteer, "v1").central_balance == 10
        columns = {c["name"] for c in inspect(s.connection()).get_columns("volunteers")}
    assert not columns & {"card_no", "pin_hash"}
    raw = store.path.read_bytes()
    assert b"31010001" not in raw and b"c2FsdA==" not in raw


def test_a_big_page_of_volunteers_with_repeats_and_a_bad_change(store: Store) -> None:
    # Larger than one write chunk; the same volunteer comes twice (older balance second),
    # and one malformed change in the middle is skipped alone.
    page = []
    for i in range(250):
        change = _vol(100 + i, "2026-11-23T10:00:00Z")
        change["data"] |= {"id": f"v{i}"}
        page.append(change)
    page[120]["data"]["balance"] = "lots"
    again = _vol(1, "2026-11-23T09:00:00Z")
    again["data"] |= {"id": "v5", "masked_name": "李*"}
    page.append(again)
    assert _apply(store, page) == 250
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Volunteer)) == 249
        assert s.get(Volunteer, "v120") is None
        v5 = s.get(Volunteer, "v5")
        assert (v5.masked_name, v5.central_balance) == ("李*", 105)
        v249 = s.get(Volunteer, "v249")
        assert (v249.central_balance, v249.balance_as_of) == (349, datetime(2026, 11, 23, 10))
