"""A thread a constructor starts by itself, looping until a flag only a stop method of its
class sets, where the class also has the end its users call when they are done with an object
(``disconnect()``, ``close()``) and that end never reaches the stop, nor does any code of the
package: every object ended that way leaves its thread looping, and the thread's bound method
keeps the object alive (2026-12-07, held22: tb-mqtt-client's TBDeviceMqttClient starts a
timeout-check thread and a service loop in ``__init__``, stopped only by ``stop()``, which
``disconnect()`` does not call; the reader measured 10 clients made, connected and
disconnected -> 20 threads left).

With it, the reading of ``d.get(KEY)`` as a queue's blocking get is mended: a queue's get
takes ``block``, a truth, first, so a module constant, a sum or a number given first is a
mapping's key (the same service loop was high for "blocks in self.firmware_info.get()")."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.builders import analysed

CLIENT = """\
from threading import Thread
from time import sleep

FW_VERSION_ATTR = "fw_version"


class Client:
    def __init__(self, host):
        self._client = make_client(host)
        self.stopped = False
        self.firmware_info = {{}}
        self.firmware_received = False
        self._checker = Thread(target=self._timeout_check, name="Timeout check", daemon=True)
        self._checker.start()

    def disconnect(self):
        self._client.disconnect()
{extra_end}
    def stop(self):
        self.stopped = True

    def _on_message(self, message):
        self.firmware_info = loads(message)
        self.firmware_info = (
            self.firmware_info.get("shared", {{}}) if isinstance(self.firmware_info, dict) else {{}}
        )

    def _timeout_check(self):
        while not self.stopped:
            if self.firmware_received:
                self.on_firmware(self.firmware_info.get(FW_VERSION_ATTR))
            sleep(0.05)
{tail}"""

LEAKY = CLIENT.format(extra_end="", tail="")


def _messages(code: str) -> list[tuple[str, str]]:
    return [(f.severity, f.message) for f in analysed(code, "client.py")]


def test_a_thread_its_objects_end_does_not_stop_piles_up_per_use() -> None:
    ((severity, message),) = _messages(LEAKY)
    assert severity == "high", message
    assert "which its end, disconnect(), does not call" in message, message
    assert "made and ended per use" in message, message


def test_a_mapping_get_with_a_constant_key_blocks_nothing() -> None:
    """The loop reads `self.firmware_info.get(FW_VERSION_ATTR)`: no queue's get."""
    for _, message in _messages(LEAKY):
        assert ".get()" not in message, message


def test_an_end_calling_the_stop_stops_it() -> None:
    assert _messages(CLIENT.format(extra_end="        self.stop()\n", tail="")) == []


def test_an_end_setting_the_flag_itself_stops_it() -> None:
    assert _messages(CLIENT.format(extra_end="        self.stopped = True\n", tail="")) == []


def test_the_package_calling_the_stop_uses_it_as_meant() -> None:
    tail = "\n\ndef session(host):\n    c = Client(host)\n    c.disconnect()\n    c.stop()\n"
    assert _messages(CLIENT.format(extra_end="", tail=tail)) == []


def test_a_class_with_no_end_of_its_own_is_stopped_by_its_stop() -> None:
    code = LEAKY.replace("    def disconnect(self):\n", "    def reconnect(self):\n")
    assert "def disconnect" not in code
    assert _messages(code) == []


def test_a_thread_started_by_a_method_of_its_own_is_not_the_constructors() -> None:
    """`start()` then `stop()` is a pair its users call in turn: not this rule."""
    code = LEAKY.replace(
        "        self._checker.start()\n",
        "\n    def start(self):\n        self._checker.start()\n",
    )
    assert all("does not call" not in message for _, message in _messages(code))


EVENT = """\
import threading
import time


class Poller:
    def __init__(self, host):
        self.host = host
        self._stop_ev = threading.Event()
        self._t = threading.Thread(target=self._loop{daemon})
        self._t.start(){finalizer}

    def _loop(self):
        while not self._stop_ev.is_set():
            time.sleep(0.01)

    def stop(self):
        self._stop_ev.set()

    def close(self):
        self.host = None
"""


