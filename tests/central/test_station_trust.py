"""A station's token in the wrong hands, and anonymous visitors of the console and the
phone page (field test, fifth round): what central must not take on a station's word,
and what it must not let anyone try without limit. Every refusal changes nothing."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from central import activities, admin, exceptions, keys, policy, redemptions
from central.clock import FUTURE_SLACK_S, iso, utcnow
from central.console import accounts
from central.console.models import WebSession
from central.db import Database
from central.models import Attendance, LedgerEntry, Redemption, Volunteer
from central.seed import hash_pin
from protocol import codes
from tests.central.conftest import Api, TestClient
from tests.central.factories import add_gift, add_volunteer, authorise_body, code_for, event


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
    body = authorise_body("r1", points=30, proof={"code": code_for(db)})
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
    # Only the 30 points central approved are taken; the rest waits for the district.
    assert _balance(db) == 1850
    flagged = [(e["reason"], e["points"]) for e in exceptions.list_exceptions(db)]
    assert flagged == [("over_hold", 4_999_970)]


def _attendance(db: Database, aid: str, volunteer: str, at: datetime, code: str | None) -> dict:
    payload = {"attendance_id": aid, "activity_id": "OLD", "volunteer_id": volunteer, "at": iso(at)}
    if code is not None:
        payload["code"] = code
    return event("attendance.signed_in", payload)


def test_a_station_cannot_sign_anyone_in_without_their_code(api: Api, db: Database) -> None:
    """A stolen token signed a volunteer into last month's activity with no code, then
    out, and central credited 8 h and 80 points. The kiosk always sends the code it
    scanned; without it, or with a fresh code back-dated to the activity, nothing moves."""
    add_volunteer(db, "V2", balance=0, hours=0.0)
    start = utcnow().replace(microsecond=0) - timedelta(days=30)
    activities.publish_activity(
        db, activity_id="OLD", title="旧活动", starts_at=start, ends_at=start + timedelta(hours=8)
    )
    ledger_before = _ledger_rows(db)
    fresh = code_for(db, "V2")  # valid now, shown today
    for code in (None, fresh):
        aid = str(uuid.uuid4())
        out = event(
            "attendance.signed_out", {"attendance_id": aid, "at": iso(start + timedelta(hours=8))}
        )
        results = api.push(_attendance(db, aid, "V2", start, code), out)
        assert [r["status"] for r in results] == ["rejected", "rejected"]
        assert results[0]["reason"].startswith("bad_code")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0
        v = s.get(Volunteer, "V2")
        assert v is not None and (v.balance, v.total_hours) == (0, 0.0)
    assert _ledger_rows(db) == ledger_before


def _card_volunteers(db: Database, n: int) -> None:
    """``n`` volunteers with sequential card numbers, as a district issues them."""
    with db.write() as s:
        for i in range(n):
            admin.upsert_volunteer(
                db,
                s,
                {
                    "id": f"V{i:03d}",
                    "name": "张晓明",
                    "card_no": f"3101{i:07d}",
                    "pin_hash": hash_pin(f"{1000 + i}", n=2**4),
                },
            )


def test_one_pin_tried_on_card_after_card_is_stopped_on_the_phone_page(
    client: TestClient, db: Database
) -> None:
    """No card reaches its own lock (5 in a row) when an anonymous visitor tries one
    PIN on every card in turn; the address is stopped instead, and a right PIN from it
    then opens nothing until the wait is over."""
    _card_volunteers(db, 14)
    limit = policy.of(db).login_fail_limit
    answers = [
        client.post("/m/login", data={"card": f"3101{i:07d}", "pin": "1234"}).status_code
        for i in range(limit + 2)
    ]
    assert answers == [401] * limit + [429, 429]
    right = client.post("/m/login", data={"card": "31010000013", "pin": "1013"})
    assert right.status_code == 429 and "分钟后再试" in right.text
    assert int(right.headers["Retry-After"]) > 0
    assert client.get("/m/orders", follow_redirects=False).status_code == 303
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0
    english = client.post("/m/login?lang=en", data={"code": "VK1.x.y"})
    assert english.status_code == 429 and "Too many failed sign-ins" in english.text


def test_one_password_tried_on_account_after_account_is_stopped_on_the_console(
    client: TestClient, db: Database
) -> None:
    for name in ("zhao", "qian", "sun"):
        accounts.add_account(db, name, "a good password 1", role="admin")
    limit = policy.of(db).login_fail_limit
    names = ["zhao", "qian", "sun", "li", "admin"] * 3
    answers = [
        client.post("/console/login", data={"username": u, "password": "password1"}).status_code
        for u in names[: limit + 1]
    ]
    assert answers == [401] * limit + [429]
    # No account reached its own lock, but the right password from here waits too.
    right = client.post(
        "/console/login", data={"username": "zhao", "password": "a good password 1"}
    )
    assert right.status_code == 429 and "分钟后再试" in right.text
    assert client.get("/console/orders", follow_redirects=False).status_code == 303


def test_a_station_trying_pins_on_many_cards_is_stopped(api: Api, db: Database) -> None:
    """A stolen token on a card + PIN station: /cards/verify answered every guess, and a
    right guess is what authorise takes as proof to debit the volunteer."""
    _card_volunteers(db, 14)
    admin.update_settings(db, "ST-A", card_pin_enabled=True)
    limit = policy.of(db).login_fail_limit
    reasons = [
        api.post("/cards/verify", json={"card": f"3101{i:07d}", "pin": "1234"}).json()["reason"]
        for i in range(limit + 1)
    ]
    assert reasons == ["wrong_pin"] * limit + ["card_locked"]
    right = {"card": "31010000013", "pin": "1013"}
    assert api.post("/cards/verify", json=right).json()["reason"] == "card_locked"
    body = authorise_body("r1", "V013", points=0, proof=right)
    body["lines"] = []
    answer = api.post("/redemptions/authorise", json=body)
    assert answer.status_code == 403 and answer.json()["reason"] == "card_locked"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Redemption)) == 0


def _free_lines(qty: int = 50) -> list[dict]:
    return [{"sku": "G-CLEAN", "qty": qty, "points_each": 0}]


def test_gifts_at_a_price_below_centrals_are_not_given_on_a_stations_word(
    api: Api, db: Database
) -> None:
    """A stolen token took 50 two-hour cleaning services (400 points each) for 0 points:
    authorised, captured and recorded offline, every balance unchanged, no exception."""
    add_volunteer(db, balance=1880)
    add_gift(db, "G-CLEAN", points=400)
    code = code_for(db)
    ledger_before = _ledger_rows(db)
    # Online: declined (the kiosk's catalogue may only be older: it pulls the price).
    body = {**authorise_body("r1", points=0, proof={"code": code}), "lines": _free_lines()}
    answer = api.post("/redemptions/authorise", json=body).json()
    assert answer == {"approved": False, "reason": "price_changed", "balance": 1880}
    # Offline: an exception for the district, nothing debited and nothing given silently.
    made = {
        "redemption_id": "r2",
        "volunteer_id": "V1",
        "mode": "offline",
        "total_points": 0,
        "lines": _free_lines(),
        "at": iso(utcnow()),
        "code": code,
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    # A genuine 30-point hold, captured with other lines of the same total.
    body = authorise_body("r3", points=30, proof={"code": code})
    assert api.post("/redemptions/authorise", json=body).json()["approved"] is True
    swapped = [*_free_lines(), {"sku": "G-EGG", "qty": 1, "points_each": 30}]
    made = {**made, "redemption_id": "r3", "mode": "online", "total_points": 30, "lines": swapped}
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    assert _balance(db) == 1850
    with db.read() as s:
        statuses = {r.id: r.status for r in s.scalars(select(Redemption))}
    assert statuses == {"r1": "declined", "r2": "exception", "r3": "recorded"}
    flagged = [
        (e["redemption_id"], e["reason"], e["points"]) for e in exceptions.list_exceptions(db)
    ]
    assert flagged == [("r2", "under_price", 0), ("r3", "under_price", 20_000)]
    # hold + capture of r3 only
    assert _ledger_rows(db) == ledger_before + 1


@pytest.mark.parametrize(("resolution", "after"), [("debit", -20), ("waive", 0)])
def test_an_overdraft_after_expiry_is_charged_once_when_resolved(
    api: Api, db: Database, resolution: str, after: int
) -> None:
    """Its points were taken when the late redemption.made arrived; "debit" took them a
    second time (balance −20 → −40)."""
    add_volunteer(db, balance=100)
    add_gift(db, "G-TEN", points=10)

    def lines(points: int) -> list[dict]:
        return [{"sku": "G-TEN", "qty": points // 10, "points_each": 10}]

    def hold(rid: str, points: int) -> None:
        proof = {"code": code_for(db)}  # each redemption its own scan
        body = {**authorise_body(rid, points=points, proof=proof), "lines": lines(points)}
        assert api.post("/redemptions/authorise", json=body).json()["approved"] is True

    hold("r1", 70)
    later = utcnow() + timedelta(seconds=policy.of(db).hold_ttl_s + 1)
    assert redemptions.expire_holds(db, now=later) == 1
    hold("r2", 50)
    made = {
        "redemption_id": "r1",
        "volunteer_id": "V1",
        "mode": "online",
        "total_points": 70,
        "lines": lines(70),
        "at": iso(utcnow()),
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    assert _balance(db) == -20
    (flag,) = exceptions.list_exceptions(db)
    assert (flag["reason"], flag["points"]) == ("overdraft_after_expiry", 20)
    exceptions.resolve(db, flag["id"], resolution, "receipt checked with the station")
    assert _balance(db) == after


# --- sixth round: hours a station cannot make up --------------------------------------


def _eight_hour_activity(db: Database, start: datetime, activity_id: str = "DAY") -> None:
    activities.publish_activity(
        db,
        activity_id=activity_id,
        title="社区清洁日",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        daily_max_h=12.0,
    )


def _signed_in(db: Database, api: Api, at: datetime, activity_id: str = "DAY") -> str:
    key_id, private = keys.signing_key(db)
    code = codes.sign_code(private, key_id, "V2", ttl_s=300, now=at)
    aid = str(uuid.uuid4())
    payload = {"attendance_id": aid, "activity_id": activity_id, "volunteer_id": "V2"}
    result = api.push(event("attendance.signed_in", {**payload, "at": iso(at), "code": code}))
    assert result[0]["status"] == "accepted"
    return aid


def _hours_and_balance(db: Database, vid: str = "V2") -> tuple[float, int]:
    with db.read() as s:
        v = s.get(Volunteer, vid)
        assert v is not None
        return v.total_hours, v.balance


def test_a_correction_cannot_credit_more_than_the_activity_lasted(api: Api, db: Database) -> None:
    """A stolen token corrected an 8 h activity's attendance to 24 h: 240 points. Time
    counts only inside the activity, a correction's too: beyond its span the correction
    is refused whole (the district sees the rejected event); within it, it is booked."""
    add_volunteer(db, "V2", balance=0, hours=0.0)
    start = utcnow().replace(microsecond=0) - timedelta(days=2)
    _eight_hour_activity(db, start)
    aid = _signed_in(db, api, start)
    out = event(
        "attendance.signed_out", {"attendance_id": aid, "at": iso(start + timedelta(hours=1))}
    )
    assert api.push(out)[0]["status"] == "accepted"
    assert _hours_and_balance(db) == (1.0, 10)

    def correct(hours: float) -> dict:
        payload = {"attendance_id": aid, "hours": hours, "reason": "忘记签退", "staff_id": "S01"}
        return api.push(event("attendance.corrected", payload))[0]

    for hours in (24.0, 8.5):
        answer = correct(hours)
        assert answer["status"] == "rejected" and answer["reason"].startswith("over_span")
    assert _hours_and_balance(db) == (1.0, 10)
    assert correct(8.0)["status"] == "accepted"
    assert _hours_and_balance(db) == (8.0, 80)


def test_a_correction_stays_within_the_days_maximum(api: Api, db: Database) -> None:
    """Two 8 h activities the same day, each corrected to its full span: the second is
    credited only up to the daily maximum, as a sign-out would be."""
    add_volunteer(db, "V2", balance=0, hours=0.0)
    start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)
    for n, activity_id in enumerate(("AM", "PM")):
        activities.publish_activity(
            db,
            activity_id=activity_id,
            title="义诊",
            starts_at=start + timedelta(hours=8 * n),
            ends_at=start + timedelta(hours=8 * n + 8),
        )  # the default daily maximum: 8 h
    for n, activity_id in enumerate(("AM", "PM")):
        at = start + timedelta(hours=8 * n)
        aid = _signed_in(db, api, at, activity_id)
        out = {"attendance_id": aid, "at": iso(at + timedelta(minutes=30))}
        assert api.push(event("attendance.signed_out", out))[0]["status"] == "accepted"
        fix = {"attendance_id": aid, "hours": 8.0, "reason": "扫码故障", "staff_id": "S01"}
        assert api.push(event("attendance.corrected", fix))[0]["status"] == "accepted"
    assert _hours_and_balance(db) == (8.0, 80)


def test_a_sign_out_dated_in_the_future_is_refused(api: Api, db: Database) -> None:
    """A stolen token signed a volunteer in at the start of today's activity and out at
    its end, an hour after the start: central credited the whole day. A sign-out later
    than central's clock (beyond a clock's skew) is refused; one within the skew, or one
    that arrives a week late from a kiosk that was offline, is credited."""
    add_volunteer(db, "V2", balance=0, hours=0.0)
    now = utcnow().replace(microsecond=0)
    _eight_hour_activity(db, now - timedelta(hours=1))
    aid = _signed_in(db, api, now - timedelta(hours=1))
    for ahead in (timedelta(hours=7), timedelta(seconds=FUTURE_SLACK_S + 60)):
        out = {"attendance_id": aid, "at": iso(now + ahead)}
        answer = api.push(event("attendance.signed_out", out))[0]
        assert answer["status"] == "rejected" and answer["reason"].startswith("future_time")
    assert _hours_and_balance(db) == (0.0, 0)
    with db.read() as s:
        row = s.get(Attendance, aid)
        assert row is not None and row.signed_out_at is None
    # A kiosk clock two minutes fast: within the skew, credited up to central's clock.
    out = {"attendance_id": aid, "at": iso(now + timedelta(minutes=2))}
    assert api.push(event("attendance.signed_out", out))[0]["status"] == "accepted"
    assert _hours_and_balance(db) == (1.0, 10)
    # Last week's activity, pushed only now (the kiosk was offline): credited.
    week_ago = now - timedelta(days=7)
    _eight_hour_activity(db, week_ago, "LAST-WEEK")
    late = _signed_in(db, api, week_ago, "LAST-WEEK")
    out = {"attendance_id": late, "at": iso(week_ago + timedelta(hours=3))}
    assert api.push(event("attendance.signed_out", out))[0]["status"] == "accepted"
    assert _hours_and_balance(db) == (4.0, 40)


# --- sixth round: a gift's per-volunteer limit ------------------------------------------


def _limited_gift(db: Database, sku: str = "G-OIL", points: int = 50, limit: int = 2) -> None:
    with db.begin() as s:
        admin.upsert_gift(
            db, s, {"sku": sku, "name": "食用油", "points": points, "per_volunteer_limit": limit}
        )


def _oil(qty: int, points: int = 50) -> list[dict]:
    return [{"sku": "G-OIL", "qty": qty, "points_each": points}]


def test_a_gifts_per_volunteer_limit_is_kept_by_central(api: Api, db: Database) -> None:
    """Two bottles of oil per volunteer per day (the kiosk's own rule): a stolen token
    took ten, online and offline, and central debited them all."""
    add_volunteer(db, balance=5000)
    _limited_gift(db)
    code = code_for(db)

    def authorise(rid: str, qty: int) -> dict:
        proof = {"code": code_for(db)}  # scanned for this redemption (one code, one)
        body = {**authorise_body(rid, points=50 * qty, proof=proof), "lines": _oil(qty)}
        return api.post("/redemptions/authorise", json=body).json()

    def made(rid: str, qty: int, mode: str) -> dict:
        payload = {
            "redemption_id": rid,
            "volunteer_id": "V1",
            "mode": mode,
            "total_points": 50 * qty,
            "lines": _oil(qty),
            "at": iso(utcnow()),
            "code": code,
        }
        return event("redemption.made", payload)

    assert authorise("r1", 3) == {"approved": False, "reason": "over_limit", "balance": 5000}
    assert authorise("r2", 1)["approved"] is True  # held: one bottle counts already
    assert authorise("r3", 2)["reason"] == "over_limit"
    assert [r["status"] for r in api.push(made("r2", 1, "online"))] == ["accepted"]
    assert _balance(db) == 4950
    # Offline: one more bottle is within the limit, the next two in the same batch not.
    results = api.push(made("r4", 1, "offline"), made("r5", 1, "offline"))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert _balance(db) == 4900
    assert authorise("r6", 1)["reason"] == "over_limit"  # two today: r2 and r4
    with db.read() as s:
        statuses = {r.id: r.status for r in s.scalars(select(Redemption))}
    assert statuses == {
        "r1": "declined",
        "r2": "recorded",
        "r3": "declined",
        "r4": "recorded",
        "r5": "exception",
        "r6": "declined",
    }
    flagged = [
        (e["redemption_id"], e["reason"], e["points"]) for e in exceptions.list_exceptions(db)
    ]
    assert flagged == [("r5", "over_limit", 50)]


def test_lines_swapped_at_capture_beyond_the_limit_are_flagged(api: Api, db: Database) -> None:
    add_volunteer(db, balance=5000)
    _limited_gift(db)
    add_gift(db, "G-SOAP", points=50)
    code = code_for(db)
    body = authorise_body("r1", points=500, proof={"code": code})
    body["lines"] = [{"sku": "G-SOAP", "qty": 10, "points_each": 50}]
    assert api.post("/redemptions/authorise", json=body).json()["approved"] is True
    made = {
        "redemption_id": "r1",
        "volunteer_id": "V1",
        "mode": "online",
        "total_points": 500,
        "lines": _oil(10),
        "at": iso(utcnow()),
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    assert _balance(db) == 4500  # captured as approved
    flagged = [(e["reason"], e["points"], e["detail"]) for e in exceptions.list_exceptions(db)]
    assert flagged == [("over_limit", 0, "G-OIL: 0 + 10 > 2")]


# --- sixth round: one scan, one redemption -----------------------------------------------


def test_a_scanned_code_authorises_one_redemption(api: Api, db: Database) -> None:
    """A compromised kiosk kept a volunteer's scanned code (valid for minutes) and
    authorised redemption after redemption with it. One approved redemption per code: a
    second is refused (403 code_used, nothing held); a retry after a decline or a void is
    judged anew; a fresh code from the phone works."""
    add_volunteer(db, balance=1000)
    code = code_for(db)

    def authorise(rid: str, points: int, proof_code: str = code) -> Any:
        return api.post(
            "/redemptions/authorise",
            json=authorise_body(rid, points=points, proof={"code": proof_code}),
        )

    assert authorise("r1", 2000).json()["reason"] == "insufficient_points"
    assert authorise("r2", 30).json()["approved"] is True
    again = authorise("r3", 30)
    assert again.status_code == 403 and again.json()["reason"] == "code_used"
    assert _balance(db) == 970
    # The kiosk could not finish r2 and voided it: the volunteer tries again, same code.
    void = event("redemption.voided", {"redemption_id": "r2", "reason": "local_commit_failed"})
    assert api.push(void)[0]["status"] == "accepted"
    assert authorise("r4", 60).json()["approved"] is True
    made = {
        "redemption_id": "r4",
        "volunteer_id": "V1",
        "mode": "online",
        "total_points": 60,
        "lines": [{"sku": "G-EGG", "qty": 1, "points_each": 60}],
        "at": iso(utcnow()),
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    assert authorise("r5", 30).json()["reason"] == "code_used"  # captured: still spent
    # The same request again (its answer was lost) gets its stored decision.
    assert authorise("r4", 60).json()["approved"] is True
    assert authorise("r6", 30, code_for(db)).json()["approved"] is True
    assert _balance(db) == 910
    with db.read() as s:
        assert {r.id for r in s.scalars(select(Redemption))} == {"r1", "r2", "r4", "r6"}


def test_a_printed_code_cannot_outlive_an_expired_hold_for_a_second_debit(
    api: Api, db: Database
) -> None:
    """A day-long printed code: a hold left to expire, a second authorisation with the
    same code, then the first's redemption.made: two debits from one scan."""
    add_volunteer(db, balance=1000)
    code = code_for(db, ttl_s=86_400)
    body = authorise_body("r1", points=300, proof={"code": code})
    body["lines"] = [{"sku": "G-EGG", "qty": 10, "points_each": 30}]
    assert api.post("/redemptions/authorise", json=body).json()["approved"] is True
    later = utcnow() + timedelta(seconds=policy.of(db).hold_ttl_s + 1)
    assert redemptions.expire_holds(db, now=later) == 1
    second = {**body, "redemption_id": "r2"}
    answer = api.post("/redemptions/authorise", json=second)
    assert answer.status_code == 403 and answer.json()["reason"] == "code_used"
    made = {
        "redemption_id": "r1",
        "volunteer_id": "V1",
        "mode": "online",
        "total_points": 300,
        "lines": body["lines"],
        "at": iso(utcnow()),
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    assert _balance(db) == 700


def test_points_are_not_taken_for_no_gifts(api: Api, db: Database) -> None:
    """A redemption with no lines passed the total check whatever its total: a stolen
    token held 500 points and debited 150 offline with no gift named anywhere."""
    add_volunteer(db, balance=1000)
    body = {**authorise_body("r1", points=500, proof={"code": code_for(db)}), "lines": []}
    assert api.post("/redemptions/authorise", json=body).status_code == 400
    made = {
        "redemption_id": "r2",
        "volunteer_id": "V1",
        "mode": "offline",
        "total_points": 150,
        "lines": [],
        "at": iso(utcnow()),
        "code": code_for(db),
    }
    (result,) = api.push(event("redemption.made", made))
    assert result["status"] == "rejected" and result["reason"].startswith("bad_payload")
    assert _balance(db) == 1000
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Redemption)) == 0


