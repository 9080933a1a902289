"""SIGKILL of the print queue worker mid-job, against a network printer on 127.0.0.1 that
reads at a paced rate: after each kill the next worker recovers the job it was writing.

Counted per job over all kills, from what the printer really received (a job printed
when some connection carried its whole payload):

- ``interrupted`` jobs that in fact printed: the reprint prompt would give a second
  receipt. Target 0.
- ``printed_unconfirmed`` jobs that did not print: staff are told to check, and find none.
- any job printed twice, any ``done`` job not printed exactly once: never.

The bounded version runs in the default suite; the long one is ``slow``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.print_queue import PrintQueue, enqueue
from kiosk.store import open_store
from kiosk.store.db import Store
from kiosk.store.models import PrintJob
from printer.document import Receipt, Row, Text
from printer.output import Output
from printer.profiles import make_profile
from printer.raster import Fonts
from printer.transports import TcpConnection

from .fake_printer import FakePrinter, wait_until

WORKER = Path(__file__).with_name("print_worker.py")
ROOT = Path(__file__).resolve().parents[2]
# The long versions run on demand (KIOSK_SLOW=1 pytest -m slow tests/printer): the CI
# suite runs every test, and these alone cost minutes.
LONG = pytest.mark.skipif(not os.environ.get("KIOSK_SLOW"), reason="set KIOSK_SLOW=1")


@pytest.fixture
def paced_printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    fake.pace = 150_000  # a fast network printer; a raster receipt takes ~0.2 s
    yield fake
    fake.close()


def receipt(n: int) -> Receipt:
    return Receipt(title=f"JOB-{n}").add(
        Text(f"兑换凭证 JOB-{n:03d}", "center", bold=True, double_height=True),
        *(Row(f"礼品 {i}", f"×{i + 1}") for i in range(6)),
        Text("请妥善保管 keep this receipt"),
    )


def run_kills(store_path: Path, store: Store, printer: FakePrinter, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    for _ in range(kills):
        child = subprocess.Popen(
            [sys.executable, str(WORKER), str(store_path), str(printer.port)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        with store.begin() as s:
            if not s.scalar(select(PrintJob.id).where(PrintJob.state == "pending").limit(1)):
                break
    # Whatever the kernel still holds reaches the printer before we count.
    time.sleep(0.1)
    wait_until(lambda: printer.active == 0)


def tally(store: Store, printer: FakePrinter, fonts: Fonts) -> Counter[str]:
    output = Output(
        TcpConnection("127.0.0.1", printer.port, 5.0), make_profile(80, "raster"), fonts
    )
    queue = PrintQueue(store, output)
    queue.recover()  # the last kill's job; then the jobs still pending print here
    while queue.process_once():
        pass
    wait_until(lambda: printer.active == 0)
    received = printer.jobs + printer.aborted
    counts: Counter[str] = Counter()
    with store.begin() as s:
        for job in s.scalars(select(PrintJob)):
            payload = output.render(Receipt.from_dict(job.document))
            printed = sum(1 for data in received if data.endswith(payload))
            counts[f"{job.state}"] += 1
            counts["printed twice"] += printed > 1
            if job.state == "done":
                counts["done not printed once"] += printed != 1
            elif job.state == "interrupted":
                counts["interrupted but printed"] += printed == 1
            elif job.state == "printed_unconfirmed":
                counts["unconfirmed and printed"] += printed == 1
                counts["unconfirmed not printed"] += printed == 0
            else:
                counts[f"left {job.state}"] += 1
    return counts


def kill_loop(
    tmp_path: Path, printer: FakePrinter, fonts: Fonts, jobs: int, kills: int
) -> Counter[str]:
    store_path = tmp_path / "kiosk.db"
    store = open_store(store_path)
    with store.begin() as s:
        for n in range(jobs):
            enqueue(s, "redemption", f"R{n}", receipt(n))
    run_kills(store_path, store, printer, kills, seed=kills)
    counts = tally(store, printer, fonts)
    print(dict(counts))  # the figures the issue asks for, in the test log
    assert counts["interrupted but printed"] == 0
    assert counts["printed twice"] == 0
    assert counts["done not printed once"] == 0
    assert not [k for k in counts if k.startswith("left ")]
    return counts


def test_sigkill_mid_job_bounded(tmp_path: Path, paced_printer: FakePrinter, fonts: Fonts) -> None:
    counts = kill_loop(tmp_path, paced_printer, fonts, jobs=8, kills=4)
    assert counts["interrupted"] + counts["printed_unconfirmed"] >= 1  # a kill landed mid-job


@pytest.mark.slow
@pytest.mark.timeout(1500)
@LONG
def test_sigkill_mid_job_long(tmp_path: Path, paced_printer: FakePrinter, fonts: Fonts) -> None:
    counts = kill_loop(tmp_path, paced_printer, fonts, jobs=150, kills=70)
    assert counts["interrupted"] + counts["printed_unconfirmed"] >= 20
