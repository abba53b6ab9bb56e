"""The analysis is one stream of batches: a file waiting for its distribution's definitions,
or asking for its package's other modules, goes to the workers as soon as what it waits for is
known, while the others still run (``_Workers.map(..., more)``), not after a stage every worker
must finish first. What comes in late is as safe as the rest: a worker dying on it costs that
item an error, a pool breaking while it is handed over runs it on a new pool."""

from __future__ import annotations

import ctypes
import multiprocessing
import random
from pathlib import Path
from typing import Any

import pytest

import forkaudit.runner as runner
from forkaudit.files import collect_paths, file_units
from forkaudit.rules import load_rules
from tests.builders import BreaksWhileSubmitting


def _doubled(items: list[int], tracker: Any) -> list[int]:
    out = []
    for position, item in enumerate(items):
        tracker.start(position)
        if item < 0:
            ctypes.string_at(0)  # SIGSEGV: the worker dies on this item
        out.append(item * 2)
    return out


def _failed(item: int, reason: str) -> int:
    return -1000 - abs(item)


def _stream(
    monkeypatch: pytest.MonkeyPatch, later: list[list[list[int]]]
) -> tuple[dict[int, int], list[int]]:
    """Items by position -> answers, from map() given [[1, 2], [3]] first and ``later``'s
    batches, one list of them after each answer; and the in-flight counts more() was told."""
    monkeypatch.setattr(runner, "_context", lambda: multiprocessing.get_context("fork"))
    told: list[int] = []

    def more(in_flight: int) -> list[list[int]]:
        told.append(in_flight)
        return later.pop(0) if later else []

    answers: dict[int, int] = {}
    with runner._Workers(load_rules([]), runner.RunOptions(jobs=2, timeout=30)) as workers:
        for positions, values in workers.map(_doubled, [[1, 2], [3]], _failed, "test", more):
            for position, value in zip(positions, values, strict=True):
                assert position not in answers
                answers[position] = value
    return answers, told


def test_batches_given_on_the_way_take_the_next_positions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers, told = _stream(monkeypatch, [[[10, 11]], [], [[12], [13, 14]]])
    assert answers == {0: 2, 1: 4, 2: 6, 3: 20, 4: 22, 5: 24, 6: 26, 7: 28}
    assert all(0 <= n <= 4 for n in told)


def test_a_worker_dying_on_an_item_given_late_costs_that_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers, _ = _stream(monkeypatch, [[[10, -7, 11]], [[12]]])
    assert answers == {0: 2, 1: 4, 2: 6, 3: 20, 4: -1007, 5: 22, 6: 24}


class _BreaksOnFourthSubmit(BreaksWhileSubmitting):
    breaks_at = 4


def test_a_pool_broken_while_handing_late_batches_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "ProcessPoolExecutor", _BreaksOnFourthSubmit)
    monkeypatch.setattr(_BreaksOnFourthSubmit, "instances", 0)
    answers, _ = _stream(monkeypatch, [[[10], [11]], [[12]]])
    assert _BreaksOnFourthSubmit.instances >= 2
    assert answers == {0: 2, 1: 4, 2: 6, 3: 20, 4: 22, 5: 24}


WATCH = """\
import threading


class Watcher(threading.Thread):
    def run(self):
        while True:
            poll()
"""
USE = """\
from .watch import Watcher


def on_event():
    Watcher().start()
"""


def test_a_distributions_files_wait_only_for_its_own_definitions(tmp_path: Path) -> None:
    # two packages given together are one group for `check`; files of a distribution that
    # defines its own Thread subclass are analysed after the definition, whatever their order
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "watch.py").write_text(WATCH)
    for i in range(6):
        (package / f"use{i}.py").write_text(USE)
        (package / f"plain{i}.py").write_text("import os\n\n\ndef f():\n    os.fork()\n")
    files, _ = collect_paths(["pkg"], str(tmp_path))
    results = runner.run_units(file_units(files), load_rules(), runner.RunOptions(jobs=2))
    found = sorted(f"{f.path}:{f.rule}" for u in results for r in u.results for f in r.findings)
    assert found == sorted(
        [f"use{i}.py:FA111" for i in range(6)] + [f"plain{i}.py:FA101" for i in range(6)]
    )


def _subclass_names_by_passes(classes: list[tuple[str, str]], bases: set[str]) -> set[str]:
    """The reference: passes over every class until none is added."""
    found: set[str] = set()
    known = set(bases)
    changed = True
    while changed:
        changed = False
        for name, listed in classes:
            if name not in found and any(
                part.strip().rsplit(".", 1)[-1] in known for part in listed.split(",")
            ):
                found.add(name)
                known.add(name)
                changed = True
    return found


def test_subclass_names_walked_down_from_the_bases() -> None:
    rng = random.Random(7)
    words = ["Thread", "Process", "A", "B", "C", "D", "E", "Base", "Mixin", "threading.Thread"]
    for _ in range(300):
        classes = [
            (
                rng.choice(words[:-1]),
                ", ".join(rng.choice(words) for _ in range(rng.randint(1, 3))),
            )
            for _ in range(rng.randint(0, 8))
        ]
        survey = runner.Survey(classes=tuple(classes), makers=("make_worker",))
        expected = _subclass_names_by_passes(classes, {"Thread", "Process"}) | {"make_worker"}
        assert runner._subclass_names([survey], {"Thread", "Process"}) == expected, classes
