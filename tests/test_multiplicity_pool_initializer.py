"""A function given to a process pool as its ``initializer`` (``ProcessPoolExecutor(n,
initializer=setup)``, ``Pool(4, setup)``, through ``functools.partial(setup, pid)``) runs once
in each worker process, as the process starts: what it starts is once per process, in that
worker, however often the function that makes the pool runs (held38: torch inductor's
compile-worker initializer starts a watchdog thread, "on every call of
_async_compile_initializer()"). A thread pool's initializer runs in the caller's own process, once
per worker thread of each pool made: not once."""

from __future__ import annotations

from pathlib import Path

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules
from tests.builders import app_package, check_findings

UTILS = """\
import threading
import time


def _watch(parent):
    while True:
        time.sleep(60)


def _warm_worker(parent):
    threading.Thread(target=_watch, args=(parent,), daemon=False).start()
"""

SAME = (
    UTILS
    + """

from concurrent.futures import ProcessPoolExecutor


def compile_all(jobs):
    with ProcessPoolExecutor(2, initializer=_warm_worker, initargs=(1,)) as pool:
        return list(pool.map(str, jobs))
"""
)

POOLS = """\
import functools
import os
from concurrent.futures import ProcessPoolExecutor

from app.utils import _warm_worker


def compile_all(jobs):
    pool = ProcessPoolExecutor(2, initializer=functools.partial(_warm_worker, os.getpid()))
    try:
        return list(pool.map(str, jobs))
    finally:
        pool.shutdown()
"""


def _severity(code: str) -> tuple[str, str]:
    result = analyze_source(code.encode(), "pools.py", load_rules().rules)
    (found,) = result.findings
    return found.severity, found.message


def test_a_process_pools_initializer_runs_once_per_worker_process() -> None:
    severity, message = _severity(SAME)
    assert severity == "medium", message  # once: a non-daemon thread holding the worker's exit
    assert "initializer of ProcessPoolExecutor()" in message, message
    severity, message = _severity(
        SAME.replace(
            "ProcessPoolExecutor(2, initializer=_warm_worker, initargs=(1,))",
            "multiprocessing.Pool(2, _warm_worker, (1,))",
        ).replace(
            "import ProcessPoolExecutor", "import ProcessPoolExecutor\nimport multiprocessing"
        )
    )
    assert severity == "medium", message


def test_a_thread_pools_initializer_is_not_once() -> None:
    severity, message = _severity(SAME.replace("ProcessPoolExecutor", "ThreadPoolExecutor"))
    assert severity == "high", message


@pytest.mark.parametrize(
    "pools", [POOLS, POOLS.replace("ProcessPoolExecutor", "ThreadPoolExecutor")]
)
def test_the_initializer_of_a_pool_made_in_another_module(tmp_path: Path, pools: str) -> None:
    found = [
        f
        for f in check_findings(
            app_package(tmp_path, {"utils.py": UTILS, "pools.py": pools}), "app"
        )
        if str(f["path"]).endswith("utils.py")
    ]
    assert len(found) == 1, found
    expected = "high" if "ThreadPoolExecutor" in pools else "medium"
    assert found[0]["severity"] == expected, found
