"""A wait after a timed one on its way (``p.communicate(timeout=t)`` then ``p.wait()``) runs
only when the timed one returned: a TimeoutExpired leaves the block before it, so it reaps only
what did not time out, and the hung child the timeout is for runs on. And a child kept on the
object (``self.p = Popen(...)``) is waited for again later only where another method of the
class reads that attribute (``status()`` polling it); read by its storing method alone, a
timed-out one is lost (2026-12-07, held21: libsrg's ``Runner`` retries with a new child after
each timeout; the reader measured 5 live children after 5 timed-out runs). A wait in the
handler, or a kill there, still covers the timeout."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from children import processes

from tests.builders import analysed

RUNNER = """\
import subprocess


class Runner:
    def __init__(self, cmd, timeout=None):
        self.cmd = cmd
        self.timeout = timeout
        self.p = None
        self.out = None

    def run(self):
        try:
            self.p = subprocess.Popen(self.cmd, stdout=subprocess.PIPE)
            self.out, _ = self.p.communicate(timeout=self.timeout)
            self.ret = self.p.wait()
        except Exception as ex:
            {handler}
{extra}"""

LEFT = {
    "handler_logs": RUNNER.format(handler="self.caught = ex", extra=""),
}
COVERED = {
    "handler_kills": RUNNER.format(
        handler="self.p.kill()\n            self.p.wait()\n            self.caught = ex", extra=""
    ),
    "user_code_reads_it": RUNNER.format(
        handler="self.caught = ex",
        extra="\n\ndef run_killing(cmd):\n    r = Runner(cmd, 5)\n    r.run()\n"
        "    if r.p.poll() is None:\n        r.p.kill()\n        r.p.wait()\n",
    ),
    "status_reads_it": RUNNER.format(
        handler="self.caught = ex",
        extra="\n    def status(self):\n        return self.p.poll()\n",
    ),
}

LOCAL = """\
import subprocess


def run(cmd, timeout):
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
    out, _ = p.communicate(timeout=timeout)
    p.wait()
    return out
"""


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "runner.py")]


@pytest.mark.parametrize("name", sorted(LEFT))
def test_a_timed_out_child_kept_where_nothing_reads_it_is_reported(name: str) -> None:
    (message,) = _findings(LEFT[name])
    assert "when it times out the wait is given up" in message, message


@pytest.mark.parametrize("name", sorted(COVERED))
def test_a_timed_out_child_killed_or_read_again_is_not_reported(name: str) -> None:
    assert _findings(COVERED[name]) == []


@pytest.mark.parametrize(
    "code",
    [
        LOCAL,
        # a try catching something else lets the timeout through, past the later wait
        LOCAL.replace(
            "    out, _ = p.communicate(timeout=timeout)\n",
            "    try:\n        out, _ = p.communicate(timeout=timeout)\n"
            "    except OSError:\n        out = b''\n",
        ),
        # so does a with block
        LOCAL.replace(
            "    out, _ = p.communicate(timeout=timeout)\n",
            "    with open('log', 'wb'):\n        out, _ = p.communicate(timeout=timeout)\n",
        ),
    ],
    ids=["plain", "try_other_except", "with_block"],
)
def test_a_wait_after_the_timed_one_does_not_cover_its_timeout(code: str) -> None:
    (message,) = _findings(code)
    assert "when it times out the wait is given up" in message, message


def test_a_timeout_caught_goes_on_to_the_later_wait() -> None:
    code = LOCAL.replace(
        "    out, _ = p.communicate(timeout=timeout)\n",
        "    try:\n        out, _ = p.communicate(timeout=timeout)\n"
        "    except subprocess.TimeoutExpired:\n        p.kill()\n        out = b''\n",
    )
    assert _findings(code) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_at_run_time_each_timed_out_run_leaves_its_child() -> None:
    namespace: dict[str, object] = {}
    exec(compile(LEFT["handler_logs"], "runner.py", "exec"), namespace)
    runner = namespace["Runner"]
    runs = [runner(["sleep", "30"], timeout=0.1) for _ in range(3)]  # type: ignore[operator]
    for run in runs:
        run.run()
    try:
        # each run's own child, still running (counting all the worker's children would also
        # count what earlier tests left, reaped meanwhile by CPython at these Popen() calls)
        assert [run.p.poll() for run in runs] == [None, None, None]
        assert all(_alive(run.p.pid) for run in runs)
    finally:
        for run in runs:
            run.p.kill()
            run.p.wait()
    assert isinstance(runs[0].caught, subprocess.TimeoutExpired)


def _alive(pid: int) -> bool:
    """Is ``pid`` a child of this process, running (not a zombie)?"""
    return any(
        found == pid and parent == os.getpid() and state != "Z"
        for found, state, parent in processes()
    )
