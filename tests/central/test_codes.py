"""Signed volunteer codes: each kind of bad code is refused with its own error, and no
input string ever raises anything but a CodeError."""

from __future__ import annotations

import base64
import contextlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol import codes
from protocol.codes import (
    CodeError,
    CodeExpired,
    CodeForged,
    CodeMalformed,
    CodeRevoked,
    CodeWrongUse,
    sign_code,
    verify_code,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
NOW = datetime(2026, 11, 23, 8, 0, 0)
PUB_B64 = base64.b64encode(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
KEYS = {"k1": KEY.public_key()}


def test_round_trip_with_object_or_base64_key() -> None:
    code = sign_code(KEY, "k1", "V0001", ttl_s=300, now=NOW)
    assert code.startswith("VK1.") and code.count(".") == 2
    for keys in (KEYS, {"k1": PUB_B64}):
        got = verify_code(code, keys, (), now=NOW + timedelta(seconds=299))
        assert got.volunteer_id == "V0001"
        assert got.expires_at == NOW + timedelta(seconds=300)
        assert len(got.code_id) == 12 and got.key_id == "k1"


def test_claims_are_the_documented_json() -> None:
    code = sign_code(KEY, "k1", "V0001", ttl_s=60, now=NOW)
    part = code.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    assert set(claims) == {"v", "exp", "jti", "kid", "iat"}
    assert claims["iat"] == int(NOW.replace(tzinfo=UTC).timestamp())
    assert claims["exp"] == claims["iat"] + 60
    assert verify_code(code, KEYS, (), now=NOW).issued_at == NOW


def test_a_code_for_one_use_is_refused_for_another() -> None:
    """A code may name its use (signed with it, so a station cannot strip or change it):
    accepted for that use, refused for the others before anything else is judged; a code
    naming none is accepted for each; a use this version does not know is malformed."""
    attend = sign_code(KEY, "k1", "V0001", ttl_s=60, now=NOW, use=codes.USE_ATTEND)
    got = verify_code(attend, KEYS, (), now=NOW, purpose=codes.USE_ATTEND)
    assert (got.volunteer_id, got.use) == ("V0001", "attend")
    for purpose in (codes.USE_REDEEM, codes.USE_LOGIN):
        with pytest.raises(CodeWrongUse) as refused:
            verify_code(attend, KEYS, (), now=NOW, purpose=purpose)
        assert refused.value.key == "code.wrong_use"
    assert codes.claimed_use(attend) == "attend" and codes.claimed_use("VK1.x") == ""
    anyuse = sign_code(KEY, "k1", "V0001", ttl_s=60, now=NOW)
    for purpose in codes.USES:
        assert verify_code(anyuse, KEYS, (), now=NOW, purpose=purpose).use == ""
    # The use stripped from a signed code (to make it "any use") breaks the signature.
    head, _payload, sig = attend.split(".")
    stripped = json.loads(base64.urlsafe_b64decode(_payload + "=" * (-len(_payload) % 4)))
    del stripped["use"]
    forged = f"{head}.{codes.b64url_encode(json.dumps(stripped).encode())}.{sig}"
    with pytest.raises(CodeForged):
        verify_code(forged, KEYS, (), now=NOW, purpose=codes.USE_REDEEM)
    with pytest.raises(ValueError):
        sign_code(KEY, "k1", "V0001", use="everything")
    claims = {"v": "V0001", "exp": 2**31, "jti": "j", "kid": "k1", "use": "everything"}
    body = "VK1." + codes.b64url_encode(json.dumps(claims).encode())
    odd = body + "." + codes.b64url_encode(KEY.sign(body.encode()))
    with pytest.raises(CodeMalformed):
        verify_code(odd, KEYS, (), now=NOW, purpose=codes.USE_ATTEND)


def test_scanner_whitespace_is_ignored() -> None:
    code = sign_code(KEY, "k1", "V0001", now=NOW)
    assert verify_code(f"  {code}\r\n", KEYS, (), now=NOW).volunteer_id == "V0001"


def test_expired_after_leeway_only() -> None:
    code = sign_code(KEY, "k1", "V0001", ttl_s=300, now=NOW)
    verify_code(code, KEYS, (), now=NOW + timedelta(seconds=329))
    with pytest.raises(CodeExpired) as info:
        verify_code(code, KEYS, (), now=NOW + timedelta(seconds=331))
    assert info.value.key == "code.expired"


def test_forged_by_another_key_or_unknown_key_id() -> None:
    forged = sign_code(OTHER, "k1", "V0001", now=NOW)
    with pytest.raises(CodeForged) as info:
        verify_code(forged, KEYS, (), now=NOW)
    assert info.value.key == "code.forged"
    with pytest.raises(CodeForged):
        verify_code(sign_code(KEY, "k9", "V0001", now=NOW), KEYS, (), now=NOW)


def test_tampered_volunteer_id_is_forged() -> None:
    code = sign_code(KEY, "k1", "V0001", now=NOW)
    _, part, sig = code.split(".")
    claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    claims["v"] = "V0002"
    other = codes.b64url_encode(json.dumps(claims).encode())
    with pytest.raises(CodeForged):
        verify_code(f"VK1.{other}.{sig}", KEYS, (), now=NOW)


def test_revoked() -> None:
    code = sign_code(KEY, "k1", "V0001", now=NOW)
    code_id = verify_code(code, KEYS, (), now=NOW).code_id
    with pytest.raises(CodeRevoked) as info:
        verify_code(code, KEYS, {code_id}, now=NOW)
    assert info.value.key == "code.revoked"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "V0001",
        "31010000001",
        "VK1.",
        "VK1..",
        "VK1.abc",
        "VK1.a.b.c",
        "VK2.eyJ9.AAAA",
        "VK1.!!!!.AAAA",
        "VK1." + codes.b64url_encode(b"not json") + "." + "A" * 86,
        "VK1." + codes.b64url_encode(b"[1,2]") + "." + "A" * 86,
        "VK1." + codes.b64url_encode(b'{"v":"V1","exp":"soon","jti":"x","kid":"k1"}') + ".AA",
        "VK1." + codes.b64url_encode(b'{"v":"V1","exp":true,"jti":"x","kid":"k1"}') + ".AA",
        "VK1.eyJ2IjoiVjEifQ.短信",
        "VK1." + "A" * 5000 + ".AAAA",
    ],
)
def test_malformed(text: str) -> None:
    with pytest.raises(CodeMalformed) as info:
        verify_code(text, KEYS, (), now=NOW)
    assert info.value.key == "code.malformed"


