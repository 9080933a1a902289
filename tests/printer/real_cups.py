"""A real ``cupsd`` (Debian's ``cups`` package) run as a private, throw-away instance.

Everything lives in one temporary folder: its own ``cupsd.conf`` (Debian's stock access
policy, so cancelling a job needs the same owner check as on a station), its own
``cups-files.conf``, spool, cache, logs and a domain socket the clients reach through
``CUPS_SERVER``. Nothing of the machine's CUPS is used or touched: no port 631, no
/etc/cups, no /run/cups.

The printers are raw queues whose device is one of two small backends written here:

- ``capture:PATH`` writes the job to PATH, like a printer that printed it;
- ``failing:PATH?code=N&state=REASON&message=TEXT`` reads the job, tells CUPS a printer
  state reason and message (as a real backend does on paper out), and exits with code N:
  4 is ``CUPS_BACKEND_STOP`` (the queue stops), 1 ``CUPS_BACKEND_FAILED`` (the queue's
  error policy decides), 5 ``CUPS_BACKEND_CANCEL``. While the file ``PATH.ok`` exists it
  captures to PATH instead, so a test can "load paper" and re-enable the queue.
"""

from __future__ import annotations

import grp
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

CUPSD = shutil.which("cupsd") or ("/usr/sbin/cupsd" if Path("/usr/sbin/cupsd").exists() else "")
SYSTEM_LIB = Path("/usr/lib/cups")

CAPTURE = """#!{python}
import os, sys
from pathlib import Path
if len(sys.argv) == 1:  # discovery: nothing to report
    sys.exit(0)
out = Path(os.environ["DEVICE_URI"].split(":", 1)[1])
data = Path(sys.argv[6]).read_bytes() if len(sys.argv) > 6 else sys.stdin.buffer.read()
with open(out, "ab") as f:  # jobs append, like receipts coming out one after another
    f.write(data)
print(f"INFO: captured {{len(data)}} bytes", file=sys.stderr)
"""

FAILING = """#!{python}
import os, sys
from pathlib import Path
from urllib.parse import parse_qs
if len(sys.argv) == 1:
    sys.exit(0)
where, _, query = os.environ["DEVICE_URI"].split(":", 1)[1].partition("?")
out, args = Path(where), {{k: v[0] for k, v in parse_qs(query).items()}}
data = Path(sys.argv[6]).read_bytes() if len(sys.argv) > 6 else sys.stdin.buffer.read()
if Path(where + ".ok").exists():  # the paper was loaded: print
    with open(out, "ab") as f:
        f.write(data)
    print("STATE: -" + args.get("state", "none"), file=sys.stderr)
    sys.exit(0)
if "state" in args:
    print("STATE: +" + args["state"], file=sys.stderr)
print("ERROR: " + args.get("message", "backend failed"), file=sys.stderr)
sys.exit(int(args.get("code", "4")))
"""

# Debian ships the stock configuration here; its <Policy default> is what a station's
# CUPS enforces (Cancel-Job: "Require user @OWNER @SYSTEM").
STOCK_CONF = Path("/usr/share/cups/cupsd.conf.default")


def stock_policy() -> str:
    text = STOCK_CONF.read_text()
    start, end = text.index("<Policy default>"), text.index("</Policy>")
    return text[start : end + len("</Policy>")] + "\n"


def available() -> str:
    """Why a real cupsd cannot run here ("" when it can)."""
    if not CUPSD:
        return "cupsd is not installed (Debian: apt-get install cups cups-client; CI installs it)"
    for tool in ("lp", "lpstat", "cupsenable"):
        if not shutil.which(tool) and not Path("/usr/sbin", tool).exists():
            return f"{tool} is not installed (Debian: apt-get install cups-client)"
    if not STOCK_CONF.exists():
        return f"{STOCK_CONF} is missing: cups-daemon is not installed completely"
    if not (SYSTEM_LIB / "daemon" / "cups-exec").exists():
        return f"{SYSTEM_LIB}/daemon/cups-exec is missing: cups is not installed completely"
    return ""


