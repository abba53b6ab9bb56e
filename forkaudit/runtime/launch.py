"""``forkaudit run``: run a command with the tracing hook in every Python process of its tree.

The command is started with ``os.posix_spawnp`` (same process group, same terminal, standard
streams inherited, an empty signal mask and SIGPIPE/SIGXFSZ restored to their defaults, as
``subprocess`` does) and an environment holding:

* ``PYTHONPATH`` = forkaudit's ``inject`` folder first: its ``sitecustomize.py`` installs the
  hook and then runs the program's own ``sitecustomize`` (children inherit it: pre-fork workers,
  ``multiprocessing`` spawn children, ``subprocess`` interpreters are all traced);
* ``FORKAUDIT_TRACE_DIR``, ``FORKAUDIT_TRACE_INTERVAL``, ``FORKAUDIT_TRACE_RUN`` (this session).

While it runs, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH sent to ``run``
are passed to the command, except those the terminal sent to the whole foreground process group
(Ctrl-C, Ctrl-\\, a hang-up, a resize), which the command received already. The exit code is the
command's (128 + N when a signal N ended it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from forkaudit.errors import InputError
from forkaudit.runtime.inject import INJECT_DIR
from forkaudit.runtime.inject._forkaudit_trace_hook import ENV_DIR, ENV_INTERVAL, ENV_RUN
from forkaudit.runtime.tracedir import prepare_trace_dir, write_run_file
from forkaudit.runtime.traces import load_trace

FORWARDED = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGWINCH,
)
_SI_KERNEL = 0x80  # si_code of a signal the kernel sent (the terminal's, to the whole group)


def traced_environment(
    base: dict[str, str], directory: str, interval: float, token: str
) -> dict[str, str]:
    """``base`` plus what the hook needs: the inject folder first on PYTHONPATH."""
    env = dict(base)
    old = env.get("PYTHONPATH", "")
    env["PYTHONPATH"] = INJECT_DIR + (os.pathsep + old if old else "")
    env[ENV_DIR] = directory
    env[ENV_INTERVAL] = repr(interval)
    env[ENV_RUN] = token
    return env


def run_command(
    command: Sequence[str],
    trace_dir: str,
    interval: float = 1.0,
    *,
    summary: TextIO | None = None,
) -> int:
    """Run ``command`` traced into ``trace_dir``; return its exit code. Raises ``InputError``
    for an empty command, a bad interval, an unusable folder or a command that cannot start."""
    if not command:
        raise InputError("run needs a command after --, e.g. forkaudit run -- gunicorn app:app")
    if not interval > 0:
        raise InputError(f"--interval must be a positive number of seconds, not {interval}")
    directory = prepare_trace_dir(trace_dir)
    token = os.urandom(6).hex()
    env = traced_environment(dict(os.environ), directory, interval, token)
    started = time.time()
    run_fields = {
        "source": "run",
        "run": token,
        "command": list(command),
        "cwd": os.getcwd(),
        "interval": interval,
        "started": round(started, 3),
        "ended": None,
        "exit_code": None,
    }
    write_run_file(directory, run_fields)
    signals = {*FORWARDED, signal.SIGCHLD}
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        try:
            pid = os.posix_spawnp(
                command[0],
                list(command),
                env,
                setsigmask=(),
                setsigdef=(signal.SIGPIPE, signal.SIGXFSZ),
            )
        except OSError as exc:
            raise InputError(f"cannot run {command[0]}: {exc.strerror or exc}") from None
        status = _wait_forwarding(pid, signals)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    code = os.waitstatus_to_exitcode(status)
    exit_code = 128 - code if code < 0 else code
    ended = time.time()
    run_fields.update(ended=round(ended, 3), exit_code=exit_code, pid=pid)
    write_run_file(directory, run_fields)
    if summary is not None:
        print_summary(directory, trace_dir, summary)
    return exit_code


def _wait_forwarding(pid: int, signals: set[signal.Signals]) -> int:
    """Wait for ``pid`` with ``signals`` blocked, passing the forwarded ones on; its status."""
    while True:
        info = signal.sigtimedwait(signals, 0.5)
        if info is not None and info.si_signo != signal.SIGCHLD and info.si_code != _SI_KERNEL:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, info.si_signo)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return status


def print_summary(directory: str, shown_as: str, out: TextIO, top: int = 5) -> None:
    """A few lines on what the trace holds; nothing when it cannot be read."""
    try:
        trace = load_trace(directory)
    except (InputError, OSError):
        return
    names = " ".join(trace.command)
    if len(names) > 60:
        names = names[:57] + "..."
    count = len(trace.processes)
    print(
        f"forkaudit: traced {count} Python process{'es' if count != 1 else ''} of `{names}` "
        f"for {trace.duration:.1f} s; trace in {shown_as}",
        file=out,
    )
    for warning in trace.warnings:
        print(f"forkaudit: warning: {warning}", file=out)
    leaking = [s for s in trace.sites if s.unreaped]
    if not leaking and trace.processes:
        print("forkaudit: nothing started was left unreaped at the last sample", file=out)
    for site in leaking[:top]:
        where = f"{site.path}:{site.line}" + (f" in {site.function}()" if site.function else "")
        print(
            f"forkaudit:   {site.unreaped} unreaped of {site.starts} started ({site.kind}) at "
            f"{where}, {site.processes} process{'es' if site.processes != 1 else ''}",
            file=out,
        )
    if len(leaking) > top:
        print(f"forkaudit:   ... and {len(leaking) - top} more sites", file=out)


def main_run(command: Sequence[str], trace_dir: str, interval: float) -> int:
    """``run`` for the command line: the summary on standard error."""
    return run_command(command, trace_dir, interval, summary=sys.stderr)
