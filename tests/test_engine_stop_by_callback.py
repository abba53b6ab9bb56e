"""A lambda a method registers as a callback that sets the loop's flag (``doc.
on_session_destroyed(lambda ctx: self.stop_event.set())``) stops the thread when that event
comes: it is a stop, as a method setting the flag is. One handed to atexit runs only at exit.
(2026-12-07: once a new ``threading.Event()`` was no longer taken for a stop, the corpus's
optuna-dashboard per-session thread, stopped so, became a false "nothing sets it".)"""

from __future__ import annotations

from tests.builders import analysed

APP = """\
import atexit
import threading
import time


class App:
    def __call__(self, doc):
        self.doc = doc
        thread = threading.Thread(target=self.loop, daemon=True)
        self.stop_event = threading.Event()
        thread.start()
        {register}(lambda *args: self.stop_event.set())

    def loop(self):
        while not self.stop_event.is_set():
            time.sleep(1)
"""


def _messages(register: str) -> list[str]:
    return [f.message for f in analysed(APP.format(register=register), "app.py")]


def test_a_lambda_registered_for_an_event_is_a_stop() -> None:
    assert _messages("self.doc.on_session_destroyed") == []


def test_one_run_at_exit_is_none() -> None:
    (message,) = _messages("atexit.register")
    assert "which nothing sets to stop it" in message, message
