"""The engine's read-only traversal: it remembers each node's children while a file is analysed
and forgets them after, with the same answers as libcst's own traversal."""

from __future__ import annotations

import libcst as cst

from forkaudit.analysis import walk as walk_module
from forkaudit.analysis.engine import analyze_source
from forkaudit.analysis.walk import children, forget, walk, walk_with_parents
from forkaudit.rules import load_rules

SOURCE = """
import subprocess, threading

class Worker:
    def start(self, cmd):
        self.proc = subprocess.Popen(cmd)
        threading.Thread(target=lambda: [x for x in range(3)], daemon=True).start()

def run(items):
    for item in items:
        if item:
            subprocess.Popen(["echo", item])
"""


def _code_nodes(module: cst.Module) -> list[cst.CSTNode]:
    """libcst's own traversal, keeping the nodes walk() keeps (those that can hold code)."""
    seen: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            seen.append(node)
            return True

    module.visit(Collect())
    return seen


def test_walk_reaches_every_name_and_call_libcst_reaches() -> None:
    module = cst.parse_module(SOURCE)
    ours = list(walk(module))
    theirs = _code_nodes(module)
    for kind in (cst.Name, cst.Call, cst.Attribute, cst.FunctionDef, cst.Lambda):
        # (the same nodes; the order of a node's fields may differ from libcst's code order)
        assert {id(n) for n in ours if type(n) is kind} == {
            id(n) for n in theirs if type(n) is kind
        }
    assert [node for node, _ in walk_with_parents(module)] == ours
    forget()


def test_a_second_walk_answers_the_same_from_what_it_remembers() -> None:
    module = cst.parse_module(SOURCE)
    forget()
    first = list(walk(module))
    assert walk_module._KIDS  # remembered
    second = list(walk(module))
    assert first == second
    function = next(n for n in first if isinstance(n, cst.FunctionDef))
    assert list(children(function)) == list(walk_module._kids(function))
    # skip_nested leaves out what nested functions and lambdas hold, walked or remembered
    worker = module.body[1]
    inner = list(walk(worker, skip_nested=True))
    assert not any(isinstance(n, cst.Call) for n in inner)  # the calls are in its methods
    assert any(isinstance(n, cst.Call) for n in walk(worker))
    forget()
    assert not walk_module._KIDS


def test_analysing_a_file_forgets_its_trees_after() -> None:
    forget()
    result = analyze_source(SOURCE.encode(), "pkg/mod.py", load_rules().rules)
    assert [f.line for f in result.findings]  # the file was analysed
    assert not walk_module._KIDS  # and nothing of its trees is kept for the next file
