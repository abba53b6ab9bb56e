"""A start behind a search of the running threads for the name it gives its own thread
(``existing = next((t for t in threading.enumerate() if t.name == NAME), None)``, ``if existing
is not None: return existing``, then ``Thread(..., name=NAME)``) runs once at a time: the threads
running are the process's state, and while the first one runs every later call finds it and
returns. (held33: litellm's query-engine reaper, "idempotent: a reaper already running in this
process is returned"; it was a high, "on every call of start_query_engine_reaper()".) Another
name, or a search of something else than the running threads, guards nothing."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

NEXT = """\
import threading
import time

REAPER = "reaper-thread"


def _loop():
    while True:
        time.sleep(1)


def start_reaper():
    existing = next((t for t in threading.enumerate() if t.name == REAPER), None)
    if existing is not None:
        return existing
    thread = threading.Thread(target=_loop, daemon=%s, name=REAPER)  # expect: %s
    thread.start()
    return thread
"""

ANY = """\
import threading
import time


def _loop():
    while True:
        time.sleep(1)


def ensure_watcher():
    if any(thread.name == "watcher" for thread in threading.enumerate()):
        return
    threading.Thread(target=_loop, name="watcher").start()  # expect: %s
"""


def test_a_start_after_finding_its_thread_by_name_runs_once_at_a_time() -> None:
    # a daemon started once serves for the life of the process: by design, not reported
    assert_expectations("next_daemon", NEXT % ("True", "ok"))
    assert_expectations("any", ANY % "leak")  # non-daemon: once, and it holds the exit


def test_the_non_daemon_one_is_reported_as_started_once() -> None:
    from forkaudit.analysis.engine import analyze_source
    from forkaudit.rules import load_rules

    code = NEXT % ("False", "leak")
    result = analyze_source(code.encode(), "next_nondaemon.py", load_rules().rules)
    (found,) = result.findings
    assert found.severity == "medium", found.message


@pytest.mark.parametrize(
    "change",
    [
        ("t.name == REAPER", 't.name == "other"'),
        ("threading.enumerate()", "REGISTRY"),
    ],
    ids=["another-name", "not-the-running-threads"],
)
def test_another_name_or_another_list_guards_nothing(change: tuple[str, str]) -> None:
    code = (NEXT % ("True", "leak")).replace(*change)
    if change[1] == "REGISTRY":
        code = code.replace('REAPER = "reaper-thread"', 'REAPER = "reaper-thread"\nREGISTRY = []')
    from forkaudit.analysis.engine import analyze_source
    from forkaudit.rules import load_rules

    result = analyze_source(code.encode(), "other.py", load_rules().rules)
    (found,) = result.findings
    assert found.severity == "high", found.message
