"""Why a call to central failed, typed so the engine can pick a retry policy and the UI a
message. Every class carries a message key (see ``kiosk.messages``)."""

from __future__ import annotations

from kiosk.errors import EnvironmentFault


class SyncError(EnvironmentFault):
    """Central could not be used just now. ``retry_after`` is central's own hint (seconds)."""

    key = "sync.failed"

    def __init__(
        self, key: str | None = None, detail: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(key, detail)
        self.retry_after = retry_after


class ServerDown(SyncError):
    """No connection: refused, reset, DNS, TLS handshake."""

    key = "sync.server_down"


class TlsFailed(ServerDown):
    """The server's certificate is not trusted (wrong CA bundle, expired, wrong name)."""

    key = "sync.tls_failed"


class ClockWrong(TlsFailed):
    """The certificate is "not yet valid" by our clock: the kiosk's clock is behind."""

    key = "sync.clock_wrong"


class SyncTimeout(SyncError):
    key = "sync.timeout"


class BadResponse(SyncError):
    """Central answered, but not with what the protocol promises (cut short, not JSON...)."""

    key = "sync.bad_response"


class ServerError(SyncError):
    """HTTP 5xx, or 429: central is there but cannot serve us now."""

    key = "sync.server_error"


class Unauthorised(SyncError):
    """HTTP 401/403: the station token is wrong or revoked; a technician must fix it."""

    key = "sync.unauthorised"


class RequestRejected(SyncError):
    """HTTP 4xx other than auth: our request is at fault (413 too large, 422 invalid)."""

    key = "sync.request_rejected"

    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(None, detail)
        self.status = status
