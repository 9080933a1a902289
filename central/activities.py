"""Volunteers earn at the station: activities published by the district, sign-in and
sign-out events from kiosks, hours (信用时长) and points credited by the rule in
protocol/hours.py, staff corrections with a reason, and 荣誉时长 added at central only.

Central re-checks what a kiosk reports: the activity must be this station's, the
volunteer's code (when the kiosk sends it) must be genuine and theirs, a volunteer signs
in once per activity, and credited hours come from central's own arithmetic.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central import feed, ledger, policy, proofs
from central.clock import FUTURE_SLACK_S, iso, parse_iso, utcnow
from central.db import Database
from central.errors import BadRequest, NotFound, Rejected
from central.models import Activity, Attendance, HoursEntry, Volunteer
from central.payloads import Strict, Text
from protocol import codes
from protocol import hours as rule
from protocol.api import mask_name

log = logging.getLogger(__name__)

REJECT_UNKNOWN_ACTIVITY = "unknown_activity"
REJECT_UNKNOWN_ATTENDANCE = "unknown_attendance"
REJECT_ALREADY_SIGNED_IN = "already_signed_in"
REJECT_ACTIVITY_FULL = "activity_full"
REJECT_BAD_CODE = "bad_code"
REJECT_NOT_SIGNED_OUT = "not_signed_out"
REJECT_FUTURE_TIME = "future_time"
REJECT_OVER_SPAN = "over_span"
# A sign-in the kiosk's own rule (kiosk/attendance.py) would not have made: the activity
# was cancelled (not active), or the time is outside its sign-in window.
REJECT_ACTIVITY_CANCELLED = "activity_cancelled"
REJECT_ACTIVITY_NOT_OPEN = "activity_not_open"
REJECT_ACTIVITY_ENDED = "activity_ended"
HONOR_CAP_H_PER_YEAR = 50.0  # 荣誉时长 added by the district is capped (志愿汇 does the same)


def district_zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("KIOSK_CENTRAL_TZ", "Asia/Shanghai"))


def local_day(at: datetime) -> str:
    """The district's calendar day of a naive-UTC time."""
    return at.replace(tzinfo=ZoneInfo("UTC")).astimezone(district_zone()).date().isoformat()


# --- payloads -----------------------------------------------------------------------------


class AttendanceSignedIn(Strict):
    attendance_id: Text = Field(min_length=1, max_length=64)
    activity_id: Text = Field(min_length=1, max_length=40)
    volunteer_id: Text = Field(min_length=1, max_length=40)
    at: Text
    code: Text | None = Field(None, max_length=codes.MAX_CODE_CHARS)


class AttendanceSignedOut(Strict):
    attendance_id: Text = Field(min_length=1, max_length=64)
    at: Text
    auto: bool = False


class AttendanceCorrected(Strict):
    attendance_id: Text = Field(min_length=1, max_length=64)
    hours: float = Field(ge=0, le=rule.MAX_CORRECTION_H)
    reason: Text = Field(min_length=1, max_length=200)
    staff_id: Text = Field("", max_length=40)


# --- what the district does ---------------------------------------------------------------


def activity_data(a: Activity) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "title_en": a.title_en,
        "team": a.team,
        "starts_at": iso(a.starts_at),
        "ends_at": iso(a.ends_at),
        "capacity": a.capacity,
        "sign_in_opens_min": a.sign_in_opens_min,
        "round_to_h": a.round_to_h,
        "daily_max_h": a.daily_max_h,
        "points_per_hour": a.points_per_hour,
        "active": a.active,
    }


