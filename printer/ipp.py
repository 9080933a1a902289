"""Just enough IPP (RFC 8010/8011) to ask CUPS how a job is doing and to cancel it.

No pycups: one request type each way, encoded by hand. The server is where the CUPS
command-line tools look: ``CUPS_SERVER`` (``host[:port]`` or a socket path), else the
local domain socket, else ``localhost:631``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import struct
from pathlib import Path

# job-state values (RFC 8011 §5.3.7)
PENDING, HELD, PROCESSING, STOPPED, CANCELED, ABORTED, COMPLETED = 3, 4, 5, 6, 7, 8, 9
NAMES = {
    PENDING: "pending",
    HELD: "held",
    PROCESSING: "processing",
    STOPPED: "stopped",
    CANCELED: "canceled",
    ABORTED: "aborted",
    COMPLETED: "completed",
}
GET_JOB_ATTRIBUTES, CANCEL_JOB = 0x0009, 0x0008
OPERATION_TAG, END_TAG = 0x01, 0x03
TAG_ENUM, TAG_URI, TAG_KEYWORD, TAG_NAME = 0x23, 0x45, 0x44, 0x42
TAG_CHARSET, TAG_LANGUAGE = 0x47, 0x48
DOMAIN_SOCKET = "/run/cups/cups.sock"


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.path)
        self.sock = sock


def server() -> str:
    configured = os.environ.get("CUPS_SERVER", "")
    if configured:
        return configured
    return DOMAIN_SOCKET if Path(DOMAIN_SOCKET).exists() else "localhost:631"


def _attr(tag: int, name: str, value: bytes) -> bytes:
    raw = name.encode()
    return bytes([tag]) + struct.pack(">H", len(raw)) + raw + struct.pack(">H", len(value)) + value


def encode(operation: int, request_id: int, job_id: int, requested: tuple[str, ...]) -> bytes:
    body = struct.pack(">BBHI", 2, 0, operation, request_id) + bytes([OPERATION_TAG])
    body += _attr(TAG_CHARSET, "attributes-charset", b"utf-8")
    body += _attr(TAG_LANGUAGE, "attributes-natural-language", b"en")
    body += _attr(TAG_URI, "job-uri", f"ipp://localhost/jobs/{job_id}".encode())
    body += _attr(TAG_NAME, "requesting-user-name", os.environ.get("USER", "kiosk").encode())
    for i, keyword in enumerate(requested):
        # Further values of a multi-valued attribute have an empty name.
        body += _attr(TAG_KEYWORD, "" if i else "requested-attributes", keyword.encode())
    return body + bytes([END_TAG])


def decode(data: bytes) -> tuple[int, dict[str, list[int | str]]]:
    """(status code, attributes by name) of an IPP response; values as int or str."""
    status = struct.unpack(">H", data[2:4])[0]
    attrs: dict[str, list[int | str]] = {}
    pos, name = 8, ""
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag == END_TAG:
            break
        if tag < 0x10:  # a new attribute group
            continue
        (name_len,) = struct.unpack(">H", data[pos : pos + 2])
        new_name = data[pos + 2 : pos + 2 + name_len].decode()
        pos += 2 + name_len
        (value_len,) = struct.unpack(">H", data[pos : pos + 2])
        raw = data[pos + 2 : pos + 2 + value_len]
        pos += 2 + value_len
        name = new_name or name
        is_int = tag in (TAG_ENUM, 0x21)
        value: int | str = struct.unpack(">i", raw)[0] if is_int else raw.decode("utf-8", "replace")
        attrs.setdefault(name, []).append(value)
    return status, attrs


Attributes = dict[str, list[int | str]]


def request(
    operation: int, job_id: int, timeout: float, requested: tuple[str, ...] = ()
) -> tuple[int, Attributes]:
    where = server()
    conn: http.client.HTTPConnection
    if where.startswith("/"):
        conn = _UnixConnection(where, timeout)
    else:
        host, _, port = where.partition(":")
        conn = http.client.HTTPConnection(host, int(port or 631), timeout=timeout)
    try:
        conn.request(
            "POST",
            "/jobs",
            body=encode(operation, 1, job_id, requested),
            headers={"Content-Type": "application/ipp"},
        )
        reply = conn.getresponse()
        data = reply.read()
    except http.client.HTTPException as exc:
        raise OSError(f"IPP: {exc}") from exc
    finally:
        conn.close()
    if reply.status != 200 or len(data) < 8:
        raise OSError(f"IPP: HTTP {reply.status}")
    return decode(data)


def job_state(job_id: int, timeout: float) -> tuple[int, tuple[str, ...]]:
    """(job-state, job-state-reasons) of a CUPS job."""
    status, attrs = request(GET_JOB_ATTRIBUTES, job_id, timeout, ("job-state", "job-state-reasons"))
    if status >= 0x0400 or not attrs.get("job-state"):
        raise OSError(f"IPP: job {job_id} unknown to CUPS (status 0x{status:04x})")
    return int(attrs["job-state"][0]), tuple(str(r) for r in attrs.get("job-state-reasons", []))


def cancel_job(job_id: int, timeout: float) -> None:
    # Best effort: if it fails the job stays visible in CUPS for a technician.
    with contextlib.suppress(OSError):
        request(CANCEL_JOB, job_id, timeout)
