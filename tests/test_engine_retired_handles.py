"""A method that stores a new thread or child on ``self.<attr>`` after reaping the one already
there, whenever there is one, retires and replaces it: at most one per object is left (the
last, until the method's next call), never one per call (2026-12-06, held19: cflib's
``close_link()`` stops and joins its packet handler under ``if self.incoming.is_alive():``
and stores a fresh, unstarted one that ``open_link()`` starts; it was a high "piles up on
every call", ranked first, and 10 open/close cycles left no thread). A thread no longer alive
has ended or never started: ``is_alive()`` guards a join as ``is not None`` does. Made
unstarted and started by another method, the handle is reaped by the storing method after
that start, as by another method. A method that stores over the one before without reaping
it still leaves one per call."""

from __future__ import annotations

import pytest

from tests.builders import analysed

CLASS = """\
import threading


class Worker(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            self._stop_event.wait(1)

    def stop(self):
        self._stop_event.set()


class Link:
    def __init__(self):
        self.worker = Worker()

{methods}
"""

# cflib's shape: open() starts it, close() joins it and stores a fresh one unstarted
STARTED_ELSEWHERE = """\
    def open(self):
        if not self.worker.is_alive():
            self.worker.start()

    def close(self):
        if self.worker.is_alive():
            self.worker.stop()
            self.worker.join(timeout=1)
        self.worker = Worker()
"""

# the storing method starts it too: each call joins the one the call before started
RESTARTED = """\
    def restart(self):
        if self.worker and self.worker.is_alive():
            self.worker.stop()
            self.worker.join()
        self.worker = Worker()
        self.worker.start()
"""

# the one before is dropped still running: one more thread on every call
DROPPED = """\
    def restart(self):
        self.worker = Worker()
        self.worker.start()
"""

# a join under another test leaves the one before on the other path
OTHER_TEST = """\
    def restart(self, force):
        if force:
            self.worker.stop()
            self.worker.join()
        self.worker = Worker()
        self.worker.start()
"""


def test_started_elsewhere_and_joined_before_the_store_is_reaped() -> None:
    assert analysed(CLASS.format(methods=STARTED_ELSEWHERE), "link.py") == []


def test_joined_before_the_store_leaves_one_per_object() -> None:
    (finding,) = analysed(CLASS.format(methods=RESTARTED), "link.py")
    assert finding.severity == "medium", finding
    assert "once per Link object" in finding.message, finding.message
    assert "each call of restart() joins the one stored before" in finding.message


@pytest.mark.parametrize("methods", [DROPPED, OTHER_TEST], ids=["dropped", "other-test"])
def test_stored_over_one_not_reaped_piles_up(methods: str) -> None:
    (finding,) = analysed(CLASS.format(methods=methods), "link.py")
    assert finding.severity == "high", finding
    assert "on every call of restart()" in finding.message, finding.message


def test_a_timed_join_alone_gives_up_on_a_thread_told_nothing() -> None:
    """Joined with a timeout under `is_alive()` but never stopped, an endless thread outlives
    the join: each call leaves one more (the review's probe: 10 calls, 10 threads)."""
    timed = (
        "    def restart(self):\n"
        "        if self.worker.is_alive():\n"
        "            self.worker.join(timeout=1)\n"
        "        self.worker = Worker()\n"
        "        self.worker.start()\n"
    )
    (finding,) = analysed(CLASS.format(methods=timed), "link.py")
    assert finding.severity == "high", finding
