"""Every rule's examples run as tests: leak examples produce exactly the marked findings (lines
ending in `# leak`), good examples produce none of the rule's findings."""

from __future__ import annotations

import textwrap

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.model import Rule, RuleExample
from forkaudit.rules import load_rules

PACK = load_rules()
CASES = [
    pytest.param(rule, example, id=f"{rule.id}-{number}-{'leak' if example.leak else 'ok'}")
    for rule in PACK.rules
    for number, example in enumerate(rule.examples, start=1)
]


def marked_lines(code: str) -> set[int]:
    return {
        number
        for number, line in enumerate(code.splitlines(), start=1)
        if line.rstrip().endswith("# leak")
    }


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_example(rule: Rule, example: RuleExample) -> None:
    code = textwrap.dedent(example.code)
    result = analyze_source(code.encode(), "example.py", PACK.rules)
    assert result.error is None, result.error
    found = {f.line for f in result.findings if f.rule == rule.id}
    if example.leak:
        expected = marked_lines(code)
        assert expected, f"{rule.id} leak example {example.title!r} marks no line with '# leak'"
        assert found == expected, [(f.line, f.message) for f in result.findings]
    else:
        assert not found, [(f.line, f.message) for f in result.findings]


def test_every_rule_has_good_and_bad_examples() -> None:
    for rule in PACK.rules:
        assert any(e.leak for e in rule.examples), rule.id
        assert any(not e.leak for e in rule.examples), rule.id
