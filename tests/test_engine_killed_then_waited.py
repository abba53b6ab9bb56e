"""A wait with a timeout right after a SIGKILL reaps, whatever its timeout: SIGKILL cannot be
caught (2026-12-05: the kill may come through a function of the module given the handle, as a
process-group kill does, and the wait may be the first statement of a ``try`` after it).

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

KILLER = """\
import os
import signal
import subprocess


def _tree_kill(proc):
    if os.name == "nt":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)])
    else:
        try:
            os.killpg(os.getpgid(proc.pid), signal.{signal})
        except ProcessLookupError:
            pass


def run(cmd):
    proc = subprocess.Popen(cmd, start_new_session=True)  # expect: {expect}
    try:
        proc.wait(timeout=300)
    except subprocess.TimeoutExpired:
        _tree_kill(proc)
        try: ok = proc.wait(timeout=15) is not None
        except Exception: ok = False
        return ok
"""

PROBES = {
    # SIGKILLed through the module's function, then waited in a one-line try: reaped
    "killed_through_a_function": KILLER.format(signal="SIGKILL", expect="ok"),
    # SIGTERM may be ignored: the timed wait may give up on a child still running
    "terminated_through_a_function": KILLER.format(signal="SIGTERM", expect="leak"),
    # the helper is given the pid, not the handle
    "pid_given_to_the_killer": """\
import os
import signal
import subprocess


def _kill_pid(pid):
    os.kill(pid, signal.SIGKILL)


def probe(dev):
    proc = subprocess.Popen(["smartctl", "-a", dev])  # expect: ok
    try:
        return proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        _kill_pid(proc.pid)
        proc.wait(timeout=15)
""",
    # the kill itself, then the wait first in a try
    "killed_then_try": """\
import subprocess


def run(cmd):
    proc = subprocess.Popen(cmd)  # expect: ok
    try:
        proc.wait(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
""",
    # something else between the kill and the try: not right after it
    "killed_then_other_then_try": """\
import subprocess


def run(cmd, log):
    proc = subprocess.Popen(cmd)  # expect: leak
    try:
        proc.wait(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        log.flush()
        try:
            proc.wait(timeout=0)
        except subprocess.TimeoutExpired:
            pass
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
