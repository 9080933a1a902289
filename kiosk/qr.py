"""The QR payloads the kiosk prints on its receipts and its own scanner screens read back.

One home for the format: the receipt templates (``kiosk.receipts``) write it and the order
lookup (``kiosk.orders.find_order_by_qr``) parses it. A leaf module, so both import it
without importing each other. The id after the ticket or pickup code makes a payload
unguessable.
"""

from __future__ import annotations

ORDER_PREFIX = "KIOSK-ORDER:"
PICKUP_PREFIX = "KIOSK-PICKUP:"


def order_payload(ticket_no: str, order_id: str) -> str:
    """``KIOSK-ORDER:<ticket no>:<order id>``."""
    return f"{ORDER_PREFIX}{ticket_no}:{order_id}"


def parse_order_payload(payload: str) -> tuple[str, str] | None:
    """(ticket no, order id) from an order payload, or None when it is not one."""
    text = (payload or "").strip()
    if not text.startswith(ORDER_PREFIX):
        return None
    parts = text[len(ORDER_PREFIX) :].split(":")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def pickup_payload(pickup_code: str, redemption_id: str) -> str:
    """``KIOSK-PICKUP:<pickup code>:<redemption id>``."""
    return f"{PICKUP_PREFIX}{pickup_code}:{redemption_id}"
