"""A thread looping until its object's flag, started by a method named for a start of a class
whose method named for a stop sets that flag (2026-12-05): start and stop are called in turn,
so the threads of one start end at the stop after it; not one more beside the others per call.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

VIEW = """\
import threading
import time


class View:
    stopped = False

    def {start}(self):
        threading.Thread(target=self._refresh, daemon=True).start()  # expect: {expect}

    def _refresh(self):
        while not self.stopped:
            time.sleep(5)

    def {stop}(self):
        {body}
"""

PROBES = {
    # start_updates() / stop_updates(): paired, the stop sets the flag
    "paired": VIEW.format(
        start="start_updates", stop="stop_updates", body="self.stopped = True", expect="ok"
    ),
    # camelCase pair
    "paired_camel": VIEW.format(
        start="startUpdates", stop="stopUpdates", body="self.stopped = True", expect="ok"
    ),
    # the stop does not set the flag: each start leaves one more running
    "stop_misses_flag": VIEW.format(
        start="start_updates", stop="stop_updates", body="pass", expect="leak"
    ),
    # not named for a start: add_monitor() per call adds a thread beside the others
    "not_a_start": VIEW.format(
        start="add_monitor", stop="stop_updates", body="self.stopped = True", expect="leak"
    ),
    # the flag set by a method not named for a stop
    "set_elsewhere": VIEW.format(
        start="start_updates", stop="refresh_now", body="self.stopped = True", expect="leak"
    ),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
