"""A function a module registers to run in each child right after a fork (``os.register_at_fork(
after_in_child=f)``, ``multiprocessing.util.register_after_fork(obj, f)``) runs once in every
child process: CPython calls it once per fork, in the child, which starts with a copy of each
object and none of the parent's other threads. What it starts anew there (the loop thread the
fork left dead) is once per process (held35: lancedb's background loop, restarted by its
after-fork hook, was "on every call of _reset_after_fork(): piles up"). Registered to run in the
parent (``before``, ``after_in_parent``), it runs at every fork, as often as the forks."""

from __future__ import annotations

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
import asyncio
import os
import threading


class BackgroundLoop:
    def __init__(self):
        self._start()

    def _start(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=False)
        self.thread.start()


LOOP = BackgroundLoop()


def _reset_after_fork():
    LOOP._start()


os.register_at_fork(after_in_child=_reset_after_fork)
"""


def _messages(code: str) -> list[tuple[str, str]]:
    result = analyze_source(code.encode(), "loop.py", load_rules().rules)
    return [(f.severity, f.message) for f in result.findings]


def test_a_hook_run_in_each_child_after_the_fork_runs_once_per_process() -> None:
    found = _messages(CODE)
    assert found, found
    assert all(severity != "high" for severity, _ in found), found
    assert not any("every call of _reset_after_fork" in message for _, message in found), found


def test_the_same_via_multiprocessing_util() -> None:
    code = CODE.replace(
        "os.register_at_fork(after_in_child=_reset_after_fork)",
        "import multiprocessing.util\n\nmultiprocessing.util.register_after_fork(LOOP, "
        "_reset_after_fork)",
    ).replace("def _reset_after_fork():", "def _reset_after_fork(obj):")
    found = _messages(code)
    assert found and all(severity != "high" for severity, _ in found), found


def test_a_hook_run_in_the_parent_at_every_fork_is_not_once() -> None:
    code = CODE.replace("after_in_child=", "after_in_parent=")
    assert any(severity == "high" for severity, _ in _messages(code)), _messages(code)
