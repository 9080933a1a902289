"""One root exception for the kiosk core.

Every error a user may see carries a ``key``: a stable message id the UI translates
(zh_CN and en, see ``kiosk.messages``). ``params`` fill the placeholders. The text in
``str(err)`` is for logs only and never shown to a resident.
"""

from __future__ import annotations

from typing import Any


class KioskError(Exception):
    """Root of every error the kiosk core raises on purpose."""

    key: str = "error.unexpected"
    # Commit the transaction's writes even though this error is raised (see Store.begin).
    keep_writes: bool = False

    def __init__(
        self, key: str | None = None, detail: str = "", *, keep_writes: bool = False, **params: Any
    ) -> None:
        self.key = key or type(self).key
        self.keep_writes = keep_writes
        self.params = params
        super().__init__(detail or self.key)


class ValidationError(KioskError):
    """Input that a person gave and can correct (phone, quantity, missing field)."""

    key = "error.invalid"


class NotFoundError(KioskError):
    key = "error.not_found"


class ConflictError(KioskError):
    """The request is well formed but the state forbids it (already rated, out of stock)."""

    key = "error.conflict"


class InsufficientPointsError(ConflictError):
    key = "redeem.insufficient_points"


class OutOfStockError(ConflictError):
    key = "redeem.out_of_stock"


class LimitExceededError(ConflictError):
    key = "redeem.limit_exceeded"


class AuthError(KioskError):
    """Staff PIN wrong, account locked, role insufficient."""

    key = "staff.pin_wrong"


class EnvironmentFault(KioskError):
    """Something outside the code is wrong: disk full, database locked, config broken."""

    key = "error.environment"


class ConfigError(EnvironmentFault):
    key = "config.invalid"


class DiskFull(EnvironmentFault):
    """The disk under the data dir is full: writes (orders, logs, backups) fail."""

    key = "error.disk_full"
