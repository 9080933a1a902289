"""Volunteers' hours at central: activities reach their station, sign-in and sign-out
events credit hours and points by the rule, exactly once, and a kiosk's report is checked
(whose activity, whose code, twice, full); corrections and 荣誉时长 are kept apart."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from central import activities, keys
from central.db import Database
from central.errors import BadRequest
from central.models import Attendance, HoursEntry, Volunteer
from protocol import codes
from tests.central.conftest import Api
from tests.central.factories import add_volunteer, event

START = datetime(2026, 12, 5, 1, 0)  # 09:00 in Beijing
END = START + timedelta(hours=3)


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds") + "Z"


def _activity(db: Database, station: str | None = "ST-A", **over: object) -> None:
    args: dict = {
        "activity_id": "A1",
        "title": "12·5 志愿服务日",
        "starts_at": START,
        "ends_at": END,
        "station_id": station,
        "capacity": 0,
        **over,
    }
    activities.publish_activity(db, **args)


def _code(db: Database, volunteer: str, at: datetime, ttl_s: int = 300) -> str:
    """The volunteer's code as their phone showed it at ``at`` (signed then)."""
    key_id, private = keys.signing_key(db)
    return codes.sign_code(private, key_id, volunteer, ttl_s=ttl_s, now=at)


def _sign_in(  # type: ignore[no-untyped-def]
    db: Database, volunteer: str = "V1", activity: str = "A1", at: datetime = START, **kw
) -> dict:
    """A kiosk's sign-in: with the code it scanned (a fresh one at ``at`` unless given)."""
    payload = {
        "attendance_id": kw.pop("attendance_id", str(uuid.uuid4())),
        "activity_id": activity,
        "volunteer_id": volunteer,
        "at": _iso(at),
        **kw,
    }
    if "code" not in kw:
        payload["code"] = _code(db, volunteer, at)
    elif kw["code"] is None:
        del payload["code"]
    return event("attendance.signed_in", payload)


def _sign_out(attendance_id: str, at: datetime, auto: bool = False) -> dict:
    return event(
        "attendance.signed_out", {"attendance_id": attendance_id, "at": _iso(at), "auto": auto}
    )


def _volunteer(db: Database, vid: str = "V1") -> Volunteer:
    with db.read() as s:
        v = s.get(Volunteer, vid)
        assert v is not None
        s.expunge(v)
        return v


def test_an_activity_reaches_only_its_station(api: Api, api_b: Api, db: Database) -> None:
    _activity(db)
    kinds = lambda a: [c["key"] for c in a.all_changes()[0] if c["kind"] == "activity"]  # noqa: E731
    assert kinds(api) == ["A1"] and kinds(api_b) == []
    _activity(db, station=None, activity_id="A2")
    assert kinds(api_b) == ["A2"]


def test_sign_in_and_out_credit_rounded_hours_and_points_once(api: Api, db: Database) -> None:
    add_volunteer(db, "V1", balance=100, hours=120.0)
    _activity(db, points_per_hour=10)
    aid = str(uuid.uuid4())
    # In 10 minutes early (counts from the start), out 2 h 50 min later → 2.5 h.
    results = api.push(
        _sign_in(db, at=START - timedelta(minutes=10), attendance_id=aid),
        _sign_out(aid, START + timedelta(hours=2, minutes=50)),
    )
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    v = _volunteer(db)
    assert (v.total_hours, v.balance) == (122.5, 125)
    # The same sign-out again, under a new event id (a kiosk restored from backup): nothing.
    assert api.push(_sign_out(aid, START + timedelta(hours=3)))[0]["status"] == "accepted"
    v = _volunteer(db)
    assert (v.total_hours, v.balance) == (122.5, 125)
    # The pull shows the new hours and star level to every kiosk.
    card = [c for c in api.all_changes()[0] if c["kind"] == "volunteer" and c["key"] == "V1"]
    assert card[-1]["data"]["total_hours"] == 122.5 and card[-1]["data"]["star_level"] == 1


def test_time_outside_the_activity_and_over_the_daily_maximum_does_not_count(
    api: Api, db: Database
) -> None:
    add_volunteer(db, "V1", balance=0, hours=0.0)
    _activity(db, daily_max_h=4.0)
    _activity(
        db, activity_id="A2", starts_at=END, ends_at=END + timedelta(hours=4), daily_max_h=4.0
    )
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    api.push(
        _sign_in(db, attendance_id=first),
        _sign_out(first, END + timedelta(hours=5)),  # forgot: counts to the end, 3 h
        _sign_in(db, activity="A2", at=END, attendance_id=second),
        _sign_out(second, END + timedelta(hours=4)),  # 4 h, but only 1 h left today
    )
    with db.read() as s:
        hours = dict(s.execute(select(Attendance.activity_id, Attendance.hours)).all())
    assert hours == {"A1": 3.0, "A2": 1.0}
    assert _volunteer(db).total_hours == 4.0


