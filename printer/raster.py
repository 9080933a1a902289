"""Pictures for the printer: text drawn with the bundled font, QR codes, barcodes, logos.

Text is drawn on the same 12-dot column grid the printer's own font uses, one character
per cell (two cells for Chinese), so rows align exactly as in native mode. Glyphs are
rendered in grey at the final size and thresholded, which keeps 24-dot hanzi legible at
203 dpi; a wider pen (the Bold face) is used for bold lines.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

import barcode as pybarcode
import qrcode
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from printer import commands, width
from printer.commands import MAX_BAND
from printer.fonts import Fonts
from printer.layout import Line

FONT_PX = 24  # em size of one line at 203 dpi: 3 mm, the printers' own Chinese font size
LINE_PX = 32  # line pitch; the printers' default is 30 dots, a little air reads better


@lru_cache(maxsize=32)
def _font(path: Path, index: int, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), px, index=index)


@lru_cache(maxsize=8192)
def _advance(font: ImageFont.FreeTypeFont, ch: str) -> float:
    return font.getlength(ch)


# ~2.5 KiB a kept 24-px mask (measured): 1,024 of them bound the cache at ~3-4 MiB, and
# a receipt's characters (the station's name, headings, digits, common hanzi) stay in it.
@lru_cache(maxsize=1024)
def _glyph_mask(
    font: ImageFont.FreeTypeFont, ch: str, mode: str, ink: int, start: tuple[float, float]
) -> tuple[object, tuple[int, int]]:
    """FreeType's rendering of one character at one sub-pixel offset, as ``draw.text``
    asks for it (its ``getmask2`` call, anchor ``ls``), kept: a receipt draws ~300
    characters, nearly all seen before, and FreeType rendering each one again was ~60 %
    of a raster receipt (figure 7). ``TextPainter.line`` then draws the kept mask exactly
    as ``draw.text`` would; tests/printer/test_glyph_cache.py holds it to the same pixels."""
    return font.getmask2(ch, mode, anchor="ls", ink=ink, start=start, stroke_filled=True)


# Glyph coverage per font file, shared by every painter: a receipt renders with a fresh
# TextPainter, and asking FreeType again for each hanzi of each receipt cost ~10% of it.
_COVERAGE: dict[tuple[Path, int], dict[str, bool]] = {}
# Grey to 1-bit at 140 as a table: Image.point calls a lambda 256 times per line.
_THRESHOLD = [255 if v >= 140 else 0 for v in range(256)]


class TextPainter:
    """Draws layout lines with one pair of font files."""

    def __init__(self, fonts: Fonts, cell: int = 12) -> None:
        self.fonts = fonts
        self.cell = cell
        self._missing = self._mask("\ue000", False)
        self._has = _COVERAGE.setdefault((fonts.path(False), fonts.index), {})

    def has_glyph(self, ch: str) -> bool:
        """False for characters the font draws as the empty .notdef box."""
        if ch < "\x80":
            return True
        known = self._has.get(ch)
        if known is None:
            known = self._has[ch] = self._mask(ch, False) != self._missing
        return known

    def _mask(self, ch: str, bold: bool) -> bytes:
        font = _font(self.fonts.path(bold), self.fonts.index, FONT_PX)
        return bytes(font.getmask(ch))

    def _glyph(
        self,
        grey: Image.Image,
        draw: ImageDraw.ImageDraw,
        font: ImageFont.FreeTypeFont,
        ch: str,
        x: int,
        cell_w: int,
        baseline: float,
    ) -> None:
        """One character centred in its cells; Latin letters wider than a cell (m, W)
        are narrowed to fit, as a printer's fixed-pitch font would draw them."""
        advance = _advance(font, ch)
        if advance <= cell_w:
            left = x + (cell_w - advance) / 2
            # draw.text((left, baseline), ch, font=font, fill=0, anchor="ls"), with
            # FreeType's mask kept (see _glyph_mask): black ink on the grey line.
            ink = draw.draw.draw_ink(0)
            start = (math.modf(left)[0], math.modf(baseline)[0])
            mask, offset = _glyph_mask(font, ch, draw.fontmode, ink, start)
            at = (int(left) + offset[0], int(baseline) + offset[1])
            draw.draw.draw_bitmap(at, mask, ink)
            return
        tmp = Image.new("L", (max(1, round(advance)), grey.size[1]), 255)
        ImageDraw.Draw(tmp).text((0, baseline), ch, font=font, fill=0, anchor="ls")
        _paste_darker(grey, tmp.resize((cell_w, grey.size[1]), Image.Resampling.LANCZOS), x)

    def line(self, line: Line, dots: int) -> Image.Image:
        """One line as a 1-bit image ``dots`` wide (black = 1 in ``tobytes`` after invert)."""
        sx, sy = (2 if line.double_width else 1), (2 if line.double_height else 1)
        if not line.text.strip():
            return Image.new("1", (dots, LINE_PX * sy), 1)
        scale = max(sx, sy)
        px = FONT_PX * scale
        font = _font(self.fonts.path(line.bold), self.fonts.index, px)
        cell = self.cell * scale
        grey = Image.new("L", (width.text_width(line.text) * cell + 1, LINE_PX * scale), 255)
        # Hanzi fill the em box from 0.88 em above the baseline to 0.12 em below it; the
        # em box sits centred in the line, which leaves room for Latin descenders.
        baseline = ((LINE_PX - FONT_PX) / 2 + FONT_PX * 0.86) * scale
        col = 0
        draw = ImageDraw.Draw(grey)
        for ch in line.text:
            w = width.char_width(ch)
            if ch != " " and w:
                self._glyph(grey, draw, font, ch, col * cell, w * cell, baseline)
            col += w
        target = (max(1, width.text_width(line.text) * self.cell * sx), LINE_PX * sy)
        if grey.size[0] - 1 != target[0] or grey.size[1] != target[1]:
            grey = grey.crop((0, 0, grey.size[0] - 1, grey.size[1])).resize(
                target, Image.Resampling.LANCZOS
            )
        else:
            grey = grey.crop((0, 0, target[0], target[1]))
        out = Image.new("1", (dots, LINE_PX * sy), 1)
        out.paste(grey.point(_THRESHOLD, mode="1"), (0, 0))
        return out


