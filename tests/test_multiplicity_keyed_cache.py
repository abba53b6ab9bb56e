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
