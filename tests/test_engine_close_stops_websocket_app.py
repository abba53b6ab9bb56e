"""A thread serving a websocket-client ``WebSocketApp`` in ``run_forever()`` ends when another
method closes that app: ``WebSocketApp.close()`` clears ``keep_running`` and closes the socket,
and ``run_forever()`` returns (websocket-client 1.x, ``websocket/_app.py``). So such a class's
stop() closing it is a stop, and a listener started and handed to its caller, who can stop it,
is no leak of its own (2026-12-07, held21: PlexAPI's ``startAlertListener()`` was ranked second
for a high "returned to the caller, who can neither join nor stop it"; the reader judged it a
set-up call returning a listener with a working stop()). close() is no stop for an event loop
(it refuses while the loop runs) nor for what the module does not bind to such an app."""

from __future__ import annotations

from tests.builders import analysed

LISTENER = """\
import threading

import websocket


class AlertListener(threading.Thread):
    def __init__(self, url):
        super().__init__()
        self.daemon = True
        self._url = url
        self._ws = None

    def run(self):
        self._ws = {make}
        self._ws.run_forever()

    def stop(self):
        self._ws.close()


def start_listener(url):
    listener = AlertListener(url)
    listener.start()
    return listener
"""


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "alert.py")]


def test_a_websocket_app_closed_by_stop_ends_the_thread() -> None:
    assert _findings(LISTENER.format(make="websocket.WebSocketApp(self._url)")) == []


def test_close_is_no_stop_of_an_event_loop() -> None:
    code = LISTENER.replace("import websocket", "import asyncio").format(
        make="asyncio.new_event_loop()"
    )
    (message,) = _findings(code)
    assert "loops with no exit" in message or "stop" in message, message