def _paste_darker(dst: Image.Image, src: Image.Image, x: int) -> None:
    box = (x, 0, x + src.size[0], src.size[1])
    dst.paste(ImageChops.darker(dst.crop(box), src), box)


def stack(images: list[Image.Image], dots: int) -> Image.Image:
    height = sum(im.size[1] for im in images)
    out = Image.new("1", (dots, max(1, height)), 1)
    y = 0
    for im in images:
        out.paste(im, (0, y))
        y += im.size[1]
    return out


def centred(img: Image.Image, dots: int, align: str = "center") -> Image.Image:
    """``img`` (1-bit) placed on a full-width strip; wider images are scaled down."""
    if img.size[0] > dots:
        ratio = dots / img.size[0]
        img = (
            img.convert("L")
            .resize((dots, max(1, round(img.size[1] * ratio))), Image.Resampling.LANCZOS)
            .convert("1")
        )
    out = Image.new("1", (dots, img.size[1]), 1)
    x = {"left": 0, "right": dots - img.size[0]}.get(align, (dots - img.size[0]) // 2)
    out.paste(img, (x, 0))
    return out


def qr_image(payload: str, module: int, dots: int) -> Image.Image:
    """QR at ``module`` dots per module (smaller if it would not fit), 4-module quiet zone."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    qr.add_data(payload.encode("utf-8"))
    qr.make(fit=True)
    n = qr.modules_count + 8
    module = max(1, min(module, dots // n))
    img = qr.make_image(fill_color="black", back_color="white").get_image().convert("1")
    return img.resize((n * module, n * module), Image.Resampling.NEAREST)


_BARCODE_NAMES = {"CODE128": "code128", "CODE39": "code39", "EAN13": "ean13"}


def barcode_image(data: str, kind: str, height: int, module: int = 2) -> Image.Image:
    """The bars the printer's GS k draws, for previews (without the human-readable text)."""
    options = {"add_checksum": False} if kind == "CODE39" else {}
    code = pybarcode.get(_BARCODE_NAMES[kind], data, **options)
    bars = code.build()[0]
    img = Image.new("1", ((len(bars) + 20) * module, height), 1)
    draw = ImageDraw.Draw(img)
    for i, bit in enumerate(bars):
        if bit == "1":
            x = (i + 10) * module
            draw.rectangle((x, 0, x + module - 1, height - 1), fill=0)
    return img


def picture(png: bytes, dots: int) -> Image.Image:
    """A logo as dithered 1-bit, at most the paper's width."""
    img: Image.Image = Image.open(io.BytesIO(png))
    img = ImageOps.exif_transpose(img).convert("RGBA")
    flat = Image.new("RGBA", img.size, (255, 255, 255, 255))
    flat.alpha_composite(img)
    return flat.convert("L").convert("1")


def to_escpos(img: Image.Image) -> bytes:
    """1-bit image to GS v 0 bands (PIL's "1" packs white as 1; ESC/POS wants black as 1)."""
    img = img.convert("1")
    w8 = (img.size[0] + 7) // 8 * 8
    if w8 != img.size[0]:
        padded = Image.new("1", (w8, img.size[1]), 1)
        padded.paste(img, (0, 0))
        img = padded
    inverted = ImageOps.invert(img.convert("L")).convert("1")
    out = bytearray()
    for top in range(0, img.size[1], MAX_BAND):
        band = inverted.crop((0, top, w8, min(img.size[1], top + MAX_BAND)))
        out += commands.raster(w8 // 8, band.size[1], band.tobytes())
    return bytes(out)
