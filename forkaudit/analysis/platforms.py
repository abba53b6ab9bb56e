"""Code that runs only on another operating system.

forkaudit judges the environment it reads on the machine it runs on: a start under
``if sys.platform == "win32":`` (or ``os.name == "nt"``, ``platform.system() == "Windows"``, a
flag such as ``IS_WINDOWS``/``RUNNING_WINDOWS``/``_mswindows``, and the same for macOS:
``sys.platform == "darwin"``, ``IS_MACOS``) never runs on Linux, so it cannot pile anything up
there, and neither can a function defined under such a test.

A test is evaluated as it would be here, in three values: true, false, or unknown (anything that
is not a platform test). A branch is left out only when its test is known to take the other
value: the body of ``if IS_WINDOWS and x:`` (false here whatever ``x``), the ``else`` of ``if
os.name != "nt":`` (true here).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence

import libcst as cst

from forkaudit.analysis.index import ModuleIndex, dotted_name
from forkaudit.analysis.syntax import (
    all_params,
    binding_targets,
    ends_with,
    last_name,
    literal_truth,
    local_names,
    target_names,
    three_valued,
)
from forkaudit.analysis.walk import walk

# the platforms a test can name, and whether this is the one
_HERE = {
    "windows": sys.platform in ("win32", "cygwin"),
    "darwin": sys.platform == "darwin",
    "linux": sys.platform.startswith("linux"),
    "aix": sys.platform.startswith("aix"),
    "sunos": sys.platform.startswith("sunos"),
    "bsd": "bsd" in sys.platform,
}
# a flag naming one: IS_WINDOWS, RUNNING_WINDOWS, ON_WIN32, _mswindows, iswindows, WINDOWS, IS_MAC,
# IS_MACOS, IS_OSX, IS_DARWIN, IS_LINUX, IS_AIX, IS_SUNOS/IS_SOLARIS, IS_FREEBSD. A bare `win`
# or `mac` is left out (a window, an address).
_PREFIX = r"_*(?:(?:is|on|running(?:_on)?|use)_?)"
_FLAGS = {
    "windows": re.compile(rf"{_PREFIX}?(?:ms_?)?win(?:dows|32|nt)|{_PREFIX}win"),
    "darwin": re.compile(rf"{_PREFIX}?(?:darwin|macos|macosx|osx)|{_PREFIX}mac"),
    "linux": re.compile(rf"{_PREFIX}?linux"),
    "aix": re.compile(rf"{_PREFIX}aix"),
    "sunos": re.compile(rf"{_PREFIX}(?:sunos|solaris|smartos)"),
    "bsd": re.compile(rf"{_PREFIX}(?:free|open|net)?bsd"),
}
# names that are a flag only when written as a constant (WINDOWS), not as a variable (windows)
_BARE = {"windows", "win32", "linux", "darwin", "macos", "osx"}
# what sys.platform / os.name / platform.system() say on each
_VALUES = {
    "windows": {"win32", "nt", "windows", "cygwin", "win"},
    "darwin": {"darwin", "mac", "macos"},
    "linux": {"linux", "linux2"},
    "aix": {"aix"},
    "sunos": {"sunos", "sunos5", "solaris"},
    "bsd": {"freebsd", "openbsd", "netbsd"},
}
# a function named for the platform it implements (`_hw_addr_aix`, `view_darwin`): another one's
# never runs here. `windows`/`win`/`nt` are left out (`close_windows` is about windows on screen).
_NAMED_FOR = {
    "aix": "aix",
    "darwin": "darwin",
    "macos": "darwin",
    "macosx": "darwin",
    "osx": "darwin",
    "sunos": "sunos",
    "solaris": "sunos",
    "freebsd": "bsd",
    "openbsd": "bsd",
    "netbsd": "bsd",
    "win32": "windows",
    "mswindows": "windows",
}


# a folder of a package named for a platform holds that platform's implementation
# (`plyer/platforms/macosx/email.py`, `.../win/notification.py`), and so does a module named for
# one (`popen_spawn_win32.py`, `_windows.py`, `darwin.py`)
# (`windows` is left out: `ui/windows/`, `popup_windows.py` are windows on screen)
_FOLDERS = {
    "win": "windows",
    "win32": "windows",
    "mswindows": "windows",
    "cygwin": "windows",
    "darwin": "darwin",
    "macos": "darwin",
    "macosx": "darwin",
    "osx": "darwin",
    "ios": "darwin",
    "aix": "aix",
    "sunos": "sunos",
    "solaris": "sunos",
}


def foreign_path(path: str) -> str:
    """The folder or module name that says the file at ``path`` (as found in the environment:
    ``plyer/platforms/macosx/email.py``) is another platform's implementation, or ""."""
    parts = path.replace("\\", "/").split("/")
    stem = parts[-1].rsplit(".", 1)[0].lower()
    for folder in parts[:-1]:
        platform = _FOLDERS.get(folder.lower())
        if platform is not None and not _HERE[platform]:
            return f"{folder}/"
    word = stem.rsplit("_", 1)[-1]
    platform = _FOLDERS.get(word) if word not in ("win", "ios") else None
    if platform is not None and not _HERE[platform]:
        return parts[-1]
    return ""


