"""A function named in a dispatch table that the function holding the table looks up and calls
(``command = {"start": command_start, ...}[action]; command(opts)``, ``{...}[action](opts)``,
``{...}.get(action)``) runs as often as that call (2026-12-06, held12: sopel's command line
daemonizes with ``os.fork()`` in ``command_start()``, which only ``main()`` runs, through its
table of subcommands; it was "on every call of command_start(): piles up", a false high). A
table at module level, or one handed on rather than called, says nothing of how often."""

from __future__ import annotations

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

START = """\
import os


def command_start(opts):
    if opts.daemonize:
        child_pid = os.fork()
        if child_pid != 0:
            return


def command_stop(opts):
    pass


"""

PROBES = {
    "looked_up_then_called": START
    + """\
def main(argv=None):
    opts = parse(argv)
    command = {
        "start": command_start,
        "stop": command_stop,
    }[opts.action]
    return command(opts)
""",
    "called_where_looked_up": START
    + """\
def main(argv=None):
    opts = parse(argv)
    return {"start": command_start, "stop": command_stop}[opts.action](opts)
""",
    "the_default_of_get": START
    + """\
def main(argv=None):
    opts = parse(argv)
    command = {"stop": command_stop}.get(opts.action, command_start)
    return command(opts)
""",
    "looked_up_with_get": START
    + """\
def main(argv=None):
    opts = parse(argv)
    command = {"start": command_start, "stop": command_stop}.get(opts.action, command_stop)
    return command(opts)
""",
}


def _messages(code: str) -> list[str]:
    result = analyze_source(code.encode(), "cli.py", load_rules().rules)
    assert result.error is None, result.error
    return [f.message for f in result.findings]


@pytest.mark.parametrize("name", sorted(PROBES))
def test_a_dispatched_function_runs_as_often_as_its_dispatcher(name: str) -> None:
    messages = _messages(PROBES[name])
    assert len(messages) == 1, messages
    assert "started in main(), which runs once, through command_start()" in messages[0], messages


def test_a_dispatch_in_a_loop_runs_per_pass() -> None:
    messages = _messages(
        START
        + """\
def serve(requests):
    for opts in requests:
        {"start": command_start, "stop": command_stop}[opts.action](opts)
"""
    )
    assert len(messages) == 1, messages
    assert "in a loop in serve()" in messages[0], messages


def test_a_module_level_table_says_nothing() -> None:
    messages = _messages(
        START
        + """\
COMMANDS = {"start": command_start, "stop": command_stop}


def main(argv=None):
    opts = parse(argv)
    return COMMANDS[opts.action](opts)
"""
    )
    assert len(messages) == 1, messages
    assert "on every call of command_start()" in messages[0], messages
