"""Follow each started handle to where it is reaped, or to where it is lost.

One generic engine for every rule: a rule says what starts a handle and what reaps it. The stages,
each in its own module: ``sites`` finds the start calls, ``flow`` follows each handle (discarded,
bound to a local, stored on ``self``, put in a container, returned from a factory) to a
``verdict``, and ``harm`` says how much an unreaped handle can pile up. Module-wide facts (wait-any
reapers, entry points, exits) are in ``facts``.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache

import libcst as cst

from forkaudit.analysis.facts import ModuleFacts
from forkaudit.analysis.flow import Follower
from forkaudit.analysis.harm import Harm, RawFinding, parks_until_fired
from forkaudit.analysis.index import ClassInfo, ModuleIndex, dotted_name
from forkaudit.analysis.multiplicity import Counter, Level, Multiplicity
from forkaudit.analysis.owners import find_owners
from forkaudit.analysis.platforms import foreign_platform, foreign_reach
from forkaudit.analysis.raising import failing_after, in_try, managed_context, raising_gap
from forkaudit.analysis.sites import Site, SiteFinder, iterator_methods
from forkaudit.analysis.subclasses import SubclassInfo
from forkaudit.analysis.syntax import (
    always_true,
    argument,
    atexit_registered_method,
    calls_in,
    calls_method,
    caught_names,
    flags_set,
    is_true,
    last_name,
    literal_value,
    local_names,
    short,
    target_expr,
    uncalled_methods,
    walk_statements,
    with_callers,
)
from forkaudit.analysis.verdict import Verdict
from forkaudit.analysis.vocabulary import (
    ENDLESS_ITERATIONS,
    PER_USE_METHODS,
    PERIODIC_REGISTRARS,
    STOP_METHODS,
    WORK_DONE_ERRORS,
)
from forkaudit.analysis.walk import walk
from forkaudit.kinds import Kind
from forkaudit.model import Rule

__all__ = ["Analyzer", "RawFinding"]


class Analyzer:
    def __init__(
        self,
        index: ModuleIndex,
        rules: Sequence[Rule],
        external_subclasses: dict[str, SubclassInfo] | None = None,
        process_reaper: str = "",
        elsewhere: Callable[[str], Multiplicity | None] | None = None,
        attribute_set: Callable[[str, bool], bool] | None = None,
        holder_stops: Callable[[str, str, frozenset[str]], bool] | None = None,
    ) -> None:
        self.index = index
        self.rules = rules
        self.sites = SiteFinder(index, rules, external_subclasses, attribute_set, holder_stops)
        self.subclasses = self.sites.subclasses
        self.facts = ModuleFacts(index)
        if process_reaper and not self.facts.os_reaper:
            # a SIGCHLD handler of the package reaping in a loop: it runs per child exit
            self.facts.os_reaper = process_reaper
            self.facts.os_reaper_calls = None
        self.facts.thread_classes = set(self.subclasses)
        self.flow = Follower(index, self.facts, self.sites.start_map)
        # every call's site, found once: the owners found among them make more calls starts
        self._sites = [(call, self.sites.site_for(call)) for call in index.calls]
        owners = find_owners(
            index, [site for _, site in self._sites if site], self.flow, self.sites.subclasses
        )
        for owner in owners:
            self.sites.add_owner(owner)
        if owners:
            self._sites = [
                (call, site if site is not None else self.sites.site_for(call))
                for call, site in self._sites
            ]
        self.harm = Harm(index, self.facts, Counter(index, self.facts, elsewhere))
        # does another module of the package call a method of this name? (None: not asked yet)
        self.method_called: Callable[[str], bool] | None = None
        # the text analysed, when parts of the module's (index.text) were left out (a slice:
        # only the chunks that can start something; "": what parsed of an old file)
        self.seen: str | None = None
        self.findings: list[RawFinding] = []
        # module-level functions returning a thread that runs their argument (_runs_argument)
        self.factories: dict[str, SubclassInfo] = {}
        # every leak in the order found, judged by run(): the first of a call with a finding wins
        self._leaks: list[tuple[Site, Verdict]] = []

    def run(self) -> list[RawFinding]:
        for _, site in self._sites:
            if site is not None:
                self._analyse(site)
        # Judge harm once every leak is known: a class whose own thread never ends, holding
        # the object through a bound method, keeps its objects (and all they hold) alive.
        kept_alive = _pinned_until_exit(self.index) if self._leaks else {}
        kept_alive.update(
            (id(info.node), "by a thread of its own that never ends")
            for site, verdict in self._leaks
            if (info := _kept_alive_by(self.index, site, verdict)) is not None
        )
        reported: set[int] = set()
        for site, verdict in self._leaks:
            if id(site.call) in reported:
                continue
            info = self.index.class_of(site.call)
            finding = self.harm.assess(
                site,
                verdict,
                kept_alive=kept_alive.get(id(info.node), "") if info is not None else "",
            )
            if finding is not None:
                reported.add(id(site.call))
                self.findings.append(finding)
        return self.findings

    def _analyse(self, site: Site) -> None:
        rule = site.rule
        if foreign_platform(self.index, site.call) or (
            site.node is not site.call and foreign_platform(self.index, site.node)
        ):
            return  # it runs only on another operating system
        if foreign_reach(self.index, site.call, self.facts.callers):
            return  # only code that runs on another operating system uses it
        if self.facts.in_unnamed_private_method(site.call):
            return  # a class-private method nothing names: it never runs
        if self.facts.only_source_taken(site.call):
            return  # its source is sent elsewhere as text: it never runs here
        if self._no_caller_takes(site):
            return  # behind a parameter test no call of its private function passes
        if (rule.kind.os_child or rule.kind.mp_child) and self.facts.exits_after(site.call):
            return  # the parent ends right after: init reaps what it leaves
        if rule.wait_any:
            if (
                rule.kind.os_child
                and self.facts.os_reaper
                and not self._wait_any_skipped(site)
                and self._waits_any_regularly(site)
            ):
                return
            if rule.kind.mp_child and self.facts.mp_reaper and self._reaps_regularly(site):
                return
        if not rule.reaped_by_methods and not rule.reaped_by_functions and not site.reap_methods:
            verdict = Verdict(
                leak=True, reason="the thread it starts cannot be joined", started=True
            )
        else:
            verdict = self.flow.follow(site, site.node)
        if verdict.factory is not None and site.depth < 3:
            runs = self._runs_argument(site, verdict)
            every = self.facts.factory_callers(verdict.factory)
            # a caller whose arguments keep the start's branch from running gets no handle
            callers = [
                caller
                for caller in every
                if self.harm.counter.reaches(caller, verdict.factory, site.call)
            ]
            if every and not callers:
                return
            shared = site.shared_by or self.flow.shares_what_it_returns(verdict.factory)
            kept = (
                # handed out to code elsewhere, but kept where it is: judged as kept there
                self.flow.follow(replace(site, shared_by=shared), site.node)
                if shared and not every and not site.depth
                else None
            )
            if shared and any(
                not (seen := self.flow.follow(replace(site, node=caller), caller)).leak
                and seen.factory is None
                for caller in callers
            ):
                return  # one object for all: a caller reaping it (`get_pool().close()`) reaps it
            if callers:
                for caller in callers:
                    child = replace(
                        site,
                        shared_by=shared,
                        node=caller,
                        via=f"{verdict.factory.name.value}() (returns {site.via})",
                        started=verdict.started or site.started,
                        daemon=verdict.daemon
                        or site.daemon
                        or _daemon_unless_told(verdict.factory, caller),
                        depth=site.depth + 1,
                        call=caller if isinstance(caller, cst.Call) else site.call,
                        tuple_index=verdict.factory_index,
                    )
                    if isinstance(caller, cst.Call):
                        if runs is not None:
                            # what the thread runs is what this caller passes
                            child = replace(
                                child,
                                forever=False,
                                forever_reason="",
                                forever_loop=None,
                                until_stopped=False,
                                target_known=False,
                            )
                            self.sites.check_target_argument(child, *runs)
                        self._analyse_factory_call(child, site)
                return
            if kept is not None:
                verdict = kept
            if not verdict.leak and site.feeds_class:
                # returned to code elsewhere: whoever gets an iterator whose thread fills its
                # queue has no way to end the thread but to take every item (a drain method)
                verdict = self._parked_when_abandoned(site, verdict)
            if not verdict.leak:
                return
        verdict = _chained(site, verdict)
        if site.feeds_class:
            verdict = self._parked_when_abandoned(site, verdict)
        elif site.feeds and site.depth == 0:
            verdict = self._fed_by_a_generator_never_joining(site, verdict)
        if not verdict.leak and verdict.at_exit:
            verdict = self._reaped_at_exit(site, verdict)
        if site.depth == 0 and site.until_stopped and not (verdict.stays or verdict.reapers):
            # (before the stop no code calls: each object ended leaves one, which says more
            # than that the last one holds the exit)
            verdict = self._outlives_its_end(site, verdict)
        if (
            site.depth == 0
            and not (verdict.stays or verdict.outlives)
            and (verdict.reapers or verdict.leak)
        ):
            nobody = self._stopped_by_no_one(site, verdict)
            if nobody is not verdict and not verdict.leak:
                # a construction that can fail with the thread started strands one per failed
                # call, which says more than that the last one holds the exit
                stranded = self._stranded_by_a_failed_construction(site, verdict)
                nobody = stranded if stranded is not verdict else nobody
            verdict = nobody
        if (
            site.outsleeps
            and site.depth == 0
            and not (verdict.replaced or verdict.on_error or verdict.stays or verdict.at_exit)
        ):
            # (a thread its object never joins, which only its harm would excuse, too)
            verdict = self._outslept(site, verdict)
        if site.depth == 0 and (
            not verdict.leak
            # never joined, but it ends on its starter's signal, which needs no join: what
            # matters is whether that signal can be skipped
            or (site.signal and not (verdict.on_error or verdict.stays or verdict.replaced))
        ):
            verdict = self._stopped_unless_raised(site, verdict)
        if not verdict.leak and site.depth == 0:
            verdict = self._stranded_by_a_failed_construction(site, verdict)
        if not verdict.leak and site.depth == 0 and verdict.reapers:
            verdict = self._closed_or_kept_by_atexit(site, verdict)
        if not verdict.leak and site.depth == 0 and rule.kind is Kind.POOL:
            verdict = self._busy_after_shutdown(site, verdict)
        if not verdict.leak:
            return
        if rule.start_methods and not (verdict.started or site.started):
            return
        self._emit(site, verdict)

    def _outslept(self, site: Site, verdict: Verdict) -> Verdict:
        """A thread whose loop sleeps between its looks at its flag sees a stop only once it
        wakes; a join with a shorter timeout gives up first, and no join waits at all. Its
        class starts it anew in a method that sets the flag back (``site.restarter``): a
        restart within the sleep undoes the stop before the old thread looks, and the old one
        runs on beside the new one, its handle replaced. An untimed join waits the sleep out:
        the stop then always lands."""
        index = self.index
        info = index.class_of(site.call)
        attr = _stored_attribute(index, site.call)
        if info is None:
            return verdict
        joins = [
            call
            for member in index.lineage(info)
            for method in member.methods.values()
            for call in calls_in(index, method)
            if attr
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "join"
            and dotted_name(call.func.value) == f"self.{attr}"
        ]
        waited = 0.0
        for join in joins:
            timeout = argument(join, 0, "timeout")
            known, seconds = literal_value(timeout) if timeout is not None else (False, None)
            if not known or not isinstance(seconds, int | float) or isinstance(seconds, bool):
                return verdict  # waits until the thread ends, or for as long as cannot be told
            waited = max(waited, float(seconds))
        if site.outsleeps <= waited:
            return verdict
        wait = (
            f"longer than the {waited:g} s its join() waits"
            if joins
            else "and nothing waits for it to see the stop"
        )
        return Verdict(
            True,
            "medium",
            f"its loop sleeps {site.outsleeps:g} s between its looks at `{site.reset_flag}`, "
            f"{wait}; {site.restarter}() sets `{site.reset_flag}` back before the old thread "
            "wakes, so a restart within that sleep leaves it running beside the new one",
            started=verdict.started or site.started,
            daemon=verdict.daemon or site.daemon,
            holder="self" if attr else "",
            replaced=True,
        )

    def _stranded_by_a_failed_construction(self, site: Site, verdict: Verdict) -> Verdict:
        """A thread that lasts until its object stops it (or serves an object its class
        stops), started on the way through the object's constructor (``__init__``, or a method
        ``__init__`` calls) before a call that fails in normal operation, outside any ``try``
        (raising.failing_after: a connect, a handshake, a login, the object's own wait for its
        peer, a raise of a peer's failure): when that fails, the constructor raises, its caller
        never gets the object, and nothing can reach the stop. ``__enter__`` (and what it calls)
        counts too, as a start and as a failure after one: ``with C(...) as c`` makes and enters
        the object in one step, and ``__exit__`` runs only once ``__enter__`` has returned."""
        if not (
            site.rule.kind.thread and (site.lasts or site.serves_stopped or site.until_sentinel)
        ):
            return verdict
        index = self.index
        info = index.class_of(site.call)
        if info is None:
            return verdict
        methods = index.method_table(info)
        init = methods.get("__init__")
        if init is None:
            return verdict
        attr = _stored_attribute(index, site.call)
        parent = index.parent_of(site.call)
        starts = (
            [
                call
                for method in methods.values()
                for call in calls_in(index, method)
                if isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "start"
                and dotted_name(call.func.value) == f"self.{attr}"
            ]
            if attr
            else [grand]
            if isinstance(parent, cst.Attribute)
            and parent.attr.value == "start"
            and isinstance(grand := index.parent_of(parent), cst.Call)
            else []
        )
        enter = methods.get("__enter__")
        for start in starts:
            method = index.method_of(start)
            if method is None or in_try(index, start, method):
                continue
            way: list[tuple[cst.FunctionDef, cst.CSTNode | None]] = [(method, start)]
            if method is not init and method is not enter:
                # a method the constructor (or the with-block's entry) calls
                entry, calls = next(
                    (
                        (entry, calls)
                        for entry in (init, enter)
                        if entry is not None
                        and (
                            calls := [
                                call
                                for call in calls_in(index, entry)
                                if isinstance(call.func, cst.Attribute)
                                and dotted_name(call.func.value) == "self"
                                and call.func.attr.value == method.name.value
                                and not in_try(index, call, entry)
                            ]
                        )
                    ),
                    (None, []),
                )
                if entry is None:
                    continue
                way.append((entry, calls[0]))
            if enter is not None and all(function is not enter for function, _ in way):
                way.append((enter, None))
            # `self.login()` runs what the object's class defines: a subclass of the module
            # overriding it (a TLS login that connects) makes its objects fail where the
            # base's would not
            tables = [(info.name, methods)] + [
                (other.name, index.method_table(other))
                for other in index.classes.values()
                if other is not info and info in index.lineage(other)
            ]
            for function, after in way:
                made, failing = next(
                    (
                        (name, found)
                        for name, table in tables
                        if (found := failing_after(index, function, after, table)) is not None
                    ),
                    (info.name, None),
                )
                if failing is None:
                    continue
                where = (
                    f"`with {made}(...)` enters it with {function.name.value}(), which raises at "
                    if function is enter
                    else f"{made}() raises at "
                )
                return replace(
                    verdict,
                    leak=True,
                    confidence="medium",
                    reason=f"started on the way through {made}()'s construction, before "
                    f"`{short(index.code(failing).strip())}` (line {index.line_of(failing)}), "
                    f"which fails when its peer is down, slow or refuses: {where}that point, "
                    "its caller never gets the object, and nothing can stop the thread",
                    on_error=True,
                    started=True,
                    holder="self",
                )
        return verdict

    def _busy_after_shutdown(self, site: Site, verdict: Verdict) -> Verdict:
        """An executor's ``shutdown(wait=False)`` (and a future's ``cancel()``) stops no task
        already running. One handed a task that waits, with no timeout, for what the function
        submitting it never gives (``submit(self._closed.wait)``, ``submit(self._q.get)``: an
        Event it does not set, a queue it does not put to) keeps a worker in that task after
        the shutdown, until someone else gives it: one more per call."""
        index = self.index
        statement = index.parent_of(site.call)
        scope = index.scope_of(site.call)
        if not (
            isinstance(statement, cst.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0].target, cst.Name)
            and isinstance(scope, cst.FunctionDef)
        ):
            return verdict
        name = statement.targets[0].target.value
        calls = [
            call
            for call in calls_in(index, scope)
            if isinstance(call.func, cst.Attribute) and dotted_name(call.func.value) == name
        ]
        shutdowns = [call for call in calls if last_name(call.func) == "shutdown"]
        if not shutdowns or any(
            is_true(argument(c, 0, "wait")) or argument(c, 0, "wait") is None for c in shutdowns
        ):
            return verdict  # none, or one waiting for the task: the caller hangs instead
        for call in calls:
            if last_name(call.func) != "submit" or len(call.args) != 1:
                continue
            task = call.args[0].value
            if not (isinstance(task, cst.Attribute) and task.attr.value in ("wait", "get")):
                continue
            holder = dotted_name(task.value) or ""
            given = ("set",) if task.attr.value == "wait" else ("put", "put_nowait")
            if not holder or any(
                isinstance(other.func, cst.Attribute)
                and other.func.attr.value in given
                and dotted_name(other.func.value) == holder
                for other in calls_in(index, scope)
            ):
                continue
            return replace(
                verdict,
                leak=True,
                confidence="medium",
                reason=f"bound to `{name}`; shut down with wait=False, which stops no task "
                f"already running, and one of its workers runs `{index.code(task)}`, which "
                f"waits with no timeout for what {scope.name.value}() never gives: it stays "
                "in that task until something else does",
                started=True,
                stays=True,
            )
        return verdict

    def _stopped_unless_raised(self, site: Site, verdict: Verdict) -> Verdict:
        """A thread waiting for its starter's signal (``site.signal``), or a parked timer, that
        its function stops only after calls that may raise, with no ``finally`` giving the
        signal: each call that raises leaves the thread waiting for good, or the timer armed
        (raising.raising_gap). So is a producer filling a bounded queue its function takes
        from (``site.feeds``), joined only after that function has taken everything: a call
        that raises before leaves it waiting for room in ``put()`` for good.

        A ``yield`` on the way is such a point too. In a ``@contextmanager`` it raises what the
        with-block raises (the error path). In any other generator it is where the consumer
        may stop for good on the normal path: a ``break``, ``next()`` once, or dropping the
        generator closes it there (GeneratorExit), and only its ``finally`` blocks run."""
        if not _feeder_or_thread(site):
            return verdict
        timer = parks_until_fired(site, self.index)
        if not (site.signal or timer or site.lasts or site.feeds):
            return verdict
        statement = self._line_of_statements(site.call)
        scope = self.index.scope_of(site.call)
        if statement is None or not isinstance(scope, cst.FunctionDef):
            return verdict
        small = statement.body[0] if len(statement.body) == 1 else None
        handle = (
            small.targets[0].target.value
            if isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and small.value is site.call
            else ""
        )
        start: cst.CSTNode = statement
        if handle:
            later = [
                call
                for call in self.index.calls
                if isinstance(call.func, cst.Attribute)
                and call.func.attr.value == "start"
                and dotted_name(call.func.value) == handle
                and self.index.scope_of(call) is scope
                and self.index.line_of(call) >= self.index.line_of(statement)
            ]
            if not later:
                return verdict
            start = self._line_of_statements(min(later, key=self.index.line_of)) or statement
        names = [name for name in (handle, site.signal, site.feeds) if name]
        if not names or (handle and self._escapes(handle, scope, statement)):
            return verdict
        # a thread looping until its own stop(): the handle's stopping methods signal it
        stopping = {
            method
            for method in site.reap_methods
            if any(word in method.lower() for word in _STOP_WORDS)
        }
        gap = raising_gap(
            self.index,
            start,
            scope,
            names,
            {*stopping, *STOP_METHODS, "close"},
            stores=(site.signal,) if site.signal_flag else (),
        )
        if gap is None:
            return verdict
        # (a call, or the statement of a `raise` or `yield`: positions are kept for those)
        line = self.index.line_of(
            gap if isinstance(gap, cst.Call) else self.index.statement_of(gap)
        )
        if isinstance(gap, cst.Yield) and not managed_context(scope):
            # the consumer stopping early, on the normal path
            if self._consumed_whole(scope):
                return verdict
            producer = site.feeds and not site.signal
            waits = (
                f"stays parked in put() on the full `{site.feeds}` for good"
                if producer
                else "runs on for good"
                if not site.signal
                else f"waits for `{site.signal}` for good"
            )
            return replace(
                verdict,
                leak=True,
                confidence="medium",
                reason=f"`{handle or site.signal}` is {'joined' if producer else 'stopped'} "
                f"only after the yield at line {line}: a consumer that stops early (a break, an "
                "exception, or dropping the generator) closes the generator there, and "
                f"{_its_child(site)} {waits}",
                stays=True,
                started=True,
            )
        if site.feeds and not site.signal and not site.lasts:
            return replace(
                verdict,
                leak=True,
                confidence="medium",
                reason=f"`{handle}` is joined only after line {line}, and {_filler(site)} fills "
                f"`{site.feeds}`, a bounded queue only this function takes from: when "
                + (
                    "the with-block around that yield raises"
                    if isinstance(gap, cst.Yield)
                    else "what runs there raises"
                )
                + f", {_its_child(site)} stays parked in put() for good",
                on_error=True,
                started=True,
            )
        reason = (
            f"cancelled only after line {line}: when what runs there raises, the timer stays "
            "armed and fires later"
            if timer and not site.signal
            else f"`{handle}` is stopped only after line {line}: when what runs there raises, "
            "its loop runs on for good"
            if not site.signal
            else f"`{site.signal}` is lowered only after line {line}: when what runs there "
            f"raises, the loop of the thread on it runs on for good"
            if site.signal_flag
            else f"`{site.signal}` {self._signal_verb(scope, site.signal)} only after line "
            f"{line}: when what runs there raises, the thread waits for it for good"
        )
        return replace(
            verdict, leak=True, confidence="medium", reason=reason, on_error=True, started=True
        )

    def _fed_by_a_generator_never_joining(self, site: Site, verdict: Verdict) -> Verdict:
        """A producer filling a bounded queue that the plain generator starting it takes from,
        which nothing in that generator joins or signals: it ends once the consumer has taken
        everything; a consumer that stops early closes the generator at a yield after the
        start, and the thread waits in put() for good."""
        scope = self.index.scope_of(site.call)
        if (
            not _feeder_or_thread(site)
            or site.signal
            or not isinstance(scope, cst.FunctionDef)
            or managed_context(scope)
        ):
            return verdict
        start = self.index.line_of(site.call)
        if any(
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value in ("join", "set", "cancel")
            and self.index.line_of(call) > start
            for call in calls_in(self.index, scope)
        ):
            return verdict  # joined or signalled somewhere: raising_gap's case
        yields = [
            node
            for node in walk_statements(scope)
            if isinstance(node, cst.Yield)
            and self.index.line_of(self.index.statement_of(node)) > start
        ]
        if not yields or self._consumed_whole(scope):
            return verdict
        line = self.index.line_of(self.index.statement_of(yields[0]))
        return replace(
            verdict,
            leak=True,
            confidence="medium",
            reason=f"{_filler(site)} fills `{site.feeds}`, a bounded queue only this generator takes "
            f"from, and nothing here stops it: a consumer that stops early (a break, next() "
            f"once, dropping the generator) closes the generator at the yield at line {line}, "
            f"and {_its_child(site)} waits in put() for good",
            stays=True,
            started=True,
        )

    def _parked_when_abandoned(self, site: Site, verdict: Verdict) -> Verdict:
        """An iterator object is a generator: its consumer may stop calling ``__next__()`` at
        any point (a ``break``, ``next()`` once), and nothing tells the object. A thread
        filling a bounded queue of the object (``site.feeds``) that only its iterator
        protocol takes from then waits in ``put()`` for good, holding the object; a join in
        ``__next__()`` at the end of the items never comes. Not when another method of the
        class takes from that queue (a ``close()`` draining it), or a method of the object
        holding the thread drains it (iterates it, gets from its queue): a way to end it
        early. A join makes no room, nor does ``qsize()``; a ``__del__`` never runs while the
        thread holds the object."""
        info = self.index.classes.get(site.feeds_class)
        if info is None or not _feeder_or_thread(site):
            return verdict
        queue = site.feeds.split(".", 1)[1]
        held = _stored_attribute(self.index, site.call)
        holder = self.index.class_of(site.call)
        starting = self.facts.enclosing_function(site.call)
        classes = [info] if holder is None or holder is info else [info, holder]
        consumers = {id(method) for cls in classes for method in iterator_methods(self.index, cls)}
        for cls in classes:
            for name, method in cls.methods.items():
                if (
                    id(method) in consumers
                    or method is starting
                    # (__del__ never runs: the thread holds the object)
                    or name in ("__init__", "run", "__del__")
                ):
                    continue
                if (cls is info and _takes(method, site.feeds)) or (
                    cls is (holder or info) and held and _drains(method, f"self.{held}", queue)
                ):
                    return verdict  # the class offers a way to end it early (a drain)
        return replace(
            verdict,
            leak=True,
            confidence="medium",
            reason=f"{_its_child(site).replace('the ', 'its ', 1)} fills `{site.feeds}`, a "
            f"bounded queue that only the {info.name} iterator's __next__() takes from: a "
            "consumer that stops early (a break, next() once) tells the object nothing, and "
            f"{_its_child(site)} waits in put() for good"
            + (", holding it" if site.rule.kind.thread else ""),
            stays=True,
            started=True,
        )

    def _consumed_whole(self, generator: cst.FunctionDef) -> bool:
        """Is the private generator ``generator`` only ever run to its end: named nowhere in
        the module but in calls handed straight to a builtin that exhausts what it is given
        (``list(_rows(src))``, ``tuple(...)``, ``sorted(...)``), and in no other module of its
        package?"""
        if not generator.name.value.startswith("_"):
            return False
        callers = self._only_callers(generator)
        if not callers:
            return False
        for caller in callers:
            arg = self.index.parent_of(caller)
            outer = self.index.parent_of(arg) if isinstance(arg, cst.Arg) else None
            if not (
                isinstance(caller, cst.Call)
                and isinstance(outer, cst.Call)
                and isinstance(outer.func, cst.Name)
                and outer.func.value in _EXHAUSTING
                and len(outer.args) == 1
            ):
                return False
        return True

    def _line_of_statements(self, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """The line of simple statements holding ``node``: a statement of its block."""
        return next(
            (a for a in self.index.ancestors(node) if isinstance(a, cst.SimpleStatementLine)),
            None,
        )

    def _escapes(self, handle: str, scope: cst.FunctionDef, binding: cst.CSTNode) -> bool:
        """Is the local ``handle`` used in ``scope`` otherwise than by calling its own methods
        (``t.start()``, ``t.join()``): kept in a container, stored, passed or returned? Then
        what stops it may be elsewhere."""
        for use in self.index.uses(handle, scope):
            if self.index.inside(use, binding):
                continue
            parent = self.index.parent_of(use)
            if not (
                isinstance(parent, cst.Attribute)
                and parent.value is use
                and isinstance(self.index.parent_of(parent), cst.Call)
            ):
                return True
        return False

    def _signal_verb(self, scope: cst.FunctionDef, name: str) -> str:
        """How ``name`` signals in ``scope``: an Event is set, a queue gets its sentinel."""
        setting = any(
            isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "set"
            and dotted_name(call.func.value) == name
            for call in self.index.calls
            if self.index.scope_of(call) is scope
        )
        return "is set" if setting else "gets its sentinel"

    def _no_caller_takes(self, site: Site) -> bool:
        """Is the start in a module-level private function (``_run_and_get_stdout``) on a path
        behind tests of its parameters (``if not pipe_command: ... else: Popen(...)``) that no
        call of it takes: every name of it in the module is a call, and each passes (or leaves
        to its default) a literal the path's test rejects, and no other module of its package
        calls it (the only other callers a private function has)?"""
        function = self.facts.enclosing_function(site.call)
        if (
            function is None
            or not function.name.value.startswith("_")
            or self.index.parent_of(function) is not self.index.module
        ):
            return False
        callers = self._only_callers(function)
        if not callers or not all(isinstance(caller, cst.Call) for caller in callers):
            return False
        return not any(self.harm.counter.reaches(caller, function, site.call) for caller in callers)

    def _only_callers(self, function: cst.FunctionDef) -> list[cst.CSTNode]:
        """The callers of ``function`` when they are every use of its name in the module and
        no other module of its package calls it; [] otherwise."""
        callers = self.facts.callers(function)
        name = function.name.value
        if not callers or len(self.index.names.get(name, ())) != len(callers) + 1:
            return []  # named otherwise too (a callback, a dispatch table)
        elsewhere = self.harm.counter.elsewhere
        if elsewhere is not None and elsewhere(name) is not None:
            return []  # private to the package, not the module: its other modules call it
        return callers

    def _reaped_at_exit(self, site: Site, verdict: Verdict) -> Verdict:
        """Reaped only by cleanup registered with ``atexit``: its author means it to live until
        the process ends, which is fine for a start made once. One seen to be made many times
        (in a loop, per request) stays, referenced by the registry, until the process ends.
        A non-daemon thread that does not end by itself (a loop until stopped, a timer chain)
        is never stopped so: the interpreter waits for every non-daemon thread to end before
        it runs the atexit callbacks, so it waits for ever."""
        if site.rule.kind.thread and not (verdict.daemon or site.daemon) and site.lasts:
            return Verdict(
                True,
                "high",
                f"{site.via} is stopped only by cleanup run at exit (registered with atexit, or "
                "a logging handler's close(), which logging.shutdown() calls from atexit), which "
                "the interpreter runs after every non-daemon thread has ended: this one never "
                "ends, and exit hangs",
                started=verdict.started,
                holder=verdict.holder,
                stays=True,
            )
        many = self.harm.counter.of_site(site.call)
        if many.level is Level.ONCE or not many.positive:
            return verdict
        return Verdict(
            True,
            "medium",
            f"{site.via} is {site.rule.kind.reaped} only at exit, by cleanup registered with "
            "atexit: each one stays until the process ends",
            started=verdict.started,
            daemon=verdict.daemon,
            holder="container",
        )

    def _stopped_by_no_one(self, site: Site, verdict: Verdict) -> Verdict:
        """A non-daemon thread that does not end by itself (a loop until its object's flag is
        set, a re-arming timer, a worker waiting for its sentinel, a server until shut down),
        stopped only by methods of its class that no code of the package calls: each is named
        only in its definition, in one another, or handed to ``atexit.register``
        (syntax.uncalled_methods; the package's other modules are asked). The interpreter waits
        for every non-daemon thread to end before it exits, and before it runs atexit's
        cleanup: a program that does not call the stop itself never exits. Joined or not: one
        never joined ends once stopped, which is what is asked.

        Only for a class running a loop of its own in a thread (``threading.Thread(target=
        self._loop)``) and stopping it itself: an object of a thread class (``KeepAlive(ws)``)
        has its own stop, which the class holding it calls; whether that class is stopped in
        turn is a question of its own users, as it is of every object made and closed."""
        if (
            not site.rule.kind.thread
            or verdict.daemon
            or site.daemon
            or (site.ends_unstopped and not site.chain_stopped)
            or not (site.lasts or site.until_sentinel or site.serves_stopped)
            # never joined: one that never ends is reported as such; one whose stop is given
            # is not, being stopped: asked here too
            or (verdict.leak and (site.forever or site.timer_chain))
        ):
            return verdict
        index = self.index
        info = index.class_of(site.call)
        target = target_expr(site.call, timer=site.via.endswith("Timer"))
        if (
            (index.resolve(site.call.func) or "") not in site.rule.starts
            or info is None
            or not isinstance(target, cst.Attribute)
            or dotted_name(target.value) != "self"
            or target.attr.value not in index.method_table(info)
            or self._maybe_daemon(site)
        ):
            return verdict
        ending = {*verdict.reapers, *self._stoppers(site, info, target)}
        if not ending:
            return verdict  # nothing stops it: judged as such
        chain = uncalled_methods(index, ending)
        if chain is None or any(
            not name.startswith("_") and not _ends_something(name) for name in chain
        ):
            # a method of its everyday use stops it too (`speak()` ending the last speech):
            # using the object stops it, not only remembering a cleanup
            return verdict
        if self.seen is not None and any(self._named_where_cut(name) for name in chain):
            return verdict  # named in a part of the module left out of the analysis
        if any(self._named_in_a_string(name) for name in chain):
            return verdict
        called = self.method_called
        if called is not None and any(called(name) for name in chain):
            return verdict  # another module of the package calls it
        owner = f"{info.name}."
        others = sorted(chain - ending)
        stopped_by = " or ".join(f"{owner}{name}()" for name in sorted(ending)) + (
            f" (and {', '.join(f'{name}()' for name in others)} calling it)" if others else ""
        )
        rearmed = site.timer_chain or site.chain_stopped
        return Verdict(
            True,
            "medium",
            f"{site.via} is a non-daemon thread that does not end by itself, stopped only by "
            f"{stopped_by}, which no code of the package calls: a program that does not call it "
            "itself never exits, as the interpreter waits for every non-daemon thread to end "
            "(before it runs atexit's cleanup)"
            + (
                "; on CPython 3.12 a chain's next timer fails to start at shutdown, which ends "
                "it one interval late"
                if rearmed
                else ""
            ),
            started=verdict.started,
            holder=verdict.holder or "self",
            stays=True,
            reapers=tuple(sorted(ending)),
            stops=tuple(sorted(chain)) if called is None else (),
        )

    def _closed_or_kept_by_atexit(self, site: Site, verdict: Verdict) -> Verdict:
        """Stored on its object and reaped only by the method of its class that the class also
        hands atexit (``atexit.register(self.close)``), or by methods calling it (``__exit__``,
        ``__del__``): atexit keeps the bound method, so the object, until the process exits.
        An object its users drop without calling that method is never collected: its
        ``__del__`` never runs, nor the finalizer of what it holds (a pool's, a dropped
        Popen's), and the handle stays until exit, one per object so dropped (kafka-python's
        producer and its sender thread, an OpenAPI-generated client's ThreadPool). Not when
        the class takes the registration back elsewhere (``atexit.unregister`` in a method
        that does not reap it). A thread only where the object's ``__del__`` would have stopped
        it and the thread does not hold the object (then the pin changes nothing); a pool,
        a manager or a child is let go with a dropped object, and finalized."""
        info = self.index.class_of(site.call)
        if info is None:
            return verdict
        index = self.index
        pinned = {
            name
            for method in info.methods.values()
            for node in walk_statements(method)
            if isinstance(node, cst.Call)
            and (name := atexit_registered_method(index, node))
            and name in info.methods
        }
        if not pinned:
            return verdict
        closers = with_callers(index, info, pinned)
        if not set(verdict.reapers) <= closers:
            return verdict  # reaped by a method of its own use too (`wait()`, `restart()`)
        kind = site.rule.kind
        if kind.thread and (
            "__del__" not in closers
            or any(
                (name := dotted_name(arg.value) or "") == "self"
                or (name.startswith("self.") and name[5:] in info.methods)
                for arg in site.call.args
            )
        ):
            # the pin costs something only where collecting the object would have ended the
            # thread: through a __del__ reaching the stop, and only if the thread does not
            # hold the object itself (a bound method for target does, pinned or not)
            return verdict
        if any(
            index.resolve(node.func) == "atexit.unregister"
            for name, method in info.methods.items()
            if name not in closers
            for node in walk_statements(method)
            if isinstance(node, cst.Call)
        ):
            return verdict
        if self._makers_close(info, closers):
            return verdict  # every object the module makes, it closes: none is left pinned
        close = sorted(pinned)[0]
        return Verdict(
            True,
            "medium",
            f"stored on its {info.name} object and {kind.reaped} only by its {close}() (or "
            f"what calls it), which the class also hands atexit (`atexit.register(self.{close})`"
            "): atexit holds every object until exit, so one dropped without "
            f"{close}() is never collected and keeps it",
            started=verdict.started or site.started,
            daemon=verdict.daemon,
            holder="self",
            stays=True,
        )

    def _makers_close(self, info: ClassInfo, closers: set[str]) -> bool:
        """Does the module make objects of the class (outside it), and close every one it
        makes: made as a with-block's item (`with ApiClient() as client:`), or bound to a name
        that the making function closes (`client.close()`, in a `finally` or not) or enters
        (`with client:`)?"""
        index = self.index
        makers = [
            call
            for call in index.calls
            if last_name(call.func) == info.name and not index.inside(call, info.node)
        ]
        if not makers:
            return False
        for call in makers:
            parent = index.parent_of(call)
            if isinstance(parent, cst.WithItem):
                continue
            target = (
                parent.targets[0].target
                if isinstance(parent, cst.Assign) and len(parent.targets) == 1
                else None
            )
            if not isinstance(target, cst.Name):
                return False
            name = target.value
            scope = index.scope_of(call)
            if not any(
                (isinstance(node, cst.Call) and calls_method(node, name, closers))
                or (isinstance(node, cst.WithItem) and dotted_name(node.item) == name)
                for node in walk_statements(scope)
            ):
                return False
        return True

    def _outlives_its_end(self, site: Site, verdict: Verdict) -> Verdict:
        """A thread its object's constructor starts by itself (in ``__init__``: its users never
        asked for it), looping until a flag only a stop of its class sets (``stop()``:
        ``self.stopped = True``), where that class also has the end its users call when they
        are done with an object (``disconnect()``, ``close()``, ``__exit__``) and that end
        does not reach the stop, nor does any code of the package: each object ended that way
        leaves its thread looping, and the thread's bound method keeps the object from being
        collected. Not where a method of the class joins it, where the flag is set from
        outside the class or given to it, or where the stop is reached in any other way the
        module shows (a call by name, a string, a part the slice left out); whether the
        package's other modules call it is asked (``stops``)."""
        if not site.rule.kind.thread or site.forever or site.ends_unstopped:
            return verdict
        index = self.index
        info = index.class_of(site.call)
        starting = index.method_of(site.call)
        target = target_expr(site.call, timer=site.via.endswith("Timer"))
        if (
            info is None
            or starting is None
            or starting.name.value != "__init__"
            or not isinstance(target, cst.Attribute)
            or dotted_name(target.value) != "self"
            or target.attr.value not in index.method_table(info)
            or (index.resolve(site.call.func) or "") not in site.rule.starts
        ):
            return verdict
        if not self._started_in(site, starting):
            return verdict  # made there, started by a method its users call (`start()`)
        ending = self._stoppers(site, info, target)
        if not ending:
            return verdict
        chain = uncalled_methods(index, ending)
        if chain is None:
            return verdict
        ends = sorted(set(index.method_table(info)) & PER_USE_METHODS - chain)
        if not ends:
            return verdict
        if self.seen is not None and any(self._named_where_cut(name) for name in chain):
            return verdict
        if any(self._named_in_a_string(name) for name in chain):
            return verdict
        called = self.method_called
        if called is not None and any(called(name) for name in chain):
            return verdict
        owner = f"{info.name}."
        stopped_by = " or ".join(f"{owner}{name}()" for name in sorted(ending))
        return Verdict(
            True,
            "medium",
            f"{site.via} started by {info.name}.__init__() loops until {stopped_by} stops it, "
            f"which its end, {' or '.join(f'{name}()' for name in ends)}, does not call, nor "
            "does any code of the package: each object ended so leaves its thread looping, "
            "holding the object",
            started=verdict.started or site.started,
            daemon=verdict.daemon,
            holder="self",
            outlives=True,
            stops=tuple(sorted(chain)) if called is None else (),
        )

    def _started_in(self, site: Site, method: cst.FunctionDef) -> bool:
        """Is the thread of ``site`` started in ``method`` itself: ``Thread(...).start()``,
        or the name or attribute bound to it started there (``self._t.start()``)?"""
        index = self.index
        parent = index.parent_of(site.call)
        if isinstance(parent, cst.Attribute) and parent.attr.value == "start":
            return True
        statement = index.statement_of(site.call)
        if not isinstance(statement, cst.Assign) or statement.value is not site.call:
            return False
        bound = {dotted_name(target.target) for target in statement.targets} - {None}
        return any(
            calls_method(call, name, ("start",))
            for call in calls_in(index, method)
            for name in bound
            if name is not None
        )

    def _maybe_daemon(self, site: Site) -> bool:
        """May the thread be a daemon after all: ``daemon=`` given something else than
        ``False`` or ``None`` (``daemon=self._daemonic``; None takes the starting thread's
        flag, as no argument does), or started by code that runs in a daemon thread of the
        module (a thread takes the daemon flag of the one starting it): the function holding
        the start is the target of a thread started as a daemon?"""
        given = argument(site.call, -1, "daemon")
        if given is not None and not (
            isinstance(given, cst.Name) and given.value in ("False", "None")
        ):
            return True
        function = self.facts.enclosing_function(site.call)
        if function is None:
            return False
        name = function.name.value
        for _, other in self._sites:
            if other is None or other is site or not (other.daemon and other.rule.kind.thread):
                continue
            target = target_expr(other.call, timer=other.via.endswith("Timer"))
            if target is not None and last_name(target) == name:
                return True
        return False

    def _named_where_cut(self, name: str) -> bool:
        """Is ``name`` named more often in the module's whole code than in the part analysed:
        in a function the slice left out (a caller of the stop), or in what did not parse?
        Names in code only: a comment or a docstring mentioning `close()` calls nothing."""
        seen = self.seen
        return not seen or _code_names(self.index.text).get(name, 0) > _code_names(seen).get(
            name, 0
        )

    def _named_in_a_string(self, name: str) -> bool:
        """Is ``name`` a string of the module (``getattr(client, "stop")()``, a dispatch
        table of method names): called by name, out of sight?"""
        return re.search(rf"""['"]{re.escape(name)}['"]""", self.index.text) is not None

    def _stoppers(self, site: Site, info: ClassInfo, target: cst.Attribute) -> set[str]:
        """The methods of ``info`` (but ``__init__``, the one starting ``site`` and the
        thread's own) that may end its thread other than by reaping it: they write the flag its
        loop runs until (``self.running = False``, ``self._stop.set()``), put on a queue of the
        object what may be its sentinel (``put(None)``, ``put(self._terminator)``; not data:
        ``put((callback, kwargs))``), or call on the object it serves
        (``self._server.shutdown()``). ``target``: what the thread runs (``self._loop``)."""
        index = self.index
        skip = {"__init__", target.attr.value}
        starting = index.method_of(site.call)
        if starting is not None:
            skip.add(starting.name.value)
        flags = ({site.until_flag} | {f"self.{flag}" for flag in site.stop_flags}) - {""}
        out: set[str] = set()
        for name, method in index.method_table(info).items():
            if name in skip:
                continue
            for node in walk_statements(method, skip_nested=False):
                if any(
                    flag in flags
                    and (
                        flag != site.until_flag
                        or site.until_value is None
                        or value in (None, site.until_value)
                    )
                    for flag, value in flags_set(node)
                ):
                    out.add(name)  # (not a write of the value that keeps it going)
                elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                    held = dotted_name(node.func.value) or ""
                    if (
                        site.until_sentinel
                        and node.func.attr.value in ("put", "put_nowait")
                        and held.startswith("self.")
                        and _sentinel_like(node)
                    ) or (site.serves_stopped and held == site.serves_stopped):
                        out.add(name)
        return out

    def _reaps_regularly(self, site: Site) -> bool:
        """Does one of the module's ``active_children()`` calls run often enough to reap this
        child: in a loop (a supervisor's), in the function making it (each start reaps the
        ones before), or in what runs again and again by itself (a thread's target, a callback
        that arms its next run)? One in a method called now and then (a status page) reaps
        only then."""
        making = self.facts.enclosing_function(site.call)
        return any(
            self._runs_regularly(call, making, site.call) for call in self.facts.mp_reaper_calls
        )

    def _waits_any_regularly(self, site: Site) -> bool:
        """Does the module's wait-any reaping reap this child? A blocking one (``os.wait()``,
        ``waitpid(-1, 0)``) waits for children to end, unless it drains (a loop ending when no
        child is left), which reaps only where it runs regularly; SIGCHLD ignored leaves none to
        reap. A non-blocking one (``waitpid(-1, os.WNOHANG)``) reaps only the children that
        have already ended when it runs: it reaps them all only where it runs again and again
        (``_runs_regularly``; a SIGCHLD handler that loops runs per exit). Once in a method
        called now and then (``terminate()``), it misses every child still running then."""
        calls = self.facts.os_reaper_calls
        if calls is None:  # SIGCHLD ignored, or a package's handler reaping in a loop
            return True
        making = self.facts.enclosing_function(site.call)
        handlers = self.facts.sigchld_handlers()
        for call in calls:
            function = self.facts.enclosing_function(call)
            if function is not None and function.name.value in handlers:
                return True
            if "WNOHANG" not in self.index.code(call):
                # a drain (`while True: try: os.waitpid(-1, 0) except ChildProcessError:
                # return`) waits out the children there are when it runs: at shutdown, say,
                # when that is all that calls it; it reaps regularly only where it runs so
                drain = _drain_loop(self.index, call)
                if drain is None or self._runs_regularly(call, making, site.call, drain=drain):
                    return True
                continue
            if self._runs_regularly(call, making, site.call, one_per_call=True):
                return True
        return False

    def _runs_regularly(
        self,
        call: cst.Call,
        making: cst.FunctionDef | None,
        start: cst.CSTNode,
        one_per_call: bool = False,
        drain: cst.CSTNode | None = None,
    ) -> bool:
        """Does ``call`` run often enough to reap children made at ``start`` in ``making``: at
        module level, in a loop, on the way of each start (in ``making``, in what it calls, in
        what calls it, or in one function calling both: ``cleanup_children()`` before each
        spawn, a handler reaping at the start of each event it serves), or in what runs again
        and again by itself (a thread's target, a callback arming its next run, one handed to a
        timer or a signal)? Called from a loop counts too; further away, the calls in between
        may take it only now and then (``isalive()`` calling ``terminate()`` once).
        ``one_per_call``: it reaps one child a call (``waitpid(-1, WNOHANG)``), so on the way
        of the starts it must run as often as they do: not once after a loop of them. The
        ``drain`` loop around it (one ending when no child is left) is not such a loop."""
        function = self.facts.enclosing_function(call)
        if function is None:
            return True
        if function is making:
            if one_per_call:
                return self._each_start_reaped(making, [start], [call])
            return self._each_start_reaped(making, [start], [call], self._serving)
        if self._in_loop(call, function, drain):
            return True
        if function.name.value in self.facts.entry_points or self.flow.reschedules_itself(call):
            return True
        callers_of_reaper = self._calling(function)
        if making is not None:
            callers_of_making = self._calling(making)
            toward_reaper = [function, *callers_of_reaper]
            toward_making = [making, *callers_of_making]
            hosts = [
                (making, [start], self._calls_to(making, toward_reaper))
                if making in callers_of_reaper
                else None,
                (function, self._calls_to(function, toward_making), [call])
                if function in callers_of_making
                else None,
                *(
                    (host, self._calls_to(host, toward_making), self._calls_to(host, toward_reaper))
                    for host in callers_of_reaper
                    if host in callers_of_making  # one caller does both
                ),
            ]
            for found in hosts:
                if found is None:
                    continue
                host, starts, reaps = found
                if one_per_call:
                    if self._each_start_reaped(host, starts, reaps):
                        return True
                elif self._each_start_reaped(host, starts, reaps, self._serving):
                    # a drain after the loop of starts waits out its children when it ends; after
                    # a loop that serves until stopped (an accept loop) it runs at shutdown only
                    return True
        if self._handed_on(function):
            return True  # a timer, a scheduler, a signal runs it again and again
        for node in self.facts.callers(function):
            enclosing = self.facts.enclosing_function(node)
            if enclosing is not None and self._in_loop(node, enclosing):
                return True
            if drain is not None and self.flow.reschedules_itself(node):
                # a drain called by a callback arming its next run (a timer chain) waits out
                # every child there is on each run; one reaping one child a call there reaps
                # only as often as the chain runs, which the module does not show
                return True
        return False

    def _calls_to(
        self, host: cst.FunctionDef, targets: Sequence[cst.FunctionDef]
    ) -> list[cst.CSTNode]:
        """The calls in ``host`` of any of ``targets``."""
        return [
            node
            for target in targets
            for node in self.facts.callers(target)
            if self.index.inside(node, host)
        ]

    def _each_start_reaped(
        self,
        host: cst.FunctionDef,
        starts: Sequence[cst.CSTNode],
        reaps: Sequence[cst.CSTNode],
        counts: Callable[[cst.CSTNode], bool] | None = None,
    ) -> bool:
        """In ``host``, does no start sit in a loop (one ``counts`` takes, when given) that
        holds no reap (``for _ in range(n): fork()`` then one ``reap()``)?"""
        if not starts or not reaps:
            return False
        for node in starts:
            for ancestor in self.index.ancestors(node):
                if ancestor is host:
                    break
                if (
                    isinstance(ancestor, cst.For | cst.While)
                    and (counts is None or counts(ancestor))
                    and not any(self.index.inside(reap, ancestor) for reap in reaps)
                ):
                    return False
        return True

    def _serving(self, loop: cst.CSTNode) -> bool:
        """Does ``loop`` run until the process stops it, not until its work is done? ``while
        True:`` that only an error leaves (a ``break`` in an ``except``), a ``while`` on state
        something else changes (``self.running``, a module flag a signal handler clears,
        ``not stop.is_set()``), a ``for`` over ``iter(f, sentinel)``, a message stream
        (``pubsub.listen()``, also under ``enumerate``) or ``sys.stdin``. A loop over local
        work (``while pending:``, ``while tries < 3:``, ``while True:`` left by a ``break``
        when the work is done, ``for job in jobs:``) ends by itself."""
        function = self.facts.enclosing_function(loop)
        if isinstance(loop, cst.While):
            if always_true(loop.test, function):
                return not _breaks_when_done(loop)
            local = local_names(function) if function is not None else frozenset()  # (params too)
            for node in walk(loop.test):
                if isinstance(node, cst.Attribute) and dotted_name(node.value) in ("self", "cls"):
                    return True  # the object's state
                if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                    return True  # asked of an object (`not stop.is_set()`)
                if (
                    isinstance(node, cst.Name)
                    and node.value not in local
                    and self.facts.is_module_name(node)
                ):
                    return True  # a module flag
            return False
        if not isinstance(loop, cst.For):
            return False
        for node in walk(loop.iter):
            if isinstance(node, cst.Attribute) and dotted_name(node) == "sys.stdin":
                return True
            if not isinstance(node, cst.Call):
                continue
            called = last_name(node.func) or ""
            if called == "iter" and len(node.args) == 2:
                return True  # iter(f, sentinel): until f returns the sentinel
            if called in ENDLESS_ITERATIONS:
                return True
        return False

    def _handed_on(self, function: cst.FunctionDef) -> bool:
        """Is ``function`` handed to a call that runs it again and again (``timeout_add(1,
        reap)``, ``LoopingCall(self.reap)``, ``signal.signal(SIGALRM, reap)``)? Handed to one
        that runs it once (``atexit.register``, ``Thread(target=...)``, ``submit``), it
        does not reap regularly."""
        name = function.name.value
        named = {name, f"self.{name}", f"cls.{name}"}
        return any(
            last_name(call.func) in PERIODIC_REGISTRARS
            and any(dotted_name(arg.value) in named for arg in call.args)
            for call in self.index.calls
        )

    def _in_loop(
        self, node: cst.CSTNode, function: cst.FunctionDef, besides: cst.CSTNode | None = None
    ) -> bool:
        return any(
            isinstance(ancestor, cst.For | cst.While) and ancestor is not besides
            for ancestor in self.index.ancestors(node)
            if self.index.inside(ancestor, function)
        )

    def _calling(self, function: cst.FunctionDef, depth: int = 3) -> list[cst.FunctionDef]:
        """The functions of the module calling ``function``, up to ``depth`` calls away."""
        found: list[cst.FunctionDef] = []
        frontier = [function]
        for _ in range(depth):
            step = []
            for current in frontier:
                for node in self.facts.callers(current):
                    caller = self.facts.enclosing_function(node)
                    if caller is not None and caller is not function and caller not in found:
                        found.append(caller)
                        step.append(caller)
            frontier = step
        return found

    def _wait_any_skipped(self, site: Site) -> bool:
        """Is the module's only wait-any reaping in the function making this child, after it,
        and left out by a path (an early return before the `while True: os.waitpid(-1, ...)`)?
        Then the child is judged on its own, as if there were no such reaper."""
        calls = self.facts.os_reaper_calls
        function = self.facts.enclosing_function(site.call)
        if not calls or function is None:
            return False
        if any(self.facts.enclosing_function(call) is not function for call in calls):
            return False
        start_at = self.facts.call_position(site.call)
        if (
            any(
                self.facts.call_position(call) < start_at and self._on_the_way(call, site.call)
                for call in calls
            )
            and self.harm.counter.of_site(site.call).level is not Level.ONCE
        ):
            # one run on the way to the start (`while True: os.waitpid(0, WNOHANG)` ...
            # `os.fork()`) reaps, on each run, the children of the runs before: judged as a
            # reaper when the function runs again (only one after the start can be left out by
            # the start's own ways out); run once, it leaves that run's children
            return False
        statement = self.index.statement_of(site.call)
        bound = self.index.parent_of(site.node)
        handle = ""  # `pid = os.fork()`: the parent's side of `if pid:` is the one to reap
        if (
            isinstance(bound, cst.Assign)
            and len(bound.targets) == 1
            and isinstance(bound.targets[0].target, cst.Name)
        ):
            handle = bound.targets[0].target.value
        # a wait-any call reaps the children of every iteration before it, not just the last
        gap = self.flow.reap_gap(site.rule, statement, list(calls), function, handle, every=True)
        return gap is not None

    def _on_the_way(self, reap: cst.Call, start: cst.CSTNode) -> bool:
        """Does ``reap`` run whenever the code goes on to ``start``: no ``if`` holds it that
        does not hold ``start`` too (`if self.reap_children:` around a drain)?"""
        for ancestor in self.index.ancestors(reap):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
                return True
            if isinstance(ancestor, cst.If) and not self.index.inside(start, ancestor):
                return False
        return True

    def _runs_argument(self, site: Site, verdict: Verdict) -> tuple[int, str] | None:
        """When ``site`` is a thread that a factory returns, running one of the factory's
        parameters (``def make(callback): t = Thread(target=callback); t.start(); return t``):
        that parameter's (position, name), and the factory is told to the other modules of the
        distribution as a start (``factories``): its callers there hold the thread."""
        factory = verdict.factory
        if factory is None or site.depth or not site.rule.kind.thread:
            return None
        runs = self.sites.target_parameter(site, factory)
        if runs is None:
            return None
        if self.index.parent_of(factory) is self.index.module and site.rule.kind.joinable:
            position, name = runs
            self.factories[factory.name.value] = SubclassInfo(
                name=factory.name.value,
                rule=site.rule,
                self_starting=verdict.started or site.started,
                daemon=verdict.daemon or site.daemon or _daemon_by_default(factory),
                reap_methods=site.reap_methods,
                context_manager=False,
                loops_forever=False,
                target_position=position,
                target_keyword=name,
            )
        return runs

    def _analyse_factory_call(self, child: Site, origin: Site) -> None:
        verdict = self.flow.follow(child, child.node)
        if verdict.factory is not None and child.depth < 3:
            callers = self.facts.factory_callers(verdict.factory)
            for caller in callers:
                if isinstance(caller, cst.Call):
                    self._analyse_factory_call(
                        replace(
                            child,
                            shared_by=child.shared_by
                            or self.flow.shares_what_it_returns(verdict.factory),
                            tuple_index=verdict.factory_index,
                            node=caller,
                            call=caller,
                            via=f"{verdict.factory.name.value}()",
                            depth=child.depth + 1,
                        ),
                        origin,
                    )
            return
        chained = _chained(child, verdict)
        if chained is not verdict:
            # the chain is in the factory's own timer: report it there
            self._emit(replace(child, call=origin.call), chained)
            return
        if not verdict.leak:
            return
        if child.rule.start_methods and not (verdict.started or child.started):
            return
        verdict.reason = f"{verdict.reason}; the handle comes from {child.via}"
        if verdict.confidence == "high":
            verdict.confidence = "medium"
        if child.shared_by:
            # every caller gets the same one: a caller leaving it unreaped leaves that one, as
            # often as the start itself runs (once, behind its cache or global), not per caller
            verdict.reason = (
                f"{child.shared_by} and hands the same one to every caller; the callers let it "
                f"go (line {self.index.line_of(child.call)}): it is never "
                f"{child.rule.kind.reaped}"
            )
            cached = "is cached" in child.shared_by
            verdict.holder = "cache" if cached else "module"
            verdict.replaced, verdict.retired = False, ""
            self._emit(replace(origin, via=child.via), verdict)
            return
        self._emit(child, verdict)

    def _emit(self, site: Site, verdict: Verdict) -> None:
        self._leaks.append((site, verdict))


def _breaks_when_done(loop: cst.While) -> bool:
    """Does a ``break`` of ``loop`` (its own, not a nested loop's) stand outside any ``except``,
    or in one catching the end of local work (``except IndexError: break`` after
    ``todo.pop()``): the loop ends when its work is done, not only when something fails?"""
    stack: list[tuple[cst.CSTNode, bool]] = [(loop.body, False)]
    while stack:
        node, handled = stack.pop()
        if isinstance(node, cst.Break):
            if not handled:
                return True
            continue
        if isinstance(node, cst.For | cst.While):
            # a break in the nested loop's `else:` clause leaves this one
            if node.orelse is not None:
                stack.append((node.orelse, handled))
            continue
        if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda):
            continue
        inside = handled
        if isinstance(node, cst.ExceptHandler | cst.ExceptStarHandler):
            caught = [name.rsplit(".", 1)[-1] for name in caught_names(node)]
            inside = handled or not (caught and set(caught) <= WORK_DONE_ERRORS)
        stack.extend((child, inside) for child in node.children)
    return False