def foreign_platform(index: ModuleIndex, node: cst.CSTNode) -> str:
    """The test that keeps ``node`` off this platform (``if RUNNING_WINDOWS``), or ""."""
    if not _HERE["windows"]:
        imported = _windows_module_imported(index)
        if imported:
            return imported
    if isinstance(node, cst.Call) and not _HERE["windows"]:
        passed = _windows_name_passed(index, node)
        if passed:
            return f"{passed} (Windows only) is passed to it"
    current: cst.CSTNode = node
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.If | cst.While | cst.IfExp):
            orelse = getattr(ancestor, "orelse", None)
            if ancestor.body is current and value_here(index, ancestor.test) is False:
                return index.code(ancestor.test)
            if (
                orelse is not None
                and orelse is current
                and value_here(index, ancestor.test) is True
            ):
                return f"not {index.code(ancestor.test)}"
        if isinstance(ancestor, cst.IndentedBlock | cst.Module):
            left = _left_before(index, ancestor, current)
            if left:
                return left
        if isinstance(ancestor, cst.FunctionDef):
            named = _named_for(ancestor.name.value)
            if named:
                return f"{ancestor.name.value}() is named for {named}"
        if isinstance(ancestor, cst.FunctionDef) and not _HERE["windows"]:
            windows_only = _windows_import_before(index, ancestor, node)
            if windows_only:
                return windows_only
        current = ancestor  # a function or class defined under the test only exists there
    return ""


def _left_before(
    index: ModuleIndex, block: cst.IndentedBlock | cst.Module, statement: cst.CSTNode
) -> str:
    """The platform test of a statement before ``statement`` in ``block`` that leaves the
    block here, so ``statement`` never runs on this platform: ``if platform.system() !=
    "Windows": return`` (a body ending in ``return`` or ``raise``; an ``else`` runs only
    where the test does not hold)."""
    for before in block.body:
        if before is statement:
            return ""
        if (
            isinstance(before, cst.If)
            and ends_with(before.body, (cst.Return, cst.Raise))
            and value_here(index, before.test) is True
        ):
            return f"{index.code(before.test)}, which leaves first"
    return ""


def foreign_reach(
    index: ModuleIndex,
    node: cst.CSTNode,
    callers: Callable[[cst.FunctionDef], Sequence[cst.CSTNode]],
    depth: int = 0,
) -> str:
    """Why the function holding ``node`` runs only on another operating system though nothing
    around it says so, or "": a method of a class the module uses only under another
    platform's test (``if sys.platform == "win32": register(WindowsViewer)``), or a function
    every caller of which runs only there (a base class's helper called from the Windows and
    macOS subclasses alone). Code nothing in the module calls is left to its importers."""
    function = next((a for a in index.ancestors(node) if isinstance(a, cst.FunctionDef)), None)
    if function is None:
        return ""
    info = index.class_of(node)
    if info is not None:
        used = _class_used_only_there(index, info.node)
        if used:
            return used
    if depth >= 2:
        return ""
    found = callers(function)
    if not found:
        return ""
    reasons = []
    for call in found:
        why = foreign_platform(index, call) or foreign_reach(index, call, callers, depth + 1)
        if not why:
            return ""
        reasons.append(why)
    return f"{function.name.value}() is called only where {reasons[0]}"


def _class_used_only_there(index: ModuleIndex, cls: cst.ClassDef) -> str:
    """The platform test under which alone the module uses the class ``cls`` (at least once,
    and nowhere else outside its own body), or ""."""
    name = cls.name.value
    tests = []
    for use in index.uses(name, index.module):
        if index.inside(use, cls):
            continue
        why = foreign_platform(index, use)
        if not why:
            return ""
        tests.append(why)
    if not tests:
        return ""
    return f"{name} is used only under `{tests[0]}`"


