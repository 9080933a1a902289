"""Which font files raster text is drawn with (no Pillow here: the print queue names its
fonts at start, and Pillow, qrcode and the barcode writer load with the first receipt)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Fonts:
    """Font files for raster text; ``index`` picks a face in a .ttc collection."""

    regular: Path
    bold: Path | None = None
    index: int = 0

    def path(self, bold: bool) -> Path:
        return self.bold if bold and self.bold else self.regular