class RealCups:
    """One private cupsd with the given raw queues {name: device URI, or (URI, options)}."""

    def __init__(self, root: Path, printers: dict[str, str | tuple[str, dict[str, str]]]) -> None:
        self.root = root
        self.sock = root / "cups.sock"
        conf, bin_dir = root / "etc", root / "bin"
        for d in ("etc", "spool", "cache", "state", "log", "tmp", "bin/backend", "out"):
            (root / d).mkdir(parents=True, exist_ok=True)
        # Filters, cups-exec and friends from Debian; our two backends beside them.
        for d in ("daemon", "filter", "cgi-bin", "monitor", "notifier", "driver"):
            if (SYSTEM_LIB / d).exists() and not (bin_dir / d).exists():
                (bin_dir / d).symlink_to(SYSTEM_LIB / d)
        for name, text in (("capture", CAPTURE), ("failing", FAILING)):
            backend = bin_dir / "backend" / name
            backend.write_text(text.format(python=sys.executable))
            # 0700: cupsd running as root runs it as root too (it must write to our folder).
            backend.chmod(0o700)
        group = grp.getgrgid(os.getgid()).gr_name
        (conf / "cups-files.conf").write_text(
            f"ServerRoot {conf}\nServerBin {bin_dir}\nRequestRoot {root}/spool\n"
            f"CacheDir {root}/cache\nStateDir {root}/state\nTempDir {root}/tmp\n"
            "DataDir /usr/share/cups\nDocumentRoot /usr/share/cups/doc-root\n"
            f"ErrorLog {root}/log/error_log\nAccessLog {root}/log/access_log\n"
            f"PageLog {root}/log/page_log\nPrintcap {root}/printcap\n"
            # Whoever runs the test administers this cupsd (re-enabling a stopped queue).
            f"SystemGroup {group}\n"
        )
        (conf / "cupsd.conf").write_text(
            f"Listen {self.sock}\nLogLevel debug\nBrowsing No\nWebInterface No\n"
            "DefaultAuthType Basic\nErrorPolicy retry-job\nJobRetryInterval 1\n"
            "<Location />\n  Order allow,deny\n</Location>\n" + stock_policy()
        )
        lines = []
        for name, spec in printers.items():
            uri, options = (spec, {}) if isinstance(spec, str) else spec
            lines += [f"<Printer {name}>", f"DeviceURI {uri}", "State Idle", "Accepting Yes"]
            lines += [f"{key} {value}" for key, value in options.items()]
            lines.append("</Printer>")
        (conf / "printers.conf").write_text("\n".join(lines) + "\n")
        self.env = {**os.environ, "CUPS_SERVER": str(self.sock)}
        self.proc = subprocess.Popen(
            [CUPSD, "-f", "-c", str(conf / "cupsd.conf"), "-s", str(conf / "cups-files.conf")],
            stdout=subprocess.DEVNULL,
            stderr=(root / "log" / "stderr").open("wb"),
            env=self.env,
            start_new_session=True,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cupsd exited {self.proc.returncode}: {self.log()}")
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(str(self.sock))
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"cupsd did not listen within {timeout} s: {self.log()}")

    def run(self, *argv: str) -> str:
        tool = shutil.which(argv[0]) or str(Path("/usr/sbin", argv[0]))  # cupsenable
        done = subprocess.run(
            [tool, *argv[1:]], env=self.env, capture_output=True, text=True, timeout=30
        )
        if done.returncode:
            raise RuntimeError(f"{argv}: {done.stderr.strip()}")
        return done.stdout

    def jobs(self, which: str = "not-completed") -> str:
        """``lpstat -W which -o``: the jobs CUPS still holds (or has finished)."""
        return self.run("lpstat", "-W", which, "-o")

    def log(self) -> str:
        path = self.root / "log" / "error_log"
        err = self.root / "log" / "stderr"
        text = path.read_text(errors="replace") if path.exists() else ""
        return (text + (err.read_text(errors="replace") if err.exists() else ""))[-4000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
