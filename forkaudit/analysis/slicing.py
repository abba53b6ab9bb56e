"""Parse only what matters: the top-level chunks of a module that can hold a start or a reap.

A module is cut at its top-level ``def``/``class``/decorator lines. The chunks kept are: the header
(imports), chunks holding a start name, a wait-any reaper or a top-level import, the definitions
they name as a thread target, their local base and sub classes, and the callers of kept functions
that return something (factories). Every other line is blanked, so line numbers stay exact and the
parse costs only what is kept. When the cut lands inside a string the sliced source fails to parse
and the caller parses the whole file instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_BOUNDARY = re.compile(r"^(?:async[ \t]+def|def|class)[ \t]+(\w+)|^@", re.MULTILINE)
_REAPER = re.compile(
    r"\b(?:waitpid|wait3|wait4|waitid)\s*\(|\bos\.wait\s*\(|\bSIGCHLD\b|\bactive_children\b"
)
_IMPORT = re.compile(r"^(?:import|from)[ \t]", re.MULTILINE)
_TARGET = re.compile(
    r"\b(?:target|function)\s*=\s*(?:self\.)?(\w+)|\bTimer\(\s*[^,()]+,\s*(?:self\.)?(\w+)"
)
_CLASS_BASES = re.compile(r"^class[ \t]+\w+[ \t]*\(([^)]*)\)", re.MULTILINE)
_MODULE_ASSIGN = re.compile(r"^(\w+)[ \t]*(?::[^=\n]*)?=(?!=)(.*)$", re.MULTILINE)
_GLOBAL = re.compile(r"^[ \t]+global[ \t]+(\w+)", re.MULTILINE)
MIN_SLICE_BYTES = 3 * 1024  # below this, slicing saves nothing worth its own cost


HEADER_SPLIT_BYTES = 4096
_IS_CLASS = re.compile(r"(?:[ \t]*@[^\n]*\n)*[ \t]*class\b")
_HEADER_STATEMENT = re.compile(r"^(?!(?:else|elif|except|finally)\b)[A-Za-z_]", re.MULTILINE)
_TRIPLE_QUOTED = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'')
# Module-level statements that the analysis reads even without a start in them: any import
# (also indented, under `try:` or `if TYPE_CHECKING:`) and multiprocessing context aliases.
_HEADER_KEEP = re.compile(r"^[ \t]*(?:import|from)[ \t]|\bget_context\b", re.MULTILINE)


def _header_chunks(header: str) -> list[_Chunk]:
    """The module code before the first def/class: one chunk, or (when large: data tables,
    generated constants) one chunk per top-level statement, never cut inside a triple-quoted
    string. The first chunk (docstring, comments) is always kept."""
    first = _Chunk(0, len(header), "", header)
    first.keep = True
    if len(header) < HEADER_SPLIT_BYTES:
        return [first]
    strings = [(m.start(), m.end()) for m in _TRIPLE_QUOTED.finditer(header)]
    cuts = []
    for match in _HEADER_STATEMENT.finditer(header):
        position = match.start()
        if position and not any(begin < position < end for begin, end in strings):
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

    __slots__ = ("_seen", "fast", "names", "pattern")

    def __init__(self, pattern: re.Pattern[str], names: Iterable[str] = ()) -> None:
        self._seen: dict[str, bool] = {}  # the same chunk or method body is asked about often
        self.pattern = pattern
        self.names = tuple(sorted(set(names)))
        alternation = "|".join(map(re.escape, self.names))
        self.fast = (
            re.compile(f"(?:{alternation})(?=\\s*\\(|\\s+as\\s|\\s*[,)])") if self.names else None
        )

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.fast is None:
            yield from self.pattern.finditer(text)
            return
        for match in self.fast.finditer(text):
            position = match.start()
            if position:
                before = text[position - 1]
                if before.isalnum() or before == "_":
                    continue
            yield match

    def search(self, text: str) -> bool:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = next(self.finditer(text), None) is not None
        return found

    def calls_of(self, names: Iterable[str]) -> _Starts:
        """Also match uses of ``names`` (a local subclass, an alias, a factory)."""
        extra = sorted(names)
        if self.names:  # the name-driven regex is all that is used: no need for the slow one
            return _Starts(self.pattern, self.names + tuple(extra))
        pattern = re.compile(
            self.pattern.pattern + r"|\b(?:" + "|".join(map(re.escape, extra)) + r")\s*\("
        )
        return _Starts(pattern)


_REAPER_FINDER = _Finder(
    _REAPER, ("waitpid", "wait3", "wait4", "waitid", "os.wait", "SIGCHLD", "active_children")
)
_IMPORT_FINDER = _Finder(_IMPORT, ("import",))
_HEADER_KEEP_FINDER = _Finder(_HEADER_KEEP, ("import", "get_context"))


def slice_source(source: str, pattern: re.Pattern[str], names: Iterable[str] = ()) -> Sliced | None:
    """The chunks of ``source`` that can matter, or None when slicing saves nothing.

    ``pattern`` matches a start; ``names`` (the start names it is built from) let most chunks be
    ruled out by a substring test first."""
    if len(source) < MIN_SLICE_BYTES:
        return None
    starts = _Starts(pattern, names)
    cuts: list[tuple[int, str]] = []
    pending_decorator: int | None = None
    for match in _BOUNDARY.finditer(source):
        if match.group(0) == "@":
            if pending_decorator is None:
                pending_decorator = match.start()
            continue
        position = pending_decorator if pending_decorator is not None else match.start()
        pending_decorator = None
        cuts.append((position, match.group(1) or ""))
    if not cuts:
        return None
    chunks = _header_chunks(source[: cuts[0][0]])
    for i, (position, name) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(source)
        chunks.append(_Chunk(position, end, name, source[position:end]))
    threadish = _threadish_classes(source)
    # `from subprocess import Popen as P`: calls of P( are starts too.
    aliases = _start_aliases(source, starts)
    extra = threadish | aliases
    if extra:
        starts = starts.calls_of(extra)
    for chunk in chunks:
        text = chunk.text
        if (
            starts.search(text)
            or _REAPER_FINDER.search(text)
            or _IMPORT_FINDER.search(text)
            or (not chunk.name and _HEADER_KEEP_FINDER.search(text))
        ):
            chunk.keep = True
    # Module-level handles (`_pool = Pool()` at column 0, `global _proc`): keep every chunk naming them.
    module_names: set[str] = set()
    for chunk in chunks:
        if chunk.keep:
            for assigned in _MODULE_ASSIGN.finditer(chunk.text):
                if starts.search(assigned.group(2)):
                    module_names.add(assigned.group(1))
            module_names.update(_GLOBAL.findall(chunk.text))
    if module_names:
        mention = re.compile(
            r"\b(?:" + "|".join(re.escape(n) for n in sorted(module_names)) + r")\b"
        )
        for chunk in chunks:
            if not chunk.keep and mention.search(chunk.text):
                chunk.keep = True
    bases_of = {
        id(c): [part.strip().split(".")[-1] for part in m.group(1).split(",")]
        for c in chunks
        if c.name and (m := _CLASS_BASES.search(c.text)) is not None
    }
    factory_of: dict[int, bool] = {}

    def is_factory(chunk: _Chunk) -> bool:
        if id(chunk) not in factory_of:
            # Only a function returns a handle; a class is never a factory chunk.
            factory_of[id(chunk)] = not _IS_CLASS.match(chunk.text) and _is_factory(
                chunk.text, starts
            )
        return factory_of[id(chunk)]

    for _ in range(3):
        changed = False
        kept = [c for c in chunks if c.keep]
        wanted: set[str] = set()
        for chunk in kept:
            for match in _TARGET.finditer(chunk.text):
                wanted.add(match.group(1) or match.group(2) or "")
            wanted.update(bases_of.get(id(chunk), ()))
        kept_names = {c.name for c in kept if c.name}
        factory_names = {c.name for c in kept if c.name and is_factory(c)}
        for chunk in chunks:
            if chunk.keep:
                continue
            if chunk.name in wanted:
                chunk.keep = changed = True
                continue
            if any(base in kept_names for base in bases_of.get(id(chunk), ())):
                chunk.keep = changed = True
                continue
            if factory_names and any(f"{name}(" in chunk.text for name in factory_names):
                chunk.keep = changed = True
        if not changed:
            break
    kept_chunks = [c for c in chunks if c.keep]
    # Callers of kept top-level factories are start sites too, inside classes as well.
    factories = sorted(
        {c.name for c in kept_chunks if c.name and c.name not in threadish and is_factory(c)}
    )
    if factories:
        starts = starts.calls_of(factories)
    attrs: set[str] = set()
    for chunk in kept_chunks:
        for method in _methods(chunk.text) or [(0, len(chunk.text), "")]:
            body = chunk.text[method[0] : method[1]]
            if starts.search(body):
                attrs.update(_SELF_ASSIGN.findall(body))
    out = _Output()
    line_no = 1
    for chunk in chunks:
        if not chunk.keep:
            pass
        elif (
            len(chunk.text) > MIN_SLICE_BYTES // 2
            and chunk.name not in threadish
            and _is_plain_class(chunk.text)
        ):
            _slice_class(chunk.text, line_no, starts, attrs, out)
        else:
            out.add(chunk.text, line_no)
        line_no += chunk.text.count("\n")
    if out.size > len(source) * 3 // 4:
        return None
    return Sliced("".join(out.parts), out.line_map)


class Sliced:
    """A sliced source and, for each of its lines, the line it came from in the original."""

    __slots__ = ("line_map", "text")

    def __init__(self, text: str, line_map: list[int]) -> None:
        self.text = text
        self.line_map = line_map


class _Output:
    __slots__ = ("line_map", "parts", "size")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.line_map: list[int] = []
        self.size = 0

    def add(self, text: str, first_line: int) -> None:
        if not text:
            return
        if not text.endswith("\n"):
            text += "\n"
        self.parts.append(text)
        self.size += len(text)
        self.line_map.extend(range(first_line, first_line + text.count("\n")))


_METHOD = re.compile(r"^([ \t]+)(?:async[ \t]+def|def)[ \t]+(\w+)|^([ \t]+)@", re.MULTILINE)
_SELF_ASSIGN = re.compile(r"\bself\.(\w+)(?:\[[^\]]*\])?\s*(?:=[^=]|\.(?:append|add|insert|put)\()")
_KEEP_METHODS = frozenset(
    {
        "__init__",
        "__exit__",
        "__aexit__",
        "__del__",
        "run",
        "close",
        "stop",
        "shutdown",
        "terminate",
        "join",
        "cleanup",
        "__enter__",
    }
)


def _threadish_classes(source: str) -> set[str]:
    """Classes of this module deriving (transitively) from something named *Thread/*Timer/*Process."""
    classes = [(m.group(1), m.group(2)) for m in _CLASS_NAME_BASES.finditer(source)]
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, bases in classes:
            if name in found:
                continue
            for base in bases.split(","):
                short = base.strip().rsplit(".", 1)[-1]
                if short in found or _THREADISH_NAME.search(short):
                    found.add(name)
                    changed = True
                    break
    return found


_AS_ALIAS = re.compile(r"[ \t]as[ \t]+(\w+)")
_WORD_BEFORE = re.compile(r"(\w+)[ \t]*$")


def _start_aliases(source: str, starts: _Starts) -> set[str]:
    """``Y`` of every ``X as Y`` where X is a start name (``from subprocess import Popen as P``)."""
    out: set[str] = set()
    if " as " not in source:
        return out
    for match in _AS_ALIAS.finditer(source):
        before = _WORD_BEFORE.search(source, max(0, match.start() - 80), match.start() + 1)
        if before is not None and starts.search(before.group(1) + "("):
            out.add(match.group(1))
    return out


_CLASS_NAME_BASES = re.compile(r"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)
_THREADISH_NAME = re.compile(r"(?:Thread|Timer|Process)$")


_RETURN_LINE = re.compile(r"\b(?:return|yield)\b([^\n]*)")
_ASSIGNED = re.compile(r"^[ \t]*([\w, .]+?)[ \t]*=(?!=)([^\n]*)", re.MULTILINE)


def _is_factory(body: str, starts: _Starts, also: re.Pattern[str] | None = None) -> bool:
    """Does this function return (or yield) a start, or a name bound from one?"""

    def starting(text: str) -> bool:
        return bool(starts.search(text) or (also is not None and also.search(text)))

    bound: set[str] = set()
    # Only the lines holding a start can bind a name to one.
    for pattern in (starts, also):
        if pattern is None:
            continue
        for hit in pattern.finditer(body):
            begin = body.rfind("\n", 0, hit.start()) + 1
            end = body.find("\n", hit.start())
            assigned = _ASSIGNED.match(body, begin, end if end >= 0 else len(body))
            if assigned is not None:
                bound.update(part.strip() for part in assigned.group(1).split(",") if part.strip())
    for returned in _RETURN_LINE.findall(body):
        if starting(returned) or any(
            re.search(rf"(?<![\w.]){re.escape(name)}\b", returned) for name in bound
        ):
            return True
    return False


def _is_plain_class(text: str) -> bool:
    """A class (not a thread/process subclass, which the engine reads whole)."""
    match = re.search(r"^class[ \t]+\w+[ \t]*(\([^)]*\))?", text, re.MULTILINE)
    if match is None:
        return False
    bases = match.group(1) or ""
    return not any(
        _THREADISH_NAME.search(b.strip(" ()").rsplit(".", 1)[-1]) for b in bases.split(",")
    )


def _methods(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each method at the class body's indentation (decorators included)."""
    indent: str | None = None
    spans: list[tuple[int, str]] = []
    decorator: int | None = None
    for match in _METHOD.finditer(text):
        this = match.group(1) if match.group(1) is not None else match.group(3)
        if indent is None:
            indent = this
        if this != indent:
            continue
        if match.group(2) is None:
            if decorator is None:
                decorator = match.start()
            continue
        spans.append((decorator if decorator is not None else match.start(), match.group(2)))
        decorator = None
    out = []
    for i, (begin, name) in enumerate(spans):
        end = spans[i + 1][0] if i + 1 < len(spans) else len(text)
        out.append((begin, end, name))
    return out


def _slice_class(
    text: str, first_line: int, starts: _Starts, attrs: set[str], out: _Output
) -> None:
    methods = _methods(text)
    if len(methods) < 3:
        out.add(text, first_line)
        return
    keep = [False] * len(methods)
    bodies = [text[b:e] for b, e, _ in methods]
    attrs = set(attrs)
    factory_call: re.Pattern[str] | None = None
    for i in range(len(methods)):
        body = bodies[i]
        if starts.search(body) or _REAPER_FINDER.search(body):
            keep[i] = True
    # Per-method facts, computed once (the fixpoint below asks again every round).
    factory_memo: dict[tuple[int, str], bool] = {}
    assigned_memo: dict[int, list[str]] = {}
    target_memo: dict[int, set[str]] = {}

    def is_factory(i: int) -> bool:
        key = (i, factory_call.pattern if factory_call is not None else "")
        if key not in factory_memo:
            factory_memo[key] = _is_factory(bodies[i], starts, factory_call)
        return factory_memo[key]

    def assigned(i: int) -> list[str]:
        if i not in assigned_memo:
            assigned_memo[i] = _SELF_ASSIGN.findall(bodies[i])
        return assigned_memo[i]

    def targets(i: int) -> set[str]:
        if i not in target_memo:
            target_memo[i] = {m.group(1) or m.group(2) or "" for m in _TARGET.finditer(bodies[i])}
        return target_memo[i]

    for _ in range(4):
        # Handles stored on self by kept methods (directly or from a kept factory method).
        factories = {methods[i][2] for i in range(len(methods)) if keep[i] and is_factory(i)}
        factory_call = (
            re.compile(r"\bself\.(?:" + "|".join(map(re.escape, sorted(factories))) + r")\s*\(")
            if factories
            else None
        )
        for i, body in enumerate(bodies):
            if keep[i] and (starts.search(body) or (factory_call and factory_call.search(body))):
                attrs.update(assigned(i))
        attr_pattern = (
            re.compile(r"\bself\.(?:" + "|".join(map(re.escape, sorted(attrs))) + r")\b")
            if attrs
            else None
        )
        wanted: set[str] = set()
        for i in range(len(bodies)):
            if keep[i]:
                wanted.update(targets(i))
        kept_names = [methods[i][2] for i in range(len(methods)) if keep[i]]
        callbacks = (
            re.compile(r"\bself\.(?:" + "|".join(map(re.escape, kept_names)) + r")\b(?!\s*\()")
            if kept_names
            else None
        )
        changed = False
        for i, (_, _, name) in enumerate(methods):
            if keep[i]:
                continue
            body = bodies[i]
            if (
                name in wanted
                or (factory_call and factory_call.search(body))
                or (callbacks and callbacks.search(body))
                or (attr_pattern and attr_pattern.search(body))
            ):
                keep[i] = changed = True
        if not changed:
            break
    head = text[: methods[0][0]]
    out.add(head, first_line)
    line = first_line + head.count("\n")
    placeholder = False
    for i, body in enumerate(bodies):
        if keep[i]:
            out.add(body, line)
        elif not placeholder:
            indent = re.match(r"[ \t]*", body)
            out.add((indent.group(0) if indent else "    ") + "pass\n", line)
            placeholder = True
        line += body.count("\n")
