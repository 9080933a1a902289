"""ESC/POS command bytes: the subset our receipts use, built by hand so every byte is ours
and a test can pin it (python-escpos decides encodings and chunking for us otherwise)."""

from __future__ import annotations

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
DLE = b"\x10"
LF = b"\n"

INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
ALIGN = {"left": ESC + b"a\x00", "center": ESC + b"a\x01", "right": ESC + b"a\x02"}
BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"
CUT_FULL = GS + b"V\x00"
CUT_PARTIAL = GS + b"V\x01"
# Real-time status (DLE EOT n): 1 = printer, 2 = offline cause, 4 = paper roll sensor.
STATUS_PRINTER = DLE + b"\x04\x01"
STATUS_OFFLINE = DLE + b"\x04\x02"
STATUS_PAPER = DLE + b"\x04\x04"
MAX_BAND = 256  # rows per GS v 0 command; small printers' buffers choke on bigger ones
# Lines fed before a cut so the last printed line clears the cutter blade.
CUT_FEED_LINES = 4


def size(double_width: bool, double_height: bool) -> bytes:
    """GS ! n: character size; affects ASCII and Chinese alike."""
    return GS + b"!" + bytes([(0x10 if double_width else 0) | (0x01 if double_height else 0)])


def feed(lines: int) -> bytes:
    """ESC d n: print and feed n lines."""
    return ESC + b"d" + bytes([max(0, min(255, lines))])


def cut(partial: bool = True) -> bytes:
    return feed(CUT_FEED_LINES) + (CUT_PARTIAL if partial else CUT_FULL)


def raster(width_bytes: int, height: int, data: bytes) -> bytes:
    """GS v 0: one raster bit image, ``width_bytes`` x 8 dots wide, 1 = black."""
    if len(data) != width_bytes * height:
        raise ValueError("raster data does not match its size")
    head = GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + height.to_bytes(2, "little")
    return head + data


def _qr_fn(fn: int, data: bytes) -> bytes:
    # GS ( k pL pH cn fn [parameters]; pL pH count the bytes after them.
    body = b"\x31" + bytes([fn]) + data
    return GS + b"(k" + len(body).to_bytes(2, "little") + body


def qr_native(payload: bytes, module: int, ec: str = "M") -> bytes:
    """QR drawn by the printer: model 2, module size, error level, store, print."""
    levels = {"L": 48, "M": 49, "Q": 50, "H": 51}
    return (
        _qr_fn(65, b"\x32\x00")
        + _qr_fn(67, bytes([module]))
        + _qr_fn(69, bytes([levels[ec]]))
        + _qr_fn(80, b"\x30" + payload)
        + _qr_fn(81, b"\x30")
    )


BARCODE_M = {"CODE39": 69, "EAN13": 67, "CODE128": 73}


def barcode(data: str, kind: str, height: int = 80, module: int = 2) -> bytes:
    """GS k (function B, length-prefixed) with human-readable text below."""
    payload = data.encode("ascii")
    if kind == "CODE128":
        payload = b"{B" + payload  # start in code set B: all printable ASCII
    setup = GS + b"h" + bytes([height]) + GS + b"w" + bytes([module]) + GS + b"H\x02"
    return setup + GS + b"k" + bytes([BARCODE_M[kind], len(payload)]) + payload
