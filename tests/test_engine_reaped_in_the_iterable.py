"""A wait in a ``for`` statement's iterable runs once, before the first pass, on every path
(2026-12-06, held10: spython's ``for line in process.communicate():`` was "waited on some paths
only"). One in a branch of a conditional iterable may not run, and a handle given to a
function there (a generator, run only as the loop goes on) is judged as before.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PROBES = {
    "communicate_as_the_iterable": """\
import subprocess


def run(cmd):
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: ok
    lines = []
    for line in process.communicate():
        if line:
            lines.append(line)
    return lines, process.returncode
""",
    "enumerated_wait_in_the_iterable": """\
import subprocess


def run(cmd):
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: ok
    for number, part in enumerate(process.communicate()[0].splitlines()):
        print(number, part)
""",
    # handed to a generator, it is polled only as the loop goes on: a raise in the loop's body
    # leaves it unreaped (the corpus's networkml tshark reader)
    "handed_to_a_generator": """\
import subprocess


def _lines(process):
    while True:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        yield line


def run(cmd, sink):
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: leak
    for line in _lines(process):
        sink.write(line)
""",
    "conditional_iterable": """\
import subprocess


def run(cmd, check):
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: leak
    for line in process.communicate() if check else ():
        print(line)
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
