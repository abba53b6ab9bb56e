"""Start sites: the calls that start a child process, a thread or a pool.

A call starts something when it resolves, through the module's imports, to a rule's start name,
or to a Thread/Process subclass defined in this module or in another module of the same
distribution. For a thread, the site also says what its target does: loops forever, re-arms a
timer, or ends by itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import libcst as cst

from forkaudit.analysis.index import ClassInfo, ModuleIndex, dotted_name
from forkaudit.analysis.subclasses import SubclassInfo
from forkaudit.analysis.syntax import (
    all_params,
    always_true,
    argument,
    assignments,
    assignments_among,
    assigns_attr_true,
    at_exit_only,
    breaks_belong,
    calls_in,
    calls_method,
    computed_property,
    endless_loop,
    ends_with,
    error_handlers,
    exit_values,
    flags_set,
    foreign_bases,
    given_params,
    in_dead_code,
    in_loop,
    innermost_loop,
    is_true,
    kwarg_true,
    last_name,
    literal_truth,
    literal_value,
    local_names,
    lowers_attribute,
    main_thread_alive,
    names_tested,
    none_test_sense,
    runs_only_when_collected,
    self_attribute_nodes,
    target_expr,
    targets_given,
    thread_names,
    three_valued,
    values_stored,
    walk_statements,
    with_callers,
    without_object,
)
from forkaudit.analysis.vocabulary import (
    CLOSE_STOPS,
    FOREVER_METHODS,
    ITERATOR_METHODS,
    SHORT_INTERVAL,
    STOP_METHODS,
)
from forkaudit.analysis.walk import children, walk
from forkaudit.kinds import Kind
from forkaudit.model import Rule


@dataclass
class Site:
    rule: Rule
    node: cst.BaseExpression  # the expression whose value is the handle
    call: cst.Call  # the call to report
    via: str
    started: bool
    daemon: bool = False
    forever: bool = False
    forever_reason: str = ""  # see forever_text
    # the endless loop of the target, whose line forever_text adds: a line number costs a print
    # of the whole module, paid only for what is reported
    forever_loop: cst.CSTNode | None = None
    target_known: bool = False  # we saw the thread's code and know whether it loops forever
    timer_chain: bool = False
    # its function begins by sleeping (`time.sleep(task.timeout)`), not in a loop: a Timer by
    # hand, its argument (the interval), which no cancel can cut short
    sleeps_first: cst.BaseExpression | None = None
    # a chain kept where a cancel finds it, undone only by a cancel between a firing and
    # the re-arm (a guard the chain's own call decides, the RepeatedTimer recipe)
    race_only: bool = False
    # its target loops until a flag of its object is set (a stop() exists): not forever, but
    # it does not end by itself either
    until_stopped: bool = False
    # it may end without a stop of its object's: the function starting it writes its loop's
    # flag (a restart, a per-call stop), the thread sets it itself, the flag is no stop flag or
    # another object's state, or whose flag it is cannot be told
    ends_unstopped: bool = False
    until_flag: str = ""  # the flag or Event of its object that it runs until (`self._stop`)
    until_value: bool | None = None  # ... the truth of it that ends the thread (None: unknown)
    # a timer chain re-armed only while ``until_flag``, a stop flag of its object, says so
    chain_stopped: bool = False
    until_unset: bool = False  # ... which nothing in the module sets
    # ... which a finalizer of its object sets (`weakref.finalize(self, _stop, self._ev)`), an
    # object the thread does not hold: it ends once the object is let go and collected
    until_collected: bool = False
    # its loop ends only on a sentinel taken from a queue of its own object (`self._q`), which
    # the module puts there somewhere (a close()): it lasts until its object stops it
    until_sentinel: bool = False
    # its object has a stop meant to end it that cannot (it blocks where the stop never reaches)
    stop_misses: bool = False
    # its target serves an object it makes itself (`app = build(); app.run_polling()`): nothing
    # outside the thread can reach that object to stop it, so no join() of it ever returns
    serves_own: str = ""
    # its target serves an object its starting method makes anew and keeps on its object
    # (`self._worker = Worker(); Thread(target=self._worker.run)`), which the class stops
    # through that attribute alone (`self._worker.shutdown()`): the next call's store puts the
    # stop out of reach of the ones before. The attribute (`self._worker`); "" when not so
    serves_replaced: str = ""
    # its target waits until the code starting it signals, through an Event or a queue that
    # code holds (`while not stop.wait(5):`, `if q.get() is None: return`): the name of that
    # Event or queue where the thread is started; "" when not so
    signal: str = ""
    # with ``signal``: a plain name of the function starting the thread, which the target
    # (a function nested in it) loops on (`while running:`): a store there is the signal
    signal_flag: bool = False
    # its target fills a queue the code starting it makes bounded and takes from, with puts
    # that wait for room (`q = Queue(8)`, `Thread(target=produce, args=(q,))`, `q.put(row)`):
    # it ends only once that code has taken what it puts. That queue's name where the thread is
    # started; "" when not so
    feeds: str = ""
    # with ``feeds`` an attribute (`self._q`): the class of that object, an iterator whose
    # __next__() takes from it (its consumer may stop calling __next__() at any point)
    feeds_class: str = ""
    tuple_index: int = 0  # which element of a returned tuple is the handle (pid, fd = forkpty())
    reap_methods: frozenset[str] = frozenset()
    stop_flags: frozenset[str] = frozenset()  # attributes whose setting stops the thread
    # the public attributes its loop waits on that no code of the module sets: the runner is
    # asked whether the package's other modules lower them (`hist.gc.wait_for_shell = False`)
    flag_asks: tuple[str, ...] = ()
    # the classes of the package's other modules handed the object the thread serves at their
    # construction, asked whether they stop what they are given (`pkg.bus.Bus:@1`)
    holder_asks: tuple[str, ...] = ()
    # with ``until_stopped``: the seconds its loop sleeps (``time.sleep(30)``, which nothing
    # wakes) between its looks at the flag, when a method of its class that starts it anew
    # sets that flag back to what keeps the loop going (``restarter``); 0 when not so
    outsleeps: float = 0.0
    restarter: str = ""
    reset_flag: str = ""  # the flag the restarter sets back
    # it serves an object (`serve_forever()`, `run_forever()`) that its class stops: it runs
    # until that stop, which only a holder of the object can call; the object, "" when not so
    serves_stopped: str = ""
    context_manager: bool = False
    depth: int = 0
    # followed to a caller of a factory that hands every caller the same one (cached, or a
    # module global it fills): how; a caller leaving it unreaped leaves that one, at the start
    shared_by: str = ""

    @property
    def lasts(self) -> bool:
        """The thread does not end by itself: it loops for ever, until stopped, or re-arms."""
        return self.forever or self.until_stopped or self.timer_chain

    def loops_forever(self, reason: str, loop: cst.CSTNode | None = None) -> None:
        """The thread never ends, for ``reason``; ``loop``: its endless loop, whose line
        forever_text adds."""
        self.forever = True
        self.forever_reason = reason
        self.forever_loop = loop


class SiteFinder:
    """Finds the start sites of one module for a set of rules."""

    def __init__(
        self,
        index: ModuleIndex,
        rules: Sequence[Rule],
        external_subclasses: dict[str, SubclassInfo] | None = None,
        attribute_set: Callable[[str, bool], bool] | None = None,
        holder_stops: Callable[[str, str, frozenset[str]], bool] | None = None,
    ) -> None:
        self.index = index
        self.start_map: dict[str, Rule] = {q: rule for rule in rules for q in rule.starts}
        # does a class of another module of the package (its import, as this module names
        # it), handed an object at its construction (in its place `"1"` or by keyword), stop
        # what it is given in one of the methods named? (elsewhere.CallersElsewhere.
        # stops_given; None: not asked yet, the class is asked for as `<class>:@<place>`)
        self.holder_stops = holder_stops
        # does another module of the package lower a flag of this name to the given truth
        # (syntax.lowers_attribute)? None: not asked yet: the runner is asked for the public
        # flags no code of the module sets
        self.attribute_set = attribute_set
        self.external = external_subclasses or {}
        self.owners: set[str] = set()  # local classes owning a thread (see add_owner)
        # plain `loop.stop()` calls _stops leaves out while _stopped_off_thread asks
        self._off_thread_stops: frozenset[int] = frozenset()
        # (served, scopes) -> bound there to an object whose close() ends its serving
        self._close_stopped: dict[tuple[str, tuple[int, ...]], bool] = {}
        self.subclasses = self._find_subclasses()

    def add_owner(self, info: SubclassInfo) -> None:
        """A class of this module found to own a thread: its instantiations are starts too."""
        self.owners.add(info.name)
        self.subclasses[info.name] = info

    def _base_rule(self, qualified: str | None) -> Rule | None:
        if qualified is None:
            return None
        rule = self.start_map.get(qualified.rstrip("*"))
        if rule is not None and (rule.kind.joinable or rule.kind in (Kind.POOL, Kind.SERVICE)):
            # a subclass of a thread, a process, a pool or a library service is one
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
                    if base.startswith("@") and base[1:] in self.owners:
                        break  # a subclass of an owner runs no thread of its own
                    if base.startswith("@") and base[1:] in found:
                        parent = found[base[1:]]
                        rule = parent.rule
                        break
                    short = base.rsplit(".", 1)[-1]
                    if (
                        short in self.external
                        and not self.external[short].owned
                        and not base.startswith(("threading.", "multiprocessing."))
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
            for call in calls_in(self.index, init):
                func = call.func
                if calls_method(call, "self", rule.start_methods):
                    self_starting = True
                if (
                    isinstance(func, cst.Attribute)
                    and func.attr.value == "setDaemon"
                    and call.args
                    and is_true(call.args[0].value)
                ):
                    daemon = True
                if kwarg_true(call, "daemon"):
                    daemon = True
            for node in walk_statements(init):
                if assigns_attr_true(node, "daemon"):
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
                        and is_true(small.value)
                    ):
                        daemon = True
        reap = set(rule.reaped_by_methods) | (set(parent.reap_methods) if parent else set())
        run = info.methods.get("run")
        stop_flags: frozenset[str] = parent.stop_flags if parent is not None else frozenset()
        asks: list[str] = []
        found = self._flag_loop(run) if run is not None else None
        stuck, _ = self._stuck_flag_loop(run, found, None, asks) if run is not None else ("", False)
        if found is not None and not stuck:
            # a loop until a flag is set: the methods setting it stop the thread, like join
            reap.update(
                method.name.value
                for method in self._setters(info, found[0])
                if method.name.value != "run"
            )
            stop_flags = frozenset(flag.rsplit(".", 1)[-1] for flag in found[0])
        forever = (endless_loop(run) or self._delegated_endless(run)) if run is not None else None
        served = _served_object(forever)
        # run() serves `self.server` forever: a method stopping it ends the thread (run()
        # stopping it on its own way out is not one)
        stopping = [
            name
            for name, method in info.methods.items()
            if served and name != "run" and self._stops(served, [method])
        ]
        off_thread = (
            self._stopped_off_thread(served, run.body, run) if stopping and run is not None else ""
        )
        if off_thread:
            stopping = []  # stopped in name only: an idle loop never sees it
        reap.update(stopping)
        reap = with_callers(self.index, info, reap)
        overrides_exit = any("__exit__" in m.methods for m in self.index.lineage(info))
        context_manager = (
            # a pool's `with` ends it, a subclass's too, unless it overrides __exit__ (then
            # that one decides: its reaping is among the class's reapers)
            (rule.context_manager and not overrides_exit)
            or bool(parent and parent.context_manager and not overrides_exit)
            or "__exit__" in reap
        )
        loops_forever = bool(parent and parent.loops_forever)
        run_known = bool(parent and parent.run_known)
        loop_reason = parent.loop_reason if parent is not None else ""
        if run is not None:
            # a loop until its flag is set does not end by itself: its stop methods are reapers
            endless = forever is not None
            if served and not stopping and not off_thread:
                # serving an object another owns (`self._client.client.loop_forever()`):
                # stopped by that owner, when the module shows it
                endless = endless and not self._stopped_here(served, run.body, run)
            # (a flag a base elsewhere owns and may end: not judged here)
            flagged = found is not None and not (not stuck and self._base_owns(found[0], info, run))
            loops_forever = endless or flagged
            stoppers = sorted(reap - set(rule.reaped_by_methods))
            if flagged and not endless and self._registers_own_stop(info, stoppers):
                loops_forever = False  # it stops itself when its registered callback runs
            if (
                found is not None
                and not endless
                and not stoppers
                and self._lowered_by_users(found[0])
            ):
                # its flag is lowered only by the code using its objects, outside the class
                # (`hist.gc.wait_for_shell = False`, in this module or another of the package):
                # it ends when they lower it, as a thread ending by itself
                loops_forever = False
            loop_reason = (
                stuck
                if stuck and not endless
                else "loops with no exit"
                if endless or not stoppers
                else f"loops until {' or '.join(f'{m}()' for m in stoppers[:2])} is called"
            )
            if off_thread:
                loop_reason = off_thread
            if not loops_forever:
                unsent = self._sentinel_never_sent(run)
                if unsent:
                    loops_forever, loop_reason = True, unsent
            run_known = True

        feeds = ""
        if run is not None and not loops_forever:
            feeds = next(
                (
                    queue
                    for _, queue in self._waiting_puts(run)
                    if _own_attribute(queue) and self._iterator_queue(info, queue)
                ),
                "",
            )
        fed_parameter = (
            self._fed_parameter(info, run) if run is not None and not loops_forever else (-1, "")
        )
        fed_attribute = ""
        if run is not None and not loops_forever and not feeds:
            fed_attribute = next(
                (
                    queue.split(".", 1)[1]
                    for _, queue in self._waiting_puts(run)
                    if _own_attribute(queue) and _made_bounded_by(self.index, info, queue)
                ),
                "",
            )
        return SubclassInfo(
            feeds=feeds,
            fed_parameter=fed_parameter,
            fed_attribute=fed_attribute,
            name=info.name,
            rule=rule,
            self_starting=self_starting,
            daemon=daemon,
            reap_methods=frozenset(reap),
            context_manager=context_manager,
            loops_forever=loops_forever,
            run_known=run_known,
            loop_reason=loop_reason,
            stop_flags=stop_flags,
            flag_asks=tuple(asks) if stuck and loop_reason == stuck else (),
            start_values=(
                self._start_values(info, found[0])
                if loops_forever and found is not None and forever is None
                else ()
            ),
        )

    def _fed_parameter(self, info: ClassInfo, run: cst.FunctionDef) -> tuple[int, str]:
        """The constructor parameter (position after self, name) whose queue run() fills with
        puts that wait for room: ``__init__(self, q, items)`` copying ``self.q = q`` once, and
        run() putting into ``self.q`` in a loop. (-1, "") when there is none."""
        init = next(
            (m.methods["__init__"] for m in self.index.lineage(info) if "__init__" in m.methods),
            None,
        )
        if init is None:
            return -1, ""
        params = [p.name.value for p in init.params.params][1:]
        keyword_only = {p.name.value for p in init.params.kwonly_params}
        filled = {queue for _, queue in self._waiting_puts(run) if _own_attribute(queue)}
        for target, value in assignments(init):
            attribute = dotted_name(target) or ""
            if attribute not in filled or not isinstance(value, cst.Name):
                continue
            if sum(1 for t, _ in assignments(init) if dotted_name(t) == attribute) != 1:
                continue
            if value.value in params:
                return params.index(value.value), value.value
            if value.value in keyword_only:
                return -1, value.value
        return -1, ""

    def _start_values(
        self, info: ClassInfo, loop_flags: dict[str, bool | None]
    ) -> tuple[tuple[int, str, bool, bool | None], ...]:
        """The flags of run()'s loop (``loop_flags``, from ``_flag_loop``) that ``__init__``
        copies from one of its parameters (``self.wait_for_shell = wait_for_shell``), each as
        (position after self, parameter, the truth value ending the loop, the truth of the
        parameter's default), when no method sets the flag to anything else: a start passing
        that value, or leaving a default of it, begins with the loop already over."""
        init = info.methods.get("__init__")
        if init is None:
            return ()
        flags = {flag: end for flag, end in loop_flags.items() if end is not None}
        params = [p.name.value for p in init.params.params][1:]
        keyword_only = {p.name.value for p in init.params.kwonly_params}
        defaults = {
            p.name.value: literal_truth(p.default)
            for p in (*init.params.params, *init.params.kwonly_params)
            if p.default is not None
        }
        values: list[tuple[int, str, bool, bool | None]] = []
        for target, value in assignments(init):
            flag = dotted_name(target) or ""
            if flag not in flags or not isinstance(value, cst.Name):
                continue
            if value.value in params:
                position = params.index(value.value)
            elif value.value in keyword_only:
                position = -1
            else:
                continue
            copies = sum(1 for t, _ in assignments(init) if dotted_name(t) == flag)
            others = [
                set_to
                for member in self.index.lineage(info)
                for method in member.methods.values()
                if method is not init
                for node in walk_statements(method)
                for name, set_to in flags_set(node)
                if name == flag
            ]
            if copies == 1 and all(set_to == flags[flag] for set_to in others):
                values.append((position, value.value, flags[flag], defaults.get(value.value)))
        return tuple(values)

    def _rearms_too(self, branch: cst.CSTNode | None, node: cst.CSTNode) -> bool:
        """Does ``branch`` (the other branch of an ``if``) make the same call as ``node``?"""
        if branch is None or not isinstance(node, cst.Call):
            return False
        return any(
            isinstance(other, cst.Call) and _same_call(other, node)
            for other in walk_statements(branch)
        )

    def _rearms_after(self, statement: cst.If, node: cst.CSTNode) -> bool:
        """Do the statements following ``statement`` in its block make the same call as
        ``node``?"""
        block = self.index.parent_of(statement)
        if not isinstance(block, cst.IndentedBlock) or statement not in block.body:
            return False
        return any(
            self._rearms_too(later, node) for later in block.body[block.body.index(statement) + 1 :]
        )

    def _registers_own_stop(self, info: ClassInfo, stoppers: list[str]) -> bool:
        """Does the class hand one of its own stop methods on to be called later
        (``weakref.ref(owner, self._stop)``, ``weakref.finalize(owner, self.stop)``,
        ``atexit.register(self.stop)``)? Then the loop ends when that callback runs, as a
        ``__del__`` that stops it would."""
        for method in info.methods.values():
            for call in calls_in(self.index, method):
                for arg in call.args:
                    value = arg.value
                    if (
                        isinstance(value, cst.Attribute)
                        and dotted_name(value.value) == "self"
                        and value.attr.value in stoppers
                    ):
                        return True
        return False

    def site_for(self, call: cst.Call) -> Site | None:
        qualified = self.index.resolve(call.func)
        if qualified is None:
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
                    if subclass is not None and not subclass.defined_in(qualified):
                        subclass = None
            if subclass is None:
                return None
            rule = subclass.rule
        if in_dead_code(self.index, call):  # (asked of the few calls that can start)
            return None
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
            started=not rule.start_methods,
            reap_methods=frozenset(rule.reaped_by_methods),
            context_manager=rule.context_manager,
        )
        if subclass is not None:
            site.started = site.started or subclass.self_starting
            site.daemon = subclass.daemon
            if subclass.factory and dotted_name(argument(call, -1, "daemon")) == "False":
                site.daemon = False  # `start_thread(name, loop, daemon=False)`: the caller's say
            site.reap_methods = subclass.reap_methods
            site.context_manager = subclass.context_manager
            site.target_known = subclass.run_known
            site.stop_flags = subclass.stop_flags
            site.flag_asks = subclass.flag_asks
            if subclass.feeds and qualified.startswith("@"):
                site.feeds, site.feeds_class = subclass.feeds, subclass.name
            elif subclass.fed_parameter[1]:
                site.feeds = self._given_queue_fed(call, subclass)
            elif subclass.fed_attribute:
                site.feeds = self._own_queue_taken(call, subclass.fed_attribute)
            given = _own_flag_given(call, subclass) if subclass.loops_forever else None
            if given is not None and self._lowered_in_class(call, *given):
                # `Receiver(conn, self._running)`, run() looping `while self._alive.is_set():`
                # on that Event: the object starting it holds the flag, and its methods
                # lowering it stop the thread, as for a target looping on the object's flag
                site.until_stopped = True
                site.until_flag, site.until_value = given
            elif subclass.loops_forever and not _begins_over(call, subclass):
                site.loops_forever(
                    f"{subclass.name} keeps a thread on .{subclass.owned} that {subclass.loop_reason}"
                    if subclass.owned
                    else f"{subclass.name}.run() {subclass.loop_reason or 'loops with no exit'}"
                )
        if kwarg_true(call, "daemon") and (subclass is None or not subclass.factory):
            site.daemon = True
        if subclass is not None and subclass.factory:
            self.check_target_argument(site, subclass.target_position, subclass.target_keyword)
        elif (rule.kind.joinable or rule.kind is Kind.RAW_THREAD) and (
            subclass is None or not subclass.run_known
        ):
            self._check_target(site)
        if rule.kind.thread and not site.forever and not (subclass and subclass.factory):
            self._check_chain(site)  # (a factory makes plain threads: no timer chain)
        if rule.kind is Kind.POOL:
            self._check_initializer(site)
        return site

    def _check_initializer(self, site: Site) -> None:
        """A pool whose workers run an initializer that never returns (``Pool(n, serve_forever,
        (queue,))``: ``Pool(processes, initializer, initargs)``) never has them take a task, nor
        the sentinel close() sends: they run until terminated."""
        position = 1 if site.via.rsplit(".", 1)[-1] == "Pool" else -1
        initializer = argument(site.call, position, "initializer")
        if initializer is None:
            return
        function = self.function_for(initializer, site.call)
        if function is not None and (loop := endless_loop(function)) is not None:
            site.loops_forever(
                f"its initializer {function.name.value}() never returns: its workers take no "
                "task, nor the sentinel close() sends them",
                loop,
            )

    def _lowered_in_class(self, call: cst.Call, flag: str, end: bool) -> bool:
        """Does a method of the class holding ``call`` (its lineage) set ``flag``
        (``self._running``) to ``end``, the truth ending the loop waiting on it, through the
        object both hold (``self._running.clear()``)? Storing a new value there
        (``self.running = False``) rebinds the starter's attribute only: the thread keeps
        the object (a bool, a copy) it was given."""
        info = self.index.class_of(call)
        return info is not None and any(
            name == flag and value is end
            for member in self.index.lineage(info)
            for method in member.methods.values()
            # a private method the module never names (`_halt()`) never runs
            if not _private_unnamed(self.index, method)
            for node in walk_statements(method)
            if isinstance(node, cst.Call)
            for name, value in flags_set(node)
        )

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
        if isinstance(value, cst.Name) and value.value in ("True", "False", "None"):
            return value.value in condition.values  # a constant is its own name
        resolved = self.index.resolve(value)
        return resolved is not None and resolved.rstrip("*") in condition.values

    def target_parameter(self, site: Site, function: cst.FunctionDef) -> tuple[int, str] | None:
        """(position, name) of the parameter of ``function`` that ``site``'s thread runs
        (``Thread(None, callback)`` in ``def make(callback):``); None when it runs something
        else."""
        raw = site.rule.kind is Kind.RAW_THREAD
        target = target_expr(site.call, timer=site.via.endswith("Timer"), position=0 if raw else 1)
        if not isinstance(target, cst.Name):
            return None
        for position, param in enumerate(function.params.params):
            if param.name.value == target.value:
                return position, param.name.value
        for param in function.params.kwonly_params:
            if param.name.value == target.value:
                return -1, param.name.value
        return None

    def check_target_argument(self, site: Site, position: int, keyword: str) -> None:
        """What ``site``'s thread runs is the argument of ``site.call`` at ``position`` (or
        ``keyword``): a factory's call (``make(self._loop)``). Does it loop forever?"""
        value = argument(site.call, position, keyword)
        if value is not None:
            self._check_target(site, value)

    def _check_target(self, site: Site, given: cst.BaseExpression | None = None) -> None:
        """Does the thread's target loop forever, or (a Timer) re-arm another Timer?"""
        raw = site.rule.kind is Kind.RAW_THREAD
        target = given or target_expr(
            site.call, timer=site.via.endswith("Timer"), position=0 if raw else 1
        )
        if target is None:
            return
        if isinstance(target, cst.Attribute) and target.attr.value in FOREVER_METHODS:
            site.target_known = True
            served = dotted_name(target.value) or ""
            if held := self._object_event_given(site.call):
                # `Thread(target=poller.run_forever, args=(self.stop,))`: it serves until the
                # Event of the object starting it is set
                site.until_stopped = True
                site.until_flag = held
                site.ends_unstopped = self._starter_signals(site.call, held, served)
                site.until_unset = self._nothing_sets(site.call, held)
            elif self._stopped_here(served, site.call, None):
                if off := self._stopped_off_thread(served, site.call, None):
                    site.loops_forever(f"its target {self.index.code(target)} {off}")
                    return
                site.serves_stopped = served
                self._serves_replaced(site, served)
            elif self._stopped_by_its_holder(served, site):
                site.serves_stopped = served
                self._serves_replaced(site, served)
            else:
                site.loops_forever(f"its target {self.index.code(target)} runs forever")
                scope = self.index.scope_of(site.call)
                if (
                    served
                    and "." not in served
                    and isinstance(scope, cst.FunctionDef)
                    and self._made_in(scope, served)
                ):
                    # `bot = TeleBot(token); Thread(target=bot.infinity_polling)`: made and
                    # kept where the thread starts, which never stops it
                    site.serves_own = served
            return
        target = self._unwrap_target(target, site.call)
        lambda_call: cst.Call | None = None
        if isinstance(target, cst.Lambda):
            site.target_known = True
            if not isinstance(target.body, cst.Call):
                return
            # `target=lambda: self._poll(interval)`: the thread runs that call's function
            lambda_call = target.body
            target = target.body.func
        function = self.function_for(target, site.call)
        if function is None:
            if isinstance(target, cst.Attribute):
                self._serves_replaced(site, dotted_name(target.value) or "")
            return
        site.target_known = True
        site.sleeps_first = _first_sleep(function)
        owner = self.index.class_of(function.body)
        if (
            site.sleeps_first is not None
            and owner is not None
            and 0 < self._seconds(site.sleeps_first, owner) <= SHORT_INTERVAL
        ):
            site.sleeps_first = None  # `time.sleep(self.DELAY)` with `DELAY = 0.2`: a delay
        endless = endless_loop(function) or self._delegated_endless(function)
        served = _served_object(endless)
        if served and "." not in served:
            # a parameter the start hands the object (`target=self._run, args=(self._loop,)`,
            # `def _run(loop): loop.run_forever()`): a method stopping that object stops it
            given_object = self._named_at_start(site, function, served, dotted=True)
            if given_object.startswith("self.") and self._stopped_here(
                given_object, site.call, None
            ):
                served = given_object
        elif served and "." in served:
            # an attribute of a parameter the start hands the object itself (`kwargs=
            # {"runner": self}`, `def run(runner): runner._server.serve_forever()`): the
            # object's own attribute, which a method of it may stop
            head, rest = served.split(".", 1)
            given_object = self._named_at_start(site, function, head, dotted=True)
            if given_object == "self" and self._stopped_here(f"self.{rest}", site.call, None):
                served = f"self.{rest}"
        if served and self._stopped_here(served, site.call, function):
            if off := self._stopped_off_thread(served, site.call, function):
                site.loops_forever(f"its target {function.name.value}() {off}", endless)
                return
            endless = None  # it serves until that object is stopped, which this module does
            site.serves_stopped = served
        if endless is None and (spinning := self._readline_mismatch(site, function)):
            loop, reason = spinning
            site.loops_forever(f"its target {function.name.value}() {reason}", loop)
            return
        if endless is None and (parked := self._accept_parked(function)) is not None:
            endless = parked
            site.loops_forever(
                f"its target {function.name.value}() waits in accept(), left only when accept() "
                "fails: closing the socket from another thread does not wake it (only "
                "shutdown(), a timeout or a new connection does)",
                parked,
            )
            return
        if endless is not None:
            if served and "." not in served and self._made_in(function, served):
                site.serves_own = served
            if isinstance(endless, cst.While) and main_thread_alive(
                endless.test, thread_names(function)[0]
            ):
                # it runs as long as the program, and ends when the interpreter shuts down,
                # before it waits for the non-daemon threads: it never holds exit, as a daemon
                site.daemon = True
                site.loops_forever(
                    f"its target {function.name.value}() loops while the main thread is alive: "
                    "until the program exits",
                    endless,
                )
                return
            site.loops_forever(f"its target {function.name.value}() loops with no exit", endless)
            return
        if watched := self._joins_a_lasting_thread(function):
            # it ends once that thread has: the main thread is marked done at shutdown before
            # the interpreter waits for the others, so it never holds exit, as a daemon
            site.daemon = True
            site.loops_forever(
                f"its target {function.name.value}() waits in the join() of `{watched}`: it "
                "lasts as long as that thread, for the main thread the life of the program"
            )
            return
        handed = self._attributes_given(site, function)
        asks: list[str] = []
        found = self._flag_loop(function, handed)
        stuck, site.stop_misses = self._stuck_flag_loop(function, found, handed, asks)
        site.flag_asks = tuple(asks)
        if stuck:
            site.loops_forever(f"its target {function.name.value}() {stuck}")
        elif found is not None:
            site.until_stopped = True
            site.until_flag = next(iter(found[0]), "")
            site.until_value = found[0].get(site.until_flag)
            site.ends_unstopped = self._may_end_unstopped(site.call, target, function, found[0])
            site.until_collected = self._set_when_collected(site.call, target, found[0])
            site.outsleeps, site.restarter, site.reset_flag = self._outsleeps(
                site.call, function, found[0]
            )
        else:
            sentinels = self._loop_sentinels(function)
            unsent = self._unsent(function, *sentinels) if sentinels is not None else ""
            if unsent:
                site.loops_forever(f"its target {function.name.value}() {unsent}")
                return
            site.until_sentinel = sentinels is not None and all(
                self._own_queue(
                    site.call,
                    # a parameter: what the start hands it (`args=(self._q,)`)
                    queue
                    if queue.startswith("self.")
                    else self._named_at_start(site, function, queue, dotted=True),
                )
                for queue, _ in sentinels[1]
            )
            event = next(
                (
                    waited
                    for node in walk_statements(function)
                    if isinstance(node, cst.While) and (waited := _event_waited(node.test))
                ),
                "",
            )
            site.signal = self._signal_given(site, function, given, event, sentinels)
            if not site.signal and given is None and sentinels is None:
                flag, lowered = self._closure_flag(site, function)
                if flag and not lowered:
                    site.loops_forever(
                        f"its target {function.name.value}() loops on `{flag}`, which nothing "
                        "lowers once the thread is started"
                    )
                    return
                site.signal = flag
                site.signal_flag = bool(flag)
            if not site.signal and given is None:
                site.feeds = self._fed_queue(site, function, target, lambda_call)
                if site.feeds.startswith("self."):
                    info = self.index.class_of(site.call)
                    site.feeds_class = info.name if info is not None else ""
            if site.signal and event and self._never_set(site):
                site.loops_forever(
                    f"its target {function.name.value}() waits for `{site.signal}`, "
                    "which nothing sets"
                )
            elif (
                event
                and given is None
                and (held := self._named_at_start(site, function, event, dotted=True))
                and held == self._object_event_given(site.call, held)
            ):
                # `args=(self._stop,)`: it waits for the Event of the object starting it
                site.until_stopped = True
                site.until_flag = held
                site.ends_unstopped = self._starter_signals(site.call, held)
                site.until_unset = self._nothing_sets(site.call, held)
                site.until_collected = self._set_when_collected(site.call, target, {held: True})
                if site.until_unset and held.rsplit(".", 1)[-1].startswith("_"):
                    # the object's private Event, which nothing of its module sets: never
                    site.loops_forever(
                        f"its target {function.name.value}() waits for `{held}`, which nothing sets"
                    )

    def _serves_replaced(self, site: Site, served: str) -> None:
        """A thread running a method of ``self.X`` (``Thread(target=self._worker.run)``, code
        this module cannot read, or a ``serve_forever()``) that the class stops through that
        attribute (``self._worker.shutdown()`` in another method) serves until that stop: it
        does not end by itself. When the method starting it makes the object anew there
        before (``self._worker = Worker()``) without stopping the one kept before, each call
        replaces the only reference the stop goes through: the threads serving the objects
        before can no longer be stopped (site.serves_replaced; harm weighs how often)."""
        if not re.fullmatch(r"self\.\w+", served):
            return
        scope = self.index.scope_of(site.call)
        info = self.index.class_of(site.call)
        if not isinstance(scope, cst.FunctionDef) or info is None:
            return
        makes = [
            value
            for bound, value in assignments(scope)
            if dotted_name(bound) == served and isinstance(value, cst.Call)
        ]
        # (line numbers only where there is a store: each costs a print of the module)
        start = self.index.line_of(site.call) if makes else 0
        made = any(self.index.line_of(value) < start for value in makes)
        if not made or self._stops(served, [scope]):
            return  # the same object each time, or the one before stopped first
        members: list[cst.CSTNode] = [m.node for m in self.index.lineage(info)]
        if not self._stops(served, members, skip=scope):
            return
        if self._tested_first(served, site.call, scope) or (
            (callers := self._self_calls(scope, members))
            and all(self._tested_first(served, call, self.index.scope_of(call)) for call in callers)
        ):
            # `if self._reactor is None: self._make()`: made only once the one before is
            # gone, which the stop clears (`self._reactor.stop(); self._reactor = None`)
            return
        site.target_known = True
        site.until_stopped = True
        site.until_flag = served
        site.serves_replaced = served

    def _tested_first(self, served: str, node: cst.CSTNode, scope: cst.CSTNode) -> bool:
        """Is ``node`` reached in ``scope`` only past a test of ``served`` (``if self._x is
        None:`` around it, or ``if self._x is not None: return`` before it)?"""

        def reads(test: cst.BaseExpression) -> bool:
            return any(
                isinstance(inner, cst.Attribute) and dotted_name(inner) == served
                for inner in walk(test, skip_nested=False)
            )

        for ancestor in self.index.ancestors(node):
            if ancestor is scope:
                break
            if isinstance(ancestor, cst.If) and reads(ancestor.test):
                return True
        line = self.index.line_of(node)
        return any(
            isinstance(statement, cst.If)
            and reads(statement.test)
            and self.index.line_of(statement) < line
            and ends_with(statement.body, (cst.Return, cst.Raise))
            for statement in walk_statements(scope)
        )

    def _self_calls(self, method: cst.FunctionDef, members: list[cst.CSTNode]) -> list[cst.Call]:
        """The calls ``self.method()`` in the class's ``members``."""
        name = method.name.value
        return [
            call
            for member in members
            for call in calls_in(self.index, member, nested=True)
            if isinstance(call.func, cst.Attribute)
            and call.func.attr.value == name
            and dotted_name(call.func.value) == "self"
        ]

    def _accept_parked(self, function: cst.FunctionDef) -> cst.While | None:
        """A ``while True:`` loop of ``function`` (or one on the object's stop flag) left only
        through the handler of a ``try`` whose one call is a socket's ``accept()`` (``try: conn
        = listener.accept() except OSError: return``), whose listening socket the module never
        shuts down nor gives a timeout (``_woken``): the thread waits in ``accept()`` until a
        connection comes, since closing the socket from another thread does not wake it
        (Linux), and a stop flag is looked at only between two connections; a listener nobody
        connects to any more holds it for good."""
        if "setdefaulttimeout(" in self.index.text:
            return None  # every socket made after it has that timeout
        for loop in walk_statements(function):
            # (a loop on the object's stop flag, `while self._running:`, looks at it only
            # between two connections, as an `if self._stop: break` in its body does)
            if not isinstance(loop, cst.While) or not (
                literal_truth(loop.test) is True or _reads_own_state(loop.test)
            ):
                continue
            accepting = [
                node
                for node in walk(loop.body, skip_nested=True)
                if isinstance(node, cst.Try) and _only_accepts(node)
            ]
            if not accepting:
                continue
            skipped = {id(h) for node in accepting for h in node.handlers}
            # a way out on the object's stop flag (`if self._stop: break`) is looked at only
            # between two connections: the stop setting it while accept() waits wakes nothing
            skipped |= {
                id(node)
                for node in walk(loop.body, skip_nested=True)
                if isinstance(node, cst.If) and _reads_own_state(node.test)
            }
            if not _other_exit(loop.body, skipped) and not self._woken(accepting, function):
                return loop
        return None

    def _woken(self, accepting: list[cst.Try], function: cst.FunctionDef) -> bool:
        """Does the module shut down the listening socket of these ``accept()`` calls (in
        ``function``), give it a timeout or make it non-blocking (``self._sock.shutdown(
        SHUT_RDWR)``, ``listener.settimeout(1)``): then accept() returns. Told by the socket's
        last name (``_sock`` of ``self._sock``) or a name bound to it (``sock = self._sock``),
        wherever the module calls it so; a timeout on each accepted connection, or an
        executor's shutdown(), wakes nothing. A listener given as a parameter may be called
        anything elsewhere: any such call in the module then counts."""
        listening = {
            last_name(call.func.value)
            for node in accepting
            for call in walk(node.body)
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute)
        }
        params = {
            p.name.value
            for p in (*function.params.posonly_params, *function.params.params)
            if p.name.value != "self"
        }
        if "create_connection(" in self.index.text:
            return True  # a stop connecting to its own listener wakes accept()
        if "" in listening or listening & params:
            return (
                re.search(r"\.(?:shutdown|settimeout|setblocking)\(", self.index.text) is not None
            )
        listening |= {
            last_name(target)
            for _, target, value in assignments_among(
                walk_statements(self.index.module, skip_nested=False)
            )
            if value is not None and last_name(value) in listening
        }
        return any(
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("shutdown", "settimeout", "setblocking")
            and last_name(call.func.value) in listening
            for call in self.index.calls
        )

    def _made_in(self, function: cst.FunctionDef, name: str) -> bool:
        """Is ``name`` a local that ``function`` binds itself (``app = build()``) and keeps to
        itself: read only as the receiver of its own methods (``app.add_handler(...)``), never
        a parameter, handed on, or stored where the code outside could reach it?"""
        params = function.params
        if name in {
            p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)
        }:
            return False
        bound = False
        for use in self.index.uses(name, function):
            parent = self.index.parent_of(use)
            if isinstance(parent, cst.Attribute) and parent.value is use:
                grand = self.index.parent_of(parent)
                if parent.attr.value in STOP_METHODS and not (
                    isinstance(grand, cst.Call) and grand.func is parent
                ):
                    return False  # its stop handed on (`loop.call_later(5, loop.stop)`)
                continue
            if isinstance(parent, cst.AssignTarget) and parent.target is use:
                bound = True
                continue
            return False
        return bound

    def _signal_given(
        self,
        site: Site,
        function: cst.FunctionDef,
        given: cst.BaseExpression | None,
        event: str,
        sentinels: tuple[cst.While, list[tuple[str, cst.BaseExpression]]] | None,
    ) -> str:
        """The Event or queue, as named where the thread is started, whose signal alone ends
        the loop of ``function``: the ``event`` a ``while`` of it waits on (``while not
        stop.wait(5):`` / ``while not stop.is_set():``), or the one queue whose ``sentinels``
        are its endless loop's only exits (``if q.get() is None: return``); the Event or
        queue a parameter the start hands over (``args=(stop,)``, ``kwargs={"stop_event":
        stop}``) or a name the target shares with the function starting it (a closure). ""
        when the loop ends otherwise, or the start does not say what it is given."""
        if given is not None:
            return ""  # (what a factory's caller passes: not this start's to say)
        waited = event
        if not waited:
            queues = {queue for queue, _ in sentinels[1]} if sentinels is not None else set()
            if len(queues) != 1:
                return ""
            waited = queues.pop()
        if "." in waited:
            return ""  # the object's own (`self._q`): a method of its class signals
        return self._named_at_start(site, function, waited)

    def _closure_flag(self, site: Site, function: cst.FunctionDef) -> tuple[str, bool]:
        """The name of the function starting the thread that ``function``, nested in it, loops
        on (``while running:`` / ``while not done:``) and that only that function stores
        (``running = False`` after the start, the first value a store or a parameter's): it is
        to a closure what an Event is to a thread, its signal; and whether anything lowers it.
        Not lowered: bound once, to a literal (``running = True``), and stored by no function
        nested beside (``nonlocal``): the loop never ends. ("", False) when the loop can end
        otherwise (a ``break`` or ``return`` in it), or the thread may store the name itself."""
        scope = self.index.scope_of(site.call)
        if not isinstance(scope, cst.FunctionDef) or self.index.scope_of(function) is not scope:
            return "", False
        own = local_names(function)
        shared = {  # names the thread may store itself
            name.name.value
            for node in walk_statements(function)
            if isinstance(node, cst.Nonlocal | cst.Global)
            for name in node.names
        }
        for node in walk_statements(function):
            if not isinstance(node, cst.While):
                continue
            test = node.test
            if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
                test = test.expression
            if (
                not isinstance(test, cst.Name)
                or test.value in own
                or test.value in shared
                or test.value in ("True", "False", "None")
            ):
                continue
            if any(
                isinstance(inner, cst.Return)
                or (isinstance(inner, cst.Break) and innermost_loop(self.index, inner) is node)
                for inner in walk_statements(node)
            ):
                return "", False  # it may leave the loop by itself
            stores = [value for _, value in values_stored(scope, (test.value,))]
            parameter = test.value in {p.name.value for p in all_params(scope.params)}
            if len(stores) + parameter >= 2:  # its first value, and the one ending the loop
                return test.value, True
            if (
                len(stores) == 1
                and not parameter
                and literal_truth(stores[0]) is (not isinstance(node.test, cst.UnaryOperation))
                and not any(
                    isinstance(inner, cst.Nonlocal | cst.Global | cst.Del)
                    for inner in walk_statements(scope, skip_nested=False)
                )
            ):
                return test.value, False
        return "", False

    def _readline_mismatch(
        self, site: Site, function: cst.FunctionDef
    ) -> tuple[cst.For, str] | None:
        """A ``for line in iter(out.readline, b"")`` of ``function`` over a pipe of a child
        started in text mode (``text=True``, ``universal_newlines=True``, an ``encoding``), or
        ``iter(out.readline, "")`` over one in binary mode: at the end of the stream
        readline() returns ``""`` (text) or ``b""`` (binary), never the other, so the loop
        never meets its sentinel and spins for good once the child has exited. The pipe is
        ``<child>.stdout``/``.stderr``, given at the start or read by the target itself, with
        ``<child>`` bound once in the starting function or its class to a ``Popen(...)``."""
        for node in walk_statements(function):
            if not (isinstance(node, cst.For) and isinstance(node.iter, cst.Call)):
                continue
            call = node.iter
            if not (
                isinstance(call.func, cst.Name)
                and call.func.value == "iter"
                and len(call.args) == 2
                and isinstance(call.args[0].value, cst.Attribute)
                and call.args[0].value.attr.value == "readline"
                and isinstance(call.args[1].value, cst.SimpleString)
            ):
                continue
            sentinel = call.args[1].value
            stream = dotted_name(call.args[0].value.value) or ""
            if stream and "." not in stream:
                stream = self._named_at_start(site, function, stream, dotted=True)
            child, _, pipe = stream.rpartition(".")
            if pipe not in ("stdout", "stderr") or not child:
                continue
            text = self._text_mode(site, child)
            if text is None:
                continue
            binary_sentinel = "b" in sentinel.prefix.lower()
            if text == binary_sentinel:
                said = cst.Module([]).code_for_node(sentinel)
                return node, (
                    f"reads iter({stream}.readline, {said}) from a "
                    + ("text" if text else "binary")
                    + f" pipe, whose readline() returns {chr(39) * 2 if text else 'b' + chr(39) * 2} "
                    f"at its end, never {said}: once the child has exited it spins for good"
                )
        return None

    def _text_mode(self, site: Site, child: str) -> bool | None:
        """Was ``child`` (``proc``, ``self.proc``) made by a ``subprocess.Popen(...)`` bound to
        it once in the function starting the thread (or, for ``self.proc``, in its class), in
        text mode (True) or binary (False)? None when that cannot be told."""
        scope = self.index.scope_of(site.call)
        info = self.index.class_of(site.call)
        bodies: list[cst.CSTNode] = [scope] if isinstance(scope, cst.FunctionDef) else []
        if child.startswith("self.") and info is not None:
            bodies = list(info.methods.values())
        made = [
            value
            for value in _values_bound(bodies, child)
            if dotted_name(value) != "None"  # (a placeholder)
        ]
        if len(made) != 1 or not isinstance(made[0], cst.Call):
            return None
        call = made[0]
        if self.index.resolve(call.func) != "subprocess.Popen":
            return None
        text = False
        for arg in call.args:
            if arg.star:
                return None
            keyword = arg.keyword.value if arg.keyword is not None else ""
            if keyword in ("text", "universal_newlines"):
                if dotted_name(arg.value) == "True":
                    text = True
                elif dotted_name(arg.value) not in ("False", "None"):
                    return None
            elif keyword in ("encoding", "errors"):
                if dotted_name(arg.value) != "None":
                    text = True
        return text

    def _fed_queue(
        self,
        site: Site,
        function: cst.FunctionDef,
        target: cst.BaseExpression | None = None,
        lambda_call: cst.Call | None = None,
    ) -> str:
        """The queue, as named where the thread starts, that ``function`` fills with puts that
        wait for room (``q.put(row)``: no timeout, not ``block=False``), when the function
        starting the thread makes it bounded (``q = Queue(8)``, ``queue.Queue(maxsize=n)``)
        and takes from it itself (``q.get()``): once it is full the thread waits in ``put()``
        until that function takes more, so it ends only once that function has taken what it
        puts. Or such a queue of the object starting the thread (``self._q``, handed over or
        used by a method of its own as target) when its class is an iterator whose
        ``__next__()`` takes from it (``_iterator_queue``). "" otherwise."""
        scope = self.index.scope_of(site.call)
        if not isinstance(scope, cst.FunctionDef):
            return ""
        info = self.index.class_of(site.call)
        own_method = (
            isinstance(target, cst.Attribute)
            and dotted_name(target.value) == "self"
            and info is not None
            and info.methods.get(target.attr.value) is function
        )
        for call, queue in self._waiting_puts(function):
            assert isinstance(call.func, cst.Attribute)
            if isinstance(call.func.value, cst.Name):
                named = self._named_at_start(site, function, queue, dotted=True)
                if not named and lambda_call is not None:
                    named = _given_by(lambda_call, function, queue)
            elif own_method and _own_attribute(queue):
                named = queue  # the starting object's own, used by its own method
            else:
                continue
            if not named:
                continue
            if "." not in named:
                if _made_bounded(scope, named) and _takes_from(self.index, scope, named):
                    return named
            elif info is not None and _own_attribute(named) and self._iterator_queue(info, named):
                return named
        return ""

    def _given_queue_fed(self, call: cst.Call, subclass: SubclassInfo) -> str:
        """The queue ``call`` hands the constructor of ``subclass``, whose run() fills it
        (``Feeder(q, items)``), when the function making that call makes it bounded and takes
        from it itself: the thread (the child) then ends only once that function has taken
        what it puts. "" otherwise."""
        position, name = subclass.fed_parameter
        given = argument(call, position, name)
        scope = self.index.scope_of(call)
        if not isinstance(given, cst.Name) or not isinstance(scope, cst.FunctionDef):
            return ""
        queue = given.value
        if _made_bounded(scope, queue) and _takes_from(self.index, scope, queue):
            return queue
        return ""

    def _own_queue_taken(self, call: cst.Call, attribute: str) -> str:
        """``feeder.q`` when ``call`` is bound to a name (``feeder = Prefetcher(items)``) and
        the function making it takes from the bounded queue its object fills
        (``feeder.q.get()``): that function is then the only consumer. "" otherwise."""
        statement = self.index.parent_of(call)
        scope = self.index.scope_of(call)
        if (
            not isinstance(statement, cst.Assign)
            or len(statement.targets) != 1
            or not isinstance(statement.targets[0].target, cst.Name)
            or not isinstance(scope, cst.FunctionDef)
        ):
            return ""
        queue = f"{statement.targets[0].target.value}.{attribute}"
        return queue if _takes_from(self.index, scope, queue) else ""

    def _waiting_puts(self, function: cst.FunctionDef) -> list[tuple[cst.Call, str]]:
        """The puts of a producer in ``function`` (and the functions it holds): ``q.put(x)``
        in a loop that waits for room (no timeout, not ``block=False``), with the queue's
        dotted name. (A fixed number of puts may all fit: a producer is a loop.)"""
        return [
            (call, dotted_name(call.func.value) or "")
            for call in calls_in(self.index, function, nested=True)
            if isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "put"
            and _put_waits(call)
            and in_loop(self.index, call)
        ]

    def _iterator_queue(self, info: ClassInfo, queue: str) -> bool:
        """Is ``queue`` (``self._q``) made bounded by a method of ``info`` and taken from by
        its iterator protocol (``__next__``/``next``, or a generator ``__iter__``, or a method
        these call on ``self``)? Then whoever iterates the object is the one taking from it."""
        made = _queues_bound(info.methods.values(), queue)
        if len(made) != 1 or not _bounded_queue_value(made[0]):
            return False
        return any(
            _takes_from(self.index, method, queue) for method in iterator_methods(self.index, info)
        )

    def _never_set(self, site: Site) -> bool:
        """Is the Event the thread's loop waits for (``site.signal``, as named where the
        thread starts) made there (``stop = threading.Event()``) and used by nothing but the
        start handing it over and calls that wait for it or read it (``stop.wait()``,
        ``stop.is_set()``)? Then nothing can set it and the loop never ends. A use of any other
        kind (``stop.set()``, ``stop.set`` handed on, ``stop`` passed or stored) may set it."""
        name = site.signal
        scope = self.index.scope_of(site.call)
        if not isinstance(scope, cst.FunctionDef):
            return False
        made = [
            value
            for target, value in assignments(scope)
            if isinstance(target, cst.Name) and target.value == name
        ]
        if len(made) != 1 or not (
            isinstance(made[0], cst.Call) and last_name(made[0].func) == "Event"
        ):
            return False
        for use in self.index.uses(name, scope):
            parent = self.index.parent_of(use)
            if isinstance(parent, cst.AssignTarget) or self.index.inside(use, site.call):
                continue
            if (
                isinstance(parent, cst.Attribute)
                and parent.value is use
                and parent.attr.value in ("wait", "is_set", "isSet")
                and isinstance(self.index.parent_of(parent), cst.Call)
            ):
                continue
            return False
        return True

    def _attributes_given(self, site: Site, function: cst.FunctionDef) -> dict[str, str]:
        """The parameters of ``function`` (a method) that the start of ``site`` binds to
        attributes of the object (``Thread(target=self._handle, args=(self._events,))``):
        ``{"events": "self._events"}``."""
        if self.index.method_of(function.body) is not function:
            return {}
        found: dict[str, str] = {}
        for param in [*function.params.posonly_params, *function.params.params][1:]:
            name = param.name.value
            said = self._named_at_start(site, function, name, dotted=True)
            if said.startswith("self.") and said.count(".") == 1:
                found[name] = said
        return found

    def _named_at_start(
        self, site: Site, function: cst.FunctionDef, name: str, dotted: bool = False
    ) -> str:
        """What the start of ``site`` hands ``function`` as its parameter ``name`` (a plain
        name; with ``dotted``, an attribute too: ``self._stop``), or ``name`` itself when it is
        no parameter but a name of the scope starting the thread that ``function`` is nested
        in (a closure). "" otherwise."""

        def said(value: cst.BaseExpression) -> str:
            if dotted:
                return dotted_name(value) or ""
            return value.value if isinstance(value, cst.Name) else ""

        params = [*function.params.posonly_params, *function.params.params]
        names = [param.name.value for param in params]
        if name not in names:
            outer = self.index.scope_of(function)
            start_scope = self.index.scope_of(site.call)
            if outer is start_scope and any(
                isinstance(target, cst.Name) and target.value == name
                for target, _ in assignments(outer)
            ):
                return name
            return ""
        position = names.index(name)
        if self.index.method_of(function.body) is function and names and names[0] == "self":
            position -= 1  # a bound method: self is not handed over
        # `target=functools.partial(run, loop)`: the wrapper's own arguments come first
        wrapper = next(
            (
                arg.value
                for arg in site.call.args
                if arg.keyword is not None
                and arg.keyword.value == "target"
                and isinstance(arg.value, cst.Call)
            ),
            None,
        )
        if wrapper is not None:
            bound = [a for a in wrapper.args if a.keyword is None and not a.star][1:]
            if 0 <= position < len(bound):
                return said(bound[position].value)
            for arg in wrapper.args:
                if arg.keyword is not None and arg.keyword.value == name:
                    return said(arg.value)
            position -= len(bound)
        for arg in site.call.args:
            keyword = arg.keyword.value if arg.keyword is not None else ""
            if keyword == "args" and isinstance(arg.value, cst.Tuple | cst.List):
                elements = arg.value.elements
                if 0 <= position < len(elements):
                    return said(elements[position].value)
            if keyword == "kwargs" and isinstance(arg.value, cst.Dict):
                for element in arg.value.elements:
                    if (
                        isinstance(element, cst.DictElement)
                        and isinstance(element.key, cst.SimpleString)
                        and element.key.evaluated_value == name
                    ):
                        return said(element.value)
            if (
                keyword == "kwargs"
                and isinstance(arg.value, cst.Call)
                and isinstance(arg.value.func, cst.Name)
                and arg.value.func.value == "dict"
            ):
                # `kwargs=dict(loop=self._loop)`
                for given in arg.value.args:
                    if given.keyword is not None and given.keyword.value == name:
                        return said(given.value)
        return ""

    def _sentinel_never_sent(self, function: cst.FunctionDef) -> str:
        """Why the endless loop of ``function`` never ends though it has exits: each exit tests
        a value it takes from a queue with a ``get()`` that waits for ever (``item =
        q.get()``, then ``if item is None: break``), so the loop ends only when that value is
        put in the queue, and nothing that can reach the queue puts it: no ``put`` of the
        sentinel (nor of a value that may be it). The queue must be one only this code can
        reach: a local of the function starting the thread that the target shares (a
        closure), or an attribute of the object that no code outside its class uses. "" when
        it may end."""
        found = self._loop_sentinels(function)
        if found is None:
            return ""
        return self._unsent(function, *found)

    def _loop_sentinels(
        self, function: cst.FunctionDef
    ) -> tuple[cst.While, list[tuple[str, cst.BaseExpression]]] | None:
        """The endless loop of ``function`` and, when its every exit tests a value it takes
        from a queue with a ``get()`` that waits for ever, each (queue, value ending it)."""
        loop = next(
            (
                node
                for node in walk_statements(function)
                if isinstance(node, cst.While) and always_true(node.test, function)
            ),
            None,
        )
        if loop is None:
            return None
        taken: dict[str, str] = {}  # local name -> the queue it is taken from
        for node in walk_statements(loop):
            target: cst.BaseExpression
            value: cst.BaseExpression | None
            if isinstance(node, cst.Assign) and len(node.targets) == 1:
                target, value = node.targets[0].target, node.value
            elif isinstance(node, cst.NamedExpr | cst.AnnAssign):
                target, value = node.target, node.value
            else:
                continue
            if (
                isinstance(target, cst.Name)
                and isinstance(value, cst.Call)
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value == "get"
                and _blocks(value)
            ):
                queue = dotted_name(value.func.value) or ""
                if queue and (queue.count(".") == 0 or queue.startswith("self.")):
                    taken[target.value] = queue
        if not taken:
            return None
        # (an exception caught in the loop goes on looping; one that leaves it is an exit below)
        sentinels: list[tuple[str, cst.BaseExpression]] = []  # (queue, the value ending it)
        for node in walk_statements(loop):
            if not isinstance(node, cst.Break | cst.Return | cst.Raise):
                continue
            if isinstance(node, cst.Break) and innermost_loop(self.index, node) is not loop:
                continue
            found = self._sentinel_of(node, loop, taken)
            if found is None:
                return None  # an exit on something else
            sentinels.append(found)
        if not sentinels:
            return None
        return loop, sentinels

    def _own_queue(self, call: cst.Call, queue: str) -> bool:
        """Is ``queue`` (``self._outbox``) a queue the object starting the thread makes itself
        (every store of it in its class is a call: ``self._outbox = queue.Queue()``), so that
        only the object can put in it? One given to it (``self._outbox = outbox``) is held by
        others too."""
        info = self.index.class_of(call)
        if info is None or not queue.startswith("self."):
            return False
        made = False
        for method in self.index.method_table(info).values():
            for node in walk_statements(method):
                if not isinstance(node, cst.Assign):
                    continue
                if any(dotted_name(t.target) == queue for t in node.targets):
                    if not isinstance(node.value, cst.Call):
                        return False
                    made = True
        return made

    def _unsent(
        self,
        function: cst.FunctionDef,
        loop: cst.While,
        sentinels: list[tuple[str, cst.BaseExpression]],
    ) -> str:
        """Why the sentinel loop of ``function`` never ends: no code that can reach its queue
        puts a sentinel there (see _sentinel_never_sent); "" when some may."""
        finalized = False  # a put that only the object's __del__ makes
        for queue in {queue for queue, _ in sentinels}:
            scope = self._queue_scope(function, queue)
            if scope is None:
                return ""
            wanted = [value for q, value in sentinels if q == queue]
            for call in calls_in(self.index, scope, nested=True):
                func = call.func
                if (
                    isinstance(func, cst.Attribute)
                    and func.attr.value in ("put", "put_nowait")
                    and dotted_name(func.value) == queue
                    and not self.index.inside(call, function)
                ):
                    put = argument(call, 0, "item")
                    if put is None or any(self._may_be(call, put, v, scope) for v in wanted):
                        if self._only_when_collected(call, function):
                            finalized = True
                            continue
                        return ""
        first, sentinel = sentinels[0]
        if finalized:
            return (
                f"blocks in {first}.get() until it takes {self.index.code(sentinel)}, which only "
                f"{_finalizer_only('puts')}"
            )
        return (
            f"blocks in {first}.get() until it takes {self.index.code(sentinel)}, which nothing "
            "puts in the queue: the loop never ends"
        )

    def _only_when_collected(self, node: cst.CSTNode, target: cst.FunctionDef) -> bool:
        """Does ``node`` run only when the object is collected: in ``__del__``, or in private
        methods only ``__del__`` calls, of the class whose method ``target`` is (the thread's
        target, or a Thread subclass's run())? The running thread holds that object (its bound
        method, or the thread itself while threading keeps it among the live threads), so it is
        never collected while the thread runs: what only its finalizer does never stops the
        thread."""
        index = self.index
        if index.method_of(target.body) is not target:
            return False  # a function of its own, not a method: it holds no object
        method = index.method_of(node)
        if method is None or index.class_of(method.body) is not index.class_of(target.body):
            return False
        return runs_only_when_collected(index, node)

    def _may_be(
        self,
        call: cst.Call,
        put: cst.BaseExpression,
        sentinel: cst.BaseExpression,
        scope: cst.CSTNode,
    ) -> bool:
        """May the value ``put`` in a queue by ``call`` be ``sentinel``? A name bound only to
        literals or displays (``params = {}``) is not; a parameter of the function putting
        it (``def submit(self, fn): self._q.put(fn)``) is only where a call of that function
        in the module passes what may be the sentinel (``self.submit(None)``); any other name
        (a loop variable, a call's result) may be."""
        if not isinstance(put, cst.Name) or put.value in ("None", "True", "False"):
            return _may_be_value(put, sentinel)
        name = put.value
        function = self.index.scope_of(call)
        if isinstance(function, cst.FunctionDef):
            params = [p.name.value for p in function.params.params]
            keywords = {p.name.value for p in function.params.kwonly_params}
            if (name in params or name in keywords) and not any(
                isinstance(target, cst.Name) and target.value == name
                for target, _ in assignments(function)
            ):
                method = self.index.class_of(function.body) is not None and params[:1] in (
                    ["self"],
                    ["cls"],
                )
                position = params.index(name) - int(method) if name in params else -1
                for other in self.index.calls:
                    if last_name(other.func) != function.name.value:
                        continue
                    given = argument(other, position, name)
                    if given is not None and (
                        (
                            isinstance(given, cst.Name)
                            and given.value not in ("None", "True", "False")
                        )
                        or _may_be_value(given, sentinel)
                    ):
                        return True
                return False
        bindings = [
            value
            for target, value in assignments(scope)
            if isinstance(target, cst.Name) and target.value == name
        ]
        return (
            not bindings
            or not all(_literal(value) for value in bindings)
            or any(_binds_otherwise(node, name) for node in walk_statements(scope, False))
        )

    def _infinite_bound(self, test: cst.BaseExpression, function: cst.FunctionDef) -> bool:
        """Does ``test`` compare with an attribute of the object that the class only ever binds
        to infinity (``self._total = float("inf")``): a counter never reaches it."""
        info = self.index.class_of(function.body)
        if info is None:
            return False
        read = {
            dotted_name(node)
            for node in walk_statements(test, skip_nested=False)
            if isinstance(node, cst.Attribute) and dotted_name(node.value) == "self"
        }
        for name in read:
            values = [
                value
                for member in self.index.lineage(info)
                for method in member.methods.values()
                for target, value in assignments(method)
                if dotted_name(target) == name
            ]
            if values and all(
                value is not None and self.index.code(value).replace(" ", "") in _INFINITIES
                for value in values
            ):
                return True
        return False

    def _sentinel_of(
        self, leaving: cst.CSTNode, loop: cst.While, taken: dict[str, str]
    ) -> tuple[str, cst.BaseExpression] | None:
        """(queue, sentinel) when ``leaving`` (a break, return or raise) sits in the body of an
        ``if`` of ``loop`` testing a value taken from a queue against a sentinel (``item is
        None``, ``msg == STOP``); None otherwise."""
        current: cst.CSTNode = leaving
        for ancestor in self.index.ancestors(leaving):
            if ancestor is loop:
                return None
            if isinstance(ancestor, cst.If) and ancestor.body is current:
                test = ancestor.test
                if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
                    operator = test.comparisons[0].operator
                    if isinstance(operator, cst.Is | cst.Equal):
                        left, right = test.left, test.comparisons[0].comparator
                        for value, sentinel in ((left, right), (right, left)):
                            if isinstance(value, cst.NamedExpr):  # (item := q.get()) is None
                                value = value.target
                            if isinstance(value, cst.Name) and value.value in taken:
                                return taken[value.value], sentinel
                return None
            current = ancestor
        return None

    def _queue_scope(self, function: cst.FunctionDef, queue: str) -> cst.CSTNode | None:
        """Where every put into ``queue`` can be: for a local queue the target shares with the
        function around it (``q = Queue()`` there), that function; for ``self._q``, the class
        (and its local relatives) when nothing outside it names the attribute. None when the
        queue can be reached from elsewhere (handed on, returned, a parameter, a global)."""
        if queue.startswith("self."):
            attr = queue.removeprefix("self.")
            info = self.index.class_of(function.body)
            if info is None or "." in attr:
                return None
            members = self.index.lineage(info)
            for node in self.index.names.get(attr, ()):
                parent = self.index.parent_of(node)
                if not (
                    isinstance(parent, cst.Attribute)
                    and parent.attr is node
                    and dotted_name(parent.value) == "self"
                    and any(self.index.inside(parent, m.node) for m in members)
                ):
                    return None  # named outside the class, or not as self's attribute
                if not _queue_method_use(self.index, parent):
                    holder = self.index.parent_of(parent)
                    statement = (
                        self.index.parent_of(holder)
                        if isinstance(holder, cst.AssignTarget)
                        else holder
                        if isinstance(holder, cst.AnnAssign) and holder.target is parent
                        else None
                    )
                    if not (
                        isinstance(statement, cst.Assign | cst.AnnAssign)
                        and _makes_queue(statement.value)
                    ):
                        return None  # handed on, or bound from something else
            return info.node
        outer = self.index.scope_of(function)
        if not isinstance(outer, cst.FunctionDef):
            return None
        made = False
        for use in self.index.uses(queue, outer):
            parent = self.index.parent_of(use)
            if isinstance(parent, cst.AssignTarget | cst.AnnAssign):
                assign = (
                    self.index.parent_of(parent) if isinstance(parent, cst.AssignTarget) else parent
                )
                if not (
                    isinstance(assign, cst.Assign | cst.AnnAssign) and _makes_queue(assign.value)
                ):
                    return None
                made = True
            elif not _queue_method_use(self.index, use):
                return None  # passed on, returned, stored: others may put into it
        return outer if made else None

    def _flag_loop(
        self, function: cst.FunctionDef, given: dict[str, str] | None = None
    ) -> tuple[dict[str, bool | None], list[cst.Call]] | None:
        """The flags (``self._stop``, ``self.running``) that the loop of ``function`` stops on
        (``while not self._stop:``, ``while True: if self._stop.is_set(): break``), and the
        calls in that loop that block until something is put in a queue (``self._q.get()``
        with no timeout). Each flag maps to the truth value that ends the loop (``not
        self._stop``: True; ``self.running``: False; None when that cannot be told). None when no
        loop of ``function`` waits on a flag of its object. ``given``: parameters of
        ``function`` the start binds to attributes of the object (``args=(self._events,)``
        for ``def _handle(self, events)``): a get() of one is a get() of that attribute."""

        def queue_of(value: cst.BaseExpression) -> str:
            """The object's queue whose get() ``value`` waits in for ever, else "". Not one
            taken only when the queue was just seen holding something (``if q.empty(): sleep
            else: q.get()``): that get() returns at once, the loop its thread alone takes from
            going on to its test."""
            queue = _own_queue_get(value, given)
            if not queue or self._not_a_queue(function, queue):
                return ""
            return "" if self._taken_when_held(value, queue, function) else queue

        for node in walk_statements(function):
            if not isinstance(node, cst.While):
                continue
            flags = exit_values(node.test, False)
            tests: list[tuple[cst.BaseExpression, bool]] = [
                (node.test, False)
            ]  # (test, exits when)
            endless = always_true(node.test, function)
            for inner in walk_statements(node):
                if not isinstance(inner, cst.If):
                    continue
                # a `break` leaves the innermost loop only: one in a nested `for` is not an exit
                breaks = innermost_loop(self.index, inner) is node
                if _leaves(inner.body, loop=breaks):
                    if endless:
                        flags.update(exit_values(inner.test, True))
                    tests.append((inner.test, True))
                elif isinstance(inner.orelse, cst.Else) and _leaves(inner.orelse.body, loop=breaks):
                    if endless:
                        flags.update(exit_values(inner.test, False))
                    tests.append((inner.test, False))
            # a property working its value out (`self.is_running` asking its missions) changes
            # by itself, as a call's answer does: not a flag that only a stop lowers
            info = self.index.class_of(function.body)
            lineage = self.index.lineage(info) if info is not None else []
            computed = {flag for flag in flags if computed_property(lineage, flag)}
            for flag in computed:
                del flags[flag]
            if not flags or _reads_held_state(node.test):
                # (a loop on the state of an object its object holds, `while self.server is
                # None or not self.server.started:`, waits for that object to change, which
                # its own code does as it runs: not for a flag only a stop of this class sets)
                continue
            taken = _taken_from_queues(node, queue_of)
            if taken and _tests_emptiness(node.test, set(taken.values())):
                # `while not self._q.empty(): item = self._q.get()`: it drains the queue it
                # tests and ends when it is empty (the get never waits)
                return None
            if taken:
                # Blocked in the get() of its own queue, the loop sees no other exit until
                # something is put there: only a sentinel the class puts in ends it by itself
                # (`if runnable is SHUTDOWN: break` with `self.queue.put(SHUTDOWN)` in shutdown())
                if any(self._sentinel_put(function, test, taken) for test, _ in tests):
                    return None
            else:
                refreshed = self._refreshed_clocks(function)
                watchdogs = _watchdog_names(node, refreshed)
                changing = _bound_in(node, queue_of) - watchdogs
                updated = _attributes_updated_in(node)
                never = {flag: not value for flag, value in flags.items() if value is not None}
                if any(
                    (
                        any(name in changing for name in names_tested(test))
                        or (_asks_a_call(test) and not _watchdog(test, refreshed))
                        or not computed.isdisjoint(exit_values(test, exits))
                        or (_reads_any(test, updated) and not self._infinite_bound(test, function))
                    )
                    and _truth(test, never) in (None, exits)
                    for test, exits in tests
                ):
                    # an exit on what the loop itself changes (a counter, a local waiter) or
                    # on what a call answers (the clock), which can fire while every flag is
                    # still unset (not `self._closed and self._q.empty()`): it ends by itself
                    return None
            blocking = [call for call in calls_in(self.index, node) if queue_of(call)]
            return flags, blocking
        return None

    def _taken_when_held(self, get: cst.CSTNode, queue: str, function: cst.FunctionDef) -> bool:
        """Is ``get`` reached only where an ``if`` around it in ``function`` has just seen
        ``queue`` hold something: its body under ``if not q.empty():`` (``q.qsize()``,
        ``q.qsize() > 0``), its ``else`` under ``if q.empty():``?"""
        child: cst.CSTNode = get
        for ancestor in self.index.ancestors(get):
            if ancestor is function:
                return False
            if isinstance(ancestor, cst.If) and child is not ancestor.test:
                held = _holds_items(ancestor.test, queue)
                if held is not None and held == (child is ancestor.body):
                    return True
            child = ancestor
        return False

    def _sentinel_put(
        self, function: cst.FunctionDef, test: cst.BaseExpression, taken: dict[str, str]
    ) -> bool:
        """Does ``test`` compare a value taken from a queue (``runnable is Pool.SHUTDOWN``,
        ``item is None``, ``not item``) with a sentinel that a method of the class puts in that
        queue (``self.queue.put(self.SHUTDOWN)``, ``self._q.put(None)``)?"""
        wanted: list[tuple[str, str]] = []  # (queue, the sentinel's last name)
        for node in walk(test):
            if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
                left, right = node.left, node.comparisons[0].comparator
                for value, sentinel in ((left, right), (right, left)):
                    if isinstance(value, cst.Name) and value.value in taken:
                        last = (dotted_name(sentinel) or "").rsplit(".", 1)[-1]
                        if last:
                            wanted.append((taken[value.value], last))
            elif isinstance(node, cst.UnaryOperation) and isinstance(node.expression, cst.Name):
                if node.expression.value in taken:  # `if not item:`
                    wanted.append((taken[node.expression.value], "None"))
        if not wanted:
            return False
        info = self.index.class_of(function.body)
        scopes: list[cst.CSTNode] = (
            [m.node for m in self.index.lineage(info)] if info is not None else [self.index.module]
        )
        for scope in scopes:
            for call in calls_in(self.index, scope, nested=True):
                func = call.func
                if not (
                    isinstance(func, cst.Attribute)
                    and func.attr.value in ("put", "put_nowait")
                    and call.args
                ) or self.index.inside(call, function):
                    continue  # the worker putting it back (to wake a sibling) stops nobody
                queue = dotted_name(func.value) or ""
                put = (dotted_name(call.args[0].value) or "").rsplit(".", 1)[-1]
                if any(queue == q and put == last for q, last in wanted):
                    if not self._only_when_collected(call, function):
                        return True
        return False

    def _not_a_queue(self, function: cst.FunctionDef, attribute: str) -> bool:
        """Is ``attribute`` (``self._deadlines``, ``self._backoff``) something other than a
        queue wherever the class of ``function`` binds it: a mapping (``{}``, ``dict()``,
        ``defaultdict(list)``) or an object of a class not named a queue (``Backoff()``)? Its
        ``get()`` returns at once; only a queue's blocks. Bound from a parameter, a queue
        (``queue.Queue()``, ``ctx.Queue()``, ``asyncio.Queue()``) or nowhere here: a queue."""
        info = self.index.class_of(function.body)
        name = attribute.removeprefix("self.")
        if info is None or "." in name:
            return False
        bound: dict[str, list[cst.BaseExpression | None]] = {}
        for member in self.index.lineage(info):
            for method in member.methods.values():
                for target, value in assignments(method):
                    bound.setdefault(dotted_name(target) or "", []).append(value)
        # `self._prev = self._files` takes what the other attribute holds: read through it
        pending, seen, values = [f"self.{name}"], set(), []
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            for value in bound.get(current, []):
                other = dotted_name(value) if value is not None else None
                if other is not None and other.startswith("self.") and other.count(".") == 1:
                    pending.append(other)
                else:
                    values.append(value)
        return bool(values) and all(_not_a_queue(value, self.index) for value in values)

    def _stuck_flag_loop(
        self,
        function: cst.FunctionDef,
        found: tuple[dict[str, bool | None], list[cst.Call]] | None,
        given: dict[str, str] | None = None,
        asks: list[str] | None = None,
    ) -> tuple[str, bool]:
        """Why the flag loop of ``function`` (a method; ``found``: its flags and blocking
        calls, from ``_flag_loop``) never ends though it has an exit: no method of its class
        sets the flag, or every method setting it leaves the loop blocked in a ``get()`` of a
        queue it puts nothing into. "" when it can end. And whether the class has a stop that
        means to end it and cannot (that last case): its object's end leaves the thread
        behind."""
        info = self.index.class_of(function.body)
        if info is None or found is None:
            return "", False
        flags, blocking = found
        setters = self._setters(info, flags)
        outside = (
            self._set_from_outside(flags)
            or self._given_event(info, flags)
            or self._lowered_by_users(flags)
        )
        if not setters and not outside and self._base_owns(flags, info, function):
            # the flags are a base's, from another module, whose methods are not here: they
            # may well set them (`_process_output()` detaching on EOF)
            return "", False
        if not setters and not outside:
            if self.attribute_set is None and asks is not None:
                # not asked yet: the finding asks the runner for the modules naming them; a
                # public one only (`wait_for_shell`): a private flag (`_stop_event`) is its
                # class's own business, which its users do not set
                asks.extend(
                    sorted(
                        name
                        for flag in flags
                        if not (name := flag.rsplit(".", 1)[-1]).startswith("_")
                    )
                )
            return f"waits on {', '.join(sorted(flags))}, which nothing sets to stop it", False
        if (
            setters
            and not outside
            and all(self._only_when_collected(method.body, function) for method in setters)
        ):
            return (
                f"waits on {', '.join(sorted(flags))}, which only {_finalizer_only('sets')}",
                False,
            )
        # what stops the loop: the setters, and the methods calling one of them
        setter_names = {method.name.value for method in setters}
        stoppers = list(setters) + [
            method
            for member in self.index.lineage(info)
            for method in member.methods.values()
            if method not in setters
            and any(
                isinstance(call.func, cst.Attribute)
                and dotted_name(call.func.value) == "self"
                and call.func.attr.value in setter_names
                for call in calls_in(self.index, method)
            )
        ]
        for call in blocking:
            queue = dotted_name(call.func.value) if isinstance(call.func, cst.Attribute) else ""
            queue = (given or {}).get(queue or "", queue)
            if queue and not any(_puts(self.index, method, queue, flags) for method in stoppers):
                setting = ", ".join(f"{m.name.value}()" for m in setters)
                verb = "sets" if len(setters) == 1 else "set"
                return (
                    f"blocks in {queue}.get(): {setting} {verb} {', '.join(sorted(flags))} but "
                    "nothing puts anything in the queue then, so the loop never sees it",
                    bool(setters),
                )
        return "", False

    def _base_owns(
        self, flags: dict[str, bool | None], info: ClassInfo, function: cst.FunctionDef
    ) -> bool:
        """Are ``flags``, which the loop of ``function`` waits on, a base's, defined in another
        module (not the standard library's, whose classes keep no flag of a subclass), that
        its own methods may end: no class of the lineage here assigns any of them, not even a
        first value (in a method or the class body), and either a flag is an Event (read with
        ``is_set()``/``wait()``: an Event is there to be set, by its owner's stop) or the loop
        runs a method the class takes from such a base (``self._process_output()``, whose
        body is not here)? A plain flag the base only gives a value is no stop."""
        family = self.index.lineage(info)
        if not foreign_bases(family):
            return False
        assigned = {
            dotted_name(target)
            for member in family
            for method in member.methods.values()
            for target, _ in assignments(method)
        } | {
            f"self.{dotted_name(target)}"
            for member in family
            for target, _ in assignments(member.node.body)
        }
        if any(flag in assigned for flag in flags):
            return False
        defined = {name for member in family for name in member.methods}
        for call in calls_in(self.index, function):
            func = call.func
            if not isinstance(func, cst.Attribute):
                continue
            if func.attr.value in ("is_set", "isSet", "wait") and dotted_name(func.value) in flags:
                return True  # an Event of the base's
            if dotted_name(func.value) == "self" and func.attr.value not in defined:
                return True  # a method of the base's, run in the loop
        return False

    def _lowered_by_users(self, flags: dict[str, bool | None]) -> bool:
        """Are ``flags`` lowered, to the truth that ends the loop, by the code using the
        objects whose loop waits on them rather than by a method of their class: in this
        module, or in another module of the package (`hist.gc.wait_for_shell = False` in the
        shell that made it, once the runner has handed that module in)? The loop ends when that
        code runs (syntax.lowers_attribute)."""
        for flag, ends in flags.items():
            if ends is None:
                continue
            name = flag.rsplit(".", 1)[-1]
            if lowers_attribute(self.index, name, ends) or (
                self.attribute_set is not None and self.attribute_set(name, ends)
            ):
                return True
        return False

    def _given_event(self, info: ClassInfo, flags: dict[str, bool | None]) -> bool:
        """Is one of ``flags`` an Event the object was given (``self.shutdown_event =
        shutdown_event``, a parameter, read with ``.wait()``/``.is_set()``)? The owner that
        passed it in holds it too and sets it to stop every worker sharing it. A plain value
        given (``self.running = running``) is the object's own copy."""
        for member in self.index.lineage(info):
            for method in member.methods.values():
                # one with a default (`stop_event=None`, then a fresh Event) or rebound in the
                # method may well be the object's own
                given = [*method.params.params, *method.params.kwonly_params]
                bound = list(assignments(method))
                params = {p.name.value for p in given if p.default is None}
                params -= {dotted_name(t) for t, _ in bound} - {None}
                for target, value in bound:
                    flag = dotted_name(target) or ""
                    if not (
                        flag in flags
                        and isinstance(value, cst.Name)
                        and value.value in params
                        and value.value != "self"
                    ):
                        continue
                    if any(
                        isinstance(call.func, cst.Attribute)
                        and call.func.attr.value in ("wait", "is_set")
                        and dotted_name(call.func.value) == flag
                        for call in self.index.calls
                    ):
                        return True
        return False

    def _set_from_outside(self, flags: dict[str, bool | None]) -> bool:
        """Is one of ``flags`` set on the object from outside its class (``worker.stop.set()``,
        ``worker.running = False``)? Matched by the attribute's name anywhere in the module."""
        names = {flag.rsplit(".", 1)[-1] for flag in flags}
        for call in self.index.calls:
            func = call.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value in ("set", "clear")
                and isinstance(func.value, cst.Attribute)
                and func.value.attr.value in names
                and dotted_name(func.value.value) != "self"
            ):
                return True
        for name in names:
            for node in self.index.names.get(name, ()):
                parent = self.index.parent_of(node)
                if (
                    isinstance(parent, cst.Attribute)
                    and parent.attr is node
                    and dotted_name(parent.value) != "self"
                    and isinstance(self.index.parent_of(parent), cst.AssignTarget)
                ):
                    return True
            # and from the whole text, which a slice does not change (another class's method
            # setting `self.ps.keep_going = False` may be left out of it)
            written = re.compile(
                rf"(?<![\w.])([A-Za-z_][\w.]*)\.{re.escape(name)}"
                rf"(?:[ \t]*=(?!=)|\.(?:set|clear)\()"
            )
            if any(match.group(1) != "self" for match in written.finditer(self.index.text)):
                return True
        return False

    def _object_event_given(self, call: cst.Call, wanted: str = "") -> str:
        """The Event of the object starting a thread that the start hands it (``args=(self.
        stop,)``, ``kwargs={"stop": self._stop}``): an attribute of ``self`` the class binds to
        an Event (``self._stop = threading.Event()``), ``wanted`` when given. "" when none."""
        info = self.index.class_of(call)
        if info is None:
            return ""
        given: list[cst.BaseExpression] = []
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value not in ("args", "kwargs"):
                continue
            if isinstance(arg.value, cst.Tuple | cst.List):
                given.extend(element.value for element in arg.value.elements)
            elif isinstance(arg.value, cst.Dict):
                given.extend(
                    element.value
                    for element in arg.value.elements
                    if isinstance(element, cst.DictElement)
                )
        events = {
            dotted_name(bound)
            for member in self.index.lineage(info)
            for method in member.methods.values()
            for bound, value in assignments(method)
            if isinstance(value, cst.Call) and last_name(value.func) == "Event"
        }
        return next(
            (
                name
                for value in given
                if (name := dotted_name(value) or "").startswith("self.")
                and name.count(".") == 1
                and name in events
                and name == (wanted or name)
            ),
            "",
        )

    def _nothing_sets(self, call: cst.Call, event: str) -> bool:
        """Does nothing in the module set the Event ``event`` (``self.stop``) of the object
        starting ``call``: no method of its class, nor code outside it (``bridge.stop.set()``)?"""
        info = self.index.class_of(call)
        if (
            info is None
            or self._setters(info, {event: True})
            or self._set_from_outside({event: True})
        ):
            return False
        # used otherwise than made, waited for, read or handed to a thread (`stop =
        # self._stop; weakref.finalize(self, stop.set)`), it may be set
        attr = event.rsplit(".", 1)[-1]
        for member in self.index.lineage(info):
            for node in self_attribute_nodes(self.index, member, attr):
                use = self.index.parent_of(node)
                above = self.index.parent_of(use) if use is not None else None
                if isinstance(use, cst.AssignTarget):
                    continue  # made: `self._stop = Event()`
                if (
                    isinstance(use, cst.Attribute)
                    and use.value is node
                    and use.attr.value in ("wait", "is_set", "isSet")
                    and isinstance(above, cst.Call)
                ):
                    continue
                if isinstance(use, cst.Element | cst.Arg | cst.DictElement) and any(
                    isinstance(a, cst.Call)
                    and (a is call or last_name(a.func) in ("Thread", "Timer"))
                    for a in self.index.ancestors(node)[:4]
                ):
                    continue  # handed to the thread that waits for it
                if isinstance(use, cst.UnaryOperation | cst.BooleanOperation | cst.If):
                    continue  # read
                return False
        return True

    def _starter_signals(self, call: cst.Call, event: str, served: str = "") -> bool:
        """May the method starting a thread that waits for its object's ``event`` (``self.
        _stop``) end it itself: it sets or clears that Event (a restart, a per-call stop), calls
        a method of the class that does, or stops the object the thread serves (``served``,
        ``poller.stop()``)? True too outside a method."""
        starter = self.index.method_of(call)
        info = self.index.class_of(call)
        if starter is None or info is None:
            return True
        setters = {method.name.value for method in self._setters(info, {event: True})}
        guarded = self._behind_state_test(call, starter)
        for node in walk_statements(starter):
            # a set() stops the ones before (a restart); a clear() alone re-arms it for the new
            # one, unless a test of the object's state lets one run at a time
            if any(
                flag == event and (value is not False or guarded) for flag, value in flags_set(node)
            ):
                return True
            if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
                continue
            owner = dotted_name(node.func.value)
            if owner == "self" and node.func.attr.value in setters:
                return True
            if served and owner == served and node.func.attr.value in STOP_METHODS:
                return True
        return False

    def _may_end_unstopped(
        self,
        call: cst.Call,
        target: cst.BaseExpression,
        loop: cst.FunctionDef,
        flags: dict[str, bool | None],
    ) -> bool:
        """May what is started by ``call``, a thread whose target ``loop`` waits on ``flags``
        of its object, end other than by a stop of its object's: the function starting it
        writes a flag (``self._running = False`` before a restart or after the work, a
        ``clear()`` re-arming it after a stop, ``self.stop()``), the target sets one to what
        ends it itself (a sibling's ``finally`` clearing the flag the next one waits on), or no
        other method sets one so (it is no stop flag). True too when the flags are not the
        starting object's own: the target is no method of the class starting it
        (``target=self._loop`` in the class defining ``_loop``), or the start is in no
        method."""
        starter = self.index.method_of(call)
        info = self.index.class_of(call)
        if (
            starter is None
            or info is None
            or self.index.class_of(loop.body) not in self.index.lineage(info)
            or not (dotted_name(target) or "").startswith("self.")
        ):
            return True
        if any(flag.count(".") > 1 for flag in flags) or any(
            isinstance(node, cst.If)
            and _leaves(node.body, loop=True)
            and _reads_held_state(node.test)
            for node in walk_statements(loop)
        ):
            # `if self._server.answer: break`: state of another object, which what the loop
            # calls (`self._server.handle_request()`) may change: it may end by itself
            return True
        setters = {method.name.value for method in self._setters(info, flags)}
        if not setters - {starter.name.value, loop.name.value}:
            return True  # nothing else stops it: not a stop flag
        for node in walk_statements(loop):
            for flag, value in flags_set(node):
                if flag in flags and (value is None or flags[flag] is None or value == flags[flag]):
                    return True
        guarded = self._behind_state_test(call, starter)
        for node in walk_statements(starter):
            for flag, value in flags_set(node):
                if flag not in flags:
                    continue
                if value is None or flags[flag] is None or value == flags[flag] or guarded:
                    # a stop (a restart, a per-call stop), or the running value re-armed behind
                    # a test of the object's state (`if not self._task: self._stop.clear()`,
                    # which the stop resets): one at a time. Re-armed on every call
                    # (`self.running = True` then start) stops nothing
                    return True
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and dotted_name(node.func.value) == "self"
                and node.func.attr.value in setters
            ):
                return True
        return False

    def _behind_state_test(self, call: cst.Call, starter: cst.FunctionDef) -> bool:
        """Is ``call`` under an ``if`` of ``starter`` testing the object's state (``if not
        self._task:``)?"""
        for ancestor in self.index.ancestors(call):
            if ancestor is starter:
                return False
            if isinstance(ancestor, cst.If) and any(
                isinstance(node, cst.Attribute) and dotted_name(node.value) == "self"
                for node in walk_statements(ancestor.test, skip_nested=False)
            ):
                return True
        return False

    def _joins_a_lasting_thread(self, function: cst.FunctionDef) -> str:
        """Does ``function`` wait, with no timeout, in the join() of the main thread or of the
        thread that called the code starting it (``threading.main_thread()``,
        ``threading.current_thread()``, here or passed in by every caller of the function
        defining it)? Then it lasts as long as that thread: for the main thread, the life of
        the program. The call waited for, as written; "" when not so."""
        for call in calls_in(self.index, function):
            if not (
                isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "join"
                and not call.args
            ):
                continue
            joined = call.func.value
            if _lasting_thread(joined, asked_here=True):
                return self.index.code(joined)
            if not isinstance(joined, cst.Name):
                continue
            name = joined.value
            if name in local_names(function):
                continue
            holder = self.index.scope_of(function)
            if not isinstance(holder, cst.FunctionDef):
                continue
            params = [param.name.value for param in all_params(holder.params)]
            if name not in params:
                continue
            position = params.index(name)
            given = [
                argument(caller, position, name)
                for caller in self.index.calls
                if isinstance(caller.func, cst.Name) and caller.func.value == holder.name.value
            ]
            if given and all(value is not None and _lasting_thread(value) for value in given):
                return self.index.code(given[0])  # type: ignore[arg-type]
        return ""

    def _refreshed_clocks(self, loop: cst.FunctionDef) -> set[str]:
        """The attributes of the object that a method of its class other than ``loop`` sets to
        the clock (``self._last_message = time.time()`` on each message): moments that other
        code keeps moving forward."""
        info = self.index.class_of(loop.body)
        if info is None:
            return set()
        return {
            dotted_name(target.target) or ""
            for member in self.index.lineage(info)
            for method in member.methods.values()
            if method is not loop
            for node in walk_statements(method)
            if isinstance(node, cst.Assign) and _clock_call(node.value)
            for target in node.targets
            if isinstance(target.target, cst.Attribute)
            and dotted_name(target.target.value) == "self"
        }

    def _outsleeps(
        self, call: cst.Call, loop: cst.FunctionDef, flags: dict[str, bool | None]
    ) -> tuple[float, str, str]:
        """How long the flag loop of ``loop`` sleeps between its looks at ``flags`` (a
        ``time.sleep(30)`` of its own body, which no stop wakes), when a method of the class
        that starts the thread anew (the one holding ``call``, or one calling it) first sets a
        flag back to what keeps the loop going (``self.connected = True``,
        ``self._stop.clear()``, a new ``Event()`` in its place), that method's name and the
        flag; (0.0, "", "") when not so. A stop then reaches a sleeping thread only once it
        wakes: a restart within the sleep undoes the stop before the old thread looks, and it
        runs on beside the new one. Always so for a restart that stops the thread first; for
        one that comes on its own, only when the sleep outlasts such a restart's usual gap
        (_RESTART_GAP). Not when the restart also writes another state the loop reads (a
        generation it compares with its own)."""
        info = self.index.class_of(call)
        starter = self.index.method_of(call)
        if info is None or starter is None:
            return 0.0, "", ""
        seconds = max(
            (
                self._seconds(statement.value.args[0].value, info)
                for node in walk_statements(loop)
                if isinstance(node, cst.While)
                and (
                    set(exit_values(node.test, False)) & set(flags) or always_true(node.test, loop)
                )
                for statement in _loop_statements(node)
                if isinstance(statement, cst.Expr)
                and isinstance(statement.value, cst.Call)
                and dotted_name(statement.value.func) in ("time.sleep", "sleep")
                and len(statement.value.args) == 1
            ),
            default=0.0,
        )
        if seconds <= 0:
            return 0.0, "", ""
        methods = self.index.method_table(info)
        starting = {starter.name.value}
        for _ in range(3):  # the methods calling the starter, three deep
            starting |= {
                name
                for name, method in methods.items()
                if any(
                    isinstance(node, cst.Call)
                    and isinstance(node.func, cst.Attribute)
                    and dotted_name(node.func.value) == "self"
                    and node.func.attr.value in starting
                    for node in walk_statements(method)
                )
            }
        for name in sorted(starting - {"__init__"}):
            method = methods.get(name)
            if method is None:
                continue
            written = [
                (flag, _new_event(node, flag) if value is None else value)
                for node in walk_statements(method)
                for flag, value in flags_set(node)
                if flag in flags
            ]
            reset = next(
                (
                    flag
                    for flag, value in written
                    if value is not None and flags[flag] not in (None, value)
                ),
                "",
            )
            if not reset or any(flag != reset for flag, _ in written):
                # (one writing another flag the loop reads, `self._gen += 1` against `while
                # self._gen == gen`, may end the old thread when it wakes)
                continue
            stops_first = False  # the stop comes before the flag is set back
            for node in walk_statements(method):
                values = [value for flag, value in flags_set(node) if flag == reset]
                if (
                    isinstance(node, cst.Call)
                    and isinstance(node.func, cst.Attribute)
                    and dotted_name(node.func.value) == "self"
                    and (called := methods.get(node.func.attr.value)) is not None
                ):
                    values += [
                        value
                        for inner in walk_statements(called)
                        for flag, value in flags_set(inner)
                        if flag == reset
                    ]
                if flags[reset] in values:
                    stops_first = True
                    break
                if any(value is not None for value in values):
                    break  # set back first
            if stops_first or seconds >= _RESTART_GAP:
                # a restart stopping it first (`self.stop(); self.running = True`) always
                # lands within the sleep; one that comes on its own (a reconnect), within a
                # sleep longer than such a restart usually takes
                return seconds, name, reset
        return 0.0, "", ""

    def _seconds(self, value: cst.BaseExpression, info: ClassInfo) -> float:
        """The number ``value`` is: a literal, or a name bound once to one: of the module, of
        the class (``self.INTERVAL``, ``cls.INTERVAL``), or an attribute a method sets once
        (``self.interval = interval`` in ``__init__(self, interval=30)``: the default); 0.0
        when not known."""
        known, number = literal_value(value)
        if known:
            return _seconds_of(number)
        name = (
            value.attr.value
            if isinstance(value, cst.Attribute)
            and dotted_name(value.value) in ("self", "cls", info.name)
            else value.value
            if isinstance(value, cst.Name)
            else ""
        )
        if not name:
            return 0.0
        scopes = (
            (info.node.body, self.index.module)
            if isinstance(value, cst.Attribute)
            else (self.index.module,)
        )
        bound: list[tuple[cst.BaseExpression, cst.FunctionDef | None]] = [
            (statement.value, None)
            for scope in scopes
            for line in scope.body
            if isinstance(line, cst.SimpleStatementLine)
            for statement in line.body
            if isinstance(statement, cst.Assign | cst.AnnAssign)
            and statement.value is not None
            and any(
                isinstance(target, cst.Name) and target.value == name
                for target in (
                    [t.target for t in statement.targets]
                    if isinstance(statement, cst.Assign)
                    else [statement.target]
                )
            )
        ]
        if isinstance(value, cst.Attribute):
            bound += [
                (node.value, method)
                for member in self.index.lineage(info)
                for method in member.methods.values()
                for node in walk_statements(method)
                if isinstance(node, cst.Assign)
                and any(dotted_name(t.target) == f"self.{name}" for t in node.targets)
            ]
        if len(bound) != 1:
            return 0.0
        given, method = bound[0]
        known, number = literal_value(given)
        if known:
            return _seconds_of(number)
        if method is not None and isinstance(given, cst.Name):
            # a parameter's default: what the object gets unless told otherwise
            for param in all_params(method.params):
                if param.name.value == given.value and param.default is not None:
                    known, number = literal_value(param.default)
                    return _seconds_of(number) if known else 0.0
        return 0.0

    def _setters(self, info: ClassInfo, flags: dict[str, bool | None]) -> list[cst.FunctionDef]:
        """Methods of the class (and its local relatives) other than ``__init__`` that set one
        of ``flags`` to what ends the loop: ``self._stop = True``, ``self._stop.set()``,
        ``self._running = False`` (not ``self._running = True`` in ``start()``), also in a
        function the method defines and calls (``def deactivate(): self._active = False``
        then ``deactivate()`` in close(): it acts for the method; one handed on, to atexit
        say, runs some other time)."""
        out: list[cst.FunctionDef] = []
        for member in self.index.lineage(info):
            for name, method in member.methods.items():
                # (what __init__ itself writes is the flag's first value; what it registers to
                # run later, a callback or a finalizer, may set it)
                constructor = name == "__init__"
                # a lambda handed to a call, registered as a callback, sets it when that comes
                # (`doc.on_session_destroyed(lambda ctx: self._stop.set())`); not one run at
                # exit, nor one only stored
                handed = [
                    node.body
                    for node in walk(method)
                    if isinstance(node, cst.Lambda)
                    and isinstance(arg := self.index.parent_of(node), cst.Arg)
                    and isinstance(call := self.index.parent_of(arg), cst.Call)
                    and self.index.resolve(call.func) != "atexit.register"
                ]
                if any(
                    flag in flags and (value is None or flags[flag] is None or value == flags[flag])
                    for node in [
                        *(
                            node
                            for body in (
                                () if constructor else (method, *_called_inner_functions(method))
                            )
                            for node in walk_statements(body)
                        ),
                        *handed,
                    ]
                    for flag, value in flags_set(node)
                ) or any(
                    # (a finalizer sets it only once the object is collected: until_collected)
                    self._handed_to_a_setter(call, flags)
                    for call in calls_in(self.index, method)
                    if last_name(call.func) != "finalize"
                ):
                    out.append(method)
        return out

    def _set_when_collected(
        self, call: cst.Call, target: cst.BaseExpression, flags: dict[str, bool | None]
    ) -> bool:
        """Is one of ``flags`` set by a finalizer the starting object registers on itself
        (``weakref.finalize(self, _stop, self._ev)``, with a function that holds nothing of
        it), while the thread holds nothing of the object either (its target no bound method,
        ``self`` not among its arguments)? Then the thread ends once its object is let go."""
        info = self.index.class_of(call)
        if info is None:
            return False
        target_name = dotted_name(target) or ""
        if target_name.startswith("self."):
            method = self.index.method_table(info).get(target_name[5:])
            if method is None or not without_object(method):
                return False  # a bound method: the thread holds the object
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value not in ("args", "kwargs"):
                continue
            held = (
                [e.value for e in arg.value.elements]
                if isinstance(arg.value, cst.Tuple | cst.List)
                else [arg.value]
            )
            if any(dotted_name(value) == "self" for value in held):
                return False
        return any(
            last_name(finalizer.func) == "finalize"
            and (self.index.resolve(finalizer.func) or "").startswith("weakref")
            and finalizer.args
            and dotted_name(finalizer.args[0].value) == "self"
            and self._handed_to_a_setter(finalizer, flags)
            for member in self.index.lineage(info)
            for method in member.methods.values()
            for finalizer in calls_in(self.index, method)
        )

    def _handed_to_a_setter(self, call: cst.Call, flags: dict[str, bool | None]) -> bool:
        """Does ``call`` hand one of ``flags`` (``self._ev``) to a function of the module that
        sets its parameter so, called or registered to run later (``weakref.finalize(self,
        self._static_stop, self._ev)`` with ``def _static_stop(ev): ev.set()``)? Not one given
        to atexit (see ``_handed_to``)."""
        if self.index.resolve(call.func) == "atexit.register":
            return False
        for function, name, value in self._handed_to(call, set(flags)):
            flag = dotted_name(value) or ""
            if any(
                target == name
                and (setting is None or flags[flag] is None or setting == flags[flag])
                for node in walk_statements(function)
                for target, setting in flags_set(node)
            ):
                return True
        return False

    def _handed_to(
        self, call: cst.Call, names: set[str]
    ) -> Iterator[tuple[cst.FunctionDef, str, cst.BaseExpression]]:
        """The functions of the module ``call`` hands one of ``names`` to, called or handed on
        with the arguments after it (``self._stop(x)``, ``weakref.finalize(self, _stop, x)``),
        each with the parameter that gets it and what it gets. Not a bound method handed to
        ``weakref.finalize`` (not a static or class one): that finalizer holds the object,
        which is then never collected, and runs only at exit."""
        values = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
        if not any(dotted_name(value) in names for value in values):
            return
        for position, candidate in enumerate((call.func, *values)):
            if not isinstance(candidate, cst.Name | cst.Attribute):
                continue
            function = self.function_for(candidate, call)
            if function is None or self.index.inside(call, function):
                continue
            static = without_object(function)
            parameters = [p.name.value for p in function.params.params]
            if (parameters and parameters[0] in ("self", "cls") and not static) or (
                parameters and static and parameters[0] == "cls"
            ):
                parameters = parameters[1:]
            if (
                position
                and last_name(call.func) == "finalize"
                and (dotted_name(candidate) or "").startswith("self.")
                and not static
            ):
                continue
            for name, value in zip(parameters, values[position:], strict=False):
                if dotted_name(value) in names:
                    yield function, name, value

    def _stopped_here(self, served: str, near: cst.CSTNode, target: cst.FunctionDef | None) -> bool:
        """Is ``served`` (the object whose ``run_forever()``/``serve_forever()`` a thread runs)
        stopped somewhere the module shows: by a method of the class (``self._loop``), or in the
        function starting the thread or the target itself (a local)? A parameter: unknown."""
        if not served:
            return False
        if target is not None and "." not in served:
            # a parameter of the target: what the start hands it (`args=(_srv,)`), taken from
            # a container of the object (`for _srv in self._server_list`) that it stops
            container = self._given_from_container(served, near, target)
            if container:
                owner = self.index.class_of(target.body)
                family: list[cst.CSTNode] = (
                    [m.node for m in self.index.lineage(owner)] if owner is not None else []
                )
                if self._stops_each(container, family):
                    return True
        if target is not None and "." not in served:
            # a local the target keeps on its object too (`loop = new_event_loop(); self._loop
            # = loop; loop.run_forever()`): a method stopping `self._loop` stops it
            kept = next(
                (
                    dotted_name(bound)
                    for bound, value in assignments(target)
                    if dotted_name(value) == served
                    and (dotted_name(bound) or "").startswith("self.")
                ),
                None,
            )
            if kept and self._stopped_here(kept, near, target):
                return True
        if served.startswith("self.") and served.count(".") > 1:
            # an object another object holds (`self._client.client.loop_forever()`): its owner
            # stops it, wherever that is in the module (`self.client.disconnect()`), but not
            # the target itself on its way out
            # (a close() too, where the object is one whose close() ends its serving, served
            # with a ping timeout: `self.client.ws = WebSocketApp(...)` in run(), closed by
            # the client's own `self.ws.close()`)
            last = served.rsplit(".", 1)[1]
            stops = STOP_METHODS
            if target is not None and self._closed_to_stop(served, [target]):
                stops = STOP_METHODS | {"close"}
            if any(
                isinstance(call.func, cst.Attribute)
                and call.func.attr.value in stops
                and last_name(call.func.value) == last
                and not (target is not None and self.index.inside(call, target))
                for call in self.index.calls
            ):
                return True
        if served.startswith("self."):
            # (a method's body: class_of() a FunctionDef itself finds no method around it; a
            # function of the module handed `self._loop` by a start in a method: that method's)
            info = (self.index.class_of(target.body) if target is not None else None) or (
                self.index.class_of(near)
            )
            if info is None:
                return False
            members: list[cst.CSTNode] = [m.node for m in self.index.lineage(info)]
            return (
                self._stops(served, members, skip=target)
                or self._held_and_stopped(served, members, members)
                or self._closed_by_its_callback(served, members)
            )
        scopes: list[cst.CSTNode] = [self.index.scope_of(near)]
        if target is not None:
            scopes.append(target)
        if self._stops(served, scopes) or self._handed_on(served, scopes[0]):
            return True
        if self._closed_by_its_callback(served, scopes):
            return True
        # a local the starting method puts in a container of its object (`self._servers[(host,
        # port)] = server`), whose methods stop what they hold
        # or in a container of the module (`_apps[name] = app`), from which a function of it
        # takes it out to stop it (`_apps.pop(name).stop_running()`)
        if any(
            self._stops_each(container, [self.index.module])
            for container in self._containers_of(served, scopes[:1], module=True)
        ):
            return True
        info = self.index.class_of(near)
        if info is None:
            return False
        return self._held_and_stopped(
            served, scopes[:1], [m.node for m in self.index.lineage(info)]
        )

    def _stopped_by_its_holder(self, served: str, site: Site) -> bool:
        """Is ``served`` (``self._loop``, run by the thread) handed at construction to an
        object the class keeps (``self._bus = Bus(config, self._loop)``), of a class of the
        package's other modules that stops what it is given there (``self._loop = loop`` in
        its ``__init__``, ``self._loop.stop()`` in ``dispose()``), in a method the class calls
        on it (``self._bus.dispose()``)? Then the class stops it through that object, as
        through a method of its own. Until the runner hands those modules in, the classes
        are asked for (``site.holder_asks``)."""
        if not served.startswith("self.") or served.count(".") != 1:
            return False
        info = self.index.class_of(site.call)
        if info is None:
            return False
        family = self.index.lineage(info)
        methods = [method for member in family for method in member.methods.values()]
        made_here = list(self._handed_at_construction(served, methods))
        if not made_here:
            return False
        # the methods the class calls on each object it keeps (`self._bus.dispose()`)
        told: dict[str, set[str]] = {holder: set() for holder, _, _ in made_here}
        for member in family:
            for call in walk(member.node):
                if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute):
                    receiver = dotted_name(call.func.value)
                    if receiver in told:
                        told[receiver].add(call.func.attr.value)
        asks: list[str] = []
        for holder, made, place in made_here:
            called = frozenset(told[holder])
            if not called:
                continue  # the object is never told to end
            if self.holder_stops is None:
                asks.append(f"{made}:@{place}")
            elif self.holder_stops(made, place, called):
                return True
        site.holder_asks = tuple(sorted(set(asks)))
        return False

    def _handed_at_construction(
        self, served: str, members: Sequence[cst.CSTNode]
    ) -> Iterator[tuple[str, str, str]]:
        """The objects the class keeps (``self._bus``) that it makes handing them ``served``
        (``Bus(config, self._loop)``), each with the class as its module names it through an
        import (``.bus.Bus``; not a class of this module) and where ``served`` is given: its
        place among the positional arguments (``"1"``), or its keyword."""
        for member in members:
            for target, value in assignments(member):
                holder = dotted_name(target) or ""
                if not (
                    holder.startswith("self.") and holder != served and isinstance(value, cst.Call)
                ):
                    continue
                made = self.index.resolve(value.func) or ""
                if not made or made.startswith("@") or "." not in made.lstrip("."):
                    continue  # a class of this module, or not known
                place = 0
                for arg in value.args:
                    if arg.star:
                        break
                    if dotted_name(arg.value) == served:
                        yield holder, made, arg.keyword.value if arg.keyword else str(place)
                        break
                    if arg.keyword is None:
                        place += 1

    def _closed_by_its_callback(self, served: str, scopes: list[cst.CSTNode]) -> bool:
        """Is ``served`` bound in ``scopes`` to a WebSocketApp given a callback
        (``on_message=self.on_message``) that closes the app it is handed (``def
        on_message(self, ws, message): ... ws.close()``)? The app calls its callbacks on the
        thread serving it, with itself first: a close() there ends run_forever() as soon as the
        callback returns (its loop looks at keep_running then), ping timeout or not."""
        for scope in scopes:
            for _, target, value in assignments_among(list(walk(scope))):
                if not (
                    dotted_name(target) == served
                    and isinstance(value, cst.Call)
                    and (
                        self.index.resolve(value.func) in CLOSE_STOPS
                        or last_name(value.func) == "WebSocketApp"
                    )
                ):
                    continue
                for arg in value.args:
                    # (on_close runs once the app has closed: its close() ends nothing)
                    if (
                        arg.keyword is None
                        or not arg.keyword.value.startswith("on_")
                        or arg.keyword.value == "on_close"
                    ):
                        continue
                    callback = self.function_for(arg.value, value)
                    if callback is None:
                        continue
                    params = [*callback.params.posonly_params, *callback.params.params]
                    if params and params[0].name.value in ("self", "cls"):
                        params = params[1:]
                    if params and any(
                        calls_method(call, params[0].name.value, ("close",))
                        for call in calls_in(self.index, callback)
                    ):
                        return True
        return False

    def _held_and_stopped(
        self, served: str, within: list[cst.CSTNode], members: list[cst.CSTNode]
    ) -> bool:
        """Is ``served`` put, in ``within``, in a container of its object that the class's
        ``members`` stop each element of (``_containers_of``, ``_stops_each``)?"""
        return any(
            self._stops_each(container, members)
            for container in self._containers_of(served, within)
        )

    def _given_from_container(
        self, parameter: str, call: cst.CSTNode, target: cst.FunctionDef
    ) -> str:
        """The object's container (``self._server_list``) the start ``call`` takes what it
        hands to ``target``'s ``parameter`` from: ``Thread(target=self._serve, args=(_srv,))``
        in ``for _srv in self._server_list:``. "" when it is not so."""
        if not isinstance(call, cst.Call):
            return ""
        names = [p.name.value for p in target.params.params]
        if parameter not in names:
            return ""
        position = names.index(parameter) - (1 if names and names[0] == "self" else 0)
        given = next((a.value for a in call.args if a.keyword and a.keyword.value == "args"), None)
        if not isinstance(given, cst.Tuple | cst.List) or not 0 <= position < len(given.elements):
            return ""
        element = given.elements[position].value
        if not isinstance(element, cst.Name):
            return ""
        for ancestor in self.index.ancestors(call):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda):
                return ""
            if (
                isinstance(ancestor, cst.For)
                and isinstance(ancestor.target, cst.Name)
                and ancestor.target.value == element.value
            ):
                iterated = dotted_name(ancestor.iter) or ""
                return iterated if iterated.startswith("self.") else ""
        return ""

    def _containers_of(
        self, served: str, within: list[cst.CSTNode], module: bool = False
    ) -> set[str]:
        """The object's containers ``served`` is put in (``self._loops.append(self._loop)``,
        ``self._loops[key] = self._loop``); with ``module``, the module's instead (``_apps[
        name] = app``, a name its body binds)."""
        found: set[str] = set()
        for scope in within:
            for node in walk_statements(scope, skip_nested=False):
                if (
                    isinstance(node, cst.Call)
                    and isinstance(node.func, cst.Attribute)
                    and node.func.attr.value in ("append", "add", "appendleft", "insert")
                    and any(dotted_name(arg.value) == served for arg in node.args)
                ):
                    found.add(dotted_name(node.func.value) or "")
                if isinstance(node, cst.Assign) and dotted_name(node.value) == served:
                    for target in node.targets:
                        if isinstance(target.target, cst.Subscript):
                            found.add(dotted_name(target.target.value) or "")
        if module:
            top = {
                dotted_name(target)
                for statement in self.index.module.body
                for target, _ in assignments(statement)
            }
            return {name for name in found if "." not in name and name in top}
        return {name for name in found if name.startswith("self.")}

    def _stops_each(self, container: str, within: list[cst.CSTNode]) -> bool:
        """A loop over ``container`` (or its ``values()``) stopping each element it holds, or a
        function stopping the element it takes out by key (``old = self._servers.get((host,
        port)); old.shutdown()``: the one a new start under that key replaces)."""
        for scope in within:
            for node in walk_statements(scope, skip_nested=False):
                if isinstance(node, cst.FunctionDef) and self._stops_taken(container, node):
                    return True
                if not isinstance(node, cst.For) or not isinstance(node.target, cst.Name):
                    continue
                iterated = node.iter
                if (
                    isinstance(iterated, cst.Call)
                    and isinstance(iterated.func, cst.Attribute)
                    and iterated.func.attr.value == "values"
                ):
                    iterated = iterated.func.value
                elif (
                    isinstance(iterated, cst.Call)
                    and dotted_name(iterated.func) in ("list", "tuple")
                    and iterated.args
                ):
                    iterated = iterated.args[0].value
                if dotted_name(iterated) == container and self._stops(
                    node.target.value, [node.body]
                ):
                    return True
        return False

    def _stops_taken(self, container: str, function: cst.FunctionDef) -> bool:
        """Does ``function`` stop an element it takes out of ``container`` by key, from
        ``container.get(k)``, ``container[k]`` or ``container.pop(k)``: at once
        (``self._servers.pop(k).shutdown()``) or through the name it binds it to?"""

        def taken_out(value: cst.BaseExpression | None) -> bool:
            if isinstance(value, cst.Subscript):
                source = value.value
            elif (
                isinstance(value, cst.Call)
                and isinstance(value.func, cst.Attribute)
                and value.func.attr.value in ("get", "pop")
                and value.args
            ):
                source = value.func.value
            else:
                return False
            return dotted_name(source) == container

        # stopped as taken out (`self._servers.pop(key).shutdown()`), or through a name
        for call in calls_in(self.index, function):
            func = call.func
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value in STOP_METHODS
                and taken_out(func.value)
            ):
                return True
        taken = {
            target.value
            for target, value in assignments(function)
            if isinstance(target, cst.Name) and taken_out(value)
        }
        return any(self._stops(name, [function]) for name in taken)

    def _handed_on(self, name: str, scope: cst.CSTNode) -> bool:
        """Is the local ``name`` returned from ``scope``, or stored on an object? Then whoever
        gets it can stop what it serves (``server.shutdown()``): it is theirs to stop."""
        for node in walk_statements(scope):
            if isinstance(node, cst.Return) and node.value is not None:
                if any(
                    isinstance(n, cst.Name) and n.value == name and not self._read_from(n)
                    for n in walk(node.value)
                ):
                    return True
            if isinstance(node, cst.Assign) and dotted_name(node.value) == name:
                if any(isinstance(t.target, cst.Attribute) for t in node.targets):
                    return True
        return False

    def _read_from(self, name: cst.Name) -> bool:
        """Is ``name`` only read from (``server.server_address[1]``, ``server.socket.fileno()``):
        the base of an attribute that is not one of its stopping methods? What is returned
        then is a value of the object, not the object (``server.shutdown``, handed on, is)."""
        parent = self.index.parent_of(name)
        return (
            isinstance(parent, cst.Attribute)
            and parent.value is name
            and parent.attr.value not in STOP_METHODS
        )

    def _stopped_off_thread(
        self, served: str, near: cst.CSTNode, target: cst.FunctionDef | None
    ) -> str:
        """Why ``served``, an asyncio event loop a thread runs, is stopped only in name: every
        stop the module shows is a plain ``loop.stop()`` called from another thread. stop()
        only raises a flag the loop reads between two passes, and does not wake it: an idle
        loop, blocked in its selector with nothing scheduled, never makes the next pass, and
        its thread never ends (``loop.call_soon_threadsafe(loop.stop)`` wakes it). A loop the
        module may keep busy (a timer, a coroutine waiting in a loop) does wake and stop: not
        judged. "" when some stop works, or the object is no such loop."""
        last = served.rsplit(".", 1)[-1]
        if not self._idle_event_loop(last):
            return ""
        plain = [
            call
            for call in self.index.calls
            if isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "stop"
            and not call.args
            and last_name(call.func.value) in self._loop_aliases(call, last)
        ]
        stops = frozenset(id(call) for call in plain)
        off = [
            call
            for call in plain
            if not self._on_loop_thread(call, stops) and not self._woken_after(call, last)
        ]
        if not off:
            return ""
        self._off_thread_stops = frozenset(id(call) for call in off)
        try:
            stopped = self._stopped_here(served, near, target)
        finally:
            self._off_thread_stops = frozenset()
        if stopped:
            return ""
        where = self.index.scope_of(off[0])
        name = where.name.value if isinstance(where, cst.FunctionDef) else "the module"
        return (
            f"runs the event loop `{served}` until it is stopped, but its only stop, "
            f"`{self.index.code(off[0])}` in {name}"
            f"{'()' if isinstance(where, cst.FunctionDef) else ''}, is called from another "
            "thread: it does not wake the idle loop, which never stops "
            "(`loop.call_soon_threadsafe(loop.stop)` does)"
        )

    def _loop_aliases(self, call: cst.Call, last: str) -> set[str]:
        """The names denoting the loop ``last`` names where ``call`` is: itself, and locals
        its function binds to it (``loop = self._loop``)."""
        scope = self.index.scope_of(call)
        return {last} | {
            target.value
            for target, value in assignments(scope)
            if isinstance(target, cst.Name) and value is not None and last_name(value) == last
        }

    def _idle_event_loop(self, last: str) -> bool:
        """Is ``last`` (a name or attribute) bound in the module to a new asyncio event loop
        (``asyncio.new_event_loop()``, or set as a thread's loop: ``set_event_loop(loop)``),
        and does nothing of the module keep a loop busy: no timer (``call_later``,
        ``call_at``), no coroutine awaiting inside a loop of its own (a periodic task, a
        stream read)?"""
        made = any(
            isinstance(assign.value, cst.Call)
            and last_name(assign.value.func) in _NEW_LOOPS
            and any(last_name(target.target) == last for target in assign.targets)
            for assign in self.index.context_assigns
        ) or any(
            last_name(call.func) == "set_event_loop"
            and len(call.args) == 1
            and last_name(call.args[0].value) == last
            for call in self.index.calls
        )
        if not made:
            return False
        for call in self.index.calls:
            if last_name(call.func) in ("call_later", "call_at"):
                return False
        for function in self.index.functions:
            if function.asynchronous is None:
                continue
            for node in walk(function.body):
                if isinstance(node, cst.While | cst.For) and any(
                    isinstance(inner, cst.Await) for inner in walk(node)
                ):
                    return False
        return True

    def _woken_after(self, stop: cst.Call, last: str) -> bool:
        """Does the function of the plain ``stop`` wake the loop after it
        (``loop.stop(); loop.call_soon_threadsafe(lambda: None)``): the loop makes a pass and
        sees the flag."""
        scope = self.index.scope_of(stop)
        aliases = self._loop_aliases(stop, last)
        return any(
            (
                last_name(call.func) == "call_soon_threadsafe"
                and isinstance(call.func, cst.Attribute)
                and last_name(call.func.value) in aliases
            )
            or (
                last_name(call.func) == "run_coroutine_threadsafe"
                and len(call.args) > 1
                and last_name(call.args[1].value) in aliases
            )
            for call in calls_in(self.index, scope)
            if self.index.positions(call)[:2] > self.index.positions(stop)[:2]
        )

    def _on_loop_thread(
        self, call: cst.CSTNode, stops: frozenset[int] = frozenset(), depth: int = 3
    ) -> bool:
        """May ``call`` run on an event loop's own thread: in a coroutine or a lambda, or in a
        function handed on somewhere (a callback: ``call_soon_threadsafe(self._halt)``, a
        thread's target), or called from one of those? A function only called directly from
        other plain functions, or by no code of the module (an API its users call), runs on
        their thread."""
        function: cst.FunctionDef | None = None
        for ancestor in self.index.ancestors(call):
            if isinstance(ancestor, cst.Lambda):
                return True
            if isinstance(ancestor, cst.FunctionDef):
                function = ancestor
                break
        if function is None:
            return False
        if function.asynchronous is not None:
            return True
        if depth == 0:
            return True  # not followed further: taken as on the loop's thread
        name = function.name.value
        for use in self.index.names.get(name, ()):
            if use is function.name or self.index.inside(use, function):
                continue  # its own name, or a call inside it (recursion, or the stop itself)
            parent = self.index.parent_of(use)
            if isinstance(parent, cst.Attribute) and parent.attr is use:
                holder = self.index.parent_of(parent)
                if id(holder) in stops:
                    continue  # `loop.stop()` itself, no call of a method named so
                called = isinstance(holder, cst.Call) and holder.func is parent
            else:
                called = isinstance(parent, cst.Call) and parent.func is use
            if not called:
                return True  # handed on: it may run anywhere, the loop's thread too
            if self._on_loop_thread(use, stops, depth - 1):
                return True
        return False

    def _stops(
        self,
        served: str,
        within: list[cst.CSTNode],
        skip: cst.CSTNode | None = None,
        helpers: bool = True,
    ) -> bool:
        """A call stopping ``served`` inside ``within``: ``served.stop()``, ``.shutdown()``, or
        ``served.stop`` handed on (``loop.call_soon_threadsafe(loop.stop)``), also through a
        name its function binds to it (``loop = self._loop``), or handed to a function of the
        module stopping its parameter (with ``helpers``: ``_handed_to_a_stopper``). Not in
        ``skip`` (the function serving it, stopping it on its own way out)."""
        aliases: dict[int, set[str]] = {}  # function -> the names denoting served there
        at_exit: dict[int, bool] = {}  # function -> run only as atexit's cleanup

        def names(call: cst.Call) -> set[str]:
            scope = self.index.scope_of(call)
            if id(scope) not in aliases:
                aliases[id(scope)] = {served} | {
                    target.value
                    for target, value in assignments(scope)
                    if isinstance(target, cst.Name) and dotted_name(value) == served
                }
            return aliases[id(scope)]

        stops = STOP_METHODS | {"close"} if self._closed_to_stop(served, within) else STOP_METHODS
        for scope in within:
            for call in calls_in(self.index, scope, nested=True):
                if skip is not None and self.index.inside(call, skip):
                    continue
                if id(call) in self._off_thread_stops:
                    continue  # a plain loop.stop() from another thread (_stopped_off_thread)
                method = self.index.scope_of(call)
                if isinstance(method, cst.FunctionDef):
                    if id(method) not in at_exit:
                        at_exit[id(method)] = at_exit_only(self.index, method)
                    if at_exit[id(method)]:
                        continue  # in a function run only as atexit's cleanup (`atexit.
                        # register(self._stop)`): at exit, after the non-daemon threads end
                if self.index.resolve(call.func) == "atexit.register":
                    # a stop registered with atexit runs only as the interpreter exits, after
                    # it has waited for every non-daemon thread: it ends no thread before
                    continue
                func = call.func
                if (
                    isinstance(func, cst.Attribute)
                    and func.attr.value in stops
                    and dotted_name(func.value) in names(call)
                ):
                    return True
                for arg in call.args:
                    value = arg.value
                    if (
                        isinstance(value, cst.Attribute)
                        and value.attr.value in stops
                        and dotted_name(value.value) in names(call)
                    ):
                        return True
                if helpers and self._handed_to_a_stopper(call, names(call)):
                    return True
        return False

    def _closed_to_stop(self, served: str, within: list[cst.CSTNode]) -> bool:
        """Is ``served`` bound, in ``within`` (the class whose methods stop it, or the function
        serving it), to an object whose close() ends its serving (``self._ws =
        websocket.WebSocketApp(url, ...)``: vocabulary.CLOSE_STOPS), served there with a ping
        timeout (``run_forever(ping_interval=10, ping_timeout=5)``)? Without one, run_forever()
        waits in a poll with no timeout that close() from another thread does not wake when the
        peer's close frame has not come yet (websocket-client issues #916, #317; measured: 8 of
        40 threads left for good on 3.12): no stop to rely on."""
        if not any(name.rsplit(".", 1)[-1] in self.index.text for name in CLOSE_STOPS):
            return False  # (most modules: no such class named anywhere)
        key = (served, tuple(id(node) for node in within))
        known = self._close_stopped.get(key)
        if known is not None:
            return known
        bound = False
        pinged = False
        scopes: list[cst.CSTNode] = []
        for scope in within:
            # a method's class: the binding is in another method of it (run() makes the app,
            # stop() closes it)
            info = self.index.class_of(scope.body if isinstance(scope, cst.FunctionDef) else scope)
            scopes.extend(
                [m.node for m in self.index.lineage(info)] if info is not None else [scope]
            )
        for scope in scopes:
            nodes = list(walk(scope))
            bound = bound or any(
                isinstance(value, cst.Call)
                and dotted_name(target) == served
                and self.index.resolve(value.func) in CLOSE_STOPS
                for _, target, value in assignments_among(nodes)
            )
            pinged = pinged or any(
                isinstance(node, cst.Call)
                and calls_method(node, served, ("run_forever",))
                and any(
                    arg.keyword is not None
                    and arg.keyword.value in ("ping_timeout", "ping_interval")
                    for arg in node.args
                )
                for node in nodes
            )
        self._close_stopped[key] = bound and pinged
        return bound and pinged

    def _handed_to_a_stopper(self, call: cst.Call, served: set[str]) -> bool:
        """Does ``call`` hand the object (one of the names in ``served``) to a function of the
        module that stops its parameter, called or registered to run later
        (``self._stop_loop(self._loop)``, ``weakref.finalize(self, self._stop_loop,
        self._loop)``, with ``def _stop_loop(loop): loop.call_soon_threadsafe(loop.stop)``)?
        Not one registered with atexit (``_stops`` leaves those out)."""
        return any(
            self._stops(name, [function], helpers=False)
            for function, name, _ in self._handed_to(call, served)
        )

    def _unwrap_target(self, target: cst.BaseExpression, near: cst.CSTNode) -> cst.BaseExpression:
        """What a target expression runs: ``functools.partial(f, ...)`` and other wrappers of one
        function (``wrap(f)``) run ``f``; a local name bound to a lambda runs the lambda."""
        for _ in range(3):
            if isinstance(target, cst.Call):
                positional = [a for a in target.args if a.keyword is None and not a.star]
                if not positional:
                    return target
                inner = positional[0].value
                if self.function_for(inner, near) is None and not isinstance(inner, cst.Lambda):
                    return target
                target = inner
                continue
            if isinstance(target, cst.Name):
                bound = self._local_lambda(target, near)
                if bound is not None:
                    return bound
            return target
        return target

    def _local_lambda(self, name: cst.Name, near: cst.CSTNode) -> cst.Lambda | None:
        """``b = lambda: ...`` in the scope of ``near``: the lambda ``name`` is bound to."""
        scope = self.index.scope_of(near)
        for use in self.index.uses(name.value, scope):
            parent = self.index.parent_of(use)
            if isinstance(parent, cst.AssignTarget):
                assign = self.index.parent_of(parent)
                if isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Lambda):
                    return assign.value
        return None

    def _delegated_endless(self, function: cst.FunctionDef, depth: int = 2) -> cst.CSTNode | None:
        """The endless loop of a function of the module that ``function`` calls as a statement
        of its own body (``def run(self): self._setup(); self._serve()``, with ``_serve``
        looping for good): a call that never returns makes its caller never return either.
        Up to ``depth`` calls deep; calls under an ``if``, ``try`` or loop are not followed."""
        for statement in function.body.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.Call)):
                    continue
                callee = self.function_for(small.value.func, small.value)
                if callee is None or callee is function:
                    continue
                found = endless_loop(callee)
                if found is None and depth > 1:
                    found = self._delegated_endless(callee, depth - 1)
                if found is not None:
                    return found
        return None

    def function_for(self, expr: cst.BaseExpression, near: cst.CSTNode) -> cst.FunctionDef | None:
        if isinstance(expr, cst.Call):
            # `target=forever(fns, 10)`: a function of the module making the target, which
            # returns a function it defines (`def forever(...): def fn(): ...; return fn`)
            maker = self.function_for(expr.func, near)
            return _returned_function(maker) if maker is not None else None
        if isinstance(expr, cst.Attribute) and dotted_name(expr.value) in self.index.classes:
            # Owner._watch: a staticmethod or classmethod of a class of this module
            return self._method(self.index.classes[dotted_name(expr.value) or ""], expr.attr.value)
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

    def _never_lowered(self, function: cst.FunctionDef) -> str:
        """The private flag of its object that ``function`` (a method) tests as the condition
        to go on (``if self._running:``, ``while self._active and ...``) when no method of
        its class lowers it after the object is made: no ``self._running = False`` (or
        ``None``, ``0``) outside ``__init__``, no ``del``. "" when there is none, or any is
        lowered. (A public flag may be lowered by the object's users elsewhere, as a public
        Event may be set; a private one is the class's own.)"""
        if self.index.method_of(function.body) is not function:
            return ""
        tested: list[str] = []
        for node in walk_statements(function):
            if not isinstance(node, cst.If | cst.While):
                continue
            way_out = ends_with(node.body, (cst.Return, cst.Raise, cst.Break))
            if way_out and not isinstance(node, cst.If):
                continue
            # the way on: `if self._running:`; the way out: `if not self._running: return`
            # (`if self._closing: return` tests a flag raised to stop, not one lowered)
            parts: list[cst.BaseExpression] = [node.test]
            while parts:
                part = parts.pop()
                if isinstance(part, cst.BooleanOperation) and isinstance(
                    part.operator, cst.Or if way_out else cst.And
                ):
                    parts.extend((part.left, part.right))
                    continue
                if way_out:
                    if not (
                        isinstance(part, cst.UnaryOperation) and isinstance(part.operator, cst.Not)
                    ):
                        continue
                    part = part.expression
                if (
                    isinstance(part, cst.Attribute)
                    and dotted_name(part.value) == "self"
                    and part.attr.value.startswith("_")
                ):
                    tested.append(part.attr.value)
        info = self.index.class_of(function.body)
        if not tested or info is None:
            return ""
        text = self.index.text
        if "setattr(" in text or any(
            re.search(rf"(?<!self)\.{re.escape(flag)}\s*=[^=]", text) for flag in tested
        ):
            return ""  # written where it cannot be told (setattr) or by the object's users
        # (read in the methods of its class, its bases and its subclasses in the module: what
        # a slice keeps with the class)
        for node in (
            node
            for member in self.index.family(info)
            for method in member.methods.values()
            for node in walk(method)
        ):
            if isinstance(node, cst.Del):
                return ""  # (what it deletes is not told apart: stay silent)
            if not isinstance(node, cst.Assign | cst.AugAssign):
                continue
            targets = (
                [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            )
            for target in targets:
                if not (isinstance(target, cst.Attribute) and target.attr.value in tested):
                    continue
                method = self.index.method_of(node)
                if method is not None and method.name.value == "__init__":
                    continue  # its first value, before anything starts
                value = node.value if isinstance(node, cst.Assign) else None
                if value is None or literal_truth(value) is not True:
                    return ""  # lowered (or given a value that may be false)
        return tested[0]

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

    def _check_chain(self, site: Site) -> None:
        """Is this thread (a Timer, or a hand-written timer class) started again by the function
        it runs, with no stop flag looked at on the way? Then each run arms the next one: a
        chain that a cancel() while it runs cannot stop. The re-arming call is where the chain
        goes on. The first timer, whose function arms the next one (another call of the same
        function: ``Timer(0.1, self.check).start()`` in ``__init__``, the same in ``check()``),
        is where it starts, as often as that runs: when it is let go (started at once, or bound
        to a plain name: not kept where a cancel() may find it before it fires), it is the
        chain too."""
        if site.via in ("threading.Thread", "Thread"):
            return  # a plain thread runs its target once; chains are made of timers
        for arg, function in self._functions_given(site.call):
            armed = self._rearms(function, _stored_on(self.index, site.call))
            links = [(call, guarded) for call, guarded in armed if call is site.call]
            again = "starts it again"
            if not links and self._let_go(site.call):
                links = [
                    (call, guarded)
                    for call, guarded in armed
                    if self._arms_the_same(call, site.call, function)
                ]
                again = "arms the next one"
            rearms = [guarded for _, guarded in links]
            if rearms and not all(rearms):
                site.timer_chain = site.target_known = True
                # re-armed past a guard only because its own call decides the guard (the
                # RepeatedTimer recipe): stopped by the cancel of the stored timer, but for a
                # cancel landing between a firing and its re-arm
                kept = self._kept_cancel(site.call)
                site.race_only = self._let_go(site.call) is False and (
                    all(
                        guarded
                        for call, guarded in self._rearms(
                            function, _stored_on(self.index, site.call), decided=False
                        )
                        if any(call is link for link, _ in links)
                    )
                    or self._cancel_called(kept, site.call, function)
                )
                site.loops_forever(
                    f"its function {function.name.value}() {again} and keeps its cancel in "
                    f"`{kept}`: the chain ends only when that is called, unless it is while a "
                    "link runs"
                    if site.race_only and kept
                    else f"its function {function.name.value}() {again} past a guard its own "
                    "call decides: the chain ends only when the kept timer is cancelled"
                    if site.race_only
                    else f"its function {function.name.value}() {again} without checking a "
                    "stop flag: a runaway timer chain"
                )
                return
            unlowered = ""
            if rearms:
                # the function the timer runs, or the method of the module it calls that
                # re-arms (`_fire()` calling `_schedule()`, which tests the flag)
                # (there only for a timer let go: one kept where a cancel finds it is judged
                # as it was, a chain until stopped)
                holders = [function] + [
                    method
                    for call, _ in links
                    if self._let_go(site.call)
                    and (method := self.index.method_of(call)) is not None
                    and method is not function
                ]
                unlowered = next(
                    (flag for holder in holders if (flag := self._never_lowered(holder))), ""
                )
            if unlowered:
                site.timer_chain = site.target_known = True
                site.loops_forever(
                    f"its function {function.name.value}() {again} while "
                    f"`self.{unlowered}`, which nothing lowers once the object is made: a "
                    "runaway timer chain"
                )
                return
            if rearms:
                # re-armed only while a flag says so: the chain lasts until that flag is
                # cleared, like a loop until stopped
                site.until_stopped = site.target_known = True
                # its condition may be data (registered yet? connected?), and the chain may be
                # entered again only once it has ended the last one (a reconnect)
                site.ends_unstopped = True
                # unless the flags tested on the way are the object's own, set only to stop
                # it, as a loop's are (`if not self._stopped: <re-arm>`, stop() setting it)
                flags = self._chain_flags(function, [call for call, _ in links])
                info = self.index.class_of(function.body)
                if (
                    flags
                    and info is not None
                    and all(self._switch(info, flag) for flag in flags)
                    and not self._may_end_unstopped(site.call, arg.value, function, flags)
                ):
                    site.until_flag = next(iter(flags))
                    site.until_value = flags[site.until_flag]
                    site.chain_stopped = True
                return

    def _switch(self, info: ClassInfo, flag: str) -> bool:
        """Is ``flag`` (``self._stopped``) a switch of the class: given only ``True``,
        ``False`` or ``None`` (or an Event it sets and clears) once the object is made (its
        first value may be the caller's: ``self.sync = sync``), never data (a list it fills and
        empties, a count)?"""
        name = flag.removeprefix("self.")
        for member in self.index.lineage(info):
            for node in self_attribute_nodes(self.index, member, name):
                parent = self.index.parent_of(node)
                method = self.index.method_of(node)
                stored = isinstance(parent, cst.AssignTarget) or (
                    isinstance(parent, cst.AnnAssign) and parent.target is node
                )
                if stored and not (method is not None and method.name.value == "__init__"):
                    assign = (
                        self.index.parent_of(parent)
                        if isinstance(parent, cst.AssignTarget)
                        else parent
                    )
                    value = assign.value if isinstance(assign, cst.Assign | cst.AnnAssign) else None
                    if not (
                        (isinstance(value, cst.Name) and value.value in ("True", "False", "None"))
                        or (
                            isinstance(value, cst.Call)
                            and (self.index.resolve(value.func) or "").endswith("Event")
                        )
                    ):
                        return False
                elif isinstance(parent, cst.Attribute) and parent.value is node:
                    if parent.attr.value not in ("set", "clear", "is_set", "wait"):
                        return False
                elif isinstance(parent, cst.AugAssign | cst.Subscript):
                    return False
        return True

    def _chain_flags(
        self, function: cst.FunctionDef, links: list[cst.Call]
    ) -> dict[str, bool | None]:
        """The flags of its object that ``function`` tests on its way to re-arming a timer at
        each of ``links``, each with the truth that ends the chain (``if not self._stopped:
        <re-arm>``: ``self._stopped`` True; an early ``if self._stopped: return`` the same).
        Empty when a link is in another function (one ``function`` calls)."""
        flags: dict[str, bool | None] = {}
        for link in links:
            current: cst.CSTNode = link
            for ancestor in self.index.ancestors(link):
                if ancestor is function:
                    break
                if isinstance(ancestor, cst.If) and current is ancestor.body:
                    flags.update(exit_values(ancestor.test, False))
                elif isinstance(ancestor, cst.If) and current is ancestor.orelse:
                    flags.update(exit_values(ancestor.test, True))
                elif isinstance(ancestor, cst.IndentedBlock) and current in ancestor.body:
                    for statement in ancestor.body[: ancestor.body.index(current)]:
                        if isinstance(statement, cst.If) and _leaves(statement.body):
                            flags.update(exit_values(statement.test, True))
                current = ancestor
            else:
                return {}  # not in the function: in one it calls
        return flags

    def _let_go(self, call: cst.Call) -> bool:
        """Is the timer made by ``call`` started at once (``Timer(5, f).start()``) or bound to a
        plain name (``t = Timer(5, f)``), not kept on an object or in a container (nor its
        cancel: ``self._cancel = t.cancel``)?"""
        parent = self.index.parent_of(call)
        if isinstance(parent, cst.Attribute) and parent.value is call:
            return parent.attr.value == "start"
        stored = _stored_on(self.index, call)
        return bool(stored) and "." not in stored and not self._kept_cancel(call)

    def _kept_cancel(self, call: cst.Call) -> str:
        """``self._cancel_save`` when the timer made by ``call``, bound to a plain name, is
        kept on the object by the function making it, itself or its bound ``cancel``
        (``self._timer = t``, ``self._cancel_save = scheduler.cancel``): the next link's
        cancel is then where the object's stop finds it. "" otherwise."""
        stored = _stored_on(self.index, call)
        scope = self.index.scope_of(call)
        if not stored or "." in stored or not isinstance(scope, cst.FunctionDef):
            return ""
        for target, value in assignments(scope):
            kept = dotted_name(target) or ""
            if _own_attribute(kept) and dotted_name(value) in (stored, f"{stored}.cancel"):
                return kept
        return ""

    def _cancel_called(self, kept: str, call: cst.Call, function: cst.FunctionDef) -> bool:
        """Does a method other than the chain's ``function`` cancel the link ``call`` keeps
        on the object in ``kept`` (``self._cancel_save()``, ``self._timer.cancel()``)? Then a
        stop finds each link but the one running, as a stop cancelling a stored timer does."""
        info = self.index.class_of(function.body) or self.index.class_of(call)
        if not kept or info is None:
            return False
        for name, method in info.methods.items():
            if method is function or name == "__del__":
                continue  # (never run while the chain holds the object)
            for made in calls_in(self.index, method):
                called = dotted_name(made.func) or ""
                if called in (kept, f"{kept}.cancel"):
                    return True
        return False

    def _arms_the_same(self, call: cst.Call, first: cst.Call, function: cst.FunctionDef) -> bool:
        """Is ``call`` a timer of the same kind as ``first`` running ``function`` too: the next
        link of the chain that ``first`` starts?"""
        kind = self.index.resolve(first.func)
        if kind is None or self.index.resolve(call.func) != kind:
            return False
        return any(given is function for _, given in self._functions_given(call))

    def _functions_given(self, call: cst.Call) -> Iterator[tuple[cst.Arg, cst.FunctionDef]]:
        """The functions of the module among ``call``'s arguments (positional, or ``target=``
        / ``function=``), unwrapped (``partial(f, ...)``), each with its argument."""
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value not in ("target", "function"):
                continue
            function = self.function_for(self._unwrap_target(arg.value, call), call)
            if function is not None:
                yield arg, function

    def _rearms(
        self, function: cst.FunctionDef, own: str = "", decided: bool = True
    ) -> list[tuple[cst.Call, bool]]:
        """The calls that ``function`` (and the methods and functions of this module it calls,
        four deep) makes, each with whether a stop flag is looked at on the way to it. ``own``
        is where the timer is kept (``self.timer``): asked from its own function,
        ``self.timer.is_alive()`` is always true (its thread is the one running it), so it
        stops nothing."""
        found: list[tuple[cst.Call, bool]] = []
        pending: list[tuple[cst.FunctionDef, bool, dict[str, object]]] = [(function, False, {})]
        seen: set[int] = set()
        while pending:
            current, guarded, known = pending.pop()
            if id(current) in seen or len(seen) > 4:
                continue
            seen.add(id(current))
            for call in calls_in(self.index, current):
                here = guarded or self._flag_guarded(call, current, own, known)
                found.append((call, here))
                if isinstance(call.func, cst.Attribute | cst.Name):
                    callee = self.function_for(call.func, call)
                    if callee is not None:
                        known = self._known_at(call, current, callee) if decided else {}
                        pending.append((callee, here, known))
        return found

    def _known_at(
        self, call: cst.Call, caller: cst.FunctionDef, callee: cst.FunctionDef
    ) -> dict[str, object]:
        """What ``callee`` is sure to find when ``caller`` calls it at ``call``: its parameters
        given a literal (``self.start(from_run=True)``) and the object's attributes ``caller``
        sets to one in the statements just before the call (``self.is_running = False;
        self.start()``), each with that value (True, False or None). A test of these in
        ``callee`` is decided by the call, not by the state: it stops nothing."""
        known: dict[str, object] = {}
        params = given_params(self.index, callee, call.func)
        named = {p.name.value for p in [*params, *callee.params.kwonly_params]}
        positional = [a for a in call.args if a.keyword is None and not a.star]
        for arg in call.args:
            value = _literal_value(arg.value)
            if value is _UNKNOWN or arg.star:
                continue
            if arg.keyword is not None and arg.keyword.value in named:
                known[arg.keyword.value] = value
            elif arg.keyword is None and positional.index(arg) < len(params):
                known[params[positional.index(arg)].name.value] = value
        current: cst.CSTNode = call
        for ancestor in self.index.ancestors(call):
            if ancestor is caller:
                break
            if isinstance(ancestor, cst.IndentedBlock) and current in ancestor.body:
                for statement in ancestor.body[: ancestor.body.index(current)]:
                    for line in (
                        statement.body if isinstance(statement, cst.SimpleStatementLine) else ()
                    ):
                        if not isinstance(line, cst.Assign):
                            continue
                        value = _literal_value(line.value)
                        for target in line.targets:
                            name = dotted_name(target.target) or ""
                            if name.startswith("self.") and name.count(".") == 1:
                                if value is _UNKNOWN:
                                    known.pop(name, None)
                                else:
                                    known[name] = value
            current = ancestor
        return known

    def _flag_guarded(
        self,
        node: cst.CSTNode,
        function: cst.FunctionDef,
        own: str = "",
        known: dict[str, object] | None = None,
    ) -> bool:
        """Does reaching ``node`` in ``function`` depend on the object's state (``if not
        self._stopped:``, an early ``if self._stop.is_set(): return``)? Not on ``own``'s
        ``is_alive()`` (see ``_rearms``), nor on a test that what the caller set just before,
        or passed, decides (``known``, see ``_known_at``): a test decided against ``node``
        makes it unreachable that way (guarded)."""

        def reads(test: cst.BaseExpression) -> bool:
            return not _asks_alive(test, own) and _reads_state(test, function, self.index)

        current: cst.CSTNode = node
        for ancestor in self.index.ancestors(node):
            if ancestor is function:
                break
            if (
                known
                and isinstance(ancestor, cst.If)
                and current in (ancestor.body, ancestor.orelse)
            ):
                decided = _decided(ancestor.test, known)
                if decided is not None:
                    if decided != (current is ancestor.body):
                        return True  # not reached this way
                    current = ancestor
                    continue
            if known and isinstance(ancestor, cst.IndentedBlock) and current in ancestor.body:
                before = ancestor.body[: ancestor.body.index(current)]
                if any(
                    isinstance(statement, cst.If)
                    and _leaves(statement.body)
                    and _decided(statement.test, known) is True
                    for statement in before
                ):
                    return True  # left before it, that way
            if (
                isinstance(ancestor, cst.If)
                and current in (ancestor.body, ancestor.orelse)
                and reads(ancestor.test)
                and not self._rearms_too(
                    ancestor.orelse if current is ancestor.body else ancestor.body, node
                )
                and not (
                    current is ancestor.body
                    and ancestor.orelse is None
                    and _leaves(ancestor.body)
                    and self._rearms_after(ancestor, node)
                )
            ):
                # `if not self._stopped: <re-arm>` (else: shut down): the state decides; not
                # when the other way re-arms too (only the interval or the work differs):
                # the other branch, or after `if <empty>: <re-arm>; return`, what follows
                return True
            if isinstance(ancestor, cst.IndentedBlock) and current in ancestor.body:
                before = ancestor.body[: ancestor.body.index(current)]
                for statement in before:
                    if (
                        isinstance(statement, cst.If)
                        and reads(statement.test)
                        and _leaves(statement.body)
                        and not (known and _decided(statement.test, known) is False)
                        and not self._rearms_too(statement.body, node)
                    ):
                        return True
                if any(
                    isinstance(statement, cst.Try) and self._error_leaves(statement, node)
                    for statement in before
                ):
                    return True
                if self._left_by_an_error(ancestor, before, node):
                    return True
            current = ancestor
        return False

    def _left_by_an_error(
        self, block: cst.IndentedBlock, before: Sequence[cst.BaseStatement], node: cst.CSTNode
    ) -> bool:
        """Is ``node`` (a re-arm) in a part of a ``try`` that runs only while a call of its
        body has not failed, with an error a handler catches without re-arming (and no re-arm
        in its ``finally``)? Then the chain ends when that call fails, as ``try: while True:
        conn.recv() except EOFError: return`` ends when its peer goes away: a sampler of a
        child re-arms while ``psutil`` can read it, and ``NoSuchProcess`` ends it. That part is
        the body after such a call (``before``), the ``else`` block, or another handler (one
        error retries, ``NoSuchProcess`` ends it)."""
        owner = self.index.parent_of(block)
        statement = self.index.parent_of(owner) if isinstance(owner, cst.Else) else owner
        if isinstance(owner, cst.ExceptHandler):
            statement = self.index.parent_of(owner)
        if not isinstance(statement, cst.Try) or (
            statement.finalbody is not None and self._rearms_too(statement.finalbody, node)
        ):
            return False
        if owner is statement:  # the body: the calls before the re-arm
            ending = error_handlers(statement, before)
        else:  # the else block, or a handler: any call of the body
            ending = error_handlers(statement, statement.body.body)
        return any(
            handler is not owner and not self._rearms_too(handler.body, node) for handler in ending
        )

    def _error_leaves(self, statement: cst.Try, node: cst.CSTNode) -> bool:
        """Does a handler of ``statement`` (a ``try`` before the re-arm ``node`` in its block)
        catch an error a call of its body can raise and leave the function (``return``,
        ``raise``) without re-arming, with no re-arm in its ``finally``? Then the re-arm after
        it is skipped when that call fails: the chain ends there."""
        if statement.finalbody is not None and self._rearms_too(statement.finalbody, node):
            return False
        return any(
            _leaves(handler.body) and not self._rearms_too(handler.body, node)
            for handler in error_handlers(statement, statement.body.body)
        )


def _loop_statements(loop: cst.While) -> list[cst.BaseSmallStatement]:
    """The simple statements every pass of ``loop`` runs: those of its body, and of the body of
    a ``try`` there (``while self.running: try: time.sleep(30) ...``)."""
    found: list[cst.BaseSmallStatement] = []
    pending: list[cst.BaseSuite] = [loop.body]
    while pending:
        suite = pending.pop()
        for line in suite.body if isinstance(suite, cst.IndentedBlock) else ():
            if isinstance(line, cst.SimpleStatementLine):
                found.extend(line.body)
            elif isinstance(line, cst.Try):
                pending.append(line.body)
    return found


def _called_inner_functions(method: cst.FunctionDef) -> list[cst.FunctionDef]:
    """The functions ``method`` defines in its own body and calls there by name."""
    inner = {
        node.name.value: node
        for node in walk_statements(method, skip_nested=True)
        if isinstance(node, cst.FunctionDef) and node is not method
    }
    if not inner:
        return []
    called = {
        node.func.value
        for node in walk_statements(method)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name)
    }
    return [function for name, function in inner.items() if name in called]


