"""How often the other modules of a package call a private function of one of its modules.

A module-level function named ``_helper`` is the package's own: only its modules call it
(``from pkg.jobs.utils import _launch_consumer``). When its own module never calls it, how often
it runs is how often those calls run: once when they sit under ``if __name__ == "__main__"`` or
in ``main()``, many times in a request handler or a loop. The runner finds the files naming it
(a bytes search over the distribution's files) and hands their sources here; each is parsed
whole and its calls of the function weighed by that module's own ``Counter``, one module away
(what calls *those* is not followed further).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence

import libcst as cst

from forkaudit.analysis.facts import ModuleFacts
from forkaudit.analysis.index import ClassInfo, ModuleIndex, build_index, dotted_name
from forkaudit.analysis.modules import absolute, absolute_name, module_name, names_match
from forkaudit.analysis.multiplicity import Counter, Level, Multiplicity, gives_parameter
from forkaudit.analysis.syntax import assignments, lowers_attribute
from forkaudit.analysis.vocabulary import HELD_STOPS, PER_USE_METHODS, STOP_ENDS
from forkaudit.analysis.walk import walk

__all__ = ["CallersElsewhere"]


class CallersElsewhere:
    """The multiplicity of a private function of ``path`` as its callers in ``sources`` give
    it: ``sources`` maps the function's name to the (path, bytes) of the modules naming it;
    ``parse`` makes a module and its text of bytes (the engine's parser)."""

    def __init__(
        self,
        path: str,
        sources: Mapping[str, Sequence[tuple[str, bytes]]],
        parse: Callable[[bytes], tuple[cst.Module, str]],
    ) -> None:
        self.path = path
        self.module = module_name(path)
        self.sources = sources
        self.parse = parse
        self._modules: dict[str, tuple[ModuleIndex, Counter] | None] = {}

    def __call__(self, name: str) -> Multiplicity | None:
        """None also when a module hands the function on rather than calls it: passed as a
        value (`pool.submit(_f, x)`, a dispatch table) or given a public name (`from .utils
        import _f as watch`): then its callers are not all in sight."""
        if name.startswith("="):
            return self._method_callers(name[1:])
        if name.startswith("^"):
            return self._objects_made(name[1:])
        best: Multiplicity | None = None
        wanted = f"{self.module}.{name}"
        for path, data in self.sources.get(name, ()):
            module = self._module(path, data)
            if module is None:
                continue
            index, counter = module
            if path.replace("\\", "/").endswith("__init__.py"):
                for local, target in index.aliases.items():
                    if names_match(absolute(target, path), wanted) and not local.startswith("_"):
                        return None  # the package re-exports it under a public name
            called_at = {id(call.func) for call in index.calls}
            spelled = {name} | {
                local for local, target in index.aliases.items() if names_match(target, wanted)
            }
            for used in _uses(index, spelled, path, wanted):
                if id(used) in called_at:
                    continue
                if counter.process_pool_initializer(used):
                    # run once in each worker process of a pool, as it starts
                    best = _stronger(best, counter.of_site(used, 1), path)
                    continue
                return None  # used as a value
            for call in index.calls:
                if names_match(absolute(index.resolve(call.func), path), wanted):
                    best = _stronger(best, counter.of_site(call, 1), path)
        return best

    def _method_callers(self, name: str) -> Multiplicity | None:
        """How often the other modules of the package call the method ``name``
        (``self._lm.start_flux(cb)``), read from the object whatever it is: the runner hands
        them in only when no other class of the package defines a method of that name. None
        when one hands it on uncalled (``callback=lm.start_flux``) or names it in a string
        (``getattr(lm, "start_flux")``), or more modules name it than the runner reads."""
        if f"+={name}" in self.sources:
            return None
        # other classes of the package define a method of that name: a call may be of any of
        # them, so only calls running it once per object, whichever it is, are counted
        shared = f"*={name}" in self.sources
        best: Multiplicity | None = None
        for path, data in self.sources.get(f"={name}", ()):
            if _named_in_string(name, data):
                return None
            module = self._module(path, data)
            if module is None:
                return None  # what cannot be read may call it anyhow
            index, counter = module
            for node in index.names.get(name, ()):
                parent = index.parent_of(node)
                if not (isinstance(parent, cst.Attribute) and parent.attr is node):
                    continue
                call = index.parent_of(parent)
                if not (isinstance(call, cst.Call) and call.func is parent):
                    return None  # handed on: it runs as often as what it is handed to calls it
                if shared:
                    hook = _constructor_hook(index, call, name)
                    if hook is None:
                        return None
                    if not hook:
                        continue  # an override chaining to its base's: as often as itself
                best = _stronger(best, counter.of_site(call, 1), path)
        return best

    def _objects_made(self, name: str) -> Multiplicity | None:
        """How often the other modules of the package make objects of the class ``name`` of
        this module (``Pty(cmd=...)`` after ``from .ptylib import Pty``): the strongest count of
        the calls resolving to it; None when none is seen. Other uses (an annotation, an
        ``isinstance()``) make nothing."""
        best: Multiplicity | None = None
        wanted = f"{self.module}.{name}"
        for path, data in self.sources.get(f"^{name}", ()):
            module = self._module(path, data)
            if module is None:
                continue
            index, counter = module
            for call in index.calls:
                if names_match(absolute(index.resolve(call.func), path), wanted):
                    best = _stronger(best, _made_by(index, call, counter.of_site(call, 1)), path)
        return best

    def gives(self, ask: str, parameter: str, position: int | None) -> bool:
        """Does a module of the package handed in for ``ask`` (``^Name``: making objects of
        this module's class ``Name``; ``name``: calling its function) give ``parameter`` (by
        keyword, in ``*args``/``**kwargs``, or positionally at ``position``)? Handed on
        as a value or subclassed (``factory=Metrics``, ``class Own(Metrics)``), it may be
        given anything: taken as given too. A module that cannot be read may give it."""
        bare = ask.lstrip("^")
        wanted = f"{self.module}.{bare}"
        for path, data in self.sources.get(ask, ()):
            module = self._module(path, data)
            if module is None:
                return True
            index = module[0]
            for used in _uses(index, {bare}, path, wanted):
                call = index.parent_of(used)
                if not (isinstance(call, cst.Call) and call.func is used):
                    return True  # handed on, or a base class: it may be given anything
                if gives_parameter(call, parameter, position):
                    return True
        return False

    def calls_method(self, name: str) -> bool:
        """Does another module of the package name ``name`` as an attribute (``client.stop()``,
        ``callback=self.stop``) or in a string (``getattr(client, "stop")``): called, or
        handed on to be? Told by the name alone, whatever
        object it is read from: the class stopping its thread with it may be any of them. One
        named by more modules than the runner reads (``+.stop``) is taken as called."""
        if f"+.{name}" in self.sources:
            return True
        for path, data in self.sources.get(f".{name}", ()):
            if _named_in_string(name, data):
                return True  # a string of it (`getattr(client, "stop")()`): called by name
            module = self._module(path, data)
            if module is None:
                return True  # what cannot be read may call it
            index = module[0]
            for node in index.names.get(name, ()):
                parent = index.parent_of(node)
                if isinstance(parent, cst.Attribute) and parent.attr is node:
                    return True
        return False

    def sets_attribute(self, name: str, ends: bool) -> bool:
        """Does another module of the package lower a flag ``name`` of an object it uses to
        the truth ``ends`` (syntax.lowers_attribute: ``hist.gc.wait_for_shell = False``,
        ``worker.stop.set()``, ``setattr(worker, "running", False)``)? Told by the name alone,
        whatever object it is on, as for ``calls_method``: a flag a thread loops on, lowered
        from there, ends the loop. Only the modules read count: one named by more modules
        than the runner reads is not taken as lowered."""
        for path, data in self.sources.get(f".{name}", ()):
            module = self._module(path, data)
            if module is not None and lowers_attribute(module[0], name, ends):
                return True
        return False

    def stops_given(self, base: str, place: str, methods: frozenset[str]) -> bool:
        """Does the class ``base`` (as the module at ``path`` names it through an import:
        ``.bus.Bus``) that another module of the package defines stop what its constructor is
        given at ``place`` (``"1"``: the second argument after ``self``; or a keyword) in one
        of ``methods``: its ``__init__`` keeps it on the object (``self._loop = loop``) and
        the method stops it there (``self._loop.stop()``)? The runner hands the module in for
        the ask ``<base>:@<place>`` when its text defines the class and stops something it
        holds."""
        for _, info in self._classes_handed_in(base, f"@{place}"):
            init = info.methods.get("__init__")
            if init is None:
                continue
            positional = [*init.params.posonly_params, *init.params.params][1:]  # (self)
            if place.isdigit():
                given = positional[int(place)].name.value if int(place) < len(positional) else ""
            else:
                given = place
            kept = {
                dotted_name(target) or ""
                for target, value in assignments(init)
                if given and dotted_name(value) == given
            }
            kept = {name for name in kept if name.startswith("self.")}
            if kept and any(
                _stops(info.methods[name], kept) for name in methods if name in info.methods
            ):
                return True
        return False

    def inherited_reap(
        self, base: str, attr: str, methods: frozenset[str], shadowed: frozenset[str] = frozenset()
    ) -> str:
        """Where a class ``base`` (resolved from the module at ``path``: ``.abstract.Reader``)
        that another module of the package defines reaps ``self.<attr>``: one of its methods
        calls one of ``methods`` on it (``self._proc.wait()``), polls it in a loop (``while
        ...: if self._proc.poll() is not None: break``) or enters it (``with self._pool:``).
        "Reader.close()" when it does, "" otherwise. A subclass inherits that method: the
        handle it stores there is reaped by it, as by a method of its own; not one it overrides
        (``shadowed``) without calling the base's."""
        # the runner hands in the module defining it, when it reaps the attribute
        for index, info in self._classes_handed_in(base, attr):
            for name, method in info.methods.items():
                if name in shadowed:
                    continue  # the subclass's own method runs instead of this one
                if _reaps_attribute(index, method, attr, methods):
                    return f"{info.name}.{name}()"
        return ""

    def _classes_handed_in(self, base: str, asked: str) -> Iterator[tuple[ModuleIndex, ClassInfo]]:
        """The class ``base`` (as the module at ``path`` names it: ``.abstract.Reader``) in
        the modules the runner handed in for the ask ``<base>:<asked>``, with their index."""
        wanted = absolute_name(base, self.path)
        short = wanted.rsplit(".", 1)[-1]
        for path, data in self.sources.get(f"{wanted}:{asked}", ()):
            module = self._module(path, data)
            if module is None:
                continue
            info = module[0].classes.get(short)
            if info is not None and names_match(f"{module_name(path)}.{short}", wanted):
                yield module[0], info

    def _module(self, path: str, data: bytes) -> tuple[ModuleIndex, Counter] | None:
        if path not in self._modules:
            try:
                module, source = self.parse(data)
            except Exception:  # a caller that does not parse says nothing
                self._modules[path] = None
            else:
                index = build_index(module, source, parsed=source)
                self._modules[path] = (index, Counter(index, ModuleFacts(index)))
        return self._modules[path]


def _uses(
    index: ModuleIndex, spellings: set[str], path: str, wanted: str
) -> Iterator[cst.BaseExpression]:
    """Where the module at ``path`` uses the function or class ``wanted`` under one of
    ``spellings``: the name (``_f``), or the attribute naming it (``utils._f``), resolving to
    it; not its import, a def or class of that name, nor the attribute of another object."""
    for node in (n for spelling in spellings for n in index.names.get(spelling, ())):
        parent = index.parent_of(node)
        if isinstance(parent, cst.ImportAlias | cst.ImportFrom | cst.AsName):
            continue
        used: cst.BaseExpression = node
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            used = parent
        elif isinstance(parent, cst.Attribute | cst.FunctionDef | cst.ClassDef):
            continue  # `_f.x` reads the function's attribute; a def or class of that name
        if names_match(absolute(index.resolve(used), path), wanted):
            yield used


def _stops(method: cst.FunctionDef, kept: set[str]) -> bool:
    """Does ``method`` stop one of ``kept`` (``self._loop.stop()``, handed on as
    ``loop.call_soon_threadsafe(self._loop.stop)``, ``self._server.shutdown()``)?"""
    return any(
        isinstance(node, cst.Attribute)
        and node.attr.value in HELD_STOPS
        and dotted_name(node.value) in kept
        for node in walk(method)
    )


def _constructor_hook(index: ModuleIndex, call: cst.Call, name: str) -> bool | None:
    """What a call of the method ``name`` says whatever class defines it: True for
    ``self.name()`` (a template method its base runs on the object itself, whichever override
    it reaches, as often as the method calling it runs: once per object from an ``__init__``,
    once from a worker's ``main()``); False for ``super().name()`` in a method of that name (an
    override running its base's, as often as itself); None for any other call, which may run
    it any number of times on any object."""
    function = next(
        (a for a in index.ancestors(call) if isinstance(a, cst.FunctionDef | cst.Lambda)), None
    )
    if not isinstance(function, cst.FunctionDef):
        return None
    assert isinstance(call.func, cst.Attribute)
    receiver = call.func.value
    if isinstance(receiver, cst.Call) and dotted_name(receiver.func) == "super":
        return False if function.name.value == name else None
    if dotted_name(receiver) == "self":
        return True
    return None


def _named_in_string(name: str, data: bytes) -> bool:
    """Does the module's text name ``name`` in a string (``getattr(client, "stop")``)? Not
    the message of an abstract method's ``raise NotImplementedError("name")``, which calls
    nothing."""
    return any(
        not _ABSTRACT.search(data, max(0, found.start() - 40), found.start())
        for found in re.finditer(rb"""['"]""" + re.escape(name.encode()) + rb"""['"]""", data)
    )


_ABSTRACT = re.compile(rb"NotImplementedError\(\s*$")


def _made_by(index: ModuleIndex, call: cst.Call, many: Multiplicity) -> Multiplicity:
    """How often ``call`` makes its object, ``many`` once per object of the class making it:
    per call (its own count unproven) when that class has an end of its own (``close()``,
    ``stop()``): its objects are used and ended, each making one, not a long-lived set-up's
    (aim's Client making its RequestQueue in ``__init__``)."""
    info = index.class_of(call)
    if many.level is not Level.PER_OBJECT or info is None:
        return many
    ends = sorted(set(index.method_table(info)) & (PER_USE_METHODS | STOP_ENDS))
    if not ends:
        return many
    return Multiplicity(
        Level.PER_CALL,
        f"{many.describe()}, and {info.name} objects end with {ends[0]}(): made per use",
        False,
    )


def _stronger(best: Multiplicity | None, found: Multiplicity, path: str) -> Multiplicity | None:
    """The more frequent of ``best`` and a call's multiplicity ``found`` in the module at
    ``path`` (which the reason then names)."""
    if best is not None and found.level <= best.level:
        return best
    return Multiplicity(
        found.level, f"{found.describe()} in {path}", found.positive, unless=found.unless
    )


def _reaps_attribute(
    index: ModuleIndex, method: cst.FunctionDef, attr: str, methods: frozenset[str]
) -> bool:
    """Does ``method`` call one of ``methods`` on ``self.<attr>``, poll it in a loop, or enter
    it in a ``with``?"""
    held = f"self.{attr}"
    for node in walk(method):
        if isinstance(node, cst.WithItem) and dotted_name(node.item) == held:
            return True
        if not (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and dotted_name(node.func.value) == held
        ):
            continue
        if any(
            isinstance(a, cst.ExceptHandler | cst.ExceptStarHandler) for a in index.ancestors(node)
        ):
            continue  # reaped only when something fails: the normal path leaves it
        called = node.func.attr.value
        if called in methods:
            return True
        if called in ("poll", "is_alive") and any(
            isinstance(ancestor, cst.While | cst.For) for ancestor in index.ancestors(node)
        ):
            return True
    return False
