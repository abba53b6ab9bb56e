"""A thread's target handed the starting object itself as a parameter (``kwargs={"runner":
self}``, ``args=(self,)``) serves an attribute of it (``runner._server.serve_forever()``):
that is the object's own ``self._server``, and a method of the object stopping it
(``self._server.shutdown()``) ends the thread (2026-12-06, held20: avro's tether
``TaskRunner.start()`` was a high "loops with no exit"; its ``shutdown()`` ends
``serve_forever()``). Nothing stopping that attribute leaves the thread serving for good."""

from __future__ import annotations

import pytest

from tests.builders import analysed

RUNNER = """\
import http.server
import threading


class Runner:
    def start(self, address, ready):
        def serve(runner=None):
            runner._server = http.server.HTTPServer(address, http.server.BaseHTTPRequestHandler)
            runner._server.serve_forever()

        thread = threading.Thread(target=serve, {given})
        thread.start()
        self.thread = thread
        ready.wait()
{stop}
"""

STOP = "        self._server.shutdown()\n"


@pytest.mark.parametrize("given", ['kwargs={"runner": self}', "args=(self,)"])
def test_the_objects_own_server_stopped_by_it_ends_the_thread(given: str) -> None:
    assert analysed(RUNNER.format(given=given, stop=STOP), "runner.py") == []


def test_a_server_nothing_stops_serves_for_good() -> None:
    (finding,) = analysed(RUNNER.format(given='kwargs={"runner": self}', stop=""), "runner.py")
    assert finding.rule == "FA111", finding
