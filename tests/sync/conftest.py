"""Fixtures for the sync tests: the real central on 127.0.0.1 and kiosks wired to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from central.embedded import start_embedded
from tests.sync.centralkit import BALANCES, Central, Kiosk, make_kiosk, seed_catalogue


@pytest.fixture
def central(tmp_path: Path) -> Iterator[Central]:
    server = start_embedded(tmp_path / "central.db")
    # Central's production policy: proof required (the kiosk sends the scanned code or
    # card + PIN with every authorisation, and the code with every offline redemption).
    try:
        seed_catalogue(server.db, BALANCES)
        yield Central(server)
    finally:
        server.stop()


@pytest.fixture
def kiosks(tmp_path: Path, central: Central) -> Iterator[Callable[..., Kiosk]]:
    made: list[Kiosk] = []

    def make(name: str = "k1", **kwargs: object) -> Kiosk:
        kiosk = make_kiosk(
            tmp_path / name, central.url, central.upstream, central.db, name=name, **kwargs
        )
        made.append(kiosk)
        return kiosk

    try:
        yield make
    finally:
        for kiosk in made:
            kiosk.close()