def publish_activity(
    db: Database,
    *,
    activity_id: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    station_id: str | None = None,
    title_en: str = "",
    team: str = "",
    capacity: int = 0,
    sign_in_opens_min: int = 30,
    round_to_h: float = rule.DEFAULT_ROUND_TO_H,
    daily_max_h: float = rule.DEFAULT_DAILY_MAX_H,
    points_per_hour: int = rule.DEFAULT_POINTS_PER_HOUR,
    active: bool = True,
) -> None:
    """Add or change an activity; the stations it concerns get it through /changes."""
    if not 1 <= len(activity_id) <= 40 or not 1 <= len(title.strip()) <= 120:
        raise BadRequest("an activity needs an id (1..40) and a title (1..120)")
    if ends_at <= starts_at or ends_at - starts_at > timedelta(hours=24):
        raise BadRequest("an activity ends after it starts, within a day")
    if capacity < 0 or not 0 <= sign_in_opens_min <= 240 or points_per_hour < 0:
        raise BadRequest("capacity, sign-in window and points per hour must not be negative")
    if not 0 < daily_max_h <= 24 or not 0 <= round_to_h <= 4:
        raise BadRequest("daily maximum 0..24 h, rounding step 0..4 h")
    with db.write() as session:
        row = session.get(Activity, activity_id)
        if row is None:
            row = Activity(id=activity_id)
            session.add(row)
        elif row.station_id != station_id and row.station_id is not None:
            # Moved to another station: the old one must drop it.
            gone = {**activity_data(row), "active": False}
            feed.publish(db, session, "activity", row.id, gone, row.station_id)
        row.title, row.title_en, row.team = title.strip(), title_en.strip(), team.strip()
        row.station_id, row.starts_at, row.ends_at = station_id, starts_at, ends_at
        row.capacity, row.sign_in_opens_min = capacity, sign_in_opens_min
        row.round_to_h, row.daily_max_h = round_to_h, daily_max_h
        row.points_per_hour, row.active = points_per_hour, active
        session.flush()
        feed.publish(db, session, "activity", row.id, activity_data(row), station_id)
    log.info("activity %s published for %s", activity_id, station_id or "every station")


def add_honor_hours(db: Database, volunteer_id: str, hours: float, reason: str, by: str) -> float:
    """荣誉时长: added by the district only, with a reason, capped per calendar year."""
    if not 0 < hours <= HONOR_CAP_H_PER_YEAR or not reason.strip():
        raise BadRequest(f"honor hours are 0..{HONOR_CAP_H_PER_YEAR:g} with a reason")
    year_start = utcnow().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    with db.write() as session:
        volunteer = ledger.lock_volunteer(session, volunteer_id)
        if volunteer is None:
            raise NotFound(f"unknown volunteer {volunteer_id}")
        given = session.scalar(
            select(func.coalesce(func.sum(HoursEntry.hours), 0.0)).where(
                HoursEntry.volunteer_id == volunteer_id,
                HoursEntry.kind == "honor",
                HoursEntry.at >= year_start,
            )
        )
        if float(given or 0) + hours > HONOR_CAP_H_PER_YEAR:
            raise BadRequest(
                f"honor hours this year would exceed {HONOR_CAP_H_PER_YEAR:g} h "
                f"({float(given or 0):g} h given already)"
            )
        _add_hours(db, session, volunteer, hours, "honor", "", reason.strip()[:200], by, None)
        return volunteer.total_hours


def hours_by_kind(session: Session, volunteer_id: str) -> dict[str, float]:
    rows = session.execute(
        select(HoursEntry.kind, func.sum(HoursEntry.hours))
        .where(HoursEntry.volunteer_id == volunteer_id)
        .group_by(HoursEntry.kind)
    ).all()
    return {kind: round(float(total or 0), 2) for kind, total in rows}


def _add_hours(
    db: Database,
    session: Session,
    volunteer: Volunteer,
    hours: float,
    kind: str,
    ref: str,
    reason: str,
    by: str,
    station_id: str | None,
) -> None:
    session.add(
        HoursEntry(
            volunteer_id=volunteer.id,
            kind=kind,
            hours=hours,
            ref=ref,
            reason=reason,
            by=by,
            station_id=station_id,
        )
    )
    volunteer.total_hours = round(volunteer.total_hours + hours, 2)
    ledger.publish_volunteer(db, session, volunteer)


# --- events from kiosks -------------------------------------------------------------------


def _check_code(
    session: Session, text: str, volunteer_id: str, at: datetime, rules: policy.Policy
) -> None:
    try:
        # Checked as of the scan: a kiosk offline for an hour still reports a code that was
        # valid when it was shown.
        # A code issued for gifts (or the phone page) does not sign anyone in.
        code = proofs.check_code(session, text, at, codes.USE_ATTEND, rules.require_code_use)
    except codes.CodeError as exc:
        raise Rejected(REJECT_BAD_CODE, exc.key) from exc
    if code.volunteer_id != volunteer_id:
        raise Rejected(REJECT_BAD_CODE, "the code is another volunteer's")
    # A sign-in dated before the code was issued (or, for a code that does not say when,
    # could have been) was back-dated (one fresh code spread over past activities).
    if at < proofs.earliest_use(code, rules.max_code_ttl_s):
        raise Rejected(REJECT_BAD_CODE, "signed in before the code was issued")


