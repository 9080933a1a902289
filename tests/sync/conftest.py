"""Fixtures for the sync tests: a real store file per test (central fixtures follow)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.store.db import Store, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "kiosk.db")
    yield s
    s.close()
