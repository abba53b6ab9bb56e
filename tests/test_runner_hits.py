"""The package search for the callers of what a file asks about (runner._callers_wanted) leads
each regex with the words it looks for and tests what precedes them at each hit (2026-12-07: a
leading ``\\b`` kept the regex engine from skipping ahead, 0.86 s of the parent's time on ray's
2,543 files at the end of a scan). It must find exactly what the regexes with that test in front
found: compared here on texts made to put near misses next to hits."""

from __future__ import annotations

import random
import re

import pytest

from forkaudit.analysis.alternation import alternation
from forkaudit.runner import _hits, _named, _word_starts

NAMES = (["stop"], ["stop", "top", "stop_all"], ["build", "b"], ["run", "runner", "x"])
PIECES = (
    "stop", "top", "stop_all", "build", "b", "run", "runner", "x", "def", "undef", ".", ". ",
    ".\t", " ", "\t", "\n", "'", '"', "(", ")", "_", "a", "1", "é", "self.", "getattr(o, ",
)  # fmt: skip


def _texts(count: int) -> list[bytes]:
    chooser = random.Random(20261207)
    return [
        "".join(chooser.choice(PIECES) for _ in range(chooser.randint(1, 14))).encode()
        for _ in range(count)
    ]


def _before(pattern: re.Pattern[bytes], data: bytes) -> list[tuple[int, bytes]]:
    return [(m.start(1), m.group(1)) for m in pattern.finditer(data)]


def _now(pattern: re.Pattern[bytes], data: bytes, test: object) -> list[tuple[int, bytes]]:
    return [(m.start(1), m.group(1)) for m in _hits(pattern, data, test)]  # type: ignore[arg-type]


@pytest.mark.parametrize("names", NAMES, ids="|".join)
def test_the_led_regexes_find_what_the_fenced_ones_did(names: list[str]) -> None:
    words = alternation(names).encode()
    pairs = [
        # a name as a whole word
        (re.compile(rb"\b(" + words + rb")\b"), re.compile(rb"(" + words + rb")\b"), _word_starts),
        # an attribute (`x.stop`, `x. stop`) or a string (`getattr(x, "stop")`)
        (
            re.compile(rb"(?:\.[ \t]*|['\"])(" + words + rb")\b"),
            re.compile(rb"(" + words + rb")\b"),
            _named,
        ),
        # a definition
        (
            re.compile(rb"\bdef[ \t]+(" + words + rb")\b"),
            re.compile(rb"def[ \t]+(" + words + rb")\b"),
            _word_starts,
        ),
    ]
    texts = _texts(3000)
    found = 0
    for data in texts:
        for fenced, led, test in pairs:
            expected = _before(fenced, data)
            assert _now(led, data, test) == expected, data
            found += len(expected)
    assert found > 100  # the texts do hold hits, not only near misses


def test_what_precedes_a_hit_decides() -> None:
    """A name inside a longer word is no hit; an attribute or a string is, with blanks after
    the dot; a hit refused leaves the next one found."""
    pattern = re.compile(rb"(stop)\b")
    assert _now(pattern, b"xstop .stop 'stop' stop", _named) == [(7, b"stop"), (13, b"stop")]
    assert _now(pattern, b"astop stop", _word_starts) == [(6, b"stop")]
    assert _now(pattern, b"x. \tstop x.\nstop", _named) == [(4, b"stop")]
