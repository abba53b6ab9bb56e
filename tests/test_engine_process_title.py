"""A function that names its own process (``setproctitle(...)`` as one of its statements) is the
main of a process (2026-12-05): a process names itself once, at the start of its life, so what it
starts (a daemon loop per object it makes) is once per process, wherever the module that hands it
to a Process lives. A title set per task in a loop, by a function this module calls in a loop,
or after the function forks (the child's title) says nothing.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

SERVER = """\
import threading

from setproctitle import setproctitle


class Interchange:
    def __init__(self, port):
        self.port = port

    def start(self):
        puller = threading.Thread(target=self.pull, daemon=True)  # expect: {expect}
        puller.start()
        self.serve()

    def pull(self):
        while True:
            self.port.recv()

    def serve(self):
        self.port.poll()


"""

PROBES = {
    "titled_entry": SERVER.format(expect="ok")
    + """\
def starter(queue, port):
    \"\"\"Run by the executor in a process of its own.\"\"\"
    setproctitle("app: interchange")
    ic = Interchange(port)
    queue.put(ic.port)
    ic.start()
""",
    "titled_under_if": SERVER.format(expect="ok")
    + """\
def starter(queue, port):
    if setproctitle:
        setproctitle("app: interchange")
    ic = Interchange(port)
    ic.start()
""",
    "untitled_entry": SERVER.format(expect="leak")
    + """\
def starter(queue, port):
    ic = Interchange(port)
    queue.put(ic.port)
    ic.start()
""",
    "titled_per_task_in_a_loop": SERVER.format(expect="leak")
    + """\
def handle(port):
    setproctitle("app: busy")
    ic = Interchange(port)
    ic.start()


def worker(queue):
    while True:
        handle(queue.get())
""",
    "title_set_in_the_loop_only": SERVER.format(expect="leak")
    + """\
def starter(queue):
    while True:
        port = queue.get()
        setproctitle("app: busy")
        ic = Interchange(port)
        ic.start()
""",
    # handed on, not called: a task per submit, a handler per signal
    "titled_task_submitted": SERVER.format(expect="leak")
    + """\
def work(port):
    setproctitle("app: busy")
    ic = Interchange(port)
    ic.start()


def serve(pool, queue):
    while True:
        pool.submit(work, queue.get())
""",
    # a thread's run() names the process, but runs once per object made per request
    "titled_thread_run": """\
import threading

from setproctitle import setproctitle


class Job(threading.Thread):
    def run(self):
        setproctitle("app: job")
        t = threading.Thread(target=self.spin, daemon=True)  # expect: leak
        t.start()

    def spin(self):
        while True:
            pass


def handle(request):
    Job().start()
""",
    "titled_after_a_fork": """\
import os

from setproctitle import setproctitle


class Mux:
    def start(self):
        self.pid = os.fork()  # expect: leak
        if self.pid:
            return
        setproctitle("app: mux")
        os._exit(0)


def handle(req):
    Mux().start()
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])


def test_title_after_a_fork_names_the_child() -> None:
    """The parent that forks per request is not "once" because its child names itself."""
    from forkaudit.analysis.engine import analyze_source
    from forkaudit.rules import load_rules

    code = PROBES["titled_after_a_fork"]
    result = analyze_source(code.encode(), "mux.py", load_rules().rules)
    (finding,) = result.findings
    assert "names its process" not in finding.message
    assert finding.severity == "high", finding.message


def test_title_after_a_forking_helper_names_the_child() -> None:
    """``if not _fork_child(): return`` then a title: the child's, not the parent's, which
    forks on every request."""
    from forkaudit.analysis.engine import analyze_source
    from forkaudit.rules import load_rules

    code = """\
import os

from setproctitle import setproctitle


def _fork_child():
    return os.fork() == 0


def spawn():
    if not _fork_child():
        return
    setproctitle("app: child")
    os._exit(0)


def serve(requests):
    for req in requests:
        spawn()
"""
    result = analyze_source(code.encode(), "spawn.py", load_rules().rules)
    (finding,) = result.findings
    assert "names its process" not in finding.message, finding.message
    assert finding.severity == "high", finding.message
