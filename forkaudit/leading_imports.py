"""The imports a module's text makes first, read from its bytes without parsing it.

Importing ``a.b.c`` runs ``a/__init__.py``, then ``a/b/__init__.py``, then ``a/b/c.py``, and each
import statement at the top of those runs the module it names (and its packages) first. An
import that fails there fails the whole chain. The scan stage follows that chain through the
environment's own files (``importable.Importable.missing_through``); it reads only the import
lines each module opens with, so it needs no parser: the lines at the left margin that import
(``import x``, ``from x import y``, ``from . import y``, over several lines in brackets or with
backslashes), after blank lines, comments, the docstring and ``from __future__``. It stops at
the first other line: what comes later may run only after code that can change the outcome (a
``try``, an ``if``, a call), and only what is certain counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from forkaudit.analysis.prefilter import IMPORT_SYSTEM_BYTES, edits_imports

__all__ = ["Imported", "edits_imports_when_run", "leading_imports"]

# how much of a module is read: the imports a module opens with sit in its first lines
_HEAD = 65536

_DOCSTRING = re.compile(rb"""^[rRuUbB]{0,2}("{3}|'{3}|"|')""")
_IMPORT = re.compile(rb"^import\s+(.+)$")
_FROM = re.compile(rb"^from\s+(\.*)\s*([\w.]*)\s+import\s+(.+)$")
_NAME = re.compile(rb"^[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class Imported:
    """One module named by an import: ``level`` 0 for an absolute name (``a.b``), the number of
    dots of a relative one (``from .b import c``: 1, ``b``); ``names`` what a ``from`` import
    takes out of it (each may be a submodule: ``from a import b`` imports ``a.b`` when that is
    a module)."""

    level: int
    module: str
    names: tuple[str, ...] = ()


def leading_imports(data: bytes) -> list[Imported] | None:
    """The imports ``data`` (a module's bytes) opens with, in order; None when its head cannot
    be read so (an unclosed bracket or docstring)."""
    lines = data[:_HEAD].splitlines()
    found: list[Imported] = []
    at = 0
    first = True
    while at < len(lines):
        line = lines[at].rstrip()
        at += 1
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#"):
            continue
        if first and (quote := _DOCSTRING.match(line)):
            first = False
            closing = quote.group(1)
            rest = line[quote.end() :]
            if len(closing) == 1 and closing not in rest:
                return found  # a one-quote string left open: read no further
            while closing not in rest:  # a triple-quoted one runs on to its closing quotes
                if at >= len(lines):
                    return None
                rest = lines[at]
                at += 1
            continue
        first = False
        if line[:1].isspace():
            break  # an indented line at the top: a block is being opened
        statement = _code(line)
        while statement.endswith(b"\\") and at < len(lines):
            statement = statement[:-1] + b" " + _code(lines[at].strip())
            at += 1
        if b"(" in statement and b")" not in statement:
            while at < len(lines) and b")" not in statement:
                statement += b" " + _code(lines[at].strip())
                at += 1
            if b")" not in statement:
                return None
        if b";" in statement:
            break  # several statements on one line: read no further
        imported = _statement(statement)
        if imported is None:
            break
        found.extend(each for each in imported if each.module != "__future__")
    return found


def _code(line: bytes) -> bytes:
    """``line`` without a trailing comment (no string literal sits in an import line)."""
    return line.split(b"#", 1)[0].rstrip()


def _statement(statement: bytes) -> list[Imported] | None:
    """The modules one import statement names; None when it is no import."""
    if match := _IMPORT.match(statement):
        names = [_alias(part) for part in match.group(1).split(b",")]
        if not all(names) or "*" in names:
            return None
        return [Imported(0, name) for name in names]
    if match := _FROM.match(statement):
        dots, module, what = match.groups()
        taken = [_alias(part) for part in what.strip().strip(b"()").split(b",") if part.strip()]
        if not dots and not module:
            return None
        return [
            Imported(
                len(dots),
                module.decode("ascii", "replace"),
                tuple(name for name in taken if name and name != "*"),
            )
        ]
    return None


def _alias(part: bytes) -> str:
    """``a.b`` of ``a.b as c``; "" when it is not a plain dotted name."""
    name = part.strip().split(b" as ", 1)[0].strip()
    if name == b"*":
        return "*"
    return name.decode("ascii", "replace") if _NAME.match(name) else ""


_IMPORT_SYSTEM_WORDS = (
    b"sys.path",
    b"sys.modules",
    b"sys.meta_path",
    b"sys .",
    b"addsitedir",
    b"from sys",
    b"sys as",
    b"sys\tas",
)
_HEADER = re.compile(rb"^\s*(async\s+def|def)\s")


def edits_imports_when_run(data: bytes) -> bool:
    """Does running the module ``data`` holds (importing it) edit where imports are found:
    code editing the import system (``prefilter.edits_imports``) outside every function body
    (a function's body runs only when called; a class body runs at once)? Read by indentation:
    an edit whose enclosing blocks, found by walking back to the lines less indented, include a
    ``def`` runs later."""
    if not any(word in data for word in _IMPORT_SYSTEM_WORDS):
        return False  # (what the pattern looks for needs one of these words: a quick no)
    matches = list(IMPORT_SYSTEM_BYTES.finditer(data))
    if not matches:
        return False
    lines = data.split(b"\n")
    numbers = sorted({data.count(b"\n", 0, match.start()) for match in matches})
    for number in numbers:
        line = lines[number]
        if not edits_imports(line.strip()):
            continue  # (a comment, a string: only code counts, as edits_imports reads it)
        indent = len(line) - len(line.lstrip())
        inside = False
        for before in reversed(lines[:number]):
            stripped = before.strip()
            if not stripped or stripped.startswith(b"#"):
                continue
            depth = len(before) - len(before.lstrip())
            if depth < indent:
                if _HEADER.match(before):
                    inside = True
                    break
                indent = depth
                if depth == 0:
                    break
        if not inside:
            return True
    return False
