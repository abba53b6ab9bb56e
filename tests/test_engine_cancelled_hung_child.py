"""An asyncio child killed when its own timed wait times out, with nothing that kills it when
the awaiting task is cancelled (2026-12-07, corpus: agent tool runners and git wrappers). The
kill on timeout says the code reckons with a child that hangs; a cancellation reaching the same
wait (the caller's own timeout, a client gone, a stop) is the other way that wait ends early,
and ``CancelledError`` is a ``BaseException`` (Python 3.8+): an ``except TimeoutError`` (or
``except Exception``) handler never sees it, so the child it would have killed runs on, a hung
one for good. A ``finally``, a bare ``except``, or one naming ``BaseException`` or
``CancelledError`` that kills or waits covers it; a child stored on the object is left to the
object's cleanup; a child with no kill on timeout is already reported as given up."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Awaitable, Callable

import pytest
from children import processes

from tests.builders import analysed

KILLED_ON_TIMEOUT = """\
import asyncio


async def run_tool(cmd, timeout):
    proc = await asyncio.create_subprocess_exec(*cmd)
    try:
        return await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        return None
    except Exception:
        proc.kill()
        raise
"""

LEFT = {
    "wait_for_killed_on_timeout": KILLED_ON_TIMEOUT,
    # Python 3.11's `asyncio.timeout()` block around the wait, the same handler
    "timeout_block_killed_on_timeout": """\
import asyncio


async def run_tool(cmd):
    proc = await asyncio.create_subprocess_shell(cmd)
    try:
        async with asyncio.timeout(5):
            await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
""",
}

COVERED = {
    "finally_kills": """\
import asyncio


async def run_tool(cmd):
    proc = await asyncio.create_subprocess_shell(cmd)
    try:
        await asyncio.wait_for(proc.communicate(), 5)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
""",
    "cancelled_error_caught_too": """\
import asyncio


async def run_tool(cmd):
    proc = await asyncio.create_subprocess_shell(cmd)
    try:
        await asyncio.wait_for(proc.communicate(), 5)
    except (asyncio.TimeoutError, asyncio.CancelledError):
        proc.kill()
        await proc.wait()
        raise
""",
    "base_exception_caught": """\
import asyncio


async def run_tool(cmd):
    proc = await asyncio.create_subprocess_shell(cmd)
    try:
        await asyncio.wait_for(proc.communicate(), 5)
    except BaseException:
        proc.kill()
        await proc.wait()
        raise
""",
    # kept on the object: its own cleanup may end it
    "stored_on_the_object": """\
import asyncio


class Runner:
    async def run(self, cmd):
        self.proc = await asyncio.create_subprocess_shell(cmd)
        try:
            await asyncio.wait_for(self.proc.communicate(), 5)
        except asyncio.TimeoutError:
            self.proc.kill()
""",
}


@pytest.mark.parametrize("name", sorted(LEFT))
def test_a_child_killed_only_on_timeout_is_left_by_a_cancellation(name: str) -> None:
    (finding,) = analysed(LEFT[name], "tool.py")
    assert finding.severity == "medium", finding.message
    assert "a cancellation of the task while it waits" in finding.message, finding.message
    assert "a hung one never does" in finding.message, finding.message


@pytest.mark.parametrize("name", sorted(COVERED))
def test_a_child_killed_on_cancellation_too_is_not_reported(name: str) -> None:
    assert analysed(COVERED[name], "tool.py") == []


def _running_sleeps() -> list[int]:
    """This process's children running ``sleep 60`` (a zombie has ended)."""
    me = os.getpid()
    found = []
    for pid, state, parent in processes():
        if parent != me or state == "Z":
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                args = cmdline.read().split(b"\0")
        except OSError:
            continue
        if args[:2] == [b"sleep", b"60"]:
            found.append(pid)
    return found


async def _cancel_five(run_tool: Callable[..., Awaitable[object]]) -> list[int]:
    for _ in range(5):
        task = asyncio.ensure_future(run_tool(["sleep", "60"], 30))
        await asyncio.sleep(0.3)  # started, and waiting for it
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await asyncio.sleep(0.3)
    return _running_sleeps()


FINALLY_KILLS = """\
import asyncio


async def run_tool(cmd, timeout):
    proc = await asyncio.create_subprocess_exec(*cmd)
    try:
        return await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        return None
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_at_run_time_each_cancelled_call_leaves_its_child_running() -> None:
    """Five calls of the reported shape cancelled while they wait leave five children running;
    with the kill in a ``finally`` (not reported) none are left."""
    assert analysed(FINALLY_KILLS, "tool.py") == []
    left: dict[str, int] = {}
    for name, code in (("reported", KILLED_ON_TIMEOUT), ("finally", FINALLY_KILLS)):
        namespace: dict[str, object] = {}
        exec(compile(code, f"{name}.py", "exec"), namespace)
        running = asyncio.run(_cancel_five(namespace["run_tool"]))  # type: ignore[arg-type]
        left[name] = len(running)
        for pid in running:
            os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):  # asyncio's watcher may reap it first
                os.waitpid(pid, 0)
    assert left == {"reported": 5, "finally": 0}
