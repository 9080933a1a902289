"""Central's Ed25519 signing keys.

The database holds public keys only (published in the change feed so kiosks verify
volunteer codes offline). The private halves live outside it:

- ``$KIOSK_CENTRAL_SIGNING_KEY`` — ``key_id:base64`` (raw 32 bytes), several separated
  by commas, the last one signs; central then never writes a key file; or
- a key file, mode 0600: ``Policy.key_file`` / ``$KIOSK_CENTRAL_KEY_FILE``, else
  ``<db name>-signing-keys.json`` next to a SQLite database, else
  ``central-signing-keys.json`` in the platform's data directory (PostgreSQL).

``rotate`` issues a new key; older keys stop signing but stay published, so the codes
they signed verify until those expire (at most ``Policy.max_code_ttl_s``).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import logging
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import platformdirs
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from central import feed, policy
from central.db import Database
from central.errors import BadRequest, CentralError, NotFound
from central.models import SigningKey, Volunteer
from protocol import codes

log = logging.getLogger(__name__)

_RAW = serialization.Encoding.Raw
ENV_KEY = "KIOSK_CENTRAL_SIGNING_KEY"
ENV_KEY_FILE = "KIOSK_CENTRAL_KEY_FILE"


class KeyUnavailable(CentralError):
    code, status = "internal", 500


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def private_raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def public_b64(key: Ed25519PrivateKey) -> str:
    return _b64(key.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw))


def _load(b64: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(b64, validate=True))


def key_file(db: Database) -> Path:
    """Where this central's private keys are kept (when not in the environment)."""
    chosen = policy.of(db).key_file or os.environ.get(ENV_KEY_FILE, "")
    if chosen:
        return Path(chosen)
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        return path.with_name(path.stem + "-signing-keys.json")
    folder = Path(platformdirs.user_data_dir("station-kiosk-central", appauthor=False))
    return folder / "central-signing-keys.json"


def _env_keys() -> dict[str, Ed25519PrivateKey] | None:
    raw = os.environ.get(ENV_KEY, "").strip()
    if not raw:
        return None
    found: dict[str, Ed25519PrivateKey] = {}
    for item in raw.split(","):
        key_id, _, b64 = item.strip().partition(":")
        try:
            found[key_id] = _load(b64)
        except ValueError as exc:
            raise KeyUnavailable(f"{ENV_KEY}: key {key_id!r} is not base64 of 32 bytes") from exc
    return found


def private_keys(db: Database) -> dict[str, Ed25519PrivateKey]:
    """Every private key this central holds, by key id (insertion order = age)."""
    env = _env_keys()
    if env is not None:
        return env
    path = key_file(db)
    if not path.exists():
        return {}
    try:
        stored = json.loads(path.read_text("utf-8"))
        return {kid: _load(b64) for kid, b64 in stored.get("keys", {}).items()}
    except (ValueError, AttributeError) as exc:
        raise KeyUnavailable(f"signing key file {path} is unreadable: {exc}") from exc


def _save(db: Database, keys: dict[str, Ed25519PrivateKey]) -> None:
    if _env_keys() is not None:
        raise BadRequest(f"signing keys come from ${ENV_KEY}; central does not write them")
    path = key_file(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"keys": {kid: _b64(private_raw(k)) for kid, k in keys.items()}}, indent=1)
    # A name of its own (mkstemp: created 0600 from the first byte, so no window where
    # another user could read it): two workers starting at once wrote one ".tmp", and the
    # second's rename found it gone ("cannot open the database", exit 2).
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    tmp = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(body)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    log.info("signing keys saved to %s", path)


def add_private_key(db: Database, key_id: str, key: Ed25519PrivateKey) -> None:
    """Keep ``key`` in the key file (idempotent)."""
    held = private_keys(db)
    if key_id in held:
        return
    _save(db, {**held, key_id: key})


def _active(session: Session) -> list[SigningKey]:
    return list(
        session.scalars(
            select(SigningKey)
            .where(SigningKey.active.is_(True))
            .order_by(SigningKey.created_at.desc(), SigningKey.key_id.desc())
        )
    )


