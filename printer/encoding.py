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


def printable(text: str, accepts: Callable[[str], bool]) -> str:
    """``text`` with every character ``accepts`` refuses replaced by the fallback chain."""
    out: list[str] = []
    for ch in text:
        if ch < "\x80" or accepts(ch):
            out.append(ch)
            continue
        out.append(_fallback(ch, accepts))
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
