"""Volunteers sign in and out of the station's activities (签到/签退) by scanning their
signed code. Offline-safe: every sign-in, sign-out and correction is an outbox event in
the same transaction; central credits hours and points by the shared rule
(protocol/hours.py), and the volunteer's next pull shows them.

The kiosk checks what it can alone: the code (signature, expiry, revocation), the
activity's sign-in window, a full activity, a second scan within a minute, a sign-out
without a sign-in. A volunteer who forgets to sign out is signed out at the activity's end
and flagged 自动签退 for review.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk import outbox, print_queue, receipts, staff, volunteers
from kiosk.clock import iso, local_day, to_local, utcnow
from kiosk.config import Config
from kiosk.errors import ConflictError, KioskError, NotFoundError, ValidationError
from kiosk.store.models import Activity, Attendance, Volunteer
from protocol import hours as rule
from protocol.api import mask_name

log = logging.getLogger(__name__)

# A second scan this soon after signing in is a double scan, not a sign-out.
DOUBLE_SCAN = timedelta(seconds=60)


@dataclass(frozen=True)
class ActivityView:
    id: str
    title: str
    title_en: str
    team: str
    starts_at: datetime  # naive UTC
    ends_at: datetime
    capacity: int
    present: int  # signed in, not yet out
    signed: int  # signed in at all
    state: str  # upcoming | open | ended

    def label(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


def _state(a: Activity, now: datetime) -> str:
    if now < a.starts_at - timedelta(minutes=a.sign_in_opens_min):
        return "upcoming"
    if now > a.ends_at:
        return "ended"
    return "open"


def todays_activities(
    session: Session, config: Config, now: datetime | None = None
) -> list[ActivityView]:
    """Today's activities at this station (the district's day), in start order, and any
    still under way that began before midnight: after 00:00 its volunteers must still find
    it to sign in or out."""
    now = now or utcnow()
    today = local_day(now, config.timezone)
    window = (now - timedelta(days=1), now + timedelta(days=1))
    rows = session.scalars(
        select(Activity)
        .where(Activity.active, Activity.starts_at.between(*window))
        .order_by(Activity.starts_at, Activity.id)
    ).all()
    # Counted for the listed activities only: the station's every attendance grows by the
    # year, the day's list does not.
    shown = [a.id for a in rows]
    counts: dict[str, int] = dict(
        session.execute(
            select(Attendance.activity_id, func.count())
            .where(Attendance.activity_id.in_(shown))
            .group_by(Attendance.activity_id)
        )
        .tuples()
        .all()
    )
    present: dict[str, int] = dict(
        session.execute(
            select(Attendance.activity_id, func.count())
            .where(Attendance.signed_out_at.is_(None), Attendance.activity_id.in_(shown))
            .group_by(Attendance.activity_id)
        )
        .tuples()
        .all()
    )
    return [
        ActivityView(
            a.id,
            a.title,
            a.title_en,
            a.team,
            a.starts_at,
            a.ends_at,
            a.capacity,
            int(present.get(a.id, 0)),
            int(counts.get(a.id, 0)),
            _state(a, now),
        )
        for a in rows
        if local_day(a.starts_at, config.timezone) == today or a.ends_at > now
    ]


@dataclass(frozen=True)
class ScanResult:
    action: str  # signed_in | signed_out
    attendance_id: str
    activity_title: str
    volunteer_name: str
    signed_in_at: datetime
    signed_out_at: datetime | None = None
    hours: float = 0.0
    points: int = 0
    total_hours: float = 0.0  # what the card will show once central has credited it
    print_job_id: str | None = None


def _identify(session: Session, scanned: str, now: datetime) -> Volunteer:
    try:
        return volunteers.identify(session, scanned, now=now)
    except KioskError as exc:
        if exc.key == "code.forged":
            # Signed by a key this district never published: most often another
            # district's volunteer code.
            raise KioskError("attendance.foreign_code") from exc
        raise


def scan(
    session: Session,
    activity_id: str,
    scanned: str,
    config: Config,
    now: datetime | None = None,
) -> ScanResult:
    """Sign in on the first scan, sign out on the next (each a clear refusal otherwise)."""
    now = now or utcnow()
    activity = session.get(Activity, activity_id)
    if activity is None or not activity.active:
        raise NotFoundError("attendance.unknown_activity")
    volunteer = _identify(session, scanned, now)
    row = session.scalars(
        select(Attendance).where(
            Attendance.activity_id == activity.id, Attendance.volunteer_id == volunteer.id
        )
    ).first()
    if row is not None and row.signed_out_at is not None:
        raise ConflictError("attendance.already_signed_out")
    if row is not None:
        if now - row.signed_in_at < DOUBLE_SCAN:
            raise ConflictError("attendance.just_signed_in")
        return _sign_out(session, activity, row, volunteer, config, now, auto=False)
    state = _state(activity, now)
    if state == "upcoming":
        opens = activity.starts_at - timedelta(minutes=activity.sign_in_opens_min)
        raise ValidationError(
            "attendance.not_open_yet", at=to_local(opens, config.timezone).strftime("%H:%M")
        )
    if state == "ended":
        raise ValidationError("attendance.ended")
    if activity.capacity:
        taken = (
            session.scalar(select(func.count()).where(Attendance.activity_id == activity.id)) or 0
        )
        if taken >= activity.capacity:
            raise ConflictError("attendance.full")
    row = Attendance(activity_id=activity.id, volunteer_id=volunteer.id, signed_in_at=now)
    session.add(row)
    session.flush()
    outbox.emit(
        session,
        "attendance.signed_in",
        {
            "attendance_id": row.id,
            "activity_id": activity.id,
            "volunteer_id": volunteer.id,
            "at": iso(now),
            "code": scanned.strip(),
        },
        occurred_at=now,
    )
    log.info("attendance %s: %s signed in to %s", row.id, volunteer.id, activity.id)
    return ScanResult(
        "signed_in",
        row.id,
        activity.title,
        volunteer.masked_name,
        now,
        total_hours=volunteer.total_hours,
    )


def _hours_today(session: Session, row: Attendance, activity: Activity, zone_name: str) -> float:
    """Hours already expected for this volunteer on the activity's day (the daily cap)."""
    day = local_day(activity.starts_at, zone_name)
    others = session.execute(
        select(Attendance.expected_hours, Activity.starts_at)
        .join(Activity, Activity.id == Attendance.activity_id)
        .where(
            Attendance.volunteer_id == row.volunteer_id,
            Attendance.signed_out_at.is_not(None),
            Attendance.id != row.id,
            Activity.starts_at.between(
                activity.starts_at - timedelta(days=1), activity.starts_at + timedelta(days=1)
            ),
        )
    ).all()
    return sum(h for h, starts in others if local_day(starts, zone_name) == day)