# Modules and subprocess names that exist on Windows alone: a function importing one (not
# under a try) raises ImportError anywhere else before it reaches what follows.
_WINDOWS_MODULES = frozenset(
    {"msvcrt", "winreg", "_winreg", "_winapi", "winsound", "win32api", "win32con",
     "win32process", "win32event", "pywintypes", "wmi", "win32file", "win32gui", "win32pipe",
     "win32service", "win32serviceutil", "win32com", "pythoncom", "win32job", "win32security",
     "win32console", "win32ui", "win32clipboard", "winerror"}
)  # fmt: skip
_WINDOWS_SUBPROCESS = frozenset(
    {"STARTUPINFO", "STARTF_USESHOWWINDOW", "STARTF_USESTDHANDLES", "SW_HIDE",
     "CREATE_NEW_CONSOLE", "CREATE_NEW_PROCESS_GROUP", "CREATE_BREAKAWAY_FROM_JOB",
     "CREATE_NO_WINDOW", "CREATE_DEFAULT_ERROR_MODE", "DETACHED_PROCESS",
     "HIGH_PRIORITY_CLASS", "IDLE_PRIORITY_CLASS", "NORMAL_PRIORITY_CLASS",
     "BELOW_NORMAL_PRIORITY_CLASS", "ABOVE_NORMAL_PRIORITY_CLASS", "REALTIME_PRIORITY_CLASS"}
)  # fmt: skip


def _windows_name_passed(index: ModuleIndex, call: cst.Call) -> str:
    """A Windows-only name of ``subprocess`` given as an argument of ``call`` as it is
    (``creationflags=subprocess.CREATE_NO_WINDOW``, ``getattr(subprocess,
    "CREATE_NO_WINDOW")``, ``startupinfo=subprocess.STARTUPINFO()``): anywhere else reading it
    raises AttributeError before the call runs. One chosen by a test (``X if WIN else 0``) or
    read with a default (``getattr(subprocess, "X", 0)``) is not; "" when there is none."""
    return _windows_name_among(index, [arg.value for arg in call.args])


def _windows_name_among(index: ModuleIndex, values: list[cst.BaseExpression]) -> str:
    """A Windows-only name of ``subprocess`` that evaluating ``values`` reads as it is (or-ed
    flags, ``getattr()`` with no default, ``STARTUPINFO()``), or ""."""
    while values:
        value = values.pop()
        if isinstance(value, cst.BinaryOperation):
            values += [value.left, value.right]  # CREATE_NO_WINDOW | DETACHED_PROCESS
            continue
        if isinstance(value, cst.Call):
            if last_name(value.func) == "getattr" and len(value.args) == 2:
                owner, attr = value.args[0].value, value.args[1].value
                if (
                    index.resolve(owner) == "subprocess"
                    and isinstance(attr, cst.SimpleString)
                    and attr.evaluated_value in _WINDOWS_SUBPROCESS
                ):
                    return f"subprocess.{attr.evaluated_value}"
                continue
            value = value.func
        resolved = index.resolve(value) or ""
        package, _, name = resolved.rpartition(".")
        if package == "subprocess" and name in _WINDOWS_SUBPROCESS:
            if isinstance(value, cst.Name) and _bound_in_module(index, value.value):
                continue  # `except ImportError: CREATE_NO_WINDOW = 0`: a fallback elsewhere
            return resolved
    return ""


def _bound_in_module(index: ModuleIndex, name: str) -> bool:
    """Does the module assign ``name`` somewhere (a fallback for an import that fails)?"""
    binding = re.compile(rf"^\s*{re.escape(name)}\s*(?::[^=]*)?=[^=]")
    return any(binding.match(line) for line in index.lines)


def _windows_module_imported(index: ModuleIndex) -> str:
    """A Windows-only module the module imports at its top level, not under a ``try`` nor a
    test (``import win32file`` in twisted's win32eventreactor): anywhere else importing the
    module raises ImportError, so none of its code runs. Said so, or ""."""
    for statement in index.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            names: list[str] = []
            if isinstance(small, cst.Import):
                names = [_name_of(alias.name) for alias in small.names]
            elif isinstance(small, cst.ImportFrom) and not small.relative:
                names = [_name_of(small.module)] if small.module is not None else []
            module = next((n for n in names if n.split(".", 1)[0] in _WINDOWS_MODULES), "")
            if module:
                return f"its module imports {module} (Windows only) at the top"
    return ""


