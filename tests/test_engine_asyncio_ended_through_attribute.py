"""An asyncio child stored on the object through a local (``server = await
create_subprocess_exec(...); self._server = server``) and terminated by the object's cleanup
(``stop(): self._server.terminate()``) is judged as one stored there directly: asyncio's child
watcher reaps a child that ends, awaited or not, and its transport closes once the pipes reach
their end, so nothing is left (2026-12-06, held13: pygls's ``JsonRPCClient.start_io()`` was
"stop() calls terminate() but does not wait for it ... its transport and pipes stay open", a
reading the same code with the store written directly did not give). What the local's own
kills on some paths only leave (a child let go running on the others) is still reported."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest
from children import children

from tests.builders import analysed

CLIENT = """\
import asyncio


class Client:
    def __init__(self):
        self._server = None

    async def start_io(self, cmd, *args):
{store}
    async def stop(self):
        if self._server is not None and self._server.returncode is None:
{end}
"""
THROUGH_A_LOCAL = (
    "        server = await asyncio.create_subprocess_exec(cmd, *args, "
    "stdout=asyncio.subprocess.PIPE)\n        self._server = server\n"
)
DIRECT = (
    "        self._server = await asyncio.create_subprocess_exec(cmd, *args, "
    "stdout=asyncio.subprocess.PIPE)\n"
)
TERMINATE = "            self._server.terminate()\n"
FORGET = "            self._server = None\n"

ENDED = {
    "through_a_local": CLIENT.format(store=THROUGH_A_LOCAL, end=TERMINATE),
    "direct": CLIENT.format(store=DIRECT, end=TERMINATE),
}
LEFT = {
    # let go unended: a server child runs on
    "through_a_local_never_ended": CLIENT.format(store=THROUGH_A_LOCAL, end=FORGET),
    # the local's own kill on one path: the other lets it go running
    "killed_on_one_path": """\
import asyncio


async def probe(cmd, quick):
    proc = await asyncio.create_subprocess_exec(cmd, stdout=asyncio.subprocess.PIPE)
    if quick:
        proc.kill()
        await proc.wait()
        return None
    line = await proc.stdout.readline()
    return line
""",
}


def _findings(code: str) -> list[str]:
    return [f.message for f in analysed(code, "client.py")]


@pytest.mark.parametrize("name", sorted(ENDED))
def test_a_child_the_cleanup_terminates_is_reaped_by_asyncio(name: str) -> None:
    assert _findings(ENDED[name]) == []


@pytest.mark.parametrize("name", sorted(LEFT))
def test_a_child_let_go_unended_is_reported(name: str) -> None:
    assert len(_findings(LEFT[name])) == 1


def _zombies() -> int:
    return children(zombies_only=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_at_run_time_a_terminated_asyncio_child_leaves_nothing() -> None:
    namespace: dict[str, object] = {}
    exec(compile(ENDED["through_a_local"], "client.py", "exec"), namespace)
    client_class = namespace["Client"]
    left: list[int] = []

    zombies = _zombies()  # other children of this worker, not ours to count

    async def cycle() -> None:
        before = len(os.listdir("/proc/self/fd"))
        clients = [client_class() for _ in range(5)]  # type: ignore[operator]
        for client in clients:
            await client.start_io("sleep", "30")
        assert len(os.listdir("/proc/self/fd")) > before  # each holds its pipe
        for client in clients:
            await client.stop()
        for _ in range(50):  # the watcher reaps as the children end
            await asyncio.sleep(0.05)
            if _zombies() <= zombies and len(os.listdir("/proc/self/fd")) == before:
                break
        left.extend([max(0, _zombies() - zombies), len(os.listdir("/proc/self/fd")) - before])

    asyncio.run(cycle())
    assert left == [0, 0]
