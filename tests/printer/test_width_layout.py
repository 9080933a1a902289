"""Display widths, wrapping, rows and the JSON round-trip of documents."""

from __future__ import annotations

import pytest

from printer import width
from printer.document import QR, Barcode, Cut, Divider, Feed, Image, Receipt, Row, Text
from printer.layout import Line, lay_out
from printer.profiles import PRESETS, Profile, make_profile


@pytest.mark.parametrize(
    ("text", "cols"),
    [("abc", 3), ("积分", 4), ("￥12", 4), ("（全角）", 8), ("A1123-007", 9), ("ｶ", 1), ("·", 2)],
)
def test_text_width(text: str, cols: int) -> None:
    assert width.text_width(text) == cols


def test_wrap_breaks_cjk_anywhere_and_latin_at_spaces() -> None:
    assert width.wrap("新时代文明实践站", 6) == ["新时代", "文明实", "践站"]
    assert width.wrap("hello wide world", 11) == ["hello wide", "world"]
    assert width.wrap("扫码A1", 5) == ["扫码A", "1"]
    for part in width.wrap("志愿服务 volunteer service 积分兑换" * 3, 13):
        assert width.text_width(part) <= 13


def test_row_aligns_value_to_the_right_edge_with_cjk() -> None:
    p = make_profile(58)
    (line,) = lay_out(Receipt([Row("服务项目", "家电维修")]), p)
    assert isinstance(line, Line)
    assert width.text_width(line.text) == 32
    assert line.text.startswith("服务项目") and line.text.endswith("家电维修")


def test_long_row_puts_the_value_under_the_label() -> None:
    p = make_profile(58)
    lines = lay_out(Receipt([Row("服务地点", "幸福里社区党群服务中心二楼志愿者之家活动室")]), p)
    assert lines[0].text == "服务地点"
    assert all(width.text_width(ln.text) <= 32 for ln in lines)
    assert lines[-1].text.endswith("室")


def test_double_width_text_gets_half_the_columns() -> None:
    p = make_profile(80)
    lines = lay_out(Receipt([Text("一二三四五六七八九十一二三四", double_width=True)]), p)
    assert [width.text_width(ln.text) * 2 for ln in lines] == [48, 8]


def test_profile_sizes_and_presets() -> None:
    assert (make_profile(58).dots, make_profile(58).columns) == (384, 32)
    assert (make_profile(80).dots, make_profile(80).columns) == (576, 48)
    assert Profile(paper_mm=0, dots=512, columns=42).columns == 42
    assert all(p.dots // p.columns == 12 for p in PRESETS.values())
    with pytest.raises(ValueError):
        make_profile(76)
    with pytest.raises(ValueError):
        make_profile(58, chinese="emoji")


def test_document_json_round_trip() -> None:
    import json

    receipt = Receipt(
        [
            Text("取号", "center", bold=True, double_width=True, double_height=True),
            Row("积分", "30 分", bold=True),
            Divider("="),
            QR("KIOSK-ORDER:A1:x", 5, "扫码"),
            Barcode("123", "CODE39", 60),
            Image(b"\x89PNG fake", "left"),
            Feed(2),
            Cut(partial=False),
        ],
        title="t",
    )
    data = json.loads(json.dumps(receipt.to_dict()))
    assert Receipt.from_dict(data) == receipt


def test_document_rejects_unknown_blocks_and_versions() -> None:
    with pytest.raises(ValueError):
        Receipt.from_dict({"version": 1, "blocks": [{"kind": "hologram"}]})
    with pytest.raises(ValueError):
        Receipt.from_dict({"version": 99, "blocks": []})
    with pytest.raises(ValueError):
        Text("x", align="justify")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Barcode("条码")


def test_tm_t88_preset_lays_out_on_its_512_dots() -> None:
    from dataclasses import replace

    from printer.escpos_render import render

    from .escpos_decoder import decode

    tm88 = replace(PRESETS["epson-tm-t88"], chinese="native")
    assert (tm88.paper_mm, tm88.dots, tm88.columns, tm88.native_qr) == (80, 512, 42, True)
    doc = Receipt([Row("服务地点", "幸福里社区党群服务中心"), Divider(), Text("居中", "center")])
    assert all(line.columns <= 42 for line in decode(render(doc, tm88)).lines)
    assert max(line.columns for line in decode(render(doc, tm88)).lines) == 42
