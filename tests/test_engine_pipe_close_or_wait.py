"""A file object's ``close()`` returns None: ``pipe.close() or p.wait()`` (git's git-p4,
vendored by zulip) always waits, with ``pipe`` the Popen's own stdout, by name or through a
name bound to it (2026-12-06, held20: a medium "waited only when `pipe.close() or
p.wait()`"). Any other test on the left may leave the wait out."""

from __future__ import annotations

import pytest

from tests.builders import analysed

READ = """\
import subprocess
import sys


def read_pipe_lines(command):
    p = subprocess.Popen(command, stdout=subprocess.PIPE)
    pipe = p.stdout
    lines = pipe.readlines()
    if {left} or p.wait():
        sys.exit("command failed")
    return lines
"""


@pytest.mark.parametrize("left", ["pipe.close()", "p.stdout.close()"])
def test_closing_its_pipe_first_always_waits(left: str) -> None:
    assert analysed(READ.format(left=left), "pipes.py") == []


def test_another_test_first_may_leave_the_wait_out() -> None:
    (finding,) = analysed(READ.format(left="lines[-1].startswith(b'error')"), "pipes.py")
    assert finding.rule == "FA103", finding
