"""Points: holds at authorisation (idempotent, expiring, captured, released), proof of
who redeems, offline redemptions checked at central (exceptions instead of debits),
overdrafts. Balances are checked on central's own rows and in the change feed."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from central import admin, exceptions, keys, policy, redemptions
from central.clock import utcnow
from central.db import Database
from central.models import LedgerEntry, Overdraft, Redemption, Volunteer
from central.seed import hash_pin
from protocol import codes
from tests.central.conftest import Api
from tests.central.factories import (
    add_volunteer,
    authorise_body,
    code_for,
    event,
    redemption_made,
)


def balance(db: Database, vid: str = "V1") -> int:
    with db.begin() as s:
        return s.get(Volunteer, vid).balance


def authorise(
    api: Api, db: Database, rid: str, points: int = 30, vid: str = "V1"
) -> dict[str, Any]:
    body = authorise_body(rid, vid, points, proof={"code": code_for(db, vid)})
    answer = api.post("/redemptions/authorise", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def status(db: Database, rid: str) -> str:
    with db.begin() as s:
        return s.get(Redemption, rid).status


def open_exceptions(db: Database) -> list[dict[str, Any]]:
    return exceptions.list_exceptions(db)


def test_authorise_holds_once_and_repeats_its_decision(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    first = authorise(api, db, "r1")
    assert first["approved"] is True and first["balance_after"] == 70
    assert first["as_of"].endswith("Z") and first["hold_expires_at"].endswith("Z")
    # The same request again (its answer was lost): the same decision, one hold.
    again = api.post("/redemptions/authorise", json=authorise_body("r1"))
    assert again.status_code == 200 and again.json() == first
    assert balance(db) == 70 and status(db, "r1") == "held"
    # The kiosk then records it: the hold is captured, no second debit.
    made = redemption_made("r1", mode="online")
    result = api.push(made)[0]
    assert result["status"] == "accepted"
    assert result["balance"]["volunteer_id"] == "V1" and result["balance"]["balance"] == 70
    assert balance(db) == 70 and status(db, "r1") == "recorded"
    dup = api.push(made)[0]
    assert dup["status"] == "duplicate" and dup["balance"]["balance"] == 70
    # Captured holds never expire.
    assert redemptions.expire_holds(db, now=utcnow() + timedelta(days=1)) == 0
    assert balance(db) == 70


def test_held_points_are_unavailable_and_an_expired_hold_gives_them_back(
    api: Api, db: Database
) -> None:
    add_volunteer(db, balance=100)
    assert authorise(api, db, "r1", points=70)["approved"] is True
    declined = authorise(api, db, "r2", points=50)
    assert declined == {"approved": False, "reason": "insufficient_points", "balance": 30}
    assert redemptions.expire_holds(db) == 0  # not yet
    later = utcnow() + timedelta(seconds=policy.of(db).hold_ttl_s + 1)
    assert redemptions.expire_holds(db, now=later) == 1
    assert balance(db) == 100 and status(db, "r1") == "expired"
    assert authorise(api, db, "r3", points=50)["approved"] is True
    with db.begin() as s:
        reasons = s.scalars(select(LedgerEntry.reason).order_by(LedgerEntry.id)).all()
    assert reasons == ["seed", "hold", "release", "hold"]
    # The gift went out after all: the late redemption.made still records and debits.
    assert api.push(redemption_made("r1", mode="online", points=70))[0]["status"] == "accepted"
    assert balance(db) == -20 and status(db, "r1") == "recorded"
    flagged = open_exceptions(db)
    assert [(e["reason"], e["points"]) for e in flagged] == [("overdraft_after_expiry", 20)]


def test_a_short_hold_expires_by_itself_in_a_running_central(db: Database, tmp_path: Any) -> None:
    from central.jobs import HoldSweeper

    policy.set_for(db, policy.Policy(hold_ttl_s=1, hold_sweep_s=0.2))
    add_volunteer(db, balance=100)
    admin.add_station(db, "站", station_id="ST-S")
    from central.payloads import AuthoriseIn

    req = AuthoriseIn.model_validate(
        authorise_body("r-short", points=40, proof={"code": code_for(db)})
    )
    assert redemptions.authorise(db, "ST-S", req)["approved"] is True
    assert balance(db) == 60
    sweeper = HoldSweeper(db, 0.2).start()
    try:
        for _ in range(100):
            if status(db, "r-short") == "expired":
                break
            threading.Event().wait(0.1)
    finally:
        sweeper.stop()
    assert status(db, "r-short") == "expired" and balance(db) == 100
    assert redemptions.holds(db) == []


def test_several_releasers_release_each_hold_once(api: Api, db: Database) -> None:
    add_volunteer(db, balance=1000)
    for i in range(12):
        authorise(api, db, f"r{i}", points=30)
    assert balance(db) == 640
    later = utcnow() + timedelta(hours=1)
    counts: list[int] = []
    workers = [
        threading.Thread(target=lambda: counts.append(redemptions.expire_holds(db, now=later)))
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sum(counts) == 12 and balance(db) == 1000
    with db.begin() as s:
        releases = s.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.reason == "release")
        )
    assert releases == 12


@pytest.mark.parametrize(
    ("setup", "reason", "shown_balance"),
    [
        ({"balance": 20}, "insufficient_points", 20),
        ({"balance": 100, "active": False}, "inactive_volunteer", 100),
    ],
)
def test_declines(
    api: Api, db: Database, setup: dict, reason: str, shown_balance: int | None
) -> None:
    add_volunteer(db, **setup)
    body = authorise_body(
        "r1",
        proof={
            "code": codes.sign_code(keys.signing_key(db)[1], keys.signing_key(db)[0], "V1", 300)
        },
    )
    decision = api.post("/redemptions/authorise", json=body).json()
    assert decision == {"approved": False, "reason": reason, "balance": shown_balance}
    assert api.post("/redemptions/authorise", json=body).json() == decision


def test_authorise_id_of_another_station_or_request_is_a_conflict(
    api: Api, api_b: Api, db: Database
) -> None:
    add_volunteer(db)
    authorise(api, db, "r1")
    answer = api_b.post("/redemptions/authorise", json=authorise_body("r1"))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "conflict"
    other_total = authorise_body("r1", points=10, proof={"code": code_for(db)})
    assert api.post("/redemptions/authorise", json=other_total).status_code == 409
    assert balance(db) == 70


def _forbidden(api: Api, body: dict[str, Any], path: str = "/redemptions/authorise") -> str:
    answer = api.post(path, json=body)
    assert answer.status_code == 403, answer.text
    payload = answer.json()
    assert payload["error"]["code"] == "forbidden"
    return str(payload["reason"])


def test_station_b_cannot_debit_without_proof(api_b: Api, db: Database) -> None:
    add_volunteer(db, "V1", balance=470)
    add_volunteer(db, "V2", name="李娜", balance=50)
    key_id, private = keys.signing_key(db)
    expired = codes.sign_code(private, key_id, "V1", 60, now=utcnow().timestamp() - 3600)
    revoked = code_for(db, "V1")
    admin.revoke_code(db, codes.verify_code(revoked, keys_of(db)).code_id)
    cases = {
        "proof_required": None,
        "bad_code": {"code": "VK1.bm90IGEgY29kZQ.AAAA"},
        "code_expired": {"code": expired},
        "code_revoked": {"code": revoked},
        "code_other_volunteer": {"code": code_for(db, "V2")},  # X's code debiting Y
    }
    for i, (reason, proof) in enumerate(cases.items()):
        assert _forbidden(api_b, authorise_body(f"rb{i}", "V1", 400, proof=proof)) == reason
    forged = codes.sign_code(codes.Ed25519PrivateKey.generate(), key_id, "V1", 300)
    assert _forbidden(api_b, authorise_body("rb9", "V1", 400, proof={"code": forged})) == (
        "bad_code"
    )
    assert balance(db, "V1") == 470
    with db.begin() as s:
        assert s.scalar(select(func.count()).select_from(Redemption)) == 0


def keys_of(db: Database) -> dict[str, str]:
    with db.read() as s:
        return keys.public_keys(s)


def test_void_releases_a_hold(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    authorise(api, db, "r1")
    result = api.push(
        event("redemption.voided", {"redemption_id": "r1", "reason": "printer fault"})
    )[0]
    assert result["status"] == "accepted" and result["balance"]["balance"] == 100
    assert balance(db) == 100 and status(db, "r1") == "voided"
    # Voiding again (another event id) releases nothing more, nor does the release job.
    api.push(event("redemption.voided", {"redemption_id": "r1", "reason": "again"}))
    assert redemptions.expire_holds(db, now=utcnow() + timedelta(days=1)) == 0
    assert balance(db) == 100
    with db.begin() as s:
        reasons = s.scalars(select(LedgerEntry.reason).order_by(LedgerEntry.id)).all()
    assert reasons == ["seed", "hold", "release"]


def test_void_of_a_completed_redemption_is_rejected(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    authorise(api, db, "r1")
    api.push(redemption_made("r1", mode="online"))
    result = api.push(event("redemption.voided", {"redemption_id": "r1", "reason": ""}))[0]
    assert result["status"] == "rejected"
    assert balance(db) == 70


def test_capturing_less_than_held_gives_the_rest_back(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    authorise(api, db, "r1", points=60)
    assert api.push(redemption_made("r1", mode="online", points=30))[0]["status"] == "accepted"
    assert balance(db) == 70


def test_offline_redemption_with_a_good_code_is_debited_late(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    code = code_for(db)
    result = api.push(redemption_made("r-off", points=30, qty=2, code=code))[0]
    assert result["status"] == "accepted" and result["balance"]["balance"] == 40
    # A kiosk that timed out after central approved reports "offline": still one debit.
    authorise(api, db, "r-both", points=30)
    made = redemption_made("r-both", mode="offline", points=30, code=code)
    assert api.push(made)[0]["balance"]["balance"] == 10
    assert open_exceptions(db) == []
    with db.begin() as s:
        assert s.scalar(select(func.count()).select_from(Overdraft)) == 0


def test_offline_millions_become_an_exception_not_a_debit(
    api: Api, api_b: Api, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from central import cli

    add_volunteer(db, balance=470)
    huge = redemption_made("r-huge", points=10_000_000, code=code_for(db))
    result = api_b.push(huge)[0]
    assert result["status"] == "accepted"  # recorded (the gift is gone), not debited
    assert result["balance"]["balance"] == 470 and balance(db) == 470
    (flag,) = open_exceptions(db)
    assert (flag["reason"], flag["points"], flag["station_id"]) == (
        "over_offline_limit",
        10_000_000,
        "ST-B",
    )
    assert "over_daily_ceiling" in flag["detail"]
    # The station's staff screen learns of it through its own feed only.
    feed_b = [c for c in api_b.all_changes()[0] if c["kind"] == "exception"]
    assert [c["data"]["redemption_id"] for c in feed_b] == ["r-huge"]
    assert not [c for c in api.all_changes()[0] if c["kind"] == "exception"]
    # The administrator lists it and resolves it with a note.
    assert cli.main(["--db", db.url, "exceptions", "list"]) == 0
    listed = capsys.readouterr().out
    assert "r-huge" in listed and "over_offline_limit" in listed
    assert (
        cli.main(
            ["--db", db.url, "exceptions", "resolve", str(flag["id"]), "waive", "--note", "test"]
        )
        == 0
    )
    assert open_exceptions(db) == [] and balance(db) == 470
    resolved = [c for c in api_b.all_changes()[0] if c["kind"] == "exception"]
    assert resolved[0]["data"]["status"] == "resolved"


@pytest.mark.parametrize(
    ("code_of", "reason"),
    [("V2", "code_other_volunteer"), (None, "code_missing"), ("junk", "bad_code")],
)
def test_offline_without_the_volunteers_own_code_is_an_exception(
    api: Api, db: Database, code_of: str | None, reason: str
) -> None:
    add_volunteer(db, "V1", balance=100)
    add_volunteer(db, "V2", name="李娜", balance=100)
    code = {"V2": code_for(db, "V2"), None: None, "junk": "VK1.e30.AAAA"}[code_of]
    api.push(redemption_made("r-x", "V1", points=30, code=code))
    assert balance(db, "V1") == 100 and balance(db, "V2") == 100
    assert [e["reason"] for e in open_exceptions(db)] == [reason]
    assert status(db, "r-x") == "exception"


def test_the_daily_offline_ceiling_per_volunteer_and_station(api: Api, db: Database) -> None:
    admin.update_settings(db, "ST-A", offline_limit_points=50, offline_daily_points=100)
    add_volunteer(db, balance=500)
    code = code_for(db)
    for i in range(3):
        api.push(redemption_made(f"r{i}", points=40, code=code))
    assert balance(db) == 420
    assert [e["reason"] for e in open_exceptions(db)] == ["over_daily_ceiling"]
    # The offline limit per redemption: 60 > 50.
    api.push(redemption_made("r-60", points=60, code=code))
    assert [e["reason"] for e in open_exceptions(db)][-1] == "over_offline_limit"
    assert balance(db) == 420


def test_debit_on_resolution(api: Api, db: Database) -> None:
    add_volunteer(db, balance=100)
    api.push(redemption_made("r1", points=30))  # no code
    (flag,) = open_exceptions(db)
    done = exceptions.resolve(db, flag["id"], "debit", "paper log signed by the volunteer")
    assert done["resolution"] == "debit" and balance(db) == 70
    with pytest.raises(Exception, match="already resolved"):
        exceptions.resolve(db, flag["id"], "waive", "again")


def test_overdraft_is_kept_and_reported_to_that_station_only(
    api: Api, api_b: Api, db: Database
) -> None:
    add_volunteer(db, balance=50)
    code = code_for(db)
    # Two stations redeem offline for the same volunteer: 40 + 40 on 50 points.
    assert api.push(redemption_made("ra", points=40, code=code))[0]["balance"]["balance"] == 10
    assert api_b.push(redemption_made("rb", points=40, code=code))[0]["balance"]["balance"] == -30
    with db.begin() as s:
        od = s.get(Overdraft, "rb")
        assert (od.station_id, od.volunteer_id, od.amount) == ("ST-B", "V1", 30)
    # Already below zero: the whole of the next redemption is uncovered.
    api_b.push(redemption_made("rc", points=30, code=code))
    with db.begin() as s:
        assert s.get(Overdraft, "rc").amount == 30
    kinds_b = [(c["kind"], c["key"]) for c in api_b.all_changes()[0]]
    kinds_a = [(c["kind"], c["key"]) for c in api.all_changes()[0]]
    assert ("overdraft", "rb") in kinds_b and ("overdraft", "rc") in kinds_b
    assert not [k for k in kinds_a if k[0] == "overdraft"]
    od_change = next(c for c in api_b.all_changes()[0] if c["key"] == "rb")
    assert od_change["data"] == {"redemption_id": "rb", "volunteer_id": "V1", "amount": 30}


def test_made_for_an_unknown_volunteer_is_rejected(api: Api, db: Database) -> None:
    assert api.push(redemption_made("r1", volunteer_id="V404"))[0]["reason"] == (
        "unknown_volunteer"
    )


def _card_volunteer(db: Database, pin: str = "2468") -> None:
    add_volunteer(db, balance=100)
    with db.write() as s:
        admin.upsert_volunteer(
            db, s, {"id": "V1", "name": "张晓明", "card_no": "31000001", "pin_hash": hash_pin(pin)}
        )


def test_card_and_pin_are_checked_at_central_with_a_lockout(api: Api, db: Database) -> None:
    _card_volunteer(db)
    card = {"card": "31000001", "pin": "2468"}
    assert _forbidden(api, card, "/cards/verify") == "card_pin_disabled"
    admin.update_settings(db, "ST-A", card_pin_enabled=True)
    view = api.post("/cards/verify", json=card)
    assert view.status_code == 200, view.text
    assert view.json()["id"] == "V1" and view.json()["masked_name"] == "张*明"
    assert "pin_hash" not in view.json() and "card_no" not in view.json()
    approved = api.post("/redemptions/authorise", json=authorise_body("rc1", proof=card))
    assert approved.json()["approved"] is True
    wrong = {"card": "31000001", "pin": "0000"}
    reasons = [_forbidden(api, wrong, "/cards/verify") for _ in range(5)]
    assert reasons == ["wrong_pin"] * 4 + ["card_locked"]
    # Locked: even the right PIN is refused until the lock ends, and says how long.
    answer = api.post("/redemptions/authorise", json=authorise_body("rc2", proof=card))
    assert answer.status_code == 403 and answer.json()["reason"] == "card_locked"
    assert 0 < answer.json()["retry_after"] <= policy.of(db).pin_lockout_s
    assert int(answer.headers["Retry-After"]) == answer.json()["retry_after"]
    # A card that does not exist is "wrong_pin" too (no probing for card numbers).
    assert _forbidden(api, {"card": "99999999", "pin": "2468"}, "/cards/verify") == "wrong_pin"
    assert balance(db) == 70
