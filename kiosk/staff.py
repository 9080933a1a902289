"""Station staff: PIN check with lockout, accounts, and the audit log of their actions."""

from __future__ import annotations

import logging
import math
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.clock import utcnow
from kiosk.errors import AuthError, ConflictError, ValidationError
from kiosk.pins import check_pin, hash_pin
from kiosk.store.models import AuditEntry, Staff

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
ROLES = ("staff", "technician")


def audit(session: Session, staff_id: str | None, action: str, **detail: Any) -> AuditEntry:
    entry = AuditEntry(staff_id=staff_id, action=action, detail=detail)
    session.add(entry)
    return entry


def list_staff(session: Session) -> list[Staff]:
    return list(session.scalars(select(Staff).where(Staff.active).order_by(Staff.name)))


def add_staff(
    session: Session, staff_id: str, name: str, role: str, pin: str, by: str | None = None
) -> Staff:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", staff_id or ""):
        # `kiosk staff add "" 王` made an account with an empty id.
        raise ValidationError(
            "error.invalid",
            f"staff id must be 1-40 letters, digits, '-', '_' or '.', e.g. S03 (got {staff_id!r})",
        )
    if not (name or "").strip() or len(name) > 40 or not name.isprintable():
        # Staff pick themselves by name on the PIN screen: an empty button is no one.
        raise ValidationError(
            "error.invalid", f"staff name must be 1-40 printable characters (got {name!r})"
        )
    if not re.fullmatch(r"\d{4,8}", pin or ""):
        raise ValidationError("staff.pin_format")
    if role not in ROLES:
        raise ValidationError("error.invalid", f"role must be one of {ROLES}")
    if session.get(Staff, staff_id) is not None:
        raise ConflictError("staff.exists")
    member = Staff(id=staff_id, name=name, role=role, pin_hash=hash_pin(pin))
    session.add(member)
    audit(session, by, "staff.add", staff=staff_id, role=role)
    return member


def verify_pin(session: Session, staff_id: str, pin: str, now: datetime | None = None) -> Staff:
    """The staff member if ``pin`` is theirs. Five failures lock the account for five
    minutes. A failure is raised with ``keep_writes`` so ``Store.begin`` still commits the
    failure count and the audit entry."""
    now = now or utcnow()
    member = session.get(Staff, staff_id)
    if member is None or not member.active:
        raise AuthError("staff.unknown")
    if member.locked_until is not None and member.locked_until > now:
        minutes = math.ceil((member.locked_until - now).total_seconds() / 60)
        raise AuthError("staff.locked", minutes=minutes)
    if check_pin(pin or "", member.pin_hash):
        member.failed_attempts, member.locked_until = 0, None
        audit(session, member.id, "staff.login")
        return member
    member.failed_attempts += 1
    audit(session, member.id, "staff.pin_failed", attempts=member.failed_attempts)
    if member.failed_attempts >= MAX_FAILURES:
        member.failed_attempts, member.locked_until = 0, now + LOCKOUT
        audit(session, member.id, "staff.locked")
        log.warning("staff %s locked out after %d wrong PINs", member.id, MAX_FAILURES)
        raise AuthError(
            "staff.locked", keep_writes=True, minutes=math.ceil(LOCKOUT.total_seconds() / 60)
        )
    raise AuthError(
        "staff.pin_wrong", keep_writes=True, remaining=MAX_FAILURES - member.failed_attempts
    )


def require_role(member: Staff, role: str) -> None:
    if role == "technician" and member.role != "technician":
        raise AuthError("staff.role_required")
