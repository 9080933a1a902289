"""Residents' service orders (点单): placing, finding, rating."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk import catalog, qr
from kiosk.clock import iso, local_day, to_local, utcnow
from kiosk.config import Config
from kiosk.errors import ConflictError, NotFoundError, ValidationError
from kiosk.outbox import emit
from kiosk.store.models import OrderStatusChange, ServiceOrder, TicketSequence

log = logging.getLogger(__name__)

PHONE_RE = re.compile(r"1[3-9]\d{9}")
# The order a ticket moves through; "cancelled" may end it at any point.
STATUSES = ("submitted", "assigned", "accepted", "in_service", "completed", "cancelled")
TIME_SLOTS = ("asap", "today_am", "today_pm", "tomorrow_am", "tomorrow_pm")
# When a slot of today is over (station's local time): from then on it is not offered, and
# an order that still names it is refused (a morning chosen at 15:09 was printed before).
SLOT_ENDS = {"today_am": 12, "today_pm": 18}


def slot_open(slot: str, now: datetime, zone_name: str) -> bool:
    """True while ``slot`` can still be kept: a known slot whose end has not come."""
    if slot not in TIME_SLOTS:
        return False
    end = SLOT_ENDS.get(slot)
    return end is None or to_local(now, zone_name).hour < end


def open_slots(now: datetime, zone_name: str) -> tuple[str, ...]:
    """The slots to offer at ``now``, in their order."""
    return tuple(s for s in TIME_SLOTS if slot_open(s, now, zone_name))


TITLES = ("先生", "女士", "阿姨", "叔叔", "大爷", "奶奶")
SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "高",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "许",
    "韩",
    "冯",
    "邓",
    "曹",
    "彭",
    "曾",
    "肖",
    "田",
    "董",
    "袁",
    "潘",
    "于",
    "蒋",
    "蔡",
    "余",
    "杜",
    "叶",
    "程",
    "苏",
    "魏",
    "吕",
    "丁",
)
TICKET_RE = re.compile(r"([A-Z]{1,3})-?(\d{4})-?(\d{1,4})")


def phone_prefix_ok(text: str) -> bool:
    """Whether ``text`` can still grow into a valid mobile number (validate as typed)."""
    if text == "":
        return True
    if not text.isdigit() or not text.isascii() or len(text) > 11:
        return False
    if len(text) >= 1 and text[0] != "1":
        return False
    return not (len(text) >= 2 and text[1] not in "3456789")


def validate_phone(text: str) -> str:
    phone = re.sub(r"[\s-]", "", text or "")
    if not PHONE_RE.fullmatch(phone):
        raise ValidationError("order.phone_invalid")
    return phone


@dataclass(frozen=True)
class OrderDraft:
    service_code: str
    honorific: str
    phone: str
    time_slot: str
    address: str = ""
    note_tags: tuple[str, ...] = field(default_factory=tuple)


def _next_ticket(session: Session, prefix: str, day: str) -> tuple[str, int]:
    # The row update runs inside the caller's BEGIN IMMEDIATE transaction, so two orders
    # placed at the same instant (even from two processes) get different numbers.
    seq = session.get(TicketSequence, day)
    if seq is None:
        seq = TicketSequence(day=day, last=0)
        session.add(seq)
    # Never below a number already handed out: after a restore from backup the counter
    # is the backup's, but the day's orders, the salvaged outbox (kiosk.salvage) and
    # central's acknowledgement (sync.apply, kind "ticket") all raise it.
    issued = session.scalar(
        select(func.max(ServiceOrder.ticket_seq)).where(ServiceOrder.ticket_day == day)
    )
    seq.last = max(seq.last, issued or 0) + 1
    session.flush()
    return f"{prefix}{day[4:]}-{seq.last:03d}", seq.last


def ticket_day_and_seq(ticket_no: str, placed_at: datetime) -> tuple[str, int] | None:
    """The counter's day (YYYYMMDD) and number of a ticket such as A1203-021: the ticket
    holds month and day only, so the year is the one that puts that date nearest to
    ``placed_at`` (an order placed on 31 December UTC may be 1 January's ticket)."""
    match = TICKET_RE.fullmatch(ticket_no or "")
    if match is None:
        return None
    _prefix, mmdd, number = match.groups()
    month, day = int(mmdd[:2]), int(mmdd[2:])
    best: datetime | None = None
    for year in (placed_at.year - 1, placed_at.year, placed_at.year + 1):
        try:
            candidate = datetime(year, month, day)
        except ValueError:
            continue
        target = placed_at.replace(tzinfo=None)
        if best is None or abs(candidate - target) < abs(best - target):
            best = candidate
    return (best.strftime("%Y%m%d"), int(number)) if best is not None else None


def raise_ticket_counter(session: Session, day: str, last: int) -> None:
    """Make sure the next ticket of ``day`` is above ``last``."""
    row = session.get(TicketSequence, day)
    if row is None:
        session.add(TicketSequence(day=day, last=last))
    elif row.last < last:
        row.last = last


def _check_draft(
    session: Session, draft: OrderDraft, now: datetime, zone_name: str
) -> tuple[str, str]:
    service = catalog.get_service(session, draft.service_code)
    if service is None:
        raise ValidationError("order.service_unknown")
    phone = validate_phone(draft.phone)
    honorific = draft.honorific.strip()
    if not honorific or len(honorific) > 16:
        raise ValidationError("order.honorific_required")
    if draft.time_slot not in TIME_SLOTS:
        raise ValidationError("order.slot_invalid")
    if not slot_open(draft.time_slot, now, zone_name):
        raise ValidationError("order.slot_passed")
    address = draft.address.strip()
    if service.home_visit and not address:
        raise ValidationError("order.address_required")
    if len(address) > 120:
        raise ValidationError("order.address_required")
    allowed = set(catalog.note_tags(session))
    if any(tag not in allowed for tag in draft.note_tags):
        raise ValidationError("order.note_invalid")
    return phone, address


def place_order(
    session: Session, draft: OrderDraft, config: Config, now: datetime | None = None
) -> ServiceOrder:
    """Validate and record a resident's order, its outbox event and its ticket print job."""
    now = now or utcnow()
    phone, address = _check_draft(session, draft, now, config.timezone)
    ticket_no, seq = _next_ticket(
        session, config.ticket_prefix.upper(), local_day(now, config.timezone)
    )
    order = ServiceOrder(
        ticket_no=ticket_no,
        ticket_day=local_day(now, config.timezone),
        ticket_seq=seq,
        service_code=draft.service_code,
        honorific=draft.honorific.strip(),
        phone=phone,
        phone_last4=phone[-4:],
        address=address,
        time_slot=draft.time_slot,
        note_tags=list(draft.note_tags),
        status="submitted",
        created_at=now,
    )
    order.history.append(OrderStatusChange(status="submitted", at=now))
    session.add(order)
    session.flush()
    emit(
        session,
        "order.placed",
        {
            "order_id": order.id,
            "ticket_no": ticket_no,
            "service_code": order.service_code,
            "honorific": order.honorific,
            "phone": phone,
            "address": address,
            "time_slot": order.time_slot,
            "note_tags": list(order.note_tags),
            "placed_at": iso(now),
        },
        occurred_at=now,
    )
    _enqueue_ticket(session, order, config)
    log.info("order %s placed (%s)", ticket_no, order.service_code)
    return order


def _enqueue_ticket(session: Session, order: ServiceOrder, config: Config) -> None:
    from kiosk import print_queue, receipts

    print_queue.enqueue(session, "order_ticket", order.id, receipts.order_ticket(order, config))


def normalise_ticket(text: str) -> str | None:
    """'a1123007', 'A1123-7' and 'A1123-007' all mean A1123-007."""
    match = TICKET_RE.fullmatch(re.sub(r"\s", "", text or "").upper())
    if not match:
        return None
    prefix, day, seq = match.groups()
    return f"{prefix}{day}-{int(seq):03d}"


def find_order(session: Session, ticket_no: str, last4: str) -> ServiceOrder:
    ticket = normalise_ticket(ticket_no)
    last4 = (last4 or "").strip()
    if ticket is None or not re.fullmatch(r"\d{4}", last4):
        raise ValidationError("order.lookup_invalid")
    order = session.scalars(
        select(ServiceOrder)
        .where(ServiceOrder.ticket_no == ticket, ServiceOrder.phone_last4 == last4)
        .order_by(ServiceOrder.created_at.desc())
        .limit(1)
    ).first()
    if order is None:
        raise NotFoundError("order.not_found")
    return order


def find_order_by_qr(session: Session, payload: str) -> ServiceOrder:
    """The receipt's QR (``kiosk.qr``): ticket number and order id must both match."""
    parsed = qr.parse_order_payload(payload)
    if parsed is None:
        raise ValidationError("order.qr_invalid")
    ticket_no, order_id = parsed
    order = session.get(ServiceOrder, order_id)
    if order is None or order.ticket_no != ticket_no:
        raise NotFoundError("order.not_found")
    return order


def order_qr_payload(order: ServiceOrder) -> str:
    return qr.order_payload(order.ticket_no, order.id)


def rate_order(
    session: Session,
    order_id: str,
    rating: int,
    tags: list[str] | tuple[str, ...],
    now: datetime | None = None,
) -> ServiceOrder:
    now = now or utcnow()
    order = session.get(ServiceOrder, order_id)
    if order is None:
        raise NotFoundError("order.not_found")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError("order.rating_invalid")
    if order.rating is not None:
        raise ConflictError("order.already_rated")
    if order.status != "completed":
        raise ConflictError("order.not_completed")
    allowed = set(catalog.rating_tags(session))
    clean_tags = [t for t in dict.fromkeys(tags) if t in allowed]
    order.rating, order.rating_tags, order.rated_at = rating, clean_tags, now
    emit(
        session,
        "order.rated",
        {
            "order_id": order.id,
            "rating": rating,
            "tags": clean_tags,
            "rated_at": iso(now),
        },
        occurred_at=now,
    )
    return order