def _stored_on(index: ModuleIndex, call: cst.Call) -> str:
    """``self.timer`` for ``self.timer = threading.Timer(...)``, else ""."""
    parent = index.parent_of(call)
    targets = targets_given(parent, call)
    return (dotted_name(targets[0]) or "") if len(targets) == 1 else ""


def _asks_alive(test: cst.BaseExpression, own: str) -> bool:
    """Is ``test`` ``own.is_alive()`` (or its negation)?"""
    if not own:
        return False
    while isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        # `self.timer is not None and self.timer.is_alive()`: both always hold there
        return all(_asks_alive(part, own) or _is_set(part, own) for part in (test.left, test.right))
    return (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "is_alive"
        and dotted_name(test.func.value) == own
    )


def _is_set(test: cst.BaseExpression, own: str) -> bool:
    """``own is not None`` or ``own`` itself."""
    if dotted_name(test) == own:
        return True
    return (
        isinstance(test, cst.Comparison)
        and dotted_name(test.left) == own
        and none_test_sense(test) is True
    )


def _finalizer_only(verb: str) -> str:
    return (
        f"its object's __del__() {verb}: the thread holds the object, which is never collected "
        "while the thread runs, so the loop never ends"
    )


def _event_waited(test: cst.BaseExpression) -> str:
    """The plain name of the Event a ``while`` test waits on: ``not stop.wait(5)``,
    ``not stop.is_set()``; "" otherwise."""
    if not (isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not)):
        return ""
    call = test.expression
    if (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value in ("wait", "is_set", "isSet")
        and isinstance(call.func.value, cst.Name)
    ):
        return call.func.value.value
    return ""


