"""A method looping ``while not self.ready: sleep()`` on a property that works its value out
(reads a queue, compares the clock) waits for what the property sees, which comes by itself:
it returns to its caller, and runs as often as it is called (2026-12-06, held11:
timeout-decorator's ``_Timeout.__call__`` starts a process per decorated call and polls
``self.ready``; it was read as serving until stopped, "once per run of __call__()"). A
property returning one of the object's flags (``return self._running``) is that flag: a loop
on it still serves until a stop lowers it.

So does a thread's loop: ``while not self._stop and (self.is_running or time() < deadline)``,
with ``is_running`` a property asking the object's missions, ends by itself once the missions
are done, as a loop on what a call answers does, not only when the stop flag is set (held12:
DrissionGet's progress printer, one per ``show()``, was "runs until `self._stop_printing` stops
them all")."""

from __future__ import annotations

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

POLLS_A_COMPUTED_PROPERTY = """\
import multiprocessing
import time


def _target(queue, function, *args):
    queue.put((True, function(*args)))


class Timeout:
    def __init__(self, function, limit):
        self.function = function
        self.limit = limit
        self.queue = multiprocessing.Queue(1)
        self.process = None
        self.deadline = 0.0

    def __call__(self, *args):
        self.queue = multiprocessing.Queue(1)
        self.process = multiprocessing.Process(target=_target, args=(self.queue, self.function) + args)
        self.process.daemon = True
        self.process.start()
        self.deadline = time.time() + self.limit
        while not self.ready:
            time.sleep(0.01)
        return self.queue.get()[1]

    def cancel(self):
        if self.process.is_alive():
            self.process.terminate()
        raise TimeoutError()

    @property
    def ready(self):
        if self.deadline < time.time():
            self.cancel()
        return self.queue.full() and not self.queue.empty()
"""

SERVES_ON_A_FLAG_PROPERTY = """\
import multiprocessing
import time


def _work():
    time.sleep(1)


class Server:
    def __init__(self):
        self._running = False

    @property
    def running(self):
        '''Whether the server runs.'''
        return self._running

    def stop(self):
        self._running = False

    def serve(self):
        self._running = True
        self.proc = multiprocessing.Process(target=_work)
        self.proc.start()
        while self.running:
            time.sleep(5)
"""


def _messages(code: str) -> list[str]:
    result = analyze_source(code.encode(), "probe.py", load_rules().rules)
    assert result.error is None, result.error
    return [f.message for f in result.findings]


def test_a_poll_of_a_computed_property_runs_per_call() -> None:
    messages = _messages(POLLS_A_COMPUTED_PROPERTY)
    assert len(messages) == 1, messages
    assert "on every call of __call__()" in messages[0], messages
    assert "serves until stopped" not in messages[0], messages


def test_a_loop_on_a_property_returning_a_flag_still_serves() -> None:
    messages = _messages(SERVES_ON_A_FLAG_PROPERTY)
    assert len(messages) == 1, messages
    assert "once per run of serve(), which serves until stopped" in messages[0], messages


PRINTER = """\
import threading
import time


class Downloader:
    def __init__(self):
        self._missions = {}
        self._stop_printing = False

    @property
    def is_running(self):
        return any(not m.done for m in self._missions.values())

    def stop(self):
        self._stop_printing = True

    def show(self):
        threading.Thread(target=self._show, args=(2,)).start()

    def _show(self, wait):
        end = time.monotonic() + wait
        while not self._stop_printing and (self.is_running or time.monotonic() < end):
            print(len(self._missions))
            time.sleep(0.4)
"""


def _findings(code: str) -> list[tuple[str, str]]:
    result = analyze_source(code.encode(), "probe.py", load_rules().rules)
    assert result.error is None, result.error
    return [(f.severity, f.message) for f in result.findings]


def test_a_loop_on_a_computed_property_ends_by_itself() -> None:
    assert _findings(PRINTER) == []


def test_a_count_the_work_moves_is_no_flag() -> None:
    # (held12: DrissionGet's own `is_running` is `self._running_count > 0`, moved by += and -=
    # as missions start and end)
    counting = (
        PRINTER.replace(
            "return any(not m.done for m in self._missions.values())",
            "return self._running_count > 0",
        )
        .replace(
            "    def stop(self):",
            "    def add(self, mission):\n        self._running_count += 1\n\n"
            "    def done(self, mission):\n        self._running_count -= 1\n\n    def stop(self):",
        )
        .replace("self._missions = {}", "self._missions = {}\n        self._running_count = 0")
    )
    assert _findings(counting) == []


def test_a_loop_on_a_property_returning_a_flag_lasts_until_stopped() -> None:
    flagged = PRINTER.replace(
        "return any(not m.done for m in self._missions.values())", "return self._busy"
    ).replace("self._missions = {}", "self._missions = {}\n        self._busy = True")
    findings = _findings(flagged)
    assert [severity for severity, _ in findings] == ["high"], findings
    assert "does not end by itself" in findings[0][1], findings


@pytest.mark.parametrize(
    "state",
    [
        # worked out once and kept: a loop on it sees one value for good
        "@functools.cached_property\n    def is_running(self):\n"
        "        return any(not m.done for m in self._missions.values())",
        # only the object's own state: what its methods set
        "@property\n    def is_running(self):\n        return self._busy and not self._paused",
        '@property\n    def is_running(self):\n        return self._state == "running"',
        # (held9: matrix-nio's TransferMonitor, `done` being `bool(self.end_time)`)
        "@property\n    def is_running(self):\n        return not bool(self._paused)",
        # (the corpus's optimizely poller: its loop asks whether its own thread is alive)
        "@property\n    def is_running(self):\n        return self._thread.is_alive()",
    ],
)
def test_a_property_of_the_objects_state_is_a_flag(state: str) -> None:
    code = (
        PRINTER.replace(
            "@property\n    def is_running(self):\n"
            "        return any(not m.done for m in self._missions.values())",
            state,
        )
        .replace(
            "self._missions = {}",
            "self._missions = {}\n        self._busy = True\n        self._paused = False\n"
            '        self._state = "running"',
        )
        .replace("import threading", "import functools\nimport threading")
        .replace(" or time.monotonic() < end", "")
    )
    findings = _findings(code)
    assert [severity for severity, _ in findings] == ["high"], findings