def _takes(method: cst.FunctionDef, queue: str) -> bool:
    """Does ``method`` take from ``queue`` (``self._q.get()``, ``get_nowait``): make room for
    a producer waiting in put()? (A join, a ``qsize()`` makes none.)"""
    return any(
        type(node) is cst.Call
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in ("get", "get_nowait")
        and dotted_name(node.func.value) == queue
        for node in walk_statements(method, skip_nested=False)
    )


def _drains(method: cst.FunctionDef, held: str, queue: str) -> bool:
    """Does ``method`` take from the iterator object ``held`` (``self.it``) keeps: iterate
    it (``for _ in self.it``, ``next(self.it)``, ``list(self.it)``) or get from its queue
    (``self.it.queue.get()``)?"""
    for node in walk_statements(method, skip_nested=False):
        if type(node) is cst.For and dotted_name(node.iter) == held:
            return True
        if (
            type(node) is cst.Call
            and isinstance(node.func, cst.Name)
            and node.func.value in ("next", "list", "tuple")
            and node.args
            and dotted_name(node.args[0].value) == held
        ):
            return True
        if (
            type(node) is cst.Call
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("get", "get_nowait")
            and dotted_name(node.func.value) == f"{held}.{queue}"
        ):
            return True
    return False


def _stored_attribute(index: ModuleIndex, call: cst.Call) -> str:
    """The attribute of ``self`` the handle made by ``call`` is stored on (``self.__thread =
    Thread(...)``), "" when it is not."""
    parent = index.parent_of(call)
    if isinstance(parent, cst.Assign):
        for target in parent.targets:
            if (
                isinstance(target.target, cst.Attribute)
                and dotted_name(target.target.value) == "self"
            ):
                return target.target.attr.value
    return ""