def _private_unnamed(index: ModuleIndex, method: cst.FunctionDef) -> bool:
    """Is ``method`` private (``_halt``, not a dunder) and named nowhere else in the module's
    code (no ``self._halt()``, no callback handed on; comments aside)?"""
    name = method.name.value
    if not name.startswith("_") or name.endswith("__"):
        return False
    code = _without_comments(index.text)
    return len(re.findall(rf"\b{re.escape(name)}\b", code)) < 2


@lru_cache(maxsize=4)
def _without_comments(text: str) -> str:
    """``text`` with what follows each ``#`` on its line removed (a '#' in a string only counts
    more names), once per module text, however many methods are asked about."""
    return re.sub(r"#[^\n]*", "", text)


def _own_flag_given(call: cst.Call, subclass: SubclassInfo) -> tuple[str, bool] | None:
    """The flag of the starting object (``self._running``) that ``call`` gives the constructor
    for one its run() loops on (``Receiver(conn, self._running)`` for ``__init__(self, conn,
    alive): self._alive = alive`` and ``while self._alive.is_set():``), with the truth that
    ends the loop; None when it gives none."""
    for position, name, end, _ in subclass.start_values:
        given = argument(call, position, name)
        flag = dotted_name(given) if given is not None else None
        if flag and flag.startswith("self.") and flag.count(".") == 1:
            return flag, end
    return None


