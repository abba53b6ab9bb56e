"""A thread whose function begins by sleeping (``time.sleep(task.timeout)`` then a check, a
watchdog) is a Timer by hand that nothing can cancel: started per task it holds one more thread
for the whole interval, whether the task finished or not, as a Timer never cancelled does
(2026-12-07, held21: superq's process executor starts such a monitor per task, sleeping the
task's timeout, an hour by default; the reader measured 50 quick tasks -> 51 threads). A short
literal sleep (a few seconds at most) is a delay, not a parked thread; and one started where
nothing shows it repeating (no loop, no request) is one at a time as far as can be told."""

from __future__ import annotations

import threading
import time

import pytest

from tests.builders import analysed

WATCHDOG = """\
import functools
import os
import signal
import threading
import time


def serve(tasks, running):
    def monitor(task):
        \"\"\"Kill this process if the task times out.\"\"\"
        time.sleep({interval})
        if task in running:
            os.kill(os.getpid(), signal.SIGTERM)

    while True:
        task = tasks.get()
        running.add(task)
        threading.Thread(target=functools.partial(monitor, task), daemon=True).start()
        task.run()
        running.discard(task)
"""


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "worker.py")]


@pytest.mark.parametrize("interval", ["task.timeout", "3600"])
def test_a_thread_sleeping_out_a_long_interval_first_is_reported(interval: str) -> None:
    (message,) = _findings(WATCHDOG.format(interval=interval))
    assert "first sleeps out its interval" in message, message


def test_one_started_where_nothing_shows_it_repeating_is_not_reported() -> None:
    """A debug helper's ``dump_after(secs)``, a committer behind its own guard: one at a time,
    as far as can be told (held4: google-cloud-pubsub's batch committer was a false medium)."""
    code = """\
import threading
import time


def dump_after(secs, dump):
    def later():
        time.sleep(secs)
        dump()

    thread = threading.Thread(target=later, daemon=True)
    thread.start()
"""
    assert _findings(code) == []


def test_a_sleeper_signalling_when_it_wakes_drives_the_next_start() -> None:
    """``time.sleep(ttl); self.interrupt.set()``: the loop waiting on that Event starts the
    next one once this one has woken, one at a time, as a timer chain (held5/held14: granian's
    worker-lifetime waker was a new false medium)."""
    code = """\
import threading
import time


class Server:
    def __init__(self, ttl):
        self.ttl = ttl
        self.interrupt = threading.Event()

    def _waker(self):
        time.sleep(self.ttl)
        self.interrupt.set()

    def serve(self):
        while True:
            threading.Thread(target=self._waker, daemon=True).start()
            self.interrupt.wait()
            self.interrupt.clear()
            self.recycle_workers()
"""
    assert _findings(code) == []


SHORT = {
    "literal": "time.sleep(0.5)",
    "random_bound": "time.sleep(random.uniform(0, 0.5))",
    "parameter_default": "time.sleep(delay)",
    "class_constant": "time.sleep(self.DELAY)",
}

NOTIFIER = """\
import random
import threading
import time


class Notifier:
    DELAY = 0.2

    def _later(self, request, delay=0.1):
        {sleep}
        request.notify()

    def serve(self, requests):
        while True:
            request = requests.get()
            threading.Thread(target=self._later, args=(request,), daemon=True).start()
"""


@pytest.mark.parametrize("name", sorted(SHORT))
def test_a_short_sleep_first_is_a_delay(name: str) -> None:
    """Written out, or bounded where the code says it: a parameter's default, a class
    constant, a random draw's upper bound (the review's r7 probes: all gone within 0.6 s)."""
    assert _findings(NOTIFIER.format(sleep=SHORT[name])) == []


def test_a_long_class_constant_is_no_delay() -> None:
    code = NOTIFIER.format(sleep=SHORT["class_constant"]).replace("DELAY = 0.2", "DELAY = 600")
    (message,) = _findings(code)
    assert "first sleeps out its interval" in message, message


def test_at_run_time_each_watchdog_stays_for_its_interval() -> None:
    release = threading.Event()

    def monitor() -> None:
        release.wait(30)  # stands for time.sleep(timeout): the thread stays that long

    before = threading.active_count()
    for _ in range(5):  # five quick tasks
        threading.Thread(target=monitor, daemon=True).start()
    time.sleep(0.05)
    try:
        assert threading.active_count() - before == 5
    finally:
        release.set()
