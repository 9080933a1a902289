"""Printer test fixtures: the bundled fonts, profiles at both widths and in both modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from printer.profiles import Profile, make_profile
from printer.raster import Fonts

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "fonts"
REGULAR = ASSETS / "NotoSansSC-Regular.otf"
BOLD = ASSETS / "NotoSansSC-Bold.otf"

ALL_PROFILES = [
    make_profile(mm, chinese, codepage, native_qr)
    for mm in (58, 80)
    for chinese, codepage, native_qr in (
        ("native", "gb18030", True),
        ("native", "gbk", False),
        ("raster", "gb18030", True),
        ("raster", "gb18030", False),
    )
]


def profile_id(p: Profile) -> str:
    return f"{p.paper_mm}mm-{p.chinese}-{p.codepage}-{'nqr' if p.native_qr else 'iqr'}"


@pytest.fixture(scope="session")
def fonts() -> Fonts:
    if not REGULAR.is_file() or not BOLD.is_file():
        pytest.skip(f"bundled font missing: {REGULAR} (assets/fonts is built by make_subset.py)")
    return Fonts(REGULAR, BOLD)


@pytest.fixture(params=ALL_PROFILES, ids=profile_id)
def profile(request: pytest.FixtureRequest) -> Profile:
    return request.param