def _begins_over(call: cst.Call, subclass: SubclassInfo) -> bool:
    """Does ``call`` give the constructor a value of a loop flag that ends the loop at once
    (``GC(wait_for_shell=False)``, run() looping ``while self.wait_for_shell:``)?"""
    for position, name, end, default in subclass.start_values:
        given = argument(call, position, name)
        if given is None and any(arg.star for arg in call.args):
            continue  # `**options` may give it
        if (literal_truth(given) if given is not None else default) is end:
            return True
    return False


def _reads_own_state(test: cst.BaseExpression) -> bool:
    """Is ``test`` made only of the object's state (``self._stop``, ``not self.running``,
    ``self._quit.is_set()``, joined with ``and``/``or``)?"""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return _reads_own_state(test.expression)
    if isinstance(test, cst.BooleanOperation):
        return _reads_own_state(test.left) and _reads_own_state(test.right)
    if (
        isinstance(test, cst.Call)
        and not test.args
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value == "is_set"
    ):
        test = test.func.value
    name = (dotted_name(test) if isinstance(test, cst.Attribute) else None) or ""
    return name.startswith("self.") and name.count(".") == 1


def _only_accepts(statement: cst.Try) -> bool:
    """Is every call in the body of this ``try`` a socket's ``accept()`` (at least one)?"""
    calls = [node for node in walk(statement.body) if isinstance(node, cst.Call)]
    return bool(calls) and all(
        isinstance(call.func, cst.Attribute) and call.func.attr.value == "accept" and not call.args
        for call in calls
    )


