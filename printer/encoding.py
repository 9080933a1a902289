"""Text for a printer's own Chinese font: GB18030 or GBK bytes, with a documented fallback.

A character the code page cannot encode (or the printer's font will not have) is never
sent as ``?``. In order, it becomes:

1. a look-alike from ``SUBSTITUTES`` (``¥``→``￥``, ``•``→``·``, ``✓``→``√`` …);
2. its NFKC compatibility form if that encodes (``ｶ``→``カ``, ``ﬁ``→``fi``);
3. ``〓`` (U+3013 GETA MARK), the typesetters' mark for a missing character, which every
   GB2312 font has. The loss is logged.

GB18030 printers get the two-byte area and the four-byte codes of CJK Extension A (rare
name characters), which GB18030-2000 fonts carry; other four-byte codes (emoji, newer
extensions) are not in any printer font and take the fallback.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from functools import lru_cache

log = logging.getLogger(__name__)

MISSING = "〓"
SUBSTITUTES = {
    "¥": "￥",
    "•": "·",
    "‧": "·",
    "✓": "√",
    "✔": "√",
    "✗": "×",
    "✘": "×",
    "€": "EUR",
    "–": "-",
    "‐": "-",
    "−": "-",
    "\u00a0": " ",
    "\u3000": "  ",
    "„": "“",
    "‟": "”",
    "′": "'",
    "″": '"',
    "⁄": "/",
}


def _ext_a(ch: str) -> bool:
    return "\u3400" <= ch <= "\u4dbf"


@lru_cache(maxsize=4096)
def encodable(ch: str, codepage: str) -> bool:
    try:
        raw = ch.encode(codepage)
    except UnicodeEncodeError:
        return False
    return len(raw) <= 2 or (codepage == "gb18030" and _ext_a(ch))


def _extends(ch: str) -> bool:
    """Characters that belong to the cluster before them: combining marks, variation
    selectors (U+FE0F asks for the emoji picture), skin-tone modifiers, emoji tags."""
    return (
        bool(unicodedata.combining(ch))
        or unicodedata.category(ch) in ("Mn", "Me")
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
        or "\U000e0020" <= ch <= "\U000e007f"
        or "\U000e0100" <= ch <= "\U000e01ef"
    )


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def clusters(text: str) -> list[str]:
    """User-perceived characters (a simplified UAX #29): a base with its marks and
    selectors, emoji joined by U+200D, and flag pairs each make one cluster."""
    out: list[str] = []
    join = False
    for ch in text:
        if out and (join or _extends(ch) or ch == "\u200d"):
            out[-1] += ch
            join = ch == "\u200d"
            continue
        if out and _regional(ch) and len(out[-1]) == 1 and _regional(out[-1]):
            out[-1] += ch
            continue
        out.append(ch)
        join = False
    return out


def _selector(ch: str) -> bool:
    return "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef"


def printable(text: str, accepts: Callable[[str], bool]) -> str:
    """``text`` with every character ``accepts`` refuses replaced by the fallback chain;
    a cluster (``👍🏽``, ``👨‍👩‍👧``, ``❤️``) is replaced whole, by one mark."""
    out: list[str] = []
    for cluster in clusters(text):
        if len(cluster) > 1:
            composed = unicodedata.normalize("NFC", cluster)
            # A text character asked to look like an emoji (``1️``): print the character.
            plain = composed.rstrip("\ufe0e\ufe0f") if _selector(composed[-1]) else composed
            if all(c < "\x80" or accepts(c) for c in plain):
                out.append(plain)
                continue
            if len(plain) > 1:
                log.warning("no printable form for %r; printed as %s", cluster, MISSING)
                out.append(MISSING)
                continue
            cluster = plain
        if cluster < "\x80" or accepts(cluster):
            out.append(cluster)
            continue
        out.append(_fallback(cluster, accepts))
    return "".join(out)


def _fallback(ch: str, accepts: Callable[[str], bool]) -> str:
    for candidate in (SUBSTITUTES.get(ch), unicodedata.normalize("NFKC", ch)):
        if candidate and candidate != ch and all(c < "\x80" or accepts(c) for c in candidate):
            return candidate
    log.warning("no printable form for %r (U+%04X); printed as %s", ch, ord(ch), MISSING)
    return MISSING


def for_codepage(text: str, codepage: str) -> str:
    return printable(text, lambda ch: encodable(ch, codepage))


def encode(text: str, codepage: str) -> bytes:
    """Bytes for text already passed through ``for_codepage``."""
    return text.encode(codepage)
