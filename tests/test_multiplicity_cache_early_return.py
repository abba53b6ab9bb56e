"""A lookup in a lasting container returned early when found (``server = _servers.get(path)``,
``if server: return server.port``), the container filled after it (``_servers[path] =
start(path)``), is a cache: what follows runs once per key, as under ``if not x:`` storing back
(held42: htmltools serves each static folder from one server thread, ``ensure_http_server()``;
it was a high "on every call of ensure_http_server()"). Filled into another container, or
returned from a local the function makes, it guards nothing."""

from __future__ import annotations

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
import threading
import time

_servers = {}
_other = {}


def _serve(port, path):
    while True:
        time.sleep(1)


def start_server(path):
    thread = threading.Thread(target=_serve, args=(8000, path))
    thread.start()
    return (8000, thread)


def ensure_server(path):
    server = _servers.get(path)
    if server:
        return server[0]
    _servers[path] = start_server(path)
    return _servers[path][0]
"""


def _found(code: str) -> list[tuple[str, str]]:
    result = analyze_source(code.encode(), "servers.py", load_rules().rules)
    return [(f.severity, f.message) for f in result.findings]


def test_a_start_behind_a_cache_hit_returned_early_runs_once_per_key() -> None:
    ((severity, message),) = _found(CODE)
    assert severity == "medium", message  # once: a non-daemon thread holding the exit
    assert "once per key" in message, message


@pytest.mark.parametrize(
    "change",
    [
        ("    _servers[path] = start_server(path)\n", "    _other[path] = start_server(path)\n"),
        ("    server = _servers.get(path)\n", "    server = None\n"),
    ],
    ids=["filled-elsewhere", "not-a-lookup"],
)
def test_no_cache_no_guard(change: tuple[str, str]) -> None:
    assert change[0] in CODE
    found = _found(CODE.replace(*change))
    assert [severity for severity, _ in found] == ["high"], found
