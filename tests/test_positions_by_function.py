"""Where a finding is: the line and column of a node come from generating the code of the
function holding it alone, at its indentation, found once in the text the module was parsed
from (generating the whole module's code, libcst's way to positions, took a twentieth of a
scan). Held against the whole module's generated code on every node the engine may report,
in modules of our own with the shapes that move lines: decorators and comments between them,
nested functions and classes, a header, blank lines with stray indentation, tabs, CRLF line
ends, statements on one line, and functions written twice the same (found twice: the whole
module is generated instead)."""

from __future__ import annotations

import random

import libcst as cst
import pytest

from forkaudit.analysis import index as ix
from forkaudit.analysis.walk import walk_with_parents

MODULE = '''#!/usr/bin/env python
# a header comment

"""docstring"""
import subprocess, threading

x = subprocess.Popen(["a"]); y = 2


@decorator(
    threading.Thread(target=print),
)
# between the decorator and the def
@other
def started(a, b=subprocess.Popen(["b"])):
    """doc"""
    # a comment
    p = subprocess.Popen(["c"])

    def inner():
        return threading.Thread(target=print).start()
    \t
    class Local:
        def method(self):
            while True:
                if self:
                    subprocess.call(["d"])
    return p


class Owner(threading.Thread):
    attr = threading.Timer(1, print)

    def run(self):
        with open("f") as f:
            try:
                subprocess.Popen(["e"]).wait()
            finally:
                pass

    async def later(self):
        await self.run()

    def same(self):
        return subprocess.Popen(["same"])


class Twin:
    def same(self):
        return subprocess.Popen(["same"])
'''

TABS = "import os\nclass A:\n\tdef f(self):\n\t\tif os:\n\t\t\treturn os.fork()\n\ndef g():\n  return os.fork()\n"


def _recorded(module: cst.Module) -> list[cst.CSTNode]:
    return [node for node, _ in walk_with_parents(module) if type(node) in ix._RECORDED]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("text", [MODULE, TABS], ids=["module", "tabs"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_function_placed_alone_is_where_the_whole_module_puts_it(
    text: str, newline: str, seed: int
) -> None:
    source = text.replace("\n", newline)
    module = cst.parse_module(source)
    whole = ix._LineState(module)
    module._codegen(whole)
    index = ix.build_index(module, source, parsed=source)
    nodes = _recorded(module)
    assert len(nodes) > 5
    random.Random(seed).shuffle(nodes)  # in any order, each function placed once
    for node in nodes:
        line, column, end = ix._compute_position(index, node)
        assert (line, column - 1) == whole.starts[id(node)], type(node).__name__
        assert end == whole.ends[id(node)], type(node).__name__


def test_placed_by_function_until_a_function_is_found_twice() -> None:
    module = cst.parse_module(MODULE)
    index = ix.build_index(module, MODULE, parsed=MODULE)
    calls = {
        cst.Module([]).code_for_node(c): c for c in _recorded(module) if isinstance(c, cst.Call)
    }
    ix._compute_position(index, calls['subprocess.Popen(["c"])'])
    assert index._placed is not None and len(index._placed) == 1  # only `started` was generated
    assert len(index.position_table[0]) < len(_recorded(module)) / 2  # type: ignore[index]
    # a method alone, at its indentation; a method of a class in `started`: placed with it
    ix._compute_position(index, calls['subprocess.Popen(["e"])'])
    ix._compute_position(index, calls['subprocess.call(["d"])'])
    assert index._placed is not None and len(index._placed) == 2
    # `same` is written the same way twice: where is this one? the whole module says
    twins = [
        c
        for c in _recorded(module)
        if isinstance(c, cst.Call) and "same" in cst.Module([]).code_for_node(c)
    ]
    lines = {ix._compute_position(index, c)[0] for c in twins}
    expected = {n for n, line in enumerate(MODULE.split("\n"), 1) if '["same"]' in line}
    assert index._placed is None and len(expected) == 2 and lines == expected


def test_without_the_parsed_text_the_whole_module_is_generated() -> None:
    module = cst.parse_module(MODULE)
    index = ix.build_index(module, MODULE)
    call = next(c for c in _recorded(module) if isinstance(c, cst.Call))
    assert ix._compute_position(index, call)[0] == 7
    assert index._placed is None


# libcst does not write back every text as it read it: a module without a final newline, a space
# before an except clause's colon, a form feed opening a line. The function's own text is then
# not found, and a twin written as libcst writes it must not be taken for it.
NOT_GIVEN_BACK = {
    "no final newline": "class A:\n    def f(self):\n        g()\nclass B:\n    def f(self):\n        g()",
    "except E :": (
        "def f():\n    try:\n        g()\n    except OSError:\n        pass\n"
        "def f():\n    try:\n        g()\n    except OSError :\n        pass\n"
    ),
    "form feed": (
        "class A:\n    def f(self):\n        x = 1\n        g()\n"
        "class B:\n    def f(self):\n        x = 1\n\x0c        g()\n"
    ),
}


@pytest.mark.parametrize("text", NOT_GIVEN_BACK.values(), ids=NOT_GIVEN_BACK.keys())
def test_a_twin_as_libcst_writes_it_is_not_taken_for_the_function(text: str) -> None:
    module = cst.parse_module(text)
    whole = ix._LineState(module)
    module._codegen(whole)
    calls = [node for node in _recorded(module) if isinstance(node, cst.Call)]
    assert len(calls) == 2
    for order in (calls, calls[::-1]):
        index = ix.build_index(module, text, parsed=text)
        for call in order:
            line, column, end = ix._compute_position(index, call)
            assert (line, column - 1) == whole.starts[id(call)]
            assert end == whole.ends[id(call)]
