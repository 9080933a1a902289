"""Online redemption authorisation: ``kiosk.redemption.Authoriser`` on top of the client.

Central places a hold when it approves (idempotent by redemption id) after checking the
proof the kiosk saw. Three kinds of answer:

* approved / declined: definite; an approval carries ``hold_expires_at``;
* 403 with a proof reason (bad code, wrong PIN, card locked...): definite, no hold —
  raised as ``kiosk.redemption.ProofRefused``;
* anything else (no answer within ``timeout_s``, reset, 5xx, 429, a cut or malformed
  body, a 401): UNCERTAIN — central may hold points — raised as ``CentralUnreachable``;
  the domain then commits offline (``redemption.made`` captures any hold) or voids.

The same object verifies card + PIN for the card screen (``/cards/verify``), online only.
"""

from __future__ import annotations

import logging
from typing import Any

from kiosk.clock import parse_iso
from kiosk.proof import CentralUnreachable, ProofRefused
from kiosk.redemption import AuthDecision, AuthRequest
from sync.client import CentralClient
from sync.errors import ProofRejected, SyncError

log = logging.getLogger(__name__)


class CentralAuthoriser:
    def __init__(self, client: CentralClient, timeout_s: float = 3.0) -> None:
        self.client = client
        self.timeout_s = timeout_s

    def authorise(self, request: AuthRequest) -> AuthDecision:
        body: dict[str, Any] = {
            "redemption_id": request.redemption_id,
            "volunteer_id": request.volunteer_id,
            "total_points": request.total_points,
            "lines": request.lines,
        }
        if request.proof is not None:
            body["proof"] = request.proof.to_wire()
        try:
            # requests bounds connect and each read separately; with one small JSON
            # answer that keeps the whole call near timeout_s (at worst about twice).
            answer = self.client.authorise(body, timeout=(self.timeout_s, self.timeout_s))
        except ProofRejected as exc:
            log.info("authorise %s: proof refused (%s)", request.redemption_id, exc.reason)
            raise ProofRefused(exc.reason, str(exc)) from exc
        except SyncError as exc:
            log.warning("authorise %s: answer uncertain (%s)", request.redemption_id, exc)
            raise CentralUnreachable(detail=str(exc)) from exc
        if answer["approved"]:
            expires = answer.get("hold_expires_at")
            return AuthDecision(
                approved=True,
                balance_after=int(answer["balance_after"]),
                as_of=parse_iso(answer["as_of"]),
                reason="",
                hold_expires_at=parse_iso(expires) if expires else None,
            )
        balance = answer.get("balance")
        return AuthDecision(
            approved=False,
            balance_after=int(balance) if balance is not None else None,
            as_of=None,
            reason=str(answer["reason"]),
        )

    def verify_card(self, card: str, pin: str) -> dict[str, Any]:
        """Central's view of the volunteer holding this card, if the PIN is right."""
        try:
            return self.client.verify_card(card, pin, timeout=(self.timeout_s, self.timeout_s))
        except ProofRejected as exc:
            log.info("card verify: refused (%s)", exc.reason)
            raise ProofRefused(exc.reason, str(exc)) from exc
        except SyncError as exc:
            log.warning("card verify: central unreachable (%s)", exc)
            raise CentralUnreachable(detail=str(exc)) from exc
