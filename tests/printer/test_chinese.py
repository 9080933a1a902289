"""Chinese in both modes: GB bytes inside FS & … FS ., a visible fallback, raster pictures."""

from __future__ import annotations

import logging

import pytest

from printer import encoding
from printer.document import Receipt, Row, Text
from printer.escpos_render import render
from printer.profiles import make_profile
from printer.raster import Fonts, TextPainter

from .escpos_decoder import DecodeError, decode


@pytest.mark.parametrize("codepage", ["gb18030", "gbk"])
def test_native_text_round_trips_through_the_decoder(codepage: str) -> None:
    profile = make_profile(58, "native", codepage)
    receipt = Receipt([Text("新时代文明实践站"), Row("兑换积分", "￥12.50（全角！）")])
    decoded = decode(render(receipt, profile), codepage)
    assert decoded.lines[0].text == "新时代文明实践站" and decoded.lines[0].chinese_mode
    assert decoded.lines[1].text.startswith("兑换积分")
    assert decoded.lines[1].text.endswith("￥12.50（全角！）")
    assert "?" not in decoded.text


def test_gb_bytes_outside_chinese_mode_are_caught() -> None:
    with pytest.raises(DecodeError, match="outside Chinese mode"):
        decode("积分\n".encode("gb18030"))


def test_decoder_fails_on_unknown_commands() -> None:
    with pytest.raises(DecodeError):
        decode(b"\x1b@\x1bt\x10")  # ESC t: code table selection, never sent by us
    with pytest.raises(DecodeError):
        decode(b"\x1dv0\x00\x02\x00\x05\x00\x00")  # truncated raster


def test_fallback_is_documented_never_a_question_mark(caplog: pytest.LogCaptureFixture) -> None:
    # ¥ → ￥ (GBK has no U+00A5); ✓ → √; emoji → 〓 with a log line.
    with caplog.at_level(logging.WARNING, logger="printer.encoding"):
        assert encoding.for_codepage("¥5 ✓ 好😀", "gbk") == "￥5 √ 好〓"
    assert "U+1F600" in caplog.text
    assert encoding.for_codepage("ｶ€", "gbk") == "カEUR"
    # GB18030 printers have CJK Extension A (rare name characters) but not emoji.
    assert encoding.for_codepage("㐀😀", "gb18030") == "㐀〓"
    assert encoding.for_codepage("㐀", "gbk") == "〓"


def test_fallback_applies_before_layout_so_rows_still_fit() -> None:
    profile = make_profile(58, "native", "gbk")
    decoded = decode(render(Receipt([Row("价格€€€€", "¥10")]), profile), "gbk")
    (line,) = decoded.lines
    assert line.columns == 32 and line.text.endswith("￥10") and "EUREUR" in line.text


def test_raster_mode_sends_no_text_only_pictures(fonts: Fonts) -> None:
    profile = make_profile(80, "raster")
    decoded = decode(
        render(Receipt([Text("积分兑换"), Text("凭此小票领取", "center")]), profile, fonts)
    )
    assert decoded.lines == [] and len(decoded.images) == 1
    img = decoded.images[0]
    assert img.size == (576, 64)
    assert 0 < img.convert("L").histogram()[0] < 576 * 64 // 3  # ink, but not a black slab


def test_raster_glyphs_are_sharp_and_sized_for_203_dpi(fonts: Fonts) -> None:
    from printer.layout import Line

    painter = TextPainter(fonts)
    img = painter.line(Line("国"), 384)
    box = img.convert("L").point(lambda v: 255 - v).getbbox()
    assert box is not None
    w, h = box[2] - box[0], box[3] - box[1]
    assert 18 <= w <= 24 and 18 <= h <= 24  # fills most of a 24-dot em, as printer fonts do
    assert img.mode == "1"  # 1-bit: no grey to smear on a thermal head


def test_raster_uses_fallback_for_glyphs_the_font_lacks(fonts: Fonts) -> None:
    painter = TextPainter(fonts)
    assert painter.has_glyph("积") and painter.has_glyph("￥")
    assert not painter.has_glyph("😀")