def _publish(db: Database, session: Session, key_id: str, public: str) -> None:
    session.add(SigningKey(key_id=key_id, public_key=public, private_key=None))
    feed.publish(db, session, "public_key", key_id, {"key_id": key_id, "public_key": public})


def _move_legacy_keys(db: Database, session: Session) -> None:
    """A database from before 0002 kept private keys: move them out, blank the column."""
    legacy = list(session.scalars(select(SigningKey).where(SigningKey.private_key.is_not(None))))
    if not legacy:
        return
    if _env_keys() is None:
        held = private_keys(db)
        for row in legacy:
            held.setdefault(row.key_id, _load(row.private_key or ""))
        _save(db, held)
    for row in legacy:
        row.private_key = None
    log.warning("moved %d private signing key(s) out of the database", len(legacy))


@contextlib.contextmanager
def _key_file_lock(db: Database) -> Iterator[None]:
    """One process at a time reads, makes and saves keys, until its transaction is
    committed: two workers starting on a fresh database each made a key, and the second
    file replaced the first, so the key published first could no longer sign."""
    if _env_keys() is not None:
        yield
        return
    path = key_file(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def ensure_key(db: Database) -> str:
    """The signing key's id, generating and publishing a key pair the first time."""
    with _key_file_lock(db), db.write() as session:
        _move_legacy_keys(db, session)
        held = private_keys(db)
        for row in _active(session):
            if row.key_id in held:
                return row.key_id
        env = _env_keys()
        if env:
            key_id, private = list(env.items())[-1]
            if session.get(SigningKey, key_id) is None:
                _publish(db, session, key_id, public_b64(private))
            else:
                session.get(SigningKey, key_id).active = True  # type: ignore[union-attr]
            return key_id
        return _new_key(db, session, held)


def _new_key(db: Database, session: Session, held: dict[str, Ed25519PrivateKey]) -> str:
    private = Ed25519PrivateKey.generate()
    key_id = "k" + secrets.token_hex(4)
    # The key file first: a published key central cannot sign with would be useless,
    # a saved key not yet published is simply unused.
    _save(db, {**held, key_id: private})
    for row in _active(session):
        row.active = False  # still published: codes it signed verify until they expire
    _publish(db, session, key_id, public_b64(private))
    log.info("generated signing key %s", key_id)
    return key_id


def rotate(db: Database) -> str:
    """A new signing key; the old ones stop signing and keep verifying."""
    if _env_keys() is not None:
        raise BadRequest(
            f"signing keys come from ${ENV_KEY}: append a new key_id:base64 to it instead"
        )
    with _key_file_lock(db), db.write() as session:
        _move_legacy_keys(db, session)
        return _new_key(db, session, private_keys(db))


def signing_key(db: Database) -> tuple[str, Ed25519PrivateKey]:
    """The newest active key this central holds the private half of."""
    held = private_keys(db)
    with db.read() as session:
        for row in _active(session):
            if row.key_id in held:
                return row.key_id, held[row.key_id]
    raise NotFound("central has no signing key it can use (run it once to create one)")


def public_keys(session: Session) -> dict[str, str]:
    """Every published public key, by key id (base64 of the raw 32 bytes)."""
    return {k.key_id: k.public_key for k in session.scalars(select(SigningKey))}


def sign_volunteer_code(
    db: Database, volunteer_id: str, ttl_s: int = codes.DEFAULT_TTL_S, use: str = ""
) -> str:
    """A fresh signed code for a known, active volunteer, valid at most the policy's
    ``max_code_ttl_s``, for ``use`` only (protocol.codes.USES) or, with "", for any."""
    limit = policy.of(db).max_code_ttl_s
    if ttl_s > limit:  # (≤ 0 makes an already expired code: tests and demos use that)
        raise BadRequest(f"a code's lifetime is at most {limit} seconds")
    with db.read() as session:
        volunteer = session.get(Volunteer, volunteer_id)
        if volunteer is None:
            raise NotFound(f"unknown volunteer {volunteer_id}")
        if not volunteer.active:
            raise NotFound(f"volunteer {volunteer_id} is inactive")
    key_id, private = signing_key(db)
    return codes.sign_code(private, key_id, volunteer_id, ttl_s=ttl_s, use=use)
