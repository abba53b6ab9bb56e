"""Code on the child's side of a fork runs once in each new child (2026-12-06): however often
the function holding the fork runs (per request), each run makes a new process that runs that
code once, so a thread it starts is that child's own, one per child, and goes with it. The
child's side is the branch of an ``if`` on the pid that holds in the child (``if pid == 0:``,
``if not os.fork():``, the ``else`` of ``if pid:``), or what follows an ``if`` on the pid whose
parent's branch leaves (``if pid: return``), the pid being a name bound to a fork, the fork
itself, or a function of the module returning one. A loop inside the child repeats it there.
And ``if os.fork(): return`` leaves the parent without the pid: the ``os._exit()`` after it is
the child's, so the fork is a zombie per call.

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
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
