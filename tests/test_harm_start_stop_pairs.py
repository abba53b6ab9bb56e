"""A thread looping until its object's flag, started by a method named for a start of a class
whose method named for a stop, called somewhere in the module, sets that flag (2026-12-05): start
and stop are called in turn, so the threads of one start end at the stop after it; not one more
beside the others per call. Not where something shows the start running per request on one
object, nor when the start raises the flag again (a restart undoing a stop its thread has not
seen yet), unless every call of the start is on an object just made.

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


def shutdown(view):
    view.{called}()
"""

PROBES = {
    # start_updates() / stop_updates(): paired, the stop sets the flag and is called
    "paired": VIEW.format(
        start="start_updates",
        stop="stop_updates",
        body="self.stopped = True",
        called="stop_updates",
        expect="ok",
    ),
    # camelCase pair
    "paired_camel": VIEW.format(
        start="startUpdates",
        stop="stopUpdates",
        body="self.stopped = True",
        called="stopUpdates",
        expect="ok",
    ),
    # the stop is never called: each start leaves one more running
    "stop_never_called": VIEW.format(
        start="start_updates",
        stop="stop_updates",
        body="self.stopped = True",
        called="refresh_now",
        expect="leak",
    ),
    # the stop does not set the flag
    "stop_misses_flag": VIEW.format(
        start="start_updates",
        stop="stop_updates",
        body="pass",
        called="stop_updates",
        expect="leak",
    ),
    # not named for a start: add_monitor() per call adds a thread beside the others
    "not_a_start": VIEW.format(
        start="add_monitor",
        stop="stop_updates",
        body="self.stopped = True",
        called="stop_updates",
        expect="leak",
    ),
    # resume() raises the flag again: a pause() its sleeping thread has not seen is undone
    "resume_raises_the_flag": """\
import threading
import time


class Player:
    def __init__(self):
        self.playing = False

    def resume(self):
        self.playing = True
        threading.Thread(target=self._render, daemon=True).start()  # expect: leak

    def _render(self):
        while self.playing:
            time.sleep(0.5)

    def pause(self):
        self.playing = False


def on_key(player, key):
    if key == "down":
        player.pause()
    else:
        player.resume()
""",
    # per request on one object: one more beside the others until the shutdown's stop
    "per_request_on_one_object": """\
import threading
import time


class Monitor:
    def __init__(self):
        self.running = True

    def start_watch(self, path):
        threading.Thread(target=self._watch, args=(path,), daemon=True).start()  # expect: leak

    def _watch(self, path):
        while self.running:
            time.sleep(1.0)

    def stop_all(self):
        self.running = False


monitor = Monitor()


def handle_upload(request):
    monitor.start_watch(request.path)


def shutdown():
    monitor.stop_all()
""",
    # a new object per request, started and stopped: each thread ends at its stop
    "per_request_new_object": """\
import threading
import time


class Heartbeat:
    def __init__(self, conn):
        self.conn = conn
        self.running = False

    def start(self):
        self.running = True
        self.thread = threading.Thread(target=self._loop, daemon=True)  # expect: ok
        self.thread.start()

    def _loop(self):
        while self.running:
            time.sleep(1.0)

    def stop(self):
        self.running = False


def handle_request(conn, request):
    beat = Heartbeat(conn)
    beat.start()
    try:
        return conn.process(request)
    finally:
        beat.stop()
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
