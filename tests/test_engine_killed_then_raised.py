"""A kill is no wait, and a path that kills the child and raises gives it up (2026-12-06): a
``raise`` right after ``p.kill()`` / ``p.terminate()`` (``raise TimeoutExpired(...)`` out of a
read loop past its deadline), between the start and the wait, leaves the killed child unwaited,
a zombie until the dropped handle is collected, as an early ``return`` does. An exception raised
by anything else is an error, not a way the function is meant to end, and is not followed. The
statements a ``try`` runs before the wait in its body are ways out too: a ``return`` always, a
``raise`` unless a handler of the ``try`` that reaps catches its class. asyncio's watcher reaps a killed child, awaited or not: no finding there.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

READ_LOOP = """\
import subprocess
import time


def run(cmd, deadline):
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: {expect}
{body}
    return p.returncode
"""

# a read loop past its deadline kills and raises, inside a try whose handler waits
HANDLED_KILL_LOOP = """\
    try:
        for line in p.stdout:
            if time.time() > deadline:
                p.kill()
                raise TimeoutError(cmd)
        p.wait()
    except {caught}:
        p.wait()
        raise"""

PROBES = {
    "killed_then_raised_out_of_a_read_loop": READ_LOOP.format(
        expect="leak",
        body="""\
    for line in p.stdout:
        if time.time() > deadline:
            p.kill()
            raise TimeoutError(cmd)
    p.wait()""",
    ),
    "terminated_then_raised_on_a_bad_start": READ_LOOP.format(
        expect="leak",
        body="""\
    first = p.stdout.readline()
    if not first:
        p.terminate()
        raise RuntimeError("it did not start")
    p.wait()""",
    ),
    "killed_then_raised_before_the_wait_of_a_try": READ_LOOP.format(
        expect="leak",
        body="""\
    try:
        while True:
            if time.time() > deadline:
                p.kill()
                raise subprocess.TimeoutExpired(cmd, 0)
            if not p.stdout.readline():
                break
        p.wait()
    finally:
        print("done")""",
    ),
    "returned_before_the_wait_of_a_try": READ_LOOP.format(
        expect="leak",
        body="""\
    try:
        if not p.stdout.readline():
            return None
        p.wait()
    finally:
        print("done")""",
    ),
    "killed_waited_then_raised": READ_LOOP.format(
        expect="ok",
        body="""\
    for line in p.stdout:
        if time.time() > deadline:
            p.kill()
            p.wait()
            raise TimeoutError(cmd)
    p.wait()""",
    ),
    "raised_into_a_handler_that_waits": READ_LOOP.format(
        expect="ok", body=HANDLED_KILL_LOOP.format(caught="TimeoutError")
    ),
    "raised_through_a_finally_that_waits": READ_LOOP.format(
        expect="ok",
        body="""\
    try:
        for line in p.stdout:
            if time.time() > deadline:
                p.kill()
                raise TimeoutError(cmd)
    finally:
        p.wait()""",
    ),
    "raised_past_a_handler_of_another_type": READ_LOOP.format(
        expect="leak", body=HANDLED_KILL_LOOP.format(caught="ValueError")
    ),
    "returned_past_a_handler_that_waits": READ_LOOP.format(
        expect="leak",
        body="""\
    try:
        if not p.stdout.readline():
            return None
        p.wait()
    except OSError:
        p.wait()
        raise""",
    ),
    "an_error_raised_without_a_kill": READ_LOOP.format(
        expect="ok",
        body="""\
    for line in p.stdout:
        if not line.strip():
            raise ValueError(line)
    p.wait()""",
    ),
    "with_waits_on_the_way_out": """\
import subprocess
import time


def run(cmd, deadline):
    with subprocess.Popen(cmd, stdout=subprocess.PIPE) as p:  # expect: ok
        for line in p.stdout:
            if time.time() > deadline:
                p.kill()
                raise TimeoutError(cmd)
        p.wait()
    return p.returncode
""",
    "asyncio_watcher_reaps_a_killed_child": """\
import asyncio


async def run(cmd, deadline):
    p = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)  # expect: ok
    async for line in p.stdout:
        if asyncio.get_running_loop().time() > deadline:
            p.kill()
            raise TimeoutError(cmd)
    await p.wait()
    return p.returncode
""",
    "kept_on_the_object": """\
import subprocess
import time


class Runner:
    def run(self, cmd, deadline):
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: leak
        for line in self.proc.stdout:
            if time.time() > deadline:
                self.proc.kill()
                raise TimeoutError(cmd)
        self.proc.wait()
        return self.proc.returncode
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