@pytest.mark.parametrize("daemon", [", daemon=True", ""])
def test_an_event_made_in_the_constructor_is_no_stop(daemon: str) -> None:
    """`self._stop_ev = threading.Event()` makes a clear Event: it sets nothing (review: the
    rule missed an Event flag, daemon or not; 5 closed objects left 5 threads)."""
    code = EVENT.format(daemon=daemon, finalizer="")
    ((severity, message),) = _messages(code)
    assert severity == "high", message
    assert "which its end, close(), does not call" in message, message


def test_a_finalizer_holding_the_object_runs_only_at_exit() -> None:
    """`weakref.finalize(self, self.stop)`: the bound method holds the object, which is never
    collected, so the stop runs only at exit (review: 5 closed objects, 5 threads)."""
    code = EVENT.format(
        daemon=", daemon=True", finalizer="\n        weakref.finalize(self, self.stop)"
    ).replace("import time\n", "import time\nimport weakref\n")
    ((severity, message),) = _messages(code)
    assert severity == "high", message


def test_a_finalizer_calling_a_static_method_holds_nothing() -> None:
    """`weakref.finalize(self, self._stop_loop, self._loop)` with `_stop_loop` a static
    method: no bound method holds the object, so the finalizer fires when it is collected
    (held14: robyn's AsyncGeneratorWrapper became a medium until this was told)."""
    code = """\
import asyncio
import threading
import weakref


class Wrapper:
    def __init__(self):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run_loop, args=(self._loop,), daemon=True)
        self._thread.start()
        self._finalizer = weakref.finalize(self, self._stop_loop, self._loop)

    @staticmethod
    def _run_loop(loop):
        asyncio.set_event_loop(loop)
        loop.run_forever()

    @staticmethod
    def _stop_loop(loop):
        loop.call_soon_threadsafe(loop.stop)
"""
    assert _messages(code) == []


FINALIZED = """\
import threading
import weakref


def _loop(ev):
    while not ev.is_set():
        ev.wait(0.1)


class Poller:
    def __init__(self):
        self._ev = threading.Event()
        self._t = threading.Thread(target={target}, daemon=True)
        self._t.start()
        weakref.finalize(self, self._static_stop, self._ev)

    def _run(self):
        while not self._ev.is_set():
            self._ev.wait(0.1)

    @staticmethod
    def _static_stop(ev):
        ev.set()


def handle(request):
    Poller()
    return request
"""


def test_an_event_a_finalizer_sets_ends_the_thread_once_its_object_goes() -> None:
    """`weakref.finalize(self, self._static_stop, self._ev)`, the thread holding nothing of
    the object: the Event is set when the object is collected (review 2: a false high, 20
    requests left 0 threads at run time)."""
    assert _messages(FINALIZED.format(target="_loop, args=(self._ev,)")) == []


def test_a_thread_holding_its_object_keeps_the_finalizer_from_running() -> None:
    """Its target a bound method: the object is never collected, the finalizer never runs."""
    ((severity, message),) = _messages(FINALIZED.format(target="self._run"))
    assert severity == "high", message


def test_a_logging_handler_is_set_up_once_not_used_per_call() -> None:
    """A class with `emit(record)` is a logging handler, set up on a process-wide logger: its
    close() makes no per-use object of it (held25: logbook's RedisHandler, whose flush thread
    close() does not stop, would have been a high)."""
    code = EVENT.format(daemon=", daemon=True", finalizer="").replace(
        "    def close(self):\n",
        "    def emit(self, record):\n        self.host.send(record)\n\n    def close(self):\n",
    )
    ((severity, message),) = _messages(code)
    assert severity == "medium", message
    assert "made and ended per use" not in message, message


def test_a_queue_get_still_blocks() -> None:
    code = """\
import queue
import threading


class Worker:
    def __init__(self):
        self._q = queue.Queue()
        self._stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self):
        self._stop = True

    def _run(self):
        while not self._stop:
            item = self._q.get()
            item()
"""
    ((_, message),) = [(f.severity, f.message) for f in analysed(code, "w.py")]
    assert "blocks in self._q.get()" in message, message


def test_at_run_time_each_object_disconnected_leaves_its_thread() -> None:
    script = (
        LEAKY.replace("make_client(host)", "_Inner()").replace("loads(message)", "{}")
        + """

class _Inner:
    def disconnect(self):
        pass


import threading
before = threading.active_count()
for _ in range(5):
    c = Client("h")
    c.disconnect()
    del c
import gc
gc.collect()
sleep(0.2)
print(threading.active_count() - before)
"""
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert out.strip() == "5", out
