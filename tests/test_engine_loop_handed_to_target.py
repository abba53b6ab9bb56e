"""A thread serving an event loop its start hands over (``Thread(target=self._run_loop,
args=(self._loop,))``, ``def _run_loop(loop): loop.run_forever()``) ends when that loop is
stopped: a method of the class stopping ``self._loop`` stops it, as it does a thread running
``self._loop.run_forever`` itself; so does a function of the module stopping its parameter that
the class calls or registers with the object (``weakref.finalize(self, self._stop_loop,
self._loop)``). (2026-12-06, held14: robyn's ``AsyncGeneratorWrapper``, reported as a loop "with
no exit" though its ``_finish()`` and its finalizer stop the loop.) A loop nothing stops, or a
helper that does not stop what it is given, is still reported."""

from __future__ import annotations

import gc
import textwrap
import threading

import pytest
from children import threads_settle

from tests.builders import analysed

HEAD = """
import asyncio
import threading
import weakref


class Background:
    def __init__(self):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_loop, args=(self._loop,), daemon=True)
        self._thread.start()
{extra}
    @staticmethod
    def _run_loop(loop):
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.close()
"""
STOPPED = {
    "a_method_stops_it": HEAD.format(extra="")
    + """
    def close(self):
        self._loop.call_soon_threadsafe(self._loop.stop)
""",
    "a_finalizer_stops_it": HEAD.format(
        extra="        self._finalizer = weakref.finalize(self, self._stop_loop, self._loop)\n"
    )
    + """
    @staticmethod
    def _stop_loop(loop):
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)

    def finish(self):
        self._finalizer()
""",
}
LEFT = {
    "nothing_stops_it": HEAD.format(extra="")
    + """
    def close(self):
        self._closed = True
""",
    "the_helper_stops_another_loop": HEAD.format(
        extra="        self._other = asyncio.new_event_loop()\n"
        "        self._finalizer = weakref.finalize(self, self._stop_first, self._other, self._loop)\n"
    )
    + """
    @staticmethod
    def _stop_first(first, second):
        first.call_soon_threadsafe(first.stop)
        print("left", second)
""",
    # a bound method held by the finalizer keeps the object: it is never collected, and the
    # finalizer never runs (measured by the review: 10 dropped, 10 threads left)
    "a_finalizer_holding_the_object": HEAD.format(
        extra="        self._finalizer = weakref.finalize(self, self._stop_loop, self._loop)\n"
    )
    + """
    def _stop_loop(self, loop):
        loop.call_soon_threadsafe(loop.stop)
""",
    "the_helper_stops_nothing": HEAD.format(
        extra="        self._finalizer = weakref.finalize(self, self._note, self._loop)\n"
    )
    + """
    @staticmethod
    def _note(loop):
        print("done with", loop)
""",
}


def _lines(code: str) -> list[int]:
    return [f.line for f in analysed(code)]


@pytest.mark.parametrize("name", sorted(STOPPED))
def test_a_stop_of_the_handed_loop_ends_the_thread(name: str) -> None:
    assert _lines(STOPPED[name]) == []


@pytest.mark.parametrize("name", sorted(LEFT))
def test_a_loop_nothing_stops_is_reported(name: str) -> None:
    assert len(_lines(LEFT[name])) == 1


def _settles(count: int) -> int:
    return threads_settle(count, 50)


def test_at_run_time_the_stop_and_the_finalizer_end_the_threads() -> None:
    before = threading.active_count()
    for name in sorted(STOPPED):
        namespace: dict[str, object] = {}
        exec(compile(textwrap.dedent(STOPPED[name]), "m.py", "exec"), namespace)
        objects = [namespace["Background"]() for _ in range(4)]  # type: ignore[operator]
        assert _settles(before + 4) == before + 4
        if name == "a_method_stops_it":
            for item in objects:
                item.close()  # type: ignore[attr-defined]
        objects.clear()  # the finalizer runs as each one is collected
        gc.collect()
        assert _settles(before) == before, name
