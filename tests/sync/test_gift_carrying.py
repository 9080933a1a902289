"""Which stations carry a gift, set in the console, reaching each kiosk's shelf through
/changes: a real central on 127.0.0.1 and real kiosk store files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from central.console import actions
from central.embedded import EmbeddedCentral, start_embedded
from kiosk import gifts, redemption
from tests.sync.centralkit import BALANCES, Kiosk, make_kiosk, seed_catalogue

ADMIN = actions.Actor("wang", "admin")


@pytest.fixture
def district(tmp_path: Path) -> Iterator[tuple[EmbeddedCentral, Path]]:
    server = start_embedded(tmp_path / "central.db")
    seed_catalogue(server.db, BALANCES)
    try:
        yield server, tmp_path
    finally:
        server.stop()


def _kiosk(server: EmbeddedCentral, folder: Path, name: str) -> Kiosk:
    host, port = server.url.removeprefix("http://").split(":")
    return make_kiosk(
        folder / name, server.url, (host, int(port)), server.db, name=name, via_proxy=False
    )


def _shelf(kiosk: Kiosk) -> list[str]:
    with kiosk.store.read() as s:
        return [g.sku for g in gifts.gift_views(s, "V001")]


def test_a_gift_reaches_only_the_shelves_of_the_stations_that_carry_it(
    district: tuple[EmbeddedCentral, Path],
) -> None:
    server, folder = district
    k1, k2 = _kiosk(server, folder, "k1"), _kiosk(server, folder, "k2")
    try:
        for k in (k1, k2):
            assert k.sync().last_error is None
            assert _shelf(k) == ["egg", "soap"]
        actions.set_gift_stations(server.db, ADMIN, "soap", ["ST-K2"])
        for k in (k1, k2):
            k.sync()
        assert _shelf(k1) == ["egg"] and _shelf(k2) == ["egg", "soap"]
        # A cart that still holds it (a screen opened before the sync) cannot take it.
        with k1.store.read() as s:
            quote = redemption.quote(s, "V001", {"soap": 1})
        assert [p.key for p in quote.problems] == ["redeem.gift_unknown"]
        # A station provisioned later does not carry it either.
        k3 = _kiosk(server, folder, "k3")
        try:
            k3.sync()
            assert _shelf(k3) == ["egg"]
        finally:
            k3.close()
        # Bad input changes nothing: a station that does not exist, a gift that does not.
        for sku, stations in (("soap", ["ST-K1", "ST-NOPE"]), ("nope", ["ST-K1"])):
            with pytest.raises(actions.CentralError):
                actions.set_gift_stations(server.db, ADMIN, sku, stations)
        k1.sync()
        assert _shelf(k1) == ["egg"]
        # None ticked: every station again.
        actions.set_gift_stations(server.db, ADMIN, "soap", [])
        for k in (k1, k2):
            k.sync()
            assert _shelf(k) == ["egg", "soap"]
    finally:
        k1.close()
        k2.close()
