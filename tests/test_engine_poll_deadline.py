"""A poll loop that also ends on something else (``while p.poll() is None and to > 0:``, ``while
p.is_alive() and time.time() < deadline:``, a ``break``) may end with the child running, as a timed wait gives
up (2026-12-05): a kill after it with no wait leaves a zombie, and nothing after it leaves the
child running unreaped. A loop on the poll alone polls it to the end; a wait after the kill
reaps it.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

COUNTDOWN = """\
import subprocess
import time


def run(cmd, timeout):
    p = subprocess.Popen(cmd, shell=True)  # expect: {expect}
    to = timeout
    while p.poll() is None and to > 0:
        time.sleep(min(2, to))
        to -= 2
    if p.poll() is None:
        p.kill()
{after}
    return p.returncode
"""

PROBES = {
    "killed_after_the_countdown": COUNTDOWN.format(expect="leak", after=""),
    "killed_and_waited_after_the_countdown": COUNTDOWN.format(
        expect="ok", after="        p.wait()"
    ),
    "polled_to_the_end": """\
import subprocess
import time


def run(cmd):
    p = subprocess.Popen(cmd, shell=True)  # expect: ok
    while p.poll() is None:
        time.sleep(1)
    return p.returncode
""",
    "stopped_then_terminated_and_waited": """\
import subprocess
import time


def run(cmd, stop):
    p = subprocess.Popen(cmd, shell=True)  # expect: ok
    while p.poll() is None and not stop.is_set():
        time.sleep(1)
    p.terminate()
    p.wait()
    return p.returncode
""",
    "stopped_and_left_running": """\
import subprocess
import time


def run(cmd, stop):
    p = subprocess.Popen(cmd, shell=True)  # expect: leak
    while p.poll() is None and not stop.is_set():
        time.sleep(1)
    return "stopped"
""",
    # the poll alone, left by a break on a deadline: the same, the child left running
    "left_by_a_break": """\
import subprocess
import time


def run(cmd, limit):
    p = subprocess.Popen(cmd, shell=True)  # expect: leak
    started = time.time()
    while p.poll() is None:
        if time.time() - started > limit:
            break
        time.sleep(0.1)
    return p.returncode
""",
    # left by a break, then waited: reaped
    "left_by_a_break_then_waited": """\
import subprocess
import time


def run(cmd, limit):
    p = subprocess.Popen(cmd, shell=True)  # expect: ok
    started = time.time()
    while p.poll() is None:
        if time.time() - started > limit:
            p.kill()
            break
        time.sleep(0.1)
    p.wait()
    return p.returncode
""",
    "process_until_a_deadline": """\
import multiprocessing
import time


def work():
    time.sleep(100)


def run(limit):
    p = multiprocessing.Process(target=work)  # expect: leak
    p.start()
    deadline = time.time() + limit
    while p.is_alive() and time.time() < deadline:
        time.sleep(0.1)
    if p.is_alive():
        p.terminate()
    return p.exitcode
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
