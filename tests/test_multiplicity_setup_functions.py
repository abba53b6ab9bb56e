"""How often a module's set-up runs (2026-12-06, held20: django-prometheus's
``SetupPrometheusExportsFromConfig()`` -> ``SetupPrometheusEndpointOnPortRange()``, one
endpoint thread per process, was the first-ranked high "in a loop ... one more each time").

- A start followed, in the same pass, by a ``return``/``break``/``raise`` leaving the loop runs
  once at most: the loop looks for where to start (the first port that binds), it does not
  start again. A loop going on after the start repeats it.
- A module-level function named for setting its module up (``setup_*``, ``Setup*``,
  ``init``, ``configure_*``, ``install_*``), taking no parameter without a default, that its
  module never calls is called once, at start, by its users, as an object's setup methods
  run once per object. Not ``start_*`` or ``serve_*``, which a library's users call per use
  as often (unless named for a long-lived service of the program, ``start_http_server()``,
  whose thread serves for good: once per set-up, bounded, tests/test_harm_service_set_up.py),
  nor ``setup_connection(host)``, a set-up per thing given."""

from __future__ import annotations

import pytest

from tests.builders import analysed

EXPORTS = """\
import http.server
import threading


class Endpoint(threading.Thread):
    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server

    def run(self):
        self.server.serve_forever()


def {name}(ports):
    for port in ports:
        try:
            server = http.server.HTTPServer(("", port), http.server.BaseHTTPRequestHandler)
        except OSError:
            continue
        thread = Endpoint(server)
        thread.start()
{after}
    return None
"""

LEAVES = "        return port\n"
GOES_ON = "        print(port)\n"


def test_a_start_that_leaves_the_loop_is_not_in_a_loop() -> None:
    (finding,) = analysed(EXPORTS.format(name="serve_metrics", after=LEAVES), "exports.py")
    assert "in a loop" not in finding.message, finding.message
    assert "on every call of serve_metrics()" in finding.message, finding.message


def test_a_start_the_loop_goes_on_after_is_in_a_loop() -> None:
    (finding,) = analysed(EXPORTS.format(name="serve_metrics", after=GOES_ON), "exports.py")
    assert "in a loop in serve_metrics()" in finding.message, finding.message


@pytest.mark.parametrize(
    "name", ["SetupPrometheusExportsFromConfig", "setup_exporter", "init", "configure_metrics"]
)
def test_a_function_named_for_set_up_runs_once(name: str) -> None:
    source = EXPORTS.format(name="serve_metrics", after=LEAVES) + (
        f"\n\ndef {name}(addr=''):\n    return serve_metrics(range(9100, 9200))\n"
    )
    assert [f for f in analysed(source, "exports.py") if f.severity == "high"] == []


@pytest.mark.parametrize("name", ["setup_connection", "install_package"])
def test_a_set_up_per_thing_given_runs_per_call(name: str) -> None:
    """A parameter with no default (`setup_connection(host)`) makes it a set-up per thing
    given, not the module's own (the review's probes: 10 calls, 10 threads)."""
    (finding,) = analysed(EXPORTS.format(name=name, after=LEAVES), "exports.py")
    assert finding.severity == "high", finding


@pytest.mark.parametrize("name", ["start_http_request", "serve_metrics", "settings_server"])
def test_other_names_run_per_call(name: str) -> None:
    (finding,) = analysed(EXPORTS.format(name=name, after=LEAVES), "exports.py")
    assert finding.severity == "high", finding


def test_a_start_named_for_the_programs_server_is_once_per_set_up() -> None:
    (finding,) = analysed(EXPORTS.format(name="start_http_server", after=LEAVES), "exports.py")
    assert finding.severity == "medium", finding
    assert "once per set-up: start_http_server() is named for starting" in finding.message


def test_a_break_out_of_an_inner_loop_does_not_leave_the_outer_one() -> None:
    """`while True:` accepting, `for` over the handlers with a `break` after the start: the
    break leaves the `for` only, and the `while` starts again (the review's probe)."""
    source = (
        "import subprocess\n\n\n"
        "def serve(sock, handlers):\n"
        "    while True:\n"
        "        conn = sock.accept()\n"
        "        for handler in handlers:\n"
        "            if handler.matches(conn):\n"
        "                subprocess.Popen([handler.program])\n"
        "                break\n"
    )
    (finding,) = analysed(source, "serve.py")
    assert "in a `while` loop in serve()" in finding.message, finding.message
