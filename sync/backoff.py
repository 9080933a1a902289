"""Exponential backoff with jitter (after Electrum): after each failure wait longer, up to
a cap, with a random spread so a district's kiosks do not all return at the same second
after central comes back. Central's Retry-After is a floor, never shortened."""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    def __init__(
        self,
        base_s: float = 2.0,
        cap_s: float = 300.0,
        max_retry_after_s: float = 3600.0,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.base_s, self.cap_s, self.max_retry_after_s = base_s, cap_s, max_retry_after_s
        self._rng = rng
        self.failures = 0

    def reset(self) -> None:
        self.failures = 0

    def next_delay(self, retry_after: float | None = None) -> float:
        """Seconds to wait after one more failure."""
        self.failures += 1
        ceiling = min(self.cap_s, self.base_s * 2 ** min(self.failures - 1, 30))
        # "Equal jitter": never less than half the ceiling, so the backoff still grows.
        delay = ceiling / 2 + self._rng() * ceiling / 2
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_retry_after_s))
        return delay
