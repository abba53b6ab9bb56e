"""A class made a singleton (``metaclass=SingletonMetaClass``, ``class Registry(Singleton):``,
the recipe whose ``__call__`` or ``__new__`` keeps the one instance) hands every caller the same
object: what its construction or its methods start once per object runs once per process, however
often ``Publisher()`` is called (held37: zenml's stream publisher, made in every ``publish()``,
was a high "on every call of publish()")."""

from __future__ import annotations

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
import threading
import time


class SingletonMeta(type):
    _instances = {}

    def __call__(cls, *args, **kwargs):
        if cls not in cls._instances:
            cls._instances[cls] = super().__call__(*args, **kwargs)
        return cls._instances[cls]


class Watcher(metaclass=SingletonMeta):
    def __init__(self):
        threading.Thread(target=self._loop).start()

    def _loop(self):
        while True:
            time.sleep(1)


def watch(paths):
    for path in paths:
        Watcher()
"""


def _found(code: str) -> list[tuple[str, str]]:
    result = analyze_source(code.encode(), "watch.py", load_rules().rules)
    return [(f.severity, f.message) for f in result.findings]


@pytest.mark.parametrize(
    "made",
    ["class Watcher(metaclass=SingletonMeta):", "class Watcher(Singleton):"],
    ids=["metaclass", "base"],
)
def test_a_singletons_start_runs_once_per_process(made: str) -> None:
    code = CODE.replace("class Watcher(metaclass=SingletonMeta):", made)
    if "(Singleton)" in made:
        code = code.replace("class SingletonMeta(type):", "class Singleton:")
    ((severity, message),) = _found(code)
    assert severity == "medium", message  # once: a non-daemon thread that holds the exit
    assert "the only Watcher object" in message, message


def test_a_class_that_is_no_singleton_is_made_per_call() -> None:
    code = CODE.replace("class Watcher(metaclass=SingletonMeta):", "class Watcher:")
    ((severity, message),) = _found(code)
    assert severity == "high", message
