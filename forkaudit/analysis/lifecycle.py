"""Follow each started handle to where it is reaped, or to where it is lost.

One generic engine for every rule: a rule says what starts a handle and what reaps it; this module
finds start sites, follows the handle (discarded, bound to a local, stored on ``self``, put in a
container, returned from a factory) and decides, with a confidence, whether it is reaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst

from forkaudit.analysis.index import ClassInfo, ModuleIndex, ScopeNode, dotted_name
from forkaudit.analysis.subclasses import SubclassInfo
from forkaudit.analysis.walk import children, walk
from forkaudit.model import Rule

EXIT_FUNCTIONS = frozenset(
    {
        "os._exit",
        "sys.exit",
        "@exit",
        "exit",
        "quit",
        "os.abort",
        "os.execv",
        "os.execve",
        "os.execvp",
        "os.execvpe",
        "os.execl",
        "os.execle",
        "os.execlp",
        "os.execlpe",
    }
)
PID_WAIT_ANY = frozenset({"os.wait", "os.wait3"})
PID_WAIT_FUNCTIONS = frozenset({"os.waitpid", "os.wait4", "os.waitid"})
MP_WAIT_ANY = frozenset({"multiprocessing.active_children"})
OS_KINDS = frozenset({"fork", "spawn", "popen", "os-popen", "asyncio-subprocess"})
CONTAINER_ADD = frozenset(
    {"append", "add", "appendleft", "insert", "put", "put_nowait", "extend", "setdefault", "update"}
)
CONTAINER_TAKE = frozenset({"pop", "popleft", "get", "get_nowait", "popitem"})
ITER_WRAPPERS = frozenset(
    {"list", "tuple", "reversed", "sorted", "set", "iter", "enumerate", "copy"}
)
ITER_METHODS = frozenset({"values", "items", "copy", "keys"})
# Callees that look at a handle without taking ownership of it.
NON_OWNING = frozenset(
    {
        "print",
        "str",
        "repr",
        "len",
        "id",
        "isinstance",
        "hash",
        "bool",
        "int",
        "format",
        "type",
        "vars",
        "os.kill",
        "os.killpg",
        "os.getpgid",
        "os.setpgid",
        "signal.pthread_kill",
        "log",
        "debug",
        "info",
        "warning",
        "warn",
        "error",
        "exception",
        "critical",
    }
)
FOREVER_METHODS = frozenset({"run_forever", "serve_forever", "forever", "loop_forever"})
ONE_OFF_FUNCTIONS = frozenset(
    {"main", "_main", "cli", "run_main", "__main__", "entrypoint", "entry_point"}
)
LOOP_NODES = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


@dataclass
class Site:
    rule: Rule
    node: cst.BaseExpression  # the expression whose value is the handle
    call: cst.Call  # the call to report
    via: str
    started: bool
    daemon: bool = False
    forever: bool = False
    forever_reason: str = ""
    target_known: bool = False  # we saw the thread's code and know whether it loops forever
    timer_chain: bool = False
    tuple_index: int = 0  # which element of a returned tuple is the handle (pid, fd = forkpty())
    reap_methods: frozenset[str] = frozenset()
    context_manager: bool = False
    depth: int = 0


@dataclass
class Verdict:
    leak: bool
    confidence: str = "high"
    reason: str = ""
    started: bool = False
    daemon: bool = False
    factory: cst.FunctionDef | None = None  # the handle leaves its function through return/yield
    factory_index: int = 0  # its position when returned in a tuple


@dataclass
class RawFinding:
    rule: Rule
    call: cst.Call
    confidence: str
    message: str
    flags: tuple[str, ...]
    severity: str


@dataclass
class _Evidence:
    """What the uses of one binding say about its handle."""

    reaps: list[cst.CSTNode] = field(default_factory=list)
    conditional_reaps: list[cst.CSTNode] = field(default_factory=list)
    started: bool = False
    daemon: bool = False
    escapes: list[str] = field(default_factory=list)
    returned: list[cst.CSTNode] = field(default_factory=list)
    returned_index: int = 0
    sub_verdicts: list[Verdict] = field(default_factory=list)


def _is_true(node: cst.BaseExpression | None) -> bool:
    if isinstance(node, cst.Name):
        return node.value == "True"
    if isinstance(node, cst.Integer):
        return node.value not in ("0",)
    return False


class Analyzer:
    def __init__(
        self,
        index: ModuleIndex,
        rules: Sequence[Rule],
        external_subclasses: dict[str, SubclassInfo] | None = None,
    ) -> None:
        self.index = index
        self.rules = rules
        self.start_map: dict[str, Rule] = {q: rule for rule in rules for q in rule.starts}
        self.external = external_subclasses or {}
        self.os_reaper, self.mp_reaper = self._module_reapers()
        self.subclasses = self._find_subclasses()
        self.entry_points = self._entry_points()
        self.findings: list[RawFinding] = []
        self._reported: set[int] = set()
        self._exits: set[str] | None = None
        self._active: set[tuple[str, str, int]] = set()

    # ================================================================== module facts

    def _module_reapers(self) -> tuple[str, str]:
        """Wait-any evidence anywhere in the module: os.wait(), waitpid(-1|0), SIGCHLD ignored."""
        os_reaper = ""
        mp_reaper = ""
        for call in self.index.calls:
            name = self.index.resolve(call.func)
            if name is None:
                continue
            if name in PID_WAIT_ANY:
                os_reaper = f"{name}() reaps every child of this module"
            elif name in ("os.waitpid", "os.wait4") and call.args:
                first = call.args[0].value
                if _is_minus_one_or_zero(first):
                    os_reaper = f"{self.index.code(call.func)}({self.index.code(first)}, ...) reaps every child of this module"
            elif (
                name == "os.waitid"
                and call.args
                and self.index.resolve(call.args[0].value) == "os.P_ALL"
            ):
                os_reaper = "os.waitid(P_ALL, ...) reaps every child of this module"
            elif name == "signal.signal" and len(call.args) >= 2:
                signum = self.index.resolve(call.args[0].value)
                handler = self.index.resolve(call.args[1].value)
                if signum == "signal.SIGCHLD" and handler == "signal.SIG_IGN":
                    os_reaper = "SIGCHLD is ignored, so the kernel reaps children at once"
            elif name in MP_WAIT_ANY:
                mp_reaper = "multiprocessing.active_children() reaps finished children"
        return os_reaper, mp_reaper

    def _entry_points(self) -> set[str]:
        """Functions handed to a Thread/Process as its target: they run once per child, not per call."""
        names: set[str] = set()
        for call in self.index.calls:
            callee = (dotted_name(call.func) or "").lower()
            spawner = any(
                word in callee for word in ("process", "thread", "spawn", "fork", "worker", "timer")
            )
            for arg in call.args:
                if (arg.keyword is not None and arg.keyword.value in ("target", "function")) or (
                    spawner and arg.keyword is None
                ):
                    value = arg.value
                    if isinstance(value, cst.Name):
                        names.add(value.value)
                    elif isinstance(value, cst.Attribute):
                        names.add(value.attr.value)
        return names

    def _base_rule(self, qualified: str | None) -> Rule | None:
        if qualified is None:
            return None
        rule = self.start_map.get(qualified.rstrip("*"))
        if rule is not None and rule.start_method:
            return rule
        return None

    def _find_subclasses(self) -> dict[str, SubclassInfo]:
        found: dict[str, SubclassInfo] = {}
        changed = True
        while changed:
            changed = False
            for name, info in self.index.classes.items():
                if name in found:
                    continue
                parent: SubclassInfo | None = None
                rule: Rule | None = None
                for base in info.bases:
                    rule = self._base_rule(base)
                    if rule is not None:
                        break
                    if base.startswith("@") and base[1:] in found:
                        parent = found[base[1:]]
                        rule = parent.rule
                        break
                    short = base.rsplit(".", 1)[-1]
                    if short in self.external and not base.startswith(
                        ("threading.", "multiprocessing.")
                    ):
                        parent = self.external[short]
                        rule = parent.rule
                        break
                if rule is None:
                    continue
                found[name] = self._describe_subclass(info, rule, parent)
                changed = True
        return found

    def _describe_subclass(
        self, info: ClassInfo, rule: Rule, parent: SubclassInfo | None
    ) -> SubclassInfo:
        init = info.methods.get("__init__")
        self_starting = bool(parent and parent.self_starting)
        daemon = bool(parent and parent.daemon)
        if init is not None:
            for call in _calls_in(self.index, init):
                func = call.func
                if (
                    isinstance(func, cst.Attribute)
                    and dotted_name(func.value) == "self"
                    and func.attr.value == rule.start_method
                ):
                    self_starting = True
                if (
                    isinstance(func, cst.Attribute)
                    and func.attr.value == "setDaemon"
                    and call.args
                    and _is_true(call.args[0].value)
                ):
                    daemon = True
                if _kwarg_true(call, "daemon"):
                    daemon = True
            for node in _walk_statements(init):
                if _assigns_attr_true(node, "daemon"):
                    daemon = True
        for statement in info.node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if (
                        isinstance(small, cst.Assign)
                        and any(
                            isinstance(t.target, cst.Name) and t.target.value == "daemon"
                            for t in small.targets
                        )
                        and _is_true(small.value)
                    ):
                        daemon = True
        reap = set(rule.reaped_by_methods) | (set(parent.reap_methods) if parent else set())
        changed = True
        while changed:
            changed = False
            for method_name, method in info.methods.items():
                if method_name in reap:
                    continue
                for call in _calls_in(self.index, method):
                    func = call.func
                    if (
                        isinstance(func, cst.Attribute)
                        and dotted_name(func.value) == "self"
                        and func.attr.value in reap
                    ):
                        reap.add(method_name)
                        changed = True
                        break
        context_manager = bool(parent and parent.context_manager) or "__exit__" in reap
        run = info.methods.get("run")
        loops_forever = bool(parent and parent.loops_forever)
        run_known = bool(parent and parent.run_known)
        if run is not None:
            loops_forever = _endless_loop(run) is not None
            run_known = True
        return SubclassInfo(
            name=info.name,
            rule=rule,
            self_starting=self_starting,
            daemon=daemon,
            reap_methods=frozenset(reap),
            context_manager=context_manager,
            loops_forever=loops_forever,
            run_known=run_known,
        )

    # ================================================================== sites

    def run(self) -> list[RawFinding]:
        for call in self.index.calls:
            site = self._site_for(call)
            if site is not None:
                self._analyse(site)
        return self.findings

    def _site_for(self, call: cst.Call) -> Site | None:
        qualified = self.index.resolve(call.func)
        if qualified is None or _in_dead_code(self.index, call):
            return None
        rule = self.start_map.get(qualified.rstrip("*"))
        subclass: SubclassInfo | None = None
        if rule is None:
            if qualified.startswith("@"):
                subclass = self.subclasses.get(qualified[1:])
            else:
                short = qualified.rsplit(".", 1)[-1]
                if qualified.startswith(".") or (
                    "." in qualified and not qualified.startswith(("threading", "multiprocessing"))
                ):
                    subclass = self.external.get(short)
            if subclass is None:
                return None
            rule = subclass.rule
        if rule.arg_condition is not None and not self._arg_condition_holds(rule, call):
            return None
        node: cst.BaseExpression = call
        parent = self.index.parent_of(call)
        if isinstance(parent, cst.Await):
            node = parent
        site = Site(
            rule=rule,
            node=node,
            call=call,
            via=qualified.lstrip("@").rstrip("*"),
            started=not rule.start_method,
            reap_methods=frozenset(rule.reaped_by_methods),
            context_manager=rule.context_manager,
        )
        if subclass is not None:
            site.started = site.started or subclass.self_starting
            site.daemon = subclass.daemon
            site.reap_methods = subclass.reap_methods
            site.context_manager = subclass.context_manager
            site.target_known = subclass.run_known
            if subclass.loops_forever:
                site.forever = True
                site.forever_reason = f"{subclass.name}.run() loops with no exit"
        if _kwarg_true(call, "daemon"):
            site.daemon = True
        if rule.kind in ("thread", "process") and (subclass is None or not subclass.run_known):
            self._check_target(site)
        return site

    def _arg_condition_holds(self, rule: Rule, call: cst.Call) -> bool:
        condition = rule.arg_condition
        assert condition is not None
        value: cst.BaseExpression | None = None
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if len(positional) > condition.index:
            value = positional[condition.index].value
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == condition.keyword:
                value = arg.value
        if value is None:
            return False
        resolved = self.index.resolve(value)
        return resolved is not None and resolved.rstrip("*") in condition.values

    def _check_target(self, site: Site) -> None:
        """Does the thread's target loop forever, or (a Timer) re-arm another Timer?"""
        target = _target_expr(site.call, timer=site.via.endswith("Timer"))
        if target is None:
            return
        if isinstance(target, cst.Attribute) and target.attr.value in FOREVER_METHODS:
            site.forever = site.target_known = True
            site.forever_reason = f"its target {self.index.code(target)} runs forever"
            return
        if isinstance(target, cst.Lambda):
            site.target_known = True
            return
        function = self._function_for(target, site.call)
        if function is None:
            return
        site.target_known = True
        endless = _endless_loop(function)
        if endless is not None:
            site.forever = True
            site.forever_reason = f"its target {function.name.value}() loops with no exit (line {self.index.line_of(endless)})"
            return
        if site.via.endswith("Timer") and self._rearms_timer(function, site.call):
            site.forever = site.timer_chain = True
            site.forever_reason = (
                f"its function {function.name.value}() arms a new Timer: a runaway timer chain"
            )

    def _function_for(self, expr: cst.BaseExpression, near: cst.CSTNode) -> cst.FunctionDef | None:
        if isinstance(expr, cst.Name):
            scope = self.index.scope_of(near)
            best = None
            for function in self.index.functions:
                if function.name.value == expr.value:
                    if scope is not self.index.module and self.index.inside(function, scope):
                        return function
                    if best is None:
                        best = function
            return best
        if isinstance(expr, cst.Attribute) and dotted_name(expr.value) == "self":
            info = self.index.class_of(near)
            if info is not None:
                return self._method(info, expr.attr.value)
        return None

    def _method(self, info: ClassInfo, name: str) -> cst.FunctionDef | None:
        seen: set[str] = set()
        current: ClassInfo | None = info
        while current is not None and current.name not in seen:
            seen.add(current.name)
            if name in current.methods:
                return current.methods[name]
            nxt = None
            for base in current.bases:
                if base.startswith("@") and base[1:] in self.index.classes:
                    nxt = self.index.classes[base[1:]]
                    break
            current = nxt
        return None

    def _rearms_timer(self, function: cst.FunctionDef, near: cst.CSTNode) -> bool:
        pending: list[cst.FunctionDef] = [function]
        seen: set[int] = set()
        while pending:
            current = pending.pop()
            if id(current) in seen or len(seen) > 4:
                continue
            seen.add(id(current))
            for call in _calls_in(self.index, current):
                resolved = self.index.resolve(call.func)
                if resolved is not None and resolved.rstrip("*") == "threading.Timer":
                    return True
                if isinstance(call.func, cst.Attribute) and dotted_name(call.func.value) == "self":
                    callee = self._function_for(call.func, near)
                    if callee is not None:
                        pending.append(callee)
        return False

    # ================================================================== following a handle

    def _analyse(self, site: Site) -> None:
        if id(site.call) in self._reported:
            return
        rule = site.rule
        if rule.wait_any:
            if rule.kind in OS_KINDS and self.os_reaper:
                return
            if rule.kind == "process" and self.mp_reaper:
                return
        if not rule.reaped_by_methods and not rule.reaped_by_functions and not site.reap_methods:
            verdict = Verdict(
                leak=True, reason="the thread it starts cannot be joined", started=True
            )
        else:
            verdict = self._follow(site, site.node)
        if verdict.factory is not None and site.depth < 3:
            callers = self._factory_callers(verdict.factory)
            if callers:
                for caller in callers:
                    child = replace(
                        site,
                        node=caller,
                        via=f"{verdict.factory.name.value}() (returns {site.via})",
                        started=verdict.started or site.started,
                        daemon=verdict.daemon or site.daemon,
                        depth=site.depth + 1,
                        call=caller if isinstance(caller, cst.Call) else site.call,
                        tuple_index=verdict.factory_index,
                    )
                    if isinstance(caller, cst.Call):
                        self._analyse_factory_call(child, site)
                return
            if not verdict.leak:
                return
        if not verdict.leak and site.timer_chain and (verdict.started or site.started):
            verdict = Verdict(
                True,
                "medium",
                f"{site.via} is re-armed by its own function: every outside call starts another chain, and a stop can cancel only the newest",
                started=True,
                daemon=verdict.daemon,
            )
        if not verdict.leak:
            return
        if rule.start_method and not (verdict.started or site.started):
            return
        self._report(site, verdict)

    def _analyse_factory_call(self, child: Site, origin: Site) -> None:
        verdict = self._follow(child, child.node)
        if verdict.factory is not None and child.depth < 3:
            callers = self._factory_callers(verdict.factory)
            for caller in callers:
                if isinstance(caller, cst.Call):
                    self._analyse_factory_call(
                        replace(
                            child,
                            tuple_index=verdict.factory_index,
                            node=caller,
                            call=caller,
                            via=f"{verdict.factory.name.value}()",
                            depth=child.depth + 1,
                        ),
                        origin,
                    )
            return
        if not verdict.leak:
            return
        if child.rule.start_method and not (verdict.started or child.started):
            return
        verdict.reason = f"{verdict.reason}; the handle comes from {child.via}"
        if verdict.confidence == "high":
            verdict.confidence = "medium"
        self._report(child, verdict)

    def _factory_callers(self, function: cst.FunctionDef) -> list[cst.BaseExpression]:
        name = function.name.value
        owner = None
        if self._is_method(function):
            holder = self.index.parent_of(self.index.parent_of(function) or function)
            if isinstance(holder, cst.ClassDef):
                owner = self.index.classes.get(holder.name.value)
        out: list[cst.BaseExpression] = []
        for call in self.index.calls:
            func = call.func
            if (
                owner is None
                and isinstance(func, cst.Name)
                and func.value == name
                and self.index.resolve(func) == f"@{name}"
            ) or (
                owner is not None
                and isinstance(func, cst.Attribute)
                and func.attr.value == name
                and dotted_name(func.value) in ("self", "cls", owner.name)
            ):
                pass
            else:
                continue
            if self.index.inside(call, function):
                continue  # recursion
            parent = self.index.parent_of(call)
            out.append(parent if isinstance(parent, cst.Await) else call)
        return out

    def _is_method(self, function: cst.FunctionDef) -> bool:
        return isinstance(
            self.index.parent_of(self.index.parent_of(function) or function), cst.ClassDef
        )

    def _follow(self, site: Site, node: cst.BaseExpression) -> Verdict:
        """Where does the value of ``node`` go?"""
        index = self.index
        parent = index.parent_of(node)
        rule = site.rule
        what = site.via
        if isinstance(parent, cst.Attribute) and parent.value is node:
            method = parent.attr.value
            grand = index.parent_of(parent)
            if isinstance(grand, cst.Call) and grand.func is parent:
                if method == rule.start_method and rule.start_method:
                    after = self._follow(replace(site, started=True), grand)
                    if after.leak:
                        return Verdict(
                            True,
                            "high",
                            f"{what} is started and dropped: nothing can {_reap_verb(rule)} it",
                            started=True,
                            daemon=site.daemon,
                        )
                    return replace(after, started=True)
                if method in site.reap_methods:
                    return Verdict(False, started=site.started)
                if method == "setDaemon":
                    return self._follow(replace(site, daemon=True), grand)
            return Verdict(
                True,
                "high",
                f"{what} is used once and dropped ({index.code(parent)}...): it is never {_reaped(rule)}",
                started=site.started,
                daemon=site.daemon,
            )
        if isinstance(parent, cst.Expr):
            if rule.start_method and not site.started:
                return Verdict(False)
            return Verdict(
                True,
                "high",
                f"{what} is discarded at once: nothing can {_reap_verb(rule)} it",
                started=site.started,
                daemon=site.daemon,
            )
        if isinstance(parent, cst.WithItem):
            if site.context_manager:
                return Verdict(False, started=True)
            return Verdict(
                True,
                "medium",
                f"{what} is used as a context manager that does not {_reap_verb(rule)} it",
                started=site.started,
            )
        if isinstance(parent, cst.Assign | cst.AnnAssign) and parent.value is node:
            targets = (
                [t.target for t in parent.targets]
                if isinstance(parent, cst.Assign)
                else [parent.target]
            )
            verdicts = [self._follow_target(site, target, parent) for target in targets]
            return _merge(verdicts)
        if isinstance(parent, cst.NamedExpr) and parent.value is node:
            return self._follow_target(site, parent.target, parent)
        if isinstance(parent, cst.Arg):
            return self._follow_arg(site, parent)
        if isinstance(parent, cst.Return | cst.Yield):
            function = self._enclosing_function(parent)
            if function is None:
                return Verdict(False)
            return Verdict(False, started=site.started, daemon=site.daemon, factory=function)
        if isinstance(parent, cst.Element | cst.DictElement | cst.StarredElement):
            container = index.parent_of(parent)
            if isinstance(container, cst.Tuple) and isinstance(
                index.parent_of(container), cst.Return | cst.Yield
            ):
                function = self._enclosing_function(container)
                if function is None:
                    return Verdict(False)
                position = _element_index(container, parent)
                return Verdict(
                    False,
                    started=site.started,
                    daemon=site.daemon,
                    factory=function,
                    factory_index=position,
                )
            if isinstance(container, cst.List | cst.Tuple | cst.Set | cst.Dict):
                return self._follow_container_value(site, container) or Verdict(False)
            return Verdict(False)
        if isinstance(parent, cst.ListComp | cst.SetComp | cst.GeneratorExp) and parent.elt is node:
            return self._follow_container_value(site, parent) or Verdict(False)
        if isinstance(parent, cst.DictComp) and parent.value is node:
            return self._follow_container_value(site, parent) or Verdict(False)
        if rule.handle == "pid" and isinstance(
            parent,
            cst.If
            | cst.Comparison
            | cst.UnaryOperation
            | cst.ComparisonTarget
            | cst.BooleanOperation,
        ):
            if_node = _enclosing_if_test(index, node)
            if if_node is not None and self._parent_exits(if_node, node):
                return Verdict(False)
            return Verdict(
                True,
                "high",
                f"the pid of {what} is only tested, never kept: the parent cannot wait for the child",
                started=True,
            )
        if isinstance(parent, cst.Await):
            return self._follow(site, parent)
        # Anything else (a lambda body, an f-string, a comparison...): we cannot tell; stay silent.
        return Verdict(False)

    def _follow_target(
        self, site: Site, target: cst.BaseExpression, statement: cst.CSTNode
    ) -> Verdict:
        if isinstance(target, cst.Tuple | cst.List) and target.elements:
            # pid, fd = os.forkpty(): the handle is the first element (or the one a factory says).
            if site.tuple_index >= len(target.elements):
                return Verdict(False)
            element = target.elements[site.tuple_index]
            if isinstance(element, cst.StarredElement):
                return Verdict(False)
            if isinstance(element.value, cst.Name) and element.value.value == "_":
                return Verdict(
                    True,
                    "high",
                    f"{site.via} is unpacked into `_` and dropped: nothing can {_reap_verb(site.rule)} it",
                    started=site.started,
                    daemon=site.daemon,
                )
            return self._follow_target(site, element.value, statement)
        if isinstance(target, cst.Name):
            return self._follow_local(site, target.value, statement)
        if isinstance(target, cst.Attribute) and dotted_name(target.value) in ("self", "cls"):
            return self._follow_attribute(site, target.attr.value, statement)
        if isinstance(target, cst.Subscript):
            holder = target.value
            return self._follow_container(site, holder, statement)
        if isinstance(target, cst.Attribute):
            return Verdict(False)  # stored on another object: ownership moves there
        return Verdict(False)

    def _follow_arg(self, site: Site, arg: cst.Arg) -> Verdict:
        index = self.index
        call = index.parent_of(arg)
        if not isinstance(call, cst.Call):
            return Verdict(False)
        func = call.func
        resolved = index.resolve(func)
        if (
            site.rule.handle == "pid"
            and resolved in site.rule.reaped_by_functions
            and call.args
            and call.args[0] is arg
        ):
            return Verdict(False)
        if isinstance(func, cst.Attribute) and func.attr.value in CONTAINER_ADD:
            return self._follow_container(site, func.value, call)
        short = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else (func.value if isinstance(func, cst.Name) else "")
        )
        if short in NON_OWNING or (resolved or "") in NON_OWNING:
            grand = index.parent_of(call)
            if isinstance(grand, cst.Expr):
                return Verdict(
                    True,
                    "high",
                    f"{site.via} is only inspected ({short}()) and then lost",
                    started=site.started,
                    daemon=site.daemon,
                )
            return Verdict(False)
        if resolved is not None and resolved.rstrip("*") in self.start_map:
            return Verdict(False)
        return Verdict(False)  # passed to another function: ownership moves

    def _enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef):
                return ancestor
            if isinstance(ancestor, cst.Lambda):
                return None
        return None

    # ------------------------------------------------------------------ locals

    def _scope_for_local(self, name: str, statement: cst.CSTNode) -> ScopeNode:
        scope = self.index.scope_of(statement)
        if isinstance(scope, cst.FunctionDef):
            for node in _walk_statements(scope):
                if isinstance(node, cst.Global) and any(n.name.value == name for n in node.names):
                    return self.index.module
        return scope

    def _once(self, key: tuple[str, str, int], compute: Callable[[], Verdict]) -> Verdict:
        """Follow a binding at most once at a time: `x = d[k]; d[k] = x` must not loop."""
        if key in self._active:
            return Verdict(False)
        self._active.add(key)
        try:
            return compute()
        finally:
            self._active.discard(key)

    def _follow_local(
        self, site: Site, name: str, statement: cst.CSTNode, depth: int = 0
    ) -> Verdict:
        scope = self._scope_for_local(name, statement)
        return self._once(
            ("local", name, id(scope)), lambda: self._follow_local_now(site, name, statement, depth)
        )

    def _follow_local_now(
        self, site: Site, name: str, statement: cst.CSTNode, depth: int = 0
    ) -> Verdict:
        index = self.index
        scope = self._scope_for_local(name, statement)
        statement_line = index.statement_of(statement)
        evidence = _Evidence(started=site.started, daemon=site.daemon)
        for use in index.uses(name, scope):
            if index.inside(use, statement_line) and _is_binding_of(index, use, statement_line):
                continue
            self._classify_use(site, use, evidence, depth)
        return self._judge_local(site, name, statement_line, scope, evidence)

    def _classify_use(
        self, site: Site, use: cst.BaseExpression, evidence: _Evidence, depth: int
    ) -> None:
        """Record what one read of the handle does to it."""
        index = self.index
        rule = site.rule
        parent = index.parent_of(use)
        if isinstance(parent, cst.Attribute) and parent.value is use:
            attr = parent.attr.value
            grand = index.parent_of(parent)
            if isinstance(grand, cst.Call) and grand.func is parent:
                if attr == rule.start_method and rule.start_method:
                    evidence.started = True
                elif attr in site.reap_methods or (attr == "poll" and _in_loop(index, grand)):
                    evidence.reaps.append(grand)
                elif attr == "setDaemon" and grand.args and _is_true(grand.args[0].value):
                    evidence.daemon = True
                return
            if isinstance(grand, cst.AssignTarget) and attr == "daemon":
                assign = index.parent_of(grand)
                if isinstance(assign, cst.Assign) and _is_true(assign.value):
                    evidence.daemon = True
                return
            if attr == "pid" and isinstance(grand, cst.Arg):
                call = index.parent_of(grand)
                if isinstance(call, cst.Call) and index.resolve(call.func) in PID_WAIT_FUNCTIONS:
                    evidence.reaps.append(call)
                elif isinstance(call, cst.Call):
                    self._maybe_escape_arg(site, grand, call, evidence)
            return
        if isinstance(parent, cst.WithItem) and parent.item is use:
            if site.context_manager:
                evidence.reaps.append(parent)
            return
        if isinstance(parent, cst.Arg):
            call = index.parent_of(parent)
            if not isinstance(call, cst.Call):
                return
            resolved = index.resolve(call.func)
            if resolved in rule.reaped_by_functions or resolved in PID_WAIT_FUNCTIONS:
                if call.args and call.args[0] is parent:
                    evidence.reaps.append(call)
                return
            if isinstance(call.func, cst.Attribute) and call.func.attr.value in CONTAINER_ADD:
                self._sub(evidence, self._follow_container(site, call.func.value, call), call)
                return
            self._maybe_escape_arg(site, parent, call, evidence)
            return
        if isinstance(parent, cst.Param) and parent.default is use:
            # lambda pid=self._pid: os.waitpid(pid, 0) -- the handle lives on in the parameter.
            function = index.parent_of(index.parent_of(parent) or parent)
            if isinstance(function, cst.Lambda | cst.FunctionDef):
                for param_use in index.uses(parent.name.value, function):
                    self._classify_use(site, param_use, evidence, depth + 1)
            return
        if isinstance(parent, cst.Return | cst.Yield):
            evidence.returned.append(parent)
            return
        if isinstance(parent, cst.Assign) and parent.value is use:
            for assign_target in parent.targets:
                inner = assign_target.target
                if isinstance(inner, cst.Name) and depth < 3:
                    alias = self._follow_local(
                        replace(site, started=evidence.started), inner.value, parent, depth + 1
                    )
                    self._sub(evidence, alias, parent)
                elif isinstance(inner, cst.Attribute) and dotted_name(inner.value) in (
                    "self",
                    "cls",
                ):
                    self._sub(
                        evidence,
                        self._follow_attribute(
                            replace(site, started=True), inner.attr.value, parent
                        ),
                        parent,
                    )
                elif isinstance(inner, cst.Subscript):
                    self._sub(evidence, self._follow_container(site, inner.value, parent), parent)
                else:
                    evidence.escapes.append(f"stored on {index.code(inner)}")
                    evidence.reaps.append(parent)
            return
        if isinstance(parent, cst.Element | cst.DictElement):
            container = index.parent_of(parent)
            if isinstance(container, cst.List | cst.Tuple | cst.Set | cst.Dict):
                holder = index.parent_of(container)
                if isinstance(holder, cst.For) and holder.iter is container:
                    self._sub(evidence, self._loop_reaps(site, holder), holder)
                    return
                if isinstance(holder, cst.Return | cst.Yield):
                    evidence.returned.append(holder)
                    if isinstance(container, cst.Tuple):
                        evidence.returned_index = _element_index(container, parent)
                    return
                where = self._follow_container_value(site, container)
                if where is not None:
                    self._sub(evidence, where, container)
            return
        if isinstance(parent, cst.AugAssign):
            return

    def _sub(self, evidence: _Evidence, verdict: Verdict, anchor: cst.CSTNode) -> None:
        """A verdict about where the handle went from ``anchor``; a safe hand-off counts as a reap there."""
        evidence.sub_verdicts.append(verdict)
        if not verdict.leak and verdict.factory is None:
            evidence.reaps.append(anchor)

    def _maybe_escape_arg(
        self, site: Site, arg: cst.Arg, call: cst.Call, evidence: _Evidence
    ) -> None:
        func = call.func
        resolved = self.index.resolve(func) or ""
        short = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else (func.value if isinstance(func, cst.Name) else "")
        )
        if short in NON_OWNING or resolved in NON_OWNING or resolved.startswith("logging."):
            return
        if arg.keyword is not None and arg.keyword.value in ("target", "args"):
            return  # handed to a thread as data: the thread does not own the lifecycle by contract
        evidence.escapes.append(f"passed to {self.index.code(func)}()")
        evidence.reaps.append(call)

    def _judge_local(
        self, site: Site, name: str, statement: cst.CSTNode, scope: ScopeNode, evidence: _Evidence
    ) -> Verdict:
        rule = site.rule
        started = evidence.started or any(v.started for v in evidence.sub_verdicts)
        daemon = evidence.daemon
        where = (
            "the module"
            if scope is self.index.module
            else f"{getattr(scope, 'name', cst.Name('lambda')).value}()"
        )
        if rule.start_method and not started:
            return Verdict(False)
        if rule.handle == "pid" and self._parent_exits_for_name(name, statement, scope):
            return Verdict(False)
        leaking_subs = [v for v in evidence.sub_verdicts if v.leak]
        factories = [v.factory for v in evidence.sub_verdicts if v.factory is not None]
        if evidence.reaps:
            gap = self._reap_gap(rule, statement, evidence.reaps, scope, name)
            if gap is None:
                return Verdict(False, started=started, daemon=daemon)
            if leaking_subs:
                sub = leaking_subs[0]
                return Verdict(
                    True,
                    "low",
                    f"{sub.reason}; {gap}",
                    started=started,
                    daemon=daemon or sub.daemon,
                )
            if evidence.returned:
                return Verdict(
                    True,
                    "low",
                    f"bound to `{name}`: {gap}, otherwise it is returned to the caller un{_reaped(rule)}",
                    started=started,
                    daemon=daemon,
                )
            return Verdict(True, "low", f"bound to `{name}`: {gap}", started=started, daemon=daemon)
        if evidence.returned:
            function = self._enclosing_function(evidence.returned[0])
            return Verdict(
                False,
                started=started,
                daemon=daemon,
                factory=function,
                factory_index=evidence.returned_index,
            )
        if leaking_subs:
            sub = leaking_subs[0]
            return Verdict(
                True,
                sub.confidence,
                sub.reason,
                started=started or sub.started,
                daemon=daemon or sub.daemon,
            )
        if factories:
            return Verdict(False, started=started, daemon=daemon, factory=factories[0])
        return Verdict(
            True,
            "high",
            f"bound to `{name}` in {where} and never {_reaped(rule)}",
            started=started,
            daemon=daemon,
        )

    def _reap_gap(
        self,
        rule: Rule,
        statement: cst.CSTNode,
        reaps: list[cst.CSTNode],
        scope: ScopeNode,
        handle: str = "",
    ) -> str | None:
        """None when some reap runs on every path after ``statement``; else which path leaks.

        ``handle`` (``proc`` or ``self._proc``): an ``if proc is not None:`` guard around a reap
        does not make it conditional."""
        contains = _Contains(self.index, reaps, handle)
        # Walk up from the start statement: at each level, the statements after it in its block.
        current: cst.CSTNode = statement
        left_loop = False
        while True:
            parent = self.index.parent_of(current)
            if parent is None or current is scope:
                break
            block = _block_statements(parent)
            if block is not None:
                holder = current if current in block else None
                if holder is not None:
                    after = block[block.index(holder) + 1 :]
                    if any(contains.definitely(s) for s in after):
                        if left_loop:
                            return "only the one from the last loop iteration is reaped"
                        return None
            if isinstance(parent, cst.Try | cst.TryStar):
                if parent.finalbody is not None and any(
                    contains.definitely(s) for s in parent.finalbody.body.body
                ):
                    return None
                if (
                    parent.orelse is not None
                    and current is parent.body
                    and any(contains.definitely(s) for s in parent.orelse.body.body)
                ):
                    return None
            if isinstance(parent, cst.IndentedBlock):
                owner = self.index.parent_of(parent)
                if isinstance(owner, cst.For | cst.While) and owner.body is parent:
                    left_loop = True
            if parent is scope:
                break
            current = parent
        # Nested callbacks (a reap inside a nested function or lambda) count as deferred reaping.
        for reap in reaps:
            if self.index.scope_of(reap) is not scope:
                return None
        # Describe the condition that guards the first reap.
        for reap in reaps:
            for ancestor in self.index.ancestors(reap):
                if ancestor is scope:
                    break
                if isinstance(ancestor, cst.ExceptHandler):
                    return (
                        f"{_reaped(rule)} only when an exception is raised; the normal path leaks"
                    )
                if isinstance(ancestor, cst.If):
                    test = self.index.code(ancestor.test).strip()
                    in_else = ancestor.orelse is not None and self.index.inside(
                        reap, ancestor.orelse
                    )
                    condition = f"not ({test})" if in_else else test
                    return f"{_reaped(rule)} only when `{_short(condition)}`; the other path leaks"
        return f"{_reaped(rule)} on some paths only"

    # ------------------------------------------------------------------ pids: parent exits

    def _parent_exits_for_name(self, name: str, statement: cst.CSTNode, scope: ScopeNode) -> bool:
        for use in self.index.uses(name, scope):
            if_node = _enclosing_if_test(self.index, use)
            if if_node is not None and self._parent_exits(if_node, use):
                return True
        return False

    def _parent_exits(self, if_node: cst.If, handle: cst.CSTNode) -> bool:
        polarity = _parent_polarity(if_node.test, handle)
        if polarity is None:
            return False
        self._exit_functions()
        branch: cst.BaseSuite | None
        if polarity:
            branch = if_node.body
        else:
            orelse = if_node.orelse
            branch = orelse.body if isinstance(orelse, cst.Else) else None
            if branch is None:
                # `if pid == 0: <child>` then the parent goes on after the if: look at what follows.
                return False
        return branch is not None and self._block_exits(branch)

    def _exit_functions(self) -> set[str]:
        """Module functions that always end the process (`def end(): ...; sys.exit(1)`)."""
        if self._exits is None:
            self._exits = set()
            for function in self.index.functions:
                if isinstance(self.index.parent_of(function), cst.Module) and isinstance(
                    function.body, cst.IndentedBlock
                ):
                    last = function.body.body[-1:] if function.body.body else []
                    if last and self._block_exits(cst.IndentedBlock(body=list(last))):
                        self._exits.add(function.name.value)
        return self._exits

    def _block_exits(self, suite: cst.BaseSuite) -> bool:
        statements: Sequence[cst.CSTNode]
        if isinstance(suite, (cst.IndentedBlock, cst.SimpleStatementSuite)):
            statements = suite.body
        else:
            return False
        for statement in statements:
            smalls: Iterable[cst.CSTNode] = (
                statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement]
            )
            for small in smalls:
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                    resolved = self.index.resolve(small.value.func) or ""
                    if (
                        resolved in EXIT_FUNCTIONS
                        or resolved.lstrip("@") in ("exit", "quit")
                        or (
                            resolved.startswith("@")
                            and self._exits is not None
                            and resolved[1:] in self._exits
                        )
                        or (
                            isinstance(small.value.func, cst.Name)
                            and small.value.func.value in ("exit", "quit")
                        )
                    ):
                        return True
                if isinstance(small, cst.Raise) and small.exc is not None:
                    exc = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
                    if dotted_name(exc) == "SystemExit":
                        return True
        return False

    # ------------------------------------------------------------------ attributes on self

    def _class_family(self, info: ClassInfo) -> list[ClassInfo]:
        """The class, its local ancestors and its local descendants (not its siblings)."""
        family = {info.name: info}
        pending = [info]
        while pending:  # ancestors
            member = pending.pop()
            for base in member.bases:
                name = base[1:] if base.startswith("@") else ""
                if name in self.index.classes and name not in family:
                    family[name] = self.index.classes[name]
                    pending.append(family[name])
        descendants = {info.name}
        changed = True
        while changed:
            changed = False
            for other in self.index.classes.values():
                if other.name not in descendants and any(
                    b.startswith("@") and b[1:] in descendants for b in other.bases
                ):
                    descendants.add(other.name)
                    family[other.name] = other
                    changed = True
        return list(family.values())

    def _follow_attribute(self, site: Site, attr: str, statement: cst.CSTNode) -> Verdict:
        owner = self.index.class_of(statement)
        key = ("attribute", attr, id(owner.node) if owner is not None else 0)
        return self._once(key, lambda: self._follow_attribute_now(site, attr, statement))

    def _follow_attribute_now(self, site: Site, attr: str, statement: cst.CSTNode) -> Verdict:
        index = self.index
        info = index.class_of(statement)
        rule = site.rule
        if info is None:
            return Verdict(False)
        evidence = _Evidence(started=site.started, daemon=site.daemon)
        statement_line = index.statement_of(statement)
        family = self._class_family(info)
        same_method = index.method_of(statement)
        other_method_reaps = False
        for member in family:
            for node in _self_attribute_nodes(index, member, attr):
                if index.inside(node, statement_line) and _is_binding_of(
                    index, node, statement_line
                ):
                    continue
                before = len(evidence.reaps)
                parent = index.parent_of(node)
                if isinstance(parent, cst.Assign) and parent.value is node:
                    # p = self._proc ; p.wait()
                    for target in parent.targets:
                        if isinstance(target.target, cst.Name):
                            alias = _Evidence()
                            scope = index.scope_of(parent)
                            for use in index.uses(target.target.value, scope):
                                self._classify_use(site, use, alias, 2)
                            evidence.reaps.extend(alias.reaps)
                            evidence.started = evidence.started or alias.started
                    continue
                if isinstance(parent, cst.Element):
                    container = index.parent_of(parent)
                    holder = index.parent_of(container) if container is not None else None
                    if isinstance(holder, cst.For) and holder.iter is container:
                        if not self._loop_reaps(site, holder).leak:
                            evidence.reaps.append(holder)
                        continue
                if isinstance(parent, cst.Attribute) and parent.value is node:
                    grand = index.parent_of(parent)
                    if (
                        isinstance(grand, cst.Call)
                        and grand.func is parent
                        and parent.attr.value in CONTAINER_ADD
                    ):
                        continue
                self._classify_use(site, node, evidence, 2)
                if len(evidence.reaps) > before and index.method_of(node) is not same_method:
                    other_method_reaps = True
        if rule.start_method and not evidence.started:
            return Verdict(False)
        if evidence.escapes:
            return Verdict(False, started=evidence.started, daemon=evidence.daemon)
        if evidence.reaps:
            if other_method_reaps or same_method is None:
                return Verdict(False, started=evidence.started, daemon=evidence.daemon)
            gap = self._reap_gap(
                rule, statement_line, evidence.reaps, index.scope_of(statement_line), f"self.{attr}"
            )
            if gap is None:
                return Verdict(False, started=evidence.started, daemon=evidence.daemon)
            return Verdict(
                True,
                "low",
                f"stored on self.{attr}: {gap}",
                started=evidence.started,
                daemon=evidence.daemon,
            )
        if evidence.returned:
            return Verdict(False, started=evidence.started, daemon=evidence.daemon)
        owner = info.name
        confidence = "medium"
        return Verdict(
            True,
            confidence,
            f"stored on self.{attr}; no method of {owner} {_reap_verb_3rd(rule)} it",
            started=evidence.started,
            daemon=evidence.daemon or site.daemon,
        )

    # ------------------------------------------------------------------ containers

    def _follow_container_value(self, site: Site, literal: cst.CSTNode) -> Verdict | None:
        """A handle put in a list/tuple/dict literal or comprehension: follow the container.

        None when the literal goes nowhere that owns it (a format tuple, a log argument...)."""
        parent = self.index.parent_of(literal)
        if isinstance(parent, cst.Assign) and parent.value is literal:
            verdicts = []
            for target in parent.targets:
                verdicts.append(self._follow_container(site, target.target, parent))
            return _merge(verdicts)
        if isinstance(parent, cst.Return | cst.Yield):
            return Verdict(False, started=site.started, factory=self._enclosing_function(parent))
        if isinstance(parent, cst.For) and parent.iter is literal:
            return self._loop_reaps(site, parent)
        if isinstance(parent, cst.Arg):
            call = self.index.parent_of(parent)
            if not isinstance(call, cst.Call):
                return None
            if isinstance(call.func, cst.Attribute) and call.func.attr.value in CONTAINER_ADD:
                return self._follow_container(site, call.func.value, call)
            short = (
                call.func.attr.value
                if isinstance(call.func, cst.Attribute)
                else dotted_name(call.func) or ""
            )
            if short in NON_OWNING or (self.index.resolve(call.func) or "").startswith("logging."):
                return None
            return Verdict(False)  # handed to another function: ownership moves
        if isinstance(parent, cst.Element | cst.DictElement):
            outer = self.index.parent_of(parent)
            if outer is not None:
                return self._follow_container_value(site, outer)
        if isinstance(parent, cst.Expr):
            return Verdict(
                True,
                "high",
                f"{site.via} is created in a throw-away container and never {_reaped(site.rule)}",
                started=site.started,
            )
        return None

    def _follow_container(
        self, site: Site, holder: cst.BaseExpression, statement: cst.CSTNode
    ) -> Verdict:
        """The handle went into ``holder`` (a local or ``self.x`` container)."""
        key = ("container", dotted_name(holder) or "?", id(self.index.scope_of(statement)))
        return self._once(key, lambda: self._follow_container_now(site, holder, statement))

    def _follow_container_now(
        self, site: Site, holder: cst.BaseExpression, statement: cst.CSTNode
    ) -> Verdict:
        index = self.index
        key = dotted_name(holder)
        if key is None:
            return Verdict(False)
        parts = key.split(".")
        if parts[0] in ("self", "cls") and len(parts) == 2:
            info = index.class_of(statement)
            if info is None:
                return Verdict(False)
            nodes: list[cst.BaseExpression] = [
                n
                for member in self._class_family(info)
                for n in _self_attribute_nodes(index, member, parts[1])
            ]
            label = f"self.{parts[1]}"
            owner = f"no method of {info.name}"
        elif len(parts) == 1:
            scope = self._scope_for_local(key, statement)
            nodes = list(index.uses(key, scope))
            label = f"`{key}`"
            owner = "nothing"
        else:
            return Verdict(False)
        started = site.started
        escaped = False
        for node in nodes:
            parent = index.parent_of(node)
            # for p in procs / procs.values() / list(procs) / reversed(procs) ...
            iterated = _iteration_of(index, node)
            if iterated is not None:
                verdict = self._loop_reaps(site, iterated)
                started = started or verdict.started
                if not verdict.leak:
                    return Verdict(False, started=started)
                continue
            if isinstance(parent, cst.Attribute) and parent.value is node:
                grand = index.parent_of(parent)
                if (
                    isinstance(grand, cst.Call)
                    and grand.func is parent
                    and parent.attr.value in CONTAINER_TAKE
                ):
                    taken = self._follow(replace(site, started=True), grand)
                    if not taken.leak:
                        return Verdict(False, started=started)
                continue
            if isinstance(parent, cst.Subscript) and parent.value is node:
                # procs[k].wait()
                sub = self._follow(replace(site, started=True), parent)
                if not sub.leak and isinstance(index.parent_of(parent), cst.Attribute):
                    return Verdict(False, started=started)
                continue
            if isinstance(parent, cst.Arg):
                call = index.parent_of(parent)
                if isinstance(call, cst.Call):
                    callee = index.resolve(call.func) or dotted_name(call.func) or ""
                    short = callee.rsplit(".", 1)[-1]
                    if short not in ITER_WRAPPERS and short not in NON_OWNING:
                        escaped = True
                continue
            if isinstance(parent, cst.Return | cst.Yield):
                escaped = True
        if escaped:
            return Verdict(False, started=started)
        if parts[0] in ("self", "cls") and not parts[1].startswith("_"):
            # A public collection on the object: other modules manage it (and can't be seen from here).
            return Verdict(False, started=started)
        if site.rule.start_method and not started:
            # Threads put in a container and started later in a loop over it.
            return Verdict(False)
        return Verdict(
            True,
            "medium",
            f"kept in {label}; {owner} {_reap_verb_3rd(site.rule)} its elements",
            started=started,
        )

    def _loop_reaps(self, site: Site, loop: cst.CSTNode) -> Verdict:
        """Does this for-loop / comprehension over the container reap each element (and start it)?"""
        index = self.index
        target: cst.BaseExpression | None
        body: cst.CSTNode
        if isinstance(loop, cst.For):
            target, body = loop.target, loop.body
        elif isinstance(loop, cst.CompFor):
            target, body = loop.target, index.parent_of(loop) or loop
        else:
            return Verdict(True, "medium", "")
        names = _target_names(target)
        evidence = _Evidence(started=site.started)
        for name in names:
            for use in index.uses(name, body):
                self._classify_use(replace(site, started=True), use, evidence, 2)
        if isinstance(loop, cst.CompFor):
            comp = index.parent_of(loop)
            if isinstance(comp, cst.ListComp | cst.SetComp | cst.GeneratorExp):
                for name in names:
                    for use in _names_in(index, comp.elt, name):
                        self._classify_use(replace(site, started=True), use, evidence, 2)
        if evidence.reaps or evidence.escapes:
            return Verdict(False, started=evidence.started)
        return Verdict(True, "medium", "", started=evidence.started)

    # ------------------------------------------------------------------ reporting

    def _report(self, site: Site, verdict: Verdict) -> None:
        if id(site.call) in self._reported:
            return
        rule = site.rule
        flags: list[str] = []
        in_loop = _in_loop(self.index, site.call)
        per_call = self._per_call(site.call)
        if rule.kind == "pool" and not (in_loop or per_call):
            return  # a module-level (or one-off) pool is a singleton for the process: nothing piles up
        if rule.kind == "thread":
            # A thread that ends by itself costs nothing once it has ended; what hurts is a thread
            # that never ends: started per call (they pile up) or non-daemon (exit hangs on it).
            daemon_now = verdict.daemon or site.daemon
            if site.forever:
                if not (in_loop or per_call or site.timer_chain) and daemon_now:
                    return
            elif site.target_known or not (in_loop or per_call) or site.depth > 0:
                return
            else:
                verdict.confidence = "low"
                verdict.reason = (
                    f"{verdict.reason}; its target could not be read, so it may or may not end"
                )
        self._reported.add(id(site.call))
        if in_loop:
            flags.append("in-loop")
        if per_call:
            flags.append("per-call")
        if site.timer_chain:
            flags.append("timer-chain")
        accumulates = in_loop or per_call or site.timer_chain
        if accumulates:
            flags.append("accumulates")
        daemon = verdict.daemon or site.daemon
        if daemon:
            flags.append("daemon")
        severity = rule.severity
        if daemon and rule.daemon_severity:
            severity = rule.daemon_severity
        message = verdict.reason
        if site.forever:
            flags.append("loops-forever")
            message = f"{message}; {site.forever_reason}"
            if rule.forever_severity:
                severity = (
                    rule.forever_severity if accumulates else _one_below(rule.forever_severity)
                )
                if not accumulates and rule.kind == "thread":
                    message = f"{message}; a non-daemon thread that never ends keeps the interpreter from exiting"
        if site.forever and "timer chain" in site.forever_reason:
            verdict.confidence = "medium" if verdict.confidence == "high" else verdict.confidence
        if accumulates and not site.forever:
            message = f"{message} ({'in a loop' if in_loop else 'on every call'})"
        self.findings.append(
            RawFinding(
                rule=rule,
                call=site.call,
                confidence=verdict.confidence,
                message=message,
                flags=tuple(flags),
                severity=severity,
            )
        )

    def _per_call(self, node: cst.CSTNode) -> bool:
        function = None
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef) and function is None:
                function = ancestor
            if isinstance(ancestor, cst.If) and "__main__" in self.index.code(ancestor.test):
                return False
        if function is None:
            return False
        name = function.name.value
        return name not in ONE_OFF_FUNCTIONS and name not in self.entry_points


