"""Reaped only by the method its class also hands atexit (``atexit.register(self.close)``),
or by methods calling it (``__exit__``): atexit holds the bound method, so the object, until
exit, and an object dropped without close() is never collected: neither its ``__del__`` nor
the finalizer of what it holds runs (2026-12-07: OpenAPI-generated clients make a ThreadPool
per ApiClient on the first async call, and five readers of held-out environments found them
missed, 4 threads per client dropped unclosed; kafka-python's producer and its sender thread).
One per object: medium, unless the objects are shown made per use. A class that takes the
registration back elsewhere, or whose handle another method of its everyday use reaps, is
not reported."""

from __future__ import annotations

import atexit
import gc
import threading
import time
from collections.abc import Callable
from multiprocessing.pool import ThreadPool

from tests.builders import analysed

_PINNED: list[Callable[[], None]] = []

CLIENT = """\
import atexit
from multiprocessing.pool import ThreadPool


class ApiClient:
    _pool = None

    def __init__(self, threads=1):
        self.pool_threads = threads

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._pool:
            self._pool.close()
            self._pool.join()
            self._pool = None
            atexit.unregister(self.close)

    @property
    def pool(self):
        if self._pool is None:
            {register}
            self._pool = ThreadPool(self.pool_threads)
        return self._pool

    def call_api(self, fn, async_req=False):
        if async_req:
            return self.pool.apply_async(fn)
        return fn()
"""


def test_a_pool_kept_by_atexit_unless_closed_is_reported_per_object() -> None:
    (finding,) = analysed(CLIENT.format(register="atexit.register(self.close)"), "api_client.py")
    assert finding.severity == "medium", finding.message
    assert "atexit holds every object until exit" in finding.message
    assert "once per ApiClient object" in finding.message, finding.message


def test_without_the_registration_a_dropped_client_is_collected() -> None:
    assert analysed(CLIENT.format(register="pass"), "api_client.py") == []


def test_reaped_by_a_method_of_its_use_too_is_not_reported() -> None:
    code = (
        CLIENT.format(register="atexit.register(self.close)")
        + """
    def reset(self):
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
"""
    )
    assert analysed(code, "api_client.py") == []


class _Client:
    """The fixture's class, run: a pool per client on its first async call."""

    def __init__(self, pin: bool) -> None:
        self._pin = pin
        self._pool: ThreadPool | None = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
            atexit.unregister(self.close)

    @property
    def pool(self) -> ThreadPool:
        if self._pool is None:
            if self._pin:
                atexit.register(self.close)
            self._pool = ThreadPool(1)  # forkaudit: ignore[FA117] - the leak measured, closed after
        return self._pool


def _threads_left_by(pin: bool) -> int:
    before = threading.active_count()
    clients = [_Client(pin) for _ in range(5)]
    for client in clients:
        client.pool.apply(int)
        if pin:
            _PINNED.append(client.close)  # held as atexit holds it: to close them after
    del clients, client
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        gc.collect()
        if threading.active_count() == before:
            break
        time.sleep(0.05)
    return threading.active_count() - before


def test_the_principle_at_run_time() -> None:
    assert _threads_left_by(pin=False) == 0
    left = _threads_left_by(pin=True)
    try:
        assert left >= 5  # a worker and the pool's handler threads, per client
    finally:
        while _PINNED:
            _PINNED.pop()()


def test_a_module_closing_every_client_it_makes_leaves_none_pinned() -> None:
    """Made per request but closed by a with-block or a `finally` (review: a false high)."""
    for use in (
        "    with ApiClient() as client:\n        return client.call_api(int, True)\n",
        "    client = ApiClient()\n    try:\n        return client.call_api(int, True)\n"
        "    finally:\n        client.close()\n",
    ):
        code = CLIENT.format(register="atexit.register(self.close)") + (
            "\n\ndef handle(request):\n" + use
        )
        assert analysed(code, "api_client.py") == [], use


def test_a_module_dropping_the_clients_it_makes_piles_them_up() -> None:
    code = CLIENT.format(register="atexit.register(self.close)") + (
        "\n\ndef handle(request):\n    client = ApiClient()\n"
        "    return client.call_api(int, True)\n"
    )
    (finding,) = analysed(code, "api_client.py")
    assert finding.severity == "high", finding.message
