"""An asyncio event loop a thread runs, stopped only by a plain ``loop.stop()`` called from
another thread (2026-12-07, review of the twenty-eighth session): ``stop()`` raises a flag the
loop reads between two passes and does not wake it, so an idle loop, blocked in its selector
with nothing scheduled, never makes that pass and its thread never ends.
``loop.call_soon_threadsafe(loop.stop)`` wakes it; a stop in a coroutine or in a callback runs
on the loop's own thread; a loop kept busy by a timer or a coroutine waiting in a loop wakes
and stops. The run-time test counts the threads left."""

from __future__ import annotations

import asyncio
import sys
import threading
import time

import pytest

from tests.builders import analysed

# the loop given to a function of the module, stopped by the object's stop()
GIVEN = """\
import asyncio, threading


def _run_loop(loop):
    asyncio.set_event_loop(loop)
    loop.run_forever()


class Worker:
    def __init__(self):
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=_run_loop, args=(self._loop,), daemon=True).start()

    def stop(self):
{stop}
"""

# a Thread subclass serving its own loop
SUBCLASS = """\
import asyncio, threading


class LoopThread(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self.loop = asyncio.new_event_loop()

    def run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def stop(self):
{stop}

def serve(request):
    thread = LoopThread()
    thread.start()
    thread.stop()
"""

PLAIN = "        self.loop.stop()\n"
THREADSAFE = "        self.loop.call_soon_threadsafe(self.loop.stop)\n"

# the loop's own run_forever as the target, with what the object adds
BOUND = """\
import asyncio, threading


class Worker:
    def __init__(self):
        self._loop = asyncio.new_event_loop()
{extra}        threading.Thread(target=self._loop.run_forever, daemon=True).start()

{methods}"""

LEFT = {
    "given_to_a_function": GIVEN.format(stop="        self._loop.stop()\n"),
    "subclass": SUBCLASS.format(stop=PLAIN),
    # through a helper the method named stop() calls (review: `loop.stop()` itself was taken
    # for a call of that method)
    "through_a_helper": SUBCLASS.format(
        stop="        self._halt()\n\n    def _halt(self):\n" + PLAIN
    ),
    # a loop made by its class (review)
    "selector_loop": GIVEN.format(stop="        self._loop.stop()\n").replace(
        "asyncio.new_event_loop()", "asyncio.SelectorEventLoop()"
    ),
    "bound_method_target": BOUND.format(
        extra="",
        methods=(
            "    def submit(self, coro):\n"
            "        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()\n\n"
            "    def close(self):\n        self._loop.stop()\n"
        ),
    ),
}

STOPPED = {
    "threadsafe": GIVEN.format(stop="        self._loop.call_soon_threadsafe(self._loop.stop)\n"),
    # the plain stop, then a wake: the loop makes a pass and sees it (review)
    "woken_after": GIVEN.format(
        stop="        self._loop.stop()\n        self._loop.call_soon_threadsafe(lambda: None)\n"
    ),
    "subclass_threadsafe": SUBCLASS.format(stop=THREADSAFE),
    # the plain stop runs in a coroutine on the loop
    "in_a_coroutine": BOUND.format(
        extra="",
        methods=(
            "    async def _shutdown(self):\n        self._loop.stop()\n\n"
            "    def stop(self):\n"
            "        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)\n"
        ),
    ),
    # ... or in a callback scheduled on it
    "in_a_callback": BOUND.format(
        extra="",
        methods=(
            "    def _halt(self):\n        self._loop.stop()\n\n"
            "    def close(self):\n        self._loop.call_soon_threadsafe(self._halt)\n"
        ),
    ),
    # a periodic coroutine keeps the loop waking: the flag is seen within a second
    "kept_busy": BOUND.format(
        extra=(
            "        self._loop.call_soon_threadsafe(lambda: self._loop.create_task(self._tick()))\n"
        ),
        methods=(
            "    async def _tick(self):\n        while True:\n"
            "            await asyncio.sleep(0.05)\n\n"
            "    def close(self):\n        self._loop.stop()\n"
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(LEFT))
def test_a_loop_stopped_only_from_another_thread_is_reported(name: str) -> None:
    (finding,) = analysed(LEFT[name], "worker.py")
    assert "is called from another thread" in finding.message, finding.message
    assert "call_soon_threadsafe" in finding.message, finding.message


@pytest.mark.parametrize("name", sorted(STOPPED))
def test_a_loop_stopped_on_its_own_thread_is_not_reported(name: str) -> None:
    assert analysed(STOPPED[name], "worker.py") == []


def _left_after(code: str, make: str, stop: str, count: int = 3) -> int:
    """Threads still running 0.5 s after ``count`` objects were made and stopped."""
    namespace: dict[str, object] = {}
    exec(compile(code, "worker.py", "exec"), namespace)
    before = set(threading.enumerate())
    objects = []
    for _ in range(count):
        made = namespace[make]()  # type: ignore[operator]
        if hasattr(made, "start") and not hasattr(made, "_loop"):
            made.start()
        objects.append(made)
    time.sleep(0.2)  # each loop started, and idle
    for made in objects:
        getattr(made, stop)()
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline and set(threading.enumerate()) - before:
        time.sleep(0.05)
    left = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    loops = [getattr(made, "loop", None) or made._loop for made in objects]
    for loop in loops:  # let them go: wake each loop with a stop it sees
        if loop.is_running():
            loop.call_soon_threadsafe(loop.stop)
    for thread in left:
        thread.join(2)
    for loop in loops:
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.close()
    return len(left)


@pytest.mark.skipif(sys.platform == "win32", reason="selector loop semantics of Unix")
def test_at_run_time_a_plain_stop_from_another_thread_leaves_each_idle_loop_running() -> None:
    assert _left_after(LEFT["given_to_a_function"], "Worker", "stop") == 3
    assert _left_after(LEFT["subclass"], "LoopThread", "stop") == 3
    assert _left_after(LEFT["through_a_helper"], "LoopThread", "stop") == 3
    assert _left_after(STOPPED["threadsafe"], "Worker", "stop") == 0
    assert _left_after(STOPPED["woken_after"], "Worker", "stop") == 0
    assert _left_after(STOPPED["subclass_threadsafe"], "LoopThread", "stop") == 0
    assert _left_after(STOPPED["in_a_callback"], "Worker", "close") == 0
    assert _left_after(STOPPED["kept_busy"], "Worker", "close") == 0
