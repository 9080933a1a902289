"""Who is redeeming, as the kiosk saw it, and how central's answer about it can go.

Shared by ``kiosk.volunteers`` (the card screen) and ``kiosk.redemption`` (authorisation);
``sync.authorise`` raises these errors. Nothing here touches the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kiosk.errors import AuthError, KioskError

# Central's 403 reasons come from the leaf both sides share.
from protocol.api import PROOF_REASONS

__all__ = ["PROOF_REASONS", "CentralUnreachable", "Proof", "ProofRefused"]


@dataclass(frozen=True)
class Proof:
    """What the kiosk saw of the volunteer, shown to central with the authorisation: the
    scanned signed code, or card + PIN (central checks the PIN; the kiosk cannot).
    The PIN lives only in memory for one visit: never stored, logged or repr'd."""

    kind: Literal["code", "card"]
    code: str = field(default="", repr=False)
    card: str = field(default="", repr=False)
    pin: str = field(default="", repr=False)

    @classmethod
    def scanned(cls, code: str) -> Proof:
        return cls("code", code=code)

    @classmethod
    def card_pin(cls, card: str, pin: str) -> Proof:
        return cls("card", card=card, pin=pin)

    @property
    def online_only(self) -> bool:
        """Card + PIN is checked at central: without central it proves nothing."""
        return self.kind == "card"

    def to_wire(self) -> dict[str, str]:
        if self.kind == "code":
            return {"code": self.code}
        return {"card": self.card, "pin": self.pin}


class CentralUnreachable(KioskError):
    """Central did not answer in time, or answered nonsense: the outcome is UNCERTAIN (a
    hold may have been placed). The redemption goes offline, or is voided."""

    key = "sync.central_unreachable"


class ProofRefused(AuthError):
    """Central answered 403: it does not accept the proof. A definite answer: no hold."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"proof.{reason}" if reason in PROOF_REASONS else "proof.refused", detail)
        self.reason = reason
