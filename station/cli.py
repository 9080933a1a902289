"""The ``kiosk`` command: the composition root that wires store, printer, sync and UI.

Each sub-command lives in ``station/commands/<name>.py`` with ``register(subparsers)``
(which sets ``func``) so this module stays a dispatcher. ``COMMANDS`` names them; a
command's module is imported only when the command line names a command (or asks for
help): a station's plain ``kiosk`` start reads its options with the run options alone.
A command module imports its heavy parts inside its function and never imports this
module (it reads ``station.args``), so there is no import circle.
Exit codes: 0 ok, 1 a check or action failed, 2 usage or configuration error,
78 the store is newer than this build (systemd does not retry it), 130 interrupted,
141 the output's reader went away (`kiosk doctor | head`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.errors import ConfigError, KioskError
from kiosk.messages import text
from kiosk.store_version import StoreTooNew
from station.commands import run

log = logging.getLogger(__name__)

# The modules in station/commands/, in the order ``kiosk --help`` lists them; ``run`` is
# the default (no command).
COMMANDS = (
    "init",
    "doctor",
    "backup",
    "staff",
    "export",
    "config_show",
    "print_test",
    "screenshots",
)
HELP = frozenset({"-h", "--help"})


def run_parser() -> argparse.ArgumentParser:
    """The options of a plain ``kiosk`` start (the touch UI), without the commands."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="新时代文明实践站 station kiosk. Without a command, starts the touch UI.",
        epilog="Every setting of the config file can be given for one run as KIOSK_<NAME> in "
        "the environment (KIOSK_DATA_DIR=/srv/kiosk kiosk doctor); `kiosk config show` lists "
        "them with the values in force. --config, --data-dir and -v may also follow COMMAND. "
        "Qt options such as -platform offscreen are passed on to Qt.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this build on this machine (store, printer library, font, home screen "
        "rendered offscreen) and exit; no display or network needed",
    )
    parser.add_argument(
        "--config", type=Path, help="config file (default: platform config dir, or $KIOSK_CONFIG)"
    )
    parser.add_argument("--data-dir", help="override the data dir (store, logs, backups)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    run.add_run_options(parser)
    parser.set_defaults(func=run.run)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """Every option and command (``kiosk --help`` lists them all)."""
    parser = run_parser()
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"station.commands.{name}").register(subparsers)
    for command in subparsers.choices.values():
        _accept_common_options(command)
    return parser


def _accept_common_options(parser: argparse.ArgumentParser) -> None:
    """``--config``, ``--data-dir`` and ``-v`` after the command too, in every command and
    action: `kiosk init --data-dir /srv/kiosk` and `kiosk doctor --config FILE` were
    refused ("unrecognised arguments") though `kiosk --help` lists both options. Absent,
    they leave what was given before the command (SUPPRESS: no default of their own)."""
    parser.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, help="config file (as before COMMAND)"
    )
    parser.add_argument(
        "--data-dir", default=argparse.SUPPRESS, help="the data dir (as before COMMAND)"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug logging"
    )
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _accept_common_options(sub)


def parse(argv: list[str]) -> tuple[argparse.ArgumentParser, argparse.Namespace, list[str]]:
    """The parser that read ``argv``, what it read and what it left (Qt's options).

    Registering the eight commands (their modules, argparse's help texts) took ~20 ms of a
    station's start, which names none of them. The run options are read first; a word
    they leave over (a command, or a typo of one) or a request for help reads the whole
    command line again with every command, so errors and help are as before."""
    if not HELP.intersection(argv):
        parser = run_parser()
        args, extra = parser.parse_known_args(argv)
        if not any(not item.startswith("-") for item in extra):
            return parser, args, extra
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    return parser, args, extra


# Qt's own options that take a value: argparse would read the value as a COMMAND.
QT_VALUE_OPTIONS = {
    "-platform",
    "-style",
    "-stylesheet",
    "-qwindowgeometry",
    "-qwindowtitle",
    "-platformpluginpath",
    "-platformtheme",
    "-plugin",
    "-display",
}


