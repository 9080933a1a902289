"""Two kiosks, one central: online they can never overdraw a volunteer; offline the
overdraft is bounded by the stations' offline limits, and staff see it on their kiosk."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from central import admin
from central.models import Overdraft as CentralOverdraft
from central.models import Volunteer as CentralVolunteer
from kiosk.errors import ConflictError, InsufficientPointsError, NotFoundError
from kiosk.messages import text
from kiosk.redemption import Proof, redeem
from kiosk.staff import add_staff
from kiosk.stock import restock
from kiosk.store.models import LedgerEntry, Overdraft
from kiosk.volunteers import available_balance
from sync.authorise import CentralAuthoriser
from tests.sync.centralkit import BALANCES, GIFTS, Central, Kiosk

LIMIT = 50


def _ready(kiosk: Kiosk) -> None:
    assert kiosk.sync().last_error is None
    with kiosk.store.begin() as s:
        add_staff(s, "S01", "管理员", "staff", "1234")
    with kiosk.store.begin() as s:
        restock(s, "S01", "egg", 60)
        restock(s, "S01", "soap", 10)
    assert kiosk.sync().pending == 0


def _proof(central: Central, volunteer_id: str = "V001") -> Proof:
    """The code the volunteer scanned: central checks it with every authorisation and
    every offline redemption."""
    return Proof.scanned(central.server.sign_code(volunteer_id, ttl_s=600))


def _central_balance(central: Central, volunteer_id: str = "V001") -> int:
    with central.db.begin() as s:
        return s.get(CentralVolunteer, volunteer_id).balance


def test_two_kiosks_online_never_overdraw(kiosks: Callable[..., Kiosk], central: Central) -> None:
    pair = [kiosks("a", offline_limit=LIMIT), kiosks("b", offline_limit=LIMIT)]
    for kiosk in pair:
        _ready(kiosk)
    start = threading.Barrier(2)
    outcomes: dict[str, list[str]] = {k.name: [] for k in pair}

    def shop(kiosk: Kiosk) -> None:
        # A generous timeout: this test is about racing, not about central being slow.
        authoriser = CentralAuthoriser(kiosk.client, timeout_s=15)
        start.wait(10)
        for _ in range(7):
            try:
                result = redeem(
                    kiosk.store,
                    "V001",
                    {"egg": 1},
                    authoriser,
                    kiosk.config,
                    proof=_proof(central),
                )
                outcomes[kiosk.name].append(result.mode)
            except InsufficientPointsError:
                outcomes[kiosk.name].append("declined")

    threads = [threading.Thread(target=shop, args=(k,)) for k in pair]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    modes = outcomes["a"] + outcomes["b"]
    assert len(modes) == 14
    # 100 points, eggs at 10: exactly ten go through, all authorised by central.
    assert (modes.count("online"), modes.count("declined")) == (10, 4)
    assert _central_balance(central) == 0
    for kiosk in pair:  # the late redemption.made events must not debit a second time
        assert kiosk.sync().pending == 0
    assert _central_balance(central) == 0
    with central.db.begin() as s:
        assert s.scalar(select(func.count()).select_from(CentralOverdraft)) == 0
    for kiosk in pair:
        with kiosk.store.session() as s:
            assert available_balance(s, "V001") == 0


def test_offline_overdraft_is_bounded_by_the_limits(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    pair = [kiosks("a", offline_limit=LIMIT), kiosks("b", offline_limit=LIMIT)]
    for kiosk in pair:
        _ready(kiosk)
    # Meanwhile the volunteer spends 80 elsewhere; both kiosks still believe 100.
    admin.award_points(central.db, "V001", -80, "redemption")
    for kiosk in pair:
        assert kiosk.proxy is not None
        kiosk.proxy.set("down")
        authoriser = CentralAuthoriser(kiosk.client, timeout_s=1)
        result = redeem(
            kiosk.store,
            "V001",
            {"soap": 1, "egg": 2},
            authoriser,
            kiosk.config,
            proof=_proof(central),
        )
        assert (result.mode, result.total) == ("offline", LIMIT)
        with pytest.raises(ConflictError) as info:  # the offline limit is spent
            redeem(
                kiosk.store,
                "V001",
                {"egg": 1},
                authoriser,
                kiosk.config,
                proof=_proof(central),
            )
        assert info.value.key == "redeem.offline_limit"

    for kiosk in pair:
        assert kiosk.proxy is not None
        kiosk.proxy.set("pass")
    for kiosk in pair + pair:  # a second round: every kiosk sees the final state
        assert kiosk.sync().last_error is None

    balance = _central_balance(central)
    assert balance == BALANCES["V001"] - 80 - 2 * LIMIT
    total_overdraft = 0
    for kiosk in pair:
        with kiosk.store.session() as s:
            rows = s.scalars(select(Overdraft)).all()
            unconfirmed = s.scalar(
                select(func.count())
                .select_from(LedgerEntry)
                .where(LedgerEntry.confirmed.is_(False))
            )
            assert available_balance(s, "V001") == balance
        assert len(rows) == 1 and 0 < rows[0].amount <= LIMIT  # staff see it on their kiosk
        assert unconfirmed == 0
        total_overdraft += rows[0].amount
    assert total_overdraft == -balance <= 2 * LIMIT


def test_timed_out_authorisation_is_not_paid_twice(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("a", offline_limit=LIMIT)
    _ready(kiosk)
    assert kiosk.proxy is not None
    # Central approves and debits, but its answer never reaches the kiosk.
    kiosk.proxy.set("stall_after", path="/api/v1/redemptions/authorise")
    authoriser = CentralAuthoriser(kiosk.client, timeout_s=1)
    result = redeem(
        kiosk.store,
        "V001",
        {"soap": 1},
        authoriser,
        kiosk.config,
        proof=_proof(central),
    )
    assert result.mode == "offline"
    kiosk.proxy.set("pass")
    kiosk.proxy.release()
    assert kiosk.sync().last_error is None
    assert _central_balance(central) == BALANCES["V001"] - 30
    with kiosk.store.session() as s:
        assert available_balance(s, "V001") == BALANCES["V001"] - 30


def test_a_price_raised_at_central_is_told_not_coded(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    """Central declines a line below its own price (a stolen token must not buy at 0). A
    kiosk that has not pulled the new price yet says so in words, spends nothing, and
    redeems at the new price once it has pulled."""
    kiosk = kiosks("a", offline_limit=LIMIT)
    _ready(kiosk)
    before = _central_balance(central)
    with central.db.begin() as s:
        admin.upsert_gift(central.db, s, {**GIFTS[0], "points": 20})
    authoriser = CentralAuthoriser(kiosk.client, timeout_s=15)
    with pytest.raises(ConflictError) as refused:
        redeem(kiosk.store, "V001", {"egg": 1}, authoriser, kiosk.config, proof=_proof(central))
    assert refused.value.key == "redeem.price_changed"
    assert "price_changed" not in text(refused.value.key, "zh_CN", **refused.value.params)
    assert _central_balance(central) == before
    with kiosk.store.session() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    assert kiosk.sync().last_error is None  # the pull brings 20 points
    result = redeem(
        kiosk.store, "V001", {"egg": 1}, authoriser, kiosk.config, proof=_proof(central)
    )
    assert result.mode == "online"
    assert _central_balance(central) == before - 20


def test_a_gift_taken_off_this_stations_shelf_is_told_not_coded(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    """The district keeps dish soap for station B only; kiosk A has not pulled that yet.
    Central declines A's redemption of it (a station token must not hand out another
    station's gifts): the kiosk says the gift is no longer available, spends nothing, and
    after the pull no longer offers it."""
    kiosk = kiosks("a", offline_limit=LIMIT)
    kiosks("b", offline_limit=LIMIT)
    _ready(kiosk)
    before = _central_balance(central)
    with central.db.begin() as s:
        admin.set_gift_stations(central.db, s, "soap", ["ST-B"])
    authoriser = CentralAuthoriser(kiosk.client, timeout_s=15)
    with pytest.raises(ConflictError) as refused:
        redeem(kiosk.store, "V001", {"soap": 1}, authoriser, kiosk.config, proof=_proof(central))
    assert refused.value.key == "redeem.gift_unknown"
    assert "not_carried" not in text(refused.value.key, "en")
    assert _central_balance(central) == before
    with kiosk.store.session() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    assert kiosk.sync().last_error is None  # the pull takes soap off A's shelf
    with pytest.raises(NotFoundError) as gone:
        redeem(kiosk.store, "V001", {"soap": 1}, authoriser, kiosk.config, proof=_proof(central))
    assert gone.value.key == "redeem.gift_unknown"
    assert _central_balance(central) == before
