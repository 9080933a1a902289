"""USB and serial printers.

USB goes through pyusb directly (python-escpos's ``Usb`` waits forever with timeout=0,
guesses endpoints 0x01/0x82, and its reads have no timeout): we find the printer-class
interface's bulk endpoints ourselves and give every transfer a timeout.
"""

from __future__ import annotations

import errno
import logging
from typing import Any

from printer.errors import Busy, NotFound, Offline, PermissionDenied, PrinterError, Timeout
from printer.link import Connection, HandedOver, pump, split_tail, wait_drained
from printer.status import PrinterStatus, query

# USB bulk transfers per chunk: every one gets the full timeout, so progress restarts it.
USB_CHUNK = 4096

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

    def _send(self, data: bytes, handed_over: HandedOver) -> None:
        import usb.core
        import usb.util

        dev, out_ep, _ = self._open()
        sent = 0
        try:
            body, tail = split_tail(data)
            for part, last in ((body, False), (tail, True)):
                if last:
                    handed_over()
                for start in range(0, len(part), USB_CHUNK):
                    sent += int(out_ep.write(part[start : start + USB_CHUNK], self.timeout_ms))
        except usb.core.USBError as exc:
            err = _usb_error(exc, f"{self.uri} mid-job")
            err.sent = sent
            raise err from exc
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

        def ask(q: bytes) -> bytes:
            try:
                out_ep.write(q, self.timeout_ms)
                return bytes(in_ep.read(16, min(self.timeout_ms, 2000)))
            except usb.core.USBError:
                return b""

        try:
            return query(ask)
        finally:
            usb.util.dispose_resources(dev)


class SerialConnection(Connection):
    """A serial port. pyserial's ``write_timeout`` covers a whole write, and a raster
    receipt at 9600 baud takes 20–120 s; so we write in chunks ourselves, each with the
    full timeout, then wait for the UART to drain with a deadline that restarts on
    progress."""

    can_read = True

    def __init__(self, port: str, baud: int, timeout: float, uri: str = "") -> None:
        self.port, self.baud, self.timeout = port, baud, timeout
        self.uri = uri or f"serial://{port}?baud={baud}"

    @property
    def chunk(self) -> int:
        # What the line carries in a quarter of the timeout (10 bits a byte on the wire).
        return max(64, min(4096, int(self.baud / 10 * self.timeout / 4)))

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

    def _send(self, data: bytes, handed_over: HandedOver) -> None:
        import serial

        port = self._open()
        ok = False
        try:
            fd = getattr(port, "fd", None)
            if fd is not None:  # POSIX: exact byte counts from our own chunked writes
                pump(fd, data, self.timeout, handed_over, self.port, self.chunk)
                wait_drained(lambda: int(port.out_waiting), self.timeout, self.port, len(data))
            else:  # Windows: pyserial's write_timeout per chunk gives the same deadline
                body, tail = split_tail(data)
                for part, last in ((body, False), (tail, True)):
                    if last:
                        handed_over()
                    for start in range(0, len(part), self.chunk):
                        port.write(part[start : start + self.chunk])
                port.flush()
            ok = True
        except serial.SerialTimeoutException as exc:
            raise Timeout(f"{self.port}: printer stopped taking bytes", sent=len(data)) from exc
        except (serial.SerialException, OSError) as exc:
            raise Offline(f"{self.port} mid-job: {exc}") from exc
        finally:
            if not ok:
                # Drop what the UART still holds: the retry resends it, the printer must
                # not get it twice (and close would otherwise wait up to 30 s to drain).
                try:
                    port.reset_output_buffer()
                except Exception:
                    log.debug("could not flush %s", self.port)
            port.close()

    def status(self) -> PrinterStatus:
        try:
            port = self._open()
        except PrinterError:
            return PrinterStatus.OFFLINE

        def ask(q: bytes) -> bytes:
            try:
                port.reset_input_buffer()
                port.write(q)
                return bytes(port.read(1))
            except Exception:
                return b""

        try:
            return query(ask)
        finally:
            port.close()
