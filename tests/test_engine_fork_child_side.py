"""Code on the child's side of a fork runs once in each new child (2026-12-06): however often
the function holding the fork runs (per request), each run makes a new process that runs that
code once, so a thread it starts is that child's own, one per child, and goes with it. The
child's side is the branch of an ``if`` on the pid that holds in the child (``if pid == 0:``,
``if not os.fork():``, the ``else`` of ``if pid:``), or what follows an ``if`` on the pid whose
parent's branch leaves (``if pid: return``), the pid being a name bound to a fork, the fork
itself, or a function of the module returning one. A loop inside the child repeats it there.
And ``if os.fork(): return`` leaves the parent without the pid: the ``os._exit()`` after it is
the child's, so the fork is a zombie per call (``raise SystemExit`` there ends the parent). The
pid is a name this function binds to a fork (a ``pid`` from ``os.waitpid()`` is not one). A
thread of a child that leaves by ``os._exit()`` goes with it, daemon or not: nothing waits.
The parent's branch leaves as ``block_exits`` says (2026-12-06): a function of the module that
exits, an ``if`` exiting on every branch; and ``pid, fd = pty.fork()`` binds the pid as
``pid = os.fork()`` does, in a helper returning it too (alone, or first: ``return pid, fd``).

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

HEAD = """\
import os
import threading
import time


def _beat():
    while True:
        time.sleep(1)


"""

PROBES = {
    "thread_in_the_child_branch": HEAD
    + """\
def handle(request):
    pid = os.fork()
    if pid == 0:
        threading.Thread(target=_beat, daemon=True).start()  # expect: ok
        request.run()
        os._exit(0)
    os.waitpid(pid, 0)
""",
    "thread_after_the_parent_returned": HEAD
    + """\
def handle(request):
    pid = os.fork()  # expect: leak
    if pid:
        return
    threading.Thread(target=_beat, daemon=True).start()  # expect: ok
    request.run()
    os._exit(0)
""",
    "the_fork_tested_directly": HEAD
    + """\
def handle(request):
    if os.fork():  # expect: leak
        return
    threading.Thread(target=_beat, daemon=True).start()  # expect: ok
    request.run()
    os._exit(0)
""",
    "the_pid_from_a_helper": HEAD
    + """\
def _fork_child():
    pid = os.fork()
    return pid


def handle(request):
    if _fork_child():
        return
    threading.Thread(target=_beat, daemon=True).start()  # expect: ok
    request.run()
    os._exit(0)
""",
    "the_parent_waits_first": HEAD
    + """\
def handle(request):
    pid = os.fork()  # expect: ok
    if pid:
        os.waitpid(pid, 0)
        return
    threading.Thread(target=_beat, daemon=True).start()  # expect: ok
    request.run()
    os._exit(0)
""",
    "a_loop_inside_the_child": HEAD
    + """\
def handle(requests):
    pid = os.fork()
    if pid == 0:
        for request in requests:
            threading.Thread(target=_beat, daemon=True).start()  # expect: leak
            request.run()
        os._exit(0)
    os.waitpid(pid, 0)
""",
    "the_parent_side": HEAD
    + """\
def handle(request):
    pid = os.fork()
    if pid == 0:
        request.run()
        os._exit(0)
    threading.Thread(target=_beat, daemon=True).start()  # expect: leak
    os.waitpid(pid, 0)
""",
    "a_pid_name_bound_elsewhere": HEAD
    + """\
def _reap_one():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def handle(request):
    pid, status = os.waitpid(-1, os.WNOHANG)
    if pid == 0:
        threading.Thread(target=_beat).start()  # expect: leak
    return status
""",
    "a_non_daemon_thread_in_a_child_that_leaves_by_os_exit": HEAD
    + """\
def _fork():
    return os.fork()


def handle(conn):
    if _fork() == 0:
        threading.Thread(target=_beat).start()  # expect: ok
        conn.sendall(b"x")
        os._exit(0)
    conn.close()
""",
    "the_pid_from_a_pty_helper": HEAD
    + """\
import pty


def _spawn():
    pid, fd = pty.fork()
    return pid


def handle(request):
    if _spawn():
        return
    threading.Thread(target=_beat, daemon=True).start()  # expect: ok
    request.run()
    os._exit(0)
""",
    "the_pid_first_of_a_pair_a_helper_returns": HEAD
    + """\
import pty


def _open_pty():
    pid, fd = pty.fork()
    return pid, fd


def handle(request):
    pid, fd = _open_pty()
    if pid:
        return fd
    threading.Thread(target=_beat, daemon=True).start()  # expect: ok
    request.run()
    os._exit(0)
""",
    "the_parent_leaves_through_a_function_that_exits": HEAD
    + """\
def _finish(code):
    os._exit(code)


def handle(request):
    pid = os.fork()  # expect: ok
    if pid:
        _finish(0)
    threading.Thread(target=_beat, daemon=True).start()  # expect: ok
    request.run()
    os._exit(0)
""",
    "the_parent_exits_on_every_branch": HEAD
    + """\
import sys


def handle(request, quiet):
    pid = os.fork()  # expect: ok
    if pid:
        if quiet:
            os._exit(0)
        else:
            sys.exit(0)
    threading.Thread(target=_beat, daemon=True).start()  # expect: ok
    request.run()
    os._exit(0)
""",
    "the_parent_raises_system_exit": HEAD
    + """\
def daemonize(job):
    if os.fork():  # expect: ok
        raise SystemExit(0)
    os.setsid()
    job()
    os._exit(0)
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
