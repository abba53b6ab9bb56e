"""Following a handle from its start to where it is reaped, or to where it is lost.

From the expression whose value is the handle: discarded, bound to a local (every use in the
scope), stored on ``self`` (every method of the class family), put in a container (a loop over
it that reaps each element), returned (the function becomes a factory), passed on (ownership
moves). Each binding's uses are classified into evidence, and the evidence judged.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache, partial

import libcst as cst

from forkaudit.analysis.facts import ModuleFacts
from forkaudit.analysis.index import ClassInfo, ModuleIndex, ScopeNode, dotted_name
from forkaudit.analysis.paths import Contains, pid_side
from forkaudit.analysis.raising import fixture, managed_context
from forkaudit.analysis.sites import Site
from forkaudit.analysis.syntax import (
    alive_asked_of,
    all_params,
    argument,
    asks_self_for,
    assignments,
    assignments_among,
    atexit_functions,
    block_statements,
    calls_in,
    calls_method,
    catches_only_ctrl_c,
    caught_names,
    element_names,
    enclosing_if_test,
    endless_while,
    ends_with,
    flags_set,
    foreign_bases,
    handed_to_atexit,
    has_return,
    in_loop,
    innermost_loop,
    is_binding_of,
    is_true,
    iteration_of,
    last_name,
    leaves_loop,
    literal_test,
    literal_truth,
    local_names,
    loop_can_exit,
    loop_exits,
    names_in,
    names_tested,
    none_test_sense,
    normal_values,
    runs_only_from,
    runs_only_when_collected,
    self_attribute_nodes,
    short,
    target_expr,
    target_names,
    targets_given,
    thread_names,
    walk_statements,
)
from forkaudit.analysis.uses import Effect, Role, Use, use_of
from forkaudit.analysis.verdict import Evidence, Verdict, merge
from forkaudit.analysis.vocabulary import (
    CACHE_DECORATORS,
    CACHED_PROPERTIES,
    CLEANUP_METHOD_NAMES,
    CLEANUP_METHODS,
    CLEANUP_REGISTER_METHODS,
    CLEANUP_REGISTERS,
    CONTAINER_ADD,
    CONTAINER_TAKE,
    ENDING_SIGNALS,
    INSPECTORS,
    ITER_WRAPPERS,
    LOG_METHODS,
    NON_OWNING,
    OUT_OF_PROCESS,
    PID_KILL_FUNCTIONS,
    PID_WAIT_FUNCTIONS,
    TIMEOUT_BLOCKS,
    WAIT_METHOD_NAMES,
    starts_a_lifecycle,
)
from forkaudit.analysis.walk import children, walk
from forkaudit.kinds import Kind
from forkaudit.model import Rule


def _in_handler(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Is ``node`` in an ``except`` block (of its own function)?"""
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        if isinstance(ancestor, cst.ExceptHandler | cst.ExceptStarHandler):
            return True
    return False


def _calls_super(method: cst.FunctionDef, name: str) -> bool:
    """Does ``method`` call the method of the same name of its base (``super().close()``,
    ``Base.close(self)``)?"""
    for node in walk(method):
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == name
            and not (dotted_name(node.func.value) or "").startswith("self")
        ):
            return True
    return False


def _comp_iter(comprehension: cst.CSTNode) -> cst.BaseExpression | None:
    """What the first ``for`` of a comprehension iterates."""
    for_in = getattr(comprehension, "for_in", None)
    return for_in.iter if isinstance(for_in, cst.CompFor) else None


