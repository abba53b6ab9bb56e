"""A handle given to a thread of the module's own (``Thread(target=watch, args=(pid,))``,
``Timer(5, stop, [proc])``) is what that function makes of its parameter, as for a call: reaped
when it waits for it, not when it only reads it (logs the pid, prints it). Before (review probe
f03, 2026-12-06) any such hand-over was taken as the handle leaving for elsewhere.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

CASES = {
    "a pid to a thread that waits for it, or only logs it": """\
import logging
import os
import threading

log = logging.getLogger(__name__)


def _reap(pid):
    _, status = os.waitpid(pid, 0)
    log.info("child %d ended: %d", pid, status)


def _announce(pid):
    log.info("spawned %d", pid)


def spawn_reaped(argv):
    pid = os.fork()  # expect: ok
    if pid == 0:
        os.execvp(argv[0], argv)
    threading.Thread(target=_reap, args=(pid,), daemon=True).start()  # expect: ok


def spawn_announced(argv):
    pid = os.fork()  # expect: leak
    if pid == 0:
        os.execvp(argv[0], argv)
    threading.Thread(target=_announce, args=(pid,), daemon=True).start()  # expect: ok
""",
    "a Popen to a timer that kills it, waited by the caller": """\
import subprocess
import threading


def _stop(proc):
    proc.kill()


def run_with_deadline(argv):
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE)  # expect: ok
    timer = threading.Timer(30, _stop, [proc])  # expect: ok
    timer.start()
    try:
        out, _ = proc.communicate()
    finally:
        timer.cancel()
    return out


def run_and_walk_away(argv):
    proc = subprocess.Popen(argv)  # expect: leak
    watchdog = threading.Timer(30, _stop, [proc])  # expect: leak
    watchdog.start()
""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_handed_to_a_thread(name: str) -> None:
    assert_expectations(name, CASES[name])
