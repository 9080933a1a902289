"""What the engine tells the status strip and the admin screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SyncStatus:
    # None until the first attempt: the strip shows "connecting", not "offline".
    online: bool | None = None
    pending: int = 0
    rejected: int = 0
    last_success: datetime | None = None
    # A message key (``sync.server_down``...), None after a clean cycle.
    last_error: str | None = None
    last_attempt: datetime | None = None
    # Our clock minus central's, from its last answer (seconds); None before one.
    clock_skew_s: float | None = None
