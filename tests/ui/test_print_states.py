"""What staff see of the printing states (issue 14): a job a crash left probably printed
is "check the printer", an interrupted one "reprint"; cover open and paper near end have
their own words on the printer screen and in the status corner."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtWidgets import QLabel

from kiosk.print_queue import QueueState
from kiosk.store.models import PrintJob
from printer.document import Receipt, Text
from tests.ui.flow_helpers import click, wait_route
from tests.ui.test_staff import STAFF, STAFF_PIN, sign_in


def test_reprint_list_and_printer_screen_name_the_states(qtbot, window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ctx = window.ctx
    with ctx.store.begin() as s:
        doc = Receipt([Text("x")]).to_dict()
        s.add(PrintJob(kind="redemption", ref_id="R1", document=doc, state="interrupted"))
        s.add(PrintJob(kind="redemption", ref_id="R2", document=doc, state="printed_unconfirmed"))
    sign_in(qtbot, window, STAFF, STAFF_PIN)
    click(qtbot, ctx, "menu_reprint")
    wait_route(qtbot, ctx, "staff.reprint")
    qtbot.waitUntil(lambda: len(ctx.nav.current.jobs) == 2)
    rows = ctx.nav.current.rows.texts()
    assert "可能已打出，请查看打印机" in rows[0]
    assert "打印中断，请补打" in rows[1]
    qtbot.wait(200)
    window.grab().save(str(tmp_path / "reprint.png"))

    # The printer screen describes the queue's state when a queue runs.
    ctx.printq = SimpleNamespace(
        kick=lambda: None, add_listener=lambda f: None, remove_listener=lambda f: None
    )
    window.strip._on_printer(QueueState("cover_open", 0, 1, "print.cover_open", 1))
    assert window.strip.printer.text.text() == "打印机开盖"
    click(qtbot, ctx, "staffBack")
    click(qtbot, ctx, "menu_printer")
    wait_route(qtbot, ctx, "staff.printer")
    detail = ctx.nav.current.findChild(QLabel, "printerDetail").text()
    assert "打印机：机盖没关好" in detail
    assert "1 张可能已打出，请查看打印机" in detail
    assert "打印机盖没有关好，请工作人员合上盖子。" in detail
    qtbot.wait(200)
    window.grab().save(str(tmp_path / "printer.png"))
    window.strip._on_printer(QueueState("paper_low", 0, 0, "", 0))
    assert window.strip.printer.text.text() == "打印纸将尽"
    assert "打印机：纸快用完了" in ctx.nav.current.findChild(QLabel, "printerDetail").text()