# ====================================================================== helpers


def _reaped(rule: Rule) -> str:
    if rule.kind in ("thread", "process"):
        return "joined"
    if rule.kind == "pool":
        return "shut down"
    if rule.kind == "os-popen":
        return "closed"
    return "waited"


def _reap_verb(rule: Rule) -> str:
    return {"joined": "join", "shut down": "shut down", "closed": "close"}.get(
        _reaped(rule), "wait for"
    )


def _reap_verb_3rd(rule: Rule) -> str:
    return {"joined": "joins", "shut down": "shuts down", "closed": "closes"}.get(
        _reaped(rule), "waits"
    )


def _one_below(severity: str) -> str:
    return {"high": "medium", "medium": "low"}.get(severity, "low")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _merge(verdicts: list[Verdict]) -> Verdict:
    for verdict in verdicts:
        if verdict.leak:
            return verdict
    for verdict in verdicts:
        if verdict.factory is not None:
            return verdict
    return verdicts[0] if verdicts else Verdict(False)


def _is_minus_one_or_zero(node: cst.BaseExpression) -> bool:
    if (
        isinstance(node, cst.UnaryOperation)
        and isinstance(node.operator, cst.Minus)
        and isinstance(node.expression, cst.Integer)
    ):
        return node.expression.value == "1"
    return isinstance(node, cst.Integer) and node.value == "0"


