"""The printer's state is read again once it has the whole job, on every transport that
can read (TCP, serial, USB): a receipt during which the paper ran out or the cover was
opened is not "done". It is ``printed_unconfirmed`` with its own staff message (part of
it is out, the rest may follow once the paper is in), and it is never resent by itself.

The printers are played at the lowest layer: a TCP server, a pty line and pyusb's
endpoints, each answering DLE EOT 1/2/4 with the bytes a real printer sends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import usb.core
import usb.util
from sqlalchemy import select

from kiosk.messages import MESSAGES
from kiosk.print_queue import PrintQueue, QueueState, enqueue
from kiosk.store.db import Store
from kiosk.store.models import PrintJob
from printer import commands, errors
from printer.connections import open_connection
from printer.output import Output
from printer.profiles import make_profile
from printer.raster import Fonts
from printer.status import PrinterStatus

from .escpos_decoder import decode
from .fake_printer import OK_REPLY, PAPER_OUT_REPLY, FakePrinter, wait_until
from .paced_line import PacedLine
from .test_kill import receipt
from .test_usb import FakeUsbPrinter

OFFLINE = b"\x1a"  # DLE EOT 1: fixed bits + offline
COVER_OPEN = b"\x16"  # DLE EOT 2: fixed bits + cover open
PAPER_NEAR_END = b"\x1e"  # DLE EOT 4: fixed bits + near-end sensors


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.close()


def job_row(store: Store, ref: str) -> PrintJob:
    with store.begin() as s:
        job = s.scalars(select(PrintJob).where(PrintJob.ref_id == ref)).one()
        s.expunge(job)
        return job


def test_paper_out_mid_job_is_check_the_printer_not_done_and_not_resent(
    printer: FakePrinter, demo_store: Store, fonts: Fonts
) -> None:
    with demo_store.begin() as s:
        enqueue(s, "redemption", "R1", receipt(1))
        enqueue(s, "redemption", "R2", receipt(2))
    output = Output(open_connection(printer.uri, 2.0), make_profile(58, "native"), fonts)
    states: list[QueueState] = []
    queue = PrintQueue(demo_store, output, listener=states.append)
    printer.after_job = {1: OK_REPLY, 4: PAPER_OUT_REPLY}  # the roll ends inside R1

    assert queue.process_once() is False
    r1 = job_row(demo_store, "R1")
    assert r1.state == "printed_unconfirmed"
    assert r1.last_error.startswith("print.paper_out_mid_job")
    assert r1.handed_over_at is not None and r1.printed_at is None
    assert states[-1].printer == "paper_out"
    assert states[-1].last_error == "print.paper_out_mid_job"
    assert states[-1].unconfirmed == 1
    zh, en = MESSAGES["print.paper_out_mid_job"]
    assert "缺纸" in zh and "check the receipt" in en
    # What the printer got is R1 exactly once, clean (status queries went on their own
    # connections, before and after).
    wait_until(lambda: len(printer.jobs) == 1)
    assert decode(printer.jobs[0]).text == decode(output.render(receipt(1))).text

    # Still out of paper: R2 waits (never sent into an empty printer), R1 is not resent.
    assert queue.process_once() is False
    assert job_row(demo_store, "R2").state == "pending"
    assert len(printer.jobs) == 1
    # Paper loaded: R2 prints; R1 stays for staff to check, no automatic second copy.
    printer.replies = {1: OK_REPLY, 4: OK_REPLY}
    assert queue.process_once() is True
    assert queue.process_once() is None
    wait_until(lambda: len(printer.jobs) == 2)
    assert "JOB-002" in decode(printer.jobs[1]).text
    assert job_row(demo_store, "R1").state == "printed_unconfirmed"
    assert states[-1].printer == "ok" and states[-1].unconfirmed == 1


def test_cover_opened_during_the_job_over_a_serial_line(fonts: Fonts) -> None:
    line = PacedLine(115200)
    try:
        line.fast()
        ok = {commands.STATUS_PRINTER: b"\x12", commands.STATUS_PAPER: b"\x12"}
        line.answer = dict(ok)
        output = Output(
            open_connection(f"serial://{line.path}?baud=115200", 1.0),
            make_profile(58, "native"),
            fonts,
        )
        payload = output.render(receipt(3))
        # Half-way through the job the cover opens: offline, cause "cover open".
        line.switch = (
            len(payload) // 2,
            {
                commands.STATUS_PRINTER: OFFLINE,
                commands.STATUS_PAPER: b"\x12",
                commands.STATUS_OFFLINE: COVER_OPEN,
            },
        )
        with pytest.raises(errors.FaultAfterJob) as caught:
            output.send(payload, "R3")
        assert caught.value.key == "print.cover_open_mid_job"
        assert caught.value.status == "cover_open"
        got = line.take()
        queries = commands.STATUS_PRINTER + commands.STATUS_PAPER
        # Asked before, the job whole, asked after (with the cause): nothing else.
        assert got == queries + payload + queries + commands.STATUS_OFFLINE
        assert decode(payload).text.count("JOB-003") == 1

        # Near the end of the roll after a job: printed, with the warning kept.
        line.answer = dict(ok)
        line.switch = (len(payload) // 2, {**ok, commands.STATUS_PAPER: PAPER_NEAR_END})
        assert output.send(payload, "R3b") is PrinterStatus.PAPER_LOW
    finally:
        line.close()


def test_usb_printer_reports_paper_out_after_the_job(
    monkeypatch: pytest.MonkeyPatch, fonts: Fonts
) -> None:
    dev = FakeUsbPrinter()
    monkeypatch.setattr(usb.core, "find", lambda idVendor, idProduct: dev)
    monkeypatch.setattr(usb.util, "dispose_resources", lambda d: None)
    output = Output(open_connection("usb://0416:5011", 1.0), make_profile(58, "native"), fonts)
    payload = output.render(receipt(4))
    # Replies in order: before the job (ok, ok), after it (offline, paper end, cause).
    dev.replies = [OK_REPLY, OK_REPLY, OFFLINE, PAPER_OUT_REPLY, b"\x32"]
    with pytest.raises(errors.FaultAfterJob) as caught:
        output.send(payload, "R4")
    assert caught.value.key == "print.paper_out_mid_job"
    sent = b"".join(dev.received)
    assert payload in sent and sent.count(payload) == 1


def test_a_printer_that_never_answers_is_not_asked_after_every_job(
    printer: FakePrinter, fonts: Fonts
) -> None:
    printer.replies = {}
    output = Output(open_connection(printer.uri, 0.5), make_profile(58, "native"), fonts)
    payload = output.render(receipt(5))
    assert output.send(payload, "R5") is PrinterStatus.UNKNOWN
    assert output.send(payload, "R5b") is PrinterStatus.UNKNOWN
    wait_until(lambda: len(printer.jobs) == 2)
    # One status connection (that waited once), then two jobs: no wait after each job.
    assert printer.connections == 3
