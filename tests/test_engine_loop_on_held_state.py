"""A thread's loop on the state of an object its object holds (``while self.server is None or
not self.server.started:``) waits for that object to change, which that object's own code does
as it runs (uvicorn's server sets ``started`` once it listens): not a flag that only a stop of
this class would set (held42: solara's static-site pre-render thread, waiting for its server to
start, then crawling once; it was a high "waits on self.server, which nothing sets to stop it").
A loop on the object's own flag that nothing sets stays what it was."""

from __future__ import annotations

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
import threading
import time


class Runner:
    def __init__(self, server):
        self.server = server

    def __call__(self):
        def prerender():
            while self.server is None or not self.server.started:
                time.sleep(0.1)
            crawl(self.server.config.port)

        threading.Thread(target=prerender, daemon=True).start()
        return self.server.run()


def crawl(port):
    return port
"""


def _found(code: str) -> list[tuple[str, str]]:
    result = analyze_source(code.encode(), "runner.py", load_rules().rules)
    return [(f.severity, f.message) for f in result.findings]


def test_a_loop_waiting_for_a_held_object_to_change_ends_when_it_does() -> None:
    assert _found(CODE) == []


def test_a_loop_on_its_own_flag_nothing_sets_is_reported_as_before() -> None:
    code = CODE.replace(
        "while self.server is None or not self.server.started:", "while not self.ready:"
    ).replace(
        "        self.server = server\n",
        "        self.server = server\n        self.ready = False\n",
    )
    found = _found(code)
    assert [severity for severity, _ in found] == ["high"], found
