"""A timeout that expires raises ``TimeoutError`` out of where it is: when the ``try`` around it
(and around the start: ``process = None; try: process = await create_subprocess_exec(...)``)
has a handler catching that which kills and waits for the child (``except BaseException: if
process is not None: process.kill(); await process.wait(); raise``), the child is reaped on that
way too (held33: agno's docker checkpoint transfer, reported as "the timeout raises out before
it is waited"). A handler that catches something else, or reaps nothing, leaves it as before."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

CODE = """\
import asyncio


async def copy(source, timeout):
    process = None
    try:
        process = await asyncio.create_subprocess_exec(  # expect: %s
            "docker", "cp", source, "-", stdout=asyncio.subprocess.PIPE
        )
        data = await asyncio.wait_for(process.stdout.read(), timeout)
        await asyncio.wait_for(process.wait(), 5)
        return data
    except BaseException:
        if process is not None and process.returncode is None:
            process.kill()
            await process.wait()
        raise
"""


def test_a_timeout_caught_by_a_handler_that_reaps_reaps() -> None:
    assert_expectations("caught", CODE % "ok")
    assert_expectations(
        "caught_timeout", CODE.replace("BaseException", "asyncio.TimeoutError") % "ok"
    )


@pytest.mark.parametrize(
    "change",
    [
        ("except BaseException:", "except ValueError:"),
        (
            "            process.kill()\n            await process.wait()\n",
            "            print('gave up')\n",
        ),
    ],
    ids=["catches-something-else", "reaps-nothing"],
)
def test_a_handler_that_does_not_catch_it_or_reap_leaves_it(change: tuple[str, str]) -> None:
    assert change[0] in CODE
    assert_expectations("left", CODE.replace(*change) % "leak")
