"""Receipt blocks laid out on the column grid of one profile.

Every renderer (ESC/POS native or raster, PNG preview, plain text) draws these lines, so
a row aligns the same way on paper, on screen and in a test. A ``Line`` holds exactly the
characters to print, already padded to its alignment, never wider than the paper.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from printer import width
from printer.document import QR, Barcode, Cut, Divider, Feed, Image, Receipt, Row, Text
from printer.profiles import Profile


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    double_width: bool = False
    double_height: bool = False

    @property
    def scale_x(self) -> int:
        return 2 if self.double_width else 1


Item = Line | QR | Barcode | Image | Feed | Cut


def lay_out(
    receipt: Receipt, profile: Profile, printable: Callable[[str], str] = lambda s: s
) -> list[Item]:
    """Blocks to lines; ``printable`` swaps characters the target cannot show first, so
    that widths are measured on what will really be printed."""
    items: list[Item] = []
    cols = profile.columns
    for block in receipt.blocks:
        if isinstance(block, Text):
            items.extend(_text(block, cols, printable))
        elif isinstance(block, Row):
            items.extend(_row(printable(block.label), printable(block.value), block.bold, cols))
        elif isinstance(block, Divider):
            char = printable(block.char) or "-"
            items.append(Line(char * (cols // max(1, width.text_width(char)))))
        elif isinstance(block, QR):
            items.append(block)
            if block.caption:
                items.extend(_text(Text(block.caption, "center"), cols, printable))
        else:
            items.append(block)
    return items


def _text(block: Text, cols: int, printable: Callable[[str], str]) -> list[Line]:
    avail = cols // (2 if block.double_width else 1)
    return [
        Line(
            width.pad(part, avail, block.align).rstrip(),
            block.bold,
            block.double_width,
            block.double_height,
        )
        for part in width.wrap(printable(block.text), avail)
    ]


# A trailing quantity ("毛巾 ×3"): it stays on a line with the end of the name.
QUANTITY = re.compile(r"^(.*\S)\s*(×\d+)$")


def _row(label: str, value: str, bold: bool, cols: int) -> list[Line]:
    lw, vw = width.text_width(label), width.text_width(value)
    if lw + 1 + vw <= cols:
        return [Line(label + " " * (cols - lw - vw) + value, bold)]
    avail = cols - vw - 1
    if avail < cols // 2:
        # A value too wide for a column: the label, then the value right-aligned under it.
        lines = [Line(part, bold) for part in _wrap_label(label, cols)]
        lines += [Line(width.pad(part, cols, "right"), bold) for part in width.wrap(value, cols)]
        return lines
    # Two columns: the label wraps in its own, the value sits on the label's last line,
    # so neither the points nor the quantity ever stands alone on a line.
    parts = _wrap_label(label, avail)
    last = parts[-1]
    gap = cols - width.text_width(last) - vw
    return [Line(part, bold) for part in parts[:-1]] + [Line(last + " " * gap + value, bold)]


def _wrap_label(label: str, cols: int) -> list[str]:
    m = QUANTITY.match(label)
    if not m:
        return width.wrap(label, cols)
    name, qty = m[1], m[2]
    qw = width.text_width(qty)
    parts = width.wrap(name, cols)
    last = parts[-1]
    if width.text_width(last) + 1 + qw <= cols:
        return [*parts[:-1], f"{last} {qty}"]
    # No room: the name's last word (or last character, in Chinese) goes down with it.
    cut = last.rfind(" ")
    keep, move = (last[:cut], last[cut + 1 :]) if cut > 0 else (last[:-1], last[-1])
    if width.text_width(move) + 1 + qw > cols:
        keep, move = last, ""
    return [*parts[:-1], keep.rstrip(), f"{move} {qty}".strip()] if keep else [f"{move} {qty}"]
