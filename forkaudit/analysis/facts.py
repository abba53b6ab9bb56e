"""Facts about one module that every stage of the analysis consults: its wait-any reapers, the
functions that are thread or process entry points, the functions that end the process, which
branch of a fork exits, the families of its classes and the callers of its factories."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable, Iterator, Sequence

import libcst as cst

from forkaudit.analysis.index import ClassInfo, ModuleIndex, ScopeNode, dotted_name
from forkaudit.analysis.paths import fork_side, pid_side
from forkaudit.analysis.syntax import (
    argument,
    assignments,
    bound_by,
    ends_with,
    given_params,
    has_return,
    in_main_block,
    is_minus_one_or_zero,
    last_name,
    local_names,
    parent_polarity,
    target_expr,
    walk_statements,
    without_object,
)
from forkaudit.analysis.vocabulary import (
    DISPATCH_LOOKUP,
    EXIT_FUNCTIONS,
    FORK_CALLS,
    FORK_HOOK_WORDS,
    HARD_EXITS,
    MP_WAIT_ANY,
    ONE_SHOT_SCHEDULERS,
    PID_WAIT_ANY,
    PID_WAIT_FUNCTIONS,
    THREAD_TARGET_KEYWORDS,
    TIMEOUT_BLOCKS,
)
from forkaudit.analysis.walk import walk

# modules whose spawning calls take a program and its arguments, not a function to run
_RUN_PROGRAMS = (
    "os.spawn",
    "os.exec",
    "os.posix_spawn",
    "subprocess.",
    "pty.",
    "asyncio.create_subprocess_",
    "asyncio.subprocess.",
)
_CANCELLATION = re.compile(r"CancelledError|\bTaskGroup\(")
_ASYNC_DEF = re.compile(r"\basync\s+def\s+(\w+)")
_TIMED_CALL = re.compile(r"\bwait_for\(\s*((?:[\w.]+\.)?)(\w+)\(")
# `async with asyncio.timeout(5):` (or `with anyio.fail_after(5):`): the block's awaits run
# under it
_TIMEOUT_HEADER = re.compile(
    r"^([ \t]*)(?:async\s+)?with\s+(?:[\w.]+\.)?(?:"
    + "|".join(sorted(TIMEOUT_BLOCKS))
    + r")\([^)]*\)\s*(?:as\s+\w+\s*)?:[ \t]*$",
    re.MULTILINE,
)
# a coroutine of the module awaited (`return await run(cmd)`, `out = await self.run()`)
_AWAITED = re.compile(r"\bawait\s+((?:[\w.]+\.)?)(\w+)\(")


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


def name_counts(text: str, name: str) -> tuple[int, int, int]:
    r"""How often ``text`` names ``name`` as a whole word, how often as ``super().name``, and
    how often as ``def name`` (the counts of ``\bname\b``, ``\bsuper\(\)\.name\b`` and
    ``\bdef\s+name\b``), found from the name's occurrences: regexes opening with ``\b`` are
    tried at every character."""
    found = chained = defined = 0
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not _word(text[at - 1])) and (end == len(text) or not _word(text[end])):
            found += 1
            if text.endswith("super().", 0, at) and (at == 8 or not _word(text[at - 9])):
                chained += 1
            blank = at
            while blank and text[blank - 1].isspace():
                blank -= 1
            if (
                blank < at
                and text.endswith("def", 0, blank)
                and (blank == 3 or not _word(text[blank - 4]))
            ):
                defined += 1
        at = text.find(name, at + 1)
    return found, chained, defined


def _code_only(text: str) -> str:
    """``text`` with its strings and comments blanked out, lines and columns kept; the text as
    it is when it does not tokenize."""
    lines = text.splitlines(keepends=True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return text
    for token in reversed(tokens):
        if token.type not in (tokenize.STRING, tokenize.COMMENT):
            continue
        (row, col), (end_row, end_col) = token.start, token.end
        for number in range(row, end_row + 1):
            line = lines[number - 1]
            start = col if number == row else 0
            stop = end_col if number == end_row else len(line.rstrip("\r\n"))
            lines[number - 1] = line[:start] + " " * (stop - start) + line[stop:]
    return "".join(lines)


def _timed_awaits(text: str) -> Iterator[re.Match[str]]:
    """The awaits of a coroutine in the blocks of ``text``'s timeout blocks (deeper than the
    ``with``), at the block's own level or below."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for header in _TIMEOUT_HEADER.finditer(text):
        indent = len(header.group(1).expandtabs())
        row = text.count("\n", 0, header.start()) + 1
        while row < len(lines):
            line = lines[row]
            if line.strip():
                expanded = line.expandtabs()
                if len(expanded) - len(expanded.lstrip()) <= indent:
                    break
                yield from _AWAITED.finditer(text, offsets[row], offsets[row] + len(line))
            row += 1


def _top_level_classes(text: str) -> list[str]:
    """For each line of ``text`` (and one more), the top-level class it is in, or ""."""
    found: list[str] = []
    current = ""
    for line in text.split("\n"):
        if line[:1] not in ("", " ", "\t", "#") and line.strip():
            match = re.match(r"class\s+(\w+)", line)
            current = match.group(1) if match else ""
        found.append(current)
    found.append(current)
    return found


# `getattr(obj, "name"` with a literal name: the name it reads, in group 2
_GETATTR_LITERAL = re.compile(r"getattr\(\s*[\w.]+\s*,\s*(['\"])([\w]*)\1\s*[,)]")


