"""Points: online authorisation (atomic, idempotent), late offline events, overdrafts,
voids. Balances are checked on central's own rows and in the change feed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from central.db import Database
from central.models import LedgerEntry, Overdraft, Volunteer
from tests.central.conftest import Api
from tests.central.factories import add_volunteer, authorise_body, event, redemption_made


def balance(db: Database, vid: str = "V1") -> int:
    with db.begin() as s:
        return s.get(Volunteer, vid).balance


def authorise(api: Api, rid: str, points: int = 30, vid: str = "V1") -> dict[str, Any]:
    answer = api.post("/redemptions/authorise", json=authorise_body(rid, vid, points))
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_authorise_debits_once_and_repeats_its_decision(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    first = authorise(api, "r1")
    assert first["approved"] is True and first["balance_after"] == 70
    assert first["as_of"].endswith("Z")
    assert authorise(api, "r1") == first
    assert balance(db) == 70
    # The kiosk then records it: no second debit, and the result carries the balance.
    made = redemption_made("r1", mode="online")
    result = api.push(made)[0]
    assert result["status"] == "accepted"
    assert result["balance"]["volunteer_id"] == "V1" and result["balance"]["balance"] == 70
    assert balance(db) == 70
    dup = api.push(made)[0]
    assert dup["status"] == "duplicate" and dup["balance"]["balance"] == 70


@pytest.mark.parametrize(
    ("setup", "reason", "shown_balance"),
    [
        ({"balance": 20}, "insufficient_points", 20),
        ({"balance": 100, "active": False}, "inactive_volunteer", 100),
        (None, "unknown_volunteer", None),
    ],
)
def test_declines(
    api: Api, db: Database, setup: dict | None, reason: str, shown_balance: int | None
) -> None:
    if setup is not None:
        add_volunteer(db, **setup)
    decision = authorise(api, "r1")
    assert decision == {"approved": False, "reason": reason, "balance": shown_balance}
    assert authorise(api, "r1") == decision


def test_authorise_id_of_another_station_is_a_conflict(api: Api, api_b: Api, db: Database) -> None:
    add_volunteer(db)
    authorise(api, "r1")
    answer = api_b.post("/redemptions/authorise", json=authorise_body("r1"))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "conflict"
    assert balance(db) == 70


def test_offline_redemption_is_debited_late(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    result = api.push(redemption_made("r-off", mode="offline", points=30, qty=2))[0]
    assert result["status"] == "accepted" and result["balance"]["balance"] == 40
    # "online" but central never saw the authorisation: debited now, like offline.
    result = api.push(redemption_made("r-lost", mode="online", points=30))[0]
    assert result["balance"]["balance"] == 10
    # A kiosk that timed out after central approved reports "offline": still one debit.
    authorise(api, "r-both", points=10)
    assert (
        api.push(redemption_made("r-both", mode="offline", points=10))[0]["balance"]["balance"] == 0
    )
    with db.begin() as s:
        assert s.scalar(select(func.count()).select_from(Overdraft)) == 0


def test_overdraft_is_kept_and_reported_to_that_station_only(
    api: Api, api_b: Api, db: Database
) -> None:
    add_volunteer(db, balance=50)
    # Two stations redeem offline for the same volunteer: 40 + 40 on 50 points.
    assert api.push(redemption_made("ra", points=40))[0]["balance"]["balance"] == 10
    assert api_b.push(redemption_made("rb", points=40))[0]["balance"]["balance"] == -30
    with db.begin() as s:
        od = s.get(Overdraft, "rb")
        assert (od.station_id, od.volunteer_id, od.amount) == ("ST-B", "V1", 30)
    # Already below zero: the whole of the next redemption is uncovered.
    api_b.push(redemption_made("rc", points=10))
    with db.begin() as s:
        assert s.get(Overdraft, "rc").amount == 10
    kinds_b = [(c["kind"], c["key"]) for c in api_b.all_changes()[0]]
    kinds_a = [(c["kind"], c["key"]) for c in api.all_changes()[0]]
    assert ("overdraft", "rb") in kinds_b and ("overdraft", "rc") in kinds_b
    assert not [k for k in kinds_a if k[0] == "overdraft"]
    od_change = next(c for c in api_b.all_changes()[0] if c["key"] == "rb")
    assert od_change["data"] == {"redemption_id": "rb", "volunteer_id": "V1", "amount": 30}


def test_void_refunds_an_authorised_redemption(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    authorise(api, "r1")
    result = api.push(
        event("redemption.voided", {"redemption_id": "r1", "reason": "printer fault"})
    )[0]
    assert result["status"] == "accepted" and result["balance"]["balance"] == 100
    assert balance(db) == 100
    # Voiding again (another event id) refunds nothing more.
    api.push(event("redemption.voided", {"redemption_id": "r1", "reason": "again"}))
    assert balance(db) == 100
    with db.begin() as s:
        reasons = s.scalars(select(LedgerEntry.reason).order_by(LedgerEntry.id)).all()
    assert reasons == ["seed", "redemption", "refund"]


def test_void_of_a_completed_redemption_is_rejected(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    authorise(api, "r1")
    api.push(redemption_made("r1", mode="online"))
    result = api.push(event("redemption.voided", {"redemption_id": "r1", "reason": ""}))[0]
    assert result["status"] == "rejected"
    assert balance(db) == 70


def test_made_for_an_unknown_volunteer_is_rejected(api: Api, db: Database) -> None:
    assert api.push(redemption_made("r1", volunteer_id="V404"))[0]["reason"] == (
        "unknown_volunteer"
    )