def _other_exit(body: cst.CSTNode, skipped: set[int]) -> bool:
    """Is there a return, a raise or a break of the loop whose ``body`` this is, outside the
    handlers ``skipped`` (and outside nested loops, for a break, and nested functions)?"""
    stack: list[tuple[cst.CSTNode, bool]] = [(body, False)]
    while stack:
        node, nested = stack.pop()
        if id(node) in skipped or isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda):
            continue
        if isinstance(node, cst.Return | cst.Raise) or (isinstance(node, cst.Break) and not nested):
            return True
        stack.extend((child, nested or breaks_belong(node, child)) for child in children(node))
    return False


# what makes a new asyncio event loop (`asyncio.new_event_loop()`, `uvloop.new_event_loop()`,
# `asyncio.SelectorEventLoop()`)
_NEW_LOOPS = frozenset({"new_event_loop", "SelectorEventLoop", "ProactorEventLoop"})


def _served_object(forever: cst.CSTNode | None) -> str:
    """``self._loop`` for a ``self._loop.run_forever()`` statement, else ""."""
    if isinstance(forever, cst.Expr) and isinstance(forever.value, cst.Call):
        func = forever.value.func
        if isinstance(func, cst.Attribute):
            return dotted_name(func.value) or ""
    return ""


def _same_call(a: cst.Call, b: cst.Call) -> bool:
    return dotted_name(a.func) is not None and dotted_name(a.func) == dotted_name(b.func)


