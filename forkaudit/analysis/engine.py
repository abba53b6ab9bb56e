"""Analyse one file: decode, parse (libcst), index, follow handles, and produce findings."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tokenize
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache

import libcst as cst

from forkaudit.analysis.alternation import alternation
from forkaudit.analysis.elsewhere import CallersElsewhere
from forkaudit.analysis.index import ModuleIndex, build_index
from forkaudit.analysis.lifecycle import Analyzer, RawFinding
from forkaudit.analysis.modules import absolute_name, module_name
from forkaudit.analysis.partial import error_line, parse_around_errors
from forkaudit.analysis.platforms import foreign_path
from forkaudit.analysis.prefilter import start_modules, start_names
from forkaudit.analysis.python2 import python2_form, python2_text
from forkaudit.analysis.requires import module_requires
from forkaudit.analysis.slicing import compact, slice_source
from forkaudit.analysis.subclasses import SubclassInfo
from forkaudit.analysis.walk import forget
from forkaudit.model import FileError, FileResult, Finding, Rule

CONTEXT_LINES = 3
_SUPPRESS = re.compile(r"#\s*forkaudit:\s*ignore(?:\[(?P<ids>[A-Za-z0-9_,\s-]+)\])?", re.IGNORECASE)


@contextmanager
def _unvalidated_nodes() -> Iterator[None]:
    """Parse without libcst's per-node ``_validate()``: it re-checks invariants the parser already
    guarantees and costs ~45% of a parse (libcst's own PERF note in ``CSTNode.__post_init__``)."""
    base = cst.CSTNode
    original = base.__dict__.get("__post_init__")
    if original is None:
        yield
        return
    base.__post_init__ = _no_validation  # type: ignore[method-assign]
    try:
        yield
    finally:
        base.__post_init__ = original  # type: ignore[method-assign]


def _no_validation(self: cst.CSTNode) -> None:
    return None


def parse(source: str) -> cst.Module:
    with _unvalidated_nodes():
        return cst.parse_module(source)


def decode_source(data: bytes) -> str:
    """Decode as Python does (BOM, coding cookie, else UTF-8; universal newlines). Raises
    ValueError with the reason."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise ValueError(f"bad coding declaration: {exc.msg}") from None
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"cannot decode as {encoding}: {exc}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        # Python reads source with universal newlines: CRLF and a lone CR end a line (even
        # inside a triple-quoted string), so this changes no meaning and keeps line numbers
        # identical for the parser, the index and the snippets.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def analyze_source(
    data: bytes,
    path: str,
    rules: Sequence[Rule],
    *,
    distribution: str = "",
    external: dict[str, SubclassInfo] | None = None,
    test_code: bool = False,
) -> FileResult:
    """Findings of ``rules`` in one file's bytes. Never raises for bad input: errors are recorded."""
    return analyze(
        data, path, rules, distribution=distribution, external=external, test_code=test_code
    )[0]


def analyze(
    data: bytes,
    path: str,
    rules: Sequence[Rule],
    *,
    distribution: str = "",
    external: dict[str, SubclassInfo] | None = None,
    test_code: bool = False,
    extra_names: tuple[str, ...] = (),
    slicing: bool = True,
    process_reaper: str = "",
    callers: Mapping[str, Sequence[tuple[str, bytes]]] | None = None,
) -> tuple[FileResult, dict[str, SubclassInfo]]:
    """The file's result, and the thread/process subclasses it defines (for its sibling modules).

    ``extra_names`` are start-capable class names of the same distribution; with ``slicing``, only
    the top-level chunks that can matter are parsed (see ``slicing.py``). ``process_reaper``
    says why another module's SIGCHLD handler reaps every child of the process ("" if none).
    ``callers`` maps a private function of the file to the (path, bytes) of the other modules
    of its package naming it (``FileResult.asks`` lists those the file wants). ``FORKAUDIT_WHOLE_FILES=1``
    in the environment turns slicing off (``benchmarks/slicediff.py`` compares both)."""
    slicing = slicing and os.environ.get("FORKAUDIT_WHOLE_FILES") != "1"
    names = tuple(sorted(set(extra_names) | set(external or ())))
    # compiled only where the slicer asks for it: the name-driven regexes it builds are all it
    # uses when there are start names (a regex of them all took 4 ms to compile per set of names)
    pattern = (lambda: start_pattern(rules, names)) if slicing else None
    anchors = tuple(sorted(start_names(rules) | set(names)))
    try:
        return _analyze(
            data,
            path,
            rules,
            distribution,
            external,
            test_code,
            pattern,
            anchors,
            process_reaper,
            names,
            callers,
        )
    finally:
        forget()  # the children walk() remembered for this file's trees


def _reapers(rules: Sequence[Rule]) -> tuple[str, ...]:
    return tuple(sorted({method for rule in rules for method in rule.reaped_by_methods}))


def _analyze(
    data: bytes,
    path: str,
    rules: Sequence[Rule],
    distribution: str,
    external: dict[str, SubclassInfo] | None,
    test_code: bool,
    pattern: Callable[[], re.Pattern[str]] | None,
    anchors: tuple[str, ...] = (),
    process_reaper: str = "",
    makers: tuple[str, ...] = (),
    callers: Mapping[str, Sequence[tuple[str, bytes]]] | None = None,
) -> tuple[FileResult, dict[str, SubclassInfo]]:
    try:
        source = decode_source(data)
    except ValueError as exc:
        return _failed(
            FileResult(
                path=path,
                findings=(),
                error=FileError(path=path, reason=str(exc), distribution=distribution),
            )
        )
    if "\x00" in source:
        return _failed(
            FileResult(
                path=path,
                findings=(),
                error=FileError(
                    path=path,
                    reason="contains NUL bytes: not Python source",
                    distribution=distribution,
                ),
            )
        )
    module = None
    line_map: list[int] | None = None
    sliced = None
    seen = source  # the text the module analysed is parsed from
    if pattern is not None:  # slicing on (not in the tests that compare with the whole file)
        sliced = slice_source(
            source,
            pattern,
            anchors,
            _reapers(rules),
            tuple(sorted(start_modules(rules))),
            makers=makers,
        ) or compact(source)
    if sliced is not None:
        try:
            module = parse(sliced.text)
            line_map = sliced.line_map
            seen = sliced.text
        except Exception:
            module = None  # the cut landed inside a string, say: parse the whole file
    partly: FileError | None = None
    respelled: list[int] | None = None  # the Python 2 lines a partial parse read as Python 3
    try:
        if module is None:
            module = parse(source)
    except cst.ParserSyntaxError as exc:
        line = error_line(source) or exc.raw_line
        reason = f"syntax error at line {line}: {exc.message.splitlines()[0] if exc.message else 'invalid syntax'}"
        whole = compact(source)
        partial = parse_around_errors(whole.text, whole.line_map, parse)
        if partial is None:
            return _failed(
                FileResult(
                    path=path,
                    findings=(),
                    error=FileError(path=path, reason=reason, distribution=distribution),
                )
            )
        # Python 2 in a few places (`print "x"`, `except E, e:`): analyse the rest.
        module, line_map = partial.module, partial.line_map
        respelled = partial.respelled
        seen = ""  # (what was left out cannot be told from a text)
        partly = FileError(
            path=path,
            reason=f"partly parsed: {reason}; {partial.summary()}; the rest was analysed",
            distribution=distribution,
        )
    except RecursionError:
        return _failed(
            FileResult(
                path=path,
                findings=(),
                error=FileError(
                    path=path, reason="too deeply nested to parse", distribution=distribution
                ),
            )
        )
    except Exception as exc:  # libcst raises assorted errors on exotic input; never lose the scan
        return _failed(
            FileResult(
                path=path,
                findings=(),
                error=FileError(
                    path=path,
                    reason=f"cannot parse: {type(exc).__name__}: {exc}",
                    distribution=distribution,
                ),
            )
        )
    try:
        index = build_index(module, source, line_map, seen)
        elsewhere = CallersElsewhere(path, callers, _parsed) if callers else None
        analyzer = Analyzer(
            index,
            rules,
            external,
            process_reaper,
            elsewhere,
            elsewhere.sets_attribute if elsewhere is not None else None,
            elsewhere.stops_given if elsewhere is not None else None,
        )
        if elsewhere is not None:
            analyzer.flow.inherited = elsewhere.inherited_reap
            analyzer.method_called = elsewhere.calls_method
            analyzer.harm.counter.gives = elsewhere.gives
        if seen is not source:
            analyzer.seen = seen
        # (a folder named for a platform counts inside an environment, where the path starts
        # at site-packages: a project checked under ~/src/win/ is no Windows code)
        raw = [] if distribution and foreign_path(path) else analyzer.run()
        used: set[int] = set()
        findings, suppressed = _findings(index, raw, path, distribution, test_code, used)
        unused = tuple(line for line in suppression_comments(source) if line not in used)
    except RecursionError:
        return _failed(
            FileResult(
                path=path,
                findings=(),
                error=FileError(
                    path=path, reason="too deeply nested to analyse", distribution=distribution
                ),
                parsed=True,
            )
        )
    return FileResult(
        path=path,
        findings=tuple(findings),
        error=partly,
        parsed=True,
        suppressed=suppressed,
        unused_suppressions=unused,
        asks=tuple(
            sorted({ask for item in raw for ask in item.asks.split()} | _other_asks(raw, path))
        )
        if callers is None
        else (),
        requires=module_requires(module, source) if findings else (),
        # (a slice may leave the Python 2 part out: the whole text is looked at)
        python2=(
            (python2_form(source, respelled) if respelled is not None else python2_text(source))
            if findings
            else ""
        ),
    ), {
        name: replace(info, module=module_name(path)) if info.owned or info.factory else info
        for name, info in {**analyzer.factories, **analyzer.subclasses}.items()
    }


def _other_asks(raw: Sequence[RawFinding], path: str) -> set[str]:
    """The base classes the findings ask for (``pkg.base.Reader:attr``, the name made
    absolute): the runner looks for the module each import names among the files of the
    distribution (or of the folder checked), and reads only that one; and the methods that
    would stop a thread (``.stop``): the runner hands in the files naming an attribute so."""
    out: set[str] = {f".{name}" for item in raw for name in item.stops}
    for item in raw:
        for ask in item.bases:
            qualified, _, attr = ask.rpartition(":")
            out.add(f"{absolute_name(qualified, path)}:{attr}")
    return out


def _parsed(data: bytes) -> tuple[cst.Module, str]:
    """A whole module and its text (another module of the package, read for its calls)."""
    source = decode_source(data)
    return parse(source), source


@lru_cache(maxsize=8)
def _start_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + alternation(names) + r")(?:[\s\\]*\(|\s+as\s|\s*[,)])")


