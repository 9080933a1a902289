"""Central's Ed25519 key pair: generated on first start, kept in the database, its public
half published in the change feed so kiosks can verify volunteer codes offline."""

from __future__ import annotations

import base64
import logging
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from central import feed
from central.db import Database
from central.errors import NotFound
from central.models import SigningKey, Volunteer
from protocol import codes

log = logging.getLogger(__name__)

_RAW = serialization.Encoding.Raw


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _active(session: Session) -> SigningKey | None:
    return session.scalars(
        select(SigningKey)
        .where(SigningKey.active.is_(True))
        .order_by(SigningKey.created_at.desc(), SigningKey.key_id.desc())
        .limit(1)
    ).first()


def ensure_key(db: Database) -> str:
    """The active key's id, generating and publishing a key pair the first time."""
    with db.write() as session:
        row = _active(session)
        if row is not None:
            return row.key_id
        private = Ed25519PrivateKey.generate()
        public_raw = private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
        private_raw = private.private_bytes(
            _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        key_id = "k" + secrets.token_hex(4)
        session.add(
            SigningKey(key_id=key_id, private_key=_b64(private_raw), public_key=_b64(public_raw))
        )
        feed.publish(
            db, session, "public_key", key_id, {"key_id": key_id, "public_key": _b64(public_raw)}
        )
        log.info("generated signing key %s", key_id)
        return key_id


def signing_key(session: Session) -> tuple[str, Ed25519PrivateKey]:
    row = _active(session)
    if row is None:
        raise NotFound("central has no signing key yet")
    return row.key_id, Ed25519PrivateKey.from_private_bytes(base64.b64decode(row.private_key))


def public_keys(session: Session) -> dict[str, str]:
    """Every published public key, by key id (base64 of the raw 32 bytes)."""
    return {k.key_id: k.public_key for k in session.scalars(select(SigningKey))}


def sign_volunteer_code(db: Database, volunteer_id: str, ttl_s: int = codes.DEFAULT_TTL_S) -> str:
    """A fresh signed code for a known, active volunteer."""
    with db.begin() as session:
        volunteer = session.get(Volunteer, volunteer_id)
        if volunteer is None:
            raise NotFound(f"unknown volunteer {volunteer_id}")
        if not volunteer.active:
            raise NotFound(f"volunteer {volunteer_id} is inactive")
        key_id, private = signing_key(session)
    return codes.sign_code(private, key_id, volunteer_id, ttl_s=ttl_s)