class Follower:
    """Follows handles through one module."""

    def __init__(self, index: ModuleIndex, facts: ModuleFacts, start_map: dict[str, Rule]) -> None:
        self.index = index
        self.facts = facts
        self.start_map = start_map
        self._active: set[tuple[str, str, int]] = set()
        self._came_from: set[int] = set()  # arguments whose callee's parameter is being followed
        # what reads the base classes other modules of the package define, on a second
        # analysis (the runner hands those modules in when a finding asks for them): (base,
        # attribute, reaping methods) -> "Base.close()" or ""
        self.inherited: Callable[[str, str, frozenset[str], frozenset[str]], str] | None = None
        self._kept_defaults: dict[int, list[tuple[str, bool]]] = {}

    def _lent_to_with_blocks(
        self, site: Site, node: cst.CSTNode, function: cst.FunctionDef
    ) -> bool:
        """Is ``node`` a ``yield`` of a generator run as a context manager or a fixture, whose
        consumers only borrow what it yields: the with-block (or the test) runs at the yield,
        and the generator's code after it is where the handle's end is decided. A pytest
        fixture's consumer is a test, given it by name; a ``@contextmanager``'s are the
        module's ``with f(...):`` statements: lent when one of them leaves it unbound, or binds
        it (``as proc``) and neither reaps nor hands it on in its body. Not when every one
        takes care of it, nor when one is not a ``with`` (``ExitStack.enter_context(f())``),
        nor with no caller in the module (out of sight)."""
        if not isinstance(node, cst.Yield) or not managed_context(function):
            return False
        if fixture(function):
            return True
        callers = self.facts.callers(function)
        if not callers:
            return False
        lent = False
        for call in callers:
            item = self.index.parent_of(call)
            if not isinstance(item, cst.WithItem) or item.item is not call:
                return False
            if item.asname is None:
                lent = True
                continue
            bound = item.asname.name
            if not isinstance(bound, cst.Name):
                return False
            statement = self.index.parent_of(item)
            if not isinstance(statement, cst.With):
                return False
            taken = self._evidence_of(
                site,
                bound.value,
                self.index.scope_of(statement),
                started=True,
                within=statement.body,
            )
            if not (taken.reaps or taken.escapes or taken.returned):
                lent = True
        return lent

    def _evidence_of(
        self,
        site: Site,
        name: str,
        scope: ScopeNode,
        started: bool = False,
        within: cst.CSTNode | None = None,
    ) -> Evidence:
        """What the uses of ``name`` in ``scope`` (those inside ``within``, when given) say
        of the handle it holds; ``started``: it is known to run already."""
        evidence = Evidence(started=started)
        taken = replace(site, started=True) if started else site
        for use in self.index.uses(name, scope):
            if within is None or self.index.inside(use, within):
                self._classify_use(taken, use, evidence, 2)
        return evidence

    def follow(self, site: Site, node: cst.BaseExpression) -> Verdict:
        """Where does the value of ``node`` (a fresh handle: the start call itself, or a
        factory's call) go?"""
        index = self.index
        rule = site.rule
        what = site.via
        use = use_of(index, node)
        role = use.role
        if (
            role is Role.THROUGH
            and isinstance(use.at, cst.BooleanOperation)
            and rule.handle == "pid"
        ):
            role = Role.TESTED  # `if a and os.fork():`
        if role is Role.CALL:
            assert isinstance(use.at, cst.Call)
            effect = self._effect(site, use)
            if effect is Effect.START:
                if self._start_returns_none(site, node):
                    # `self._t = Thread(...).start()`: Thread.start() and Process.start()
                    # return None, so nothing of the handle is kept (a later `self._t.join()`
                    # acts on None): it is dropped at once
                    return Verdict(
                        True,
                        "high",
                        f"{what} is started and dropped: start() returns None, so nothing can "
                        f"{rule.kind.reap()}",
                        started=True,
                        daemon=site.daemon,
                    )
                after = self.follow(replace(site, started=True), use.at)
                if after.leak and after.holder:
                    # `self.runner = Runner(...).start()`: kept where start() returned it to
                    return replace(after, started=True)
                if after.leak:
                    return Verdict(
                        True,
                        "high",
                        f"{what} is started and dropped: nothing can {rule.kind.reap()}",
                        started=True,
                        daemon=site.daemon,
                    )
                return replace(after, started=True)
            if effect in (Effect.REAP, Effect.TIMED_REAP) and use.name in site.reap_methods:
                return Verdict(False, started=site.started)
            if effect is Effect.DAEMON:
                return self.follow(replace(site, daemon=True), use.at)
        if role in (Role.CALL, Role.REFERENCE, Role.FIELD):
            attribute = index.parent_of(node)
            assert attribute is not None
            kept = index.parent_of(attribute)
            if (
                role is Role.FIELD
                and isinstance(attribute, cst.Attribute)
                and attribute.attr.value == "pid"
                and kept is not None
                and self._kept_pid_waited(kept, targets_given(kept, attribute))
            ):
                # `pid = Popen(...).pid`, then a wait for that pid: a child is reaped by its
                # pid whatever object started it
                return Verdict(False, started=site.started)
            return Verdict(
                True,
                "high",
                f"{what} is used once and dropped ({index.code(attribute)}...): it is never {rule.kind.reaped}",
                started=site.started,
                daemon=site.daemon,
                drained=read_to_the_end(index, node),
            )
        if role is Role.ITERATED and site.started and site.depth == 0:
            # `for line in os.popen(cmd):`: read to the end, then dropped unclosed (a generator
            # factory's call is iterated for the handles it yields: not this)
            return Verdict(
                True,
                "high",
                f"{what} is iterated once and dropped: it is never {rule.kind.reaped}",
                started=True,
                daemon=site.daemon,
                drained=True,
            )
        if role is Role.DISCARDED:
            if rule.start_methods and not site.started:
                return Verdict(False)
            return Verdict(
                True,
                "high",
                f"{what} is discarded at once: nothing can {rule.kind.reap()}",
                started=site.started,
                daemon=site.daemon,
            )
        if role is Role.WITH:
            if site.context_manager:
                return Verdict(False, started=True)
            return Verdict(
                True,
                "medium",
                f"{what} is used as a context manager that does not {rule.kind.reap()}",
                started=site.started,
            )
        if role is Role.BOUND:
            statement = use.at
            targets: list[cst.BaseExpression]
            if isinstance(statement, cst.Assign):
                targets = [t.target for t in statement.targets]
            else:
                assert isinstance(statement, cst.AnnAssign | cst.NamedExpr)
                targets = [statement.target]
            return merge([self._follow_target(site, target, statement) for target in targets])
        if role is Role.ARGUMENT:
            assert isinstance(use.at, cst.Arg)
            return self._follow_arg(site, use.at)
        if role is Role.RETURNED:
            function = self.facts.enclosing_function(use.at)
            if function is None:
                return Verdict(False)
            if self._lent_to_with_blocks(site, use.at, function):
                return Verdict(
                    True,
                    "medium",
                    f"{what} is yielded by {function.name.value}() to its with-blocks (or "
                    "tests), which only borrow it, then dropped: it is never "
                    f"{rule.kind.reaped}",
                    started=site.started,
                    daemon=site.daemon,
                )
            cached = self._cached_property(function)
            if cached and not use.position:
                # returned by a cached property: its object keeps it under the property's name
                return self._follow_attribute(site, cached, use.at)
            if site.shared_by and not use.position:
                # cached with nothing to key on, called nowhere in the module: the cache keeps it
                return Verdict(
                    True,
                    "low",
                    f"{site.shared_by}, which keeps it for every caller: it is never "
                    f"{rule.kind.reaped}",
                    started=site.started,
                    daemon=site.daemon,
                    holder="cache",
                )
            return Verdict(
                False,
                started=site.started,
                daemon=site.daemon,
                factory=function,
                factory_index=use.position,
            )
        if role is Role.ELEMENT:
            unpacked = _unpacked_into(index, use.at, node)
            if unpacked is not None:
                # `self._pid, self._fd = pid, fd`: the element goes to its own target
                return self._follow_target(
                    replace(site, tuple_index=0), unpacked, index.parent_of(use.at) or use.at
                )
            return self._follow_container_value(site, use.at) or Verdict(False)
        if role is Role.TESTED and rule.handle == "pid":
            if_node = enclosing_if_test(index, node)
            if if_node is not None and self.facts.parent_exits(if_node, node):
                return Verdict(False)
            if if_node is not None and self.facts.parent_exits(if_node, node, execs=True):
                return Verdict(True, "low", _EXECED, started=True)
            return Verdict(
                True,
                "high",
                f"the pid of {what} is only tested, never kept: the parent cannot wait for the child",
                started=True,
            )
        if role is Role.THROUGH:
            assert isinstance(use.at, cst.BaseExpression)
            # `await ...`, `Pool() if pool is None else pool`, `pool or Pool()`: the value goes on
            return self.follow(site, use.at)
        # Anything else (a lambda body, an f-string, a comparison...): we cannot tell; stay silent.
        return Verdict(False)

    def _effect(self, site: Site, use: Use) -> Effect:
        """What calling ``use.name`` on the handle does to it: the one place that knows."""
        rule = site.rule
        name = use.name
        call = use.at
        assert isinstance(call, cst.Call)
        if name in rule.start_methods:
            return Effect.START
        if (
            name in site.reap_methods
            or (name == "poll" and self._polled(call))
            # multiprocessing's is_alive() is its Popen's poll() (waitpid WNOHANG): polled
            # until it says False (`while p.is_alive():`), or as often as a Popen's poll() is
            # (in a loop, or a predicate made to be polled), the child has been reaped
            or (name == "is_alive" and rule.kind.mp_child and self._alive_polled(call))
            # `while transport.is_active(): sleep(0.01)`: left only once it has ended
            or (name in rule.alive_methods and self._polled_to_the_end(call))
            or (name in ("__exit__", "__aexit__") and site.context_manager)
        ):
            if name in ("wait", "join") and self.facts.in_sigchld_handler(call):
                # the SIGCHLD handler runs once a child has ended: a wait there, with a
                # timeout or none (`join(timeout=0)`), finds its child gone and reaps it
                return Effect.REAP
            if (
                name in ("wait", "join", "communicate")
                and _zero_timeout(call)
                and not self._polled(call)
            ):
                # `wait(timeout=0)`, `join(0)`: it asks once whether the child has ended and
                # waits for nothing, as one poll() does: it reaps only a child already gone
                # (right after a kill() or terminate(), the signal has not landed yet)
                return Effect.NONE
            if name in ("wait", "join", "communicate") and _timed(self.index, call):
                return Effect.TIMED_REAP
            if name in ("poll", "is_alive") and _polled_while_else(self.index, call):
                # `while p.poll() is None and waited < limit:`: the loop may end with the
                # child running, as a timed wait gives up
                return Effect.TIMED_REAP
            return Effect.REAP
        if name == "setDaemon" and call.args and is_true(call.args[0].value):
            return Effect.DAEMON
        if name in rule.kind.ending_methods or (
            name == "send_signal"
            and "kill" in rule.kind.ending_methods
            and call.args
            and _ending_signal(call.args[0].value)
        ):
            return Effect.END
        return Effect.NONE

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
                    f"{site.via} is unpacked into `_` and dropped: nothing can {site.rule.kind.reap()}",
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
        if _not_owning(site, short, resolved or ""):
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

    def _scope_for_local(self, name: str, statement: cst.CSTNode) -> ScopeNode:
        """Where a name used at ``statement`` lives: its function, or the module when the
        function declares it ``global`` or never binds it (``_procs.append(p)``)."""
        scope = self.index.scope_of(statement)
        if isinstance(scope, cst.FunctionDef) and not self.facts.binds(scope, name):
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
        uses = [
            use
            for use in index.uses(name, scope)
            if not (index.inside(use, statement_line) and is_binding_of(index, use, statement_line))
            and not self._rebound_before(use, name, statement_line)
            and not (isinstance(scope, cst.FunctionDef) and self._read_before(use, statement_line))
            and not (site.rule.handle == "pid" and _in_failed_fork_branch(index, use, name))
        ]
        methods = site.rule.start_methods
        if methods and not site.started and any(self._starts(use, methods) for use in uses):
            # started further on (`ex.map(...)` after `pool_list.append(ex)`): where it goes
            # before that is where a started handle goes
            site = replace(site, started=True)
        evidence = Evidence(started=site.started, daemon=site.daemon, uses=uses)
        for use in uses:
            self._classify_use(site, use, evidence, depth)
        verdict = self._judge_local(site, name, statement_line, scope, evidence)
        if (
            verdict.leak
            and verdict.ended
            and evidence.ends
            and (site.rule.awaited or site.rule.kind is Kind.POOL)
            and not verdict.running
        ):
            # asyncio: a child killed on every way out ends and its watcher reaps it (harm); one
            # killed on some paths only may be let go running on the others. A pool closed on
            # some paths only is dropped open on the others, its workers idle. (Only the local's
            # own kills: one killed through the attribute it is stored on, by the object's
            # cleanup, was judged there.)
            gap = self.reap_gap(site.rule, statement_line, list(evidence.ends), scope, name)
            if gap is not None:
                verdict = replace(verdict, ended=False)
        return verdict

    def _in_block(self, line: cst.CSTNode | None) -> tuple[Sequence[cst.BaseStatement], int] | None:
        """The statements of the indented block holding ``line``, and its position among them
        (None when it is not a line of such a block)."""
        return _placed(self.index, line)

    def _right_after_kill(self, handle: cst.BaseExpression, reap: cst.CSTNode) -> bool:
        """Is the timed wait ``reap`` the statement right after ``<handle>.kill()`` in its
        block (``p.kill(); p.wait(timeout)``)? SIGKILL cannot be caught: the child is gone at
        once, and the wait reaps it whatever its timeout."""
        index = self.index
        statement: cst.CSTNode | None = index.statement_of(reap)
        if isinstance(statement, cst.BaseSmallStatement):
            statement = index.parent_of(statement)  # its line
        placed = self._in_block(statement)
        holder = (
            statement
            if isinstance(statement, cst.SimpleStatementSuite)
            else index.parent_of(statement)
            if statement is not None and placed is not None and placed[1] == 0
            else None
        )
        owner = index.parent_of(holder) if holder is not None else None
        if isinstance(owner, cst.Try) and owner.body is holder:
            # first in a `try` (`p.kill()` then `try: p.wait(timeout=5)`): right after what
            # comes before the `try`
            placed = self._in_block(owner)
        if placed is None or placed[1] == 0:
            return False
        body, position = placed
        call = reap if isinstance(reap, cst.Call) else None
        timeouts = [a.value for a in call.args] if call is not None else []
        if any((seconds := _seconds(t)) is not None and seconds < 1 for t in timeouts):
            return False  # `wait(timeout=0)`: SIGKILL lands when the child is next scheduled
        before = body[position - 1]
        return isinstance(before, cst.SimpleStatementLine) and any(
            isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Call)
            and self._sigkill_of(small.value, index.code(handle))
            for small in before.body
        )

    def _sigkill_of(self, call: cst.Call, handle: str, depth: int = 0, pid: str = "") -> bool:
        """Is ``call`` a SIGKILL to the child of ``handle``: ``h.kill()``,
        ``h.send_signal(SIGKILL)``, ``os.kill(h.pid, 9)``, ``os.killpg(os.getpgid(h.pid),
        signal.SIGKILL)``, or a function of the module given ``h`` (or ``h.pid``) that sends
        one to its parameter (``_tree_kill(proc)``: a platform's branch may kill otherwise)?
        ``pid``: the name of the child's pid itself (in such a function), ``handle`` unused."""
        func = call.func
        given = (
            next(
                (
                    arg
                    for arg in call.args
                    if arg.keyword is None
                    and not arg.star
                    and self.index.code(arg.value) in (handle, f"{handle}.pid")
                ),
                None,
            )
            if depth == 0
            else None
        )
        if given is not None and (inside := self._callee_parameter(call, given)) is not None:
            callee, name = inside
            by_pid = self.index.code(given.value) != handle
            return any(
                self._sigkill_of(inner, name, depth + 1, pid=name if by_pid else "")
                for inner in calls_in(self.index, callee)
            )
        if not pid and isinstance(func, cst.Attribute) and self.index.code(func.value) == handle:
            if func.attr.value == "kill" and not call.args:
                return True
            return (
                func.attr.value == "send_signal"
                and len(call.args) == 1
                and _ending_signal(call.args[0].value, only_kill=True)
            )
        signalled = _pid_signal(self.index, call)
        return (
            signalled is not None
            and self.index.code(signalled[0]) == (pid or f"{handle}.pid")
            and _ending_signal(signalled[1], only_kill=True)
        )

    def _survives_cancel(self, evidence: Evidence, handle: str) -> bool:
        """Is an asyncio child awaited even when the awaiting task is cancelled: some wait is
        a hand-over, or sits in a ``try`` whose ``finally`` (or a handler of
        ``BaseException``/``CancelledError``, or a bare one) kills or waits for it again?"""
        handed = {id(node) for node in evidence.handoffs}
        for reap in evidence.reaps:
            if id(reap) in handed:
                return True
            holder = self.index.parent_of(reap)
            wrapper = self.index.parent_of(holder) if isinstance(holder, cst.Arg) else None
            if isinstance(wrapper, cst.Call) and last_name(wrapper.func) in _OWN_TASKS:
                return True  # `create_task(p.wait())`: a task of its own waits, cancelled or not
            for ancestor in self.index.ancestors(reap):
                if isinstance(ancestor, cst.FunctionDef | cst.Lambda):
                    break
                if not isinstance(ancestor, cst.Try) or not self.index.inside(reap, ancestor.body):
                    continue
                if self._cancel_cleans_up(ancestor, handle):
                    return True
            if isinstance(reap, cst.Call) and self._callee_survives_cancel(reap, handle):
                return True
        return False

    def _yielded_into_cleanup(self, scope: cst.CSTNode, handle: str) -> bool:
        """Is ``scope`` a context manager's generator (``@asynccontextmanager``) whose every
        ``yield`` of the handle sits in a ``try`` whose ``finally`` (or a handler a cancellation
        enters) kills or waits for it? The with-block's body runs at that yield: a
        cancellation there leaves the block, which throws into the generator, and the cleanup
        runs on the way out."""
        if not managed_context(scope):
            return False
        yields = [
            node
            for node in walk_statements(scope)
            if isinstance(node, cst.Yield)
            and isinstance(node.value, cst.BaseExpression)
            and dotted_name(node.value) == handle
        ]

        def guarded(node: cst.Yield) -> bool:
            for ancestor in self.index.ancestors(node):
                if ancestor is scope:
                    return False
                if (
                    isinstance(ancestor, cst.Try)
                    and self.index.inside(node, ancestor.body)
                    and self._cancel_cleans_up(ancestor, handle)
                ):
                    return True
            return False

        return bool(yields) and all(guarded(node) for node in yields)

    def _cancel_cleans_up(self, node: cst.Try, handle: str) -> bool:
        """Does the ``finally`` of ``node``, or a handler of it a cancellation enters (bare,
        ``BaseException``, ``CancelledError``), kill or wait for ``handle``, itself or through a
        function of this module it hands it to?"""
        cleanups: list[cst.CSTNode] = [
            h
            for h in node.handlers
            if h.type is None
            or any(name in self.index.code(h.type) for name in ("BaseException", "CancelledError"))
        ]
        if node.finalbody is not None:
            cleanups.append(node.finalbody)
        return any(
            _cleans_up(self.index.code(cleanup), handle) or self._handed_to_cleanup(cleanup, handle)
            for cleanup in cleanups
        )

    def _callee_survives_cancel(self, call: cst.Call, handle: str) -> bool:
        """Is the handle waited for by handing it to a coroutine of this module (``await
        collect(proc, timeout)``) every ``await`` of which sits in a ``try`` whose ``finally``
        (or a handler a cancellation enters) kills or waits for the parameter receiving it? A
        cancellation lands where the task waits, which is then inside that ``try``: its
        cleanup runs on the way out, as it would in the caller's own."""
        for arg in call.args:
            if dotted_name(arg.value) != handle:
                continue
            inside = self._callee_parameter(call, arg)
            if inside is None:
                continue
            function, parameter = inside
            nodes = walk_statements(function)
            # (an `async with` or `async for` awaits too, as it enters and at each step)
            awaits = [
                node
                for node in nodes
                if isinstance(node, cst.Await)
                or (isinstance(node, cst.With | cst.For) and node.asynchronous is not None)
            ]
            guarded = [
                node
                for node in nodes
                if isinstance(node, cst.Try) and self._cancel_cleans_up(node, parameter)
            ]
            if (
                awaits
                and guarded
                and all(any(self.index.inside(a, t) for t in guarded) for a in awaits)
            ):
                return True
        return False

    def _handed_to_cleanup(self, cleanup: cst.CSTNode, handle: str) -> bool:
        """Does ``cleanup`` hand the handle to a function of this module that kills or waits
        for it (``await _terminate_process_tree(proc)``)?"""
        for node in walk(cleanup):
            if not isinstance(node, cst.Call):
                continue
            for arg in node.args:
                if dotted_name(arg.value) != handle:
                    continue
                inside = self._callee_parameter(node, arg)
                if inside is not None and _cleans_up(self.index.code(inside[0]), inside[1]):
                    return True
        return False

    def _ended_then_exits(self, evidence: Evidence) -> bool:
        """Is every kill or terminate of the handle (what a timed-out wait leaves it to) right
        before the process ends (``proc.terminate(); os._exit(1)``)? Init then reaps the child."""
        return bool(evidence.ends) and all(self.facts.exits_after(end) for end in evidence.ends)

    def _parent_exits(self, uses: list[cst.Name], execs: bool = False) -> bool:
        """Does a test of the pid (``if pid > 0:``) send the parent into a branch that ends
        the process (the daemonizing double fork), or with ``execs`` its image?"""
        for use in uses:
            if_node = enclosing_if_test(self.index, use)
            if if_node is not None and self.facts.parent_exits(if_node, use, execs):
                return True
        return False

    def _read_before(self, use: cst.CSTNode, binding: cst.CSTNode) -> bool:
        """Does ``use`` (of a local of a function) run before the statement ``binding`` the
        handle, with no loop around both to bring it round again (``timer.cancel()`` of the
        last timer, then ``timer = Timer(...)``)? It reads the value the name had before (a
        global's is the one the last call left: read again)."""
        index = self.index
        if (
            index.inside(use, binding)
            or index.scope_of(use) is not index.scope_of(binding)  # a closure reads it later
            or not self._comes_before(use, binding)
        ):
            return False
        for ancestor in index.ancestors(binding):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef | cst.Module):
                return True
            if isinstance(ancestor, cst.For | cst.While) and index.inside(use, ancestor):
                return False
        return True

    def _registered_lambda(self, call: cst.CSTNode) -> cst.Call | None:
        """The cleanup registration (``atexit.register(...)``, ``weakref.finalize(obj, ...)``,
        ``stack.callback(...)``) given a lambda whose body is ``call``
        (``lambda: p.terminate()``), or None."""
        index = self.index
        function = index.parent_of(call)
        if not (isinstance(function, cst.Lambda) and function.body is call):
            return None
        holder = index.parent_of(function)
        registry = index.parent_of(holder) if isinstance(holder, cst.Arg) else None
        if not isinstance(registry, cst.Call) or self._registers_cleanup(registry) is None:
            return None
        return registry

    def _registers_cleanup(self, call: cst.Call) -> int | None:
        """Is ``call`` a registration of cleanup to run later (``atexit.register(fn, ...)``,
        ``weakref.finalize(obj, fn, ...)``, ``stack.callback(fn, ...)``,
        ``self.addCleanup(fn, ...)``)? The position of the function it is given, or None."""
        resolved = self.index.resolve(call.func) or ""
        if resolved in CLEANUP_REGISTERS:
            return CLEANUP_REGISTERS[resolved]
        if (
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value in CLEANUP_REGISTER_METHODS
        ):
            return 0
        return None

    def _comes_before(self, node: cst.CSTNode, statement: cst.CSTNode) -> bool:
        """Does ``node`` lie in a statement before ``statement`` in the block holding both
        (read off the tree: positions would need the module's code generated)?"""
        index = self.index
        path: dict[int, cst.CSTNode] = {}
        child: cst.CSTNode = statement
        for ancestor in index.ancestors(statement):
            path[id(ancestor)] = child
            child = ancestor
        child = node
        for ancestor in index.ancestors(node):
            other = path.get(id(ancestor))
            if other is not None:
                body = (
                    ancestor.body
                    if isinstance(ancestor, cst.SimpleStatementLine | cst.SimpleStatementSuite)
                    else block_statements(ancestor)
                )
                if body is None or child not in body or other not in body:
                    return False
                return body.index(child) < body.index(other)
            child = ancestor
        return False

    def _rebound_before(self, use: cst.CSTNode, name: str, original: cst.CSTNode) -> bool:
        """Is the nearest binding of ``name`` before ``use`` (an earlier statement of a block
        holding the use) another one than the handle's? Then the use reads another value
        (``pid = os.read(r, 16); return int(pid)``, or a second ``pid = os.fork()``)."""
        index = self.index
        current: cst.CSTNode = index.statement_of(use)
        for ancestor in index.ancestors(current):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda):
                return False
            if index.inside(original, current):
                return False  # the handle's own binding is on the way to the use
            if isinstance(ancestor, cst.IndentedBlock | cst.Module) and current in ancestor.body:
                for statement in reversed(ancestor.body[: ancestor.body.index(current)]):
                    if statement is original or index.inside(original, statement):
                        return False  # back at the handle's own binding
                    if _binds_name(statement, name):
                        return True
            current = ancestor
        return False

    def _gap_starts(
        self, site: Site, statement: cst.CSTNode, scope: ScopeNode, evidence: Evidence
    ) -> list[cst.CSTNode]:
        """For a handle started apart (``t.start()``) whose every start the uses of this
        scope show, in the scope's own statements (not a nested function, not in a loop the
        binding is not in), each start's statement: where a path that must reap it begins.
        [] otherwise."""
        index = self.index
        if not (site.rule.start_methods and evidence.starts):  # (a self-starting one: none)
            return []
        begins: list[cst.CSTNode] = []
        for start in evidence.starts:
            if index.scope_of(start) is not scope:
                return []
            line = index.statement_of(start)
            if innermost_loop(index, line) is not innermost_loop(index, statement):
                return []
            begins.append(line)
        return begins

    def _starts(self, use: cst.BaseExpression, methods: tuple[str, ...]) -> bool:
        """Is this use of a handle the call of one of its start ``methods`` (``t.start()``)?"""
        parent = self.index.parent_of(use)
        if not isinstance(parent, cst.Attribute) or parent.value is not use:
            return False
        call = self.index.parent_of(parent)
        return isinstance(call, cst.Call) and call.func is parent and parent.attr.value in methods

    def _classify_use(
        self, site: Site, use_node: cst.BaseExpression, evidence: Evidence, depth: int
    ) -> None:
        """Record what one read of a name (or attribute) bound to the handle does to it."""
        index = self.index
        rule = site.rule
        use = use_of(index, use_node)
        role = use.role
        if role is Role.CALL:
            effect = self._effect(site, use)
            registered = self._registered_lambda(use.at)
            if registered is not None and effect in (Effect.REAP, Effect.TIMED_REAP, Effect.END):
                # atexit.register(lambda: p.terminate()): cleanup registered to run later, as
                # atexit.register(p.terminate) is
                evidence.reaps.append(use.at)
                evidence.handoffs.append(use.at)
                if index.resolve(registered.func) == "atexit.register":
                    evidence.at_exit.append(use.at)
                return
            if effect is Effect.START:
                evidence.started = True
                evidence.starts.append(use.at)
            elif effect in (Effect.REAP, Effect.TIMED_REAP):
                evidence.reaps.append(use.at)
                if effect is Effect.TIMED_REAP and not self._right_after_kill(use_node, use.at):
                    evidence.timed.append(use.at)
            elif effect is Effect.DAEMON:
                evidence.daemon = True
            elif effect is Effect.END:
                evidence.ends.append(use.at)  # it ends, but is still to be reaped
            return
        if role is Role.REFERENCE:
            if use.name in (*site.reap_methods, *CLEANUP_METHODS):
                # atexit.register(p.terminate), stack.callback(t.join), weakref.finalize(o,
                # p.kill), Thread(target=p.wait): cleanup registered to run later.
                evidence.reaps.append(use.at)
                evidence.handoffs.append(use.at)
                registry = index.parent_of(use.at)
                if (
                    isinstance(registry, cst.Call)
                    and index.resolve(registry.func) == "atexit.register"
                ):
                    evidence.at_exit.append(use.at)
            elif use.name == "pid":
                self._pid_handed(site, use.at, evidence)
            return
        if role is Role.FIELD:
            self._field(site, use, evidence)
            return
        if role is Role.KEY:
            # `procs[p] = path`: kept as a key; a loop over the mapping's keys reaches it
            assert isinstance(use.at, cst.Subscript)
            statement = index.statement_of(use.at)
            self._sub(
                evidence,
                self._follow_container(site, use.at.value, statement, keyed=True),
                statement,
            )
            return
        if role is Role.WITH:
            if site.context_manager:
                evidence.reaps.append(use.at)
            return
        if role is Role.ARGUMENT:
            arg = use.at
            assert isinstance(arg, cst.Arg)
            call = index.parent_of(arg)
            if not isinstance(call, cst.Call):
                return
            resolved = index.resolve(call.func)
            if resolved in rule.reaped_by_functions or resolved in PID_WAIT_FUNCTIONS:
                if _pid_argument(resolved, call.args) is arg.value and not self._polled_once(
                    site, call, index.code(arg.value)
                ):
                    evidence.reaps.append(call)
                return
            if last_name(call.func) in rule.started_by_calls:
                evidence.started = True  # `loop.run_in_executor(executor, fn)`: used, not owned
                return
            if isinstance(call.func, cst.Attribute) and call.func.attr.value in CONTAINER_ADD:
                self._sub(evidence, self._follow_container(site, call.func.value, call), call)
                return
            self._maybe_escape_arg(site, arg, call, evidence)
            return
        if role is Role.DEFAULT:
            # lambda pid=self._pid: os.waitpid(pid, 0) -- the handle lives on in the parameter.
            param = use.at
            assert isinstance(param, cst.Param)
            function = index.parent_of(index.parent_of(param) or param)
            if isinstance(function, cst.Lambda | cst.FunctionDef):
                for param_use in index.uses(param.name.value, function):
                    self._classify_use(site, param_use, evidence, depth + 1)
            return
        if role is Role.RETURNED:
            function = self.facts.enclosing_function(use.at)
            if function is not None and self._lent_to_with_blocks(site, use.at, function):
                return  # the generator owns it again after its yield
            evidence.returned.append(use.at)
            if use.position:
                evidence.returned_index = use.position
            return
        if role is Role.BOUND and isinstance(use.at, cst.Assign):
            self._aliased(site, use.at, evidence, depth)
            return
        if role is Role.THROUGH and isinstance(use.at, cst.Await):
            # `cmd = create_subprocess_exec(...)` then `proc = await cmd`: the handle is what
            # the awaited coroutine gives
            self._sub(evidence, self.follow(site, use.at), use.at)
            return
        if (
            role is Role.OTHER
            and rule.handle == "pid"
            and isinstance(use.at, cst.Subscript)
            and use.at.value is use_node
            and len(use.at.slice) == 1
            and isinstance(use.at.slice[0].slice, cst.Index)
            and isinstance(use.at.slice[0].slice.value, cst.Integer)
        ):
            # `pidpty = os.forkpty()` then `self.pid = pidpty[0]`, `if pidpty[0]:`: the element
            # holding the pid is the handle, read like the handle; the other (the pty's fd) is
            # not
            if int(use.at.slice[0].slice.value.value) == site.tuple_index:
                self._classify_use(site, use.at, evidence, depth)
            return
        if role is Role.ELEMENT:
            container = use.at
            unpacked = _unpacked_into(index, container, use_node)
            if unpacked is not None and depth < 3:
                statement = index.parent_of(container) or container
                self._sub(
                    evidence,
                    self._follow_target(
                        replace(site, started=evidence.started or site.started, tuple_index=0),
                        unpacked,
                        statement,
                    ),
                    statement,
                )
                return
            handed = self._handed_to_thread(container, use_node)
            if handed is not None:
                # `Timer(5, kill, [proc, -1])`, `Thread(target=watch, args=(pid,))`: a function
                # of this module gets it in a thread, and what that function does with its
                # parameter is what happens to the handle, as for a call (what it writes on
                # the handle is said here too); one that only reads it (logs the pid) reaps
                # nothing
                sub = self._parameter_evidence(site, *handed, evidence.started)
                evidence.forged.extend(sub.forged)
                evidence.ends.extend(sub.ends)
                if sub.reaps:
                    evidence.reaps.append(container)
                    evidence.escapes.extend(sub.escapes)
                return
            if isinstance(container, cst.List | cst.Tuple | cst.Set | cst.Dict):
                holder = index.parent_of(container)
                if isinstance(holder, cst.For) and holder.iter is container:
                    self._sub(evidence, self._loop_reaps(site, holder), holder)
                    return
                where = self._follow_container_value(site, container)
                if where is not None:
                    self._sub(evidence, where, container)

    def _field(self, site: Site, use: Use, evidence: Evidence) -> None:
        """``h.name`` neither called nor handed on: a stop flag set, a daemon flag, a pid."""
        index = self.index
        parent = index.parent_of(use.at)
        if use.name in site.stop_flags and (
            isinstance(parent, cst.AssignTarget)
            or (
                isinstance(parent, cst.Attribute)
                and parent.attr.value in ("set", "clear")
                and isinstance(index.parent_of(parent), cst.Call)
            )
        ):
            # `worker.stop.set()`, `worker.running = False`: the flag its loop waits on
            assert parent is not None
            evidence.reaps.append(parent)
            return
        if (
            use.name == "exitcode"
            and site.rule.kind.mp_child
            and (self._polled_to_the_end(use.at) or self._liveness_predicate(use.at))
        ):
            # `while p.exitcode is None:` polls the child (waitpid WNOHANG) until it has ended
            # and is reaped; so does a predicate made to be polled (`return p.exitcode is not
            # None`), as a Popen's poll() in one does
            assert isinstance(use.at, cst.CSTNode)
            evidence.reaps.append(use.at)
            return
        if (
            use.name == "returncode"
            and isinstance(parent, cst.AssignTarget)
            and site.rule.kind is Kind.POPEN
            and not self._waited_before(use.at)
        ):
            # `proc.returncode = -1` on a child nothing has waited for: Popen's wait(), poll()
            # and communicate() return at once once returncode is set, and its finalizer passes
            # a child with one by: nothing will ever waitpid() it. Unless the process ends
            # right after (`except KeyboardInterrupt: p.returncode = 0` ... `sys.exit(...)`):
            # then init reaps the child, as after any exit
            if not self.facts.exits_after(use.at):
                evidence.forged.append(index.statement_of(parent))
            return
        if isinstance(parent, cst.AssignTarget) and use.name == "daemon":
            assign = index.parent_of(parent)
            if isinstance(assign, cst.Assign) and is_true(assign.value):
                evidence.daemon = True
            return
        if (
            use.name == "pid"
            and isinstance(parent, cst.Return | cst.Yield)
            and index.scope_of(parent) is index.scope_of(site.call)
        ):
            # the function that starts it gives the pid to its caller, to wait for it
            # (os.waitpid, psutil): not a property reporting the pid of a kept child
            evidence.escapes.append("its pid is returned to the caller")
            evidence.reaps.append(parent)
            evidence.handoffs.append(parent)
            return
        targets = targets_given(parent, use.at) if use.name == "pid" else ()
        if parent is not None and targets and self._kept_pid_waited(parent, targets):
            evidence.reaps.append(parent)

    def _handed_to_thread(
        self, container: cst.CSTNode, element: cst.CSTNode
    ) -> tuple[cst.FunctionDef, str] | None:
        """``Timer(t, f, [h, x])``, ``Thread(target=f, args=(h,))``: the function of this module
        the thread calls with ``element`` of the arguments ``container``, and its parameter."""
        index = self.index
        if not isinstance(container, cst.List | cst.Tuple):
            return None
        arg = index.parent_of(container)
        call = index.parent_of(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(call, cst.Call):
            return None
        kind = last_name(call.func)
        if kind not in ("Timer", "Thread"):
            return None
        timer = kind == "Timer"
        # Timer(interval, function, args), Thread(target=..., args=...)
        function_arg = argument(call, 1 if timer else -1, "function" if timer else "target")
        if function_arg is None or argument(call, 2 if timer else -1, "args") is not container:
            return None
        function = self._function_of(function_arg, call)
        if function is None:
            return None
        position = next((i for i, e in enumerate(container.elements) if e.value is element), None)
        params = self.facts.given_params(function, function_arg)
        if position is None or position >= len(params):
            return None
        return function, params[position].name.value

    def _futile_joins(self, site: Site, evidence: Evidence) -> str:
        """Why the joins that reap the thread never do: its target serves an object it makes
        itself (``app = build(); app.run_polling()``), which nothing outside the thread can
        reach to stop, so join() waits for good or, timed, gives up. "" when not so."""
        if not evidence.reaps or not _unstoppable(site):
            return ""
        if site.via.endswith("Timer") and site.via in site.rule.starts and not site.serves_own:
            # (a plain Timer running a function: a subclass's own run() may read `finished`)
            return self._futile_cancels(site, evidence)
        if not site.serves_own:
            return ""
        joins = [
            reap
            for reap in evidence.reaps
            if isinstance(reap, cst.Call) and last_name(reap.func) == "join"
        ]
        if len(joins) != len(evidence.reaps):
            return ""
        join = joins[0]
        function = self.facts.enclosing_function(join)
        where = f"{function.name.value}()'s " if function is not None else ""
        outcome = "gives up" if _timed(self.index, join) else "waits for good"
        return (
            f"its target serves `{site.serves_own}`, made and kept where nothing else can reach "
            f"it to stop it, so {where}join() {outcome} and the thread runs on"
        )

    def _futile_cancels(self, site: Site, evidence: Evidence) -> str:
        """Why the cancels of a Timer whose function loops with no exit and no stop never end
        it: ``cancel()`` ends a Timer only while it waits out its interval; once the function
        runs, nothing ends it (and a join waits for good). Only when every reap is a cancel
        or a join made by another function than the one making the timer (a ``stop()``
        called at a time its caller picks, after the interval as often as not). "" when not
        so."""
        made_in = self.facts.enclosing_function(site.call)
        reaps = evidence.reaps
        if not all(
            isinstance(reap, cst.Call)
            and last_name(reap.func) in ("cancel", "join")
            and self.facts.enclosing_function(reap) is not made_in
            for reap in reaps
        ):
            return ""
        cancel = next(
            (r for r in reaps if isinstance(r, cst.Call) and last_name(r.func) == "cancel"), None
        )
        if cancel is None:
            return ""
        function = self.facts.enclosing_function(cancel)
        where = f"{function.name.value}()'s " if function is not None else "its "
        return (
            "its function loops with no exit, and cancel() ends a Timer only while it waits "
            f"out its interval: once the function runs, {where}cancel() leaves it running"
        )

    def _forged(self, where: str, evidence: Evidence) -> Verdict:
        """The handle's returncode is written by hand before anything waited for it."""
        forge = evidence.forged[0]
        function = self.facts.enclosing_function(forge)
        place = f" in {function.name.value}()" if function is not None else ""
        return Verdict(
            True,
            "high",
            f"{where}; its returncode is written by hand{place} "
            f"(`{self.index.code(forge).strip()}`) while nothing has reaped it: wait(), poll() "
            "and communicate() then return at once, and CPython's finalizer passes it by, so "
            "nothing ever reaps the child",
            started=True,
            holder="forged",
        )

    def _waited_before(self, field: cst.CSTNode) -> bool:
        """Has the function writing ``h.returncode`` (``field``) waited before, with ``wait()``,
        ``communicate()`` or a blocking ``os.waitpid()`` (``h.wait()``, ``super().wait()`` of a
        wrapper; a timed one too, unless the write is in a handler of the ``try`` holding it:
        the wait timed out)? Then the value only records the end. A property's setter writes
        what its callers give: theirs to answer for."""
        index = self.index
        function = self.facts.enclosing_function(field)
        if function is None:
            return False
        if any((dotted_name(d.decorator) or "").endswith(".setter") for d in function.decorators):
            return True
        holder = dotted_name(field.value) if isinstance(field, cst.Attribute) else None
        reaped_by: set[str] = set()  # names bound to the pid a waitpid() returns
        for statement in walk_statements(function):
            if not (
                isinstance(statement, cst.Assign)
                and isinstance(statement.value, cst.Call)
                and last_name(statement.value.func) == "waitpid"
            ):
                continue
            for assign_target in statement.targets:
                bound: cst.BaseExpression = assign_target.target
                if isinstance(bound, cst.Tuple | cst.List) and bound.elements:
                    bound = bound.elements[0].value
                if isinstance(bound, cst.Name):
                    reaped_by.add(bound.value)
        for ancestor in index.ancestors(field):
            if ancestor is function:
                break
            if not isinstance(ancestor, cst.If) or not index.inside(field, ancestor.body):
                continue
            if holder is not None and _tests_unreaped(ancestor.test, holder):
                return False  # `if p.returncode is None: p.returncode = -9`: not reaped
            if _tests_pid_returned(ancestor.test, reaped_by):
                return True  # `if pid != 0:` after a waitpid(): it reaped the child
        waits = [
            call
            for call in calls_in(index, function)
            if last_name(call.func) in ("wait", "communicate", "waitpid", "wait4")
        ]
        # (positions only where there is a wait: a line number costs a print of the module)
        position = index.positions(index.statement_of(field))[:2] if waits else (0, 0)
        for call in waits:
            if "WNOHANG" in index.code(call) or not index.positions(call)[:2] < position:
                continue
            handled = any(
                isinstance(ancestor, cst.Try)
                and index.inside(call, ancestor.body)
                and any(index.inside(field, handler) for handler in ancestor.handlers)
                for ancestor in index.ancestors(call)
            )
            if not handled:
                return True
        return False

    def _kept_pid_waited(
        self, assign: cst.CSTNode, targets: tuple[cst.BaseExpression, ...]
    ) -> bool:
        """``self.pid = h.pid`` (or ``pid = h.pid``): is the pid kept there waited for until the
        child ends (``os.waitpid(self.pid, 0)``, see ``_blocks_on``) by a method of the class, or
        in the function itself? A child is reaped by its pid whatever object started it."""
        index = self.index
        for target in targets:
            if isinstance(target, cst.Attribute) and dotted_name(target.value) == "self":
                info = index.class_of(assign)
                kept = f"self.{target.attr.value}"
                if info is not None and any(
                    self._blocks_on(method, name, ())
                    for member in self.facts.class_family(info)
                    for method in member.methods.values()
                    for name in (kept, *_copies(method, kept))
                ):
                    return True
            elif isinstance(target, cst.Name):
                function = self.facts.enclosing_function(assign)
                if function is not None and (
                    self._blocks_on(function, target.value, ())
                    or self._waited_by_callee(function, target.value)
                ):
                    return True
        return False

    def _waited_by_callee(self, function: cst.FunctionDef, pid: str) -> bool:
        """Does ``function`` hand the pid named ``pid`` to a function of this module that waits
        for it until the child ends (``wait_for_pid(pid)`` with ``def wait_for_pid(pid):
        os.waitpid(pid, 0)``)?"""
        for call in calls_in(self.index, function):
            for arg in call.args:
                if dotted_name(arg.value) != pid:
                    continue
                receiving = self._callee_parameter(call, arg)
                if (
                    receiving is not None
                    and receiving[0] is not function
                    and self._blocks_on(receiving[0], receiving[1], ())
                ):
                    return True
        return False

    def _pid_handed(self, site: Site, arg: cst.CSTNode, evidence: Evidence) -> None:
        """``h.pid`` given to a call: ``os.waitpid(h.pid, 0)`` reaps; anything else may own it."""
        call = self.index.parent_of(arg)
        if not isinstance(call, cst.Call) or not isinstance(arg, cst.Arg):
            return
        resolved = self.index.resolve(call.func)
        if resolved in PID_WAIT_FUNCTIONS:
            evidence.reaps.append(call)
            return
        killer = call
        if resolved == "os.getpgid":
            # os.killpg(os.getpgid(h.pid), SIGKILL): the child's group, the child in it
            holder = self.index.parent_of(call)
            outer = self.index.parent_of(holder) if isinstance(holder, cst.Arg) else None
            if isinstance(outer, cst.Call):
                killer = outer
        signalled = _pid_signal(self.index, killer)
        if signalled is not None and signalled[0] is arg.value and _ending_signal(signalled[1]):
            # os.kill(h.pid, SIGTERM), os.killpg(h.pid, SIGKILL): it ends, still to be reaped
            evidence.ends.append(killer)
            return
        self._maybe_escape_arg(site, arg, call, evidence)

    def _aliased(self, site: Site, assign: cst.Assign, evidence: Evidence, depth: int) -> None:
        """``x = h`` / ``self.x = h`` / ``d[k] = h``: follow where the alias goes."""
        index = self.index
        for assign_target in assign.targets:
            inner = assign_target.target
            if isinstance(inner, cst.Name) and depth < 3:
                alias = self._follow_local(
                    replace(site, started=evidence.started), inner.value, assign, depth + 1
                )
                self._sub(evidence, alias, assign)
            elif isinstance(inner, cst.Attribute) and dotted_name(inner.value) in ("self", "cls"):
                self._sub(
                    evidence,
                    self._follow_attribute(replace(site, started=True), inner.attr.value, assign),
                    assign,
                )
            elif isinstance(inner, cst.Subscript):
                self._sub(evidence, self._follow_container(site, inner.value, assign), assign)
            else:
                evidence.escapes.append(f"stored on {index.code(inner)}")
                evidence.reaps.append(assign)

    def reschedules_itself(self, node: cst.CSTNode) -> bool:
        """Is ``node`` in a function that hands itself on to be called again (``loop.call_later(1,
        self._check)``, ``self.timeout_add(5, self._refresh)`` inside ``_check``/``_refresh``): a
        periodic callback, which polls until the child is reaped?"""
        function = self.facts.enclosing_function(node)
        if function is None:
            return False
        name = function.name.value
        # itself, or a function of the module it calls that arms the next run for it
        # (`_tick` calls `self._schedule()`, which makes `Timer(self._interval, self._tick)`)
        bodies = [function]
        for inner in walk_statements(function):
            if isinstance(inner, cst.Call):
                callee = self._callee(inner)
                if callee is not None and callee is not function:
                    bodies.append(callee)
        for body in bodies:
            for inner in walk_statements(body):
                if isinstance(inner, cst.Arg):
                    value = inner.value
                    if (isinstance(value, cst.Name) and value.value == name) or (
                        isinstance(value, cst.Attribute)
                        and value.attr.value == name
                        and dotted_name(value.value) in ("self", "cls")
                    ):
                        return True
        return False

    def _polled_to_the_end(self, node: cst.CSTNode) -> bool:
        """Is ``node`` (``p.is_alive()``, ``p.exitcode``) the whole test of a ``while`` loop
        that goes on while the child runs (``while p.is_alive():``, ``while p.exitcode is
        None:``, or such a test or-ed with others) and that nothing else leaves (no break, no
        return): when the loop ends, the child has ended and been reaped."""
        index = self.index
        test: cst.CSTNode = node
        if isinstance(node, cst.Attribute):  # p.exitcode, in `p.exitcode is None`
            comparison = index.parent_of(node)
            if not (
                isinstance(comparison, cst.Comparison)
                and comparison.left is node
                and len(comparison.comparisons) == 1
                and isinstance(comparison.comparisons[0].operator, cst.Is | cst.Equal)
                and dotted_name(comparison.comparisons[0].comparator) == "None"
            ):
                return False
            test = comparison
        parent = index.parent_of(test)
        while isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or):
            test, parent = parent, index.parent_of(parent)
        return isinstance(parent, cst.While) and parent.test is test and not loop_can_exit(parent)

    def _polled(self, call: cst.Call) -> bool:
        """Is this ``poll()`` repeated until the child is reaped: in a loop (a ``while`` test
        too), or in a predicate that exists to be polled until the child has finished (``def
        is_done(self): return self.proc.poll() is not None``)?"""
        if self.reschedules_itself(call):
            return True
        if in_loop(self.index, call):
            return not self._readiness_check(call) and not self._one_pass(call)
        return self._liveness_predicate(call)

    def _one_pass(self, call: cst.Call) -> bool:
        """Is this poll (``p.poll()``, ``p.is_alive()``) asked once of each child of a local
        container, by a loop or comprehension over it that nothing repeats (``alive = [p for
        p in procs if p.is_alive()]``)? A poll reaps only a child that has ended: those still
        running when it asks are never asked again. A container kept on the object or the
        module (``self._procs``) is polled again at the next call (before each launch, on each
        request): a regular reaper."""
        index = self.index
        polled = dotted_name(call.func.value) if isinstance(call.func, cst.Attribute) else None
        if not polled:
            return False
        for ancestor in index.ancestors(call):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
                return False
            if isinstance(ancestor, cst.While):
                return False
            targets: list[cst.BaseExpression] = []
            if isinstance(ancestor, cst.For) and not index.inside(call, ancestor.iter):
                targets = [ancestor.target]
            elif isinstance(ancestor, cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp):
                comp: cst.CompFor | None = ancestor.for_in
                while comp is not None:
                    targets.append(comp.target)
                    comp = comp.inner_for_in
            if not targets:
                continue
            names = {
                dotted_name(n)
                for target in targets
                for n in walk_statements(target, skip_nested=False)
                if isinstance(n, cst.Name)
            }
            if polled not in names:
                return False  # a loop repeating the poll of one child
            if in_loop(index, ancestor):
                return False  # the pass itself repeated: polled to the end
            over = ancestor.iter if isinstance(ancestor, cst.For) else _comp_iter(ancestor)
            function = self.facts.enclosing_function(call)
            return (
                isinstance(over, cst.Name)
                and function is not None
                and self.facts.binds(function, over.value)
                and not any(p.name.value == over.value for p in all_params(function.params))
            )
        return False

    def _alive_polled(self, call: cst.Call) -> bool:
        """Is this ``p.is_alive()`` of a multiprocessing child polled until the child has
        ended: the test of a ``while`` that runs while it lives (``while p.is_alive():``), or,
        outside any ``while`` test (``while not p.is_alive():`` waits for the start), as often
        as a Popen's ``poll()`` would be (in a loop on the child, or a predicate)?"""
        if self._polled_to_the_end(call):
            return True
        if any(
            isinstance(ancestor, cst.While) and self.index.inside(call, ancestor.test)
            for ancestor in self.index.ancestors(call)
        ):
            return False
        return self._polled(call)

    def _liveness_predicate(self, node: cst.CSTNode) -> bool:
        """Is ``node`` (``p.poll()``, ``p.exitcode``, ``p.is_alive()``) what a predicate returns
        to say whether the child still runs (``return self.proc.poll() is not None``, ``return
        not self._p.is_alive()``, ``return self._p.exitcode is None``)? Such a predicate exists
        to be polled until the child has finished, and every poll reaps a child that ended."""
        parent = self.index.parent_of(node)
        if isinstance(node, cst.Call) and last_name(node.func) == "is_alive":
            # its own truth, or negated
            if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
                parent = self.index.parent_of(parent)
            return isinstance(parent, cst.Return)
        if not (
            isinstance(parent, cst.Comparison)
            and parent.left is node
            and len(parent.comparisons) == 1
            and dotted_name(parent.comparisons[0].comparator) == "None"
        ):
            return False
        return isinstance(self.index.parent_of(parent), cst.Return)

    def _breaks_when_running(self, call: cst.Call, loop: cst.For | cst.While) -> bool:
        """Does the loop break as soon as this poll says the child runs (``if p.poll() is
        None: break``, or ``rc = p.poll()`` then ``if rc is None: break``)? It is left with the
        child running, which the poll did not reap."""
        index = self.index
        said: set[str] = set()
        assign = index.parent_of(call)
        said = {t.value for t in targets_given(assign, call) if isinstance(t, cst.Name)}
        for node in walk_statements(loop.body):
            if not isinstance(node, cst.If) or not _says_running(node.test, call, said):
                continue
            body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
            for statement in body:
                if isinstance(statement, cst.SimpleStatementLine) and any(
                    isinstance(small, cst.Break) for small in statement.body
                ):
                    return True
        return False

    def _readiness_check(self, call: cst.Call) -> bool:
        """Is this ``poll()`` a check that the child has not died while the loop holding it
        waits for something else (``while not port_open(): if p.poll() is not None: raise``),
        or tries a bounded number of times (``for _ in range(10):``)? The loop ends on its
        own test with the child still running: the poll reaps only a child that ended early.
        A loop on the child itself (``while p.poll() is None``, ``for line in p.stdout``,
        ``while True:``) polls it to the end."""
        loop = innermost_loop(self.index, call)
        handle = dotted_name(call.func.value) if isinstance(call.func, cst.Attribute) else None
        if handle is None or loop is None:
            return False
        if isinstance(loop, cst.For | cst.While) and self._breaks_when_running(call, loop):
            return True
        if isinstance(loop, cst.While):
            if is_true(loop.test) or self.index.inside(call, loop.test):
                return False
            about = loop.test
        else:
            assert isinstance(loop, cst.For)
            about = loop.iter
        tested = {
            dotted_name(node)
            for node in walk_statements(about, skip_nested=False)
            if isinstance(node, cst.Name | cst.Attribute)
        }
        if handle in tested:
            return False
        # `done = p.poll() is not None`, `if p.poll() is not None: self.running = False`: the
        # loop's test reads what the poll said
        statement = next(
            (a for a in (call, *self.index.ancestors(call)) if _in_block(self.index, a)), None
        )
        if statement is None:
            return True
        running = isinstance(statement, cst.If) and _says_running(statement.test, call)
        for node in walk_statements(statement):
            for flag, _ in flags_set(node):
                if flag in tested:
                    # `if p.poll() is None: started = True`: the loop ends once the child is
                    # seen running, which reaps nothing
                    return (
                        running
                        and isinstance(statement, cst.If)
                        and not (
                            statement.orelse is not None
                            and self.index.inside(node, statement.orelse)
                        )
                    )
        return True

    def _kept_before_returned(self, evidence: Evidence) -> bool:
        """Is every ``return`` of the handle preceded, on its way, by a store of it where it is
        taken care of (``self._procs.append(p)``, ``self._map[pid] = {"Process": p}``): a
        statement in a block that holds the return further down?"""
        index = self.index
        kept = []
        for handoff in evidence.kept:
            statement = next(
                (a for a in (handoff, *index.ancestors(handoff)) if _in_block(index, a)), None
            )
            if statement is not None:
                kept.append(statement)
        if not kept:
            return False
        for returned in evidence.returned:
            line = index.line_of(returned)
            if not any(
                index.inside(returned, block) and index.line_of(statement) < line
                for statement in kept
                if (block := index.parent_of(statement)) is not None
            ):
                return False
        return True

    def _sub(self, evidence: Evidence, verdict: Verdict, anchor: cst.CSTNode) -> None:
        """A verdict about where the handle went from ``anchor``; a safe hand-off counts as a reap there."""
        evidence.sub_verdicts.append(verdict)
        if not verdict.leak and verdict.factory is None:
            evidence.reaps.append(anchor)
            evidence.handoffs.append(anchor)  # taken care of where it went
            evidence.kept.append(anchor)

    def _maybe_escape_arg(
        self, site: Site, arg: cst.Arg, call: cst.Call, evidence: Evidence
    ) -> None:
        func = call.func
        resolved = self.index.resolve(func) or ""
        short = (
            func.attr.value
            if isinstance(func, cst.Attribute)
            else (func.value if isinstance(func, cst.Name) else "")
        )
        if _not_owning(site, short, resolved):
            return
        if arg.keyword is not None and arg.keyword.value in ("target", "args"):
            return  # handed to a thread as data: the thread does not own the lifecycle by contract
        if resolved in INSPECTORS:
            # psutil.Process(pid) inspects the child; only its wait() reaps
            if self._inspector_waits(call) or self._inspector_reaped(site, call):
                evidence.reaps.append(call)
            return
        registered = self._registered_parameter(call, arg)
        if registered is not None:
            # weakref.finalize(self, _cleanup, proc): a function of this module will get the
            # handle later; when it reaps it, the reaping is arranged here, not handed on
            sub = self._parameter_evidence(site, *registered, evidence.started)
            if sub.reaps and not sub.escapes:
                evidence.reaps.append(call)
                if resolved == "atexit.register":
                    evidence.at_exit.append(call)
                return
        inside = self._callee_parameter(call, arg)
        if inside is not None:
            # A function of this module: what it does with the parameter is what happens.
            sub = self._parameter_evidence(site, *inside, evidence.started)
            evidence.started = evidence.started or sub.started
            evidence.ends.extend(sub.ends)
            evidence.forged.extend(sub.forged)
            if sub.reaps:
                evidence.reaps.append(call)
                if sub.escapes:
                    evidence.escapes.extend(sub.escapes)
            return
        if isinstance(func, cst.Name) and self._optional_callable(call, func.value):
            # `if on_completion: on_completion(obj)` with `on_completion=None`: a callable the
            # caller may give; a call giving none (the default) hands the handle to nobody, so
            # this is no hand-over to count on: what the function itself does with it decides
            return
        if site.rule.kind.served and self._lent_again(site, call):
            # a pool the callee shut down would refuse the next pass's work: it is lent, and
            # lent to be given work (an executor's threads start with its first task)
            evidence.started = True
            return
        evidence.escapes.append(f"passed to {self.index.code(func)}()")
        evidence.reaps.append(call)
        evidence.handoffs.append(call)

    def _handed_once_running(
        self, name: str, scope: cst.CSTNode, handoffs: list[cst.CSTNode]
    ) -> bool:
        """Is every hand-over of the thread bound to ``name`` made after its ``start()`` in
        ``scope``: given running to what uses it (a logger thread to the workers logging into
        it), not handed on unstarted to be set up (``hide_thread_from_debugger(thread)``
        before ``thread.start()``), which leaves it the starter's?"""
        position = self.facts.call_position
        starts = [
            position(call)
            for call in calls_in(self.index, scope)
            if dotted_name(call.func) == f"{name}.start"
        ]
        return bool(starts) and all(position(handoff) > min(starts) for handoff in handoffs)

    def _optional_callable(self, call: cst.Call, name: str) -> bool:
        """Is ``name`` a parameter of the function making ``call`` that defaults to None (a
        callback the caller may leave out: ``def execute(cmd, on_completion=None)``)?"""
        function = self.facts.enclosing_function(call)
        if function is None:
            return False
        params = function.params
        return any(
            param.name.value == name
            and isinstance(param.default, cst.Name)
            and param.default.value == "None"
            for param in (*params.params, *params.kwonly_params)
        ) and not any(
            # `on_completion = on_completion or _reap`: given a default of its own
            isinstance(target, cst.Name) and target.value == name
            for target, _ in assignments(function)
        )

    def _lent_again(self, site: Site, call: cst.Call) -> bool:
        """Is the handle given to ``call`` again on every pass of a loop that does not make it
        (``pool = Pool(n)`` then ``for ...: evaluate(f, pool=pool)``)? A pool, an executor or
        a manager shut down refuses any more work (``ValueError: Pool not running``,
        ``RuntimeError: cannot schedule new futures after shutdown``), so a callee given it
        again and again only uses it: the caller still owns it, and ending it is the caller's."""
        scope = self.index.scope_of(call)
        for ancestor in self.index.ancestors(call):
            if ancestor is scope:
                return False
            block = block_statements(ancestor)
            if block is not None:
                holder = next((s for s in block if self.index.inside(call, s)), None)
                after = block[block.index(holder) + 1 :] if holder is not None else []
                if any(_leaves_block(statement) for statement in after):
                    return False  # `backend.run(scenes, pool); break`: given once
            if isinstance(ancestor, cst.For | cst.While) and not self.index.inside(
                site.call, ancestor
            ):
                return True
        return False

    def _inspector_reaped(self, site: Site, call: cst.Call) -> bool:
        """Is what ``call`` (``psutil.Process(h.pid)``) makes, bound to a local, put in a
        container whose elements are waited (``self._procs.append(ps)``, then ``ps.wait()`` on
        each one stopped)? psutil's ``wait()`` reaps a child of the process (``os.waitpid``),
        as the handle's own would: the container is followed as for the handle, with ``wait``
        among what reaps it."""
        index = self.index
        parent = index.parent_of(call)
        if not (
            isinstance(parent, cst.Assign)
            and len(parent.targets) == 1
            and isinstance(parent.targets[0].target, cst.Name)
        ):
            return False
        name = parent.targets[0].target.value
        alias = replace(site, reap_methods=site.reap_methods | {"wait"}, started=True)
        for use in index.uses(name, index.scope_of(parent)):
            arg = index.parent_of(use)
            added = index.parent_of(arg) if isinstance(arg, cst.Arg) else None
            if (
                isinstance(added, cst.Call)
                and isinstance(added.func, cst.Attribute)
                and added.func.attr.value in CONTAINER_ADD
                and not self._follow_container(alias, added.func.value, added).leak
            ):
                return True
        return False

    def _inspector_waits(self, call: cst.Call) -> bool:
        """Is ``wait()`` called on what ``call`` (``psutil.Process(pid)``) makes: on the call
        itself, or on the name or attribute it is bound to (a local in its scope, an attribute
        anywhere in the module)?"""
        parent = self.index.parent_of(call)
        if isinstance(parent, cst.Attribute) and parent.value is call:
            return parent.attr.value == "wait"
        if not isinstance(parent, cst.Assign) or len(parent.targets) != 1:
            return False
        target = parent.targets[0].target
        holder = dotted_name(target)
        if holder is None:
            return False
        local = isinstance(target, cst.Name)
        scope = self.index.scope_of(parent)
        attr = holder.rsplit(".", 1)[-1]
        for other in self.facts.calls_named("wait"):
            func = other.func
            if not isinstance(func, cst.Attribute) or (
                local and not self.index.inside(other, scope)
            ):
                continue
            owner = dotted_name(func.value) or ""
            if owner == holder or (not local and owner.rsplit(".", 1)[-1] == attr):
                return True
        return False

    def _parameter_evidence(
        self, site: Site, callee: cst.FunctionDef, parameter: str, started: bool
    ) -> Evidence:
        """What ``callee`` does with the handle it receives as ``parameter``."""
        sub = Evidence(started=started)
        key = ("callee", parameter, id(callee))
        if key not in self._active:
            self._active.add(key)
            try:
                for use in self.index.uses(parameter, callee):
                    if self._rebound_before(use, parameter, callee.params):
                        continue  # the parameter bound anew: another value from there on
                    self._classify_use(site, use, sub, 3)
            finally:
                self._active.discard(key)
        return sub

    def _registered_parameter(
        self, call: cst.Call, arg: cst.Arg
    ) -> tuple[cst.FunctionDef, str] | None:
        """``weakref.finalize(obj, fn, h)``, ``atexit.register(fn, h)``, ``stack.callback(fn,
        h)``, ``self.addCleanup(fn, h)``: the function of this module registered to get the
        handle later, and the name of its parameter that receives it."""
        first = self._registers_cleanup(call)
        if first is None:
            return None
        positional = [a for a in call.args if a.keyword is None and not a.star]
        if arg not in positional or len(positional) <= first:
            return None
        position = positional.index(arg) - first - 1
        if position < 0:
            return None
        callback = positional[first].value
        function = self._function_of(callback, call)
        if function is None:
            return None
        params = self.facts.given_params(function, callback)
        if position < len(params):
            return function, params[position].name.value
        return None

    def _callee_parameter(self, call: cst.Call, arg: cst.Arg) -> tuple[cst.FunctionDef, str] | None:
        """The function of this module that ``call`` calls (``f(...)``, ``self.m(...)``) and the
        name of its parameter that receives ``arg``; None when that cannot be told."""
        if arg.star:
            return None
        function = self._callee(call)
        if function is None:
            return None
        params = self.facts.given_params(function, call.func)
        if arg.keyword is not None:
            named = [*params, *function.params.kwonly_params]
            return next(
                ((function, p.name.value) for p in named if p.name.value == arg.keyword.value),
                None,
            )
        position = [a for a in call.args if a.keyword is None].index(arg)
        if position < len(params):
            return function, params[position].name.value
        return None

    def _callee(self, call: cst.Call) -> cst.FunctionDef | None:
        return self._function_of(call.func, call)

    def _function_of(self, func: cst.BaseExpression, anchor: cst.CSTNode) -> cst.FunctionDef | None:
        """The function of this module that ``func`` names (``f``, ``self.m``) at ``anchor``."""
        index = self.index
        if isinstance(func, cst.Name) and index.resolve(func) == f"@{func.value}":
            return next(
                (
                    f
                    for f in index.functions
                    if f.name.value == func.value and isinstance(index.parent_of(f), cst.Module)
                ),
                None,
            )
        if isinstance(func, cst.Attribute) and dotted_name(func.value) in ("self", "cls"):
            info = index.class_of(anchor)
            if info is not None:
                for member in self.facts.class_family(info):
                    method = member.methods.get(func.attr.value)
                    if method is not None:
                        return method
        return None

    def _judge_local(
        self, site: Site, name: str, statement: cst.CSTNode, scope: ScopeNode, evidence: Evidence
    ) -> Verdict:
        rule = site.rule
        started = evidence.started or any(v.started for v in evidence.sub_verdicts)
        daemon = evidence.daemon
        holder = "module" if scope is self.index.module else ""  # a global keeps it alive
        where = "the module" if holder else f"{getattr(scope, 'name', cst.Name('lambda')).value}()"
        if rule.start_methods and not started:
            return Verdict(False)
        if rule.handle == "pid" and self._parent_exits(evidence.uses):
            return Verdict(False)
        if rule.handle == "pid" and self._parent_exits(evidence.uses, execs=True):
            return Verdict(True, "low", _EXECED, started=started)
        if evidence.forged:
            return self._forged(f"bound to `{name}`", evidence)
        futile = self._futile_joins(site, evidence)
        if futile:
            return Verdict(
                True, "high", f"bound to `{name}`; {futile}", started=started, daemon=daemon
            )
        if site.shared_by and evidence.returned and holder:
            # `global _ctx; ...; _ctx = Context(); return _ctx`, called nowhere in the module:
            # the module keeps it, whatever its callers elsewhere do with their reference
            evidence.returned = []
        cached = self._cached_property(scope)
        if cached and evidence.returned and not evidence.reaps:
            # returned by a cached property: its object keeps it, under the property's name
            return self._follow_attribute(replace(site, started=started), cached, statement)
        leaking_subs = [v for v in evidence.sub_verdicts if v.leak]
        factories = [v.factory for v in evidence.sub_verdicts if v.factory is not None]
        if timed_out_unreaped(
            evidence,
            rule.awaited,
            self.facts.call_position,
            self.index,
            start=statement,
            caught_only=rule.kind.thread,
        ) and not self._ended_then_exits(evidence):
            return Verdict(
                True,
                "medium",
                f"bound to `{name}`: "
                + _timed_text(evidence.timed, name, rule.kind.reaped)
                + _after_timeout(rule.kind.reaped, evidence.ended and not rule.awaited),
                started=started,
                daemon=daemon,
                ended=True,
                holder=holder,
                running=_left_running(self.index, rule, evidence),
            )
        handed_on = {id(h) for h in evidence.handoffs}
        if (
            started
            and _unstoppable(site)
            and evidence.reaps
            and all(id(r) in handed_on for r in evidence.reaps)
            and evidence.escapes
            and all(e.startswith("passed to ") for e in evidence.escapes)
            and not evidence.returned
            and not evidence.kept
            and self._handed_once_running(name, scope, evidence.handoffs)
        ):
            # handing a thread to a function hands it joining the thread, as returning it
            # does; one whose target never ends cannot be joined nor stopped: the callee can
            # do nothing with it (a logger thread handed to the workers it serves)
            return Verdict(
                True,
                "high",
                f"bound to `{name}` and {evidence.escapes[0]}, which can neither join nor stop it",
                started=started,
                daemon=daemon,
                holder=holder,
            )
        if evidence.reaps:
            # Handed on where it is not returned (stored elsewhere, passed on): a path that
            # returns it hands it to the caller too, so there is no gap there. Reaped here on
            # some paths: this function took on reaping it, and returning it unreaped leaks.
            handed_only = {id(r) for r in evidence.reaps} <= {id(h) for h in evidence.handoffs}
            returned = evidence.returned if handed_only else []

            def gap_from(begin: cst.CSTNode) -> str | None:
                return self.reap_gap(
                    rule,
                    begin,
                    [*evidence.reaps, *returned],
                    scope,
                    name,
                    [*evidence.handoffs, *returned],
                    # kept elsewhere too (a list, an attribute): a path returning early leaves
                    # it there, to whatever reaps that
                    early_returns=not evidence.sub_verdicts and not evidence.handoffs,
                )

            gap = gap_from(statement)
            if gap is not None:
                # a thread (a process) is only there once started: where its start() calls
                # are all seen in this scope, a path that never starts it leaves nothing to
                # reap (`P = Proc(); if dump: print(P) else: P.start(); P.join()`)
                begins = self._gap_starts(site, statement, scope, evidence)
                if begins and all(gap_from(begin) is None for begin in begins):
                    gap = None
            if (
                gap is None
                and rule.awaited
                and self.facts.expects_cancellation()
                and not self._survives_cancel(evidence, name)
                and not self._yielded_into_cleanup(scope, name)
            ):
                function = self.facts.enclosing_function(statement)
                info = self.index.class_of(function.body) if function is not None else None
                qualified = (
                    ""
                    if function is None
                    else f"{info.name}.{function.name.value}"
                    if info is not None
                    else function.name.value
                )
                if function is not None and qualified in self.facts.timed_coroutines():
                    # not a cancellation that may come: the module's own timeout around the
                    # coroutine awaiting the child cancels it when it expires, as a timed
                    # wait given up would
                    return Verdict(
                        True,
                        "medium",
                        f"bound to `{name}`: awaited in {function.name.value}(), which the "
                        "module runs under a timeout of its own: when it expires the wait is "
                        "cancelled and the child is never awaited",
                        started=started,
                        running=True,
                    )
                return Verdict(
                    True, "low", f"bound to `{name}`: {_CANCELLED}", started=started, cancelled=True
                )
            if gap is None and returned and self._kept_before_returned(evidence):
                # kept where it went (a container, an attribute) before each return: the
                # caller gets a second reference, and dropping it drops nothing
                return Verdict(False, started=started, daemon=daemon)
            if gap is None and returned:
                # reaped (or kept) on some paths, returned on the others: the callers decide
                function = self.facts.enclosing_function(evidence.returned[0])
                return Verdict(
                    False,
                    started=started,
                    daemon=daemon,
                    factory=function,
                    factory_index=evidence.returned_index,
                )
            if gap is None:
                at_exit = {id(node) for node in evidence.at_exit}
                return Verdict(
                    False,
                    started=started,
                    daemon=daemon,
                    at_exit=bool(at_exit) and all(id(r) in at_exit for r in evidence.reaps),
                )
            if leaking_subs:
                sub = leaking_subs[0]
                return Verdict(
                    True,
                    "low",
                    # the container's own gap is often this one (the same loop reaps both)
                    sub.reason if gap in sub.reason else f"{sub.reason}; {gap}",
                    started=started,
                    daemon=daemon or sub.daemon,
                    ended=evidence.ended or sub.ended,
                    holder=sub.holder or holder,
                )
            if evidence.returned:
                return Verdict(
                    True,
                    "low",
                    f"bound to `{name}`: {gap}, otherwise it is returned to the caller un{rule.kind.reaped}",
                    started=started,
                    daemon=daemon,
                    ended=evidence.ended,
                    holder=holder,
                )
            return Verdict(
                True,
                "low",
                f"bound to `{name}`: {gap}",
                started=started,
                daemon=daemon,
                ended=evidence.ended,
                holder=holder,
                # past its own timeout the child runs on, as after a timed wait given up
                running=gap.startswith("the timeout at line")
                and rule.kind in (Kind.POPEN, Kind.ASYNCIO_SUBPROCESS),
            )
        if evidence.returned and started and _unstoppable(site):
            # handing a thread on hands on joining it; one whose target never ends cannot be
            # joined (join() blocks for good) nor stopped: the caller can do nothing with it
            return Verdict(
                True,
                "high",
                f"bound to `{name}` and returned to the caller, who can neither join nor stop it",
                started=started,
                daemon=daemon,
                holder=holder,
            )
        if evidence.returned:
            function = self.facts.enclosing_function(evidence.returned[0])
            return Verdict(
                False,
                started=started,
                daemon=daemon,
                ended=evidence.ended,
                factory=function,
                factory_index=evidence.returned_index,
            )
        if leaking_subs:
            sub = leaking_subs[0]
            # what was learned where it went (retired there by the next call, replaced, given
            # up) holds for the handle the local passed on
            return replace(
                sub,
                started=started or sub.started,
                daemon=daemon or sub.daemon,
                ended=evidence.ended or sub.ended,
                holder=sub.holder or holder,
            )
        if factories:
            return Verdict(
                False, started=started, daemon=daemon, ended=evidence.ended, factory=factories[0]
            )
        return Verdict(
            True,
            "high",
            f"bound to `{name}` in {where} and never {rule.kind.reaped}",
            started=started,
            daemon=daemon,
            ended=evidence.ended,
            holder=holder,
            drained=any(read_to_the_end(self.index, use) for use in evidence.uses),
        )

    def reap_gap(
        self,
        rule: Rule,
        statement: cst.CSTNode,
        reaps: list[cst.CSTNode],
        scope: ScopeNode,
        handle: str = "",
        handoffs: list[cst.CSTNode] | None = None,
        every: bool = False,
        early_returns: bool = True,
    ) -> str | None:
        """None when some reap runs on every path after ``statement``; else which path leaks.

        ``handle`` (``proc`` or ``self._proc``): an ``if proc is not None:`` guard around a reap
        does not make it conditional. With ``every`` (the reaps are loops over a container the
        statement fills), a reap after the filling loop reaps what every iteration put there."""
        # a handler of a signal ending the process (SIGINT, SIGTERM) runs only when the process
        # is interrupted, never on the way of a normal call (wherever it is defined)
        reaps = [reap for reap in reaps if not self._on_interrupt_only(reap, scope)]
        if not reaps:
            return f"{rule.kind.reaped} only when the process is interrupted; the normal path leaks"
        contains = Contains(
            self.index,
            reaps,
            handle,
            self._never_completes,
            self._given_tests(statement, scope),
            lambda: normal_values(scope),
        )
        # Walk up from the start statement: at each level, the statements after it in its block.
        current: cst.CSTNode = statement
        left_loop = False
        next_pass = False  # reaped by the loop's next pass, before it starts another
        passed: list[cst.CSTNode] = []  # statements run before a reap, at the levels below
        while True:
            parent = self.index.parent_of(current)
            if parent is None or current is scope:
                break
            block = block_statements(parent)
            if block is None and isinstance(
                parent, cst.SimpleStatementLine | cst.SimpleStatementSuite
            ):
                block = parent.body  # `p = Popen(cmd); rc = p.wait()`: one after the other
            if block is not None:
                holder = current if current in block else None
                if holder is not None:
                    after = block[block.index(holder) + 1 :]
                    first = next((i for i, s in enumerate(after) if contains.definitely(s)), None)
                    if first is not None:
                        if (
                            left_loop
                            and not every
                            and not (handle and self._started_when_absent(statement, handle))
                        ):
                            return "only the one from the last loop iteration is reaped"
                        early = (
                            self._early_return(
                                [*passed, *after[:first], *self._leading(after[first], contains)],
                                contains,
                                handle,
                                scope,
                                # asyncio's watcher reaps a killed child, awaited or not
                                killed_leaves=not rule.awaited,
                            )
                            if early_returns
                            else None
                        )
                        leaving = (
                            self._leaves_poll_loop(after[first], contains, handle, scope)
                            if early_returns and early is None
                            else None
                        )
                        if leaving is not None:
                            word = "return" if isinstance(leaving, cst.Return) else "raise"
                            return (
                                f"polled in a loop, but the `{word}` at line "
                                f"{self.index.line_of(leaving)} leaves it before a poll says it "
                                f"has ended: it is never {rule.kind.reaped}"
                            )
                        if isinstance(early, cst.Raise):
                            return (
                                f"the `raise` at line {self.index.line_of(early)} leaves it "
                                f"killed but never {rule.kind.reaped} ({rule.kind.reaped} only "
                                "on the way that does not raise; a kill is no wait)"
                            )
                        if early is not None:
                            return (
                                f"the `return` at line {self.index.line_of(early)} leaves it "
                                f"un{rule.kind.reaped} ({rule.kind.reaped} only after it)"
                            )
                        expiring = (
                            self._timeout_before([*passed, *after[:first]], scope, contains)
                            if early_returns
                            else None
                        )
                        if expiring is not None:
                            return (
                                f"the timeout at line {self.index.line_of(expiring)} raises "
                                f"out before it is {rule.kind.reaped}: {rule.kind.reaped} only "
                                "when what it waits for comes in time"
                            )
                        return None
                    passed.extend(after)
            if isinstance(parent, cst.Try | cst.TryStar):
                if contains.finally_reaps(parent):
                    return None
                if current is parent.body and contains.handlers_reap_endless(parent):
                    return None  # the try never ends normally: every way out reaps
                if (
                    parent.orelse is not None
                    and current is parent.body
                    and any(contains.definitely(s) for s in parent.orelse.body.body)
                ):
                    return None
            if isinstance(parent, cst.IndentedBlock):
                owner = self.index.parent_of(parent)
                if (
                    isinstance(owner, cst.For | cst.While)
                    and owner.body is parent
                    and not _pass_ends_loop(self.index, statement, owner)
                ):
                    if any(
                        contains.definitely(s)
                        for s in parent.body[: _position(parent.body, current)]
                    ):
                        # `if proc is not None: proc.wait()` before `proc = Popen(...)` in the
                        # loop's body: each pass reaps the one the pass before started (and an
                        # endless loop has no last one)
                        if (
                            isinstance(owner, cst.While)
                            and is_true(owner.test)
                            and not loop_can_exit(owner)
                        ):
                            return None
                        next_pass = True
                    else:
                        left_loop = True
            if parent is scope:
                break
            current = parent
        # Nested callbacks (a reap inside a nested function or lambda) count as deferred reaping.
        for reap in reaps:
            if self.index.scope_of(reap) is not scope:
                return None
        if (
            next_pass
            and not every
            and isinstance(statement, cst.Assign)
            and any(self.index.code(t.target).strip() == handle for t in statement.targets)
        ):
            return (
                f"each one is {rule.kind.reaped} by the loop's next pass, before it starts "
                f"another, but the last one is left un{rule.kind.reaped}"
            )
        # Describe the condition that guards the first reap (a real one before a hand-over); one
        # in an `except` only when no reap is guarded by an `if` (`if items: try: ... except:
        # terminate() finally: join()` leaks on the other path of the `if`, exception or not).
        handed = {id(node) for node in handoffs or ()}
        on_error = False
        for reap in sorted(reaps, key=lambda node: id(node) in handed):
            for ancestor in self.index.ancestors(reap):
                if ancestor is scope:
                    break
                if isinstance(ancestor, cst.ExceptHandler):
                    on_error = True
                    break
                if isinstance(ancestor, cst.If):
                    test = self.index.code(ancestor.test).strip()
                    in_else = ancestor.orelse is not None and self.index.inside(
                        reap, ancestor.orelse
                    )
                    condition = f"not ({test})" if in_else else test
                    return (
                        f"{rule.kind.reaped} only when `{short(condition)}`; the other path leaks"
                    )
        if on_error:
            return f"{rule.kind.reaped} only when an exception is raised; the normal path leaks"
        return f"{rule.kind.reaped} on some paths only"

    def _started_when_absent(self, statement: cst.CSTNode, handle: str) -> bool:
        """Is ``statement`` (binding ``handle`` anew in a loop) run only when there is no
        child left to reap under that name: under ``if proc is None:``, ``if proc.poll() is
        not None:`` / ``if proc.returncode is not None:`` (a child that has reported its end is
        reaped; ``not p.is_alive()``, ``p.exitcode is not None`` poll a multiprocessing one),
        ``or``-ed together, or in the ``else`` of their opposites? And is every other binding
        of the handle in the loop such a start too, and none after this one in its guarded
        block (no ``proc = None`` dropping a running child, no second start replacing this
        one)? Then each pass replaces nothing unreaped: a restart after a death, not a drop."""
        loop = next(
            (a for a in self.index.ancestors(statement) if isinstance(a, cst.For | cst.While)),
            None,
        )
        if loop is None:
            return False
        bindings = [
            node
            for node in walk_statements(loop)
            if isinstance(node, cst.Assign | cst.AugAssign | cst.AnnAssign)
            and any(
                dotted_name(target) == handle
                for target in (
                    [t.target for t in node.targets]
                    if isinstance(node, cst.Assign)
                    else [node.target]
                )
            )
        ]
        guards = [self._absence_guard(binding, handle, loop) for binding in bindings]
        if any(guard is None for guard in guards):
            return False

        # the last in its guarded block: a later binding there replaces its child
        def this(binding: cst.CSTNode) -> bool:
            return (
                binding is statement
                or self.index.inside(binding, statement)
                or self.index.inside(statement, binding)
            )

        own = next((g for b, g in zip(bindings, guards, strict=True) if this(b)), None)
        if own is None:
            return False
        return not any(
            g is own
            and not this(b)
            and self.facts.call_position(b) > self.facts.call_position(statement)
            for b, g in zip(bindings, guards, strict=True)
        )

    def _absence_guard(
        self, statement: cst.CSTNode, handle: str, loop: cst.CSTNode
    ) -> cst.CSTNode | None:
        """The branch of an ``if`` (inside ``loop``) that holds ``statement`` and is taken only
        when ``handle`` has no child left to reap; None when there is none."""
        current: cst.CSTNode = statement
        for ancestor in self.index.ancestors(statement):
            if ancestor is loop:
                return None
            if isinstance(ancestor, cst.If):
                absent = _gone(ancestor.test, handle)
                if (current is ancestor.body and absent is True) or (
                    current is ancestor.orelse and absent is False
                ):
                    return current
            current = ancestor
        return None

    def _timeout_before(
        self, statements: list[cst.CSTNode], scope: ScopeNode, contains: Contains
    ) -> cst.CSTNode | None:
        """A timeout of the module's own among ``statements`` (run after the start, before the
        reap) that raises out of the function when it expires: ``await asyncio.wait_for(
        proc.stdout.readline(), 5)`` or an ``async with asyncio.timeout(5):`` block, outside any
        ``try`` with handlers there, nor caught further out by a handler that reaps (``except
        BaseException: proc.kill(); await proc.wait(); raise``, the start in that ``try`` too).
        A timeout is set to expire: the reap after it runs only when what it waits for comes in
        time (``tail -f`` left running when a line is late)."""
        for statement in statements:
            for node in walk_statements(statement):
                if isinstance(node, cst.Call) and last_name(node.func) == "wait_for":
                    if not _limited(self.index, node, 1, "timeout", missing=False):
                        continue
                elif isinstance(node, cst.With) and node.asynchronous is not None:
                    if not _times_out(self.index, node, _ASYNCIO_TIMEOUTS, missing=False):
                        continue
                else:
                    continue
                if self.index.scope_of(node) is not scope:
                    continue
                guarded = any(
                    isinstance(ancestor, cst.Try | cst.TryStar) and ancestor.handlers
                    for ancestor in self.index.ancestors(node)
                    if self.index.inside(ancestor, statement) or ancestor is statement
                )
                if not guarded and not self._caught_and_reaped(
                    node, contains, scope, "TimeoutError"
                ):
                    return node
        return None

    def _interrupted_only(self, node: cst.CSTNode, scope: ScopeNode) -> bool:
        """Is ``node`` (a way out) in a handler of ``scope`` that catches only Ctrl-C (``except
        KeyboardInterrupt: p.kill(); raise``)? That way is taken only when the process is
        being interrupted, never on a call's normal or failing way: it is no path that
        repeats per request."""
        for ancestor in self.index.ancestors(node):
            if ancestor is scope:
                return False
            if isinstance(ancestor, cst.ExceptHandler | cst.ExceptStarHandler):
                return catches_only_ctrl_c(ancestor)
        return False

    def _on_interrupt_only(self, reap: cst.CSTNode, scope: ScopeNode) -> bool:
        """Is ``reap`` in a function nested in ``scope`` that ``scope`` names only to install it
        as the handler of a signal ending the process (``signal.signal(signal.SIGINT,
        handler)``)?"""
        inner = self.index.scope_of(reap)
        if inner is scope or not isinstance(inner, cst.FunctionDef | cst.Lambda):
            return False
        if self.index.scope_of(inner) is not scope:
            return False
        uses: list[cst.CSTNode] = (
            list(self.index.uses(inner.name.value, scope))
            if isinstance(inner, cst.FunctionDef)
            else [inner]
        )
        if not uses:
            return False
        for use in uses:
            arg = self.index.parent_of(use)
            call = self.index.parent_of(arg) if isinstance(arg, cst.Arg) else None
            if not (
                isinstance(call, cst.Call)
                and self.index.resolve(call.func) == "signal.signal"
                and len(call.args) == 2
                and call.args[1] is arg
                and last_name(call.args[0].value) in ENDING_SIGNALS
            ):
                return False
        return True

    def _given_tests(self, statement: cst.CSTNode, scope: ScopeNode) -> frozenset[str]:
        """The tests that hold wherever ``statement`` (a start) ran and keep holding after it:

        - the tests of the ``if`` statements whose body holds it (up to its scope), and the
          negated tests of those whose ``else`` or ``elif`` holds it, that nothing
          in the scope changes after they are read: no call in them, and every assignment of a
          name or attribute they read comes before that ``if``, outside any loop around it
          (``cleanup = executor is None`` / ``if cleanup: executor = Pool()`` ... ``if cleanup:
          executor.shutdown()``);
        - a name the start's own block sets to ``True`` right after it, assigned nowhere else
          but to a false literal before (``own = False`` / ``if executor is None: executor =
          Pool(); own = True`` ... ``if own: executor.shutdown()``)."""
        index = self.index
        found: set[str] = set()
        order: dict[int, int] | None = None  # the scope's nodes in lexical order, when needed
        writes: dict[str, list[tuple[cst.CSTNode, cst.BaseExpression | None]]] = {}

        def assigned() -> dict[str, list[tuple[cst.CSTNode, cst.BaseExpression | None]]]:
            nonlocal order
            if order is None:
                nodes = walk_statements(scope)
                order = {id(node): position for position, node in enumerate(nodes)}
                for node, target, value in assignments_among(nodes):
                    name = dotted_name(target)
                    if name:
                        writes.setdefault(name, []).append((node, value))
            return writes

        def settled_before(name: str, test: cst.CSTNode) -> bool:
            """Every assignment of ``name`` comes before ``test`` and outside its loops."""
            assert order is not None
            loops = [a for a in index.ancestors(test) if isinstance(a, cst.For | cst.While)]
            return all(
                order.get(id(node), 0) < order.get(id(test), 0)
                and not any(index.inside(node, loop) for loop in loops)
                for node, _ in writes.get(name, [])
            )

        current: cst.CSTNode = statement
        # (the test, the statement it is read at, whether the start ran where it held)
        tests: list[tuple[cst.BaseExpression, cst.CSTNode, bool]] = []
        choice = _none_or_start(statement)
        if choice is not None:
            tests.append((choice[0], statement, choice[1]))
        for ancestor in index.ancestors(statement):
            if ancestor is scope:
                break
            if isinstance(ancestor, cst.If) and current in (ancestor.body, ancestor.orelse):
                tests.append((ancestor.test, ancestor, ancestor.body is current))
            current = ancestor
        tested: set[str] = set()  # the names the start's own tests read
        for expression, at, held in tests:
            nodes = walk_statements(expression, skip_nested=False)
            read = {dotted_name(n) for n in nodes if isinstance(n, cst.Name | cst.Attribute)}
            tested.update(name for name in read if name)
            if any(isinstance(node, cst.Call) for node in nodes):
                continue
            assigned()
            if all(settled_before(name, at) for name in read if name):
                test = index.code(expression)
                # in the `else` (or an `elif`), the test was false
                found.add(test if held else f"not ({test})")
        if isinstance(scope, cst.FunctionDef):
            for name, value in self._defaults_kept(scope):
                if name not in tested and name not in assigned():
                    found.add(name if value else f"not ({name})")
        flag = self._flag_set_with_start(statement)
        if flag:
            name, setting = flag
            assigned()
            assert order is not None
            others = [(node, value) for node, value in writes.get(name, []) if node is not setting]
            parameter = isinstance(scope, cst.FunctionDef) and any(
                p.name.value == name for p in all_params(scope.params)
            )
            if (
                not parameter
                and not _rebound_unseen(scope, name)
                and all(
                    value is not None
                    and (
                        # raised elsewhere too: it is never lowered on the way
                        literal_truth(value) is True
                        or (
                            literal_truth(value) is False
                            and order.get(id(node), 0) < order.get(id(setting), 0)
                        )
                    )
                    for node, value in others
                )
            ):
                found.add(name)
        return frozenset(found)

    def _defaults_kept(self, function: cst.FunctionDef) -> list[tuple[str, bool]]:
        found = self._kept_defaults.get(id(function))
        if found is None:
            found = self._kept_defaults[id(function)] = self._find_defaults_kept(function)
        return found

    def _find_defaults_kept(self, function: cst.FunctionDef) -> list[tuple[str, bool]]:
        """The flags of ``function`` that keep their default here: parameters defaulting to
        ``True`` or ``False`` that no call of it in the module passes (by keyword or position,
        or through ``*args``/``**kwargs``), each with its default. A caller's opt-out is the
        caller's choice: ``def editor(self, filename, wait=True): proc = Popen(...); if wait:
        proc.wait()`` waits on the path every caller takes until one says ``wait=False``.
        Nothing when a caller is hidden (the function named as a thread's target or scheduled,
        or handed on as a value)."""
        flags = [
            param
            for param in all_params(function.params)
            if isinstance(param.default, cst.Name) and param.default.value in ("True", "False")
        ]
        if not flags or function.decorators:
            return []  # a decorator may register it (`@command`): callers unseen
        callers = self.facts.callers(function)
        if any(
            not isinstance(call, cst.Call) or self.facts.is_target_reference(call)
            for call in callers
        ):
            return []
        if self._handed_as_value(function.name.value, self.facts.is_method(function)):
            return []  # `hooks["editor"] = editor`, `register(self.edit)`: callers unseen
        kept: list[tuple[str, bool]] = []
        for param in flags:
            passed = False
            for call in callers:
                assert isinstance(call, cst.Call)
                positional = self.facts.given_params(function, call.func)
                default = param.default
                assert isinstance(default, cst.Name)
                unnamed = [a for a in call.args if a.keyword is None and not a.star]
                for given in call.args:
                    if given.star:
                        passed = True
                    elif given.keyword is not None and given.keyword.value == param.name.value:
                        # passing the default itself (`wait=True`) opts out of nothing
                        passed = passed or dotted_name(given.value) != default.value
                if param in positional and positional.index(param) < len(unnamed):
                    value = unnamed[positional.index(param)].value
                    passed = passed or dotted_name(value) != default.value
            if not passed:
                assert isinstance(param.default, cst.Name)
                kept.append((param.name.value, param.default.value == "True"))
        return kept

    def _handed_as_value(self, name: str, method: bool) -> bool:
        """Is the function (``method``: the method) ``name`` of the module passed, stored or
        returned as a value somewhere (``set_hook("editor", editor)``, ``self.cb =
        self.edit``), not only called? A method is reached as an attribute, a function by its
        name, unless that name is a local of where it is read (``editor = self.editor``)."""
        index = self.index
        for node in index.names.get(name, ()):
            held: cst.CSTNode = node
            parent = index.parent_of(node)
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                if not method:
                    continue
                held, parent = parent, index.parent_of(parent)
            elif method or (
                isinstance(where := index.scope_of(node), cst.FunctionDef)
                and self.facts.binds(where, name)
            ):
                continue
            if isinstance(parent, cst.Arg | cst.Element | cst.DictElement | cst.Return) or (
                isinstance(parent, cst.Assign | cst.AnnAssign) and parent.value is held
            ):
                return True
        return False

    def _flag_set_with_start(self, statement: cst.CSTNode) -> tuple[str, cst.Assign] | None:
        """``(name, assignment)`` of a ``name = True`` on the way of the start: among the
        simple statements following it in its own block (``executor = Pool()`` then ``own =
        True``), or among those before it there or in the blocks holding it, up to a loop or
        its function (``close = True`` then ``proc = Popen()``; ``must_wait = True`` then ``if
        x: proc = Popen()``). Either way the flag is set wherever the start ran."""
        holder: cst.CSTNode | None = statement
        while holder is not None and not isinstance(holder, cst.SimpleStatementLine):
            holder = self.index.parent_of(holder)
        placed = self._in_block(holder)
        if placed is None:
            return None
        body, position = placed

        def setting(line: cst.BaseStatement) -> tuple[str, cst.Assign] | None:
            assert isinstance(line, cst.SimpleStatementLine)
            for small in line.body:
                if (
                    isinstance(small, cst.Assign)
                    and len(small.targets) == 1
                    and isinstance(small.targets[0].target, cst.Name)
                    and literal_truth(small.value) is True
                ):
                    return small.targets[0].target.value, small
            return None

        for line in body[position + 1 :]:
            if not isinstance(line, cst.SimpleStatementLine):
                break
            if (found := setting(line)) is not None:
                return found
        # before it: in its block, then in the blocks around it (`must_wait = True` then `if
        # x: proc = Popen()`), up to a loop (which may run it again after another setting) or
        # its function
        index = self.index
        current: cst.CSTNode = body[position]
        while True:
            at = next((i for i, line in enumerate(body) if line is current), 0)
            for line in reversed(body[:at]):
                if (
                    isinstance(line, cst.SimpleStatementLine)
                    and (found := setting(line)) is not None
                ):
                    return found
            block = index.parent_of(current)
            up: cst.CSTNode | None = index.parent_of(block) if block is not None else None
            while up is not None and not (
                isinstance(up, cst.BaseCompoundStatement)
                and isinstance(index.parent_of(up), cst.IndentedBlock)
            ):
                if isinstance(up, cst.For | cst.While | cst.FunctionDef | cst.Lambda):
                    return None
                up = index.parent_of(up)
            if up is None or isinstance(up, cst.For | cst.While | cst.FunctionDef | cst.ClassDef):
                return None
            outer = index.parent_of(up)
            assert isinstance(outer, cst.IndentedBlock)
            body, current = outer.body, up

    def _early_return(
        self,
        statements: list[cst.CSTNode],
        contains: Contains,
        handle: str,
        scope: ScopeNode,
        killed_leaves: bool = True,
    ) -> cst.Return | cst.Raise | None:
        """A ``return`` among ``statements`` (run after the start, before the reap) that leaves
        the function with the handle neither reaped on its way nor returned (``if failed:
        return`` between ``p = Popen()`` and ``p.wait()``), or None. A ``raise`` right after
        killing the child (``p.kill(); raise TimeoutExpired(...)``) leaves it so too: the path
        gives up on the child on purpose, and a kill is no wait (an exception raised by
        anything else is an error, not a way the function is meant to end)."""
        index = self.index
        for statement in statements:
            for node in walk_statements(statement):
                if (
                    not isinstance(node, cst.Return | cst.Raise)
                    or index.scope_of(node) is not scope
                ):
                    continue
                if isinstance(node, cst.Raise) and not (
                    killed_leaves
                    and handle
                    and self._killed_before(node, handle)
                    and not self._caught_and_reaped(node, contains, scope)
                ):
                    continue
                if isinstance(node, cst.Return) and self._returns_handle(node, handle):
                    continue  # handed to the caller
                if self._interrupted_only(node, scope):
                    continue
                if self._no_handle_there(node, statement, handle):
                    continue
                if contains.excluded(node, statement):
                    continue  # a branch the start's own path rules out (`if os.name == "nt":`)
                if self._finally_reaps(node, scope, contains):
                    continue
                if not self._reaped_before(node, statement, contains):
                    return node
        return None

    def _leading(self, statement: cst.CSTNode, contains: Contains) -> list[cst.CSTNode]:
        """The statements a ``try`` whose body reaps runs before the one that reaps (``try:
        for line in p.stdout: ...; p.wait() finally: ...``): a way out among them leaves
        before the reap as well (a ``raise`` a handler of it catches and reaps does not:
        ``_caught_and_reaped``)."""
        leading: list[cst.CSTNode] = []
        while isinstance(statement, cst.Try):
            body = statement.body.body
            first = next((i for i, s in enumerate(body) if contains.definitely(s)), None)
            if first is None:
                break
            leading.extend(body[:first])
            statement = body[first]
        return leading

    def _leaves_poll_loop(
        self, statement: cst.CSTNode, contains: Contains, handle: str, scope: ScopeNode
    ) -> cst.Return | cst.Raise | None:
        """A way out of the loop ``statement`` that reaps only by polling (``poll()``,
        ``is_alive()``) taken while the child may still run: a ``return``, or a ``raise`` after
        the loop kills the child or gives up on a deadline, that is not under a test of what a
        poll said (``if proc.poll() is not None:``, ``rc = proc.poll()`` / ``if rc is not
        None:``). A poll reaps only the child it reports ended; leaving on a deadline (``if
        time.monotonic() > deadline: proc.kill(); return None``) leaves the child unwaited, a
        kill being no wait. None when there is no such way out."""
        if not handle or not isinstance(statement, cst.While | cst.For):
            return None
        index = self.index
        inside = [reap for reap in contains.reaps if index.inside(reap, statement)]
        if not inside or not all(_polls(reap, handle) for reap in inside):
            return None
        polled = _poll_results(index, scope, handle)
        for node in walk_statements(statement):
            if not isinstance(node, cst.Return | cst.Raise) or index.scope_of(node) is not scope:
                continue
            if isinstance(node, cst.Raise) and not self._gives_up(node, statement, handle):
                continue  # an error: not the way the loop is meant to end
            if self._interrupted_only(node, scope):
                continue
            if isinstance(node, cst.Return) and self._returns_handle(node, handle):
                continue
            if self._no_handle_there(node, statement, handle) or self._finally_reaps(
                node, scope, contains
            ):
                continue
            if self._behind_poll(node, statement, polled):
                continue  # behind what a poll said: the child has ended and been reaped
            return node
        return None

    def _behind_poll(self, node: cst.CSTNode, loop: cst.CSTNode, polled: set[str]) -> bool:
        """Is ``node`` reached only once a poll said the child ended: in the branch of an
        ``if`` on what a poll said that holds when it ended (``if rc is not None:``, the
        ``else`` of ``if proc.poll() is None:``), or after one that leaves this turn while it
        runs (``if rc is None: time.sleep(1); continue``)? A test whose sense cannot be read
        (``if done:``) is taken to say the child ended."""
        index = self.index
        current: cst.CSTNode = node
        for ancestor in index.ancestors(node):
            if ancestor is loop:
                return False
            if isinstance(ancestor, cst.If) and _reads_any(ancestor.test, polled):
                ended = _poll_polarity(ancestor.test, polled)
                in_body = current is ancestor.body
                if ended is None or ended == in_body:
                    return True
            block = block_statements(ancestor)
            if block is not None:
                for earlier in block:
                    if earlier is current or index.inside(current, earlier):
                        break
                    if (
                        isinstance(earlier, cst.If)
                        and _reads_any(earlier.test, polled)
                        and _poll_polarity(earlier.test, polled) is not True
                        and ends_with(
                            earlier.body, (cst.Continue, cst.Break, cst.Return, cst.Raise)
                        )
                    ):
                        return True
            current = ancestor
        return False

    def _gives_up(self, node: cst.Raise, loop: cst.CSTNode, handle: str) -> bool:
        """Is this ``raise`` how the loop gives up on the child: after killing it (``proc.kill();
        raise TimeoutExpired(...)``), or raising a timeout?"""
        raised = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
        said = " ".join(
            [(dotted_name(raised) or "") if raised is not None else ""]
            + [
                arg.value.value
                for arg in (node.exc.args if isinstance(node.exc, cst.Call) else ())
                if isinstance(arg.value, cst.SimpleString)
            ]
        ).lower()
        if any(word in said for word in _GIVING_UP):
            return True  # TimeoutError, DeadlineExceeded, Cancelled, "... timed out"
        return self._killed_before(node, handle)

    def _caught_and_reaped(
        self, node: cst.CSTNode, contains: Contains, scope: ScopeNode, name: str | None = None
    ) -> bool:
        """Is what ``node`` raises caught, within the scope, by a handler that reaps: ``node``
        is in the body of a ``try`` one of whose reaping handlers names its class, a base of
        it, ``Exception`` or nothing (a bare ``raise`` is taken as caught)? ``name``: the class
        raised, when ``node`` is no ``raise`` (an expiring timeout raises ``TimeoutError``)."""
        if name is None:
            exc = node.exc if isinstance(node, cst.Raise) else None
            raised = exc.func if isinstance(exc, cst.Call) else exc
            name = last_name(raised) if raised is not None else ""
        accepted = {name, *_EXCEPTION_BASES.get(name, ()), "Exception", "BaseException"}
        current: cst.CSTNode = node
        for ancestor in self.index.ancestors(node):
            if ancestor is scope:
                return False
            if isinstance(ancestor, cst.Try) and current is ancestor.body:
                for handler in ancestor.handlers:
                    if not contains.any(handler):
                        continue
                    # (a bare `except:` catches BaseException, which `accepted` holds)
                    caught = (c.rsplit(".", 1)[-1] for c in caught_names(handler))
                    if not name or any(c in accepted for c in caught):
                        return True
            current = ancestor
        return False

    def _killed_before(self, node: cst.Raise, handle: str) -> bool:
        """Is the child killed (``<handle>.kill()``, ``.terminate()``) by a statement before
        this ``raise`` in its block: the path gives up on the child, and a kill is no wait?"""
        placed = self._in_block(self.index.parent_of(node))  # the line holding the `raise`
        body, position = placed if placed is not None else ((), 0)
        for statement in body[:position]:
            for call in walk_statements(statement):
                if (
                    isinstance(call, cst.Call)
                    and isinstance(call.func, cst.Attribute)
                    and call.func.attr.value in ("kill", "terminate")
                    and dotted_name(call.func.value) == handle
                ):
                    return True
        return False

    def _returns_handle(self, node: cst.Return, handle: str) -> bool:
        """Does the value of ``return`` hold the handle itself (``return p``, ``return (p,
        out)``), not just something read from it (``return p.returncode``)?"""
        if not handle or node.value is None:
            return False
        for inner in walk_statements(node.value, skip_nested=False):
            if isinstance(inner, cst.Name | cst.Attribute) and dotted_name(inner) == handle:
                parent = self.index.parent_of(inner)
                if not (isinstance(parent, cst.Attribute) and parent.value is inner):
                    return True
                if parent.attr.value == "pid":
                    return True  # the pid, for the caller to wait for
        return False

    def _finally_reaps(self, node: cst.CSTNode, scope: ScopeNode, contains: Contains) -> bool:
        """Is ``node`` inside a ``try`` whose ``finally`` reaps (it runs on the way out)?"""
        for ancestor in self.index.ancestors(node):
            if ancestor is scope:
                return False
            if isinstance(ancestor, cst.Try | cst.TryStar) and contains.finally_reaps(ancestor):
                return True
        return False

    def _no_handle_there(self, node: cst.CSTNode, top: cst.CSTNode, handle: str) -> bool:
        """Is ``node`` on a branch where there is no child to reap: ``if pool is None:``, ``if
        not proc:``, or the child's side of ``if pid == 0:``?"""
        if not handle:
            return False
        current: cst.CSTNode = node
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.If):
                in_body = ancestor.body is current
                absent = _absent(ancestor.test, handle)
                if absent is None and self._of_another_type(ancestor.test, handle):
                    absent = True
                if absent is not None and absent == in_body:
                    return True  # no handle there, or one already reaped (`p.poll() is not None`)
                side = pid_side(ancestor.test, handle)
                if side is not None and side != in_body:
                    return True  # the child's branch: it has no child of its own to wait for
            if ancestor is top:
                return False
            current = ancestor
        return False

    def _of_another_type(self, test: cst.BaseExpression, handle: str) -> bool:
        """Is ``test`` ``isinstance(handle, C)`` with ``C`` (or each of a tuple of them) a type
        no child or thread is of: a builtin value or exception type (``str``, ``OSError``), or
        a class of the module deriving from nothing but those and its own such classes (the
        error object a factory returns in place of the child, ``Popen | SpawnError``)? Where it
        holds, the name holds that, not a child."""
        if not (
            isinstance(test, cst.Call)
            and dotted_name(test.func) == "isinstance"
            and len(test.args) == 2
            and dotted_name(test.args[0].value) == handle
        ):
            return False
        kinds = test.args[1].value
        names = (
            [dotted_name(element.value) for element in kinds.elements]
            if isinstance(kinds, cst.Tuple)
            else [dotted_name(kinds)]
        )
        return bool(names) and all(name and self._plain_type(name) for name in names)

    def _plain_type(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        """Is the class ``name`` (as written in this module) one no child or thread is of?"""
        if name in seen:
            return False
        info = self.index.classes.get(name)
        if info is None:
            if name in self.index.local_defs or name in self.index.aliases:
                return False  # bound here, or imported: not known
            return _plain_builtin(name)
        return all(
            self._plain_type(base[1:], seen | {name})
            if base.startswith("@")
            else _plain_builtin(base.removeprefix("builtins."))
            for base in info.bases
        )

    def _reaped_before(self, node: cst.CSTNode, top: cst.CSTNode, contains: Contains) -> bool:
        """Is there a reap before ``node`` on its way out of ``top``: in a statement before it in
        its block, or in one before the block at each level up to ``top``?"""
        current: cst.CSTNode = node
        for ancestor in self.index.ancestors(node):
            block = block_statements(ancestor)
            if block is not None:
                holder = next(
                    (s for s in block if s is current or self.index.inside(current, s)), None
                )
                if holder is not None and any(
                    contains.definitely(s) for s in block[: block.index(holder)]
                ):
                    return True
            if ancestor is top:
                return False
            current = ancestor
        return False

    def _never_completes(self, block: cst.BaseSuite) -> bool:
        """Does ``block`` end in an endless loop (``while True:`` with no break or return), or a
        call of a function of this module made of one (``capture_events()`` serving until an
        exception): then it is left only by an exception."""
        statements = block.body if isinstance(block, cst.IndentedBlock) else ()
        if not statements:
            return False
        last = statements[-1]
        if endless_while(last):
            return True
        if not (
            isinstance(last, cst.SimpleStatementLine)
            and len(last.body) == 1
            and isinstance(last.body[0], cst.Expr)
            and isinstance(last.body[0].value, cst.Call)
        ):
            return False
        if self.index.resolve(last.body[0].value.func) == "signal.pause" and not (
            self._handles_signals()
        ):
            # it returns only once a signal handler of the program has run and returned; with
            # none, a signal ends the process or raises (SIGINT's KeyboardInterrupt)
            return True
        function = self._callee(last.body[0].value)
        if function is None or not isinstance(function.body, cst.IndentedBlock):
            return False
        names = thread_names(function)
        return any(
            endless_while(statement, names) for statement in function.body.body
        ) and not has_return(function)

    def _handles_signals(self) -> bool:
        """Does the module install a signal handler of its own (``signal.signal(SIGTERM,
        handler)``, ``loop.add_signal_handler(...)``), not the default or ignoring one?"""
        for call in self.index.calls:
            resolved = self.index.resolve(call.func) or ""
            if resolved == "signal.signal" and len(call.args) >= 2:
                given = call.args[1].value
                handler = self.index.resolve(given) or ""
                function = self._function_of(given, call)
                if handler not in (
                    "signal.SIG_DFL",
                    "signal.SIG_IGN",
                    "signal.default_int_handler",
                ) and not (function is not None and _always_raises(function)):
                    # (a handler that always raises, `raise KeyboardInterrupt`, never lets
                    # pause() return either)
                    return True
            elif last_name(call.func) == "add_signal_handler":
                return True
        return False

    def _follow_attribute(self, site: Site, attr: str, statement: cst.CSTNode) -> Verdict:
        if site.started and (over := self._stored_over(statement, attr)) is not None:
            # what the class's other methods reap is the handle stored there next
            return Verdict(
                True,
                "high",
                f"stored on self.{attr}, then stored over there "
                f"({short(self.index.code(over).strip())}) before anything reads it: dropped at "
                f"once, never {site.rule.kind.reaped}",
                started=True,
                daemon=site.daemon,
            )
        owner = self.index.class_of(statement)
        key = ("attribute", attr, id(owner.node) if owner is not None else 0)
        return self._once(key, lambda: self._follow_attribute_now(site, attr, statement))

    def _stored_over(self, statement: cst.CSTNode, attr: str) -> cst.CSTNode | None:
        """The statement storing a new handle on ``self.<attr>`` that, on every way on from
        ``statement`` (which stores this one there), comes before anything could read the
        attribute: a read of it, a call of a method of ``self`` or ``self`` handed on, a
        ``return``/``raise``/``yield``/``await``, a loop or ``try`` left (whose other ways are
        not followed). The handle stored first is then dropped the moment it is stored
        (``if verbose: self._proc = Popen(a)`` then ``self._proc = Popen(b)``): the later
        reaps of the attribute reach only the second. Not when a store runs code (the class
        defines ``<attr>`` itself: a property's setter), nor when the method names the object
        otherwise (``me = self``), nor past the end of a ``with`` on the object (its
        ``__exit__`` may read it)."""
        index = self.index
        target = f"self.{attr}"
        store = index.statement_of(statement)
        line = index.parent_of(store)
        if not isinstance(line, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            return None
        # the small statements after the store on its own line come first
        following: list[cst.CSTNode] = list(line.body[line.body.index(store) + 1 :])
        node: cst.CSTNode | None = line
        while node is not None:
            for each in following:
                found = _store_or_read(each, target)
                if found == "store":
                    return each if self._plain_store(statement, attr) else None
                if found == "read":
                    return None
            parent = index.parent_of(node)
            if isinstance(node, cst.IndentedBlock | cst.SimpleStatementSuite):
                # a block's end: on after its whole `if` (out of an `else`/`elif`) or `with`
                while isinstance(parent, cst.Else) or (
                    isinstance(parent, cst.If) and isinstance(index.parent_of(parent), cst.If)
                ):
                    parent = index.parent_of(parent)
                if not isinstance(parent, cst.If | cst.With):
                    return None  # the method's end, or a loop or `try` going other ways too
                if isinstance(parent, cst.With) and any(
                    _may_read(item.item, target) for item in parent.items
                ):
                    # `with self:`, `with self.session():` leave through code of the object
                    # (`with self._lock:` through the lock's)
                    return None
                node, following = parent, []
                continue
            if not isinstance(parent, cst.IndentedBlock):
                return None
            following = list(parent.body[parent.body.index(node) + 1 :])
            node = parent
        return None

    def _plain_store(self, statement: cst.CSTNode, attr: str) -> bool:
        """Is a store to ``self.<attr>`` in the method holding ``statement`` only a store: the
        class does not define ``<attr>`` itself (a property, whose setter runs), and the method
        names the object no other way (``me = self``)?"""
        info = self.index.class_of(statement)
        method = self.index.method_of(statement)
        return (
            info is not None
            and method is not None
            and not any(attr in member.methods for member in self.facts.class_family(info))
            and not any(
                isinstance(node, cst.Assign) and dotted_name(node.value) == "self"
                for node in walk_statements(method)
            )
        )

    def _accessors(self, family: list[ClassInfo], attr: str) -> tuple[str, ...]:
        """The public name of a private attribute (``self.horse_pid`` for ``self._horse_pid``)
        is its accessor when the class never assigns it and defines it, if at all, as a
        property: the convention of a read-only view of private state."""
        public = attr.lstrip("_")
        if not public or public == attr:
            return ()
        for member in family:
            method = member.methods.get(public)
            if method is not None and not any(
                dotted_name(d.decorator)
                in ("property", "cached_property", "functools.cached_property")
                for d in method.decorators
            ):
                return ()
            for node in self_attribute_nodes(self.index, member, public):
                if isinstance(self.index.parent_of(node), cst.AssignTarget | cst.AugAssign):
                    return ()  # a separate attribute
        return (public,)

    def _bound_anew_before(self, node: cst.CSTNode, attr: str) -> bool:
        """Does the method holding ``node`` (``self.<attr>`` read) bind ``self.<attr>`` anew
        on every path before it: in a plain statement of its body coming first?"""
        method = self.index.method_of(node)
        if method is None or not isinstance(method.body, cst.IndentedBlock):
            return False
        for statement in method.body.body:
            if self.index.inside(node, statement):
                return False
            if not isinstance(statement, cst.SimpleStatementLine):
                continue  # bound on some paths only
            for target, _ in assignments(statement):
                if dotted_name(target) == f"self.{attr}":
                    return True
        return False

    def _follow_attribute_now(self, site: Site, attr: str, statement: cst.CSTNode) -> Verdict:
        index = self.index
        info = index.class_of(statement)
        rule = site.rule
        if info is None:
            return Verdict(False)
        evidence = Evidence(started=site.started, daemon=site.daemon)
        statement_line = index.statement_of(statement)
        family = self.facts.class_family(info)
        same_method = index.method_of(statement)
        other_method_reaps = False
        retiring: set[int] = set()  # reaps in the storing method of the one stored before
        names = (attr, *self._accessors(family, attr))
        own = _own_function(site, family)
        read_elsewhere = False  # does a method other than the storing one read it
        for member in family:
            for node in (n for name in names for n in self_attribute_nodes(index, member, name)):
                if index.inside(node, statement_line) and is_binding_of(
                    index, node, statement_line
                ):
                    continue
                if index.method_of(node) is not same_method and not isinstance(
                    index.parent_of(node), cst.AssignTarget
                ):
                    read_elsewhere = True  # (`self._p = None` in __init__ reads nothing)
                if own is not None and index.method_of(node) is own:
                    # what the thread runs itself (a timer's function, a thread's target):
                    # a cancel() there comes once the timer has fired, a join() of its own
                    # thread cannot be; neither reaps it
                    kept = len(evidence.reaps)
                    self._classify_use(site, node, evidence, 2)
                    del evidence.reaps[kept:]
                    continue
                before = len(evidence.reaps)
                parent = index.parent_of(node)
                targets = targets_given(parent, node)
                if parent is not None and targets:
                    # p = self._proc ; p.wait()  (or `p: Final = self._proc`)
                    for target in targets:
                        if isinstance(target, cst.Name):
                            alias = self._evidence_of(site, target.value, index.scope_of(parent))
                            evidence.reaps.extend(alias.reaps)
                            evidence.started = evidence.started or alias.started
                            evidence.ends.extend(alias.ends)
                    if len(evidence.reaps) > before and index.method_of(node) is not same_method:
                        other_method_reaps = True
                    elif len(evidence.reaps) > before and self._reaps_the_one_before(
                        node,
                        statement_line,
                        same_method,
                        evidence.reaps[before:],
                        {f"self.{attr}", *(dotted_name(t) or "" for t in targets)},
                    ):
                        # `retired = self._executor` before the store: the one stored before
                        retiring.update(id(reap) for reap in evidence.reaps[before:])
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
                if index.method_of(node) is not same_method and self._bound_anew_before(node, attr):
                    # `self._proc = Process(target=f); self._proc.start()` in another method
                    # starts (and joins) the object made there, not the one this statement keeps
                    continue
                self._classify_use(site, node, evidence, 2)
                if len(evidence.reaps) > before and (
                    index.method_of(node) is not same_method
                    # the other branch of an `if` on the handle holding the start (`if
                    # self._proc is None: start` / `else: stop`, a toggle): it runs on a later
                    # call, as another method's reap would
                    or _toggled(index, node, statement_line, attr)
                ):
                    other_method_reaps = True
                elif len(evidence.reaps) > before and self._reaps_the_one_before(
                    node, statement_line, same_method, evidence.reaps[before:], {f"self.{attr}"}
                ):
                    # read before the store, it is the handle stored by the call before
                    # (`self._pool.close()` then `self._pool = Pool()`)
                    retiring.update(id(reap) for reap in evidence.reaps[before:])
        if rule.start_methods and not evidence.started:
            return Verdict(False)
        if evidence.forged:
            return self._forged(f"stored on self.{attr}", evidence)
        futile = self._futile_joins(site, evidence)
        if futile:
            return Verdict(
                True,
                "high",
                f"stored on self.{attr}; {futile}",
                started=evidence.started,
                daemon=evidence.daemon,
                holder="self",
            )
        if evidence.escapes or self._forwarded(info, attr):
            return Verdict(False, started=evidence.started, daemon=evidence.daemon)
        finalized = (
            rule.kind.thread
            and bool(evidence.reaps)
            and all(runs_only_when_collected(self.index, reap) for reap in evidence.reaps)
            and self._holds_self(site, family)
        )
        if finalized:
            # reaped only when the object is collected, which the thread holding it prevents
            evidence.reaps = []
        taker = self._returned_and_reaped(site, evidence)
        if taker:
            return Verdict(
                False, started=evidence.started, daemon=evidence.daemon, reapers=(taker,)
            )
        closer = self._ends_unreaped(family, attr, site)
        dropper = self._ends_and_drops(family, attr, site)
        if any(v.leak and v.holder in ("container", "module") for v in evidence.sub_verdicts):
            dropper = ""  # also kept in a container: letting go of the attribute drops nothing
        replacer = (
            self._replaces_unreaped(
                same_method, statement_line, attr, replace(evidence, reaps=list(evidence.ends)), own
            )
            if closer and not evidence.reaps and not site.timer_chain
            else ""
        )
        if replacer:
            # the cleanup ends the one stored last; a method storing a new one over it per
            # call drops the one before still running, which no cleanup reaches any more
            return _replaced(site, evidence, attr, replacer, "ended", ended=False)
        if closer and not dropper.startswith(closer):
            # (a cleanup that ends it and then lets go of it drops it: the dropper says so)
            return Verdict(
                True,
                "medium",
                f"stored on self.{attr}; {closer} but does not {rule.kind.reap()}: the "
                "object's cleanup leaves it unreaped",
                started=evidence.started,
                daemon=evidence.daemon,
                ended=True,
                holder="self",
            )
        if dropper:
            return Verdict(
                True,
                "medium",
                f"stored on self.{attr}; {dropper}: nothing can {rule.kind.reap()} then",
                started=evidence.started,
                daemon=evidence.daemon,
                ended=True,
            )
        if not read_elsewhere:
            # the module's code using the object reads it too (`r.p.kill(); r.p.wait()`)
            read_elsewhere = any(
                isinstance(parent := index.parent_of(node), cst.Attribute)
                and parent.attr is node
                and dotted_name(parent.value) not in ("self", "cls")
                for node in index.names.get(attr, ())
            )
        if timed_out_unreaped(
            evidence,
            rule.awaited,
            self.facts.call_position,
            self.index,
            # kept where another method, or the code using the object, can wait for it again
            # later (`status()` polling `wait(timeout=0)`); read by its storing method only, a
            # timed-out one is lost
            kept=read_elsewhere or same_method is None,
            start=statement_line if not read_elsewhere else None,
        ) and not self._ended_then_exits(evidence):
            return Verdict(
                True,
                "medium",
                f"stored on self.{attr}: "
                + _timed_text(evidence.timed, f"self.{attr}", rule.kind.reaped)
                + _after_timeout(rule.kind.reaped, evidence.ended and not rule.awaited),
                started=evidence.started,
                daemon=evidence.daemon,
                ended=True,
                holder="self",
                running=not evidence.ended or rule.awaited,
            )
        handled = [reap for reap in evidence.reaps if id(reap) not in retiring]
        if handled and all(_in_handler(index, reap) for reap in handled):
            # every reap of the class sits in an `except`: it runs only when something fails,
            # and the normal path (the upload done, the job finished) never reaps (one acting
            # on the handle stored before, `self.getter.exit()` before `self.getter =
            # XGetter()` in the handler renewing it, retires that one: it says nothing of this)
            where = index.method_of(handled[0])
            return Verdict(
                True,
                "medium",
                f"stored on self.{attr}: {rule.kind.reaped} only in an `except`"
                + (f" (in {where.name.value}())" if where is not None else "")
                + f": when nothing fails it is never {rule.kind.reaped}",
                started=evidence.started,
                daemon=evidence.daemon,
                holder="self",
            )
        if evidence.reaps:
            if other_method_reaps or same_method is None:
                replacer = self._replaces_unreaped(same_method, statement_line, attr, evidence, own)
                if replacer and not site.timer_chain:  # a chain is judged as a chain
                    return _replaced(site, evidence, attr, replacer, "reaped", evidence.ended)
                # a reap in the start's own method before the store acts on the handle it
                # replaces (`if self._t: self._t.cancel()` then `self._t = Timer(...)`)
                # (told by the order of the calls, which needs no line numbers: those cost a
                # print of the whole module)
                start_at = self.facts.call_position(statement)
                reaping = [
                    method
                    for reap in evidence.reaps
                    if (method := index.method_of(reap)) is not same_method
                    or self.facts.call_position(reap) > start_at
                ]
                reapers = {
                    method.name.value
                    for method in reaping
                    if method is not None and method is not same_method
                }
                return Verdict(
                    False,
                    started=evidence.started,
                    daemon=evidence.daemon,
                    reapers=tuple(sorted(reapers)),
                    # (a thread's: the object's other reaping methods may be called by its
                    # users, but a thread stopped only at exit is never stopped, see
                    # lifecycle._reaped_at_exit)
                    at_exit=rule.kind.thread
                    and all(method is not None and method is not same_method for method in reaping)
                    and self._only_at_exit(reapers, index.class_of(statement)),
                )
            current = [reap for reap in evidence.reaps if id(reap) not in retiring]
            gap = (
                self.reap_gap(
                    rule, statement_line, current, index.scope_of(statement_line), f"self.{attr}"
                )
                if current
                else ""
            )
            if gap is None:
                return Verdict(False, started=evidence.started, daemon=evidence.daemon)
            if (
                retiring
                and same_method is not None
                and "start" in rule.start_methods  # an executor needs no start: it serves
                and not site.started
                and not self._started_in(same_method, attr, rule.start_methods)
            ):
                # made unstarted and started by another method (`open()` starts what
                # `close()` stores after joining the one before): the reap in the storing
                # method comes after that start, as another method's reap would
                return Verdict(
                    False,
                    started=evidence.started,
                    daemon=evidence.daemon,
                    reapers=(same_method.name.value,),
                )
            if retiring and same_method is not None:
                # retire and replace: as the loop's next pass does, the next call reaps it
                gap = (
                    f"each one is {rule.kind.reaped} by the next call of "
                    f"{same_method.name.value}(), before it stores another; the last one "
                    "waits for that call"
                )
            return Verdict(
                True,
                "low",
                f"stored on self.{attr}: {gap}",
                started=evidence.started,
                daemon=evidence.daemon,
                ended=evidence.ended,
                holder="self",
                retired=same_method.name.value if retiring and same_method is not None else "",
            )
        if evidence.returned:
            return Verdict(False, started=evidence.started, daemon=evidence.daemon)
        companion = self._companion_reaps(family, attr, site) or self._reaped_from_outside(
            family, attr, site
        )
        if companion:
            return Verdict(
                False, started=evidence.started, daemon=evidence.daemon, reapers=(companion,)
            )
        inherited, bases = self._inherited_reap(family, attr, site)
        if inherited:
            return Verdict(
                False, started=evidence.started, daemon=evidence.daemon, reapers=(inherited,)
            )
        owner = info.name
        confidence = "medium"
        reaped = rule.kind.reap(third_person=True)
        return Verdict(
            True,
            confidence,
            f"stored on self.{attr}; only {owner}.__del__() {reaped}, which never runs while "
            "the thread holds the object through its arguments (self, or a bound method)"
            if finalized
            else f"stored on self.{attr}; no method of {owner} {reaped}",
            started=evidence.started,
            daemon=evidence.daemon or site.daemon,
            ended=evidence.ended,
            holder="self",
            bases=bases,
        )

    def _inherited_reap(
        self, family: list[ClassInfo], attr: str, site: Site
    ) -> tuple[str, tuple[str, ...]]:
        """A method the class inherits from a base defined in another module of its package
        that reaps ``self.<attr>`` (``VideoReaderAbstract.close()`` waiting for the
        ``self._proc`` a subclass stores): ("Base.method()", ()), or ("", the bases to ask
        for). On the first analysis a finding left for want of them asks for them; the runner
        hands their modules in on a second one. Bases from the standard library
        (``threading.Thread``) are not asked for."""
        bases = sorted(
            base for base in foreign_bases(family) if base.rsplit(".", 1)[-1].isidentifier()
        )
        if not bases:
            return "", ()
        if self.inherited is None:
            return "", tuple(f"{base}:{attr}" for base in bases)
        methods = frozenset(site.reap_methods | set(site.rule.reaped_by_methods))
        # a method the class overrides without calling the base's is not the one that runs
        shadowed = frozenset(
            name
            for member in family
            for name, method in member.methods.items()
            if not _calls_super(method, name)
        )
        for base in bases:
            found = self.inherited(base, attr, methods, shadowed)
            if found:
                return found, ()
        return "", ()

    def shares_what_it_returns(self, function: cst.FunctionDef) -> str:
        """How ``function`` keeps the handle it returns and hands the same one to every
        caller, "" when it does not: cached with no parameter to key on
        (``@functools.lru_cache(1) def _make_context(): return Context()``; a cache keyed on an
        argument, or a method's on ``self``, makes one per key), or returning the module global
        it fills (``global _ctx; ...; _ctx = Context(); return _ctx``)."""
        if not all_params(function.params) and self.index.class_of(function.body) is None:
            for decorator in function.decorators:
                target = decorator.decorator
                called = target.func if isinstance(target, cst.Call) else target
                last = last_name(called)
                if last in CACHE_DECORATORS and last not in CACHED_PROPERTIES:
                    return f"{function.name.value}() is cached (@{self.index.code(target)})"
        statements = walk_statements(function)
        declared = {
            name.name.value
            for node in statements
            if isinstance(node, cst.Global)
            for name in node.names
        }
        returned = [
            node.value for node in statements if isinstance(node, cst.Return) and node.value
        ]
        names = {value.value for value in returned if isinstance(value, cst.Name)}
        if len(names) != 1 or len(returned) != sum(isinstance(v, cst.Name) for v in returned):
            return ""
        (name,) = names
        stores = [
            target
            for target, _ in assignments(function)
            if isinstance(target, cst.Name) and target.value == name
        ]
        if (
            name in declared
            and stores
            and all(
                any(
                    isinstance(ancestor, cst.If) and name in names_tested(ancestor.test)
                    for ancestor in self.index.ancestors(target)
                )
                for target in stores
            )
        ):
            # filled behind a test of itself (`if _ctx is None:`): once, then handed out
            return f"{function.name.value}() hands out the module global `{name}` it fills once"
        return ""

    def _cached_property(self, scope: ScopeNode) -> str:
        """The name of the method ``scope`` when it is a cached property of a class
        (``@cached_property def pool(self): return Pool()``): what it returns is kept on the
        object as ``self.<name>``; "" otherwise."""
        if not isinstance(scope, cst.FunctionDef) or self.index.class_of(scope.body) is None:
            return ""
        for decorator in scope.decorators:
            target = decorator.decorator
            called = target.func if isinstance(target, cst.Call) else target
            if last_name(called) in CACHED_PROPERTIES:
                return scope.name.value
        return ""

    def _holds_self(self, site: Site, family: list[ClassInfo]) -> bool:
        """Does the thread started at ``site`` hold the object starting it: ``self``, one of
        its bound methods (``target=self._run``) or a lambda over ``self`` among its
        arguments? The running thread keeps it alive: it is not collected until the thread
        ends. A weak reference (``weakref.ref(self)``, ``WeakMethod(self._run)``) does not, nor
        a value read off it (``repr(self)``, a property)."""
        methods = {
            name
            for member in family
            for name, method in member.methods.items()
            if not any(last_name(d.decorator) in _PROPERTIES for d in method.decorators)
        }
        pending: list[cst.CSTNode] = [arg.value for arg in site.call.args]
        while pending:
            node = pending.pop()
            if isinstance(node, cst.Call):
                resolved = self.index.resolve(node.func) or ""
                if resolved.startswith("weakref.") or last_name(node.func) in NON_OWNING:
                    continue  # a weak reference, or a value read off it (`name=repr(self)`)
                # what a call returns is its own value (`self._name()`); what it is given may
                # be kept in it (`functools.partial(self._run)`)
                pending.extend(arg.value for arg in node.args)
                continue
            if isinstance(node, cst.Lambda):
                # a closure over self holds the object, whatever it reads of it
                if any(
                    isinstance(inner, cst.Name) and inner.value == "self" for inner in walk(node)
                ):
                    return True
                continue
            if isinstance(node, cst.Attribute) and dotted_name(node.value) == "self":
                if node.attr.value in methods:
                    return True
                continue  # `self._queue`: one of its attributes, not the object
            if isinstance(node, cst.Name) and node.value == "self":
                return True
            pending.extend(children(node))
        return False

    def _only_at_exit(self, methods: Collection[str], info: ClassInfo | None = None) -> bool:
        """Do ``methods`` (of a class) run only at exit: each named in the module only as
        cleanup registered with atexit (``atexit.register(self.stop)``) or called by a method
        that itself runs only at exit (``def close(self): self.stop()``)? A logging handler's
        ``close()`` is such cleanup: ``logging.shutdown()``, registered with atexit, closes
        every handler the program has not closed itself."""
        index = self.index
        root = (
            "close"
            if info is not None and self._logging_handler(info) and not self._closed_here(info)
            else ""
        )
        return runs_only_from(
            index,
            methods,
            root=root,
            root_reference=partial(handed_to_atexit, index),
            roots=atexit_functions(index),
            pinned=True,
        )

    def _closed_here(self, info: ClassInfo) -> bool:
        """Does code of the module close an object of ``info`` it made (``handler =
        JobHandler(); ... finally: handler.close()``): then its handlers are closed on the way,
        not only at exit."""
        made: set[str] = set()
        for call in self.facts.instantiations(info.node):
            bound = self.index.parent_of(call)
            if isinstance(bound, cst.Assign):
                made.update(dotted_name(target.target) or "" for target in bound.targets)
        made.discard("")
        return any(
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "close"
            and dotted_name(call.func.value) in made
            for call in self.facts.calls_named("close")
        )

    def _logging_handler(self, info: ClassInfo) -> bool:
        """Is ``info`` (or a class of the module it derives from) a ``logging`` handler?"""
        return any(
            base.startswith("logging.") and base.endswith("Handler")
            for member in self.index.lineage(info)
            for base in member.bases
        )

    def _started_in(self, method: cst.FunctionDef, attr: str, start_methods: Sequence[str]) -> bool:
        """Does ``method`` call a start method on ``self.<attr>`` (``self._t.start()``)?"""
        return any(
            calls_method(call, f"self.{attr}", start_methods)
            for call in calls_in(self.index, method)
        )

    def _reaps_the_one_before(
        self,
        use: cst.CSTNode,
        store: cst.CSTNode,
        method: cst.FunctionDef | None,
        reaps: Sequence[cst.CSTNode],
        handles: set[str],
    ) -> bool:
        """Do ``reaps`` (found through ``use``, a read of the attribute in the storing method)
        act on the handle an earlier call stored there, every time there is one: ``use`` is
        read before the store on the way to it (``_read_before_store``), and nothing but the
        handle's being there (``if retired is not None:``, ``if self._pool:``, over
        ``handles``) decides whether they run. A retire-and-replace reaps each handle on the
        next call of its method, as another method would; a reap under another test
        (``if force:``) leaves the one before on the other path."""
        index = self.index
        if method is None or not _read_before_store(index, use, store, method):
            return False
        if reaps and all(
            isinstance(reap, cst.Call) and last_name(reap.func) == "join" and _timed(index, reap)
            for reap in reaps
        ):
            return False  # a timed join alone gives up on a thread told nothing (the review)
        return all(_reached_when_held(index, reap, method, handles) for reap in reaps)

    def _replaces_unreaped(
        self,
        method: cst.FunctionDef | None,
        statement: cst.CSTNode,
        attr: str,
        evidence: Evidence,
        own: cst.FunctionDef | None = None,
    ) -> str:
        """The method (not ``__init__``) that stores a new handle on ``self.<attr>`` with no look
        at the one already there: no reap of it, no call of a method that reaps it, no test of
        it before the store or around it. Its name, or "" when it looks first, or when it is
        one half of a start/stop pair (``start``/``stop``, ``login``/``logout``): only the
        object's own end (``close``, ``dispose``, ``__exit__``) reaps it, so the starts between
        replace one another. ``own``: the function the thread runs (a timer's function): a call
        from it comes once the timer stored before has fired, and replaces one that has ended
        (a chain's next link)."""
        index = self.index
        if method is None or method.name.value == "__init__":
            return ""
        if method is own and not self._called_besides_starts(method):
            # stored by the function the thread or timer runs, which only the timer and the
            # object's start call: a link of a chain re-arming itself (`self.timer =
            # Timer(60, self.upload)` in upload()) replaces the one running that very call,
            # which has fired and ends with it. Called from another method too (per request),
            # it stores one over a timer still pending: another chain.
            return ""
        name = method.name.value
        # a private helper (`_spawn()`) that the class calls is what its callers make it,
        # judged by them below; one the class never calls (a base class elsewhere does: a
        # plugin's `_open()`) keeps its name's reading
        private = (
            name.startswith("_") and not name.startswith("__") and self._called_on_self(method)
        )
        if (starts_a_lifecycle(name) and not private) or _runs_itself(method):
            return ""  # start() after stop(): the pair's contract, not a replacement
        if self.facts.runs_after_fork(method):
            return ""  # it re-creates the handle in a forked child, where the old one is gone
        reaping = {
            found.name.value
            for reap in evidence.reaps
            if (found := index.method_of(reap)) is not None
        }
        if not reaping or any(
            name not in CLEANUP_METHOD_NAMES and name.lstrip("_") not in CLEANUP_METHOD_NAMES
            for name in reaping
        ):
            return ""  # reaped by a counterpart (login/logout): the pair's contract again
        if self._called_only_from_starts(method, attr, reaping, own):
            return ""  # a step of __enter__()/start()/restart(): the old one is dealt with
        if self.facts.called_only_on_new_objects(method):
            return ""  # `runner = Runner(...); runner.tunnel()`: a new object has no one before
        for node in walk_statements(method):  # in source order, up to the store
            if node is statement:
                break
            if isinstance(node, cst.Attribute) and dotted_name(node) == f"self.{attr}":
                return ""  # looked at (tested, reaped, stopped) before the new one
            if asks_self_for(node, attr):
                return ""  # `if getattr(self, "_proc", None) is not None: return`
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and dotted_name(node.func.value) == "self"
                and node.func.attr.value in reaping
            ):
                return ""  # `self.stop()` first
        else:
            return ""  # the store is not in the method's own code
        for ancestor in index.ancestors(statement):
            if ancestor is method:
                break
            if isinstance(ancestor, cst.If | cst.While) and f"self.{attr}" in index.code(
                ancestor.test
            ):
                return ""
        if self._reaps_before_returning(method, statement, reaping):
            return ""  # each call reaps its own before it returns: none is there to replace
        return method.name.value

    def _reaps_before_returning(
        self, method: cst.FunctionDef, statement: cst.CSTNode, reaping: set[str]
    ) -> bool:
        """Does ``method``, after the statement storing the handle, call on its own way out
        a method of its object that reaps it (``self.stop()``), directly or as a statement of
        a method it calls so (``self.writer()``, whose last statement is ``self.stop()``)?
        Each call then reaps what it started before it returns (esptool's RFC 2217
        redirector: shortcircuit() starts the reader, serves in writer() until the client
        goes, and writer() ends with stop(), which joins it)."""
        index = self.index
        body = method.body
        info = index.class_of(body)
        if not isinstance(body, cst.IndentedBlock) or info is None:
            return False
        table = index.method_table(info)

        def self_calls(statements: Sequence[cst.BaseStatement]) -> list[str]:
            return [
                small.value.func.attr.value
                for line in statements
                if isinstance(line, cst.SimpleStatementLine)
                for small in line.body
                if isinstance(small, cst.Expr)
                and isinstance(small.value, cst.Call)
                and isinstance(small.value.func, cst.Attribute)
                and dotted_name(small.value.func.value) == "self"
            ]

        position = next(
            (
                i
                for i, line in enumerate(body.body)
                if line is statement or index.inside(statement, line)
            ),
            None,
        )
        if position is None:
            return False
        for name in self_calls(body.body[position + 1 :]):
            if name in reaping:
                return True
            called = table.get(name)
            if (
                called is not None
                and called is not method
                and isinstance(called.body, cst.IndentedBlock)
                and any(inner in reaping for inner in self_calls(called.body.body))
            ):
                return True
        return False

    def _called_besides_starts(self, method: cst.FunctionDef) -> bool:
        """Does a method of ``method``'s class other than itself and the halves of start/stop
        pairs (``start``, ``__init__``, ``__enter__``) call it on the object, or code of the
        module outside the class call it by its name (``uploader.upload()``)?"""
        info = self.index.class_of(method.body)
        name = method.name.value
        for call in self.index.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value == name):
                continue
            caller = self.index.method_of(call)
            if dotted_name(func.value) != "self" or info is None or caller is None:
                return True  # (outside the class: code of the module calling it)
            if caller is method or self.index.class_of(caller.body) is not info:
                continue
            if not (caller.name.value == "__init__" or starts_a_lifecycle(caller.name.value)):
                return True
        return False

    def _called_on_self(self, method: cst.FunctionDef) -> bool:
        """Does a method of ``method``'s class call it on the object (``self._spawn()``)?"""
        info = self.index.class_of(method.body)
        if info is None:
            return False
        name = method.name.value
        return any(
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value == name
            and dotted_name(call.func.value) == "self"
            for other in info.methods.values()
            for call in calls_in(self.index, other)
        )

    def _called_only_from_starts(
        self,
        method: cst.FunctionDef,
        attr: str,
        reaping: set[str],
        own: cst.FunctionDef | None = None,
    ) -> bool:
        """Is ``method`` called on the object (``self._paged_stream()``) only where the old
        handle is dealt with first: from the halves of start/stop pairs (``__enter__``,
        ``start``, ``open``), or after a look at ``self.<attr>`` or a call of a method reaping
        it (``restart()``: ``self.stop(); self._spawn()``), directly or through methods called
        only so (two calls up)? Then no call of it drops a handle still running."""
        info = self.index.class_of(method.body)
        if info is None:
            return False

        def looked_at_before(caller: cst.FunctionDef, names: set[str]) -> bool | None:
            """Does every call of one of ``names`` in ``caller`` come after a look at the
            handle? None when it calls none of them."""
            looked, calls = False, False
            for node in walk_statements(caller):  # in source order
                if isinstance(node, cst.Attribute) and dotted_name(node) == f"self.{attr}":
                    looked = True
                elif (
                    isinstance(node, cst.Call)
                    and isinstance(node.func, cst.Attribute)
                    and dotted_name(node.func.value) == "self"
                ):
                    if node.func.attr.value in reaping:
                        looked = True
                    elif node.func.attr.value in names:
                        calls = True
                        if not looked:
                            return False
            return True if calls else None

        seen = {method.name.value}
        frontier = {method.name.value}
        for _ in range(2):
            uncovered: set[str] = set()
            callers = 0
            for name, other in info.methods.items():
                covered = looked_at_before(other, frontier)
                if covered is None:
                    continue
                callers += 1
                if not (
                    covered
                    or other is own  # the chain's next link: the timer before has fired
                    or starts_a_lifecycle(name)
                    or _runs_itself(other)
                    or _raises_a_run_flag(info, other)
                    # (a forked child's reset: the old handle is the parent's)
                    or self.facts.runs_after_fork(other)
                ):
                    uncovered.add(name)
            if not callers or uncovered & seen:
                return False
            if not uncovered:
                return True
            seen |= uncovered
            frontier = uncovered
        return False

    def _ends_unreaped(self, family: list[ClassInfo], attr: str, site: Site) -> str:
        """The cleanup method (``close``, ``stop``, ``__exit__``...) of the class that ends the
        handle (``self._proc.kill()``) without reaping it there: whatever other method could
        reap it, the object's own end leaves it unreaped. "" when there is none. A method of
        the class that waits for the child until it ends counts as reaping it when the cleanup
        calls it (``self.wait()``), when a method calling the cleanup calls it next
        (``__exit__``: ``self.stop(); self.wait()``), or when it runs as a watcher thread."""
        ending = site.rule.kind.ending_methods
        if not ending or site.rule.kind.served:
            return ""  # a pool's close() is the first half of close() + join()
        handle = f"self.{attr}"
        # every class of the family's own: a subclass's terminate() beside its base's
        methods = [(name, method) for member in family for name, method in member.methods.items()]
        blocking = {
            name for name, method in methods if self._blocks_on(method, handle, site.reap_methods)
        }
        watchers = {f"self.{name}" for name in blocking}
        if watchers and any(
            last_name(call.func) in ("Thread", "Timer")
            and any(
                arg.keyword is not None
                and arg.keyword.value == "target"
                and dotted_name(arg.value) in watchers
                for arg in call.args
            )
            for _, method in methods
            for call in calls_in(self.index, method)
        ):
            return ""  # a watcher thread waits for it
        # a wrapper forwarding the child's own API (`def kill(self): self._popen.kill()`
        # beside a `wait()` that waits for it): its users end and reap it as they would the
        # child itself, kill() then wait()
        # (its wait() may take a timeout as the child's does: after kill() it reaps)
        forwards_wait = blocking & WAIT_METHOD_NAMES or any(
            name in WAIT_METHOD_NAMES and _forwards_call(self.index, method, handle, name)
            for name, method in methods
        )
        forwarded = (
            {
                name
                for name, method in methods
                if name in ending and _forwards_call(self.index, method, handle, name)
            }
            if forwards_wait
            else set()
        )
        for name, method in methods:
            if name not in CLEANUP_METHOD_NAMES or name in forwarded:
                continue
            ends, reaps = "", name in blocking
            for call in calls_in(self.index, method):
                func = call.func
                if isinstance(func, cst.Attribute) and dotted_name(func.value) == "self":
                    reaps = reaps or func.attr.value in blocking  # self.wait()
                    if func.attr.value in forwarded:
                        # `__exit__` calling the forwarded `self.kill()`: the object's own end
                        ends = ends or f"{name}() calls {func.attr.value}()"
                    continue
                does, how = self._handle_call(call, {handle}, ending, site.reap_methods)
                if does == "ends":
                    ends = f"{name}() {how}"
                elif does in ("reaps", "hands"):
                    # waited for, or handed to a helper (waited by pid): not ours to judge
                    reaps = True
            if ends and not reaps and not self._waited_after(methods, name, blocking):
                return ends
        return ""

    def _ends_and_drops(self, family: list[ClassInfo], attr: str, site: Site) -> str:
        """A method of the class that ends the handle (``os.kill(self.child_pid, SIGINT)``,
        ``self._proc.terminate()``, also through a local copy: ``pid = self.child_pid``) and
        then lets go of it (``self.child_pid = None``, ``self.child_pid, self.fd = None,
        None``, ``del self._proc``) without waiting for it in between (a ``poll()`` counts: in
        a loop it waits): whatever waits for ``self.<attr>`` later (a loop polling it) finds
        another child or none, and this one is never reaped (a pid), or only when CPython
        collects the dropped ``Popen``. "" when there is none."""
        ending = site.rule.kind.ending_methods
        if not ending or site.rule.kind.served:
            return ""
        handle = f"self.{attr}"
        for member in family:
            for name, method in member.methods.items():
                ended = ""
                names = {handle}
                for node in walk_statements(method):
                    if isinstance(node, cst.Assign) and dotted_name(node.value) == handle:
                        names.update(
                            t.target.value for t in node.targets if isinstance(t.target, cst.Name)
                        )
                    if isinstance(node, cst.Call):
                        does, how = self._handle_call(node, names, ending, site.reap_methods)
                        if does == "ends":
                            ended = ended or f"{name}() {how}"
                        elif does:
                            break  # waited for, polled or handed on after the end
                        elif (
                            ended
                            and isinstance(node.func, cst.Attribute)
                            and dotted_name(node.func.value) == "self"
                        ):
                            break  # a method of its own may wait for it
                    elif ended and _drops(node, handle):
                        return f"{ended} and then lets go of it ({self.index.code(node).strip()})"
        return ""

    def _handle_call(
        self,
        call: cst.Call,
        names: Collection[str],
        ending: Collection[str],
        reap_methods: Collection[str],
    ) -> tuple[str, str]:
        """What ``call`` does to the handle known by ``names`` (``self._proc``, a local copy of
        ``self.child_pid``), with how when it ends it: "ends" (``self._proc.kill()``, ``os.kill(pid,
        SIGTERM)``), "reaps" (one of ``reap_methods``), "polls" (``poll()``, ``os.waitpid(pid,
        os.WNOHANG)`` once), "hands" (the handle given to anything else: a blocking wait by pid,
        a helper), or "" (it does not touch the handle)."""
        func = call.func
        if isinstance(func, cst.Attribute) and dotted_name(func.value) in names:
            verb = func.attr.value
            if verb in ending:
                return "ends", f"calls {verb}()"
            if verb in reap_methods:
                return "reaps", ""
            return ("polls" if verb == "poll" else ""), ""
        given = next((n for a in call.args if (n := dotted_name(a.value)) in names), None)
        if given is None:
            return "", ""
        does = self._pid_call(call, given)
        if does == "ends":
            return "ends", f"kills it with {self.index.resolve(call.func)}()"
        return ("polls" if does == "polls" else "hands"), ""

    def _waited_after(
        self, methods: list[tuple[str, cst.FunctionDef]], cleanup: str, blocking: set[str]
    ) -> bool:
        """Does a method calling ``self.<cleanup>()`` then wait for the child (``__exit__``:
        ``self.stop(); self.wait()``)?"""
        for name, method in methods:
            if name == cleanup:
                continue
            calls = calls_in(self.index, method)
            names = [
                call.func.attr.value
                for call in calls
                if isinstance(call.func, cst.Attribute) and dotted_name(call.func.value) == "self"
            ]
            if cleanup in names and (name in blocking or any(n in blocking for n in names)):
                return True
        return False

    def _blocks_on(
        self, method: cst.FunctionDef, handle: str, reap_methods: Collection[str]
    ) -> bool:
        """Does ``method`` wait for ``handle`` until the child ends: a blocking
        ``os.waitpid(self.pid, 0)`` (or a non-blocking one polled in a ``while`` loop), or
        ``self.proc.wait()``/``join()`` with no timeout (``poll()`` in a ``while`` loop)?
        ``communicate()`` exchanges data while the child runs: no promise to reap it."""
        for call in calls_in(self.index, method):
            func = call.func
            if isinstance(func, cst.Attribute) and dotted_name(func.value) == handle:
                verb = func.attr.value
                if verb == "poll" and self._in_while(call):
                    return True
                if verb in reap_methods and verb != "communicate" and not _timed(self.index, call):
                    return True
            elif (resolved := self.index.resolve(func)) in PID_WAIT_FUNCTIONS:
                args = [arg for arg in call.args if arg.keyword is None]
                if dotted_name(_pid_argument(resolved, args)) == handle:
                    if self._pid_call(call, handle) != "polls" or self._reports_liveness(
                        call, handle
                    ):
                        return True
        return False

    def _reports_liveness(self, call: cst.Call, handle: str) -> bool:
        """Is this non-blocking ``os.waitpid(pid, os.WNOHANG)`` the answer of a predicate that
        says whether the child still runs (``pid, status = os.waitpid(self.pid, WNOHANG)``
        then ``return pid == 0``, or ``if pid == 0: return True``)? Such a method exists to be
        polled until the child has finished, as ``return self.proc.poll() is None`` does, and
        every poll reaps a child that has ended. Not after a signal that ends the child in the
        same function (``os.kill(self.pid, SIGTERM)`` then the poll): that one reports on a
        child still dying, and nobody polls again."""
        index = self.index
        assign = index.parent_of(call)
        if not isinstance(assign, cst.Assign) or assign.value is not call:
            return False
        bound = {name for target in assign.targets for name in target_names(target.target)}
        function = self.facts.enclosing_function(call)
        if function is None or not bound:
            return False
        if any(self._pid_call(other, handle) == "ends" for other in calls_in(index, function)):
            return False

        def reads(node: cst.CSTNode | None) -> bool:
            return node is not None and any(
                isinstance(n, cst.Name) and n.value in bound
                for n in walk_statements(node, skip_nested=False)
            )

        for node in walk_statements(function):
            if not isinstance(node, cst.Return):
                continue
            if reads(node.value):
                return True
            if isinstance(node.value, cst.Name) and node.value.value in ("True", "False"):
                branch = next(
                    (a for a in index.ancestors(node) if isinstance(a, cst.If | cst.FunctionDef)),
                    None,
                )
                if isinstance(branch, cst.If) and reads(branch.test):
                    return True
        return False

    def _polled_once(self, site: Site, call: cst.Call, pid: str) -> bool:
        """Is ``call`` (``os.waitpid(pid, os.WNOHANG)``, in the function that starts the child
        and keeps its pid in a local) a poll that asks once about each child of a loop that
        starts a new one on every pass (the fork per connection, then its waitpid at once)? It
        reaps only a child that has already ended, and the one just started has not: no later
        poll asks about it, and one more is left per pass. (Once, outside a loop, such a poll
        is taken as a reap, as it was: it is what a daemonizing fork asks before its parent
        exits or returns.)"""
        if (
            self.facts.in_sigchld_handler(call)
            or "." in pid
            or self.index.scope_of(call) is not self.index.scope_of(site.call)
        ):
            # run once a child has ended (the SIGCHLD handler); a pid kept on an object or
            # handed to another function may be polled again (a liveness predicate)
            return False
        if not self._nonblocking(call):
            return False
        loop = innermost_loop(self.index, call)
        return loop is not None and self.index.inside(site.call, loop)

    def _in_while(self, node: cst.CSTNode) -> bool:
        """Is ``node`` in a ``while`` loop of its function (polled until something holds)?"""
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
                return False
            if isinstance(ancestor, cst.While):
                return True
        return False

    def _pid_call(self, call: cst.Call, handle: str) -> str:
        """What a call given the pid ``handle`` does to its child: "ends" (``os.kill(pid,
        SIGTERM)``: a signal that ends it, which leaves it to be waited for), "polls"
        (``os.waitpid(pid, os.WNOHANG)``: reaps only a child that has already ended, which one
        just signalled has not), or "" (a blocking wait, or anything else)."""
        resolved = self.index.resolve(call.func)
        args = [arg for arg in call.args if arg.keyword is None]
        if dotted_name(_pid_argument(resolved, args)) != handle:
            return ""
        if resolved in PID_KILL_FUNCTIONS and len(args) == 2:
            if _ending_signal(args[1].value):
                return "ends"  # a signal passed in (`def kill(self, sig)`) may be any
            return ""
        if resolved in PID_WAIT_FUNCTIONS and self._nonblocking(call) and not self._in_while(call):
            return "polls"  # once (or a bounded for); polled in a while loop, it waits
        return ""

    def _nonblocking(self, call: cst.Call) -> bool:
        """Is this wait by pid given ``os.WNOHANG`` (``os.waitpid(pid, os.WNOHANG)``,
        ``_wnohang=os.WNOHANG``): it returns at once, reaping only a child already ended?"""
        return any(
            "WNOHANG" in self.index.code(arg.value) or self.index.resolve(arg.value) == "os.WNOHANG"
            for arg in call.args[1:]
        )

    def _companion_reaps(self, family: list[ClassInfo], attr: str, site: Site) -> str:
        """A class of the module made from the object (``BasicRunAutoClean(self)``) that takes
        the handle off it (``self._heartbeat = instance._heartbeat``) and reaps it in a method
        of its own (``self._heartbeat.stop()``): a cleanup companion, kept apart so that a
        finalizer of the object does not hold the object itself. Its method's qualified name,
        "" when there is none."""
        reaping = {*site.rule.reaped_by_methods, *site.reap_methods}
        kin = {member.name for member in family}
        made: dict[str, str] = {}  # the class made from the object -> where the object keeps it
        for member in family:
            for call in calls_in(self.index, member.node, nested=True):
                parent = self.index.parent_of(call)
                if (
                    any(dotted_name(arg.value) == "self" for arg in call.args)
                    and isinstance(parent, cst.Assign)
                    and len(parent.targets) == 1
                    and (kept := dotted_name(parent.targets[0].target) or "").startswith("self.")
                ):
                    made[dotted_name(call.func) or ""] = kept
        for other in self.index.classes.values():
            if other.name in kin or other.name not in made:
                continue
            # put to work by the object, or by a base of its own from elsewhere (a cleanup
            # base class registering `weakref.finalize(instance, self._close)`), which runs
            # only if the thread does not hold the object
            registers_itself = any(
                not base.startswith("@") and base not in ("object", "builtins.object")
                for base in other.bases
            )
            if not (
                self._cleanup_called(family, made[other.name], site)
                or (registers_itself and not self._holds_self(site, family))
            ):
                continue
            taken: set[str] = set()
            for method in other.methods.values():
                given = {p.name.value for p in method.params.params[1:]}
                for target, value in assignments(method):
                    owner, _, name = (dotted_name(value) or "").partition(".")
                    bound = dotted_name(target) or ""
                    if owner in given and name == attr and bound.startswith("self."):
                        taken.add(bound)
            for name, method in other.methods.items():
                for call in calls_in(self.index, method):
                    func = call.func
                    if (
                        isinstance(func, cst.Attribute)
                        and func.attr.value in reaping
                        and dotted_name(func.value) in taken
                    ):
                        return f"{other.name}.{name}"
        return ""

    def _start_returns_none(self, site: Site, node: cst.BaseExpression) -> bool:
        """Is the result of ``node.start()`` used (``x = Thread(...).start()``, returned,
        appended) while that start() returns None: the standard library's own Thread, Timer or
        Process start(), or a class of this module inheriting it without a start() of its own
        that returns something? A class from elsewhere may return itself from start(): not
        known. (As a statement of its own, ``Thread(...).start()`` is judged as discarded.)"""
        if not isinstance(node, cst.Call):
            return False
        attribute = self.index.parent_of(node)
        call = self.index.parent_of(attribute) if attribute is not None else None
        if not isinstance(call, cst.Call) or use_of(self.index, call).role is Role.DISCARDED:
            return False
        resolved = self.index.resolve(node.func) or ""
        if resolved in site.rule.starts:
            return True
        info = self.index.classes.get(resolved[1:]) if resolved.startswith("@") else None
        if info is None:
            return False
        family = self.index.lineage(info)
        for member in family:
            start = member.methods.get("start")
            if start is not None:
                return not any(
                    isinstance(n, cst.Return) and n.value is not None
                    for n in walk_statements(start)
                )
        return any(base in site.rule.starts for member in family for base in member.bases)

    def _returned_and_reaped(self, site: Site, evidence: Evidence) -> str:
        """The handle kept on the object is also returned by a method (``self.proc =
        Popen(...); return self.proc``): when every caller of that method in the module binds
        what it gets and reaps it on every path (``process = server.start(); process.wait()``),
        the child is reaped, whatever the object's own cleanup does (a terminate() without a
        wait). One caller dropping it (``w.launch()`` per request) leaves it to the object.
        Where (``function``), "" otherwise."""
        index = self.index
        where = ""

        def holder_of(node: cst.CSTNode) -> str:
            holder = self.facts.enclosing_function(node)
            return f"{holder.name.value}()" if holder is not None else "the module"

        for returned in evidence.returned:
            function = self.facts.enclosing_function(returned)
            if function is None:
                return ""
            callers = self.facts.factory_callers(function)
            if not callers or self._called_on_a_new_object(function):
                return ""
            for caller in callers:
                assign = index.parent_of(caller)
                if (
                    isinstance(assign, cst.WithItem)
                    and assign.item is caller
                    and site.context_manager
                ):
                    where = where or holder_of(assign)
                    continue  # `with server.start() as process:` waits for it at the block's end
                if not (
                    isinstance(caller, cst.Call)
                    and isinstance(assign, cst.Assign)
                    and len(assign.targets) == 1
                    and isinstance(assign.targets[0].target, cst.Name)
                ):
                    return ""
                name = assign.targets[0].target.value
                scope = index.scope_of(assign)
                taken = self._evidence_of(site, name, scope)
                line = index.statement_of(assign)
                if not taken.reaps or taken.handoffs or taken.escapes or taken.returned:
                    return ""
                if self.reap_gap(site.rule, line, taken.reaps, scope, name) is not None:
                    return ""
                where = where or holder_of(assign)
        return where

    def _called_on_a_new_object(self, method: cst.FunctionDef) -> bool:
        """Is ``method`` called on an object made in the same expression (``Server().start(
        cmd)``): a caller the object's bindings do not show?"""
        info = self.index.class_of(method.body)
        if info is None:
            return False
        return any(
            isinstance(call.func, cst.Attribute)
            and isinstance(call.func.value, cst.Call)
            and last_name(call.func.value.func) == info.name
            for call in self.facts.calls_named(method.name.value)
        )

    def _reaped_from_outside(self, family: list[ClassInfo], attr: str, site: Site) -> str:
        """Code of the module outside the class reaping the handle through an object holding it
        (``par.proc.join()``, ``self.procs[tag].proc.is_alive()`` polled in a loop): a child is
        reaped by whoever reaches it. Read from the whole text (a slice may leave that code
        out), and only for an attribute no other class of the module stores (``self.proc =``
        in two classes could be either). Where it is, as ``Class.method`` or ``function``;
        "" when nowhere."""
        kin = {member.name for member in family}
        text = self.index.text
        if not _attribute_owners(text, attr) <= kin:
            return ""
        kind = site.rule.kind
        reaping = {*site.rule.reaped_by_methods, *site.reap_methods} - {"communicate"}
        polling = {"poll"} if kind is Kind.POPEN else {"is_alive"} if kind.mp_child else set()
        for match in _outside_reaps(text, attr):
            verb = match.group("verb")
            if match.group("base") in ("self", "cls"):
                continue  # the object's own attribute: its class was read already
            if verb in reaping or (verb in polling and _in_text_loop(text, match.start())):
                return _text_owner(text, match.start())
        return ""

    def _cleanup_called(self, family: list[ClassInfo], kept: str, site: Site) -> bool:
        """Is the companion kept at ``kept`` (``self._cleanup``) put to work: a method of it
        called (``self._cleanup.close()``) or handed on to run later (``atexit.register(
        self._cleanup.close)``)? Handed to ``weakref.finalize(self, ...)`` only, it runs when
        the object is collected, which the thread holding the object prevents."""
        finalized_only = True
        used = False
        for member in family:
            for node in walk_statements(member.node, skip_nested=False):
                if not (
                    isinstance(node, cst.Attribute)
                    and dotted_name(node.value) == kept
                    and not isinstance(self.index.parent_of(node), cst.AssignTarget)
                ):
                    continue
                used = True
                holder = self.index.parent_of(self.index.parent_of(node) or node)
                if not (
                    isinstance(holder, cst.Call)
                    and (self.index.resolve(holder.func) or "") == "weakref.finalize"
                ):
                    finalized_only = False
        return used and not (finalized_only and self._holds_self(site, family))

    def _forwarded(self, info: ClassInfo, attr: str) -> bool:
        """Does the class forward attribute access to ``self.<attr>`` (``__getattr__`` returning
        ``getattr(self._proc, name)``)? Then whoever holds the object can wait for or join the
        handle through it (``wrapper.wait()``): ownership goes with the object."""
        for member in self.facts.class_family(info):
            for name in ("__getattr__", "__getattribute__"):
                method = member.methods.get(name)
                if method is None:
                    continue
                code = self.index.code(method)
                if f"self.{attr}" in code or f'"{attr}"' in code or f"'{attr}'" in code:
                    return True
        return False

    def _follow_container_value(self, site: Site, literal: cst.CSTNode) -> Verdict | None:
        """A handle put in a list/tuple/dict literal or comprehension: follow the container.

        None when the literal goes nowhere that owns it (a format tuple, a log argument...)."""
        parent = self.index.parent_of(literal)
        targets = targets_given(parent, literal)
        if targets:
            assert parent is not None
            return merge([self._follow_container(site, target, parent) for target in targets])
        if isinstance(parent, cst.Return | cst.Yield):
            return Verdict(
                False, started=site.started, factory=self.facts.enclosing_function(parent)
            )
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
            if _not_owning(site, short, self.index.resolve(call.func) or ""):
                return None
            return Verdict(False)  # handed to another function: ownership moves
        if isinstance(parent, cst.Element | cst.DictElement):
            outer = self.index.parent_of(parent)
            if outer is not None:
                return self._follow_container_value(site, outer)
        if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Add):
            # `log_many_outputs(tuple(processes) + (proc,))`: the sum holds the same elements;
            # handed to a function of this module, what that function does with each of them
            # is what happens (anything else: as before, nothing said)
            parent = _whole_sum(self.index, parent)
            bound = self.index.parent_of(parent)
            if targets_given(bound, parent):
                # `everyone = workers + [monitor]`: a container holding it, as a literal is
                return self._follow_container_value(site, parent)
            arg = self.index.parent_of(parent)
            call = self.index.parent_of(arg) if isinstance(arg, cst.Arg) else None
            if isinstance(call, cst.Call) and isinstance(arg, cst.Arg):
                inside = self._callee_parameter(call, arg)
                if inside is not None:
                    verdict = self._container_in_callee(site, *inside)
                    if not verdict.leak:
                        return verdict
            return None  # (what the function does not reap goes with the sum when it returns)
        if isinstance(parent, cst.Expr):
            return Verdict(
                True,
                "high",
                f"{site.via} is created in a throw-away container and never {site.rule.kind.reaped}",
                started=site.started,
            )
        return None

    def _container_in_callee(
        self, site: Site, function: cst.FunctionDef, parameter: str
    ) -> Verdict:
        """The container given to ``function`` as ``parameter``, followed in there."""
        body = function.body
        first = body.body[0] if isinstance(body, cst.IndentedBlock) else body
        return self._follow_container(site, cst.Name(parameter), first)

    def _follow_container(
        self, site: Site, holder: cst.BaseExpression, statement: cst.CSTNode, keyed: bool = False
    ) -> Verdict:
        """The handle went into ``holder`` (a local or ``self.x`` container); with ``keyed``, as
        one of its keys (``procs[p] = path``)."""
        slot = "" if keyed else _literal_slot(self.index, holder)
        return self._once(
            self._container_key(holder, statement, slot, keyed),
            lambda: self._follow_container_now(site, holder, statement, keyed, slot),
        )

    def _container_key(
        self, holder: cst.BaseExpression, statement: cst.CSTNode, slot: str, keyed: bool = False
    ) -> tuple[str, str, int]:
        """What ``_once`` knows the following of container ``holder`` from ``statement`` by:
        its name, the literal key it is taken with (``slot``: ``"pid"`` of ``config["pid"]``),
        and its scope."""
        return (
            "keyed" if keyed else "container",
            f"{dotted_name(holder) or '?'}[{slot}]",
            id(self.index.scope_of(statement)),
        )

    def _module_object(self, name: str, statement: cst.CSTNode) -> str:
        """What makes ``name``, when it is an object this module makes at its top level
        (``app = Flask(__name__)``: "Flask"), not imported nor bound in a function holding
        ``statement``; "" otherwise. A class body (``class Config:``) is "@"."""
        index = self.index
        if name in index.aliases or hasattr(builtins, name):
            return ""
        if any(
            isinstance(ancestor, cst.FunctionDef | cst.Lambda) and name in local_names(ancestor)
            for ancestor in index.ancestors(statement)
        ):
            return ""
        for top in index.module.body:
            if isinstance(top, cst.ClassDef) and top.name.value == name:
                return "@"
            if not isinstance(top, cst.SimpleStatementLine):
                continue
            for small in top.body:
                if (
                    isinstance(small, cst.Assign)
                    and any(
                        isinstance(t.target, cst.Name) and t.target.value == name
                        for t in small.targets
                    )
                    and isinstance(small.value, cst.Call)
                ):
                    return last_name(small.value.func) or "?"
        return ""

    def _follow_container_now(
        self,
        site: Site,
        holder: cst.BaseExpression,
        statement: cst.CSTNode,
        keyed: bool = False,
        slot: str = "",
    ) -> Verdict:
        index = self.index
        key = dotted_name(holder)
        if key is None:
            return Verdict(False)
        here = index.scope_of(statement)
        loops = [
            ancestor
            for ancestor in index.ancestors(statement)
            if isinstance(ancestor, cst.For | cst.While) and index.inside(ancestor, here)
        ]
        if any(self._rebound_each_pass(each, key, holder) for each in loops):
            # `for n in range(k): self.consumers = []; ...; self.consumers.append(c)`: each
            # pass binds a new container and drops the one before with what it held
            return Verdict(
                True,
                "high",
                f"kept in {key}, which a loop binds anew (or empties) on every pass: only the last "
                "pass's is left there, the others are dropped",
                started=site.started,
            )
        parts = key.split(".")
        own: cst.FunctionDef | None = None  # the method the thread or timer runs itself
        if parts[0] in ("self", "cls") and len(parts) == 2:
            info = index.class_of(statement)
            if info is None:
                return Verdict(False)
            family = self.facts.class_family(info)
            nodes: list[cst.BaseExpression] = [
                n for member in family for n in self_attribute_nodes(index, member, parts[1])
            ]
            label = f"self.{parts[1]}"
            owner = f"no method of {info.name}"
            own = _own_function(site, family)
        elif len(parts) == 1:
            scope = self._scope_for_local(key, statement)
            nodes = list(index.uses(key, scope))
            label = f"`{key}`"
            owner = "nothing"
        elif len(parts) == 2 and (made := self._module_object(parts[0], statement)):
            # `app.config["pid"] = pid`: a container of an object the module makes at its top
            # level, module state as a global container is: read wherever the module names it,
            # and, when a class of the module makes it, by that class's methods (`self.procs`)
            nodes = [
                n
                for n in walk(index.module)
                if isinstance(n, cst.Attribute) and dotted_name(n) == key
            ]
            maker = index.classes.get(made)
            if maker is not None:
                nodes.extend(
                    n
                    for member in self.facts.class_family(maker)
                    for n in self_attribute_nodes(index, member, parts[1])
                )
            label = f"`{key}`"
            owner = "nothing"
        else:
            return Verdict(False)
        started = site.started
        escaped = False
        dropped = False  # an element is taken out (pop) and dropped without being reaped
        partial = ""  # how a reaping loop that runs only on some paths leaves the others
        # a loop kills or terminates each element without reaping it (an asyncio child so
        # ended is reaped by the child watcher, as a single one stored on the object is)
        ended = False
        for node in nodes:
            parent = index.parent_of(node)
            if slot and isinstance(parent, cst.Subscript) and parent.value is node:
                other = _literal_slot(index, node)
                if other and other != slot:
                    continue  # `config["cmd"]` beside `config["pid"] = pid`: another element
                if other == slot and index.statement_of(node) is not index.statement_of(statement):
                    alias = _bound_to_name(index, parent)
                    read = (
                        self._evidence_of(
                            replace(site, started=True), alias, index.scope_of(parent)
                        )
                        if alias
                        else None
                    )
                    if read is not None and any(
                        all(reap is not handed for handed in read.handoffs) for reap in read.reaps
                    ):
                        # `supervisor = _state["supervisor"]` (or `supervisor, _state["supervisor"]
                        # = _state["supervisor"], None`), then `supervisor.wait()`: the slot holds
                        # one handle, as an attribute does, and what is read from it is that one
                        # (reaped there, not only handed on to another place)
                        return Verdict(False, started=True)
                    # `os.waitpid(config["pid"], 0)`: the handle itself, read where it was put
                    element = Evidence(started=True)
                    self._classify_use(replace(site, started=True), parent, element, 2)
                    handed = {id(h) for h in element.handoffs}
                    if any(id(reap) not in handed for reap in element.reaps):
                        return Verdict(False, started=True)
            # for p in procs / procs.values() / list(procs) / reversed(procs) ...
            found = iteration_of(index, node, keyed)
            if found is not None and found[1] is None:
                continue  # `for key in procs.keys()`: no handle comes out
            iterated = found[0] if found is not None else None
            if found is not None and iterated is not None:
                verdict = self._loop_reaps(site, iterated, found[1] or ())
                started = started or verdict.started
                ended = ended or (verdict.leak and verdict.ended)
                if not verdict.leak:
                    gap = None
                    if (
                        len(parts) == 1
                        and index.scope_of(iterated) is index.scope_of(statement)
                        and not self._is_parameter(key, statement)
                        and (not isinstance(here, cst.FunctionDef) or self.facts.binds(here, key))
                    ):
                        # a local container: does the reaping loop run on every path? (one
                        # kept from call to call, `global servers`, is polled again by the
                        # next call: a pass before each start reaps what the last ones left)
                        loop = index.statement_of(iterated)
                        anchor = index.statement_of(statement)
                        gap = self.reap_gap(
                            site.rule, anchor, [loop], index.scope_of(statement), every=True
                        )
                    if gap is None:
                        return Verdict(False, started=started)
                    partial = partial or gap
                continue
            if keyed and isinstance(parent, cst.Attribute | cst.Subscript):
                continue  # `procs.pop(p)`, `procs[p]`: a value comes out, not the key
            copy = None if keyed else _copy_of(index, node)
            if copy is not None:
                # `processes = [model, *servers]`, `everyone = servers + [monitor]`,
                # `list(servers)`: the same handles, in a container followed as one holding a
                # handle put there (started where it was made or not, it holds the same)
                copied = self._follow_container_value(replace(site, started=True), copy)
                if copied is not None and not copied.leak:
                    return Verdict(False, started=started)
                continue
            if isinstance(parent, cst.Attribute) and parent.value is node:
                grand = index.parent_of(parent)
                if (
                    isinstance(grand, cst.Call)
                    and grand.func is parent
                    and parent.attr.value in CONTAINER_TAKE
                ):
                    taken = self.follow(replace(site, started=True), grand)
                    if not taken.leak:
                        return Verdict(False, started=started)
                    if (
                        own is not None
                        and index.inside(grand, own)
                        and not (site.forever or site.until_stopped)
                    ):
                        # taken out by the function the thread (the timer) runs itself
                        # (`self._retries.pop(key)` in the timer's `_retry()`) and not loop
                        # on: the one it takes out is ending (a timer has fired), and nothing
                        # is left parked or to join
                        return Verdict(False, started=started)
                    dropped = True  # taken out and dropped unreaped
                continue
            if isinstance(parent, cst.Subscript) and parent.value is node:
                # procs[k].wait()
                sub = self.follow(replace(site, started=True), parent)
                around = index.parent_of(parent)
                if not sub.leak and (isinstance(around, cst.Attribute)):
                    return Verdict(False, started=started)
                if (
                    isinstance(around, cst.Arg)
                    and (in_loop(index, parent) or not _fixed_index(parent))
                    and self._callee_reaps(site, around)
                ):
                    # `while procs: stop(procs[0])`, `stop(procs[i])` over the indices: each
                    # element given in turn to a function of the module that reaps it
                    return Verdict(False, started=started)
                if self._indexed_reap(site, parent):
                    return Verdict(False, started=started)
                continue
            if isinstance(parent, cst.Arg):
                call = index.parent_of(parent)
                if id(parent) in self._came_from:
                    continue  # the call whose callee's parameter is being followed back here
                if isinstance(call, cst.Call):
                    callee = index.resolve(call.func) or dotted_name(call.func) or ""
                    short = callee.rsplit(".", 1)[-1]
                    inside = self._callee_parameter(call, parent)
                    if inside is not None:
                        # a function of this module: follow the container in there
                        verdict = self._container_in_callee(site, *inside)
                        started = started or verdict.started
                        if not verdict.leak:
                            return Verdict(False, started=started)
                    elif short not in ITER_WRAPPERS and short not in NON_OWNING:
                        escaped = True
                continue
            if isinstance(parent, cst.Return | cst.Yield):
                escaped = True
        if escaped:
            return Verdict(False, started=started)
        if len(parts) == 1 and self._caller_reaps(site, key, statement):
            return Verdict(False, started=started)
        if partial:
            return Verdict(
                True, "low", f"kept in {label}: {partial}", started=started, holder="container"
            )
        if parts[0] in ("self", "cls") and not parts[1].startswith("_") and not _unstoppable(site):
            # A public collection on the object: other modules manage it (and can't be seen from
            # here); but none can join or stop a thread that never ends
            return Verdict(False, started=started)
        if site.rule.start_methods and not started:
            # Threads put in a container and started later in a loop over it.
            return Verdict(False)
        reaps = site.rule.kind.reap("its elements", third_person=True)
        if dropped:
            # what is taken out is dropped: referenced no more, the way any dropped handle goes
            return Verdict(
                True,
                "medium",
                f"kept in {label} and taken out unreaped; {owner} {reaps}",
                started=started,
                holder="taken",
            )
        if (
            len(parts) == 1
            and isinstance(here, cst.FunctionDef)
            and self._scope_for_local(key, statement) is here
            and not self._is_parameter(key, statement)
            and not any(_serving_while(each) for each in loops)
        ):
            # a local container that goes nowhere is dropped when its function returns, with
            # what it holds: as a dropped handle is (one filled in a `while` loop may live
            # as long as a serving loop does)
            return Verdict(
                True,
                "medium",
                f"kept in {label}, which is dropped when {here.name.value}() returns; "
                f"{owner} {reaps}",
                started=started,
            )
        return Verdict(
            True,
            "medium",
            f"kept in {label}; {owner} {reaps}",
            started=started,
            holder="container",
            ended=ended,
        )

    def _rebound_each_pass(self, loop: cst.CSTNode, key: str, holder: cst.CSTNode) -> bool:
        """Does ``loop`` bind ``key`` to a new empty container (or empty it with ``clear()`` or
        ``del x[:]``) on every pass (at the level of its own body, not under an ``if``), and do
        nothing else with it there but fill it (``holder``, the add)? Then each pass drops the
        last pass's container with what it held; one the pass also reads (a loop reaping it
        before the next) is not dropped unreaped."""
        body = loop.body if isinstance(loop, cst.For | cst.While) else None
        own = [
            small
            for statement in (body.body if isinstance(body, cst.IndentedBlock) else ())
            if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body
        ]
        rebinds = [
            target
            for _, target, value in assignments_among(own)
            if dotted_name(target) == key
            and (
                isinstance(value, cst.List | cst.Dict | cst.Set)
                or (isinstance(value, cst.Call) and last_name(value.func) in _EMPTY_CONTAINERS)
            )
        ]
        # `self.procs.clear()` (or `del self.procs[:]`) empties the same container in place:
        # the same drop
        rebinds.extend(
            small.value.func.value
            for small in own
            if isinstance(small, cst.Expr)
            and isinstance(small.value, cst.Call)
            and not small.value.args
            and isinstance(small.value.func, cst.Attribute)
            and small.value.func.attr.value == "clear"
            and dotted_name(small.value.func.value) == key
        )
        rebinds.extend(
            small.target.value
            for small in own
            if isinstance(small, cst.Del)
            and isinstance(small.target, cst.Subscript)
            and dotted_name(small.target.value) == key
            and _whole_slice(small.target)
        )
        if not rebinds:
            return False
        ignored = {id(target) for target in rebinds} | {id(holder)}
        for node in walk_statements(loop):
            if not isinstance(node, cst.Name | cst.Attribute) or id(node) in ignored:
                continue
            parent = self.index.parent_of(node)
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                continue  # the `consumers` of `self.consumers`
            if dotted_name(node) == key:
                return False
        return True

    def _is_parameter(self, name: str, statement: cst.CSTNode) -> bool:
        """Is ``name`` a parameter of the function holding ``statement`` (a container handed
        in: a loop over it reaps what the caller put there, whenever the function runs)?"""
        function = self.facts.enclosing_function(statement)
        if function is None:
            return False
        params = function.params
        return any(
            p.name.value == name
            for p in (*params.posonly_params, *params.params, *params.kwonly_params)
        )

    def _caller_reaps(self, site: Site, name: str, statement: cst.CSTNode) -> bool:
        """``name`` is a parameter of the function holding ``statement`` (``def _populate(procs,
        n): ... procs.append(p)``): the container is the caller's (``_populate(processes, n)``),
        which may reap its elements (``_join_exited(processes)``) -- followed there."""
        function = self.facts.enclosing_function(statement)
        if function is None or not self._is_parameter(name, statement):
            return False
        for caller in self.facts.factory_callers(function):
            call = caller.expression if isinstance(caller, cst.Await) else caller
            if not isinstance(call, cst.Call):
                continue
            given = next((a for a in call.args if a.keyword and a.keyword.value == name), None)
            params = self.facts.given_params(function, call.func)
            position = next((i for i, p in enumerate(params) if p.name.value == name), None)
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if given is None and position is not None and position < len(positional):
                given = positional[position]
            if given is None or not isinstance(given.value, cst.Name):
                continue
            key = ("caller-container", given.value.value, id(call))
            following = self._container_key(
                given.value, call, _literal_slot(self.index, given.value)
            )
            if key in self._active or following in self._active:
                continue  # already being followed there: no news from going round again
            self._active.add(key)
            self._came_from.add(id(given))
            try:
                if not self._follow_container(site, given.value, call).leak:
                    return True
            finally:
                self._active.discard(key)
                self._came_from.discard(id(given))
        return False

    def _callee_reaps(self, site: Site, arg: cst.Arg) -> bool:
        """Does the function of this module that ``arg`` is given to reap what it receives
        (``def _stop(self, p): p.terminate(); p.wait()``), not only hand it on?"""
        call = self.index.parent_of(arg)
        inside = self._callee_parameter(call, arg) if isinstance(call, cst.Call) else None
        if inside is None:
            return False
        sub = self._parameter_evidence(replace(site, started=True), *inside, True)
        handed = {id(h) for h in sub.handoffs}
        return any(id(reap) not in handed for reap in sub.reaps)

    def _indexed_reap(self, site: Site, subscript: cst.Subscript) -> bool:
        """``worker = procs[i]; worker.join()`` in a loop (over the indices, say), or with an
        index that varies (``old = workers[self.n]; old.join()`` before a new one is put in
        that slot): each element taken out by index is reaped through the name it is bound
        to. One fixed element (``last = procs[-1]``) outside a loop reaps no other."""
        index = self.index
        assign = index.parent_of(subscript)
        if not (
            isinstance(assign, cst.Assign)
            and assign.value is subscript
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and (in_loop(index, subscript) or not _fixed_index(subscript))
        ):
            return False
        name = assign.targets[0].target.value
        evidence = self._evidence_of(site, name, self._scope_for_local(name, assign), started=True)
        handed = {id(h) for h in evidence.handoffs}
        return any(id(reap) not in handed for reap in evidence.reaps)

    def _loop_reaps(self, site: Site, loop: cst.CSTNode, path: tuple[int, ...] = ()) -> Verdict:
        """Does this for-loop / comprehension over the container reap each element (and start
        it)? ``path`` says which names of the loop target hold the element (``iteration_of``)."""
        index = self.index
        target: cst.BaseExpression | None
        body: cst.CSTNode
        if isinstance(loop, cst.For):
            target, body = loop.target, loop.body
        elif isinstance(loop, cst.CompFor):
            target, body = loop.target, index.parent_of(loop) or loop
        else:
            return Verdict(True, "medium", "")
        names = element_names(target, path)
        evidence = Evidence(started=site.started)
        for name in names:
            for use in index.uses(name, body):
                self._classify_use(replace(site, started=True), use, evidence, 2)
        if isinstance(loop, cst.CompFor):
            comp = index.parent_of(loop)
            if isinstance(comp, cst.ListComp | cst.SetComp | cst.GeneratorExp):
                for name in names:
                    for use in names_in(index, comp.elt, name):
                        self._classify_use(replace(site, started=True), use, evidence, 2)
        if evidence.reaps or evidence.escapes:
            return Verdict(False, started=evidence.started)
        return Verdict(True, "medium", "", started=evidence.started, ended=evidence.ended)


