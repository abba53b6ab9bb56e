"""A subclass of a pool (``class NestedPool(multiprocessing.pool.Pool)``, the usual way to let
pool workers have children) or of a library service (``class Listener(QueueListener)``) is one:
making it starts what its base starts, and what reaps the base reaps it, as for a subclass of
Thread or Process. A subclass starting itself in ``__init__`` (``self.start()``) starts on
construction. (2026-12-06, held14: litestar's ``LoggingQueueListener``, a listener thread per
logging set-up that nothing stops but atexit, was not seen at all; the corpus's ``NestedPool``
cases.)"""

from __future__ import annotations

import textwrap

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules


def _found(code: str) -> list[tuple[int, str]]:
    text = textwrap.dedent(code)
    result = analyze_source(text.encode(), "m.py", load_rules().rules)
    assert result.error is None
    return [(f.line, f.severity) for f in result.findings]


def _marked(code: str) -> list[int]:
    return [n for n, line in enumerate(textwrap.dedent(code).splitlines(), 1) if "# leak" in line]


POOLS = """
    import multiprocessing.pool


    class NestedPool(multiprocessing.pool.Pool):
        pass


    _POOLS = []


    def score_kept(items):
        pool = NestedPool(4)  # leak
        _POOLS.append(pool)
        return pool.map(len, items)


    def score_with(items):
        with NestedPool(4) as pool:
            return pool.map(len, items)


    def score_joined(items):
        pool = NestedPool(4)
        try:
            return pool.map(len, items)
        finally:
            pool.close()
            pool.join()
"""

LISTENERS = """
    import atexit
    from logging.handlers import QueueHandler, QueueListener
    from queue import Queue


    class StartedListener(QueueListener):
        def __init__(self, queue, *handlers):
            super().__init__(queue, *handlers)
            self.start()
            atexit.register(self.stop)


    class PlainListener(QueueListener):
        pass


    class Handler(QueueHandler):
        def __init__(self, handlers):
            super().__init__(Queue(-1))
            self.listener = StartedListener(self.queue, *handlers)  # leak


    def drain(records, handler):
        listener = PlainListener(records, handler)
        listener.start()
        try:
            records.join()
        finally:
            listener.stop()
"""


def test_a_pool_subclass_is_a_pool() -> None:
    found = _found(POOLS)
    assert [line for line, _ in found] == _marked(POOLS)
    assert found[0][1] == "high"


def test_a_service_subclass_is_the_service() -> None:
    assert [line for line, _ in _found(LISTENERS)] == _marked(LISTENERS)


def test_a_subclass_overriding_exit_is_judged_by_its_own() -> None:
    code = """
        import multiprocessing.pool


        class LoggingPool(multiprocessing.pool.Pool):
            def __exit__(self, *exc):
                print("done")


        def squares(xs):
            with LoggingPool(2) as pool:  # leak
                return pool.map(abs, xs)
    """
    assert [line for line, _ in _found(code)] == _marked(code)


def test_a_class_only_named_so_is_no_pool() -> None:
    code = """
        class Pool:
            def __init__(self, size):
                self.size = size


        def make():
            return [Pool(2) for _ in range(3)]
    """
    assert _found(code) == []
