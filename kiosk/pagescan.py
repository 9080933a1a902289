"""Read outbox rows and ticket counters straight from a SQLite file's pages.

The last resort of salvage (``kiosk.salvage``) when SQLite cannot open the table because
the header or the schema page is damaged: every page of the file and every frame of its
``-wal`` that looks like a table leaf is parsed by the file format
(https://sqlite.org/fileformat2.html), and each record that has the outbox's shape (nine
columns, a UUID, a known state, a JSON payload) or the ticket counter's (an 8-digit day
and a number) is kept. Bounded by a deadline and a page count; a page that does not parse
is skipped. Newer copies win: the WAL's frames (latest first) before the main file.
"""

from __future__ import annotations

import json
import re
import struct
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_PAGES = 2_000_000  # 8 GB of 4 KiB pages: far beyond a station's store
PAGE_SIZES = (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512)
LEAF = 0x0D
WAL_MAGIC = (0x377F0682, 0x377F0683)
OUTBOX_COLUMNS = 9  # seq (rowid alias: NULL), id, type, occurred_at, payload, state, ...
STATES = {"pending", "sent", "rejected"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DAY = re.compile(r"20\d{6}")


@dataclass
class Found:
    outbox: list[dict[str, Any]] = field(default_factory=list)
    tickets: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    timed_out: bool = False


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(8):
        byte = buf[pos + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    return (value << 8) | buf[pos + 8], pos + 9


_INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _record(payload: bytes) -> list[Any]:
    header_len, pos = _varint(payload, 0)
    types = []
    while pos < header_len:
        serial, pos = _varint(payload, pos)
        types.append(serial)
    values: list[Any] = []
    pos = header_len
    for serial in types:
        if serial == 0:
            values.append(None)
        elif serial in _INT_SIZES:
            size = _INT_SIZES[serial]
            values.append(int.from_bytes(payload[pos : pos + size], "big", signed=True))
            pos += size
        elif serial == 7:
            values.append(struct.unpack(">d", payload[pos : pos + 8])[0])
            pos += 8
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            size = (serial - 12) // 2
            raw = payload[pos : pos + size]
            if len(raw) != size:
                raise ValueError("record runs past its page")
            values.append(raw.decode("utf-8") if serial % 2 else raw)
            pos += size
        else:
            raise ValueError(f"serial type {serial}")
    return values


def _cells(page: bytes, offset: int, usable: int) -> Iterator[bytes]:
    """The payloads of a table leaf page's cells that fit on the page (no overflow)."""
    count = struct.unpack_from(">H", page, offset + 3)[0]
    limit = usable - 35  # the largest payload kept whole on a leaf page
    for i in range(min(count, usable // 4)):
        cell = struct.unpack_from(">H", page, offset + 8 + 2 * i)[0]
        if not 8 <= cell < len(page):
            continue
        try:
            size, pos = _varint(page, cell)
            _rowid, pos = _varint(page, pos)
        except IndexError:
            continue
        if size > limit or pos + size > len(page):
            continue  # spills onto overflow pages: not followed
        yield page[pos : pos + size]


def _outbox_row(values: list[Any]) -> dict[str, Any] | None:
    if len(values) < OUTBOX_COLUMNS:  # a later migration may add columns at the end
        return None
    _seq, id_, type_, occurred, payload, state = values[:6]
    if not (isinstance(id_, str) and UUID.fullmatch(id_) and state in STATES):
        return None
    if not (isinstance(type_, str) and isinstance(occurred, str) and isinstance(payload, str)):
        return None
    try:
        json.loads(payload)
    except ValueError:
        return None
    return {
        "seq": None,
        "id": id_,
        "type": type_,
        "occurred_at": occurred,
        "payload": payload,
        "state": state,
    }


def _ticket_row(values: list[Any]) -> bool:
    """A ``ticket_sequences`` row: (YYYYMMDD, last number)."""
    if len(values) != 2:
        return False
    day, last = values
    return isinstance(day, str) and bool(DAY.fullmatch(day)) and isinstance(last, int)


def _parse_page(page: bytes, page_no: int, usable: int, found: Found, seen: set[str]) -> None:
    offset = 100 if page_no == 1 else 0
    if len(page) < offset + 8 or page[offset] != LEAF:
        return
    for payload in _cells(page, offset, usable):
        try:
            values = _record(payload)
        except (ValueError, IndexError, UnicodeDecodeError, struct.error):
            continue
        row = _outbox_row(values)
        if row is not None:
            if row["id"] not in seen:  # the first copy met is the newest
                seen.add(row["id"])
                found.outbox.append(row)
            continue
        if _ticket_row(values):
            day, last = values
            found.tickets[day] = max(found.tickets.get(day, 0), last)


def _page_size(head: bytes) -> int:
    if head[:16] == b"SQLite format 3\x00":
        size = struct.unpack_from(">H", head, 16)[0]
        size = 65536 if size == 1 else size
        if size in PAGE_SIZES:
            return size
    return 4096  # the header is damaged: SQLite's default, what the kiosk uses


def _wal_pages(wal: Path, page_size: int) -> list[tuple[int, bytes]]:
    """The WAL's frames of the current generation, newest first."""
    try:
        data = wal.read_bytes()
    except OSError:
        return []
    if len(data) < 32:
        return []
    magic, _version, size, _ckpt, salt1, salt2 = struct.unpack_from(">IIIIII", data, 0)
    if magic in WAL_MAGIC and size in PAGE_SIZES:
        page_size = size
    else:
        salt1 = salt2 = -1  # header damaged: take every frame
    frames = []
    for pos in range(32, len(data) - 24 - page_size + 1, 24 + page_size):
        page_no, _commit, s1, s2 = struct.unpack_from(">IIII", data, pos)
        if salt1 >= 0 and (s1, s2) != (salt1, salt2):
            continue  # a frame of an earlier generation: already in the main file
        frames.append((page_no, data[pos + 24 : pos + 24 + page_size]))
    return frames[::-1]


def scan_file(path: Path, deadline: float, max_pages: int = MAX_PAGES) -> Found:
    found = Found()
    seen: set[str] = set()
    with open(path, "rb") as fh:
        head = fh.read(100)
        page_size = _page_size(head)
        reserved = head[20] if len(head) > 20 and head[:16] == b"SQLite format 3\x00" else 0
        usable = page_size - reserved
        superseded: set[int] = set()
        for page_no, page in _wal_pages(Path(f"{path}-wal"), page_size):
            if page_no not in superseded:  # the newest frame of a page is its content
                superseded.add(page_no)
                _parse_page(page, page_no, usable, found, seen)
        fh.seek(0)
        page_no = 0
        while page_no < max_pages:
            if page_no % 256 == 0 and time.monotonic() > deadline:
                found.timed_out = True
                break
            page = fh.read(page_size)
            if not page:
                break
            page_no += 1
            if page_no not in superseded:
                _parse_page(page, page_no, usable, found, seen)
        found.pages = page_no
    return found
