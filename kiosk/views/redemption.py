"""What the volunteer's screens show and do (积分兑换: identify, gift shelf, quote), as plain data.

Each function takes a Session first (for ``ctx.ops.run_db`` / ``read_db``) and returns
frozen dataclasses, never ORM rows. The rules live in ``kiosk.volunteers``,
``kiosk.gifts`` and ``kiosk.redemption``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from kiosk import catalog, gift_pictures, gifts, redemption, settings, volunteers
from kiosk.config import Config
from protocol.codes import USE_REDEEM

if TYPE_CHECKING:
    from kiosk.store.db import Store


def identify_scan(s: Session, text: str, config: Config) -> volunteers.VolunteerView:
    """The volunteer of a scanned code, with the code kept as the redemption's proof. A
    code issued for signing in (or the phone page) is refused here: it spends no points."""
    proof = redemption.Proof.scanned(text)
    return volunteers.scanned_view(s, text, config, proof=proof, purpose=USE_REDEEM)


def identify_card(
    store: Store, verifier: Any, card_no: str, pin: str, config: Config
) -> volunteers.VolunteerView:
    """For ``ops.run`` (not a session: central checks card + PIN, online only)."""
    return volunteers.identify_by_card(store, verifier, card_no, pin, config)


def card_pin_enabled(s: Session, config: Config) -> bool:
    return settings.effective(s, config).card_pin_enabled


@dataclass(frozen=True)
class GiftShelf:
    volunteer: volunteers.VolunteerView
    gifts: list[gifts.GiftView]
    categories: list[dict[str, str]]


def shelf(s: Session, volunteer_id: str, cart: dict[str, int], config: Config) -> GiftShelf:
    """For ``ops.read_db``: a snapshot read that neither waits for nor holds up a writer, so
    a shelf still loading for one volunteer never keeps the next one's scan waiting."""
    volunteer = volunteers.volunteer_view(s, volunteer_id, config)
    facts = gifts.shelf_facts(s, volunteer_id, config.timezone, balance=volunteer.balance)
    return GiftShelf(
        volunteer=volunteer,
        gifts=gift_pictures.resolve(facts.views(cart), config.data_dir),
        categories=catalog.gift_categories(s),
    )


def quote(s: Session, volunteer_id: str, cart: dict[str, int], zone: str) -> redemption.Quote:
    return redemption.quote(s, volunteer_id, cart, zone)
