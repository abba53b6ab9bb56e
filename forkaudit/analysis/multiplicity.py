"""How many times a start can run in one process: once, once per object, once per call, or many.

A leak that cannot repeat cannot pile up. This module weighs the evidence both ways, from the start
call outward:

- *once*: module import time, ``if __name__ == "__main__"``, a once-guard around the start
  (``if self._x is None``, ``if not hasattr(self, "_x")``, ``if _x is None or _pid != os.getpid()``,
  an early ``if self._x is not None: return``), a cached function (``functools.cache``,
  ``lru_cache``, ``cached_property``), a function that never returns (it exits, or serves in an
  endless loop), ``main()``-like functions, the entry point of a child process;
- *once per object*: ``__init__``, and setup methods (``start``, ``launch``, ``setup``, ``open`` …):
  as often as objects of the class are made, which the module may show;
- *many*: a ``while`` loop (a serving loop), a loop in a function that itself repeats, a request
  or connection handler (``do_GET``, ``handle``, a WSGI/ASGI ``__call__``, a method of a
  ``socketserver``/``http.server``/``asyncio.Protocol`` handler class, a function taking
  ``request``/``environ``), a function called from any of those;
- *per call*: anything else that can run again (a public function, a method): it piles up when
  it runs per request, which the module cannot tell.

Evidence from callers is followed within the module, three calls deep.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum

import libcst as cst

from forkaudit.analysis.facts import ModuleFacts, name_counts
from forkaudit.analysis.index import ModuleIndex, dotted_name
from forkaudit.analysis.syntax import (
    argument,
    asks_self_for,
    assignments,
    binding_targets,
    block_statements,
    caught_names,
    computed_property,
    endless_while,
    ends_with,
    exit_values,
    flags_set,
    handed_to_atexit,
    has_return,
    in_main_block,
    innermost_loop,
    is_main_test,
    last_name,
    literal_truth,
    names_tested,
    short,
    target_names,
    thread_names,
    walk_statements,
    without_object,
)
from forkaudit.analysis.vocabulary import (
    AFTER_FORK_HOOKS,
    APP_FACTORIES,
    CACHE_DECORATORS,
    CACHED_PROPERTIES,
    CALLER_DEPTH,
    CLEANUP_METHOD_NAMES,
    CLI_DECORATORS,
    CLI_LIBRARIES,
    FOREVER_METHODS,
    HANDLER_BASES,
    HANDLER_FRAMEWORKS,
    HANDLER_METHODS,
    HANDLER_PARAMETERS,
    ONCE_FIXTURES,
    ONE_OFF_FUNCTIONS,
    PROCESS_TITLE_SETTERS,
    RECURRING_WORDS,
    ROUTE_DECORATORS,
    SETUP_METHODS,
    SIGNAL_INSTALLERS,
    STARTUP_DECORATORS,
    STARTUP_EVENT_DECORATORS,
    STARTUP_EVENTS,
    STDLIB_METHOD_NAMES,
    TASK_DECORATORS,
    TASK_MODULES,
    TERMINATION_SIGNALS,
    boot_hook,
    name_words,
    sets_up_by_name,
)
from forkaudit.analysis.walk import walk


class Level(IntEnum):
    """How often a start can run, weakest first."""

    ONCE = 0
    PER_OBJECT = 1
    PER_CALL = 2
    MANY = 3


@dataclass(frozen=True)
class Multiplicity:
    level: Level
    reason: str  # "in a `while` loop in serve()", "behind `if self._t is None`", ...
    positive: bool = False  # evidence was seen (a loop, a handler, a guard), not assumed
    via: tuple[str, ...] = ()  # the calls from where the evidence is down to the start
    # when a PER_OBJECT count stops being bounded
    unless: str = "such objects are made per request"
    # the function registering a recurring job that holds the start: once per job only for a
    # start that lasts (a thread serving until stopped), else per call of it
    job_of: str = ""
    # a private module-level function with no caller in its module, whose count is the default
    # (per call): its callers are in other modules of its package, which the runner can look up
    asks: str = ""
    # the code is the module's script block (`if __name__ == '__main__':`), run only when the
    # module is run as a program, never when it is imported
    script: bool = False
    # a loop on the way repeats it, though only as often as what holds the loop runs (once)
    looped: bool = False
    # made once per key of a cache the function looks up first and fills (`C[key] = x`):
    # the container it is kept in holds one per key, not one per call
    keyed: bool = False
    # the start runs only where a parameter that is off by default is turned on
    # (`enable_expiration`), which no call in the package does: each user's own choice
    opt_in: str = ""
    # made once per calling thread, behind a cache keyed by the thread's identity
    per_thread: bool = False

    def describe(self) -> str:
        """The reason, with the calls it goes through."""
        if not self.via:
            return self.reason
        return f"{self.reason}, through {', '.join(self.via)}"


_CALLER_DEPTH = CALLER_DEPTH


def _per_thread(test: str) -> Multiplicity:
    """Behind ``test``, a membership test of a cache keyed by the calling thread (``if name not
    in _runners:``, ``name = current_thread().name``): one per thread calling, a cache that
    guards nothing across threads."""
    return Multiplicity(
        Level.PER_OBJECT,
        f"once per calling thread, behind `{test}`: the cache is keyed by the thread calling",
        True,
        unless="its callers each run in a thread of their own, as a threaded server's requests do",
        per_thread=True,
    )


# what names the thread calling: a key made from it is one per thread
_THREAD_IDENTITY = frozenset(
    {
        "threading.current_thread",
        "threading.currentThread",
        "threading.get_ident",
        "threading.get_native_id",
        "_thread.get_ident",
    }
)
_THREAD_IDENTITY_WORDS = ("current_thread", "currentThread", "get_ident", "get_native_id")

_CYCLE = Multiplicity(Level.ONCE, "")  # a caller that is being weighed already (recursion)


class Counter:
    """Multiplicity of start sites (and of the functions holding them) in one module."""

    def __init__(
        self,
        index: ModuleIndex,
        facts: ModuleFacts,
        elsewhere: Callable[[str], Multiplicity | None] | None = None,
    ) -> None:
        self.index = index
        self.facts = facts
        # how often the other modules of the package call a private function of this one
        self.elsewhere = elsewhere
        self._functions: dict[tuple[int, tuple[tuple[str, bool], ...]], Multiplicity] = {}
        self._active: set[int] = set()
        self._named: dict[str, bool] = {}  # _named_elsewhere, by name
        self._changed: frozenset[str] | None = None  # _module_state_changed, found once
        self._at_fork: frozenset[str] | None = None  # _run_after_fork, found once
        # does a module of the package handed in for an ask (`^Name`, `name`) give a parameter
        # (name, position) of the class's or function's (elsewhere.CallersElsewhere.gives)?
        self.gives: Callable[[str, str, int | None], bool] | None = None

    # ------------------------------------------------------------------ a call site

    def of_site(self, node: cst.CSTNode, depth: int = 0) -> Multiplicity:
        """How often the code at ``node`` runs."""
        index = self.index
        if depth == 0 and isinstance(node, cst.Call) and self._relaunches(node):
            return Multiplicity(
                Level.ONCE,
                "it relaunches the program itself (sys.executable with sys.argv), as the "
                "process makes way for it",
                True,
            )
        pool = self.process_pool_initializer(node)
        if pool:
            return Multiplicity(
                Level.ONCE,
                f"it is the initializer of {pool}: it runs once in each worker process, as the "
                "process starts",
                True,
            )
        if depth == 0 and isinstance(node, cst.Call):
            single = self._singleton(node.func)
            if single:
                return Multiplicity(
                    Level.ONCE, f"{single}: every call returns the one object", True
                )
        fork = self.facts.child_of_fork(node)
        if fork:
            # the function may run per request, but each run makes a new child process that
            # runs this once: what it starts is that child's own, once (the fork itself, in
            # the parent, is judged on its own)
            return Multiplicity(
                Level.ONCE,
                f"on the child's side of a fork (its pid tested at line {fork}): once in each "
                "child process",
                True,
            )
        loop: cst.CSTNode | None = None
        current: cst.CSTNode = node
        function: cst.FunctionDef | None = None
        tested: list[tuple[cst.BaseExpression, bool]] = []  # (test, truth the path needs)
        in_while = False  # a `while` loop repeats it, however deep the loop holding it
        command_line: cst.BaseExpression | None = None  # a test of sys.argv on the way
        for ancestor in index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef):
                function = ancestor
                break
            taken = _branch_taken(ancestor, current)
            if taken is not None:
                tested.append(taken)
            if isinstance(ancestor, cst.Lambda):
                stopping = self._stop_signal_of(ancestor)
                if stopping:
                    return Multiplicity(
                        Level.ONCE,
                        f"in a lambda handling {stopping}: it runs when the process is asked "
                        "to stop",
                        True,
                    )
                return Multiplicity(Level.PER_CALL, "in a lambda, on every call of it")
            if isinstance(ancestor, cst.ClassDef):
                return Multiplicity(Level.ONCE, "in a class body, when the class is made", True)
            if isinstance(ancestor, cst.If):
                test = ancestor.test
                in_body = ancestor.body is current
                if in_body and is_main_test(test):
                    return Multiplicity(
                        Level.ONCE, "under `if __name__ == '__main__'`", True, script=True
                    )
                if command_line is None and self._reads_command_line(test):
                    command_line = test
                if (
                    in_body
                    and self._once_test(test, negated=False)
                    and (
                        self._set_on_the_way(test, node)
                        if self._on_self(test)
                        else self._changed_after_import(test)
                    )
                    and not self._cleared_on_return(test, node)
                ):
                    if self._keyed_by_thread(test):
                        return _per_thread(_code(index, test))
                    return self._guarded(
                        node, test, f"behind the once-guard `{_code(index, test)}`", depth
                    )
                cache = self._cached_in(ancestor, node) if in_body else ""
                if cache and self._keyed_by_thread(test):
                    return _per_thread(_code(index, test))
                if cache:
                    return Multiplicity(
                        Level.PER_OBJECT,
                        f"once per key of `{cache}`, behind `{_code(index, test)}`: the "
                        "function looks it up there first and stores what it makes",
                        True,
                        unless="keys are made per request",
                        keyed=True,
                    )
                if in_body and self._handler_guard(ancestor):
                    return Multiplicity(
                        Level.ONCE,
                        f"behind `{_code(index, test)}`, which the block makes false by adding "
                        "a handler to the logger: loggers are process-wide, one per name "
                        "(logging.getLogger), so once per logger name",
                        True,
                    )
            if (
                _is_loop_of(ancestor, current)
                and not _left_after(index, node, ancestor)
                and not _outlived_in_pass(index, node, ancestor)
            ):
                if loop is None:
                    loop = ancestor
                # (a `for` over the workers inside `while True:` runs again on every pass)
                in_while = in_while or isinstance(ancestor, cst.While)
            skipped = self._skipped_if_cached(ancestor, current)
            if skipped is not None:
                cache, test = skipped
                return Multiplicity(
                    Level.PER_OBJECT,
                    f"once per key of `{cache}`, after `if {_code(index, test)}: continue`: "
                    "the loop goes on to the next key when it finds one there, and stores what "
                    "it makes under it",
                    True,
                    unless="keys are made per request",
                    keyed=True,
                )
            guard = self._early_return_guard(ancestor, current, node)
            if guard is not None:
                return self._guarded(node, guard[1], f"after the once-guard `{guard[0]}`", depth)
            current = ancestor
        if function is None:
            return Multiplicity(Level.ONCE, "at import time", True)
        outer = self.of_function(function, depth, _parameter_guards(function, tested))
        name = function.name.value
        if (
            command_line is not None
            and loop is None
            and not outer.positive
            and outer.level <= Level.PER_CALL
            and not self._handed_on(function)
        ):
            # what a process was started to do is decided where it starts: a start behind a
            # test of its command line, in no loop, in a function nothing shows running
            # often (a request handler has no command line of its own to read), is set-up
            return Multiplicity(
                Level.ONCE,
                f"behind a test of the command line `{_code(index, command_line)}`: the "
                "process's set-up",
                True,
            )
        if in_while:
            return Multiplicity(Level.MANY, f"in a `while` loop in {name}()", True)
        if loop is not None and outer.level >= Level.PER_CALL:
            # (as often as the function runs, which its callers elsewhere may yet tell)
            return Multiplicity(Level.MANY, f"in a loop in {name}()", True, asks=outer.asks)
        if loop is not None and outer is not _CYCLE:
            return replace(outer, looped=True)
        return outer

    # ------------------------------------------------------------------ a function

    def of_function(
        self,
        function: cst.FunctionDef,
        depth: int = 0,
        guards: tuple[tuple[str, bool], ...] = (),
    ) -> Multiplicity:
        """How often ``function`` runs; with ``guards`` (parameter, truth), how often it runs
        with those parameters so (the path to a start behind ``if restart:``)."""
        key = (id(function), guards)
        known = self._functions.get(key)
        if known is not None:
            return known
        if id(function) in self._active:
            return _CYCLE  # a call back into a function being weighed adds nothing
        if depth > _CALLER_DEPTH:
            return _per_call(function)
        self._active.add(id(function))
        try:
            found = self._function_now(function, depth, guards)
        finally:
            self._active.discard(id(function))
        if guards and found is not _CYCLE:
            found = self._opt_in(function, guards, found)
        if depth == 0:
            self._functions[key] = found
        return found

    def _function_now(
        self, function: cst.FunctionDef, depth: int, guards: tuple[tuple[str, bool], ...] = ()
    ) -> Multiplicity:
        name = function.name.value
        owner = self._owner(function)
        for decorator in function.decorators:
            target = decorator.decorator
            called = target.func if isinstance(target, cst.Call) else target
            last = (dotted_name(called) or "").rsplit(".", 1)[-1]
            if owner is not None and last in CACHED_PROPERTIES:
                # kept on its object: computed once per object
                made = self._objects_made(owner, depth, "")
                if made is not None:
                    return made
                return Multiplicity(
                    Level.PER_OBJECT,
                    f"once per {owner.name.value} object ({name} is cached on it: "
                    f"@{_code(self.index, called)})",
                    True,
                )
            if last in CACHE_DECORATORS:
                return Multiplicity(
                    Level.ONCE, f"{name}() is cached (@{_code(self.index, called)})", True
                )
            if (
                # an attribute (`@app.before_serving`, `@pv.startup`): a framework's registry,
                # not any callable named so; and not also called by the package (a route
                # restarting it runs it per request)
                isinstance(called, cst.Attribute)
                and (
                    last in STARTUP_DECORATORS
                    or (
                        last in STARTUP_EVENT_DECORATORS
                        and isinstance(target, cst.Call)
                        and any(
                            isinstance(arg.value, cst.SimpleString)
                            and arg.value.evaluated_value in STARTUP_EVENTS
                            for arg in target.args
                        )
                    )
                )
                and not self.facts.callers(function)
            ):
                return Multiplicity(
                    Level.ONCE,
                    f"{name}() is a start-up hook (@{_code(self.index, called)}), run once as "
                    "its server starts",
                    True,
                )
            if last in CLI_DECORATORS and self._cli_command(called):
                return Multiplicity(
                    Level.ONCE,
                    f"{name}() is a command of the program's command line "
                    f"(@{_code(self.index, called)}): it runs once per process",
                    True,
                )
        if name in ONE_OFF_FUNCTIONS or (
            name in (ONCE_FIXTURES | APP_FACTORIES) and not self.facts.callers(function)
        ):
            return Multiplicity(Level.ONCE, f"in {name}(), which runs once", True)
        pool = self._initializer_of(name)
        if pool:
            return Multiplicity(
                Level.ONCE,
                f"{name}() is the initializer of {pool}: it runs once in each worker process, "
                "as the process starts",
                True,
            )
        if (name in AFTER_FORK_HOOKS and not self.facts.callers(function)) or (
            owner is None and name in self._run_after_fork()
        ):
            return Multiplicity(
                Level.ONCE, f"{name}() runs once in each child process, right after the fork", True
            )
        if boot_hook(name) and not self.facts.callers(function):
            return Multiplicity(
                Level.ONCE,
                f"{name}() runs once in each worker or process, as it boots",
                True,
            )
        handler = self._handler(function, owner)
        if handler:
            return Multiplicity(Level.MANY, handler, True)
        ends = self._never_returns(function)
        if ends:
            return Multiplicity(Level.ONCE, f"{name}() never returns ({ends})", True)
        serving = self._serves_until_stopped(function, owner)
        if serving:
            return Multiplicity(
                Level.PER_OBJECT,
                f"once per run of {name}(), which serves until stopped ({serving})",
                True,
            )
        if name in self.facts.process_targets:
            return Multiplicity(Level.ONCE, f"{name}() is the entry point of a child process", True)
        titled = _names_its_process(function)
        if (
            titled
            and isinstance(self.index.parent_of(function), cst.Module)
            and not _private(name)
            and not self._named_elsewhere(name)
        ):
            # only a function of the module's top level that the module names nowhere else:
            # one it calls, hands on (`pool.submit(work, t)`, a signal handler, a dispatch
            # table) or a private one its package calls from elsewhere runs as often as
            # those say (a `handle(task)` naming the process after each task it is given);
            # a method (a thread's run()) runs per object
            return Multiplicity(
                Level.ONCE,
                f"{name}() names its process ({titled}()): the main of a process, run once in it",
                True,
            )
        best: Multiplicity | None = None
        best_site: cst.CSTNode | None = None
        callers = self.facts.callers(function)
        bounding_only = False
        if guards and not function.decorators:  # a decorator (click) may supply the arguments
            # only the callers that can pass the guard true: one that gives the other literal
            # (`self.polling(restart_on_change=False)` in a loop) never reaches the start, so its
            # loop is no evidence of it. None left: the path runs only from outside the module,
            # at most as often as the function itself, so the callers as they are bound it from
            # above (`run_server(8080)` once from the script block) but say no more than that
            passing = [c for c in callers if self._may_pass(c, function, guards)]
            bounding_only = bool(callers) and not passing
            callers = passing or callers
        if owner is not None:
            # a class's methods are the library's API: the module's own script block using one
            # object once says nothing of how often its importers call them
            callers = [caller for caller in callers if not self._in_main_block(caller)]
        for caller in callers:
            found = self.of_site(caller, depth + 1)
            if found is not _CYCLE and (best is None or found.level > best.level):
                best, best_site = found, caller
        if bounding_only and best is not None and best.level >= Level.PER_CALL:
            best = best_site = None  # no more than the default below: an upper bound only
            callers = []
        if best is not None and best_site is not None:
            step = f"{name}()"
            if self.facts.is_scheduled_reference(best_site):
                step = f"{name}() (scheduled)"
            elif self.facts.is_target_reference(best_site):
                step = f"{name}() in a thread"
            return replace(best, via=(*best.via, step))
        if not callers:
            stopping = self._installed_for_stop(function)
            if stopping:
                return Multiplicity(
                    Level.ONCE,
                    f"{name}() handles {stopping}: it runs when the process is asked to stop",
                    True,
                )
        if callers and depth > 0:
            # called only from inside a cycle being weighed (a timer's callback re-arming it):
            # it runs as often as the way into that cycle, which the caller weighs
            return _CYCLE
        if depth == 0 and not callers and RECURRING_WORDS.intersection(name_words(name)):
            # asked for by name to recur until stopped: one start per job its callers register
            # (for a start that lasts; the harm stage holds a one-shot start to per call)
            return Multiplicity(
                Level.PER_OBJECT,
                f"once per job registered with {name}(), which by its name recurs until "
                "stopped: callers register such jobs at set-up",
                True,
                unless="jobs are registered per request",
                job_of=name,
            )
        if (
            owner is not None
            and (name == "__init__" or name in SETUP_METHODS or self._is_run(function, owner))
            # a classmethod or staticmethod runs with no object: as often as it is called
            # (`Conn.open(sock)` per connection; the independent review's p4_24)
            and not without_object(function)
        ):
            made = self._objects_made(owner, depth, "")
            if made is not None:
                return made
            # (where a public class its module never makes is made by the package's other
            # modules is asked only for a hook of it that would otherwise count per call
            # (_told_elsewhere): asked for every such object it parsed a tenth more modules
            # on the bench, to raise one finding of 22 environments from low to medium)
            return Multiplicity(
                Level.PER_OBJECT,
                f"once per {owner.name.value} object ({owner.name.value}.{name}())",
                name == "__init__",
            )
        if (
            not callers
            and owner is None
            and self.index.parent_of(function) is self.index.module
            and sets_up_by_name(name)
            and not _required_parameters(function)
        ):
            # named for setting its module up: its users call it once, at start (a library's
            # `setup_exporter()`, `init()`), as an object's setup methods run once per object
            return Multiplicity(
                Level.ONCE,
                f"{name}() sets its module up, by its name: called once, at start",
                unless="it is called per request",
            )
        if (
            not callers
            and _private(name)
            and self.index.parent_of(function) is self.index.module
            and not self._named_elsewhere(name)
        ):
            # private to its package: every caller is in a module of it, and they say how often
            return self._told_elsewhere(function, name)
        if (
            not callers
            and owner is not None
            and not name.startswith("__")
            and name not in STDLIB_METHOD_NAMES
            and not self._named_elsewhere(name)
        ):
            # a method its module never calls: the package's other modules calling it
            # (`self._lm.start_flux(cb)` in a component's initialize()) say how often it runs,
            # when no other class of the package defines a method of that name (the runner
            # hands them in only then) and the standard library's objects answer to no such
            # name (`x.start()` may be a thread's); none calling it leaves it the API's
            return self._told_elsewhere(function, f"={name}", owner)
        return _per_call(function)

    def _opt_in(
        self, function: cst.FunctionDef, guards: tuple[tuple[str, bool], ...], found: Multiplicity
    ) -> Multiplicity:
        """``found``, marked opt-in when the path runs only where a parameter that is off by
        default is turned on (``def __init__(self, config, enable_expiration=False)`` and the
        start under ``if enable_expiration:``) and no call in the package turns it on: none
        of this module's calls of the function (the objects it makes of the class), by keyword
        or in its place, and none of the other modules' (asked of the runner as ``^Name`` or
        ``name``; until they are handed in, none). The package never starts it; a user who
        turns the option on does, and only then. For a module-level function or class
        constructor, undecorated (a decorator may supply the arguments)."""
        if function.decorators:
            return found
        owner = self._owner(function)
        top = self.index.module
        if owner is not None:
            if function.name.value != "__init__" or self.index.parent_of(owner) is not top:
                return found
            calls: list[cst.Call] = self.facts.instantiations(owner)
            ask = f"^{owner.name.value}"
        else:
            if self.index.parent_of(function) is not top or self._named_elsewhere(
                function.name.value
            ):
                return found  # handed on somewhere (a dispatch table, a thread's target)
            callers = self.facts.callers(function)
            calls = [c for c in callers if isinstance(c, cst.Call)]
            if len(calls) < len(callers) or any(self.facts.is_target_reference(c) for c in calls):
                return found
            ask = function.name.value
        positional = [*function.params.posonly_params, *function.params.params]
        if owner is not None:
            positional = positional[1:]  # (self)
        for guard, truth in guards:
            compare, _, name = guard.rpartition(":")
            if compare or not truth:
                continue
            declared = next(
                (p for p in (*positional, *function.params.kwonly_params) if p.name.value == name),
                None,
            )
            if (
                declared is None
                or declared.default is None
                or literal_truth(declared.default) is not False
            ):
                continue  # on by default, or required: what the callers give decides
            place = next((i for i, p in enumerate(positional) if p is declared), None)
            if any(gives_parameter(call, name, place) for call in calls):
                continue
            # given by keyword anywhere else in the module (a subclass's super().__init__(),
            # a partial()), or rebound: not known to stay off
            keywords = len(re.findall(rf"(?<![\w.]){name}[ \t]*=(?!=)", self.index.text))
            if keywords > (1 if declared.annotation is None else 0):
                continue
            if self.gives is not None and self.gives(ask, name, place):
                continue
            # (the other modules asked; a file analysed again once they are handed in)
            asks = found.asks if ask in found.asks.split() else f"{found.asks} {ask}".strip()
            return replace(found, opt_in=name, asks=asks)
        return found

    def _made_elsewhere(self, owner: cst.ClassDef, each: Multiplicity) -> Multiplicity:
        """How often the package's other modules make ``owner`` objects, once the runner has
        handed them in, when that is more than once per object made (in a loop, per call of
        a method of theirs); until then ``each``, asking for them."""
        ask = f"^{owner.name.value}"
        told = self.elsewhere(ask) if self.elsewhere is not None else None
        if told is None:
            return replace(each, asks=ask)
        if told.level in (Level.ONCE, Level.PER_OBJECT) or not told.positive:
            # made once, or once per object of theirs: no more than per object; and a method
            # of theirs no code calls says only that it may run per call, which is no more
            # evidence than a public class's own (a server's set-up making one of its parts)
            return each
        return replace(
            told,
            reason=f"{owner.name.value} objects are made {told.reason}",
            via=(*told.via, f"{owner.name.value}()"),
        )

    def _told_elsewhere(
        self, function: cst.FunctionDef, ask: str, owner: cst.ClassDef | None = None
    ) -> Multiplicity:
        """How often the package's other modules say ``function`` runs (``ask``: its name, or
        ``=name`` for a method), once the runner has handed them in; until then per call, asking
        for them. A method of ``owner`` they run once per object (a hook its base's
        ``__init__`` calls) runs as often as they make ``owner`` objects, asked at once."""
        made = (
            f"^{owner.name.value}" if owner is not None and self._made_only_elsewhere(owner) else ""
        )
        told = self.elsewhere(ask) if self.elsewhere is not None else None
        if told is not None:
            if told.level is Level.PER_OBJECT and owner is not None and made:
                each = Multiplicity(
                    Level.PER_OBJECT,
                    f"once per {owner.name.value} object ({told.describe()})",
                    told.positive,
                )
                return self._made_elsewhere(owner, each)
            return replace(told, via=(*told.via, f"{function.name.value}()"))
        return replace(_per_call(function), asks=f"{ask} {made}".strip())

    def _made_only_elsewhere(self, owner: cst.ClassDef) -> bool:
        """Is ``owner`` a public module-level class its own module never makes: its objects
        are made by the package's other modules, if by any of it?"""
        return (
            self.index.parent_of(owner) is self.index.module
            and not _private(owner.name.value)
            and not self.facts.instantiations(owner)
        )

    def made_only_in_set_up(self, owner: cst.ClassDef) -> bool | None:
        """Do the package's other modules make ``owner`` objects (a public class its module
        never makes) only as part of setting up their own: once, or once per object of theirs
        (``self.autodiscover = AutoDiscover()`` in a list's
        ``__init__``)? None until the runner has handed them in (ask ``^Name``); False when
        they make more, or none (its users make them)."""
        if not self._made_only_elsewhere(owner):
            return False
        if self.elsewhere is None:
            return None
        told = self.elsewhere(f"^{owner.name.value}")
        return told is not None and told.level in (Level.ONCE, Level.PER_OBJECT)

    def _run_after_fork(self) -> frozenset[str]:
        """The functions of the module that it registers to run in each child right after a
        fork (``os.register_at_fork(after_in_child=f)``, ``multiprocessing.util.
        register_after_fork(obj, f)``): CPython runs each once in every child process, which
        starts with its own copy of every object, so once per process (not ``before`` nor
        ``after_in_parent``, which run in the parent at each fork)."""
        if self._at_fork is None:
            found: set[str] = set()
            text = self.index.text
            if "register_at_fork" in text or "register_after_fork" in text:
                for node in walk(self.index.module):
                    if not isinstance(node, cst.Call):
                        continue
                    called = self.index.resolve(node.func) or ""
                    if called == "os.register_at_fork":
                        given = argument(node, -1, "after_in_child")
                    elif called == "multiprocessing.util.register_after_fork":
                        given = argument(node, 1, "func")
                    else:
                        continue
                    if isinstance(given, cst.Name):
                        found.add(given.value)
            self._at_fork = frozenset(found)
        return self._at_fork

    def _named_elsewhere(self, name: str) -> bool:
        """Does the module's text name ``name`` besides its ``def`` (a dispatch table, an
        alias, a handler installed, a comment)? Then it may run from there, unseen. An
        override's ``super().name()`` is no such place: it runs the base's method as often as
        the override runs, which the package's callers of the name say too."""
        named = self._named.get(name)
        if named is None:
            found, chained, defined = name_counts(self.index.text, name)
            # (each class overriding it defines it once more: those are no places either)
            named = self._named[name] = found - chained - max(defined, 1) > 0
        return named

    def objects_made(self, owner: cst.ClassDef, each: str = "") -> Multiplicity | None:
        """How often the module makes ``owner`` objects, when that says more than once per
        object (``_objects_made``)."""
        return self._objects_made(owner, 0, each)

    def _objects_made(self, owner: cst.ClassDef, depth: int, each: str) -> Multiplicity | None:
        """How often the module makes ``owner`` objects, when that says more than once per
        object: many (in a loop, per request; ``each`` says what each does), or only once.
        Objects are taken to be made once per use of a long-lived service unless the module
        shows them made in a loop or per request."""
        single = _singleton_class(owner)
        if single:
            return Multiplicity(Level.ONCE, f"the only {owner.name.value} object ({single})", True)
        # a public class's objects are made by the module's importers too: the script's own
        # (its `__main__` block, and the functions only that block calls) say nothing of them;
        # a private class has no maker but the module
        scripted = self._in_main_block if _private(owner.name.value) else self._in_script
        made = [site for site in self.facts.instantiations(owner) if not scripted(site)]
        if not made:
            return None
        best = max((self.of_site(site, depth + 1) for site in made), key=lambda m: m.level)
        name = owner.name.value
        if best.level is Level.MANY:
            where = best.reason
            if not where.startswith(("in ", "on ", "at ", "under ", "behind ", "after ")):
                where = f"per request ({where})"  # `handle() is a request ... handler`
            reason = f"{name} objects are made {where}" + (f"; each {each}" if each else "")
            return Multiplicity(Level.MANY, reason, True, best.via)
        if best.per_thread:
            # (one per thread calling: what each object starts, each thread starts again; one
            # clause, the gist a ranking gives)
            reason = f"{name} objects are made {best.reason}" + (f", each {each}" if each else "")
            return replace(best, reason=reason)
        if best.level is Level.ONCE and _private(name):
            return Multiplicity(Level.ONCE, f"the only {name} object is made {best.reason}", True)
        if best.level is Level.ONCE:
            # a public class: its importers may make more, as they will (weighing them as per
            # object instead raised 53 findings over the 50 environments, all once per process
            # as read: grpc's channel cache, huggingface_hub's module-level HfApi)
            return Multiplicity(
                Level.ONCE,
                f"its module makes one {name} object, {best.reason} (its importers may make more)",
                True,
            )
        return None

    def process_pool_initializer(self, node: cst.CSTNode) -> str:
        """Is ``node`` (a function named, not called) what a process pool runs in each of its
        workers as it starts: its ``initializer`` (``ProcessPoolExecutor(n, initializer=
        setup)``, ``Pool(4, setup)``, through ``functools.partial(setup, pid)``)? The pool
        (as written) when so; "" otherwise. A thread pool's initializer runs in the caller's
        process, once per worker thread of each pool: not this."""
        if not isinstance(node, cst.Name | cst.Attribute):
            return ""
        arg = self.index.parent_of(node)
        if not isinstance(arg, cst.Arg):
            return ""
        call = self.index.parent_of(arg)
        if (
            isinstance(call, cst.Call)
            and arg.keyword is None
            and call.args
            and call.args[0] is arg
            and last_name(call.func) == "partial"
        ):
            # `partial(setup, pid)`: the initializer is what partial() makes
            arg = self.index.parent_of(call)
            call = self.index.parent_of(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(arg, cst.Arg) or not isinstance(call, cst.Call):
            return ""
        pool = last_name(call.func) or ""
        if "Thread" in pool or not ("Process" in pool or pool.endswith("Pool")):
            return ""
        given = argument(call, 1 if pool.endswith("Pool") else -1, "initializer")
        return f"{pool}()" if given is not None and arg.value is given else ""

    def _initializer_of(self, name: str) -> str:
        """The process pool of the module that ``name`` is the initializer of (named so,
        ``initializer=name`` or ``initializer=self.name``), or ""."""
        if "initializer" not in self.index.text and "Pool(" not in self.index.text:
            return ""
        for node in self.index.names.get(name, ()):
            parent = self.index.parent_of(node)
            used = parent if isinstance(parent, cst.Attribute) and parent.attr is node else node
            pool = self.process_pool_initializer(used)
            if pool:
                return pool
        return ""

    def _singleton(self, func: cst.BaseExpression) -> str:
        """``func`` names a class of the module made a singleton: "" otherwise."""
        name = func.value if isinstance(func, cst.Name) else ""
        info = self.index.classes.get(name) if name else None
        single = _singleton_class(info.node) if info is not None else ""
        return f"{name} is a singleton ({single})" if single else ""

    def _in_script(self, node: cst.CSTNode, depth: int = 0) -> bool:
        """Is ``node`` part of the module's script: in its ``if __name__ == "__main__":``
        block, or in a module-level function that only that block calls (``main()``,
        ``upload_cli()``), itself or through such functions? What the script does once says
        nothing of how often the module's importers do it."""
        if self._in_main_block(node):
            return True
        function = self.facts.enclosing_function(node)
        if function is None or depth > 3 or self.index.parent_of(function) is not self.index.module:
            return False
        callers = self.facts.callers(function)
        return bool(callers) and all(
            not self.facts.is_target_reference(caller) and self._in_script(caller, depth + 1)
            for caller in callers
        )

    def _in_main_block(self, node: cst.CSTNode) -> bool:
        """Is ``node`` in the module's ``if __name__ == "__main__":`` script block?"""
        return in_main_block(self.index, node)

    def _owner(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        holder = self.index.parent_of(self.index.parent_of(function) or function)
        return holder if isinstance(holder, cst.ClassDef) else None

    def _is_run(self, function: cst.FunctionDef, owner: cst.ClassDef) -> bool:
        """``run`` of a Thread/Process subclass: once per thread object."""
        return function.name.value == "run" and owner.name.value in self.facts.thread_classes

    def _cli_command(self, decorator: cst.BaseExpression) -> bool:
        """Is ``decorator`` (``click.command``, ``cli.command``, ``app.command``) a command-line
        library's: the library itself, a group its decorator makes (``@click.group() def
        cli():``), or an application made from it (``app = typer.Typer()``)? A chat bot's
        ``@bot.command()`` is not, whatever else the module imports."""

        def from_cli(node: cst.BaseExpression) -> bool:
            resolved = self.index.resolve(node) or ""
            return resolved.split(".", 1)[0] in CLI_LIBRARIES

        if not isinstance(decorator, cst.Attribute):
            return from_cli(decorator)
        base = decorator.value
        return from_cli(base) or self._cli_group(dotted_name(base) or "")

    def _cli_group(self, name: str, depth: int = 0) -> bool:
        """Is ``name`` a command-line group or application: ``@click.group() def cli():`` (or
        a subgroup, ``@cli.group() def runs():``), ``app = typer.Typer()``? Read from the whole
        text: a slice may leave the group's definition out."""
        if not name.isidentifier() or depth > 2:
            return False
        made = re.compile(
            rf"^[ \t]*@(\w+)\.(?:group|command)\b.*\n(?:[ \t]*@.*\n)*[ \t]*"
            rf"(?:async[ \t]+)?def[ \t]+{name}\b|^{name}[ \t]*=[ \t]*(\w+)\.\w+\(",
            re.MULTILINE,
        )
        for match in made.finditer(self.index.text):
            owner = match.group(1) or match.group(2)
            imported = self.index.aliases.get(owner, "")
            if imported:
                if imported.split(".", 1)[0] in CLI_LIBRARIES:
                    return True
            elif match.group(1) and self._cli_group(owner, depth + 1):
                return True
        return False

    def _stop_signal_of(self, handler: cst.BaseExpression) -> str:
        """The signal asking the process to stop (SIGINT, SIGTERM...) that ``handler`` is
        installed for, as the handler argument of ``signal.signal()`` or
        ``loop.add_signal_handler()`` ("" if it is not)."""
        arg = self.index.parent_of(handler)
        call = self.index.parent_of(arg) if isinstance(arg, cst.Arg) else None
        if not isinstance(call, cst.Call) or len(call.args) < 2 or call.args[1] is not arg:
            return ""
        installer = self.index.resolve(call.func) or ""
        if installer not in SIGNAL_INSTALLERS and last_name(call.func) not in SIGNAL_INSTALLERS:
            return ""
        signal = last_name(call.args[0].value)
        return signal if signal in TERMINATION_SIGNALS else ""

    def _installed_for_stop(self, function: cst.FunctionDef) -> str:
        """The stop signal ``function`` is installed to handle, by name (``signal.signal(
        signal.SIGTERM, self._on_term)``), "" if none."""
        name = function.name.value
        for installer in ("signal", "add_signal_handler"):
            for call in self.facts.calls_named(installer):
                if len(call.args) >= 2 and last_name(call.args[1].value) == name:
                    found = self._stop_signal_of(call.args[1].value)
                    if found:
                        return found
        return ""

    def _handler_class(self, owner: cst.ClassDef, depth: int = 0) -> str:
        """The framework's handler base ``owner`` derives from (``BaseHTTPRequestHandler``),
        whose objects the framework makes per connection or request, also through classes of
        the module between them; "" if none."""
        for base in owner.bases:
            name = dotted_name(base.value) or ""
            short_base = name.rsplit(".", 1)[-1]
            if short_base in HANDLER_BASES and self._framework_base(base.value):
                return short_base
            inner = self.index.classes.get(name)
            if inner is not None and depth < 5 and inner.node is not owner:
                found = self._handler_class(inner.node, depth + 1)
                if found:
                    return found
        return ""

    def _handler(self, function: cst.FunctionDef, owner: cst.ClassDef | None) -> str:
        """Why ``function`` runs per request or connection ("" when nothing says so)."""
        name = function.name.value
        if owner is not None:
            short_base = self._handler_class(owner)
            if short_base:
                return f"{owner.name.value}.{name}() runs per connection or request ({owner.name.value} is a {short_base})"
        if name in HANDLER_METHODS or (name.startswith("do_") and name[3:].isupper()):
            return f"{name}() is a request or connection handler"
        params = [p.name.value for p in function.params.params]
        if owner is not None and params:
            params = params[1:]
        if name == "__call__" and owner is not None:
            if params[:2] == ["environ", "start_response"] or params[:3] == [
                "scope",
                "receive",
                "send",
            ]:
                return (
                    f"{owner.name.value}.__call__() is a WSGI/ASGI application: it runs per request"
                )
        for param in params:
            if param in HANDLER_PARAMETERS:
                return f"{name}() handles a request (its parameter `{param}`)"
        for decorator in function.decorators:
            called = decorator.decorator
            func = called.func if isinstance(called, cst.Call) else called
            last = (dotted_name(func) or "").rsplit(".", 1)[-1]
            if (  # `@app.get("/items")`: a URL path (`@cache.get("settings")` is no route)
                isinstance(called, cst.Call)
                and called.args
                and isinstance(func, cst.Attribute)
                and last in ROUTE_DECORATORS
                and _url_path(called.args[0].value)
            ):
                return f"{name}() is a web route (@{_code(self.index, func)}): it runs per request"
            if last in TASK_DECORATORS and (
                isinstance(func, cst.Attribute)
                or (self.index.resolve(func) or "").startswith(TASK_MODULES)
            ):
                return (
                    f"{name}() is a task (@{_code(self.index, func)}): it runs per message a "
                    "worker takes"
                )
        return ""

    def _relaunches(self, call: cst.Call) -> bool:
        """Is ``call`` a start of the running program again: a command list holding
        ``sys.executable`` (or a name bound to it) and ``*sys.argv``? A process relaunches
        itself on its way out (a restart), not per request."""
        if not call.args or not isinstance(call.args[0].value, cst.List | cst.Tuple):
            return False
        elements = call.args[0].value.elements
        starred = any(
            isinstance(e, cst.StarredElement) and self.index.resolve(e.value) == "sys.argv"
            for e in elements
        )
        if not starred:
            return False
        function = next(
            (a for a in self.index.ancestors(call) if isinstance(a, cst.FunctionDef)), None
        )
        executables = {"sys.executable"}
        if function is not None:
            executables |= {
                dotted_name(target) or ""
                for target, value in assignments(function)
                if value is not None and self.index.resolve(value) == "sys.executable"
            }
        return any(
            not isinstance(e, cst.StarredElement)
            and (self.index.resolve(e.value) in executables or dotted_name(e.value) in executables)
            for e in elements
        )

    def reaches(self, caller: cst.CSTNode, function: cst.FunctionDef, node: cst.CSTNode) -> bool:
        """Can the call ``caller`` of ``function`` reach ``node`` in it, as far as the bare
        parameter tests on the way say (``if block: check_output(...) else: Popen(...)``, or
        ``if block: return check_output(...)`` before it, with ``block=True`` by default: a
        call not passing ``block`` never starts one)?"""
        tested: list[tuple[cst.BaseExpression, bool]] = []
        current: cst.CSTNode = node
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.IndentedBlock) and current in ancestor.body:
                # `if block: return check_output(...)` before it: the path needs block false
                for statement in ancestor.body[: ancestor.body.index(current)]:
                    if isinstance(statement, cst.If) and ends_with(
                        statement.body, (cst.Return, cst.Raise)
                    ):
                        tested.append((statement.test, False))
            if ancestor is function:
                break
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
                return True
            taken = _branch_taken(ancestor, current)
            if taken is not None:
                tested.append(taken)
            current = ancestor
        guards = _parameter_guards(function, tested)
        return not guards or self._may_pass(caller, function, guards)

    def _may_pass(
        self, caller: cst.CSTNode, function: cst.FunctionDef, guards: tuple[tuple[str, bool], ...]
    ) -> bool:
        """Can the call ``caller`` reach the path behind ``guards``: no parameter given (or left
        to its default) a literal of the other truth (``polling(restart_on_change=False)``)?"""
        if not isinstance(caller, cst.Call):
            return True
        params = self.facts.given_params(function, caller.func)
        keyword_only = list(function.params.kwonly_params)
        positional = [a for a in caller.args if a.keyword is None and not a.star]
        starred = any(a.star for a in caller.args)
        for guard, truth in guards:
            compare, _, name = guard.rpartition(":")  # "is False:block" for `block is False`
            value: cst.BaseExpression | None = None
            given = next((a for a in caller.args if a.keyword and a.keyword.value == name), None)
            if given is not None:
                value = given.value  # named, *args and **kwargs cannot give it again
            elif starred:
                continue  # it may come in *args / **kwargs: not known
            else:
                position = next((i for i, p in enumerate(params) if p.name.value == name), None)
                if position is not None and position < len(positional):
                    value = positional[position].value
                else:
                    declared = next(
                        (p for p in (*params, *keyword_only) if p.name.value == name), None
                    )
                    value = declared.default if declared is not None else None
            if compare:
                if value is not None and _compares(value, compare) is (not truth):
                    return False
                continue
            if value is not None and literal_truth(value) is (not truth):
                return False
        return True

    def _framework_base(self, base: cst.BaseExpression) -> bool:
        """Is ``base`` (named like a request handler base) the framework's class: imported
        from one of HANDLER_FRAMEWORKS, or not resolved through an import (defined here, as in
        the framework's own module, or reached through a star import)? One imported from
        elsewhere is the distribution's own class of that name."""
        resolved = self.index.resolve(base)
        if resolved is None or resolved.startswith("@") or resolved.endswith("*"):
            return True
        parts = resolved.split(".")
        if parts[0] in ("six", "future") and len(parts) > 2:
            parts = parts[2:]  # `six.moves.socketserver`, `future.backports.http`: re-exports
        return parts[0] in HANDLER_FRAMEWORKS

    def never_returns(self, function: cst.FunctionDef) -> bool:
        """Does ``function`` never return to its caller (it serves or waits until the end)?"""
        return bool(self._never_returns(function))

    def serves(self, function: cst.FunctionDef) -> bool:
        """Does ``function`` block its caller until its object is stopped?"""
        owner = self._owner(function)
        return bool(self._never_returns(function) or self._serves_until_stopped(function, owner))

    def _never_returns(self, function: cst.FunctionDef) -> str:
        """Why ``function`` never returns to its caller ("" when it can)."""
        body = function.body
        if not isinstance(body, cst.IndentedBlock):
            return ""
        names = thread_names(function)
        for statement in body.body:
            if endless_while(statement, names):
                return "it serves in an endless loop"
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                        func = small.value.func
                        if isinstance(func, cst.Attribute) and func.attr.value in FOREVER_METHODS:
                            return f"it calls {func.attr.value}()"
                        if self._waits_on_a_fresh_event(small.value):
                            return "it waits on an Event nobody else holds"
        last: cst.CSTNode | None = body.body[-1] if body.body else None
        if (
            function.name.value in FOREVER_METHODS
            and not _ends_in_return(last)
            and not _ends_in_start(last)
        ):
            # the name is the library's word for it; a body ending in `return self.status`
            # says it gives back to its caller (websocket-client's run_forever() returns when
            # its connection closes, and its callers call it again to reconnect)
            return f"{function.name.value}() serves until the process ends"
        if isinstance(last, cst.Try) and last.finalbody is not None:
            final = last.finalbody.body
            last = final.body[-1] if isinstance(final, cst.IndentedBlock) and final.body else None
        if (
            not has_return(function)
            and isinstance(last, cst.BaseStatement)
            and self.facts.block_exits(
                cst.IndentedBlock(body=[last]), hard=self.facts.runs_in_thread(function)
            )
        ):
            return "it ends the process"
        return ""

    def _waits_on_a_fresh_event(self, call: cst.Call) -> bool:
        """``threading.Event().wait()``: no timeout, on an Event made for the call and held by
        no one who could set it. It never returns."""
        func = call.func
        if call.args or not isinstance(func, cst.Attribute) or func.attr.value != "wait":
            return False
        made = func.value
        return (
            isinstance(made, cst.Call)
            and not made.args
            and self.index.resolve(made.func) in ("threading.Event", "asyncio.Event")
        )

    def _serves_until_stopped(
        self, function: cst.FunctionDef, owner: cst.ClassDef | None, depth: int = 0
    ) -> str:
        """The test of the loop ``function`` serves in until its object is stopped: a ``while``
        of its own body (or of a ``try``/``with`` there) testing only the object's flags
        (``while not self._stop.is_set():``, ``while self.running:``), none of which the
        function itself sets to the value that ends the loop; or its last statement handing
        over to a method of its class that serves so (``self.__threaded_polling(...)``, on
        every branch of a final ``if``). Such a function does not return before another method
        stops the object: its callers run a service, not a request. "" otherwise."""
        body = function.body
        statements = list(body.body) if isinstance(body, cst.IndentedBlock) else []
        if owner is not None and statements and depth < 2:
            handed = self._hands_over(statements[-1], owner, depth)
            if handed:
                return handed
        while statements:
            statement = statements.pop(0)
            if isinstance(statement, cst.Try | cst.With) and isinstance(
                statement.body, cst.IndentedBlock
            ):
                statements[:0] = statement.body.body
                continue
            if not isinstance(statement, cst.While) or literal_truth(statement.test) is not None:
                continue
            flags = exit_values(statement.test, False)
            if not flags or not all(flag.startswith("self.") for flag in flags):
                continue
            if names_tested(statement.test) - {"self"}:
                continue  # a local or a parameter in the test: not the object's state alone
            if owner is not None and any(self._computed(owner, flag) for flag in flags):
                continue  # `while not self.ready:` polls what a property works out: a wait
            if self._ends_itself(statement, function, owner, flags, depth):
                continue
            return f"`while {_code(self.index, statement.test)}`"
        return ""

    def _computed(self, owner: cst.ClassDef, flag: str) -> bool:
        """Is ``flag`` (``self.ready``) a property of the class that works its value out
        (``syntax.computed_property``)? A loop on it waits for what the property sees, which
        comes by itself: no stop sets it."""
        info = self.index.classes.get(owner.name.value)
        return info is not None and computed_property(self.index.lineage(info), flag)

    def _ends_itself(
        self,
        loop: cst.While,
        function: cst.FunctionDef,
        owner: cst.ClassDef | None,
        flags: dict[str, bool | None],
        depth: int = 0,
    ) -> bool:
        """Can ``function`` leave ``loop`` on its own: a ``break`` of it, a ``return`` or
        ``raise`` in it, the flags set to their ending value, drained (``pop()``, ``remove()``,
        ``clear()``, ``del``), or a method of the class called that sets them (``self.stop()``)?
        Not counting what an ``except`` handler of a failure does: a loop that ends only when
        something fails (or on Ctrl-C) serves until stopped whenever it works, and no caller
        runs it per request for its failures. The end of its data is no failure (``except
        queue.Empty: break``, ``EOFError``, a closed connection): a loop reading until then
        ends by itself. Nor is a flag the object's own thread sets (`run()` setting
        `self._done`): waiting for it is waiting for the work to end."""
        every = walk_statements(function, skip_nested=False)
        failing = {
            id(inner)
            for handler in every
            if isinstance(handler, cst.ExceptHandler | cst.ExceptStarHandler)
            and not any(name.rsplit(".", 1)[-1] in _END_OF_DATA for name in caught_names(handler))
            for inner in walk_statements(handler.body, skip_nested=False)
        }
        for node in walk_statements(loop):
            if id(node) in failing:
                continue
            if isinstance(node, cst.Return | cst.Raise):
                return True
            if isinstance(node, cst.Break) and innermost_loop(self.index, node) is loop:
                return True
        # what runs once the loop is left (the statements after it, a `finally` around it:
        # `finally: self._polling = False`) cannot end it
        begin = next((k for k, node in enumerate(every) if node is loop), 0)
        nodes = [
            node
            for node in every[: begin + len(walk_statements(loop, skip_nested=False))]
            if id(node) not in failing
        ]

        def ends(node: cst.CSTNode) -> bool:
            if any(
                flag in flags and (value is None or flags[flag] is None or value == flags[flag])
                for flag, value in flags_set(node)
            ):
                return True
            if isinstance(node, cst.Del):
                target = node.target
                return isinstance(target, cst.Subscript) and dotted_name(target.value) in flags
            # emptying ends only a loop that runs while the thing holds: `self._stop.clear()`
            # re-arms `while not self._stop.is_set()`, whose end is the flag set
            drained = (
                dotted_name(node.func.value)
                if isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and node.func.attr.value in _DRAINS
                else None
            )
            return drained is not None and drained in flags and flags[drained] is not True

        if any(ends(node) for node in nodes):
            return True
        if owner is None:
            return False
        methods = {
            method.name.value: method
            for method in owner.body.body
            if isinstance(method, cst.FunctionDef)
        }

        def self_calls(among: Sequence[cst.CSTNode]) -> set[str]:
            return {
                node.func.attr.value
                for node in among
                if isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and dotted_name(node.func.value) == "self"
            }

        # the methods it calls, and those they call (three calls deep), and what the object's
        # own thread runs (its run(), a method it hands a Thread as target)
        reached: set[str] = set()
        frontier = self_calls(nodes)
        for _ in range(3):
            frontier = {name for name in frontier if name in methods} - reached
            reached |= frontier
            frontier = {
                name
                for called in frontier
                for name in self_calls(walk_statements(methods[called], skip_nested=False))
            }
        own_thread = {"run", *self.facts.entry_points} & set(methods)
        for name in sorted(reached | own_thread):
            method = methods[name]
            if method is function or not any(
                ends(node) for node in walk_statements(method, skip_nested=False)
            ):
                continue
            # a method called there that serves until stopped itself clears the flag only
            # once it is stopped (`finally: self._polling = False`): the loop calling it serves
            # as long; not a stop(), whose call is the end whatever it does next
            if (
                name in reached
                and name not in own_thread
                and depth < 2
                and name not in CLEANUP_METHOD_NAMES
                and self._serves_until_stopped(method, owner, depth + 1)
            ):
                continue
            return True
        return False

    def _hands_over(self, statement: cst.CSTNode, owner: cst.ClassDef, depth: int) -> str:
        """``self.serve(...)`` (awaited or not) as ``statement``, or on every branch of an
        ``if`` there, where each method called serves until stopped: its loop's test."""
        if isinstance(statement, cst.If):
            branches: list[cst.BaseSuite] = [statement.body]
            orelse = statement.orelse
            while isinstance(orelse, cst.If):
                branches.append(orelse.body)
                orelse = orelse.orelse
            if orelse is None:
                return ""
            branches.append(orelse.body)
            found = ""
            for branch in branches:
                last = (
                    branch.body[-1]
                    if isinstance(branch, cst.IndentedBlock) and branch.body
                    else None
                )
                found = self._hands_over(last, owner, depth) if last is not None else ""
                if not found:
                    return ""
            return found
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return ""
        small = statement.body[0]
        value = small.value if isinstance(small, cst.Expr) else None
        if isinstance(value, cst.Await):
            value = value.expression
        if not (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and dotted_name(value.func.value) == "self"
        ):
            return ""
        called = value.func.attr.value
        method = next(
            (
                m
                for m in owner.body.body
                if isinstance(m, cst.FunctionDef) and m.name.value == called
            ),
            None,
        )
        if method is None:
            return ""
        return self._serves_until_stopped(method, owner, depth + 1)

    # ------------------------------------------------------------------ guards

    def _handed_on(self, function: cst.FunctionDef) -> bool:
        """Is ``function`` named otherwise than called (``signal.signal(SIGHUP, on_hup)``, a
        callback, a route): something else runs it, as often as it likes?"""
        for node in self.index.names.get(function.name.value, ()):
            parent = self.index.parent_of(node)
            if isinstance(parent, cst.FunctionDef) and parent.name is node:
                continue
            reference = (
                parent if isinstance(parent, cst.Attribute) and parent.attr is node else node
            )
            holder = self.index.parent_of(reference)
            if not (isinstance(holder, cst.Call) and holder.func is reference):
                return True
        return bool(function.decorators)

    def _reads_command_line(self, test: cst.BaseExpression) -> bool:
        """Does ``test`` read the command line the process was started with (``sys.argv[1]
        == 'scheduler'``, ``'--daemon' in sys.argv``)?"""
        return any(
            isinstance(node, cst.Attribute | cst.Name) and self.index.resolve(node) == "sys.argv"
            for node in walk(test)
        )

    def _once_test(self, test: cst.BaseExpression, negated: bool) -> bool:
        """Does ``test`` (when true) say the guarded thing does not exist yet?

        ``X is None``, ``not X``, ``not hasattr(o, "x")``, ``"x" not in cache``, ``not
        X.is_alive()``, or a boolean operation holding one (``_x is None or _pid != os.getpid()``),
        where X is state that outlives the call: an attribute of self/cls/a class, or a module
        name. A local or a parameter is not."""
        if isinstance(test, cst.BooleanOperation):
            # `_x is None or _pid != os.getpid()`, `self._t is not None and self._t.is_alive()`
            return self._once_test(test.left, negated) or self._once_test(test.right, negated)
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self._absent_test(test.expression, not negated)
        return self._absent_test(test, negated)

    def _absent_test(self, test: cst.BaseExpression, negated: bool) -> bool:
        """``negated`` False: is ``test`` true when the state is absent? True: when present?"""
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            comparison = test.comparisons[0]
            op = comparison.operator
            none = dotted_name(comparison.comparator) == "None"
            if none and isinstance(op, cst.Is | cst.Equal):
                return not negated and self._lasting(test.left)
            if none and isinstance(op, cst.IsNot | cst.NotEqual):
                return negated and self._lasting(test.left)
            if isinstance(op, cst.NotIn):
                return not negated and self._lasting(comparison.comparator)
            if isinstance(op, cst.In):
                return negated and self._lasting(comparison.comparator)
            return False
        if isinstance(test, cst.Call):
            func = dotted_name(test.func) or ""
            if func == "hasattr" and test.args:
                return negated
            if func.endswith(".is_alive") and isinstance(test.func, cst.Attribute):
                return negated and self._lasting(test.func.value)
            return False
        # `if not self._started:` / `if self._thread:` (present)
        return negated and self._lasting(test)

    def _lasting(self, node: cst.BaseExpression) -> bool:
        """State that outlives a call: ``self.x``, ``cls.x``, ``Class.x``, a module name."""
        if isinstance(node, cst.Attribute):
            base = dotted_name(node.value)
            if base in ("self", "cls"):
                return True
            # a class's attribute, or one of a module name (`app.config`: the module's object)
            return base is not None and (
                base in self.index.classes
                or (
                    isinstance(node.value, cst.Name)
                    and base not in self.index.aliases  # (not an imported module's)
                    and self.facts.is_module_name(node.value)
                )
            )
        if isinstance(node, cst.Subscript):
            return self._lasting(node.value)
        if isinstance(node, cst.Name):
            return self.facts.is_module_name(node)
        return False

    def _guarded(
        self, node: cst.CSTNode, test: cst.BaseExpression, said: str, depth: int
    ) -> Multiplicity:
        """How often code behind a once-guard runs: once, when the guarded state is the
        process's (a module name, a class attribute); once per object when it is the object's
        own (``self._thread is None``): then as often as such objects are made, and no more
        often than the method holding it runs."""
        if not self._on_self(test):
            return Multiplicity(Level.ONCE, said, True)
        function = next(
            (a for a in self.index.ancestors(node) if isinstance(a, cst.FunctionDef)), None
        )
        owner = self._owner(function) if function is not None else None
        if function is None or owner is None:
            return Multiplicity(Level.ONCE, said, True)
        outer = self.of_function(function, depth)
        if outer is _CYCLE or outer.level is Level.ONCE:
            return Multiplicity(Level.ONCE, said, True)
        handled = self._handler_class(owner)
        if handled:
            # a framework makes one object of a handler class per connection or request
            # (socketserver, http.server): what each does once, each request does again
            return Multiplicity(
                Level.MANY,
                f"once per {owner.name.value} object, {said}; {owner.name.value} is a "
                f"{handled}, made per connection or request",
                True,
            )
        return self._objects_made(owner, depth, said) or Multiplicity(
            Level.PER_OBJECT, f"once per {owner.name.value} object, {said}", True
        )

    def _keyed_by_thread(self, test: cst.BaseExpression) -> bool:
        """Is ``test`` a membership test (``key not in C``) whose key is, or is made from, the
        calling thread's identity (``threading.current_thread().name``, ``get_ident()``), itself
        or through a name its function binds to it (``name = f"{current_thread().name}-x"``)?
        Each thread calling finds its own key missing: one entry per thread."""
        if not (
            isinstance(test, cst.Comparison)
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.NotIn)
        ):
            return False
        key = test.left
        if self._names_thread(key):
            return True
        if not isinstance(key, cst.Name):
            return False
        function = self.facts.enclosing_function(test)
        return function is not None and any(
            isinstance(target, cst.Name)
            and target.value == key.value
            and value is not None
            and self._names_thread(value)
            for target, value in assignments(function.body)
        )

    def _names_thread(self, node: cst.CSTNode) -> bool:
        """Does ``node`` call for the calling thread's identity (``threading.current_thread()``,
        ``threading.get_ident()``, ``threading.get_native_id()``)?"""
        if not any(word in self.index.code(node) for word in _THREAD_IDENTITY_WORDS):
            return False
        return any(
            isinstance(inner, cst.Call) and self.index.resolve(inner.func) in _THREAD_IDENTITY
            for inner in walk(node)
        )

    def _cached_in(self, statement: cst.If, node: cst.CSTNode) -> str:
        """The lasting container ``C`` (a class attribute, a module name) when ``statement`` is
        ``if not x:`` / ``if x is None:`` on a local its function takes from ``C`` first
        (``x = C[key]``, ``x = C.get(key)``) and the body stores back (``C[key] = x``), or
        ``if key not in C:`` whose body stores under that key (``C[key] = make()``): a cache, so
        what the body makes is made once per key. "" otherwise."""
        test = statement.test
        name = ""
        if (
            isinstance(test, cst.Comparison)
            and len(test.comparisons) == 1
            and isinstance(test.comparisons[0].operator, cst.NotIn)
            and self._lasting(test.comparisons[0].comparator)
        ):
            # `if key not in self._fetchers: self._fetchers[key] = Fetcher(...)`: stored under
            # the key it looked up
            cache = dotted_name(test.comparisons[0].comparator) or ""
            return cache if self._stores_under(statement.body, cache, test.left) else ""
        if (
            isinstance(test, cst.UnaryOperation)
            and isinstance(test.operator, cst.Not)
            and isinstance(test.expression, cst.Name)
        ):
            name = test.expression.value
        elif (
            isinstance(test, cst.Comparison)
            and len(test.comparisons) == 1
            and isinstance(test.left, cst.Name)
            and isinstance(test.comparisons[0].operator, cst.Is)
            and dotted_name(test.comparisons[0].comparator) == "None"
        ):
            name = test.left.value
        if not name:
            return ""
        function = next(
            (a for a in self.index.ancestors(statement) if isinstance(a, cst.FunctionDef)), None
        )
        if function is None:
            return ""
        taken = self._taken_from_caches(function, name)
        if not taken:
            return ""
        for target, value in assignments(statement.body):
            if (
                isinstance(target, cst.Subscript)
                and dotted_name(target.value) in taken
                and dotted_name(value) == name
            ):
                return dotted_name(target.value) or ""
        return ""

    def _handler_guard(self, statement: cst.If) -> bool:
        """Is ``statement`` ``if not has_handler(logger):`` (``not logger.handlers``, ``not
        logger.hasHandlers()``) around ``logger.addHandler(...)``, ``logger`` bound only to
        ``logging.getLogger(...)``? The logging module keeps one logger per name for the life
        of the process: once the block has added its handler, the test is false for good."""
        test = statement.test
        if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
            return False
        asked = test.expression
        logger: cst.BaseExpression | None = None
        if isinstance(asked, cst.Call):
            if isinstance(asked.func, cst.Attribute) and asked.func.attr.value == "hasHandlers":
                logger = asked.func.value
            elif len(asked.args) == 1 and "handler" in (last_name(asked.func) or "").lower():
                logger = asked.args[0].value
        elif isinstance(asked, cst.Attribute) and asked.attr.value == "handlers":
            logger = asked.value
        if not isinstance(logger, cst.Name) or not self._named_logger(logger):
            return False
        # the handler added on every way through the block (at its own level), and never taken
        # off again in the function (then the test is true again on the next call)
        function = self.facts.enclosing_function(statement)
        if function is None or any(
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("removeHandler", "clear")
            and dotted_name(node.func.value) in (logger.value, f"{logger.value}.handlers")
            for node in walk_statements(function)
        ):
            return False
        return isinstance(statement.body, cst.IndentedBlock) and any(
            isinstance(line, cst.SimpleStatementLine)
            and any(
                isinstance(small, cst.Expr)
                and isinstance(small.value, cst.Call)
                and isinstance(small.value.func, cst.Attribute)
                and small.value.func.attr.value == "addHandler"
                and dotted_name(small.value.func.value) == logger.value
                for small in line.body
            )
            for line in statement.body.body
        )

    def _named_logger(self, name: cst.Name) -> bool:
        """Is ``name`` bound, in the function reading it, only to ``logging.getLogger(...)`` of a
        fixed name (a literal, ``__name__``, an object's attribute: ``app.name``), not one made
        per call (``getLogger(f"jobs.{job_id}")`` is a new logger per job)?"""
        function = self.facts.enclosing_function(name)
        if function is None:
            return False
        bindings = [
            node
            for node in walk_statements(function)
            if any(
                isinstance(target, cst.BaseExpression) and name.value in target_names(target)
                for target in binding_targets(node)
            )
        ]
        return bool(bindings) and all(
            isinstance(node, cst.Assign)
            and isinstance(node.value, cst.Call)
            and self.index.resolve(node.value.func) == "logging.getLogger"
            and _fixed_name(node.value)
            for node in bindings
        )

    def _on_self(self, test: cst.BaseExpression) -> bool:
        """Does ``test`` read state of the object itself (``self._thread``, ``hasattr(self,
        "_thread")``)?"""
        return any(
            (isinstance(node, cst.Attribute) and dotted_name(node.value) == "self")
            or asks_self_for(node)
            for node in walk_statements(test, skip_nested=False)
        )

    def _early_return_guard(
        self, block_owner: cst.CSTNode, current: cst.CSTNode, node: cst.CSTNode
    ) -> tuple[str, cst.BaseExpression] | None:
        """An ``if <present>: return`` before ``current`` in the block ``block_owner`` holds:
        the guard as written, and its test. State of the object counts only when the start's
        own path sets it (below): ``if self._closed: return`` guards nothing."""
        statements = block_owner.body if isinstance(block_owner, cst.IndentedBlock) else None
        if statements is None:
            return None
        for position, statement in enumerate(statements):
            if statement is current:
                return None
            guard = self._returns_if_present(statement)
            if (
                guard is not None
                and self._set_on_the_way(guard[1], node)
                and not self._cleared_on_return(guard[1], node)
            ):
                return guard
            if (
                isinstance(statement, cst.If)
                and ends_with(statement.body, (cst.Return, cst.Raise))
                and _found_test(statement.test)
                and self._named_thread_found(statement.test, node)
            ):
                return f"if {_code(self.index, statement.test)}: return", statement.test
            if (
                isinstance(statement, cst.If)
                and statement.orelse is None
                and ends_with(statement.body, (cst.Return,))
                and _found_test(statement.test)
            ):
                cache = self._returned_from_cache(statement, statements[position + 1 :])
                if cache:
                    # `server = _servers.get(path)`, `if server: return server.port`, then
                    # `_servers[path] = start(path)`: a cache, filled once per key
                    return (
                        f"if {_code(self.index, statement.test)}: return (a lookup of {cache}, "
                        "which the function fills after: once per key)",
                        statement.test,
                    )
        return None

    def _skipped_if_cached(
        self, block_owner: cst.CSTNode, current: cst.CSTNode
    ) -> tuple[str, cst.BaseExpression] | None:
        """When ``block_owner`` is a loop's body and a statement of it before ``current`` is
        ``if K in C: continue`` (no else) on a lasting container ``C``, and one after it stores
        under that key (``C[K] = x``): ``C`` and the test. A pass goes on only for a key not
        there yet, and leaves it there."""
        loop = self.index.parent_of(block_owner)
        if loop is None or not _is_loop_of(loop, block_owner):
            return None
        statements = block_owner.body if isinstance(block_owner, cst.IndentedBlock) else ()
        for position, statement in enumerate(statements):
            if statement is current:
                return None
            if (
                not isinstance(statement, cst.If)
                or statement.orelse is not None
                or not ends_with(statement.body, (cst.Continue,))
            ):
                continue
            test = statement.test
            if not (
                isinstance(test, cst.Comparison)
                and len(test.comparisons) == 1
                and isinstance(test.comparisons[0].operator, cst.In)
                and self._lasting(test.comparisons[0].comparator)
            ):
                continue
            cache = dotted_name(test.comparisons[0].comparator) or ""
            if any(
                self._stores_under(later, cache, test.left) for later in statements[position + 1 :]
            ):
                return cache, test
        return None

    def _stores_under(self, body: cst.CSTNode, cache: str, key: cst.BaseExpression) -> bool:
        """Does ``body`` store into the container ``cache`` under the key ``key`` is
        (``cache[key] = ...``, the key written as the test wrote it)?"""
        wanted = self.index.code(key)
        return bool(cache) and any(
            isinstance(target, cst.Subscript)
            and dotted_name(target.value) == cache
            and len(target.slice) == 1
            and isinstance(target.slice[0].slice, cst.Index)
            and self.index.code(target.slice[0].slice.value) == wanted
            for target, _ in assignments(body)
        )

    def _returned_from_cache(self, statement: cst.If, after: Sequence[cst.BaseStatement]) -> str:
        """The lasting container ``C`` when ``statement`` returns if a local taken from ``C``
        (``x = C.get(key)``, ``x = C[key]``) is there, and one of the statements ``after`` it in
        its block stores into ``C`` (``C[key] = make(key)``): what follows runs once per key.
        "" otherwise."""
        test = statement.test
        if isinstance(test, cst.Comparison):
            test = test.left
        if not isinstance(test, cst.Name):
            return ""
        function = next(
            (a for a in self.index.ancestors(statement) if isinstance(a, cst.FunctionDef)), None
        )
        taken = self._taken_from_caches(function, test.value) if function is not None else set()
        if not taken:
            return ""
        for later in after:
            for target, _ in assignments(later):
                if isinstance(target, cst.Subscript) and dotted_name(target.value) in taken:
                    return dotted_name(target.value) or ""
        return ""

    def _taken_from_caches(self, function: cst.FunctionDef, name: str) -> set[str]:
        """The lasting containers ``function`` binds the local ``name`` from (``x = C[key]``,
        ``x = C.get(key)``)."""
        taken: set[str] = set()
        for target, value in assignments(function):
            if dotted_name(target) != name:
                continue
            source: cst.BaseExpression | None = None
            if isinstance(value, cst.Subscript):
                source = value.value
            elif (
                isinstance(value, cst.Call)
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "get"
            ):
                source = value.func.value
            if source is not None and self._lasting(source):
                taken.add(dotted_name(source) or "")
        taken.discard("")
        return taken

    def _named_thread_found(self, test: cst.BaseExpression, node: cst.CSTNode) -> bool:
        """Does ``test`` find a running thread by the name the start at ``node`` gives its own
        (``existing = next((t for t in threading.enumerate() if t.name == NAME), None)``, then
        ``if existing is not None: return existing`` before ``Thread(..., name=NAME)``)? The
        threads running are the process's state: while the one started first runs, every
        later call finds it and returns, so one runs at a time."""
        given = argument(node, -1, "name") if isinstance(node, cst.Call) else None
        if given is None:
            return False
        wanted = self.index.code(given)
        searched: list[cst.CSTNode] = [test]
        read = {inner.value for inner in walk(test) if isinstance(inner, cst.Name)}
        function = next(
            (a for a in self.index.ancestors(node) if isinstance(a, cst.FunctionDef)), None
        )
        if function is not None and read:
            searched.extend(
                value
                for target, value in assignments(function.body)
                if value is not None and isinstance(target, cst.Name) and target.value in read
            )
        for part in searched:
            nodes = list(walk(part))
            if not any(
                isinstance(inner, cst.Call)
                and self.index.resolve(inner.func) == "threading.enumerate"
                for inner in nodes
            ):
                continue
            for inner in nodes:
                if not (
                    isinstance(inner, cst.Comparison)
                    and len(inner.comparisons) == 1
                    and isinstance(inner.comparisons[0].operator, cst.Equal)
                ):
                    continue
                sides = (inner.left, inner.comparisons[0].comparator)
                for named, value in (sides, sides[::-1]):
                    if (
                        isinstance(named, cst.Attribute)
                        and named.attr.value == "name"
                        and self.index.code(value) == wanted
                    ):
                        return True
        return False

    def _set_on_the_way(self, test: cst.BaseExpression, node: cst.CSTNode) -> bool:
        """Is the object state ``test`` reads (``self._thread``, ``self.token``) set by the
        function holding ``node``, by a method it hands on to run (a thread's target, a timer's
        function) or by one it calls on the object, up to three calls away? Then the first call
        makes the state present and later calls return: a once-guard. State set only elsewhere
        (``_stopped`` by ``stop()``) is the object's end, not a guard. Module state is a guard
        unless the module gives it another value after import (``_global_reopened``)."""
        read = {
            inner.attr.value
            for inner in walk_statements(test, skip_nested=False)
            if isinstance(inner, cst.Attribute) and dotted_name(inner.value) == "self"
        }
        if not read:
            # module state: a guard only when code after import changes it, and into one value
            return self._changed_after_import(test) and not self._global_reopened(test, node)
        function = next(
            (a for a in self.index.ancestors(node) if isinstance(a, cst.FunctionDef)), None
        )
        owner = self._owner(function) if function is not None else None
        if function is None or owner is None:
            return True
        bodies: list[cst.CSTNode] = [function]
        methods = {m.name.value: m for m in owner.body.body if isinstance(m, cst.FunctionDef)}
        frontier: list[cst.CSTNode] = [function]
        later: set[int] = set()  # handed on to run later (a callback)
        # what the start itself runs (its thread's target): it ends with what it started, so
        # a reset there does not let a second one start beside it
        own = {
            inner.attr.value
            for inner in walk_statements(node, skip_nested=False)
            if isinstance(inner, cst.Attribute) and dotted_name(inner.value) == "self"
        }
        for depth in range(3):  # what it calls, and what those call, on the object
            step: list[cst.CSTNode] = []
            for body in frontier:
                for inner in walk_statements(body):
                    if not (
                        isinstance(inner, cst.Attribute)
                        and dotted_name(inner.value) == "self"
                        and inner.attr.value in methods
                        and methods[inner.attr.value] not in bodies
                    ):
                        continue
                    called = self.index.parent_of(inner)
                    now = isinstance(called, cst.Call) and called.func is inner
                    if depth and not now:
                        continue  # (a timer's function two calls away runs later, not now)
                    if not now and handed_to_atexit(self.index, inner):
                        continue  # (run at exit: it reopens nothing while the object lives)
                    # handed on to run (a thread's target) or called (`self._open()`)
                    method = methods[inner.attr.value]
                    bodies.append(method)
                    step.append(method)
                    if (not now and inner.attr.value not in own) or id(body) in later:
                        later.add(id(method))
            frontier = step
        if not any(_sets_self(body, read) for body in bodies):
            return False
        # reopened by another method (`def clear_token(self): self.token = None`): the guard
        # holds between two such calls only; the object's own end (close/stop) may reopen it
        # what runs later, once the work is done (a callback seeing EOF), may reopen it
        on_the_way = {id(body) for body in bodies} - later

        return not any(
            _sets_self(method, read, absent=True)
            for name, method in methods.items()
            if id(method) not in on_the_way
            and name != "__init__"
            # an end-named method (`_reset`) the start's own callback calls when the work is
            # done (the output loop seeing EOF) runs per run, not when the object ends
            and (not _ends_object(name) or id(method) in later)
            and not self.facts.runs_after_fork(method)  # the child starts its own
        )

    def _changed_after_import(self, test: cst.BaseExpression) -> bool:
        """Does code that runs after import change a module name ``test`` reads: a function
        rebinding it (``global _pool; _pool = Pool()``), storing into it (``_cache[key] =
        pool``, ``_state.started = True``) or filling it (``_seen.add(key)``)? A name only
        bound at import (``if not USE_TASKKILL:``, ``if not IS_AIX:``) is a setting, not a
        guard that closes once the start has run. State of a class (``Class.x``) counts as
        changed: its methods set it."""
        # (not an attribute's name, nor a function called: `hasattr(self, "_x")` reads self)
        skipped = {
            id(inner.attr) if isinstance(inner, cst.Attribute) else id(inner.func)
            for inner in walk_statements(test, skip_nested=False)
            if isinstance(inner, cst.Attribute | cst.Call)
        }
        names = {
            inner.value
            for inner in walk_statements(test, skip_nested=False)
            if isinstance(inner, cst.Name)
            and id(inner) not in skipped
            and inner.value not in ("None", "True", "False")
            and self.facts.is_module_name(inner)
        }
        return not names or bool(names & self._module_state_changed())

    def _module_state_changed(self) -> frozenset[str]:
        """The names that functions of the module change (declared ``global``, stored into,
        or called a method on), found once."""
        if self._changed is None:
            changed: set[str] = set()
            for function in self.index.functions:
                for inner in walk_statements(function):
                    if isinstance(inner, cst.Global):
                        changed.update(name.name.value for name in inner.names)
                        continue
                    target: cst.BaseExpression | None = None
                    if isinstance(inner, cst.AssignTarget | cst.AugAssign | cst.AnnAssign):
                        target = inner.target
                    elif isinstance(inner, cst.Call) and isinstance(inner.func, cst.Attribute):
                        target = inner.func
                    # `_cache[k] = v`, `_state.x = v`, `_seen.add(k)`; `app.config[k] = v`:
                    # into an object the module itself made (not an imported module's)
                    root = target
                    while isinstance(root, cst.Subscript | cst.Attribute) and isinstance(
                        root.value, cst.Subscript | cst.Attribute
                    ):
                        root = root.value
                    if (
                        root is not target
                        and isinstance(root, cst.Subscript | cst.Attribute)
                        and isinstance(root.value, cst.Name)
                        and root.value.value not in self.index.aliases
                    ):
                        changed.add(root.value.value)
                    if isinstance(target, cst.Subscript | cst.Attribute) and isinstance(
                        target.value, cst.Name
                    ):
                        changed.add(target.value.value)
            self._changed = frozenset(changed)
        return self._changed

    def _global_reopened(self, test: cst.BaseExpression, node: cst.CSTNode) -> bool:
        """Does a module global that ``test`` reads (``if "Scanning" in scan_status: return``)
        take more than one value after import, from the functions declaring it ``global``
        (but one ending the module's service: ``stop``, ``shutdown``, or a hook resetting it in
        a forked child)? Then the guard holds only while one value stands (a scan in progress,
        set by the thread's target and set back to "Idle" after each pass) and the start runs
        again after it: no once-guard. One value only (``_started = True``, ``_pool =
        Pool()``): a once-guard, as the object's state set on the way is
        (``_set_on_the_way``)."""
        names = {
            inner.value
            for inner in walk_statements(test, skip_nested=False)
            if isinstance(inner, cst.Name)
        }
        function = next(
            (a for a in self.index.ancestors(node) if isinstance(a, cst.FunctionDef)), None
        )
        if function is None or not names:
            return False
        values: dict[str, set[str]] = {}
        for inner in self.index.functions:
            if _ends_object(inner.name.value) or self.facts.runs_after_fork(inner):
                continue  # (a fork hook resets it in the child, which starts its own)
            declared = {
                name.name.value
                for statement in walk_statements(inner)
                if isinstance(statement, cst.Global)
                for name in statement.names
            } & names
            if not declared:
                continue
            for target, value in assignments(inner):
                if isinstance(target, cst.Name) and target.value in declared and value is not None:
                    # an object made (`MeterService()` here, `MeterServiceAsync()` in the async
                    # variant) is present whichever it is: only a value such as None or another
                    # literal takes the state back
                    made = isinstance(value, cst.Call) and _makes_an_object(value)
                    values.setdefault(target.value, set()).add(
                        "<made>" if made else _code(self.index, value)
                    )
        return any(len(found) > 1 for found in values.values())

    def _cleared_on_return(self, test: cst.BaseExpression, node: cst.CSTNode) -> bool:
        """Does the function holding ``node`` clear the object state ``test`` reads on its way
        out: in a ``finally`` (``self._busy = True ... finally: self._busy = False``) or in a
        statement of its own body? Then the flag only keeps two calls from overlapping: each
        call finds it clear again and starts anew. A clear in an ``except`` handler (undoing a
        failed start) leaves the guard standing."""
        read = {
            inner.attr.value
            for inner in walk_statements(test, skip_nested=False)
            if isinstance(inner, cst.Attribute) and dotted_name(inner.value) == "self"
        }
        function = next(
            (a for a in self.index.ancestors(node) if isinstance(a, cst.FunctionDef)), None
        )
        if not read or function is None or not isinstance(function.body, cst.IndentedBlock):
            return False
        # statements that run on every way out: a finally's own (not those under an `if
        # not started:` undoing a failed start), and the function body's own
        exits: list[cst.CSTNode] = list(_own_level(function.body))
        for inner in walk_statements(function):
            if (
                isinstance(inner, cst.Try)
                and inner.finalbody is not None
                and isinstance(inner.finalbody.body, cst.IndentedBlock)
            ):
                exits.extend(_own_level(inner.finalbody.body))
        # every attribute the guard reads cleared (`self._busy`), not one of several
        return all(
            any(_sets_self(statement, {attr}, absent=True) for statement in exits) for attr in read
        )

    def _returns_if_present(self, statement: cst.CSTNode) -> tuple[str, cst.BaseExpression] | None:
        """``if <present>: return``, also inside a ``with`` block before the start (the
        double-checked ``with self._lock: if self._token: return self._token``): a ``with``
        does not change where control goes. ``assert <absent>`` (``assert not self._started,
        "called twice"``) is ``if <present>: raise``."""
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Assert) and self._once_test(small.test, negated=False):
                    return f"assert {_code(self.index, small.test)}", small.test
        if (
            isinstance(statement, cst.If)
            and statement.orelse is None
            and ends_with(statement.body, (cst.Return, cst.Raise))
            and self._once_test(statement.test, negated=True)
        ):
            leaves = "raise" if ends_with(statement.body, (cst.Raise,)) else "return"
            return f"if {_code(self.index, statement.test)}: {leaves}", statement.test
        if isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
            for inner in statement.body.body:
                guard = self._returns_if_present(inner)
                if guard is not None:
                    return guard
        return None


