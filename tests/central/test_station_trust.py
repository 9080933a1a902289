"""A station's token in the wrong hands, and anonymous visitors of the console and the
phone page (field test, fifth round): what central must not take on a station's word,
and what it must not let anyone try without limit. Every refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from central import exceptions, policy, redemptions
from central.clock import utcnow
from central.db import Database
from central.models import LedgerEntry, Volunteer
from tests.central.conftest import Api
from tests.central.factories import add_volunteer, authorise_body, code_for, event


def _balance(db: Database, vid: str = "V1") -> int:
    with db.read() as s:
        v = s.get(Volunteer, vid)
        assert v is not None
        return v.balance


def _ledger_rows(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(LedgerEntry)) or 0)


def test_an_expired_hold_does_not_let_a_station_debit_more_than_was_approved(
    api: Api, db: Database
) -> None:
    add_volunteer(db, balance=1880)
    body = authorise_body("r1", points=10, proof={"code": code_for(db)})
    assert api.post("/redemptions/authorise", json=body).json()["approved"] is True
    later = utcnow() + timedelta(seconds=policy.of(db).hold_ttl_s + 1)
    assert redemptions.expire_holds(db, now=later) == 1
    assert _balance(db) == 1880
    # The station now reports that hold's redemption as 5,000,000 points.
    made = {
        "redemption_id": "r1",
        "volunteer_id": "V1",
        "mode": "online",
        "total_points": 5_000_000,
        "lines": [{"sku": "G-EGG", "qty": 10_000, "points_each": 500}],
        "at": utcnow().isoformat() + "Z",
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    # Only the 10 points central approved are taken; the rest waits for the district.
    assert _balance(db) == 1870
    flagged = [(e["reason"], e["points"]) for e in exceptions.list_exceptions(db)]
    assert flagged == [("over_hold", 4_999_990)]
