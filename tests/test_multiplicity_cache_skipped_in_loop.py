"""A loop whose pass goes on to the next key when the key is already in a lasting container
(``if name in self._pollers: continue``) and stores what it makes under that key after
(``self._pollers[name] = Poller(name)``) makes one per key, however often the loop runs
(2026-12-07: held41 apache-beam's data sampler makes one OutputSampler, and its sampling timer
chain, per PCollection id; it was a high "made in a loop"). Skipping on another container, or
storing under another one, guards nothing."""

from __future__ import annotations

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
import threading
import time


class Poller:
    def __init__(self, name):
        self.name = name
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            time.sleep(1)


class Registry:
    def __init__(self):
        self._pollers = {}
        self._seen = {}

    def add_all(self, names):
        for name in names:
            if name in self._pollers:
                continue
            poller = Poller(name)
            self._pollers[name] = poller


registry = Registry()


def handle(request):
    registry.add_all(request.names)
"""


def _found(code: str) -> list[tuple[str, str]]:
    result = analyze_source(code.encode(), "pollers.py", load_rules().rules)
    return [(f.severity, f.message) for f in result.findings]


def test_a_start_after_a_cache_hit_skipped_runs_once_per_key() -> None:
    ((severity, message),) = _found(CODE)
    assert severity == "medium", message
    assert "once per Poller object" in message, message


@pytest.mark.parametrize(
    "change",
    [
        ("            self._pollers[name] = poller\n", "            self._seen[name] = poller\n"),
        ("            if name in self._pollers:\n", "            if name in self._seen:\n"),
        ("                continue\n", "                print(name)\n"),
    ],
    ids=["stored-elsewhere", "looked-up-elsewhere", "not-skipped"],
)
def test_no_cache_no_guard(change: tuple[str, str]) -> None:
    assert change[0] in CODE
    found = _found(CODE.replace(*change))
    assert [severity for severity, _ in found] == ["high"], found