def test_a_station_cannot_redeem_a_gift_it_does_not_carry(
    api: Api, api_b: Api, db: Database
) -> None:
    """Theatre tickets are on station B's shelf only (the district ticked B). A token of
    station A asked central for them anyway: online it is declined (the kiosk says the
    gift is not available), offline it is an exception for the district, a capture with
    the lines swapped to them is flagged; no balance moves on A's word. B's own
    redemption of them still passes, and so does a gift withdrawn nowhere."""
    add_volunteer(db, balance=1880)
    add_gift(db, "G-TICKET", points=50)
    with db.write() as s:
        admin.set_gift_stations(db, s, "G-TICKET", ["ST-B"])
    tickets = [{"sku": "G-TICKET", "qty": 2, "points_each": 50}]
    code = code_for(db)
    ledger_before = _ledger_rows(db)
    body = {**authorise_body("r1", points=100, proof={"code": code}), "lines": tickets}
    answer = api.post("/redemptions/authorise", json=body).json()
    assert answer == {"approved": False, "reason": "not_carried", "balance": 1880}
    made = {
        "redemption_id": "r2",
        "volunteer_id": "V1",
        "mode": "offline",
        "total_points": 100,
        "lines": tickets,
        "at": iso(utcnow()),
        "code": code,
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    # A genuine 100-point hold for eggs, captured as tickets.
    eggs = authorise_body("r3", points=100, proof={"code": code})
    assert api.post("/redemptions/authorise", json=eggs).json()["approved"] is True
    made = {**made, "redemption_id": "r3", "mode": "online"}
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    assert _balance(db) == 1780  # the approved eggs only
    with db.read() as s:
        statuses = {r.id: r.status for r in s.scalars(select(Redemption))}
    assert statuses == {"r1": "declined", "r2": "exception", "r3": "recorded"}
    flagged = [
        (e["redemption_id"], e["reason"], e["points"]) for e in exceptions.list_exceptions(db)
    ]
    assert flagged == [("r2", "not_carried", 100), ("r3", "not_carried", 0)]
    assert _ledger_rows(db) == ledger_before + 1  # r3's hold (its capture moves nothing)
    # Station B carries them: approved.
    body_b = {**authorise_body("r4", points=100, proof={"code": code_for(db)}), "lines": tickets}
    assert api_b.post("/redemptions/authorise", json=body_b).json()["approved"] is True
    assert _balance(db) == 1680


def test_a_code_issued_for_one_use_is_refused_for_the_others(
    api: Api, client: TestClient, db: Database
) -> None:
    """A volunteer shows a sign-in code (签到码) at a station whose token is in the wrong
    hands: it cannot spend their points with it, online or offline, nor open their phone
    page; a redeem code signs no one in. Each refusal changes nothing. A code that names
    no use (every code issued before uses existed, a printed card) still works for each."""
    add_volunteer(db, balance=1880, hours=0.0)
    start = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    activities.publish_activity(
        db, activity_id="A1", title="义诊", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    attend = keys.sign_volunteer_code(db, "V1", ttl_s=600, use=codes.USE_ATTEND)
    redeem = keys.sign_volunteer_code(db, "V1", ttl_s=600, use=codes.USE_REDEEM)
    ledger_before = _ledger_rows(db)
    # A sign-in code offered for gifts: 403, nothing held, nothing stored.
    answer = api.post("/redemptions/authorise", json=authorise_body("r1", proof={"code": attend}))
    assert answer.status_code == 403 and answer.json()["reason"] == "code_wrong_use"
    made = {
        "redemption_id": "r2",
        "volunteer_id": "V1",
        "mode": "offline",
        "total_points": 30,
        "lines": [{"sku": "G-EGG", "qty": 1, "points_each": 30}],
        "at": iso(utcnow()),
        "code": attend,
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    assert [e["reason"] for e in exceptions.list_exceptions(db)] == ["code_wrong_use"]
    assert _balance(db) == 1880 and _ledger_rows(db) == ledger_before
    # A redeem code offered for a sign-in: rejected, no attendance.
    sign_in = {"activity_id": "A1", "volunteer_id": "V1", "at": iso(utcnow())}
    refused = api.push(
        event("attendance.signed_in", {**sign_in, "attendance_id": "at1", "code": redeem})
    )
    assert refused[0]["status"] == "rejected"
    assert refused[0]["reason"] == "bad_code: code.wrong_use"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == 0
    # Neither opens the volunteer's phone page.
    for code in (attend, redeem):
        page = client.post("/m/login", data={"code": code}, follow_redirects=False)
        assert page.status_code == 401 and "不能登录" in page.text
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0
    # Each code for its own use, and a code for any use, pass.
    ok = api.post("/redemptions/authorise", json=authorise_body("r3", proof={"code": redeem}))
    assert ok.json()["approved"] is True
    signed = api.push(
        event("attendance.signed_in", {**sign_in, "attendance_id": "at2", "code": attend})
    )
    assert signed[0]["status"] == "accepted"
    anyuse = code_for(db)
    ok = api.post("/redemptions/authorise", json=authorise_body("r4", proof={"code": anyuse}))
    assert ok.json()["approved"] is True
    login = keys.sign_volunteer_code(db, "V1", ttl_s=600, use=codes.USE_LOGIN)
    for code in (login, anyuse):
        page = client.post("/m/login", data={"code": code}, follow_redirects=False)
        assert page.status_code == 303


def test_a_fresh_code_does_not_sign_anyone_into_yesterdays_activity(api: Api, db: Database) -> None:
    """A station saw a volunteer's 5-minute code today and reported a sign-in with it,
    dated into the activity it held 20 hours ago, then a sign-out: 8 h and 80 points on
    the station's word. A code says when it was issued: no scan is older than that."""
    add_volunteer(db, "V2", balance=0, hours=0.0)
    start = utcnow().replace(microsecond=0) - timedelta(hours=20)
    activities.publish_activity(
        db, activity_id="OLD", title="旧活动", starts_at=start, ends_at=start + timedelta(hours=8)
    )
    aid = str(uuid.uuid4())
    out = event(
        "attendance.signed_out", {"attendance_id": aid, "at": iso(start + timedelta(hours=8))}
    )
    results = api.push(_attendance(db, aid, "V2", start, code_for(db, "V2", ttl_s=300)), out)
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert results[0]["reason"].startswith("bad_code")
    with db.read() as s:
        v = s.get(Volunteer, "V2")
        assert v is not None and (v.balance, v.total_hours) == (0, 0.0)
    # The same for an offline redemption dated yesterday with today's code.
    add_volunteer(db, "V1", balance=100)
    made = {
        "redemption_id": "r1",
        "volunteer_id": "V1",
        "mode": "offline",
        "total_points": 30,
        "lines": [{"sku": "G-EGG", "qty": 1, "points_each": 30}],
        "at": iso(start),
        "code": code_for(db, "V1", ttl_s=300),
    }
    assert api.push(event("redemption.made", made))[0]["status"] == "accepted"
    assert [e["reason"] for e in exceptions.list_exceptions(db)] == ["before_code"]
    assert _balance(db) == 100


def test_a_district_can_require_every_code_to_name_its_use(
    api: Api, client: TestClient, db: Database
) -> None:
    """KIOSK_CENTRAL_REQUIRE_CODE_USE=1, once the district's app issues codes for one use
    each: a code naming none (which a station could have seen for a sign-in) is refused
    for gifts, sign-ins and the phone page; codes for their own use pass."""
    assert policy.Policy.from_env({"KIOSK_CENTRAL_REQUIRE_CODE_USE": "0"}).require_code_use is False
    assert policy.Policy.from_env({"KIOSK_CENTRAL_REQUIRE_CODE_USE": "1"}).require_code_use is True
    assert policy.Policy().require_code_use is False
    policy.set_for(db, policy.Policy(require_code_use=True))
    add_volunteer(db, balance=1880, hours=0.0)
    start = utcnow().replace(microsecond=0) - timedelta(minutes=10)
    activities.publish_activity(
        db, activity_id="A1", title="义诊", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    anyuse = code_for(db)
    answer = api.post("/redemptions/authorise", json=authorise_body("r1", proof={"code": anyuse}))
    assert answer.status_code == 403 and answer.json()["reason"] == "code_wrong_use"
    sign_in = {"activity_id": "A1", "volunteer_id": "V1", "at": iso(utcnow())}
    refused = api.push(
        event("attendance.signed_in", {**sign_in, "attendance_id": "at1", "code": anyuse})
    )
    assert refused[0]["reason"] == "bad_code: code.wrong_use"
    page = client.post("/m/login", data={"code": anyuse}, follow_redirects=False)
    assert page.status_code == 401
    assert _balance(db) == 1880
    redeem = keys.sign_volunteer_code(db, "V1", ttl_s=600, use=codes.USE_REDEEM)
    ok = api.post("/redemptions/authorise", json=authorise_body("r2", proof={"code": redeem}))
    assert ok.json()["approved"] is True
    attend = keys.sign_volunteer_code(db, "V1", ttl_s=600, use=codes.USE_ATTEND)
    signed = api.push(
        event("attendance.signed_in", {**sign_in, "attendance_id": "at2", "code": attend})
    )
    assert signed[0]["status"] == "accepted"