def _windows_import_before(index: ModuleIndex, function: cst.FunctionDef, node: cst.CSTNode) -> str:
    """The Windows-only module or name a statement of ``function``'s own body imports (or
    reads, ``info = subprocess.STARTUPINFO()``) before the one holding ``node`` (``from
    subprocess import CREATE_BREAKAWAY_FROM_JOB``, ``import msvcrt``), said so, or ""."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return ""
    holder = next((a for a in (node, *index.ancestors(node)) if index.parent_of(a) is body), None)
    for statement in body.body:
        if statement is holder:
            return ""
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign | cst.AugAssign | cst.AnnAssign | cst.Expr):
                # `info = subprocess.STARTUPINFO()` before the start: it raises here first
                read = _windows_name_among(index, [small.value] if small.value else [])
                if read:
                    return f"{read} (Windows only) is read first"
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = _name_of(alias.name)
                    if name.split(".", 1)[0] in _WINDOWS_MODULES:
                        return f"{name} (Windows only) is imported first"
            elif isinstance(small, cst.ImportFrom) and not small.relative:
                module = _name_of(small.module) if small.module is not None else ""
                if module.split(".", 1)[0] in _WINDOWS_MODULES:
                    return f"{module} (Windows only) is imported first"
                if module == "subprocess" and not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        if _name_of(alias.name) in _WINDOWS_SUBPROCESS:
                            imported = f"subprocess.{_name_of(alias.name)}"
                            return f"{imported} (Windows only) is imported first"
    return ""


def _named_for(name: str) -> str:
    """The other platform a function's name says it implements (``_hw_addr_aix``), or ""."""
    words = name.lower().rsplit("_", 1)
    platform = _NAMED_FOR.get(words[-1]) if len(words) == 2 and words[0].strip("_") else None
    return words[-1] if platform is not None and not _HERE[platform] else ""


def value_here(index: ModuleIndex, test: cst.BaseExpression) -> bool | None:
    """What ``test`` is on this platform: True, False, or None when it is not known."""
    return three_valued(test, lambda leaf: _leaf_here(index, leaf))


def _leaf_here(index: ModuleIndex, test: cst.BaseExpression) -> bool | None:
    """What one platform test (``sys.platform == "win32"``, ``IS_WINDOWS``) is here."""
    if _frozen_test(index, test):
        return False  # an installed environment runs from source, never as a frozen executable
    if isinstance(test, cst.Name) and _bound_locally(index, test):
        # a local flag carries the platform tests it is set under (`viewer = False`, then
        # `if WINDOWS: viewer = True`): what its bindings that run here make it
        return _local_flag_value(index, test)
    if (
        isinstance(test, cst.Name)
        and not _bound_locally(index, test)
        and _module_bindings(index, test.value)
    ):
        # a flag of this module is what its bindings make it, whatever its name says
        # (`WINDOWS = config.get("windows")` is a setting, not a platform test); bound to
        # True and to False by ways not read here (`try: import msvcrt; _mswindows = True
        # except ImportError: _mswindows = False`), its name says which platform it means
        value = _flag_value(index, test)
        if value is not None or not _bound_to_literals(index, test.value):
            return value
    named = _platforms_named(index, test)
    if named is None:
        return None  # (a flag of this module was read above: its bindings, not its name)
    platforms, positive = named
    return any(_HERE[platform] for platform in platforms) is positive


def _frozen_test(index: ModuleIndex, test: cst.BaseExpression) -> bool:
    """``hasattr(sys, "frozen")``, ``getattr(sys, "frozen", False)``, ``sys.frozen``: true only
    in an executable built by PyInstaller or py2exe, never in the environment read here."""
    if isinstance(test, cst.Attribute):
        return test.attr.value == "frozen" and index.resolve(test.value) == "sys"
    if not isinstance(test, cst.Call) or last_name(test.func) not in ("hasattr", "getattr"):
        return False
    if len(test.args) < 2 or index.resolve(test.args[0].value) != "sys":
        return False
    name = test.args[1].value
    if not (isinstance(name, cst.SimpleString) and name.evaluated_value == "frozen"):
        return False
    return last_name(test.func) == "hasattr" or (
        len(test.args) == 3 and dotted_name(test.args[2].value) in ("False", "None")
    )


