"""docs/printing.md says what the code does: the default serial speed, every job state a
staff member can meet, and the exact staff text of every reason a job is "check the
printer"."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.messages import MESSAGES
from printer.connections import open_connection
from printer.errors import FaultAfterJob
from printer.hardware import SerialConnection

DOC = (Path(__file__).resolve().parents[2] / "docs" / "printing.md").read_text()
STATES = ("pending", "printing", "done", "printed_unconfirmed", "interrupted", "failed")


def test_default_serial_speed_is_the_one_documented() -> None:
    m = re.search(r"`baud` defaults to (\d+)", DOC)
    assert m, "printing.md must state the default serial speed"
    conn = open_connection("serial:///dev/ttyUSB0")
    assert isinstance(conn, SerialConnection) and conn.baud == int(m[1]) == 9600
    # The speed section names what printers ship with, and print-test's measured rate.
    assert "9600 baud" in DOC and "38400" in DOC and "line rate / 传输速率" in DOC


def test_every_state_and_every_unconfirmed_reason_is_explained_with_the_staff_text() -> None:
    table = DOC[DOC.index("### What each state means to staff") :]
    for state in STATES:
        assert f"| `{state}` |" in table, state
    reasons = ["print.unconfirmed", "print.cups_left", *FaultAfterJob.KEYS.values()]
    for key in reasons:
        zh, en = MESSAGES[key]
        assert f"| `{key}` | {zh} |" in table, key
        assert en
