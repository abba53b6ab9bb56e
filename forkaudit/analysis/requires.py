"""The top-level modules a module cannot be imported without.

Python runs a module's body top to bottom when it is first imported; an ``import`` statement of
that body which fails raises ``ImportError`` out of the import, and nothing after it (no class,
no function) ever exists. So a module whose body imports ``paramiko`` outside any ``try`` or
``if`` cannot be imported, and none of its code runs, where ``paramiko`` is not installed. The
scan stage compares these names with what the scanned environment holds.

Only what is certain counts: imports directly in the module's body (not under ``try``, ``if``,
``with`` or in a function), absolute ones (a relative import names the package's own module),
before any statement that runs code (a call outside function bodies: what it does stays done
when a later import fails, and happens again on every attempt to import the module), and not in
a module that edits the import system first (``sys.path.insert(...)``,
``sys.modules[...] = ...``, ``site.addsitedir(...)``), which may make a name importable that no
installed distribution provides.
"""

from __future__ import annotations

import libcst as cst

from forkaudit.analysis.index import dotted_name
from forkaudit.analysis.prefilter import edits_imports

__all__ = ["module_requires"]

_SCOPES = (cst.FunctionDef, cst.Lambda)


def module_requires(module: cst.Module, text: str) -> tuple[str, ...]:
    """The top-level names (``paramiko`` for ``from paramiko.client import SSHClient``) of the
    absolute imports directly in ``module``'s body, each with its first part when dotted
    (``paramiko.client``), sorted; () when ``text`` edits the import system."""
    if edits_imports(text):
        return ()
    found: set[str] = set()
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            if _runs_code(statement):
                break
            continue
        if any(not isinstance(small, cst.Import | cst.ImportFrom) for small in statement.body):
            if _runs_code(statement):
                break
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    _add(found, dotted_name(alias.name))
            elif isinstance(small, cst.ImportFrom) and not small.relative:
                if small.module is None:
                    continue
                name = dotted_name(small.module)
                if name == "__future__":
                    continue
                _add(found, name)
                if name and "." not in name and not isinstance(small.names, cst.ImportStar):
                    # `from google import protobuf`: of a namespace package, only a part
                    for alias in small.names:
                        _add(found, f"{name}.{dotted_name(alias.name)}")
    return tuple(sorted(found))


def _add(found: set[str], name: str | None) -> None:
    """``paramiko`` for ``paramiko.client``, and ``google.api_core`` too for a dotted name: a
    namespace package's part is found only where one of its folders holds it."""
    if not name:
        return
    parts = name.split(".")
    found.add(parts[0])
    if len(parts) > 1:
        found.add(f"{parts[0]}.{parts[1]}")


def _runs_code(statement: cst.CSTNode) -> bool:
    """Does ``statement`` call anything when the module body runs it (a call outside function
    bodies: a decorator, a default, a class attribute, ``logger = getLogger(...)``)? What
    follows such a statement is imported only after it ran, and an import failing there does
    not undo it (a module-level start before a missing import runs on every attempt)."""
    stack: list[cst.CSTNode] = [statement]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Call):
            return True
        if isinstance(node, _SCOPES):
            # what runs when the def runs: its decorators and its defaults, not its body
            if isinstance(node, cst.FunctionDef):
                stack.extend(decorator.decorator for decorator in node.decorators)
                stack.extend(node.params.children)
            continue
        stack.extend(node.children)
    return False
