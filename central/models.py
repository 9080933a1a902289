"""Central's tables, as typed SQLAlchemy 2 models. Times are naive UTC."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from central.clock import utcnow


class Base(DeclarativeBase):
    pass


class Station(Base):
    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64))
    offline_limit_points: Mapped[int] = mapped_column(Integer, default=200)
    # Offline redemptions one volunteer may make at this station in one (UTC) day.
    offline_daily_points: Mapped[int] = mapped_column(Integer, default=400)
    card_pin_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    privacy_retention_days: Mapped[int] = mapped_column(Integer, default=30)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # What the station last said about itself with a pull (GET /changes): events not yet
    # pushed and the printer's state. For the console to show, never trusted for anything.
    reported_backlog: Mapped[int | None] = mapped_column(Integer, default=None)
    reported_printer: Mapped[str] = mapped_column(String(24), default="")
    reported_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class SigningKey(Base):
    """Central's Ed25519 public keys; the newest active one signs volunteer codes. The
    private halves live in the key file or the environment (central.keys), never here:
    ``private_key`` only exists so a database from before 0002 can hand its key over."""

    __tablename__ = "signing_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    private_key: Mapped[str | None] = mapped_column(String(64), default=None)
    public_key: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ServiceCategory(Base):
    __tablename__ = "service_categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    icon: Mapped[str] = mapped_column(String(80), default="")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Service(Base):
    __tablename__ = "services"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(ForeignKey("service_categories.code"))
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    home_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Gift(Base):
    __tablename__ = "gifts"

    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    barcode: Mapped[str | None] = mapped_column(String(40), default=None)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    category: Mapped[str] = mapped_column(String(40), default="")
    points: Mapped[int] = mapped_column(Integer)
    per_volunteer_limit: Mapped[int] = mapped_column(Integer, default=0)
    low_stock_at: Mapped[int] = mapped_column(Integer, default=0)
    image: Mapped[str] = mapped_column(String(200), default="")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The stations that carry it (sorted ids); None or [] = every station. Each station
    # hears its own answer as a ``gift_carried`` change (admin.set_gift_stations).
    stations: Mapped[list[str] | None] = mapped_column(JSON, default=None)


class Volunteer(Base):
    __tablename__ = "volunteers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    card_no: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    pin_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    total_hours: Mapped[float] = mapped_column(Float, default=0.0)
    balance: Mapped[int] = mapped_column(Integer, default=0)
    balance_as_of: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    team: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class LedgerEntry(Base):
    """Every change of a balance, with why; ``Volunteer.balance`` is their running sum."""

    __tablename__ = "ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[str] = mapped_column(ForeignKey("volunteers.id"), index=True)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(24))  # seed | award | redemption | refund
    ref: Mapped[str] = mapped_column(String(64), default="")
    station_id: Mapped[str | None] = mapped_column(String(40), default=None)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    ticket_no: Mapped[str] = mapped_column(String(24))
    service_code: Mapped[str] = mapped_column(String(40))
    honorific: Mapped[str] = mapped_column(String(16), default="")
    phone: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    time_slot: Mapped[str] = mapped_column(String(16), default="")
    note_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    placed_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="submitted")
    team: Mapped[str] = mapped_column(String(80), default="")
    volunteer_name: Mapped[str] = mapped_column(String(40), default="")
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    rating_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Redemption(Base):
    __tablename__ = "redemptions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    volunteer_id: Mapped[str] = mapped_column(String(40), index=True)
    total_points: Mapped[int] = mapped_column(Integer)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # held (approved; points taken from the balance until captured or released) |
    # declined | recorded (captured) | voided (released by the kiosk) |
    # expired (released by central) | exception (recorded, not debited: see exceptions)
    status: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, default=None, index=True)
    code_id: Mapped[str] = mapped_column(String(64), default="")
    mode: Mapped[str] = mapped_column(String(8), default="online")
    debited: Mapped[int] = mapped_column(Integer, default=0)
    decision: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    pickup_code: Mapped[str] = mapped_column(String(16), default="")
    at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Overdraft(Base):
    __tablename__ = "overdrafts"

    redemption_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    volunteer_id: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RedemptionException(Base):
    """A redemption central recorded but would not (fully) debit: a bad or missing code,
    over the station's offline limit or daily ceiling, an overdraft after a hold expired.
    The district administrator resolves each (``kiosk-central exceptions``)."""

    __tablename__ = "exceptions"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    redemption_id: Mapped[str] = mapped_column(String(64), index=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    volunteer_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(String(400), default="")
    points: Mapped[int] = mapped_column(Integer, default=0)  # not debited (or overdrawn)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | resolved
    resolution: Mapped[str] = mapped_column(String(16), default="")  # debited | waived
    note: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)


class CardLock(Base):
    """Wrong PINs per card number, checked at central; a card is locked for a while
    after too many in a row."""

    __tablename__ = "card_locks"

    card_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StockMovement(Base):
    __tablename__ = "stock_movements"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    sku: Mapped[str] = mapped_column(String(40))
    delta: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200), default="")
    staff_id: Mapped[str | None] = mapped_column(String(40), default=None)
    at: Mapped[datetime] = mapped_column(DateTime)


class StationStock(Base):
    """Central's per-station stock view: the sum of the station's movements per SKU."""

    __tablename__ = "station_stock"

    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    qty: Mapped[int] = mapped_column(Integer, default=0)


class ProcessedEvent(Base):
    """Accepted events by id: the idempotency record of POST /events."""

    __tablename__ = "processed_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    volunteer_id: Mapped[str | None] = mapped_column(String(40), default=None)
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RejectedEvent(Base):
    """Audit log of rejected events (not an idempotency record: a resend is re-judged)."""

    __tablename__ = "rejected_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(200))
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    type: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RevokedCode(Base):
    __tablename__ = "revoked_codes"

    code_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ChangeRow(Base):
    """The change feed. ``station_id`` NULL = for every station. One row per
    (kind, key, station): a newer write replaces the older row with a higher ``seq``.

    ``txid`` is the writing transaction's id on PostgreSQL (``pg_current_xact_id()``,
    set by the column's default there, see migration 0003), 0 on SQLite. The feed is
    read in (txid, seq) order and only below the oldest transaction still in flight, so
    a row can never appear behind a cursor already handed out (``central.feed``)."""

    __tablename__ = "changes"
    # AUTOINCREMENT on SQLite: a sequence number is never reused, even after a delete.
    __table_args__ = (
        Index("ix_changes_kind_key", "kind", "key"),
        Index("ix_changes_txid_seq", "txid", "seq"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    txid: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    station_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    kind: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- volunteers' hours at the station (issue 18) ---------------------------------------


class Activity(Base):
    """An activity published by the district (12·5 志愿服务日, 义诊, 理发 …), held at one
    station (``station_id``) or at every station (NULL)."""

    __tablename__ = "activities"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[str] = mapped_column(String(80), default="")
    station_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int] = mapped_column(Integer, default=0)  # 0 = no limit
    sign_in_opens_min: Mapped[int] = mapped_column(Integer, default=30)
    round_to_h: Mapped[float] = mapped_column(Float, default=0.5)
    daily_max_h: Mapped[float] = mapped_column(Float, default=8.0)
    points_per_hour: Mapped[int] = mapped_column(Integer, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Attendance(Base):
    """One volunteer at one activity: signed in at a kiosk, signed out (by scan, or
    automatically at the activity's end), hours and points credited by the rule."""

    __tablename__ = "attendances"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # chosen by the kiosk
    activity_id: Mapped[str] = mapped_column(String(40), index=True)
    volunteer_id: Mapped[str] = mapped_column(String(40), index=True)
    station_id: Mapped[str] = mapped_column(String(40), index=True)
    signed_in_at: Mapped[datetime] = mapped_column(DateTime)
    signed_out_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    auto_signed_out: Mapped[bool] = mapped_column(Boolean, default=False)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
    points: Mapped[int] = mapped_column(Integer, default=0)
    day: Mapped[str] = mapped_column(String(10), default="")  # the activity's day, for caps


class HoursEntry(Base):
    """Every change of a volunteer's hours, by kind: ``credit`` (信用时长, from sign-in and
    sign-out), ``correction`` (staff, with a reason) and ``honor`` (荣誉时长, central only)."""

    __tablename__ = "hours_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    volunteer_id: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    hours: Mapped[float] = mapped_column(Float)
    ref: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    by: Mapped[str] = mapped_column(String(60), default="")
    station_id: Mapped[str | None] = mapped_column(String(40), default=None)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- the district's web console (issue 19) ---------------------------------------------


class StaffAccount(Base):
    """A district office login. ``role``: admin (everything), dispatcher (派单, volunteers,
    exceptions, catalogue) or viewer (read only)."""

    __tablename__ = "staff_accounts"

    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="dispatcher")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class WebSession(Base):
    """A signed-in browser: staff (subject = username) or volunteer (subject = volunteer
    id). Only the SHA-256 of the cookie is stored; ``csrf`` is checked on every POST."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(40), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class OrderAssignment(Base):
    """Which volunteer an order is for (the order row keeps team and display name)."""

    __tablename__ = "order_assignments"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    volunteer_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    team: Mapped[str] = mapped_column(String(80), default="")
    assigned_by: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ExceptionResolution(Base):
    """A district officer's decision on an exception (overdraft, rejected event, …)."""

    __tablename__ = "exception_resolutions"

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    ref: Mapped[str] = mapped_column(String(200), primary_key=True)
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
