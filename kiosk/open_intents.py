"""Whether a killed process left redemption intents open (see
``kiosk.redemption.resolve_open_intents``), asked without loading the redemption stack.

The start asks this on its resolver thread; nearly always the answer is no, and the
redemption module and everything it imports (volunteers, gifts, catalogue, proofs) then
stay unloaded until a volunteer first scans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.store.models import RedemptionIntent

if TYPE_CHECKING:
    from kiosk.store.db import Store


def has_open_intents(store: Store) -> bool:
    with store.begin() as session:
        found = session.scalars(
            select(RedemptionIntent.redemption_id).where(RedemptionIntent.state == "open").limit(1)
        ).first()
    return found is not None
