"""Time in one place: stored as naive UTC, shown in the station's zone."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"


def utcnow() -> datetime:
    """Naive UTC: what the store holds (SQLite keeps no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


def zone(name: str = DEFAULT_ZONE) -> tzinfo:
    return ZoneInfo(name)


def to_local(at: datetime, zone_name: str = DEFAULT_ZONE) -> datetime:
    """A stored naive-UTC time as an aware time in the station's zone."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ZoneInfo(zone_name))


def local_day(at: datetime, zone_name: str = DEFAULT_ZONE) -> str:
    """YYYYMMDD of ``at`` in the station's zone (ticket numbers restart each local day)."""
    return to_local(at, zone_name).strftime("%Y%m%d")


def to_utc_naive(at: datetime) -> datetime:
    if at.tzinfo is None:
        return at
    return at.astimezone(UTC).replace(tzinfo=None)


def iso(at: datetime) -> str:
    """Wire format: ISO 8601 with an explicit Z."""
    return to_utc_naive(at).isoformat(timespec="milliseconds") + "Z"


def parse_iso(text: str) -> datetime:
    """Wire time to naive UTC. Anything unusable is a ValueError (never OverflowError:
    9999-12-31T23:59:59-05:00 parses but cannot be moved to UTC)."""
    try:
        return to_utc_naive(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except OverflowError as exc:
        raise ValueError(f"time out of range: {text!r}") from exc


_TIME_ERROR = 5  # adjtimex(2): the clock is not synchronised (STA_UNSYNC)


def synchronised() -> bool | None:
    """Whether the kernel says an NTP client (systemd-timesyncd, chrony) keeps the clock
    synchronised; None where that cannot be asked. A clock set by hand (``date -s``)
    counts as not synchronised: the kernel marks it so."""
    if sys.platform != "linux":
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        timex = ctypes.create_string_buffer(512)  # struct timex, modes = 0: read only
        state = int(libc.adjtimex(timex))
    except (OSError, AttributeError):
        return None
    if state < 0:
        return None
    return state != _TIME_ERROR
