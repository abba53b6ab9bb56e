"""Parse only what matters: the top-level chunks of a module that can hold a start or a reap.

A module is cut at its top-level ``def``/``class``/decorator lines. The chunks kept are: the header
(imports), chunks holding a start name, a wait-any reaper or a top-level import, the definitions
they name as a thread target, their local base and sub classes, and the callers of kept functions
that return something (factories). Every other line is blanked, so line numbers stay exact and the
parse costs only what is kept. When the cut lands inside a string the sliced source fails to parse
and the caller parses the whole file instead.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial

from forkaudit.analysis.alternation import alternation
from forkaudit.analysis.vocabulary import (
    CALLER_DEPTH,
    CLEANUP_REGISTER_METHODS,
    CLEANUP_REGISTERS,
    CONTAINER_ADD,
    DISPATCH_LOOKUP,
    EXIT_WORDS,
    FOREVER_METHODS,
    HANDLER_EMIT,
    ITERATOR_METHODS,
    KEEP_METHODS,
    PER_USE_METHODS,
    REAPER_WORDS,
    SIGNAL_INSTALLERS,
    STDLIB_METHOD_NAMES,
    STOP_ENDS,
    STOP_METHODS,
    THREAD_TARGET_KEYWORDS,
    THREADISH_SUFFIXES,
)

# A decorator line: `@name`, `@a.b(...)`, `@name  # comment` (not `@type x: int` in a docstring).
_BOUNDARY = re.compile(
    r"^(?:async[ \t]+def|def|class)[ \t]+(\w+)|^@[\w.]+[ \t]*(?:\(|#|$)", re.MULTILINE
)
_BOUNDARY_WORDS = ("async", "def", "class", "@")  # (what every match opens its line with)
_DECORATOR = re.compile(r"[ \t]*@[\w.]+[ \t]*(?:\(|#|$)")
_REAPER = re.compile(
    r"\b(?:waitpid|wait3|wait4|waitid)\s*\(|\bos\.wait\s*\(|\bSIGCHLD\b|\bactive_children\b"
)
_IMPORT = re.compile(r"^(?:import|from)[ \t]", re.MULTILINE)
_NEWLINE = re.compile("\n")
_TARGET = re.compile(r"(?:" + "|".join(THREAD_TARGET_KEYWORDS) + r")\s*=\s*(?:self\.)?(\w+)")
_EXITS = re.compile(r"\b(?:" + "|".join(EXIT_WORDS) + r")\b")
_EXIT_HINTS = ("exit", "quit", "abort", "exec", "SystemExit")  # substrings of every EXIT_WORD


def _targets(text: str, makers: re.Pattern[str] | None = None) -> set[str]:
    """Names that can be a thread's target: ``target=run``, ``function=f``, and every name in
    the arguments of a ``Thread(``/``Timer(``/``Process(`` call (``Timer(t.total_seconds(),
    tick)``, ``Thread(None, loop)``), the task handed to an executor (``ex.submit(self._beat)``),
    or the arguments of a call of one of the distribution's own ``makers``
    (a factory running its argument: ``utils.default_create_thread(self._loop)``); and the
    cleanup registered to run later (``atexit.register(cls._wait_for_all)``)."""
    out: set[str] = set()
    if "target" in text or "function" in text:
        out.update(m.group(1) for m in _from_literals(_TARGET, text, THREAD_TARGET_KEYWORDS))
    if "Thread" in text or "Timer" in text or "Process" in text or "start_new" in text:
        for match in _from_literals(_THREAD_CALL, text, _THREAD_CALL_WORDS):
            out.update(_WORD.findall(_call_arguments(text, match.end())))
    if "submit" in text or "run_in_executor" in text:
        for begin, end in _submissions(text):
            # the task: `.submit(task, ...)`, `run_in_executor(executor, task, ...)`
            arguments = _top_level_arguments(_call_arguments(text, end))
            position = 1 if text.startswith("run_in_executor", begin) else 0
            if len(arguments) > position and arguments[position].lstrip().startswith("lambda"):
                continue  # a lambda names no function of the module to look into
            if position and not _EXECUTOR_NAME.fullmatch(arguments[0]):
                continue  # `run_in_executor(None, ...)`: the loop's own executor, not one made here
            if len(arguments) > position:
                # (`self.`, `cls.` name no function: keeping their lines would keep every method)
                out.update(set(_WORD.findall(arguments[position])) - {"self", "cls"})
    if makers is not None:
        for match in _word_starts(makers, text):
            out.update(_WORD.findall(_call_arguments(text, match.end())))
    if "register" in text or "finalize" in text or "callback" in text or "Cleanup" in text:
        # cleanup handed on to run later (`atexit.register(cls._wait_for_all)`): it may reap
        for match in _register_calls(text):
            out.update(_WORD.findall(_call_arguments(text, match.end(), 400)))
    return out


def _from_literals(
    pattern: re.Pattern[str], text: str, literals: Iterable[str]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a regex whose every match opens with one of ``literals``:
    the regex is tried only where one is (found at C speed), in order, each past the last
    match, as finditer does. (A regex opening with a choice is tried at every character.)"""
    return _matches_at(pattern, text, _occurrences(text, literals))


def _at_line_starts(
    pattern: re.Pattern[str], text: str, words: Iterable[str]
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a regex (``re.MULTILINE``) whose every match opens a line
    with one of ``words``: tried only at the starts of lines opening so, in order, each past
    the last match. (A regex opening with ``^`` is tried at every character.)"""
    lines = [at + 1 for at in _occurrences(text, ["\n" + word for word in words])]
    return _matches_at(pattern, text, [0, *lines])


def _occurrences(text: str, literals: Iterable[str]) -> list[int]:
    """Where each of ``literals`` begins in ``text``, overlapping ones too."""
    found: list[int] = []
    for literal in literals:
        at = text.find(literal)
        while at >= 0:
            found.append(at)
            at = text.find(literal, at + 1)
    return found


def _matches_at(
    pattern: re.Pattern[str], text: str, places: Iterable[int]
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` at ``places``, in order, each past the last match (what
    finditer yields, where no match can begin elsewhere)."""
    end = 0
    for at in sorted(set(places)):
        if at < end:
            continue
        match = pattern.match(text, at)
        if match is not None:
            yield match
            end = match.end()


def _top_level_arguments(arguments: str) -> list[str]:
    """``arguments`` (a call's text between its parentheses) cut at its top-level commas."""
    out: list[str] = []
    depth = 0
    begin = 0
    for position, char in enumerate(arguments):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            out.append(arguments[begin:position])
            begin = position + 1
    out.append(arguments[begin:])
    return out


_BRACKET = re.compile(r"[()\[\]{}]")


def _call_arguments(text: str, start: int, limit: int = 2000) -> str:
    """The text from ``start`` (just after an opening parenthesis) to its closing one (at most
    ``limit`` characters). Only brackets count, found by a regex: no loop over the others."""
    depth = 1
    end = min(len(text), start + limit)
    for match in _BRACKET.finditer(text, start, end):
        if match.group() in "([{":
            depth += 1
        else:
            depth -= 1
            if not depth:
                return text[start : match.start()]
    return text[start:end]


_THREAD_CALL = re.compile(r"(?:Thread|Timer|Process|start_new_thread|start_new)[ \t]*\(")
_THREAD_CALL_WORDS = ("Thread", "Timer", "Process", "start_new")  # (what every match opens with)
# a task handed to an executor (`ex.submit(self._beat)`): one looping for good holds its worker
# (on a plain name or a call, as harm._endless_task reads them: `ex.submit(`, `Pool().submit(`)
_SUBMITTED = re.compile(r"(?:(?:(?<![\w.])[A-Za-z_]\w*|\))\.submit|run_in_executor)[ \t]*\(")
_SUBMIT_CALL = re.compile(r"\.submit[ \t]*\(")
_RUN_IN_EXECUTOR = re.compile(r"run_in_executor[ \t]*\(")


def _submissions(text: str) -> Iterator[tuple[int, int]]:
    """Where ``_SUBMITTED`` matches in ``text`` (start, end), found from its literals: that
    regex opens with a name, so the regex engine matched a name at every word and read back
    over it. A `.submit(` counts after a `)` or after a whole name (one starting with a letter
    or `_`, not read after a dot); the matches cannot overlap."""
    for match in _SUBMIT_CALL.finditer(text):
        dot = match.start()
        if dot and text[dot - 1] == ")":
            yield dot - 1, match.end()
            continue
        begin = _word_begin(text, dot)
        if begin == dot or not (
            text[begin] == "_" or (text[begin].isascii() and text[begin].isalpha())
        ):
            continue
        if begin and text[begin - 1] == ".":
            continue
        yield begin, match.end()
    for match in _RUN_IN_EXECUTOR.finditer(text):
        yield match.start(), match.end()


def _word_begin(text: str, end: int) -> int:
    """Where the run of letters, digits and underscores ending at ``end`` begins."""
    begin = end
    while begin and (text[begin - 1].isalnum() or text[begin - 1] == "_"):
        begin -= 1
    return begin


_WORD = re.compile(r"[A-Za-z_]\w*")
# an executor bound to a plain name (`run_in_executor(pool, task)`), not None
_EXECUTOR_NAME = re.compile(r"\s*(?!None\b)[A-Za-z_]\w*\s*")


_CLASS_BASES = re.compile(r"^class[ \t]+\w+[ \t]*\(((?:[^()]|\([^()]*\))*)\)", re.MULTILINE)
_MODULE_ASSIGN = re.compile(r"^(\w+)[ \t]*(?::[^=\n]*)?=(?!=)(.*)$", re.MULTILINE)
_GLOBAL = re.compile(r"^[ \t]+global[ \t]+(\w+)", re.MULTILINE)
MIN_SLICE_BYTES = 3 * 1024  # below this, slicing saves nothing worth its own cost


HEADER_SPLIT_BYTES = 0  # always: only its imports and statements that matter are parsed
_IS_CLASS = re.compile(r"(?:[ \t]*@[^\n]*\n)*[ \t]*class\b")
_HEADER_STATEMENT = re.compile(r"^(?!(?:else|elif|except|finally)\b)[A-Za-z_]", re.MULTILINE)


# What can hold a triple quote without opening a string: a comment, a one-line string.
_STRING_TOKEN = re.compile(r"#[^\n]*|\"\"\"|'''|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'")
_TRIPLES = ('"""', "'''")


class _Strings:
    """Where the triple-quoted strings of a text are, to never cut inside one (a string holding
    Python code would otherwise be parsed as code, and a ``def`` in a string is no boundary).
    Comments and one-line strings are skipped on the way, so a lone triple quote in one of them
    opens nothing."""

    __slots__ = ("ends", "starts")

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        if _TRIPLES[0] not in text and _TRIPLES[1] not in text:
            return
        search = _STRING_TOKEN.search
        position = 0
        # where each triple quote is next found (-1: nowhere further), looked up again only
        # once passed
        following = [text.find(quote) for quote in _TRIPLES]
        while True:
            # No token holds a newline, so the lines before the next triple quote (which no
            # comment or one-line string before it can hold) tokenize alike from the start of
            # its line: skip to there
            for i, quote in enumerate(_TRIPLES):
                if 0 <= following[i] < position:
                    following[i] = text.find(quote, position)
            ahead = [at for at in following if at >= 0]
            if not ahead:
                break
            position = max(position, text.rfind("\n", 0, min(ahead)) + 1)
            token = search(text, position)
            if token is None:
                break
            quote = token.group(0)
            if quote not in _TRIPLES:
                position = token.end()  # a comment or a one-line string
                continue
            start = token.start()
            end = text.find(quote, start + 3)
            while end > 0 and text[end - 1] == "\\":
                end = text.find(quote, end + 1)
            self.starts.append(start)
            if end < 0:
                self.ends.append(len(text))
                break
            self.ends.append(end + 3)
            position = end + 3

    def inside(self, position: int) -> bool:
        i = bisect.bisect_right(self.starts, position) - 1
        return i >= 0 and self.starts[i] < position < self.ends[i]

    def interior_lines(self, text: str) -> frozenset[int]:
        """The lines strictly between the first and the last line of each triple-quoted string
        (not an f-string, whose braces hold code): a docstring's body. Leaving them out changes
        the string's value, never the syntax, and the analysis reads no string's value."""
        if not self.starts:
            return frozenset()
        newlines = [m.start() for m in _NEWLINE.finditer(text)]
        lines: set[int] = set()
        for start, end in zip(self.starts, self.ends, strict=True):
            if (start > 0 and text[start - 1] in "fF") or (start > 1 and text[start - 2] in "fF"):
                continue
            first = bisect.bisect_left(newlines, start) + 1
            last = bisect.bisect_left(newlines, end - 1) + 1
            lines.update(range(first + 1, last))
        return frozenset(lines)


# Module-level statements that the analysis reads even without a start in them: any import
# (also indented, under `try:` or `if TYPE_CHECKING:`). A get_context() is kept anywhere (below).
_HEADER_KEEP = re.compile(r"^[ \t]*(?:import|from)[ \t]", re.MULTILINE)


def _header_chunks(header: str, strings: _Strings) -> list[_Chunk]:
    """The module code before the first def/class: one chunk per top-level statement (data
    tables, constants and ``__all__`` lists are then left out), never cut inside a triple-quoted
    string. The first chunk (docstring, comments) is always kept."""
    first = _Chunk(0, len(header), "", header)
    first.keep = True
    if len(header) < HEADER_SPLIT_BYTES:
        return [first]
    cuts = []
    for match in _HEADER_STATEMENT.finditer(header):
        position = match.start()
        if position and not strings.inside(position):
            cuts.append(position)
    if not cuts:
        return [first]
    chunks = [_Chunk(0, cuts[0], "", header[: cuts[0]])]
    chunks[0].keep = True
    for i, position in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(header)
        chunks.append(_Chunk(position, end, "", header[position:end]))
    return chunks


class _Chunk:
    __slots__ = ("end", "keep", "name", "start", "text")

    def __init__(self, start: int, end: int, name: str, text: str) -> None:
        self.start = start
        self.end = end
        self.name = name
        self.text = text
        self.keep = False


class _Finder:
    """A regex behind a substring test: most chunks hold none of the anchors, and ``in`` is far
    cheaper than an alternation regex (the prefilter's trick, applied to chunks)."""

    __slots__ = ("anchors", "pattern")

    def __init__(self, pattern: re.Pattern[str], anchors: Iterable[str] = ()) -> None:
        self.pattern = pattern
        self.anchors = tuple(anchors) or ("",)

    def search(self, text: str) -> re.Match[str] | None:
        for anchor in self.anchors:
            if anchor in text:
                return self.pattern.search(text)
        return None


class _Starts:
    """Where a start can be: one of ``names`` as a whole word followed by call syntax (``Popen(``),
    an alias (``Popen as``) or a base-class list (``Thread)``). The regex has no leading ``\\b``
    (which stops the regex engine from skipping ahead by first character and made it 2x slower):
    the word boundary is checked on the few hits instead. Without names it uses ``pattern``."""

    __slots__ = (
        "_made",
        "_pattern",
        "_seen",
        "base",
        "extra",
        "fast",
        "makers",
        "names",
        "targets",
    )

    def __init__(
        self,
        pattern: re.Pattern[str] | Callable[[], re.Pattern[str]],
        names: Iterable[str] = (),
        extra: Iterable[str] = (),
        makers: Iterable[str] = (),
    ) -> None:
        made = self._made = tuple(sorted(set(makers)))
        # the distribution's own classes and factories: their call's arguments may be targets
        # no leading `\b` (see above): _word_starts checks the boundary on the hits
        self.makers = _any_of(r"(?:{})[ \t]*\(", made) if made else None
        self._seen: dict[str, bool] = {}  # the same chunk or method body is asked about often
        # _handle_targets of a body (and the extra regex), for this file only
        self.targets: dict[
            tuple[str, re.Pattern[str] | None], tuple[frozenset[str], frozenset[str]]
        ] = {}
        self._pattern = pattern  # (or what compiles it, when it is first needed)
        # The built-in names and the few this module adds (subclasses, aliases, factories) get a
        # regex each: the first is compiled once per scan, the second is small to compile.
        self.base = tuple(sorted(set(names)))
        self.extra = tuple(sorted(set(extra) - set(self.base)))
        self.names = tuple(sorted(self.base + self.extra))
        self.fast = [_any_of(_START_TEMPLATE, part) for part in (self.base, self.extra) if part]

    @property
    def pattern(self) -> re.Pattern[str]:
        if not isinstance(self._pattern, re.Pattern):
            self._pattern = self._pattern()
        return self._pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if not self.fast:
            yield from self.pattern.finditer(text)
            return
        for fast in self.fast:
            for match in fast.finditer(text):
                position = match.start()
                if position:
                    before = text[position - 1]
                    if before.isalnum() or before == "_":
                        continue
                listed = text[match.end() : match.end() + 64].lstrip()[:1] in (",", ")")
                if listed and not _in_bases_or_import(text, position):
                    continue  # `Popen,` in prose or passed as a value: not a start
                yield match

    def search(self, text: str) -> bool:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = next(self.finditer(text), None) is not None
        return found

    def calls_of(self, names: Iterable[str]) -> _Starts:
        """Also match uses of ``names`` (a local subclass, an alias, a factory)."""
        extra = sorted(names)
        if self.base:  # the name-driven regexes are all that is used: no need for the slow one
            return _Starts(self._pattern, self.base, self.extra + tuple(extra), self._made)
        pattern = re.compile(self.pattern.pattern + r"|\b(?:" + alternation(extra) + r")\s*\(")
        return _Starts(pattern, makers=self._made)


def _in_bases_or_import(text: str, position: int) -> bool:
    """Is the name at ``position``, followed by `,` or `)`, in a class's base list or an import
    (what the engine reads), rather than in prose or passed as a value?"""
    line = text[text.rfind("\n", 0, position) + 1 : position].lstrip()
    return line.startswith(("class ", "class\t", "from ", "import ")) or " import " in line


_START_TEMPLATE = r"(?:{})(?=[\s\\]*\(|\s+as\s|\s*[,)])"  # `Popen \` + `(` too


# A call (or an instantiation) of one of the names: a name in an annotation or isinstance()
# runs nothing.
_CALLS = r"(?<![\w.])(?:{})[ \t]*\("
# a method called through an object (`proxy_config.load_config(`, `self.pool.drain(`)
_ATTRIBUTE_CALLS = r"\.(?:{})[ \t]*\("
# a value tested against a type (`isinstance(x, (Error, str))`: group 1 the types), and the
# plain names in such a group
_ISINSTANCE = re.compile(r"isinstance\([ \t]*[\w.]+[ \t]*,[ \t]*(\([^()]*\)|[\w.]+)")
_NAMES = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?![\w.])")
# a method called through a class (`WorkerHandler.create(`), and one defined as a class or
# static method
_CLASS_CALL = re.compile(r"(?<![\w.])(\w+)\.(\w+)[ \t]*\(")
_STATIC_DEF = re.compile(r"^[ \t]*@(?:classmethod|staticmethod)\b", re.MULTILINE)
# the same through an object other than `self` (`handler.start_worker(`)
_OBJECT_CALLS = r"(?<!\bself)\.(?:{})[ \t]*\("
# A function named as a value of a dict literal (`"start": command_start,`), in a chunk that
# looks a value up in one and calls it (facts._dispatch_calls): the chunk calls the function.
_DISPATCHED = r":[ \t]*(?:{})[ \t]*(?=[,}\n#])"
# The installation of a function as a signal's handler (`signal.signal(SIGQUIT, dump)`,
# `loop.add_signal_handler(SIGTERM, self.stop)`): how often it runs is said there, as at a call.
_SIGNAL_INSTALL = re.compile(
    r"\b(?:"
    + "|".join(sorted({name.rsplit(".", 1)[-1] for name in SIGNAL_INSTALLERS}))
    + r")[ \t]*\(([^()]*)"
)


def _installed(
    text: str, names: Collection[str], in_string: Callable[[int], bool], offset: int = 0
) -> list[str]:
    """The ``names`` that ``text`` installs as a signal's handler, where ``in_string`` says
    whether the installation (at ``offset`` plus its place in ``text``) is in a string."""
    if "signal" not in text:
        return []
    return [
        word
        for match in _SIGNAL_INSTALL.finditer(text)
        if not in_string(offset + match.start())
        for word in _WORD.findall(match.group(1))
        if word in names
    ]


@lru_cache(maxsize=4096)
def _any_of(template: str, names: tuple[str, ...]) -> re.Pattern[str]:
    """``template`` with ``{}`` replaced by an alternation of ``names``, compiled once."""
    return re.compile(template.replace("{}", alternation(names)))


_REAPER_FINDER = _Finder(_REAPER, REAPER_WORDS)
# the methods ending an object's life, whose own calls on it are kept (_ClassPlan)
_ENDING = (KEEP_METHODS - {"__init__", "__enter__", "run"}) | PER_USE_METHODS | STOP_METHODS
_IMPORT_FINDER = _Finder(_IMPORT, ("import",))
_HEADER_KEEP_FINDER = _Finder(_HEADER_KEEP, ("import",))
_PLATFORM_HINT = re.compile(
    r"sys\.platform|os\.name|platform\.system|is_?win|windows|darwin|macos|osx|aix|sunos|"
    r"solaris|bsd|frozen",
    re.IGNORECASE,
)


@dataclass
class _Slicing:
    """What the passes of one slice share: the source, its chunks, what counts as a start."""

    source: str
    strings: _Strings
    chunks: list[_Chunk]
    starts: _Starts
    threadish: set[str] = field(default_factory=set)  # Thread/Process subclasses of the module
    aliases: list[tuple[str, str]] = field(default_factory=list)  # every `X as Y`
    module_names: set[str] = field(default_factory=set)  # module-level names holding a handle
    # functions and classes holding a start (0), or calling one (1, 2, ...: how far up)
    holders: dict[str, int] = field(default_factory=dict)
    plans: dict[int, _ClassPlan] = field(default_factory=dict)  # per kept class: its methods
    # methods of kept classes holding a start (0) or calling one, how far up (plan_classes)
    methods: dict[str, int] = field(default_factory=dict)
    _factory: dict[int, bool] = field(default_factory=dict)

    def kept(self) -> list[_Chunk]:
        return [c for c in self.chunks if c.keep]

    def is_factory(self, chunk: _Chunk) -> bool:
        """Does this (function) chunk return a handle? A class is never a factory chunk."""
        if id(chunk) not in self._factory:
            self._factory[id(chunk)] = not _IS_CLASS.match(chunk.text) and _is_factory(
                chunk.text, self.starts
            )
        return self._factory[id(chunk)]

    def keep_mentions(self, names: set[str]) -> None:
        """Keep every chunk naming one of ``names`` as a whole word."""
        if names:
            mention = _any_of(r"\b(?:{})\b", tuple(sorted(names)))
            for chunk in self.chunks:
                if not chunk.keep and mention.search(chunk.text):
                    chunk.keep = True


def slice_source(
    source: str,
    pattern: re.Pattern[str] | Callable[[], re.Pattern[str]],
    names: Iterable[str] = (),
    reapers: Iterable[str] = (),
    modules: Iterable[str] = (),
    makers: Iterable[str] = (),
) -> Sliced | None:
    """The chunks of ``source`` that can matter, or None when slicing saves nothing.

    ``pattern`` matches a start (or compiles the regex that does, on first use); ``names``
    (the start names it is built from) let most chunks be ruled out by a substring test
    first; ``reapers`` are the methods that reap a thread or
    process (``join``): a thread subclass keeps every method that calls one on itself;
    ``modules`` are the modules the start names come from (``subprocess``); ``makers`` are the
    distribution's own start-capable classes and factories (their arguments may be targets).

    The passes, in order, each a function below: ``cut_chunks`` (top-level statements,
    functions and classes), ``widen_starts`` (local Thread subclasses and aliases of start
    names are starts too), ``keep_anchors`` (starts, reapers, imports), ``keep_module_handles``,
    ``keep_related`` (thread targets, relatives, factories' callers, exit helpers),
    ``follow_factories``, ``keep_callers`` (how often a start runs), ``keep_callees`` (what a
    function given a handle does with it), ``plan_classes`` (which methods of a kept class),
    ``keep_method_callers`` (the code calling a kept method through an object),
    ``keep_tested_types`` (the classes kept code tests a value against), ``emit``."""
    if len(source) < MIN_SLICE_BYTES:
        return None
    strings = _Strings(source)
    chunks = cut_chunks(source, strings)
    if chunks is None:
        return None
    state = _Slicing(source, strings, chunks, _Starts(pattern, names, makers=makers))
    widen_starts(state)
    keep_anchors(state, modules)
    keep_module_handles(state)
    keep_related(state)
    follow_factories(state)
    keep_callers(state)
    keep_callees(state)
    plan_classes(state, reapers)
    keep_method_callers(state)
    keep_tested_types(state)
    return emit(state)


def cut_chunks(source: str, strings: _Strings) -> list[_Chunk] | None:
    """Pass 1: the module cut at its top-level ``def``/``class``/decorator lines (never inside
    a string), the code before the first one cut into its statements. None when there is
    nothing to cut (one statement)."""
    cuts: list[tuple[int, str]] = []
    pending_decorator: int | None = None
    for match in _at_line_starts(_BOUNDARY, source, _BOUNDARY_WORDS):
        if strings.inside(match.start()):
            continue  # `def main():` in a string holding code
        if match.group(0).startswith("@"):
            if pending_decorator is None:
                pending_decorator = match.start()
            continue
        position = pending_decorator if pending_decorator is not None else match.start()
        pending_decorator = None
        cuts.append((position, match.group(1) or ""))
    # No top-level def or class (a data module, a script): its statements are the chunks.
    chunks = _header_chunks(source[: cuts[0][0]] if cuts else source, strings)
    if len(chunks) == 1 and not cuts:
        return None
    for i, (position, name) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(source)
        chunks.append(_Chunk(position, end, name, source[position:end]))
    return chunks


def widen_starts(state: _Slicing) -> None:
    """Pass 2: a local Thread/Process subclass and an alias of a start name (`from subprocess
    import Popen as P`: calls of ``P(``) are starts too."""
    state.threadish = _threadish_classes(state.source, state.starts.names)
    state.aliases = _aliases(state.source)
    extra = state.threadish | _start_aliases(state.aliases, state.starts)
    if extra:
        state.starts = state.starts.calls_of(extra)


def keep_anchors(state: _Slicing, modules: Iterable[str]) -> None:
    """Pass 3: the chunks holding a start, a wait-any reaper or an import (at any depth: imports
    count module-wide for the engine), a ``get_context()``, or a local definition shadowing a
    start name (``class Popen:``)."""
    starts = state.starts
    imports = (
        _any_of(r"(?m)^[ \t]+(?:import|from)[ \t]+(?:{})\b", tuple(sorted(modules)))
        if modules
        else None
    )
    for chunk in state.chunks:
        text = chunk.text
        if (
            starts.search(text)
            or _REAPER_FINDER.search(text)
            or _IMPORT_FINDER.search(text)
            or (not chunk.name and _HEADER_KEEP_FINDER.search(text))
            # a module flag set from a platform test (`if is_windows(): USE_LB = True`):
            # platforms.py reads its value where code tests it
            or (not chunk.name and _PLATFORM_HINT.search(text) is not None)
            or "get_context" in text
            or chunk.name in starts.names
            or (imports is not None and "import" in text and imports.search(text))
        ):
            chunk.keep = True


def keep_module_handles(state: _Slicing) -> None:
    """Pass 4: module-level handles (``_pool = Pool()`` at column 0, ``global _proc``): every
    chunk naming one. A module-level object whose container kept code stores into
    (``app.config["pid"] = pid``, ``app = Flask(__name__)``) holds handles too: every chunk
    naming it, and the class of the module that makes it (``registry = Registry()``)."""
    objects, makers = _module_objects(state.chunks, state.starts, state.source)
    state.module_names = _module_handles(state.chunks, state.starts) | objects
    state.keep_mentions(state.module_names)
    for chunk in state.chunks:
        if chunk.name in makers:
            chunk.keep = True


def keep_related(state: _Slicing) -> None:
    """Pass 5, to a fixpoint (three rounds): the functions named as a thread's target, the base
    and sub classes of kept classes, the callers of kept factories, the module functions
    that end the process (a fork's parent calling one exits) called from kept code, and the
    classes kept code makes from its object (``Cleanup(self)``)."""
    chunks = state.chunks
    bases_of = {
        id(c): [part.strip().split(".")[-1] for part in m.group(1).split(",")]
        for c in chunks
        if c.name and (m := _CLASS_BASES.search(c.text)) is not None
    }
    exiting = _exit_helpers(chunks, state.aliases)
    targets_of: dict[int, set[str]] = {}
    for _ in range(3):
        changed = False
        kept = state.kept()
        wanted: set[str] = set()
        for chunk in kept:
            if id(chunk) not in targets_of:
                targets_of[id(chunk)] = _targets(chunk.text, state.starts.makers)
            wanted |= targets_of[id(chunk)]
            wanted.update(bases_of.get(id(chunk), ()))
        kept_names = {c.name for c in kept if c.name}
        factory_names = {c.name for c in kept if c.name and state.is_factory(c)}
        for chunk in chunks:
            if chunk.keep:
                continue
            if (
                chunk.name in wanted
                or any(base in kept_names for base in bases_of.get(id(chunk), ()))
                or (factory_names and any(f"{name}(" in chunk.text for name in factory_names))
                or (chunk.name in exiting and any(f"{chunk.name}(" in c.text for c in kept))
                # a class made from a kept object (`RunCleanup(self)`): a cleanup companion
                # may take a handle off it and reap it (flow._companion_reaps)
                or (
                    _IS_CLASS.match(chunk.text) is not None
                    and any(f"{chunk.name}(self" in c.text for c in kept)
                )
            ):
                chunk.keep = changed = True
        if not changed:
            break


_ENDLESS = re.compile(r"\n[ \t]+while[ \t]+(?:True|1)[ \t]*:")
_RETURN = re.compile(r"\breturn\b")


def _exit_helpers(chunks: list[_Chunk], aliases: list[tuple[str, str]]) -> set[str]:
    """Module functions that can end the process (``def end(): ...; sys.exit(1)``, through an
    alias of an exit, or through another such helper), or that never return (an endless
    ``while True:`` with no ``return``)."""
    functions = [c for c in chunks if c.name and not _IS_CLASS.match(c.text)]
    exit_aliases = tuple(sorted({y for x, y in aliases if x in EXIT_WORDS}))
    exits = _any_of(r"\b(?:{})\s*\(", exit_aliases) if exit_aliases else None
    exiting = {
        c.name
        for c in functions
        if (any(word in c.text for word in _EXIT_HINTS) and _EXITS.search(c.text))
        or (exits is not None and exits.search(c.text))
        # one serving in an endless loop: a try around its call is left by an exception only
        or (_ENDLESS.search(c.text) and not _RETURN.search(c.text))
    }
    while exiting:  # and the helpers that exit through one of them (`def end(): ...; die()`)
        more = {
            c.name
            for c in functions
            if c.name not in exiting and any(f"{name}(" in c.text for name in exiting)
        }
        if not more:
            break
        exiting |= more
    return exiting


def follow_factories(state: _Slicing) -> None:
    """Pass 6: the calls of a kept factory are starts too (inside classes as well), and a
    module-level name bound from one (``_server = _launch()``) is a module-level handle."""
    factories = sorted(
        {
            c.name
            for c in state.kept()
            if c.name and c.name not in state.threadish and state.is_factory(c)
        }
    )
    if factories:
        state.starts = state.starts.calls_of(factories)
        state.keep_mentions(_module_handles(state.chunks, state.starts) - state.module_names)


def keep_callers(state: _Slicing) -> None:
    """Pass 7: how often a start runs is weighed from its callers: see ``_keep_callers``."""
    state.holders = _keep_callers(state.chunks, state.starts, state.strings)


def _inside_at(strings: _Strings, offset: int, at: int) -> bool:
    return strings.inside(offset + at)


def _calls_in_code(
    pattern: re.Pattern[str], text: str, offset: int, strings: _Strings
) -> re.Match[str] | None:
    """The first match of ``pattern`` in ``text`` (at ``offset`` in the source) outside a
    triple-quoted string: ``>>> client = Client()`` in a docstring calls nothing."""
    for match in pattern.finditer(text):
        if not strings.inside(offset + match.start()):
            return match
    return None


def keep_callees(state: _Slicing) -> None:
    """Pass 8: a function given a handle (or a container of them) decides what happens to it:
    keep the module functions that kept code passes one to, and those they pass it on to, as
    deep as the analysis follows it (to a fixpoint; eight calls at most)."""
    globals_ = _module_handles(state.chunks, state.starts)
    named = {c.name: c for c in state.chunks if c.name and not _IS_CLASS.match(c.text)}
    known: dict[int, set[str]] = {}
    handed: set[int] = set()  # functions kept because they are given a handle
    for _ in range(8):
        given: set[str] = set()
        for chunk in state.chunks:
            if not chunk.keep or chunk.name in given:
                continue
            found = known.get(id(chunk))
            if found is None:
                # only a chunk that binds a handle (a start), names a module-level one or is
                # given one (its parameters) can hand one on
                text = chunk.text
                held = globals_ | (_parameters(text) if id(chunk) in handed else set())
                holds = state.starts.search(text) or any(g in text for g in held)
                found = known[id(chunk)] = (
                    _given_handles(text, state.starts, (), held, named) if holds else set()
                )
            given |= found
        fresh = [named[name] for name in given if id(named[name]) not in handed]
        if not fresh:
            break
        for chunk in fresh:
            chunk.keep = True
            handed.add(id(chunk))
            known.pop(id(chunk), None)  # read again, its parameters now handles


def plan_classes(state: _Slicing, reapers: Iterable[str]) -> None:
    """Pass 9: which methods of each kept class are parsed (``_ClassPlan``). Handles a class
    stores on self can be reaped by a relative (a base class's stop()): every class keeps the
    methods using any handle attribute found anywhere, to a fixpoint; and the methods calling a
    method that holds a start (a subclass's too)."""
    starts = state.starts
    # a method calling a holder is one call further up; past the analysis' reach, none
    holders = {name: level for name, level in state.holders.items() if level < CALLER_DEPTH + 1}
    calls_holder = _any_of(_CALLS, tuple(sorted(holders))) if holders else None
    reap_names = KEEP_METHODS | frozenset(reapers)
    attrs: set[str] = set()
    holding: dict[str, int] = {}
    entries = frozenset(_targets(state.source, state.starts.makers) | {"run"})
    classes = tuple(sorted({c.name for c in state.chunks if c.name and _IS_CLASS.match(c.text)}))
    for chunk in state.kept():
        is_class = _IS_CLASS.match(chunk.text) is not None
        if len(chunk.text) > MIN_SLICE_BYTES // 2 and is_class:
            thread_like = chunk.name in state.threadish
            state.plans[id(chunk)] = _ClassPlan(
                chunk.text,
                starts,
                reap_names if thread_like else None,
                chunk.name,
                calls_holder,
                partial(_inside_at, state.strings, chunk.start),
                entries,
                holders,
                tuple(sorted(state.module_names)),
                classes,
            )
            continue
        if "self." in chunk.text:
            attrs |= _handle_targets(chunk.text, starts)[0]
            if (
                is_class
                and "while" in chunk.text
                and any(f"def {entry}" in chunk.text for entry in entries)
            ):
                attrs |= _loop_state(chunk.text)  # (as _ClassPlan does for a class it plans)
        if is_class and (
            starts.search(chunk.text)
            or (
                calls_holder is not None
                and (
                    _calls_in_code(calls_holder, chunk.text, chunk.start, state.strings)
                    or _installed(chunk.text, holders, state.strings.inside, chunk.start)
                )
            )
        ):
            for name in _DEF.findall(chunk.text):  # a small class, kept whole
                holding[name] = 0
    plans = state.plans.values()
    for _ in range(8):
        for plan in plans:
            plan.settle(attrs, holding)
        found = attrs.union(*(plan.attrs for plan in plans))
        held = dict(holding)
        for plan in plans:
            for name, level in plan.levels.items():
                held[name] = min(level, held.get(name, level))
        if found == attrs and held == holding:
            break
        attrs, holding = found, held
    state.methods = holding


def keep_method_callers(state: _Slicing) -> None:
    """Pass 9b: the functions calling a method of a kept class that holds a start or calls
    one, through an object (``proxy_config.load_config(...)`` on a module-level object),
    weigh how often it runs as the callers of a function do (``keep_callers``); kept with
    their own callers in turn, as far up as the analysis looks. Only names no object of the
    standard library answers to (``.run(``, ``.start(`` are everywhere), and not dunders."""
    names = tuple(
        sorted(
            name
            for name, level in state.methods.items()
            if level < CALLER_DEPTH
            and not name.startswith("__")
            and name not in STDLIB_METHOD_NAMES
        )
    )
    if not names:
        return
    through = _any_of(_ATTRIBUTE_CALLS, names)
    on_objects = _any_of(_OBJECT_CALLS, names)
    fresh: list[str] = []
    for chunk in state.chunks:
        if not chunk.name or not any(name in chunk.text for name in names):
            continue
        if _IS_CLASS.match(chunk.text):
            _keep_methods_calling(state, chunk, names, on_objects)
            continue
        if not chunk.keep and _calls_in_code(through, chunk.text, chunk.start, state.strings):
            chunk.keep = True
            fresh.append(chunk.name)
    # and their callers in turn, as keep_callers keeps a function's (the chunks it recorded
    # are not asked about again)
    level = min(state.methods[name] for name in names) + 1
    seen = {**state.holders, **{name: level for name in fresh}}
    _keep_calling(state.chunks, tuple(sorted(fresh)), level + 1, seen, state.strings)


def _keep_methods_calling(
    state: _Slicing, chunk: _Chunk, names: tuple[str, ...], through: re.Pattern[str]
) -> None:
    """The methods of a class calling one of ``names`` through an object other than ``self``
    (``handler.start_worker()`` in a manager making handlers; ``through`` finds such a call)
    are kept: a class too small to plan whole, a bigger one through its plan (one made now
    for a class not kept before, as plan_classes makes them), with them beside what the plan
    keeps."""
    plan = state.plans.get(id(chunk))
    if chunk.keep and plan is None:
        return  # emitted whole already
    text = chunk.text
    if not any(text.count(f".{name}(") > text.count(f"self.{name}(") for name in names):
        return  # (a cheap test first: calls on `self` only, or none written plainly)
    if plan is None:
        if not _calls_in_code(through, text, chunk.start, state.strings):
            return
        if len(text) <= MIN_SLICE_BYTES // 2:
            chunk.keep = True
            return
        plan = _ClassPlan(chunk.text, state.starts, None, chunk.name)
        state.plans[id(chunk)] = plan
        chunk.keep = True
    made: set[tuple[str, str]] = set()
    dotted = tuple(f".{name}" for name in names)
    for i, body in enumerate(plan.bodies):
        if (
            not plan.keep[i]
            and any(name in body for name in dotted)
            and _calls_in_code(through, body, chunk.start + plan.methods[i][0], state.strings)
        ):
            plan.keep[i] = True
            made.update(_CLASS_CALL.findall(body))
    # where the object comes from (`handler = WorkerHandler.create(env)`): a class or static
    # method of a class of the module, kept in that class's plan (facts._makes_anew)
    for other in state.chunks:
        other_plan = state.plans.get(id(other))
        if other_plan is None or not any(owner == other.name for owner, _ in made):
            continue
        for i, (_, _, name) in enumerate(other_plan.methods):
            if (other.name, name) in made and _STATIC_DEF.search(other_plan.bodies[i]):
                other_plan.keep[i] = True


def keep_tested_types(state: _Slicing) -> None:
    """Pass 9c: the module's classes kept code tests a value against (``isinstance(process,
    SpawnError)``: a factory's error object in place of a child, flow._of_another_type), their
    bases kept with them; what they are, not what their methods do: a class not kept already
    keeps none of its methods."""
    classes = {c.name: c for c in state.chunks if c.name and _IS_CLASS.match(c.text)}
    if all(chunk.keep for chunk in classes.values()):
        return
    wanted = {
        name
        for chunk in state.kept()
        if "isinstance" in chunk.text
        for match in _ISINSTANCE.finditer(chunk.text)
        for name in _NAMES.findall(match.group(1))
        if name in classes
        and not classes[name].keep
        and not state.strings.inside(chunk.start + match.start())
    }
    while wanted:
        name = wanted.pop()
        chunk = classes.get(name)
        if chunk is None or chunk.keep:
            continue
        chunk.keep = True
        if len(chunk.text) > MIN_SLICE_BYTES // 2:
            plan = _ClassPlan(chunk.text, state.starts, None, chunk.name)
            plan.keep = [False] * len(plan.methods)
            state.plans[id(chunk)] = plan
        header = _CLASS_BASES.search(chunk.text)
        if header is not None:
            wanted.update(_NAMES.findall(header.group(1)))


def emit(state: _Slicing) -> Sliced | None:
    """Pass 10: the kept chunks (a kept class through its plan), line numbers mapped back;
    None when that saves too little."""
    out = _Output(state.strings.interior_lines(state.source))
    line_no = 1
    for chunk in state.chunks:
        class_plan = state.plans.get(id(chunk))
        if not chunk.keep:
            pass
        elif class_plan is not None:
            class_plan.emit(line_no, out)
        else:
            out.add(chunk.text, line_no)
        line_no += chunk.text.count("\n")
    if out.size > len(state.source) * 9 // 10:
        return None
    return Sliced("".join(out.parts), out.line_map)


def _keep_callers(chunks: list[_Chunk], starts: _Starts, strings: _Strings) -> dict[str, int]:
    """Keep the code calling a function or class that holds a start, and its callers in turn:
    how often a start runs is weighed from its callers (a loop, a request handler, ``__init__``)
    and from where the objects of its class are made, as far up as the analysis looks. Returns
    the names of those functions and classes, each with how many calls away from a start it is
    (a call is enough to keep a chunk: over-keeping is safe)."""
    holders = {c.name: 0 for c in chunks if c.keep and c.name and starts.search(c.text)}
    _keep_calling(chunks, tuple(sorted(holders)), 1, holders, strings)
    return holders


def _keep_calling(
    chunks: list[_Chunk],
    fresh: tuple[str, ...],
    first: int,
    holders: dict[str, int],
    strings: _Strings,
) -> None:
    """Keep the chunks calling one of ``fresh`` (or installing it as a handler, or looking it
    up in a dispatch table) and their callers in turn, level by level from ``first`` as far up
    as the analysis looks, recording each named one in ``holders`` with its level (a chunk
    already there is not asked about again)."""
    for level in range(first, CALLER_DEPTH + 2):  # the analysis looks no further up
        if not fresh:
            break
        mention = _any_of(_CALLS, fresh)
        found: list[str] = []
        for chunk in chunks:
            if chunk.name in holders or not any(name in chunk.text for name in fresh):
                continue
            if (
                _calls_in_code(mention, chunk.text, chunk.start, strings)
                or _installed(chunk.text, fresh, strings.inside, chunk.start)
                or (
                    DISPATCH_LOOKUP.search(chunk.text) is not None
                    and _calls_in_code(
                        _any_of(_DISPATCHED, fresh), chunk.text, chunk.start, strings
                    )
                )
            ):
                chunk.keep = True
                if chunk.name:
                    holders[chunk.name] = level
                    found.append(chunk.name)
        fresh = tuple(sorted(found))


_QUEUE_GET = re.compile(r"self\.(\w+)\.get\(")
_LEAVING = re.compile(r"^[ \t]*(?:break|return|raise)\b|:[ \t]*(?:break|return|raise)\b")


def _loop_state(body: str) -> set[str]:
    """The ``self`` attributes a thread's loop stops on, as the engine reads them: those in a
    ``while`` test, and in an ``if``/``elif`` test whose block (or else block) leaves the loop
    (``break``, ``return``, ``raise``); and the queues it takes from (``self._q.get(``)."""
    found: set[str] = set()
    lines = body.split("\n")
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if "self." not in line or not stripped.startswith(("while", "if", "elif")):
            continue
        if not stripped.startswith("while") and not _leaves_block(lines, i):
            continue
        found.update(_SELF_ATTR.findall(line))
    found.update(_QUEUE_GET.findall(body))
    return found


def _leaves_block(lines: list[str], at: int) -> bool:
    """Does the ``if`` on line ``at`` (or the ``else`` after its block) hold a break, return or
    raise? Judged by indentation; over-keeping is safe."""
    head = lines[at]
    if _LEAVING.search(head):
        return True  # `if self.stopped: break`
    indent = len(head) - len(head.lstrip())
    i = at + 1
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#"):
            depth = len(line) - len(stripped)
            if depth <= indent:
                if depth == indent and stripped.startswith(("else", "elif")):
                    if _LEAVING.search(line):
                        return True
                    i += 1
                    continue
                return False
            if _LEAVING.search(line):
                return True
        i += 1
    return False


_CALL_NAME = re.compile(r"(?<![\w.])(?:self\.|cls\.)?(\w+)[ \t]*\(")


# calls registering a function to run later with the arguments after it; without a leading
# `\b`, which keeps the regex engine from skipping to the names' first letters (4x slower):
# _register_calls checks the word boundary itself
_REGISTERS = tuple(
    sorted({name.rsplit(".", 1)[-1] for name in CLEANUP_REGISTERS} | CLEANUP_REGISTER_METHODS)
)
_REGISTER_CALL = re.compile(r"(?:" + "|".join(_REGISTERS) + r")[ \t]*\(")


def _register_calls(text: str) -> Iterator[re.Match[str]]:
    """The matches of _REGISTER_CALL that start a word (``register(``, not ``unregister(``)."""
    return _word_starts(_REGISTER_CALL, text, _REGISTERS)


def _word_starts(
    pattern: re.Pattern[str], text: str, literals: Iterable[str] = ()
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` (a regex of names without a leading ``\b``, which would keep
    the regex engine from skipping ahead by first letter) that start a word; tried only where
    one of ``literals`` is, when given (every match opening with one: ``_from_literals``)."""
    matches = _from_literals(pattern, text, literals) if literals else pattern.finditer(text)
    for match in matches:
        start = match.start()
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            yield match


_BARE_ARGUMENT = re.compile(r"(?:^|,)\s*([A-Za-z_]\w*)\s*(?=,|$)")


def _given_handles(
    text: str,
    starts: _Starts,
    attrs: Iterable[str] = (),
    module: Iterable[str] = (),
    among: Collection[str] | None = None,
    also: re.Pattern[str] | None = None,
) -> set[str]:
    """Names of the functions (or ``self.`` methods) that ``text`` calls with a name bound to a
    handle, a handle attribute, or a module-level handle (``module``) among the arguments (only
    those named in ``among``, when given). ``also``: calls returning a handle besides the
    starts (a factory's)."""
    if among is not None and not any(f"{name}(" in text for name in among):
        return set()
    handle_attrs, bound = _handle_targets(text, starts, also)
    names = bound | set(module) | {f"self.{a}" for a in (*handle_attrs, *attrs)}
    if not names or not any(name in text for name in names):
        return set()
    wanted = tuple(sorted(names))
    out: set[str] = set()
    for call in _CALL_NAME.finditer(text):
        name = call.group(1)
        if among is not None and name not in among:
            continue
        if next(_word_positions(_call_arguments(text, call.end(), 400), wanted), -1) >= 0:
            out.add(name)
    for call in _register_calls(text):
        # weakref.finalize(self, _cleanup, proc): _cleanup gets the handle later
        arguments = _call_arguments(text, call.end(), 400)
        if next(_word_positions(arguments, wanted), -1) >= 0:
            out.update(
                word for word in _BARE_ARGUMENT.findall(arguments) if among is None or word in among
            )
    return out


_PARAMETERS = re.compile(r"def[ \t]+\w+[ \t]*\(([^)]*)\)")


def _parameters(text: str) -> set[str]:
    """The parameter names of the function ``text`` starts with (``def f(self, pool, n=1,
    *args)``: ``pool``, ``n``, ``args``), ``self``/``cls`` left out."""
    match = _PARAMETERS.search(text)
    if match is None:
        return set()
    names = {
        part.split("=")[0].split(":")[0].strip().lstrip("*").strip()
        for part in match.group(1).split(",")
    }
    return {name for name in names if name.isidentifier() and name not in ("self", "cls")}


def _word_positions(text: str, words: Iterable[str]) -> Iterator[int]:
    """Where each of ``words`` (``p``, ``self._proc``) occurs in ``text`` as a whole name: not
    after a letter, digit, underscore or dot, nor before a letter, digit or underscore. In the
    order of ``words``, then of the text; no regex to compile for a set of names seen once."""
    find = text.find
    for word in words:
        at = find(word)
        while at >= 0:
            end = at + len(word)
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or before in "_.") and not (after.isalnum() or after == "_"):
                yield at
            at = find(word, at + 1)


_ITEM_END = re.compile(r"\][ \t]*=(?!=)")
_ITEM_STORE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?:\.\w+)?\[[^\]\n]*\]$")


def _module_objects(
    chunks: list[_Chunk], starts: _Starts, source: str
) -> tuple[set[str], set[str]]:
    """Names bound at column 0 to a call or a display (``app = Flask(__name__)``, ``REGISTRY =
    {}``) whose container kept code with a start stores an item into (``app.config["pid"] =
    pid``, ``REGISTRY[id_] = thread``), and the last names of what makes them (``Flask``)."""
    stored: set[str] = set()
    for chunk in chunks:
        if not chunk.keep:
            continue
        text = chunk.text
        names = set()
        for end in _ITEM_END.finditer(text):  # `]` then `=`: cheap to find, rare
            line = text[text.rfind("\n", 0, end.start()) + 1 : end.start() + 1]
            found = _ITEM_STORE.search(line)
            if found is not None and found.group(1) not in ("self", "cls"):
                names.add(found.group(1))
        if names and starts.search(text):
            stored |= names
    if not stored:
        return set(), set()
    bound = re.compile(
        r"^(" + alternation(stored) + r")[ \t]*(?::[^=\n]*)?=(?!=)[ \t]*"
        r"(?:([A-Za-z_][\w.]*)[ \t]*\(|[\[{])",
        re.MULTILINE,
    )
    objects: set[str] = set()
    makers: set[str] = set()
    for match in bound.finditer(source):  # (a column-0 line after a def is in its chunk)
        objects.add(match.group(1))
        if match.group(2):
            makers.add(match.group(2).rsplit(".", 1)[-1])
    return objects, makers


# the line break before the first line of module-level code after a def's or class's body:
# back at column 0, not a closing bracket of its signature nor a comment
_MODULE_TAIL = re.compile(r"\n(?=[^\s#)\]}])")
_DEF_OR_CLASS_LINE = re.compile(r"^(?:async[ \t]+)?(?:def|class)[ \t][^\n]*", re.M)


def _module_handles(chunks: list[_Chunk], starts: _Starts) -> set[str]:
    """Module-level names the kept chunks bind a handle to: `_pool = Pool()` at column 0, what
    module-level code binds or fills (`procs.append(Popen(...))`), and `global _proc` names
    assigned a handle."""
    names: set[str] = set()
    for chunk in chunks:
        if chunk.keep and starts.search(chunk.text):  # no start in it: it binds no handle
            for assigned in _MODULE_ASSIGN.finditer(chunk.text):
                if starts.search(assigned.group(2)):
                    names.add(assigned.group(1))
            if not chunk.name:  # module-level code: what it binds a handle to is module-wide
                names |= _handle_targets(chunk.text, starts)[1]
            else:
                # module-level code after a function's or class's body, in its chunk (`if
                # _FREE_THREADED: _pool = ThreadPoolExecutor()` below a def): module-wide too
                header = _DEF_OR_CLASS_LINE.search(chunk.text)
                tail = _MODULE_TAIL.search(chunk.text, header.end()) if header is not None else None
                rest = chunk.text[tail.end() :] if tail is not None else ""
                if rest and starts.search(rest):
                    names |= _handle_targets(rest, starts)[1]
            declared = _GLOBAL.findall(chunk.text) if "global" in chunk.text else []
            if declared:  # `global _proc` then `_proc = Popen(...)`: only those holding a handle
                names.update(set(declared) & _handle_targets(chunk.text, starts)[1])
    return names


class Sliced:
    """A sliced source and, for each of its lines, the line it came from in the original."""

    __slots__ = ("line_map", "text")

    def __init__(self, text: str, line_map: list[int]) -> None:
        self.text = text
        self.line_map = line_map


class _Output:
    __slots__ = ("line_map", "parts", "size", "skip")

    def __init__(self, skip: frozenset[int] = frozenset()) -> None:
        self.parts: list[str] = []
        self.line_map: list[int] = []
        self.size = 0
        self.skip = skip  # lines inside docstrings

    def add(self, text: str, first_line: int) -> None:
        """Add ``text`` (which starts at ``first_line`` of the original) without its blank and
        comment-only lines: they mean nothing to the analysis (suppression comments are read
        from the original) and cost the parser a node each. Dropping a line inside a string
        changes the string, never the syntax."""
        if not text:
            return
        kept: list[str] = []
        line_map = self.line_map
        skip = self.skip
        for number, piece in enumerate(text.split("\n"), first_line):
            stripped = piece.lstrip()
            if stripped and stripped[0] != "#" and number not in skip:
                kept.append(piece)
                line_map.append(number)
        if kept:
            kept.append("")
            joined = "\n".join(kept)
            self.parts.append(joined)
            self.size += len(joined)


def compact(source: str) -> Sliced:
    """The whole ``source`` without its blank and comment-only lines (see ``_Output.add``)."""
    out = _Output(_Strings(source).interior_lines(source))
    out.add(source, 1)
    return Sliced("".join(out.parts), out.line_map)


# `def name` anywhere (a literal prefix is fast to find); _methods() keeps those starting a line.
_DEF = re.compile(r"def[ \t]+(\w+)")
_SELF_ASSIGN = re.compile(
    r"\bself\.(\w+)(?:\[[^\]]*\])?\s*(?:=[^=]|\.(?:append|appendleft|add|extend|insert|put|put_nowait|setdefault|update)\()"
)


def _threadish_classes(source: str, names: Iterable[str] = ()) -> set[str]:
    """Classes of this module deriving (transitively) from something named *Thread/*Timer/*Process
    or from one of ``names`` (start-capable classes, also those of sibling modules)."""
    classes = [
        (m.group(1), m.group(2))
        for m in _CLASS_NAME_BASES.finditer(source)
        if not source[source.rfind("\n", 0, m.start()) + 1 : m.start()].strip()
    ]
    found: set[str] = set()
    if not classes:
        return found
    known = set(names)
    changed = True
    while changed:
        changed = False
        for name, bases in classes:
            if name in found:
                continue
            for base in bases.split(","):
                short = base.strip().rsplit(".", 1)[-1]
                if short in found or short in known or _THREADISH_NAME.search(short):
                    found.add(name)
                    changed = True
                    break
    return found


_AS_ALIAS = re.compile(r"[ \t]as[ \t]+(\w+)")


def _aliases(source: str) -> list[tuple[str, str]]:
    """(X, Y) of every ``X as Y`` (``from subprocess import PIPE,Popen as P``)."""
    out: list[tuple[str, str]] = []
    if " as " not in source:
        return out
    # (every match opens with a blank then `as`: tried only there, not at every blank)
    for match in _from_literals(_AS_ALIAS, source, (" as", "\tas")):
        before = source[max(0, match.start() - 80) : match.start()].rstrip()
        word = before[_word_begin(before, len(before)) :]  # the name right before `as`
        if word.isidentifier():
            out.append((word, match.group(1)))
    return out


def _start_aliases(aliases: list[tuple[str, str]], starts: _Starts) -> set[str]:
    """``Y`` of every ``X as Y`` where X is a start name (``from subprocess import Popen as P``)."""
    names = set(starts.names)
    return {
        alias
        for word, alias in aliases
        if ((word in names) if names else starts.search(word + "("))
    }


# A literal prefix lets the regex engine skip ahead; the match is then checked to start its line.
_CLASS_NAME_BASES = re.compile(r"class[ \t]+(\w+)[ \t]*\(((?:[^()]|\([^()]*\))*)\)")
_THREADISH_NAME = re.compile(r"(?:" + "|".join(THREADISH_SUFFIXES) + r")$")


_RETURN_LINE = re.compile(r"(?:return|yield)\b([^\n]*)")  # no leading \b: see _Starts
# (`x = `, `x, y = `, and annotated, `x: Final = `)
_ASSIGNED = re.compile(r"^[ \t]*([\w, .]+?)[ \t]*(?::[^=\n]*)?=(?!=)([^\n]*)", re.MULTILINE)


def _is_factory(body: str, starts: _Starts, also: re.Pattern[str] | None = None) -> bool:
    """Does this function return (or yield) a start, or a name bound from one?"""

    def starting(text: str) -> bool:
        return bool(starts.search(text) or (also is not None and also.search(text)))

    bound: set[str] = set()
    hits = False
    # Only the lines holding a start can bind a name to one.
    for pattern in (starts, also):
        if pattern is None:
            continue
        for hit in pattern.finditer(body):
            hits = True
            begin = body.rfind("\n", 0, hit.start()) + 1
            end = body.find("\n", hit.start())
            assigned = _ASSIGNED.match(body, begin, end if end >= 0 else len(body))
            if assigned is not None:
                bound.update(part.strip() for part in assigned.group(1).split(",") if part.strip())
    if not hits or ("return" not in body and "yield" not in body):
        return False  # nothing in it is a start: nothing it returns is one
    named = _any_of(r"(?<![\w.])(?:{})\b", tuple(sorted(bound))) if bound else None
    for returned in _RETURN_LINE.findall(body):
        if starting(returned) or (named is not None and named.search(returned)):
            return True
    return False


_SELF_ATTR = re.compile(r"\bself\.(\w+)")
# What a statement binds: `x = ` / `x, y = ` / `x: T = ` at its head, `for x in`, `as x`, `x := `,
# and the container it fills, `x.append(`. Separate regexes behind substring tests: an alternation
# of them tried at every position was the slowest part of slicing.
_ASSIGN_HEAD = re.compile(r"[ \t]*(\(?[\w, .\[\]*]+?\)?)[ \t]*(?::[^=\n]*)?=(?!=)")
_FOR_TARGET = re.compile(r"\bfor[ \t]+(\(?[\w, .\[\]*]+?\)?)[ \t]+in\b")
_AS_TARGET = re.compile(r"\bas[ \t]+(\w+)")
_WALRUS = re.compile(r"(\w+)[ \t]*:=")
_FILLS = tuple(sorted(CONTAINER_ADD))
_FILL = re.compile(r"(\w+)\.(?:" + "|".join(_FILLS) + r")\(")
_FILL_TEXT = tuple(f".{name}(" for name in _FILLS)
_TARGET_NAME = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\b(?!\s*\.)")
_CONTINUED = ("(", "[", "{", ",", "=", "\\")


def _statement_at(body: str, position: int) -> str:
    """The line holding ``position`` and the lines before it that it continues (past comment
    lines, and lines ending in a comment after the opening bracket: ``x = (  # note``)."""
    begin = candidate = body.rfind("\n", 0, position) + 1
    end = body.find("\n", position)
    for _ in range(8):
        if candidate == 0:
            break
        previous = body.rfind("\n", 0, candidate - 1) + 1
        line = body[previous : candidate - 1]
        code = line.split("#", 1)[0].rstrip() if "#" in line else line.rstrip()
        candidate = previous
        if not code:
            continue  # a comment or blank line: look further up
        if not code.endswith(_CONTINUED):
            break
        begin = previous
    return body[begin : end if end >= 0 else len(body)]


def _statement_facts(statement: str) -> tuple[set[str], set[str]]:
    """The ``self`` attributes a statement assigns, indexes or fills (``self.x.append(...)``), and
    the plain names it binds."""
    targets: list[str] = []
    # (the lazy name of the regex tries every length before failing: a statement with no `=`
    # at all is answered at once)
    head = _ASSIGN_HEAD.match(statement) if "=" in statement else None
    if head is not None:
        targets.append(head.group(1))
    bound: set[str] = set()
    if "for" in statement:
        targets.extend(_FOR_TARGET.findall(statement))
    if " as" in statement:
        bound.update(_AS_TARGET.findall(statement))
    if ":=" in statement:
        bound.update(_WALRUS.findall(statement))
    if any(text in statement for text in _FILL_TEXT):
        bound.update(_FILL.findall(statement))
    attrs: set[str] = set()
    for target in targets:
        bound.update(_TARGET_NAME.findall(target))
        if "self." in target:
            attrs.update(_SELF_ATTR.findall(target))
    if "self." in statement:
        attrs.update(_SELF_ASSIGN.findall(statement))
    bound.discard("self")
    return attrs, bound


def _handle_targets(
    body: str, starts: _Starts, also: re.Pattern[str] | None = None
) -> tuple[frozenset[str], frozenset[str]]:
    """Attributes of ``self`` that can hold a handle (``self.x`` assigned or filled by a statement
    holding a start, or from a name such a statement binds), and the plain names that can:
    both followed through plain assignments. Found once per body for this file's ``starts``
    (a method's body is asked about again as its class plan settles)."""
    key = (body, also)
    found = starts.targets.get(key)
    if found is None:
        found = starts.targets[key] = _find_handle_targets(body, starts, also)
    return found


def _find_handle_targets(
    body: str, starts: _Starts, also: re.Pattern[str] | None
) -> tuple[frozenset[str], frozenset[str]]:
    attrs: set[str] = set()
    bound: set[str] = set()
    for pattern in (starts, also):
        if pattern is None:
            continue
        for hit in pattern.finditer(body):
            assigned, binds = _statement_facts(_statement_at(body, hit.start()))
            attrs |= assigned
            bound |= binds
    seen: set[str] = set()
    for _ in range(8):  # `q = p; r = q; ...`: aliases of aliases, to a fixpoint
        if not bound - seen:
            break
        fresh = tuple(sorted(bound - seen))
        seen |= bound
        done: set[int] = set()
        for at in _word_positions(body, fresh):
            line = body.rfind("\n", 0, at)
            if line in done:
                continue
            done.add(line)
            statement = _statement_at(body, at)
            # A use (`p.wait()`, `log(p)`) binds nothing and stores nothing on self.
            if "=" in statement or "self." in statement or " as" in statement:
                assigned, binds = _statement_facts(statement)
                attrs |= assigned
                bound |= binds
            elif any(text in statement for text in _FILL_TEXT):
                bound.update(_FILL.findall(statement))
    return frozenset(attrs), frozenset(bound)


def _methods(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each method at the class body's indentation (decorators included)."""
    defs: list[tuple[int, str, str]] = []  # (line start, indentation, name)
    strings: _Strings | None = None
    for match in _DEF.finditer(text):
        if strings is None:
            strings = _Strings(text)
        if strings.inside(match.start()):
            continue
        begin = text.rfind("\n", 0, match.start()) + 1
        prefix = text[begin : match.start()]
        indent = prefix[: len(prefix) - len(prefix.lstrip())]
        rest = prefix[len(indent) :]
        if indent and (not rest or (rest.startswith("async") and not rest[5:].strip())):
            defs.append((begin, indent, match.group(1)))
    if not defs:
        return []
    # the class body's own: the shallowest (a nested class's methods may come first)
    indent = min((this for _, this, _ in defs), key=len)
    spans = [
        (_decorated_start(text, begin, indent), name)
        for begin, this, name in defs
        if this == indent
    ]
    out = []
    for i, (begin, name) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        out.append((begin, end, name))
    return out


def _decorated_start(text: str, position: int, indent: str) -> int:
    """Where the ``def`` at ``position`` begins with its decorators: the ``@`` lines right above it
    at its indentation (their continuation lines and comments included; a blank line ends them).
    An ``@`` line inside a docstring is not a decorator: it is never followed by the ``def``."""
    start = position
    line_start = position
    while line_start > 0:
        previous = text.rfind("\n", 0, line_start - 1) + 1
        line = text[previous : line_start - 1]
        if not line.strip():
            break
        if line.startswith(indent + "@") and _DECORATOR.match(line):
            start = previous
        elif not (
            line.startswith(indent) and line[len(indent) : len(indent) + 1] in _DECORATOR_GOES_ON
        ):
            break
        line_start = previous
    return start


_DECORATOR_GOES_ON = frozenset({" ", "\t", ")", "]", "}", "#"})


# what makes a method never return (multiplicity._never_returns): an endless loop, serving
# forever, waiting on an Event made for the call
_NEVER_RETURNS = re.compile(
    r"\bwhile[ \t(]+(?:True|1)\b|"
    + "|".join(rf"\.{name}\(" for name in sorted(FOREVER_METHODS))
    + r"|Event\(\)\.wait\(\)"
)
# a loop on the object's own state (multiplicity._serves_until_stopped)
# a thread running a method of an object its starter holds (`target=self._worker.run`)
_SERVED_TARGET = re.compile(r"\btarget[ \t]*=[ \t]*self\.\w+\.\w+")
_SERVES = re.compile(r"\bwhile[ \t(]+(?:not[ \t(]+)?self\.")
# a `while` line's test, and the attributes of self it reads
_WHILE_TEST = re.compile(r"^[ \t]*while\b([^\n]*)", re.MULTILINE)
_PROPERTY = re.compile(r"^[ \t]*@(?:[\w.]*\.)?(?:property|\w*cached_property)\b", re.MULTILINE)
_FORWARDERS = frozenset({"__getattr__", "__getattribute__"})  # may forward a handle attribute
_SELF_REF = re.compile(r"self\.(\w+)(\s*\()?")  # a literal prefix: fast to scan for
_GETATTR_SELF = re.compile(r"\bgetattr\(\s*(?:self|cls)\s*,\s*[rbu]?['\"](\w+)['\"]")


@lru_cache(maxsize=64)
def _class_calls(classes: tuple[str, ...]) -> re.Pattern[str]:
    """``Name.method(`` for one of ``classes``: the class as group 1, the method as group 2
    (compiled once per module: every class plan of it asks with the same classes)."""
    return re.compile(r"(?<![\w.])(" + alternation(classes) + r")\.(\w+)[ \t]*\(")


def _own_refs(owner: str) -> re.Pattern[str]:
    """``self.x``, ``cls.x`` and ``Owner.x`` (a classmethod or staticmethod called through the
    class), with whether it is called."""
    return _any_of(r"(?:self|cls|{})\.(\w+)(\s*\()?", (owner,) if owner else ("self",))


def _factory_calls(factories: tuple[str, ...], owner: str = "") -> re.Pattern[str] | None:
    if not factories:
        return None
    receivers = "self|cls|" + re.escape(owner) if owner else "self|cls"
    return _any_of(r"(?<![\w.])(?:" + receivers + r")\.(?:{})\s*\(", factories)


class _ClassPlan:
    """Which methods of a class can matter; one ``pass`` stands for the rest.

    Kept: methods holding a start or a wait-any reaper, class-level code, and to a fixpoint the
    methods using a kept method as a callback (``self.method`` not called), the thread targets of
    kept methods, the callers of kept factory methods, and the methods using an attribute that
    can hold a handle. With ``reapers`` (a thread or process subclass) also the methods named there
    and every method calling one of the kept reapers on ``self`` (the engine derives which methods
    stop the thread from them)."""

    __slots__ = (
        "_attrs",
        "_factory",
        "_gives",
        "_level",
        "_seen",
        "attrs",
        "bodies",
        "entries",
        "holding",
        "indent",
        "keep",
        "methods",
        "owner",
        "refs",
        "starts",
        "text",
    )

    def __init__(
        self,
        text: str,
        starts: _Starts,
        reapers: frozenset[str] | None,
        owner: str = "",
        calls_holder: re.Pattern[str] | None = None,
        in_string: Callable[[int], bool] = lambda at: False,
        entries: frozenset[str] = frozenset({"run"}),
        holders: dict[str, int] | None = None,
        module_handles: tuple[str, ...] = (),
        classes: tuple[str, ...] = (),
    ) -> None:
        self.text = text
        self.entries = entries  # the methods a thread may run: run(), and every target named
        self.owner = owner
        self.starts = starts
        self.methods = _methods(text)
        self.attrs: set[str] = set()  # attributes of self that can hold a handle
        # methods holding a start, or calling one that does (or a module function that does)
        self.holding: set[str] = set()
        self._level: dict[str, int] = {}  # how many calls away from a start a holding method is
        self._seen: tuple[set[str], dict[str, int]] | None = (
            None  # the last settle()'s outside facts
        )
        self._factory: dict[tuple[int, tuple[str, ...]], bool] = {}
        self._attrs: dict[tuple[int, tuple[str, ...]], frozenset[str]] = {}
        self._gives: dict[tuple[int, tuple[str, ...], tuple[str, ...]], set[str]] = {}
        self.bodies = [text[b:e] for b, e, _ in self.methods]
        self.keep = [True] * len(self.methods)
        self.refs: list[tuple[set[str], set[str]]] = []  # per method: self.x used, self.x() called
        indent_match = (
            re.match(r"(?:[ \t]*@[^\n]*\n)*([ \t]*)", self.bodies[0]) if self.bodies else None
        )
        self.indent = indent_match.group(1) if indent_match else ""
        holders = holders or {}
        holds: list[bool] = []
        for body, (begin, _, name) in zip(self.bodies, self.methods, strict=True):
            level: int | None = 0 if starts.search(body) else None
            if level is None and calls_holder is not None:
                # (the regex of the holders' names is tried only on a body naming one)
                named = any(holder in body for holder in holders)
                reached = [
                    holders.get(m.group(0).rstrip(" \t(").rsplit(".", 1)[-1], CALLER_DEPTH)
                    for m in (calls_holder.finditer(body) if named else ())
                    if not in_string(begin + m.start())
                ] + [
                    holders[installed] for installed in _installed(body, holders, in_string, begin)
                ]
                level = min(reached) + 1 if reached else None
            holds.append(level is not None)
            if level is not None:
                self.holding.add(name)
                self._level[name] = level
        if len(self.methods) < 3:
            # Emitted whole; a method calling one of its methods that holds a start counts too.
            for i, (_, _, name) in enumerate(self.methods):
                self.holding.add(name)
                self._level.setdefault(name, 0)
                if "while" in self.bodies[i] and self._runs_in_thread(i):
                    # the state its thread's loop waits on: the methods of its relatives
                    # setting it are kept (settle() does the same for a class it plans)
                    self.attrs |= _loop_state(self.bodies[i])
            return
        # A line indented no deeper than the `def` after its `def` line is class-level (or
        # module-level) code following the method, not a closing bracket of the signature: such
        # a method is kept, so that code stays.
        class_level = re.compile(
            r"\n[ \t]{0,%d}(?![ \t#@)\]}]|def\b|async\b)\S" % len(self.indent)  # noqa: UP031
        )
        keep = self.keep
        refs: re.Pattern[str] | None = None  # (compiled for the few bodies that need it)
        # the module's classes' methods called through the class (`Other.open(0)`), one regex
        # for every class of the module: a match naming this class is left out below (a match
        # is `Name.method(`, which no other match can start inside)
        dotted = tuple(f"{c}." for c in classes if c != owner)  # (a cheap test first)
        other = _class_calls(classes) if dotted else None
        # a thread serving `self._loop` forever ends when a method stops it, as does one
        # running a method of an object the class holds (`target=self._worker.run`,
        # sites._serves_replaced): keep those
        serves = (
            "run_forever" in text
            or "serve_forever" in text
            or next(_from_literals(_SERVED_TARGET, text, ("target",)), None) is not None
        )
        # a per-use class (it has close()) with a method that never returns (start() blocks for
        # good) is a service, not a resource used per call (harm.py): keep such methods
        per_use = any(name in PER_USE_METHODS for _, _, name in self.methods)
        for i, body in enumerate(self.bodies):
            keep[i] = bool(
                holds[i]
                or _REAPER_FINDER.search(body)
                or (reapers is not None and self.methods[i][2] in reapers)
                or self.methods[i][2] in _FORWARDERS
                # the object's collection may stop what it holds (what atexit pinning the
                # object costs: lifecycle._closed_or_kept_by_atexit)
                or (self.methods[i][2] == "__del__" and any(holds))
                # a method ending the object's life makes its objects per-use ones (harm.py),
                # as does a stop that cannot reach its thread (harm._per_use, STOP_ENDS)
                or self.methods[i][2] in PER_USE_METHODS | STOP_ENDS
                or self.methods[i][2] == HANDLER_EMIT  # no per-use object (harm._per_use)
                # an iterator starting a thread: what its consumer calls (lifecycle.py)
                or (any(holds) and self.methods[i][2] in ITERATOR_METHODS)
                or (per_use and _NEVER_RETURNS.search(body) is not None)
                or "get_context" in body  # `self._ctx = get_context()` aliases multiprocessing
                # (a close() too: a WebSocketApp's callback closing the app it is handed ends
                # its run_forever(), sites._closed_by_its_callback)
                or (serves and (".stop" in body or ".shutdown" in body or ".close(" in body))
                # a module-level handle used here (`_POOL.submit(...)` starts it, or reaps it)
                or next(_word_positions(body, module_handles), -1) >= 0
                or class_level.search(body, body.find("\n", body.find("def ")) + 1)
            )
            used: set[str] = set()
            called: set[str] = set()
            if "cls." in body or (owner and f"{owner}." in body):
                refs = refs or _own_refs(owner)
                found = refs.findall(body)
            elif "self." in body:
                found = _SELF_REF.findall(body)
            else:
                found = []
            if found:
                for name, call in found:
                    (called if call else used).add(name)
            if "getattr(" in body:  # getattr(self, "_proc", None) reads self._proc
                used.update(_GETATTR_SELF.findall(body))
            if other is not None and any(name in body for name in dotted):
                # a static or class method of another class of the module (`RadioManager.
                # open(0)`): the analysis follows such calls to weigh how often a start runs
                called.update(m.group(2) for m in other.finditer(body) if m.group(1) != owner)
            self.refs.append((used, called))
        if reapers is not None:
            # A method calling a reaper on self reaps too; so may one calling a method the class
            # inherits (`self.finish()` where a base class's finish() joins): keep both kinds.
            reaping = set(reapers)
            own = {name for _, _, name in self.methods}
            changed = True
            while changed:
                changed = False
                for i, (_, _, name) in enumerate(self.methods):
                    called = self.refs[i][1]
                    if name not in reaping and (called & reaping or called - own):
                        reaping.add(name)
                        keep[i] = changed = True
        # a method serving until its object is stopped (a `while` on the object's state) makes
        # its callers services, not requests, and a per-use class having one a service
        # (multiplicity._serves_until_stopped, harm._per_use): keep those a method holding a
        # start calls, or any of a per-use class, with the methods they call (one may set the
        # flag that ends the loop)
        asked = {name for i, held in enumerate(holds) if held for name in self.refs[i][1]}
        position = {name: i for i, (_, _, name) in enumerate(self.methods)}
        for i, body in enumerate(self.bodies):
            if (per_use or self.methods[i][2] in asked) and next(
                _from_literals(_SERVES, body, ("while",)), None
            ):
                keep[i] = True
                # what it calls, three calls deep (multiplicity._ends_itself follows as far)
                self._keep_called(keep, position, {i}, skip_kept=False)
        # the way through the construction when a start is on it: __init__ and __enter__ (a
        # with-block's entry), when one holds a start or calls a method that does, and what
        # they call on the object, three calls deep, which may fail with the thread running
        # (lifecycle._stranded_by_a_failed_construction)
        constructing = [
            i for i, (_, _, name) in enumerate(self.methods) if name in ("__init__", "__enter__")
        ]
        if any(
            holds[i] or any(holds[position[name]] for name in self.refs[i][1] if name in position)
            for i in constructing
        ):
            for at in constructing:
                keep[at] = True
            self._keep_called(keep, position, set(constructing))
        # what the object's own end calls on it (`disconnect()` calling
        # `self._stop_heartbeat_timer()`, which stops a helper object's thread) may reap or
        # stop a handle the engine finds through it: keep those, three calls deep
        self._keep_called(
            keep,
            position,
            {i for i, (_, _, name) in enumerate(self.methods) if name in _ENDING},
        )
        self._keep_looped_properties()

    def _keep_looped_properties(self) -> None:
        """Keep the properties a kept method's ``while`` tests (``while not self.ready:``):
        whether that loop serves until a stop or waits for what the property works out is
        read from the property's body (multiplicity._computed)."""
        keep = self.keep
        looped = {
            name
            for i, body in enumerate(self.bodies)
            if keep[i] and "while" in body
            for test in _WHILE_TEST.findall(body)
            for name in _SELF_ATTR.findall(test)
        }
        if not looped:
            return
        for i, (_, _, name) in enumerate(self.methods):
            if not keep[i] and name in looped:
                body = self.bodies[i]
                if _PROPERTY.search(body, 0, body.find("def ")) is not None:
                    keep[i] = True

    def _keep_called(
        self,
        keep: list[bool],
        position: dict[str, int],
        frontier: set[int],
        skip_kept: bool = True,
    ) -> None:
        """Keep what the methods ``frontier`` call on the object, three calls deep; with
        ``skip_kept``, not through a method already kept (its own reason keeps what it needs)."""
        for _ in range(3):
            frontier = {
                position[name]
                for at in frontier
                for name in self.refs[at][1]
                if name in position and not (skip_kept and keep[position[name]])
            }
            for at in frontier:
                keep[at] = True

    def _runs_in_thread(self, i: int) -> bool:
        """Can method ``i`` (or a function nested in it) be what a thread runs?"""
        if self.methods[i][2] in self.entries:
            return True
        body = self.bodies[i]
        return "def " in body[body.find("\n") :] and any(
            f"def {name}" in body for name in self.entries
        )

    def _is_factory(self, i: int, factories: tuple[str, ...]) -> bool:
        """Does method ``i`` return a handle (a start, or what a factory method returns)."""
        key = (i, factories)
        found = self._factory.get(key)
        if found is None:
            found = self._factory[key] = _is_factory(
                self.bodies[i], self.starts, _factory_calls(factories, self.owner)
            )
        return found

    def _given(self, i: int, attrs: set[str], factories: tuple[str, ...] = ()) -> set[str]:
        """The methods that method ``i`` passes a handle to (``self._teardown(procs)``), one
        a kept factory method returned too (``process = self._spawn()`` then
        ``self._wait_ready(process)``)."""
        # (only the attributes the body names can be among a call's arguments in it: the
        # answer for the others is the answer without them, asked again as attrs grow)
        body = self.bodies[i]
        named = tuple(sorted(a for a in attrs if f"self.{a}" in body))
        made = tuple(name for name in factories if f"{name}(" in body)
        key = (i, named, made)
        found = self._gives.get(key)
        if found is None:
            found = self._gives[key] = _given_handles(
                body, self.starts, named, also=_factory_calls(made, self.owner)
            )
        return found

    def _handle_attrs(self, i: int, factories: tuple[str, ...]) -> frozenset[str]:
        """Which attributes of self method ``i`` can store a handle in."""
        key = (i, factories)
        found = self._attrs.get(key)
        if found is None:
            found = self._attrs[key] = _handle_targets(
                self.bodies[i], self.starts, _factory_calls(factories, self.owner)
            )[0]
        return found

    @property
    def levels(self) -> dict[str, int]:
        """The holding methods, each with how many calls away from a start it is."""
        return self._level

    def settle(self, outside: set[str], holding: dict[str, int] | None = None) -> None:
        """Grow the kept methods to a fixpoint, given the handle attributes and the methods
        holding a start found elsewhere (with how far up each is)."""
        holding = holding or {}
        if len(self.methods) < 3 or (outside, holding) == self._seen:
            return
        self._seen = (set(outside), dict(holding))
        keep = self.keep
        targets: dict[int, set[str]] = {}
        factories: tuple[str, ...] = ()
        for _ in range(6):
            # Factory methods: return a start, or the result of a factory method (chains).
            factories = tuple(
                sorted(
                    self.methods[i][2]
                    for i in range(len(keep))
                    if keep[i] and self._is_factory(i, factories)
                )
            )
            attrs = set(outside)
            for i in range(len(keep)):
                if keep[i] and (
                    self.starts.search(self.bodies[i]) or set(factories) & self.refs[i][1]
                ):
                    attrs |= self._handle_attrs(i, factories)
                if keep[i] and "while" in self.bodies[i] and self._runs_in_thread(i):
                    # a thread's loop waiting on the object's state: the methods setting that
                    # state (and the queue it blocks on) decide whether the thread ends
                    attrs |= _loop_state(self.bodies[i])
            # `self.horse_pid` may be the accessor of `self._horse_pid`: its uses count too
            attrs |= {a.lstrip("_") for a in attrs if a.startswith("_") and a.strip("_")}
            self.attrs |= attrs - outside
            wanted: set[str] = set()
            for i in range(len(keep)):
                if keep[i]:
                    if i not in targets:
                        targets[i] = _targets(self.bodies[i], self.starts.makers)
                    wanted |= targets[i]
                    wanted |= self._given(i, attrs, factories)
            kept_names = {self.methods[i][2] for i in range(len(keep)) if keep[i]}
            changed = False
            for i, (_, _, name) in enumerate(self.methods):
                if keep[i]:
                    continue
                used, called = self.refs[i]
                if (
                    name in wanted
                    or called & set(factories)
                    or used & kept_names
                    or (used | called) & attrs
                ):
                    keep[i] = changed = True
            for i, (_, _, name) in enumerate(self.methods):
                if name in self.holding:
                    continue
                callees = self.refs[i][1]
                level = min(
                    (
                        min(self._level.get(c, CALLER_DEPTH), holding.get(c, CALLER_DEPTH))
                        for c in callees & (self.holding | holding.keys())
                    ),
                    default=None,
                )
                if level is not None and level < CALLER_DEPTH + 1:
                    self.holding.add(name)
                    self._level[name] = level + 1
                    keep[i] = changed = True
            if not changed:
                break
        if "__init__" in holding:
            # a construction holding a start somewhere in the module (a subclass's `__init__`):
            # this class's `__enter__` may be the with-block's entry of it, failing with the
            # thread running (lifecycle._stranded_by_a_failed_construction), with what it calls
            position = {name: i for i, (_, _, name) in enumerate(self.methods)}
            entering = position.get("__enter__")
            if entering is not None and not keep[entering]:
                keep[entering] = True
                self._keep_called(keep, position, {entering})
        self._keep_looped_properties()

    def emit(self, first_line: int, out: _Output) -> None:
        if len(self.methods) < 3:
            out.add(self.text, first_line)
            return
        head = self.text[: self.methods[0][0]]
        out.add(head, first_line)
        line = first_line + head.count("\n")
        placeholder = False
        for i, body in enumerate(self.bodies):
            if self.keep[i]:
                out.add(body, line)
            elif not placeholder:
                out.add(self.indent + "pass\n", line)
                placeholder = True
            line += body.count("\n")
