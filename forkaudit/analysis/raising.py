"""Stops skipped by an exception: a thread waiting for a signal from the function that starts
it (an Event it sets, a sentinel it puts in a queue), or a parked ``threading.Timer`` it cancels,
where the signal comes only after calls that may raise and no ``finally`` (nor a handler that
lets the function go on) gives it when they do. Then every call that raises leaves the thread
waiting for good, or the timer armed to fire later: a leak on the error path, one per failing
call. And calls that fail in normal operation (a connect, a handshake, a login, the object's
own wait for its peer, a raise of a peer's failure), which a constructor may make after
starting a thread (``failing_after``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import libcst as cst

from forkaudit.analysis.index import ModuleIndex, dotted_name
from forkaudit.analysis.syntax import block_statements, last_name, values_stored, walk_statements
from forkaudit.analysis.vocabulary import (
    FAILING_CALLS,
    FAILING_EXCEPTION_WORDS,
    LOG_METHODS,
    OWN_WAIT_PREFIXES,
    QUIET_FUNCTIONS,
    QUIET_METHODS,
)

# what signals a thread waiting on an Event (set) or a queue (put)
_SIGNALS = frozenset({"set", "put", "put_nowait"})


def raising_gap(
    index: ModuleIndex,
    start: cst.CSTNode,
    scope: cst.CSTNode,
    names: Sequence[str],
    methods: Collection[str] = (),
    stores: Collection[str] = (),
) -> cst.CSTNode | None:
    """The first call after ``start`` (the statement starting the thread or timer) that
    may raise before the function gives the signal that stops it, when nothing on the way out
    of an exception gives it: a call of ``<name>.set()``/``.put()``/``.join()``/``.cancel()``
    (or one of ``methods``: the thread's own stop()) for one of ``names`` (the handle, the
    Event or queue), or a store to one of ``stores`` (a flag the thread's nested target loops
    on: ``running = False``). None when every way out signals, or when the function never does
    (another judgement's business)."""
    stopping = {*_SIGNALS, "join", "cancel", *methods}
    stops = {
        id(node)
        for node in walk_statements(scope)
        if isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and dotted_name(node.func.value) in names
        and node.func.attr.value in stopping
        and index.scope_of(node) is scope
        and not _data_put(node)
    } | {id(statement) for statement, _ in (values_stored(scope, stores) if stores else ())}
    if not stops:
        return None

    def stops_in(node: cst.CSTNode) -> bool:
        return any(id(inner) in stops for inner in walk_statements(node, skip_nested=False))

    def before_stop(statement: cst.CSTNode) -> cst.CSTNode | None:
        """In a ``with`` holding the signal, what may raise before it: its items (``open(path)``)
        and the statements of its body ahead of the one giving it (its body runs straight on
        from the start)."""
        if not isinstance(statement, cst.With):
            return None
        for item in statement.items:
            if found := _may_raise(item.item, names, closing=not managed_context(scope)):
                return found
        body = statement.body.body
        for inner in body:
            if stops_in(inner):
                return before_stop(inner)
            if found := _may_raise(inner, names, closing=not managed_context(scope)):
                return found
        return None

    pending: cst.CSTNode | None = None
    stopped = False  # the signal was met on the way up: what follows it does not matter
    current: cst.CSTNode = start
    while current is not scope:
        parent = index.parent_of(current)
        if parent is None:
            return None
        block = block_statements(parent)
        if block is None and isinstance(parent, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            block = parent.body
        if block is not None and current in block and not stopped:
            for statement in block[list(block).index(current) + 1 :]:
                if stops_in(statement):
                    if pending is None:
                        pending = before_stop(statement)
                    stopped = True
                    break
                if pending is None:
                    pending = _may_raise(statement, names, closing=not managed_context(scope))
        if isinstance(parent, cst.Try | cst.TryStar) and current is parent.body:
            if parent.finalbody is not None and stops_in(parent.finalbody):
                return None  # every way out of the try signals
            if pending is not None and index.inside(pending, parent.body):
                if stopped and all(stops_in(handler) for handler in parent.handlers):
                    pending = None  # each handler signals in turn
                elif not stopped and _swallowed(
                    parent, closed=isinstance(pending, cst.Yield) and not managed_context(scope)
                ):
                    pending = None  # caught, and the function goes on to the signal
        current = parent
    return pending if stopped else None


def _data_put(call: cst.Call) -> bool:
    """A ``put`` of a value computed on the spot (``q.put(transform(row))``, ``q.put(item)``):
    work for the thread, not the sentinel ending it, which is a constant (``None``, ``"done"``,
    ``STOP``, ``Signal.STOP``)."""
    if not (isinstance(call.func, cst.Attribute) and call.func.attr.value in ("put", "put_nowait")):
        return False
    if not call.args:
        return False
    value = call.args[0].value
    if isinstance(value, cst.SimpleString | cst.Integer | cst.Float | cst.ConcatenatedString):
        return False
    name = value.attr.value if isinstance(value, cst.Attribute) else dotted_name(value) or ""
    return not (name in ("None", "True", "False") or (name.isupper() and "." not in name))


def managed_context(function: cst.CSTNode) -> bool:
    """Is ``function`` a generator run as a context manager or a fixture
    (``@contextmanager``, ``@asynccontextmanager``, ``@pytest.fixture``)? Its ``yield`` raises
    what the with-block raises; in any other generator a ``yield`` is where a consumer that
    stops early closes it (GeneratorExit)."""
    if not isinstance(function, cst.FunctionDef):
        return False
    return _decorated(function, ("contextmanager", "asynccontextmanager")) or fixture(function)


def fixture(function: cst.FunctionDef) -> bool:
    """Is ``function`` a pytest fixture (``@pytest.fixture``, ``@pytest.fixture(scope=...)``,
    ``@pytest.yield_fixture``)?"""
    return _decorated(function, ("fixture", "yield_fixture"))


def _decorated(function: cst.FunctionDef, names: tuple[str, ...]) -> bool:
    """Is ``function`` decorated by one of ``names`` (called or not: ``@fixture(scope=...)``)?"""
    return any(
        last_name(
            decorator.decorator.func
            if isinstance(decorator.decorator, cst.Call)
            else decorator.decorator
        )
        in names
        for decorator in function.decorators
    )


def _swallowed(node: cst.Try | cst.TryStar, closed: bool = False) -> bool:
    """Does every exception of the ``try`` body end in a handler that lets the code after the
    ``try`` run: a broad one (bare, ``Exception``, ``BaseException``) among handlers none of
    which raises, returns or leaves a loop? With ``closed`` (what comes is the GeneratorExit
    of a generator closed at a yield, which ``Exception`` does not catch): bare,
    ``BaseException`` or ``GeneratorExit``."""
    broad = False
    for handler in node.handlers:
        if any(
            isinstance(inner, cst.Raise | cst.Return | cst.Break | cst.Continue)
            for inner in walk_statements(handler)
        ):
            return False
        caught = handler.type
        names = (
            {last_name(element.value) for element in caught.elements}
            if isinstance(caught, cst.Tuple)
            else {last_name(caught)}
            if caught is not None
            else {"BaseException"}
        )
        wanted = {"BaseException", "GeneratorExit"} if closed else {"Exception", "BaseException"}
        broad = broad or bool(names & wanted)
    return broad


def _may_raise(
    statement: cst.CSTNode,
    names: Sequence[str],
    closing: bool = False,
    yields: bool = True,
    calls: bool = True,
) -> cst.CSTNode | None:
    """The call in ``statement`` that may raise (or its ``raise``, its ``yield``): anything but a quiet
    builtin, a log call, or the handle's or signal's own methods. A ``try`` swallowing what
    its body raises raises only from its handlers and ``finally``. With ``closing`` (a plain
    generator's, whose yield is left by GeneratorExit, which ``Exception`` does not catch),
    the yields of a ``try`` body are swallowed only by a handler catching that (``except
    GeneratorExit:``, bare, ``BaseException``). ``yields`` / ``calls``: look for those."""
    if isinstance(statement, cst.Try | cst.TryStar):
        body_calls = calls and not _swallowed(statement)
        body_yields = yields and not _swallowed(statement, closed=closing)
        if (body_calls, body_yields) != (calls, yields):
            parts: list[tuple[cst.CSTNode, bool, bool]] = []
            if body_calls or body_yields:
                parts.append((statement.body, body_yields, body_calls))
            parts.extend((handler, yields, calls) for handler in statement.handlers)
            if statement.orelse is not None:
                parts.append((statement.orelse, yields, calls))
            if statement.finalbody is not None:
                parts.append((statement.finalbody, yields, calls))
            return next(
                (
                    found
                    for part, y, c in parts
                    if (found := _may_raise(part, names, closing, y, c))
                ),
                None,
            )
    nodes = walk_statements(statement)
    # a `yield` raises what the with-block of a @contextmanager raises, or GeneratorExit when
    # the consumer drops the generator: named first, a consumer stopping early being the
    # common way out of a generator (`for row in iter(q.get, None): yield row`)
    found = next((node for node in nodes if isinstance(node, cst.Yield)), None) if yields else None
    if found is not None or not calls:
        return found
    for node in nodes:
        if isinstance(node, cst.Raise):
            return node
        if not isinstance(node, cst.Call):
            continue
        func = node.func
        name = last_name(func) or ""
        if isinstance(func, cst.Name) and name in QUIET_FUNCTIONS:
            continue
        if isinstance(func, cst.Attribute):
            base = dotted_name(func.value) or ""
            if base in names or name in LOG_METHODS or name in QUIET_METHODS:
                continue
            if base == "time" and name in QUIET_FUNCTIONS:
                continue  # time.sleep(), time.monotonic() (logging's calls are log methods)
        return node
    return None


def in_try(index: ModuleIndex, node: cst.CSTNode, function: cst.FunctionDef) -> bool:
    """Is ``node`` inside a ``try`` (or a ``with``, which may suppress) of ``function``?"""
    for ancestor in index.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, cst.Try | cst.TryStar | cst.With):
            return True
    return False


def failing_after(
    index: ModuleIndex,
    function: cst.FunctionDef,
    after: cst.CSTNode | None,
    methods: dict[str, cst.FunctionDef],
) -> cst.CSTNode | None:
    """The first call failing in normal operation, or ``raise`` of a peer's failure, that
    ``function`` reaches after ``after`` (from its start when None), outside any ``try`` and
    not in another branch of an ``if`` holding ``after``."""
    passed = after is None
    for node in walk_statements(function):
        if not passed:
            passed = node is after
            continue
        if (
            _fails(node, methods, index)
            and not in_try(index, node, function)
            and not (after is not None and _other_branch(index, node, after, function))
        ):
            return node
    return None


def _fails(
    node: cst.CSTNode,
    methods: dict[str, cst.FunctionDef],
    index: ModuleIndex,
    depth: int = 0,
) -> bool:
    """Does ``node`` fail in normal operation: a connect, a handshake, a login
    (vocabulary.FAILING_CALLS), a ``raise`` of a peer's failure (``ConnectionError``,
    ``TimeoutError``), or a call of the object's own method that does one of these (read
    where the class defines it; where it does not, its name: ``self._wait_connected()``)?"""
    if isinstance(node, cst.Raise):
        raised = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
        name = (dotted_name(raised) or "").lower() if raised is not None else ""
        return any(word in name for word in FAILING_EXCEPTION_WORDS)
    if not isinstance(node, cst.Call):
        return False
    own = isinstance(node.func, cst.Attribute) and dotted_name(node.func.value) == "self"
    method = methods.get(node.func.attr.value) if isinstance(node.func, cst.Attribute) else None
    if own and method is not None and not _stub(method):
        # the class's own `self.login()` is read, not judged by its name (unless its body is a
        # stub: `@syncmethod def connect(self): pass` runs what a decorator puts in its place)
        return depth < 2 and any(
            _fails(inner, methods, index, depth + 1) and not in_try(index, inner, method)
            for inner in walk_statements(method)
        )
    if last_name(node.func) in FAILING_CALLS:
        # one whose answer the code tests (`if ports.connect(a, b):`) reports failure by its
        # value, and raises nothing
        return not isinstance(
            index.parent_of(node), cst.If | cst.While | cst.Comparison | cst.BooleanOperation
        ) and not (
            isinstance(parent := index.parent_of(node), cst.UnaryOperation)
            and isinstance(parent.operator, cst.Not)
        )
    if not own:
        return False
    assert isinstance(node.func, cst.Attribute)
    return node.func.attr.value.lstrip("_").lower().startswith(OWN_WAIT_PREFIXES)


def _stub(function: cst.FunctionDef) -> bool:
    """Is the body of ``function`` only a docstring, ``pass``, ``...`` or ``raise
    NotImplementedError`` (an abstract method a subclass fills in)?"""
    body = function.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine | cst.SimpleStatementSuite):
            return False
        for small in statement.body:
            if isinstance(small, cst.Pass):
                continue
            if isinstance(small, cst.Raise) and small.exc is not None:
                raised = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
                if dotted_name(raised) == "NotImplementedError":
                    continue
            if isinstance(small, cst.Expr) and isinstance(
                small.value, cst.Ellipsis | cst.SimpleString | cst.ConcatenatedString
            ):
                continue
            return False
    return True


def _other_branch(
    index: ModuleIndex, node: cst.CSTNode, after: cst.CSTNode, function: cst.FunctionDef
) -> bool:
    """Is ``node`` in a branch of an ``if`` (an ``elif``, an ``else``) that excludes the one
    holding ``after``?"""
    holding = set()
    for ancestor in index.ancestors(after):
        if ancestor is function:
            break
        holding.add(id(ancestor))
    for ancestor in index.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, cst.If) and id(ancestor) in holding:
            return index.inside(node, ancestor.body) != index.inside(after, ancestor.body)
    return False
