"""What the resident's screens show and do (点单, track, rate), as plain data.

Each function takes a Session first (for ``ctx.ops.run_db``) and returns frozen dataclasses,
never ORM rows: the session is closed by the time the result reaches the main thread.
No Qt here; the rules live in ``kiosk.orders`` and ``kiosk.catalog``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from kiosk import catalog, orders
from kiosk.clock import to_local
from kiosk.config import Config
from kiosk.privacy import mask_phone
from kiosk.store.models import PrintJob, Service


@dataclass(frozen=True)
class CategoryItem:
    code: str
    name: str
    name_en: str
    icon: str


@dataclass(frozen=True)
class ServiceItem:
    code: str
    name: str
    name_en: str
    description: str
    description_en: str
    home_visit: bool


@dataclass(frozen=True)
class Building:
    community: str
    building: str
    units: int


@dataclass(frozen=True)
class PlacedOrder:
    ticket_no: str
    qr_payload: str
    masked_phone: str
    print_job_id: str | None


@dataclass(frozen=True)
class StatusStep:
    status: str
    at: str  # local "MM-DD HH:MM"
    team: str
    volunteer: str


@dataclass(frozen=True)
class OrderStatusView:
    order_id: str
    ticket_no: str
    service_name: str
    service_name_en: str
    status: str
    history: list[StatusStep]
    team: str
    volunteer: str
    rating: int | None
    rateable: bool
    rating_tags: list[str] = field(default_factory=list)


def _icon_name(icon: str) -> str:
    return icon.removesuffix(".svg") if icon else "order"


def categories(s: Session) -> list[CategoryItem]:
    return [
        CategoryItem(c.code, c.name, c.name_en, _icon_name(c.icon))
        for c in catalog.list_categories(s)
    ]


def services(s: Session, category_code: str) -> list[ServiceItem]:
    return [
        ServiceItem(v.code, v.name, v.name_en, v.description, v.description_en, v.home_visit)
        for v in catalog.list_services(s, category_code)
    ]


def service(s: Session, code: str) -> ServiceItem | None:
    v = catalog.get_service(s, code)
    if v is None:
        return None
    return ServiceItem(v.code, v.name, v.name_en, v.description, v.description_en, v.home_visit)


def buildings(s: Session) -> list[Building]:
    return [Building(a.community, a.building, a.units) for a in catalog.list_addresses(s)]


def note_tags(s: Session) -> list[str]:
    return catalog.note_tags(s)


def place(s: Session, draft: orders.OrderDraft, config: Config) -> PlacedOrder:
    order = orders.place_order(s, draft, config)
    s.flush()
    job = s.query(PrintJob).filter_by(kind="order_ticket", ref_id=order.id).first()
    return PlacedOrder(
        ticket_no=order.ticket_no,
        qr_payload=orders.order_qr_payload(order),
        masked_phone=mask_phone(order.phone),
        print_job_id=job.id if job is not None else None,
    )


def print_state(s: Session, job_id: str | None) -> str:
    """pending | printing | done | failed | none."""
    if not job_id:
        return "none"
    job = s.query(PrintJob).filter_by(id=job_id).first()
    return job.state if job is not None else "none"


def _local(at: datetime, zone: str) -> str:
    return to_local(at, zone).strftime("%m-%d %H:%M")


def _status_view(s: Session, order: orders.ServiceOrder, zone: str) -> OrderStatusView:
    svc = s.get(Service, order.service_code)
    history = [
        StatusStep(h.status, _local(h.at, zone), h.team, h.volunteer_name) for h in order.history
    ]
    rateable = order.status == "completed" and order.rating is None
    return OrderStatusView(
        order_id=order.id,
        ticket_no=order.ticket_no,
        service_name=svc.name if svc else order.service_code,
        service_name_en=(svc.name_en or svc.name) if svc else order.service_code,
        status=order.status,
        history=history,
        team=order.team,
        volunteer=order.volunteer_name,
        rating=order.rating,
        rateable=rateable,
        rating_tags=catalog.rating_tags(s) if rateable else [],
    )


def lookup(s: Session, ticket_no: str, last4: str, zone: str) -> OrderStatusView:
    return _status_view(s, orders.find_order(s, ticket_no, last4), zone)


def lookup_qr(s: Session, payload: str, zone: str) -> OrderStatusView:
    return _status_view(s, orders.find_order_by_qr(s, payload), zone)


def rate(s: Session, order_id: str, stars: int, tags: list[str]) -> int:
    return orders.rate_order(s, order_id, stars, tags).rating or stars
