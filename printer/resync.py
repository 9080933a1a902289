"""Bringing a printer's parser back to a known state after a partial job.

A job cut off inside ``GS v 0`` leaves a printer that keeps its parser state across
connections waiting for the rest of the picture: the next job's first bytes would be
drawn as dots. Before the next job we send NUL bytes until any command the printer may
still be inside has its declared length, then ``ESC @``. NUL outside a command is
ignored by ESC/POS printers, so over-padding costs only time.

How far the printer got is not known exactly (kernel buffers may or may not have
delivered what we handed over), so the padding covers the longest length-prefixed block
that started before the cut: whichever byte it stopped at, that many NULs finish it.
"""

from __future__ import annotations

from printer import commands

# Covers any short command (at most a few argument bytes) or half a GB18030 character.
SHORT = 8


def blocks(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of every length-prefixed command: GS v 0, GS ( k, GS k m n."""
    out: list[tuple[int, int]] = []
    pos, size = 0, len(data)
    while pos < size:
        if data[pos] != 0x1D or pos + 1 >= size:
            pos += 1
            continue
        op = data[pos + 1]
        if op == ord("v") and pos + 8 <= size and data[pos + 2] == ord("0"):
            xb = data[pos + 4] | data[pos + 5] << 8
            rows = data[pos + 6] | data[pos + 7] << 8
            end = pos + 8 + xb * rows
        elif op == ord("(") and pos + 5 <= size and data[pos + 2] == ord("k"):
            end = pos + 5 + (data[pos + 3] | data[pos + 4] << 8)
        elif op == ord("k") and pos + 4 <= size and data[pos + 2] >= 65:
            end = pos + 4 + data[pos + 3]
        else:
            pos += 2
            continue
        out.append((pos, end))
        pos = end
    return out


def padding_after(data: bytes, sent: int) -> int:
    """NULs that finish whatever command the printer may be inside, having received at
    most the first ``sent`` bytes of ``data``."""
    longest = max((end - start for start, end in blocks(data) if start < sent), default=0)
    return longest + SHORT


def prefix(pad: int) -> bytes:
    return b"\x00" * pad + commands.INIT
