"""签到/签退 on the kiosk, the rules a volunteer meets at the scanner: the first scan signs
in, the next signs out with a slip; too early, over, full, a double scan, another
district's code each get their own message; forgetting to sign out is caught at the end."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from kiosk import attendance
from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.messages import text
from kiosk.store import Store
from kiosk.store.models import Activity, AuditEntry, OutboxEvent, PrintJob
from protocol.codes import sign_code
from station.demo import DEMO_KEY_ID, demo_signing_key

START = datetime(2026, 12, 5, 1, 0)  # 09:00 Beijing
END = START + timedelta(hours=3)


@pytest.fixture
def station(demo_store: Store) -> Store:
    with demo_store.begin() as s:
        s.add(
            Activity(
                id="A1",
                title="义务理发",
                title_en="Free haircuts",
                team="巧手理发队",
                starts_at=START,
                ends_at=END,
                capacity=2,
                sign_in_opens_min=30,
            )
        )
    return demo_store


def code(volunteer: str = "V0001", at: datetime = START) -> str:
    return sign_code(demo_signing_key(), DEMO_KEY_ID, volunteer, 600, now=at)


def scan(store: Store, config: Config, text: str, at: datetime) -> attendance.ScanResult:
    with store.begin() as s:
        return attendance.scan(s, "A1", text, config, now=at)


def refused(store: Store, config: Config, text: str, at: datetime) -> str:
    with pytest.raises(KioskError) as caught:
        scan(store, config, text, at)
    return caught.value.key


def outbox(store: Store) -> list[tuple[str, dict]]:
    with store.begin() as s:
        return [
            (e.type, e.payload) for e in s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq))
        ]


def test_scan_in_then_out_records_hours_by_the_rule_and_prints_a_slip(
    station: Store, config: Config
) -> None:
    first = scan(
        station, config, code(at=START - timedelta(minutes=20)), START - timedelta(minutes=20)
    )
    assert first.action == "signed_in"
    out_at = START + timedelta(hours=2, minutes=40)
    second = scan(station, config, code(at=out_at), out_at)
    assert (second.action, second.hours, second.points) == ("signed_out", 2.5, 25)
    assert second.print_job_id is not None
    events = outbox(station)
    assert [t for t, _ in events] == ["attendance.signed_in", "attendance.signed_out"]
    assert events[0][1]["code"].startswith("VK1.") and events[1][1]["auto"] is False
    with station.begin() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.id == second.print_job_id)).one()
        assert job.kind == "attendance" and job.ref_id == second.attendance_id
        printed = str(job.document)
    assert "2.5 小时" in printed and "志愿服务签退凭条" in printed


def test_each_wrong_moment_has_its_own_message(station: Store, config: Config) -> None:
    early = START - timedelta(minutes=45)
    assert refused(station, config, code(at=early), early) == "attendance.not_open_yet"
    scan(station, config, code(at=START), START)
    again = START + timedelta(seconds=20)  # a second scan straight away: not a sign-out
    assert refused(station, config, code(at=again), again) == "attendance.just_signed_in"
    scan(station, config, code("V0002"), START)
    assert refused(station, config, code("V0003"), START) == "attendance.full"
    out = START + timedelta(hours=1)
    scan(station, config, code(at=out), out)
    assert refused(
        station, config, code(at=out + timedelta(minutes=5)), out + timedelta(minutes=5)
    ) == ("attendance.already_signed_out")
    late = END + timedelta(minutes=1)
    assert refused(station, config, code("V0004", at=late), late) == "attendance.ended"


def test_another_districts_code_is_named_as_such(station: Store, config: Config) -> None:
    other = sign_code(Ed25519PrivateKey.generate(), "other-district", "V0001", 600, now=START)
    assert refused(station, config, other, START) == "attendance.foreign_code"
    assert refused(station, config, "12345", START).startswith("code.")
    assert outbox(station) == []


def test_a_redeem_code_signs_no_one_in_and_says_why(station: Store, config: Config) -> None:
    """A code the volunteer's phone issued for redeeming points is refused at the sign-in
    scanner, in words, with nothing written; a sign-in code (or one for any use) signs in,
    and the redemption shelf refuses the sign-in code in turn."""
    from kiosk.views.redemption import identify_scan
    from protocol.codes import USE_ATTEND, USE_REDEEM

    key = demo_signing_key()
    redeem = sign_code(key, DEMO_KEY_ID, "V0001", 600, now=START, use=USE_REDEEM)
    assert refused(station, config, redeem, START) == "code.wrong_use"
    assert "签到" in text("code.wrong_use", "zh_CN") and outbox(station) == []
    attend = sign_code(key, DEMO_KEY_ID, "V0001", 600, now=START, use=USE_ATTEND)
    assert scan(station, config, attend, START).action == "signed_in"
    assert scan(station, config, code("V0002"), START).action == "signed_in"
    fresh = sign_code(key, DEMO_KEY_ID, "V0001", 600, use=USE_ATTEND)  # valid now
    with station.begin() as s, pytest.raises(KioskError) as caught:
        identify_scan(s, fresh, config)
    assert caught.value.key == "code.wrong_use"


def test_a_volunteer_who_forgets_is_signed_out_at_the_end_and_flagged(
    station: Store, config: Config
) -> None:
    at = START + timedelta(minutes=30)
    scan(station, config, code(at=at), at)
    with station.begin() as s:
        assert attendance.sign_out_overdue(s, config, now=END - timedelta(minutes=1)) == 0
        assert attendance.sign_out_overdue(s, config, now=END + timedelta(hours=2)) == 1
        assert attendance.sign_out_overdue(s, config, now=END + timedelta(hours=3)) == 0
    last = outbox(station)[-1]
    assert last[0] == "attendance.signed_out" and last[1]["auto"] is True
    assert last[1]["at"].startswith("2026-12-05T04:00:00")  # the activity's end
    with station.begin() as s:
        rows = attendance.attendance_today(s, config, now=END + timedelta(hours=2))
    assert [(r.hours, r.auto) for r in rows] == [(2.5, True)]


def test_a_correction_needs_a_reason_and_is_audited(station: Store, config: Config) -> None:
    scan(station, config, code(), START)
    result = scan(station, config, code(at=START + timedelta(hours=1)), START + timedelta(hours=1))
    with station.begin() as s, pytest.raises(KioskError):
        attendance.correct(s, result.attendance_id, 2.0, "  ", "S01")
    with station.begin() as s:
        attendance.correct(s, result.attendance_id, 2.0, "忘记签退", "S01")
    kind, payload = outbox(station)[-1]
    assert kind == "attendance.corrected"
    assert (payload["hours"], payload["reason"], payload["staff_id"]) == (2.0, "忘记签退", "S01")
    with station.begin() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "attendance.correct")).one()
        assert audit.detail["before"] == 1.0 and audit.detail["after"] == 2.0
        exported = attendance.export_rows(s)
    assert exported[0]["hours"] == 2.0 and exported[0]["corrected"] == 1


def test_a_correction_cannot_give_more_than_the_activity_lasted(
    station: Store, config: Config
) -> None:
    """The staff screen allowed 24 h on this 3 h activity (central booked 240 points for
    such a correction). Time counts only inside the activity: more is refused with a
    message, nothing is sent; the full span is allowed."""
    scan(station, config, code(), START)
    result = scan(station, config, code(at=START + timedelta(hours=1)), START + timedelta(hours=1))
    sent = len(outbox(station))
    for hours in (24.0, 3.5):
        with station.begin() as s, pytest.raises(KioskError) as caught:
            attendance.correct(s, result.attendance_id, hours, "活动结束后继续帮忙", "S01")
        assert caught.value.key == "attendance.over_span"
        assert text(caught.value.key, "zh_CN", **caught.value.params) == (
            "更正后的时长不能超过活动时长（3 小时）。"
        )
    assert len(outbox(station)) == sent
    with station.begin() as s:
        attendance.correct(s, result.attendance_id, 3.0, "活动结束后继续帮忙", "S01")
    assert outbox(station)[-1][1]["hours"] == 3.0
