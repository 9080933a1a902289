"""A PNG of the receipt as it comes out of the printer: same grid, same font, same codes.

Used by the ``preview://`` connection (demo mode, development) and for docs/receipts/.
The image is 1-bit at the printer's resolution (8 dots/mm), so what reads well here reads
well on paper.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from printer.document import QR, Barcode, Cut, Feed, Receipt
from printer.document import Image as Picture
from printer.escpos_render import printable_for
from printer.layout import Line, lay_out
from printer.profiles import Profile
from printer.raster import (
    LINE_PX,
    Fonts,
    TextPainter,
    barcode_image,
    centred,
    picture,
    qr_image,
    stack,
)

MARGIN = 16  # blank rows above and below, like the paper leaving the printer


def render_image(receipt: Receipt, profile: Profile, fonts: Fonts) -> Image.Image:
    painter = TextPainter(fonts, profile.cell)
    dots = profile.dots
    parts: list[Image.Image] = [Image.new("1", (dots, MARGIN), 1)]
    for item in lay_out(receipt, profile, printable_for(profile, painter)):
        if isinstance(item, Line):
            parts.append(painter.line(item, dots))
        elif isinstance(item, QR):
            parts.append(centred(qr_image(item.payload, item.size, dots), dots))
        elif isinstance(item, Barcode):
            parts.append(Image.new("1", (dots, LINE_PX // 2), 1))
            parts.append(centred(barcode_image(item.data, item.barcode_kind, item.height), dots))
            parts.append(painter.line(Line(item.data.center(profile.columns).rstrip()), dots))
        elif isinstance(item, Picture):
            parts.append(centred(picture(item.png, dots), dots, item.align))
        elif isinstance(item, Feed):
            parts.append(Image.new("1", (dots, LINE_PX * item.lines), 1))
        elif isinstance(item, Cut):
            parts.append(_cut_mark(dots))
    parts.append(Image.new("1", (dots, MARGIN), 1))
    return stack(parts, dots)


def _cut_mark(dots: int) -> Image.Image:
    img = Image.new("1", (dots, LINE_PX * 2), 1)
    draw = ImageDraw.Draw(img)
    y = LINE_PX * 2 - 4
    for x in range(0, dots, 12):
        draw.line((x, y, x + 6, y), fill=0)
    return img


def render_png(receipt: Receipt, profile: Profile, fonts: Fonts) -> bytes:
    buf = io.BytesIO()
    render_image(receipt, profile, fonts).save(buf, format="PNG", optimize=True)
    return buf.getvalue()