def _found_test(test: cst.BaseExpression) -> bool:
    """Is ``test`` true when what it looks up is there: ``x is not None``, ``x``, ``any(...)``?"""
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        comparison = test.comparisons[0]
        return (
            isinstance(comparison.operator, cst.IsNot)
            and dotted_name(comparison.comparator) == "None"
        )
    if isinstance(test, cst.Call):
        return dotted_name(test.func) == "any"
    return isinstance(test, cst.Name)


def _singleton_class(owner: cst.ClassDef) -> str:
    """How ``owner`` is made a singleton, every call of it returning the one object: its
    metaclass or a base named so (``metaclass=SingletonMetaClass``, ``class
    Registry(Singleton):``, the recipe's ``__call__`` or ``__new__`` keeping the instance);
    "" when not so."""
    for arg in (*owner.keywords, *owner.bases):
        if arg.keyword is not None and arg.keyword.value != "metaclass":
            continue
        named = last_name(arg.value) or ""
        if "singleton" in named.lower():
            return f"metaclass={named}" if arg.keyword is not None else f"a {named}"
    return ""


def gives_parameter(call: cst.Call, parameter: str, position: int | None) -> bool:
    """Does ``call`` give ``parameter`` anything but a false literal (``enable=False``): by
    keyword, positionally at ``position``, or possibly in ``*args``/``**kwargs``?"""
    positional = 0
    for arg in call.args:
        if arg.star:
            return True
        if arg.keyword is not None:
            if arg.keyword.value == parameter and literal_truth(arg.value) is not False:
                return True
            continue
        if positional == position and literal_truth(arg.value) is not False:
            return True
        positional += 1
    return False


