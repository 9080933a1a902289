"""Display width in printer columns: what a receipt line occupies on paper.

A printer's Chinese font is twice as wide as its ASCII font (24 vs 12 dots at 203 dpi),
and every GB-encoded character is two bytes and prints two columns wide, so anything that
is not plain half-width counts as two. Raster mode draws into the same grid, so both modes
share one layout.
"""

from __future__ import annotations

import unicodedata


def char_width(ch: str) -> int:
    if ch < "\x80":
        return 0 if ch < " " else 1
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0  # marks, selectors and joiners draw nothing of their own
    return 1 if unicodedata.east_asian_width(ch) in ("Na", "H") else 2


def text_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break ``text`` into lines no wider than ``columns``: at spaces when a Latin word
    fits, anywhere between CJK characters (Chinese has no spaces to break at)."""
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(_wrap_para(para, columns))
    return lines


def _wrap_para(text: str, columns: int) -> list[str]:
    out: list[str] = []
    line = ""
    width = 0
    for ch in text:
        w = char_width(ch)
        if width + w > columns and line:
            cut = line.rfind(" ")
            tail = line[cut + 1 :]
            # Break at the last space only inside a Latin word; CJK breaks anywhere.
            if ch != " " and ch.isascii() and cut > 0 and tail and tail.isascii():
                out.append(line[:cut].rstrip())
                line = tail
            else:
                out.append(line.rstrip())
                line = ""
            width = text_width(line)
            if ch == " " and not line:
                continue
        line += ch
        width += w
    out.append(line.rstrip())
    return out


def fit(text: str, columns: int, ellipsis: str = "…") -> str:
    """Cut ``text`` to at most ``columns``, marking the cut."""
    if text_width(text) <= columns:
        return text
    keep = columns - text_width(ellipsis)
    out = ""
    for ch in text:
        if text_width(out) + char_width(ch) > keep:
            break
        out += ch
    return out + ellipsis


def pad(text: str, columns: int, align: str = "left") -> str:
    """``text`` padded with spaces to exactly ``columns`` (it must already fit)."""
    gap = max(0, columns - text_width(text))
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    if align == "right":
        return " " * gap + text
    return text + " " * gap
