"""Gift pictures uploaded in the district console: which ones this station still needs,
the checks a fetched one must pass before it is kept, and where a gift's picture is.

A gift's ``image_path`` (central's ``image``) is either a bundled picture under
assets/gifts, or ``media/<hash>.png|.jpg`` for one uploaded in the console. Those are
fetched by the sync engine (sync/pictures.py) into ``<data_dir>/media``; the name is the
first 32 hex digits of the picture's SHA-256, so a picture that does not match its name
(cut short, swapped, tampered with on the way) is never kept.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.gifts import NOT_CARRIED, GiftView
from kiosk.store.models import Gift
from protocol.api import MAX_PICTURE_BYTES, MAX_PICTURE_PIXELS, MEDIA_NAME_PATTERN

log = logging.getLogger(__name__)

PREFIX = "media/"
_NAME = re.compile(MEDIA_NAME_PATTERN)


class BadPicture(ValueError):
    """A fetched picture that must not be kept."""


def media_name(image_path: str) -> str | None:
    """``<hash>.png`` for an uploaded picture's ``image_path``, else None."""
    if not image_path.startswith(PREFIX):
        return None
    name = image_path[len(PREFIX) :]
    return name if _NAME.fullmatch(name) else None


def media_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "media"


def missing(session: Session, data_dir: str | Path) -> list[str]:
    """Names of uploaded pictures this station's shelf shows (active gifts it carries)
    that it does not have yet."""
    folder = media_dir(data_dir)
    query = select(Gift.image_path).where(
        Gift.active, Gift.image_path.startswith(PREFIX), Gift.sku.not_in(NOT_CARRIED)
    )
    names = {media_name(path) for path in session.scalars(query.distinct())}
    return sorted(n for n in names if n is not None and not (folder / n).is_file())


def check(name: str, data: bytes) -> None:
    """Raise ``BadPicture`` unless ``data`` is the picture ``name`` promises: within the
    size bounds, hashing to its name, and a PNG or JPEG (as its name says) Pillow decodes."""
    if not _NAME.fullmatch(name):
        raise BadPicture(f"not a picture name: {name!r}"[:80])
    if not data or len(data) > MAX_PICTURE_BYTES:
        raise BadPicture(f"{name}: {len(data)} bytes")
    if hashlib.sha256(data).hexdigest()[:32] != name[:32]:
        raise BadPicture(f"{name}: content does not match its name")
    from PIL import Image, UnidentifiedImageError

    want = "PNG" if name.endswith(".png") else "JPEG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != want:
                raise BadPicture(f"{name}: a {image.format}, not a {want}")
            if image.width * image.height > MAX_PICTURE_PIXELS:
                raise BadPicture(f"{name}: {image.width}x{image.height} pixels")
            image.load()  # decode it whole: a truncated or corrupt picture fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, BadPicture):
            raise
        raise BadPicture(f"{name}: does not decode ({exc})"[:200]) from exc


def keep(data_dir: str | Path, name: str, data: bytes) -> Path:
    """Check and store a fetched picture (written whole, then renamed into place)."""
    check(name, data)
    folder = media_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    part = folder / f".{name}.part"
    part.write_bytes(data)
    os.replace(part, path)
    return path


def resolve(views: list[GiftView], data_dir: str | Path) -> list[GiftView]:
    """Gift views whose uploaded picture is swapped for the local file if this station has
    it, or for no picture while it is still being fetched (bundled pictures unchanged)."""
    folder = media_dir(data_dir)
    out = []
    for view in views:
        if view.image_path.startswith(PREFIX):
            name = media_name(view.image_path)
            local = folder / name if name else None
            found = local is not None and local.is_file()
            view = view._replace(image_path=str(local) if found else "")
        out.append(view)
    return out
