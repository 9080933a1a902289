"""USB and serial printers.

USB goes through pyusb directly (python-escpos's ``Usb`` waits forever with timeout=0,
guesses endpoints 0x01/0x82, and its reads have no timeout): we find the printer-class
interface's bulk endpoints ourselves and give every transfer a timeout.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from printer import commands
from printer.connections import Connection
from printer.errors import Busy, NotFound, Offline, PermissionDenied, PrinterError, Timeout
from printer.status import PrinterStatus, parse

log = logging.getLogger(__name__)


def _usb_error(exc: Exception, what: str) -> PrinterError:
    import usb.core

    if isinstance(exc, usb.core.USBTimeoutError):
        return Timeout(f"{what}: {exc}")
    code = getattr(exc, "errno", None)
    if code in (errno.EACCES, errno.EPERM):
        return PermissionDenied(f"{what}: {exc}")
    if code == errno.EBUSY:
        return Busy(f"{what}: {exc}")
    if code in (errno.ENODEV, errno.ENOENT):
        return NotFound(f"{what}: {exc}")
    return Offline(f"{what}: {exc}")


def _endpoint(intf: Any, direction: int) -> Any:
    import usb.util

    return usb.util.find_descriptor(
        intf, custom_match=lambda e: usb.util.endpoint_direction(e.bEndpointAddress) == direction
    )


class UsbConnection(Connection):
    can_read = True

    def __init__(self, vid: int, pid: int, timeout: float, uri: str = "") -> None:
        self.vid, self.pid, self.timeout_ms = vid, pid, max(1, int(timeout * 1000))
        self.uri = uri or f"usb://{vid:04x}:{pid:04x}"

    def _open(self) -> tuple[Any, Any, Any]:
        import usb.core
        import usb.util

        try:
            dev = usb.core.find(idVendor=self.vid, idProduct=self.pid)
        except usb.core.NoBackendError as exc:
            raise NotFound("no libusb backend: install libusb-1.0") from exc
        if dev is None:
            raise NotFound(f"no USB device {self.vid:04x}:{self.pid:04x}")
        try:
            try:
                cfg = dev.get_active_configuration()
            except usb.core.USBError:
                dev.set_configuration()  # unconfigured device: take its first configuration
                cfg = dev.get_active_configuration()
            # The printer-class interface (7); composite devices put it anywhere.
            intf = usb.util.find_descriptor(cfg, bInterfaceClass=7) or cfg[(0, 0)]
            if dev.is_kernel_driver_active(intf.bInterfaceNumber):
                # usblp holds the printer; we talk to it directly for status replies.
                dev.detach_kernel_driver(intf.bInterfaceNumber)
            out_ep = _endpoint(intf, usb.util.ENDPOINT_OUT)
            in_ep = _endpoint(intf, usb.util.ENDPOINT_IN)
        except usb.core.USBError as exc:
            raise _usb_error(exc, self.uri) from exc
        if out_ep is None:
            raise NotFound(f"{self.uri} has no bulk OUT endpoint")
        return dev, out_ep, in_ep

    def write(self, data: bytes) -> None:
        import usb.core
        import usb.util

        dev, out_ep, _ = self._open()
        try:
            out_ep.write(data, self.timeout_ms)
        except usb.core.USBError as exc:
            raise _usb_error(exc, f"{self.uri} mid-job") from exc
        finally:
            usb.util.dispose_resources(dev)

    def status(self) -> PrinterStatus:
        import usb.core
        import usb.util

        try:
            dev, out_ep, in_ep = self._open()
        except PrinterError:
            return PrinterStatus.OFFLINE
        if in_ep is None:
            return PrinterStatus.UNKNOWN
        try:
            replies = []
            for query in (commands.STATUS_PRINTER, commands.STATUS_PAPER):
                out_ep.write(query, self.timeout_ms)
                replies.append(bytes(in_ep.read(16, min(self.timeout_ms, 2000))))
            return parse(replies[0], replies[1])
        except usb.core.USBError:
            return PrinterStatus.UNKNOWN
        finally:
            usb.util.dispose_resources(dev)


class SerialConnection(Connection):
    can_read = True

    def __init__(self, port: str, baud: int, timeout: float, uri: str = "") -> None:
        self.port, self.baud, self.timeout = port, baud, timeout
        self.uri = uri or f"serial://{port}?baud={baud}"

    def _open(self) -> Any:
        import serial

        try:
            return serial.Serial(
                self.port, self.baud, timeout=min(self.timeout, 2.0), write_timeout=self.timeout
            )
        except serial.SerialException as exc:
            cause = exc.__context__ if isinstance(exc.__context__, OSError) else exc
            code = getattr(cause, "errno", None) or getattr(exc, "errno", None)
            if code in (errno.ENOENT, errno.ENODEV):
                raise NotFound(f"{self.port}: {exc}") from exc
            if code in (errno.EACCES, errno.EPERM):
                raise PermissionDenied(f"{self.port}: {exc}") from exc
            if code == errno.EBUSY:
                raise Busy(f"{self.port}: {exc}") from exc
            raise Offline(f"{self.port}: {exc}") from exc

    def write(self, data: bytes) -> None:
        import serial

        port = self._open()
        try:
            port.write(data)
            port.flush()
        except serial.SerialTimeoutException as exc:
            raise Timeout(f"{self.port}: printer stopped taking bytes") from exc
        except (serial.SerialException, OSError) as exc:
            raise Offline(f"{self.port} mid-job: {exc}") from exc
        finally:
            port.close()

    def status(self) -> PrinterStatus:
        try:
            port = self._open()
        except PrinterError:
            return PrinterStatus.OFFLINE
        try:
            replies = []
            for query in (commands.STATUS_PRINTER, commands.STATUS_PAPER):
                port.reset_input_buffer()
                port.write(query)
                replies.append(port.read(1))
            return parse(replies[0], replies[1])
        except Exception:  # any serial failure means we cannot know
            return PrinterStatus.UNKNOWN
        finally:
            port.close()
