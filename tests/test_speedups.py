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


def test_a_name_too_long_for_a_trie_is_written_flat() -> None:
    """A generated name of a thousand characters, or a chain of names each one longer than the
    last, must not nest a group per character (the regex compiler, and the parent process's
    default recursion limit, would give out)."""
    long = "f" * 1000
    assert re.fullmatch(alternation([long, "g"]), long)
    chain = ["v" + "x" * i for i in range(400)]
    pattern = re.compile(r"(?:" + alternation(chain) + r")[ \t]*\(")
    assert pattern.search("x = " + chain[-1] + "(1)")


def test_a_short_read_is_not_the_end_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read may return less than it was asked for before the end (FUSE, NFS, a signal): the
    file is read on until a read gives nothing."""
    import os

    from forkaudit import runner

    data = b"import subprocess\n" + b"x = 1\n" * 20_000
    path = tmp_path / "big.py"
    path.write_bytes(data)
    real = os.read
    monkeypatch.setattr(runner.os, "read", lambda fd, n: real(fd, min(n, 4096)))
    assert runner._read(str(path)) == data


def _findings_of(code: str) -> list[tuple[int, str, str, str]]:
    from forkaudit.analysis.engine import analyze_source
    from forkaudit.rules import load_rules

    result = analyze_source(textwrap.dedent(code).encode(), "m.py", load_rules().rules)
    assert result.error is None or "partly" in result.error.reason, result.error
    return [(f.line, f.rule, f.severity, f.message) for f in result.findings]


def test_the_workers_constructors_find_what_libcsts_own_find() -> None:
    """Workers build nodes without libcst's validation: every engine case and rule example gives
    the same findings either way (tests otherwise analyse in-process, with libcst's own)."""
    from test_engine_lifecycle import CASES, MORE_CASES

    from forkaudit.rules import load_rules

    codes = [*CASES.values(), *MORE_CASES.values()]
    codes += [example.code for rule in load_rules().rules for example in rule.examples]
    plain = [_findings_of(code) for code in codes]
    with constructors.installed():
        fast = [_findings_of(code) for code in codes]
    assert fast == plain


def test_a_number_python_cannot_read_is_no_constant() -> None:
    """`INTERVAL = 0600` is no Python 3 literal: not a number of seconds to judge a timer by,
    in a worker (no validation) as in-process (libcst's own would refuse the node)."""
    code = '''
        import threading
        NOTES = """
        INTERVAL = 0600
        """
        def _tick():
            pass
        def handle(request):
            threading.Timer(INTERVAL, _tick).start()
    '''
    plain = _findings_of(code)
    with constructors.installed():
        assert _findings_of(code) == plain
