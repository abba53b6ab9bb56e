"""A thread serving a websocket-client ``WebSocketApp`` in ``run_forever()`` ends when another
method closes that app: ``WebSocketApp.close()`` clears ``keep_running`` and closes the socket,
and ``run_forever()`` returns (websocket-client 1.x, ``websocket/_app.py``), when it runs with
a ping timeout: without one it waits in a poll that close() from another thread does not wake
when the peer's close frame has not come (websocket-client issues #916, #317; the review of
2026-12-07 measured 8 of 40 threads left for good on 3.12.1). So such a class's
stop() closing it is a stop, and a listener started and handed to its caller, who can stop it,
is no leak of its own (2026-12-07, held21: PlexAPI's ``startAlertListener()`` was ranked second
for a high "returned to the caller, who can neither join nor stop it"; the reader judged it a
set-up call returning a listener with a working stop()). close() is no stop for an event loop
(it refuses while the loop runs) nor for what the module does not bind to such an app.

A callback the app is given (``on_message=self.on_message``) that closes the app it is handed
(``def on_message(self, ws, message): ... ws.close()``) closes it on the very thread serving it:
run_forever() returns as soon as the callback does, ping timeout or not (2026-12-07, held25:
langchain-community's SparkLLM ``arun()``, a thread per call closed by its final frame, was
ranked first for two false highs "loops with no exit")."""

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
        self._ws.run_forever({ping})

    def stop(self):
        self._ws.close()


def start_listener(url):
    listener = AlertListener(url)
    listener.start()
    return listener
"""


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "alert.py")]


PING = "ping_interval=10, ping_timeout=5"


def test_a_websocket_app_closed_by_stop_ends_the_thread() -> None:
    assert _findings(LISTENER.format(make="websocket.WebSocketApp(self._url)", ping=PING)) == []


def test_annotated_binding_too() -> None:
    code = LISTENER.replace("self._ws = {make}", "self._ws: websocket.WebSocketApp = {make}")
    assert "self._ws: websocket.WebSocketApp =" in code
    code = code.format(make="websocket.WebSocketApp(self._url)", ping=PING)
    assert _findings(code) == []


def test_without_a_ping_timeout_close_is_no_reliable_stop() -> None:
    """run_forever() with no ping timeout waits in a poll close() does not wake (the review
    measured 8 of 40 threads left for good on 3.12.1): as before, reported."""
    (message,) = _findings(LISTENER.format(make="websocket.WebSocketApp(self._url)", ping=""))
    assert "neither join nor stop it" in message, message


def test_close_is_no_stop_of_an_event_loop() -> None:
    code = LISTENER.replace("import websocket", "import asyncio").format(
        make="asyncio.new_event_loop()", ping=""
    )
    (message,) = _findings(code)
    assert "loops with no exit" in message or "stop" in message, message


def test_an_app_bound_by_another_class_under_the_same_name_is_not_this_one() -> None:
    """Another class's `self._ws = WebSocketApp(...)` says nothing of this one's event loop."""
    code = (
        LISTENER.replace("import websocket", "import asyncio\nimport websocket").format(
            make="asyncio.new_event_loop()", ping=""
        )
        + """

class Feed:
    def __init__(self, url):
        self._ws = websocket.WebSocketApp(url)
        self._ws.run_forever(ping_interval=10, ping_timeout=5)

    def close(self):
        self._ws.close()
"""
    )
    assert any(
        "neither join nor stop it" in m or "loops with no exit" in m for m in _findings(code)
    )


CLIENT = """\
import json
import queue
import threading


class Client:
    def __init__(self, url, websocket_client):
        self.websocket_client = websocket_client
        self.url = url
        self.queue = queue.Queue()

    def run(self, messages):
        ws = self.websocket_client.WebSocketApp(
            self.url, on_message=self.on_message, on_error=self.on_error, on_open=self.on_open
        )
        ws.messages = messages
        ws.run_forever()

    def arun(self, messages):
        ws_thread = threading.Thread(target=self.run, args=(messages,))
        ws_thread.start()
        return ws_thread

    def on_open(self, ws):
        ws.send(json.dumps(ws.messages))

    def on_error(self, ws, error):
        self.queue.put(("error", error))
        {on_error_close}

    def on_message(self, ws, message):
        data = json.loads(message)
        self.queue.put(data)
        if data["status"] == 2:
            {on_message_close}

    def gen_params(self, messages):
        return list(messages)
"""


def test_a_callback_closing_the_app_it_is_handed_ends_run_forever() -> None:
    code = CLIENT.format(on_error_close="ws.close()", on_message_close="ws.close()")
    assert _findings(code) == []


def test_callbacks_closing_nothing_leave_it_serving() -> None:
    code = CLIENT.format(on_error_close="pass", on_message_close="pass")
    (message,) = _findings(code)
    assert "loops with no exit" in message, message


KEPT = """\
import threading

import websocket


class Feed:
    def __init__(self, url):
        self.app = websocket.WebSocketApp(url, {callback}=self.{callback})
        self._t = threading.Thread(target=self.app.run_forever)
        self._t.start()

    def {callback}(self, ws, *args):
        ws.close()


def handle(request):
    return Feed("ws://localhost:9/feed")
"""


def test_an_app_kept_on_the_object_closed_by_its_callback_ends() -> None:
    """The app kept on `self.app` (review 2: still "loops with no exit" there)."""
    assert _findings(KEPT.format(callback="on_message")) == []


def test_a_close_in_on_close_ends_nothing() -> None:
    """on_close runs once the app has closed: a close() there is no stop."""
    (message,) = _findings(KEPT.format(callback="on_close"))
    assert "run_forever" in message, message


# The app made by the receiver thread on the object that starts it (`self.client.ws`), and
# closed by that object's own methods (`self.ws.close()` before a new receiver, and in
# disconnect()): held32's twelvedata TDWebSocket, whose receivers were reported "loops with no
# exit ... piles up if that runs per request" (the reader measured 10 connect+disconnect
# cycles: no receiver thread left). An object another object holds is stopped by that
# holder (`self.client.disconnect()`, the rule before); for an app whose close() ends its
# serving, by a close() there too.
HOLDER = """\
import threading

import websocket


class Client:
    def __init__(self, url):
        self.url = url
        self.ws = None
        self.receiver = None

    def connect(self):
        if self.ws:
            self.ws.close()
        self.receiver = Receiver(self)
        self.receiver.start()

    def disconnect(self):
{close}


class Receiver(threading.Thread):
    def __init__(self, client):
        super().__init__()
        self.daemon = True
        self.client = client

    def run(self):
        self.client.ws = websocket.WebSocketApp(self.client.url)
        self.client.ws.run_forever({ping})
"""
CLOSE = "        if self.ws:\n            self.ws.close()\n"


def test_an_app_held_by_the_starter_and_closed_by_it_ends() -> None:
    assert _findings(HOLDER.format(close=CLOSE, ping=PING)) == []


def test_an_app_held_by_the_starter_without_a_ping_timeout_is_no_stop() -> None:
    (message,) = _findings(HOLDER.format(close=CLOSE, ping=""))
    assert "Receiver.run() loops with no exit" in message, message


def test_an_app_held_by_the_starter_that_nothing_closes_serves_on() -> None:
    code = HOLDER.format(close="        pass\n", ping=PING).replace(
        "        if self.ws:\n            self.ws.close()\n", ""
    )
    assert ".close()" not in code
    (message,) = _findings(code)
    assert "Receiver.run() loops with no exit" in message, message
