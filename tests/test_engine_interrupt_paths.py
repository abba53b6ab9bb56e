"""A way out of a function taken only when the process is interrupted (a handler catching
only ``KeyboardInterrupt``: ``except KeyboardInterrupt: p.kill(); raise``)
is no path a server takes per request: the process is ending (2026-12-06, held19:
procrunner's ``run()`` polls its child until ``returncode`` is set and kills it on Ctrl-C; it
was a medium "the raise leaves it before a poll says it has ended", and 20 runs left no
child). The same way out on a deadline, or a handler of ordinary errors, still leaves the
child unreaped."""

from __future__ import annotations

import pytest

from tests.builders import analysed

POLLED = """\
import subprocess
import time


def run(command, deadline):
    p = subprocess.Popen(command, stdout=subprocess.PIPE)
    while p.returncode is None:
        try:
            time.sleep(0.5)
{check}
        except {caught}:
            p.kill()
            raise
        p.poll()
    return p.returncode
"""

DEADLINE = """\
            if time.time() > deadline:
                p.kill()
                raise TimeoutError(command)
"""


def test_a_way_out_only_on_ctrl_c_leaves_no_child_per_call() -> None:
    assert analysed(POLLED.format(check="", caught="KeyboardInterrupt"), "runner.py") == []


@pytest.mark.parametrize(
    "caught", ["SystemExit", "GeneratorExit", "(KeyboardInterrupt, SystemExit)"]
)
def test_an_exit_or_a_generator_closed_may_come_per_request(caught: str) -> None:
    """SystemExit may be a per-message argparse error, GeneratorExit a client leaving a
    streaming response: neither is the process being interrupted (the review's probes: 20
    such requests left 20 live children)."""
    (finding,) = analysed(POLLED.format(check="", caught=caught), "runner.py")
    assert finding.rule == "FA103", finding


def test_a_way_out_on_a_deadline_still_leaves_it() -> None:
    (finding,) = analysed(POLLED.format(check=DEADLINE, caught="KeyboardInterrupt"), "runner.py")
    assert finding.rule == "FA103", finding
    assert "line 12" in finding.message, finding.message
