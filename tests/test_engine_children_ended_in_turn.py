"""Two shapes of "ended by the object's cleanup" (2026-12-06, review of the twenty-seventh
session, checked at run time):

- asyncio children kept in a container on the object and terminated one by one by its
  cleanup (``for proc in self._procs.values(): proc.terminate()``) are judged as one stored
  on an attribute and terminated: asyncio's child watcher reaps a child that ends, awaited or
  not, so nothing is left (it was a false medium);
- a method storing a new child on the attribute on every call (``ensure_server()`` per
  request) with no look at the one already there drops the one before still running: the
  cleanup ends only the last one stored, and each one replaced runs on (the review measured 4
  of 5 left running). Reported, for an asyncio child as for a Popen."""

from __future__ import annotations

import asyncio
import sys

import pytest
from children import children

from tests.builders import analysed

IN_A_CONTAINER = """\
import asyncio


class Pool:
    def __init__(self):
        self._procs = {}

    async def spawn(self, name, *argv):
        proc = await asyncio.create_subprocess_exec(*argv)
        self._procs[name] = proc

    def stop(self):
        for proc in self._procs.values():
            proc.terminate()
"""
NEVER_ENDED = IN_A_CONTAINER.replace("proc.terminate()", "print(proc.pid)")
REPLACED = """\
import asyncio


class Renderer:
    async def ensure_server(self, *argv):
        self._server = await asyncio.create_subprocess_exec(*argv)

    def stop(self):
        self._server.terminate()


RENDERER = Renderer()


async def render(request):
    await RENDERER.ensure_server("chromium", "--headless")
    return request.url
"""
# the same method looking at the one there first: one at a time, ended by stop()
GUARDED = REPLACED.replace(
    "        self._server = await",
    "        if getattr(self, '_server', None) is not None:\n            return\n"
    "        self._server = await",
)
POPEN_REPLACED = (
    REPLACED.replace("import asyncio", "import subprocess")
    .replace("async def", "def")
    .replace("await asyncio.create_subprocess_exec(*argv)", "subprocess.Popen(argv)")
    .replace("await RENDERER", "RENDERER")
)


def _severities(code: str) -> list[str]:
    return [f.severity for f in analysed(code)]


def test_children_terminated_in_turn_in_a_container_are_not_reported() -> None:
    assert _severities(IN_A_CONTAINER) == []
    assert len(_severities(NEVER_ENDED)) == 1


@pytest.mark.parametrize("code", [REPLACED, POPEN_REPLACED], ids=["asyncio", "popen"])
def test_a_child_replaced_per_call_is_reported(code: str) -> None:
    assert _severities(code) == ["medium"]


def test_a_child_stored_once_and_ended_by_the_cleanup_is_not() -> None:
    assert _severities(GUARDED) == []


def _running() -> int:
    return children() - children(zombies_only=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_at_run_time_the_container_leaves_nothing_and_the_replaced_ones_run_on() -> None:
    pool_space: dict[str, object] = {}
    exec(compile(IN_A_CONTAINER, "pool.py", "exec"), pool_space)
    renderer_space: dict[str, object] = {}
    exec(compile(REPLACED, "renderer.py", "exec"), renderer_space)
    counts: list[int] = []
    base = children()

    async def settle(target: int) -> int:
        for _ in range(60):
            await asyncio.sleep(0.05)
            if children() - base == target:
                break
        return children() - base

    async def cycle() -> None:
        pool = pool_space["Pool"]()  # type: ignore[operator]
        for n in range(4):
            await pool.spawn(str(n), "sleep", "30")
        pool.stop()
        counts.append(await settle(0))  # terminated and reaped by the watcher: nothing left
        renderer = renderer_space["Renderer"]()  # type: ignore[operator]
        for _ in range(4):
            await renderer.ensure_server("sleep", "30")
        renderer.stop()
        counts.append(await settle(3))  # the last one ended; the three replaced run on
        for process in list(_leftovers()):
            process.kill()
        counts.append(await settle(0))

    def _leftovers() -> list[object]:
        import os
        import signal

        class _Pid:
            def __init__(self, pid: int) -> None:
                self.pid = pid

            def kill(self) -> None:
                os.kill(self.pid, signal.SIGKILL)

        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                        fields = stat.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == os.getpid() and fields[0] != "Z":
                    with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                        if cmdline.read().startswith(b"sleep\0"):
                            found.append(_Pid(int(entry)))
        return found

    asyncio.run(cycle())
    assert counts == [0, 3, 0]
