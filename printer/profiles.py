"""What a printer can do: paper width, how it prints Chinese, whether it draws QR codes.

Which printers want which (see docs/printing.md):

- Printers sold in mainland China (Xprinter XP-58/XP-80, GOOJPRT, Rongta, HPRT, Gainscha,
  Sunmi and most "POS-58/POS-80" clones) carry a GB18030 (older ones: GBK) font: ``native``
  mode sends text as GB bytes between ``FS &`` and ``FS .`` — small jobs, crisp print.
- Epson TM-T20/T82/T88 international models and other printers without a Chinese font
  print Chinese only as pictures: ``raster`` mode draws text with the bundled font.

The default is ``raster``: it prints correctly on every ESC/POS printer, and looks exactly
like the preview. A technician switches to ``native`` for a known Chinese-market printer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Chinese = Literal["native", "raster"]
Codepage = Literal["gb18030", "gbk"]

DOTS = {58: 384, 80: 576}
COLUMNS = {58: 32, 80: 48}


@dataclass(frozen=True)
class Profile:
    paper_mm: int = 80
    chinese: Chinese = "raster"
    codepage: Codepage = "gb18030"
    native_qr: bool = True
    name: str = "default"
    # Printable width in dots and in 12-dot columns; derived from paper_mm unless given.
    dots: int = 0
    columns: int = 0

    def __post_init__(self) -> None:
        if self.paper_mm not in DOTS and not (self.dots and self.columns):
            raise ValueError(f"paper_mm must be 58 or 80 (else give dots): {self.paper_mm}")
        if self.chinese not in ("native", "raster"):
            raise ValueError(f"chinese must be native or raster, not {self.chinese!r}")
        if self.codepage not in ("gb18030", "gbk"):
            raise ValueError(f"codepage must be gb18030 or gbk, not {self.codepage!r}")
        if not self.dots:
            object.__setattr__(self, "dots", DOTS[self.paper_mm])
        if not self.columns:
            object.__setattr__(self, "columns", COLUMNS[self.paper_mm])

    @property
    def cell(self) -> int:
        """Dots per column: 12 on both standard widths (ASCII 12x24, hanzi 24x24)."""
        return self.dots // self.columns


def make_profile(
    paper_mm: int = 80, chinese: str = "raster", codepage: str = "gb18030", native_qr: bool = True
) -> Profile:
    return Profile(
        paper_mm=paper_mm,
        chinese=chinese,  # type: ignore[arg-type]  # checked in Profile.__post_init__
        codepage=codepage,  # type: ignore[arg-type]
        native_qr=native_qr,
        name="custom",
    )


PRESETS: dict[str, Profile] = {
    # Chinese-market clones: GB18030 font and native QR.
    "xprinter-80": Profile(80, "native", "gb18030", True, "xprinter-80"),
    "xprinter-58": Profile(58, "native", "gb18030", True, "xprinter-58"),
    # Older Chinese firmware: GBK font, QR drawn as an image.
    "pos58-gbk": Profile(58, "native", "gbk", False, "pos58-gbk"),
    # International Epson TM series: no Chinese font, QR built in.
    "epson-tm-t20": Profile(80, "raster", "gb18030", True, "epson-tm-t20"),
    # The TM-T88 series prints 512 dots (42 columns) on 80 mm paper, not 576.
    "epson-tm-t88": Profile(80, "raster", "gb18030", True, "epson-tm-t88", dots=512, columns=42),
    # Unknown printer: everything as pictures, which every ESC/POS printer prints.
    "safe-58": Profile(58, "raster", "gb18030", False, "safe-58"),
    "safe-80": Profile(80, "raster", "gb18030", False, "safe-80"),
}
DEFAULT = Profile()