# builtins that run the iterable they are given to its end
_EXHAUSTING = frozenset(
    {"list", "tuple", "set", "frozenset", "sorted", "dict", "sum", "max", "min"}
)
# words of a thread's own method that stops it (stop(), close(), shutdown_loop(), cancel())
_STOP_WORDS = ("stop", "close", "shutdown", "terminate", "quit", "exit", "cancel", "finish", "kill")


@lru_cache(maxsize=4)
def _code_names(text: str) -> dict[str, int]:
    """How often each name occurs in ``text`` as code (not in a comment or a string); where
    it does not tokenize, every word counts."""
    counts: dict[str, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NAME:
                counts[token.string] = counts.get(token.string, 0) + 1
    except (tokenize.TokenError, SyntaxError, IndentationError):
        counts = {}
        for word in re.findall(r"\w+", text):
            counts[word] = counts.get(word, 0) + 1
    return counts


def _pinned_until_exit(index: ModuleIndex) -> dict[int, str]:
    """The classes (by the id of their node) one of whose methods registers a bound method of
    the object with atexit (``atexit.register(self.stop)``): atexit holds the object until the
    process ends, so it is never collected, nor is what it holds; with the phrase saying so."""
    out: dict[int, str] = {}
    # what the object takes back (`atexit.unregister(self.stop)` once stopped) lets it go
    released = {
        (id(info.node), dotted_name(call.args[0].value))
        for call in index.calls
        if index.resolve(call.func) == "atexit.unregister"
        and call.args
        and (info := index.class_of(call)) is not None
    }
    for call in index.calls:
        name = atexit_registered_method(index, call)
        info = index.class_of(call) if name else None
        if (
            info is not None
            and (id(info.node), f"self.{name}") not in released
            and name in index.method_table(info)
        ):
            out[id(info.node)] = f"until exit by `atexit.register(self.{name})`"
    return out


def _kept_alive_by(index: ModuleIndex, site: Site, verdict: Verdict) -> ClassInfo | None:
    """The class whose objects this leaking thread keeps alive: started in one of its methods,
    running for ever (a loop with no exit, until a stop nobody makes) and handed the object
    itself (``target=self._run``, ``IntervalRunner(self._tick)``): the running thread holds a
    reference to the object, which is then never collected."""
    if not (site.rule.kind.thread and site.lasts):
        return None
    info = index.class_of(site.call)
    if info is None:
        return None
    for arg in site.call.args:
        if arg.keyword is not None and arg.keyword.value not in ("target", "args", "kwargs"):
            continue  # name=self.name: a value read from the object, not the object
        values = (
            [element.value for element in arg.value.elements]
            if isinstance(arg.value, cst.Tuple | cst.List)
            else [arg.value]
        )
        for value in values:
            name = dotted_name(value) or ""
            if name == "self" or (name.startswith("self.") and name[5:] in info.methods):
                return info  # the object itself, or one of its bound methods
    return None


def _chained(site: Site, verdict: Verdict) -> Verdict:
    """A timer chain leaks even when its newest timer is cancelled (or joined): the function
    it runs starts it again with no stop flag looked at, so a cancel() while it runs is undone."""
    if verdict.leak or not site.timer_chain or not (verdict.started or site.started):
        return verdict
    return Verdict(
        True,
        "medium",
        f"{site.via} is cancelled, but started again by its own function past a guard that "
        "call decides: a cancel() between a firing and the re-arm is undone, and every start "
        "begins another chain"
        if site.race_only
        else f"{site.via} is cancelled, but started again by its own function with no stop "
        "flag looked at: a cancel() while it runs is undone, and every start begins another "
        "chain",
        started=True,
        daemon=verdict.daemon,
    )


def _drain_loop(index: ModuleIndex, call: cst.Call) -> cst.CSTNode | None:
    """The loop around a blocking wait-any ``call`` that ends when no child is left: a ``try``
    around the call in it whose handler for ``ChildProcessError`` (or ``OSError``) leaves the
    loop (``while True: try: os.waitpid(-1, 0) except ChildProcessError: return``), or a
    ``try`` around the loop itself with such a handler (``try: while True: os.wait() except
    ChildProcessError: pass``)."""
    loop: cst.CSTNode | None = None
    for ancestor in index.ancestors(call):
        if isinstance(ancestor, cst.FunctionDef | cst.Lambda | cst.ClassDef):
            return None
        if loop is None and isinstance(ancestor, cst.For | cst.While):
            loop = ancestor
        if not isinstance(ancestor, cst.Try) or not index.inside(call, ancestor.body):
            continue
        for handler in ancestor.handlers:
            caught = index.code(handler.type) if handler.type is not None else ""
            if "ChildProcessError" not in caught and "OSError" not in caught:
                continue
            if loop is not None:  # the try holds the loop: the error ends it
                return loop
            if any(isinstance(node, cst.Return | cst.Break) for node in walk_statements(handler)):
                inner = next(
                    (a for a in index.ancestors(ancestor) if isinstance(a, cst.For | cst.While)),
                    None,
                )
                return inner
    return None


def _daemon_unless_told(factory: cst.FunctionDef, caller: cst.BaseExpression) -> bool:
    """A daemon by the factory's default, and the call does not say ``daemon=False``."""
    call = caller.expression if isinstance(caller, cst.Await) else caller
    told = argument(call, -1, "daemon") if isinstance(call, cst.Call) else None
    if told is not None:
        return is_true(told)
    return _daemon_by_default(factory)


def _daemon_by_default(factory: cst.FunctionDef) -> bool:
    """``def start_thread(name, target, daemon=True): t.daemon = daemon``: a daemon unless the
    caller says otherwise."""
    defaults = {
        param.name.value
        for param in (*factory.params.params, *factory.params.kwonly_params)
        if param.default is not None and is_true(param.default)
    }
    if not defaults:
        return False
    for node in walk_statements(factory):
        if isinstance(node, cst.Assign) and isinstance(node.value, cst.Name):
            if node.value.value in defaults and any(
                isinstance(t.target, cst.Attribute) and t.target.attr.value == "daemon"
                for t in node.targets
            ):
                return True
        if isinstance(node, cst.Call):
            for arg in node.args:
                if (
                    arg.keyword is not None
                    and arg.keyword.value == "daemon"
                    and isinstance(arg.value, cst.Name)
                    and arg.value.value in defaults
                ):
                    return True
    return False


# words naming a method that ends something (`stop`, `close`, `loop_stop`, `disconnect_ws`)
_ENDING_WORDS = frozenset(
    {
        "stop",
        "close",
        "shutdown",
        "disconnect",
        "destroy",
        "teardown",
        "cancel",
        "quit",
        "exit",
        "terminate",
        "kill",
        "dispose",
        "release",
        "halt",
        "finish",
        "end",
        "cleanup",
        "deactivate",
        "unload",
        "disable",
        "abort",
        "detach",
        "unsubscribe",
    }
)


def _ends_something(name: str) -> bool:
    """Does the method's name say it ends something: one of its words (split at ``_`` and
    where a capital starts one: ``stopPumping``) is an ending word (``stop``, ``loop_stop``,
    ``close_all``)?"""
    words = re.findall(r"[a-z0-9]+|[A-Z][a-z0-9]*", name)
    return any(word.lower() in _ENDING_WORDS for word in words)


def _sentinel_like(put: cst.Call) -> bool:
    """Is what ``put`` puts a fixed value, such as a queue's sentinel is: a literal (``None``,
    ``"stop"``), or a name or attribute that is no local of the function putting it
    (``_STOP``, ``self._terminator``)? Not a tuple, a call or a parameter: data."""
    if not put.args:
        return False
    value = put.args[0].value
    if isinstance(value, cst.BaseNumber | cst.BaseString):
        return True
    if isinstance(value, cst.Name):
        return value.value in ("None", "True", "False") or value.value.isupper()
    return isinstance(value, cst.Attribute) and (dotted_name(value) or "").startswith("self.")


def _feeder_or_thread(site: Site) -> bool:
    """A thread, or a child process filling a bounded queue its starting function takes from
    (``site.feeds``): both wait in ``put()`` for good once that function stops taking."""
    return site.rule.kind.thread or (site.rule.kind is Kind.PROCESS and bool(site.feeds))


def _filler(site: Site) -> str:
    """What fills the queue: the function the thread runs, or a subclass's own run()."""
    return "its target" if site.via in site.rule.starts else "its run()"


def _its_child(site: Site) -> str:
    return "the thread" if site.rule.kind.thread else "the child process"
