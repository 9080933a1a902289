"""Figure 7: an order ticket and a redemption receipt, from the store's objects through
``kiosk.receipts`` to ESC/POS bytes (``printer.escpos_render.render``), in the printer's
native GB18030 mode and as raster images drawn with the bundled font. Absolute bars."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, now_ns, percentile, result
from kiosk import receipts
from kiosk.config import Config
from kiosk.orders import OrderDraft, place_order
from kiosk.paths import font_path
from kiosk.redemption import redeem
from kiosk.store.db import open_store
from kiosk.store.models import Redemption, ServiceOrder
from printer.document import Receipt
from printer.escpos_render import render
from printer.profiles import make_profile
from printer.raster import Fonts

log = logging.getLogger(__name__)

TARGETS = {"native": Target("<=", 5, "abs", "ms"), "raster": Target("<=", 50, "abs", "ms")}
WARMUP = 3


def _subjects(ctx: RunContext, config: Config) -> tuple[ServiceOrder, Redemption]:
    large = ctx.large_store()
    store = open_store(ctx.copy_of_large("fig7.db"))
    try:
        with store.begin() as session:
            draft = OrderDraft(
                service_code=large.service_codes[0],
                honorific="王阿姨",
                phone="13812345678",
                time_slot="tomorrow_pm",  # always open: a today slot passes at 18:00 local
                address="梅园小区3号楼2单元401",
            )
            order_id = place_order(session, draft, config).id
        cart = {sku: 1 for sku in large.bulk_skus[:4]}
        done = redeem(
            store,
            large.volunteer_ids[0],
            cart,
            None,
            dataclasses.replace(config, offline_limit_points=10**9, offline_daily_points=10**9),
        )
        with store.session() as session:
            order = session.get(ServiceOrder, order_id)
            redemption = session.get(Redemption, done.redemption_id)
            assert order is not None and redemption is not None
            _ = order.service, redemption.volunteer, list(redemption.lines)  # load now
            session.expunge_all()
        return order, redemption
    finally:
        store.close()


def _time(fn: Callable[[], bytes], n: int) -> list[int]:
    samples = []
    for i in range(WARMUP + n):
        start = now_ns()
        data = fn()
        elapsed = now_ns() - start
        if not data:
            raise RuntimeError("render gave no bytes")
        if i >= WARMUP:
            samples.append(elapsed)
    return samples


def run(ctx: RunContext) -> list[Result]:
    config = Config(station_id="ST-BENCH", data_dir=str(ctx.workdir))
    order, redemption = _subjects(ctx, config)
    fonts = Fonts(font_path(bold=False), font_path(bold=True))
    docs: dict[str, Callable[[], Receipt]] = {
        "order ticket": lambda: receipts.order_ticket(order, config),
        "redemption receipt": lambda: receipts.redemption_receipt(redemption, config),
    }
    rows = []
    for mode, target in TARGETS.items():
        profile = make_profile(80, mode, "gb18030", native_qr=True)
        for name, doc in docs.items():
            samples = _time(lambda d=doc, p=profile: render(d(), p, fonts), ctx.sizes.renders)
            p50 = percentile(samples, 50) / 1e6
            rows.append(
                result(
                    f"7 {mode}",
                    f"{name} → ESC/POS, p99",
                    "ms",
                    percentile(samples, 99) / 1e6,
                    None,
                    target,
                    note=f"80 mm, {len(samples)} renders, p50 {p50:.2f} ms",
                    p50_ms=p50,
                )
            )
    return rows