def start_pattern(rules: Sequence[Rule], extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    return _start_pattern(tuple(sorted(start_names(rules) | set(extra))))


def _failed(result: FileResult) -> tuple[FileResult, dict[str, SubclassInfo]]:
    return result, {}


def _findings(
    index: ModuleIndex,
    raw: list[RawFinding],
    path: str,
    distribution: str,
    test_code: bool,
    used: set[int] | None = None,
) -> tuple[list[Finding], int]:
    lines = index.lines
    out: list[Finding] = []
    suppressed = 0
    occurrences: dict[str, int] = {}
    for item in sorted(raw, key=lambda r: (index.positions(r.call), r.rule.id)):
        line, column, end_line = index.positions(item.call)
        statement_line = index.positions(index.statement_of(item.call))[0]
        by = _is_suppressed(lines, item.rule.id, {line, statement_line, end_line})
        if by:
            suppressed += 1
            if used is not None:
                used.add(by)
            continue
        snippet = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        start = max(1, line - CONTEXT_LINES)
        stop = min(len(lines), end_line + CONTEXT_LINES)
        context = tuple(lines[start - 1 : stop])
        function = _function_path(index, item.call)
        key = f"{item.rule.id}|{distribution}|{path}|{function}|{' '.join(snippet.split())}"
        occurrences[key] = occurrences.get(key, 0) + 1
        fingerprint = hashlib.sha256(f"{key}|{occurrences[key]}".encode()).hexdigest()[:20]
        flags = item.flags + (("test_code",) if test_code else ())
        out.append(
            Finding(
                rule=item.rule.id,
                name=item.rule.name,
                severity=item.severity,
                confidence=item.confidence,
                path=path,
                line=line,
                column=column,
                end_line=end_line,
                message=item.message,
                snippet=snippet,
                context_start=start,
                context=context,
                flags=flags,
                distribution=distribution,
                fingerprint=fingerprint,
            )
        )
    return out, suppressed


def _is_suppressed(lines: list[str], rule_id: str, line_numbers: set[int]) -> int:
    """The line of the ``# forkaudit: ignore`` comment that suppresses ``rule_id``, or 0."""
    for number in sorted(line_numbers):
        if not 0 < number <= len(lines):
            continue
        match = _SUPPRESS.search(lines[number - 1])
        if match is None:
            continue
        ids = match.group("ids")
        if ids is None or rule_id.upper() in {part.strip().upper() for part in ids.split(",")}:
            return number
    return 0


def suppression_comments(source: str) -> list[int]:
    """Lines holding a real ``# forkaudit: ignore`` comment (not text inside a string)."""
    if "forkaudit" not in source:
        return []
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT and _SUPPRESS.search(token.string):
                found.append(token.start[0])
    except (tokenize.TokenError, SyntaxError):
        return []
    return found


def _function_path(index: ModuleIndex, node: cst.CSTNode) -> str:
    names = [
        a.name.value for a in index.ancestors(node) if isinstance(a, cst.FunctionDef | cst.ClassDef)
    ]
    return ".".join(reversed(names))
