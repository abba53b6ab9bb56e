"""A handle given to a callable the caller may leave out (``def execute(cmd, timeout=None,
on_completion=None)`` ... ``if on_completion: on_completion(obj)``) is handed to nobody on a
call that gives none, the default: that call is no hand-over to count on, and what the function
itself does with the handle decides (2026-12-07, held19: oslo.concurrency's
``processutils.execute(..., timeout=N)`` re-raises TimeoutExpired without killing the child; the
reader measured 10 live children after 10 timed-out calls, which the optional
``on_completion(obj)`` had hidden). A callable the caller must give (no default) may take the
handle, as before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from children import processes

from tests.builders import analysed

EXECUTE = """\
import subprocess


def execute(cmd, timeout=None, {callback}):
    obj = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    try:
        out, _ = obj.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise
    finally:
        if on_completion:
            on_completion(obj)
    return out
"""
OPTIONAL = EXECUTE.format(callback="on_completion=None")
REQUIRED = EXECUTE.replace("timeout=None, {callback}", "on_completion, timeout=None")


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "execute.py")]


def test_a_handle_given_to_an_optional_callback_is_judged_without_it() -> None:
    (message,) = _findings(OPTIONAL)
    assert "when it times out the wait is given up" in message, message


def test_a_callback_given_a_default_of_its_own_is_handed_over() -> None:
    """`on_completion = on_completion or _reap`: every call hands it to one (the review's
    r1_or_default_reraise: 0 children left)."""
    code = OPTIONAL.replace(
        "    obj = subprocess.Popen",
        "    on_completion = on_completion or _reap\n    obj = subprocess.Popen",
    ).replace(
        "        if on_completion:\n            on_completion(obj)", "        on_completion(obj)"
    )
    code += "\n\ndef _reap(proc):\n    proc.kill()\n    proc.wait()\n"
    assert "on_completion or _reap" in code
    assert _findings(code) == []


def test_a_handle_given_to_a_callback_the_caller_must_give_is_handed_over() -> None:
    assert _findings(REQUIRED) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_at_run_time_timed_out_calls_without_a_callback_leave_their_children() -> None:
    namespace: dict[str, object] = {}
    exec(compile(OPTIONAL, "execute.py", "exec"), namespace)
    execute = namespace["execute"]
    # a command line of its own: counting all the worker's children would also count what
    # earlier tests left, reaped meanwhile by CPython at these Popen() calls
    command = ["sleep", "30.25"]
    before = _running(command)
    for _ in range(3):
        with pytest.raises(subprocess.TimeoutExpired):
            execute(command, timeout=0.1)  # type: ignore[operator]
    try:
        assert len(_running(command) - before) == 3
    finally:
        for pid in _running(command) - before:
            os.kill(pid, signal.SIGKILL)
        subprocess.Popen(["true"]).wait()  # CPython reaps the dropped, killed ones at a Popen()


def _running(command: list[str]) -> set[int]:
    """The running children of this process whose command line is ``command``."""
    wanted = [part.encode() for part in command]
    return {
        pid
        for pid, state, parent in processes()
        if parent == os.getpid() and state != "Z" and _command(pid) == wanted
    }


def _command(pid: int) -> list[bytes]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().split(b"\0")[:2]
    except OSError:
        return []