def _makes_an_object(call: cst.Call) -> bool:
    """A call of a class by its name (``MeterService()``): what it gives is never None nor
    another plain value (not ``cache.get(k)``, a helper that may return None, ``str(x)``)."""
    name = last_name(call.func) or ""
    return name[:1].isupper()


def _ends_object(name: str) -> bool:
    """Is a method of this name the object's end (``close``, ``stop_polling``, ``_shutdown``,
    ``reset``), which may clear its state for a fresh start?"""
    bare = name.lstrip("_")
    return bare == "reset" or any(
        bare == word or bare.startswith(f"{word}_") for word in CLEANUP_METHOD_NAMES
    )


def _url_path(value: cst.BaseExpression) -> bool:
    """A string literal naming a URL path (``"/items/{id}"``)."""
    if not isinstance(value, cst.SimpleString):
        return False
    text = value.evaluated_value
    return isinstance(text, str) and text.startswith("/")


def _sets_self(body: cst.CSTNode, attrs: set[str], absent: bool = False) -> bool:
    """Does ``body`` assign one of ``self.<attrs>`` (with ``absent``: to None, False, 0 or an
    empty literal, the value a guard reads as "not there yet")? Not in an ``except`` handler
    unless ``absent``: state set only when something failed is not set on the way."""
    on_failure = (
        set()
        if absent
        else {
            id(node)
            for handler in walk_statements(body, skip_nested=False)
            if isinstance(handler, cst.ExceptHandler)
            for node in walk_statements(handler, skip_nested=False)
        }
    )
    for target, value in assignments(body):
        if id(target) in on_failure:
            continue
        if not (
            isinstance(target, cst.Attribute)
            and dotted_name(target.value) == "self"
            and target.attr.value in attrs
        ):
            continue
        if not absent:
            return True
        if value is not None and (
            literal_truth(value) is False
            or (isinstance(value, cst.List | cst.Tuple | cst.Dict | cst.Set) and not value.elements)
        ):
            return True
    return False


