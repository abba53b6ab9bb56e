"""A name read before the statement binding the handle to it, with no loop around both, reads
the value it had before; so does a parameter read after the callee binds it anew (2026-12-05:
``reset(timer)`` cancelling the last timer and returning a new one, the caller's loop handing
each back to be cancelled).

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PROBES = {
    # each call cancels the timer it is given and returns the new one; the caller hands it back
    "reset_cancels_the_last": """\
import threading


def reset(timer, fire):
    timer.cancel()
    timer = threading.Timer(20.0, fire)  # expect: ok
    timer.start()
    return timer


def watch(buttons, fire):
    timer = threading.Timer(20.0, fire)  # expect: ok
    timer.start()
    while True:
        if buttons.pressed():
            timer = reset(timer, fire)
""",
    # the wait before the second binding reaps the first child, not the second
    "waited_before_binding": """\
import subprocess


def run(cmd):
    proc = subprocess.Popen(cmd)  # expect: ok
    proc.wait()
    proc = subprocess.Popen(cmd)  # expect: leak
    print(proc.pid)
""",
    # a global read before its binding holds what the last call left there: cancelled
    "global_cancelled_by_the_next_call": """\
import threading

_timer = None


def touch(fire):
    global _timer
    if _timer is not None:
        _timer.cancel()
    _timer = threading.Timer(60.0, fire)  # expect: ok
    _timer.daemon = True
    _timer.start()
""",
    # a closure defined before the binding reads the name when it is called: later
    "closure_before_binding": """\
import threading


def start(forever):
    def stop():
        worker.join()

    worker = threading.Thread(target=forever)  # expect: ok
    worker.start()
    return stop
""",
    # a process reaped at the top of the loop's next pass: the last one is left
    "reaped_at_the_next_pass": """\
import subprocess


def supervise(cmd, n):
    proc = None
    for _ in range(n):
        if proc is not None:
            proc.wait()
        proc = subprocess.Popen(cmd)  # expect: leak
""",
    # an endless loop has no last one
    "reaped_at_the_next_pass_forever": """\
import subprocess
import time


def supervise(cmd):
    proc = None
    while True:
        if proc is not None:
            proc.wait()
        proc = subprocess.Popen(cmd)  # expect: ok
        time.sleep(1)
""",
    # ... and the last one after the loop: every one is reaped
    "reaped_at_the_next_pass_and_after": """\
import subprocess


def supervise(cmd, n):
    proc = None
    for _ in range(n):
        if proc is not None:
            proc.wait()
        proc = subprocess.Popen(cmd)  # expect: ok
    if proc is not None:
        proc.wait()
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
