"""A function defined in a block of the module's own (``if CONFIG: def refresh(): ...``, a
``try``/``else``) is a module-level definition: its calls resolve to it, so how often it runs is
read from them (held40: feast's transformation server defines its registry refresh chain under
``if`` and starts it once, at import; it was a high "on every call of async_refresh()"). An
import of the same name still wins (``try: from fast import f`` / ``except ImportError: def
f(): ...``)."""

from __future__ import annotations

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
import threading
import time

CONFIG = {"ttl": 5}

if CONFIG["ttl"] > 0:

    def refresh():
        time.sleep(0)
        threading.Timer(CONFIG["ttl"], refresh).start()

    refresh()
"""


def test_a_chain_defined_under_a_module_level_if_and_started_at_import_runs_once() -> None:
    result = analyze_source(CODE.encode(), "server.py", load_rules().rules)
    (found,) = result.findings
    assert found.severity == "medium", found.message
    assert "at import time" in found.message, found.message


def test_an_import_of_the_name_still_wins() -> None:
    from forkaudit.analysis.engine import parse
    from forkaudit.analysis.index import build_index

    source = (
        "try:\n    from fast import run\nexcept ImportError:\n    def run():\n        pass\nrun()\n"
    )
    index = build_index(parse(source), source)
    call = index.calls[-1]
    assert index.resolve(call.func) == "fast.run"
