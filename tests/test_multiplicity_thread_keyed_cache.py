"""A cache keyed by the thread calling (``name = threading.current_thread().name``, then ``if
name not in _runners: _runners[name] = Runner()``) holds one entry per thread that calls it:
each new thread finds its key missing, so it guards nothing across threads. What each entry
starts is started once per calling thread, bounded unless the callers each run in a thread of
their own, as a threaded server's requests do (2026-12-07, held53: jupyter_core's ``run_sync``
keeps a ``_TaskRunner`` with an event-loop thread per calling thread's name, stopped only at
exit, and was not reported at all, the cache read as a process-wide once-guard; the reader
measured 20 short-lived calling threads -> 20 runner threads left; held48's flytekit copy of
it was "once per _TaskRunner object")."""

from __future__ import annotations

import textwrap
import threading

import pytest

from tests.builders import analysed

RUNNERS = """
import asyncio
import threading


class _Runner:
    def __init__(self):
        self._loop = None

    def run(self, coro):
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            threading.Thread(target=self._loop.run_forever, daemon=True).start()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()


{cache}


def run_sync(coro):
    {key}
    {lookup}
"""

MODULE_CACHE = (
    "_runners = {}",
    "if name not in _runners:\n        _runners[name] = _Runner()\n    return _runners[name].run(coro)",
)
KEYS = {
    "current_thread().name": "name = threading.current_thread().name",
    "an f-string of it": 'name = f"{threading.current_thread().name} - runner"',
    "its name and the pid": 'name = threading.current_thread().name + "-1"',
    "get_ident()": "name = threading.get_ident()",
}


def _code(key: str, cache: tuple[str, str] = MODULE_CACHE) -> str:
    return RUNNERS.format(cache=cache[0], key=key, lookup=cache[1])


@pytest.mark.parametrize("key", sorted(KEYS))
def test_a_cache_keyed_by_the_calling_thread_holds_one_per_thread(key: str) -> None:
    (finding,) = analysed(_code(KEYS[key]))
    assert finding.severity == "medium", finding.message
    assert "_Runner objects are made once per calling thread" in finding.message
    assert "unless its callers each run in a thread of their own" in finding.message


# the same cache kept on an object (held48: flytekit's copy, `self._runner_map`)
MANAGER = (
    RUNNERS[: RUNNERS.index("{cache}")]
    + """
class Manager:
    def __init__(self):
        self._runners = {}

    def run_sync(self, coro):
        name = threading.current_thread().name
        if name not in self._runners:
            self._runners[name] = _Runner()
        return self._runners[name].run(coro)
"""
)


def test_a_cache_on_an_object_keyed_by_the_calling_thread_too() -> None:
    (finding,) = analysed(MANAGER)
    assert "_Runner objects are made once per calling thread" in finding.message, MANAGER


def test_a_cache_keyed_otherwise_is_no_per_thread_one() -> None:
    for key in ('name = "default"', "name = coro.__name__"):
        messages = [finding.message for finding in analysed(_code(key))]
        assert not any("calling thread" in message for message in messages), messages


def test_at_run_time_each_calling_thread_leaves_its_runner() -> None:
    namespace: dict[str, object] = {}
    code = _code(KEYS["current_thread().name"])
    exec(compile(textwrap.dedent(code), "runners.py", "exec"), namespace)
    run_sync = namespace["run_sync"]

    async def answer() -> int:
        return 42

    before = threading.active_count()
    callers = [threading.Thread(target=lambda: run_sync(answer())) for _ in range(5)]  # type: ignore[operator]
    for caller in callers:
        caller.start()
        caller.join()
    assert threading.active_count() - before == 5  # one runner left per thread that called
    assert len(namespace["_runners"]) == 5  # type: ignore[arg-type]
    run_sync(answer())  # type: ignore[operator]
    assert threading.active_count() - before == 6  # and this thread's own
    for runner in namespace["_runners"].values():  # type: ignore[attr-defined]
        runner._loop.call_soon_threadsafe(runner._loop.stop)
