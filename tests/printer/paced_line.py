"""A serial printer at a real line speed, played by a pty pair: the kiosk opens the slave
end through pyserial like ``/dev/ttyUSB0``; a thread reads the master end at the rate a
UART at ``baud`` carries (10 bits per byte), so a writer that outruns the line blocks once
the pty's buffer (about 18 KB) is full, as it would on a real port.

``fast()`` stops pacing (to collect the rest of a job quickly once the behaviour under
test is over); ``answer`` maps DLE EOT queries to the one-byte replies the printer gives.
"""

from __future__ import annotations

import os
import pty
import select
import threading
import time
import tty


class PacedLine:
    def __init__(self, baud: int = 9600) -> None:
        self.master, self.slave = pty.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.rate = baud / 10  # bytes per second
        self.received = bytearray()
        self.answer: dict[bytes, bytes] = {}
        # (bytes, answers): from the moment the line has carried that many bytes on, the
        # printer answers these instead (the paper ran out part-way through a job).
        self.switch: tuple[int, dict[bytes, bytes]] | None = None
        self.total = 0
        self._paced = True
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        started, taken = time.monotonic(), 0
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            if self._paced:
                # Read no faster than the line: at most what the rate allows by now.
                allowed = int((time.monotonic() - started) * self.rate) - taken
                if allowed <= 0:
                    time.sleep(min(0.05, 64 / self.rate))
                    continue
                want = min(allowed, 256)
            else:
                want = 65536
            try:
                chunk = os.read(self.master, want)
            except OSError:
                return
            taken += len(chunk)
            with self._lock:
                self.received += chunk
                self.total += len(chunk)
                tail = bytes(self.received[-3:])
                if self.switch and self.total >= self.switch[0]:
                    self.answer, self.switch = self.switch[1], None
            reply = self.answer.get(tail)
            if reply:
                os.write(self.master, reply)

    def fast(self) -> None:
        self._paced = False

    def take(self) -> bytes:
        with self._lock:
            data = bytes(self.received)
            self.received.clear()
        return data

    def wait_for(self, size: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while len(self.received) < size and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.take()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
        os.close(self.slave)
