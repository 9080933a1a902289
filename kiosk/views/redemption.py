"""What the volunteer's screens show and do (积分兑换: identify, gift shelf, quote), as plain data.

Each function takes a Session first (for ``ctx.ops.run_db`` / ``read_db``) and returns
frozen dataclasses, never ORM rows. The rules live in ``kiosk.volunteers``,
``kiosk.gifts`` and ``kiosk.redemption``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kiosk import catalog, gifts, redemption, volunteers
from kiosk.config import Config


def identify_scan(s: Session, text: str, offline_limit: int) -> volunteers.VolunteerView:
    vol = volunteers.identify(s, text)
    return volunteers.volunteer_view(s, vol.id, offline_limit)


def identify_card(s: Session, card_no: str, pin: str, config: Config) -> volunteers.VolunteerView:
    enabled = volunteers.card_pin_enabled(s, config.card_pin_enabled)
    vol = volunteers.identify_by_card(s, card_no, pin, enabled=enabled)
    return volunteers.volunteer_view(s, vol.id, config.offline_limit_points)


def card_pin_enabled(s: Session, configured: bool) -> bool:
    return volunteers.card_pin_enabled(s, configured)


@dataclass(frozen=True)
class GiftShelf:
    volunteer: volunteers.VolunteerView
    gifts: list[gifts.GiftView]
    categories: list[dict[str, str]]


def shelf(s: Session, volunteer_id: str, cart: dict[str, int], config: Config) -> GiftShelf:
    """For ``ops.read_db``: a snapshot read that neither waits for nor holds up a writer, so
    a shelf still loading for one volunteer never keeps the next one's scan waiting."""
    return GiftShelf(
        volunteer=volunteers.volunteer_view(s, volunteer_id, config.offline_limit_points),
        gifts=gifts.shelf_facts(s, volunteer_id, config.timezone).views(cart),
        categories=catalog.gift_categories(s),
    )


def quote(s: Session, volunteer_id: str, cart: dict[str, int], zone: str) -> redemption.Quote:
    return redemption.quote(s, volunteer_id, cart, zone)
