"""Three answers the package's other modules give about how often a start runs (the third:
objects of a class with a close() they make only as part of their own set-up are no per-use
ones, below).

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

from tests.builders import app_package, check_findings

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
    app = app_package(tmp_path, {"base.py": BASE, "service.py": SERVICE})
    found = [f for f in check_findings(app, "app") if str(f["path"]).endswith("service.py")]
    assert [f["severity"] for f in found if f["severity"] == "high"] == [], found


def test_a_template_method_called_elsewhere_too_stays_per_call(tmp_path: Path) -> None:
    app = app_package(tmp_path, {"base.py": BASE, "service.py": SERVICE, "hooks.py": OTHER_CALLER})
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
    app = app_package(tmp_path, {"base.py": BASE, "service.py": SERVICE, "server.py": SERVER})
    found = [f for f in check_findings(app, "app") if str(f["path"]).endswith("service.py")]
    assert [f["severity"] for f in found] == ["high"], found
    assert "Service objects are made in a `while` loop in serve()" in str(found[0]["message"])


DISCOVERY = """\
from zeroconf import ServiceBrowser, Zeroconf


class AutoDiscover:
    def __init__(self):
        self.zeroconf = Zeroconf()
        self.browser = ServiceBrowser(self.zeroconf, "_app._tcp.local.", self)

    def close(self):
        self.zeroconf.close()
"""

SERVER_LIST = """\
from app.discovery import AutoDiscover


class ServerList:
    def __init__(self):
        self.autodiscover = AutoDiscover()
"""

PER_LOOKUP = """\
from app.discovery import AutoDiscover


def lookup(requests):
    for request in requests:
        found = AutoDiscover()
        found.close()
"""


def test_objects_the_package_makes_as_its_own_set_up_are_no_per_use_ones(
    tmp_path: Path,
) -> None:
    """A class with a close() is taken to be made and closed per use, unless the package's
    own code shows where its objects are made: only in a set-up (a server list's
    ``__init__``), they are long-lived parts, closed with their owner (2026-12-07, held23:
    Glances' zeroconf browser, never cancelled, once per browser object, ranked second for a
    high "made and ended per use")."""
    app = app_package(tmp_path, {"discovery.py": DISCOVERY, "servers.py": SERVER_LIST})
    found = [f for f in check_findings(app, "app") if str(f["path"]).endswith("discovery.py")]
    assert [f["severity"] for f in found] == ["medium"], found
    assert "made and ended per use" not in str(found[0]["message"])


def test_objects_made_nowhere_in_the_package_or_per_use_stay_per_use(tmp_path: Path) -> None:
    """Made nowhere (its users make them), in a loop, or in the set-up of an object that has
    an end of its own (a client's `__init__` making its queue, the client made and
    disconnected per use: aim's RequestQueue, held8, stays high)."""
    alone = app_package(tmp_path / "a", {"discovery.py": DISCOVERY})
    looped = app_package(tmp_path / "b", {"discovery.py": DISCOVERY, "lookup.py": PER_LOOKUP})
    owned = app_package(
        tmp_path / "c",
        {
            "discovery.py": DISCOVERY,
            "servers.py": SERVER_LIST + "\n    def disconnect(self):\n        pass\n",
        },
    )
    for root in (alone, looped, owned):
        found = [f for f in check_findings(root, "app") if str(f["path"]).endswith("discovery.py")]
        assert [f["severity"] for f in found] == ["high"], found


WORKER_BASE = """\
import threading


class WorkerProcess:
    def __init__(self, server):
        self._server = server
        self._restart = threading.Event()

    def main(self, project_dir):
        self._server.start()
        self._start_file_watcher(project_dir)
        self._restart.wait()

    def _start_file_watcher(self, project_dir):
        raise NotImplementedError("_start_file_watcher")
"""

STAT_WORKER = """\
import threading
import time

from app.base import WorkerProcess


class StatWorkerProcess(WorkerProcess):
    def _start_file_watcher(self, project_dir):
        watcher = StatWatcher()
        watcher.watch(project_dir)


class StatWatcher:
    def __init__(self):
        self._shutdown = threading.Event()

    def watch(self, root):
        t = threading.Thread(target=self._poll, args=(root,), daemon=True)
        t.start()

    def _poll(self, root):
        while not self._shutdown.is_set():
            time.sleep(1)
"""


def test_a_template_method_a_workers_main_runs_runs_once(tmp_path: Path) -> None:
    """`self._start_file_watcher()` in a worker's `main()` runs the override once per worker
    process; the base's `raise NotImplementedError("_start_file_watcher")` names it in a
    string, but calls nothing by that name (2026-12-07, held25: chalice's stat file watcher, a
    poll thread per dev-server worker process, was a high "on every call of
    _start_file_watcher()")."""
    app = app_package(tmp_path, {"base.py": WORKER_BASE, "stat.py": STAT_WORKER})
    found = [f for f in check_findings(app, "app") if str(f["path"]).endswith("stat.py")]
    assert [f["severity"] for f in found if f["severity"] == "high"] == [], found


def test_a_template_method_named_in_a_dispatch_string_stays_per_call(tmp_path: Path) -> None:
    base = WORKER_BASE.replace(
        'raise NotImplementedError("_start_file_watcher")',
        'getattr(self, "_start_file_watcher")(project_dir)',
    )
    app = app_package(tmp_path, {"base.py": base, "stat.py": STAT_WORKER})
    found = [f for f in check_findings(app, "app") if str(f["path"]).endswith("stat.py")]
    assert [f["severity"] for f in found] == ["high"], found
