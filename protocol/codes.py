"""Signed volunteer codes (the QR a volunteer shows at the kiosk).

Format: ``"VK1." + b64url(JSON) + "." + b64url(Ed25519 signature)`` without padding, the
JSON being ``{"v": volunteer id, "exp": unix seconds, "jti": code id, "kid": key id, "iat":
unix seconds it was signed}`` (``iat`` absent from codes signed before it was added) and
the signature covering the ASCII of ``"VK1." + b64url(JSON)``. Central signs with its
private key; the kiosk verifies offline with central's public key.

A code may also name what it is for, ``"use"``: one of ``USES`` (redeem points, sign in to
an activity, sign in to the phone page). A code with a use is accepted for that use only
(``verify_code(..., purpose=...)`` refuses it elsewhere with ``CodeWrongUse``), so a code a
volunteer showed to sign in cannot be spent on gifts. A code without one (every code
issued before uses existed) names no use, so it is accepted for each, as it always was:
it cannot be told what it was shown for, and it expires within ``max_code_ttl_s``.

A LEAF module: standard library and ``cryptography`` only (central and kiosk import it).
``verify_code`` raises only ``CodeError`` subclasses, whatever the scanner typed.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import string
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "VK1."
DEFAULT_TTL_S = 300
DEFAULT_LEEWAY_S = 30
MAX_CODE_CHARS = 1024  # a real code is ~200 characters; anything far longer is junk
MAX_FIELD_CHARS = 64
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_JTI_ALPHABET = string.ascii_letters + string.digits
JTI_LENGTH = 12
USE_REDEEM = "redeem"  # 积分兑换 at a kiosk (authorisation, offline redemption)
USE_ATTEND = "attend"  # 签到 to an activity at a kiosk
USE_LOGIN = "login"  # the volunteers' phone page
USES = (USE_REDEEM, USE_ATTEND, USE_LOGIN)


class CodeError(Exception):
    """A scanned code that cannot be accepted; ``key`` names the message to show."""

    key = "code.invalid"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.key)
        self.detail = detail


class CodeMalformed(CodeError):
    key = "code.malformed"


class CodeForged(CodeError):
    key = "code.forged"


class CodeExpired(CodeError):
    key = "code.expired"


class CodeRevoked(CodeError):
    key = "code.revoked"


class CodeWrongUse(CodeError):
    """A genuine code issued for another use (e.g. a sign-in code offered for gifts)."""

    key = "code.wrong_use"


@dataclass(frozen=True)
class VolunteerCode:
    volunteer_id: str
    code_id: str
    expires_at: datetime  # naive UTC, like every stored time in this project
    key_id: str = ""
    use: str = ""  # one of USES, or "" (a code for any use: issued before uses existed)
    # When it was signed (naive UTC; None for a code issued before codes said so): no
    # scan of it can be older, so a report dated earlier was back-dated.
    issued_at: datetime | None = None


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict: only the URL-safe alphabet, no padding, no stray characters."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:  # stray low bits in the last character
        raise ValueError("not canonical base64url")
    return data


def _unix(now: datetime | float | None) -> float:
    if now is None:
        return datetime.now(UTC).timestamp()
    if isinstance(now, datetime):
        return (now if now.tzinfo else now.replace(tzinfo=UTC)).timestamp()
    return float(now)


def sign_code(
    private_key: Ed25519PrivateKey,
    key_id: str,
    volunteer_id: str,
    ttl_s: int = DEFAULT_TTL_S,
    now: datetime | float | None = None,
    use: str = "",
) -> str:
    """A fresh code for ``volunteer_id`` valid for ``ttl_s`` seconds from ``now``, for
    ``use`` only (one of USES) or, with "", for any use."""
    if use and use not in USES:
        raise ValueError(f"unknown code use {use!r}")
    jti = "".join(secrets.choice(_JTI_ALPHABET) for _ in range(JTI_LENGTH))
    issued = int(_unix(now))
    claims: dict[str, object] = {
        "v": volunteer_id,
        "exp": issued + int(ttl_s),
        "jti": jti,
        "kid": key_id,
        "iat": issued,
    }
    if use:
        claims["use"] = use
    body = PREFIX + b64url_encode(json.dumps(claims, separators=(",", ":")).encode())
    return body + "." + b64url_encode(private_key.sign(body.encode("ascii")))


def load_public_key(key: Ed25519PublicKey | str | bytes) -> Ed25519PublicKey:
    """A public key from the object itself, its raw 32 bytes, or their (url)base64."""
    if isinstance(key, Ed25519PublicKey):
        return key
    raw = key if isinstance(key, bytes) else base64.b64decode(_std_b64(key), validate=True)
    return Ed25519PublicKey.from_public_bytes(raw)


def _std_b64(text: str) -> str:
    text = text.strip().replace("-", "+").replace("_", "/")
    return text + "=" * (-len(text) % 4)


def _claims(payload: str) -> dict[str, object]:
    try:
        claims = json.loads(b64url_decode(payload).decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise CodeMalformed("payload is not base64url JSON") from exc
    if not isinstance(claims, dict):
        raise CodeMalformed("payload is not an object")
    for name in ("v", "jti", "kid"):
        value = claims.get(name)
        if not isinstance(value, str) or not value or len(value) > MAX_FIELD_CHARS:
            raise CodeMalformed(f"bad {name!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool) or not 0 < exp < 2**37:
        raise CodeMalformed("bad 'exp'")
    iat = claims.get("iat")
    if "iat" in claims and (not isinstance(iat, int) or isinstance(iat, bool) or iat <= 0):
        raise CodeMalformed("bad 'iat'")
    # A use this version does not know is refused, never taken as "any use".
    if "use" in claims and claims["use"] not in USES:
        raise CodeMalformed("bad 'use'")
    return claims


def _split(text: object) -> tuple[str, str, str]:
    if not isinstance(text, str):
        raise CodeMalformed("not text")
    text = text.strip()
    if len(text) > MAX_CODE_CHARS or not text.startswith(PREFIX) or not text.isascii():
        raise CodeMalformed("not a volunteer code")
    parts = text[len(PREFIX) :].split(".")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise CodeMalformed("wrong number of parts")
    return PREFIX + parts[0], parts[0], parts[1]


def _check_signature(
    signed: str, signature: str, key_id: str, public_keys: Mapping[str, object]
) -> None:
    try:
        sig = b64url_decode(signature)
    except ValueError as exc:
        raise CodeMalformed("signature is not base64url") from exc
    if len(sig) != 64:
        raise CodeMalformed("signature has the wrong length")
    try:
        key = public_keys.get(key_id)
    except TypeError:
        key = None
    if key is None:
        raise CodeForged(f"unknown key id {key_id!r}")
    try:
        load_public_key(key).verify(sig, signed.encode("ascii"))  # type: ignore[arg-type]
    except InvalidSignature as exc:
        raise CodeForged("bad signature") from exc
    except (ValueError, TypeError, AttributeError, binascii.Error) as exc:
        raise CodeForged(f"unusable public key for key id {key_id!r}") from exc


def verify_code(
    text: str,
    public_keys: Mapping[str, Ed25519PublicKey | str],
    revoked: Container[str] = (),
    now: datetime | float | None = None,
    leeway_s: int = DEFAULT_LEEWAY_S,
    purpose: str | None = None,
) -> VolunteerCode:
    """Check a scanned code offline. Order: shape, signature, use, revocation, expiry.
    ``purpose`` (one of USES): what the code is offered for; a code issued for another
    use is refused. None checks no use (a caller that only reads the claims)."""
    signed, payload, signature = _split(text)
    claims = _claims(payload)
    key_id, code_id = str(claims["kid"]), str(claims["jti"])
    _check_signature(signed, signature, key_id, public_keys)
    use = str(claims.get("use", ""))
    if purpose is not None and use and use != purpose:
        raise CodeWrongUse(f"code {code_id} is for {use!r}, not {purpose!r}")
    if code_id in revoked:
        raise CodeRevoked(f"code {code_id} was revoked")
    exp = int(claims["exp"])  # type: ignore[call-overload]
    if _unix(now) > exp + leeway_s:
        raise CodeExpired(f"code {code_id} expired")
    expires_at = datetime.fromtimestamp(exp, UTC).replace(tzinfo=None)
    iat = claims.get("iat")
    issued_at = None
    if isinstance(iat, int):
        issued_at = datetime.fromtimestamp(min(iat, exp), UTC).replace(tzinfo=None)
    return VolunteerCode(str(claims["v"]), code_id, expires_at, key_id, use, issued_at)


def claimed_use(text: object) -> str:
    """The use a code's claims name, unchecked ("" if none or not a code): only to pick
    the screen a scan goes to; the screen then verifies it for its own purpose."""
    try:
        _signed, payload, _sig = _split(text)
        return str(_claims(payload).get("use", ""))
    except CodeError:
        return ""
