"""What a context manager or a fixture yields is lent, not handed on (2026-12-05): the with-block
(the test) runs at the yield, and the generator's code after it decides the handle's end. A
wait in the SIGCHLD handler runs once a child has ended: with a timeout or none, it reaps. And
``signal.pause()`` returns only after a handler of the program has run: with none installed,
a ``try`` ending in it is left only by an exception (Ctrl-C's KeyboardInterrupt).

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PAD = """\
import signal
import threading
import time


class Pad:
    def __init__(self):
        self.running = True
        self.thread = threading.Thread(target=self.loop)
        self.thread.start()

    def loop(self):
        while self.running:
            time.sleep(0.1)

    def stop(self):
        self.running = False
        self.thread.join()


def main():
    pad = Pad()  # expect: {expect}
    try:
        signal.pause()
    except KeyboardInterrupt:
        pad.stop()
{extra}"""

PROBES = {
    # terminated after the yield, never waited: a zombie until CPython's next Popen()
    "terminated_after_yield": """\
import subprocess
from contextlib import contextmanager


@contextmanager
def run_server(port):
    try:
        proc = subprocess.Popen(["server", "-p", port])  # expect: leak
        yield proc
    finally:
        proc.terminate()


def serve():
    with run_server("1"):
        print("up")
""",
    # terminated and waited after the yield
    "waited_after_yield": """\
import subprocess
from contextlib import contextmanager


@contextmanager
def run_server(port):
    proc = subprocess.Popen(["server", "-p", port])  # expect: ok
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait()


def serve():
    with run_server("1"):
        print("up")
""",
    # yielded at once to with-blocks that never bind it: dropped running
    "yielded_unbound": """\
import subprocess
from contextlib import contextmanager


@contextmanager
def run_server(port):
    yield subprocess.Popen(["server", "-p", port])  # expect: leak


def serve():
    with run_server("1"):
        print("up")
""",
    # a with-block binding it (`as proc`) may wait for it itself: its business
    "yielded_bound": """\
import subprocess
from contextlib import contextmanager


@contextmanager
def run_server(port):
    yield subprocess.Popen(["server", "-p", port])  # expect: ok


def serve():
    with run_server("1") as proc:
        proc.wait()
""",
    # bound, but the with-block only reads from it: the generator's terminate() decides
    "bound_but_only_read": """\
import subprocess
from contextlib import contextmanager


@contextmanager
def tail(path):
    proc = subprocess.Popen(["tail", "-F", path], stdout=subprocess.PIPE)  # expect: leak
    try:
        yield proc
    finally:
        proc.terminate()


def first_line(path):
    with tail(path) as proc:
        return proc.stdout.readline()
""",
    # one with-block waits for it, another leaves it unbound: that one leaves a zombie
    "mixed_with_blocks": """\
import subprocess
from contextlib import contextmanager


@contextmanager
def recorder(out):
    proc = subprocess.Popen(["arecord", out])  # expect: leak
    try:
        yield proc
    finally:
        proc.terminate()


def clip(out):
    with recorder(out):
        print("recording")


def checked(out):
    with recorder(out) as proc:
        proc.send_signal(2)
        return proc.wait()
""",
    # no with-block in the module: its users are out of sight
    "no_callers": """\
import subprocess
from contextlib import contextmanager


@contextmanager
def run_server(port):
    yield subprocess.Popen(["server", "-p", port])  # expect: ok
""",
    # a pytest fixture's test only borrows the server; teardown terminates without wait
    "fixture_terminated": """\
import subprocess

import pytest


@pytest.fixture(scope="session")
def server():
    proc = subprocess.Popen(["server"])  # expect: leak
    yield proc
    proc.terminate()
""",
    "fixture_waited": """\
import subprocess

import pytest


@pytest.fixture
def server():
    proc = subprocess.Popen(["server"])  # expect: ok
    yield proc
    proc.kill()
    proc.wait()
""",
    # a plain generator hands what it yields to its consumer
    "plain_generator": """\
import subprocess


def servers(ports):
    for port in ports:
        yield subprocess.Popen(["server", "-p", port])  # expect: ok
""",
    # a thread yielded by a fixture and never stopped nor joined after it
    "fixture_thread": """\
import threading
import time

import pytest


def loop():
    while True:
        time.sleep(1)


@pytest.fixture
def worker():
    thread = threading.Thread(target=loop)  # expect: leak
    thread.start()
    yield thread
""",
    # joined after its stop, after the yield
    "fixture_thread_joined": """\
import threading

import pytest


@pytest.fixture
def worker():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)  # expect: ok
    thread.start()
    yield thread
    stop.set()
    thread.join()
""",
    # the SIGCHLD handler joins it with timeout=0: it runs once the child has ended
    "sigchld_handler_joins": """\
import multiprocessing
import signal


def monitor(worker):
    def on_child_exit(signum, frame):
        worker.join(timeout=0)

    signal.signal(signal.SIGCHLD, on_child_exit)


def spawn(task, cancelled):
    worker = multiprocessing.Process(target=task)  # expect: ok
    worker.start()
    monitor(worker)
    while not cancelled():
        worker.join(timeout=60)
        if worker.exitcode is None:
            worker.terminate()
            return
""",
    # the same without the handler: terminated on a cancel and never joined again
    "no_sigchld_handler": """\
import multiprocessing


def spawn(task, cancelled):
    worker = multiprocessing.Process(target=task)  # expect: leak
    worker.start()
    while not cancelled():
        worker.join(timeout=60)
        if worker.exitcode is None:
            worker.terminate()
            return
""",
    # a join(timeout=0) elsewhere only asks once, right after the terminate
    "zero_join_elsewhere": """\
import multiprocessing


def spawn(task):
    worker = multiprocessing.Process(target=task)  # expect: leak
    worker.start()
    worker.terminate()
    worker.join(timeout=0)
""",
    # pause() returns only through a handler: none here, so Ctrl-C is the only way on
    "pause_without_handlers": PAD.format(expect="ok", extra=""),
    # a handler that always raises never lets pause() return either
    "pause_with_a_raising_handler": PAD.format(
        expect="ok",
        extra="\n\ndef _interrupt(signum, frame):\n    raise KeyboardInterrupt\n\n\n"
        "signal.signal(signal.SIGTERM, _interrupt)\n",
    ),
    # a handler of the program makes pause() return: the normal path leaves it running
    "pause_with_a_handler": PAD.format(
        expect="leak", extra="\n\nsignal.signal(signal.SIGUSR1, lambda signum, frame: None)\n"
    ),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
