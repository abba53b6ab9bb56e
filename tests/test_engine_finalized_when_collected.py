"""An executor or a Manager let go by everything is shut down when CPython collects it, at once by
reference counting: the executor's weakref callback wakes its workers, which end once their work
is done (a ProcessPoolExecutor's manager thread joins its processes), and a Manager's Finalize
shuts its server process down and joins it. Nothing is left, on every CPython forkaudit knows
(measured on 3.6, 3.7, 3.8 and 3.12), so a dropped one is not reported (the rules say so:
``finalized-when-collected``). A Manager's proxies hold it: one kept past the function (on the
object, in a container, returned, global) keeps its server process, and is still reported. A
multiprocessing Pool is not so: before 3.8 its workers outlive it (its handler thread holds it).
An executor running a task of the module that loops with no exit keeps that worker, collected
or not: reported high when made per call.
(2026-12-06: the corpus's dropped Managers and the held-out environments' per-call executors.)"""

from __future__ import annotations

import sys
import textwrap
import threading
import time

import pytest
from children import children

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

GONE = {
    "executor_local": """
        from concurrent.futures import ThreadPoolExecutor

        def fetch_all(urls):
            ex = ThreadPoolExecutor(max_workers=4)
            return list(ex.map(len, urls))
    """,
    "executor_used_once": """
        from concurrent.futures import ProcessPoolExecutor

        def square(x):
            return ProcessPoolExecutor(1).submit(pow, x, 2).result()
    """,
    "manager_local_proxies_to_children": """
        import multiprocessing

        def count(jobs):
            manager = multiprocessing.Manager()
            done = manager.list()
            workers = [multiprocessing.Process(target=job, args=(done,)) for job in jobs]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            return len(done)
    """,
    "manager_used_once": """
        import multiprocessing

        def collect(items):
            seen = multiprocessing.Manager().list()
            for item in items:
                seen.append(item)
            return list(seen)
    """,
}
KEPT = {
    "executor_on_the_object": """
        from concurrent.futures import ThreadPoolExecutor

        class Fetcher:
            def __init__(self):
                self.ex = ThreadPoolExecutor(4)  # leak

            def fetch(self, url):
                return self.ex.submit(len, url)
    """,
    "proxy_on_the_object": """
        import multiprocessing

        class Cache:
            def __init__(self):
                self.entries = multiprocessing.Manager().dict()  # leak
    """,
    "proxy_returned": """
        import multiprocessing

        def shared_list():
            manager = multiprocessing.Manager()  # leak
            items = manager.list()
            return items
    """,
    "proxy_appended": """
        import multiprocessing

        QUEUES = []

        def new_queue():
            QUEUES.append(multiprocessing.Manager().Queue())  # leak
    """,
    "proxy_global": """
        import multiprocessing

        STATE = None

        def init():
            global STATE
            state = multiprocessing.Manager().dict()  # leak
            STATE = state
    """,
    "proxy_in_a_returned_object": """
        import multiprocessing

        class Bucket:
            def __init__(self, items):
                self.items = items

        def make_bucket():
            items = multiprocessing.Manager().list()  # leak
            return Bucket(items)
    """,
    "bound_method_kept": """
        import multiprocessing

        Queue = None

        def setup():
            global Queue
            m = multiprocessing.Manager()  # leak
            Queue = m.Queue
    """,
    "executor_running_an_endless_task": """
        from concurrent.futures import ThreadPoolExecutor

        class Client:
            def beat(self):
                while True:
                    self.post()

            def connect(self):
                executor = ThreadPoolExecutor()  # leak
                return executor.submit(self.beat)
    """,
    "executor_serving_for_ever": """
        import http.server
        from concurrent.futures import ThreadPoolExecutor

        def start(port):
            httpd = http.server.HTTPServer(("", port), http.server.SimpleHTTPRequestHandler)
            executor = ThreadPoolExecutor(1)  # leak
            executor.submit(httpd.serve_forever)
            return httpd
    """,
    "endless_task_through_the_loop": """
        import asyncio
        import functools
        from concurrent.futures import ThreadPoolExecutor

        def pump(conn, size):
            while True:
                conn.send(conn.recv(size))

        async def handle(conn):
            executor = ThreadPoolExecutor(1)  # leak
            loop = asyncio.get_running_loop()
            loop.run_in_executor(executor, functools.partial(pump, conn, 1024))
    """,
    "pool_dropped": """
        import multiprocessing

        def squares(xs):
            pool = multiprocessing.Pool(2)  # leak
            return pool.map(abs, xs)
    """,
}


def _findings(code: str) -> list[tuple[int, str]]:
    text = textwrap.dedent(code)
    result = analyze_source(text.encode(), "m.py", load_rules().rules)
    assert result.error is None
    return [(f.line, f.message) for f in result.findings]


@pytest.mark.parametrize("name", sorted(GONE))
def test_let_go_by_everything_it_is_not_reported(name: str) -> None:
    assert _findings(GONE[name]) == []


@pytest.mark.parametrize("name", sorted(KEPT))
def test_kept_or_a_pool_it_is_reported(name: str) -> None:
    text = textwrap.dedent(KEPT[name])
    marked = [n for n, line in enumerate(text.splitlines(), 1) if line.endswith("# leak")]
    assert [line for line, _ in _findings(KEPT[name])] == marked


def _children() -> int:
    return children()


def _settled(want_children: int, want_threads: int) -> tuple[int, int]:
    for _ in range(50):
        now = (_children(), threading.active_count())
        if now == (want_children, want_threads):
            break
        time.sleep(0.1)
    return now


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_at_run_time_what_is_let_go_leaves_nothing_and_a_kept_proxy_keeps_its_server() -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    context = multiprocessing.get_context("fork")
    children, threads = _children(), threading.active_count()

    def dropped() -> None:
        assert list(ThreadPoolExecutor(2).map(abs, [-1, -2, -3])) == [1, 2, 3]
        executor = ProcessPoolExecutor(2, mp_context=context)
        assert list(executor.map(abs, [-1, -2])) == [1, 2]
        seen = context.Manager().list()
        seen.append(1)
        assert list(seen) == [1]

    for _ in range(3):
        dropped()
    assert _settled(children, threads) == (children, threads)
    kept = [context.Manager().dict() for _ in range(2)]
    assert _settled(children + 2, threads)[0] == children + 2  # a server process each
    kept.clear()
    assert _settled(children, threads) == (children, threads)
