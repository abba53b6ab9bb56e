"""A flag a thread's loop waits on, lowered by the code using its objects rather than by a method
of its class, ends the loop when that code runs (2026-12-05). In the same module
(``hist.gc.wait_for_shell = False`` beside the class), or in another module of the package: the
runner hands in the modules naming the attribute, and a store into it there (not a read) is the
stop. A flag nothing stores into anywhere still leaves the thread looping for ever."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import assert_expectations, run_cli

GC = """\
import threading
import time


class GC(threading.Thread):
    def __init__(self, wait_for_shell=True):
        super().__init__(daemon=True)
        self.wait_for_shell = wait_for_shell
        self.start()

    def run(self):
        while self.wait_for_shell:
            time.sleep(0.01)
        self.collect()

    def collect(self):
        pass


class History:
    def __init__(self):
        self.gc = GC()  # expect: {expect}
"""

PROBES = {
    "lowered_beside_the_class": GC.format(expect="ok")
    + """\

def make_shell():
    hist = History()
    hist.gc.wait_for_shell = False
    return hist
""",
    "lowered_nowhere": GC.format(expect="leak")
    + """\

def make_shell():
    hist = History()
    print(hist.gc.wait_for_shell)
    return hist
""",
    # an Event given inline and never set: the owner holds none to set
    "event_given_inline_never_set": """\
import threading


class Ticker(threading.Thread):
    def __init__(self, stop):
        super().__init__(daemon=True)
        self.stop = stop

    def run(self):
        while not self.stop.is_set():
            self.stop.wait(1)


def handle(request):
    Ticker(threading.Event()).start()  # expect: leak
""",
    # lowered only by its own run() when a step fails: it loops for ever while all goes well
    "lowered_by_itself_on_error": """\
import threading
import time


class Pump(threading.Thread):
    def __init__(self, source):
        super().__init__(daemon=True)
        self.source = source
        self.running = True

    def run(self):
        while self.running:
            try:
                self.source.pump()
            except OSError:
                self.running = False
            time.sleep(0.01)


def handle(request):
    Pump(request.source).start()  # expect: leak
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])


SHELL = """\
from app.history import History


def make_shell():
    hist = History()
    {line}
    return hist
"""

SHELLS = {
    # another module of the package lowers it: the loop ends there
    "stored": (SHELL.format(line="hist.gc.wait_for_shell = False"), []),
    "by_name": (SHELL.format(line='setattr(hist.gc, "wait_for_shell", False)'), []),
    # only read there, or stored the value that keeps the loop going, or named in a string
    # that sets nothing: nothing lowers it, the thread loops for ever
    "read_only": (SHELL.format(line="print(hist.gc.wait_for_shell)"), ["app/history.py"]),
    "kept_true": (SHELL.format(line="hist.gc.wait_for_shell = True"), ["app/history.py"]),
    "string_only": (SHELL.format(line='print("wait_for_shell")'), ["app/history.py"]),
    # another class's own attribute of the same name, set on its self
    "own_attribute_of_another_class": (
        SHELL.format(line="pass")
        + "\n\nclass Other:\n    def __init__(self):\n        self.wait_for_shell = False\n",
        ["app/history.py"],
    ),
}


@pytest.mark.parametrize("how", sorted(SHELLS))
def test_a_flag_lowered_in_another_module(tmp_path: Path, how: str) -> None:
    shell, expected = SHELLS[how]
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "history.py").write_text(GC.format(expect="-"))
    (tmp_path / "app" / "shell.py").write_text(shell)
    result = run_cli(["check", "app", "--format", "json", "--no-cache"], cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    found = json.loads(result.stdout)["findings"]
    assert [f["path"] for f in found] == expected, found
