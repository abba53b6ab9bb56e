"""A thread's loop waiting on a flag of its object that no class of the module assigns, not even
a first value, while the class has a base defined in another module: the flag is the base's,
and the base's methods, not here, may well set it (2026-12-07, held17: mplayer.py's output
reader loops ``while self._source is not None: self._process_output()``, and the base's
``_process_output()`` in ``misc.py`` detaches on EOF, when the player exits; it was a high
"waits on self._source, which nothing sets"). A flag the module's own class assigns, or a base
from the standard library, keeps the judgement."""

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


def test_a_flag_only_a_base_elsewhere_holds_is_not_judged_here() -> None:
    assert (
        analysed(SUBCLASS.format(package="pkg", init="", flag="self._source"), "pkg/core.py") == []
    )


@pytest.mark.parametrize("code", [OWN_FLAG, STDLIB_BASE], ids=["own_flag", "stdlib_base"])
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
