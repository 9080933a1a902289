"""``kiosk print-test``: a test page on the configured printer; the printer check of doctor."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import datetime
from pathlib import Path

from kiosk.config import Config

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "print-test", help="print a test page (alignments, Chinese both ways, QR, barcode)"
    )
    parser.add_argument("--connection", help="printer URI instead of the configured one")
    parser.add_argument("--paper", type=int, choices=(58, 80), help="paper width in mm")
    parser.add_argument("--chinese", choices=("native", "raster"), help="Chinese text mode")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per I/O")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from station.args import config_from_args

    overrides: dict[str, object] = {}
    if args.connection:
        overrides["printer_connection"] = args.connection
    if args.paper:
        overrides["printer_paper_mm"] = args.paper
    if args.chinese:
        overrides["printer_chinese"] = args.chinese
    return print_test(config_from_args(args, **overrides), args.timeout)


def print_test(config: Config, timeout: float = 5.0) -> int:
    from kiosk.print_queue import output_for
    from printer.connections import PreviewConnection
    from printer.errors import PrinterError
    from printer.status import PrinterStatus
    from printer.testpage import test_page, test_page_bytes

    output = None
    try:
        output = output_for(config, timeout)
        print(f"printer: {output.connection.uri}  profile: {output.profile}")
        # Asked once: a printer that does not answer costs one wait, not one per question.
        state = output.status()
        print(f"status / 状态: {state.value}")
        if state is PrinterStatus.PAPER_LOW:
            print(f"note / 提示: {FIXES['paper_low']}")
        now = datetime.now()
        if isinstance(output.connection, PreviewConnection):
            payload = output.render(test_page(output.profile, now))
        else:
            payload = test_page_bytes(output.profile, output.fonts, now)
        started = time.monotonic()
        output.send(payload, f"test-page-{now:%Y%m%d-%H%M%S}", state=state)
        took = time.monotonic() - started
    except PrinterError as exc:
        from kiosk.messages import text

        print(f"FAIL {exc.key}: {exc.detail}")
        print(f"  {text(exc.key, 'zh_CN')} / {text(exc.key, 'en')}")
        # The printer's own hint, else the fix for its state (as doctor gives it).
        fix = exc.hint or FIXES.get(exc.key.removeprefix("print.").removesuffix("_mid_job"), "")
        if exc.key in ("print.offline", "print.not_found") and output is not None:
            reason, where_fix = offline_reason(output.connection)
            if reason:
                print(f"why / 原因: {reason}")
                fix = where_fix or fix
        if fix:
            print(f"fix / 处理: {fix}")
        return 1
    where = (
        f" into {output.connection.folder}"
        if isinstance(output.connection, PreviewConnection)
        else ""
    )
    print(f"OK: test page sent ({len(payload)} bytes){where} / 测试页已发送")
    if not isinstance(output.connection, PreviewConnection):
        print(line_rate(len(payload), took, getattr(output.connection, "baud", 0)))
    return 0


def line_rate(size: int, took: float, baud: int) -> str:
    """The rate the printer took the page at. Device and kernel buffers (a UART's 4 KB, a
    pty's 18 KB, the printer's own) swallow the start of a job, so a page that fits in
    them measures too fast; the serial line's nominal rate is shown beside it."""
    nominal = f"; {baud} baud carries {baud // 10:,} bytes/s" if baud else ""
    if took < 0.25:
        return f"line rate / 传输速率: {size} bytes taken at once (buffered){nominal}"
    return (
        f"line rate / 传输速率: {size / took:,.0f} bytes/s ({size} bytes in {took:.1f} s){nominal}"
    )


FIXES = {
    "offline": "switch the printer on, check the cable or network / 检查电源和连接线",
    "cover_open": "close the printer cover until it clicks / 合上打印机盖",
    "paper_out": "load a paper roll (thermal side out) / 装入打印纸",
    "paper_low": "the paper roll is nearly used up: have a new one ready / 纸快用完了，准备新纸卷",
}