def _replaced(
    site: Site, evidence: Evidence, attr: str, replacer: str, how: str, ended: bool
) -> Verdict:
    """Stored on ``self.<attr>``, where ``replacer()`` stores a new one over it with no look at
    the one there: only the last one is ``how`` (reaped, ended) through the attribute."""
    return Verdict(
        True,
        "medium",
        f"stored on self.{attr}, which only the last one is {how} through: "
        f"{replacer}() stores a new one there without stopping the one before",
        started=evidence.started,
        daemon=evidence.daemon or site.daemon,
        ended=ended,
        holder="self",
        replaced=True,
    )


def _in_block(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Is ``node`` a statement of an indented block (or of the module)?"""
    return isinstance(index.parent_of(node), cst.IndentedBlock | cst.Module)


def _raises_a_run_flag(info: ClassInfo, method: cst.FunctionDef) -> bool:
    """Does ``method`` raise a flag of its object (``self.running = True``, ``self._active.
    set()``) that another method of its class lowers (``stop()``: ``self.running = False``)?
    It is the start half of a start/stop pair, as ``start()`` is by its name (``watch_changes()``
    beside ``stop()``): its caller is bound to stop the object before starting it again."""
    raised = {
        name
        for node in walk_statements(method)
        for name, value in flags_set(node)
        if value is True and name.startswith("self.")
    }
    if not raised:
        return False
    return any(
        other is not method
        and any(
            name in raised and value is False
            for node in walk_statements(other)
            for name, value in flags_set(node)
        )
        for other in info.methods.values()
    )


def _runs_itself(method: cst.FunctionDef) -> bool:
    """``def run(self):`` with nothing else to take: the object runs what it was made for, once
    per life (a connection's run/close); ``run(self, interval)`` runs what it is given, per call."""
    params = method.params
    return (
        method.name.value.lstrip("_") == "run"
        and len([*params.posonly_params, *params.params]) == 1
        and not params.kwonly_params
        and not isinstance(params.star_arg, cst.Param)
        and params.star_kwarg is None
    )


def _whole_slice(subscript: cst.Subscript) -> bool:
    """``x[:]``: every element."""
    if len(subscript.slice) != 1:
        return False
    part = subscript.slice[0].slice
    return (
        isinstance(part, cst.Slice)
        and part.lower is None
        and part.upper is None
        and part.step is None
    )


def _pass_ends_loop(index: ModuleIndex, statement: cst.CSTNode, loop: cst.CSTNode) -> bool:
    """Does a pass of ``loop`` that ran the start ``statement`` always leave the loop: a
    ``break`` (or ``return``) follows it in its block or in an enclosing one up to the loop,
    with only plain statements between (no ``continue``, no branch), or it is the last
    statement of a ``try`` whose ``else:`` leaves (``for path in paths: try: p = Popen([path,
    "-V"]) except OSError: pass else: break``)? Then the loop goes round again only when the
    start raised, and the one handle made is the last pass's."""
    current: cst.CSTNode = statement
    for ancestor in index.ancestors(statement):
        if ancestor is loop:
            return False
        block = block_statements(ancestor)
        if block is not None and current in block:
            for later in block[block.index(current) + 1 :]:
                if _leaves_block(later):
                    return True
                if not isinstance(later, cst.SimpleStatementLine) or any(
                    isinstance(small, cst.Continue) for small in later.body
                ):
                    return False  # a branch or a `continue` may go round first
        if (
            isinstance(ancestor, cst.Try)
            and current is ancestor.body
            and ancestor.orelse is not None
            and any(_leaves_block(line) for line in ancestor.orelse.body.body)
        ):
            # only when nothing after the start in the try can raise into a handler
            holder = next((s for s in ancestor.body.body if index.inside(statement, s)), None)
            return holder is ancestor.body.body[-1]
        current = ancestor
    return False


def _leaves_block(statement: cst.CSTNode) -> bool:
    """Is ``statement`` a ``break``, ``return`` or ``raise`` (on a line of its own)?"""
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Break | cst.Return | cst.Raise) for small in statement.body
    )


