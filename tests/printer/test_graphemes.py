"""Emoji clusters print as one fallback mark, quantities and points never stand alone on a
line, and a quantity 0 line never prints — read back from the ESC/POS bytes."""

from __future__ import annotations

import re

import pytest

from printer import encoding, width
from printer.document import Receipt, Row, Text
from printer.escpos_render import render
from printer.profiles import make_profile
from printer.raster import Fonts, TextPainter

from .escpos_decoder import decode

CLUSTERS = {
    "❤️": 1,  # heart + VS16
    "👍🏽": 1,  # thumbs up + skin tone
    "👨‍👩‍👧": 1,  # family joined by U+200D
    "🇨🇳": 1,  # flag: two regional indicators
    "1️⃣": 1,  # keycap
}


@pytest.mark.parametrize("cluster", list(CLUSTERS))
def test_native_cluster_is_one_mark(cluster: str, fonts: Fonts) -> None:
    job = render(Receipt([Text(f"谢谢{cluster}好")]), make_profile(58, "native"), fonts)
    assert decode(job).text == f"谢谢{encoding.MISSING}好"


def test_raster_cluster_is_one_cell_wide(fonts: Fonts) -> None:
    painter = TextPainter(fonts)
    for cluster in CLUSTERS:
        text = encoding.printable(f"谢{cluster}", painter.has_glyph)
        # The font has no emoji: one missing mark, never a blank cell for the selector.
        assert text == f"谢{encoding.MISSING}", (cluster, text)
        assert width.text_width(text) == 4


def test_selectors_and_joiners_take_no_width() -> None:
    assert width.text_width("\ufe0f\u200d") == 0
    assert encoding.clusters("a👨‍👩‍👧b") == ["a", "👨‍👩‍👧", "b"]
    assert encoding.for_codepage("café", "gb18030") == "café"


@pytest.mark.parametrize("mm", [58, 80])
def test_quantity_and_points_never_stand_alone(mm: int, fonts: Fonts) -> None:
    profile = make_profile(mm, "native")
    rows = [
        Row("社区爱心超市毛巾大号加厚纯棉吸水 ×3", "30 分"),
        Row("Large cotton bath towel extra thick soft ×3", "120 分"),
        Row("毛巾毛巾毛巾毛巾毛巾毛巾毛巾毛巾毛巾毛巾毛巾毛巾毛 ×12", "1200 分"),
        Row("Soap ×2", "10 分"),
    ]
    for row in rows:
        lines = decode(render(Receipt([row]), profile, fonts)).lines
        texts = [ln.text for ln in lines]
        assert all(ln.columns <= profile.columns for ln in lines)
        qty = re.search(r"×\d+", row.label)
        assert qty is not None
        (with_qty,) = [t for t in texts if qty[0] in t]
        # The quantity shares its line with part of the name and with the points.
        assert not with_qty.lstrip().startswith("×"), texts
        assert with_qty.endswith(row.value), texts
        assert "".join(t.replace(" ", "") for t in texts) == (row.label + row.value).replace(
            " ", ""
        )


def test_quantity_zero_never_prints(fonts: Fonts) -> None:
    from types import SimpleNamespace

    from kiosk.config import Config
    from kiosk.receipts import redemption_receipt

    lines = [
        SimpleNamespace(name="毛巾", qty=2, points_each=10),
        SimpleNamespace(name="香皂", qty=0, points_each=5),
    ]
    redemption = SimpleNamespace(
        pickup_code="P123",
        volunteer=None,
        created_at=__import__("datetime").datetime(2026, 11, 23, 2, 30),
        lines=lines,
        total_points=20,
        balance_after=80,
        mode="online",
        id="R1",
        code_id="C1",
    )
    try:
        doc = redemption_receipt(redemption, Config(station_id="ST-TEST"))  # type: ignore[arg-type]
    except AttributeError as exc:
        pytest.fail(f"template needs more of a redemption: {exc}")
    text = decode(render(doc, make_profile(58, "native"), fonts)).text
    assert "毛巾 ×2" in text
    assert "香皂" not in text and "×0" not in text