def printer_check(config: Config) -> tuple[str, str, str]:
    """For ``kiosk doctor``: (OK | WARN | FAIL, what was found, how to fix it)."""
    from kiosk.print_queue import output_for
    from printer.connections import PreviewConnection
    from printer.errors import PrinterError
    from printer.status import PrinterStatus

    try:
        output = output_for(config, timeout=3.0)
    except PrinterError as exc:
        return (
            "FAIL",
            f"printer_connection: {exc.detail}",
            "fix printer_connection (docs/printing.md)",
        )
    uri = output.connection.uri
    if output.profile.chinese == "raster":
        missing = [p for p in (output.fonts.regular, output.fonts.bold) if p and not p.is_file()]
        if missing:
            return "FAIL", f"font missing: {missing[0]}", "reinstall the kiosk bundle"
    if isinstance(output.connection, PreviewConnection):
        return "WARN", f"{uri}: receipts go to PNG files (demo mode)", "set printer_connection"
    state = output.status()
    if state is PrinterStatus.OK:
        return "OK", f"{uri}: ready", ""
    if state is PrinterStatus.PAPER_LOW:
        return "WARN", f"{uri}: paper near its end", FIXES["paper_low"]
    if state is PrinterStatus.UNKNOWN:
        return (
            "WARN",
            f"{uri}: the printer does not report its state",
            "run `kiosk print-test` and look at the page",
        )
    output.connection.close()
    if state is PrinterStatus.OFFLINE:
        reason, fix = offline_reason(output.connection)
        if reason:
            return "FAIL", f"{uri}: offline: {reason}", fix or FIXES["offline"]
    return "FAIL", f"{uri}: {state.value}", FIXES.get(state.value, "")


def offline_reason(connection: object) -> tuple[str, str]:
    """Why a printer connection reaches nothing, and the fix, for the technician: the
    device node, USB id, address or CUPS queue it names is not there ("", "" when that is
    not it). "offline → switch the printer on" was all doctor said for a serial port that
    does not exist, a USB id no device has, a refused address or an unknown queue. Asks
    only: opens no printer and sends nothing."""
    from printer.hardware import SerialConnection, UsbConnection
    from printer.transports import CupsConnection, FileConnection, TcpConnection

    if isinstance(connection, SerialConnection | FileConnection):
        node = Path(str(getattr(connection, "port", None) or getattr(connection, "path", "")))
        if str(node).startswith("/dev/") and not node.exists():
            listing = "/dev/ttyUSB* /dev/ttyACM* /dev/ttyS*"
            if isinstance(connection, FileConnection):
                listing = "/dev/usb/"
            return (
                f"{node} does not exist",
                f"plug the printer's cable in and switch it on; `ls {listing}` lists what "
                "is there (the udev rules add /dev/receipt-printer) / 检查电源和连接线",
            )
    if isinstance(connection, UsbConnection):
        wanted = f"{connection.vid:04x}:{connection.pid:04x}"
        present = _usb_ids()
        if present is not None and wanted not in present:
            seen = f" (plugged in: {', '.join(sorted(present)[:6])})" if present else ""
            return (
                f"no USB device {wanted} is plugged in{seen}",
                "switch the printer on and plug it in; `lsusb` lists the ids: set "
                'printer_connection = "usb://VVVV:PPPP" to the printer\'s (kiosk init '
                "--printer-connection) / 检查电源和连接线，以及设备编号",
            )
    if isinstance(connection, TcpConnection):
        import socket

        try:
            socket.create_connection((connection.host, connection.port), timeout=2.0).close()
        except OSError as exc:
            why = exc.strerror or type(exc).__name__  # TimeoutError has no strerror
            return (
                f"nothing answers at {connection.host}:{connection.port} ({why})",
                "switch the printer on and check its network cable; check its IP address (its "
                "own status page prints it: hold FEED while switching it on), that it is on "
                "this network (`ping`), and the port (9100) / 检查电源和连接线，以及打印机的地址",
            )
    if isinstance(connection, CupsConnection):
        import shutil
        import subprocess

        if shutil.which("lpstat") is None:
            return "CUPS is not installed", "apt-get install -y cups, then add the queue"
        try:
            found = subprocess.run(
                ["lpstat", "-p", connection.queue], capture_output=True, text=True, timeout=3
            )
        except (OSError, subprocess.TimeoutExpired):
            return "", ""
        if found.returncode != 0:
            return (
                f"no CUPS queue {connection.queue}",
                '`lpstat -p` lists the queues: set printer_connection = "cups://QUEUE" / '
                "检查打印队列名称",
            )
    return "", ""


USB_DEVICES = Path("/sys/bus/usb/devices")  # the kernel's list of what is plugged in


def _usb_ids() -> set[str] | None:
    """vid:pid of every USB device the kernel lists; None where sysfs has no USB bus."""
    root = USB_DEVICES
    if not root.is_dir():
        return None
    ids = set()
    for device in root.iterdir():
        try:
            vid = (device / "idVendor").read_text().strip()
            pid = (device / "idProduct").read_text().strip()
        except OSError:
            continue
        ids.add(f"{vid}:{pid}")
    return ids