def test_non_string_input_is_malformed() -> None:
    with pytest.raises(CodeMalformed):
        verify_code(None, KEYS, (), now=NOW)  # type: ignore[arg-type]


def test_unusable_configured_key_is_a_code_error() -> None:
    code = sign_code(KEY, "k1", "V0001", now=NOW)
    for bad in ("", "AAA", "%%%", "QUJD", 42, None, b"short", object()):
        with pytest.raises(CodeForged):
            verify_code(code, {"k1": bad}, (), now=NOW)  # type: ignore[dict-item]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_fuzz_any_text_raises_only_code_errors(text: str) -> None:
    with contextlib.suppress(CodeError):
        verify_code(text, KEYS, (), now=NOW)


VALID = sign_code(KEY, "k1", "V0001", ttl_s=10**6, now=NOW)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=len(VALID) - 1),
    st.sampled_from(list("AZaz09-_.=+/ \n\x00é码")),
    st.booleans(),
)
def test_fuzz_mutated_codes_never_pass_and_never_crash(pos: int, char: str, insert: bool) -> None:
    mutated = VALID[:pos] + char + VALID[pos + (0 if insert else 1) :]
    try:
        got = verify_code(mutated, KEYS, (), now=NOW)
    except CodeError:
        return
    # Only a no-op change (same char, or whitespace at the ends) may still verify.
    assert mutated.strip() == VALID and got.volunteer_id == "V0001"
