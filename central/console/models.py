"""The console's own tables: district staff accounts, browser sessions, order assignments
to a volunteer, exception resolutions and the audit trail. Same ``Base`` as the rest of
central, so one migration chain and one metadata."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from central.clock import utcnow
from central.models import Base


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
