"""Failed authentication per client address: after ``limit`` failures within
``window_s`` seconds the address gets 429 with Retry-After until the window passes.

In memory, per process: it slows a token guesser down without a database write per
failure; several central processes each throttle on their own (still bounded)."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

log = logging.getLogger(__name__)

MAX_ADDRESSES = 10_000  # forget the oldest beyond this (a flood of addresses cannot grow it)


class AuthThrottle:
    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, address: str, now: float) -> deque[float]:
        times = self._failures.get(address)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del self._failures[address]
        return times

    def retry_after(self, address: str) -> int:
        """Seconds this address must wait, 0 if it may try."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(address, now)
            if len(times) < self.limit:
                return 0
            return max(1, int(times[0] + self.window_s - now) + 1)

    def failed(self, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._recent(address, now)
            if address not in self._failures and len(self._failures) >= MAX_ADDRESSES:
                self._failures.pop(next(iter(self._failures)))
            self._failures.setdefault(address, deque()).append(now)
            if len(self._failures[address]) == self.limit:
                log.warning("address %s: %d failed authentications, throttled", address, self.limit)

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)
