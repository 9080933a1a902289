"""Fetch the gift pictures uploaded in the district console that this station's shelf
shows and it does not have yet (after each pull). A picture that fails its checks
(kiosk.gift_pictures.check: size, hash = name, decodes) is dropped and logged; the gift
shows without a picture and the next cycle tries again. Never fails the sync."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk import gift_pictures
from kiosk.store.db import Store
from protocol.api import MAX_PICTURE_BYTES
from sync.client import CentralClient
from sync.errors import SyncError

log = logging.getLogger(__name__)

# Bounds one cycle's downloads (1.5 MB each at most); the rest come with the next cycles.
PER_CYCLE = 20


def fetch_pictures(store: Store, client: CentralClient, data_dir: str | Path) -> int:
    """Fetch up to PER_CYCLE missing pictures; return how many were kept."""
    with store.read() as session:
        names = gift_pictures.missing(session, data_dir)
    kept = 0
    for name in names[:PER_CYCLE]:
        try:
            data = client.media(name, MAX_PICTURE_BYTES)
            gift_pictures.keep(data_dir, name, data)
        except gift_pictures.BadPicture as exc:
            log.warning("gift picture dropped: %s", exc)
            continue
        except SyncError as exc:
            log.warning("gift picture %s not fetched: %s", name, exc)
            continue
        except OSError as exc:
            log.warning("gift picture %s not stored: %s", name, exc)
            continue
        kept += 1
    if kept:
        log.info("fetched %d gift picture(s)", kept)
    return kept
