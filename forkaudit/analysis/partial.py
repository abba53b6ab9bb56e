"""Parse what parses: a module that fails as Python 3 because of a few old-syntax statements
(``print "x"``, ``except E, e:``, ``exec code``, ``asyncio.async(...)``) is parsed without them.

The one-line statement at each syntax error is left out (``pass`` in its place) when that moves
the error on; else the function (or, at module level, the statement) around it. The rest is
parsed again, a bounded number of times. Line numbers map back to the file, as for a slice, and
the result says what was left out, so the scan can record it in ``errors[]``. Keeping the rest
of a function matters: a thread's target that loops forever is still seen to, though one line of
it is Python 2.
"""

from __future__ import annotations

import io
import re
import tokenize
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
    respelled: list[int]  # lines of the file read in their Python 3 spelling (`except E as e:`)

    def summary(self) -> str:
        """What was done to parse: "read 3 Python 2 lines as Python 3 (line 12, ...); left out
        f()"."""
        said = []
        if self.respelled:
            lines = sorted(set(self.respelled))
            shown = ", ".join(str(n) for n in lines[:5]) + (", ..." if len(lines) > 5 else "")
            plural = "s" if len(lines) > 1 else ""
            said.append(
                f"read {len(lines)} Python 2 line{plural} as Python 3 (line{plural} {shown})"
            )
        if self.dropped:
            said.append("left out " + ", ".join(what for _, what in self.dropped))
        return "; ".join(said)


def parse_around_errors(
    text: str, line_map: list[int], parse: Callable[[str], cst.Module]
) -> Partial | None:
    """``text`` (whose lines come from the file's ``line_map``) parsed with the functions or
    statements that do not parse left out; None when that does not help."""
    lines = text.split("\n")
    mapping = list(line_map)
    dropped: list[tuple[int, str]] = []
    respelled = [_original(mapping, p) for p in _python3_clauses(lines)]
    statements = MAX_DROPS  # one-line drops left before whole functions are dropped instead
    for _ in range(2 * MAX_DROPS):
        candidate = "\n".join(lines)
        try:
            return Partial(parse(candidate), mapping, dropped, respelled)
        except cst.ParserSyntaxError as exc:
            line = error_line(candidate) or exc.raw_line
            position = min(max(line, 1), len(lines)) - 1
        except Exception:
            return None
        spelled = _python3_tokens(lines[position])
        if spelled != lines[position]:
            trial = list(lines)
            trial[position] = spelled
            if _error_moved(trial, position):
                respelled.append(_original(mapping, position))
                lines = trial
                continue
        simple = _simple_statement(lines, position) if statements > 0 else None
        if simple is not None:
            statements -= 1
            begin, end = simple
            trial = list(lines)
            # `pass` in its place, the lines it went on over left blank: the rest keeps its lines
            trial[begin:end] = [lines[begin][: _indent(lines[begin])] + "pass"] + [""] * (
                end - begin - 1
            )
            if _error_moved(trial, position):
                original = _original(mapping, begin)
                dropped.append((original, f"the statement at line {original}"))
                lines = trial
                continue
        if len(dropped) >= 2 * MAX_DROPS:
            return None
        cut = _block_around(lines, position)
        if cut is None:
            return None
        begin, end, indent, name = cut
        original = _original(mapping, begin)
        dropped.append((original, f"{name}()" if name else f"the statement at line {original}"))
        replacement = [f"{indent}pass"] if indent else []
        lines[begin:end] = replacement
        mapping[begin:end] = [original] * len(replacement)
    return None


def _original(mapping: list[int], position: int) -> int:
    """The file's line of the text's line at ``position`` (0-based)."""
    return mapping[position] if position < len(mapping) else position + 1


_EXCEPT = re.compile(r"^(?P<head>[ \t]*except[ \t(])(?P<rest>.*):(?P<tail>[ \t]*(?:#.*)?)$")
_RAISE = re.compile(r"^(?P<head>[ \t]*raise[ \t]+)(?P<rest>[^#]*?)(?P<tail>[ \t]*(?:#.*)?)$")
_TRIPLE = ("'''", '"""')


def _python3_clauses(lines: list[str]) -> list[int]:
    """Rewrite, in place, the Python 2 forms that have a Python 3 twin of the same meaning on
    the same line: ``except E, e:`` -> ``except E as e:``, ``raise E, v`` -> ``raise E(v)`` (a
    ``raise`` left out would change where the code goes). The positions rewritten."""
    changed = []
    for position, line in enumerate(lines):
        match = _EXCEPT.match(line)
        if match is not None:
            head, rest = match["head"], match["rest"]
            if head.endswith("("):  # `except(A, B), e:`
                head, rest = head[:-1] + " ", "(" + rest
            parts = _top_level_split(rest)
            if len(parts) == 2 and parts[1].strip().isidentifier():
                lines[position] = f"{head}{parts[0].strip()} as {parts[1].strip()}:{match['tail']}"
                changed.append(position)
            continue
        match = _RAISE.match(line)
        if match is not None:
            parts = _top_level_split(match["rest"])
            if len(parts) in (2, 3) and parts[0].strip() and parts[1].strip():
                lines[position] = (
                    f"{match['head']}{parts[0].strip()}({parts[1].strip()}){match['tail']}"
                )
                changed.append(position)
    return changed


