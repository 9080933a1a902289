"""Online redemption authorisation: ``kiosk.redemption.Authoriser`` on top of the client.

Central authorises and debits atomically (idempotent by redemption id). When it does
not answer within ``timeout_s``, or answers something we cannot trust, this raises
``CentralUnreachable`` and the domain falls back to the bounded offline rule.
"""

from __future__ import annotations

import logging

from kiosk.clock import parse_iso
from kiosk.redemption import AuthDecision, AuthRequest, CentralUnreachable
from sync.client import CentralClient
from sync.errors import SyncError

log = logging.getLogger(__name__)


class CentralAuthoriser:
    def __init__(self, client: CentralClient, timeout_s: float = 3.0) -> None:
        self.client = client
        self.timeout_s = timeout_s

    def authorise(self, request: AuthRequest) -> AuthDecision:
        body = {
            "redemption_id": request.redemption_id,
            "volunteer_id": request.volunteer_id,
            "total_points": request.total_points,
            "lines": request.lines,
        }
        try:
            # requests bounds connect and each read separately; with one small JSON
            # answer that keeps the whole call near timeout_s (at worst about twice).
            answer = self.client.authorise(body, timeout=(self.timeout_s, self.timeout_s))
        except SyncError as exc:
            log.warning("authorise %s: central unreachable (%s)", request.redemption_id, exc)
            raise CentralUnreachable(detail=str(exc)) from exc
        if answer["approved"]:
            return AuthDecision(
                approved=True,
                balance_after=int(answer["balance_after"]),
                as_of=parse_iso(answer["as_of"]),
                reason="",
            )
        balance = answer.get("balance")
        return AuthDecision(
            approved=False,
            balance_after=int(balance) if balance is not None else None,
            as_of=None,
            reason=str(answer["reason"]),
        )
