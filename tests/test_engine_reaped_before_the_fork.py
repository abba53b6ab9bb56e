"""A wait-any drain run before each fork reaps, on every run, the children of the runs before
(2026-12-06, found on PyVISA-py's RPC server in the ninth held-out environment): the start is
judged against it as against any regular reaper. Only a wait-any after the start can be left
out by the start's own ways out (an early ``return`` of the parent).

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PROBES = {
    "a_drain_before_each_fork": """\
import os


class Server:
    def forkingloop(self):
        while True:
            self.forksession(self.sock.accept())

    def forksession(self, connection):
        try:
            while True:
                pid, status = os.waitpid(0, os.WNOHANG)
        except OSError:
            pass
        pid = os.fork()  # expect: ok
        if pid:
            connection.close()
            return
        self.session(connection)
        os._exit(0)
""",
    "a_blocking_drain_before_each_fork": """\
import os


def handle(conn):
    try:
        while True:
            os.waitpid(-1, 0)
    except ChildProcessError:
        pass
    pid = os.fork()  # expect: ok
    if pid:
        conn.close()
        return
    conn.serve()
    os._exit(0)
""",
    "a_drain_after_the_fork_left_out_by_an_early_return": """\
import os


def handle(conn, fast):
    pid = os.fork()  # expect: leak
    if pid == 0:
        conn.serve()
        os._exit(0)
    if fast:
        return
    try:
        while True:
            os.waitpid(-1, 0)
    except ChildProcessError:
        pass
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
