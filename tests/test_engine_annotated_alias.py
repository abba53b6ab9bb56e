"""A handle stored on ``self`` and read into an annotated local (``proc: Final =
self._proc``, as typed code spells it) is that handle: what the local's reaps do, the
attribute's do (2026-12-07: held46 litellm's PgBouncer ``stop()``, read so and ended by a module
helper, was taken for no reap at all).

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

RUNNER = """\
import subprocess
import threading
from typing import Final


class Runner:
    def __init__(self):
        self._proc = None
        self._lock = threading.Lock()

    def start(self):
        self._proc = subprocess.Popen(["sleep", "60"])  # expect: {expect}

    def stop(self):
        with self._lock:
            proc: {annotation} = self._proc
        if proc is not None:
            {ending}
"""

PROBES = {
    "annotated_alias_waited": RUNNER.format(
        annotation="Final", ending="proc.terminate()\n            proc.wait()", expect="ok"
    ),
    "annotated_alias_ended_by_a_helper": RUNNER.format(
        annotation="subprocess.Popen[bytes] | None", ending="_end(proc)", expect="ok"
    )
    + """

def _end(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
""",
    # the annotated alias only signals the child: nothing waits for it
    "annotated_alias_only_signalled": RUNNER.format(
        annotation="Final", ending="proc.terminate()", expect="leak"
    ),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