def _none_or_start(statement: cst.CSTNode) -> tuple[cst.BaseExpression, bool] | None:
    """``h = Pool(n) if test else None`` (or ``None if test else Pool(n)``): the test, and
    whether it held where a handle was made. Where the other side ran, the name holds None
    and there is nothing to reap, so the test is as good as an ``if`` around the start."""
    small = statement
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
    if not isinstance(small, cst.Assign | cst.AnnAssign) or not isinstance(small.value, cst.IfExp):
        return None
    choice = small.value
    if literal_truth(choice.orelse) is False and literal_truth(choice.body) is not False:
        return choice.test, True
    if literal_truth(choice.body) is False and literal_truth(choice.orelse) is not False:
        return choice.test, False
    return None


def _gone(test: cst.BaseExpression, handle: str) -> bool | None:
    """``_absent``, and also: ``a or b`` true only when each is absent (``proc is None or
    proc.poll() is not None``), ``a and b`` when one is; ``proc.poll()`` true only once it has
    ended; a multiprocessing handle's ``not p.is_alive()`` and ``p.exitcode is not None``
    (both poll it, which reaps it)."""
    if isinstance(test, cst.BooleanOperation):
        left, right = _gone(test.left, handle), _gone(test.right, handle)
        if isinstance(test.operator, cst.Or):
            return True if left is True and right is True else None
        return True if True in (left, right) else None
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _gone(test.expression, handle)
        return None if inner is None else not inner
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and dotted_name(test.func.value) == handle
        and not test.args
    ):
        if test.func.attr.value == "poll":
            return True  # a non-zero status: it has ended (a zero one takes the other way)
        if test.func.attr.value == "is_alive":
            return False
    if (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and dotted_name(test.comparisons[0].comparator) == "None"
        and isinstance(test.left, cst.Attribute)
        and test.left.attr.value == "exitcode"
        and dotted_name(test.left.value) == handle
    ):
        operator = test.comparisons[0].operator
        if isinstance(operator, cst.IsNot | cst.NotEqual):
            return True
        if isinstance(operator, cst.Is | cst.Equal):
            return False
    return _absent(test, handle)


