"""Who is at the kiosk: signed codes verified offline, card + PIN, balances."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from kiosk import messages, settings, volunteers
from kiosk.clock import utcnow
from kiosk.config import Config
from kiosk.errors import AuthError, KioskError
from kiosk.store.models import LedgerEntry, RevokedCode, Volunteer
from protocol.codes import sign_code
from station.demo import DEMO_KEY_ID, demo_signing_key


def code_for(volunteer_id: str, *, now: datetime | None = None, ttl_s: int = 300, key=None) -> str:  # type: ignore[no-untyped-def]
    return sign_code(key or demo_signing_key(), DEMO_KEY_ID, volunteer_id, ttl_s=ttl_s, now=now)


def identify_key(store, text: str, now: datetime | None = None) -> str:  # type: ignore[no-untyped-def]
    try:
        with store.begin() as s:
            return volunteers.identify(s, text, now=now).id
    except KioskError as exc:
        return exc.key


def test_a_fresh_code_identifies_the_volunteer(demo_store) -> None:  # type: ignore[no-untyped-def]
    assert identify_key(demo_store, code_for("V0001") + "\r\n") == "V0001"


def test_each_bad_code_has_its_own_message(demo_store) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    now = datetime.now(UTC)
    good = code_for("V0002")
    assert identify_key(demo_store, "V0002") == "code.malformed"
    assert identify_key(demo_store, "VK1.@@@.###") == "code.malformed"
    assert identify_key(demo_store, good[:-6] + "AAAAAA") == "code.forged"
    stranger = Ed25519PrivateKey.generate()
    assert identify_key(demo_store, code_for("V0002", key=stranger)) == "code.forged"
    stale = code_for("V0002", now=now - timedelta(minutes=30))
    assert identify_key(demo_store, stale) == "code.expired"
    assert identify_key(demo_store, code_for("NOBODY")) == "volunteer.unknown"
    from protocol.codes import verify_code

    code_id = verify_code(good, {DEMO_KEY_ID: demo_signing_key().public_key()}, ()).code_id
    with demo_store.begin() as s:
        s.add(RevokedCode(code_id=code_id))
    assert identify_key(demo_store, good) == "code.revoked"


def test_no_public_key_yet_is_said_plainly(store) -> None:  # type: ignore[no-untyped-def]
    assert identify_key(store, code_for("V0001")) == "code.no_key"


class CardCentral:
    """Stands in for central's /cards/verify (the real one is in tests/sync): the kiosk
    itself holds no card number and no PIN hash, so only central can say yes."""

    def __init__(self, cards: dict[str, tuple[str, str]], *, down: bool = False) -> None:
        self.cards, self.down, self.asked = cards, down, 0

    def verify_card(self, card: str, pin: str) -> dict:
        from kiosk.redemption import CentralUnreachable, ProofRefused

        self.asked += 1
        if self.down:
            raise CentralUnreachable(detail="test: central down")
        if self.cards.get(card, ("", ""))[1] != pin:
            raise ProofRefused("wrong_pin")
        return {
            "volunteer_id": self.cards[card][0],
            "balance": 320,
            "balance_as_of": "2030-01-01T00:00:00Z",
        }


def test_card_and_pin_is_checked_at_central_and_online_only(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    from station.demo import load_demo_data

    v = load_demo_data()["volunteers"][0]
    central = CardCentral({v["card_no"]: (v["id"], v["pin"])})
    with pytest.raises(AuthError) as err:
        volunteers.identify_by_card(demo_store, central, v["card_no"], v["pin"], config)
    assert err.value.key == "volunteer.card_disabled" and central.asked == 0
    config = dataclasses.replace(config, card_pin_enabled=True)
    view = volunteers.identify_by_card(demo_store, central, v["card_no"], v["pin"], config)
    assert view.id == v["id"] and view.balance == 320  # central's balance, newer than ours
    assert view.proof is not None and (view.proof.card, view.proof.pin) == (v["card_no"], v["pin"])
    assert v["pin"] not in repr(view)  # never in a log line
    with pytest.raises(KioskError) as err:
        volunteers.identify_by_card(demo_store, central, v["card_no"], "0000", config)
    assert err.value.key == "proof.wrong_pin"
    for verifier in (CardCentral({}, down=True), None):  # central unreachable, or no server
        with pytest.raises(KioskError) as err:
            volunteers.identify_by_card(demo_store, verifier, v["card_no"], v["pin"], config)
        assert err.value.key == "card.online_only"
        assert "联网" in messages.text(err.value.key, "zh_CN")
        assert "only while the centre can be reached" in messages.text(err.value.key, "en")


def test_balance_is_central_plus_unconfirmed(demo_store) -> None:  # type: ignore[no-untyped-def]
    with demo_store.begin() as s:
        s.get(Volunteer, "V0001").central_balance = 300
        s.add(LedgerEntry(volunteer_id="V0001", delta=-40, reason="redemption", offline=True))
        s.add(LedgerEntry(volunteer_id="V0001", delta=-25, reason="redemption", confirmed=True))
    with demo_store.begin() as s:
        assert volunteers.available_balance(s, "V0001") == 260
        limit_100 = settings.resolve(Config(offline_limit_points=100), {})
        assert volunteers.offline_allowance(s, "V0001", limit_100, "Asia/Shanghai", utcnow()) == 60
        view = volunteers.volunteer_view(s, "V0001", Config(offline_limit_points=100))
        assert view.offline_left == 60
        assert view.masked_name == "张*明" and view.balance == 260 and view.star_level == 1


@pytest.mark.parametrize(
    ("hours", "stars"),
    [
        (0, 0),
        (99.9, 0),
        (100, 1),
        (299, 1),
        (300, 2),
        (600, 3),
        (1000, 4),
        (1499, 4),
        (1500, 5),
        (9000, 5),
    ],
)
def test_star_levels_follow_the_national_rule(hours: float, stars: int) -> None:
    assert volunteers.star_level_for(hours) == stars
