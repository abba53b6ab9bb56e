"""Small questions about the syntax tree that every stage of the analysis asks: is this literal
true, is this node in a loop, which branch of an ``if`` runs in the parent of a fork, which loop
can be left, what a statement binds. Pure functions of the tree and the module index."""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import pairwise
from typing import Any, cast

import libcst as cst

from forkaudit.analysis.index import ClassInfo, ModuleIndex, dotted_name
from forkaudit.analysis.vocabulary import (
    CONTAINER_ADD,
    CONTAINER_REMOVE,
    FOREVER_METHODS,
    ITER_METHODS,
    ITER_WRAPPERS,
    QUIET_FUNCTIONS,
    QUIET_METHODS,
)
from forkaudit.analysis.walk import children, walk, walked

LOOP_NODES = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def is_true(node: cst.BaseExpression | None) -> bool:
    if isinstance(node, cst.Name):
        return node.value == "True"
    if isinstance(node, cst.Integer):
        return node.value not in ("0",)
    return False


def is_negative_int(node: cst.BaseExpression) -> bool:
    """``-1``, ``-2``...: a minus sign on an integer literal."""
    return (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, cst.Minus)
        and isinstance(node.expression, cst.Integer)
    )


def is_minus_one_or_zero(node: cst.BaseExpression) -> bool:
    if is_negative_int(node):
        assert isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Integer)
        return node.expression.value == "1"
    return isinstance(node, cst.Integer) and node.value == "0"


