"""A loop that starts a thread on each pass and then waits for it to end (``while
t.is_alive(): ... sleep``), leaving that wait early only under a test that ends the loop
itself (``if self.is_connected(): break`` in ``while not self.is_connected():``), runs one
at a time: the next pass starts one only once the last has ended, and the loop stops while one
runs. The loop is no count of its own; the start runs as often as its function (2026-12-07,
held24: pybit's connect loop was ranked first for a high "in a `while` loop in _connect(): one
more each time"; the reader's run kept 5 threads across 16 reconnects)."""

from __future__ import annotations

import pytest

from tests.builders import analysed

CONNECT = """\
import threading
import time

import websocket


class Manager:
    def __init__(self, retries=10):
        self.retries = retries

    def is_connected(self):
        try:
            return bool(self.ws.sock.connected)
        except AttributeError:
            return False

    def _connect(self, url):
        retries = self.retries
        while retries > 0 and not self.is_connected():
            self.ws = websocket.WebSocketApp(url=url)
            self.wst = threading.Thread(
                target=lambda: self.ws.run_forever(ping_interval=20, ping_timeout=10)
            )
            self.wst.daemon = True
            self.wst.start()
            retries -= 1
            while self.wst.is_alive():
                if {early}:
                    break
                time.sleep(0.1)

    def exit(self):
        self.ws.close()
"""


def _messages(early: str) -> list[str]:
    return [f.message for f in analysed(CONNECT.format(early=early), "ws.py")]


@pytest.mark.parametrize("early", ["self.ws.sock and self.is_connected()", "self.is_connected()"])
def test_a_pass_waiting_for_its_thread_to_end_is_no_loop_count(early: str) -> None:
    (message,) = _messages(early)
    assert "on every call of _connect()" in message, message
    assert "in a `while` loop" not in message, message


@pytest.mark.parametrize("early", ["self.ws.sock", "retries > 3"])
def test_a_wait_left_early_with_the_loop_going_on_counts_each_pass(early: str) -> None:
    (message,) = _messages(early)
    assert "in a `while` loop in _connect()" in message, message