def _flag_value(index: ModuleIndex, test: cst.BaseExpression) -> bool | None:
    """A module flag set from a platform test (``USE_LOAD_BALANCER = True`` under ``if
    is_windows():``, else False; ``IS_WIN = sys.platform == "win32"``): its value here, when
    every module-level binding of it that runs here gives the same one."""
    if not isinstance(test, cst.Name) or _bound_locally(index, test):
        return None
    key = (id(index), test.value)
    if key in _ASKING:
        return None  # (`A = B` and `B = A`)
    _ASKING.add(key)
    try:
        return _flag_bindings_value(index, test)
    finally:
        _ASKING.discard(key)


_ASKING: set[tuple[int, str]] = set()  # the flags being evaluated, against cycles


def _bound_locally(index: ModuleIndex, name: cst.Name) -> bool:
    """Is ``name`` a local of the function reading it (syntax.local_names)?"""
    scope = index.scope_of(name)
    return isinstance(scope, cst.FunctionDef | cst.Lambda) and name.value in local_names(scope)


# local flags being read (function, name): a binding under a test of the same flag reads it
_READING: set[tuple[int, str]] = set()


def _local_flag_value(index: ModuleIndex, test: cst.Name) -> bool | None:
    """What a local flag is here when every binding of it in its function that runs here
    (not under another platform's test) is the same literal truth value (``True``, ``False``,
    ``None``); None when one is anything else, or is bound another way (a loop target, ``+=``,
    a ``with``, a ``nonlocal`` of a nested function)."""
    scope = index.scope_of(test)
    if not isinstance(scope, cst.FunctionDef):
        return None
    key = (id(scope), test.value)
    if key in _READING:
        return None
    _READING.add(key)
    try:
        found: set[bool] = set()
        for node in walk(scope, skip_nested=False):
            if isinstance(node, cst.Nonlocal | cst.Global) and any(
                name.name.value == test.value for name in node.names
            ):
                return None
            bound: list[cst.BaseExpression] = (
                [t.target for t in node.targets] if isinstance(node, cst.Assign) else []
            )
            if isinstance(node, cst.AugAssign | cst.AnnAssign | cst.For | cst.NamedExpr):
                bound = [node.target]
            elif isinstance(node, cst.With):
                bound = [item.asname.name for item in node.items if item.asname is not None]
            if not any(test.value in target_names(target) for target in bound):
                continue
            if not isinstance(node, cst.Assign) or len(node.targets) != 1:
                return None
            if not isinstance(node.targets[0].target, cst.Name):
                return None
            truth = literal_truth(node.value)
            if truth is None:
                return None
            if foreign_platform(index, node):
                continue  # a binding that does not run here
            found.add(truth)
        return found.pop() if len(found) == 1 else None
    finally:
        _READING.discard(key)


def _flag_bindings_value(index: ModuleIndex, test: cst.Name) -> bool | None:
    found: set[bool] = set()
    for statement in _module_bindings(index, test.value):
        if foreign_platform(index, statement):
            continue  # a binding that does not run here
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        if not isinstance(small, cst.Assign) or len(small.targets) != 1:
            return None
        value = small.value
        if dotted_name(value) in ("True", "False"):
            found.add(dotted_name(value) == "True")
            continue
        if isinstance(value, cst.Name) and value.value == test.value:
            return None
        here = value_here(index, value)
        if here is None:
            return None
        found.add(here)
    return found.pop() if len(found) == 1 else None


def _bound_to_literals(index: ModuleIndex, name: str) -> bool:
    """Is every module-level binding of ``name`` a literal True or False?"""
    for statement in _module_bindings(index, name):
        small = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
        if not (isinstance(small, cst.Assign) and dotted_name(small.value) in ("True", "False")):
            return False
    return True


def _module_bindings(index: ModuleIndex, name: str) -> list[cst.CSTNode]:
    """The statements binding ``name`` outside any function or class, as written (none when one
    binds it otherwise: a loop, an import, a ``global`` in a function)."""
    out: list[cst.CSTNode] = []
    for node in index.names.get(name, ()):
        parent = index.parent_of(node)
        if isinstance(
            parent,
            cst.Global | cst.ImportAlias | cst.AnnAssign | cst.AugAssign | cst.NamedExpr,
        ):
            return []  # a function rebinds it, or it is bound otherwise
        if not isinstance(parent, cst.AssignTarget):
            continue
        statement = next(
            (a for a in index.ancestors(node) if isinstance(a, cst.SimpleStatementLine)), None
        )
        if statement is None or any(
            isinstance(a, cst.FunctionDef | cst.ClassDef | cst.For | cst.While | cst.With)
            for a in index.ancestors(statement)
        ):
            return []
        out.append(statement)
    return out


