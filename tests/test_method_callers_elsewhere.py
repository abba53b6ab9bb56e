"""A method its own module never calls runs as often as the package's other modules call it
(2026-12-06, held10: radical.pilot's ``start_flux()`` starts a process per partition in a loop,
and its only caller is a component's ``initialize()``, once per component; it ranked the
distribution first). Calls are matched by the method's name whatever object they are read from,
so they count only when no other class of the package defines a method of that name. One handed
on uncalled, named in a string, or called nowhere in the package stays per call (the API's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import check_findings

LAUNCHER = """\
import threading


def _pump(queue):
    while True:
        queue.get()


class Launcher:
    def start_workers(self, queues):
        for queue in queues:
            threading.Thread(target=_pump, args=(queue,)).start()
"""

COMPONENT_ONCE = """\
from app.launcher import Launcher


class Component:
    def initialize(self):
        self._launcher = Launcher()
        self._launcher.start_workers(self.queues)
"""

COMPONENT_LOOP = """\
def serve(launcher, requests):
    while True:
        launcher.start_workers(requests.get())
"""

COMPONENT_HANDED_ON = """\
def install(launcher, hooks):
    hooks.append(launcher.start_workers)
"""

COMPONENT_BY_NAME = """\
def install(launcher, queues):
    getattr(launcher, "start_workers")(queues)
"""

OTHER_DEFINER = """\
class Restarter:
    def start_workers(self, queues):
        return len(queues)
"""

LAUNCHER_SUBMIT = LAUNCHER.replace("start_workers", "submit")
COMPONENT_SUBMIT = COMPONENT_ONCE.replace("start_workers", "submit")

CASES = {
    # once per component: lowered to bounded
    "initialize": ({"component.py": COMPONENT_ONCE}, "medium", "once per Component object"),
    # a serving loop calls it: still many
    "loop": ({"component.py": COMPONENT_LOOP}, "high", "in a loop in start_workers()"),
    # out of sight: handed on, called by name, or a namesake another class defines
    "handed_on": (
        {"component.py": COMPONENT_ONCE, "hooks.py": COMPONENT_HANDED_ON},
        "high",
        "in a loop in start_workers()",
    ),
    "by_name": (
        {"component.py": COMPONENT_ONCE, "hooks.py": COMPONENT_BY_NAME},
        "high",
        "in a loop in start_workers()",
    ),
    "namesake": (
        {"component.py": COMPONENT_ONCE, "restart.py": OTHER_DEFINER},
        "high",
        "in a loop in start_workers()",
    ),
    # a name the standard library's objects answer to: `x.submit()` may be an executor's
    "stdlib_name": (
        {"launcher.py": LAUNCHER_SUBMIT, "component.py": COMPONENT_SUBMIT},
        "high",
        "in a loop in submit()",
    ),
    # nothing in the package calls it: the API's, per call
    "no_caller": ({}, "high", "in a loop in start_workers()"),
}


CONNECTION = """\
import threading


def _pump(sock):
    while True:
        sock.recv(1024)


class Conn:
    @classmethod
    def open(cls, sock):
        threading.Thread(target=_pump, args=(sock,)).start()
        return cls()
"""

SERVER = """\
from app.conn import Conn


def serve(listener):
    while True:
        sock, _ = listener.accept()
        Conn.open(sock)
"""


def test_a_classmethod_named_for_set_up_runs_as_often_as_it_is_called(tmp_path: Path) -> None:
    """``open()`` of an object runs once per object; a classmethod ``Conn.open(sock)`` has no
    object and runs per call (the independent review's p4_24: one per accepted connection)."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "conn.py").write_text(CONNECTION)
    (app / "server.py").write_text(SERVER)
    found = [f for f in _findings(tmp_path) if str(f["path"]).endswith("conn.py")]
    assert [f["severity"] for f in found] == ["high"], found
    assert "in a `while` loop in serve() in server.py" in str(found[0]["message"]), found[0]


def _findings(root: Path) -> list[dict[str, object]]:
    return check_findings(root, "app")


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_package_calls_say_how_often_a_method_runs(tmp_path: Path, case: str) -> None:
    modules, severity, why = CASES[case]
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "launcher.py").write_text(LAUNCHER)
    for name, text in modules.items():  # (may replace launcher.py)
        (app / name).write_text(text)
    found = [f for f in _findings(tmp_path) if str(f["path"]).endswith("launcher.py")]
    assert len(found) == 1, found
    assert found[0]["severity"] == severity, found[0]
    assert why in str(found[0]["message"]), found[0]["message"]
