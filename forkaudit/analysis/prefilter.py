"""Decide from bytes alone whether a file can hold a start site, before any parse.

Most files of an environment never name a process or thread API; libcst parses at ~1 MB/s, so only
files whose bytes show call syntax of a start name (``Popen(``, ``fork(``, ``Thread(``...), an
aliased import of one, or a start-capable class or factory of the same distribution reach the parser.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Sequence
from functools import lru_cache

from forkaudit.model import Rule


def start_names(rules: Sequence[Rule]) -> set[str]:
    names = set()
    for rule in rules:
        for qualified in rule.starts:
            names.add(qualified.rsplit(".", 1)[-1])
    return names


def start_modules(rules: Sequence[Rule]) -> set[str]:
    """The top-level modules the start names come from (``subprocess`` for subprocess.Popen)."""
    return {qualified.split(".", 1)[0] for rule in rules for qualified in rule.starts}


_WORD = [chr(c).isalnum() or chr(c) == "_" or c >= 128 for c in range(256)]


class Prefilter:
    """``may_start(data)``: can these bytes hold a start? A start name as a whole word followed by
    call syntax (``Popen(``), an aliased import (``Popen as P``) or in a class's base list
    (``class Worker(Thread):``), on a line of code (``_read_as_start``).

    A built-in name only starts something where its module is named: the engine resolves
    ``Popen(`` to ``subprocess.Popen`` through an import (or a ``get_context()``) that spells
    ``subprocess``, so a file whose import lines never name ``subprocess`` cannot start a Popen
    (``import_lines``). The names are grouped by those modules; a group is looked for only in
    files naming one of its modules, by substring search for its shortest names (C speed), and
    each occurrence is then checked to be a whole name with call syntax after it. The names of
    the distribution's own classes and factories (``extra_names``) need no module."""

    def __init__(self, rules: Sequence[Rule], extra_names: Iterable[str] = ()) -> None:
        extra = {name.encode() for name in extra_names}
        modules: dict[bytes, set[bytes]] = {}
        for rule in rules:
            for qualified in rule.starts:
                short = qualified.rsplit(".", 1)[-1].encode()
                modules.setdefault(short, set()).add(qualified.split(".", 1)[0].encode())
        self.names = frozenset(modules) | extra
        self.roots = {
            name: tuple(sorted(found)) for name, found in modules.items() if name not in extra
        }
        groups: dict[tuple[bytes, ...], set[bytes]] = {}
        for name in self.names:
            groups.setdefault(self.roots.get(name, ()), set()).add(name)
        self.modules = tuple(sorted({module for found in self.roots.values() for module in found}))
        # Per group, only the names that no shorter name of the group is a part of.
        self.groups = tuple(
            (
                frozenset(gate),
                tuple(sorted(n for n in names if not any(o != n and o in n for o in names))),
            )
            for gate, names in sorted(groups.items())
        )
        self._anchors: dict[frozenset[bytes], tuple[bytes, ...]] = {}

    def anchors(self, present: frozenset[bytes]) -> tuple[bytes, ...]:
        """The names to look for in a file whose import lines name ``present``: those of every
        group it names a module of (or of no module), without one that another contains
        (``fork`` finds ``forkpty``)."""
        found = self._anchors.get(present)
        if found is None:
            names = {n for gate, group in self.groups if not gate or gate & present for n in group}
            found = self._anchors[present] = tuple(
                sorted(n for n in names if not any(o != n and o in n for o in names))
            )
        return found

    def may_start(self, data: bytes) -> bool:
        imports = import_lines(data) if self.modules else b""
        present = frozenset(module for module in self.modules if module in imports)
        bindings = _Bindings(data)
        for anchor in self.anchors(present):
            position = data.find(anchor)
            while position >= 0:
                if self._starts_at(data, position, len(anchor), present, bindings):
                    return True
                position = data.find(anchor, position + 1)
        return False

    def _starts_at(
        self,
        data: bytes,
        position: int,
        length: int,
        present: frozenset[bytes],
        bindings: _Bindings,
    ) -> bool:
        begin = position
        while begin and _WORD[data[begin - 1]]:
            begin -= 1
        end = position + length
        size = len(data)
        while end < size and _WORD[data[end]]:
            end += 1
        word = data[begin:end]
        if word not in self.names:
            return False
        follow = _FOLLOW.match(data, end)
        if follow is None:
            return False
        modules = self.roots.get(word)
        if modules is not None and present.isdisjoint(modules):
            return False
        text = follow.group()
        line = _line_start(data, begin)
        if not _read_as_start(data, line, begin, text):
            return False
        if modules is None or not text.endswith(b"("):
            return True  # the distribution's own name, a base list or an alias
        return bindings.may_resolve(line, begin, word, modules)


def _read_as_start(data: bytes, line: int, begin: int, follow: bytes) -> bool:
    """Is the name at ``begin``, followed by ``follow``, where the engine could read a start,
    by what precedes it on its line (starting at ``line``)? Not on a comment's line or a doctest's (text, not code),
    nor where a function or class of that name is defined (``def Popen(``, ``class Timer(``).
    Followed by ``,`` or ``)``, only in a class's base list (``class Worker(Thread):``):
    elsewhere it is imported, passed as a value or named in prose, none of which starts
    anything (the slicer reads it the same way: ``slicing._in_bases_or_import``)."""
    head = data[line:begin].lstrip(b" \t")
    if head[:1] == b"#" or head.startswith((b">>>", b"... ")):
        return False
    if follow.endswith(b"("):
        return not _DEFINED.fullmatch(head)
    if follow.endswith((b",", b")")):
        return _CLASS_LINE.match(head) is not None
    return True  # `Popen as P`: an alias, whose calls the engine follows


class _Bindings:
    """What the names of one file are bound to, as far as bytes tell, asked once per name.

    The engine resolves a call to a start through the bindings of its name: ``Timer(`` is
    threading.Timer only where ``Timer`` comes from ``from threading import ...`` (or is bound
    some other way it may follow: an assignment, an alias, a star import), and ``psutil.Process(``
    is psutil's when ``psutil`` is bound only by ``import psutil``. A call whose name can only
    come from another module (``from kafka.util import Timer``; ``fork()`` named in a docstring,
    bound nowhere) starts nothing."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._names: dict[tuple[bytes, tuple[bytes, ...]], bool] = {}
        self._modules: dict[tuple[bytes, tuple[bytes, ...]], bool] = {}
        self._star: bool | None = None
        self._imports: list[tuple[bytes, bytes]] | None = None

    def may_resolve(self, line: int, begin: int, word: bytes, modules: tuple[bytes, ...]) -> bool:
        """May the call of ``word`` at ``begin`` (on the line starting at ``line``) be the
        start of one of ``modules``?"""
        data = self.data
        head = data[line:begin].rstrip(b" \t")
        if not head and _continues_attribute(data, line):
            return True  # `subprocess.` + newline + `Popen(`: an attribute of what is before
        if not head.endswith(b"."):
            key = (word, modules)
            found = self._names.get(key)
            if found is None:
                found = self._names[key] = self._name_may_resolve(word, modules)
            return found
        owner = _OWNER.search(head)
        if owner is None:
            return True  # `a.b.Popen(`, `self._ctx.Process(`: not a module bound by bytes alone
        name = owner.group(1)
        key = (name, modules)
        found = self._modules.get(key)
        if found is None:
            found = self._modules[key] = not self._other_module(name, modules)
        return found

    def star(self) -> bool:
        if self._star is None:
            self._star = _STAR_IMPORT.search(self.data) is not None
        return self._star

    def _name_may_resolve(self, word: bytes, modules: tuple[bytes, ...]) -> bool:
        """Is ``word`` bound anywhere in a way that may make it a start: imported from one of
        ``modules``, or bound otherwise (assigned, aliased, defined, star-imported)?"""
        if self.star() or _rebound(self.data, word):
            return True
        named = _named(word)
        for module, names in self.from_imports():
            if named.search(names) and module.split(b".", 1)[0] in modules:
                return True
        return False

    def _other_module(self, name: bytes, modules: tuple[bytes, ...]) -> bool:
        """Is ``name`` bound only by ``import name``, a module none of ``modules``?"""
        if name in modules or self.star():
            return False
        data = self.data
        if _plain_import(name).search(data) is None:
            return False
        if _rebound(data, name):
            return False
        named = _named(name)
        return not any(named.search(names) for _, names in self.from_imports())

    def from_imports(self) -> list[tuple[bytes, bytes]]:
        """(module, the names text) of every ``from module import ...``; a relative module
        is the package's own (b"")"""
        if self._imports is None:
            self._imports = [
                (b"" if match.group(1).startswith(b".") else match.group(1), match.group(2))
                for match in _FROM_IMPORT.finditer(self.data)
            ]
        return self._imports


_OWNER = re.compile(rb"(?<![\w.])(\w+)[ \t]*\.$")
_STAR_IMPORT = re.compile(rb"import[ \t]*\*")
_FROM_IMPORT = re.compile(  # a `\` + newline may end any line of it
    rb"from(?:[ \t]|\\\r?\n)+(\.*[\w.]*)(?:[ \t]|\\\r?\n)+import(?:[ \t]|\\\r?\n)*"
    # A comment runs to its line's end, and an import list holds no other `(`: one way to
    # read each, so an unclosed list fails at once instead of backtracking.
    rb"(\((?:[^()#]|#[^\n]*(?![^\n]))*\)|(?:\\\r?\n|[^\n;])*)"
)


def _rebound(data: bytes, name: bytes) -> bool:
    """Is ``name`` bound in ``data`` other than by an import: ``name =``, ``name: T =``,
    ``name :=``, ``as name``, ``def``/``class``/``global``/``nonlocal``/``for name``? Each
    occurrence of the name (a C-speed search) is checked where it stands."""
    size = len(data)
    at = data.find(name)
    while at >= 0:
        end = at + len(name)
        before = data[at - 1] if at else 10
        if not _WORD[before] and before != 46 and (end >= size or not _WORD[data[end]]):
            if _BINDS_AFTER.match(data, end):
                return True
            # `as`, `def`, `for`... and blanks right before it (a long line is not read whole)
            if _BINDS_BEFORE.search(data, max(_line_start(data, at), at - 64), at):
                return True
        at = data.find(name, end)
    return False


# after a name: `= ` (not `==`), `: T =`, `:=`; before it on its line: `as `, `def `, `for `...
_BINDS_AFTER = re.compile(rb"[ \t]*(?::=|(?::[^=\n]*)?=(?!=))")
_BINDS_BEFORE = re.compile(rb"(?<![\w.])(?:as|def|class|global|nonlocal|for)[ \t]+\Z")


@lru_cache(maxsize=256)
def _named(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![\w.])" + re.escape(name) + rb"\b")


@lru_cache(maxsize=256)
def _plain_import(name: bytes) -> re.Pattern[bytes]:
    """``import name`` or ``import name.sub`` first on an import line, not aliased."""
    return re.compile(
        rb"^[ \t]*import[ \t]+" + re.escape(name) + rb"\b(?:\.[\w.]+)?[ \t]*(?:[,;#\r\n]|$)", re.M
    )


def _continues_attribute(data: bytes, line: int) -> bool:
    """Does the code before the line starting at ``line`` end with a ``.`` (``(subprocess.``
    then ``Popen(cmd))`` on the next line), looking back over at most three lines, their
    comments, blanks and backslashes?"""
    end = line
    for _ in range(3):
        if end <= 0:
            return False
        start = _line_start(data, end - 1)
        code = data[start:end]
        hash_at = code.find(b"#")
        if hash_at >= 0:
            code = code[:hash_at]
        code = code.rstrip(b" \t\r\n\\")
        if code:
            return code.endswith(b".")
        end = start
    return False


def _line_start(data: bytes, at: int) -> int:
    """Where the line holding ``at`` starts (after a \\n, or a lone \\r of old Mac files)."""
    # looked for in the 4 KB before: a file without newlines (or a minified one) would be
    # searched back to its start at every hit; a longer line is read from 4 KB before
    window = max(0, at - 4096)
    newline = data.rfind(b"\n", window, at)
    found = max(newline, data.rfind(b"\r", max(newline + 1, window), at))
    return found + 1 if found >= 0 else window


_DEFINED = re.compile(rb"(?:async[ \t]+)?(?:def|class)[ \t]+")
_CLASS_LINE = re.compile(rb"class[ \t]")


def import_lines(data: bytes) -> bytes:
    """The lines of ``data`` that hold the word ``import`` (``import os``, ``from subprocess
    import Popen``, ``__import__("pty")``, ``importlib.import_module(...)``), each with the line
    before it when that one ends in a backslash (``from os \\`` + newline + ``import fork``) and
    the lines after it while it does (``import os, \\`` + newline + ``subprocess``). A
    module the engine resolves a start through is named on one of them: testing these few lines
    instead of the whole file saves a full scan per module."""
    out: list[bytes] = []
    find = data.find
    rfind = data.rfind
    at = find(b"import")
    while at >= 0:
        begin = rfind(b"\n", 0, at) + 1
        end = find(b"\n", at)
        if end < 0:
            end = len(data)
        # the line before ends in a backslash (\n or \r\n): it is part of this statement
        while begin > 1 and (
            data[begin - 2] == 92 or (data[begin - 2] == 13 and begin > 2 and data[begin - 3] == 92)
        ):
            begin = rfind(b"\n", 0, begin - 2) + 1
        # and so are the lines after it while it ends in one (`import os, \` + `subprocess`)
        while end < len(data) and data[begin:end].rstrip(b"\r").endswith(b"\\"):
            following = find(b"\n", end + 1)
            end = len(data) if following < 0 else following
        out.append(data[begin:end])
        at = find(b"import", end)
    return b"\n".join(out)


_FOLLOW = re.compile(rb"[\s\\]*\(|\s+as\s|\s*[,)]")  # `Popen \` + newline + `(` too


# --------------------------------------------------------------------------- the import system

# text that edits where or how imports are found: then no import is known to fail (`sys` or
# its path and modules named otherwise are followed no further: taken as edited)
_IMPORT_SYSTEM = (
    r"\bsys\s*\.\s*(?:path|modules|meta_path|path_hooks)\b|\baddsitedir\b"
    # under another name: `from sys import path as _path`, `import sys as _s`
    r"|\bfrom\s+sys\s+import\s+(?:\([^)]*|[\w \t,]*)\b(?:path|modules|meta_path|path_hooks)\b"
    r"|\bsys\s+as\s+\w"
)
_IMPORT_SYSTEM_TEXT = re.compile(_IMPORT_SYSTEM)
# (what edits_imports looks for, as bytes: leading_imports reads it too)
IMPORT_SYSTEM_BYTES = re.compile(_IMPORT_SYSTEM.encode())


def edits_imports(source: str | bytes) -> bool:
    """Does ``source`` (a module's text or bytes) edit where or how imports are found
    (``sys.path.insert(...)``, ``sys.modules[...] = ...``, ``site.addsitedir(...)``)? Only its
    code counts: a comment or a string naming ``sys.modules`` (a package ``__init__`` explaining
    its lazy imports) edits nothing, nor a module's use of its own entry,
    ``sys.modules[__name__]``. Text that does not tokenize is taken as it is."""
    if isinstance(source, bytes):
        if IMPORT_SYSTEM_BYTES.search(source) is None:
            return False
        readline = io.BytesIO(source).readline
        tokens = tokenize.tokenize(readline)
    else:
        if _IMPORT_SYSTEM_TEXT.search(source) is None:
            return False
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    try:
        code = " ".join(token.string for token in tokens if token.type not in _NOT_CODE)
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        return True  # (Python 2, a broken file: what it does cannot be told, so it may)
    # `sys.modules[__name__] = LazyModule(...)`: a module replacing its own entry (kombu's
    # lazy package) makes no other name importable
    return _IMPORT_SYSTEM_TEXT.search(_OWN_ENTRY.sub("", code)) is not None


_OWN_ENTRY = re.compile(r"\bsys \. modules \[ __name__ \]")


# tokens that hold no code: a comment, a string, and the text of an f-string (3.12)
_NOT_CODE = frozenset(
    {tokenize.COMMENT, tokenize.STRING, tokenize.ENCODING}
    | ({tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set())
)


# --------------------------------------------------------------------------- process-wide reapers

# SIGCHLD -> handler, as signal.signal(SIGCHLD, h), loop.add_signal_handler(SIGCHLD, h[, ...]),
# handlers[signal.SIGCHLD] = h, {signal.SIGCHLD: h}; the handler's last name is group 1
_SIGCHLD_HANDLER = re.compile(
    rb"(?:signal|add_signal_handler)\s*\(\s*(?:signal\s*\.\s*)?SIGCHLD\s*,\s*"
    rb"(?:[A-Za-z_]\w*\s*\.\s*)*([A-Za-z_]\w*)\s*[,)]"
    rb"|\[\s*(?:signal\s*\.\s*)?SIGCHLD\s*\]\s*=\s*(?:[A-Za-z_]\w*\s*\.\s*)*([A-Za-z_]\w*)\s*$"
    rb"|(?:signal\s*\.\s*)?SIGCHLD\s*:\s*(?:[A-Za-z_]\w*\s*\.\s*)*([A-Za-z_]\w*)\s*[,}]",
    re.MULTILINE,
)
_DEF_NAME = re.compile(rb"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(", re.MULTILINE)
# Starts with the literal `wait` so that the regex engine skips ahead to each one: run over every
# file of an environment, an alternation of other first characters cost seconds.
_REAP_ANY = re.compile(
    rb"wait(?:pid\s*\(\s*(?:-\s*1|0)\s*,|id\s*\([^)]*P_ALL|3\s*\(|(?<=os\.wait)\s*\(\s*\))"
)
_LOOP = re.compile(rb"^\s*while\b", re.MULTILINE)


def _function_body(data: bytes, name: bytes) -> bytes:
    """The text of ``def name(...)``'s body: the lines after it indented deeper than it."""
    # starts with the literal `def`, so the regex engine skips ahead to each one; that only
    # blanks precede it on its line is checked per hit
    for found in re.finditer(rb"def\s+" + re.escape(name) + rb"\s*\(", data):
        start = data.rfind(b"\n", 0, found.start()) + 1
        if not data[start : found.start()].strip(b" \t"):
            break
    else:
        return b""
    indent = found.start() - start
    lines = data[found.end() :].split(b"\n")[1:]
    body: list[bytes] = []
    for line in lines:
        stripped = line.lstrip(b" \t")
        if stripped and not stripped.startswith(b"#") and len(line) - len(stripped) <= indent:
            break
        body.append(line)
    return b"\n".join(body)


def sigchld_handlers(data: bytes) -> tuple[str, ...]:
    """The names of the functions the file installs as SIGCHLD handlers (the last name of
    ``utils.reap_zombies``), however installed: ``signal.signal``, an event loop's
    ``add_signal_handler``, or a mapping of signals to handlers."""
    if b"SIGCHLD" not in data:
        return ()
    found = []
    for match in _SIGCHLD_HANDLER.finditer(data):
        handler = next(group for group in match.groups() if group)
        if handler not in (b"SIG_IGN", b"SIG_DFL"):
            found.append(handler.decode("latin-1"))
    return tuple(sorted(set(found)))


def reaping_loops(data: bytes) -> tuple[str, ...]:
    """The functions of the file that wait for any child (``waitpid(-1, ...)``, ``waitid(P_ALL,
    ...)``, ``os.wait()``) in a loop. Installed as a SIGCHLD handler (by this module or another:
    ``sigchld_handlers``), such a function reaps every child of the process, whatever module
    forked it. Signals coalesce: a handler reaping one child per call leaves zombies under load,
    so only a loop counts."""
    if not _REAP_ANY.search(data):
        return ()
    found = []
    for match in _DEF_NAME.finditer(data):
        body = _function_body(data, match.group(1))
        if body and _LOOP.search(body) and _REAP_ANY.search(body):
            found.append(match.group(1).decode("latin-1"))
    return tuple(sorted(set(found)))