# builtin types no child or thread is of (an exception type is tested apart)
_PLAIN_TYPES = frozenset(
    {"object", "str", "bytes", "int", "float", "bool", "list", "tuple", "dict", "set", "frozenset"}
)


def _plain_builtin(name: str) -> bool:
    """Is ``name`` a builtin type no child or thread is of: a value type, or an exception?"""
    found = getattr(builtins, name, None)
    return name in _PLAIN_TYPES or (isinstance(found, type) and issubclass(found, BaseException))


def _absent(test: cst.BaseExpression, handle: str) -> bool | None:
    """True when ``test`` holds exactly when there is no child left to reap (``h is None``,
    ``not h``, ``h.poll() is not None``, ``h.returncode is not None``: a Popen that has reported
    its end is reaped), False when it holds exactly when there is one (``h is not None``, ``h``,
    ``h.poll() is None``), None otherwise."""
    if dotted_name(test) == handle:
        return False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _absent(test.expression, handle)
        return None if inner is None else not inner
    if not (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and dotted_name(test.comparisons[0].comparator) == "None"
    ):
        return None
    left = test.left
    ended = (
        isinstance(left, cst.Call)
        and isinstance(left.func, cst.Attribute)
        and left.func.attr.value == "poll"
        and dotted_name(left.func.value) == handle
    ) or (
        isinstance(left, cst.Attribute)
        and left.attr.value == "returncode"
        and dotted_name(left.value) == handle
    )
    if not ended and dotted_name(left) != handle:
        return None
    # `h is None`: no handle; `h.poll() is None`: a child still running; and their negations
    operator = test.comparisons[0].operator
    if isinstance(operator, cst.Is | cst.Equal):
        return not ended
    if isinstance(operator, cst.IsNot | cst.NotEqual):
        return ended
    return None


