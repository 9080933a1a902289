"""Serial printers on a pty paced at 9600 baud (see ``paced_line``): a job that takes far
longer than the timeout on the wire prints once, because the deadline restarts on every
chunk the line takes; a line that stops taking bytes fails within the timeout; status
replies (DLE EOT 1/2/4) come back over the same line."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from printer import commands, errors
from printer.connections import open_connection
from printer.escpos_render import render
from printer.hardware import SerialConnection
from printer.profiles import make_profile
from printer.raster import Fonts
from printer.status import PrinterStatus

from .escpos_decoder import decode
from .paced_line import PacedLine
from .samples import AT  # noqa: F401 - keeps the sample receipts importable alongside
from .test_kill import receipt

BAUD = 9600
# The long versions run on demand (KIOSK_SLOW=1 pytest -m slow tests/printer): the CI
# suite runs every test, and these alone cost minutes.
LONG = pytest.mark.skipif(not os.environ.get("KIOSK_SLOW"), reason="set KIOSK_SLOW=1")


@pytest.fixture
def line() -> Iterator[PacedLine]:
    paced = PacedLine(BAUD)
    yield paced
    paced.close()


def big_job(fonts: Fonts, rows: int) -> bytes:
    from printer.document import Row

    doc = receipt(1)
    doc.blocks.extend(Row(f"日报 第{i}行", f"{i * 7} 分") for i in range(rows))
    return render(doc, make_profile(58, "raster"), fonts)


def test_job_longer_than_the_timeout_prints_once_at_9600(line: PacedLine, fonts: Fonts) -> None:
    job = big_job(fonts, 6)  # 23 KB: 5 KB more than the pty holds, 5 s at 960 bytes/s
    conn = open_connection(f"serial://{line.path}?baud={BAUD}", timeout=1.0)
    assert isinstance(conn, SerialConnection)
    handed: list[float] = []
    started = time.monotonic()
    conn.write(job, lambda: handed.append(time.monotonic()))
    took = time.monotonic() - started
    line.fast()
    got = line.wait_for(len(job), 10)
    # The pty buffers ~18 KB; the rest went at 960 bytes/s: several timeouts long (the old
    # pyserial write_timeout over the whole write failed here and the queue resent it).
    print(f"{len(job)} bytes, write took {took:.1f} s with a 1 s timeout")
    assert took > 2.5
    assert got == job and len(handed) == 1
    assert decode(got).text == decode(job).text


@pytest.mark.slow
@LONG
def test_sixty_second_job_at_9600(line: PacedLine, fonts: Fonts) -> None:
    job = big_job(fonts, 30)
    assert len(job) >= 57_600  # a minute of wire time at 9600 baud
    conn = open_connection(f"serial://{line.path}?baud={BAUD}", timeout=5.0)
    started = time.monotonic()
    conn.write(job)
    got = line.wait_for(len(job), 120)
    took = time.monotonic() - started
    print(f"{len(job)} bytes in {took:.1f} s = {len(job) / took:.0f} bytes/s")
    assert got == job
    assert took >= len(job) / (BAUD / 10) * 0.95
    assert decode(got).text == decode(job).text


def test_line_that_stops_taking_bytes_times_out_and_resyncs(line: PacedLine, fonts: Fonts) -> None:
    line.rate = 0.001  # the printer stopped reading (buffer full, cover open mid-job)
    job = big_job(fonts, 20)
    conn = open_connection(f"serial://{line.path}?baud={BAUD}", timeout=0.5)
    started = time.monotonic()
    with pytest.raises(errors.Timeout) as caught:
        conn.write(job)
    assert time.monotonic() - started < 10  # bounded: not the minutes the job needed
    assert 0 < caught.value.sent < len(job)
    assert conn.resync_pad > 0
    line.fast()
    partial = line.wait_for(1, 5)
    time.sleep(0.2)
    partial += line.take()
    assert 0 < len(partial) < len(job)
    conn.write(job)
    retry = line.wait_for(len(job) + conn_pad(caught.value.sent, job), 10)
    # One stream, as a printer that keeps its parser state reads it: the partial job
    # (cut inside a picture), padding that finishes the picture, ESC @, the whole job.
    stream = decode(partial + retry)
    assert stream.text.endswith(decode(job).text)
    assert 0 < stream.nuls < conn_pad(caught.value.sent, job)  # padding only where it was
    # Without the resync the same printer draws the retry's first bytes as dots.
    with pytest.raises(AssertionError):
        assert decode(partial + job).text.endswith(decode(job).text)


def conn_pad(sent: int, job: bytes) -> int:
    from printer import resync

    return len(resync.prefix(resync.padding_after(job, sent)))


def test_status_over_the_line_cover_open_and_paper_near_end(line: PacedLine) -> None:
    conn = open_connection(f"serial://{line.path}?baud={BAUD}", timeout=1.0)
    line.fast()
    line.answer = {commands.STATUS_PRINTER: b"\x12", commands.STATUS_PAPER: b"\x12"}
    assert conn.status() is PrinterStatus.OK
    line.answer[commands.STATUS_PAPER] = b"\x1e"  # near-end sensors
    assert conn.status() is PrinterStatus.PAPER_LOW
    line.answer = {
        commands.STATUS_PRINTER: b"\x1a",  # offline
        commands.STATUS_PAPER: b"\x12",
        commands.STATUS_OFFLINE: b"\x16",  # cover open
    }
    assert conn.status() is PrinterStatus.COVER_OPEN
    line.answer = {}  # a printer that never answers: asked once, not three times
    line.take()
    assert conn.status() is PrinterStatus.UNKNOWN
    assert line.wait_for(4, 0.5) == commands.STATUS_PRINTER
