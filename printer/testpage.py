"""The test page a technician prints when installing a printer.

It prints the same Chinese twice: once in the printer's own font (native) and once as
pictures (raster). Whichever half reads correctly tells which mode the profile wants; a
native half of garbage means the printer has no GB font (or a different code page).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from printer import escpos_render
from printer.document import QR, Barcode, Cut, Divider, Feed, Receipt, Row, Text
from printer.profiles import Profile
from printer.raster import Fonts

SAMPLE = "新时代文明实践站 积分兑换 ￥12.50（全角：，。！）"
QR_PAYLOAD = "KIOSK-TEST:扫码测试-0123456789"


def header(profile: Profile, when: datetime) -> Receipt:
    return Receipt(title="test page").add(
        Text("PRINTER TEST / 打印测试", "center", bold=True),
        Text(f"{profile.paper_mm} mm  {profile.dots} dots  {profile.columns} cols", "center"),
        Text(f"chinese={profile.chinese} codepage={profile.codepage}", "center"),
        Text(when.strftime("%Y-%m-%d %H:%M:%S"), "center"),
        Divider("="),
        Text("left 左对齐"),
        Text("center 居中", "center"),
        Text("right 右对齐", "right"),
        Text("bold 粗体", bold=True),
        Text("W 倍宽", double_width=True),
        Text("H 倍高", double_height=True),
        Text("WH 倍宽倍高", double_width=True, double_height=True),
        Row("标签 label", "数值 value"),
        Text(("1234567890" * 5)[: profile.columns]),
    )


def chinese_section(label: str) -> Receipt:
    return Receipt().add(Divider(), Text(label, bold=True), Text(SAMPLE))


def codes() -> Receipt:
    return Receipt().add(
        Divider(),
        QR(QR_PAYLOAD, caption="QR 二维码"),
        Barcode("KIOSK-0123", "CODE128"),
        Feed(1),
        Text("END 结束", "center"),
        Cut(),
    )


def test_page_bytes(profile: Profile, fonts: Fonts, when: datetime) -> bytes:
    """Header and codes in the profile's mode; the Chinese sample in both modes."""
    native = replace(profile, chinese="native")
    raster = replace(profile, chinese="raster")
    return b"".join(
        (
            escpos_render.render(header(profile, when), profile, fonts),
            escpos_render.render(chinese_section("A. native 本机字库"), native, fonts),
            escpos_render.render(chinese_section("B. raster 图像"), raster, fonts),
            escpos_render.render(codes(), profile, fonts),
        )
    )


def test_page(profile: Profile, when: datetime) -> Receipt:
    """The whole page as one document (for a PNG preview)."""
    page = header(profile, when)
    page.blocks += chinese_section(f"{profile.chinese} 中文").blocks + codes().blocks
    return page
