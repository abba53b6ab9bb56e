"""atexit keeps what it is given until the interpreter exits, and a bound method keeps its
object (2026-12-05): a class registering ``atexit.register(self.close)`` has objects that are
never collected before exit, so its ``__del__`` runs only then. A thread that only ``close()``
stops (called by ``__del__`` and by that atexit cleanup) is stopped only at exit: one per
object, piling up where objects are made per request (kafka-python's producer before its
fix). Registered through a weak reference, or with no atexit at all, ``__del__`` runs when the
object is dropped and stops it. (The whole-file analysis read ``__del__`` as a stop the sliced
one, which leaves ``__del__`` out, did not: both now agree.)

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PRODUCER = """\
import atexit
import threading
import weakref


class Sender(threading.Thread):
    def __init__(self, queue):
        super().__init__(daemon=True)
        self._queue = queue
        self._running = True

    def run(self):
        while self._running:
            self._queue.get(timeout=1)

    def initiate_close(self):
        self._running = False


class Producer:
    def __init__(self, queue):
        self._sender = Sender(queue)  # expect: {expect}
        self._sender.start()
{register}

    def __del__(self):
        self.close()

    def close(self):
        self._sender.initiate_close()
        self._sender.join()


def handle(request):
    Producer(request.queue).send(request.body)
"""

PROBES = {
    "pinned_by_a_bound_method": PRODUCER.format(
        expect="leak", register="        atexit.register(self.close)"
    ),
    "registered_through_a_weak_reference": PRODUCER.format(
        expect="ok",
        register="        ref = weakref.ref(self)\n"
        "        atexit.register(lambda: ref() and ref().close())",
    ),
    "no_atexit": PRODUCER.format(expect="ok", register="        pass"),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
