"""Suite-wide fixtures: headless Qt, a fresh store per test, the demo station."""

from __future__ import annotations

import os

# Before anything imports Qt: no test needs a display, and nobody should have to remember.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
# python-escpos caches its printer database here instead of a new temp folder per import.
_ESCPOS_CACHE = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "build", "escpos-cache"
)
os.makedirs(_ESCPOS_CACHE, exist_ok=True)
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", _ESCPOS_CACHE)

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kiosk.config import Config  # noqa: E402
from kiosk.store import Store, open_store  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_paths(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's config or data dir."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("KIOSK_CONFIG", str(home / "kiosk.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for name in list(os.environ):
        if name.startswith("KIOSK_") and name not in ("KIOSK_CONFIG", "KIOSK_TEST_PG_URL"):
            monkeypatch.delenv(name)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        station_id="ST-TEST",
        station_name="测试社区新时代文明实践站",
        data_dir=str(tmp_path),
        printer_connection=f"preview://{tmp_path / 'receipts'}",
    )


@pytest.fixture
def store(config: Config) -> Iterator[Store]:
    s = open_store(config.store_path())
    yield s
    s.close()


@pytest.fixture
def demo_store(store: Store) -> Store:
    from station.demo import seed_demo

    seed_demo(store)
    return store
