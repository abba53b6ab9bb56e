"""``Timer.cancel()`` ends a Timer only while it waits out its interval: once its function
runs, nothing ends it (checked on 3.8, 3.12 and 3.13: 5 timers whose function loops for
good, cancelled after firing, 5 still alive; cancelled before, 0). A Timer whose function
loops with no exit and no stop, cancelled only by another function than the one making it
(a ``stop()`` its user calls when they like, after the interval as often as not), is not
ended by that cancel (2026-12-06, held19: py_eureka_client's heartbeat Timer runs an endless
``while True:`` and ``stop()`` only cancels it: 5 start/stop cycles left 5 heartbeat
threads). A function that ends, a flag the loop reads, or a cancel in the function making
the timer (a time it picks) is not this."""

from __future__ import annotations

import pytest

from tests.builders import analysed

CLIENT = """\
import threading
import time


class Client:
    def __init__(self, interval):
        self._interval = interval
        self._running = True
        self._timer = threading.Timer(interval, self._beat)
        self._timer.daemon = True

    def start(self):
        self._timer.start()

    def stop(self):
        self._running = False
        self._timer.cancel()

    def _beat(self):
{body}
"""

FOREVER = "        while True:\n            time.sleep(self._interval)\n"
FLAGGED = "        while self._running:\n            time.sleep(self._interval)\n"
ONCE = "        print('beat')\n"


def test_a_cancel_after_the_interval_leaves_an_endless_function_running() -> None:
    (finding,) = analysed(CLIENT.format(body=FOREVER), "client.py")
    assert finding.rule == "FA111", finding
    assert "cancel() ends a Timer only while it waits out its interval" in finding.message
    assert "stop()'s cancel() leaves it running" in finding.message


@pytest.mark.parametrize("body", [FLAGGED, ONCE], ids=["flag", "ends"])
def test_a_function_that_ends_or_stops_on_a_flag_is_reaped_by_cancel(body: str) -> None:
    assert analysed(CLIENT.format(body=body), "client.py") == []


def test_a_cancel_where_the_timer_is_made_is_its_own_timing() -> None:
    source = (
        "import threading\nimport time\n\n\n"
        "def _forever():\n    while True:\n        time.sleep(1)\n\n\n"
        "def probe(interval):\n"
        "    t = threading.Timer(interval, _forever)\n"
        "    t.start()\n"
        "    time.sleep(interval / 2)\n"
        "    t.cancel()\n"
    )
    assert analysed(source, "probe.py") == []


def test_a_timer_subclass_looping_on_its_finished_event_ends_on_cancel() -> None:
    """A RepeatTimer's own run() loops `while not self.finished.wait(interval):`, and cancel()
    sets `finished`: the loop ends (the corpus's ingenialink and mtda cases)."""
    source = (
        "import threading\n\n\n"
        "class RepeatTimer(threading.Timer):\n"
        "    def run(self):\n"
        "        while not self.finished.wait(self.interval):\n"
        "            self.function(*self.args, **self.kwargs)\n\n\n"
        "class Poller:\n"
        "    def start(self):\n"
        "        self._timer = RepeatTimer(1.0, self.poll)\n"
        "        self._timer.start()\n\n"
        "    def stop(self):\n"
        "        self._timer.cancel()\n\n"
        "    def poll(self):\n"
        "        pass\n"
    )
    assert analysed(source, "poller.py") == []
