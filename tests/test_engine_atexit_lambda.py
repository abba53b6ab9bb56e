"""Cleanup registered with a lambda (``atexit.register(lambda: p.terminate())``) is cleanup
registered to run later, as ``atexit.register(p.terminate)`` is (2026-12-05): the same verdicts,
the exit hang of a non-daemon thread joined only at exit included.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

from tests.builders import assert_expectations

CODE = """\
import atexit
import subprocess
import threading


def start_watcher():
    proc = subprocess.Popen(["tsc", "--watch"])  # expect: ok
    atexit.register(lambda: proc.terminate())


def start_watcher_ref():
    proc = subprocess.Popen(["tsc", "--watch"])  # expect: ok
    atexit.register(proc.terminate)


def loop_thread():
    t = threading.Thread(target=serve_forever)  # expect: leak
    t.start()
    atexit.register(lambda: t.join())


def serve_forever():
    while True:
        pass
"""


def test_probe() -> None:
    assert_expectations("atexit_lambda", CODE)
