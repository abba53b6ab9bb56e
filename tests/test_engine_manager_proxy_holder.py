"""A Manager's proxy holds its Manager (``proxy._manager``... the proxy's connection to the
server keeps it referenced), so a Manager whose proxy outlives the function making it lives
as long as whatever holds that proxy, and the severity follows the holder (2026-12-06, review
of the twenty-seventh session: a per-request registry left 5 server processes for 5 logins,
reported low "transient"):

- kept in a container (``SESSIONS[sid] = m.dict()``, ``registry.append(m.Queue())``): one
  more server process for every call, for as long as the container holds them: high per call;
- kept on an object or a class (``cls._shared = m.dict()``): the next call replaces the proxy
  and the Manager before it goes when collected: one at a time, as long as its holder, judged
  as any handle held there (medium once per object or per call: bounded, which is what the
  blind readers of val, held4, held10 and held12 called such Managers);
- returned to the caller: the caller decides, low as before."""

from __future__ import annotations

import gc
import sys
import time

import pytest
from children import children

from tests.builders import analysed

REGISTRY = """\
import multiprocessing

SESSIONS = {}


def handle_login(request):
    m = multiprocessing.Manager()
    SESSIONS[request.session_id] = m.dict(user=request.user)
    return "ok"
"""
APPENDED = """\
import multiprocessing

QUEUES = []


def open_channel(request):
    manager = multiprocessing.Manager()
    QUEUES.append(manager.Queue())
    return len(QUEUES)
"""
ON_THE_CLASS = """\
import multiprocessing


class Registry:
    _shared = None

    @classmethod
    def configure(cls):
        m = multiprocessing.Manager()
        cls._shared = m.dict()
"""
RETURNED = """\
import multiprocessing


def make_state():
    m = multiprocessing.Manager()
    return m.dict()
"""
IN_A_LOCAL_LIST = """\
import multiprocessing


def probe():
    m = multiprocessing.Manager()
    queues = []
    queues.append(m.Queue())
    return len(queues)
"""
IN_A_SIZED_LOCAL_LIST = """\
import multiprocessing


def probe(workers):
    shared = [None] * workers
    for i in range(workers):
        shared[i] = multiprocessing.Manager().dict()
    return len(shared)
"""
DROPPED = """\
import multiprocessing


def count(items):
    m = multiprocessing.Manager()
    shared = m.list(items)
    return len(shared)
"""


def _severities(code: str) -> list[str]:
    return [f.severity for f in analysed(code)]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (REGISTRY, ["high"]),
        (APPENDED, ["high"]),
        (ON_THE_CLASS, ["medium"]),
        (RETURNED, ["low"]),
        (DROPPED, []),
        (IN_A_LOCAL_LIST, []),
        # (held26: pwntools' mbruteforce(), a Manager per worker in `[None] * threads`)
        (IN_A_SIZED_LOCAL_LIST, []),
    ],
    ids=[
        "registry",
        "appended",
        "on_the_class",
        "returned",
        "dropped",
        "in_a_local_list",
        "in_a_sized_local_list",
    ],
)
def test_the_severity_follows_what_holds_the_proxy(code: str, expected: list[str]) -> None:
    assert _severities(code) == expected


def _settle(target: int) -> int:
    for _ in range(100):
        gc.collect()
        if children() - children(zombies_only=True) == target:
            break
        time.sleep(0.05)
    return children() - children(zombies_only=True)


class _Request:
    def __init__(self, n: int) -> None:
        self.session_id = n
        self.user = f"user{n}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_at_run_time_the_holder_decides_how_many_servers_stay() -> None:
    base = children() - children(zombies_only=True)
    registry: dict[str, object] = {}
    exec(compile(REGISTRY, "registry.py", "exec"), registry)
    on_class: dict[str, object] = {}
    exec(compile(ON_THE_CLASS, "on_class.py", "exec"), on_class)
    counts = []
    for n in range(3):
        registry["handle_login"](_Request(n))  # type: ignore[operator]
    counts.append(_settle(base + 3) - base)  # one server per login, all kept
    registry["SESSIONS"].clear()  # type: ignore[attr-defined]
    counts.append(_settle(base) - base)  # let go: each Manager's finalizer ends its server
    for _ in range(3):
        on_class["Registry"].configure()  # type: ignore[attr-defined]
    counts.append(_settle(base + 1) - base)  # each replaces the last: one at a time
    on_class["Registry"]._shared = None  # type: ignore[attr-defined]
    counts.append(_settle(base) - base)
    assert counts == [3, 0, 1, 0]
