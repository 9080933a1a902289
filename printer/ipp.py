"""Just enough IPP (RFC 8010/8011) to ask CUPS how a job is doing and to cancel it.

No pycups: one request type each way, encoded by hand. The server is where the CUPS
command-line tools look: ``CUPS_SERVER`` (``host[:port]`` or a socket path), else the
local domain socket, else ``localhost:631``.

Cancelling needs the job's owner (CUPS's stock policy: ``Require user @OWNER @SYSTEM``),
so requests name the user ``lp`` submits as: the login of our uid, not ``$USER`` (unset
under systemd, where the old fallback "kiosk" made CUPS refuse every cancel; the failed
job then stayed in CUPS and printed when someone restarted the queue, after our retry: a
second receipt). Over the domain socket we also prove it the way libcups does,
``Authorization: PeerCred USER``, which cupsd checks against the socket's peer uid, for
policies that want Cancel-Job authenticated (CUPS's "authenticated"; only the stock
policy is tested, against a real cupsd in tests/printer/test_real_cups.py).
"""

from __future__ import annotations

import http.client
import os
import pwd
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
# What CUPS says about a job, and about the printer while it had the job (CUPS extensions:
# the backend's "ERROR: out of paper" and "STATE: +media-empty-error" end up there).
JOB_ATTRIBUTES = (
    "job-state",
    "job-state-reasons",
    "job-printer-state-message",
    "job-printer-state-reasons",
)


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


def user() -> str:
    """The user ``lp`` submits as (libcups: ``CUPS_USER``, else the login of our uid)."""
    configured = os.environ.get("CUPS_USER", "")
    if configured:
        return configured
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return os.environ.get("USER", "kiosk")


def _attr(tag: int, name: str, value: bytes) -> bytes:
    raw = name.encode()
    return bytes([tag]) + struct.pack(">H", len(raw)) + raw + struct.pack(">H", len(value)) + value


def encode(operation: int, request_id: int, job_id: int, requested: tuple[str, ...]) -> bytes:
    body = struct.pack(">BBHI", 2, 0, operation, request_id) + bytes([OPERATION_TAG])
    body += _attr(TAG_CHARSET, "attributes-charset", b"utf-8")
    body += _attr(TAG_LANGUAGE, "attributes-natural-language", b"en")
    body += _attr(TAG_URI, "job-uri", f"ipp://localhost/jobs/{job_id}".encode())
    body += _attr(TAG_NAME, "requesting-user-name", user().encode())
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
    headers = {"Content-Type": "application/ipp"}
    if where.startswith("/"):
        conn = _UnixConnection(where, timeout)
        headers["Authorization"] = f"PeerCred {user()}"
    else:
        host, _, port = where.partition(":")
        conn = http.client.HTTPConnection(host, int(port or 631), timeout=timeout)
    try:
        conn.request(
            "POST",
            "/jobs",
            body=encode(operation, 1, job_id, requested),
            headers=headers,
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


class JobState:
    """One answer to Get-Job-Attributes."""

    def __init__(self, attrs: Attributes) -> None:
        self.state = int(attrs["job-state"][0])
        self.reasons = tuple(str(r) for r in attrs.get("job-state-reasons", []))
        self.printer_reasons = tuple(
            str(r) for r in attrs.get("job-printer-state-reasons", []) if r != "none"
        )
        self.printer_message = str((attrs.get("job-printer-state-message") or [""])[0])

    @property
    def name(self) -> str:
        return NAMES.get(self.state, str(self.state))

    def why(self) -> str:
        """CUPS's reason in one line: the job's reasons, then what the printer said."""
        parts = [",".join(self.reasons) or "none"]
        if self.printer_reasons:
            parts.append("printer: " + ",".join(self.printer_reasons))
        if self.printer_message:
            parts.append(f'"{self.printer_message}"')
        return "; ".join(parts)


def job(job_id: int, timeout: float) -> JobState:
    status, attrs = request(GET_JOB_ATTRIBUTES, job_id, timeout, JOB_ATTRIBUTES)
    if status >= 0x0400 or not attrs.get("job-state"):
        raise OSError(f"IPP: job {job_id} unknown to CUPS (status 0x{status:04x})")
    return JobState(attrs)


def job_state(job_id: int, timeout: float) -> tuple[int, tuple[str, ...]]:
    """(job-state, job-state-reasons) of a CUPS job."""
    answer = job(job_id, timeout)
    return answer.state, answer.reasons


def cancel_job(job_id: int, timeout: float) -> str:
    """Cancel a job; "" when CUPS no longer holds it for printing, else why not (the job
    then stays visible in CUPS, and the caller must not pretend it is gone)."""
    try:
        status, _ = request(CANCEL_JOB, job_id, timeout)
        if status < 0x0400:
            return ""
        # Already finished jobs cannot be cancelled, and need not be.
        if job(job_id, timeout).state in (CANCELED, ABORTED, COMPLETED):
            return ""
        return f"CUPS refused to cancel job {job_id} (status 0x{status:04x})"
    except OSError as exc:
        return f"could not cancel CUPS job {job_id}: {exc}"
