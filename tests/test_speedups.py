"""The scan's speed-ups must change nothing they touch: the trie-shaped alternations match what
the flat ones matched, and the nodes built by the faster constructors are the nodes libcst's own
build."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from forkaudit.analysis import constructors
from forkaudit.analysis.alternation import alternation
from forkaudit.analysis.engine import parse

ROOT = Path(__file__).resolve().parents[1]

NAMES = [
    "Popen",
    "Pool",
    "Process",
    "ProcessPoolExecutor",
    "Thread",
    "ThreadPool",
    "ThreadPoolExecutor",
    "Timer",
    "fork",
    "forkpty",
    "spawn",
    "spawnl",
    "spawnle",
    "posix_spawn",
    "start_new",
    "start_new_thread",
    "a.b",
    "x+y",
]


def _flat(names: list[str]) -> str:
    return "|".join(map(re.escape, sorted(set(names))))


@pytest.mark.parametrize(
    "template",
    [
        r"(?:{})",
        r"\b(?:{})\b",
        r"(?:{})(?=[\s\\]*\(|\s+as\s|\s*[,)])",
        r"(?:{})\w*",  # where the order of the branches decides the match
        r"^(?:{})",
    ],
)
def test_a_trie_alternation_matches_what_the_flat_one_matches(template: str) -> None:
    rng = random.Random(7)
    words = [*NAMES, "Thre", "ad", "Poo", "(", " ", "\n", ",", ")", " as ", "_", "x"]
    for _ in range(200):
        names = rng.sample(NAMES, rng.randint(1, len(NAMES)))
        text = "".join(rng.choice(words) for _ in range(60))
        flat = re.compile(template.replace("{}", _flat(names)), re.MULTILINE)
        trie = re.compile(template.replace("{}", alternation(names)), re.MULTILINE)
        assert [(m.start(), m.end()) for m in trie.finditer(text)] == [
            (m.start(), m.end()) for m in flat.finditer(text)
        ], (names, text)


def test_a_trie_alternation_of_nothing_matches_nothing() -> None:
    assert re.search(alternation([]), "anything at all") is None
    assert re.fullmatch(alternation(["Thread", "ThreadPool"]), "ThreadPool")
    assert alternation(["Popen", "Pool", "Process"]) == "P(?:o(?:ol|pen)|rocess)"


SOURCE = textwrap.dedent(
    '''
    """A module using most of the grammar."""
    from __future__ import annotations
    import os, subprocess as sp
    from . import sibling
    from .pkg import (a, b as c)

    @decorator(arg=1)
    class Worker(Base, metaclass=Meta):
        x: int = 0
        def __init__(self, *args, key=None, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.proc = sp.Popen(["ls", f"{key!r:>{10}}"], stdout=sp.PIPE)
            self.items = [i ** 2 for i in range(10) if i % 2]
            self.table = {k: v for k, v in kwargs.items()}
            self.s = {1, 2, *args}
            lambda q, /, r=2, *, t: q + r + t

        async def run(self):
            async with lock as held, other:
                async for item in stream():
                    await item
            try:
                pass
            except (OSError, ValueError) as exc:
                raise RuntimeError("no") from exc
            else:
                return
            finally:
                del self.proc
            while (n := next(it, None)) is not None:
                if not n: continue
                elif n > 3 and n < 9 or n in (1, 2): break
                else: n += 1; n -= 1; n *= 2; n //= 3; n @= m
            match command.split():
                case [action, *rest] if rest:
                    pass
                case {"x": 1, **others}:
                    pass
                case Point(x=0) | None:
                    pass
                case _:
                    pass
            global counter
            nonlocal_value = yield from gen()
            assert x, "message"
            return x if y else z[1:2, ::3]

    def f(a, b=(1, 2), *c: int, d: "str" = 'x', **e) -> list[int]:
        """Doc."""
        with open(a) as h, (yield):
            print(h.read(), end='', sep=-1, file=~x)
        return [*a, *b], not a, a is not b, a <= b != c
    '''
)


def _sources() -> list[str]:
    own = sorted((ROOT / "forkaudit").rglob("*.py"))[:40]
    return [SOURCE] + [path.read_text(encoding="utf-8") for path in own]


def test_the_faster_constructors_build_the_same_trees() -> None:
    sources = _sources()
    before = [parse(text) for text in sources]
    plain = [cst.Comma(), cst.Name("x"), cst.Call(func=cst.Name("f")), cst.Module(body=[])]
    with constructors.installed() as count:
        assert count > 100  # most node classes get one
        assert cst.Name.__init__.__code__.co_filename.startswith("<forkaudit fast")
        after = [parse(text) for text in sources]
        # built by hand too, with their defaults (default factories included)
        built = [cst.Comma(), cst.Name("x"), cst.Call(func=cst.Name("f")), cst.Module(body=[])]
    assert cst.Name.__init__.__code__.co_filename == "<string>"  # put back
    for old, new in zip(plain, built, strict=True):
        assert new.deep_equals(old)
    for old, new, text in zip(before, after, sources, strict=True):
        assert new.deep_equals(old)
        assert new.code == text


def test_a_class_that_is_not_a_plain_frozen_dataclass_keeps_its_constructor() -> None:
    class Odd(cst.Name):
        def __init__(self) -> None:  # a hand-written one
            super().__init__("odd")

    assert constructors._constructor(Odd) is None
    assert constructors._constructor(cst.Name) is not None