def split_qt_args(argv: list[str]) -> tuple[list[str], list[str]]:
    ours: list[str] = []
    qt: list[str] = []
    items = iter(argv)
    for item in items:
        if item in QT_VALUE_OPTIONS:
            qt += [item, next(items, "")]
        else:
            ours.append(item)
    return ours, qt


EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a C program
EXIT_STORE_TOO_NEW = 78  # EX_CONFIG; RestartPreventExitStatus= in the systemd units


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # First of all: every file the kiosk makes (store, WAL, backups, logs, exports) is
    # private to its user, whatever umask it was started with.
    from kiosk.paths import private_umask

    private_umask()
    if "--self-test" in argv:
        # The same as the bundle's entry (station.frozen): a checkout's `kiosk
        # --self-test` must test, not start the touch UI.
        from station.selftest import run_self_test

        return run_self_test([a for a in argv if a != "--self-test"])
    argv, qt_args = split_qt_args(argv)
    parser, args, extra = parse(argv)
    extra = [*extra, *qt_args]
    if extra and args.func.__module__ != "station.commands.run":
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    args.qt_args = extra
    if args.data_dir:
        # As typed, relative to this shell: `kiosk init` writes it into the config, which
        # the kiosk reads from wherever systemd starts it (and refuses a relative path).
        args.data_dir = str(Path(args.data_dir).expanduser().absolute())
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        said = _in_chinese(exc)
        if said:
            # The detail above is English; a technician reading Chinese gets the setting
            # and the line (or the variable) in a sentence too.
            print(f"  {said}", file=sys.stderr)
        return 2
    except StoreTooNew as exc:
        print(
            f"{text(exc.key, 'zh_CN', **exc.params)} / {text(exc.key, 'en', **exc.params)}",
            file=sys.stderr,
        )
        return EXIT_STORE_TOO_NEW
    except KioskError as exc:
        code = report(exc)
        if exc.__cause__ is not None:
            # A backup that failed because the disk is full or read-only, the store is
            # damaged or its WAL was deleted says that too, with what to do.
            from kiosk.store_faults import store_fault

            cause = store_fault(exc.__cause__, _store_path(args))
            if cause is not None and cause.key != "store.failed":
                report(cause)
        return code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `kiosk doctor | head`: the reader has gone. No traceback, and none at exit
        # either (Python flushes stdout once more then): point it at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except Exception as exc:
        # An SQLite error no command expected (the store's WAL deleted under a running
        # kiosk, a disk gone read-only) is said in words, not as a traceback.
        from kiosk.store_faults import store_fault

        fault = store_fault(exc, _store_path(args))
        if fault is None:
            raise
        log.debug("store error", exc_info=True)
        return report(fault)


def _in_chinese(exc: KioskError) -> str:
    """The error's Chinese sentence with its parameters, or "" when it has none to fill."""
    from kiosk.messages import MESSAGES

    pair = MESSAGES.get(exc.key)
    if pair is None:
        return ""
    try:
        return pair[0].format(**exc.params)
    except (KeyError, IndexError, ValueError):
        return ""


def report(exc: KioskError) -> int:
    print(
        f"{text(exc.key, 'zh_CN', **exc.params)} / {text(exc.key, 'en', **exc.params)}",
        file=sys.stderr,
    )
    if str(exc) != exc.key:
        # The message is a resident's sentence; whoever typed the command is the
        # technician it refers to, and needs the reason (a full disk, a bad file).
        print(f"  → {exc}", file=sys.stderr)
    log.debug("command failed", exc_info=True)
    return 1


def _store_path(args: argparse.Namespace) -> Path | None:
    from station.args import config_from_args

    try:
        return config_from_args(args).store_path()
    except Exception:  # the config was fine when the command started; if not, no path
        return None


if __name__ == "__main__":
    sys.exit(main())
