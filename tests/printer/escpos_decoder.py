"""A test-side ESC/POS reader, written from the command reference, not from our renderer.

It walks the whole stream and fails on any byte sequence it does not know, so a renderer
bug (a stray byte, a wrong length, GB bytes outside Chinese mode) cannot hide. It gives
back the printed text lines (decoding GB18030/GBK only inside ``FS &`` … ``FS .``), with
their width in columns, the raster images, the QR payloads stored with ``GS ( k`` and
the barcodes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from PIL import Image, ImageOps


class DecodeError(AssertionError):
    pass


def _width(ch: str) -> int:
    if ch < "\x80":
        return 1
    return 1 if unicodedata.east_asian_width(ch) in ("Na", "H") else 2


@dataclass
class PrintedLine:
    text: str
    columns: int  # on paper, double width counted
    bold: bool
    double_width: bool
    double_height: bool
    chinese_mode: bool  # line contained GB bytes inside FS & … FS .


@dataclass
class Decoded:
    lines: list[PrintedLine] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)  # merged consecutive bands
    qr_payloads: list[bytes] = field(default_factory=list)
    qr_printed: int = 0
    barcodes: list[tuple[int, bytes]] = field(default_factory=list)
    cuts: int = 0
    feeds: int = 0
    inits: int = 0
    nuls: int = 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class _Reader:
    def __init__(self, data: bytes, codepage: str) -> None:
        self.data, self.pos, self.codepage = data, 0, codepage
        self.out = Decoded()
        self.reset()
        self.buf: list[str] = []
        self.line_has_gb = False
        self.last_was_image = False

    def reset(self) -> None:
        self.chinese = False
        self.bold = False
        self.dw = self.dh = False
        self.align = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise DecodeError(f"truncated command at {self.pos}: wants {n} bytes")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def end_line(self) -> None:
        text = "".join(self.buf)
        cols = sum(_width(c) for c in text) * (2 if self.dw else 1)
        self.out.lines.append(
            PrintedLine(text, cols, self.bold, self.dw, self.dh, self.line_has_gb)
        )
        self.buf, self.line_has_gb = [], False

    def run(self) -> Decoded:
        while self.pos < len(self.data):
            b = self.byte()
            image = False
            if b == 0x0A:
                self.end_line()
            elif b == 0x1B:
                self.esc()
            elif b == 0x1D:
                image = self.gs()
            elif b == 0x1C:
                self.fs()
            elif 0x20 <= b < 0x7F:
                self.buf.append(chr(b))
            elif b >= 0x80:
                self.gb(b)
            elif b == 0x00:
                # NUL outside a command does nothing on ESC/POS printers; the resync after
                # a partial job pads with it. Counted so receipts can be held to none.
                self.out.nuls += 1
            else:
                raise DecodeError(f"unknown control byte 0x{b:02x} at {self.pos - 1}")
            self.last_was_image = image
        if self.buf:
            raise DecodeError(f"text left unprinted at the end: {''.join(self.buf)!r}")
        if self.chinese:
            raise DecodeError("stream ends in Chinese mode (FS & without FS .)")
        return self.out

    def gb(self, lead: int) -> None:
        if not self.chinese:
            raise DecodeError(f"byte 0x{lead:02x} outside Chinese mode at {self.pos - 1}")
        second = self.byte()
        raw = bytes([lead, second])
        if 0x30 <= second <= 0x39:
            raw += self.take(2)
        try:
            self.buf.append(raw.decode(self.codepage))
        except UnicodeDecodeError as exc:
            raise DecodeError(f"{raw!r} is not {self.codepage} at {self.pos}") from exc
        self.line_has_gb = True

    def esc(self) -> None:
        cmd = self.byte()
        if cmd == 0x40:  # ESC @
            self.reset()
            self.out.inits += 1
        elif cmd == 0x61:  # ESC a n
            n = self.byte()
            if n not in (0, 1, 2, 48, 49, 50):
                raise DecodeError(f"ESC a {n}")
            self.align = n % 48
        elif cmd == 0x45:  # ESC E n
            self.bold = bool(self.byte() & 1)
        elif cmd == 0x64:  # ESC d n
            if self.buf:
                self.end_line()
            self.out.feeds += self.byte()
        else:
            raise DecodeError(f"unknown ESC 0x{cmd:02x} at {self.pos - 2}")

    def fs(self) -> None:
        cmd = self.byte()
        if cmd == 0x26:
            self.chinese = True
        elif cmd == 0x2E:
            self.chinese = False
        else:
            raise DecodeError(f"unknown FS 0x{cmd:02x}")

    def gs(self) -> bool:
        cmd = self.byte()
        if cmd == 0x21:  # GS ! n
            n = self.byte()
            if n & 0x88 or n & 0x70 > 0x10 or n & 0x07 > 1:
                raise DecodeError(f"GS ! 0x{n:02x}: sizes beyond double are never used")
            self.dw, self.dh = bool(n & 0x10), bool(n & 0x01)
        elif cmd == 0x56:  # GS V m [n]
            m = self.byte()
            if m in (65, 66):
                self.byte()
            elif m not in (0, 1, 48, 49):
                raise DecodeError(f"GS V {m}")
            self.out.cuts += 1
        elif cmd == 0x76:  # GS v 0 m xL xH yL yH d…
            if self.byte() != 0x30 or self.byte() not in (0, 48):
                raise DecodeError("GS v: only GS v 0 in normal mode")
            xb = int.from_bytes(self.take(2), "little")
            y = int.from_bytes(self.take(2), "little")
            self.image(xb, y, self.take(xb * y))
            return True
        elif cmd == 0x28:  # GS ( k
            if self.byte() != 0x6B:
                raise DecodeError("GS ( other than k")
            size = int.from_bytes(self.take(2), "little")
            self.qr(self.take(size))
        elif cmd == 0x6B:  # GS k m n d…
            m = self.byte()
            if not 65 <= m <= 73:
                raise DecodeError(f"GS k {m}: only function B is used")
            n = self.byte()
            self.out.barcodes.append((m, self.take(n)))
        elif cmd in (0x68, 0x77, 0x48):  # GS h / GS w / GS H
            self.byte()
        else:
            raise DecodeError(f"unknown GS 0x{cmd:02x} at {self.pos - 2}")
        return False

    def qr(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:
            raise DecodeError(f"GS ( k for a symbol other than QR: {body[:4]!r}")
        fn = body[1]
        if fn == 80:
            if body[2] != 0x30:
                raise DecodeError("QR store with m != 48")
            self.out.qr_payloads.append(body[3:])
        elif fn == 81:
            if not self.out.qr_payloads:
                raise DecodeError("QR print before any store")
            self.out.qr_printed += 1
        elif fn not in (65, 67, 69):
            raise DecodeError(f"QR function {fn}")

    def image(self, xb: int, y: int, data: bytes) -> None:
        if self.buf:
            raise DecodeError("raster image in the middle of a text line")
        img = Image.frombytes("1", (xb * 8, y), data)
        img = ImageOps.invert(img.convert("L")).convert("1")  # bits: 1 = black dot
        prev = self.out.images[-1] if self.out.images and self.last_was_image else None
        if prev is not None and prev.size[0] == img.size[0]:
            merged = Image.new("1", (img.size[0], prev.size[1] + y), 1)
            merged.paste(prev, (0, 0))
            merged.paste(img, (0, prev.size[1]))
            self.out.images[-1] = merged
        else:
            self.out.images.append(img)


def decode(data: bytes, codepage: str = "gb18030") -> Decoded:
    return _Reader(data, codepage).run()


def ink_width(img: Image.Image) -> int:
    """Right-most black column + 1 (0 for a blank image)."""
    box = ImageOps.invert(img.convert("L")).getbbox()
    return box[2] if box else 0