def in_dead_code(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Code that never runs: inside the body of `if False:` / `if 0:`, or after a statement
    that always leaves its block (``return``, ``raise``, ``break``, ``continue``) in the same
    block (``def disabled(self): return False`` followed by what it used to do)."""
    current = node
    for ancestor in index.ancestors(node):
        kind = type(ancestor)
        if kind is cst.If and cast(cst.If, ancestor).body is current:
            test = cast(cst.If, ancestor).test
            if (isinstance(test, cst.Name) and test.value == "False") or (
                isinstance(test, cst.Integer) and test.value == "0"
            ):
                return True
        if kind is cst.IndentedBlock and isinstance(current, cst.BaseStatement):
            for statement in cast(cst.IndentedBlock, ancestor).body:
                if statement is current:
                    break
                if type(statement) is cst.SimpleStatementLine and any(
                    type(small) in _LEAVING_KINDS for small in statement.body
                ):
                    return True
        current = ancestor
    return False


_LEAVING = (cst.Return, cst.Raise, cst.Break, cst.Continue)
_LEAVING_KINDS = frozenset(_LEAVING)


def ends_with(suite: cst.BaseSuite, leaving: tuple[type[cst.BaseSmallStatement], ...]) -> bool:
    """Does the block end with one of ``leaving`` (``raise``, ``return``...), also on a block's
    one line (``except OSError: raise``)?"""
    body = suite.body if isinstance(suite, cst.IndentedBlock | cst.SimpleStatementSuite) else ()
    if not body:
        return False
    last = body[-1]
    smalls = last.body if isinstance(last, cst.SimpleStatementLine) else [last]
    return any(isinstance(small, leaving) for small in smalls)


def element_index(container: cst.Tuple, element: cst.CSTNode) -> int:
    for position, candidate in enumerate(container.elements):
        if candidate is element:
            return position
    return 0


def argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    """The argument ``call`` gives as ``keyword=``, else its positional argument at ``position``
    (-1: a keyword only); None when it gives neither."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if 0 <= position < len(positional):
        return positional[position].value
    return None


def kwarg_true(call: cst.Call, keyword: str) -> bool:
    return is_true(argument(call, -1, keyword))


def assigns_attr_true(node: cst.CSTNode, attr: str) -> bool:
    if isinstance(node, cst.Assign) and is_true(node.value):
        for target in node.targets:
            t = target.target
            if (
                isinstance(t, cst.Attribute)
                and t.attr.value == attr
                and dotted_name(t.value) == "self"
            ):
                return True
    return False


def target_expr(call: cst.Call, timer: bool, position: int = 1) -> cst.BaseExpression | None:
    """What a thread runs: ``target=`` (``function=`` for a Timer), else the positional argument
    at ``position`` (``Thread(None, run)``, ``Timer(5, tick)``, ``start_new_thread(run, ())``: 0)."""
    return argument(call, position, "function" if timer else "target")


def walk_statements(function: cst.CSTNode, skip_nested: bool = True) -> tuple[cst.CSTNode, ...]:
    """Every node under ``function`` (nested functions, classes and lambdas not entered unless
    ``skip_nested`` is false), in walk order; computed once per file (``walk.walked``)."""
    return walked(function, skip_nested=skip_nested)


def has_return(function: cst.FunctionDef) -> bool:
    """Does ``function`` hold a ``return`` of its own (not a nested function's): a way out
    before its last statement?"""
    return any(isinstance(node, cst.Return) for node in walk_statements(function))


def last_name(expr: cst.BaseExpression) -> str:
    """``f`` of ``f`` and of ``a.b.f`` (a call's ``func``: what is called); "" otherwise."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    return ""


def calls_in(index: ModuleIndex, function: cst.CSTNode, nested: bool = False) -> list[cst.Call]:
    """The calls in ``function`` (with ``nested``, in the functions it holds too)."""
    return [n for n in walk_statements(function, skip_nested=not nested) if type(n) is cst.Call]


def names_in(index: ModuleIndex, node: cst.CSTNode, name: str) -> list[cst.Name]:
    return [
        n
        for n in walk_statements(node, skip_nested=False)
        if isinstance(n, cst.Name) and n.value == name
    ]


def endless_loop(function: cst.FunctionDef) -> cst.CSTNode | None:
    """A `while True:` loop in ``function`` (not in a nested one) that nothing leaves: no break,
    return or raise in it, and no enclosing ``try`` whose handler catches what a call in the loop
    raises (``try: while True: conn.recv() except EOFError: return``: the loop ends when the
    peer goes away); or a ``loop.run_forever()`` / ``server.serve_forever()`` statement, inside a
    ``try`` or not."""
    names = thread_names(function)
    # (node, inside a `try` whose handler ends the loop, that handler catches queue.ShutDown)
    stack: list[tuple[cst.CSTNode, bool, bool]] = [(function.body, False, False)]
    while stack:
        node, caught, shut = stack.pop()
        if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda):
            continue
        if (
            isinstance(node, cst.While)
            and endless_while(node, names, function)
            # Python 3.13's `queue.shutdown()` makes a blocked get() raise ShutDown: a handler
            # naming it is how such a loop is meant to end
            and (not caught or (_blocks_on_queue(node) and not shut))
        ):
            return node
        if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
            func = node.value.func
            if isinstance(func, cst.Attribute) and func.attr.value in FOREVER_METHODS:
                # `self._loop.run_forever()`: it serves until stopped from outside. A `try`
                # around it changes nothing: a serving loop hands what its callbacks raise to
                # its own error handler (`handle_error`, the loop's exception handler) and
                # goes on; only stop() ends it
                return node
        if isinstance(node, cst.With) and _suppresses(node):
            # `with suppress(ConnectionError): while True: recv(conn)`: a `try` whose handler
            # goes on, written as a context manager
            stack.extend(
                (child, caught, shut) for child in children(node) if child is not node.body
            )
            stack.append((node.body, True, shut))
            continue
        if isinstance(node, cst.Try | cst.TryStar) and _catches(node):
            stack.extend(
                (child, caught, shut) for child in children(node) if child is not node.body
            )
            names_shutdown = any(
                name.rsplit(".", 1)[-1] == "ShutDown"
                for handler in node.handlers
                for name in caught_names(handler)
            )
            stack.append((node.body, True, shut or names_shutdown))
            continue
        stack.extend((child, caught, shut) for child in reversed(list(children(node))))
    return None


def _blocks_on_queue(loop: cst.While) -> bool:
    """Does this loop block, outside any ``try`` of its own, in a queue's ``get()`` with no
    timeout (``item = self._queue.get()``)? A handler around it cannot end it: the thread
    sleeps in ``get()`` until something is put, so only an item (a sentinel, or one that makes
    the body raise) wakes it, and once nothing more is put it waits for ever."""
    stack: list[cst.CSTNode] = [loop.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda | cst.TryStar):
            continue
        if isinstance(node, cst.Try):
            # a `try` of the loop's own whose handlers go on (`except queue.Empty: pass`
            # around a get_nowait() beside the blocking get()) leaves the loop as it was:
            # the get() in it still parks the thread; one whose handler leaves may end it
            if not any(
                leaves_loop(handler)
                for handler in node.handlers
                if not _never_raised(handler, node)
            ):
                stack.extend(
                    child for child in children(node) if not isinstance(child, cst.ExceptHandler)
                )
            continue
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "get"
            and dotted_name(node.func.value) is not None
            and _waits_for_ever(node)
        ):
            return True
        stack.extend(children(node))
    return False


def _waits_for_ever(call: cst.Call) -> bool:
    """Does a queue's ``get`` call wait with no end: ``get()``, ``get(True)``, ``get(block=True,
    timeout=None)``, ``get(True, None)``? Block given by position must be the literal True (a
    mapping's ``get(1)`` looks a key up); any other argument is not a queue's."""
    wanted = {"block": "True", "timeout": "None"}
    for position, arg in enumerate(call.args):
        if arg.star or (arg.keyword is None and position > 1):
            return False
        name = arg.keyword.value if arg.keyword is not None else ("block", "timeout")[position]
        if not (isinstance(arg.value, cst.Name) and arg.value.value == wanted.get(name)):
            return False
    return True


def leaves_loop(handler: cst.ExceptHandler) -> bool:
    """Can this handler leave the loop it is in: a ``break``, ``return`` or ``raise``
    anywhere in it, or a call ending the thread or the process? Read broadly (one in a
    nested loop or function counts too): a handler that may leave keeps the try out of
    ``_blocks_on_queue``."""
    for node in walk(handler.body):
        if isinstance(node, cst.Break | cst.Return | cst.Raise):
            return True
        if isinstance(node, cst.Call) and last_name(node.func) in ("exit", "_exit", "abort"):
            return True
    return False


_NOT_CAUGHT = frozenset({"KeyboardInterrupt", "SystemExit", "GeneratorExit"})


def catches_only_interrupts(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    """Does the handler catch only Ctrl-C or an exit (the process is ending anyway)? A bare
    ``except:`` catches everything."""
    return all(name.rsplit(".", 1)[-1] in _NOT_CAUGHT for name in caught_names(handler))


def catches_only_ctrl_c(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    """Does the handler catch only ``KeyboardInterrupt``: the process being interrupted? (Not
    SystemExit, which may be a per-request argparse error, nor GeneratorExit, a client leaving a
    streamed response: ``catches_only_interrupts`` counts those too.)"""
    names = caught_names(handler)
    return bool(names) and all(name.rsplit(".", 1)[-1] == "KeyboardInterrupt" for name in names)


def alive_asked_of(test: cst.BaseExpression) -> str | None:
    """``t`` (dotted) for ``t.is_alive()``, else None."""
    if (
        isinstance(test, cst.Call)
        and not test.args
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "is_alive"
    ):
        return dotted_name(test.func.value)
    return None


def caught_names(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> list[str]:
    """The exceptions a handler catches, as written (``["queue.Empty", "OSError"]``); a bare
    ``except:`` catches ``BaseException``."""
    caught = handler.type
    if caught is None:
        return ["BaseException"]
    if isinstance(caught, cst.Tuple):
        return [dotted_name(element.value) or "" for element in caught.elements]
    return [dotted_name(caught) or ""]


# what a handler catching only these lets through everything a call raises
_INTERRUPTS = frozenset({"KeyboardInterrupt", "SystemExit", "GeneratorExit"})


def _suppresses(statement: cst.With) -> bool:
    """Does this ``with`` suppress an error a call in it can raise (``with suppress(OSError):``,
    ``contextlib.suppress(ConnectionError, EOFError)`` around ``conn.recv()``), not only Ctrl-C
    or an exit, nor around code calling nothing that raises (``time.sleep(1)``, a counter)?"""
    return any(
        isinstance(item.item, cst.Call)
        and last_name(item.item.func) == "suppress"
        and any(last_name(arg.value) not in _INTERRUPTS for arg in item.item.args)
        for item in statement.items
    ) and any(
        isinstance(node, cst.Call) and last_name(node.func) not in QUIET_FUNCTIONS
        for node in walk_statements(statement.body)
    )


def _catches(statement: cst.Try | cst.TryStar) -> bool:
    """Does a handler of this ``try`` catch an error a call can raise (not only Ctrl-C or an
    exit), and go on rather than raise it again?"""
    for handler in statement.handlers:
        if catches_only_interrupts(handler):
            continue
        if (
            isinstance(statement, cst.Try)
            and isinstance(handler, cst.ExceptHandler)
            and _never_raised(handler, statement)
        ):
            continue
        body = handler.body.body if isinstance(handler.body, cst.IndentedBlock) else ()
        last = body[-1] if body else None
        if isinstance(last, cst.SimpleStatementLine) and any(
            isinstance(small, cst.Raise) and small.exc is None for small in last.body
        ):
            continue  # a bare `raise`: it goes on out of the thread
        return True
    return False


def error_handlers(statement: cst.Try, before: Sequence[cst.CSTNode]) -> list[cst.ExceptHandler]:
    """The handlers of this ``try`` that catch an error the statements ``before`` (those of its
    body ahead of some point) can raise: those statements call something that can fail (not
    only a builtin such as ``len()`` or a method such as ``append()``), and the handler catches
    more than Ctrl-C or an exit (and not ``queue.Empty`` around blocking gets only)."""
    if not any(
        isinstance(node, cst.Call) and not _quiet_call(node)
        for done in before
        for node in walk_statements(done)
    ):
        return []
    return [
        handler
        for handler in statement.handlers
        if not catches_only_interrupts(handler) and not _never_raised(handler, statement)
    ]


def _quiet_call(call: cst.Call) -> bool:
    """A call that does not fail in normal operation: a builtin (``len()``, ``time.sleep()``)
    or a container's, event's or thread's own method (``append()``, ``is_set()``)."""
    if isinstance(call.func, cst.Attribute):
        return call.func.attr.value in QUIET_METHODS or last_name(call.func) in QUIET_FUNCTIONS
    return last_name(call.func) in QUIET_FUNCTIONS


def loop_exits(loop: cst.While) -> tuple[list[cst.Break], bool]:
    """The breaks of this loop (not of a nested one) in its body, and whether a return or raise
    can leave it too."""
    breaks: list[cst.Break] = []
    # (node, in a nested loop, a raise there is caught by a `try` in the loop that goes on)
    stack: list[tuple[cst.CSTNode, bool, bool]] = [(loop.body, False, False)]
    while stack:
        node, nested_loop, absorbed = stack.pop()
        if isinstance(node, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            continue
        if isinstance(node, cst.Try):
            # `except queue.Empty: break` around a blocking get() is never taken
            stack.extend(
                (child, nested_loop, absorbed or (child is node.body and _absorbs(node)))
                for child in children(node)
                if not (isinstance(child, cst.ExceptHandler) and _never_raised(child, node))
            )
            continue
        if isinstance(node, cst.Return) or (isinstance(node, cst.Raise) and not absorbed):
            return breaks, True
        if isinstance(node, cst.Break) and not nested_loop:
            breaks.append(node)
        stack.extend(
            (child, nested_loop or breaks_belong(node, child), absorbed) for child in children(node)
        )
    return breaks, False


_CATCH_ALL = frozenset({"Exception", "BaseException"})


def _absorbs(statement: cst.Try) -> bool:
    """Does a handler of this ``try`` catch whatever its body raises (``except Exception:``,
    ``except BaseException:``, a bare ``except:``) and stay in the loop (no ``raise``,
    ``return`` or ``break`` to end it): a ``raise`` in the body leaves nothing?"""
    return any(
        any(name.rsplit(".", 1)[-1] in _CATCH_ALL for name in caught_names(handler))
        and not ends_with(handler.body, (cst.Raise, cst.Return, cst.Break))
        and not _ends_in_leaving_call(handler.body)
        for handler in statement.handlers
    )


# what a handler calls last to leave for good: an exit, or a helper named for raising
_LEAVING_CALLS = ("exit", "abort", "fail", "die", "raise", "panic")


def _ends_in_leaving_call(suite: cst.BaseSuite) -> bool:
    """Does the block end with a call that does not come back: ``sys.exit()``, ``os._exit(1)``,
    or a helper named for raising (``self._fail(exc)``, ``raise_error(...)``)?"""
    body = suite.body if isinstance(suite, cst.IndentedBlock | cst.SimpleStatementSuite) else ()
    if not body:
        return False
    last = body[-1]
    smalls = last.body if isinstance(last, cst.SimpleStatementLine) else [last]
    return any(
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and any(word in last_name(small.value.func).lower() for word in _LEAVING_CALLS)
        for small in smalls
    )


_EMPTY = frozenset({"Empty", "queue.Empty", "Queue.Empty", "multiprocessing.queues.Empty"})


def _never_raised(handler: cst.ExceptHandler, statement: cst.Try) -> bool:
    """Is this handler for ``queue.Empty`` only, around a ``try`` whose only calls are blocking
    ``get()``s (no ``timeout``, ``block`` not false)? Such a get waits for an item forever and
    never raises Empty: only ``get_nowait()``, ``get(False)`` or a timeout do."""
    if not all(name in _EMPTY for name in caught_names(handler)):
        return False
    calls = [node for node in walk(statement.body) if isinstance(node, cst.Call)]
    return bool(calls) and all(
        isinstance(call.func, cst.Attribute) and call.func.attr.value == "get" and not call.args
        for call in calls
    )


def loop_can_exit(loop: cst.While) -> bool:
    """Is there a return/raise, or a break of this loop (not of a nested one), in its body?"""
    breaks, leaves = loop_exits(loop)
    return leaves or bool(breaks)


def literal_truth(value: cst.BaseExpression) -> bool | None:
    """The truth value of a literal (None when it is not one)."""
    if isinstance(value, cst.Name) and value.value in ("True", "False", "None"):
        return value.value == "True"
    if isinstance(value, cst.Integer):
        return value.value not in ("0", "0x0")
    if isinstance(value, cst.SimpleString):
        return len(value.value.strip("bBrRuUfF")) > 2
    return None


def _made_by(expr: cst.BaseExpression, maker: str) -> bool:
    """``threading.<maker>()`` (or ``<maker>()``): ``main_thread()``, ``current_thread()``."""
    return isinstance(expr, cst.Call) and not expr.args and last_name(expr.func) == maker


def _bound_once(function: cst.CSTNode, maker: str) -> frozenset[str]:
    """Local names ``function`` binds to ``threading.<maker>()`` once and never again."""
    bound: dict[str, bool] = {}
    for target, value in assignments(function):
        if isinstance(target, cst.Name):
            once = target.value not in bound and value is not None and _made_by(value, maker)
            bound[target.value] = once
    return frozenset(name for name, once in bound.items() if once)


# (locals naming the main thread, locals naming the thread running the function)
ThreadNames = tuple[frozenset[str], frozenset[str]]
NO_THREAD_NAMES: ThreadNames = (frozenset(), frozenset())


def thread_names(function: cst.CSTNode) -> ThreadNames:
    """The locals ``function`` binds once to the main thread (``main = threading.main_thread()``:
    ``main.is_alive()`` asks what ``main_thread().is_alive()`` does) and to the thread running
    it (``me = threading.current_thread()``)."""
    return _bound_once(function, "main_thread"), _bound_once(function, "current_thread")


def _alive(test: cst.BaseExpression, maker: str, names: frozenset[str]) -> bool:
    """``threading.<maker>().is_alive()``, or ``name.is_alive()`` for a local of ``names``."""
    if not (
        isinstance(test, cst.Call)
        and not test.args
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "is_alive"
    ):
        return False
    thread = test.func.value
    return _made_by(thread, maker) or (isinstance(thread, cst.Name) and thread.value in names)


def own_thread_alive(test: cst.BaseExpression, names: frozenset[str] = frozenset()) -> bool:
    """``threading.current_thread().is_alive()`` (or ``me.is_alive()`` for a local of ``names``
    bound to it): the thread asking is alive while it asks, so a loop on it never ends."""
    return _alive(test, "current_thread", names)


def main_thread_alive(test: cst.BaseExpression, names: frozenset[str] = frozenset()) -> bool:
    """``threading.main_thread().is_alive()`` (or ``main.is_alive()`` for a local ``main`` of
    ``names``, bound to it): true for as long as the program runs (CPython marks the main thread
    stopped only when the interpreter shuts down, before it waits for the non-daemon threads),
    so a loop on it runs until exit, as ``while True:`` does."""
    return _alive(test, "main_thread", names)


def endless_while(
    statement: cst.CSTNode,
    names: ThreadNames = NO_THREAD_NAMES,
    function: cst.FunctionDef | None = None,
) -> bool:
    """``while True:`` (or ``while 1:``, ``while threading.main_thread().is_alive():`` or
    ``while threading.current_thread().is_alive():``, the thread perhaps named by a local of
    ``names``, from ``thread_names``; in ``function``, ``while flag:`` on a local flag it never
    rebinds) with no else that no break, return or raise leaves."""
    return (
        isinstance(statement, cst.While)
        and (
            always_true(statement.test, function)
            or main_thread_alive(statement.test, names[0])
            or own_thread_alive(statement.test, names[1])
        )
        and statement.orelse is None
        and not loop_can_exit(statement)
    )


def always_true(test: cst.BaseExpression, function: cst.FunctionDef | None = None) -> bool:
    """``True``, ``1``; or, in ``function``, a local bound once to such a literal and never
    rebound (``running = True; while running:`` with no other binding of ``running``, no
    ``global``/``nonlocal`` naming it in the function or the functions it holds): a constant
    under another name."""
    if is_true(test):
        return True
    if function is None or not isinstance(test, cst.Name):
        return False
    name = test.value
    params = function.params
    if name in {
        p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)
    }:
        return False
    bound = 0
    for node in walk_statements(function, skip_nested=False):
        kind = type(node)
        if kind is cst.Global or kind is cst.Nonlocal:
            if any(item.name.value == name for item in cast(Any, node).names):
                return False
        elif kind is cst.Assign:
            for target in cast(cst.Assign, node).targets:
                for inner in walk_statements(target.target, skip_nested=False):
                    if type(inner) is cst.Name and inner.value == name:
                        if target.target is not inner or not is_true(cast(cst.Assign, node).value):
                            return False
                        bound += 1
        elif kind in (cst.AugAssign, cst.AnnAssign, cst.NamedExpr, cst.For, cst.AsName, cst.Del):
            targets = (
                cast(Any, node).target if kind is not cst.AsName else cast(cst.AsName, node).name
            )
            if any(
                type(inner) is cst.Name and inner.value == name
                for inner in walk_statements(targets, skip_nested=False)
            ):
                return False
    return bound == 1


def in_loop(index: ModuleIndex, node: cst.CSTNode) -> bool:
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        if isinstance(ancestor, LOOP_NODES):
            if isinstance(ancestor, cst.For) and index.inside(node, ancestor.iter):
                continue
            if isinstance(ancestor, cst.While) and index.inside(node, ancestor.test):
                return True
            return True
    return False


def enclosing_if_test(index: ModuleIndex, node: cst.CSTNode) -> cst.If | None:
    current: cst.CSTNode = node
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.If):
            return ancestor if ancestor.test is current else None
        if not isinstance(
            ancestor,
            cst.Comparison | cst.ComparisonTarget | cst.UnaryOperation | cst.BooleanOperation,
        ):
            return None
        current = ancestor
    return None


