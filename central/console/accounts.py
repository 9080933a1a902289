"""District staff accounts and browser sessions: passwords hashed with scrypt, a lockout
after repeated failures, sessions stored as hashes with a CSRF token each."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from central.clock import utcnow
from central.console.models import AuditEntry, StaffAccount, WebSession
from central.db import Database
from central.errors import BadRequest, Conflict

log = logging.getLogger(__name__)

ROLES = ("admin", "dispatcher", "viewer")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
STAFF_SESSION = timedelta(hours=8)
VOLUNTEER_SESSION = timedelta(hours=12)
MIN_PASSWORD_CHARS = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    n, r, p = _SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"]
    return f"scrypt${n}${r}${p}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


# A hash to check against when the username is unknown, so timing does not tell which exist.
_DUMMY_HASH = hash_password(secrets.token_hex(8))


def add_account(
    db: Database, username: str, password: str, role: str = "dispatcher", display_name: str = ""
) -> None:
    username = username.strip()
    if not username or len(username) > 40 or not username.isprintable():
        raise BadRequest("username must be 1..40 printable characters")
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadRequest(f"password must be at least {MIN_PASSWORD_CHARS} characters")
    with db.write() as session:
        if session.get(StaffAccount, username) is not None:
            raise Conflict(f"account {username} exists")
        session.add(
            StaffAccount(
                username=username,
                display_name=display_name or username,
                password_hash=hash_password(password),
                role=role,
            )
        )
        audit(session, "cli", "account.add", username, {"role": role})


def set_password(db: Database, username: str, password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadRequest(f"password must be at least {MIN_PASSWORD_CHARS} characters")
    with db.write() as session:
        account = session.get(StaffAccount, username)
        if account is None:
            raise BadRequest(f"unknown account {username}")
        account.password_hash = hash_password(password)
        account.failed_logins, account.locked_until = 0, None
        session.execute(delete(WebSession).where(WebSession.subject == username))
        audit(session, "cli", "account.password", username, {})


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    reason: str = ""  # bad_credentials | locked | inactive
    locked_until: datetime | None = None
    attempts_left: int = 0


def login(db: Database, username: str, password: str) -> LoginResult:
    """Check a password, counting failures per account and locking it for a while after
    ``MAX_FAILED_LOGINS`` in a row. A correct password while locked is still refused."""
    now = utcnow()
    with db.write() as session:
        account = session.get(StaffAccount, username[:40]) if username else None
        if account is None:
            check_password(password, _DUMMY_HASH)
            return LoginResult(False, "bad_credentials")
        if account.locked_until is not None and account.locked_until > now:
            return LoginResult(False, "locked", account.locked_until)
        if not check_password(password, account.password_hash):
            account.failed_logins += 1
            left = MAX_FAILED_LOGINS - account.failed_logins
            if left <= 0:
                account.locked_until, account.failed_logins = now + LOCKOUT, 0
                audit(session, username, "account.locked", username, {})
                log.warning("console account %s locked after failed logins", username)
                return LoginResult(False, "locked", account.locked_until)
            return LoginResult(False, "bad_credentials", attempts_left=left)
        if not account.active:
            return LoginResult(False, "inactive")
        account.failed_logins, account.locked_until = 0, None
        audit(session, username, "login", username, {})
        return LoginResult(True)


@dataclass(frozen=True)
class WebIdentity:
    kind: str  # staff | volunteer
    subject: str
    csrf: str
    role: str = ""
    name: str = ""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Database, kind: str, subject: str) -> str:
    """A new session; returns the cookie value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    life = STAFF_SESSION if kind == "staff" else VOLUNTEER_SESSION
    now = utcnow()
    with db.write() as session:
        session.execute(delete(WebSession).where(WebSession.expires_at < now))
        session.add(
            WebSession(
                token_hash=_token_hash(token),
                kind=kind,
                subject=subject,
                csrf=secrets.token_urlsafe(24),
                expires_at=now + life,
            )
        )
    return token


def find_session(session: Session, token: str | None, kind: str) -> WebSession | None:
    if not token or len(token) > 100:
        return None
    row = session.get(WebSession, _token_hash(token))
    if row is None or row.kind != kind or row.expires_at < utcnow():
        return None
    return row


def close_session(db: Database, token: str | None) -> None:
    if not token:
        return
    with db.write() as session:
        session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def audit(session: Session, actor: str, action: str, target: str, detail: dict) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target[:200], detail=detail))


def recent_audit(session: Session, limit: int = 200) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return list(session.scalars(query))
