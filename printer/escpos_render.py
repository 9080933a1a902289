"""A receipt as one ESC/POS byte string for one profile: the whole job, sent in one write.

Native mode wraps every line that is not pure ASCII in ``FS &`` … ``FS .`` and encodes it
in the profile's code page (python-escpos sends GB bytes without entering Chinese mode,
which prints mojibake on most Chinese firmware). Raster mode draws all text with the
bundled font and sends ``GS v 0`` images, grouping consecutive lines into one image.
"""

from __future__ import annotations

from collections.abc import Callable

from printer import commands, encoding
from printer.document import QR, Barcode, Cut, Feed, Image, Receipt
from printer.layout import Item, Line, lay_out
from printer.profiles import Profile
from printer.raster import Fonts, TextPainter, barcode_image, centred, picture, qr_image, stack
from printer.raster import to_escpos as image_bytes


def printable_for(profile: Profile, painter: TextPainter | None) -> Callable[[str], str]:
    if profile.chinese == "native":
        return lambda text: encoding.for_codepage(text, profile.codepage)
    if painter is None:
        raise ValueError("raster mode needs fonts")
    return lambda text: encoding.printable(text, painter.has_glyph)


def render(receipt: Receipt, profile: Profile, fonts: Fonts | None = None) -> bytes:
    painter = TextPainter(fonts, profile.cell) if fonts else None
    items = lay_out(receipt, profile, printable_for(profile, painter))
    out = bytearray(commands.INIT)
    band: list[Line] = []
    for item in items:
        if isinstance(item, Line) and profile.chinese == "raster":
            band.append(item)
            continue
        if band:
            assert painter is not None
            out += image_bytes(stack([painter.line(ln, profile.dots) for ln in band], profile.dots))
            band = []
        out += _item(item, profile)
    if band:
        assert painter is not None
        out += image_bytes(stack([painter.line(ln, profile.dots) for ln in band], profile.dots))
    return bytes(out)


def native_line(line: Line, codepage: str) -> bytes:
    out = bytearray()
    if line.bold:
        out += commands.BOLD_ON
    if line.double_width or line.double_height:
        out += commands.size(line.double_width, line.double_height)
    if line.text.isascii():
        out += line.text.encode("ascii")
    else:
        out += commands.CHINESE_ON + encoding.encode(line.text, codepage) + commands.CHINESE_OFF
    out += commands.LF
    if line.double_width or line.double_height:
        out += commands.size(False, False)
    if line.bold:
        out += commands.BOLD_OFF
    return bytes(out)


def _item(item: Item, profile: Profile) -> bytes:
    if isinstance(item, Line):
        return native_line(item, profile.codepage)
    if isinstance(item, QR):
        if profile.native_qr:
            module = max(1, min(item.size, 16))
            return (
                commands.ALIGN["center"]
                + commands.qr_native(item.payload.encode("utf-8"), module)
                + commands.LF
                + commands.ALIGN["left"]
            )
        return image_bytes(centred(qr_image(item.payload, item.size, profile.dots), profile.dots))
    if isinstance(item, Barcode):
        return (
            commands.ALIGN["center"]
            + commands.barcode(item.data, item.barcode_kind, item.height)
            + commands.LF
            + commands.ALIGN["left"]
        )
    if isinstance(item, Image):
        return image_bytes(centred(picture(item.png, profile.dots), profile.dots, item.align))
    if isinstance(item, Feed):
        return commands.feed(item.lines)
    if isinstance(item, Cut):
        return commands.cut(item.partial)
    raise TypeError(f"cannot render {item!r}")


__all__ = ["barcode_image", "native_line", "printable_for", "render"]