_UNKNOWN = object()


def _literal_value(value: cst.BaseExpression) -> object:
    """True, False or None for those literals; ``_UNKNOWN`` for anything else."""
    if isinstance(value, cst.Name) and value.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[value.value]
    return _UNKNOWN


def _decided(test: cst.BaseExpression, known: dict[str, object]) -> bool | None:
    """The truth of ``test`` given the values ``known`` holds for plain names and ``self.x``
    attributes (None when the test is not decided by them)."""

    def leaf(node: cst.BaseExpression) -> bool | None:
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            target = node.comparisons[0]
            if not (
                isinstance(target.operator, cst.Is | cst.IsNot)
                and dotted_name(target.comparator) == "None"
            ):
                return None
            value = _decided_value(node.left, known)
            if value is _UNKNOWN:
                return None
            return (value is None) == isinstance(target.operator, cst.Is)
        value = _decided_value(node, known)
        return None if value is _UNKNOWN else bool(value)

    return three_valued(test, leaf)


def _decided_value(expr: cst.BaseExpression, known: dict[str, object]) -> object:
    literal = _literal_value(expr)
    if literal is not _UNKNOWN:
        return literal
    name = dotted_name(expr) if isinstance(expr, cst.Name | cst.Attribute) else None
    return known.get(name, _UNKNOWN) if name else _UNKNOWN


