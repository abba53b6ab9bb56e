"""Findings in modules that cannot be imported in the scanned environment.

A module runs only once something imports it, and an import of it fails when its body imports,
outside any ``try`` or ``if``, a top-level module that is not there (``analysis.requires``).
Its starts then never run in this environment, so nothing in it can pile up: its findings are
lowered to low, flagged ``not-importable`` and say which module is missing. A finding is not
lost: installing what is missing makes it count again.
"""

from __future__ import annotations

import dataclasses
import posixpath
import sys
from collections.abc import Callable, Iterable, Mapping

from forkaudit.analysis.python2 import python2_code
from forkaudit.leading_imports import Imported, edits_imports_when_run, leading_imports
from forkaudit.model import FileResult, Finding

__all__ = ["NOT_IMPORTABLE", "Importable", "lowered"]

NOT_IMPORTABLE = "not-importable"
# what a chain's failure names, in place of a missing module, when a module it runs is Python 2
# code (followed by the form and its line)
PYTHON2 = "python2:"

# modules of the standard library of some Python 3 that the running one may no longer have
# (a target venv can be older than the interpreter forkaudit runs on), with the version that
# removed each (PEP 594 and earlier): a target at that version or later has it no more
_REMOVED_IN = {
    "macpath": (3, 8),
    "_dummy_thread": (3, 9), "dummy_threading": (3, 9),
    "formatter": (3, 10), "parser": (3, 10), "symbol": (3, 10),
    "binhex": (3, 11),
    "asynchat": (3, 12), "asyncore": (3, 12), "distutils": (3, 12), "imp": (3, 12),
    "smtpd": (3, 12),
    "aifc": (3, 13), "audioop": (3, 13), "cgi": (3, 13), "cgitb": (3, 13), "chunk": (3, 13),
    "crypt": (3, 13), "imghdr": (3, 13), "lib2to3": (3, 13), "mailcap": (3, 13),
    "msilib": (3, 13), "nis": (3, 13), "nntplib": (3, 13), "ossaudiodev": (3, 13),
    "pipes": (3, 13), "sndhdr": (3, 13), "spwd": (3, 13), "sunau": (3, 13),
    "telnetlib": (3, 13), "uu": (3, 13), "xdrlib": (3, 13),
}  # fmt: skip
# always there, or commonly left out of a build and not the code's fault (Debian's python3-tk)
_KEPT = frozenset({"__main__", "tkinter"})
# a removed module that an installed distribution puts back: setuptools' `_distutils_hack`
# (its distutils-precedence.pth) makes `import distutils` work on 3.12 and later
_PUT_BACK = {"distutils": "setuptools"}


# modules that a program embedding Python provides to the code it runs, never installed in a
# site folder: a module importing one runs inside that program (a uWSGI app, a Blender or gdb
# script, an editor's or a media center's plugin)
_EMBEDDED = frozenset(
    {
        "uwsgi", "uwsgidecorators", "gdb", "lldb", "bpy", "bmesh", "bgl", "blf", "mathutils",
        "bge", "sublime", "sublime_plugin", "vim", "maya", "hou", "nuke",
        "idaapi", "idc", "idautils", "ida_kernwin", "pymol", "xbmc", "xbmcgui", "xbmcaddon",
        "xbmcplugin", "xbmcvfs", "renpy", "krita", "c4d", "unreal", "Rhino",
        "rhinoscriptsyntax", "scriptcontext", "js", "pyodide", "_pyodide", "micropython",
        "ghidra", "qgis", "FreeCAD", "FreeCADGui", "adsk", "pcbnew", "fontforge", "gimpfu",
    }
)  # fmt: skip


# top-level modules the standard library gained, by version (for a target newer than the
# running interpreter, whose own list lacks them); a target past the last one is not judged
_ADDED = {
    (3, 11): frozenset({"tomllib", "_tokenize", "_typing"}),
    (3, 12): frozenset({"_wmi"}),
    (3, 13): frozenset(
        {"_interpreters", "_interpqueues", "_interpchannels", "_colorize", "_pyrepl"}
    ),
    (3, 14): frozenset({"annotationlib", "compression", "_zstd", "_remote_debugging", "_hmac"}),
}


def _standard(target: tuple[int, ...] = ()) -> frozenset[str]:
    """The standard library's top-level modules of a Python at version ``target`` (unknown:
    every module some Python 3 had)."""
    added = frozenset(name for names in _ADDED.values() for name in names)
    everything = (
        frozenset(sys.stdlib_module_names)
        | frozenset(sys.builtin_module_names)
        | frozenset(_REMOVED_IN)
        | _KEPT
        | added
    )
    if not target:
        return everything
    gone = {name for name, removed in _REMOVED_IN.items() if target >= removed}
    return everything - gone


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(".")[:2])
    except ValueError:
        return ()


