"""Exact bytes for the basic commands, the way python-escpos tests itself on Dummy."""

from __future__ import annotations

import pytest

from printer import commands
from printer.document import Cut, Divider, Feed, Receipt, Row, Text
from printer.escpos_render import native_line, render
from printer.layout import Line
from printer.profiles import make_profile

NATIVE58 = make_profile(58, "native", "gb18030", True)


def test_init_align_bold_size_cut_feed() -> None:
    assert commands.INIT == b"\x1b@"
    assert commands.ALIGN["center"] == b"\x1ba\x01"
    assert commands.BOLD_ON + commands.BOLD_OFF == b"\x1bE\x01\x1bE\x00"
    assert commands.size(True, True) == b"\x1d!\x11"
    assert commands.size(True, False) == b"\x1d!\x10"
    assert commands.size(False, True) == b"\x1d!\x01"
    assert commands.feed(3) == b"\x1bd\x03"
    assert commands.cut(partial=True) == b"\x1bd\x04\x1dV\x01"
    assert commands.cut(partial=False) == b"\x1bd\x04\x1dV\x00"


def test_status_queries() -> None:
    assert commands.STATUS_PRINTER == b"\x10\x04\x01"
    assert commands.STATUS_PAPER == b"\x10\x04\x04"


def test_raster_header() -> None:
    assert commands.raster(2, 1, b"\xff\x00") == b"\x1dv0\x00\x02\x00\x01\x00\xff\x00"
    with pytest.raises(ValueError):
        commands.raster(2, 2, b"\x00")


def test_native_qr_bytes() -> None:
    assert commands.qr_native(b"AB", 6) == (
        b"\x1d(k\x04\x001A2\x00"  # model 2
        b"\x1d(k\x03\x001C\x06"  # module size 6
        b"\x1d(k\x03\x001E1"  # error correction M
        b"\x1d(k\x05\x001P0AB"  # store "AB"
        b"\x1d(k\x03\x001Q0"  # print
    )


def test_barcode_code128_starts_in_set_b() -> None:
    assert commands.barcode("A1", "CODE128", 80, 2) == (
        b"\x1dhP\x1dw\x02\x1dH\x02" + b"\x1dkI\x04{BA1"
    )


def test_chinese_line_is_wrapped_in_fs_and_encoded() -> None:
    assert native_line(Line("取号 A1"), "gb18030") == b"\x1c&\xc8\xa1\xba\xc5 A1\x1c.\n"
    assert native_line(Line("ok", bold=True), "gbk") == b"\x1bE\x01ok\n\x1bE\x00"
    assert native_line(Line("大", double_width=True, double_height=True), "gbk") == (
        b"\x1d!\x11\x1c&\xb4\xf3\x1c.\n\x1d!\x00"
    )


def test_whole_small_receipt_exact_bytes() -> None:
    receipt = Receipt([Text("Hi", "center"), Row("积分", "5"), Divider("="), Feed(2), Cut()])
    expected = (
        b"\x1b@"
        + b"               Hi\n"
        + b"\x1c&\xbb\xfd\xb7\xd6"
        + b" " * 27
        + b"5\x1c.\n"
        + b"=" * 32
        + b"\n"
        + b"\x1bd\x02"
        + b"\x1bd\x04\x1dV\x01"
    )
    assert render(receipt, NATIVE58) == expected