def _pid_argument(resolved: str | None, args: Sequence[cst.Arg]) -> cst.BaseExpression | None:
    """The argument naming the child: the first (``os.waitpid(pid, 0)``, ``os.kill(pid, s)``),
    the second for ``os.waitid(os.P_PID, pid, os.WEXITED)``."""
    at = 1 if resolved == "os.waitid" else 0
    return args[at].value if len(args) > at else None


def _timeout_of(call: cst.Call) -> cst.BaseExpression | None:
    """The timeout given to ``p.wait(...)``, ``p.join(...)`` (first), ``p.communicate(...)``
    (second), by position or as ``timeout=``."""
    return argument(call, 1 if last_name(call.func) == "communicate" else 0, "timeout")


def _seconds(node: cst.BaseExpression | None) -> float | None:
    """A number written as a literal (``0``, ``0.5``, ``1_000``); None otherwise."""
    if not isinstance(node, cst.Integer | cst.Float):
        return None
    try:
        return float(node.value.replace("_", ""))
    except ValueError:  # (`0x10`: not written as seconds are)
        return None


def _zero_timeout(call: cst.Call) -> bool:
    """``p.wait(timeout=0)``, ``p.join(0)``, ``p.communicate(data, 0)``: a timeout written as
    zero, which waits for nothing."""
    return isinstance(call.func, cst.Attribute) and _seconds(_timeout_of(call)) == 0


