"""What the code does with a handle at one node: the one place that reads the syntax around a
value that is (or holds) a started child, thread or pool.

``use_of`` says which role the parent gives the value (a method called on it, passed as an
argument, bound to a name, returned...); ``Effect`` says what a method call or a field use means
for the handle's life (it starts it, reaps it, only ends it...). The flow stage interprets both,
for a fresh value (``Popen(...)`` itself) and for every later read of a name bound to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import libcst as cst

from forkaudit.analysis.index import ModuleIndex
from forkaudit.analysis.syntax import element_index


class Role(Enum):
    CALL = "call"  # h.name(...): ``at`` is the call
    REFERENCE = "reference"  # h.name handed on without a call (atexit.register(h.join)): the Arg
    FIELD = "field"  # h.name otherwise (h.pid, h.daemon = True, h.stop.set()): the Attribute
    DISCARDED = "discarded"  # an expression statement of its own
    WITH = "with"  # `with h:` / `with h as x:`: the WithItem
    BOUND = "bound"  # `x = h`, `self.x: T = h`, `(x := h)`: the statement
    ARGUMENT = "argument"  # f(h), f(key=h): the Arg
    RETURNED = "returned"  # return h / yield h, or an element of a returned tuple: the Return
    ELEMENT = "element"  # an element of a literal or a comprehension: the container
    TESTED = "tested"  # `if h`, `h == 0`, `not h`
    THROUGH = "through"  # `await h`, `h if c else x`, `a or h`: the parent carries the value
    DEFAULT = "default"  # `lambda pid=h: ...`: the Param
    ITERATED = "iterated"  # `for line in h:`, `[x for x in h]`: the For or CompFor
    KEY = "key"  # `d[h] = v`: stored as a key of the container ``d``: the Subscript
    OTHER = "other"


@dataclass(frozen=True)
class Use:
    role: Role
    at: cst.CSTNode
    name: str = ""  # the method or attribute name (CALL, REFERENCE, FIELD)
    position: int = 0  # RETURNED: the position in a returned tuple


class Effect(Enum):
    """What a method called on the handle does to it."""

    START = "start"  # it starts (t.start(), ex.submit())
    REAP = "reap"  # it reaps (wait, join, shutdown, communicate, `with`'s __exit__, a poll loop)
    TIMED_REAP = "timed"  # it reaps only what ends in time (join(5), wait(timeout=5))
    DAEMON = "daemon"  # it makes the thread a daemon (setDaemon(True))
    END = "end"  # it ends the child without reaping it (kill, terminate; a pool's close)
    NONE = "none"


_TESTS = (cst.If, cst.Comparison, cst.UnaryOperation, cst.ComparisonTarget, cst.BooleanOperation)


def use_of(index: ModuleIndex, node: cst.CSTNode) -> Use:
    """The role the code around ``node`` gives the value of ``node``."""
    parent = index.parent_of(node)
    if isinstance(parent, cst.Attribute) and parent.value is node:
        grand = index.parent_of(parent)
        name = parent.attr.value
        if isinstance(grand, cst.Call) and grand.func is parent:
            return Use(Role.CALL, grand, name)
        if isinstance(grand, cst.Arg):
            return Use(Role.REFERENCE, grand, name)
        return Use(Role.FIELD, parent, name)
    if isinstance(parent, cst.Expr):
        return Use(Role.DISCARDED, parent)
    if isinstance(parent, cst.WithItem) and parent.item is node:
        return Use(Role.WITH, parent)
    if isinstance(parent, cst.Assign | cst.AnnAssign | cst.NamedExpr) and parent.value is node:
        return Use(Role.BOUND, parent)
    if isinstance(parent, cst.Arg):
        return Use(Role.ARGUMENT, parent)
    if isinstance(parent, cst.Return | cst.Yield):
        return Use(Role.RETURNED, parent)
    if isinstance(parent, cst.Param) and parent.default is node:
        return Use(Role.DEFAULT, parent)
    if isinstance(parent, cst.Element | cst.DictElement | cst.StarredElement):
        container = index.parent_of(parent)
        if isinstance(container, cst.Tuple) and isinstance(
            index.parent_of(container), cst.Return | cst.Yield
        ):
            holder = index.parent_of(container)
            assert holder is not None
            return Use(Role.RETURNED, holder, position=element_index(container, parent))
        if container is not None:
            return Use(Role.ELEMENT, container)
        return Use(Role.OTHER, parent)
    if isinstance(parent, cst.For | cst.CompFor) and parent.iter is node:
        return Use(Role.ITERATED, parent)
    if isinstance(parent, cst.Index) and parent.value is node:
        element = index.parent_of(parent)
        subscript = index.parent_of(element) if element is not None else None
        holder = index.parent_of(subscript) if subscript is not None else None
        if (
            isinstance(subscript, cst.Subscript)
            and len(subscript.slice) == 1
            and isinstance(holder, cst.AssignTarget)
            and holder.target is subscript
        ):
            # `procs[p] = path`: the container keeps the handle as a key
            return Use(Role.KEY, subscript)
    if isinstance(parent, cst.ListComp | cst.SetComp | cst.GeneratorExp) and parent.elt is node:
        return Use(Role.ELEMENT, parent)
    if isinstance(parent, cst.DictComp) and parent.value is node:
        return Use(Role.ELEMENT, parent)
    if isinstance(parent, cst.Await) or (
        (isinstance(parent, cst.IfExp) and node in (parent.body, parent.orelse))
        or (isinstance(parent, cst.BooleanOperation) and node is parent.right)
    ):
        assert parent is not None
        return Use(Role.THROUGH, parent)
    if isinstance(parent, _TESTS):
        return Use(Role.TESTED, parent)
    return Use(Role.OTHER, parent if parent is not None else node)
