"""A method storing a new thread on ``self`` over the last one replaces nothing when, on its
own way out, it calls a method of its object that reaps it, directly (``self.stop()``) or as a
statement of a method it calls so (``self.writer()``, serving until the client goes and ending
with ``self.stop()``, which joins it): each call reaps what it started before it returns
(2026-12-07, held22: esptool's RFC 2217 redirector was ranked first for two false highs "stores
a new one there without stopping the one before"). Where the method returns without such a
call, the next call still replaces a thread still running."""

from __future__ import annotations

import threading
import time

from tests.builders import analysed

REDIRECTOR = """\
import threading
import time


class Redirector:
    def __init__(self, serial, sock):
        self.serial = serial
        self.socket = sock
        self.alive = False

    def shortcircuit(self):
        self.alive = True
        self.thread_read = threading.Thread(target=self.reader, daemon=True)
        self.thread_read.start()
        {tail}

    def reader(self):
        while self.alive:
            data = self.serial.read(1)
            if data:
                self.socket.sendall(data)
            time.sleep(0.01)

    def writer(self):
        while self.alive:
            data = self.socket.recv(1024)
            if not data:
                break
            self.serial.write(data)
        {writer_tail}

    def stop(self):
        if self.alive:
            self.alive = False
            self.thread_read.join()
"""

SERVES_THEN_STOPS = REDIRECTOR.format(tail="self.writer()", writer_tail="self.stop()")
STOPS = REDIRECTOR.format(tail="self.writer()\n        self.stop()", writer_tail="pass")
RETURNS = REDIRECTOR.format(tail="return self.thread_read", writer_tail="self.stop()")


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "redirector.py")]


def test_a_method_reaping_through_a_helper_before_it_returns_replaces_nothing() -> None:
    assert _findings(SERVES_THEN_STOPS) == []


def test_a_method_reaping_directly_before_it_returns_replaces_nothing() -> None:
    assert _findings(STOPS) == []


def test_a_method_returning_with_the_thread_running_still_replaces_it() -> None:
    (message,) = _findings(RETURNS)
    assert "without stopping the one before" in message, message


class _Socket:
    def __init__(self, messages: int) -> None:
        self.left = messages

    def recv(self, size: int) -> bytes:
        time.sleep(0.01)
        self.left -= 1
        return b"x" if self.left > 0 else b""

    def sendall(self, data: bytes) -> None:
        pass


class _Serial:
    def read(self, size: int) -> bytes:
        return b""

    def write(self, data: bytes) -> None:
        pass


def test_at_run_time_each_session_leaves_no_thread() -> None:
    namespace: dict[str, object] = {}
    exec(compile(SERVES_THEN_STOPS, "redirector.py", "exec"), namespace)
    redirector = namespace["Redirector"](_Serial(), _Socket(3))  # type: ignore[operator]
    before = threading.active_count()
    for _ in range(3):  # a client connects, is served, goes
        redirector.socket = _Socket(3)
        redirector.shortcircuit()
    assert threading.active_count() == before