def _timed(index: ModuleIndex, call: cst.Call) -> bool:
    """``p.join(5)``, ``p.wait(timeout=5)``, ``asyncio.wait_for(p.wait(), 5)``, ``async with
    asyncio.timeout(5): await p.wait()``: it reaps only a child that ends in time."""
    func = call.func
    given = next(
        (
            arg.value
            for arg in call.args
            if arg.keyword is not None and arg.keyword.value == "timeout"
        ),
        None,
    )
    if given is None and isinstance(func, cst.Attribute):
        # p.join(5), p.wait(5), p.communicate(data, 5): the timeout given by position
        at = {"join": 0, "wait": 0, "communicate": 1}.get(func.attr.value)
        positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
        if at is not None and len(positional) > at:
            given = positional[at].value
    if given is not None:
        return not _no_timeout(index, given, call)
    holder = index.parent_of(call)
    if isinstance(holder, cst.Arg):
        wrapper = index.parent_of(holder)
        if isinstance(wrapper, cst.Call) and last_name(wrapper.func) == "wait_for":
            return _limited(index, wrapper, 1, "timeout", missing=True)
    while isinstance(holder, cst.Arg):
        # `await asyncio.shield(proc.wait())`, `await asyncio.gather(proc.wait(), pump())`: the
        # await of what wraps it
        wrapper = index.parent_of(holder)
        if not (isinstance(wrapper, cst.Call) and last_name(wrapper.func) in _AWAIT_WRAPPERS):
            break
        holder = index.parent_of(wrapper)
    if isinstance(holder, cst.Await):
        # `async with asyncio.timeout(30): await proc.wait()`: the block cancels the wait when
        # it expires, as wait_for() does, and the child runs on
        for ancestor in index.ancestors(holder):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
                break
            if isinstance(ancestor, cst.With) and _times_out(
                index, ancestor, TIMEOUT_BLOCKS, missing=True
            ):
                return True
    return False


# ending signals given by number: SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGKILL, SIGTERM
_ENDING_NUMBERS = frozenset({"1", "2", "3", "6", "9", "15"})


def _ending_signal(value: cst.BaseExpression, only_kill: bool = False) -> bool:
    """Is ``value`` a signal that ends a child (``signal.SIGTERM``, ``SIGKILL``, ``9``,
    ``signal.Signals.SIGKILL``); with ``only_kill``, one it cannot catch (SIGKILL, 9)?"""
    if isinstance(value, cst.Integer):
        return value.value == "9" if only_kill else value.value in _ENDING_NUMBERS
    name = last_name(value)
    return name == "SIGKILL" if only_kill else name in ENDING_SIGNALS


def _pid_signal(
    index: ModuleIndex, call: cst.Call
) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """``os.kill(pid, sig)``, ``os.killpg(pid, sig)``, ``os.killpg(os.getpgid(pid), sig)``:
    the pid signalled (its group's, for ``getpgid``) and the signal; None for other calls."""
    if index.resolve(call.func) not in PID_KILL_FUNCTIONS or len(call.args) != 2:
        return None
    target = call.args[0].value
    if isinstance(target, cst.Call) and index.resolve(target.func) == "os.getpgid" and target.args:
        target = target.args[0].value
    return target, call.args[1].value


def _limited(
    index: ModuleIndex, call: cst.Call, position: int, keyword: str, missing: bool
) -> bool:
    """Does ``call`` (``wait_for(aw, 5)``, ``asyncio.timeout(5)``) set a time limit: its limit
    argument is given and is not None; ``missing`` when it is not given at all."""
    limit = argument(call, position, keyword)
    if limit is None:
        return missing
    return not _no_timeout(index, limit, call)


def _times_out(index: ModuleIndex, block: cst.With, names: Collection[str], missing: bool) -> bool:
    """Is ``block`` a timeout block (``async with asyncio.timeout(5):``, one of ``names``)
    that sets a time limit (``_limited``)?"""
    return any(
        isinstance(item.item, cst.Call)
        and last_name(item.item.func) in names
        and _limited(index, item.item, 0, "delay", missing)
        for item in block.items
    )


def _no_timeout(index: ModuleIndex, value: cst.BaseExpression, call: cst.Call) -> bool:
    """Is the timeout ``value`` given to ``call`` none at all: ``None``, or a parameter of the
    function making the call that defaults to ``None`` (``def run(cmd, timeout=None): ...
    p.communicate(timeout=timeout)``: it waits for good unless a caller says otherwise)? Not
    when the function handles the wait's expiry itself (``except TimeoutExpired``, or a
    handler of ``Exception`` or of everything, which catches it too), nor when a caller in the
    module gives that parameter a value (``run(cmd, timeout=5)``): it is given a timeout to
    expire."""
    if isinstance(value, cst.Name) and value.value == "None":
        return True
    if not isinstance(value, cst.Name):
        return False
    for ancestor in index.ancestors(call):
        if (
            isinstance(ancestor, cst.Try)
            and index.inside(call, ancestor.body)
            and any(
                handler.type is None
                or name.rsplit(".", 1)[-1]
                in ("TimeoutError", "TimeoutExpired", "Exception", "BaseException")
                for handler in ancestor.handlers
                for name in caught_names(handler) or [""]
            )
        ):
            # the function handles the wait's expiry itself: it is given a timeout to expire
            return False
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda):
            params = ancestor.params
            positional = [*params.posonly_params, *params.params]
            for param in (*positional, *params.kwonly_params):
                if param.name.value == value.value:
                    if not (isinstance(param.default, cst.Name) and param.default.value == "None"):
                        return False
                    if isinstance(ancestor, cst.FunctionDef):
                        where = positional.index(param) if param in positional else -1
                        return not _given_by_a_caller(index, ancestor, param.name.value, where)
                    return True
            return False
    return False


def _given_by_a_caller(
    index: ModuleIndex, function: cst.FunctionDef, name: str, position: int
) -> bool:
    """Does a call of ``function`` in the module give its parameter ``name`` (at
    ``position`` among the positional ones, -1 when keyword-only) a value other than
    ``None``? Calls are told by the function's name (``run(...)``, ``self._run(...)``); a
    method named as the waits it wraps (``wait()``, ``join()``) cannot be told from those of
    the handles themselves (``proc.wait(timeout=5)``): none is taken for its call."""
    called = function.name.value
    if called in WAIT_METHOD_NAMES | {"communicate"}:
        return False
    if index.method_of(function.body) is function and position >= 0:
        position -= 1  # `self` is not written at the call
    for call in index.calls:
        if last_name(call.func) != called or index.inside(call, function):
            continue
        given = argument(call, position, name)
        if given is not None and not (isinstance(given, cst.Name) and given.value == "None"):
            return True
    return False


def _tests_unreaped(test: cst.BaseExpression, holder: str) -> bool:
    """``h.returncode is None`` / ``h.poll() is None``: true only of a child not reaped."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    comparison = test.comparisons[0]
    if not isinstance(comparison.operator, cst.Is) or not (
        isinstance(comparison.comparator, cst.Name) and comparison.comparator.value == "None"
    ):
        return False
    left: cst.BaseExpression = test.left
    if isinstance(left, cst.Call) and isinstance(left.func, cst.Attribute):
        if left.func.attr.value != "poll":
            return False
        left = left.func.value
    elif isinstance(left, cst.Attribute) and left.attr.value == "returncode":
        left = left.value
    else:
        return False
    return dotted_name(left) == holder


def _tests_pid_returned(test: cst.BaseExpression, names: set[str]) -> bool:
    """``pid`` / ``pid != 0`` / ``pid > 0`` of a pid a waitpid() returned: true only when it
    reaped a child."""
    if isinstance(test, cst.Name):
        return test.value in names
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    comparison = test.comparisons[0]
    return (
        isinstance(test.left, cst.Name)
        and test.left.value in names
        and isinstance(comparison.operator, cst.NotEqual | cst.GreaterThan)
        and isinstance(comparison.comparator, cst.Integer)
        and comparison.comparator.value == "0"
    )


def _unstoppable(site: Site) -> bool:
    """A thread whose target loops with no exit and no stop (no flag, no stop method): join()
    would block for good, so whoever gets its handle can do nothing with it."""
    return (
        site.rule.kind.thread
        and site.forever
        and not (site.until_stopped or site.timer_chain or site.stop_flags)
        and site.reap_methods <= frozenset(site.rule.reaped_by_methods)
    )


def timed_out_unreaped(
    evidence: Evidence,
    awaited: bool = False,
    position: Callable[[cst.CSTNode], int] | None = None,
    index: ModuleIndex | None = None,
    kept: bool = False,
    start: cst.CSTNode | None = None,
    caught_only: bool = False,
) -> bool:
    """Waited only with a timeout, and killed (or terminated) for when it times out, or (asyncio)
    the wait is cancelled when it times out and nothing kills it: the child is never waited for
    again (asyncio's watcher reaps a child it started once it ends, so killing it is enough). A
    kill or terminate coming before the first timed wait (``p.terminate(); p.wait(timeout=10)``) is
    what that wait waits out: the child ends on the signal and the wait reaps it. A wait in the
    other branch of the ``if`` that kills (``if timed_out: p.kill() else: p.wait()``) never
    runs after the kill: it does not count. Without a kill, a timeout leaves the child running
    and its handle dropped, whatever happens to the ``TimeoutExpired``: caught where the code
    goes on (``except TimeoutExpired: result = "timeout"``), raised again as another error, or
    left to reach the caller, which never had the handle and cannot kill the child. The hung
    child a timeout is there for stays (subprocess's own advice is to kill it and finish
    communicating); only a loop that waits again until it ends (``while True: try:
    p.communicate(timeout=1)``) reaps it."""
    if not evidence.timed:
        return False
    if not awaited:
        if not evidence.ends:
            # no kill for when it times out: the child is left running (a hung child is what a
            # timeout is for) and its handle dropped, unless a loop waits again; one ``kept`` on
            # the object can be waited for again later (``status()`` polling ``wait(timeout=0)``)
            if (
                kept
                or evidence.returned
                or evidence.handoffs
                or evidence.escapes
                or index is None
                or start is None
                or all(_waited_again(index, n, start) for n in evidence.timed)
                # a thread's timed join: only where the code goes on past a timeout it
                # catches (a stop before the join is what the join waits out)
                or (
                    caught_only
                    and not any(
                        _timeout_caught(index, n) or _alive_given_up(index, n)
                        for n in evidence.timed
                    )
                )
            ):
                return False
        elif position is not None and (
            index is None
            or not any(
                _answers_timeout(index, position, end, evidence.timed) for end in evidence.ends
            )
        ):
            return False
    if (
        index is not None
        and start is not None
        and all(_waits_until_ended(index, n, start) for n in evidence.timed)
    ):
        return False  # each timeout goes round and waits again, a kill included
    if (
        awaited
        and index is not None
        and any(_handles_timeout(index, end, evidence.timed) for end in evidence.ends)
    ):
        # asyncio's child watcher reaps each child it started when it ends, awaited or not:
        # killed when the wait times out, the child dies and is reaped; only a child left
        # running stays (its transport closes when the dropped object is collected)
        return False
    handed = {id(node) for node in evidence.handoffs}
    ends = evidence.ends
    if index is not None and ends:
        ends = [end for end in ends if not _never_taken(index, end)]
    # a timed wait after a kill() (`p.kill(); p.communicate(timeout=1)`) waits out a child that
    # SIGKILL ends at once: it reaps (its timeout is for pipes a grandchild may hold); after a
    # terminate() it waits out a child ending on SIGTERM, as children do: only one that ignores
    # the signal outlasts it, the misbehaving child a further kill() is there for (`terminate();
    # wait(timeout=2)`, `except TimeoutExpired: kill()`), and the normal path reaps
    timed = {
        id(node)
        for node in evidence.timed
        if not (
            index is not None
            and position is not None
            and _waits_out_a_kill(node)
            and any(
                isinstance(end, cst.Call)
                and (
                    last_name(end.func) in ("kill", "terminate")
                    # `send_signal(signal.SIGTERM)` is what terminate() sends
                    or (
                        last_name(end.func) == "send_signal"
                        and bool(end.args)
                        and _ending_signal(end.args[0].value)
                    )
                )
                and index.scope_of(end) is index.scope_of(node)
                and position(end) < position(node)
                and _always_before(index, end, node)
                for end in ends
            )
        )
    }
    return not any(
        id(r) not in timed
        and id(r) not in handed
        and not (index is not None and ends and all(_other_branch(index, r, end) for end in ends))
        # a wait after the timed one on its way (`p.communicate(timeout=t)` then `p.wait()`) is
        # skipped when the timed one raises: it reaps only what did not time out
        and not (index is not None and any(_skipped_by(index, r, t) for t in evidence.timed))
        for r in evidence.reaps
    )


def _bound_to_name(index: ModuleIndex, node: cst.BaseExpression) -> str:
    """The plain name ``node`` is bound to by the statement reading it: ``x = node``, or its
    place in a tuple unpacked at once (``x, d["k"] = node, None``); "" otherwise."""
    parent = index.parent_of(node)
    targets = targets_given(parent, node)
    if len(targets) == 1:
        return targets[0].value if isinstance(targets[0], cst.Name) else ""
    if isinstance(parent, cst.Element):
        unpacked = _unpacked_into(index, index.parent_of(parent) or parent, node)
        return unpacked.value if isinstance(unpacked, cst.Name) else ""
    return ""


def _unpacked_into(
    index: ModuleIndex, container: cst.CSTNode, node: cst.CSTNode
) -> cst.BaseExpression | None:
    """Where an element ``node`` of a tuple or list goes when the statement unpacks it at once
    into as many targets (``self._pid, self._fd = pid, fd``): its own target. None otherwise."""
    assign = index.parent_of(container)
    if not (
        isinstance(container, cst.Tuple | cst.List)
        and isinstance(assign, cst.Assign)
        and assign.value is container
        and len(assign.targets) == 1
    ):
        return None
    targets = assign.targets[0].target
    if not (
        isinstance(targets, cst.Tuple | cst.List)
        and len(targets.elements) == len(container.elements)
        and not any(isinstance(e, cst.StarredElement) for e in targets.elements)
        and not any(isinstance(e, cst.StarredElement) for e in container.elements)
    ):
        return None
    for element, target in zip(container.elements, targets.elements, strict=True):
        if element.value is node:
            return target.value
    return None


def _serving_while(loop: cst.CSTNode) -> bool:
    """A ``while`` that runs as long as a service does: endless (``while True:``) or on its
    object's state (``while not self._stop.is_set():``), not one draining a finite work list
    (``while pending:``)."""
    if not isinstance(loop, cst.While):
        return False
    return is_true(loop.test) or any(
        isinstance(node, cst.Attribute) and dotted_name(node.value) == "self"
        for node in walk_statements(loop.test, skip_nested=False)
    )


def _always_before(index: ModuleIndex, first: cst.CSTNode, later: cst.CSTNode) -> bool:
    """Does ``first`` run on every way to ``later``: a statement of a block (or of a line of
    small statements) that holds ``later`` in a statement after it? ``if late: p.terminate()``
    then ``p.wait(timeout=5)`` terminates only on one way."""
    current: cst.CSTNode = index.statement_of(first)
    while True:
        parent = index.parent_of(current)
        if parent is None:
            return False
        if isinstance(parent, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            block: Sequence[cst.CSTNode] | None = parent.body
        else:
            block = block_statements(parent)
        if block is not None and current in block:
            after = block[list(block).index(current) + 1 :]
            if any(s is later or index.inside(later, s) for s in after):
                return True
            if not isinstance(parent, cst.SimpleStatementLine | cst.SimpleStatementSuite):
                return False
        current = parent


def _waits_out_a_kill(wait: cst.CSTNode) -> bool:
    """Is this timed wait long enough for a SIGKILL to land: a timeout other than zero
    (``wait(timeout=0)`` right after ``kill()`` may ask before the child is next scheduled)?"""
    if not isinstance(wait, cst.Call):
        return False
    timeout = _timeout_of(wait)
    if isinstance(timeout, cst.Integer | cst.Float):
        seconds = _seconds(timeout)
        return seconds is not None and seconds > 0
    return timeout is not None


def _handles_timeout(index: ModuleIndex, node: cst.CSTNode, timed: list[cst.CSTNode]) -> bool:
    """Is ``node`` in an ``except`` (or ``finally``) of a ``try`` whose body holds one of the
    ``timed`` waits: on the path a timeout takes?"""
    for ancestor in index.ancestors(node):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda):
            return False
        if isinstance(ancestor, cst.Try) and not index.inside(node, ancestor.body):
            if any(index.inside(wait, ancestor.body) for wait in timed):
                return True
    return False


def _answers_timeout(
    index: ModuleIndex,
    position: Callable[[cst.CSTNode], int],
    end: cst.CSTNode,
    timed: Sequence[cst.CSTNode],
) -> bool:
    """Can the kill ``end`` be what follows a timed wait that timed out: after one of ``timed``
    in the same function, or in a function of the module called there after it (``except
    TimeoutExpired: self._stop()``)? A kill before the wait is what the wait waits out; one in
    another method (``finalize()``, ``close()``) ends the child when the object is done with,
    not when a wait gives up."""
    scope = index.scope_of(end)
    for wait in timed:
        here = index.scope_of(wait)
        if scope is here:
            if position(end) > position(wait):
                return True
            continue
        if not isinstance(scope, cst.FunctionDef):
            continue
        for call in calls_in(index, here):
            if position(call) > position(wait) and last_name(call.func) == scope.name.value:
                return True
    return False


def _polls(reap: cst.CSTNode, handle: str) -> bool:
    """Is ``reap`` a poll of the handle (``proc.poll()``, ``p.is_alive()``): it reaps only a
    child that has ended?"""
    return (
        isinstance(reap, cst.Call)
        and isinstance(reap.func, cst.Attribute)
        and reap.func.attr.value in ("poll", "is_alive")
        and dotted_name(reap.func.value) == handle
    )


# what a way out of a poll loop raises when it gives up on the child
_GIVING_UP = ("timeout", "timed out", "deadline", "cancel", "expired")
# the builtin and subprocess bases a handler may name for what a give-up raises
_EXCEPTION_BASES: dict[str, tuple[str, ...]] = {
    "TimeoutExpired": ("SubprocessError",),
    "CalledProcessError": ("SubprocessError",),
    "TimeoutError": ("OSError", "EnvironmentError", "IOError"),
    "ProcessLookupError": ("OSError", "EnvironmentError", "IOError"),
}


def _poll_results(index: ModuleIndex, scope: cst.CSTNode, handle: str) -> set[str]:
    """What tells, in ``scope``, what a poll of the handle said: ``proc.poll``,
    ``proc.returncode``, ``proc.is_alive`` and the names bound to a value read from them
    (``rc = proc.poll()``, ``done = proc.poll() is not None``, ``running = rc is None``)."""
    said = {f"{handle}.poll", f"{handle}.returncode", f"{handle}.is_alive", f"{handle}.exitcode"}
    bindings = [
        (node.value, [t.target for t in node.targets])
        for node in walk_statements(scope)
        if isinstance(node, cst.Assign)
    ] + [
        (node.value, [node.target])
        for node in walk_statements(scope)
        if isinstance(node, cst.NamedExpr)
    ]
    grew = True
    while grew:
        grew = False
        for value, targets in bindings:
            if not _reads_any(value, said):
                continue
            for target in targets:
                if isinstance(target, cst.Name) and target.value not in said:
                    said.add(target.value)
                    grew = True
    return said


def _says_running(test: cst.BaseExpression, poll: cst.Call, said: Collection[str] = ()) -> bool:
    """Is ``test`` ``<poll> is None`` (or ``rc is None``, ``rc`` one of the names ``said``
    bound to the poll's result): true while the child runs?"""
    return (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and dotted_name(test.comparisons[0].comparator) == "None"
        and (test.left is poll or (isinstance(test.left, cst.Name) and test.left.value in said))
    )


def _poll_polarity(test: cst.BaseExpression, polled: set[str]) -> bool | None:
    """Does ``test`` hold when the child has ended (``rc is not None``, ``proc.returncode !=
    None``, ``not p.is_alive()``: True), while it runs (``proc.poll() is None``,
    ``p.is_alive()``: False), or is its sense unknown (``if done:``: None)?"""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _poll_polarity(test.expression, polled)
        return None if inner is None else not inner
    if (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "is_alive"
    ):
        return False
    if isinstance(test, cst.Comparison) and _reads_any(test.left, polled):
        return none_test_sense(test)
    return None


def _reads_any(test: cst.BaseExpression, names: set[str]) -> bool:
    """Does ``test`` read one of ``names`` (dotted)?"""
    return any(
        isinstance(node, cst.Name | cst.Attribute) and dotted_name(node) in names
        for node in walk_statements(test, skip_nested=False)
    ) or (isinstance(test, cst.Name | cst.Attribute) and dotted_name(test) in names)


# what catches subprocess.TimeoutExpired (a SubprocessError, not a TimeoutError)
_TIMEOUT_CATCHERS = frozenset({"TimeoutExpired", "SubprocessError", "Exception", "BaseException"})


def _timeout_caught(index: ModuleIndex, wait: cst.CSTNode) -> bool:
    """Is the timed wait ``wait`` in the body of a ``try`` with a handler catching a timeout
    (through the module's imports: ``from subprocess import TimeoutExpired as Timeout``) that
    goes on (no ``raise``): the code carries on past a timeout?"""
    current: cst.CSTNode = wait
    for ancestor in index.ancestors(wait):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        if isinstance(ancestor, cst.Try) and ancestor.body is current:
            if any(
                not ends_with(h.body, (cst.Raise,))
                and _caught_resolved(index, h) & _TIMEOUT_CATCHERS
                for h in ancestor.handlers
            ):
                return True
        current = ancestor
    return False


def _skipped_by(index: ModuleIndex, reap: cst.CSTNode, timed: cst.CSTNode) -> bool:
    """Is ``reap`` in a statement coming after the one holding the timed wait ``timed`` in a
    block holding both, with no function nor ``try`` catching the timeout between that block
    and ``timed`` (a ``with`` lets it through): a TimeoutExpired raised there leaves the
    block before ``reap`` runs? (Only a raising wait: a timed join returns.)"""
    if not isinstance(timed, cst.Call) or last_name(timed.func) not in ("wait", "communicate"):
        return False
    current: cst.CSTNode = timed
    for ancestor in index.ancestors(timed):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda):
            return False
        if isinstance(ancestor, cst.Try) and current is ancestor.body:
            if any(
                _caught_resolved(index, handler) & _TIMEOUT_CATCHERS
                for handler in ancestor.handlers
            ):
                return False  # caught there: the code goes on after the try
            # (not caught: it leaves the try too, its finally aside, which is no later
            # statement of a block)
        if isinstance(ancestor, cst.IndentedBlock | cst.Module):
            body = list(ancestor.body)
            position = next((i for i, s in enumerate(body) if s is current), None)
            if position is not None and any(
                later is reap or index.inside(reap, later) for later in body[position + 1 :]
            ):
                return True
        current = ancestor
    return False


def _left_running(index: ModuleIndex, rule: Rule, evidence: Evidence) -> bool:
    """Is what a timed wait gave up on left running: a child not killed (or an asyncio one,
    whose wait is cancelled), or a thread whose call was failed as too long (``if
    t.is_alive(): raise``)? A thread's join timed out elsewhere (after a stop, or on a way out
    that ends what it works on) says nothing of that."""
    if rule.kind.thread:
        return any(_alive_given_up(index, node) for node in evidence.timed)
    return not evidence.ended or rule.awaited


def _alive_given_up(index: ModuleIndex, join: cst.CSTNode) -> bool:
    """Is the timed join ``join`` a statement of its own followed in its block by ``if
    t.is_alive():`` (of the thread joined) whose body gives up on it by raising or returning,
    not joining it again (``raise RuntimeError("took too long")``, ``return default``: an
    answer in its place, not a bare return after a warning): a time limit on a call, the
    thread's answer to a join that timed out, as a handler of TimeoutExpired is a child's? The
    caller goes on with the thread still running what it was given."""
    if not isinstance(join, cst.Call) or not isinstance(join.func, cst.Attribute):
        return False
    handle = dotted_name(join.func.value)
    statement = index.statement_of(join)
    line = index.parent_of(statement) if isinstance(statement, cst.BaseSmallStatement) else None
    placed = _placed(index, line)
    if handle is None or placed is None:
        return False
    block, position = placed
    for later in block[position + 1 :]:
        if isinstance(later, cst.If) and alive_asked_of(later.test) == handle:
            # the call fails with the thread still at work: a time limit (`raise
            # TimeoutError`); a warning and on is a stop waited out at shutdown, mostly
            # (and does nothing else first but log: `stop.set()`, `proc.kill()` there end
            # the thread's work, and it ends soon after)
            return (
                ends_with(later.body, (cst.Raise, cst.Return))
                and all(
                    isinstance(small, cst.Raise)
                    # an answer in its place (`return default`); a bare return after a
                    # warning is a warning and on
                    or (
                        isinstance(small, cst.Return)
                        and small.value is not None
                        and dotted_name(small.value) != "None"
                    )
                    or (
                        isinstance(small, cst.Expr)
                        and isinstance(small.value, cst.Call)
                        and last_name(small.value.func) in _LOG_CALLS
                    )
                    for line in later.body.body
                    if isinstance(line, cst.SimpleStatementLine)
                    for small in line.body
                )
                and all(isinstance(line, cst.SimpleStatementLine) for line in later.body.body)
            )
    return False


_LOG_CALLS = LOG_METHODS | {"print"}


def _placed(
    index: ModuleIndex, line: cst.CSTNode | None
) -> tuple[Sequence[cst.BaseStatement], int] | None:
    """The statements of the indented block holding ``line``, and its position among them
    (None when it is not a line of such a block)."""
    block = index.parent_of(line) if line is not None else None
    if not isinstance(block, cst.IndentedBlock):
        return None
    position = next((i for i, other in enumerate(block.body) if other is line), None)
    return None if position is None else (block.body, position)


def _caught_resolved(index: ModuleIndex, handler: cst.ExceptHandler) -> set[str]:
    """The last names of what ``handler`` catches, through the module's imports
    (``from subprocess import TimeoutExpired as Timeout``: ``TimeoutExpired``)."""
    if handler.type is None:
        return {"BaseException"}
    types = (
        [element.value for element in handler.type.elements]
        if isinstance(handler.type, cst.Tuple)
        else [handler.type]
    )
    return {
        (index.resolve(expression) or dotted_name(expression) or "").rsplit(".", 1)[-1]
        for expression in types
    }


def _polled_while_else(index: ModuleIndex, call: cst.Call) -> bool:
    """Is the poll ``call`` (``p.poll()``, ``p.is_alive()``) a ``while`` loop's test that a
    ``break`` leaves too, or one side of an ``and`` that is the test (``while p.poll() is None
    and to > 0:``, ``while p.is_alive() and time.time() < deadline:``), the other side reading
    something else: the loop goes on while the child runs *and* that holds, so it may end with
    the child running?"""
    handle = dotted_name(call.func.value) if isinstance(call.func, cst.Attribute) else None
    node: cst.CSTNode = call
    parent = index.parent_of(node)
    if (isinstance(parent, cst.Comparison) and parent.left is node) or isinstance(
        parent, cst.UnaryOperation
    ):
        node, parent = parent, index.parent_of(parent)
    others: list[cst.BaseExpression] = []
    while isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.And):
        others.append(parent.right if parent.left is node else parent.left)
        node, parent = parent, index.parent_of(parent)
    if not (isinstance(parent, cst.While) and parent.test is node):
        return False
    if not others:
        # `while p.poll() is None: ... if late: break`: a break leaves it with the child
        # running, as a deadline does
        return bool(loop_exits(parent)[0])
    return all(
        not any(
            isinstance(inner, cst.Name | cst.Attribute) and dotted_name(inner) == handle
            for inner in walk(other)
        )
        for other in others
    )


