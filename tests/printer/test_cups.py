"""CUPS jobs followed to the end: ``done`` only once CUPS says completed; a stopped queue,
an aborted or held job is an error carrying CUPS's reason, and a job left in CUPS is
cancelled so the retry is the only copy. Here CUPS is faked at its two edges
(tests/printer/fake_cups.py), which lets a test script any sequence of states and a
refused cancel; tests/printer/test_real_cups.py runs the same path against a real cupsd."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.config import Config
from kiosk.print_queue import PrintQueue, QueueState, enqueue
from kiosk.store.db import Store
from kiosk.store.models import PrintJob
from printer import errors
from printer.connections import open_connection
from printer.output import Output
from printer.profiles import make_profile
from printer.raster import Fonts
from printer.transports import CupsConnection

from .escpos_decoder import decode
from .fake_cups import GOOD, FakeCups
from .test_kill import receipt


@pytest.fixture
def cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCups]:
    fake = FakeCups(tmp_path, monkeypatch)
    yield fake
    fake.close()


def connection(wait: float = 5.0) -> CupsConnection:
    conn = open_connection(f"cups://Receipt?wait={wait}", timeout=2.0)
    assert isinstance(conn, CupsConnection)
    conn.poll = 0.01
    return conn


def test_done_only_when_cups_completed_the_job(cups: FakeCups) -> None:
    conn = connection()
    conn.write(b"\x1b@hello\n\x1dV\x01")
    assert cups.jobs == [b"\x1b@hello\n\x1dV\x01"]
    assert cups.polls == {1: 3}  # pending, processing, completed
    assert cups.canceled == []


@pytest.mark.parametrize(
    ("script", "reason", "cancelled"),
    [
        ([(3, ["none"]), (3, ["printer-stopped"])], "printer-stopped", True),
        ([(5, ["job-printing"]), (8, ["aborted-by-system"])], "aborted-by-system", False),
        ([(4, ["job-hold-until-specified"])], "job-hold-until-specified", True),
        ([(6, ["printer-stopped"])], "stopped", True),
    ],
)
def test_stopped_aborted_held_are_errors_with_the_reason(
    cups: FakeCups, script: list[tuple[int, list[str]]], reason: str, cancelled: bool
) -> None:
    cups.script = script
    with pytest.raises(errors.CupsJobFailed) as caught:
        connection().write(b"\x1b@x\n")
    assert reason in caught.value.detail
    assert caught.value.retryable
    assert cups.canceled == ([1] if cancelled else [])


def test_job_stuck_pending_times_out_and_is_cancelled(cups: FakeCups) -> None:
    cups.script = [(3, ["none"])]
    with pytest.raises(errors.Timeout):
        connection(wait=0.3).write(b"\x1b@x\n")
    assert cups.canceled == [1]


def test_unknown_queue_is_not_found(cups: FakeCups) -> None:
    with pytest.raises(errors.NotFound):
        open_connection("cups://Nope", timeout=2.0).write(b"x")


def test_queue_keeps_the_job_until_cups_prints_it(
    cups: FakeCups, demo_store: Store, config: Config, fonts: Fonts
) -> None:
    with demo_store.begin() as s:
        enqueue(s, "redemption", "R1", receipt(1))
    conn = connection()
    output = Output(conn, make_profile(58, "native"), fonts)
    queue = PrintQueue(demo_store, output)
    cups.script = [(3, ["none"]), (3, ["printer-stopped"])]
    assert queue.process_once() is False
    with demo_store.begin() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == "R1")).one()
        assert job.state == "pending" and job.last_error.startswith("print.cups_failed")
        assert "printer-stopped" in job.last_error
    cups.script = list(GOOD)
    assert queue.process_once() is True
    with demo_store.begin() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == "R1")).one()
        assert job.state == "done"
    assert cups.canceled == [1]  # the stuck copy is gone; the second one printed
    assert len(cups.jobs) == 2
    assert "JOB-001" in decode(cups.jobs[1]).text


def test_a_job_cups_will_not_cancel_is_not_sent_again(
    cups: FakeCups, demo_store: Store, config: Config, fonts: Fonts
) -> None:
    """CUPS keeps a stopped job it refuses to cancel and prints it when its queue runs
    again: a resend would be a second receipt, so staff are told to wait for it."""
    with demo_store.begin() as s:
        enqueue(s, "redemption", "R1", receipt(1))
    queue = PrintQueue(demo_store, Output(connection(), make_profile(58, "native"), fonts))
    cups.script = [(3, ["printer-stopped"])]
    cups.refuse_cancel = True
    states: list[QueueState] = []
    queue.add_listener(states.append)
    assert queue.process_once() is False
    with demo_store.begin() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == "R1")).one()
        assert job.state == "printed_unconfirmed"
        assert job.last_error.startswith("print.cups_left")
    assert queue.process_once() is None  # nothing left to send
    assert len(cups.jobs) == 1
    assert states[-1].last_error == "print.cups_left" and states[-1].unconfirmed == 1
