"""``os.waitpid(pid, os.WNOHANG)`` asks once whether the child has ended: it reaps only one
already gone (2026-12-05). Right after the fork, in a loop starting a new child on every pass,
each child is asked about once and left a zombie when it ends; polled in a loop that waits for
it, or in the SIGCHLD handler (run once a child has ended), it reaps.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

from tests.builders import assert_expectations

SERVER = """\
import os
import signal
import time


def serve_once(conn):
    pid = os.fork()  # expect: ok
    if pid == 0:
        os._exit(0)
    while True:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)


def serve(sock):
    while True:
        conn, _ = sock.accept()
        pid = os.fork()  # expect: leak
        if pid == 0:
            os._exit(0)
        conn.close()
        os.waitpid(pid, os.WNOHANG)


def run(job):
    pid = os.fork()  # expect: ok
    if pid == 0:
        os._exit(0)

    def on_child(signum, frame):
        os.waitpid(pid, os.WNOHANG)

    signal.signal(signal.SIGCHLD, on_child)
"""


def test_probe() -> None:
    assert_expectations("wnohang_once", SERVER)