def _check_open(activity: Activity, at: datetime) -> None:
    """The kiosk's rule, re-checked: sign-in opens ``sign_in_opens_min`` before the start
    and closes at the end, and never for a cancelled activity. The sign-in's own time is
    judged (an offline kiosk reports late), against central's record of the activity."""
    if not activity.active:
        raise Rejected(REJECT_ACTIVITY_CANCELLED)
    opens = activity.starts_at - timedelta(minutes=activity.sign_in_opens_min)
    if at < opens:
        raise Rejected(REJECT_ACTIVITY_NOT_OPEN, f"signed in at {iso(at)}, opens {iso(opens)}")
    if at > activity.ends_at:
        raise Rejected(
            REJECT_ACTIVITY_ENDED, f"signed in at {iso(at)}, ended {iso(activity.ends_at)}"
        )


def signed_in(db: Database, s: Session, station_id: str, ev: AttendanceSignedIn) -> Volunteer:
    activity = s.get(Activity, ev.activity_id)
    if activity is None or activity.station_id not in (None, station_id):
        raise Rejected(REJECT_UNKNOWN_ACTIVITY)
    volunteer = s.get(Volunteer, ev.volunteer_id)
    if volunteer is None or not volunteer.active:
        raise Rejected("unknown_volunteer")
    at = parse_iso(ev.at)
    rules = policy.of(db)
    if ev.code is not None:
        _check_code(s, ev.code, ev.volunteer_id, at, rules)
    elif rules.require_proof:
        # The kiosk signs in only by scanning the volunteer's signed code, and sends it:
        # without it a station's word alone would credit hours and points to anyone.
        raise Rejected(REJECT_BAD_CODE, "code_missing")
    _check_open(activity, at)
    known = s.get(Attendance, ev.attendance_id)
    if known is not None:
        if known.station_id != station_id or known.volunteer_id != ev.volunteer_id:
            raise Rejected("conflict", "attendance id used by another station or volunteer")
        return volunteer
    twice = s.scalar(
        select(Attendance.id).where(
            Attendance.activity_id == activity.id, Attendance.volunteer_id == volunteer.id
        )
    )
    if twice is not None:
        raise Rejected(REJECT_ALREADY_SIGNED_IN)
    if activity.capacity:
        present = s.scalar(select(func.count()).where(Attendance.activity_id == activity.id)) or 0
        if present >= activity.capacity:
            raise Rejected(REJECT_ACTIVITY_FULL)
    s.add(
        Attendance(
            id=ev.attendance_id,
            activity_id=activity.id,
            volunteer_id=volunteer.id,
            station_id=station_id,
            signed_in_at=at,
            day=local_day(activity.starts_at),
        )
    )
    return volunteer


def _hours_that_day(s: Session, row: Attendance) -> float:
    """The volunteer's hours credited on ``row``'s day by their other attendances."""
    already = s.scalar(
        select(func.coalesce(func.sum(Attendance.hours), 0.0)).where(
            Attendance.volunteer_id == row.volunteer_id,
            Attendance.day == row.day,
            Attendance.id != row.id,
        )
    )
    return float(already or 0)