_DRAINS = frozenset({"pop", "popleft", "popitem", "remove", "discard", "clear"})
# what a loop reading its data gets when that data ends: no failure
_END_OF_DATA = frozenset(
    {
        "Empty",
        "EOFError",
        "StopIteration",
        "StopAsyncIteration",
        "IncompleteReadError",
        "ConnectionClosed",
        "ConnectionClosedOK",
        "ConnectionClosedError",
        "ConnectionError",
        "ConnectionResetError",
        "ConnectionAbortedError",
        "BrokenPipeError",
    }
)


def _branch_taken(
    ancestor: cst.CSTNode, current: cst.CSTNode
) -> tuple[cst.BaseExpression, bool] | None:
    """When ``ancestor`` is an ``if`` and ``current`` its body or its ``else``: the test and
    the truth the path through ``current`` needs."""
    if isinstance(ancestor, cst.If):
        if ancestor.body is current:
            return ancestor.test, True
        if isinstance(ancestor.orelse, cst.Else) and ancestor.orelse is current:
            return ancestor.test, False
    return None


def _parameter_guards(
    function: cst.FunctionDef, tested: list[tuple[cst.BaseExpression, bool]]
) -> tuple[tuple[str, bool], ...]:
    """The parameters of ``function`` the path tests bare (``if restart:``, ``if not quiet:``,
    the ``else`` of ``if dry_run:``), each with the truth the path needs."""
    params = {p.name.value for p in (*function.params.params, *function.params.kwonly_params)}
    found: dict[str, bool] = {}
    for test, truth in tested:
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            test, truth = test.expression, not truth
        compare = ""
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            # `if block is False:`, `if block == 0:`, `if False is block:`: the path needs that
            # comparison of the flag with a literal to come out `truth` (kept as written: for
            # values other than True and False, identity and equality are not truth)
            compared = test.comparisons[0]
            left, right = test.left, compared.comparator
            if _code_of(left) in _BOOL_LIKE:
                left, right = right, left
            literal = _code_of(right)
            operator = compared.operator
            if literal in _BOOL_LIKE and isinstance(
                operator, cst.Is | cst.IsNot | cst.Equal | cst.NotEqual
            ):
                same = isinstance(operator, cst.Is | cst.Equal)
                kind = "is" if isinstance(operator, cst.Is | cst.IsNot) else "=="
                test, truth, compare = left, truth == same, f"{kind} {literal}:"
        if isinstance(test, cst.Name) and test.value in params and test.value != "self":
            found.setdefault(compare + test.value, truth)
    if found:
        # one the function rebinds (`restart = restart or env_flag`) is not what was passed
        for target, _ in assignments(function):
            bound = dotted_name(target) or ""
            for key in [key for key in found if key.rsplit(":", 1)[-1] == bound]:
                del found[key]
    return tuple(sorted(found.items()))


