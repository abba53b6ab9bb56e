"""Python 2 code, told without a parser of our own: a module that no Python 3 can import.

CPython's own parser (``compile`` only parses: nothing runs) says whether a module compiles;
the first error it meets, or the Python 2 clauses a partial parse read in their Python 3
spelling, say whether what keeps it from compiling is Python 2. Kept free of libcst: the scan's
parent process asks it of the modules an import chain runs, and never imports the parser.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["python2_code", "python2_form", "python2_text"]

# `except E, e:` (a respelled line of that form is no evidence: Python 3.14 reads it)
_EXCEPT = re.compile(r"^[ \t]*except[ \t(]")

# what CPython 3.10+ says of a Python 2 statement or token it meets first: no Python 3 compiles
# such a module (a form new in a later Python is never reported so; `except E, e:` is not
# one: Python 3.14 reads it as two exception types, PEP 758)
_PYTHON2_ERRORS = (
    "Missing parentheses in call to 'print'",
    "Missing parentheses in call to 'exec'",
    "leading zeros in decimal integer literals are not permitted",
    "Function parameters cannot be parenthesized",  # `def f(a, (b, c)):`
    "inconsistent use of tabs and spaces in indentation",  # Python 2 let them mix
)


# a line only Python 2 code has (a print or exec statement, after a colon too, a tuple
# parameter), or a tab indenting a line: the cheap look before asking CPython's parser. Each
# form is looked for by the word it starts with (the regex engine then skips ahead to that
# word: a pattern opening with `^` or a choice is tried at every byte, 60 ns a byte), and what
# comes before it on its line is checked after.
_PYTHON2_WORDS = (
    r"print[ \t]+[^\s(=.,)\]]",  # after the line's indent or a colon: `if x: print y` too
    r"exec[ \t]+[\"'\w]",  # likewise
    r"def[ \t]+\w+[ \t]*\([^)\n]*\([^)\n]*,",  # after the indent only: a tuple parameter
)
# a tab indenting a line: matched at the start, and searched after each newline
_TAB_FORMS = (" *\t", "\n *\t")
# (the forms, then the tab's, compiled for text and for bytes)
_TEXT = tuple(re.compile(form) for form in _PYTHON2_WORDS + _TAB_FORMS)
_BYTES = tuple(re.compile(form.encode()) for form in _PYTHON2_WORDS + _TAB_FORMS)


def _looks_python2(data: str | bytes) -> bool:
    """Has ``data`` (text or bytes) a line only Python 2 code has, or a tab indenting a
    line?"""
    text = isinstance(data, str)
    patterns: tuple[re.Pattern[Any], ...] = _TEXT if text else _BYTES
    *words, first_tab, newline_tab = patterns
    source: Any = data  # (text or bytes alike below)
    if first_tab.match(source) or newline_tab.search(source):
        return True
    # what comes before a match on its line: back over spaces and tabs only (a slice back to the
    # line's start would make a long line of near misses quadratic)
    blank, newline, colon = (" \t", "\n", ":") if text else (b" \t", b"\n", b":")
    for number, pattern in enumerate(words):
        after_colon = number < 2
        match = pattern.search(source)
        while match is not None:
            at = match.start()
            before = at - 1
            while before >= 0 and source[before : before + 1] in blank:
                before -= 1
            last = source[before : before + 1] if before >= 0 else newline
            if last == newline or (after_colon and last == colon):
                return True
            match = pattern.search(source, at + 1)
    return False


def python2_code(data: bytes) -> str:
    """``python2_form`` of a module's bytes (CPython reads their coding cookie or BOM), asked
    only of one with a line that looks like Python 2 (most modules are read without
    parsing)."""
    return python2_form(data) if _looks_python2(data) else ""


def python2_text(text: str) -> str:
    """``python2_form`` of a module's text, asked only of one with a line that looks like
    Python 2."""
    return python2_form(text) if _looks_python2(text) else ""


def python2_form(text: str | bytes, respelled: list[int] | None = None) -> str:
    """The Python 2 form that keeps ``text`` from compiling as Python 3, with its line ("`print
    "x"` at line 4"), or "": CPython's own parser (``compile`` only parses: nothing runs) fails
    on it, and either the failure is one only Python 2 code gives or a partial parse read
    Python 2 clauses (``raise E, "x"``, ``0777``, backquotes: ``respelled``, their lines) in
    their Python 3 spelling. A file CPython parses (a form libcst does not know) is not
    one."""
    try:
        compile(text, "<python2>", "exec", flags=0x400, dont_inherit=True)  # PyCF_ONLY_AST
    except SyntaxError as exc:
        message, line = str(exc.msg or ""), exc.lineno or 0
    except (ValueError, RecursionError, MemoryError):
        return ""
    else:
        return ""
    source = text if isinstance(text, str) else text.decode("utf-8", errors="replace")
    lines = source.splitlines()
    # (`except E, e:` is Python 3.14's too)
    clauses = [
        n for n in respelled or () if not (0 < n <= len(lines) and _EXCEPT.match(lines[n - 1]))
    ]
    if clauses:
        line = sorted(clauses)[0]
    elif not message.startswith(_PYTHON2_ERRORS):
        return ""
    shown = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
    if len(shown) > 40:
        shown = shown[:39] + "…"
    return f"`{shown}` at line {line}" if shown else f"line {line}"
