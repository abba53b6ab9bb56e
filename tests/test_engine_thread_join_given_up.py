"""A thread joined with a timeout and then given up on (``t.join(timeout)`` followed by ``if
t.is_alive(): raise RuntimeError("took too long")``) runs on with nothing left to join it: the
code itself says its function may not return in time, and a hung one never does (so does
``return default``, an answer in its place; a bare return after a warning says nothing). It is the
thread's answer to a timed-out wait, as a handler of TimeoutExpired is a child's: reported
(medium), once per call that times out. A class defined in a function's body is what its name
means in that function (``class Dispatch(threading.Thread)`` inside a decorator's wrapper, then
``c = Dispatch()``): its starts are found there (2026-12-07, held19: web.py's ``@timelimit``
left one thread per call that hung; the reader measured it)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.builders import analysed

LOCAL_CLASS = """\
import threading


def timelimit(timeout):
    def decorate(function):
        def wrapper(*args, **kw):
            class Dispatch(threading.Thread):
                def __init__(self):
                    threading.Thread.__init__(self)
                    self.result = None
                    self.daemon = True
                    self.start()

                def run(self):
                    self.result = function(*args, **kw)

            c = Dispatch()
            c.join(timeout)
            if c.is_alive():
                raise RuntimeError("took too long")
            return c.result

        return wrapper

    return decorate
"""

PLAIN = """\
import threading


def limited(function, timeout):
    result = []
    t = threading.Thread(target=lambda: result.append(function()), daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        {given_up}
    return result[0]
"""

GIVEN_UP = {
    "raised": PLAIN.format(given_up='raise RuntimeError("took too long")'),
    "logged_and_raised": PLAIN.format(given_up='log.warning("slow"); raise TimeoutError()'),
    # an answer in its place (held24: mqttwarn's timeout() returns `default`, a thread left
    # per message whose plugin hangs; the reader measured 10 calls -> 11 threads)
    "answered_instead": PLAIN.format(given_up="return default"),
    "local_class": LOCAL_CLASS,
}
WAITED = {
    # joined again, for good, after the warning
    "joined_again": PLAIN.format(given_up='print("slow"); t.join()'),
    # told to stop, or what it waits on ended, before the raise: it ends soon after
    "stopped_then_raised": PLAIN.format(given_up='stop.set(); raise RuntimeError("slow")'),
    "killed_then_raised": PLAIN.format(given_up='proc.kill(); raise RuntimeError("slow")'),
    # a warning and on: mostly a stop waited out at shutdown (`stop.set(); t.join(1)`)
    "logged": PLAIN.format(given_up='print("still running"); return None'),
    # a timed join with no test after it says nothing of giving up (a stop may come first)
    "no_test": PLAIN.format(given_up="pass").replace("    if t.is_alive():\n        pass\n", ""),
}


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "limit.py")]


@pytest.mark.parametrize("name", sorted(GIVEN_UP))
def test_a_thread_given_up_after_a_timed_join_is_reported(name: str) -> None:
    (message,) = _findings(GIVEN_UP[name])
    assert "timed-out thread runs on" in message, message


@pytest.mark.parametrize("name", sorted(WAITED))
def test_a_thread_joined_again_or_not_given_up_is_not_reported(name: str) -> None:
    assert _findings(WAITED[name]) == []


def test_a_timed_join_on_a_way_out_ending_its_work_is_not_reported() -> None:
    """The child a drain thread reads terminated and waited, then the thread given two
    seconds: it ends at the pipe's end, whatever the join (held8: gradio's node server, a
    timed join under `except OSError`, was a new false medium)."""
    code = """\
import socket
import subprocess
import threading
from collections import deque


def start(cmd, ports, drain, works):
    node_process = None
    busy = []
    for port in ports:
        try:
            s = socket.socket()
            s.bind(("127.0.0.1", port))
            s.close()
            node_process = subprocess.Popen(cmd + [str(port)], stderr=subprocess.PIPE)
            recent: deque[str] = deque(maxlen=50)
            reader = None
            if node_process.stderr is not None:
                reader = threading.Thread(
                    target=drain, args=(node_process.stderr, recent), daemon=True
                )
                reader.start()
            if works(port):
                return node_process, port
            else:
                node_process.terminate()
                node_process.wait(timeout=2)
                if reader is not None:
                    reader.join(timeout=2)
                node_process = None
        except OSError:
            busy.append(port)
            continue
        except Exception:
            if node_process:
                node_process.terminate()
                node_process = None
            continue
    return None, None
"""
    assert not any("timed-out thread" in message for message in _findings(code))


def test_a_class_defined_elsewhere_under_the_same_name_is_not_the_local_one() -> None:
    code = LOCAL_CLASS + "\n\ndef other():\n    return Dispatch()\n"
    assert len(_findings(code)) == 1  # `Dispatch` in other() is no class of its body


def test_at_run_time_each_call_that_times_out_leaves_its_thread() -> None:
    namespace: dict[str, object] = {}
    exec(compile(LOCAL_CLASS, "limit.py", "exec"), namespace)
    release = threading.Event()
    hung = namespace["timelimit"](0.05)(release.wait)  # type: ignore[operator]
    before = threading.active_count()
    try:
        for _ in range(3):
            with pytest.raises(RuntimeError):
                hung()
        assert threading.active_count() - before == 3
    finally:
        release.set()
        time.sleep(0.1)
