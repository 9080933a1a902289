"""The hours rule, one home for both ends: the kiosk prints what it expects on the
sign-out slip, central credits exactly this. A LEAF module (standard library only).

Time counts only inside the activity (a sign-in before the start counts from the start, a
sign-out after the end to the end), rounded down to the activity's step (e.g. 0.5 h), and
a day's credited hours never exceed the daily maximum. Star levels follow the hours.
"""

from __future__ import annotations

import math
from datetime import datetime

DEFAULT_ROUND_TO_H = 0.5
DEFAULT_DAILY_MAX_H = 8.0
DEFAULT_POINTS_PER_HOUR = 10
MAX_CORRECTION_H = 24.0


def credited_hours(
    signed_in: datetime,
    signed_out: datetime,
    starts: datetime,
    ends: datetime,
    *,
    round_to_h: float = DEFAULT_ROUND_TO_H,
    daily_max_h: float = DEFAULT_DAILY_MAX_H,
    already_today_h: float = 0.0,
) -> float:
    start, end = max(signed_in, starts), min(signed_out, ends)
    seconds = max((end - start).total_seconds(), 0.0)
    hours = seconds / 3600.0
    step = round_to_h if round_to_h > 0 else 1 / 60
    # A tiny epsilon so 1.9999999 h from float seconds still rounds to 2.0.
    rounded = math.floor(hours / step + 1e-9) * step
    room = max(daily_max_h - already_today_h, 0.0)
    return round(min(rounded, room), 2)


def span_hours(starts: datetime, ends: datetime) -> float:
    """The activity's length in hours: the most any attendance (or its correction) can
    count, since time counts only inside the activity."""
    return round(max((ends - starts).total_seconds(), 0.0) / 3600.0, 4)


def points_for(hours: float, points_per_hour: int) -> int:
    return math.floor(hours * points_per_hour + 1e-9)
