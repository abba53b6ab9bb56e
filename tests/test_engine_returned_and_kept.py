"""A handle kept on its object and also returned by the method that starts it (``self.proc =
Popen(...); return self.proc``) is reaped by a caller of that method that reaps what it gets
(``process = server.start(); process.wait()``, ``with server.start() as process:``), whatever the
object's own cleanup does (2026-12-05), when every caller of it in the module does. A caller that
only reads its pid reaps nothing, and one dropping it leaves it to the object.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

SERVER = """\
import subprocess


class Server:
    def __init__(self):
        self.proc = None

    def start(self, cmd):
        self.proc = subprocess.Popen(cmd)  # expect: {expect}
        return self.proc

    def stop(self):
        if self.proc:
            self.proc.terminate()


def main(cmd):
    server = Server()
    process = server.start(cmd)
    print("pid", process.pid)
    {then}
"""

PROBES = {
    "caller_waits": SERVER.format(expect="ok", then="process.wait()"),
    "caller_only_reads_pid": SERVER.format(expect="leak", then="server.stop()"),
    # `with` on the Popen waits for it at the block's end
    "caller_with_block": SERVER.format(expect="ok", then="with process:\n        pass"),
    # one caller reaping does not reap what another drops (per request)
    "second_caller_drops": SERVER.format(expect="leak", then="process.wait()")
    + """

def handle(request):
    Server().start(request.cmd)
    return "started"
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