class Importable:
    """Which findings sit in a module this environment cannot import: ``modules`` are the
    top-level names its site folders hold (``Environment.modules``; empty: not known, and then
    nothing is lowered), ``files`` the relative paths of its Python files (a module next to the
    one importing it may be found when that one runs as a script: not taken as missing),
    ``version`` the target's "X.Y" (unknown, or newer than the running interpreter: nothing is
    lowered)."""

    def __init__(
        self,
        modules: Iterable[str],
        files: Iterable[str],
        version: str = "",
        read: Callable[[str], bytes | None] | None = None,
        answers: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self.modules = frozenset(modules) | _EMBEDDED
        # namespace packages (their parts are listed as `namespace.part`)
        self.namespaces = frozenset(name.split(".", 1)[0] for name in self.modules if "." in name)
        # the standard library known is the running interpreter's, with what older ones had
        # and newer ones added up to the last listed: a later target's is not known
        target = _version(version)
        newest = max(max(_ADDED), sys.version_info[:2])
        self.known = bool(modules) and bool(target) and target <= newest
        # a Python 3 environment: no module of Python 2 code imports there
        self.python3 = bool(target) and target[0] >= 3
        self.standard = _standard(target) | frozenset(
            name for name, giver in _PUT_BACK.items() if giver in self.modules
        )
        self._files = tuple(files)
        self._siblings: dict[str, frozenset[str]] | None = None
        # the text of a file of the environment by its relative path (None: not readable);
        # without it, only what a module imports itself is judged
        self._read = read
        # what missing_through said of each path, given back by a scan before (``answers``)
        self.answers: dict[str, tuple[str, str]] = dict(answers or {})
        self.asked = False  # whether this scan asked one the answers did not hold
        self._paths = frozenset(self._files)
        self._failing: dict[str, tuple[str, str]] = {}  # module -> (missing name, through)
        self._reads = 0
        self._cuts = 0
        # path -> (the imports its module opens with, None: unreadable; whether running it
        # whole edits the import system; the Python 2 form that keeps it from compiling as
        # Python 3), read once
        self._read_modules: dict[str, tuple[list[Imported] | None, bool, str]] = {}

    def missing(self, path: str, requires: Iterable[str]) -> tuple[str, ...]:
        """The names of ``requires`` (what the module at ``path`` imports) found nowhere: a
        top-level name, or the part of a namespace package (``google.api_core``) that none of
        its folders holds. The part of a regular package is not judged (its ``__init__`` may
        make it), nor one under a missing top-level name (that name says it)."""
        if not self.known:
            return ()
        absent = [
            n
            for n in requires
            if n not in self.modules
            and n not in self.standard
            and ("." not in n or n.split(".", 1)[0] in self.namespaces)
        ]
        if not absent:
            return ()
        near = self._near(posixpath.dirname(path.replace("\\", "/")))
        return tuple(n for n in absent if n not in near)

    def missing_or_through(self, result: FileResult) -> tuple[tuple[str, ...], str]:
        """What keeps the module of ``result`` from being imported: the names it imports
        itself that are missing (``missing``), or, for a module with findings, the first one
        missing at the top of a module that importing it imports first
        (``missing_through``), with that module's name; ((), "") when nothing is."""
        missing = self.missing(result.path, result.requires)
        if missing or not result.findings:
            return missing, ""
        name, through = self.missing_through(result.path)
        return ((name,) if name else ()), through

    def read_ahead(self, result: FileResult) -> None:
        """Read now what ``missing_or_through`` will ask of ``result`` (its answer is
        remembered): while the scan's workers still analyse other files."""
        self.missing_or_through(result)

    def missing_through(self, path: str) -> tuple[str, str]:
        """Why the module at ``path`` cannot be imported though what ``requires`` gave is
        there: importing it runs its packages' ``__init__`` first, then the import lines it
        opens with, each module they name (with its packages) run whole in turn, and one of
        those imports at its top a module the environment lacks. (the missing name, the module
        importing it, "" when that is the module itself), or ("", "") when no such chain is
        found (or the files cannot be read)."""
        if not self.known or self._read is None:
            return "", ""
        if path in self.answers:
            return self.answers[path]
        module = _module_of(path)
        if not module:
            return "", ""
        name, through = self._fails(module, path, set())
        # (its own import line: read here past what `requires` stops at, an edit of the
        # import system further down, which runs only after the module's opening imports)
        answer = (name, "" if through == module else through)
        self.answers[path] = answer
        self.asked = True
        return answer

    def _fails(self, module: str, path: str, seen: set[str]) -> tuple[str, str]:
        if module in self._failing:
            return self._failing[module]
        if module in seen or self._reads > _MOST_READS:
            # an import cycle (the module is being imported already: Python hands back the
            # half-made one), or far enough: nothing more here
            self._cuts += 1
            return "", ""
        seen.add(module)
        cuts = self._cuts
        found = self._first_failure(module, path, seen)
        if found[0] or self._cuts == cuts:
            # (a chain cut short may fail through the module the cut was at, asked from
            # elsewhere: only what was followed to its end is kept)
            self._failing[module] = found
        return found

    def _first_failure(self, module: str, path: str, seen: set[str]) -> tuple[str, str]:
        """Followed in the order Python runs them: the packages' ``__init__``, then the module's
        import lines, each module they name run whole before the next line. A module run whole
        that edits the import system (``sys.path.insert``) may make any later import work:
        nothing after it is judged."""
        parts = module.split(".")
        for depth in range(1, len(parts)):
            package = ".".join(parts[:depth])
            init = self._path_of(package)
            if init and init != path:
                if form := self._python2(init):
                    return f"{PYTHON2}{form}", package
                found = self._fails(package, init, seen)
                if found[0] or self._edits(init):
                    return found
        imported = self._imports(path)
        if imported is None:
            return "", ""
        # the package a relative import starts from: the module's own when it is one
        here = parts if path.endswith("__init__.py") else parts[:-1]
        for each in imported:
            if each.level:
                if each.level - 1 > len(here):
                    return "", ""
                base = here[: len(here) - (each.level - 1)]
                name = ".".join([*base, *([each.module] if each.module else [])])
            else:
                name = each.module
                absent = self.missing(path, [name.split(".", 1)[0]])
                if absent:
                    return absent[0], module
            if name.split(".", 1)[0] != parts[0]:
                continue  # another distribution's package, there: judged as its own findings are
            # the module itself, then what a `from` takes out of it that is a module of its own
            for candidate in (name, *(f"{name}.{taken}" for taken in each.names)):
                target = self._path_of(candidate)
                if target and target != path:
                    if form := self._python2(target):
                        return f"{PYTHON2}{form}", candidate
                    found = self._fails(candidate, target, seen)
                    if found[0] or self._edits(target):
                        return found
        return "", ""

    def _imports(self, path: str) -> list[Imported] | None:
        return self._module(path)[0]

    def _edits(self, path: str) -> bool:
        """Does the module at ``path``, run whole, edit where imports are found?"""
        return self._module(path)[1]

    def _module(self, path: str) -> tuple[list[Imported] | None, bool, str]:
        if path not in self._read_modules:
            self._reads += 1
            text = self._read(path) if self._read is not None else None
            self._read_modules[path] = (
                (None, True, "")
                if text is None
                else (leading_imports(text), edits_imports_when_run(text), python2_code(text))
            )
        return self._read_modules[path]

    def _python2(self, path: str) -> str:
        """The Python 2 form that keeps the module at ``path`` from compiling as Python 3
        (importing it raises SyntaxError), "" when it compiles or the environment is not one
        of Python 3."""
        return self._module(path)[2] if self.python3 else ""

    def _path_of(self, module: str) -> str:
        """The environment's file of ``module`` (a package's ``__init__.py``), "" if none."""
        stem = module.replace(".", "/")
        for candidate in (f"{stem}/__init__.py", f"{stem}.py"):
            if candidate in self._paths:
                return candidate
        return ""

    def _near(self, folder: str) -> frozenset[str]:
        if self._siblings is None:
            found: dict[str, set[str]] = {}
            for rel in self._files:
                head, _, name = rel.rpartition("/")
                found.setdefault(head, set()).add(name.split(".", 1)[0])
                if name == "__init__.py" and head:
                    parent, _, package = head.rpartition("/")
                    found.setdefault(parent, set()).add(package)
            self._siblings = {folder: frozenset(names) for folder, names in found.items()}
        return self._siblings.get(folder, frozenset())

    def lower(self, finding: Finding, missing: tuple[str, ...], through: str = "") -> Finding:
        """``finding`` in a module that cannot be imported for want of ``missing`` (imported at
        the top of the module ``through`` that importing it imports first, when not its own)."""
        if not missing or NOT_IMPORTABLE in finding.flags:
            return finding
        if missing[0].startswith(PYTHON2):
            return lowered(
                finding,
                f"importing its module runs {through} first, which is Python 2 code "
                f"({missing[0][len(PYTHON2) :]}) that no Python 3 can import",
            )
        names = ", ".join(missing)
        why = (
            f"importing its module imports {through} first, which imports {names} at the top"
            if through
            else f"its module imports {names} at the top"
        )
        return lowered(finding, f"{why}, which this environment does not have")


def lowered(finding: Finding, why: str) -> Finding:
    """``finding`` in a module that cannot be imported, for the reason ``why``: low, flagged
    ``not-importable``, the reason told."""
    if NOT_IMPORTABLE in finding.flags:
        return finding
    return dataclasses.replace(
        finding,
        severity="low",
        # what it would do once importable is in the message; here it cannot pile up
        flags=(*(f for f in finding.flags if f != "accumulates"), NOT_IMPORTABLE),
        message=f"{finding.message}; cannot run here: {why}",
    )


# how many files one scan reads to follow import chains: far more than a chain needs
_MOST_READS = 5000


def _module_of(path: str) -> str:
    """The dotted module name of a file relative to its site folder, "" if it is none."""
    rel = path.replace("\\", "/")
    if not rel.endswith(".py"):
        return ""
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    if not parts or not all(part.isidentifier() for part in parts):
        return ""
    return ".".join(parts)
