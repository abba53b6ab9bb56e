"""A function that keeps what it returns hands every caller the same object, not a new one:
one cached by a decorator (``@functools.lru_cache(1)``, ``@cache``) or one returning the
module global it fills once (``global _ctx; if _ctx is None: _ctx = Context(); return _ctx``).
Its callers, made per request or in a loop, hold that one object, so a thread or child it owns
is started once (per distinct arguments), not once per caller (2026-12-07, held27: caproto's
``PV()`` takes ``default_context()``, an ``lru_cache(1)`` one, and was ranked first as one
context per PV; the reader measured 6 PVs -> the same 8 threads)."""

from __future__ import annotations

import threading

import pytest

from tests.builders import analysed

CONTEXT = """\
import functools
import threading


class Context:
    def __init__(self):
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._closed.is_set():
            self._closed.wait(0.05)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.disconnect()

    def disconnect(self):
        self._closed.set()
        self._thread.join()

{factory}

class PV:
    def __init__(self, name, context=None):
        if context is None:
            context = make_context()
        self._context = context
        self.name = name


def put_many(names):
    return [PV(name) for name in names]
"""

CACHED = """\
@functools.lru_cache(1)
def make_context():
    return Context()
"""

GLOBAL = """\
_context = None


def make_context():
    global _context
    if _context is None:
        _context = Context()
    return _context
"""

FRESH = """\
def make_context():
    return Context()
"""


def _messages(factory: str) -> list[str]:
    return [f"{f.severity} {f.message}" for f in analysed(CONTEXT.format(factory=factory), "pv.py")]


@pytest.mark.parametrize("factory", [CACHED, GLOBAL], ids=["lru_cache", "module_global"])
def test_callers_of_a_factory_keeping_its_object_hold_no_new_one(factory: str) -> None:
    assert _messages(factory) == []


def test_a_factory_making_one_per_call_is_still_followed_to_its_callers() -> None:
    (message,) = _messages(FRESH)
    assert message.startswith("high") and "in a loop in put_many()" in message, message


def test_a_child_the_cache_keeps_is_told_once() -> None:
    code = """\
import functools
import subprocess


@functools.lru_cache(maxsize=None)
def helper():
    return subprocess.Popen(["cat"], stdin=subprocess.PIPE)


def handle(request):
    helper().stdin.write(request)
"""
    (finding,) = analysed(code, "helper.py")
    assert finding.line == 7
    assert "is cached" in finding.message and "once" in finding.message, finding.message
    assert finding.severity != "high"


@pytest.mark.parametrize("factory", [CACHED, GLOBAL], ids=["lru_cache", "module_global"])
def test_the_principle_at_run_time(factory: str) -> None:
    namespace: dict[str, object] = {}
    exec(CONTEXT.format(factory=factory), namespace)
    before = threading.active_count()
    pvs = namespace["put_many"]([f"pv{i}" for i in range(10)])  # type: ignore[operator]
    assert threading.active_count() == before + 1
    pvs[0]._context.disconnect()


def test_a_cache_keyed_on_an_argument_makes_one_per_key() -> None:
    """Review: `@lru_cache(maxsize=None) def session_for(host)` called with each request's
    host makes one per host (50 hosts -> 50 threads): not one object for all."""
    code = CONTEXT.format(
        factory="@functools.lru_cache(maxsize=None)\ndef make_context(host):\n    return Context()\n"
    ).replace("context = make_context()", "context = make_context(name)")
    findings = analysed(code, "pv.py")
    assert findings and findings[0].severity == "high", [f.message for f in findings]


def test_a_global_handed_out_and_reaped_by_a_caller_is_reaped() -> None:
    """Review: one caller closing the one object reaps it for all (`get_pool().close()`)."""
    code = """\
import multiprocessing

_pool = None


def get_pool():
    global _pool
    if _pool is None:
        _pool = multiprocessing.Pool(4)
    return _pool


def compute(items):
    return get_pool().map(abs, items)


def shutdown():
    pool = get_pool()
    pool.close()
    pool.join()
"""
    assert analysed(code, "pool.py") == []
