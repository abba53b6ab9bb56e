"""A poll whose loop ends once it says the child is running (``if p.poll() is None: started =
True`` under ``while not started:``) checks that the child came up; it reaps nothing (2026-12-05).
One ending the loop once it says the child has ended (``if p.poll() is not None: done = True``)
polls it to the end.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

SERVER = """\
import subprocess
import time


class Display:
    def __init__(self, cmd):
        self.proc = None
        started = False
        while not started:
            self.proc = subprocess.Popen(cmd)  # expect: {expect}
            time.sleep(2)
            if self.proc.poll() {test}:
                started = True

    def close(self):
        self.proc.kill()
"""

PROBES = {
    # the loop ends with the child running: killed at close() and never waited
    "ends_when_running": SERVER.format(test="is None", expect="leak"),
    # the loop ends once the child has ended: reaped by that poll
    "ends_when_ended": """\
import subprocess
import time


def run(cmd):
    proc = subprocess.Popen(cmd)  # expect: ok
    done = False
    while not done:
        time.sleep(1)
        if proc.poll() is not None:
            done = True
""",
    # left by a break as soon as the poll says it runs
    "breaks_when_running": """\
import subprocess
import time


def launch(cmd):
    proc = subprocess.Popen(cmd)  # expect: leak
    while True:
        time.sleep(0.5)
        rc = proc.poll()
        if rc is None:
            break
        raise RuntimeError(rc)
    print("up", proc.pid)
""",
    # polled until it has ended
    "polled_to_the_end": """\
import subprocess
import time


def run(cmd):
    proc = subprocess.Popen(cmd)  # expect: ok
    while True:
        rc = proc.poll()
        if rc is not None:
            break
        time.sleep(0.1)
""",
    # the same loop waiting for the child to come up: reaps nothing
    "waits_for_it_to_run": """\
import subprocess
import time


def run(cmd):
    proc = subprocess.Popen(cmd)  # expect: leak
    up = False
    while not up:
        time.sleep(1)
        if proc.poll() is None:
            up = True
    print("up", proc.pid)
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
