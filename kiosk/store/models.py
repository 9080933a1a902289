"""Typed SQLAlchemy 2 models of the local store.

Times are stored as naive UTC ``datetime`` (SQLite has no zone type); convert with
``kiosk.clock`` for display. Ids made on the kiosk are UUID4 strings: they are the
idempotency keys on the wire.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from kiosk.clock import utcnow


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# --- catalogue -------------------------------------------------------------------


class ServiceCategory(Base):
    __tablename__ = "service_categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    icon: Mapped[str] = mapped_column(String(80), default="")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    services: Mapped[list[Service]] = relationship(
        back_populates="category", order_by="Service.sort"
    )


class Service(Base):
    __tablename__ = "services"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("service_categories.code"))
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # True: a volunteer comes to the resident's home, so an address is required.
    home_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    category: Mapped[ServiceCategory] = relationship(back_populates="services")


# --- resident orders ----------------------------------------------------------------


class ServiceOrder(Base):
    __tablename__ = "service_orders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # Shown as A1123-007; unique per station day (ticket_day, ticket_seq), not forever.
    ticket_no: Mapped[str] = mapped_column(String(24), index=True)
    ticket_day: Mapped[str] = mapped_column(String(8))
    ticket_seq: Mapped[int] = mapped_column(Integer)
    service_code: Mapped[str] = mapped_column(ForeignKey("services.code"))
    honorific: Mapped[str] = mapped_column(String(16))
    # Cleared (set to "") by the privacy purge once the order is closed and synced.
    phone: Mapped[str] = mapped_column(String(16))
    phone_last4: Mapped[str] = mapped_column(String(4), index=True)
    address: Mapped[str] = mapped_column(String(120), default="")
    time_slot: Mapped[str] = mapped_column(String(16))
    note_tags: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    team: Mapped[str] = mapped_column(String(80), default="")
    volunteer_name: Mapped[str] = mapped_column(String(40), default="")
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    rating_tags: Mapped[list[Any]] = mapped_column(default=list)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    service: Mapped[Service] = relationship()
    __table_args__ = (
        UniqueConstraint("ticket_day", "ticket_seq", name="uq_ticket_per_day"),
        # The hourly privacy purge looks for closed orders not yet purged: through this
        # index it reads those few, not every order the station ever closed.
        Index("ix_service_orders_unpurged", "status", sqlite_where=text("purged_at IS NULL")),
    )

    history: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order", order_by="OrderStatusChange.at", cascade="all, delete-orphan"
    )


class OrderStatusChange(Base):
    __tablename__ = "order_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("service_orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    team: Mapped[str] = mapped_column(String(80), default="")
    volunteer_name: Mapped[str] = mapped_column(String(40), default="")

    order: Mapped[ServiceOrder] = relationship(back_populates="history")

    __table_args__ = (UniqueConstraint("order_id", "status", name="uq_order_status_once"),)


class TicketSequence(Base):
    """Per-day ticket counter; incremented inside the order's own transaction."""

    __tablename__ = "ticket_sequences"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD, station zone
    last: Mapped[int] = mapped_column(Integer, default=0)


class CommunityAddress(Base):
    """The buildings a station serves, so residents pick an address instead of typing it."""

    __tablename__ = "community_addresses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(60))
    building: Mapped[str] = mapped_column(String(30))
    units: Mapped[int] = mapped_column(Integer, default=1)
    sort: Mapped[int] = mapped_column(Integer, default=0)


# --- volunteers and points ---------------------------------------------------------------