# literals a flag is compared with, and their numeric values
_BOOL_LIKE = {"True": 1, "False": 0, "1": 1, "0": 0}


def _compares(value: cst.BaseExpression, compare: str) -> bool | None:
    """What ``<value> <compare>`` (``is False``, ``== 0``) is for a literal ``value`` (True,
    False, None, an integer); None when ``value`` is not one."""
    kind, literal = compare.split(" ")
    code = _code_of(value)
    if isinstance(value, cst.Name) and value.value == "None":
        return False  # None is neither True nor False, nor equal to 0 or 1
    if isinstance(value, cst.Integer):
        number = int(code) if code.isdigit() else None
        if number is None:
            return None
        if kind == "is":
            return False  # an int is never the bool singleton
        return number == _BOOL_LIKE[literal]
    if code in ("True", "False"):
        if kind == "is":
            return literal in ("True", "False") and code == literal
        return _BOOL_LIKE[code] == _BOOL_LIKE[literal]
    return None


def _code_of(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Integer):
        return node.value
    return ""


def _own_level(block: cst.IndentedBlock) -> Iterator[cst.CSTNode]:
    """The simple statements of ``block`` that run whenever it runs to its end: its own and
    those of ``with`` blocks in it (a ``with`` does not change where control goes)."""
    for statement in block.body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield statement
        elif isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
            yield from _own_level(statement.body)