def parent_polarity(test: cst.BaseExpression, handle: cst.CSTNode) -> bool | None:
    """True when ``test`` holds in the parent (pid != 0), False when it holds in the child."""
    if test is handle:
        return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = parent_polarity(test.expression, handle)
        return None if inner is None else not inner
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        comparison = test.comparisons[0]
        left, right, op = test.left, comparison.comparator, comparison.operator
        if right is handle:
            left, right = right, left
            flipped: dict[type, cst.BaseCompOp] = {
                cst.GreaterThan: cst.LessThan(),
                cst.LessThan: cst.GreaterThan(),
            }
            op = flipped.get(type(op), op)
        # 0, or pty.CHILD (which is 0)
        zero = (isinstance(right, cst.Integer) and right.value == "0") or (
            (dotted_name(right) or "").rsplit(".", 1)[-1] == "CHILD"
        )
        if left is not handle or not zero:
            return None
        if isinstance(op, cst.Equal | cst.Is | cst.LessThanEqual):
            return False
        if isinstance(op, cst.NotEqual | cst.IsNot | cst.GreaterThan):
            return True
    return None


def block_statements(node: cst.CSTNode) -> Sequence[cst.CSTNode] | None:
    if isinstance(node, cst.IndentedBlock | cst.Module):
        return node.body
    return None


def is_binding_of(index: ModuleIndex, node: cst.CSTNode, statement: cst.CSTNode) -> bool:
    """Is ``node`` (a Name or self.x) the target being bound by ``statement``?"""
    current: cst.CSTNode | None = node
    while current is not None and current is not statement:
        parent = index.parent_of(current)
        if isinstance(parent, cst.AssignTarget | cst.NamedExpr) and (
            getattr(parent, "target", None) is current
        ):
            return True
        if isinstance(parent, cst.AnnAssign) and parent.target is current:
            return True
        if isinstance(parent, cst.Tuple | cst.List | cst.Element):
            current = parent
            continue
        return False
    return False


