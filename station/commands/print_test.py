"""``kiosk print-test``: a test page on the configured printer; the printer check of doctor."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime

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
    from printer.testpage import test_page, test_page_bytes

    try:
        output = output_for(config, timeout)
        print(f"printer: {output.connection.uri}  profile: {output.profile}")
        print(f"status / 状态: {output.status().value}")
        now = datetime.now()
        if isinstance(output.connection, PreviewConnection):
            payload = output.render(test_page(output.profile, now))
        else:
            payload = test_page_bytes(output.profile, output.fonts, now)
        output.send(payload, f"test-page-{now:%Y%m%d-%H%M%S}")
    except PrinterError as exc:
        print(f"FAIL {exc.key}: {exc.detail}")
        if exc.hint:
            print(f"fix / 处理: {exc.hint}")
        return 1
    where = (
        f" into {output.connection.folder}"
        if isinstance(output.connection, PreviewConnection)
        else ""
    )
    print(f"OK: test page sent ({len(payload)} bytes){where} / 测试页已发送")
    return 0


FIXES = {
    "offline": "switch the printer on, check the cable or network, close the cover",
    "paper_out": "load a paper roll (thermal side out) / 装入打印纸",
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
    if state is PrinterStatus.UNKNOWN:
        return (
            "WARN",
            f"{uri}: the printer does not report its state",
            "run `kiosk print-test` and look at the page",
        )
    output.connection.close()
    return "FAIL", f"{uri}: {state.value}", FIXES.get(state.value, "")
