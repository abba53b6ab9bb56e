"""A timer chain re-armed through a call of the method that makes the timer (2026-12-05).

The RepeatedTimer recipe: ``_run()`` clears ``self.is_running`` and calls ``start()``, whose
``if not self.is_running:`` then always passes; or ``self.start(from_run=True)`` past ``if
from_run or self._stopped:``. A test that the call itself decides is no stop flag: the chain
re-arms until the kept timer is cancelled (a cancel between a firing and the re-arm is undone), and one
made per request and never stopped piles up. A chain whose ``_tick()`` leaves by ``if
not self._running: return`` goes on while a flag that nothing lowers holds: no stop either.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

RECIPE = """\
from threading import Timer


class RepeatedTimer:
    def __init__(self, interval, function):
        self._timer = None
        self.interval = interval
        self.function = function
        self.is_running = False
        self.start()

    def _run(self):
        self.is_running = False
        self.start()
        self.function()

    def start(self):
        if not self.is_running:
            self._timer = Timer(self.interval, self._run)  # expect: {expect}
            self._timer.start()
            self.is_running = True

    def stop(self):
        self._timer.cancel()
        self.is_running = False
"""

PROBES = {
    # the recipe alone: its stop() cancels the kept timer; only a cancel landing between a
    # firing and the re-arm is undone, a race, not a pile-up, for an object made once
    "recipe_alone": RECIPE.format(expect="ok"),
    # made per request and never stopped: one more chain firing for good per request
    "recipe_per_request": RECIPE.format(expect="leak")
    + """

def handle(request):
    RepeatedTimer(1, print)
    return request
""",
    # re-armed through start(from_run=True), past the stop flag start() tests
    "rearmed_past_the_flag": """\
from threading import Timer


class Scheduler:
    def __init__(self, interval, function):
        self._timer = None
        self.interval = interval
        self.function = function
        self._stopped = True

    def start(self, from_run=False):
        if from_run or self._stopped:
            self._stopped = False
            self._timer = Timer(self.interval, self._run)  # expect: leak
            self._timer.start()

    def _run(self):
        self.start(from_run=True)
        self.function()


def handle(request):
    Scheduler(5, print).start()
    return request
""",
    # the chain's own call leaves the flag as it was: the flag stops it
    "rearmed_under_the_flag": """\
import threading


class Ticker:
    def __init__(self):
        self._stopped = False

    def start(self):
        self._stopped = False
        self._tick()

    def _tick(self):
        if self._stopped:
            return
        self._timer = threading.Timer(1.0, self._tick)  # expect: ok
        self._timer.daemon = True
        self._timer.start()

    def stop(self):
        self._stopped = True
        self._timer.cancel()
""",
    # `if not self._running: return` while nothing ever lowers _running: no stop at all
    "way_out_never_taken": """\
import threading


class Watcher:
    def __init__(self):
        self._running = False

    def watch(self, name):
        self._running = True
        self._tick()

    def _tick(self):
        if not self._running:
            return
        threading.Timer(1.0, self._tick).start()  # expect: leak
""",
    # the flag tested in the method the timer's function calls to re-arm
    "way_out_in_the_rearming_helper": """\
import threading


class Refresher:
    def __init__(self, interval, fn):
        self.interval = interval
        self.fn = fn
        self._running = True
        self._schedule()

    def _schedule(self):
        if not self._running:
            return
        threading.Timer(self.interval, self._fire).start()  # expect: leak

    def _fire(self):
        self.fn()
        self._schedule()
""",
    # the same with a stop that lowers it
    "way_out_taken_at_stop": """\
import threading


class Watcher:
    def __init__(self):
        self._running = False
        self._timer = None

    def watch(self, name):
        if self._timer is not None:
            return
        self._running = True
        self._tick()

    def _tick(self):
        if not self._running:
            return
        self._timer = threading.Timer(1.0, self._tick)  # expect: ok
        self._timer.daemon = True
        self._timer.start()

    def unwatch(self):
        self._running = False
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
