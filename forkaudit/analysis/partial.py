"""Parse what parses: a module that fails as Python 3 because of a few old-syntax statements
(``print "x"``, ``except E, e:``, ``exec code``) is parsed without the functions holding them.

The function (or, at module level, the statement) around each syntax error is left out and the
rest parsed again, a bounded number of times. Line numbers map back to the file, as for a slice,
and the result says what was left out, so the scan can record it in ``errors[]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

MAX_DROPS = 25  # a file broken in more places than this is not worth a partial analysis
_DEF = re.compile(r"[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)")


@dataclass
class Partial:
    module: cst.Module
    line_map: list[int]  # parsed line -> line of the file
    dropped: list[tuple[int, str]]  # (line of the file, what was left out there)


def parse_around_errors(
    text: str, line_map: list[int], parse: Callable[[str], cst.Module]
) -> Partial | None:
    """``text`` (whose lines come from the file's ``line_map``) parsed with the functions or
    statements that do not parse left out; None when that does not help."""
    lines = text.split("\n")
    mapping = list(line_map)
    dropped: list[tuple[int, str]] = []
    for _ in range(MAX_DROPS):
        candidate = "\n".join(lines)
        try:
            return Partial(parse(candidate), mapping, dropped)
        except cst.ParserSyntaxError as exc:
            line = error_line(candidate) or exc.raw_line
            position = min(max(line, 1), len(lines)) - 1
        except Exception:
            return None
        cut = _block_around(lines, position)
        if cut is None:
            return None
        begin, end, indent, name = cut
        original = mapping[begin] if begin < len(mapping) else begin + 1
        dropped.append((original, f"{name}()" if name else f"the statement at line {original}"))
        replacement = [f"{indent}pass"] if indent else []
        lines[begin:end] = replacement
        mapping[begin:end] = [original] * len(replacement)
    return None


def _block_around(lines: list[str], position: int) -> tuple[int, int, str, str] | None:
    """(first line, line after the last, indentation, function name) of the innermost function
    holding line ``position``, or of the statement at it when no function holds it."""
    if not lines:
        return None
    depth = _indent(lines[position]) if lines[position].strip() else None
    for begin in range(position, -1, -1):
        match = _DEF.match(lines[begin])
        if match is None:
            continue
        indent = _indent(lines[begin])
        if begin != position and depth is not None and depth <= indent:
            continue  # a def before, at the same depth: not around this line
        end = begin + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
            end += 1
        if end <= position:
            continue  # that function ended before the error
        while begin > 0 and lines[begin - 1].lstrip().startswith("@"):
            begin -= 1
        return begin, end, lines[begin][:indent], match.group(1)
    # No function holds it: the whole statement at that depth (from its `try:` or `if` down to
    # its last clause, `except ImportError, e:` included), and the lines indented under it.
    indent = depth or 0
    begin = position
    if _clause(lines[position]):
        begin = position - 1
        while begin > 0 and (
            not lines[begin].strip()
            or _indent(lines[begin]) > indent
            or (_indent(lines[begin]) == indent and _clause(lines[begin]))
        ):
            begin -= 1
    end = position + 1
    while end < len(lines) and (
        not lines[end].strip()
        or _indent(lines[end]) > indent
        or (_indent(lines[end]) == indent and _clause(lines[end]))
    ):
        end += 1
    return max(begin, 0), end, lines[position][:indent], ""


_CLAUSE = re.compile(r"[ \t]*(?:except\b|else[ \t]*:|elif\b|finally[ \t]*:)")


def _clause(line: str) -> bool:
    """A line going on with a compound statement (``except``, ``else:``, ``elif``, ``finally:``)."""
    return _CLAUSE.match(line) is not None


def error_line(text: str) -> int:
    """Where CPython's own parser sees the first error (libcst puts a tokenizer error, such as a
    backquote or ``0777``, at line 1). ``compile`` only parses: nothing runs."""
    try:
        compile(text, "<partial>", "exec", flags=0x400, dont_inherit=True)  # PyCF_ONLY_AST
    except SyntaxError as exc:
        return exc.lineno or 0
    except (ValueError, RecursionError, MemoryError):
        return 0
    return 0


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))
