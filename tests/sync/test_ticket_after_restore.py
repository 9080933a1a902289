"""Ticket numbers are never handed out twice, even after a restore from an older backup
(issue 15, finding 3: central held two orders numbered A1203-021).

The next number comes from the highest seen: the store's counter and orders, the damaged
file's counter and outbox (salvage), and central's acknowledgement (kind "ticket")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from central.models import Order
from kiosk.backup import backup_now, open_checked_store
from kiosk.orders import OrderDraft, place_order
from sync.engine import SyncEngine
from tests.deploy.helpers import overwrite_pages
from tests.sync.centralkit import Central, Kiosk


def _order(kiosk: Kiosk, i: int) -> str:
    with kiosk.store.begin() as s:
        draft = OrderDraft("haircut", "王阿姨", f"1371234{i:04d}", "asap")
        return place_order(s, draft, kiosk.config).ticket_no


def _numbers(tickets: list[str]) -> list[int]:
    return [int(t.rsplit("-", 1)[1]) for t in tickets]


def _reopen(kiosk: Kiosk, damage: Callable[[Path], None]) -> None:
    """The kiosk stops, its store is damaged, and it starts again (restore at start)."""
    kiosk.engine.stop()
    kiosk.store.close()
    path = kiosk.store.path
    damage(path)
    kiosk.store = open_checked_store(path, kiosk.config.data_dir)
    kiosk.engine = SyncEngine(kiosk.store, kiosk.client, interval_s=60.0)


def _central_tickets(central: Central, station_id: str) -> list[str]:
    with central.db.begin() as s:
        return list(s.scalars(select(Order.ticket_no).where(Order.station_id == station_id)))


def test_after_losing_the_whole_store_centrals_acknowledgement_keeps_numbers_unique(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k1", via_proxy=False)
    kiosk.sync()
    first = [_order(kiosk, i) for i in range(2)]
    backup_now(kiosk.store.path, kiosk.config.data_dir)  # knows tickets 1 and 2
    later = [_order(kiosk, i) for i in range(2, 5)]
    assert _numbers(first + later) == [1, 2, 3, 4, 5]
    assert kiosk.sync().pending == 0  # central has all five

    def lose_everything(path: Path) -> None:
        path.write_bytes(b"\xa5" * path.stat().st_size)  # nothing left to salvage

    _reopen(kiosk, lose_everything)
    kiosk.sync()  # the pull brings central's acknowledgement of ticket 5
    after = [_order(kiosk, i) for i in range(5, 7)]
    assert _numbers(after) == [6, 7]
    kiosk.sync()
    tickets = _central_tickets(central, kiosk.config.station_id)
    assert len(tickets) == len(set(tickets)) == 7


def test_after_a_damaged_schema_page_the_salvage_keeps_numbers_unique_offline(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k2", via_proxy=False)
    kiosk.sync()
    [_order(kiosk, i) for i in range(2)]
    backup_now(kiosk.store.path, kiosk.config.data_dir)
    unsent = [_order(kiosk, i) for i in range(2, 5)]  # never reached central

    _reopen(kiosk, lambda path: overwrite_pages(path, [1]))
    # Before any contact with central: the damaged file's counter and outbox count.
    assert _numbers([_order(kiosk, 5)]) == [6]
    kiosk.sync()
    tickets = _central_tickets(central, kiosk.config.station_id)
    assert set(unsent) <= set(tickets)  # the salvaged orders reached central
    assert len(tickets) == len(set(tickets)) == 6