def signed_out(db: Database, s: Session, station_id: str, ev: AttendanceSignedOut) -> Volunteer:
    row = s.get(Attendance, ev.attendance_id)
    if row is None or row.station_id != station_id:
        raise Rejected(REJECT_UNKNOWN_ATTENDANCE)
    volunteer = ledger.lock_volunteer(s, row.volunteer_id)
    if volunteer is None:
        raise Rejected("unknown_volunteer")
    if row.signed_out_at is not None:
        return volunteer  # the same sign-out under another event id
    out = parse_iso(ev.at)
    if out > utcnow() + timedelta(seconds=FUTURE_SLACK_S):
        # Dated ahead of central's clock (beyond an honest clock's skew): time not yet
        # served, which the rule caps only at the activity's end. Offline sign-outs arrive
        # late, never early, so this refuses no event a kiosk really recorded.
        raise Rejected(REJECT_FUTURE_TIME, f"signed out at {iso(out)}, central's clock is earlier")
    activity = s.get(Activity, row.activity_id)
    assert activity is not None
    already = _hours_that_day(s, row)
    row.signed_out_at, row.auto_signed_out = out, ev.auto
    row.hours = rule.credited_hours(
        row.signed_in_at,
        out,
        activity.starts_at,
        activity.ends_at,
        round_to_h=activity.round_to_h,
        daily_max_h=activity.daily_max_h,
        already_today_h=already,
    )
    row.points = rule.points_for(row.hours, activity.points_per_hour)
    if row.hours:
        _add_hours(db, s, volunteer, row.hours, "credit", row.id, activity.title, "", station_id)
    if row.points:
        ledger.change_balance(db, s, volunteer, row.points, "hours", row.id, station_id)
    if ev.auto:
        log.info("attendance %s signed out automatically (for review)", row.id)
    return volunteer


def corrected(db: Database, s: Session, station_id: str, ev: AttendanceCorrected) -> Volunteer:
    """A staff correction: the difference in hours and points is booked as a correction
    with the reason; the original credit stays in the ledger."""
    row = s.get(Attendance, ev.attendance_id)
    if row is None or row.station_id != station_id:
        raise Rejected(REJECT_UNKNOWN_ATTENDANCE)
    if row.signed_out_at is None:
        raise Rejected(REJECT_NOT_SIGNED_OUT)
    volunteer = ledger.lock_volunteer(s, row.volunteer_id)
    activity = s.get(Activity, row.activity_id)
    if volunteer is None or activity is None:
        raise Rejected(REJECT_UNKNOWN_ATTENDANCE)
    span_h = rule.span_hours(activity.starts_at, activity.ends_at)
    if ev.hours > span_h:
        # Time counts only inside the activity (the rule), a correction's too: 24 h on an
        # 8 h activity is no honest kiosk's (it refuses it), so the station's word is
        # refused whole and the district sees it among the rejected events.
        raise Rejected(
            REJECT_OVER_SPAN, f"corrected to {ev.hours:g} h, the activity spans {span_h:g} h"
        )
    # Within the day's maximum like every credit (the kiosk cannot see other stations').
    room = max(activity.daily_max_h - _hours_that_day(s, row), 0.0)
    new_hours = round(min(ev.hours, room), 2)
    delta_h = round(new_hours - row.hours, 2)
    delta_p = rule.points_for(new_hours, activity.points_per_hour) - row.points
    if delta_h:
        by = f"staff:{ev.staff_id}" if ev.staff_id else "staff"
        _add_hours(db, s, volunteer, delta_h, "correction", row.id, ev.reason, by, station_id)
    if delta_p:
        ledger.change_balance(db, s, volunteer, delta_p, "hours_correction", row.id, station_id)
    row.hours, row.points = new_hours, row.points + delta_p
    return volunteer


# The same shape as central.events.Applier (which imports this module).
APPLIERS: dict[
    str, tuple[type[BaseModel], Callable[[Database, Session, str, Any], Volunteer | None]]
] = {
    "attendance.signed_in": (AttendanceSignedIn, signed_in),
    "attendance.signed_out": (AttendanceSignedOut, signed_out),
    "attendance.corrected": (AttendanceCorrected, corrected),
}


def attendance_record(session: Session, attendance_id: str) -> dict[str, Any] | None:
    """What the slip's QR shows when opened: central's own record of the attendance."""
    row = session.get(Attendance, attendance_id)
    if row is None:
        return None
    activity = session.get(Activity, row.activity_id)
    volunteer = session.get(Volunteer, row.volunteer_id)
    return {
        "attendance_id": row.id,
        "activity": activity.title if activity else row.activity_id,
        "volunteer": mask_name(volunteer.name) if volunteer else "",
        "station_id": row.station_id,
        "signed_in_at": iso(row.signed_in_at),
        "signed_out_at": iso(row.signed_out_at) if row.signed_out_at else None,
        "auto_signed_out": row.auto_signed_out,
        "hours": row.hours,
        "points": row.points,
    }
