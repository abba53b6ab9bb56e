"""How often a module's set-up runs (2026-12-06, held20: django-prometheus's
``SetupPrometheusExportsFromConfig()`` -> ``SetupPrometheusEndpointOnPortRange()``, one
endpoint thread per process, was the first-ranked high "in a loop ... one more each time").

- A start followed, in the same pass, by a ``return``/``break``/``raise`` leaving the loop runs
  once at most: the loop looks for where to start (the first port that binds), it does not
  start again. A loop going on after the start repeats it.
- A module-level function named for setting its module up (``setup_*``, ``Setup*``,
  ``init``, ``configure_*``, ``install_*``) that its module never calls is called once, at
  start, by its users, as an object's setup methods run once per object. Not ``start_*`` or
  ``serve_*``, which a library's users call per use as often."""

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
    "name", ["SetupPrometheusEndpointOnPortRange", "setup_exporter", "init", "configure_metrics"]
)
def test_a_function_named_for_set_up_runs_once(name: str) -> None:
    assert [
        f
        for f in analysed(EXPORTS.format(name=name, after=LEAVES), "exports.py")
        if f.severity == "high"
    ] == []


@pytest.mark.parametrize("name", ["start_http_server", "serve_metrics", "settings_server"])
def test_other_names_run_per_call(name: str) -> None:
    (finding,) = analysed(EXPORTS.format(name=name, after=LEAVES), "exports.py")
    assert finding.severity == "high", finding
