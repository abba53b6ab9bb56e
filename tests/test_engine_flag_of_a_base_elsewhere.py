"""A thread's loop waiting on a flag of its object that no class of the module assigns, not even
a first value, while the class has a base defined in another module, and that is an Event or
that the loop runs a method of the base's: the flag is the base's, and the base's methods, not
here, may well end the loop (2026-12-07, held17: mplayer.py's output
reader loops ``while self._source is not None: self._process_output()``, and the base's
``_process_output()`` in ``misc.py`` detaches on EOF, when the player exits; it was a high
"waits on self._source, which nothing sets"; held10: radical.pilot's watchers wait on the
Event the base ``Component.stop()`` sets). A flag the module's own class assigns (in a method or
its body), a base from the standard library, or a plain flag the base only gives a value while
the loop runs nothing of the base's (review: a base that never lowers it) keeps the
judgement."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from tests.builders import analysed

BASE = """\
class Reader(object):
    def __init__(self):
        self._source = None

    def _attach(self, source):
        self._source = source

    def _detach(self):
        self._source = None

    def _process_output(self):
        line = self._source.readline()
        if not line:
            self._detach()  # the writer has gone: end of the stream
"""

SUBCLASS = """\
from threading import Thread

from {package} import base


class Reader(base.Reader):
{init}
    def _attach(self, source):
        super(Reader, self)._attach(source)
        t = Thread(target=self._thread_func)
        t.daemon = True
        t.start()

    def _thread_func(self):
        while {flag}:
            self._process_output()
"""

# the flag the module's own class gives a first value, and never lowers
OWN_FLAG = SUBCLASS.format(
    package="pkg",
    init=(
        "    def __init__(self):\n        super(Reader, self).__init__()\n"
        "        self._running = True\n"
    ),
    flag="self._running",
)

STDLIB_BASE = """\
import threading


class Reader(threading.Thread):
    def attach(self):
        t = threading.Thread(target=self._thread_func)
        t.daemon = True
        t.start()

    def _thread_func(self):
        while self._source is not None:
            self._source.readline()
"""


# the base's Event, set by the base's stop() (held10: radical.pilot's watchers)
EVENT = """\
import threading

from pkg.base import Component


class Watcher(Component):
    def initialize(self):
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self):
        while not self._term.is_set():
            self._term.wait(0.1)
"""

# the held17 shape as a Thread subclass: its run() waits on the base's flag
THREAD_SUBCLASS = """\
import threading

from pkg import base


class ReaderThread(base.Reader, threading.Thread):
    def __init__(self, source):
        base.Reader.__init__(self)
        threading.Thread.__init__(self, daemon=True)
        self._attach(source)

    def run(self):
        while self._source is not None:
            self._process_output()


def handle(request):
    ReaderThread(request).start()
"""

# a plain flag only the base gives a value, the loop running nothing of the base's: no stop
PLAIN_BASE_FLAG = """\
import threading
import time

from pkg import base


class Poller(base.Service):
    def start(self):
        threading.Thread(target=self._poll, daemon=True).start()

    def _poll(self):
        while self.running:
            time.sleep(0.05)
"""

# the first value given in the class body
CLASS_BODY_FLAG = PLAIN_BASE_FLAG.replace(
    "class Poller(base.Service):\n", "class Poller(base.Service):\n    running = True\n\n"
)


@pytest.mark.parametrize(
    "code",
    [SUBCLASS.format(package="pkg", init="", flag="self._source"), EVENT, THREAD_SUBCLASS],
    ids=["runs_a_base_method", "a_base_event", "thread_subclass"],
)
def test_a_flag_a_base_elsewhere_holds_and_may_end_is_not_judged_here(code: str) -> None:
    assert analysed(code, "pkg/core.py") == []


@pytest.mark.parametrize(
    "code",
    [OWN_FLAG, STDLIB_BASE, PLAIN_BASE_FLAG, CLASS_BODY_FLAG],
    ids=["own_flag", "stdlib_base", "plain_base_flag", "class_body_flag"],
)
def test_a_flag_of_the_modules_own_or_of_a_stdlib_base_is_still_judged(code: str) -> None:
    (finding,) = analysed(code, "pkg/core.py")
    assert "which nothing sets" in finding.message, finding.message


def test_at_run_time_the_bases_method_ends_the_loop(tmp_path: Path) -> None:
    package = tmp_path / "flagbase_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(BASE)
    (package / "core.py").write_text(
        SUBCLASS.format(package="flagbase_pkg", init="", flag="self._source")
    )
    sys.path.insert(0, str(tmp_path))
    try:
        from flagbase_pkg import core  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(tmp_path))
    before = threading.active_count()
    pipes = []
    for _ in range(5):
        read, write = os.pipe()
        reader = core.Reader()
        reader._attach(os.fdopen(read, "rb"))
        pipes.append(write)
    assert threading.active_count() == before + 5
    for write in pipes:
        os.close(write)  # the writer goes: the base's _process_output() detaches
    for thread in threading.enumerate():
        if thread.daemon and thread.name.endswith("(_thread_func)"):
            thread.join(2)
    assert threading.active_count() == before