def calls_method(call: cst.Call, holder: str, names: Collection[str]) -> bool:
    """Is ``call`` ``<holder>.<one of names>(...)`` (``self.thread.start()``)?"""
    func = call.func
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value in names
        and dotted_name(func.value) == holder
    )


def with_callers(
    index: ModuleIndex, info: ClassInfo, names: set[str], skip: Collection[str] = ()
) -> set[str]:
    """``names`` and the methods of the class (but ``skip``) that call one of them on ``self``,
    transitively: ``close()`` calling ``self.stop()`` stops what ``stop()`` does."""
    out = set(names)
    changed = True
    while changed:
        changed = False
        for name, method in info.methods.items():
            if name in out or name in skip:
                continue
            if any(calls_method(call, "self", out) for call in calls_in(index, method)):
                out.add(name)
                changed = True
    return out


def self_attribute_nodes(
    index: ModuleIndex, info: ClassInfo, attr: str
) -> list[cst.BaseExpression]:
    """The reads and writes of ``self.<attr>`` in the class, ``getattr(self, "<attr>"[,
    default])`` among them (the value it gives is the attribute's)."""
    out: list[cst.BaseExpression] = []
    for node in index.names.get(attr, ()):
        parent = index.parent_of(node)
        if (
            isinstance(parent, cst.Attribute)
            and parent.attr is node
            and dotted_name(parent.value) in ("self", "cls")
        ):
            if index.inside(parent, info.node) and not _in_branch_left_out(index, parent):
                out.append(parent)
    for node in index.names.get("getattr", ()):
        call = index.parent_of(node)
        if (
            isinstance(call, cst.Call)
            and call.func is node
            and len(call.args) in (2, 3)
            and dotted_name(call.args[0].value) in ("self", "cls")
            and isinstance(call.args[1].value, cst.SimpleString)
            and call.args[1].value.evaluated_value == attr
            and index.inside(call, info.node)
        ):
            out.append(call)
    return out