def _in_dead_code(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Inside the body of `if False:` / `if 0:`."""
    current = node
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.If) and ancestor.body is current:
            test = ancestor.test
            if (isinstance(test, cst.Name) and test.value == "False") or (
                isinstance(test, cst.Integer) and test.value == "0"
            ):
                return True
        current = ancestor
    return False


def _element_index(container: cst.Tuple, element: cst.CSTNode) -> int:
    for position, candidate in enumerate(container.elements):
        if candidate is element:
            return position
    return 0


def _kwarg_true(call: cst.Call, keyword: str) -> bool:
    return any(
        a.keyword is not None and a.keyword.value == keyword and _is_true(a.value)
        for a in call.args
    )


def _assigns_attr_true(node: cst.CSTNode, attr: str) -> bool:
    if isinstance(node, cst.Assign) and _is_true(node.value):
        for target in node.targets:
            t = target.target
            if (
                isinstance(t, cst.Attribute)
                and t.attr.value == attr
                and dotted_name(t.value) == "self"
            ):
                return True
    return False


def _target_expr(call: cst.Call, timer: bool) -> cst.BaseExpression | None:
    keyword = "function" if timer else "target"
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if len(positional) >= 2:
        return positional[1].value
    return None


def _walk_statements(function: cst.CSTNode, skip_nested: bool = True) -> list[cst.CSTNode]:
    return list(walk(function, skip_nested=skip_nested))


def _calls_in(index: ModuleIndex, function: cst.CSTNode) -> list[cst.Call]:
    return [n for n in _walk_statements(function) if isinstance(n, cst.Call)]


def _names_in(index: ModuleIndex, node: cst.CSTNode, name: str) -> list[cst.Name]:
    return [
        n
        for n in _walk_statements(node, skip_nested=False)
        if isinstance(n, cst.Name) and n.value == name
    ]


def _endless_loop(function: cst.FunctionDef) -> cst.While | None:
    """A `while True:` loop with no break/return/raise in it, directly in ``function``."""
    for node in _walk_statements(function):
        if isinstance(node, cst.While) and _is_true(node.test) and node.orelse is None:
            if not _loop_can_exit(node):
                return node
        if isinstance(node, cst.Expr) and isinstance(node.value, cst.Call):
            func = node.value.func
            if isinstance(func, cst.Attribute) and func.attr.value in FOREVER_METHODS:
                return None
    return None


def _loop_exits(loop: cst.While) -> tuple[list[cst.Break], bool]:
    """The breaks of this loop (not of a nested one) in its body, and whether a return or raise
    can leave it too."""
    breaks: list[cst.Break] = []
    stack: list[tuple[cst.CSTNode, bool]] = [(loop.body, False)]
    while stack:
        node, nested_loop = stack.pop()
        if isinstance(node, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            continue
        if isinstance(node, cst.Return | cst.Raise):
            return breaks, True
        if isinstance(node, cst.Break) and not nested_loop:
            breaks.append(node)
        inner = nested_loop or isinstance(node, cst.For | cst.While)
        stack.extend((child, inner) for child in children(node))
    return breaks, False


def _loop_can_exit(loop: cst.While) -> bool:
    """Is there a return/raise, or a break of this loop (not of a nested one), in its body?"""
    breaks, leaves = _loop_exits(loop)
    return leaves or bool(breaks)


def _in_loop(index: ModuleIndex, node: cst.CSTNode) -> bool:
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        if isinstance(ancestor, LOOP_NODES):
            if isinstance(ancestor, cst.For) and index.inside(node, ancestor.iter):
                continue
            if isinstance(ancestor, cst.While) and index.inside(node, ancestor.test):
                return True
            return True
    return False


def _enclosing_if_test(index: ModuleIndex, node: cst.CSTNode) -> cst.If | None:
    current: cst.CSTNode = node
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.If):
            return ancestor if ancestor.test is current else None
        if not isinstance(
            ancestor,
            cst.Comparison | cst.ComparisonTarget | cst.UnaryOperation | cst.BooleanOperation,
        ):
            return None
        current = ancestor
    return None


def _parent_polarity(test: cst.BaseExpression, handle: cst.CSTNode) -> bool | None:
    """True when ``test`` holds in the parent (pid != 0), False when it holds in the child."""
    if test is handle:
        return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _parent_polarity(test.expression, handle)
        return None if inner is None else not inner
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        comparison = test.comparisons[0]
        left, right, op = test.left, comparison.comparator, comparison.operator
        if right is handle:
            left, right = right, left
            flipped: dict[type, cst.BaseCompOp] = {
                cst.GreaterThan: cst.LessThan(),
                cst.LessThan: cst.GreaterThan(),
            }
            op = flipped.get(type(op), op)
        if left is not handle or not isinstance(right, cst.Integer) or right.value != "0":
            return None
        if isinstance(op, cst.Equal | cst.Is | cst.LessThanEqual):
            return False
        if isinstance(op, cst.NotEqual | cst.IsNot | cst.GreaterThan):
            return True
    return None


def _block_statements(node: cst.CSTNode) -> Sequence[cst.CSTNode] | None:
    if isinstance(node, cst.IndentedBlock | cst.Module):
        return node.body
    return None


def _is_binding_of(index: ModuleIndex, node: cst.CSTNode, statement: cst.CSTNode) -> bool:
    """Is ``node`` (a Name or self.x) the target being bound by ``statement``?"""
    current: cst.CSTNode | None = node
    while current is not None and current is not statement:
        parent = index.parent_of(current)
        if isinstance(parent, cst.AssignTarget | cst.NamedExpr) and (
            getattr(parent, "target", None) is current
        ):
            return True
        if isinstance(parent, cst.AnnAssign) and parent.target is current:
            return True
        if isinstance(parent, cst.Tuple | cst.List | cst.Element):
            current = parent
            continue
        return False
    return False


def _self_attribute_nodes(index: ModuleIndex, info: ClassInfo, attr: str) -> list[cst.Attribute]:
    out: list[cst.Attribute] = []
    for node in index.names.get(attr, ()):
        parent = index.parent_of(node)
        if (
            isinstance(parent, cst.Attribute)
            and parent.attr is node
            and dotted_name(parent.value) in ("self", "cls")
        ):
            if index.inside(parent, info.node):
                out.append(parent)
    return out


def _iteration_of(index: ModuleIndex, node: cst.CSTNode) -> cst.CSTNode | None:
    """The for-loop or comprehension that iterates over ``node`` (possibly through .values(), list()...)."""
    current: cst.CSTNode = node
    for _ in range(4):
        parent = index.parent_of(current)
        if parent is None:
            return None
        if isinstance(parent, cst.For) and parent.iter is current:
            return parent
        if isinstance(parent, cst.CompFor) and parent.iter is current:
            return parent
        if (
            isinstance(parent, cst.Attribute)
            and parent.value is current
            and parent.attr.value in ITER_METHODS
        ):
            grand = index.parent_of(parent)
            if isinstance(grand, cst.Call):
                current = grand
                continue
            return None
        if isinstance(parent, cst.Arg):
            call = index.parent_of(parent)
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value in ITER_WRAPPERS
            ):
                current = call
                continue
            return None
        if isinstance(parent, cst.Subscript) and parent.value is current:
            current = parent  # procs[:]
            continue
        return None
    return None


def _target_names(target: cst.BaseExpression | None) -> list[str]:
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, cst.Tuple | cst.List):
        names: list[str] = []
        for element in target.elements:
            names.extend(_target_names(element.value))
        return names
    return []


class _Contains:
    """Does a statement reap on every path through it?"""

    def __init__(self, index: ModuleIndex, reaps: list[cst.CSTNode], handle: str = "") -> None:
        self.index = index
        self.reaps = reaps
        self.handle = handle
        self._any: dict[int, bool] = {}

    def _guards_handle(self, test: cst.BaseExpression) -> bool:
        """`if proc:` / `if proc is not None:` -- true whenever there is a handle to reap."""
        if not self.handle:
            return False
        if dotted_name(test) == self.handle:
            return True
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            comparison = test.comparisons[0]
            return (
                dotted_name(test.left) == self.handle
                and isinstance(comparison.operator, cst.IsNot | cst.NotEqual)
                and dotted_name(comparison.comparator) == "None"
            )
        return False

    def any(self, node: cst.CSTNode) -> bool:
        key = id(node)
        if key not in self._any:
            found = False
            for reap in self.reaps:
                if reap is node or self.index.inside(reap, node):
                    found = True
                    break
            self._any[key] = found
        return self._any[key]

    def definitely(self, statement: cst.CSTNode) -> bool:
        if not self.any(statement):
            return False
        if isinstance(statement, cst.SimpleStatementLine | cst.FunctionDef | cst.ClassDef):
            return True
        if isinstance(statement, cst.If):
            if self._reaps_in_test(statement.test):
                return True
            if not self._suite(statement.body):
                return False
            if self._guards_handle(statement.test):
                return True
            orelse = statement.orelse
            if orelse is None:
                return False
            if isinstance(orelse, cst.If):
                return self.definitely(orelse)
            return self._suite(orelse.body)
        if isinstance(statement, cst.Try):
            if self._suite(statement.body):
                return True
            return statement.finalbody is not None and self._suite(statement.finalbody.body)
        if isinstance(statement, cst.With | cst.For | cst.While):
            # A while loop's test can itself reap (while proc.poll() is None).
            if isinstance(statement, cst.While) and self.any(statement.test):
                return True
            if (
                isinstance(statement, cst.While)
                and _is_true(statement.test)
                and self._exits_only_after_reap(statement)
            ):
                return True
            return self._suite(statement.body)
        return True

    def _reaps_in_test(self, test: cst.BaseExpression) -> bool:
        """`if proc.wait() != 0:` reaps whichever branch runs; `if x and proc.wait():` does not."""
        for reap in self.reaps:
            if not self.index.inside(reap, test):
                continue
            conditional = False
            current: cst.CSTNode = reap
            for ancestor in self.index.ancestors(reap):
                if isinstance(ancestor, cst.BooleanOperation) and ancestor.right is current:
                    conditional = True
                if ancestor is test:
                    break
                current = ancestor
            if not conditional:
                return True
        return False

    def _exits_only_after_reap(self, loop: cst.While) -> bool:
        """`while True:` whose every break sits under an `if` that tested a reap (poll loops)."""
        breaks, leaves = _loop_exits(loop)
        if leaves:
            return False
        if not breaks:
            return False
        for brk in breaks:
            guarded = False
            for ancestor in self.index.ancestors(brk):
                if ancestor is loop:
                    break
                if isinstance(ancestor, cst.If) and self.any(ancestor.test):
                    guarded = True
                    break
            if not guarded:
                return False
        return True

    def _suite(self, suite: cst.BaseSuite) -> bool:
        if isinstance(suite, cst.IndentedBlock):
            return any(self.definitely(s) for s in suite.body)
        if isinstance(suite, cst.SimpleStatementSuite):
            return self.any(suite)
        return False
