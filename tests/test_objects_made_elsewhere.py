"""Two answers the package's other modules give about how often a start runs.

1. (Objects of a public class its module never makes are counted where the package's other
   modules make them only for a hook of that class, below: asked for every such object, it
   parsed a tenth more modules on the bench to raise one finding of 22 environments from low to
   medium; gdbgui's ``Pty``, a fork per debug session made two modules away, stays medium.)
2. A method several classes of the package define (a template method: ``def prepare(self):
   pass`` in a base whose ``__init__`` calls ``self.prepare()``) runs once per object made when
   every call of it in the other modules is ``self.prepare()`` in an ``__init__`` (or an
   override's ``super().prepare()``): whichever override it reaches (2026-12-07, held21:
   tidevice's DTXService.prepare() starts the reader of a connection, ended by close(), and was
   ranked first for a high "on every call of prepare()")."""

from __future__ import annotations

from pathlib import Path

from tests.builders import check_findings

BASE = """\
class Proxy:
    def __init__(self, sock):
        self._sock = sock
        self.prepare()

    def prepare(self):
        pass

    def close(self):
        self._sock.close()
"""

SERVICE = """\
import threading
import weakref

from app.base import Proxy


class Service(Proxy):
    def prepare(self):
        super().prepare()
        self._stop_event = threading.Event()
        self._drain_background()
        weakref.finalize(self, self._stop_event.set)

    def _drain_background(self):
        threading.Thread(name="drain", target=self._drain, daemon=True).start()

    def _drain(self):
        while not self._stop_event.is_set():
            try:
                self._sock.recv(1024)
            except OSError:
                if self._stop_event.is_set():
                    break
                raise

    def close(self):
        self._stop_event.set()
        super().close()


class Instruments(Service):
    def prepare(self):
        super().prepare()
"""

OTHER_CALLER = """\
def refresh(service):
    service.prepare()
"""


def test_a_template_method_run_by_a_constructor_runs_once_per_object(tmp_path: Path) -> None:
    app = _package(tmp_path, {"base.py": BASE, "service.py": SERVICE})
    found = [f for f in check_findings(app, "app") if str(f["path"]).endswith("service.py")]
    assert [f["severity"] for f in found if f["severity"] == "high"] == [], found


def test_a_template_method_called_elsewhere_too_stays_per_call(tmp_path: Path) -> None:
    app = _package(tmp_path, {"base.py": BASE, "service.py": SERVICE, "hooks.py": OTHER_CALLER})
    found = [f for f in check_findings(app, "app") if str(f["path"]).endswith("service.py")]
    assert [f["severity"] for f in found] == ["high"], found
    assert "on every call of prepare()" in str(found[0]["message"])


SERVER = """\
from app.service import Service


def serve(listener):
    while True:
        sock, _ = listener.accept()
        Service(sock)
"""


def test_a_template_method_runs_as_often_as_its_objects_are_made(tmp_path: Path) -> None:
    """Once per object, and the objects made per connection in another module: per
    connection (the review's r5_hook_per_conn: 5 threads left after 5 connections)."""
    app = _package(tmp_path, {"base.py": BASE, "service.py": SERVICE, "server.py": SERVER})
    found = [f for f in check_findings(app, "app") if str(f["path"]).endswith("service.py")]
    assert [f["severity"] for f in found] == ["high"], found
    assert "Service objects are made in a `while` loop in serve()" in str(found[0]["message"])


def _package(root: Path, files: dict[str, str]) -> Path:
    app = root / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    for name, text in files.items():
        (app / name).write_text(text)
    return root