def _in_branch_left_out(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Is ``node`` in a method the class body defines under an ``if`` whose branch does not run
    here (``if sys.platform == "win32": def close(self): ...``; ``index._class_methods``)?"""
    method = index.method_of(node)
    return method is not None and id(method) in index.left_out_methods


def iteration_of(
    index: ModuleIndex, node: cst.CSTNode, keyed: bool = False
) -> tuple[cst.CSTNode, tuple[int, ...] | None] | None:
    """The for-loop or comprehension that iterates over ``node`` (possibly through .values(),
    list()...), and where the elements are in its target: ``()`` the whole target, ``(1,)``
    the second name (``for k, p in procs.items()``, ``for i, p in enumerate(procs)``), None
    for no element (``for k in procs.keys()``). With ``keyed``, the elements are the mapping's
    keys (``procs[p] = path``): ``keys()`` and plain iteration give them, ``items()`` first,
    ``values()`` none."""
    current: cst.CSTNode = node
    path: list[int] = []
    for _ in range(4):
        parent = index.parent_of(current)
        if parent is None:
            return None
        if isinstance(parent, cst.For | cst.CompFor) and parent.iter is current:
            return parent, tuple(reversed(path))
        if (
            isinstance(parent, cst.Attribute)
            and parent.value is current
            and parent.attr.value in ITER_METHODS
        ):
            grand = index.parent_of(parent)
            if isinstance(grand, cst.Call):
                method = parent.attr.value
                if method in (("values", "itervalues") if keyed else ("keys",)):
                    return None
                if method in ("items", "iteritems", "viewitems"):
                    path.append(0 if keyed else 1)
                current = grand
                continue
            return None
        if isinstance(parent, cst.Arg):
            call = index.parent_of(parent)
            wrapper = (
                (dotted_name(call.func) or "").rsplit(".", 1)[-1]
                if isinstance(call, cst.Call)
                else ""
            )
            if isinstance(call, cst.Call) and wrapper in ITER_WRAPPERS:
                if wrapper in (("itervalues", "viewvalues") if keyed else ("iterkeys",)):
                    return None
                if wrapper in ("iteritems", "viewitems"):
                    path.append(0 if keyed else 1)
                elif wrapper == "enumerate":
                    path.append(1)
                current = call
                continue
            return None
        if isinstance(parent, cst.Subscript) and parent.value is current:
            current = parent  # procs[:]
            continue
        return None
    return None


def element_names(target: cst.BaseExpression | None, path: tuple[int, ...]) -> list[str]:
    """The names of a loop target that hold the elements at ``path`` (see ``iteration_of``)."""
    for position in path:
        if not isinstance(target, cst.Tuple | cst.List) or position >= len(target.elements):
            return target_names(target)
        element = target.elements[position]
        if isinstance(element, cst.StarredElement):
            return []
        target = element.value
    return target_names(target)


def target_names(target: cst.BaseExpression | None) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, cst.Tuple | cst.List):
        names: list[str] = []
        for element in target.elements:
            names.extend(target_names(element.value))
        return names
    return []


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def assignments(
    body: cst.CSTNode,
) -> Iterator[tuple[cst.BaseExpression, cst.BaseExpression | None]]:
    """What the statements of ``body`` assign to (``x = ``, ``x += ``, ``x: T = ``), with the
    value when it is the target's alone (None for a tuple's elements, ``+=``)."""
    for _, target, value in assignments_among(walk_statements(body)):
        yield target, value


def assignments_among(
    nodes: Iterable[cst.CSTNode],
) -> Iterator[tuple[cst.CSTNode, cst.BaseExpression, cst.BaseExpression | None]]:
    """``assignments`` of the assignment statements among ``nodes``, each with its statement."""
    # type() tests: libcst's node classes are final, and an ABC isinstance() per node of every
    # statement walked is most of this function's cost.
    for inner in nodes:
        kind = type(inner)
        if kind is cst.Assign:
            assign = cast(cst.Assign, inner)
            for target in assign.targets:
                if isinstance(target.target, cst.Tuple | cst.List):
                    yield from ((assign, element.value, None) for element in target.target.elements)
                else:
                    yield assign, target.target, assign.value
        elif kind is cst.AugAssign:
            yield inner, cast(cst.AugAssign, inner).target, None
        elif kind is cst.AnnAssign:
            yield inner, cast(cst.AnnAssign, inner).target, cast(cst.AnnAssign, inner).value


def targets_given(
    statement: cst.CSTNode | None, value: cst.CSTNode
) -> tuple[cst.BaseExpression, ...]:
    """What ``statement`` binds ``value`` to when it is an assignment of it: ``x = value``,
    ``x = y = value``, and the annotated ``x: Final = value`` typed code writes; () otherwise."""
    if isinstance(statement, cst.Assign) and statement.value is value:
        return tuple(target.target for target in statement.targets)
    if isinstance(statement, cst.AnnAssign) and statement.value is value:
        return (statement.target,)
    return ()


def values_stored(
    body: cst.CSTNode, names: Collection[str]
) -> list[tuple[cst.CSTNode, cst.BaseExpression]]:
    """The statements of ``body`` binding a value to one of the plain ``names`` (``running =
    False``, ``done: bool = True``, ``a = running = x``; not a tuple's element, a ``+=`` nor a
    bare annotation, whose value is not the name's alone), each once, with that value."""
    found: dict[int, tuple[cst.CSTNode, cst.BaseExpression]] = {}
    for statement, target, value in assignments_among(walk_statements(body)):
        if value is not None and isinstance(target, cst.Name) and target.value in names:
            found.setdefault(id(statement), (statement, value))
    return list(found.values())


def state_read(test: cst.BaseExpression) -> set[str]:
    """The object's state a loop test reads: ``self._stop`` in ``not self._stop.is_set()`` or
    ``not self._stop.wait(self.interval)`` (not a method called on self, ``self._should_go()``,
    nor an argument, ``self.interval``)."""
    called: set[int] = set()
    arguments: set[int] = set()
    for node in walk(test):
        if isinstance(node, cst.Call):
            called.add(id(node.func))
            for arg in node.args:
                arguments.update(id(n) for n in walk(arg))
    # `self.base._exiting`: a flag of another object the class holds; whoever else holds that
    # object can set it, so it is no state of this object's own
    foreign = {
        id(node.value)
        for node in walk(test)
        if isinstance(node, cst.Attribute)
        and id(node) not in called
        and isinstance(node.value, cst.Attribute)
    }
    found: set[str] = set()
    for node in walk(test):
        if (
            isinstance(node, cst.Attribute)
            and id(node) not in called
            and id(node) not in arguments
            and id(node) not in foreign
            and dotted_name(node.value) == "self"
        ):
            found.add(f"self.{node.attr.value}")
    return found


def exit_values(test: cst.BaseExpression, ends_when: bool) -> dict[str, bool | None]:
    """The object's flags a loop test reads, each with the truth value that ends the loop when
    ``test`` being ``ends_when`` ends it (``while not self._stop`` with ``ends_when`` False:
    ``self._stop`` True ends it)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return exit_values(test.expression, not ends_when)
    if isinstance(test, cst.BooleanOperation):
        return {**exit_values(test.left, ends_when), **exit_values(test.right, ends_when)}
    if isinstance(test, cst.Attribute) and dotted_name(test.value) == "self":
        return {f"self.{test.attr.value}": ends_when}
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value in ("is_set", "wait")
        and isinstance(test.func.value, cst.Attribute)
        and dotted_name(test.func.value.value) == "self"
    ):
        return {f"self.{test.func.value.attr.value}": ends_when}  # an Event: set() is True
    return dict.fromkeys(state_read(test))  # a comparison: which value ends it is not told


def flags_set(node: cst.CSTNode) -> list[tuple[str, bool | None]]:
    """``self._stop = True`` -> [(``self._stop``, True)]; ``self._ev.set()`` -> [(.., True)];
    ``self._ev.clear()`` -> False, and so does ``self._ev = threading.Event()`` (a new
    Event is clear); another value -> None; each target of a chained assignment
    (``self._process = self._stdout = MISSING``); ``self._stopping.append(True)`` -> True (a
    list made non-empty), and so does ``self._conns[key] = conn``; an item taken out (``del
    self._conns[key]``, ``self._conns.pop(key)``, ``.remove(x)``) -> None (it may be the last:
    a loop ``while self._conns:`` ends once the last is gone); no flag set -> []."""
    if isinstance(node, cst.Del):
        targets = node.target.elements if isinstance(node.target, cst.Tuple) else None
        removed = [e.value for e in targets] if targets is not None else [node.target]
        return [
            (dotted_name(target.value) or "", None)
            for target in removed
            if isinstance(target, cst.Subscript) and isinstance(target.value, cst.Attribute)
        ]
    if isinstance(node, cst.Assign):
        value = literal_truth(node.value)
        if (
            value is None
            and isinstance(node.value, cst.Call)
            and last_name(node.value.func) == "Event"
            and not node.value.args
        ):
            value = False  # a new Event() is clear: made, not set
        return [
            (dotted_name(t.target.value) or "", True)  # an item stored: non-empty, truthy
            if isinstance(t.target, cst.Subscript)
            else (dotted_name(t.target) or "", value)
            for t in node.targets
        ]
    if isinstance(node, cst.AugAssign):
        return [(dotted_name(node.target) or "", None)]
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in ("set", "clear")
    ):
        return [(dotted_name(node.func.value) or "", node.func.attr.value == "set")]
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in CONTAINER_REMOVE
        and isinstance(node.func.value, cst.Attribute)
    ):
        return [(dotted_name(node.func.value) or "", None)]  # one item fewer: maybe empty
    if (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in CONTAINER_ADD - {"put", "put_nowait"}  # a queue's truth
        and isinstance(node.func.value, cst.Attribute)  # is no flag: its put() sets nothing
    ):
        return [(dotted_name(node.func.value) or "", True)]  # a list made non-empty: truthy
    return []


def three_valued(
    test: cst.BaseExpression, leaf: Callable[[cst.BaseExpression], bool | None]
) -> bool | None:
    """The truth of ``test`` in three values (True, False, None for not known) through
    ``not``/``and``/``or``, ``leaf`` judging everything else: ``x and <False>`` is False
    whatever ``x``, ``x or <True>`` True."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = three_valued(test.expression, leaf)
        return None if inner is None else not inner
    if isinstance(test, cst.BooleanOperation):
        left, right = three_valued(test.left, leaf), three_valued(test.right, leaf)
        if isinstance(test.operator, cst.And):
            if left is False or right is False:
                return False
            return True if left is True and right is True else None
        if left is True or right is True:
            return True
        return False if left is False and right is False else None
    return leaf(test)


def given_params(
    index: ModuleIndex, function: cst.FunctionDef, through: cst.BaseExpression
) -> list[cst.Param]:
    """The positional parameters of ``function`` that the arguments of a call through
    ``through`` fill: ``self.m(...)`` fills all but ``self``/``cls`` (a static method's all),
    ``f(...)`` all."""
    params = [*function.params.posonly_params, *function.params.params]
    if (
        isinstance(index.parent_of(index.parent_of(function) or function), cst.ClassDef)
        and isinstance(through, cst.Attribute)
        and not any(dotted_name(d.decorator) == "staticmethod" for d in function.decorators)
    ):
        return params[1:]
    return params


def innermost_loop(index: ModuleIndex, node: cst.CSTNode) -> cst.CSTNode | None:
    """The ``for``/``while`` a ``break`` at ``node`` leaves (None outside any, in its scope):
    one in a loop's ``else:`` clause leaves the loop around it."""
    below = node
    for ancestor in index.ancestors(node):
        if breaks_belong(ancestor, below):
            return ancestor
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return None
        below = ancestor
    return None


def breaks_belong(node: cst.CSTNode, child: cst.CSTNode) -> bool:
    """Does a ``break`` in ``child`` (a child of ``node``) leave ``node``? Yes for a loop's body
    and test; not for its ``else:`` clause, which runs after the loop ended, so that a ``break``
    there (``for ...: ... else: break``) leaves the loop around it."""
    return isinstance(node, cst.For | cst.While) and child is not node.orelse


def names_tested(test: cst.BaseExpression) -> set[str]:
    """The bare names whose value ``test`` tests: not the attribute names of ``self._stop``,
    nor those only passed to a call in it (the timeout of ``self._stop.wait(interval)``
    decides how long, not whether)."""
    nodes = walk_statements(test, skip_nested=False)
    aside = {id(node.attr) for node in nodes if isinstance(node, cst.Attribute)}
    aside.update(
        id(inner)
        for node in nodes
        if isinstance(node, cst.Call)
        for arg in node.args
        for inner in walk_statements(arg, skip_nested=False)
    )
    return {node.value for node in nodes if isinstance(node, cst.Name) and id(node) not in aside}


def all_params(params: cst.Parameters) -> list[cst.Param]:
    """Every parameter: positional-only, plain, keyword-only, ``*args`` and ``**kwargs``."""
    out = [*params.posonly_params, *params.params, *params.kwonly_params]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            out.append(star)
    return out


def literal_value(node: cst.BaseExpression) -> tuple[bool, object]:
    """(True, its value) for a literal: a plain string, a number, True, False or None."""
    if isinstance(node, cst.SimpleString | cst.Integer | cst.Float):
        try:
            return True, ast.literal_eval(node.value)
        except (ValueError, SyntaxError):
            return False, None
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return True, {"True": True, "False": False, "None": None}[node.value]
    return False, None


def literal_test(test: cst.BaseExpression) -> tuple[str, Callable[[object], bool]] | None:
    """A test of a bare name against a literal (``policy == "kill"``, ``x is not None``,
    ``flag``, ``not flag``): the name, and whether the test holds for a value of it."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = literal_test(test.expression)
        if inner is None:
            return None
        name, holds = inner
        return name, lambda value: not holds(value)
    if isinstance(test, cst.Name) and test.value not in ("True", "False", "None"):
        return test.value, bool
    if (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.left, cst.Name)
    ):
        target = test.comparisons[0]
        known, literal = literal_value(target.comparator)
        if not known:
            return None
        operator = target.operator
        if isinstance(operator, cst.Is | cst.IsNot) and literal not in (None, True, False):
            return None  # identity of a number or a string: not told by its value
        if isinstance(operator, cst.Is):
            return test.left.value, lambda value: value is literal
        if isinstance(operator, cst.IsNot):
            return test.left.value, lambda value: value is not literal
        if isinstance(operator, cst.Equal):
            return test.left.value, lambda value: bool(value == literal)
        if isinstance(operator, cst.NotEqual):
            return test.left.value, lambda value: bool(value != literal)
    return None


def normal_values(scope: cst.CSTNode) -> dict[str, tuple[object, ...]]:
    """The locals of ``scope`` bound only by assignments of literals, some of them inside
    handlers reached only by Ctrl-C or an exit (``except KeyboardInterrupt:``, or ``except
    BaseException:`` after an ``except Exception:`` of the same ``try``): each with the values
    its other assignments give, the only ones a run that is not being interrupted sees."""
    nodes = walk_statements(scope)
    # what else than Ctrl-C or an exit a BaseException handler gets in a normal run: a
    # generator's GeneratorExit when its consumer stops early, a coroutine's CancelledError
    ordinary = {"Exception"}
    if any(isinstance(node, cst.Yield) for node in nodes):
        ordinary.add("GeneratorExit")
    if isinstance(scope, cst.FunctionDef) and scope.asynchronous is not None:
        ordinary.add("CancelledError")
    interrupted: set[int] = set()
    for node in nodes:
        if isinstance(node, cst.Try):
            seen: set[str] = set()
            for handler in node.handlers:
                caught = [name.rsplit(".", 1)[-1] for name in caught_names(handler)]
                if set(caught) <= {"KeyboardInterrupt", "SystemExit"} or (
                    ordinary <= seen and "BaseException" in caught
                ):
                    interrupted.update(id(inner) for inner in walk_statements(handler.body))
                seen.update(caught)
    values: dict[str, list[object]] = {}
    late: set[str] = set()
    other: set[str] = set()
    if isinstance(scope, cst.FunctionDef):
        other.update(param.name.value for param in all_params(scope.params))
    # a nested function rebinding one (`nonlocal how; how = "kill"` in a Timer's callback)
    for node in walk_statements(scope, skip_nested=False):
        if isinstance(node, cst.Nonlocal | cst.Global):
            other.update(item.name.value for item in node.names)
    for node in nodes:
        if (
            isinstance(node, cst.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0].target, cst.Name)
        ):
            name = node.targets[0].target.value
            known, value = literal_value(node.value)
            if id(node) in interrupted:
                late.add(name)
            elif known:
                values.setdefault(name, []).append(value)
            else:
                other.add(name)
            continue
        for target in binding_targets(node):
            other.update(n.value for n in walk_statements(target) if isinstance(n, cst.Name))
    return {
        name: tuple(found) for name, found in values.items() if name in late and name not in other
    }


def binding_targets(node: cst.CSTNode) -> list[cst.CSTNode]:
    """What a statement binds (targets, names, aliases): an assignment's, a loop's, a ``with``
    item's, an ``except ... as``'s, a ``global``'s, a ``del``'s, an import's."""
    if isinstance(node, cst.Assign):
        return [target.target for target in node.targets]
    if isinstance(node, cst.AugAssign | cst.AnnAssign | cst.For | cst.NamedExpr):
        return [node.target]
    if isinstance(node, cst.WithItem) and node.asname is not None:
        return [node.asname.name]
    if isinstance(node, cst.ExceptHandler) and node.name is not None:
        return [node.name.name]
    if isinstance(node, cst.Global | cst.Nonlocal):
        return [item.name for item in node.names]
    if isinstance(node, cst.Del):
        return [node.target]
    if isinstance(node, cst.Import | cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        return [alias.asname.name if alias.asname else alias.name for alias in node.names]
    return []


def runs_only_when_collected(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Does ``node`` run only when its object is collected: in ``__del__``, or in private
    methods only ``__del__`` calls?"""
    method = index.method_of(node)
    return method is not None and runs_only_from(
        index, [method.name.value], root="__del__", private=True
    )


def runs_only_from(
    index: ModuleIndex,
    methods: Collection[str],
    root: str = "",
    root_reference: Callable[[cst.CSTNode], bool] | None = None,
    private: bool = False,
    roots: Collection[str] = (),
    pinned: bool = False,
) -> bool:
    """Do ``methods`` (of a class) run only when some root runs: each is the method ``root``
    itself (or one of ``roots``), or is named in the module only where ``root_reference``
    holds (handed to ``atexit.register``), or only called as ``self.<name>()`` by a method that
    itself runs only from a root. With ``private``, a public method on the way (``close()``) is
    a way in from outside the module, so it does not run only from the root. False when no
    root is reached. With ``pinned`` (the roots are cleanup run at exit), a ``__del__`` of a
    class that registers one of its own bound methods with atexit (``atexit.register(self.
    close)``) runs only at exit too (``pinned_by_atexit``)."""
    reached = False
    pending = set(methods)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        seen.add(name)
        if (root and name == root) or name in roots:
            reached = True
            continue
        if pinned and name == "__del__" and pinned_by_atexit(index):
            reached = True
            continue
        if name.startswith("__") and name.endswith("__"):
            return False  # called by the language (`with`, collection), not by name
        if private and not name.startswith("_"):
            return False
        for node in index.names.get(name, ()):
            parent = index.parent_of(node)
            if isinstance(parent, cst.FunctionDef) and parent.name is node:
                continue  # its definition
            reference = parent if isinstance(parent, cst.Attribute) else node
            if root_reference is not None and root_reference(reference):
                reached = True
                continue
            caller = index.method_of(node)
            holder = index.parent_of(reference)
            if not (isinstance(holder, cst.Call) and holder.func is reference) or caller is None:
                return False  # handed on, or called from outside a method
            if caller.name.value not in seen:
                if len(seen) > 8:
                    return False
                pending.add(caller.name.value)
    return reached


def pinned_by_atexit(index: ModuleIndex) -> bool:
    """Is every class of the module defining ``__del__`` one that hands atexit a bound method
    of its own objects (``atexit.register(self.close)``)? atexit keeps what it is given until
    the interpreter exits, and a bound method keeps its object: no such object is collected
    before exit, so its ``__del__`` runs only then, if at all."""
    finalizers = [
        function
        for function in index.functions
        if function.name.value == "__del__" and index.class_of(function.body) is not None
    ]
    if not finalizers:
        return False
    for function in finalizers:
        info = index.class_of(function.body)
        assert info is not None
        if not any(
            isinstance(node, cst.Call) and atexit_registered_method(index, node)
            for method in info.methods.values()
            for node in walk_statements(method)
        ):
            return False
    return True


def atexit_registered_method(index: ModuleIndex, call: cst.Call) -> str:
    """``stop`` for ``atexit.register(self.stop, ...)``: the name of the bound method of its
    own object that ``call`` hands atexit, which keeps it (and so the object) until exit; ""
    for any other call."""
    return _self_method_handed(call) if index.resolve(call.func) == "atexit.register" else ""


def _self_method_handed(call: cst.Call) -> str:
    """``stop`` for a call given ``self.stop`` first: the bound method of its own object it
    hands on; "" otherwise."""
    registered = call.args[0].value if call.args else None
    if isinstance(registered, cst.Attribute) and dotted_name(registered.value) == "self":
        return registered.attr.value
    return ""


def stopped_at_shutdown(index: ModuleIndex, info: ClassInfo, names: Collection[str]) -> bool:
    """Does the class hand one of ``names`` (bound methods of its objects) to
    ``threading._register_atexit(self._stop)``? The interpreter runs such callbacks as it shuts
    down, before it waits for the non-daemon threads (unlike ``atexit``, which runs after):
    a thread that method stops does not hold the exit, as a daemon thread does not (anyio's
    selector thread, concurrent.futures' own workers)."""
    return any(
        isinstance(node, cst.Call)
        and (index.resolve(node.func) or "").endswith("threading._register_atexit")
        and _self_method_handed(node) in names
        for method in info.methods.values()
        for node in walk_statements(method)
    )


def handed_to_atexit(index: ModuleIndex, reference: cst.CSTNode) -> bool:
    """Is ``reference`` (``self.stop``, ``_cleanup``) an argument of ``atexit.register(...)``:
    cleanup run at exit, after the interpreter has waited for every non-daemon thread? So is
    a method of the very object a ``weakref.finalize(obj, obj.stop)`` watches (a bound one, of
    the class: not a static method): the finalizer holds the object through its bound method,
    so it is never collected and the callback runs only at exit (finalize's atexit)."""
    holder = index.parent_of(reference)
    call = index.parent_of(holder) if isinstance(holder, cst.Arg) else None
    if not isinstance(call, cst.Call):
        return False
    called = index.resolve(call.func)
    if called == "atexit.register":
        return True
    if not (
        called == "weakref.finalize"
        and len(call.args) > 1
        and holder is call.args[1]
        and isinstance(reference, cst.Attribute)
        and dotted_name(reference.value) is not None
        and dotted_name(reference.value) == dotted_name(call.args[0].value)
    ):
        return False
    # a bound method holds its object; a static or class method reached through it does not
    # (`weakref.finalize(self, self._stop_loop, self._loop)` with a @staticmethod)
    info = index.class_of(call)
    method = index.method_table(info).get(reference.attr.value) if info is not None else None
    return method is not None and not without_object(method)


def atexit_functions(index: ModuleIndex) -> frozenset[str]:
    """The functions of the module registered with atexit by decoration (``@atexit.register``
    over ``def catch_exit():``): they run at exit, called by no code of the module."""
    return frozenset(
        function.name.value
        for function in index.functions
        if any(index.resolve(d.decorator) == "atexit.register" for d in function.decorators)
    )


def foreign_bases(family: Iterable[ClassInfo]) -> set[str]:
    """The bases of the classes of ``family`` defined in another module, not the standard
    library's (``threading.Thread`` keeps nothing of a subclass's) nor ``object``: what the
    module cannot see of the classes it defines."""
    return {
        base
        for member in family
        for base in member.bases
        if not base.startswith("@")
        and base.split(".")[0] not in sys.stdlib_module_names
        and base not in ("object", "builtins.object")
    }


def without_object(function: cst.FunctionDef) -> bool:
    """Is ``function`` a ``@classmethod`` or ``@staticmethod``: called on its class, not once
    per object?"""
    return any(
        last_name(decorator.decorator) in ("classmethod", "staticmethod")
        for decorator in function.decorators
    )


def asks_self_for(node: cst.CSTNode, attr: str = "") -> bool:
    """Is ``node`` ``getattr(self, "<attr>"[, default])`` or ``hasattr(self, "<attr>")``: a
    look at the object's attribute by name (any attribute when ``attr`` is "")?"""
    if not (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value in ("getattr", "hasattr")
        and node.args
        and dotted_name(node.args[0].value) == "self"
    ):
        return False
    if not attr:
        return True
    named = node.args[1].value if len(node.args) >= 2 else None
    return isinstance(named, cst.SimpleString) and named.evaluated_value == attr


def at_exit_only(index: ModuleIndex, function: cst.FunctionDef) -> bool:
    """Is ``function`` run only as cleanup at exit: decorated ``@atexit.register``, or named
    only as an argument of ``atexit.register(_cleanup)`` (a method: ``atexit.register(
    self._stop)``)?"""
    if function.name.value in atexit_functions(index):
        return True
    uses = [
        node
        for node in index.names.get(function.name.value, ())
        if not (
            isinstance(parent := index.parent_of(node), cst.FunctionDef) and parent.name is node
        )
    ]
    return bool(uses) and all(handed_to_atexit(index, _reference(index, node)) for node in uses)


def _reference(index: ModuleIndex, node: cst.CSTNode) -> cst.CSTNode:
    """The whole reference a name is part of: ``self._stop`` for its ``_stop``."""
    parent = index.parent_of(node)
    return parent if isinstance(parent, cst.Attribute) and parent.attr is node else node


# decorators that leave a function to be called by name (or, for atexit, by no code at all)
_PLAIN_DECORATORS = frozenset({"atexit.register", "staticmethod", "classmethod"})


def uncalled_methods(index: ModuleIndex, methods: Collection[str]) -> frozenset[str] | None:
    """Do no code of the module call ``methods`` (of a class): each is named only in its own
    definition, handed to ``atexit.register`` (``handed_to_atexit``), or as
    ``<x>.<name>()`` in a method that no code calls either, or in a function that runs only
    as cleanup at exit (``@atexit.register``, ``atexit.register(_cleanup)``: after the
    interpreter has waited for every non-daemon thread)? The names on the way (``stop``, and ``close``
    calling it), or None when something calls one: a call at module level or in another
    function (what the module offers its users to call: one calling the stop uses the class
    as meant), a method named otherwise (handed on as a callback), one decorated (a route, a
    command: its framework calls it), or one the language calls (``__exit__``, ``__del__``).
    Calls are told by name alone, whatever they are called on (``f.close()`` counts for
    ``close``): a name that common is taken as called."""
    pending = set(methods)
    seen: set[str] = set()
    while pending:
        name = pending.pop()
        seen.add(name)
        if name.startswith("__") and name.endswith("__"):
            return None
        for function in index.functions:
            if function.name.value == name and any(
                index.resolve(d.decorator) not in _PLAIN_DECORATORS for d in function.decorators
            ):
                return None
        for node in index.names.get(name, ()):
            parent = index.parent_of(node)
            if not (isinstance(parent, cst.Attribute) and parent.attr is node):
                # its definition, or a plain name (`stop = self._event`, `f(stop=...)`): a
                # method is reached through its object (`self.stop`, `client.stop`)
                continue
            reference = parent
            if handed_to_atexit(index, reference):
                continue
            caller = index.method_of(node) or next(
                (
                    a
                    for a in reversed(index.ancestors(node))
                    if isinstance(a, cst.FunctionDef) and at_exit_only(index, a)
                ),
                None,
            )
            holder = index.parent_of(reference)
            if not (isinstance(holder, cst.Call) and holder.func is reference) or caller is None:
                return None  # handed on, or called at module level or by a function
            if caller.name.value not in seen:
                if len(seen) > 8:
                    return None
                pending.add(caller.name.value)
    return frozenset(seen)


_ORDER: dict[type[cst.BaseCompOp], Callable[[float, float], bool]] = {
    cst.LessThan: lambda x, c: x < c,
    cst.LessThanEqual: lambda x, c: x <= c,
    cst.GreaterThan: lambda x, c: x > c,
    cst.GreaterThanEqual: lambda x, c: x >= c,
    cst.Equal: lambda x, c: x == c,
    cst.NotEqual: lambda x, c: x != c,
}
_FLIPPED: dict[type[cst.BaseCompOp], type[cst.BaseCompOp]] = {
    cst.LessThan: cst.GreaterThan,
    cst.LessThanEqual: cst.GreaterThanEqual,
    cst.GreaterThan: cst.LessThan,
    cst.GreaterThanEqual: cst.LessThanEqual,
    cst.Equal: cst.Equal,
    cst.NotEqual: cst.NotEqual,
}


def _number(node: cst.BaseExpression) -> float | None:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _number(node.expression)
        return None if inner is None else -inner
    if isinstance(node, cst.Integer | cst.Float):
        known, value = literal_value(node)
        if known and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


# a test of one value against numbers: (the value's code, the numbers it is compared with,
# whether they are all whole, the test as a function of the value)
_NumberTest = tuple[str, frozenset[float], bool, Callable[[float], bool]]


def _number_test(test: cst.BaseExpression) -> _NumberTest | None:
    """``self.n_jobs > 1``, ``not n == 1``, ``1 < n < 64``, ``n > 1 or n < 0``: a test of one
    value against numbers; None for anything else."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _number_test(test.expression)
        if inner is None:
            return None
        holds = inner[3]
        return inner[0], inner[1], inner[2], lambda x: not holds(x)
    if isinstance(test, cst.BooleanOperation):
        one, other = _number_test(test.left), _number_test(test.right)
        if one is None or other is None or one[0] != other[0]:
            return None
        first, second = one[3], other[3]
        joined: Callable[[float], bool] = (
            (lambda x: first(x) or second(x))
            if isinstance(test.operator, cst.Or)
            else (lambda x: first(x) and second(x))
        )
        return one[0], one[1] | other[1], one[2] and other[2], joined
    if not isinstance(test, cst.Comparison):
        return None
    operands = [test.left, *(target.comparator for target in test.comparisons)]
    code = ""
    numbers: set[float] = set()
    whole = True
    checks: list[tuple[Callable[[float, float], bool], float]] = []
    for (left, right), target in zip(pairwise(operands), test.comparisons, strict=True):
        operator = type(target.operator)
        if operator not in _ORDER:
            return None
        literal, subject = right, left
        number = _number(literal)
        if number is None:
            literal, subject, operator = left, right, _FLIPPED[operator]
            number = _number(literal)
        if number is None or _number(subject) is not None:
            return None  # two values, or two numbers
        subject_code = cst.Module(body=[]).code_for_node(subject)
        if code and subject_code != code:
            return None
        code = subject_code
        numbers.add(number)
        whole = whole and not isinstance(
            literal.expression if isinstance(literal, cst.UnaryOperation) else literal, cst.Float
        )
        checks.append((_ORDER[operator], number))
    return (
        code,
        frozenset(numbers),
        whole,
        lambda x: all(order(x, bound) for order, bound in checks),
    )


def number_test_implies(given: cst.BaseExpression, test: cst.BaseExpression) -> bool:
    """Does ``given`` (``self.n_jobs > 1``, ``n < 0 or n > 1``, ``not n == 1``) make ``test``
    (``self.n_jobs != 1``) true: both test the same value against numbers, and every number
    passing the first passes the second? A test against numbers changes its answer only at
    those numbers, so trying each of them, one beyond each end and the points between decides
    it. Compared with whole numbers only, the value is taken for a whole number (a count), and
    only whole points are tried."""
    first, second = _number_test(given), _number_test(test)
    if first is not None and second is None:
        # `if n:` / `if not n:` after `n > 1`: a number tested for truth is tested against 0
        bare, negated = test, False
        while isinstance(bare, cst.UnaryOperation) and isinstance(bare.operator, cst.Not):
            bare, negated = bare.expression, not negated
        if isinstance(bare, cst.Name | cst.Attribute):
            code = cst.Module(body=[]).code_for_node(bare)
            second = (
                code,
                frozenset({0.0}),
                True,
                (lambda x: x == 0) if negated else (lambda x: x != 0),
            )
    if first is None or second is None or first[0] != second[0]:
        return False
    edges = sorted(first[1] | second[1])
    points = [edges[0] - 1, *edges, edges[-1] + 1]
    if first[2] and second[2]:
        points += [x for a, b in pairwise(edges) for x in (a + 1, b - 1) if a + 1 < b]
    else:
        points += [(a + b) / 2 for a, b in pairwise(edges)]
    return all(second[3](x) for x in points if first[3](x))


def none_test_sense(comparison: cst.Comparison) -> bool | None:
    """For ``x is not None`` / ``x != None``: True (it holds once ``x`` has a value); ``x is
    None`` / ``x == None``: False; anything else: None."""
    if len(comparison.comparisons) != 1:
        return None
    target = comparison.comparisons[0]
    comparator = target.comparator
    if not (isinstance(comparator, cst.Name) and comparator.value == "None"):
        return None
    if isinstance(target.operator, cst.IsNot | cst.NotEqual):
        return True
    if isinstance(target.operator, cst.Is | cst.Equal):
        return False
    return None


def local_names(function: cst.FunctionDef | cst.Lambda) -> frozenset[str]:
    """Names local to ``function``: its parameters and what it binds (assigned, a loop's or a
    comprehension's target, an ``as`` name), less the names it declares ``global`` or
    ``nonlocal`` (an enclosing scope's, kept from call to call)."""
    bound = {param.name.value for param in all_params(function.params)}
    declared: set[str] = set()
    for node in walk_statements(function):
        kind = type(node)  # exact types: an ABC isinstance() per node is slow
        if kind is cst.Global or kind is cst.Nonlocal:
            assert isinstance(node, cst.Global | cst.Nonlocal)
            declared.update(n.name.value for n in node.names)
        elif kind in _TARGET_BINDERS:
            bound.update(bound_by(node.target))  # type: ignore[attr-defined]
        elif kind is cst.AsName:
            assert isinstance(node, cst.AsName)
            bound.update(bound_by(node.name))
    return frozenset(bound - declared)


# the nodes binding what their `.target` names
_TARGET_BINDERS = frozenset(
    {cst.AssignTarget, cst.For, cst.CompFor, cst.AnnAssign, cst.AugAssign, cst.NamedExpr}
)


def bound_by(target: cst.CSTNode) -> list[str]:
    """The names an assignment target binds (`a`, `a, (b, *c)`)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, cst.Tuple | cst.List):
        return [name for element in target.elements for name in bound_by(element.value)]
    if isinstance(target, cst.StarredElement):
        return bound_by(target.value)
    return []


def is_main_test(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    return isinstance(test, cst.Comparison) and any(
        isinstance(part, cst.SimpleString) and "__main__" in part.value
        for part in (test.left, *(c.comparator for c in test.comparisons))
    )


def in_main_block(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Is ``node`` in the module's ``if __name__ == "__main__":`` script block?"""
    current = node
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.FunctionDef | cst.ClassDef | cst.Lambda):
            return False
        if (
            isinstance(ancestor, cst.If)
            and ancestor.body is current
            and is_main_test(ancestor.test)
        ):
            return True
        current = ancestor
    return False


def lowers_attribute(index: ModuleIndex, name: str, ends: bool) -> bool:
    """Does the module lower a flag ``name`` of an object it uses, to the truth ``ends`` that
    ends a loop waiting on it: ``hist.gc.wait_for_shell = False`` (a literal of that truth),
    ``worker.stop.set()`` (an Event, ending the loop once set: ``ends`` True), or
    ``setattr(worker, "running", False)``? Told by the attribute's name, whatever object it is
    on, but never ``self.<name>`` (``cls.<name>``): that is a class of the module's own
    attribute of the same name. A store of any other value (``True``, a new Event) lowers
    nothing."""
    for node in index.names.get(name, ()):
        attribute = index.parent_of(node)
        if not (isinstance(attribute, cst.Attribute) and attribute.attr is node):
            continue
        if dotted_name(attribute.value) in ("self", "cls"):
            continue
        holder = index.parent_of(attribute)
        if isinstance(holder, cst.AssignTarget):
            assign = index.parent_of(holder)
            if isinstance(assign, cst.Assign) and literal_truth(assign.value) is ends:
                return True
        elif isinstance(holder, cst.Attribute) and holder.attr.value == "set" and ends:
            if isinstance(index.parent_of(holder), cst.Call):
                return True
    for call in index.calls:
        if last_name(call.func) != "setattr" or len(call.args) != 3:
            continue
        key, value = call.args[1].value, call.args[2].value
        if (
            isinstance(key, cst.SimpleString)
            and key.evaluated_value == name
            and literal_truth(value) is ends
        ):
            return True
    return False


def computed_property(lineage: Sequence[ClassInfo], flag: str) -> bool:
    """Is ``flag`` (``self.ready``) a property of the class (``lineage``: it and its local
    ancestors) that works its value out (reads a queue, compares the clock, asks its
    missions) rather than returning one of the object's flags (``return self._running``,
    ``return not self._stop.is_set()``)? Its value changes by itself, as a call's does: no
    stop needs to set it."""
    name = flag.split(".", 1)[1] if flag.startswith("self.") else ""
    if not name or "." in name:
        return False
    for member in lineage:
        method = member.methods.get(name)
        if method is None:
            continue
        # (a cached property is worked out once: a loop on it sees one value for good)
        if not any(last_name(decorator.decorator) == "property" for decorator in method.decorators):
            return False
        body = method.body.body if isinstance(method.body, cst.IndentedBlock) else ()
        statements = [s for s in body if not _docstring(s)]
        # a count the object's work moves (`self._running += 1`, `-= 1` as missions end) is
        # what the work does, not a state a stop sets
        counts = {
            dotted_name(node.target) or ""
            for klass in lineage
            for function in klass.methods.values()
            for node in walk_statements(function)
            if isinstance(node, cst.AugAssign)
        }
        return not (len(statements) == 1 and _returns_own_state(statements[0], counts))
    return False


def _docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    )


def _returns_own_state(statement: cst.BaseStatement, counts: set[str]) -> bool:
    """``return self._running``, ``return not self._stop.is_set()``, ``return self._running and
    not self._paused``, ``return self._state == "running"``: the object's own state."""
    if not (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Return)
    ):
        return False
    value = statement.body[0].value
    return value is not None and _own_state(value, counts)


def _own_state(value: cst.BaseExpression, counts: set[str]) -> bool:
    """Is ``value`` made only of the object's attributes (flags, Events asked ``is_set()``,
    compared with constants), joined with ``and``/``or``/``not``? What only its methods set;
    not one of ``counts``, which the object's work moves."""
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Not):
        return _own_state(value.expression, counts)
    if isinstance(value, cst.BooleanOperation):
        return _own_state(value.left, counts) and _own_state(value.right, counts)
    if isinstance(value, cst.Comparison) and len(value.comparisons) == 1:
        sides = (value.left, value.comparisons[0].comparator)
        return any(_own_state(side, counts) for side in sides) and any(
            _constant(side) for side in sides
        )
    if isinstance(value, cst.Call) and not value.args and isinstance(value.func, cst.Attribute):
        # an Event's state, or the liveness of a thread the object holds (`self._polling_
        # thread.is_alive()`: asked by that thread's own loop, it never turns false)
        asked = value.func.attr.value in ("is_set", "is_alive")
        value = value.func.value if asked else value
    if isinstance(value, cst.Call) and dotted_name(value.func) == "bool" and len(value.args) == 1:
        return _own_state(value.args[0].value, counts)  # `bool(self.end_time)`
    name = dotted_name(value) or ""
    return name.startswith("self.") and name.count(".") == 1 and name not in counts


def _constant(value: cst.BaseExpression) -> bool:
    """A literal, ``None``/``True``/``False``, or a name in capitals (``State.RUNNING``)."""
    if isinstance(value, cst.SimpleString | cst.Integer | cst.Float):
        return True
    name = dotted_name(value) or ""
    last = name.rsplit(".", 1)[-1]
    return name in ("None", "True", "False") or (bool(last) and last.isupper())
