"""Figure 3: scan to balance. A scanner burst (a signed volunteer code, typed as a
keyboard-wedge scanner types it) on the redeem screen of the real window; timed from the
scanner's Enter to the first paint of the volunteer card showing that volunteer's name
and balance. Each scan starts from the home screen, as each volunteer does."""

from __future__ import annotations

import logging
import random
import time

from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, now_ns, percentile, result
from benchmarks.uibench import PaintWatch, kiosk_window, wait_until

log = logging.getLogger(__name__)

TARGET = Target("<=", 30, "abs", "ms")
BUDGET_S = 45.0  # stop early (and say so) when scans are too slow for 1,000 in time
SCAN_TIMEOUT_S = 30.0


KEY_MS = 1  # a wedge scanner's keys, 1 ms apart in the device's own time


class _Wedge:
    """Key timestamps as a scanner's keys carry them: one burst is ``KEY_MS`` apart from
    its first key, however late this process gets to send each one. The kiosk's scanner
    filter times keys by their timestamp (``ui.scanner.event_clock``); keys made here had
    none, so it timed them by when they were delivered, and a pause of this process over
    50 ms in the middle of a burst (the machine's load) split it: that scan was never
    recognised, and the figure waited 30 s and stopped (seen at load 2-8 on main)."""

    def __init__(self) -> None:
        self.stamp = 0

    def start(self) -> None:
        self.stamp = int(time.monotonic() * 1000)

    def next(self) -> int:
        self.stamp += KEY_MS
        return self.stamp


def _send(target: object, text: str, enter: bool, wedge: _Wedge) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    press = QKeyEvent.Type.KeyPress
    none = Qt.KeyboardModifier.NoModifier
    if enter:
        keys = [QKeyEvent(press, Qt.Key.Key_Return, none, "\r")]
    else:
        keys = [QKeyEvent(press, 0, none, ch) for ch in text]
    for key in keys:
        key.setTimestamp(wedge.next())
        QApplication.sendEvent(target, key)


def run(ctx: RunContext) -> list[Result]:
    from PySide6.QtWidgets import QApplication, QLabel

    from kiosk.store.models import Volunteer
    from kiosk.volunteers import available_balance
    from protocol.codes import sign_code
    from station.demo import DEMO_KEY_ID, demo_signing_key

    large = ctx.large_store()
    key = demo_signing_key()
    rng = random.Random(3)
    samples: list[int] = []
    wedge = _Wedge()
    with kiosk_window(ctx, "fig3.db") as window:
        nav = window.ctx.nav
        gifts = nav.screen("redeem.gifts")
        name = gifts.findChild(QLabel, "volunteerName")
        balance = gifts.findChild(QLabel, "volunteerBalance")
        want = {"name": "", "balance": ""}
        watch = PaintWatch(
            balance,
            lambda: name.text() == want["name"] and balance.text().endswith(want["balance"]),
        )
        started = time.monotonic()
        timed_out = False
        try:
            for _ in range(ctx.sizes.scans):
                if time.monotonic() - started > BUDGET_S:
                    break
                volunteer_id = rng.choice(large.volunteer_ids)
                with window.ctx.store.session() as s:
                    v = s.get(Volunteer, volunteer_id)
                    assert v is not None
                    want["name"] = v.masked_name
                    want["balance"] = str(available_balance(s, volunteer_id))
                nav.home()
                nav.go("redeem.scan")
                QApplication.processEvents()
                code = sign_code(key, DEMO_KEY_ID, volunteer_id)
                target = QApplication.focusWidget() or window
                wedge.start()
                _send(target, code, enter=False, wedge=wedge)
                watch.arm()
                t0 = now_ns()
                _send(target, "", enter=True, wedge=wedge)
                try:
                    wait_until(lambda: watch.at is not None, SCAN_TIMEOUT_S)
                except TimeoutError:
                    timed_out = True  # counted as the timeout: a lower bound
                    samples.append(now_ns() - t0)
                    break
                assert watch.at is not None
                samples.append(watch.at - t0)
        finally:
            watch.close()
    n = len(samples)
    short = "" if n >= ctx.sizes.scans else f"; stopped after {n} of {ctx.sizes.scans} (budget)"
    if timed_out:
        short += f"; the last scan did not paint within {SCAN_TIMEOUT_S:.0f} s (lower bound)"
    note = f"{n} scan(s), large store ({len(large.gift_skus)} gifts){short}"
    return [
        result(
            "3 p50", "scan → volunteer card painted", "ms", percentile(samples, 50) / 1e6, note=note
        ),
        result(
            "3 p99",
            "scan → volunteer card painted",
            "ms",
            percentile(samples, 99) / 1e6,
            target=TARGET,
            note=note,
        ),
    ]
