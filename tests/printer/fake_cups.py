"""CUPS played at its two edges the kiosk touches: an ``lp`` on PATH that spools the job
and prints CUPS's "request id is QUEUE-N (1 file(s))", and an IPP server on 127.0.0.1
(``CUPS_SERVER``) answering Get-Job-Attributes and Cancel-Job from a script of job
states. The IPP bytes are parsed and built here from RFC 8010, not with printer.ipp.
"""

from __future__ import annotations

import struct
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

LP = """#!{python}
import sys
from pathlib import Path
spool = Path({spool!r})
if "{queue}" not in sys.argv:
    print("lp: The printer or class does not exist.", file=sys.stderr)
    sys.exit(1)
n = len(list(spool.glob("job-*.bin"))) + 1
(spool / f"job-{{n}}.bin").write_bytes(sys.stdin.buffer.read())
print(f"request id is {queue}-{{n}} (1 file(s))")
"""

# (job-state, job-state-reasons) per poll; the last one repeats.
Script = list[tuple[int, list[str]]]
GOOD: Script = [(3, ["none"]), (5, ["job-printing"]), (9, ["job-completed-successfully"])]


def _attrs(body: bytes) -> tuple[int, dict[str, list[bytes]]]:
    op = struct.unpack(">H", body[2:4])[0]
    out: dict[str, list[bytes]] = {}
    pos, name = 9, ""
    while pos < len(body) and body[pos] != 0x03:
        pos += 1
        n = struct.unpack(">H", body[pos : pos + 2])[0]
        name = body[pos + 2 : pos + 2 + n].decode() or name
        pos += 2 + n
        v = struct.unpack(">H", body[pos : pos + 2])[0]
        out.setdefault(name, []).append(body[pos + 2 : pos + 2 + v])
        pos += 2 + v
    return op, out


def _attr(tag: int, name: str, value: bytes) -> bytes:
    return (
        bytes([tag])
        + struct.pack(">H", len(name))
        + name.encode()
        + struct.pack(">H", len(value))
        + value
    )


class FakeCups:
    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch, queue: str = "Receipt") -> None:
        self.queue = queue
        self.spool = tmp / "spool"
        self.spool.mkdir()
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        lp = bin_dir / "lp"
        lp.write_text(LP.format(python=sys.executable, spool=str(self.spool), queue=queue))
        lp.chmod(0o755)
        monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
        self.script: Script = list(GOOD)
        self.polls: dict[int, int] = {}
        self.canceled: list[int] = []
        self.refuse_cancel = False  # CUPS says client-error-forbidden to Cancel-Job
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                op, attrs = _attrs(body)
                job = int(attrs["job-uri"][0].decode().rsplit("/", 1)[1])
                reply = struct.pack(">BBHI", 2, 0, 0, struct.unpack(">I", body[4:8])[0])
                reply += b"\x01" + _attr(0x47, "attributes-charset", b"utf-8")
                if op == 0x0008 and fake.refuse_cancel:
                    reply = reply[:2] + struct.pack(">H", 0x0401) + reply[4:]  # forbidden
                elif op == 0x0008:
                    fake.canceled.append(job)
                else:
                    n = fake.polls.get(job, 0)
                    fake.polls[job] = n + 1
                    state, reasons = fake.script[min(n, len(fake.script) - 1)]
                    reply += b"\x02" + _attr(0x23, "job-state", struct.pack(">i", state))
                    for i, r in enumerate(reasons):
                        reply += _attr(0x44, "" if i else "job-state-reasons", r.encode())
                reply += b"\x03"
                self.send_response(200)
                self.send_header("Content-Type", "application/ipp")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        monkeypatch.setenv("CUPS_SERVER", f"127.0.0.1:{self.server.server_address[1]}")
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def jobs(self) -> list[bytes]:
        return [p.read_bytes() for p in sorted(self.spool.glob("job-*.bin"))]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
