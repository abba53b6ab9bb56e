"""A thread whose stop its class hands to ``threading._register_atexit(self._stop)`` ends as
the interpreter shuts down, before it waits for the non-daemon threads (``atexit`` callbacks
run only after that wait): it holds the exit no more than a daemon thread does. A selector or
worker thread made once per process and stopped so is nothing to report (2026-12-07: anyio's
socket selector thread, made behind `if _selector is None` and handed out by get_selector(),
was a new medium "never exits" on every environment once a module global handed out was no
longer taken for a fresh object per caller)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.builders import analysed

SELECTOR = """\
import threading

_selector = None


class Selector:
    def __init__(self):
        self._thread = threading.Thread(target=self.run, name="selector")
        self._closed = False

    def start(self):
        self._thread.start()
        {register}(self._stop)

    def _stop(self):
        global _selector
        self._closed = True
        self._thread.join()
        _selector = None

    def run(self):
        while not self._closed:
            __import__("time").sleep(0.01)


def get_selector():
    global _selector
    if _selector is None:
        _selector = Selector()
        _selector.start()
    return _selector
"""


def test_stopped_at_shutdown_is_not_reported() -> None:
    code = SELECTOR.format(register="threading._register_atexit")
    assert [f.message for f in analysed(code, "selector.py")] == []


def test_stopped_by_atexit_holds_the_exit() -> None:
    """``atexit`` runs after the wait for non-daemon threads: the program never exits."""
    code = SELECTOR.format(register="__import__('atexit').register")
    (finding,) = analysed(code, "selector.py")
    assert "never" in finding.message, finding.message


@pytest.mark.parametrize(
    ("register", "exits"),
    [("threading._register_atexit", True), ("__import__('atexit').register", False)],
)
def test_the_principle_at_run_time(register: str, exits: bool) -> None:
    program = SELECTOR.format(register=register) + "\nget_selector()\n"
    child = subprocess.Popen([sys.executable, "-c", program])
    try:
        child.wait(timeout=5)
        exited = True
    except subprocess.TimeoutExpired:
        exited = False
        child.kill()
        child.wait()
    assert exited is exits
