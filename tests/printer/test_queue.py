"""The print queue over a real store and a printer on 127.0.0.1: faults keep the job, a
retry prints it exactly once, the order or redemption is never touched, staff reprint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from kiosk import orders, print_queue, redemption
from kiosk.config import Config
from kiosk.errors import NotFoundError
from kiosk.print_queue import PrintQueue, QueueState
from kiosk.store.db import Store
from kiosk.store.models import AuditEntry, PrintJob, Redemption, ServiceOrder
from printer.connections import DummyConnection, PreviewConnection
from printer.document import Receipt, Text
from printer.output import Output
from printer.profiles import make_profile
from printer.raster import Fonts
from printer.transports import TcpConnection

from .fake_printer import OK_REPLY, PAPER_OUT_REPLY, FakePrinter, wait_until
from .samples import AT, Approving

FAST, SAFE = 0.3, 5.0


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.close()


def place(store: Store, config: Config, phone: str = "13812341234") -> str:
    from kiosk.store.models import Service

    with store.begin() as s:
        code = s.scalars(select(Service.code).where(Service.home_visit.is_(False))).first()
        draft = orders.OrderDraft(
            service_code=code, address="", honorific="李先生", phone=phone, time_slot="asap"
        )
        return orders.place_order(s, draft, config, now=AT).id


def job_of(store: Store, ref_id: str) -> PrintJob:
    with store.begin() as s:
        job = s.scalars(
            select(PrintJob).where(PrintJob.ref_id == ref_id).order_by(PrintJob.seq.desc())
        ).first()
        assert job is not None
        return job


def expected_bytes(output: Output, job: PrintJob) -> bytes:
    return output.render(Receipt.from_dict(job.document))


def make_queue(
    store: Store, output: Output, states: list[QueueState] | None = None, **kw: float
) -> PrintQueue:
    return PrintQueue(store, output, listener=(states.append if states is not None else None), **kw)  # type: ignore[arg-type]


def tcp_output(printer: FakePrinter, fonts: Fonts, timeout: float = SAFE) -> Output:
    return Output(
        TcpConnection("127.0.0.1", printer.port, timeout), make_profile(58, "native"), fonts
    )


def test_job_is_written_with_the_order_or_not_at_all(demo_store: Store, config: Config) -> None:
    order_id = place(demo_store, config)
    assert job_of(demo_store, order_id).state == "pending"
    with pytest.raises(RuntimeError), demo_store.begin() as s:
        from kiosk.store.models import Service

        code = s.scalars(select(Service.code).where(Service.home_visit.is_(False))).first()
        draft = orders.OrderDraft(
            service_code=code, address="", honorific="李先生", phone="13900001111", time_slot="asap"
        )
        orders.place_order(s, draft, config)
        raise RuntimeError("power cut before commit")
    with demo_store.begin() as s:
        assert len(s.scalars(select(PrintJob)).all()) == 1
        assert len(s.scalars(select(ServiceOrder)).all()) == 1


def test_prints_in_order_once_each(demo_store: Store, config: Config, fonts: Fonts) -> None:
    ids = [place(demo_store, config, f"1380000000{i}") for i in range(3)]
    conn = DummyConnection()
    output = Output(conn, make_profile(80, "native"), fonts)
    states: list[QueueState] = []
    queue = make_queue(demo_store, output, states)
    assert [queue.process_once() for _ in range(4)] == [True, True, True, None]
    assert conn.jobs == [expected_bytes(output, job_of(demo_store, i)) for i in ids]
    assert all(job_of(demo_store, i).state == "done" for i in ids)
    assert states[-1] == QueueState("ok", 0, 0, "")


def test_refused_then_retry_prints_once(demo_store: Store, config: Config, fonts: Fonts) -> None:
    first = FakePrinter()
    port = first.port
    first.close()  # nobody listens: connection refused
    order_id = place(demo_store, config)
    output = Output(TcpConnection("127.0.0.1", port, SAFE), make_profile(58, "native"), fonts)
    states: list[QueueState] = []
    queue = make_queue(demo_store, output, states)
    assert queue.process_once() is False
    job = job_of(demo_store, order_id)
    assert (job.state, job.attempts) == ("pending", 1) and job.last_error.startswith("print.")
    assert states[-1].printer == "offline" and states[-1].pending == 1
    printer = FakePrinter(port)  # switched on
    try:
        assert queue.process_once() is True
        wait_until(lambda: printer.jobs)
        assert printer.jobs == [expected_bytes(output, job)]
        assert queue.process_once() is None
        assert printer.jobs == [expected_bytes(output, job)]
    finally:
        printer.close()
    with demo_store.begin() as s:
        assert s.get(ServiceOrder, order_id) is not None


def test_printer_that_never_reads(
    demo_store: Store, config: Config, fonts: Fonts, printer: FakePrinter
) -> None:
    order_id = place(demo_store, config)
    output = Output(
        TcpConnection("127.0.0.1", printer.port, FAST), make_profile(80, "raster"), fonts
    )
    queue = make_queue(demo_store, output)
    printer.mode = "never_read"
    assert queue.process_once() is False
    assert job_of(demo_store, order_id).state == "pending"
    assert "print.timeout" in job_of(demo_store, order_id).last_error
    printer.mode = "normal"
    output.connection.timeout = SAFE  # type: ignore[attr-defined]
    assert queue.process_once() is True
    wait_until(lambda: printer.jobs)
    want = expected_bytes(output, job_of(demo_store, order_id))
    assert len(want) > 20_000  # a raster receipt: bigger than the socket buffers
    assert printer.jobs == [want]


def test_printer_closing_mid_job(
    demo_store: Store, config: Config, fonts: Fonts, printer: FakePrinter
) -> None:
    order_id = place(demo_store, config)
    output = Output(
        TcpConnection("127.0.0.1", printer.port, SAFE), make_profile(80, "raster"), fonts
    )
    queue = make_queue(demo_store, output)
    printer.mode = "close_mid_job"
    assert queue.process_once() is False
    assert job_of(demo_store, order_id).state == "pending"
    assert job_of(demo_store, order_id).last_error.startswith("print.offline")
    printer.mode = "normal"
    assert queue.process_once() is True
    wait_until(lambda: printer.jobs)
    assert printer.jobs == [expected_bytes(output, job_of(demo_store, order_id))]
    assert printer.aborted and len(printer.aborted[0]) < len(printer.jobs[0])


def test_paper_out_keeps_the_redemption_and_its_receipt(
    demo_store: Store, config: Config, fonts: Fonts, printer: FakePrinter
) -> None:
    from kiosk.stock import stock_level
    from kiosk.store.models import Gift, Volunteer

    with demo_store.begin() as s:
        vid = s.scalars(select(Volunteer.id)).first()
        sku = next(
            g.sku
            for g in s.scalars(select(Gift).order_by(Gift.points))
            if stock_level(s, g.sku) > 2
        )
    result = redemption.redeem(demo_store, vid, {sku: 1}, Approving(500), 200, config, now=AT)
    printer.replies[4] = PAPER_OUT_REPLY
    states: list[QueueState] = []
    output = tcp_output(printer, fonts)
    queue = make_queue(demo_store, output, states)
    assert queue.process_once() is False
    assert states[-1].printer == "paper_out" and states[-1].last_error == "print.paper_out"
    assert printer.jobs == []
    with demo_store.begin() as s:
        assert s.get(Redemption, result.redemption_id) is not None
    printer.replies[4] = OK_REPLY  # paper loaded
    assert queue.process_once() is True
    wait_until(lambda: printer.jobs)
    job = job_of(demo_store, result.redemption_id)
    assert job.state == "done" and job.attempts == 2
    assert printer.jobs == [expected_bytes(output, job)]


def test_worker_thread_backs_off_and_kick_wakes_it(
    demo_store: Store, config: Config, fonts: Fonts, printer: FakePrinter
) -> None:
    printer.replies[4] = PAPER_OUT_REPLY
    order_id = place(demo_store, config)
    # A minute of backoff: only kick() can make this test finish within wait_until's bound.
    queue = make_queue(demo_store, tcp_output(printer, fonts), min_backoff=60.0, max_backoff=60.0)
    queue.start()
    try:
        wait_until(lambda: "paper_out" in job_of(demo_store, order_id).last_error)
        assert job_of(demo_store, order_id).state == "pending"
        printer.replies[4] = OK_REPLY
        queue.kick()
        wait_until(lambda: job_of(demo_store, order_id).state == "done")
        second = place(demo_store, config, "13900002222")
        queue.kick()
        wait_until(lambda: job_of(demo_store, second).state == "done")
    finally:
        queue.stop()
    assert len(printer.jobs) == 2


def test_backoff_is_capped_exponential_with_jitter(demo_store: Store, fonts: Fonts) -> None:
    queue = PrintQueue(
        demo_store,
        Output(DummyConnection(), make_profile(58), fonts),
        min_backoff=1.0,
        max_backoff=60.0,
        rng=lambda: 1.0,
    )
    delays = []
    for failures in (1, 2, 3, 7, 20):
        queue._failures = failures
        delays.append(queue.backoff())
    assert delays == [1.0, 2.0, 4.0, 60.0, 60.0]
    queue._rng = lambda: 0.0
    assert queue.backoff() == 30.0


def test_interrupted_job_is_failed_not_resent_and_staff_reprint(
    demo_store: Store, config: Config, fonts: Fonts
) -> None:
    order_id = place(demo_store, config)
    with demo_store.begin() as s:  # the process died during the write
        s.scalars(select(PrintJob)).one().state = "printing"
    conn = DummyConnection()
    states: list[QueueState] = []
    queue = make_queue(demo_store, Output(conn, make_profile(58, "native"), fonts), states)
    assert queue.recover() == 1
    assert queue.process_once() is None and conn.jobs == []
    assert states[-1].failed == 1
    original = job_of(demo_store, order_id)
    assert (original.state, original.last_error) == ("failed", "print.interrupted")
    with demo_store.begin() as s:
        copy = print_queue.reprint(s, original.id, "S001")
        assert copy.reprint_of == original.id
    assert queue.process_once() is True and len(conn.jobs) == 1
    assert states[-1].failed == 0
    with demo_store.begin() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "print.reprint")).one()
        assert audit.staff_id == "S001" and audit.detail["job_id"] == original.id
        with pytest.raises(NotFoundError):
            print_queue.reprint(s, "no-such-job", "S001")


def test_reprint_of_a_printed_receipt_prints_the_same_bytes(
    demo_store: Store, config: Config, fonts: Fonts
) -> None:
    order_id = place(demo_store, config)
    conn = DummyConnection()
    queue = make_queue(demo_store, Output(conn, make_profile(80, "native"), fonts))
    assert queue.process_once() is True
    with demo_store.begin() as s:
        print_queue.reprint(s, job_of(demo_store, order_id).id, "S001")
    assert queue.process_once() is True
    assert len(conn.jobs) == 2 and conn.jobs[0] == conn.jobs[1]
    with demo_store.begin() as s:
        assert [j.kind for j in print_queue.recent_jobs(s)] == ["order_ticket", "order_ticket"]


def test_unrenderable_job_fails_without_blocking_the_rest(
    demo_store: Store, config: Config, fonts: Fonts
) -> None:
    with demo_store.begin() as s:
        s.add(PrintJob(kind="order_ticket", ref_id="x", document={"version": 99}))
    good = place(demo_store, config)
    conn = DummyConnection()
    queue = make_queue(demo_store, Output(conn, make_profile(58, "native"), fonts))
    assert queue.process_once() is False
    assert queue.process_once() is True
    assert job_of(demo_store, "x").state == "failed"
    assert job_of(demo_store, good).state == "done" and len(conn.jobs) == 1


def test_preview_output_writes_a_png_per_job(
    demo_store: Store, config: Config, fonts: Fonts
) -> None:
    place(demo_store, config)
    folder = config.store_path().parent / "receipts"
    queue = make_queue(demo_store, Output(PreviewConnection(folder), make_profile(58), fonts))
    assert queue.process_once() is True
    (png,) = folder.glob("order_ticket-*.png")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_output_for_config_defaults_to_previews(config: Config) -> None:
    from dataclasses import replace

    output = print_queue.output_for(replace(config, printer_connection=""))
    assert isinstance(output.connection, PreviewConnection)
    assert output.fonts.regular.name == "NotoSansSC-Regular.otf"
    assert output.profile.columns == 48


def test_enqueue_stores_the_document_as_json(demo_store: Store) -> None:
    with demo_store.begin() as s:
        job = print_queue.enqueue(s, "report", "", Receipt([Text("日报")]))
    assert Receipt.from_dict(job_of(demo_store, "").document) == Receipt([Text("日报")])
    assert job.state == "pending"


class Exploding(DummyConnection):
    def write(self, data: bytes) -> None:
        raise RuntimeError("driver bug")


def test_unexpected_error_keeps_the_job_pending(
    demo_store: Store, config: Config, fonts: Fonts
) -> None:
    order_id = place(demo_store, config)
    states: list[QueueState] = []
    queue = make_queue(demo_store, Output(Exploding(), make_profile(58, "native"), fonts), states)
    assert queue.process_once() is False
    job = job_of(demo_store, order_id)
    assert job.state == "pending" and job.last_error.startswith("print.error")
    assert states[-1].last_error == "print.error" and states[-1].pending == 1


def test_silent_printer_is_not_asked_before_every_job(printer: FakePrinter, fonts: Fonts) -> None:
    printer.replies = {}  # never answers DLE EOT
    # Tiny jobs on loopback are acknowledged by the kernel at once, so FAST is safe here.
    output = Output(
        TcpConnection("127.0.0.1", printer.port, FAST), make_profile(58, "native"), fonts
    )
    output.send(b"one", "a")  # asks, hears nothing (UNKNOWN, not OK), prints anyway
    wait_until(lambda: len(printer.jobs) == 1)
    before = printer.connections
    output.send(b"two", "b")  # does not ask again
    wait_until(lambda: len(printer.jobs) == 2)
    assert printer.connections == before + 1
    assert printer.jobs == [b"one", b"two"]


def test_runtime_style_construction_and_listeners(demo_store: Store, config: Config) -> None:
    queue = PrintQueue(demo_store, config)  # as station.runtime builds it: the configured printer
    assert isinstance(queue.output.connection, PreviewConnection)
    seen: list[QueueState] = []
    queue.add_listener(seen.append)
    place(demo_store, config)
    queue.start()
    try:
        wait_until(lambda: seen and seen[-1].pending == 0 and seen[-1].printer == "ok")
    finally:
        queue.stop()
    queue.remove_listener(seen.append)
    assert list((config.store_path().parent / "receipts").glob("order_ticket-*.png"))


def test_a_committed_receipt_prints_without_waiting_for_the_idle_poll(
    demo_store: Store, config: Config, fonts: Fonts, printer: FakePrinter
) -> None:
    """Found in the demo: a redemption's receipt waited for the next poll. No kick() here:
    the commit that wrote the job wakes the worker, and the poll is ten minutes."""
    queue = make_queue(demo_store, tcp_output(printer, fonts), idle_poll=600.0)
    queue.start()
    try:
        order_id = place(demo_store, config)
        wait_until(lambda: job_of(demo_store, order_id).state == "done")
    finally:
        queue.stop()
    assert len(printer.jobs) == 1
