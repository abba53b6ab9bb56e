"""psutil's ``Process(pid).wait()`` reaps a child of the process (``os.waitpid``), as the
handle's own wait would (2026-12-05): a ``psutil.Process(p.pid)`` kept in a container whose
elements are waited reaps ``p``. And an element taken by index in a loop (``while procs:
stop(procs[0])``) and given to a function of the module that reaps its parameter is reaped.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

POOL = """\
import multiprocessing

import psutil


def work():
    pass


class Evaluator:
    def __init__(self, n):
        self._processes = []
        for _ in range(n):
            self._start()

    def _start(self):
        mp_process = multiprocessing.Process(target=work, daemon=True)  # expect: {expect}
        mp_process.start()
        watched = psutil.Process(mp_process.pid)
        self._processes.append(watched)

    def _stop(self, process):
        process.terminate()
        {wait}

    def close(self):
        while len(self._processes) > 0:
            self._stop(self._processes[0])
            self._processes.pop(0)
"""

PROBES = {
    "psutil_waited": POOL.format(wait="process.wait(timeout=60)", expect="ok"),
    "psutil_only_terminated": POOL.format(wait="pass", expect="leak"),
    "each_element_in_a_loop": """\
import subprocess


class Runner:
    def __init__(self, cmds):
        self.procs = []
        for cmd in cmds:
            self.procs.append(subprocess.Popen(cmd))  # expect: ok

    def _reap(self, proc):
        proc.wait()

    def close(self):
        for i in range(len(self.procs)):
            self._reap(self.procs[i])
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
