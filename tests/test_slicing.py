"""Parsing only the chunks that matter must never change a result: sliced and whole-file analysis
give the same findings on large modules built from every engine case and rule example."""

from __future__ import annotations

import textwrap

import pytest
from test_engine_lifecycle import CASES

from forkaudit.analysis.engine import analyze, start_pattern
from forkaudit.analysis.slicing import MIN_SLICE_BYTES, slice_source
from forkaudit.rules import load_rules

PACK = load_rules()
FILLER = '''

def filler_{n}(values):
    """Unrelated code that slicing should drop: {n}."""
    total = 0
    for value in values:
        if value % 3 == {m}:
            total += value * {n}
    return total


class Unrelated{n}:
    def a(self):
        return {n}

    def b(self):
        return self.a() + 1

    def c(self):
        return [self.b() for _ in range(3)]
'''


def big_module(code: str) -> str:
    parts = [textwrap.dedent(code)]
    n = 0
    while sum(len(p) for p in parts) < MIN_SLICE_BYTES * 3:
        parts.append(FILLER.format(n=n, m=n % 3))
        n += 1
    return "".join(parts)


SOURCES = {name: big_module(code) for name, code in CASES.items()}
SOURCES.update(
    {
        f"{rule.id}-{i}": big_module(example.code)
        for rule in PACK.rules
        for i, example in enumerate(rule.examples)
    }
)


@pytest.mark.parametrize("source", list(SOURCES.values()), ids=list(SOURCES))
def test_sliced_equals_whole(source: str) -> None:
    def key(slicing: bool) -> list[tuple[int, str, str, str, str, tuple[str, ...]]]:
        result, _ = analyze(source.encode(), "m.py", PACK.rules, slicing=slicing)
        assert result.error is None
        return [
            (f.line, f.rule, f.message, f.severity, f.confidence, f.flags) for f in result.findings
        ]

    assert key(True) == key(False)


def test_slicing_drops_unrelated_code() -> None:
    source = SOURCES["attr never reaped"]
    sliced = slice_source(source, start_pattern(PACK.rules))
    assert sliced is not None
    assert len(sliced.text) < len(source) / 3
    assert "filler_3" not in sliced.text
    # every kept line maps back to the same text in the original
    original = source.splitlines()
    for text, line in zip(sliced.text.splitlines(), sliced.line_map, strict=True):
        assert text == original[line - 1] or text.strip() == "pass"


def test_cut_inside_a_string_falls_back_to_the_whole_file() -> None:
    code = big_module(
        "import subprocess\n"
        'DOC = """\n'
        "def fake():\n"
        "    pass\n"
        '"""\n'
        "def run():\n"
        '    subprocess.Popen(["x"])\n'
    )
    result, _ = analyze(code.encode(), "m.py", PACK.rules)
    assert result.error is None
    assert [(f.line, f.rule) for f in result.findings] == [(7, "FA103")]


def test_a_huge_module_level_table_is_not_parsed() -> None:
    """Data tables and generated constants before the first def are cut into statements and left
    out: a leak below a 10,000-deep literal (which would crash libcst's parser) is still found."""
    code = (
        "import os\nTABLE = "
        + "(" * 10000
        + "1"
        + ")" * 10000
        + "\n\ndef handle(conn):\n    pid = os.fork()\n    return conn\n"
    )
    result, _ = analyze(code.encode(), "m.py", PACK.rules)
    assert result.error is None
    assert [(f.line, f.rule) for f in result.findings] == [(5, "FA101")]
