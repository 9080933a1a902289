"""Backoff and Retry-After arithmetic, and the no-Qt rule for sync/."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, timedelta
from email.utils import format_datetime

from kiosk.clock import utcnow
from sync.backoff import Backoff
from sync.client import parse_retry_after


def test_backoff_grows_to_its_cap_with_jitter() -> None:
    low, high = (
        Backoff(base_s=1, cap_s=8, rng=lambda: 0.0),
        Backoff(base_s=1, cap_s=8, rng=lambda: 0.999),
    )
    lows = [low.next_delay() for _ in range(6)]
    highs = [high.next_delay() for _ in range(6)]
    assert lows == [0.5, 1, 2, 4, 4, 4]
    assert all(lo < hi <= 8 for lo, hi in zip(lows, highs, strict=True))
    low.reset()
    assert low.next_delay() == 0.5


def test_retry_after_is_a_floor_but_bounded() -> None:
    b = Backoff(base_s=1, cap_s=8, max_retry_after_s=60, rng=lambda: 0.0)
    assert b.next_delay(retry_after=20) == 20
    assert b.next_delay(retry_after=0) == 1
    assert b.next_delay(retry_after=10_000) == 60


def test_parse_retry_after_seconds_and_dates() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    aware = (utcnow() + timedelta(seconds=120)).replace(tzinfo=UTC)
    assert 100 < parse_retry_after(format_datetime(aware, usegmt=True)) <= 121


def test_sync_core_imports_no_qt() -> None:
    code = (
        "import sys, sync.engine, sync.client, sync.authorise, sync.apply;"
        "assert 'PySide6' not in sys.modules, 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
