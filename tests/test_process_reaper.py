"""A SIGCHLD handler that reaps every child in a loop, installed by one module, reaps the
children another module of the same program forks (issue 10); one that reaps a single child
per signal does not (signals coalesce: children exiting together stay zombies)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import run_cli

FORKS = """\
import os

def run_query(job):
    pid = os.fork()
    if pid == 0:
        job()
        os._exit(0)
    return None
"""
LOOPING = """\
import os, signal

def reap(signum, frame):
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return

def main():
    signal.signal(signal.SIGCHLD, reap)
"""
ONCE = LOOPING.replace(
    """    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
""",
    """    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        pass
""",
)


@pytest.mark.parametrize(("server", "flagged"), [(LOOPING, False), (ONCE, True)])
def test_a_process_wide_sigchld_reaper_in_another_module(
    tmp_path: Path, server: str, flagged: bool
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "queries.py").write_text(FORKS)
    (tmp_path / "app" / "server.py").write_text(server)
    result = run_cli(["check", "app", "--format", "json", "--no-cache"], cwd=tmp_path)
    found = [(f["path"], f["rule"]) for f in json.loads(result.stdout)["findings"]]
    assert found == ([("app/queries.py", "FA101")] if flagged else []), found


# The handler defined in one module, installed from another through an event loop's signal
# handlers (asyncio's add_signal_handler, or a mapping of signals the loop installs).
UTILS = LOOPING.replace("def main():\n    signal.signal(signal.SIGCHLD, reap)\n", "")
INSTALLS = {
    "add_signal_handler": """\
import asyncio, signal
from app import utils

def serve():
    loop = asyncio.new_event_loop()
    loop.add_signal_handler(signal.SIGCHLD, utils.reap, None, None)
    loop.run_forever()
""",
    "mapping": """\
import signal
from app import utils

def setup(loop):
    signals = {signal.SIGTERM: loop.stop}
    signals[signal.SIGCHLD] = utils.reap
    for number, handler in signals.items():
        loop.add_signal_handler(number, handler)
""",
}


@pytest.mark.parametrize("how", sorted(INSTALLS))
def test_a_reaper_defined_in_one_module_and_installed_from_another(
    tmp_path: Path, how: str
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "queries.py").write_text(FORKS)
    (tmp_path / "app" / "utils.py").write_text(UTILS)
    (tmp_path / "app" / "core.py").write_text(INSTALLS[how])
    result = run_cli(["check", "app", "--format", "json", "--no-cache"], cwd=tmp_path)
    assert json.loads(result.stdout)["findings"] == []
    # the same handler defined but never installed reaps nothing
    (tmp_path / "app" / "core.py").write_text("def setup(loop):\n    return loop\n")
    result = run_cli(["check", "app", "--format", "json", "--no-cache"], cwd=tmp_path)
    found = [(f["path"], f["rule"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("app/queries.py", "FA101")], found
