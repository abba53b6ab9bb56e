"""The command line of run-time tracing: ``run`` and ``watch``.

``main(["run", "--trace", DIR, "--interval", S, "--", COMMAND, ...])`` and
``main(["watch", PID, "--interval", S, "--duration", S, "--trace", DIR])`` return the exit
code: the command's for ``run``, 0 for ``watch``, 2 (one line on standard error, never a
traceback) for bad input or a platform other than Linux. ``python -m forkaudit.runtime`` calls
it; ``forkaudit run`` / ``forkaudit watch`` can hand their arguments to it unchanged.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from forkaudit.errors import InputError
from forkaudit.runtime.tracedir import DEFAULT_TRACE_DIR

RUN_USAGE = "forkaudit run [--trace DIR] [--interval SECONDS] -- COMMAND [ARGS...]"
WATCH_USAGE = "forkaudit watch PID [--interval SECONDS] [--duration SECONDS] [--trace DIR]"
RUN_HELP = """\
Run COMMAND (a console script of the environment, `python app.py`, ...) with tracing in every
Python process of its tree: pre-fork workers, multiprocessing children, re-executed
interpreters. Each traced process writes DIR/trace-PID-TOKEN.json, rewritten at each sample:
where children and threads were started (file:line), how many, which are still running or
zombies. Signals sent to run (INT, TERM, HUP, QUIT, USR1, USR2, WINCH) are passed to COMMAND;
the exit code is COMMAND's (2 if it cannot start). Linux only; interpreters run with -I, -E or
-S, or given an environment without PYTHONPATH, are not traced.
"""
WATCH_HELP = """\
Sample a running process forkaudit did not start, from /proc: its threads, its children and
which are zombies, their command lines, growth per minute. Stops when the process exits, after
--duration, or on Ctrl-C (exit 0). Attribution is by command line only. Writes
DIR/trace-PID-watch.json in the format of `run`. Linux only.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"forkaudit: error: {message} (see '{self.prog} --help')\n")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def _pid(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a process id: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not a process id: {text!r}")
    return value


def run_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="forkaudit run",
        usage=RUN_USAGE,
        description=RUN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--trace",
        metavar="DIR",
        default=DEFAULT_TRACE_DIR,
        help=f"trace folder (default {DEFAULT_TRACE_DIR}); its previous trace files are removed",
    )
    parser.add_argument(
        "--interval",
        metavar="SECONDS",
        type=_seconds,
        default=1.0,
        help="time between samples in each traced process (default 1.0)",
    )
    return parser


def watch_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="forkaudit watch",
        usage=WATCH_USAGE,
        description=WATCH_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pid", metavar="PID", type=_pid, help="the process to watch")
    parser.add_argument("--interval", metavar="SECONDS", type=_seconds, default=1.0)
    parser.add_argument(
        "--duration", metavar="SECONDS", type=_seconds, default=None, help="stop after this long"
    )
    parser.add_argument("--trace", metavar="DIR", default=DEFAULT_TRACE_DIR)
    return parser


def _fail(message: str) -> int:
    print(f"forkaudit: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None, platform: str | None = None) -> int:
    """``run`` or ``watch``; the exit code. ``platform`` defaults to ``sys.platform``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("run", "watch"):
        if args and args[0] in ("-h", "--help"):
            print(f"usage: {RUN_USAGE}\n       {WATCH_USAGE}")
            return 0
        return _fail("expected `run` or `watch` (usage: " + RUN_USAGE + ")")
    name, rest = args[0], args[1:]
    if name == "run":
        if "--" in rest:
            cut = rest.index("--")
            options, command = rest[:cut], rest[cut + 1 :]
        else:
            options, command = rest, []
        parser = run_parser()
        parsed, extra = parser.parse_known_args(options)
        if extra and extra[0].startswith("-"):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        if extra:
            return _fail(f"run needs -- before the command ({' '.join(extra)}): {RUN_USAGE}")
    else:
        parsed = watch_parser().parse_args(rest)
    if not (platform or sys.platform).startswith("linux"):
        return _fail(
            f"`{name}` needs Linux (/proc and its children files); this is {platform or sys.platform}"
        )
    try:
        if name == "run":
            if not command:
                return _fail(f"run needs the command after --, e.g. {RUN_USAGE}")
            from forkaudit.runtime.launch import main_run

            return main_run(command, parsed.trace, parsed.interval)
        from forkaudit.runtime.watch import watch_process

        return watch_process(parsed.pid, parsed.interval, parsed.duration, parsed.trace, sys.stdout)
    except InputError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        return 1