def _reads_state(
    test: cst.BaseExpression,
    function: cst.FunctionDef | None = None,
    index: ModuleIndex | None = None,
) -> bool:
    """Does the test read what can change from one run of ``function`` to the next: the
    object's state (``self._stopped``, ``self._stop.is_set()``), a local that ``function``
    computes from it or from a call (``rc = self._proc.poll()`` ... ``if rc is None:``), or a
    name of the function enclosing it that another function nested there rebinds (``nonlocal
    shutting_down`` in a ``stop_refresh()`` beside the chain's ``async_refresh()``: the
    closures' shared state, as an object's attribute is theirs)? Not a parameter, which a
    re-armed timer passes again unchanged."""
    if _reads_self(test):
        return True
    if function is None:
        return False
    names = {node.value for node in walk(test) if isinstance(node, cst.Name)}
    if not names:
        return False
    if any(
        isinstance(target, cst.Name)
        and target.value in names
        and value is not None
        and (_reads_self(value) or any(isinstance(node, cst.Call) for node in walk(value)))
        for target, value in assignments(function)
    ):
        return True
    if index is None:
        return False
    enclosing = index.scope_of(function)
    if not isinstance(enclosing, cst.FunctionDef):
        return False
    return any(
        isinstance(node, cst.Nonlocal)
        and any(item.name.value in names for item in node.names)
        and index.scope_of(node) is not function
        for node in walk(enclosing)
    )


def _reads_self(node: cst.CSTNode) -> bool:
    return any(
        isinstance(inner, cst.Attribute) and dotted_name(inner.value) in ("self", "cls")
        for inner in walk(node)
    )


def _reads_held_state(test: cst.BaseExpression) -> bool:
    """Does ``test`` read an attribute of an object its object holds (``self._server.answer``,
    not ``self._stop`` nor the method ``self._stop.is_set``)?"""
    nodes = walk_statements(test, skip_nested=False)
    called = {id(node.func) for node in nodes if isinstance(node, cst.Call)}
    return any(
        isinstance(node, cst.Attribute)
        and id(node) not in called
        and (name := dotted_name(node) or "").startswith("self.")
        and name.count(".") > 1
        for node in nodes
    )


def _leaves(suite: cst.BaseSuite, loop: bool = False) -> bool:
    """The block returns (or raises; with ``loop``, breaks too) at its end."""
    return ends_with(suite, (cst.Return, cst.Raise, cst.Break) if loop else (cst.Return, cst.Raise))


def _taken_from_queues(
    loop: cst.While, queue_of: Callable[[cst.BaseExpression], str]
) -> dict[str, str]:
    """Local names ``loop`` binds from a blocking get of the object's queue (``item =
    self._q.get()``, as ``queue_of`` tells), each with that queue (``self._q``)."""
    out: dict[str, str] = {}
    for node in walk_statements(loop):
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target, queue = node.targets[0].target, queue_of(node.value)
            if isinstance(target, cst.Name) and queue:
                out[target.value] = queue
    return out


def _own_queue_get(value: cst.BaseExpression, given: dict[str, str] | None = None) -> str:
    """``self._q`` for a ``self._q.get()`` that waits for ever (see ``_blocks``), else "";
    also for ``q.get()`` where ``given`` says the parameter ``q`` is ``self._q``."""
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and value.func.attr.value == "get"
        and _blocks(value)
    ):
        queue = dotted_name(value.func.value) or ""
        queue = (given or {}).get(queue, queue)
        return queue if queue.startswith("self.") else ""
    return ""


def _truth(test: cst.BaseExpression, flags: dict[str, bool]) -> bool | None:
    """The truth of ``test`` with the object's ``flags`` at the given values (``self._stop`` or
    ``self._stop.is_set()``), None where anything else decides it."""

    def flag(node: cst.BaseExpression) -> bool | None:
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("is_set", "wait")
        ):
            node = node.func.value
        return flags.get(dotted_name(node) or "")

    return three_valued(test, flag)


_LASTING_THREADS = frozenset({"main_thread", "current_thread", "currentThread"})
_MAIN_THREAD = frozenset({"main_thread"})


def _lasting_thread(value: cst.BaseExpression, asked_here: bool = False) -> bool:
    """``threading.main_thread()``, or ``threading.current_thread()`` asked by the code
    starting the thread: a thread that lasts as long as the program, or as that code's. Asked
    by the thread itself (``asked_here``), current_thread() is that thread, whose own join()
    raises at once."""
    return (
        isinstance(value, cst.Call)
        and not value.args
        and last_name(value.func) in (_MAIN_THREAD if asked_here else _LASTING_THREADS)
        and (dotted_name(value.func) or "").split(".")[0] in ("threading", *_LASTING_THREADS)
    )


