"""A once-guard on the object itself (``if not hasattr(self, "_t")``, as ``if self._t is
None``) makes a start once per object, not once per process; and the objects of a framework's
handler class (``BaseHTTPRequestHandler``, ``socketserver.BaseRequestHandler``) are made one
per connection or request, so what each does once, every request does again (2026-12-06,
held15: remi's ``App``, an http.server handler, starts an idle-loop thread once per object
behind ``not hasattr(self, '_need_update_flag')``; the guard was read as once per process)."""

from __future__ import annotations

import threading
import time
import urllib.request
from http.server import HTTPServer

import pytest

from tests.builders import analysed

HANDLER = """
import threading
import time
from http.server import BaseHTTPRequestHandler


class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        self._ensure_ticker()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def _ensure_ticker(self):
        if not {guard}:
            self._ticks = 0
            ticker = threading.Thread(target=self._tick, daemon=True)
            ticker.start()

    def _tick(self):
        while True:
            time.sleep(0.05)
            self._ticks += 1

    def log_message(self, *args):
        pass
"""
GUARDS = {"hasattr": 'hasattr(self, "_ticks")', "getattr": 'getattr(self, "_ticks", None)'}
# the same guard on a plain class the module makes once: once per object, bounded
PLAIN = (
    HANDLER.format(guard=GUARDS["hasattr"])
    .replace("class Page(BaseHTTPRequestHandler):", "class Page:")
    .replace("from http.server import BaseHTTPRequestHandler\n", "")
    + "\nPAGE = Page()\n"
)


def _findings(code: str) -> list[tuple[str, str]]:
    return [(f.severity, f.message) for f in analysed(code, "page.py")]


@pytest.mark.parametrize("guard", sorted(GUARDS))
def test_a_guard_on_the_handler_object_runs_per_request(guard: str) -> None:
    ((severity, message),) = _findings(HANDLER.format(guard=GUARDS[guard]))
    assert severity == "high", message
    assert "per connection or request" in message


def test_the_same_guard_on_an_object_made_once_is_bounded() -> None:
    assert [severity for severity, _ in _findings(PLAIN)] == []


def test_at_run_time_each_request_leaves_a_thread() -> None:
    namespace: dict[str, object] = {}
    exec(compile(HANDLER.format(guard=GUARDS["hasattr"]), "page.py", "exec"), namespace)
    server = HTTPServer(("127.0.0.1", 0), namespace["Page"])  # type: ignore[arg-type]
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        before = threading.active_count()
        for _ in range(5):
            with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/") as reply:
                assert reply.read() == b"ok"
        time.sleep(0.2)
        assert threading.active_count() - before == 5  # one ticker per request, none ending
    finally:
        server.shutdown()
        server.server_close()


def test_a_handler_class_through_a_base_of_the_module_runs_per_request() -> None:
    code = HANDLER.format(guard=GUARDS["hasattr"]).replace(
        "class Page(BaseHTTPRequestHandler):",
        "class Base(BaseHTTPRequestHandler):\n    pass\n\n\nclass Page(Base):",
    )
    ((severity, message),) = _findings(code)
    assert severity == "high", message
