"""A timer stored anew by the function its previous timer runs replaces a timer that has fired
(2026-12-05): the chain's next link, not a live timer dropped. A stoppable chain made per
connection and stopped in a ``finally`` is not "only the last one is reaped"; one never stopped
is still reported. Stored by the very function the timer runs (2026-12-06), the one replaced is the
one running that call, unless another method (per request) or the module calls that function too.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

BEACON = """\
import threading


class Beacon:
    def __init__(self, interval, fn):
        self.interval = interval
        self.fn = fn
        self._running = True
        self._timer = None

    def start(self):
        self._schedule()

    def _schedule(self):
        if not self._running:
            return
        self._timer = threading.Timer(self.interval, self._fire)  # expect: ok
        self._timer.start()

    def _fire(self):
        self.fn()
        self._schedule()

    def stop(self):
        self._running = False
        if self._timer:
            self._timer.cancel()


"""

PROBES = {
    "stopped_in_finally": BEACON
    + """\
def serve(conn):
    b = Beacon(10, conn.ping)  # expect: ok
    b.start()
    try:
        conn.serve_forever()
    finally:
        b.stop()
""",
    "subclass_lowers_the_flag": """\
import threading


class _Base:
    def __init__(self, interval):
        self.interval = interval
        self._running = True
        self._timer = None

    def _schedule(self):
        if not self._running:
            return
        self._timer = threading.Timer(self.interval, self._fire)  # expect: ok
        self._timer.start()

    def _fire(self):
        self.tick()
        self._schedule()

    def tick(self):
        pass


class Watchdog(_Base):
    def tick(self):
        print("tick")

    def stop(self):
        self._running = False
        if self._timer is not None:
            self._timer.cancel()


def handle(req):
    w = Watchdog(1)  # expect: ok
    w._schedule()
    try:
        return req.process()
    finally:
        w.stop()
""",
    "stored_by_its_own_function": """\
import threading


class Uploader:
    def __init__(self):
        self.upload_timer = None
        self._stopped = False

    def upload(self):
        synced = self._send()
        if not synced and not self._stopped:
            # the timer replaced here is the one running this call: it has fired
            self.upload_timer = threading.Timer(60, self.upload)  # expect: ok
            self.upload_timer.daemon = True
            self.upload_timer.start()

    def stop(self):
        if self.upload_timer:
            self.upload_timer.cancel()
        self._stopped = True

    def _send(self):
        return False
""",
    "stored_by_its_own_function_also_called_per_request": """\
import threading


class Uploader:
    def __init__(self, store):
        self.store = store
        self.timer = None
        self._stopped = False

    def upload(self):
        self.store.flush()
        if not self._stopped:
            # on_change() calls it too, over a timer still pending: one more chain per call
            self.timer = threading.Timer(60, self.upload)  # expect: leak
            self.timer.daemon = True
            self.timer.start()

    def on_change(self, key, value):
        self.store.put(key, value)
        self.upload()

    def stop(self):
        self._stopped = True
        if self.timer:
            self.timer.cancel()
""",
    "never_stopped": BEACON
    + """\
def serve(conn):
    b = Beacon(10, conn.ping)  # expect: leak
    b.start()
    conn.serve_forever()
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
