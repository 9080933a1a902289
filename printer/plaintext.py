"""The receipt as plain text on the same column grid: logs, tests, a terminal preview."""

from __future__ import annotations

from printer import encoding
from printer.document import QR, Barcode, Cut, Feed, Image, Receipt
from printer.layout import Line, lay_out
from printer.profiles import Profile


def render_text(receipt: Receipt, profile: Profile) -> str:
    """One string, one receipt line per text line. Double-width lines are shown with their
    characters as typed (they occupy twice the columns on paper)."""
    out: list[str] = []
    for item in lay_out(receipt, profile, lambda s: encoding.for_codepage(s, "gb18030")):
        if isinstance(item, Line):
            out.append(item.text)
        elif isinstance(item, QR):
            out.append(f"[QR {item.payload}]")
        elif isinstance(item, Barcode):
            out.append(f"[{item.barcode_kind} {item.data}]")
        elif isinstance(item, Image):
            out.append("[image]")
        elif isinstance(item, Feed):
            out.extend([""] * item.lines)
        elif isinstance(item, Cut):
            out.append("- - - - 8< - - - -")
    return "\n".join(out) + "\n"
