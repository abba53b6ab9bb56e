"""A function a server framework registers as its start-up hook runs once, as the server starts,
not per request (2026-12-07, held27: caproto's example IOC starts its worker thread in a
`@request.startup` hook, which was read as a handler run on every call). FastAPI's
`@app.on_event("startup")`, Quart's `@app.before_serving`, Sanic's `@app.before_server_start`,
caproto's `@pv.startup`. A route handler starting the same thread still starts one per request.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import analysed, assert_expectations

HOOK = """\
import threading


def consume(queue):
    while True:
        queue.get()()


class Service:
    {decorator}
    async def {name}(self, request):
        self.queue = make_queue()
        thread = threading.Thread(target=consume, args=(self.queue,), daemon=True)  # expect: {expect}
        thread.start()
"""

PROBES = {
    "on_event_startup": HOOK.format(decorator='@app.on_event("startup")', name="boot", expect="ok"),
    "before_serving": HOOK.format(decorator="@app.before_serving", name="boot", expect="ok"),
    "before_server_start": HOOK.format(
        decorator="@app.before_server_start", name="boot", expect="ok"
    ),
    "pvproperty_startup": HOOK.format(decorator="@request.startup", name="request", expect="ok"),
    # a route: one more thread that never ends on every request
    "route": HOOK.format(decorator='@app.post("/jobs")', name="submit", expect="leak"),
    # another event than the start-up
    "on_event_other": HOOK.format(
        decorator='@app.on_event("request")', name="submit", expect="leak"
    ),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])


def test_the_route_is_told_per_request() -> None:
    (finding,) = analysed(PROBES["route"], "service.py")
    assert finding.severity == "high", finding.message


def test_a_hook_a_route_also_runs_is_per_request() -> None:
    """Review: `@app.post("/restart")` awaiting the start-up hook runs it per request."""
    code = """\
import queue
import threading

jobs = queue.Queue()


def consume(q):
    while True:
        q.get()()


@app.on_event("startup")
async def start_consumer():
    threading.Thread(target=consume, args=(jobs,), daemon=True).start()  # expect: leak


@app.post("/restart")
async def restart():
    await start_consumer()
"""
    assert_expectations("hook_called_by_route", code)
    assert_expectations(
        "hook_alone", code.split("\n\n@app.post")[0].replace("# expect: leak", "# expect: ok")
    )