def test_central_checks_what_a_station_reports(api: Api, api_b: Api, db: Database) -> None:
    add_volunteer(db, "V1")
    add_volunteer(db, "V2", name="李红")
    _activity(db, capacity=1)
    code_v2 = keys.sign_volunteer_code(db, "V2", ttl_s=600)
    # Station B reporting station A's activity; V1 with V2's code; forged code.
    assert api_b.push(_sign_in(db))[0]["reason"].startswith("unknown_activity")
    wrong = api.push(_sign_in(db, code=code_v2, at=datetime.utcnow()))[0]
    assert wrong["status"] == "rejected" and wrong["reason"].startswith("bad_code")
    assert api.push(_sign_in(db, code="VK1.AAAA.BBBB"))[0]["reason"].startswith("bad_code")
    assert api.push(_sign_in(db))[0]["status"] == "accepted"
    assert api.push(_sign_in(db))[0]["reason"].startswith("already_signed_in")
    assert api.push(_sign_in(db, volunteer="V2"))[0]["reason"].startswith("activity_full")
    assert api.push(_sign_out(str(uuid.uuid4()), END))[0]["reason"].startswith("unknown_attendance")


def test_a_correction_books_the_difference_with_its_reason(api: Api, db: Database) -> None:
    add_volunteer(db, "V1", balance=0, hours=0.0)
    _activity(db)
    aid = str(uuid.uuid4())
    api.push(_sign_in(db, attendance_id=aid), _sign_out(aid, START + timedelta(hours=1)))
    fix = event(
        "attendance.corrected",
        {
            "attendance_id": aid,
            "hours": 2.5,
            "reason": "扫码故障，实际服务到 11:30",
            "staff_id": "S01",
        },
    )
    assert api.push(fix)[0]["status"] == "accepted"
    v = _volunteer(db)
    assert (v.total_hours, v.balance) == (2.5, 25)
    with db.read() as s:
        entries = [
            (e.kind, e.hours, e.reason)
            for e in s.scalars(select(HoursEntry).order_by(HoursEntry.id))
        ]
    assert entries == [
        ("credit", 1.0, "12·5 志愿服务日"),
        ("correction", 1.5, "扫码故障，实际服务到 11:30"),
    ]


def test_honor_hours_are_their_own_kind_and_capped(db: Database) -> None:
    add_volunteer(db, "V1", hours=0.0)
    activities.add_honor_hours(db, "V1", 30, "抗洪抢险表彰", by="admin")
    with pytest.raises(BadRequest):
        activities.add_honor_hours(db, "V1", 30, "again", by="admin")
    with db.read() as s:
        assert activities.hours_by_kind(s, "V1") == {"honor": 30.0}


def test_the_slip_qr_opens_centrals_record(api: Api, db: Database, client) -> None:  # type: ignore[no-untyped-def]
    add_volunteer(db, "V1")
    _activity(db)
    aid = str(uuid.uuid4())
    api.push(_sign_in(db, attendance_id=aid), _sign_out(aid, START + timedelta(hours=2)))
    record = client.get(f"/api/v1/attendance/{aid}").json()
    assert record["hours"] == 2.0 and record["volunteer"] == "张*明"
    page = client.get(f"/api/v1/attendance/{aid}", headers={"accept": "text/html"})
    assert "志愿服务记录" in page.text
    assert client.get("/api/v1/attendance/nope").status_code == 404


@pytest.mark.parametrize(
    ("state", "at", "reason"),
    [
        ("cancelled", START, "activity_cancelled"),
        ("open", START - timedelta(minutes=31), "activity_not_open"),
        ("open", END + timedelta(seconds=1), "activity_ended"),
    ],
)
def test_a_sign_in_to_an_activity_not_open_changes_nothing(
    api: Api, db: Database, state: str, at: datetime, reason: str
) -> None:
    """A station token in hostile hands (or a kiosk with a stale activity list) reports a
    sign-in to a cancelled activity, or outside its sign-in window (opens 30 min before
    the start, closes at the end, as the kiosk's own rule): refused with a reason the
    kiosk shows staff, no attendance, and a sign-out later credits nothing."""
    add_volunteer(db, "V1", balance=100, hours=120.0)
    _activity(db, sign_in_opens_min=30, active=state != "cancelled")
    aid = str(uuid.uuid4())
    results = api.push(
        _sign_in(db, at=at, attendance_id=aid), _sign_out(aid, START + timedelta(hours=2))
    )
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert results[0]["reason"].startswith(reason)
    assert results[1]["reason"].startswith("unknown_attendance")
    with db.read() as s:
        assert s.scalars(select(Attendance)).all() == []
    v = _volunteer(db)
    assert (v.total_hours, v.balance) == (120.0, 100)
    # The edges of the window stand: in exactly when sign-in opens, and at the very end.
    if state == "open":
        assert api.push(_sign_in(db, at=START - timedelta(minutes=30)))[0]["status"] == "accepted"
        add_volunteer(db, "V2", name="李红")
        assert api.push(_sign_in(db, volunteer="V2", at=END))[0]["status"] == "accepted"
