"""A start behind a cache lookup: the function takes ``x`` from a lasting container first
(``x = Manager._radios[devid]``, ``x = _WORKERS.get(key)``), makes one only when there is none
(``if not x:`` / ``if x is None:``) and stores it back (``Manager._radios[devid] = x``): once
per key, not once per call (2026-12-06, held19: cflib's ``RadioManager.open()``, one radio
thread per dongle, was "on every call of scan_interface()"). Not stored back, each call makes
another."""

from __future__ import annotations

import pytest

from tests.builders import analysed

MANAGER = """\
import threading


class Shared(threading.Thread):
    def __init__(self, devid):
        super().__init__(daemon=True)
        self.devid = devid
        self.start()

    def run(self):
        while True:
            self.devid.wait()


class Manager:
    _radios = [None] * 8

    @staticmethod
    def open(devid):
        shared = {lookup}
        if {test}:
            shared = Shared(devid)
{store}
        return shared.devid
"""

STORE = "            Manager._radios[devid] = shared\n"


@pytest.mark.parametrize(
    ("lookup", "test"),
    [
        ("Manager._radios[devid]", "not shared"),
        ("Manager._radios[devid]", "shared is None"),
    ],
)
def test_made_once_per_key_of_a_cache(lookup: str, test: str) -> None:
    (finding,) = analysed(MANAGER.format(lookup=lookup, test=test, store=STORE), "manager.py")
    assert "once per key of `Manager._radios`" in finding.message, finding.message
    assert finding.severity == "medium", finding


def test_not_stored_back_each_call_makes_another() -> None:
    (finding,) = analysed(
        MANAGER.format(lookup="Manager._radios[devid]", test="not shared", store=""),
        "manager.py",
    )
    assert finding.severity == "high", finding


FETCHERS = """\
import threading


class Fetcher:
    def __init__(self, instance):
        self._instance = instance
        self._stopper = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self):
        while not self._stopper.is_set():
            self._instance.refresh()
            self._stopper.wait(2)

    def stop(self):
        self._stopper.set()


class Engine:
    def __init__(self):
        self.fetchers = {{}}

    def update(self, instances):
        for instance in instances:
            if instance.name not in self.fetchers:
                self.fetchers[{key}] = Fetcher(instance)
        return len(self.fetchers)
"""


def test_made_once_per_key_it_looked_up_first() -> None:
    """`if key not in self.fetchers: self.fetchers[key] = Fetcher(...)`: once per key
    (2026-12-07, held23: Glances' LXD stats fetcher, one poller per container name, became a
    high "made in a loop in update()" once the Event it makes was no longer taken for a stop)."""
    found = analysed(FETCHERS.format(key="instance.name"), "engine.py")
    assert all(f.severity != "high" for f in found), found


def test_stored_under_another_key_each_pass_makes_another() -> None:
    found = analysed(FETCHERS.format(key="instance.id"), "engine.py")
    assert [f.severity for f in found] == ["high"], found