def _sign_out(
    session: Session,
    activity: Activity,
    row: Attendance,
    volunteer: Volunteer | None,
    config: Config,
    now: datetime,
    *,
    auto: bool,
) -> ScanResult:
    out = min(now, activity.ends_at) if auto else now
    already = _hours_today(session, row, activity, config.timezone)
    row.signed_out_at, row.auto_signed_out = out, auto
    row.expected_hours = rule.credited_hours(
        row.signed_in_at,
        out,
        activity.starts_at,
        activity.ends_at,
        round_to_h=activity.round_to_h,
        daily_max_h=activity.daily_max_h,
        already_today_h=already,
    )
    row.expected_points = rule.points_for(row.expected_hours, activity.points_per_hour)
    outbox.emit(
        session,
        "attendance.signed_out",
        {"attendance_id": row.id, "at": iso(out), "auto": auto},
        occurred_at=now,
    )
    name = volunteer.masked_name if volunteer is not None else row.volunteer_id
    total = (volunteer.total_hours if volunteer is not None else 0.0) + row.expected_hours
    result = ScanResult(
        "signed_out",
        row.id,
        activity.title,
        name,
        row.signed_in_at,
        out,
        row.expected_hours,
        row.expected_points,
        round(total, 2),
    )
    job_id = None
    if not auto:
        slip = receipts.attendance_slip(result, config)
        job = print_queue.enqueue(session, "attendance", row.id, slip)
        session.flush()  # the job's id is given at insert
        job_id = job.id
    log.info(
        "attendance %s: signed out%s, %.2f h", row.id, " (auto)" if auto else "", row.expected_hours
    )
    return ScanResult(**{**result.__dict__, "print_job_id": job_id})


