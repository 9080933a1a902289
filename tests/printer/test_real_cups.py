"""The CUPS job-state path against a real ``cupsd`` (tests/printer/real_cups.py): Debian's
scheduler with its stock access policy, raw queues, and backends that either write the
job to a file or fail the way a printer does (``CUPS_BACKEND_STOP``, ``FAILED`` under the
retry and abort error policies, a held job).

What a station would notice:

- a receipt is ``done`` only once CUPS ran the backend to completion, and the bytes the
  backend got are the receipt (decoded);
- a stopped, aborted or held job is an error carrying CUPS's reason *and the printer's
  message* (``out of paper``), and CUPS is left holding nothing: re-enabling the queue
  later does not print a second copy behind the queue's retry;
- ``kiosk print-test`` on a stopped queue says so and sends nothing.

Skipped where cupsd is not installed; CI installs it (.ci/cups.sh) and a missing cupsd
fails there instead of skipping.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.config import Config
from kiosk.print_queue import PrintQueue, enqueue
from kiosk.store.db import Store
from kiosk.store.models import PrintJob
from printer import errors
from printer.connections import open_connection
from printer.output import Output
from printer.profiles import make_profile
from printer.raster import Fonts
from printer.transports import CupsConnection
from station.cli import main

from .escpos_decoder import decode
from .real_cups import RealCups, available
from .test_kill import receipt

PAPER_OUT = "code=4&state=media-empty-error&message=out+of+paper"


@pytest.fixture(scope="module")
def cupsd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealCups]:
    missing = available()
    if missing and os.environ.get("CI") == "true":
        # CI installs cups (.ci/run → .ci/cups.sh): there the real test must run, not vanish.
        pytest.fail(f"CI without a usable cupsd: {missing}", pytrace=False)
    if missing:
        pytest.skip(missing)
    root = tmp_path_factory.mktemp("cupsd")
    out = root / "out"
    server = RealCups(
        root,
        {
            "Receipt": f"capture:{out}/receipt.bin",
            # The backend tells CUPS "media-empty-error" and exits CUPS_BACKEND_STOP.
            "Stopper": f"failing:{out}/stopper.bin?{PAPER_OUT}",
            # CUPS_BACKEND_FAILED under Debian's ErrorPolicy retry-job: CUPS holds the job.
            "Retrier": f"failing:{out}/retrier.bin?code=1&state=cover-open-report"
            "&message=cover+open",
            "Aborter": (
                f"failing:{out}/aborter.bin?code=1&message=paper+jam",
                {"ErrorPolicy": "abort-job"},
            ),
            "Holder": (f"capture:{out}/holder.bin", {"Option": "job-hold-until indefinite"}),
            "Station": f"failing:{out}/station.bin?{PAPER_OUT}",
        },
    )
    yield server
    server.close()


@pytest.fixture
def cups(cupsd: RealCups, monkeypatch: pytest.MonkeyPatch) -> RealCups:
    monkeypatch.setenv("CUPS_SERVER", str(cupsd.sock))
    return cupsd


def connection(queue: str, wait: float = 20.0) -> CupsConnection:
    conn = open_connection(f"cups://{queue}?wait={wait}", timeout=5.0)
    assert isinstance(conn, CupsConnection)
    conn.poll = 0.05
    return conn


def test_done_only_once_the_backend_printed_it(cups: RealCups, fonts: Fonts) -> None:
    output = Output(connection("Receipt"), make_profile(58, "native"), fonts)
    payload = output.render(receipt(7))
    output.send(payload, "R7")
    # write() returned: CUPS said completed, so the backend has finished writing.
    assert (cups.root / "out" / "receipt.bin").read_bytes() == payload
    assert "JOB-007" in decode(payload).text
    assert cups.jobs() == ""  # nothing left unfinished in CUPS


@pytest.mark.parametrize(
    ("queue", "state", "reasons"),
    [
        ("Stopper", "pending", ("printer-stopped", "media-empty-error", '"out of paper"')),
        ("Retrier", "held", ("cover-open-report", '"cover open"')),
        ("Aborter", "aborted", ('"paper jam"',)),
        ("Holder", "held", ("job-hold-until-specified",)),
    ],
)
def test_stopped_retried_aborted_held_are_errors_with_the_cups_reason(
    cups: RealCups, queue: str, state: str, reasons: tuple[str, ...]
) -> None:
    started = time.monotonic()
    with pytest.raises(errors.CupsJobFailed) as caught:
        connection(queue).write(b"\x1b@one receipt\n\x1dV\x01")
    detail = caught.value.detail
    assert f" {state}: " in detail, detail
    for reason in reasons:
        assert reason in detail, detail
    # Known as soon as CUPS knows, not after the 20 s follow budget.
    assert time.monotonic() - started < 10
    # Cancelled in CUPS (needs the owner's credentials on the socket, as on a station):
    # no copy waits there to print behind the queue's own retry.
    assert queue not in cups.jobs()
    assert not (cups.root / "out" / f"{queue.lower()}.bin").exists()


def test_queue_retries_until_cups_prints_it_and_it_prints_once(
    cups: RealCups,
    demo_store: Store,
    config: Config,
    fonts: Fonts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with demo_store.begin() as s:
        enqueue(s, "redemption", "R1", receipt(1))
    output = Output(connection("Station"), make_profile(58, "native"), fonts)
    queue = PrintQueue(demo_store, output)

    assert queue.process_once() is False  # the printer is out of paper
    with demo_store.begin() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == "R1")).one()
        assert job.state == "pending"
        assert job.last_error.startswith("print.cups_failed")
        assert "out of paper" in job.last_error
    assert "disabled" in cups.run("lpstat", "-p", "Station")

    # print-test on the stopped queue: says offline and sends nothing (it used to say
    # "status: offline" and then "OK").
    argv = ["--data-dir", str(tmp_path), "print-test", "--connection", "cups://Station"]
    assert main(argv) == 1
    assert "status / 状态: offline" in capsys.readouterr().out
    assert "Station" not in cups.jobs()

    # Staff load paper; the technician re-enables the queue. The cancelled first copy
    # does not come out: only the queue's retry prints.
    out = cups.root / "out" / "station.bin"
    out.with_name("station.bin.ok").touch()
    cups.run("cupsenable", "Station")
    time.sleep(0.5)
    assert not out.exists()
    assert queue.process_once() is True
    with demo_store.begin() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == "R1")).one()
        assert job.state == "done"
    printed, payload = out.read_bytes(), output.render(receipt(1))
    # One copy, after the resync every retry of a job that left us starts with.
    assert printed.endswith(payload)
    head = printed[: -len(payload)]
    assert head.endswith(b"\x1b@") and head[:-2].strip(b"\x00") == b""
    assert decode(printed).text.count("JOB-001") == 1
    assert cups.jobs() == ""
