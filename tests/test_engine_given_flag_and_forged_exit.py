"""Two shapes from the ninth held-out environment's false highs (2026-12-06).

A thread whose ``run()`` loops on an Event its constructor takes (``Receiver(conn,
self._running)``, ``while self._alive.is_set():``) is stopped by the object that started it
when a method of that object lowers the Event it handed in: judged as a target looping on
the object's own flag (pygatt's receiver). Handed in and never lowered, it still loops for good;
and storing a new value in the starter's attribute (``self.running = False``) lowers nothing the
thread holds: it was given the old object (a bool, a copy).

A returncode written by hand right before the process exits (``except KeyboardInterrupt:
p.returncode = 0`` then ``sys.exit(p.returncode)``) hides nothing: init reaps the child once
the parent has gone (scalene's preload). What follows an exit never runs, so a ``return``
after ``sys.exit()`` does not make the exit the child's.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

RECEIVER = """\
import threading


class Receiver(threading.Thread):
    def __init__(self, connection, alive):
        super().__init__()
        self.daemon = True
        self._connection = connection
        self._alive = alive

    def run(self):
        while self._alive.is_set():
            try:
                item = self._connection.expect(["x"], timeout=0.5)
            except TimeoutError:
                continue
            print(item)


"""

PROBES = {
    "the_owner_lowers_the_event_it_handed_in": RECEIVER
    + """\
class Backend:
    def __init__(self):
        self._running = threading.Event()

    def start(self):
        self._running.set()
        self._receiver = Receiver(self._con, self._running)  # expect: ok
        self._receiver.start()

    def stop(self):
        self._running.clear()
""",
    "the_owner_never_lowers_it": RECEIVER
    + """\
class Backend:
    def __init__(self):
        self._running = threading.Event()

    def start(self):
        self._running.set()
        self._receiver = Receiver(self._con, self._running)  # expect: leak
        self._receiver.start()

    def stop(self):
        self._running.set()
""",
    "lowered_only_in_a_private_method_nothing_calls": RECEIVER
    + """\
class Backend:
    def __init__(self):
        self._running = threading.Event()

    def start(self):
        self._running.set()
        self._receiver = Receiver(self._con, self._running)  # expect: leak
        self._receiver.start()

    def _halt(self):
        self._running.clear()

    def close(self):
        self._con.close()
""",
    "a_bool_handed_in_is_a_copy": """\
import threading


class Worker(threading.Thread):
    def __init__(self, running):
        super().__init__(daemon=True)
        self._running = running

    def run(self):
        while self._running:
            self.step()

    def step(self):
        pass


class Owner:
    def __init__(self):
        self.running = True

    def start(self):
        # the worker keeps the True it was given: lowering self.running stops nothing
        self.worker = Worker(self.running)  # expect: leak
        self.worker.start()

    def stop(self):
        self.running = False
""",
    "forged_right_before_the_exit": """\
import subprocess
import sys


def main(args):
    result = subprocess.Popen(args)  # expect: ok
    try:
        result.wait()
    except subprocess.TimeoutExpired:
        print("failure")
        return False
    except KeyboardInterrupt:
        result.returncode = 0
    if result.returncode < 0:
        print("signal")
    sys.exit(result.returncode)
    return True
""",
    "forged_and_the_process_goes_on": """\
import subprocess


def main(args):
    result = subprocess.Popen(args)  # expect: leak
    try:
        result.wait()
    except KeyboardInterrupt:
        result.returncode = 0
    return result.returncode
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
