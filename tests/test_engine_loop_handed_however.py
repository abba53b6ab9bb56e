"""A thread serving an event loop that its start hands to the target ends when that loop is
stopped, however the target gets the loop: ``args=``, ``kwargs=`` as a literal or as
``dict()``, bound with ``functools.partial`` (positionally or by name), and whether the target
is a method or a function of the module. (2026-12-06, review of the twenty-seventh session: the
module-function and partial forms were false highs, 0 threads left at run time.)

A stop registered with ``atexit`` is no stop: the interpreter runs atexit's callbacks only after
it has waited for every non-daemon thread, so such a stop ends no thread while the program
runs, and an object made per request leaves one thread each (the review measured 10 for 10)."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import threading
from types import SimpleNamespace

import pytest
from children import threads_settle

from tests.builders import analysed

HEAD = """
import asyncio
import atexit
import functools
import threading


def _run_loop(loop):
    loop.run_forever()


def _stop(loop):
    loop.call_soon_threadsafe(loop.stop)


class Bridge:
    def __init__(self):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread({how}, daemon=True)
        self._thread.start()
{extra}

def handle(request):
    bridge = Bridge()
    try:
        return request.path
    finally:
        bridge.close()
"""
CLOSE = """
    def close(self):
        self._loop.call_soon_threadsafe(self._loop.stop)
"""
NO_STOP = """
    def close(self):
        self._closed = True
"""
HANDED = {
    "args": "target=_run_loop, args=(self._loop,)",
    "kwargs_literal": 'target=_run_loop, kwargs={"loop": self._loop}',
    "kwargs_dict_call": "target=_run_loop, kwargs=dict(loop=self._loop)",
    "partial_positional": "target=functools.partial(_run_loop, self._loop)",
    "partial_keyword": "target=functools.partial(_run_loop, loop=self._loop)",
}
AT_EXIT = {
    "a_helper_registered": "        atexit.register(_stop, self._loop)\n" + NO_STOP,
    "the_stop_registered": "        atexit.register(self._loop.stop)\n" + NO_STOP,
    # a method of its own stopping the loop, run only by atexit (review: 5 threads for 5)
    "a_method_registered": "        atexit.register(self._stop_loop)\n"
    + NO_STOP
    + "\n    def _stop_loop(self):\n        self._loop.call_soon_threadsafe(self._loop.stop)\n",
}


def _code(how: str, extra: str) -> str:
    return HEAD.format(how=HANDED[how], extra=extra)


def _severities(code: str) -> list[str]:
    return [f.severity for f in analysed(code)]


@pytest.mark.parametrize("how", sorted(HANDED))
def test_the_loop_is_matched_however_it_is_handed(how: str) -> None:
    assert _severities(_code(how, CLOSE)) == []
    # the same class with no stop is reported: the match is what silences it
    assert _severities(_code(how, NO_STOP)) == ["high"]


@pytest.mark.parametrize("name", sorted(AT_EXIT))
def test_a_stop_registered_with_atexit_is_no_stop(name: str) -> None:
    assert _severities(_code("args", AT_EXIT[name])) == ["high"]  # one more per request


def _settles(count: int) -> int:
    return threads_settle(count, 60)


@pytest.mark.parametrize("how", sorted(HANDED))
def test_at_run_time_each_handed_loop_is_stopped(how: str) -> None:
    before = threading.active_count()
    namespace: dict[str, object] = {}
    exec(compile(textwrap.dedent(_code(how, CLOSE)), "m.py", "exec"), namespace)
    for _ in range(4):
        namespace["handle"](SimpleNamespace(path="/"))  # type: ignore[operator]
    gc.collect()
    assert _settles(before) == before, how


def test_at_run_time_atexit_runs_after_the_non_daemon_threads_are_waited_for() -> None:
    # the principle: a non-daemon thread stopped only by an atexit callback holds exit for ever
    script = textwrap.dedent(
        """
        import asyncio, atexit, threading
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever).start()
        atexit.register(lambda: loop.call_soon_threadsafe(loop.stop))
        print("started", flush=True)
        """
    )
    with pytest.raises(subprocess.TimeoutExpired) as hung:
        subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=3)
    assert b"started" in (hung.value.stdout or b"")
