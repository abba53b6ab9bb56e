"""A wait-any drain run before each fork reaps, on every run, the children of the runs before
(2026-12-06, found on PyVISA-py's RPC server in the ninth held-out environment): the start is
judged against it as against any regular reaper, when it runs on every way to the start (no
``if`` of its own) and the function runs again (once, it leaves that run's children). Only a
wait-any after the start can be left out by the start's own ways out (an early ``return``).

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
    "a_drain_run_only_behind_an_option": """\
import os


class ForkingServer:
    def __init__(self, sock, reap_children=False):
        self.sock = sock
        self.reap_children = reap_children

    def serve_forever(self):
        while True:
            conn, _ = self.sock.accept()
            self.handle(conn)

    def handle(self, conn):
        if self.reap_children:
            try:
                while True:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                    if pid == 0:
                        break
            except ChildProcessError:
                pass
        pid = os.fork()  # expect: leak
        if pid:
            conn.close()
            return
        self.session(conn)
        os._exit(0)
""",
    "a_drain_before_forks_run_once": """\
import os


def start_workers(n, work):
    try:
        while True:
            os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        pass
    for _ in range(n):
        pid = os.fork()  # expect: leak
        if pid == 0:
            work()
            os._exit(0)


def main(server):
    start_workers(4, server.work)
    server.serve_forever()


if __name__ == "__main__":
    main(make_server())
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


# A drain that the server loop's caller runs once that loop ends (at shutdown) reaps nothing
# while the server serves: the forks of the loop pile up (the review of 2026-12-06). After a
# bounded `for` of starts it waits them all out when the loop ends.
PROBES["a_drain_at_shutdown_only"] = """\
import os


class ForkingServer:
    def serve_forever(self):
        try:
            while True:
                conn, _ = self.sock.accept()
                self.process(conn)
        finally:
            self.close()

    def drain(self):
        try:
            while True:
                os.waitpid(-1, 0)
        except ChildProcessError:
            pass

    def close(self):
        self.sock.close()
        self.drain()

    def process(self, conn):
        pid = os.fork()  # expect: leak
        if pid:
            conn.close()
            return
        self.session(conn)
        os._exit(0)
"""
PROBES["a_drain_after_a_batch"] = """\
import os


class Batch:
    def run_all(self, jobs):
        for job in jobs:
            self.run_one(job)
        self.drain()

    def drain(self):
        try:
            while True:
                os.waitpid(-1, 0)
        except ChildProcessError:
            pass

    def run_one(self, job):
        pid = os.fork()  # expect: ok
        if pid:
            return
        job.run()
        os._exit(0)
"""


# What ends a loop, not how it is spelled: one that serves until stopped (`for conn in
# iter(accept, None)`, `for m in pubsub.listen()`, `while self.running:`, `while True:` in the
# very function forking) keeps its forks until the drain after it; one over its own work
# (`while pending:`) ends, and the drain then waits them all out (the review of 2026-12-06).
PROBES["drains_after_serving_and_working_loops"] = """\
import os


def _drain():
    try:
        while True:
            os.waitpid(-1, 0)
    except ChildProcessError:
        pass


def _spawn(task):
    pid = os.fork()  # expect: leak
    if pid == 0:
        task.run()
        os._exit(0)


def _spawn_batch(task):
    pid = os.fork()  # expect: ok
    if pid == 0:
        task.run()
        os._exit(0)


class Listener:
    def serve(self, sock):
        for conn in iter(sock.accept, None):
            _spawn(conn)
        _drain()

    def follow(self, bus):
        while self.running:
            _spawn(bus.get())
        _drain()

    def work_off(self, pending):
        while pending:
            _spawn_batch(pending.pop())
        _drain()


_running = True


def _stop(signum, frame):
    global _running
    _running = False


def follow_flag(bus):
    while _running:
        _spawn(bus.get())
    _drain()


def follow_event(bus, stop):
    while not stop.is_set():
        _spawn(bus.get())
    _drain()


def follow_lines(stream):
    for number, line in enumerate(iter(stream.readline, "")):
        _spawn(line)
    _drain()


def follow_stdin():
    import sys

    for line in sys.stdin:
        _spawn(line)
    _drain()


def work_through(items):
    todo = list(items)
    while True:
        try:
            item = todo.pop()
        except IndexError:
            break
        _spawn_batch(item)
    _drain()


def serve_here(sock, handler):
    try:
        while True:
            conn, _ = sock.accept()
            pid = os.fork()  # expect: leak
            if pid == 0:
                handler(conn)
                os._exit(0)
            conn.close()
    finally:
        _drain()
"""


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
