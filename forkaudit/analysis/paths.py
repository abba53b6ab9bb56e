"""Which paths through a function reap a handle: a reap on every path after its start, or a
gap (only when an exception is raised, only in one branch) that the messages name.

A fork's ``if pid == 0:`` splits the child from the parent: only the parent has a child to
wait for. A ``with`` reaps whatever its block does. A ``while True:`` whose every exit follows a
reap (a poll loop) reaps."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import libcst as cst

from forkaudit.analysis.index import ModuleIndex, dotted_name
from forkaudit.analysis.syntax import (
    alive_asked_of,
    catches_only_interrupts,
    is_negative_int,
    is_true,
    last_name,
    literal_test,
    loop_exits,
    none_test_sense,
    number_test_implies,
    walk_statements,
)
from forkaudit.analysis.vocabulary import SET_AT_START


class Contains:
    """Does a statement reap on every path through it?"""

    def __init__(
        self,
        index: ModuleIndex,
        reaps: list[cst.CSTNode],
        handle: str = "",
        never_completes: Callable[[cst.BaseSuite], bool] = lambda block: False,
        given: frozenset[str] = frozenset(),
        normal_values: Callable[[], Mapping[str, tuple[object, ...]]] | None = None,
    ) -> None:
        self.index = index
        # the locals whose every value outside Ctrl-C/exit handlers is one of some literals
        # (`policy = "timeout"` ... `except BaseException: policy = "kill"`), asked when needed:
        # a branch none of them takes runs only while the program is being interrupted
        self.normal_values = normal_values
        self._values: Mapping[str, tuple[object, ...]] | None = None
        self._narrowed: dict[str, tuple[object, ...]] = {}
        self.reaps = reaps
        self.handle = handle
        # the tests the start's own path passed (`if not self._pool:` around the start): the
        # same test around a reap is true there too (correlated conditions)
        self.given = given
        # a block left only by an exception (an endless serving loop): its handlers are the ways on
        self.never_completes = never_completes
        self._any: dict[int, bool] = {}
        self._given_tests: list[cst.BaseExpression] | None = None  # `given`, parsed when asked

    def _guards_handle(self, test: cst.BaseExpression) -> bool:
        """`if proc:` / `if proc is not None:` / `if t.is_alive():` -- true whenever there is a
        handle to reap."""
        if not self.handle:
            return False
        if dotted_name(test) == self.handle:
            return True
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
            # `if timer and timer.is_alive():`
            return self._guards_handle(test.left) and self._guards_handle(test.right)
        if alive_asked_of(test) == self.handle:
            # `if t.is_alive(): t.cancel()`: a thread that is no longer alive has ended, and
            # an ended thread leaves nothing to join
            return True
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            comparison = test.comparisons[0]
            if dotted_name(comparison.comparator) != "None":
                return False
            if isinstance(comparison.operator, cst.IsNot | cst.NotEqual):
                # `if t.ident is not None:`: it has been started (before, nothing to reap)
                return dotted_name(test.left) == self.handle or (
                    isinstance(test.left, cst.Attribute)
                    and test.left.attr.value in SET_AT_START
                    and dotted_name(test.left.value) == self.handle
                )
            # `if proc.returncode is None:` / `if proc.poll() is None:`: a child whose status
            # is known has been reaped already (poll() reaps it; asyncio's watcher sets
            # returncode once it has), so the other branch leaves nothing to end or reap
            left = test.left
            if isinstance(left, cst.Call) and not left.args:
                left = left.func if last_name(left.func) == "poll" else left
            elif last_name(left) != "returncode":
                return False
            return (
                isinstance(comparison.operator, cst.Is | cst.Equal)
                and isinstance(left, cst.Attribute)
                and dotted_name(left.value) == self.handle
            )
        return False

    def _holds(self, test: cst.BaseExpression) -> bool:
        """Is ``test`` true wherever the start ran: it asks that there is a handle, a test its
        path passed makes it true, or it ands such tests (``if close_connection and ssh:``,
        ``close_connection`` set where ``ssh`` was made)?"""
        if self._guards_handle(test) or self._given(test):
            return True
        return (
            isinstance(test, cst.BooleanOperation)
            and isinstance(test.operator, cst.And)
            and self._holds(test.left)
            and self._holds(test.right)
        )

    def _given(self, test: cst.BaseExpression) -> bool:
        """Does a test the start's own path passed make ``test`` true: the same test, its
        negation written the other way (``not (sys.platform == "win32")`` for ``sys.platform
        != "win32"``, ``not (IS_WINDOWS)`` for ``not IS_WINDOWS``), or a comparison of the same
        value with a number that implies it (``if n_jobs > 1: pool = Pool()`` ... ``if n_jobs
        != 1: pool.close()``)?"""
        if self.index.code(test) in self.given:
            return True
        if self._given_tests is None:
            self._given_tests = []
            for text in self.given:
                try:
                    self._given_tests.append(cst.parse_expression(text))
                except cst.ParserSyntaxError:
                    continue
        return any(
            number_test_implies(given, test) or _same_negation(given, test)
            for given in self._given_tests
        )

    def excluded(self, node: cst.CSTNode, within: cst.CSTNode) -> bool:
        """Is ``node`` in a branch of an ``if`` (inside ``within``) that the start's own path
        rules out: the body of a test found false there, or the else of one found true?"""
        current: cst.CSTNode = node
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.If):
                if current is ancestor.body and (
                    f"not ({self.index.code(ancestor.test)})" in self.given
                    or self._given(_negated(ancestor.test))
                ):
                    return True
                if current is ancestor.orelse and self._given(ancestor.test):
                    return True
            if ancestor is within:
                return False
            current = ancestor
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
        if any(reap is statement for reap in self.reaps):
            return True  # the statement is the reap (a loop reaping a container)
        if isinstance(statement, cst.SimpleStatementLine | cst.BaseSmallStatement):
            return any(
                (reap is statement or self.index.inside(reap, statement))
                and not self._maybe_skipped(reap, statement)
                for reap in self.reaps
            )
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            return True
        if isinstance(statement, cst.If):
            if self._reaps_in_test(statement.test):
                return True
            side = pid_side(statement.test, self.handle) if self.handle else None
            if side is not None:
                # `if pid == 0:` splits the child from the parent: only the parent has a child
                # to wait for, so only the parent's branch must reap.
                if side:
                    return self._suite(statement.body)
                return self._else_reaps(statement)  # `elif pid == -1: ... else: waitpid`
            reaped = self._poll_reaps(statement.test)
            if reaped is not None:
                # `if proc.poll() is None:`: a code returned means the child has been reaped by
                # that very poll(); the branch where it is still running must reap it
                if reaped:  # `is not None`: the body is the reaped branch
                    return self._else_reaps(statement)
                return self._suite(statement.body)
            taken = self._branches_taken(statement.test)
            if taken is not None:
                name, body, rest = taken
                if body and not self._suite(statement.body):
                    return False
                if not rest:
                    return True
                orelse = statement.orelse
                if not isinstance(orelse, cst.If):
                    return orelse is not None and self._suite(orelse.body)
                # an `elif` sees only the values the tests before it let through
                before = self._narrowed.get(name)
                self._narrowed[name] = rest
                try:
                    return self.definitely(orelse)
                finally:
                    if before is None:
                        del self._narrowed[name]
                    else:
                        self._narrowed[name] = before
            if (
                isinstance(statement.test, cst.UnaryOperation)
                and isinstance(statement.test.operator, cst.Not)
                and self._guards_handle(statement.test.expression)
            ):
                # `if not t.is_alive(): ... else: t.cancel()`: no handle to reap in the body
                return self._else_reaps(statement)
            if f"not ({self.index.code(statement.test)})" in self.given:
                # the start's own path found this test false (`if os.name == 'nt': ... else:
                # <start>` ... `if os.name == 'nt': ... else: <reap>`): only the else runs
                return self._else_reaps(statement)
            if not self._suite(statement.body):
                return False
            if self._holds(statement.test):
                return True
            return self._else_reaps(statement)
        if isinstance(statement, cst.Try):
            if self._suite(statement.body):
                return True
            if self.finally_reaps(statement) or self.handlers_reap_endless(statement):
                return True
            # `try: ... except KeyboardInterrupt: ... else: proc.wait()`: the else runs unless a
            # handler does, so it reaps when every handler reaps too or only catches Ctrl-C
            return (
                statement.orelse is not None
                and self._suite(statement.orelse.body)
                and all(
                    self._suite(handler.body) or catches_only_interrupts(handler)
                    for handler in statement.handlers
                )
            )
        if isinstance(statement, cst.With) and any(
            self.index.inside(reap, item) or reap is item
            for reap in self.reaps
            for item in statement.items
        ):
            return True  # `with pool:` reaps when the block ends, whatever it does
        if isinstance(statement, cst.For) and any(
            (reap is statement.iter or self.index.inside(reap, statement.iter))
            and self._own_method(reap)
            and not self._maybe_skipped(reap, statement.iter)
            for reap in self.reaps
        ):
            # `for line in p.communicate():` waits once, before the first pass (not the handle
            # given to a function, which may be a generator run only as the loop goes on)
            return True
        if isinstance(statement, cst.With | cst.For | cst.While):
            # A while loop's test can itself reap (while proc.poll() is None). One and-ed with a
            # deadline (`while p.poll() is None and time.time() < end:`) is a grace period, a
            # timed reap: a child still running after it is killed (or left) by what follows,
            # judged as after a timed wait (flow._polled_while_else)
            if isinstance(statement, cst.While) and self.any(statement.test):
                return True
            if (
                isinstance(statement, cst.While)
                and is_true(statement.test)
                and self._exits_only_after_reap(statement)
            ):
                return True
            return self._suite(statement.body)
        return True

    def _own_method(self, reap: cst.CSTNode) -> bool:
        """Is ``reap`` a call of a method of the handle itself (``p.communicate()``)?"""
        return (
            bool(self.handle)
            and isinstance(reap, cst.Call)
            and isinstance(reap.func, cst.Attribute)
            and dotted_name(reap.func.value) == self.handle
        )

    def _maybe_skipped(self, reap: cst.CSTNode, statement: cst.CSTNode) -> bool:
        """Is ``reap`` in a part of ``statement`` that may not run: one branch of a conditional
        expression (``rc = p.wait() if check else None``) whose other branch does not reap and
        whose test does not just ask that there is a handle, or the right side of ``and``/``or``
        (``ok and p.wait()``)?"""
        current: cst.CSTNode = reap
        for ancestor in self.index.ancestors(reap):
            if isinstance(ancestor, cst.IfExp) and current is not ancestor.test:
                other = ancestor.orelse if current is ancestor.body else ancestor.body
                guarded = current is ancestor.body and self._guards_handle(ancestor.test)
                if not guarded and not self.any(other):
                    return True
            if (
                isinstance(ancestor, cst.BooleanOperation)
                and current is ancestor.right
                and not self._left_lets_through(ancestor)
            ):
                return True
            if ancestor is statement:
                return False
            current = ancestor
        return False

    def _left_lets_through(self, operation: cst.BooleanOperation) -> bool:
        """Does the left side of ``x and <reap>`` (``x or <reap>``) hold (fail) wherever the
        start ran, so that the right side always runs (``wait and proc.wait() != 0`` with
        ``wait`` at its default ``True``)?"""
        if isinstance(operation.operator, cst.And):
            return self._given(operation.left)
        return self._given(_negated(operation.left)) or self._closes_a_pipe(operation.left)

    def _closes_a_pipe(self, left: cst.BaseExpression) -> bool:
        """Is ``left`` the ``close()`` of one of the handle's pipes (``p.stdout.close()``, or
        of a name its function binds to one: ``pipe = p.stdout`` ... ``pipe.close()``)? A file
        object's close() returns None, so ``pipe.close() or p.wait()`` always waits."""
        if not (
            self.handle
            and isinstance(left, cst.Call)
            and not left.args
            and isinstance(left.func, cst.Attribute)
            and left.func.attr.value == "close"
        ):
            return False
        pipes = {f"{self.handle}.{name}" for name in ("stdout", "stderr", "stdin")}
        closed = dotted_name(left.func.value) or ""
        if closed in pipes:
            return True
        scope = self.index.scope_of(left)
        return bool(closed) and any(
            isinstance(node, cst.Assign)
            and dotted_name(node.value) in pipes
            and any(dotted_name(t.target) == closed for t in node.targets)
            for node in walk_statements(scope)
        )

    def _else_reaps(self, statement: cst.If) -> bool:
        """Does what runs when the test fails reap: the ``elif`` (as a statement of its own),
        or the ``else`` block? No ``else``: nothing runs, nothing reaps."""
        orelse = statement.orelse
        if isinstance(orelse, cst.If):
            return self.definitely(orelse)
        return orelse is not None and self._suite(orelse.body)

    def _poll_reaps(self, test: cst.BaseExpression) -> bool | None:
        """``proc.poll() is None`` on the handle: False (the test fails once poll() has reaped
        the child); ``is not None``: True; anything else: None."""
        if not (
            self.handle
            and isinstance(test, cst.Comparison)
            and len(test.comparisons) == 1
            and isinstance(test.left, cst.Call)
            and not test.left.args
            and isinstance(test.left.func, cst.Attribute)
            and test.left.func.attr.value == "poll"
            and dotted_name(test.left.func.value) == self.handle
        ):
            return None
        return none_test_sense(test)

    def _branches_taken(
        self, test: cst.BaseExpression
    ) -> tuple[str, bool, tuple[object, ...]] | None:
        """For an ``if`` testing a local of ``normal_values``: the local, whether the body can
        run with those values, and the values left for the rest (None: not such a test)."""
        if self.normal_values is None:
            return None
        read = literal_test(test)
        if read is None:
            return None
        if self._values is None:
            self._values = self.normal_values()
        name, holds = read
        values = self._narrowed.get(name, self._values.get(name))
        if values is None:
            return None
        return (
            name,
            any(holds(value) for value in values),
            tuple(value for value in values if not holds(value)),
        )

    def _reaps_in_test(self, test: cst.BaseExpression) -> bool:
        """`if proc.wait() != 0:` reaps whichever branch runs; `if x and proc.wait():` does not."""
        for reap in self.reaps:
            if reap is test:
                return True  # `if proc.wait():` the test is the reap
            if not self.index.inside(reap, test):
                continue
            conditional = False
            current: cst.CSTNode = reap
            for ancestor in self.index.ancestors(reap):
                if (
                    isinstance(ancestor, cst.BooleanOperation)
                    and ancestor.right is current
                    and not self._left_lets_through(ancestor)
                ):
                    conditional = True
                if ancestor is test:
                    break
                current = ancestor
            if not conditional:
                return True
        return False

    def _exits_only_after_reap(self, loop: cst.While) -> bool:
        """`while True:` whose every way out sits under an `if` that tested a reap (poll
        loops), or comes after a statement of its own path that reaps (`pool.close();
        pool.join(); break`, `pool.terminate(); pool.join(); raise ...`)."""
        breaks, leaves = loop_exits(loop)
        if not breaks and not leaves:
            return False
        exits: list[cst.CSTNode] = [*breaks]
        if leaves:
            # every return or raise in it (outside nested functions), caught or not
            exits += [
                node
                for node in walk_statements(loop.body)
                if isinstance(node, cst.Return | cst.Raise)
            ]
        for exit_ in exits:
            guarded = False
            for ancestor in self.index.ancestors(exit_):
                if ancestor is loop:
                    break
                if isinstance(ancestor, cst.If) and self.any(ancestor.test):
                    guarded = True
                    break
            if not guarded and not self._reaped_before(exit_, loop):
                return False
        return True

    def _reaped_before(self, exit_: cst.CSTNode, loop: cst.CSTNode) -> bool:
        """Does a statement run before ``exit_`` on its way through ``loop``'s body reap?"""
        current: cst.CSTNode = exit_
        for ancestor in self.index.ancestors(exit_):
            if ancestor is loop:
                return False
            if isinstance(ancestor, cst.IndentedBlock):
                holder = next((s for s in ancestor.body if s is current), None)
                if holder is not None:
                    for statement in ancestor.body:
                        if statement is holder:
                            break
                        if self.definitely(statement):
                            return True
            current = ancestor
        return False

    def finally_reaps(self, statement: cst.Try | cst.TryStar) -> bool:
        """Does the ``finally`` of this ``try`` reap (on every way out of it)?"""
        return statement.finalbody is not None and self._suite(statement.finalbody.body)

    def handlers_reap_endless(self, statement: cst.Try | cst.TryStar) -> bool:
        """Is the ``try`` body left only by an exception (it never completes) and does every
        handler reap (``try: serve_forever() except ...: t.join()``)?"""
        return (
            bool(statement.handlers)
            and self.never_completes(statement.body)
            and all(self._suite(handler.body) for handler in statement.handlers)
        )

    def _suite(self, suite: cst.BaseSuite) -> bool:
        if isinstance(suite, cst.IndentedBlock):
            return any(self.definitely(s) for s in suite.body)
        if isinstance(suite, cst.SimpleStatementSuite):
            return self.any(suite)
        return False


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node).strip()