def _platforms_named(
    index: ModuleIndex, test: cst.BaseExpression
) -> tuple[frozenset[str], bool] | None:
    """The platforms ``test`` names, and whether it holds there (True) or everywhere else."""
    if isinstance(test, cst.Name | cst.Attribute):
        written = test.value if isinstance(test, cst.Name) else test.attr.value
        name = written.lower()
        if name.strip("_") in _BARE and not written.isupper():
            return None  # `windows = list_windows()`, `self.windows`: not a flag
        flagged = next((p for p, flag in _FLAGS.items() if flag.fullmatch(name)), None)
        return (frozenset({flagged}), True) if flagged else None
    if isinstance(test, cst.Call) and not test.args:
        # a predicate of the package's own (`salt.utils.platform.is_windows()`, `is_aix()`)
        called = (last_name(test.func) or "").lower()
        if called.lstrip("_").startswith("is"):
            flagged = next((p for p, flag in _FLAGS.items() if flag.fullmatch(called)), None)
            if flagged:
                return frozenset({flagged}), True
    if isinstance(test, cst.Call) and isinstance(test.func, cst.Attribute):
        # sys.platform.startswith("win")
        if (
            test.func.attr.value == "startswith"
            and _platform_value(index, test.func.value)
            and test.args
        ):
            prefix = _literal_platform(test.args[0].value)
            return (frozenset({prefix}), True) if prefix else None
        return None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        if not _platform_value(index, test.left):
            return None
        operator = target.operator
        if isinstance(operator, cst.Equal | cst.Is | cst.NotEqual | cst.IsNot):
            compared = _literal_platform(target.comparator)
            if compared is None:
                return None
            return frozenset({compared}), isinstance(operator, cst.Equal | cst.Is)
        if isinstance(operator, cst.In | cst.NotIn) and isinstance(
            target.comparator, cst.Tuple | cst.List | cst.Set
        ):
            found = {_literal_platform(element.value) for element in target.comparator.elements}
            listed = {platform for platform in found if platform is not None}
            if listed and len(listed) == len(found):
                return frozenset(listed), isinstance(operator, cst.In)
    return None


def _platform_value(index: ModuleIndex, node: cst.BaseExpression) -> bool:
    """``sys.platform``, ``os.name``, ``platform.system()``, however imported, or a name bound
    to nothing else (``system = platform.system()`` then ``if system == "Windows":``)."""
    if isinstance(node, cst.Call):
        return not node.args and index.resolve(node.func) == "platform.system"
    if isinstance(node, cst.Name) and _named_platform(index, node):
        return True
    return index.resolve(node) in ("sys.platform", "os.name")


def _named_platform(index: ModuleIndex, name: cst.Name) -> bool:
    """Is every binding of the name ``name`` reads (in its function, when local there; else in
    the module) an assignment of the platform's name to it alone?"""
    scope = index.scope_of(name)
    bindings: list[cst.CSTNode]
    if isinstance(scope, cst.FunctionDef) and name.value in local_names(scope):
        if name.value in {param.name.value for param in all_params(scope.params)}:
            return False
        bindings = [
            node
            for node in walk(scope, skip_nested=False)
            if any(
                isinstance(target, cst.BaseExpression) and name.value in target_names(target)
                for target in binding_targets(node)
            )
        ]
    elif isinstance(scope, cst.Module | cst.FunctionDef):  # (a module name read in a function)
        bindings = []
        for statement in _module_bindings(index, name.value):
            if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
                bindings.append(statement.body[0])
            else:
                return False
    else:
        return False
    return bool(bindings) and all(
        isinstance(node, cst.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0].target, cst.Name)
        and not isinstance(node.value, cst.Name)
        and _platform_value(index, node.value)
        for node in bindings
    )


def _literal_platform(node: cst.BaseExpression) -> str | None:
    if not isinstance(node, cst.SimpleString):
        return None
    value = node.evaluated_value
    if not isinstance(value, str):
        return None
    value = value.lower()
    return next((platform for platform, values in _VALUES.items() if value in values), None)


def _name_of(node: cst.BaseExpression | None) -> str:
    return dotted_name(node) or ""
