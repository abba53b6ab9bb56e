"""Facts about one module that every stage of the analysis consults: its wait-any reapers, the
functions that are thread or process entry points, the functions that end the process, which
branch of a fork exits, the families of its classes and the callers of its factories."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst

from forkaudit.analysis.index import ClassInfo, ModuleIndex, ScopeNode, dotted_name
from forkaudit.analysis.syntax import enclosing_if_test, is_minus_one_or_zero, parent_polarity
from forkaudit.analysis.vocabulary import EXIT_FUNCTIONS, MP_WAIT_ANY, PID_WAIT_ANY


class ModuleFacts:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self.os_reaper, self.mp_reaper = self._module_reapers()
        self.entry_points = self._entry_points()
        self._exits: set[str] | None = None

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
                if is_minus_one_or_zero(first):
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

    def exit_functions(self) -> set[str]:
        """Module functions that always end the process (`def end(): ...; sys.exit(1)`)."""
        if self._exits is None:
            self._exits = set()
            for function in self.index.functions:
                if isinstance(self.index.parent_of(function), cst.Module) and isinstance(
                    function.body, cst.IndentedBlock
                ):
                    last = function.body.body[-1:] if function.body.body else []
                    if last and self.block_exits(cst.IndentedBlock(body=list(last))):
                        self._exits.add(function.name.value)
        return self._exits

    def block_exits(self, suite: cst.BaseSuite) -> bool:
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

    def parent_exits(self, if_node: cst.If, handle: cst.CSTNode) -> bool:
        polarity = parent_polarity(if_node.test, handle)
        if polarity is None:
            return False
        self.exit_functions()
        branch: cst.BaseSuite | None
        if polarity:
            branch = if_node.body
        else:
            orelse = if_node.orelse
            branch = orelse.body if isinstance(orelse, cst.Else) else None
            if branch is None:
                # `if pid == 0: <child>` then the parent goes on after the if: look at what follows.
                return False
        return branch is not None and self.block_exits(branch)

    def parent_exits_for_name(self, name: str, statement: cst.CSTNode, scope: ScopeNode) -> bool:
        for use in self.index.uses(name, scope):
            if_node = enclosing_if_test(self.index, use)
            if if_node is not None and self.parent_exits(if_node, use):
                return True
        return False

    def class_family(self, info: ClassInfo) -> list[ClassInfo]:
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

    def enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef):
                return ancestor
            if isinstance(ancestor, cst.Lambda):
                return None
        return None

    def is_method(self, function: cst.FunctionDef) -> bool:
        return isinstance(
            self.index.parent_of(self.index.parent_of(function) or function), cst.ClassDef
        )

    def factory_callers(self, function: cst.FunctionDef) -> list[cst.BaseExpression]:
        name = function.name.value
        owner = None
        if self.is_method(function):
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