def _negated(test: cst.BaseExpression) -> cst.BaseExpression:
    """``not (test)``, as a node to ask ``_given`` about."""
    return cst.UnaryOperation(
        operator=cst.Not(),
        expression=test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        if not test.lpar
        else test,
    )


def _same_negation(given: cst.BaseExpression, test: cst.BaseExpression) -> bool:
    """Is ``test`` the negation ``given`` states, written another way: ``given`` is ``not
    (a == b)`` and ``test`` is ``a != b`` (or the other way round), or ``given`` is ``not
    (x)`` and ``test`` is ``not x``?"""
    if not (isinstance(given, cst.UnaryOperation) and isinstance(given.operator, cst.Not)):
        return False
    inner = given.expression
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _code(inner.with_changes(lpar=[], rpar=[])) == _code(
            test.expression.with_changes(lpar=[], rpar=[])
        )
    if (
        isinstance(inner, cst.Comparison)
        and isinstance(test, cst.Comparison)
        and len(inner.comparisons) == 1
        and len(test.comparisons) == 1
        and _code(inner.left) == _code(test.left)
        and _code(inner.comparisons[0].comparator) == _code(test.comparisons[0].comparator)
    ):
        pairs = {
            (cst.Equal, cst.NotEqual),
            (cst.NotEqual, cst.Equal),
            (cst.Is, cst.IsNot),
            (cst.IsNot, cst.Is),
        }
        return (type(inner.comparisons[0].operator), type(test.comparisons[0].operator)) in pairs
    return False