def _fixed_name(call: cst.Call) -> bool:
    """Is the logger name given to ``getLogger(...)`` fixed: none (the root), a literal,
    ``__name__``, or an attribute of an object (``app.name``, ``self.name``)?"""
    if not call.args:
        return True
    given = call.args[0].value
    return isinstance(given, cst.SimpleString) or (
        dotted_name(given) == "__name__" or isinstance(given, cst.Attribute)
    )


def _private(name: str) -> bool:
    """``_helper``: a name its package keeps to itself (not a dunder)."""
    return name.startswith("_") and not name.endswith("__")


def _per_call(function: cst.FunctionDef) -> Multiplicity:
    return Multiplicity(Level.PER_CALL, f"on every call of {function.name.value}()")


def _required_parameters(function: cst.FunctionDef) -> bool:
    """Does ``function`` take a parameter with no default (``setup_connection(host)``: a
    set-up per thing given, not the module's own, which it makes from its configuration)?"""
    params = function.params
    return any(
        param.default is None
        for param in (*params.posonly_params, *params.params, *params.kwonly_params)
    )


def _left_after(index: ModuleIndex, node: cst.CSTNode, loop: cst.CSTNode) -> bool:
    """Does every pass that reaches ``node`` leave ``loop`` right after it: a ``return``,
    ``raise`` or ``break`` later in a block holding the statement of ``node``, with no
    ``continue`` before it and no loop in between (``for port in ports: try: server = bind(
    port) except OSError: continue; start(server); return port``)? Then the loop runs it
    once at most: it looks for where to start, it does not start again."""
    if not isinstance(loop, cst.For | cst.While):
        return False
    current: cst.CSTNode = index.statement_of(node)
    for ancestor in index.ancestors(current):
        block = block_statements(ancestor)
        if block is not None and current in block:
            for statement in block[block.index(current) + 1 :]:
                if not isinstance(statement, cst.SimpleStatementLine):
                    continue
                kinds = [type(small) for small in statement.body]
                if cst.Continue in kinds:
                    return False
                if cst.Return in kinds or cst.Raise in kinds:
                    return True
                if cst.Break in kinds:
                    # a break leaves the innermost loop holding it: `loop` only if that is it
                    inner = next(
                        (
                            a
                            for a in index.ancestors(statement)
                            if isinstance(a, cst.For | cst.While)
                        ),
                        None,
                    )
                    return inner is loop
        if ancestor is loop:
            return False
        if isinstance(ancestor, cst.For | cst.While | cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return False
        current = ancestor
    return False


def _outlived_in_pass(index: ModuleIndex, node: cst.CSTNode, loop: cst.CSTNode) -> bool:
    """Does every pass that starts the thread of ``node`` (bound to a name or attribute) wait
    for it to end before the next: a ``while <it>.is_alive():`` later in the block, left
    early only by a ``break`` under a test that, true, makes the test of ``loop`` false (``if
    self.is_connected(): break`` in ``while not self.is_connected():``)? Then the loop runs
    one at a time: the next pass starts one only once the last has ended, and the loop stops
    while one runs (pybit's connect loop, a retry waiting on each attempt's thread)."""
    if not isinstance(loop, cst.For | cst.While):
        return False
    assign = index.statement_of(node)
    statement = index.parent_of(assign)
    if not (
        isinstance(assign, cst.Assign)
        and assign.value is node
        and len(assign.targets) == 1
        and isinstance(statement, cst.SimpleStatementLine)
    ):
        return False
    handle = dotted_name(assign.targets[0].target)
    block = block_statements(index.parent_of(statement) or statement)
    if (
        not handle
        or block is None
        or index.parent_of(index.parent_of(statement) or loop) is not loop
    ):
        return False
    for later in block[block.index(statement) + 1 :]:
        if not (
            isinstance(later, cst.While)
            and isinstance(later.test, cst.Call)
            and isinstance(later.test.func, cst.Attribute)
            and later.test.func.attr.value == "is_alive"
            and dotted_name(later.test.func.value) == handle
        ):
            continue
        breaks = [
            small
            for small in walk(later.body)
            if isinstance(small, cst.Break) and innermost_loop(index, small) is later
        ]
        return all(_break_ends(index, small, loop) for small in breaks)
    return False


def _break_ends(index: ModuleIndex, leaving: cst.Break, loop: cst.For | cst.While) -> bool:
    """Is ``leaving`` under an ``if`` whose test, true, makes the test of the ``while``
    ``loop`` false: one of the test's conjuncts is negated among the loop's?"""
    if not isinstance(loop, cst.While):
        return False
    wanted = {
        index.code(conjunct.expression)
        for conjunct in _conjuncts(loop.test)
        if isinstance(conjunct, cst.UnaryOperation) and isinstance(conjunct.operator, cst.Not)
    }
    for ancestor in index.ancestors(leaving):
        if ancestor is loop:
            return False
        if isinstance(ancestor, cst.If) and any(
            index.code(conjunct) in wanted for conjunct in _conjuncts(ancestor.test)
        ):
            return True
    return False


def _conjuncts(test: cst.BaseExpression) -> list[cst.BaseExpression]:
    """The parts of ``test`` all of which must hold: ``a and (b and c)`` gives a, b, c (their
    parentheses dropped)."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return [*_conjuncts(test.left), *_conjuncts(test.right)]
    if test.lpar:
        return [test.with_changes(lpar=[], rpar=[])]
    return [test]


def _is_loop_of(ancestor: cst.CSTNode, current: cst.CSTNode) -> bool:
    """Is ``ancestor`` a loop that runs ``current`` repeatedly (its body, not its iterable)?"""
    if isinstance(ancestor, cst.For):
        return current is ancestor.body
    if isinstance(ancestor, cst.While):
        return current is ancestor.body
    if isinstance(ancestor, cst.ListComp | cst.SetComp | cst.GeneratorExp):
        return current is ancestor.elt
    if isinstance(ancestor, cst.DictComp):
        return current in (ancestor.key, ancestor.value)
    return False


def _code(index: ModuleIndex, node: cst.CSTNode) -> str:
    return short(index.code(node), 60)


__all__ = ["Counter", "Level", "Multiplicity", "gives_parameter"]


def _ends_in_start(statement: cst.CSTNode | None) -> bool:
    """Is ``statement`` (the last of a function's body) a start handing the work to a thread
    or a process (``threading.Thread(target=self._beat).start()``, ``self._thread.start()``)?
    Then the function returns at once, whatever its name says (review: a ``serve_forever()``
    starting a heartbeat thread per request was taken to serve until the process ends)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return any(
        isinstance(small, cst.Expr)
        and isinstance(small.value, cst.Call)
        and isinstance(small.value.func, cst.Attribute)
        and small.value.func.attr.value == "start"
        and not small.value.args
        for small in statement.body
    )


def _ends_in_return(statement: cst.CSTNode | None) -> bool:
    """Is ``statement`` (the last of a function's body) a ``return`` of a value it has come
    back with (``return self.has_errored``)? Not a bare ``return`` (the end of a body anyway),
    nor one returning what a call serving for ever gives (``return server.serve_forever()``)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Return) and small.value is not None:
            value = small.value
            if isinstance(value, cst.Await):
                value = value.expression
            return not (
                isinstance(value, cst.Call)
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value in FOREVER_METHODS
            )
    return False


def _names_its_process(function: cst.FunctionDef) -> str:
    """The title setter ``function`` calls as one of its own statements (``setproctitle("parsl:
    interchange")`` in the body, or alone under an ``if`` there: ``if setproctitle:``), "" when
    none. A process names itself once, at the start of its life: such a function is the main of
    a process. One that sets a title in a loop or deeper (a worker's "busy"/"idle" title per
    task) says nothing, and so does a title set after the function may have forked or left:
    it names the child (``self.pid = os.fork(); if self.pid: return; setproctitle("mux")``,
    ``if _fork_child(): return``), not the caller's process. Only the statements before any
    ``return``, ``yield`` or call of something named for a fork count."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return ""
    for position, statement in enumerate(body.body):
        called = _title_set(statement)
        if called:
            before = body.body[: position + 1]
            if any(
                isinstance(node, cst.Return | cst.Yield)
                or (isinstance(node, cst.Call) and "fork" in last_name(node.func).lower())
                for earlier in before
                for node in walk(earlier)
            ):
                return ""
            return called
    return ""


def _title_set(statement: cst.BaseStatement) -> str:
    """The title setter ``statement`` calls as a statement of its own (or alone under an
    ``if``: ``if setproctitle: setproctitle("x")``), "" when none."""
    lines: Sequence[cst.BaseStatement] = [statement]
    if isinstance(statement, cst.If) and isinstance(statement.body, cst.IndentedBlock):
        lines = statement.body.body if len(statement.body.body) == 1 else []
    for line in lines:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for small in line.body:
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
                called = last_name(small.value.func)
                if called in PROCESS_TITLE_SETTERS:
                    return called
    return ""
