"""The receipt as a document: blocks the domain fills and every renderer reads.

A ``Receipt`` is plain data with a JSON round-trip (``to_dict``/``from_dict``): the kiosk
stores it in the ``print_jobs`` table when the order or redemption is written, so a job
can be rendered later, for whatever printer is attached then, and reprinted byte-equal.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Literal

Align = Literal["left", "center", "right"]
ALIGNS = ("left", "center", "right")
BARCODE_KINDS = ("CODE128", "CODE39", "EAN13")


@dataclass(frozen=True)
class Text:
    text: str
    align: Align = "left"
    bold: bool = False
    double_width: bool = False
    double_height: bool = False
    kind: ClassVar[str] = "text"

    def __post_init__(self) -> None:
        if self.align not in ALIGNS:
            raise ValueError(f"align must be one of {ALIGNS}, not {self.align!r}")


@dataclass(frozen=True)
class Row:
    """``label …… value`` across the paper; the value wraps under itself if too long."""

    label: str
    value: str
    bold: bool = False
    kind: ClassVar[str] = "row"


@dataclass(frozen=True)
class Divider:
    char: str = "-"
    kind: ClassVar[str] = "divider"


@dataclass(frozen=True)
class QR:
    payload: str
    # Module size in printer dots; the renderer shrinks it if the code would not fit.
    size: int = 6
    caption: str = ""
    kind: ClassVar[str] = "qr"


@dataclass(frozen=True)
class Barcode:
    data: str
    barcode_kind: str = "CODE128"
    height: int = 80
    kind: ClassVar[str] = "barcode"

    def __post_init__(self) -> None:
        if self.barcode_kind not in BARCODE_KINDS:
            raise ValueError(f"barcode kind must be one of {BARCODE_KINDS}")
        if not self.data.isascii() or not self.data.isprintable() or not self.data:
            raise ValueError("barcode data must be printable ASCII")


@dataclass(frozen=True)
class Image:
    """A picture (a logo): PNG bytes, embedded so the stored job does not depend on a file."""

    png: bytes
    align: Align = "center"
    kind: ClassVar[str] = "image"

    @classmethod
    def from_path(cls, path: str | Path, align: Align = "center") -> Image:
        return cls(Path(path).read_bytes(), align)


@dataclass(frozen=True)
class Feed:
    lines: int = 1
    kind: ClassVar[str] = "feed"


@dataclass(frozen=True)
class Cut:
    partial: bool = True
    kind: ClassVar[str] = "cut"


Block = Text | Row | Divider | QR | Barcode | Image | Feed | Cut
_KINDS: dict[str, type[Any]] = {
    c.kind: c for c in (Text, Row, Divider, QR, Barcode, Image, Feed, Cut)
}
FORMAT_VERSION = 1


@dataclass
class Receipt:
    blocks: list[Block] = field(default_factory=list)
    title: str = ""

    def add(self, *blocks: Block) -> Receipt:
        self.blocks.extend(blocks)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": FORMAT_VERSION,
            "title": self.title,
            "blocks": [_block_to_dict(b) for b in self.blocks],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Receipt:
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unknown receipt format version {data.get('version')!r}")
        return cls([_block_from_dict(b) for b in data["blocks"]], data.get("title", ""))


def _block_to_dict(block: Block) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": block.kind}
    for f in fields(block):
        value = getattr(block, f.name)
        out[f.name] = base64.b64encode(value).decode() if isinstance(value, bytes) else value
    return out


def _block_from_dict(data: dict[str, Any]) -> Block:
    data = dict(data)
    cls = _KINDS.get(data.pop("kind", ""))
    if cls is None:
        raise ValueError(f"unknown block kind in {data!r}")
    if cls is Image:
        data["png"] = base64.b64decode(data["png"])
    block: Block = cls(**data)
    return block
