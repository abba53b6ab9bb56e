"""Where the process ends, and where only a thread does (the review of 2026-12-06).

- ``sys.exit()`` raises SystemExit: in the main thread the process ends (init reaps its
  children), in any other thread that thread alone ends and the process goes on (a
  ``multiprocessing.Process``'s target runs in its process's main thread; a threading
  socketserver's request handler runs in a thread per request). So in a
  function run as a thread's target (or a timer's function, or a Thread subclass's ``run()``)
  only ``os._exit``/``os.abort`` (or an exec) ends the process; ``sys.exit()`` there is the
  function's way out, as a ``raise`` is.
- A parent may leave through a function of the module's own: a method called on ``self`` or a
  function defined in the function holding the fork, whose last statement ends the process.
- After the fork, a branch only the child takes (``if pid == 0: os.execvp(...)``) is not the
  parent's way out: the parent goes on to what follows it (its own ``sys.exit()``).
- A child killed when its timed wait runs out, right before the process ends, is reaped by
  init.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

CASES = {
    "parent leaves through a method": """\
import os
import threading
import time


def _tick():
    while True:
        time.sleep(1)


class Spooler:
    def _detach(self):
        self.log.flush()
        os._exit(0)

    def _note(self):
        self.log.write("forked")

    def spool(self, job):
        pid = os.fork()  # expect: ok
        if pid:
            self._detach()
        threading.Thread(target=_tick, daemon=True).start()  # expect: ok
        job.run()
        os._exit(0)

    def spool_and_stay(self, job):
        pid = os.fork()  # expect: leak
        if pid:
            self._note()
            return
        threading.Thread(target=_tick, daemon=True).start()  # expect: ok
        job.run()
        os._exit(0)
""",
    "parent leaves through a nested function": """\
import os
import threading
import time


def _tick():
    while True:
        time.sleep(1)


def render(page):
    def bail():
        os._exit(0)

    pid = os.fork()  # expect: ok
    if pid > 0:
        bail()
    threading.Thread(target=_tick, daemon=True).start()  # expect: ok
    page.draw()
    os._exit(0)


def render_and_return(page):
    def note():
        print("forked")

    pid = os.fork()  # expect: leak
    if pid > 0:
        note()
        return
    page.draw()
    os._exit(0)
""",
    "child-only exec, then the parent exits": """\
import os
import sys


def hand_over(argv):
    pid = os.fork()  # expect: ok
    if pid == 0:
        os.execvp(argv[0], argv)
    sys.exit(0)
""",
    "child-only exec, then the parent exits, in a thread": """\
import os
import sys
import threading


def hand_over(argv):
    pid = os.fork()  # expect: leak
    if not pid:
        os.execvp(argv[0], argv)
    sys.exit(0)


def on_click(argv):
    threading.Thread(target=hand_over, args=(argv,)).start()  # expect: ok
""",
    "sys.exit in the parent branch of a Thread subclass": """\
import os
import sys
import threading


class Launcher(threading.Thread):
    def __init__(self, job):
        super().__init__()
        self.job = job

    def run(self):
        pid = os.fork()  # expect: leak
        if pid:
            sys.exit(0)
        self.job.run()
        os._exit(0)


class HardLauncher(threading.Thread):
    def __init__(self, job):
        super().__init__()
        self.job = job

    def run(self):
        pid = os.fork()  # expect: ok
        if pid:
            os._exit(0)
        self.job.run()
        os._exit(0)


def launch(job):
    Launcher(job).start()  # expect: ok
    HardLauncher(job).start()  # expect: ok
""",
    "sys.exit in a process's target ends that process": """\
import multiprocessing
import os
import sys


def daemonize_admin(config):
    if os.fork():  # expect: ok
        sys.exit(0)
    config.serve()


def start_admin(config):
    admin = multiprocessing.Process(target=daemonize_admin, args=(config,))  # expect: ok
    admin.start()
    admin.join()
""",
    "sys.exit where a lambda, a helper or a local Thread class runs it": """\
import os
import sys
import threading
from multiprocessing.dummy import Process


def detach_from_lambda(job):
    if os.fork():  # expect: leak
        sys.exit(0)
    job.run()
    os._exit(0)


def detach_via_dummy(job):
    if os.fork():  # expect: leak
        sys.exit(0)
    job.run()
    os._exit(0)


def _leave_and_go(job):
    pid = os.fork()  # expect: leak
    if pid:
        sys.exit(0)
    job.run()
    os._exit(0)


def helper_target(job):
    _leave_and_go(job)


class Worker(threading.Thread):
    pass


class Detacher(Worker):
    def __init__(self, job):
        super().__init__()
        self.job = job

    def run(self):
        pid = os.fork()  # expect: leak
        if pid:
            sys.exit(0)
        self.job.run()
        os._exit(0)


def on_request(job):
    threading.Thread(target=lambda: detach_from_lambda(job)).start()  # expect: ok
    Process(target=detach_via_dummy, args=(job,)).start()  # expect: ok
    threading.Thread(target=helper_target, args=(job,)).start()  # expect: ok
    Detacher(job).start()  # expect: ok
""",
    "sys.exit in a threading server's request handler": """\
import os
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer


class Forker(socketserver.StreamRequestHandler):
    def handle(self):
        pid = os.fork()  # expect: leak
        if pid:
            sys.exit(0)
        self.wfile.write(b"child")
        os._exit(0)


class Pool(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True


class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        if os.fork():  # expect: leak
            sys.exit(0)
        os._exit(0)


class Blocking(socketserver.StreamRequestHandler):
    def handle(self):
        pid = os.fork()  # expect: ok
        if pid:
            sys.exit(0)
        os._exit(0)


def serve(port):
    socketserver.ThreadingTCPServer(("", port), Forker).serve_forever()
    Pool(("", port + 1), Page).serve_forever()
    socketserver.TCPServer(("", port + 2), Blocking).serve_forever()
""",
    "the parent's exit method returns early": """\
import os


class Service:
    def _leave(self):
        if self.foreground:
            return
        os._exit(0)

    def start(self):
        pid = os.fork()  # expect: leak
        if pid:
            self._leave()
            print("started", pid)
            return
        self.serve()
        os._exit(0)
""",
    "pty.CHILD names the child's side": """\
import os
import pty
import sys


def relaunch(argv):
    pid, fd = pty.fork()  # expect: ok
    if pid == pty.CHILD:
        os.execvp(argv[0], argv)
    os.close(fd)
    sys.exit(0)
""",
    "timed out, killed, then the process ends": """\
import os
import subprocess


def supervise(args):
    proc = subprocess.Popen(args)  # expect: ok
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        os._exit(3)
    return proc.returncode


def supervise_and_go_on(args):
    proc = subprocess.Popen(args)  # expect: leak
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return None
    return proc.returncode
""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_exits_and_threads(name: str) -> None:
    assert_expectations(name, CASES[name])
