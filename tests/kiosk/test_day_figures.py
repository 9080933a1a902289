"""Today's figures count the restocks staff made, not the stock the demo was seeded with."""

from __future__ import annotations

from datetime import date

from kiosk import reports, stock
from kiosk.clock import local_day, utcnow


def _today() -> date:
    day = local_day(utcnow())
    return date(int(day[:4]), int(day[4:6]), int(day[6:]))


def test_seed_stock_is_not_counted_as_restocked(demo_store) -> None:  # type: ignore[no-untyped-def]
    with demo_store.begin() as s:
        assert reports.day_figures(s, _today()).restocked_items == 0  # the demo's 初始库存
        stock.restock(s, "S02", "G-EGG-10", 24, "到货")
        stock.restock(s, "S02", "G-RICE-5KG", 3, "到货")
    with demo_store.begin() as s:
        assert reports.day_figures(s, _today()).restocked_items == 27
