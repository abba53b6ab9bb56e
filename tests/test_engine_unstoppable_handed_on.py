"""A thread whose function loops with no exit and no stop (no flag, no sentinel, no stop
method) cannot be joined (join() would block for good) nor stopped by anyone: handing it to a
function (``Mapper(process, queue, qlogger)``, ``register(t)``) hands on nothing that callee
can use to end it, as returning it to the caller does not. Reported as started; a thread with a
stop flag handed on is the callee's to stop, as before (2026-12-07, held22: para's ``map()``
starts a QueueLogger per call and hands it to its mapper processes; the reader measured 10
calls -> 12 threads)."""

from __future__ import annotations

import subprocess
import sys

from tests.builders import analysed

LOGGER = """\
import logging
import queue
import threading

log = logging.getLogger(__name__)


class QueueLogger(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.queue = queue.Queue()
{stop}
    def run(self):
        while {test}:
            try:
                level, message = self.queue.get(timeout=0.05)
                log.log(level, message)
            except queue.Empty:
                continue


def map_many(process, items, make_worker):
    qlogger = QueueLogger()
    qlogger.start()
    workers = [make_worker(process, qlogger) for _ in range(2)]
    return [w(item) for w in workers for item in items]
"""

ENDLESS = LOGGER.format(stop="", test="True")
STOPPABLE = LOGGER.format(
    stop="        self.running = True\n\n    def stop(self):\n        self.running = False\n",
    test="self.running",
)


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "para.py")]


def test_an_endless_thread_handed_to_a_function_is_reported() -> None:
    (message,) = _findings(ENDLESS)
    assert "which can neither join nor stop it" in message, message


def test_one_handed_on_before_it_starts_is_being_set_up() -> None:
    """``hide_thread_from_debugger(thread)`` before ``thread.start()``: the callee marks it,
    the starter keeps it (envs: debugpy's accept worker became a high in 11 environments)."""
    code = ENDLESS.replace(
        "    qlogger = QueueLogger()\n    qlogger.start()\n",
        "    qlogger = QueueLogger()\n    hide(qlogger)\n    qlogger.start()\n",
    ).replace(
        "    workers = [make_worker(process, qlogger) for _ in range(2)]\n", "    workers = []\n"
    )
    assert "hide(qlogger)" in code
    assert not any("neither join nor stop" in message for message in _findings(code))


def test_a_stoppable_thread_handed_on_is_the_callees() -> None:
    assert _findings(STOPPABLE) == []


def test_at_run_time_each_call_leaves_its_thread() -> None:
    # in a process of its own: the threads it leaves never end
    script = (
        ENDLESS
        + "\nbefore = threading.active_count()\n"
        + "for _ in range(3):\n"
        + "    map_many(str, [1, 2], lambda process, qlogger: process)\n"
        + "print(threading.active_count() - before)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "3"