class ModuleFacts:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self._forks: set[str] | None = None
        self._factories: frozenset[str] | None = None
        self._any_fork: bool | None = None
        # _child_side by node: asked by the multiplicity of a start and again by its harm
        self._child_sides: dict[int, tuple[int, Sequence[cst.BaseStatement]] | None] = {}
        self._handlers: set[str] | None = None
        # the wait-any calls behind os_reaper; None when it is process-wide (SIGCHLD ignored)
        self.os_reaper_calls: list[cst.Call] | None = []
        self.mp_reaper_calls: list[cst.Call] = []  # the active_children() calls behind mp_reaper
        self._bound: dict[int, frozenset[str]] = {}  # function -> the names local to it
        self._code: str | None = None  # the text with strings and comments blanked
        self.os_reaper, self.mp_reaper = self._module_reapers()
        self.entry_points = self._entry_points()
        self.process_targets = self._process_targets()
        self.thread_classes: set[str] = set()  # Thread/Process subclasses (set by the sites stage)
        self._exits: set[str] | None = None
        self._execs: set[str] = set()
        self._soft: set[str] = set()  # exit functions ending only the thread they run in
        self._callee_exits: dict[tuple[int, bool, bool], bool] = {}
        self._weighing: set[int] = set()  # local callees being weighed (a recursion)
        self._in_thread: dict[tuple[int, int], bool] = {}
        self._threaded_handlers: set[str] | None = None
        self._cancels: bool | None = None
        self._timed: frozenset[str] | None = None
        self._callers: dict[int, list[cst.CSTNode]] = {}
        self._references: set[int] = set()  # calls that name a function as a thread's target
        # ... or hand it to a scheduler that calls it once, later (`root.after(1000, f)`)
        self._scheduled: set[int] = set()
        self._instances: dict[str, list[tuple[int, str]]] | None = None
        self._dispatched: dict[str, list[cst.Call]] | None = None
        self._by_name: (
            tuple[dict[str, list[cst.Call]], dict[str, list[tuple[cst.Call, cst.BaseExpression]]]]
            | None
        ) = None
        self._order: dict[int, int] = {}  # a call's position among the module's calls, by id

    def _module_reapers(self) -> tuple[str, str]:
        """Wait-any evidence anywhere in the module: os.wait(), waitpid(-1|0), SIGCHLD ignored."""
        os_reaper = ""
        mp_reaper = ""
        for call in self.index.calls:
            name = self.index.resolve(call.func)
            if name is None or not (
                name in PID_WAIT_ANY
                or name in PID_WAIT_FUNCTIONS
                or name in MP_WAIT_ANY
                or name == "signal.signal"
            ):
                continue  # (the costlier questions below only for these few)
            if name not in MP_WAIT_ANY and self._in_fork_child(call):
                # set or run in the child of a fork: the child's own children, not the
                # parent's (a child ignoring SIGCHLD leaves its parent to reap it)
                continue
            if self._once_per_signal(call):
                # a SIGCHLD handler reaping one child per call: signals coalesce, so children
                # exiting together are never reaped
                continue
            if name in PID_WAIT_ANY:
                os_reaper = f"{name}() reaps every child of this module"
                self._waits_any(call)
            elif name in ("os.waitpid", "os.wait4") and call.args:
                first = call.args[0].value
                if is_minus_one_or_zero(first):
                    os_reaper = f"{self.index.code(call.func)}({self.index.code(first)}, ...) reaps every child of this module"
                    self._waits_any(call)
            elif (
                name == "os.waitid"
                and call.args
                and self.index.resolve(call.args[0].value) == "os.P_ALL"
            ):
                os_reaper = "os.waitid(P_ALL, ...) reaps every child of this module"
                self._waits_any(call)
            elif name == "signal.signal" and len(call.args) >= 2:
                signum = self.index.resolve(call.args[0].value)
                handler = self.index.resolve(call.args[1].value)
                if signum == "signal.SIGCHLD" and handler == "signal.SIG_IGN":
                    os_reaper = "SIGCHLD is ignored, so the kernel reaps children at once"
                    self.os_reaper_calls = None
            elif name in MP_WAIT_ANY:
                mp_reaper = "multiprocessing.active_children() reaps finished children"
                self.mp_reaper_calls.append(call)
        return os_reaper, mp_reaper

    def _waits_any(self, call: cst.Call) -> None:
        if self.os_reaper_calls is not None:
            self.os_reaper_calls.append(call)

    def _once_per_signal(self, call: cst.Call) -> bool:
        """Is ``call`` in a function installed as the SIGCHLD handler, outside any loop?"""
        loop = False
        function: cst.FunctionDef | None = None
        for ancestor in self.index.ancestors(call):
            if isinstance(ancestor, cst.While | cst.For):
                loop = True
            if isinstance(ancestor, cst.FunctionDef):
                function = ancestor
                break
        if function is None or loop:
            return False
        return function.name.value in self.sigchld_handlers()

    def in_sigchld_handler(self, node: cst.CSTNode) -> bool:
        """Is ``node`` in a function installed as the SIGCHLD handler? It runs once a child
        has ended (signals coalesce, but the end of each child leaves one pending): a wait
        there with a timeout, even ``join(timeout=0)``, finds its child ended and reaps it."""
        function = self.enclosing_function(node)
        return function is not None and function.name.value in self.sigchld_handlers()

    def sigchld_handlers(self) -> set[str]:
        """Names of the functions installed as the SIGCHLD handler: ``signal.signal(SIGCHLD,
        handler)`` or an event loop's ``loop.add_signal_handler(SIGCHLD, handler)`` (which runs
        it once per delivered signal too)."""
        if self._handlers is None:
            self._handlers = set()
            for call in self.index.calls:
                installs = self.index.resolve(call.func) == "signal.signal" or (
                    isinstance(call.func, cst.Attribute)
                    and call.func.attr.value == "add_signal_handler"
                )
                if not installs or len(call.args) < 2:
                    continue
                if self.index.resolve(call.args[0].value) != "signal.SIGCHLD":
                    continue
                named = (dotted_name(call.args[1].value) or "").rsplit(".", 1)[-1]
                if named and named not in ("SIG_IGN", "SIG_DFL"):
                    self._handlers.add(named)
        return self._handlers

    def _in_fork_child(self, node: cst.CSTNode) -> bool:
        """Does ``node`` run only in the child of a fork (``pid = os.fork()`` then ``if pid ==
        0:`` around it, or the ``else`` of ``if pid:``)?"""
        current = node
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef | cst.ClassDef | cst.Lambda):
                return False
            if isinstance(ancestor, cst.If):
                test = ancestor.test
                tested = test.expression if isinstance(test, cst.UnaryOperation) else test
                if isinstance(tested, cst.Comparison):
                    tested = tested.left
                handle = dotted_name(tested) or ""
                if handle and handle in self._fork_results():
                    side = pid_side(test, handle)
                    if (side is False and current is ancestor.body) or (
                        side is True and current is ancestor.orelse
                    ):
                        return True
            current = ancestor
        return False

    def child_of_fork(self, node: cst.CSTNode) -> int:
        """The line of the test of the pid on whose child's side ``node`` runs (``_child_side``);
        0 when it does not."""
        side = self._child_side(node)
        return side[0] if side is not None else 0

    def child_ends_at_once(self, node: cst.CSTNode) -> bool:
        """Does the child's side holding ``node`` end the child without the interpreter's
        shutdown: its last statement calls ``os._exit()`` or an ``exec``? Then nothing waits for
        the child's threads, daemon or not: they go with it (``sys.exit()`` would wait for the
        non-daemon ones)."""
        side = self._child_side(node)
        if side is None or not side[1]:
            return False
        last = side[1][-1]
        smalls = last.body if isinstance(last, cst.SimpleStatementLine) else []
        return any(
            isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Call)
            and (
                self.index.resolve(small.value.func) == "os._exit"
                or _is_exec(self.index.resolve(small.value.func))
            )
            for small in smalls
        )

    def _child_side(self, node: cst.CSTNode) -> tuple[int, Sequence[cst.BaseStatement]] | None:
        """The line of the test of the pid on whose child's side ``node`` runs, in the function
        holding both, with no loop between that side and ``node``, and the statements of that
        side; None when it does not. The child's side
        is the branch of an ``if`` on the pid that holds in the child (``if pid == 0:``, the
        ``else`` of ``if pid:``, ``if not os.fork():``), or what follows an ``if`` on the pid
        whose parent's branch leaves the function or the process (``if pid: return``). Code
        there runs once in each new child process, however often the function runs: what it
        starts is the child's, once, and goes with the child."""
        key = id(node)
        if key not in self._child_sides:
            self._child_sides[key] = self._find_child_side(node)
        return self._child_sides[key]

    def _find_child_side(self, node: cst.CSTNode) -> tuple[int, Sequence[cst.BaseStatement]] | None:
        index = self.index
        if not self._fork_factories() and not self._forks_here():
            return None  # no fork in the module (most modules): no child's side anywhere
        function = self.enclosing_function(node)
        if function is None:
            return None  # module level: it runs once anyway
        info = index.class_of(function.body)

        def forks(call: cst.Call) -> bool:
            """A fork, or a call of a function of the module (a method of this class) that
            returns what a fork returned."""
            if index.resolve(call.func) in FORK_CALLS:
                return True
            name = last_name(call.func)
            if name not in self._fork_factories():
                return False
            if isinstance(call.func, cst.Name):
                return any(
                    f.name.value == name and index.parent_of(f) is index.module
                    for f in index.functions
                )
            return (
                dotted_name(call.func) == f"self.{name}"
                and info is not None
                and name in index.method_table(info)
            )

        # the names this function binds to a fork's result (a name tested elsewhere may hold
        # anything: `pid, status = os.waitpid(-1, os.WNOHANG)` in a reaper)
        bound = {
            name
            for statement in walk_statements(function)
            if isinstance(statement, cst.Assign)
            and isinstance(statement.value, cst.Call)
            and forks(statement.value)
            for name in pid_names(statement)
        }

        def is_pid(tested: cst.BaseExpression) -> bool:
            if isinstance(tested, cst.Call):
                return forks(tested)
            return (dotted_name(tested) or "") in bound

        current = node
        for ancestor in index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef | cst.ClassDef | cst.Lambda):
                return None
            if isinstance(ancestor, cst.For | cst.While) and current is ancestor.body:
                return None  # repeated within the child, or a loop of forks
            if isinstance(ancestor, cst.If):
                side = fork_side(ancestor.test, is_pid)
                if side is False and current is ancestor.body:
                    return index.line_of(ancestor), _statements(ancestor.body)
                if side is True and current is ancestor.orelse:
                    orelse = ancestor.orelse
                    body = _statements(orelse.body) if isinstance(orelse, cst.Else) else [orelse]
                    return index.line_of(ancestor), body
            block = ancestor.body if isinstance(ancestor, cst.IndentedBlock) else None
            if block is not None:
                for position, earlier in enumerate(block):
                    if earlier is current:
                        break
                    if (
                        isinstance(earlier, cst.If)
                        and earlier.orelse is None
                        and fork_side(earlier.test, is_pid) is True
                        and self._leaves(earlier.body)
                    ):
                        return index.line_of(earlier), block[position + 1 :]
            current = ancestor
        return None

    def _forks_here(self) -> bool:
        """Does the module call a fork anywhere?"""
        if self._any_fork is None:
            self._any_fork = any(
                self.index.resolve(call.func) in FORK_CALLS for call in self.index.calls
            )
        return self._any_fork

    def _fork_factories(self) -> frozenset[str]:
        """The functions of the module that return what a fork returned (``return os.fork()``,
        ``pid = os.fork()`` then ``return pid``, or first in a tuple: ``return pid, fd``): their
        callers hold the pid."""
        if self._factories is None:
            names: set[str] = set()
            for function in self.index.functions if self._forks_here() else ():
                bound: set[str] = set()
                for node in walk_statements(function):
                    if isinstance(node, cst.Assign) and isinstance(node.value, cst.Call):
                        if self.index.resolve(node.value.func) in FORK_CALLS:
                            bound.update(pid_names(node))
                    if isinstance(node, cst.Return) and node.value is not None:
                        value = node.value
                        if isinstance(value, cst.Tuple) and value.elements:
                            # `return pid, fd`: the caller's `pid, fd = helper()` binds it
                            value = value.elements[0].value
                        if (
                            isinstance(value, cst.Call)
                            and self.index.resolve(value.func) in FORK_CALLS
                        ) or (dotted_name(value) or "") in bound:
                            names.add(function.name.value)
            self._factories = frozenset(names)
        return self._factories

    def _leaves(self, suite: cst.BaseSuite) -> bool:
        """Does the block end by leaving the function or the process: ``return``, ``raise``,
        or ending the process on every way through it (``block_exits``)?"""
        if ends_with(suite, (cst.Return, cst.Raise)):
            return True
        self.exit_functions()  # (block_exits counts the module's functions that exit)
        return self.block_exits(suite)

    def _fork_results(self) -> set[str]:
        """Names bound to the result of a fork (``pid = os.fork()``, ``pid, fd = pty.fork()``)."""
        if self._forks is None:
            self._forks = set()
            for call in self.index.calls:
                if self.index.resolve(call.func) not in FORK_CALLS:
                    continue
                parent = self.index.parent_of(call)
                if isinstance(parent, cst.Assign):
                    self._forks.update(pid_names(parent))
        return self._forks

    def _entry_points(self) -> set[str]:
        """Functions handed to a Thread/Process as its target: they run once per child, not per call."""
        names: set[str] = set()
        # the names are matched against the module's functions and methods: no other can count
        defined = frozenset(function.name.value for function in self.index.functions)
        for call in self.index.calls:
            callee = (dotted_name(call.func) or "").lower()
            spawner = any(
                word in callee for word in ("process", "thread", "spawn", "fork", "worker", "timer")
            )
            names.update(self._functions_handed(call, spawner, ("target", "function"), defined))
        return names

    def expects_cancellation(self) -> bool:
        """Does the module's code reckon with its tasks being cancelled from outside: it names
        ``CancelledError`` (handles it somewhere), runs a ``TaskGroup`` (whose tasks are
        cancelled when a sibling fails), or puts one of its own coroutines under a timeout
        (``asyncio.wait_for(ping(host), 5)``: the timeout cancels ``ping`` wherever it
        waits)? A timeout around the child's own wait (``wait_for(proc.communicate(), 5)``)
        is a path of its own, judged where the wait is; cancelling tasks it made itself (a
        reader, a pump) says nothing of the ones awaiting a child."""
        if self._cancels is None:
            # read from the whole text, which a slice does not change
            self._cancels = any(_CANCELLATION.search(line) for line in self.index.lines) or bool(
                self.timed_coroutines()
            )
        return self._cancels

    def timed_coroutines(self) -> frozenset[str]:
        """The module's coroutines it runs under a timeout of its own, as ``name`` or
        ``Class.name`` (a method: ``wait_for(self.run(), 2)`` times its own class's)
        (``asyncio.wait_for(run_command(), timeout)``, ``async with asyncio.timeout(t):
        return await run_command()``): when the timeout expires, the coroutine is cancelled
        wherever it waits. Read from the whole text, which a slice does not change, with its
        strings and comments blanked (a docstring showing ``wait_for(fetch(url), 10)`` runs
        nothing)."""
        if self._timed is None:
            text = self._code_text()
            classes = _top_level_classes(text)

            def owner(offset: int) -> str:
                return classes[text.count("\n", 0, offset)]

            coroutines = {(owner(m.start()), m.group(1)) for m in _ASYNC_DEF.finditer(text)}
            timed: set[str] = set()
            for match in (*_TIMED_CALL.finditer(text), *_timed_awaits(text)):
                prefix, name = match.group(1), match.group(2)
                where = owner(match.start())
                for cls, coroutine in coroutines:
                    if coroutine != name:
                        continue
                    if prefix in ("self.", "cls.") and where:
                        # `wait_for(self.run(), 2)` times its own class's run(), no other's
                        if cls == where:
                            timed.add(f"{cls}.{name}")
                    elif not prefix:
                        if not cls:
                            timed.add(name)  # a function of the module (or a nested one)
                    else:
                        timed.add(f"{cls}.{name}" if cls else name)  # another object's
            self._timed = frozenset(timed)
        return self._timed

    def _process_targets(self) -> set[str]:
        """Functions handed to something that runs them in a child: ``target=`` of anything
        but a thread or timer, or an argument of a call whose name says it makes a process
        (``get_subprocess(config, self.target)``). They run once per child."""
        names: set[str] = set()
        for call in self.index.calls:
            callee = (dotted_name(call.func) or "").rsplit(".", 1)[-1].lower()
            if "thread" in callee or "timer" in callee:
                continue
            spawner = any(word in callee for word in ("process", "spawn", "fork", "worker"))
            names.update(self._functions_handed(call, spawner, ("target",)))
        return names

    def _functions_handed(
        self,
        call: cst.Call,
        positional: bool,
        keywords: tuple[str, ...],
        among: frozenset[str] | None = None,
    ) -> Iterator[str]:
        """The names of functions ``call`` is handed: its ``keywords`` arguments, and with
        ``positional`` its positional ones (only names in ``among``, when given). A bare name
        the calling function binds itself (a parameter, a local: `query =
        request.get_json()`) is a value, not the module's function of that name, which it
        shadows. The positional arguments of os.spawn*/os.exec*, subprocess and pty calls name
        a program to run and its arguments, never a function."""
        if positional and (self.index.resolve(call.func) or "").startswith(_RUN_PROGRAMS):
            positional = False  # os.spawnlp(mode, conf.prog.wireshark, ...) runs a program
        caller: cst.FunctionDef | bool | None = False  # looked up at the first bare name
        for arg in call.args:
            keyword = arg.keyword.value if arg.keyword is not None else ""
            if not (keyword in keywords or (positional and not keyword)):
                continue
            named = last_name(arg.value)
            if not named or (among is not None and named not in among):
                continue
            if isinstance(arg.value, cst.Name):
                if caller is False:
                    caller = self.enclosing_function(call)
                if isinstance(caller, cst.FunctionDef) and self.binds(caller, named):
                    continue
            yield named

    def exit_functions(self) -> set[str]:
        """Module functions that always end the process (`def end(): ...; sys.exit(1)`), or
        its image (``def reexec(): os.execv(...)``: those are also kept in ``_execs``)."""
        if self._exits is None:
            self._exits = set()
            self._execs = set()
            for function in self.index.functions:
                if isinstance(self.index.parent_of(function), cst.Module) and self._ends_process(
                    function
                ):
                    self._exits.add(function.name.value)
                    if not self._ends_process(function, execs=False):
                        self._execs.add(function.name.value)
                    if not self._ends_process(function, hard=True):
                        self._soft.add(function.name.value)
        return self._exits

    def _ends_process(
        self, function: cst.FunctionDef, execs: bool = True, hard: bool = False
    ) -> bool:
        """Does ``function`` end the process (``block_exits``, with ``execs`` and ``hard``)
        whenever it runs: its last statement does, and no ``return`` of its own leaves it
        before?"""
        if not isinstance(function.body, cst.IndentedBlock) or not function.body.body:
            return False
        last = cst.IndentedBlock(body=[function.body.body[-1]])
        return not has_return(function) and self.block_exits(last, execs, hard)

    def block_exits(self, suite: cst.BaseSuite, execs: bool = True, hard: bool = False) -> bool:
        """Does ``suite`` end the process on every way through it: ``os._exit``, ``sys.exit``,
        ``raise SystemExit``, a module function doing so; with ``execs``, an ``os.exec*`` too
        (the process image ends, though its pid and its children stay: they are the new
        program's, which knows nothing of them). With ``hard``, for code running in a thread
        other than the main one: only what ends the process from any thread (``os._exit``,
        ``os.abort``, an exec); ``sys.exit()`` there raises SystemExit, which ends that
        thread alone."""
        statements: Sequence[cst.CSTNode]
        if isinstance(suite, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            statements = suite.body
        else:
            return False
        for statement in statements:
            if isinstance(statement, cst.If) and self._if_exits(statement, execs, hard):
                return True
            smalls: Iterable[cst.CSTNode] = (
                statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement]
            )
            for small in smalls:
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    resolved = self.index.resolve(small.value.func) or ""
                    if (
                        (
                            resolved in EXIT_FUNCTIONS
                            and (execs or not _is_exec(resolved))
                            and (not hard or resolved in HARD_EXITS or _is_exec(resolved))
                        )
                        or (not hard and resolved.lstrip("@") in ("exit", "quit"))
                        or (
                            resolved.startswith("@")
                            and self._exits is not None
                            and resolved[1:] in self._exits
                            and (execs or resolved[1:] not in self._execs)
                            and (not hard or resolved[1:] not in self._soft)
                        )
                        or (
                            not hard
                            and isinstance(small.value.func, cst.Name)
                            and small.value.func.value in ("exit", "quit")
                        )
                        or self._local_callee_exits(small.value, execs, hard)
                    ):
                        return True
                if not hard and isinstance(small, cst.Raise) and small.exc is not None:
                    exc = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
                    if dotted_name(exc) == "SystemExit":
                        return True
        return False

    def _soft_exit(self, call: cst.Call) -> bool:
        """Is ``call`` an exit that ends the process only from the main thread (``sys.exit()``,
        ``exit()``, a function of the module doing so)?"""
        suite = cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Expr(value=call)])])
        return self.block_exits(suite, execs=False) and not self.block_exits(
            suite, execs=False, hard=True
        )

    def _local_callee_exits(self, call: cst.Call, execs: bool, hard: bool = False) -> bool:
        """Is ``call`` one of a function of the module's own that ends the process, as the
        module functions of ``exit_functions`` do (its last statement does): a method of the
        class holding the call, called on ``self`` (``self._leave()``), or a function defined
        in a function holding the call (``def leave(): os._exit(0)``)?"""
        callee = self._local_callee(call)
        if callee is None:
            return False
        key = (id(callee), execs, hard)
        found = self._callee_exits.get(key)
        if found is None:
            if id(callee) in self._weighing:
                return False
            self._weighing.add(id(callee))
            try:
                found = self._ends_process(callee, execs, hard)
            finally:
                self._weighing.discard(id(callee))
            self._callee_exits[key] = found
        return found

    def _local_callee(self, call: cst.Call) -> cst.FunctionDef | None:
        """The method ``self.name()`` calls in the class holding it, or the function
        ``name()`` calls that a function holding it defines; None for anything else."""
        func = call.func
        index = self.index
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
        ):
            method = index.method_of(call)
            block = index.parent_of(method) if method is not None else None
            owner = index.parent_of(block) if block is not None else None
            if not isinstance(owner, cst.ClassDef):
                return None
            return _defined_in(owner.body, func.attr.value)
        if isinstance(func, cst.Name):
            for ancestor in index.ancestors(call):
                if isinstance(ancestor, cst.FunctionDef):
                    found = _defined_in(ancestor.body, func.value)
                    if found is not None:
                        return found
        return None

    def _if_exits(self, statement: cst.If, execs: bool = True, hard: bool = False) -> bool:
        """Every branch of ``statement`` ends the process (``if keep: os._exit(0)`` ``else:
        sys.exit(0)``, an ``elif`` chain with an ``else``)."""
        orelse = statement.orelse
        if orelse is None or not self.block_exits(statement.body, execs, hard):
            return False
        if isinstance(orelse, cst.If):
            return self._if_exits(orelse, execs, hard)
        return self.block_exits(orelse.body, execs, hard)

    def parent_exits(self, if_node: cst.If, handle: cst.CSTNode, execs: bool = False) -> bool:
        """Does the test of the pid ``handle`` send the parent into a branch that ends the
        process (with ``execs``, or its image: the child then belongs to the new program)?"""
        polarity = parent_polarity(if_node.test, handle)
        if polarity is None:
            return False
        self.exit_functions()
        hard = self.in_thread(handle)
        branch: cst.BaseSuite | None
        if polarity:
            branch = if_node.body
        else:
            orelse = if_node.orelse
            branch = orelse.body if isinstance(orelse, cst.Else) else None
            if branch is None:
                # `if pid == 0: <child>` then the parent goes on after the if: look at what follows.
                return False
        return branch is not None and self.block_exits(branch, execs, hard)

    def in_thread(self, node: cst.CSTNode) -> bool:
        """Does the code at ``node`` run in a thread other than the main one (``runs_in_thread``
        of the function holding it)? There ``sys.exit()`` ends that thread alone."""
        function = self.enclosing_function(node)
        return function is not None and self.runs_in_thread(function)

    def runs_in_thread(self, function: cst.FunctionDef, depth: int = 0) -> bool:
        """``_runs_in_thread``, asked once per function of the file."""
        key = (id(function), depth)
        found = self._in_thread.get(key)
        if found is None:
            found = self._in_thread[key] = self._runs_in_thread(function, depth)
        return found

    def _runs_in_thread(self, function: cst.FunctionDef, depth: int) -> bool:
        """Does ``function`` run in a thread other than the main one: a thread's target or a
        timer's function (``Thread(target=f)``, a lambda given as the target calling it), a
        Thread subclass's ``run()`` (its own base or a local ancestor's), a method of the
        request handler of a threading socketserver, or a function only such code calls (up
        to three calls away)? A ``multiprocessing.Process`` target runs in its process's main
        thread. (A function handed to an executor is not taken as one: where its future is
        awaited or read, the SystemExit it stored is raised again there.)"""
        info = self.index.class_of(function.body)
        if (
            function.name.value == "run"
            and info is not None
            and any(
                base.endswith("Thread")
                for member in self.class_family(info)
                for base in member.bases
            )
        ):
            return True
        if info is not None and self._served_in_threads(info.name):
            return True
        callers = self.callers(function)
        for caller in callers:
            if (
                self.is_target_reference(caller)
                and not self.is_scheduled_reference(caller)
                and isinstance(caller, cst.Call)
                and _makes_thread(self.index, caller)
            ):
                return True
            lambda_ = next(
                (
                    a
                    for a in self.index.ancestors(caller)
                    if isinstance(a, cst.Lambda | cst.FunctionDef)
                ),
                None,
            )
            if isinstance(lambda_, cst.Lambda):
                arg = self.index.parent_of(lambda_)
                made = self.index.parent_of(arg) if isinstance(arg, cst.Arg) else None
                if (
                    isinstance(arg, cst.Arg)
                    and arg.keyword is not None
                    and arg.keyword.value in THREAD_TARGET_KEYWORDS
                    and isinstance(made, cst.Call)
                    and _makes_thread(self.index, made)
                ):
                    return True
        if depth >= 3 or not callers:
            return False
        # called only from code that runs in a thread
        holders = [self.enclosing_function(caller) for caller in callers]
        return all(
            holder is not None and holder is not function and self.runs_in_thread(holder, depth + 1)
            for holder in holders
        )

    def _served_in_threads(self, handler: str) -> bool:
        """Is the class ``handler`` the request handler of a socketserver server that serves
        each request in a thread of its own (``ThreadingTCPServer(address, Handler)``,
        ``ThreadingHTTPServer``, a local class mixing ``ThreadingMixIn`` in)? Its object is
        made and used in that thread: every method of it runs there."""
        if self._threaded_handlers is None:
            servers = {
                name
                for name, info in self.index.classes.items()
                if any("ThreadingMixIn" in base for base in info.bases)
            }
            found: set[str] = set()
            for call in self.index.calls:
                made = last_name(call.func) or ""
                if made in servers or (made.startswith("Threading") and made.endswith("Server")):
                    given = argument(call, 1, "RequestHandlerClass")
                    if given is not None:
                        found.add(last_name(given) or "")
            self._threaded_handlers = found
        return handler in self._threaded_handlers

    def class_family(self, info: ClassInfo) -> list[ClassInfo]:
        """The class, its local ancestors and its local descendants (ModuleIndex.family)."""
        return self.index.family(info)

    def exits_after(self, node: cst.CSTNode) -> bool:
        """Does the process end (``os._exit``, ``sys.exit``) right after the statement holding
        ``node``: a following statement of its block, or of an enclosing block up to its
        function (not through a loop, which goes round again)? An exit hands the children to
        init, which reaps them; an exec does not count: it keeps the pid and its children, now
        the new program's, which never waits for what it did not start."""
        index = self.index
        current: cst.CSTNode = index.statement_of(node)
        pids = set(pid_names(current)) if isinstance(current, cst.Assign) else set()
        self.exit_functions()
        hard = self.in_thread(node)  # (in a thread, a sys.exit() leaves as a raise does)
        if isinstance(current, cst.If) and (
            node is current.test or index.inside(node, current.test)
        ):
            # `if os.fork(): return`: the parent leaves by its own branch, the exit after the
            # if is the child's
            polarity = parent_polarity(current.test, node)
            orelse = current.orelse
            branch = (
                current.body
                if polarity
                else (orelse.body if isinstance(orelse, cst.Else) and polarity is False else None)
            )
            if branch is not None and any(
                self._leaves_before_exit(inner, hard) for inner in walk_statements(branch)
            ):
                return False
        while True:
            parent = index.parent_of(current)
            if parent is None or isinstance(parent, cst.FunctionDef | cst.Lambda | cst.Module):
                return False
            if isinstance(parent, cst.For | cst.While):
                return False
            if isinstance(parent, cst.IndentedBlock) and current in parent.body:
                after = list(parent.body[parent.body.index(current) + 1 :])
                if after and self.block_exits(cst.IndentedBlock(body=after), False, hard):
                    # only when nothing leaves before the exit: after `if pid > 0: return`
                    # (or `if pid: os.execv(...)`) the exit is the child's, and the parent went
                    # on without waiting
                    # (what follows the exit never runs: `sys.exit(rc)` then `return True`)
                    reached: list[cst.BaseStatement] = []
                    for statement in after:
                        reached.append(statement)
                        if self.block_exits(cst.IndentedBlock(body=[statement]), False, hard):
                            break
                    # (a branch only the child takes, `if pid == 0: os.execvp(...)`, is not
                    # the parent's way out)
                    return not any(
                        self._leaves_before_exit(inner, hard)
                        for statement in reached
                        for part in _parents_part(statement, pids)
                        for inner in walk_statements(part)
                    )
            current = parent

    def _leaves_before_exit(self, inner: cst.CSTNode, hard: bool) -> bool:
        """Does ``inner`` take the parent out of the function another way than by ending the
        process: a ``return``, a ``raise`` (``raise SystemExit`` ends the process, but in a
        thread, ``hard``, only the thread, as ``sys.exit()`` there does), or an exec (the
        image goes, the pid and its children stay)?"""
        if isinstance(inner, cst.Return):
            return True
        if isinstance(inner, cst.Raise):
            return hard or not _raises_exit(inner)
        return isinstance(inner, cst.Call) and (
            _is_exec(self.index.resolve(inner.func)) or (hard and self._soft_exit(inner))
        )

    def runs_after_fork(self, method: cst.FunctionDef) -> bool:
        """Is ``method`` a hook that runs in each forked child, where the parent's threads and
        children do not exist: named for it (``_reset_after_fork``, ``_at_fork_reinit``; not a name saying parent,
        before or prepare), or ``self.<method>`` (or a function of the module) given as
        ``os.register_at_fork(after_in_child=...)``? What it re-creates is the child's own."""
        name = method.name.value
        if any(word in name for word in FORK_HOOK_WORDS) and not any(
            word in name for word in ("parent", "before", "prepare")
        ):
            return True  # not `_prepare_after_fork_parent`: that one runs in the parent
        index = self.index
        for node in index.names.get(name, ()):
            attribute = index.parent_of(node)
            if (
                isinstance(attribute, cst.Arg)
                and attribute.value is node
                and index.parent_of(method) is index.module
                and index.resolve(node) == f"@{name}"
            ):
                attribute = node  # a function of the module given by its name
            elif not (
                isinstance(attribute, cst.Attribute)
                and attribute.attr is node
                and dotted_name(attribute.value) == "self"
            ):
                continue
            # `os.register_at_fork(after_in_child=self._reset)`: before= and after_in_parent=
            # run in the parent, on every fork
            arg = index.parent_of(attribute)
            call = index.parent_of(arg) if isinstance(arg, cst.Arg) else None
            if (
                isinstance(arg, cst.Arg)
                and arg.keyword is not None
                and arg.keyword.value == "after_in_child"
                and isinstance(call, cst.Call)
                and index.resolve(call.func) == "os.register_at_fork"
            ):
                return True
        return False

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef):
                return ancestor
            if isinstance(ancestor, cst.Lambda):
                return None
        return None

    def in_unnamed_private_method(self, node: cst.CSTNode) -> str:
        """The name of a class-private method (``__start``: Python mangles it to
        ``_Class__start``, so only its class can name it) holding ``node`` that no code of the
        module names besides its own ``def``: it never runs. A call in a comment does not
        count, the mangled spelling from outside does, and so may any getattr() of the module
        (``getattr(self, "_Console__do_" + name)``). "" otherwise."""
        for ancestor in self.index.ancestors(node):
            if not isinstance(ancestor, cst.FunctionDef):
                continue
            name = ancestor.name.value
            owner = self.index.parent_of(self.index.parent_of(ancestor) or ancestor)
            if not (
                isinstance(owner, cst.ClassDef)
                and name.startswith("__")
                and not name.endswith("__")
            ):
                continue
            text = self.index.text
            if f"{owner.name.value.lstrip('_')}{name}" in text or self._getattr_may_name(name):
                continue  # `obj._Class__start()`, or a name put together for getattr()
            if text.count(name) == 1 or _names_in_code(text, name) == 1:
                return name
        return ""

    def _getattr_may_name(self, name: str) -> bool:
        """May a ``getattr()`` of the module reach the method ``name``: one whose name is put
        together at run time (``getattr(self, "_Console__do_" + cmd)``) or spelled with it?
        ``getattr(sys, "gettrace", None)`` names something else. Read from the whole text,
        which a slice does not change."""
        text = self.index.text
        total = text.count("getattr(")
        if not total:
            return False
        literal = [m.group(2) for m in _GETATTR_LITERAL.finditer(text)]
        return len(literal) < total or any(name.lstrip("_") in spelled for spelled in literal)

    def _code_text(self) -> str:
        """The module's text with its strings and comments blanked (``_code_only``), once."""
        if self._code is None:
            self._code = _code_only(self.index.text)
        return self._code

    def only_source_taken(self, node: cst.CSTNode) -> str:
        """The name of the private function holding ``node`` when the module names it only to
        read its source (``inspect.getsourcelines(self._first_stage)``: a bootstrap sent to
        another interpreter as text): it never runs here. Read from the text with strings and
        comments blanked, which a slice does not change. "" otherwise."""
        if "getsource" not in self.index.text:
            return ""
        function = next(
            (a for a in self.index.ancestors(node) if isinstance(a, cst.FunctionDef)), None
        )
        if function is None or not function.name.value.startswith("_"):
            return ""
        name = function.name.value
        code = self._code_text()
        named, _, defined = name_counts(code, name)
        taken = re.findall(rf"\bgetsource(?:lines)?\(\s*(?:[\w.]+\.)?{re.escape(name)}\s*\)", code)
        # run here after all: looked up by its name (`getattr(self, "_helper")`), or its
        # source run by this process (`exec(inspect.getsource(f) + "\nf()")`)
        looked_up = re.search(rf"[\"']{re.escape(name)}[\"']", self.index.text)
        runs_text = re.search(r"\b(?:exec|eval)\(", code)
        if taken and named == len(taken) + defined and not looked_up and not runs_text:
            return name
        return ""

    def given_params(
        self, function: cst.FunctionDef, through: cst.BaseExpression
    ) -> list[cst.Param]:
        """The positional parameters of ``function`` that the arguments of a call through
        ``through`` fill (``syntax.given_params``)."""
        return given_params(self.index, function, through)

    def is_method(self, function: cst.FunctionDef) -> bool:
        return isinstance(
            self.index.parent_of(self.index.parent_of(function) or function), cst.ClassDef
        )

    def factory_callers(self, function: cst.FunctionDef) -> list[cst.BaseExpression]:
        """The calls of ``function`` in this module (an awaited call: its ``await``)."""
        out: list[cst.BaseExpression] = []
        for call in self.callers(function):
            if id(call) in self._references or not isinstance(call, cst.Call):
                continue
            parent = self.index.parent_of(call)
            out.append(parent if isinstance(parent, cst.Await) else call)
        return out

    def callers(self, function: cst.FunctionDef) -> list[cst.CSTNode]:
        """Where ``function`` is called in this module (outside itself), and the Thread/Timer
        calls that name it as their target (``Thread(target=self.f)``)."""
        key = id(function)
        found = self._callers.get(key)
        if found is None:
            found = self._callers[key] = self._find_callers(function)
        return found

    def is_target_reference(self, node: cst.CSTNode) -> bool:
        """Is ``node`` (one of ``callers()``) a thread creation naming the function, or a
        one-shot scheduler given it, not a call?"""
        return id(node) in self._references

    def is_scheduled_reference(self, node: cst.CSTNode) -> bool:
        """Is ``node`` (one of ``callers()``) a one-shot scheduler given the function
        (``root.after(1000, f)``), not a thread creation?"""
        return id(node) in self._scheduled

    def _find_callers(self, function: cst.FunctionDef) -> list[cst.CSTNode]:
        index = self.index
        name = function.name.value
        owner = self._class_of_method(function)
        family: list[ClassInfo] = self.class_family(owner) if owner is not None else []
        nested_in = None if owner is not None else index.scope_of(function)
        if nested_in is index.module:
            nested_in = None
        out: list[cst.CSTNode] = []
        calls, targets = self._calls_naming()
        for call in calls.get(name, ()):
            if not index.inside(call, function) and self._names_function(  # not recursion
                call.func, name, owner, family, nested_in
            ):
                out.append(call)
        found = {id(call) for call in out}
        for call, target in targets.get(name, ()):
            if (
                id(call) not in found
                and not index.inside(call, function)
                and self._names_function(target, name, owner, family, nested_in)
            ):
                self._references.add(id(call))
                out.append(call)
        if owner is None and nested_in is None:
            # `command = {"start": command_start, ...}[action]; command(opts)`: a dispatch
            # table's call runs the function named in it, as often as that call runs
            found = {id(call) for call in out}
            for call in self._dispatch_calls().get(name, ()):
                if id(call) not in found and not index.inside(call, function):
                    out.append(call)
        return sorted(out, key=lambda call: self._order[id(call)])

    def _dispatch_calls(self) -> dict[str, list[cst.Call]]:
        """The calls of a function looked up in a dict literal (a dispatch table), by the
        names of the module functions its values name: ``{"start": command_start}[action](
        opts)``, ``command = {...}[action]`` (or ``{...}.get(action)``) then ``command(opts)``
        in the same function."""
        if self._dispatched is None:
            found: dict[str, list[cst.Call]] = {}
            # (the raw lines first: blanking strings and comments tokenizes the module)
            if any("}" in line and DISPATCH_LOOKUP.search(line) for line in self.index.lines) and (
                DISPATCH_LOOKUP.search(self._code_text())
            ):
                self._calls_naming()  # (the call order, which sorts the callers)
                bound: dict[int, dict[str, list[cst.BaseExpression | None]]] = {}
                for call in self.index.calls:
                    for name in self._dispatched_names(call, bound):
                        found.setdefault(name, []).append(call)
            self._dispatched = found
        return self._dispatched

    def _dispatched_names(
        self, call: cst.Call, bound: dict[int, dict[str, list[cst.BaseExpression | None]]]
    ) -> list[str]:
        """The functions ``call`` may run through a dispatch table (see ``_dispatch_calls``):
        the names among the values of the dict literals it looks a value up in, and the
        default of a ``get()``; ``bound``: what each function assigns to its plain names,
        filled as functions come."""
        looked: list[cst.BaseExpression | None] = [call.func]
        if isinstance(call.func, cst.Name):
            scope = self.index.scope_of(call)
            if not isinstance(scope, cst.FunctionDef):
                return []
            names = bound.get(id(scope))
            if names is None:
                names = bound[id(scope)] = {}
                for target, value in assignments(scope):
                    if isinstance(target, cst.Name):
                        names.setdefault(target.value, []).append(value)
            looked = names.get(call.func.value, [])
        values: list[cst.BaseExpression] = []
        for value in looked:
            if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Dict):
                values.extend(
                    e.value for e in value.value.elements if isinstance(e, cst.DictElement)
                )
            elif (
                isinstance(value, cst.Call)
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "get"
                and isinstance(value.func.value, cst.Dict)
            ):
                values.extend(
                    e.value for e in value.func.value.elements if isinstance(e, cst.DictElement)
                )
                default = argument(value, 1, "default")
                if default is not None:
                    values.append(default)
        return [value.value for value in values if isinstance(value, cst.Name)]

    def calls_named(self, name: str) -> list[cst.Call]:
        """The module's calls of anything whose last name is ``name`` (``f(``, ``x.f(``)."""
        return self._calls_naming()[0].get(name, [])

    def call_position(self, node: cst.CSTNode) -> int:
        """Where ``node`` (a call, or what holds one) comes among the module's calls, in
        lexical order (-1 when it holds none)."""
        self._calls_naming()
        if not isinstance(node, cst.Call):
            inner = next(
                (n for n in walk_statements(node, skip_nested=False) if isinstance(n, cst.Call)),
                None,
            )
            if inner is None:
                return -1
            node = inner
        return self._order.get(id(node), -1)

    def _calls_naming(
        self,
    ) -> tuple[dict[str, list[cst.Call]], dict[str, list[tuple[cst.Call, cst.BaseExpression]]]]:
        """The module's calls by the last name of what they call (``f(``, ``x.f(``), and the
        thread creations by the last name of their target: built once, so that finding the
        callers of each function does not go through every call of the module."""
        if self._by_name is None:
            calls: dict[str, list[cst.Call]] = {}
            targets: dict[str, list[tuple[cst.Call, cst.BaseExpression]]] = {}
            for position, call in enumerate(self.index.calls):
                self._order[id(call)] = position
                last = last_name(call.func)
                if last:
                    calls.setdefault(last, []).append(call)
                target = self._thread_target(call)
                if target is None and last in ONE_SHOT_SCHEDULERS:
                    # `root.after(1000, f)`, `loop.call_soon(f)`: f runs once, later, for
                    # this call, as a thread's target runs once for its start
                    target = argument(call, ONE_SHOT_SCHEDULERS[last], "")
                    if target is not None:
                        self._scheduled.add(id(call))
                if target is not None:
                    named = last_name(target)
                    if named:
                        targets.setdefault(named, []).append((call, target))
            self._by_name = (calls, targets)
        return self._by_name

    def _thread_target(self, call: cst.Call) -> cst.BaseExpression | None:
        """What a thread made by ``call`` runs: ``target=``/``function=``, or the positional
        argument of threading's own constructors (``Timer(5, tick)``, ``Thread(None, run)``)."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in ("target", "function"):
                return arg.value
        made = self.index.resolve(call.func) or ""
        if made in ("threading.Timer", "threading.Thread"):
            return target_expr(call, timer=made.endswith("Timer"))
        if made in ("_thread.start_new_thread", "thread.start_new_thread"):
            return target_expr(call, timer=False, position=0)
        return None

    def _names_function(
        self,
        expr: cst.BaseExpression,
        name: str,
        owner: ClassInfo | None,
        family: list[ClassInfo],
        nested_in: ScopeNode | None,
    ) -> bool:
        index = self.index
        if owner is None:
            if not isinstance(expr, cst.Name) or expr.value != name:
                return False
            if nested_in is not None:
                return index.inside(expr, nested_in)
            return index.resolve(expr) == f"@{name}"
        if not isinstance(expr, cst.Attribute) or expr.attr.value != name:
            return False
        receiver = dotted_name(expr.value)
        if receiver == owner.name:
            return True
        if receiver in ("self", "cls"):
            return any(index.inside(expr, member.node) for member in family)
        if isinstance(expr.value, cst.Name) and self._holds_instance(
            expr.value, {member.name for member in family}
        ):
            return True
        return receiver is not None and self._made_here(expr, receiver, owner, family)

    def _made_here(
        self, expr: cst.Attribute, receiver: str, owner: ClassInfo, family: list[ClassInfo]
    ) -> bool:
        """Is ``receiver`` (``cls._instance``, ``inst``) bound, in the class's own method
        calling through it, to an object the method makes of the class (``cls._instance =
        super().__new__(cls)`` in ``__new__``, ``inst = cls()``)?"""
        function = self.enclosing_function(expr)
        if function is None or not any(self.index.inside(function, m.node) for m in family):
            return False
        for target, value in assignments(function):
            if dotted_name(target) != receiver or not isinstance(value, cst.Call):
                continue
            func = value.func
            if dotted_name(func) in ("cls", owner.name) or (
                isinstance(func, cst.Attribute)
                and func.attr.value == "__new__"
                and bool(value.args)
                and dotted_name(value.args[0].value) in ("cls", owner.name)
            ):
                return True
        return False

    def _holds_instance(self, name: cst.Name, classes: set[str]) -> bool:
        """Is ``name`` bound, where it is read, to an object of one of these local classes
        (``reporter = Reporter()`` in the same function, or in the module for a global)?"""
        function = self.enclosing_function(name)
        scope = id(function) if function is not None and self.binds(function, name.value) else 0
        return any(
            where == scope and made in classes
            for where, made in self.instance_bindings().get(name.value, ())
        )

    def instance_bindings(self) -> dict[str, list[tuple[int, str]]]:
        """Names assigned an object of a local class: name -> (scope, class), the scope being
        the id of the function it is local to, or 0 for the module (a global)."""
        if self._instances is None:
            found: dict[str, list[tuple[int, str]]] = {}
            index = self.index
            for assign in index.context_assigns:
                assert isinstance(assign.value, cst.Call)
                made = index.resolve(assign.value.func) or ""
                if not made.startswith("@") or made[1:] not in index.classes:
                    continue
                function = self.enclosing_function(assign)
                for target in assign.targets:
                    for bound in bound_by(target.target):
                        local = function is not None and self.binds(function, bound)
                        scope = id(function) if local else 0
                        found.setdefault(bound, []).append((scope, made[1:]))
            self._instances = found
        return self._instances

    def _class_of_method(self, function: cst.FunctionDef) -> ClassInfo | None:
        holder = self.index.parent_of(self.index.parent_of(function) or function)
        if isinstance(holder, cst.ClassDef):
            return self.index.classes.get(holder.name.value)
        return None

    def instantiations(self, owner: cst.ClassDef) -> list[cst.Call]:
        """Where objects of this module-level class (or of its local subclasses) are made."""
        info = self.index.classes.get(owner.name.value)
        if info is None or info.node is not owner:
            return []
        names = {
            f"@{member.name}"
            for member in self.index.classes.values()
            if member is info or self._descends(member, info)
        }
        return [call for call in self.index.calls if self.index.resolve(call.func) in names]

    def _descends(self, member: ClassInfo, ancestor: ClassInfo) -> bool:
        seen: set[str] = set()
        pending = [member]
        while pending:
            current = pending.pop()
            for base in current.bases:
                if not base.startswith("@") or base[1:] in seen:
                    continue
                if base[1:] == ancestor.name:
                    return True
                seen.add(base[1:])
                parent = self.index.classes.get(base[1:])
                if parent is not None:
                    pending.append(parent)
        return False

    def is_module_name(self, node: cst.Name) -> bool:
        """Does this name refer to state that outlives a call: module-level (a global, or a name
        the enclosing function never binds)?"""
        function = self.enclosing_function(node)
        if function is None:
            return True
        return node.value not in self._bound_names(function)

    def called_only_on_new_objects(self, method: cst.FunctionDef) -> bool:
        """Is ``method`` called in the module (at least once) only on an object the calling
        function has just made of its class (``runner = SkySSHRunner(...)`` then
        ``runner.tunnel(...)``, once, nothing between rebinding it)? A new object holds no
        handle before the one the call stores, so the call replaces nothing."""
        info = self.index.class_of(method.body)
        if info is None:
            return False
        makers = {info.name} | {
            other.name for other in self.index.classes.values() if info in self.class_family(other)
        }
        name = method.name.value
        if any(
            isinstance(call.func, cst.Attribute)
            and dotted_name(call.func.value) in ("self", "cls")
            and self.index.inside(call, info.node)
            for call in self.calls_named(name)
        ):
            return False  # the class calls it again on an object it already has (restart())
        calls = [
            call
            for call in self.calls_named(name)
            if isinstance(call.func, cst.Attribute)
            and not self.index.inside(call, info.node)
            # the module's script block shows the API once; its importers call it as they will
            and not in_main_block(self.index, call)
        ]
        if not calls:
            return False
        for call in calls:
            receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
            if not isinstance(receiver, cst.Name):
                return False
            scope = self.index.scope_of(call)
            loop = next(
                (a for a in self.index.ancestors(call) if isinstance(a, cst.For | cst.While)),
                None,
            )
            bound = [
                value
                for target, value in assignments(scope)
                if isinstance(target, cst.Name) and target.value == receiver.value
            ]
            if len(bound) != 1 or not (
                isinstance(bound[0], cst.Call)
                and (last_name(bound[0].func) in makers or self._makes_anew(bound[0], info))
            ):
                return False
            if loop is not None and not (
                self.index.inside(bound[0], loop)
                and self.call_position(bound[0]) < self.call_position(call)
            ):
                # called again on each pass: the object is the same unless the pass makes it
                # anew before the call (`t = Tunnel(h); t.tunnel(port)` in the loop's body)
                return False
            same = [
                other
                for other in calls
                if other is not call
                and self.index.scope_of(other) is scope
                and isinstance(other.func, cst.Attribute)
                and dotted_name(other.func.value) == receiver.value
            ]
            if same:
                return False  # called twice on it
        return True

    def _makes_anew(self, call: cst.Call, info: ClassInfo) -> bool:
        """Is ``call`` a factory of the class's family called on a class of it
        (``handler = WorkerHandler.create(env)``): a ``@classmethod`` or ``@staticmethod``
        every ``return`` of which hands back what a plain call makes (``return cls(...)``,
        ``return constructor(...)`` looked up in a registry), an object made there and then,
        not one kept and handed out again (``return cls._instance``, ``return
        cls._cache.get(key)``)?"""
        func = call.func
        if not isinstance(func, cst.Attribute):
            return False
        owner = next(
            (
                member
                for member in self.class_family(info)
                if member.name == dotted_name(func.value)
            ),
            None,
        )
        # (what `Owner.create` runs: its own, or the one it inherits)
        method = self.index.method_table(owner).get(func.attr.value) if owner else None
        if method is None or not without_object(method):
            return False
        returns = [node for node in walk_statements(method) if isinstance(node, cst.Return)]
        return bool(returns) and all(
            isinstance(node.value, cst.Call) and isinstance(node.value.func, cst.Name)
            for node in returns
        )

    def binds(self, function: cst.FunctionDef, name: str) -> bool:
        """Is ``name`` local to ``function`` (a parameter, or bound in it and not global)?"""
        return name in self._bound_names(function)

    def _bound_names(self, function: cst.FunctionDef) -> frozenset[str]:
        """Names local to ``function`` (syntax.local_names), found once per function."""
        key = id(function)
        found = self._bound.get(key)
        if found is None:
            found = self._bound[key] = local_names(function)
        return found


def _names_in_code(text: str, name: str) -> int:
    """How many times ``name`` is a name token of ``text`` (not in a comment or a string)."""
    try:
        return sum(
            1
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.NAME and token.string == name
        )
    except (tokenize.TokenError, SyntaxError):
        return 2  # cannot tell: count it as named


def called_in_code(text: str, name: str) -> bool:
    """Is ``name`` called somewhere in ``text`` (``name(``, ``obj.name(``; not ``def name(``,
    not in a comment or a string)? True when the text cannot be tokenized (cannot tell)."""
    try:
        tokens = [
            token
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type in (tokenize.NAME, tokenize.OP)
        ]
    except (tokenize.TokenError, SyntaxError):
        return True
    return any(
        token.type == tokenize.NAME
        and token.string == name
        and at + 1 < len(tokens)
        and tokens[at + 1].string == "("
        and not (at > 0 and tokens[at - 1].string == "def")
        for at, token in enumerate(tokens)
    )


def _parents_part(statement: cst.BaseStatement, pids: set[str]) -> list[cst.CSTNode]:
    """What of ``statement`` the parent of a fork may run: an ``if`` testing the pid (a name
    of ``pids``) whose one branch is the child's leaves the other branch (and its test); any
    other statement is the parent's whole."""
    if not pids or not isinstance(statement, cst.If):
        return [statement]
    handle = next(
        (n for n in walk(statement.test) if isinstance(n, cst.Name) and n.value in pids), None
    )
    polarity = parent_polarity(statement.test, handle) if handle is not None else None
    if polarity is None:
        return [statement]
    if polarity:
        return [statement.test, statement.body]
    orelse = statement.orelse
    if orelse is None:
        return [statement.test]
    return [statement.test, orelse.body if isinstance(orelse, cst.Else) else orelse]


def _makes_thread(index: ModuleIndex, call: cst.Call) -> bool:
    """Does ``call``, naming a function as its target, run it in a new thread of this process
    (``threading.Thread(target=f)``, ``Timer(5, f)``, a Thread subclass by its name), not
    in a process of its own (``multiprocessing.Process(target=f)``: its main thread)?"""
    made = index.resolve(call.func) or last_name(call.func) or ""
    last = made.rsplit(".", 1)[-1]
    return made.startswith(
        ("threading.", "_thread.", "thread.", "multiprocessing.dummy.")
    ) or last.endswith(("Thread", "Timer", "start_new_thread"))


def _defined_in(suite: cst.BaseSuite, name: str) -> cst.FunctionDef | None:
    """The function ``name`` that the block ``suite`` defines at its own level."""
    for statement in _statements(suite):
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            return statement
    return None


def _raises_exit(node: cst.Raise) -> bool:
    """``raise SystemExit`` (``raise SystemExit(1)``): the process ends, as by sys.exit()."""
    raised = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
    return raised is not None and last_name(raised) == "SystemExit"


def _statements(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    """The statements of an indented block ([] for one written on its header's line)."""
    return suite.body if isinstance(suite, cst.IndentedBlock) else []


def _is_exec(resolved: str | None) -> bool:
    """Is ``resolved`` one of the ``os.exec*`` calls, which replace the process image?"""
    return (resolved or "").startswith("os.exec")


def pid_names(assign: cst.Assign) -> Iterator[str]:
    """The names an assignment of a fork's result binds to the pid: each target, or the first
    element of a tuple target (``pid, fd = pty.fork()``)."""
    for target in assign.targets:
        value = target.target
        first = (
            value.elements[0].value if isinstance(value, cst.Tuple) and value.elements else value
        )
        if name := dotted_name(first):
            yield name