def _waits_until_ended(index: ModuleIndex, wait: cst.CSTNode, start: cst.CSTNode) -> bool:
    """Is the timed wait ``wait`` retried until the child ends: in a ``while`` loop not holding
    the ``start``, inside a ``try`` of that loop whose handlers all go round again (log, kill,
    check a flag) rather than leave (``while True: try: p.wait(timeout=1); break except
    TimeoutExpired: if stop.is_set(): p.kill()``, ``while proc.returncode is None: try: await
    wait_for(proc.wait(), 5) except TimeoutError: log()``)? A kill in such a handler is then
    waited out by the next pass."""
    handled = False
    for ancestor in index.ancestors(wait):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        if isinstance(ancestor, cst.Try) and index.inside(wait, ancestor.body):
            if not ancestor.handlers or any(leaves_loop(h) for h in ancestor.handlers):
                return False
            handled = True
        if isinstance(ancestor, cst.While):
            return (
                handled
                and not index.inside(start, ancestor)
                and _until_ended(index, ancestor.test, wait)
            )
    return False


def _until_ended(index: ModuleIndex, test: cst.BaseExpression, wait: cst.CSTNode) -> bool:
    """Does a loop on ``test`` go round until the child ``wait`` waits for has ended: ``while
    True:`` (left by a break after the wait), or a test of the child itself (``while
    proc.returncode is None:``, ``while p.poll() is None:``)? A test of anything else (``while
    not shutdown.is_set():``) may end the loop with the child still running."""
    if is_true(test):
        return True
    handle = (
        dotted_name(wait.func.value)
        if isinstance(wait, cst.Call) and isinstance(wait.func, cst.Attribute)
        else None
    )
    if not handle:
        return False
    code = index.code(test)
    return f"{handle}.returncode" in code or f"{handle}.poll()" in code


def _waited_again(index: ModuleIndex, wait: cst.CSTNode, start: cst.CSTNode) -> bool:
    """Is the timed wait ``wait`` in a ``while`` loop that does not hold the ``start`` too: it
    waits again after a timeout, until the child ends (``while True: try:
    p.communicate(timeout=1); break``; a ``for`` tries a few times, then gives up)?"""
    for ancestor in index.ancestors(wait):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        if isinstance(ancestor, cst.While) and index.inside(wait, ancestor.test):
            continue  # the loop's own test: when it ends, the poll is not asked again
        if isinstance(ancestor, cst.While) and not index.inside(start, ancestor):
            return True
    return False


def _never_taken(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Is ``node`` in the body of an ``if`` testing a local that, in a normal run, never has a
    value passing the test (``syntax.normal_values``: ``if mode is True:`` where ``mode`` is
    only ever bound to numbers)?"""
    function = next(
        (a for a in index.ancestors(node) if isinstance(a, cst.FunctionDef | cst.Lambda)), None
    )
    if function is None:
        return False
    values: dict[str, tuple[object, ...]] | None = None
    for ancestor in index.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, cst.If) and index.inside(node, ancestor.body):
            read = literal_test(ancestor.test)
            if read is None:
                continue
            if values is None:
                values = normal_values(function)
            name, holds = read
            known = values.get(name)
            if known is not None and not any(holds(value) for value in known):
                return True
    return False


def _branching_if(index: ModuleIndex, one: cst.CSTNode, other: cst.CSTNode) -> cst.If | None:
    """The ``if`` whose two branches (body and else/elif) hold ``one`` and ``other``, if any."""
    for ancestor in index.ancestors(one):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return None
        if isinstance(ancestor, cst.If) and index.inside(other, ancestor):
            in_body = index.inside(one, ancestor.body)
            other_in_body = index.inside(other, ancestor.body)
            if in_body != other_in_body and not index.inside(other, ancestor.test):
                return ancestor
            return None
    return None


def _other_branch(index: ModuleIndex, one: cst.CSTNode, other: cst.CSTNode) -> bool:
    """Are ``one`` and ``other`` in the two branches of one ``if`` (body and else/elif)?"""
    return _branching_if(index, one, other) is not None


def _copy_of(index: ModuleIndex, node: cst.CSTNode) -> cst.CSTNode | None:
    """The expression copying a container (``node``) element by element: the list or tuple
    literal it is unpacked into (``[model, *servers]``), the sum it is part of (``servers +
    [monitor]``, the whole of a longer sum), or ``list(servers)``/``tuple(servers)``. None when
    it is not so."""
    parent = index.parent_of(node)
    if isinstance(parent, cst.StarredElement) and parent.value is node:
        literal = index.parent_of(parent)
        return literal if isinstance(literal, cst.List | cst.Tuple) else None
    if isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Add):
        return _whole_sum(index, parent)
    if isinstance(parent, cst.Arg) and parent.value is node and not parent.keyword:
        call = index.parent_of(parent)
        if (
            isinstance(call, cst.Call)
            and len(call.args) == 1
            and dotted_name(call.func) in ("list", "tuple")
        ):
            return call
    return None


def _whole_sum(index: ModuleIndex, node: cst.BinaryOperation) -> cst.CSTNode:
    """The outermost of the additions holding ``node`` (``a + b + [c]``)."""
    current: cst.CSTNode = node
    while True:
        parent = index.parent_of(current)
        if not (isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Add)):
            return current
        current = parent


def _read_before_store(
    index: ModuleIndex,
    use: cst.CSTNode,
    store: cst.CSTNode,
    method: cst.FunctionDef | None,
) -> bool:
    """Is ``use`` (of the attribute the start is stored on) read in the storing ``method``
    before ``store``, on the way to it (a statement before it in the same block or in one
    holding it: a retire-and-replace, ``retired = self._executor`` or
    ``self._executor.shutdown()``, then ``self._executor = ThreadPoolExecutor()``), with no loop
    around the store that would bring the use round again after it? Then it acts on the handle
    an earlier call stored, not this one."""
    if method is None or index.method_of(use) is not method:
        return False
    store_chain = [store, *index.ancestors(store)]
    inner = next((store_chain[:k] for k, node in enumerate(store_chain) if node is method), None)
    if inner is None or any(isinstance(node, cst.For | cst.While) for node in inner):
        return False
    blocks = {id(node) for node in inner if isinstance(node, cst.IndentedBlock)}
    for node in (use, *index.ancestors(use)):
        if node is method:
            return False
        block = index.parent_of(node)
        if not isinstance(block, cst.IndentedBlock) or id(block) not in blocks:
            continue
        body = list(block.body)
        used = next((k for k, statement in enumerate(body) if statement is node), None)
        stored = next(
            (k for k, statement in enumerate(body) if any(statement is s for s in inner)),
            None,
        )
        return used is not None and stored is not None and used < stored
    return False


def _reached_when_held(
    index: ModuleIndex, reap: cst.CSTNode, method: cst.FunctionDef, handles: set[str]
) -> bool:
    """Does ``reap`` run in ``method`` whenever one of ``handles`` holds a handle: no loop
    around it, and every ``if`` around it tests only that (``if old is not None:``, ``if
    self._pool:``; ``if old is None: ... else: <reap>``)?"""
    child: cst.CSTNode = reap
    for ancestor in index.ancestors(reap):
        if ancestor is method:
            return True
        if isinstance(ancestor, cst.For | cst.While):
            return False
        if isinstance(ancestor, cst.If) and child is not ancestor.test:
            held = _held_test(ancestor.test, handles)
            if held is None or held != (child is ancestor.body):
                return False
        child = ancestor
    return False


def _held_test(test: cst.BaseExpression, handles: set[str]) -> bool | None:
    """``X`` or ``X is not None`` (True: it holds one), ``not X`` or ``X is None`` (False), for
    ``X`` one of ``handles``; None for any other test. ``X.is_alive()`` holds whenever there is
    one left to reap: a thread no longer alive has ended (or never started) and leaves nothing
    to join, and a multiprocessing child's is_alive() polls it, which reaps one that has
    ended. ``a and b`` holds one when both sides do (``if t and t.is_alive():``)."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _held_test(test.expression, handles)
        return None if inner is None else not inner
    if dotted_name(test) in handles:
        return True
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        if _held_test(test.left, handles) is True and _held_test(test.right, handles) is True:
            return True
        return None
    if alive_asked_of(test) in handles:
        return True
    if (
        isinstance(test, cst.Comparison)
        and len(test.comparisons) == 1
        and dotted_name(test.left) in handles
        and dotted_name(test.comparisons[0].comparator) == "None"
    ):
        operator = test.comparisons[0].operator
        if isinstance(operator, cst.IsNot):
            return True
        if isinstance(operator, cst.Is):
            return False
    return None


def _toggled(index: ModuleIndex, reap: cst.CSTNode, start: cst.CSTNode, attr: str) -> bool:
    """Are ``reap`` and ``start`` in the two branches of an ``if`` testing ``self.<attr>``
    itself (``if self._proc is None:`` / ``if not self._proc:``): the start when there is no
    handle, the reap when there is one, on the next call?"""
    branching = _branching_if(index, reap, start)
    return branching is not None and any(
        isinstance(node, cst.Attribute) and dotted_name(node) == f"self.{attr}"
        for node in walk_statements(branching.test, skip_nested=False)
    )


def _binds_name(statement: cst.CSTNode, name: str) -> bool:
    """Is ``statement`` a plain assignment to ``name`` (``pid = ...``), or a ``try`` whose body
    makes one and whose every handler leaves (``try: p = Popen(...) except OSError: raise
    Error(...)``): after it, ``name`` holds what the assignment gave?"""
    if isinstance(statement, cst.Try):
        return (
            any(_binds_name(inner, name) for inner in statement.body.body)
            and bool(statement.handlers)
            and all(ends_with(h.body, (cst.Raise, cst.Return)) for h in statement.handlers)
        )
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Assign) and any(
                isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets
            ):
                return True
            if (
                isinstance(small, cst.AnnAssign)
                and small.value is not None
                and isinstance(small.target, cst.Name)
                and small.target.value == name
            ):
                return True
    return False


def _copies(method: cst.FunctionDef, kept: str) -> list[str]:
    """The locals ``method`` copies ``kept`` (``self._pid``) into (``pid = self._pid``)."""
    return [
        target.value
        for target, value in assignments(method)
        if isinstance(target, cst.Name) and value is not None and dotted_name(value) == kept
    ]


def _drops(node: cst.CSTNode, handle: str) -> bool:
    """Is ``node`` ``self.x = None`` (also ``self.x, self.y = None, None``) or ``del self.x``
    for ``handle`` (``self.x``)?"""
    if isinstance(node, cst.Assign):
        for target in node.targets:
            if dotted_name(target.target) == handle and dotted_name(node.value) == "None":
                return True
            if isinstance(target.target, cst.Tuple) and isinstance(node.value, cst.Tuple):
                pairs = zip(target.target.elements, node.value.elements, strict=False)
                if any(
                    dotted_name(t.value) == handle and dotted_name(v.value) == "None"
                    for t, v in pairs
                ):
                    return True
        return False
    if isinstance(node, cst.Del):
        return dotted_name(node.target) == handle
    return False


def _in_failed_fork_branch(index: ModuleIndex, use: cst.CSTNode, name: str) -> bool:
    """Is ``use`` in the body of ``if pid < 0:``, where no child was made?"""
    current: cst.CSTNode = use
    for ancestor in index.ancestors(use):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda):
            return False
        if isinstance(ancestor, cst.If) and current is ancestor.body:
            test = ancestor.test
            if (
                isinstance(test, cst.Comparison)
                and len(test.comparisons) == 1
                and dotted_name(test.left) == name
                and isinstance(test.comparisons[0].operator, cst.LessThan)
                and isinstance(test.comparisons[0].comparator, cst.Integer)
                and test.comparisons[0].comparator.value == "0"
            ):
                return True
        current = ancestor
    return False


def _cleans_up(code: str, handle: str) -> bool:
    """Does ``code`` kill or wait for ``handle``: ``h.kill()``, ``h.wait()``, or a signal
    to its pid (``os.kill(h.pid, ...)``, ``os.killpg(os.getpgid(h.pid), ...)``)?"""
    return any(f"{handle}.{verb}" in code for verb in _CLEANUP_VERBS) or (
        f"{handle}.pid" in code and ("os.kill" in code or "killpg" in code)
    )


def _fixed_index(subscript: cst.Subscript) -> bool:
    """``procs[-1]``, ``procs[0]``, ``table["p"]``: a literal index, one fixed element."""
    for element in subscript.slice:
        index = element.slice
        if not isinstance(index, cst.Index):
            return True  # a slice: several elements at once
        value = index.value
        if isinstance(value, cst.UnaryOperation):
            value = value.expression
        if not isinstance(value, cst.Integer | cst.SimpleString):
            return False
    return True


# reads that end only at the end of the output (no size given): `.read()`, `.readlines()`
_READS_TO_THE_END = frozenset({"read", "readlines"})


def read_to_the_end(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Is the child's output read to its end at ``node`` (the handle: a Popen, or what
    os.popen returns): ``h.read()``, ``h.stdout.readlines()``, ``for line in h.stdout:``,
    ``for line in h:``? The child closes its end as it exits, so a read reaching the end has
    (all but) seen it end."""
    parent = index.parent_of(node)
    if (
        isinstance(parent, cst.Attribute)
        and parent.value is node
        and parent.attr.value in ("stdout", "stderr")
    ):
        node, parent = parent, index.parent_of(parent)
    if (
        isinstance(parent, cst.Attribute)
        and parent.value is node
        and parent.attr.value == "readline"
        and isinstance(arg := index.parent_of(parent), cst.Arg)
        and isinstance(call := index.parent_of(arg), cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value == "iter"
        and len(call.args) == 2
        and call.args[0] is arg
        and isinstance(call.args[1].value, cst.SimpleString)
        and not call.args[1].value.evaluated_value
    ):
        # `for line in iter(p.stdout.readline, b"")`: readline() gives "" only at the end
        node, parent = call, index.parent_of(call)
    if isinstance(parent, cst.CompFor) and parent.iter is node:
        comprehension = index.parent_of(parent)
        if not isinstance(comprehension, cst.GeneratorExp):
            return True  # a list, set or dict comprehension runs to the end
        # a generator runs to the end only in a consumer that exhausts it (`list(...)`,
        # `"".join(...)`), not in one stopping at the first match (`any(...)`, `next(...)`)
        holder = index.parent_of(comprehension)
        consumer = index.parent_of(holder) if isinstance(holder, cst.Arg) else holder
        return isinstance(consumer, cst.Call) and last_name(consumer.func) in _EXHAUSTING
    if isinstance(parent, cst.For) and parent.iter is node:
        # to the end only when nothing leaves the loop early, and no consumer of a generator
        # can stop it between two lines
        return not any(
            isinstance(inner, cst.Break | cst.Return | cst.Yield)
            for inner in walk_statements(parent.body)
        )
    if not (isinstance(parent, cst.Attribute) and parent.value is node):
        return False
    call = index.parent_of(parent)
    return (
        isinstance(call, cst.Call)
        and call.func is parent
        and parent.attr.value in _READS_TO_THE_END
        and not call.args
    )


# what consumes a generator to its end
_EXHAUSTING = frozenset(
    {"list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "max", "min", "join", "len"}
    | {"deque", "Counter", "writelines", "extend", "update"}
)


def _forwards_call(index: ModuleIndex, method: cst.FunctionDef, handle: str, name: str) -> bool:
    """Does ``method`` call the handle's method of its own name (``def kill(self):
    self._popen.kill()``)?"""
    return any(
        isinstance(call.func, cst.Attribute)
        and call.func.attr.value == name
        and dotted_name(call.func.value) == handle
        for call in calls_in(index, method)
    )


def _own_function(site: Site, family: Sequence[ClassInfo]) -> cst.FunctionDef | None:
    """The method of the class that a thread or timer started at ``site`` runs itself
    (``Timer(30, self._check_pong)``, ``Thread(target=self._loop)``), else None."""
    if not site.rule.kind.thread:
        return None
    target = target_expr(site.call, timer=site.via.endswith("Timer"))
    if not (isinstance(target, cst.Attribute) and dotted_name(target.value) == "self"):
        return None
    for member in family:
        method = member.methods.get(target.attr.value)
        if method is not None:
            return method
    return None


_PROPERTIES = frozenset({"property"}) | CACHED_PROPERTIES
_AWAIT_WRAPPERS = frozenset({"shield", "gather"})
# asyncio's timeout blocks, which raise TimeoutError out of the block when they expire
_ASYNCIO_TIMEOUTS = frozenset({"timeout", "timeout_at"})
_EMPTY_CONTAINERS = frozenset({"list", "dict", "set", "deque", "OrderedDict", "defaultdict"})


def _rebound_unseen(scope: ScopeNode, name: str) -> bool:
    """Is ``name`` bound in ``scope`` otherwise than by an assignment statement: by a walrus
    (``(must_wait := False)``), a ``for``/``with ... as``/``except ... as`` target, or by a
    nested function declaring it ``nonlocal`` or ``global``?"""
    for node in walk_statements(scope, skip_nested=False):
        if isinstance(node, cst.NamedExpr) and dotted_name(node.target) == name:
            return True
        if isinstance(node, cst.For | cst.CompFor) and any(
            isinstance(n, cst.Name) and n.value == name
            for n in walk_statements(node.target, skip_nested=False)
        ):
            return True
        if isinstance(node, cst.AsName) and dotted_name(node.name) == name:
            return True
        if isinstance(node, cst.Nonlocal | cst.Global) and any(
            item.name.value == name for item in node.names
        ):
            return True
    return False


def _not_owning(site: Site, short: str, resolved: str) -> bool:
    """Does a call given the handle (or a container holding it) leave it where it was: it only
    reads it (``str()``, ``len()``, a log call), or, for a pid, carries it out of the process
    (``conn.send({"pid": pid})``, ``f.write(str(pid))``), where nobody can wait for it?"""
    return (
        short in NON_OWNING
        or resolved in NON_OWNING
        or resolved.startswith("logging.")
        or (site.rule.handle == "pid" and short in OUT_OF_PROCESS)
    )


# the parent's side of a fork execs another program (or itself again)
_EXECED = (
    "the parent then execs another program: the child is now that program's, which never "
    "waits for a child it did not start"
)
_CANCELLED = (
    "awaited, but if the task is cancelled from outside while it waits (a caller's timeout, "
    "a client gone), the child is left running and never awaited"
)
_CLEANUP_VERBS = ("kill", "terminate", "wait", "communicate")
_OWN_TASKS = frozenset({"create_task", "ensure_future", "shield", "run_coroutine_threadsafe"})


def _timed_text(timed: Sequence[cst.CSTNode], handle: str, reaped: str) -> str:
    """How it is waited with a limit: a timed wait, or a poll loop left another way."""
    if timed and all(_polls(node, handle) for node in timed):
        return "polled only until its loop ends another way (a deadline, a break); when it does, "
    return f"{reaped} only with a timeout; when it times out "


def _after_timeout(reaped: str, killed: bool) -> str:
    if killed:
        return f"it is killed and never {reaped} again"
    return f"the wait is given up and it is never {reaped}"


@lru_cache(maxsize=256)
def _outside_reap(attr: str) -> re.Pattern[str]:
    """``<base>.<attr>.<verb>(`` with a base that is a name, possibly dotted or indexed."""
    return re.compile(
        rf"(?<![\w.])(?P<base>[A-Za-z_]\w*(?:\[[^\]\n]*\]|\.\w+)*)\.{re.escape(attr)}"
        rf"\.(?P<verb>\w+)\("
    )


def _outside_reaps(text: str, attr: str) -> Iterator[re.Match[str]]:
    """``_outside_reap(attr).finditer(text)``, read only on the lines holding `.<attr>.`: a
    match holds that text and no newline, so each line is scanned alone (the regex opens with a
    name: scanning the whole module tried it at every word)."""
    pattern = _outside_reap(attr)
    literal = f".{attr}."
    at = text.find(literal)
    while at >= 0:
        begin = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        yield from pattern.finditer(text, begin, end)
        at = text.find(literal, end)


_CLASS_LINE = re.compile(r"[ \t]*class[ \t]+(\w+)")
_DEF_LINE = re.compile(r"[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)")
_LOOP_LINE = re.compile(r"[ \t]*(?:async[ \t]+)?(?:for|while)\b")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


@lru_cache(maxsize=64)
def _attribute_owners(text: str, attr: str) -> frozenset[str]:
    """The classes of the module text whose code stores ``self.<attr>`` (``self.proc = ...``),
    told by indentation: a class owns the lines indented under it."""
    store = re.compile(rf"\bself\.{re.escape(attr)}[ \t]*(?::[^=\n]*)?=(?!=)")
    owners: set[str] = set()
    stack: list[tuple[int, str]] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        depth = _indent(line)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        found = _CLASS_LINE.match(line)
        if found:
            stack.append((depth, found.group(1)))
            continue
        if store.search(line):
            owners.add(stack[-1][1] if stack else "")
    return frozenset(owners)


def _enclosing_lines(text: str, offset: int) -> list[str]:
    """The lines opening the blocks around ``offset`` (innermost first), told by indentation."""
    start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    depth = _indent(text[start : line_end if line_end != -1 else len(text)])
    found: list[str] = []
    for line in reversed(text[:start].split("\n")):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _indent(line) < depth:
            found.append(line)
            depth = _indent(line)
            if depth == 0:
                break
    return found


def _in_text_loop(text: str, offset: int) -> bool:
    """Is the code at ``offset`` inside a ``for``/``while`` loop of its function?"""
    for line in _enclosing_lines(text, offset):
        if _DEF_LINE.match(line) or _CLASS_LINE.match(line):
            return False
        if _LOOP_LINE.match(line):
            return True
    return False


def _text_owner(text: str, offset: int) -> str:
    """``Class.method`` or ``function`` holding the code at ``offset`` ("the module" at top)."""
    function = owner = ""
    for line in _enclosing_lines(text, offset):
        if not function and (found := _DEF_LINE.match(line)):
            function = found.group(1)
        elif function and (found := _CLASS_LINE.match(line)):
            owner = found.group(1)
            break
    if not function:
        return "the module"
    return f"{owner}.{function}" if owner else function


def _store_or_read(statement: cst.CSTNode, target: str) -> str:
    """For ``_stored_over``: "store" when ``statement`` stores a new value on ``target``
    (``self.x``) reading nothing of ``self`` that could reach it, "read" when it may read
    ``target`` or end the way there (a read, a method of ``self`` called, ``self`` handed on,
    ``return``, ``raise``, ``yield``, ``await``, ``break``, ``continue``, ``del``, ``global``),
    "" otherwise."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        statement = statement.body[0]
    if (
        isinstance(statement, cst.Assign)
        and len(statement.targets) == 1
        and dotted_name(statement.targets[0].target) == target
    ):
        return "read" if _may_read(statement.value, target) else "store"
    return "read" if _may_read(statement, target) else ""


def _may_read(node: cst.CSTNode, target: str) -> bool:
    nodes = list(walk(node))
    bases = {  # `self` as the object of an attribute (`self._cmd`): not handed on
        id(each.value)
        for each in nodes
        if isinstance(each, cst.Attribute) and isinstance(each.value, cst.Name)
    }
    for each in nodes:
        if isinstance(
            each,
            cst.Return
            | cst.Raise
            | cst.Yield
            | cst.Await
            | cst.Break
            | cst.Continue
            | cst.Del
            | cst.Global
            | cst.Nonlocal
            | cst.FunctionDef
            | cst.Lambda,
        ):
            return True
        if isinstance(each, cst.Attribute) and dotted_name(each) == target:
            return True
        if isinstance(each, cst.Call) and isinstance(each.func, cst.Attribute):
            if dotted_name(each.func.value) == "self":
                return True  # a method of the object may read it
        if isinstance(each, cst.Name) and each.value == "self" and id(each) not in bases:
            return True  # the object handed on: what it is given to may read the attribute
    return False


def _literal_slot(index: ModuleIndex, holder: cst.CSTNode) -> str:
    """The literal key of the subscript ``holder`` is taken with (``"pid"`` of
    ``config["pid"]``, ``0`` of ``pair[0]``), as written; "" when it is not one literal."""
    subscript = index.parent_of(holder)
    if not (
        isinstance(subscript, cst.Subscript)
        and subscript.value is holder
        and len(subscript.slice) == 1
        and isinstance(subscript.slice[0].slice, cst.Index)
    ):
        return ""
    value = subscript.slice[0].slice.value
    if isinstance(value, cst.SimpleString | cst.Integer):
        return value.value
    return ""


def _position(statements: Sequence[cst.CSTNode], node: cst.CSTNode) -> int:
    """Where ``node`` is among ``statements`` (0 when it is not one of them)."""
    return next((i for i, other in enumerate(statements) if other is node), 0)


def _always_raises(function: cst.FunctionDef) -> bool:
    """Does every way through ``function`` end in a ``raise`` (its body's last statement is
    one, and nothing before it returns)?"""
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    if not body or has_return(function):
        return False
    last = body[-1]
    return isinstance(last, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Raise) for small in last.body
    )