# how soon a restart that comes on its own (a reconnect, the next session) usually follows the
# stop of the one before: a sleep at least this long is likely to outlast the gap
_RESTART_GAP = 10.0


def _seconds_of(number: object) -> float:
    return (
        float(number) if isinstance(number, int | float) and not isinstance(number, bool) else 0.0
    )


def _new_event(node: cst.CSTNode, flag: str) -> bool | None:
    """False for ``self._stop = threading.Event()`` (a new Event is not set, as after
    ``clear()``), else None."""
    if (
        isinstance(node, cst.Assign)
        and isinstance(node.value, cst.Call)
        and last_name(node.value.func) == "Event"
        and any(dotted_name(t.target) == flag for t in node.targets)
    ):
        return False
    return None


_CLOCKS = frozenset({"time", "monotonic", "perf_counter", "time_ns", "monotonic_ns"})


def _clock_call(value: cst.BaseExpression) -> bool:
    """``time.time()``, ``time.monotonic()``, ``monotonic()``: a reading of the clock."""
    return (
        isinstance(value, cst.Call)
        and not value.args
        and last_name(value.func) in _CLOCKS
        and (dotted_name(value.func) or "").split(".")[0] in ("time", *_CLOCKS)
    )


def _since(value: cst.BaseExpression, refreshed: set[str]) -> bool:
    """``time.time() - self._last_message``: the time since a moment in ``refreshed``."""
    return (
        isinstance(value, cst.BinaryOperation)
        and isinstance(value.operator, cst.Subtract)
        and _clock_call(value.left)
        and dotted_name(value.right) in refreshed
    )


def _watchdog_names(loop: cst.While, refreshed: set[str]) -> set[str]:
    """Names ``loop`` binds only to the time since a moment other code keeps moving forward
    (``elapsed = time.time() - self._last_message``)."""
    bound: dict[str, bool] = {}
    for node in walk_statements(loop):
        if isinstance(node, cst.Assign | cst.AugAssign | cst.AnnAssign):
            targets = (
                [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
            )
            for target in targets:
                if isinstance(target, cst.Name):
                    since = isinstance(node, cst.Assign) and _since(node.value, refreshed)
                    bound[target.value] = bound.get(target.value, True) and since
    return {name for name, since in bound.items() if since}


def _watchdog(test: cst.BaseExpression, refreshed: set[str]) -> bool:
    """Is every call ``test`` makes a clock reading in the time since a moment other code keeps
    moving forward (``time.time() - self._last_message > TIMEOUT``)? Such an exit is a
    watchdog's: it fires only when that code stops (a stall), never while it goes on, unlike a
    deadline counted from a moment the loop fixed (``time.time() - start > limit``)."""
    calls = [node for node in walk(test) if isinstance(node, cst.Call)]
    inside = {
        id(node.left)
        for node in walk(test)
        if isinstance(node, cst.BinaryOperation) and _since(node, refreshed)
    }
    return bool(calls) and all(id(call) in inside for call in calls)


def _asks_a_call(test: cst.BaseExpression) -> bool:
    """Does ``test`` call something other than an Event's ``is_set()``/``wait()`` (``time() -
    start <= limit``, ``self._q.qsize()``, ``worker.is_alive()``)? Its answer can change
    with no flag set: the clock moves, the queue drains, the thread ends."""
    return any(
        isinstance(node, cst.Call)
        and not (
            isinstance(node.func, cst.Attribute) and node.func.attr.value in ("is_set", "wait")
        )
        for node in walk(test)
    )


_INFINITIES = frozenset({'float("inf")', "float('inf')", "math.inf", "inf", "numpy.inf", "np.inf"})
_TAKES = frozenset({"get", "get_nowait", "pop", "popleft", "popitem", "remove", "clear"})


def _attributes_updated_in(loop: cst.While) -> set[str]:
    """The attributes the body of ``loop`` updates in place (``self.zsize.value += 1``,
    ``self.count = self.count + 1``): a counter of the object's that the loop itself moves;
    and the containers it takes from (``self._queue.get()``, ``self._jobs.pop()``): a loop
    on ``not self._queue.empty()`` that drains it ends when it is empty."""
    found: set[str] = set()
    for node in walk_statements(loop):
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in _TAKES
            and isinstance(node.func.value, cst.Attribute)
        ):
            found.add(dotted_name(node.func.value) or "")

        if isinstance(node, cst.AugAssign) and isinstance(node.target, cst.Attribute):
            found.add(dotted_name(node.target) or "")
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                name = (
                    dotted_name(target.target) if isinstance(target.target, cst.Attribute) else None
                )
                if name and any(
                    isinstance(inner, cst.Attribute) and dotted_name(inner) == name
                    for inner in walk_statements(node.value, skip_nested=False)
                ):
                    found.add(name)
    found.discard("")
    return found


def _holds_items(test: cst.BaseExpression, queue: str) -> bool | None:
    """True when ``test`` holds only while ``queue`` holds something (``not q.empty()``,
    ``q.qsize()``, ``q.qsize() > 0``), False when only while it is empty (``q.empty()``, ``not
    q.qsize()``), None for any other test."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _holds_items(test.expression, queue)
        return None if inner is None else not inner
    compared = None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        compared = test.comparisons[0]
        test = test.left
    if not (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and dotted_name(test.func.value) == queue
    ):
        return None
    if test.func.attr.value == "empty" and compared is None:
        return False
    if test.func.attr.value != "qsize":
        return None
    if compared is None:
        return True
    zero = isinstance(compared.comparator, cst.Integer) and compared.comparator.value == "0"
    if zero and isinstance(compared.operator, cst.GreaterThan | cst.NotEqual):
        return True
    if zero and isinstance(compared.operator, cst.Equal):
        return False
    return None


def _tests_emptiness(test: cst.BaseExpression, queues: set[str]) -> bool:
    """Is ``test`` (a ``while`` test) only whether one of ``queues`` holds something: ``not
    q.empty()``, ``q.qsize()``, ``q.qsize() > 0``?"""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        test = test.expression
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        test = test.left
    return (
        isinstance(test, cst.Call)
        and isinstance(test.func, cst.Attribute)
        and test.func.attr.value in ("empty", "qsize")
        and dotted_name(test.func.value) in queues
    )


def _reads_any(test: cst.BaseExpression, attributes: set[str]) -> bool:
    """Does ``test`` read one of ``attributes`` (``self.zsize.value == self.Zlen``)?"""
    return bool(attributes) and any(
        isinstance(node, cst.Attribute) and dotted_name(node) in attributes
        for node in walk_statements(test, skip_nested=False)
    )


def _bound_in(loop: cst.While, queue_of: Callable[[cst.BaseExpression], str]) -> set[str]:
    """Local names the body of ``loop`` binds or updates (``n += 1``, ``now = time.time()``,
    ``for x in ...``, ``with ... as f``). Not one bound from a blocking ``self._q.get()``
    (``queue_of``): a value taken from the object's own queue ends the loop only if someone
    puts it there, which the stop analysis (``_puts``) judges."""
    names: set[str] = set()
    for node in walk_statements(loop):
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            if queue_of(node.value):
                continue
            targets = [t.target for t in node.targets]
        elif isinstance(node, cst.AugAssign | cst.AnnAssign | cst.For):
            targets = [node.target]
        elif isinstance(node, cst.With):
            targets = [i.asname.name for i in node.items if i.asname is not None]
        while targets:
            target = targets.pop()
            if isinstance(target, cst.Name):
                names.add(target.value)
            elif isinstance(target, cst.Tuple | cst.List):
                targets.extend(element.value for element in target.elements)
    return names


_BLOCKING_WORDS = ("queue", "channel", "result", "future", "inbox", "mailbox", "pipe")
_BLOCKING_MODULES = frozenset(
    {"queue", "multiprocessing", "asyncio", "gevent", "eventlet", "janus", "trio", "anyio",
     "billiard", "zmq", "kombu", "concurrent"}
)  # fmt: skip


def _not_a_queue(value: cst.BaseExpression | None, index: ModuleIndex) -> bool:
    """``{}``, ``{k: v}``, a dict comprehension, or a call of a class that is not a queue by
    its name or its module (``dict(...)``, ``Backoff()``; not ``Queue()``,
    ``ctx.JoinableQueue()``, gevent's ``Channel()``, an ``AsyncResult()``, anything from
    ``queue``/``multiprocessing``/``asyncio``/``gevent``..., nor a call of something
    unnamed)."""
    if isinstance(value, cst.Dict | cst.DictComp):
        return True
    if isinstance(value, cst.IfExp):
        # `d.get("shared", {}) if isinstance(d, dict) else {}`: whichever it takes
        return _not_a_queue(value.body, index) and _not_a_queue(value.orelse, index)
    if isinstance(value, cst.Call):
        called = (dotted_name(value.func) or "").rsplit(".", 1)[-1].lower()
        root = (index.resolve(value.func) or "").split(".", 1)[0]
        return (
            bool(called)
            and not any(word in called for word in _BLOCKING_WORDS)
            and root not in _BLOCKING_MODULES
        )
    return False


_QUEUE_CLASSES = ("Queue", "SimpleQueue", "LifoQueue", "PriorityQueue", "JoinableQueue")


def _put_waits(call: cst.Call) -> bool:
    """``q.put(item)`` that waits for room in a full queue for ever: no ``timeout``, not
    ``block=False`` (``put(item, block=True, timeout=None)``)."""
    for position, arg in enumerate(call.args):
        keyword = arg.keyword.value if arg.keyword is not None else ""
        if keyword == "timeout" or (not keyword and position == 2):
            if dotted_name(arg.value) != "None":
                return False
        if keyword == "block" or (not keyword and position == 1):
            if dotted_name(arg.value) != "True":
                return False
    return bool(call.args)


def iterator_methods(index: ModuleIndex, info: ClassInfo) -> list[cst.FunctionDef]:
    """The methods of ``info`` that its iterator protocol runs: ``__next__`` (``next``, as
    Python 2 named it), ``__iter__``, and the methods these call on ``self``."""
    iterates = info.methods.get("__iter__")
    if not any(name in info.methods for name in ("__next__", "next")) and not (
        iterates is not None
        and any(isinstance(node, cst.Yield) for node in walk_statements(iterates))
    ):
        return []  # not an iterator: no __next__, no generator __iter__
    found = [info.methods[name] for name in sorted(ITERATOR_METHODS) if name in info.methods]
    for method in list(found):
        for call in calls_in(index, method):
            func = call.func
            if isinstance(func, cst.Attribute) and dotted_name(func.value) == "self":
                called = info.methods.get(func.attr.value)
                if called is not None and called not in found:
                    found.append(called)
    return found


def _given_by(call: cst.Call, function: cst.FunctionDef, parameter: str) -> str:
    """What ``call`` (a lambda's body: ``self.__worker(self.__queue, source)``) passes as
    ``function``'s ``parameter``, dotted (``self.__queue``); "" when it cannot be told."""
    params = [*function.params.posonly_params, *function.params.params]
    names = [param.name.value for param in params]
    if parameter not in names:
        return ""
    position = names.index(parameter)
    bound = isinstance(call.func, cst.Attribute) and dotted_name(call.func.value) == "self"
    if bound and names and names[0] == "self":
        position -= 1
    for place, arg in enumerate(call.args):
        if arg.star:
            return ""
        keyword = arg.keyword.value if arg.keyword is not None else ""
        if keyword == parameter or (not keyword and place == position):
            return dotted_name(arg.value) or ""
    return ""


def _bounded_queue_value(value: cst.BaseExpression | None) -> bool:
    """``Queue(8)``, ``queue.Queue(maxsize=n)``: a queue made with a size that can fill (not
    ``Queue()``, ``Queue(0)``, a negative size, nor a ``SimpleQueue``)."""
    if not _makes_queue(value):
        return False
    assert isinstance(value, cst.Call)
    if last_name(value.func) == "SimpleQueue":
        return False
    size = argument(value, 0, "maxsize")
    if size is None:
        return False
    if isinstance(size, cst.Integer):
        return size.evaluated_value > 0
    return not (isinstance(size, cst.UnaryOperation) or dotted_name(size) == "None")


def _made_bounded_by(index: ModuleIndex, info: ClassInfo, queue: str) -> bool:
    """Is ``queue`` (``self.q``) bound once by the methods of ``info``, to a bounded queue, and
    never taken from by them (the object hands it out to a consumer)?"""
    made = _queues_bound(info.methods.values(), queue)
    return (
        len(made) == 1
        and _bounded_queue_value(made[0])
        and not any(_takes_from(index, method, queue) for method in info.methods.values())
    )


def _made_bounded(scope: cst.FunctionDef, name: str) -> bool:
    """Is ``name`` bound in ``scope`` once, to a queue made with a size (``Queue(8)``,
    ``queue.Queue(maxsize=n)``; not ``Queue()``, ``Queue(0)``, nor a ``SimpleQueue``, which
    never fill)?"""
    made = _queues_bound([scope], name)
    return len(made) == 1 and _bounded_queue_value(made[0])


def _values_bound(bodies: Iterable[cst.CSTNode], name: str) -> list[cst.BaseExpression | None]:
    """What ``bodies`` assign to ``name`` (``q``, ``self._q``), one entry per assignment
    (None for an element of a tuple, ``+=``)."""
    return [
        value
        for body in bodies
        for target, value in assignments(body)
        if dotted_name(target) == name
    ]


def _queues_bound(bodies: Iterable[cst.CSTNode], name: str) -> list[cst.BaseExpression | None]:
    """``_values_bound`` less the ``None`` that lets a queue go once it is done with
    (``self._q.close(); self._q = None`` at the end of the items): that makes no other queue."""
    return [value for value in _values_bound(bodies, name) if dotted_name(value) != "None"]


def _own_attribute(name: str) -> bool:
    """Is ``name`` an attribute of the object itself (``self._q``; not ``self._a._q``)?"""
    return name.startswith("self.") and name.count(".") == 1


def _takes_from(index: ModuleIndex, scope: cst.FunctionDef, name: str) -> bool:
    """Does ``scope`` itself take from the queue ``name`` (``q.get()``, ``q.get_nowait()``,
    ``iter(q.get, None)``)?"""
    return any(
        type(node) is cst.Attribute
        and node.attr.value in ("get", "get_nowait")
        and dotted_name(node.value) == name
        for node in walk_statements(scope)
    )


def _makes_queue(value: cst.BaseExpression | None) -> bool:
    """The value of ``q = Queue()`` / ``self._q = queue.SimpleQueue()`` / ``ctx.Queue(8)``."""
    return isinstance(value, cst.Call) and last_name(value.func) in _QUEUE_CLASSES


def _queue_method_use(index: ModuleIndex, node: cst.CSTNode) -> bool:
    """Is ``node`` (a queue's name or ``self._q``) only used to call one of its methods
    (``q.put(x)``, ``q.join()``)?"""
    parent = index.parent_of(node)
    return (
        isinstance(parent, cst.Attribute)
        and parent.value is node
        and isinstance(index.parent_of(parent), cst.Call)
    )


def _may_be_value(put: cst.BaseExpression, sentinel: cst.BaseExpression) -> bool:
    """May ``put`` (not a plain name) be ``sentinel``: the same name or literal, or anything
    that is not a literal or a display (a call's result)?"""
    wanted = dotted_name(sentinel)
    if wanted is not None:
        return (dotted_name(put) or "").rsplit(".", 1)[-1] == wanted.rsplit(".", 1)[-1] or (
            not _literal(put) and not isinstance(put, cst.Name)
        )
    if _literal(sentinel) and _literal(put):
        return cst.Module([]).code_for_node(put) == cst.Module([]).code_for_node(sentinel)
    return True


def _literal(value: cst.BaseExpression | None) -> bool:
    """A literal, a display or a lambda: never a sentinel object (``None``, a name) but
    itself."""
    return isinstance(
        value,
        cst.BaseNumber
        | cst.BaseString
        | cst.Dict
        | cst.List
        | cst.Tuple
        | cst.Set
        | cst.DictComp
        | cst.ListComp
        | cst.SetComp
        | cst.Lambda,
    )


def _binds_otherwise(node: cst.CSTNode, name: str) -> bool:
    """Does ``node`` bind ``name`` other than by a plain assignment (a ``for``, a ``with ...
    as``, a parameter)?"""
    if isinstance(node, cst.For):
        return any(
            isinstance(n, cst.Name) and n.value == name for n in walk_statements(node.target, False)
        )
    if isinstance(node, cst.AsName | cst.Param):
        inner = node.name
        return isinstance(inner, cst.Name) and inner.value == name
    return False


def _blocks(call: cst.Call) -> bool:
    """``q.get()`` that waits for ever: no timeout, not ``block=False`` / ``get(False)``. A
    queue's get takes ``block``, a truth, first: what no truth is given first is a key
    (``d.get("name")``, ``d.get(FW_VERSION)``, a module constant; ``d.get(prefix + name)``), a
    mapping's get, which returns at once (whether an attribute holds a mapping is
    ``_not_a_queue``'s to say)."""
    for arg in call.args:
        keyword = arg.keyword.value if arg.keyword is not None else ""
        if keyword == "timeout" and dotted_name(arg.value) != "None":
            return False
        if keyword == "block" or (not keyword and arg is call.args[0]):
            if dotted_name(arg.value) == "False" or (
                isinstance(arg.value, cst.Integer) and arg.value.value == "0"
            ):
                return False
        if not keyword and arg is call.args[0] and _a_key(arg.value):
            return False  # d.get("name"): a key, never a queue's `block`
        if not keyword and arg is not call.args[0]:
            return False  # get(True, 5)
    return True


def _a_key(value: cst.BaseExpression) -> bool:
    """Is ``value``, given first to a ``get()``, no truth a queue's ``block`` could be: a
    string, a number other than 0 and 1, a name written in capitals (a module constant:
    ``FW_VERSION_ATTR``), a sum, a subscript, a tuple. A plain name or attribute (``block``,
    ``self._blocking``), ``True``/``False`` or a call may be a truth."""
    if isinstance(value, cst.SimpleString | cst.FormattedString | cst.ConcatenatedString):
        return True
    if isinstance(value, cst.Integer):
        return value.value not in ("0", "1")
    if isinstance(value, cst.Float | cst.BinaryOperation | cst.Subscript | cst.Tuple):
        return True
    if isinstance(value, cst.Name | cst.Attribute):
        name = last_name(value)
        return name not in ("True", "False", "None") and name.isupper()
    return False


def _puts(
    index: ModuleIndex, method: cst.FunctionDef, queue: str, flags: dict[str, bool | None]
) -> bool:
    """Does ``method`` put something in ``queue`` (``self._q.put(None)``) where it stops the
    loop? When it sets one of ``flags`` itself, the put must be able to run on the same pass: a
    put in another branch of an ``if`` than the one setting the flag (data queued on one path,
    the flag set on another) wakes nothing at stop, nor one the pass leaves before reaching
    (`self._active = False; break` in an ``except``, the puts further down the loop)."""
    puts = [
        call
        for call in calls_in(index, method, nested=True)
        if isinstance(call.func, cst.Attribute)
        and call.func.attr.value in ("put", "put_nowait")
        and dotted_name(call.func.value) == queue
    ]
    sets = [
        node
        for node in walk_statements(method, skip_nested=False)
        if isinstance(node, cst.Assign | cst.AugAssign | cst.Call)
        and any(flag in flags for flag, _ in flags_set(node))
    ]
    if not sets:
        return bool(puts)  # it stops the loop by calling a setter: any put of its own wakes it
    return any(
        not _exclusive(index, put, where) and not _left_before(index, where, put)
        for put in puts
        for where in sets
    )


def _left_before(index: ModuleIndex, where: cst.CSTNode, put: cst.CSTNode) -> bool:
    """Does the block holding ``where`` (a flag set) end by leaving (``break``, ``return``,
    ``raise``, ``continue``) with ``put`` outside it? Then the pass setting the flag never
    reaches that put."""
    for ancestor in index.ancestors(where):
        if isinstance(ancestor, cst.IndentedBlock):
            return ends_with(
                ancestor, (cst.Break, cst.Return, cst.Raise, cst.Continue)
            ) and not index.inside(put, ancestor)
        if isinstance(ancestor, cst.FunctionDef):
            break
    return False


def _exclusive(index: ModuleIndex, one: cst.CSTNode, other: cst.CSTNode) -> bool:
    """Are ``one`` and ``other`` in different branches of one ``if`` (never both on a pass)?"""
    for ancestor in index.ancestors(one):
        if not isinstance(ancestor, cst.If):
            continue
        in_body = index.inside(one, ancestor.body)
        if ancestor.orelse is None:
            continue
        if in_body and index.inside(other, ancestor.orelse):
            return True
        if not in_body and index.inside(other, ancestor.body):
            return True
    return False


def forever_text(site: Site, index: ModuleIndex) -> str:
    """Why the site's thread never ends, with the line of its endless loop when there is one."""
    if site.forever_loop is None:
        return site.forever_reason
    return f"{site.forever_reason} (line {index.line_of(site.forever_loop)})"


def _returned_function(maker: cst.FunctionDef) -> cst.FunctionDef | None:
    """The function ``maker`` defines in its body and returns on every return (``def
    forever(fns): def fn(): ...; return fn``): what a call of ``maker`` gives is that function.
    None when it returns anything else too, or has no return."""
    defined = {
        statement.name.value: statement
        for statement in maker.body.body
        if isinstance(statement, cst.FunctionDef)
    }
    found: cst.FunctionDef | None = None
    for node in walk_statements(maker):
        if isinstance(node, cst.Return):
            value = node.value
            if not isinstance(value, cst.Name) or value.value not in defined:
                return None
            if found is not None and found is not defined[value.value]:
                return None
            found = defined[value.value]
    return found


def _first_sleep(function: cst.FunctionDef) -> cst.BaseExpression | None:
    """The interval of a ``time.sleep(x)`` among the first statements of ``function`` (its
    docstring aside), before any loop or test: the function sleeps that long before anything
    else, as a Timer waits out its interval; None when it does not begin so."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock):
        return None
    for statement in body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            return None
        for small in statement.body:
            if not isinstance(small, cst.Expr):
                return None
            value = small.value
            if isinstance(value, cst.SimpleString | cst.ConcatenatedString):
                continue  # the docstring
            if (
                isinstance(value, cst.Call)
                and dotted_name(value.func) in ("time.sleep", "sleep")
                and len(value.args) == 1
            ):
                if any(
                    isinstance(node, cst.Call)
                    and isinstance(node.func, cst.Attribute)
                    and node.func.attr.value == "set"
                    and not node.args
                    for node in walk(body)
                ):
                    # it signals an Event when it wakes (`self.interrupt.set()`): a waker
                    # whose signal drives the next start, one at a time, as a timer chain
                    return None
                return value.args[0].value
            return None
    return None
