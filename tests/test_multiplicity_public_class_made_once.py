"""A class its module makes one object of (at import, in ``main()``, behind a once-guard) is
the only such object when the class is private to the module; a public one is made by the
module's importers too, as they will: the message says the module makes one, not that it is
the only one (2026-12-07: held50's blind reader on huggingface_hub's module-level ``api =
HfApi()``, a class made all over the package). Either way the start runs once as far as the
module shows: bounded."""

from __future__ import annotations

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

CODE = """\
from concurrent.futures import ThreadPoolExecutor


class {name}:
    def __init__(self):
        self._pool = None

    def run_as_future(self, fn):
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1)
        return self._pool.submit(fn)


api = {name}()
"""


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Api", "its module makes one Api object, at import time (its importers may make more)"),
        ("_Api", "the only _Api object is made at import time"),
    ],
)
def test_one_object_made_at_import(name: str, said: str) -> None:
    result = analyze_source(CODE.format(name=name).encode(), "api.py", load_rules().rules)
    ((finding,),) = [result.findings]
    assert said in finding.message, finding.message
    assert finding.severity == "low", finding.message
    assert "the only Api object" not in finding.message
