"""A timer chain nested in a function, re-armed past a test of a name of that function which
another function nested there rebinds (``nonlocal shutting_down`` in ``stop_refresh()``, beside
the chain's ``async_refresh()``), looks at a stop flag: the closures share that name as an
object's methods share an attribute (held40: feast's feature server refreshes its registry on a
chain its lifespan stops; it was a high "a runaway timer chain"). A name nothing rebinds (a
parameter, a constant) stops nothing."""

from __future__ import annotations

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
import threading


def get_app(store, ttl):
    shutting_down = False
    active_timer = None

    def stop_refresh():
        nonlocal shutting_down
        shutting_down = True
        if active_timer:
            active_timer.cancel()

    def async_refresh():
        if shutting_down:
            return
        store.refresh_registry()
        nonlocal active_timer
        active_timer = threading.Timer(ttl, async_refresh)
        active_timer.start()

    async def lifespan(app):
        async_refresh()
        yield
        stop_refresh()

    return lifespan
"""


def _found(code: str) -> list[tuple[str, str]]:
    result = analyze_source(code.encode(), "server.py", load_rules().rules)
    return [(f.severity, f.message) for f in result.findings]


def test_a_chain_on_a_flag_its_sibling_closure_sets_is_stopped() -> None:
    assert all(severity != "high" for severity, _ in _found(CODE)), _found(CODE)


def test_a_flag_nothing_rebinds_stops_nothing() -> None:
    code = CODE.replace("        nonlocal shutting_down\n        shutting_down = True\n", "")
    found = _found(code)
    assert any(severity == "high" and "runaway" in message for severity, message in found), found