def sign_out_overdue(session: Session, config: Config, now: datetime | None = None) -> int:
    """Sign out, as of the activity's end, everyone still in once it has ended (自动签退,
    flagged for review). Returns how many."""
    now = now or utcnow()
    rows = session.execute(
        select(Attendance, Activity)
        .join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.signed_out_at.is_(None), Activity.ends_at <= now)
    ).all()
    for row, activity in rows:
        _sign_out(
            session, activity, row, session.get(Volunteer, row.volunteer_id), config, now, auto=True
        )
    return len(rows)


def correct(
    session: Session, attendance_id: str, hours: float, reason: str, staff_id: str
) -> Attendance:
    """A staff correction (after the staff PIN): recorded as a correction with the reason,
    audited, and sent to central, which books the difference."""
    row = session.get(Attendance, attendance_id)
    if row is None:
        raise NotFoundError("attendance.unknown")
    if row.signed_out_at is None:
        raise ConflictError("attendance.not_signed_out")
    reason = reason.strip()
    if not reason or len(reason) > 200:
        raise ValidationError("attendance.reason_required")
    if not 0 <= hours <= rule.MAX_CORRECTION_H:
        raise ValidationError("attendance.bad_hours")
    activity = session.get(Activity, row.activity_id)
    span = rule.span_hours(activity.starts_at, activity.ends_at) if activity else 0.0
    if activity is not None and hours > span:
        # Time counts only inside the activity, a correction's too; central refuses more.
        raise ValidationError("attendance.over_span", hours=f"{span:g}")
    before = row.corrected_hours if row.corrected_hours is not None else row.expected_hours
    row.corrected_hours = round(hours, 2)
    outbox.emit(
        session,
        "attendance.corrected",
        {
            "attendance_id": row.id,
            "hours": row.corrected_hours,
            "reason": reason,
            "staff_id": staff_id,
        },
    )
    staff.audit(
        session,
        staff_id,
        "attendance.correct",
        attendance_id=row.id,
        before=before,
        after=row.corrected_hours,
        reason=reason,
    )
    return row


@dataclass(frozen=True)
class PresentRow:
    attendance_id: str
    activity_title: str
    volunteer_name: str
    signed_in_at: datetime
    signed_out_at: datetime | None
    hours: float
    auto: bool
    span_h: float  # the activity's length: the most a correction may give
    activity_title_en: str = ""  # central's English title, "" where it has none

    def title(self, lang: str) -> str:
        return (
            self.activity_title_en
            if lang == "en" and self.activity_title_en
            else self.activity_title
        )


def attendance_today(
    session: Session, config: Config, now: datetime | None = None
) -> list[PresentRow]:
    """Today's attendance, everyone who signed in (present first): the staff screen."""
    now = now or utcnow()
    today = local_day(now, config.timezone)
    rows = session.execute(
        select(
            Attendance,
            Activity.title,
            Volunteer.masked_name,
            Activity.starts_at,
            Activity.ends_at,
            Activity.title_en,
        )
        .join(Activity, Activity.id == Attendance.activity_id)
        .outerjoin(Volunteer, Volunteer.id == Attendance.volunteer_id)
        .where(Attendance.signed_in_at >= now - timedelta(days=1))
        .order_by(Attendance.signed_out_at.is_not(None), Attendance.signed_in_at)
    ).all()
    return [
        PresentRow(
            a.id,
            title,
            mask_name(name) if name else a.volunteer_id,
            a.signed_in_at,
            a.signed_out_at,
            a.corrected_hours if a.corrected_hours is not None else a.expected_hours,
            a.auto_signed_out,
            rule.span_hours(starts, ends),
            title_en,
        )
        for a, title, name, starts, ends, title_en in rows
        if local_day(a.signed_in_at, config.timezone) == today
    ]


def export_rows(session: Session) -> list[dict[str, Any]]:
    """Every attendance, for the CSV export."""
    rows = session.execute(
        select(Attendance, Activity.title)
        .join(Activity, Activity.id == Attendance.activity_id)
        .order_by(Attendance.signed_in_at)
    ).all()
    return [
        {
            "attendance_id": a.id,
            "activity_id": a.activity_id,
            "activity": title,
            "volunteer_id": a.volunteer_id,
            "signed_in_at": a.signed_in_at,
            "signed_out_at": a.signed_out_at,
            "auto_signed_out": int(a.auto_signed_out),
            "hours": a.corrected_hours if a.corrected_hours is not None else a.expected_hours,
            "corrected": int(a.corrected_hours is not None),
        }
        for a, title in rows
    ]
