"""Code that runs only on another operating system.

forkaudit judges the environment it reads, on the machine it runs on: a start under
``if sys.platform == "win32":`` (or ``os.name == "nt"``, ``platform.system() == "Windows"``, a
flag such as ``IS_WINDOWS``/``RUNNING_WINDOWS``/``_mswindows``) never runs on Linux or macOS, so it
cannot pile anything up there, and neither can a function defined under such a test. Only the
branch a test selects counts: the body of a test that
holds on Windows alone (a conjunction with one is enough), the ``else`` of one that holds
everywhere but Windows.
"""

from __future__ import annotations

import re
import sys

import libcst as cst

from forkaudit.analysis.index import ModuleIndex, dotted_name

ON_WINDOWS = sys.platform == "win32"

# IS_WINDOWS, RUNNING_WINDOWS, ON_WIN32, _mswindows, iswindows, WINDOWS: a flag naming Windows.
# A bare `win` is left out: in GUI code it is a window.
_FLAG = re.compile(r"_*(?:(?:is|on|running(?:_on)?|ms|use)_?win(?:dows|32|nt)?|win(?:dows|32|nt))")
_WINDOWS_VALUES = {"win32", "nt", "windows", "cygwin", "win"}


def foreign_platform(index: ModuleIndex, node: cst.CSTNode) -> str:
    """The test that keeps ``node`` off this platform (``if RUNNING_WINDOWS``), or ""."""
    if ON_WINDOWS:
        return ""
    current: cst.CSTNode = node
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.If | cst.While):
            if ancestor.body is current and _windows_only(ancestor.test):
                return index.code(ancestor.test)
            orelse = getattr(ancestor, "orelse", None)
            if orelse is not None and orelse is current and _not_windows(ancestor.test):
                return f"not {index.code(ancestor.test)}"
        elif isinstance(ancestor, cst.IfExp):
            if ancestor.body is current and _windows_only(ancestor.test):
                return index.code(ancestor.test)
        current = ancestor  # a function or class defined on Windows only exists there
    return ""


def _windows_only(test: cst.BaseExpression) -> bool:
    """Does ``test`` hold on Windows only (false everywhere else)?"""
    return _off_windows(test, False)


def _not_windows(test: cst.BaseExpression) -> bool:
    """Does ``test`` hold everywhere but Windows (so its ``else`` runs on Windows only)?"""
    return _off_windows(test, True)


def _off_windows(test: cst.BaseExpression, value: bool) -> bool:
    """Is ``test`` always ``value`` off Windows?"""
    if isinstance(test, cst.BooleanOperation):
        # `a and b` is false where either is; `a or b` is true where either is
        either = isinstance(test.operator, cst.And) != value
        left, right = _off_windows(test.left, value), _off_windows(test.right, value)
        return (left or right) if either else (left and right)
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _off_windows(test.expression, not value)
    windows = _is_windows(test)
    return windows is not None and windows is not value


def _is_windows(test: cst.BaseExpression) -> bool | None:
    """True: the test says "this is Windows"; False: "this is not Windows"; None: neither."""
    if isinstance(test, cst.Name | cst.Attribute):
        name = test.value if isinstance(test, cst.Name) else test.attr.value
        return True if _FLAG.fullmatch(name.lower()) else None
    if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute):
        # sys.platform.startswith("win")
        if test.func.attr.value == "startswith" and _platform_value(test.func.value) and test.args:
            return True if _windows_literal(test.args[0].value) else None
        return None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if not _platform_value(test.left):
            return None
        if isinstance(target.operator, cst.Equal | cst.Is):
            return True if _windows_literal(target.comparator) else None
        if isinstance(target.operator, cst.NotEqual | cst.IsNot):
            return False if _windows_literal(target.comparator) else None
        if isinstance(target.operator, cst.In) and isinstance(
            target.comparator, cst.Tuple | cst.List | cst.Set
        ):
            elements = [element.value for element in target.comparator.elements]
            if elements and all(_windows_literal(element) for element in elements):
                return True
    return None


def _platform_value(node: cst.BaseExpression) -> bool:
    """``sys.platform``, ``os.name``, ``platform.system()`` (as imported or bare)."""
    if isinstance(node, cst.Call):
        return (dotted_name(node.func) or "").rsplit(".", 1)[-1] == "system" and not node.args
    name = dotted_name(node) or ""
    return name in ("sys.platform", "os.name", "platform", "_platform")


def _windows_literal(node: cst.BaseExpression) -> bool:
    if not isinstance(node, cst.SimpleString):
        return False
    value = node.evaluated_value
    return isinstance(value, str) and value.lower() in _WINDOWS_VALUES