class Volunteer(Base):
    """Cache of central's volunteer profile; the balance is central's as of ``balance_as_of``."""

    __tablename__ = "volunteers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    masked_name: Mapped[str] = mapped_column(String(40))
    # No card number or PIN hash: those never leave central (card + PIN is checked there).
    total_hours: Mapped[float] = mapped_column(default=0.0)
    star_level: Mapped[int] = mapped_column(Integer, default=0)
    central_balance: Mapped[int] = mapped_column(Integer, default=0)
    balance_as_of: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    team: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LedgerEntry(Base):
    """A local change to a volunteer's points. ``confirmed`` once central has counted it
    in the balance it sends back, so it is no longer added to the cached balance."""

    __tablename__ = "ledger_entries"
    # A balance is "this volunteer's unconfirmed entries": without both columns in one
    # index SQLite walked every unconfirmed entry of the station (the confirmed index).
    __table_args__ = (Index("ix_ledger_volunteer_unconfirmed", "volunteer_id", "confirmed"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    volunteer_id: Mapped[str] = mapped_column(ForeignKey("volunteers.id"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(40))
    redemption_id: Mapped[str | None] = mapped_column(
        ForeignKey("redemptions.id"), default=None, index=True
    )
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- gifts and stock -------------------------------------------------------------------------


class Gift(Base):
    __tablename__ = "gifts"

    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    barcode: Mapped[str | None] = mapped_column(String(40), unique=True, default=None)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    category: Mapped[str] = mapped_column(String(40), default="")
    points: Mapped[int] = mapped_column(Integer)
    # Most items one volunteer may take per redemption; 0 = no limit.
    per_volunteer_limit: Mapped[int] = mapped_column(Integer, default=0)
    low_stock_at: Mapped[int] = mapped_column(Integer, default=5)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    image_path: Mapped[str] = mapped_column(String(200), default="")
    sort: Mapped[int] = mapped_column(Integer, default=0)


class GiftCarrying(Base):
    """Whether this station carries a gift, as central says (console: 哪些站点有). No row
    means carried: gifts are district-wide unless the district names stations. Kept apart
    from ``gifts`` (no foreign key) so the answer may arrive before the gift itself."""

    __tablename__ = "gift_carrying"

    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    carried: Mapped[bool] = mapped_column(Boolean, default=True)


class StockMovement(Base):
    """The stock journal. The current level is ``StockLevel``, kept by triggers."""

    __tablename__ = "stock_movements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    sku: Mapped[str] = mapped_column(ForeignKey("gifts.sku"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # restock | redemption | correction
    reason: Mapped[str] = mapped_column(String(120), default="")
    staff_id: Mapped[str | None] = mapped_column(ForeignKey("staff.id"), default=None)
    redemption_id: Mapped[str | None] = mapped_column(
        ForeignKey("redemptions.id"), default=None, index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    # A day's restocks (today's figures, the monthly export) by time, not by walking
    # every movement of the station's life.
    __table_args__ = (Index("ix_stock_movements_at", "at"),)


class StockLevel(Base):
    """A gift's current stock: the sum of its movements, written by SQLite triggers on
    ``stock_movements`` (migration 0004) in the same transaction as each movement, so
    reading stock costs the same on the first day and after a million movements. Never
    written by Python; a gift with no movements has no row (its level is 0)."""

    __tablename__ = "stock_levels"

    sku: Mapped[str] = mapped_column(ForeignKey("gifts.sku"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, default=0)


class Redemption(Base):
    __tablename__ = "redemptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    volunteer_id: Mapped[str] = mapped_column(ForeignKey("volunteers.id"), index=True)
    pickup_code: Mapped[str] = mapped_column(String(8), unique=True)
    total_points: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    # online: central authorised it synchronously; offline: against the cached balance.
    mode: Mapped[str] = mapped_column(String(8), default="online")
    status: Mapped[str] = mapped_column(String(16), default="done")  # done | voided
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    volunteer: Mapped[Volunteer] = relationship()
    # Per-day limits ask "what did this volunteer take today" on every cart change.
    __table_args__ = (Index("ix_redemptions_volunteer_day", "volunteer_id", "created_at"),)

    lines: Mapped[list[RedemptionLine]] = relationship(
        back_populates="redemption", cascade="all, delete-orphan"
    )


class RedemptionLine(Base):
    __tablename__ = "redemption_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    redemption_id: Mapped[str] = mapped_column(ForeignKey("redemptions.id"), index=True)
    sku: Mapped[str] = mapped_column(ForeignKey("gifts.sku"))
    name: Mapped[str] = mapped_column(String(80))
    qty: Mapped[int] = mapped_column(Integer)
    points_each: Mapped[int] = mapped_column(Integer)

    redemption: Mapped[Redemption] = relationship(back_populates="lines")


class RedemptionIntent(Base):
    """What the kiosk is about to ask central for, written BEFORE it asks.

    Central places a hold when it approves; if the answer is lost or the kiosk dies before
    its local commit, this row is how the kiosk knows a hold may be waiting. Every intent
    ends ``committed`` (a redemption with this id exists; its ``redemption.made`` captures
    the hold) or ``voided`` (a ``redemption.voided`` releases it), never left ``open``:
    see ``kiosk.redemption.resolve_open_intents``. No PIN is ever stored here."""

    __tablename__ = "redemption_intents"

    redemption_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    volunteer_id: Mapped[str] = mapped_column(String(40))
    total_points: Mapped[int] = mapped_column(Integer)
    lines: Mapped[list[Any]] = mapped_column()
    proof_kind: Mapped[str] = mapped_column(String(8))  # code | card | none
    # open | committed | voided | declined (central said no: no hold to release)
    state: Mapped[str] = mapped_column(String(12), default="open", index=True)
    # The process that wrote it: at start, only other (dead) processes' intents are resolved.
    boot_id: Mapped[str] = mapped_column(String(36))
    outcome: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class Overdraft(Base):
    """An offline redemption central applied late and found over the balance."""

    __tablename__ = "overdrafts"

    redemption_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    volunteer_id: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    reported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


# --- sync ------------------------------------------------------------------------------------


class OutboxEvent(Base):
    """A change central must learn of, written in the same transaction as the change."""

    __tablename__ = "outbox_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    type: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column()
    # pending | sent (accepted or duplicate) | rejected
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(String(200), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)

    __table_args__ = (Index("ix_outbox_state_seq", "state", "seq"),)


class SyncCursor(Base):
    __tablename__ = "sync_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Setting(Base):
    """Station settings pulled from central and small local state (key → JSON value)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column()


class RevokedCode(Base):
    __tablename__ = "revoked_codes"

    code_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    revoked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- printing --------------------------------------------------------------------------------


class PrintJob(Base):
    """A receipt to print. ``document`` is a serialised ``printer.document.Receipt``."""

    __tablename__ = "print_jobs"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(24))  # order_ticket | redemption | restock | report
    ref_id: Mapped[str] = mapped_column(String(36), default="", index=True)
    document: Mapped[dict[str, Any]] = mapped_column()
    # pending | printing | done | failed | interrupted | printed_unconfirmed
    # (see docs/printing.md: what each means to staff)
    state: Mapped[str] = mapped_column(String(24), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    printed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    # Set just before the job's last bytes go to the kernel or device: a crash after it
    # may have printed the whole receipt (printed_unconfirmed), before it cannot have.
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    reprint_of: Mapped[str | None] = mapped_column(String(36), default=None)

    # "Not printed and not reprinted" (the print status the staff see, counted after every
    # job) asks of each failed job whether a copy exists: by this index, not by walking
    # every job the retention keeps.
    __table_args__ = (Index("ix_print_jobs_reprint_of", "reprint_of"),)


# --- staff -----------------------------------------------------------------------------------


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16), default="staff")  # staff | technician
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    staff_id: Mapped[str | None] = mapped_column(String(40), default=None)
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --- volunteers' hours (签到/签退) -------------------------------------------------


class Activity(Base):
    """Central's activity held at this station (pulled as "activity" changes)."""

    __tablename__ = "activities"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[str] = mapped_column(String(80), default="")
    starts_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    sign_in_opens_min: Mapped[int] = mapped_column(Integer, default=30)
    round_to_h: Mapped[float] = mapped_column(default=0.5)
    daily_max_h: Mapped[float] = mapped_column(default=8.0)
    points_per_hour: Mapped[int] = mapped_column(Integer, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Attendance(Base):
    """A volunteer at an activity on this kiosk. ``expected_hours`` is the rule applied
    here (printed on the slip); central's credit arrives with the volunteer's next pull."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("activity_id", "volunteer_id"),
        # Today's attendance and the last day's sign-ins, and who is still signed in (the
        # hourly 自动签退 and the activity list's "present" count): read through these, not by
        # walking every attendance of the station's life.
        Index("ix_attendances_signed_in_at", "signed_in_at"),
        Index("ix_attendances_open", "activity_id", sqlite_where=text("signed_out_at IS NULL")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"), index=True)
    volunteer_id: Mapped[str] = mapped_column(String(40), index=True)
    signed_in_at: Mapped[datetime] = mapped_column(DateTime)
    signed_out_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    auto_signed_out: Mapped[bool] = mapped_column(Boolean, default=False)
    expected_hours: Mapped[float] = mapped_column(default=0.0)
    expected_points: Mapped[int] = mapped_column(Integer, default=0)
    corrected_hours: Mapped[float | None] = mapped_column(default=None)
