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
