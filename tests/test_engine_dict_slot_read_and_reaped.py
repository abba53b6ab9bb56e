"""A dict item at a constant key (``_state["supervisor"]``) holds one handle, as an attribute
does: what a function reads from that slot into a name and waits for (``supervisor =
_state["supervisor"]``, or the swap ``supervisor, _state["supervisor"] = _state["supervisor"],
None``, then ``supervisor.wait()``) is the handle stored there, reaped. (held33: agno's sandbox
server keeps its runtime supervisor in a module state dict and kills and waits for it before each
restart; it was ranked first for "kept in `_state`; nothing waits for its elements".)"""

from __future__ import annotations

from tests.builders import assert_expectations

HEADER = """\
import subprocess

_state = {"supervisor": None, "token": None, "log": None}


def start():
    _state["supervisor"] = subprocess.Popen(["sleep", "100"])  # expect: %s


def handle(request):
    stop()
    start()
"""

SWAPPED = """
def stop():
    supervisor, _state["supervisor"], _state["token"] = _state["supervisor"], None, None
    if supervisor is None:
        return
    supervisor.kill()
    supervisor.wait()
"""

READ = """
def stop():
    supervisor = _state["supervisor"]
    _state["supervisor"] = None
    if supervisor is not None:
        supervisor.terminate()
        supervisor.wait(timeout=5)
"""

KILLED_ONLY = """
def stop():
    supervisor = _state["supervisor"]
    _state["supervisor"] = None
    if supervisor is not None:
        supervisor.kill()
"""

OTHER_SLOT = """
def stop():
    log = _state["log"]
    if log is not None:
        log.wait()
"""


def test_a_handle_read_from_its_slot_and_waited_for_is_reaped() -> None:
    assert_expectations("swapped", HEADER % "ok" + SWAPPED)
    assert_expectations("read", HEADER % "ok" + READ)


def test_read_and_not_waited_or_another_slot_read_leaves_it() -> None:
    assert_expectations("killed", HEADER % "leak" + KILLED_ONLY)
    assert_expectations("other", HEADER % "leak" + OTHER_SLOT)