def pid_side(test: cst.BaseExpression, handle: str) -> bool | None:
    """True when ``test`` holds in the parent of a fork whose pid is ``handle`` (``pid``, ``pid
    != 0``, ``pid > 0``), False when it holds in the child (``not pid``, ``pid == 0``), None
    when it does not test the pid."""
    return fork_side(test, lambda tested: dotted_name(tested) == handle)


def fork_side(
    test: cst.BaseExpression, is_pid: Callable[[cst.BaseExpression], bool]
) -> bool | None:
    """``pid_side`` for a pid told by ``is_pid``: a name bound to a fork's result, or the fork
    call itself (``if os.fork(): return``)."""
    if is_pid(test):
        return True
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = fork_side(test.expression, is_pid)
        return None if inner is None else not inner
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        comparison = test.comparisons[0]
        if not is_pid(test.left):
            return None
        right = comparison.comparator
        op = comparison.operator
        if is_negative_int(right) and isinstance(op, cst.Equal | cst.LessThan | cst.LessThanEqual):
            return False  # `pid == -1`: the fork failed, there is no child to wait for
        if not isinstance(right, cst.Integer) or right.value != "0":
            return None
        if isinstance(op, cst.Equal | cst.Is | cst.LessThan):
            return False  # the child (or, `pid < 0`, no child at all)
        if isinstance(op, cst.NotEqual | cst.IsNot | cst.GreaterThan):
            return True
    return None