def _top_level_split(text: str) -> list[str]:
    """``text`` cut at its commas outside brackets and string literals, its comment left out;
    [] when a bracket or a string is left open (the statement goes on below: not rewritten)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for code, literal, left_open in _code_and_strings(text):
        for char in code:
            if char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
            elif char == "," and depth == 0:
                parts.append("".join(current))
                current = []
                continue
            current.append(char)
        if literal.startswith("#"):
            break
        if left_open:
            return []
        current.append(literal)
    if depth:
        return []
    parts.append("".join(current))
    return parts


_LONG = re.compile(r"\b((?:0[xX][0-9a-fA-F]+)|\d+)[lL]\b")
_OCTAL = re.compile(r"(?<![\w.])0(\d+)\b(?!\.)")
_BACKTICK = re.compile(r"`([^`]+)`")


def _python3_tokens(line: str) -> str:
    """``line`` with the Python 2 tokens that have a Python 3 spelling of the same value
    respelled outside its string literals: ``10L`` -> ``10``, ``0777`` -> ``0o777``, ``<>`` ->
    ``!=``, a backquoted ``x`` -> ``repr(x)``."""
    out = []
    for code, literal, _ in _code_and_strings(line):
        code = _LONG.sub(r"\1", code)
        code = _OCTAL.sub(r"0o\1", code)
        code = _BACKTICK.sub(r"repr(\1)", code.replace("<>", "!="))
        out.append(code + literal)
    return "".join(out)


def _code_and_strings(line: str) -> list[tuple[str, str, bool]]:
    """``line`` as (code, the string literal after it, whether that literal is left open at the
    end of the line) triples; a comment counts as a literal."""
    pieces = []
    start = 0
    i = 0
    while i < len(line):
        char = line[i]
        if char == "#":
            pieces.append((line[start:i], line[i:], False))
            return pieces
        if char in "'\"":
            quote = line[i : i + 3] if line[i : i + 3] in _TRIPLE else char
            end = i + len(quote)
            while end < len(line) and not line.startswith(quote, end):
                end += 2 if line[end] == "\\" else 1
            closed = end < len(line)
            end = min(end + len(quote), len(line))
            pieces.append((line[start:i], line[i:end], not closed))
            start = i = end
            continue
        i += 1
    pieces.append((line[start:], "", False))
    return pieces


def _simple_statement(lines: list[str], position: int) -> tuple[int, int] | None:
    """(first line, line after the last) of the simple statement holding line ``position``
    (``print "a", \\`` and the line it goes on to, a ``raise E, msg`` whose triple-quoted
    message spans lines), as
    Python's tokenizer reads the lines; None for a block's header or clause, or when the lines
    do not tokenize."""
    text = "\n".join(lines) + "\n"
    begin = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT) or (
                token.type in (tokenize.INDENT, tokenize.DEDENT)
            ):
                if token.type == tokenize.NEWLINE:
                    end = token.end[0]  # 1-based line of the statement's end
                    if begin <= position < end:
                        first = lines[begin]
                        if _clause(first) or _opens_block(lines, begin, end):
                            return None
                        return begin, end
                    begin = end
                elif token.type == tokenize.NL and token.start[0] - 1 == begin:
                    begin = token.end[0]  # a blank or comment-only line
                continue
            if token.start[0] - 1 > position and begin > position:
                return None
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return None


_COMPOUND = re.compile(
    r"[ \t]*(?:async[ \t]+)?(?:def|class|if|elif|else|for|while|try|except|finally|with|match|case)\b"
)


def _opens_block(lines: list[str], begin: int, end: int) -> bool:
    """Does the statement on lines ``begin``..``end`` head a block (``if x:``, ``def f():``)?"""
    if _COMPOUND.match(lines[begin]) or lines[begin].lstrip().startswith("@"):
        return True
    last = lines[end - 1].split("#", 1)[0].rstrip()
    return last.endswith(":")


def _error_moved(lines: list[str], position: int) -> bool:
    """Does the text parse, or fail elsewhere than at line ``position`` (the change helped)?
    CPython's tokenizer errors come before its parser's: the next error can be above."""
    return error_line("\n".join(lines)) - 1 != position


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
