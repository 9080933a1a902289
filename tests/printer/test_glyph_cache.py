"""Raster receipts keep FreeType's glyph masks (figure 7: rendering every character
again was most of a receipt's time). The kept masks must draw exactly what
``ImageDraw.text`` draws: same pixels, every character kind, both weights, every size."""

from __future__ import annotations

from printer import raster
from printer.fonts import Fonts
from printer.layout import Line

TEXTS = [
    "积分兑换 鸡蛋一盒 ×2 共 60 分",
    "新时代文明实践站（梅园社区）",
    "Ticket A1207-001  Mmm WWW mW",  # Latin wider than a cell takes the narrowing path
    "电话 138****1234 · 地址：梅园小区3号楼2单元401",
    "￥0.00 — 「王阿姨」 ‘quotes’ 12:30~18:00",
    "余额 1,234 分  ★★★☆☆",
]


class _DrawText(raster.TextPainter):
    """The painter before the glyph cache: PIL's draw.text for every character."""

    def _glyph(self, grey, draw, font, ch, x, cell_w, baseline):  # type: ignore[no-untyped-def]
        advance = raster._advance(font, ch)
        if advance <= cell_w:
            draw.text((x + (cell_w - advance) / 2, baseline), ch, font=font, fill=0, anchor="ls")
            return
        super()._glyph(grey, draw, font, ch, x, cell_w, baseline)


def test_kept_glyphs_draw_the_same_pixels_as_draw_text(fonts: Fonts) -> None:
    cached, reference = raster.TextPainter(fonts), _DrawText(fonts)
    for text in TEXTS:
        for bold in (False, True):
            for wide, tall in ((False, False), (True, True), (True, False)):
                line = Line(text, bold=bold, double_width=wide, double_height=tall)
                for _ in range(2):  # the second time from the kept masks
                    got, want = cached.line(line, 576), reference.line(line, 576)
                    assert got.tobytes() == want.tobytes(), (text, bold, wide, tall)
                    assert got.getbbox() is not None  # something was drawn
