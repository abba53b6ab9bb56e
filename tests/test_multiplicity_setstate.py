"""``__setstate__`` sets up an object that unpickling or ``copy.copy()`` makes, as ``__init__``
does one its class makes: it runs once per object, not per call of something users repeat
(held34: reportportal-client's ThreadedRPClient starts its loop thread from ``__init__`` and
from ``__setstate__``; the finding said "on every call of __setstate__()")."""

from __future__ import annotations

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
import asyncio
import threading


class Client:
    def __init__(self, endpoint):
        self.endpoint = endpoint
        self._init_loop()

    def _init_loop(self):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["_loop"], state["_thread"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_loop()
"""


def test_a_start_from_setstate_runs_once_per_object() -> None:
    result = analyze_source(CODE.encode(), "client.py", load_rules().rules)
    (found,) = result.findings
    assert "once per Client object" in found.message, found.message
    assert "every call of __setstate__" not in found.message
    assert found.severity == "medium", found.message
