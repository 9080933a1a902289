"""Central's exceptions; the API turns each into the protocol's error body."""

from __future__ import annotations

from typing import Any


class CentralError(Exception):
    """Root of central's errors. ``code`` is the protocol's error code."""

    code = "internal"
    status = 500

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(CentralError):
    code, status = "bad_request", 400


class Unauthorized(CentralError):
    code, status = "unauthorized", 401


class NotFound(CentralError):
    code, status = "not_found", 404


class Conflict(CentralError):
    code, status = "conflict", 409


class TooLarge(CentralError):
    code, status = "too_large", 413


class Rejected(CentralError):
    """One pushed event cannot be applied; ``reason`` goes into its result."""

    code, status = "rejected", 200

    def __init__(self, reason: str, details: Any = None) -> None:
        super().__init__(reason, details)
        self.reason = reason


class Forbidden(CentralError):
    """Proof of who is redeeming is missing or wrong; ``reason`` says which (also at the
    top of the body, as the redemption contract has it), ``retry_after`` for a lock."""

    code, status = "forbidden", 403

    def __init__(self, reason: str, message: str = "", retry_after: int | None = None) -> None:
        details: dict[str, Any] = {"reason": reason}
        if retry_after is not None:
            details["retry_after"] = retry_after
        super().__init__(message or reason, details)
        self.reason = reason
        self.retry_after = retry_after


class RateLimited(CentralError):
    code, status = "rate_limited", 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, {"retry_after": retry_after})
        self.retry_after = retry_after
