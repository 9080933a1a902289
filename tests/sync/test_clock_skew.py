"""A clock far from central's is noticed at every sync (issue 15, finding 4): the sync
status carries our clock minus central's (its HTTP Date header) and the staff menu warns
beyond two minutes. The machine clock cannot be moved in a test: the kiosk side's
``utcnow`` is shifted instead, at the client, the lowest layer that reads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from kiosk import health
from kiosk.clock import utcnow
from tests.sync.centralkit import Central, Kiosk


@pytest.mark.parametrize("off_s", [0, 400, -400])
def test_the_sync_status_carries_the_clock_difference_to_central(
    kiosks: Callable[..., Kiosk], central: Central, monkeypatch: pytest.MonkeyPatch, off_s: int
) -> None:
    import sync.client

    monkeypatch.setattr(sync.client, "utcnow", lambda: utcnow() + timedelta(seconds=off_s))
    kiosk = kiosks("k1", via_proxy=False)
    status = kiosk.sync()
    assert status.online and status.clock_skew_s is not None
    assert abs(status.clock_skew_s - off_s) < 3
    notes = health.warnings(
        kiosk.config.data_dir, kiosk.store.path, "en", skew_s=status.clock_skew_s
    )
    clock_notes = [n for n in notes if "central server" in n]
    if off_s:
        assert clock_notes and f"{status.clock_skew_s:+.0f} s off" in clock_notes[0]
    else:
        assert clock_notes == []
