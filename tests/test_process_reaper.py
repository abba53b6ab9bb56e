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
