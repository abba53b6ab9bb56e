"""A module global a once-guard reads (``if _service and not force: return``) stays present
whichever object a function of the module stores in it: ``MeterService()`` in ``init()`` and
``MeterServiceAsync()`` in its async variant are two objects, not a state taken back and
forth; only a value such as None or a literal reopens the guard (2026-12-06, held20:
apache-skywalking's ``meter.init()`` and ``sampling.init()``, one service thread per process,
were two highs "on every call of init()"; the function here is named otherwise, as a
set-up name alone says once)."""

from __future__ import annotations

from tests.builders import analysed

MODULE = """\
import threading
import time


class Service(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)

    def run(self):
        while True:
            time.sleep(1)


class AsyncService:
    async def start(self):
        pass


_service = None


def attach(force=False):
    global _service
    if _service and not force:
        return
    _service = Service()
    _service.start()


async def init_async():
    global _service
    _service = AsyncService()
    await _service.start()
{more}
"""

REOPENED = """

def forget():
    global _service
    _service = None
"""


def test_another_object_in_the_global_keeps_the_guard() -> None:
    assert [f for f in analysed(MODULE.format(more=""), "service.py") if f.severity != "low"] == []


def test_none_stored_by_another_function_reopens_it() -> None:
    (finding,) = analysed(MODULE.format(more=REOPENED), "service.py")
    assert finding.severity == "high", finding
    assert "on every call of attach()" in finding.message, finding.message


def test_a_helper_that_may_give_none_reopens_it() -> None:
    """Only a class called by its name makes an object for sure: `_lookup()` may give None,
    and the guard opens again (the review's probe)."""
    more = "\n\ndef _lookup():\n    return None\n\n\ndef refresh():\n    global _service\n    _service = _lookup()\n"
    (finding,) = analysed(MODULE.format(more=more), "service.py")
    assert finding.severity == "high", finding
