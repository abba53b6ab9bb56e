"""A process pool closed and then let go by its function is collected then, and its finalizer
joins the workers; kept, its exited workers stay zombies.

``Pool.close()`` sends each worker its sentinel once the queued tasks are done: the workers exit.
Who reaps them depends on who still holds the pool:

- let go when its function returns, the pool is collected and its finalizer terminates and joins
  what is left: no child remains (measured on CPython 3.6, 3.7, 3.8 and 3.12; from 3.8 on even
  an open pool is ended so, but before 3.8 an open one's workers stayed). The corpus's labels
  split on this shape (benchmarks/corpus/README.md): it is reported low, and the message says
  what happens;
- kept (on an object, in a list), the exited workers stay zombies until ``join()``, the next
  ``Process.start()`` or ``active_children()`` of the process, or the pool's collection. A kept
  pool is judged as any kept pool: its close() may sit in a method nothing calls.

The first test shows both on the running interpreter; the others are the engine's view of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from test_engine_lifecycle import check

RUNTIME = r"""
import json, multiprocessing, os, time

def square(x):
    return x * x

def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"

def settle(pids, done, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        states = [state(p) for p in pids]
        if done(states):
            return states
        time.sleep(0.05)
    return [state(p) for p in pids]

ctx = multiprocessing.get_context("fork")

def closed_and_dropped():
    pool = ctx.Pool(2)
    pool.map(square, range(8))
    pids = [p.pid for p in pool._pool]
    pool.close()
    return pids

KEPT = []

def closed_and_kept():
    pool = ctx.Pool(2)
    pool.map(square, range(8))
    pids = [p.pid for p in pool._pool]
    pool.close()
    KEPT.append(pool)
    return pids

dropped = settle(closed_and_dropped(), lambda s: all(x == "gone" for x in s))
kept_pids = closed_and_kept()
kept = settle(kept_pids, lambda s: all(x == "Z" for x in s))
time.sleep(0.3)  # nothing else reaps them while the pool is held
kept_later = [state(p) for p in kept_pids]
KEPT[0].join()
joined = [state(p) for p in kept_pids]
print(json.dumps({"dropped": dropped, "kept": kept, "kept_later": kept_later, "joined": joined}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_closed_pool_dropped_leaves_nothing_and_a_kept_one_zombies() -> None:
    out = subprocess.run(
        [sys.executable, "-c", RUNTIME], capture_output=True, text=True, timeout=120, check=True
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(seen["dropped"]) == {"gone"}, seen
    assert set(seen["kept"]) == {"Z"}, seen  # exited, unreaped while the pool is held
    assert set(seen["kept_later"]) == {"Z"}, seen
    assert set(seen["joined"]) == {"gone"}, seen


def _one(code: str) -> str:
    findings = check(textwrap.dedent(code))
    assert len(findings) == 1, findings
    return findings[0].message


def test_closed_and_let_go_by_its_function_is_low_and_says_so() -> None:
    findings = check(
        """
        import multiprocessing
        def crunch(items):
            pool = multiprocessing.Pool(4)  # leak: FA113
            try:
                return pool.map(work, items)
            finally:
                pool.close()
        def crunch_again(items):
            pool = multiprocessing.get_context("spawn").Pool()  # leak: FA113
            out = list(pool.imap_unordered(work, items))
            pool.close()
            return out
        """
    )
    for finding in findings:
        assert finding.severity == "low"
        assert "its finalizer joins them when the function lets the pool go" in finding.message


def test_closed_on_one_path_only_is_dropped_open_on_the_other() -> None:
    for code in (
        """
        import multiprocessing
        def crunch(items):
            pool = multiprocessing.Pool(4)  # leak: FA113
            out = pool.map(work, items)
            if not out:
                return None
            pool.close()
            return out
        """,
        """
        import multiprocessing
        def crunch(items, fast):
            pool = multiprocessing.Pool(4)  # leak: FA113
            out = pool.map(work, items)
            if fast:
                pool.close()
            return out
        """,
    ):
        assert "closed" not in _one(code)


def test_closed_and_kept_is_judged_as_a_kept_pool() -> None:
    # its close() may be in a method nothing calls (the review's p03): no claim about zombies
    for code in (
        """
        import multiprocessing
        class Cruncher:
            def crunch(self, items):
                self.pool = multiprocessing.Pool(4)  # leak: FA113
                out = self.pool.map(work, items)
                self.pool.close()
                return out
        """,
        """
        import multiprocessing
        class Renderer:
            def __init__(self):
                self.pool = multiprocessing.Pool(4)  # leak: FA113
            def render(self, frames):
                return self.pool.map(draw, frames)
            def shutdown(self):
                self.pool.close()
        """,
    ):
        message = _one(code)
        assert "finalizer" not in message
        assert "as long as the object holding it" in message


def test_an_open_pool_dropped_is_still_reported() -> None:
    # before 3.8 its workers outlive it; the documentation says not to rely on collection
    message = _one(
        """
        import multiprocessing
        def crunch(items):
            pool = multiprocessing.Pool(4)  # leak: FA113
            return pool.map(work, items)
        """
    )
    assert "only when the dropped object is collected" in message


def test_a_thread_pool_closed_is_reaped_as_before() -> None:
    check(
        """
        from multiprocessing.pool import ThreadPool
        class Cruncher:
            def crunch(self, items):
                self.pool = ThreadPool(4)
                out = self.pool.map(work, items)
                self.pool.close()
                return out
        """
    )


def test_close_cannot_end_workers_whose_initializer_never_returns() -> None:
    # the workers loop in their initializer: they never take the sentinel close() sends
    message = _one(
        """
        import multiprocessing
        def serve(queue):
            while True:
                item = queue.get()
                item.run()
        def crunch(queue, n):
            pool = multiprocessing.Pool(n, serve, (queue,))  # leak: FA113
            pool.close()
        """
    )
    assert "its initializer serve() never returns" in message
    assert "finalizer" not in message
    message = _one(
        """
        import multiprocessing
        def setup(level):
            configure(level)
        def crunch(items):
            pool = multiprocessing.Pool(4, initializer=setup, initargs=(1,))  # leak: FA113
            out = pool.map(work, items)
            pool.close()
            return out
        """
    )
    assert "its finalizer joins them" in message
