"""Time on central: stored as naive UTC, ISO 8601 with Z on the wire."""

from __future__ import annotations

from datetime import UTC, datetime

# A kiosk's clock this far ahead of central's is tolerated in what it dates (a redemption,
# a sign-out): doctor warns from 30 s off and fails from 120 s, so an honest station stays
# well inside it; a time later than this was not read from a clock.
FUTURE_SLACK_S = 300


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_utc_naive(at: datetime) -> datetime:
    return at if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)


def iso(at: datetime) -> str:
    return to_utc_naive(at).isoformat(timespec="milliseconds") + "Z"


def parse_iso(text: str) -> datetime:
    """ISO 8601 (with Z or an offset; a bare time is taken as UTC) → naive UTC."""
    if not isinstance(text, str) or not 10 <= len(text) <= 40:
        raise ValueError(f"not an ISO 8601 time: {text!r:.60}")
    try:
        return to_utc_naive(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except OverflowError as exc:  # year 1 or 9999 shifted out of range by its offset
        raise ValueError(f"time out of range: {text!r:.60}") from exc
