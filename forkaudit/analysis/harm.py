"""How much harm an unreaped handle does: can it pile up under the user's workload?

The follow stage says *whether* a handle leaks; this stage says how bad that is, from two things:

- what each start leaves behind when it is not reaped (its *residue*): a zombie that stays until
  the parent exits, a thread that never ends, pool workers that stay (persistent); a child that
  CPython reaps later by itself, when the dropped ``Popen`` is collected or at the next ``Popen()``
  (lingering); workers that end when their dropped pool is collected (collected);
- how often the start runs (``multiplicity.py``): many times, on every call, once per object, once.

Severity: **high** when something persistent is left on every call or more (it piles up),
**medium** when it is never reaped but bounded, **low** when it is cosmetic. A daemon thread
started once per process serves for the life of the process by design: not reported. Every message
says why.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from enum import Enum

import libcst as cst

from forkaudit.analysis.facts import ModuleFacts, called_in_code
from forkaudit.analysis.index import ModuleIndex, dotted_name
from forkaudit.analysis.listening import held_address
from forkaudit.analysis.multiplicity import Counter, Level, Multiplicity
from forkaudit.analysis.sites import Site, forever_text
from forkaudit.analysis.syntax import (
    argument,
    calls_method,
    endless_loop,
    flags_set,
    last_name,
    walk_statements,
    without_object,
)
from forkaudit.analysis.uses import Role, use_of
from forkaudit.analysis.verdict import Verdict
from forkaudit.analysis.vocabulary import (
    FOREVER_METHODS,
    HANDLER_EMIT,
    PER_USE_METHODS,
    SHORT_INTERVAL,
    START_NAME_WORDS,
    STOP_ENDS,
    STOP_NAME_WORDS,
    name_words,
)
from forkaudit.kinds import Kind
from forkaudit.model import SEVERITIES, Rule


@dataclass
class RawFinding:
    rule: Rule
    call: cst.Call
    confidence: str
    message: str
    flags: tuple[str, ...]
    severity: str
    # high only for want of callers: the private function whose callers other modules hold
    asks: str = ""
    # reported for want of a base class's methods: the bases other modules define
    bases: tuple[str, ...] = ()
    # reported for want of a call of these methods (that stop it) in the package's modules
    stops: tuple[str, ...] = ()


class Residue(Enum):
    """What one unreaped start leaves behind."""

    PERSISTENT = "persistent"  # until the parent exits, or forever
    LINGERING = "lingering"  # until CPython reaps it by itself, later
    COLLECTED = "collected"  # cleaned up when the dropped handle is collected


# severity by residue and multiplicity
_SEVERITY: dict[Residue, dict[Level, str]] = {
    Residue.PERSISTENT: {
        Level.MANY: "high",
        Level.PER_CALL: "high",
        Level.PER_OBJECT: "medium",
        Level.ONCE: "low",
    },
    Residue.LINGERING: {
        Level.MANY: "medium",
        Level.PER_CALL: "medium",
        Level.PER_OBJECT: "low",
        Level.ONCE: "low",
    },
    Residue.COLLECTED: {
        Level.MANY: "low",
        Level.PER_CALL: "low",
        Level.PER_OBJECT: "low",
        Level.ONCE: "low",
    },
}


class Harm:
    """Turns a leaking handle into a finding with its severity, flags and message."""

    def __init__(
        self, index: ModuleIndex, facts: ModuleFacts, counter: Counter | None = None
    ) -> None:
        self.index = index
        self.facts = facts
        self.counter = counter or Counter(index, facts)

    def assess(self, site: Site, verdict: Verdict, kept_alive: str = "") -> RawFinding | None:
        """The finding for a leaking ``site``, or None when what leaks costs nothing.
        ``kept_alive``: what keeps the objects of the class holding it alive (a thread of their
        own that never ends, a bound method registered with atexit), so what they hold is
        never collected with them."""
        rule = site.rule
        kind = rule.kind
        residue, left, owned = _residue(site, verdict, self.index)
        if owned and kept_alive and residue is Residue.PERSISTENT and verdict.holder == "self":
            owned = False
            left = f"{left}; its object is kept alive {kept_alive}"
        many = self.counter.of_site(site.call)
        opted = many  # (what follows may replace it with another count)
        if left is _SLEEPS_FIRST and not many.looped:
            if many.level is not Level.MANY or not many.positive:
                # a thread sleeping first, started where nothing shows it repeating (a debug
                # helper's `dump_after(secs)`, a batch committer behind its own guard): one
                # at a time, as far as can be told, ending once its sleep is over
                return None
        if (
            many.level is Level.PER_CALL
            and not many.positive
            # a library service (an Observer, a scheduler) serves until stopped, as a loop
            # with no exit does
            and (site.forever or kind is Kind.SERVICE)
            and self._service_of(site)
        ):
            runs = many.describe().removeprefix("on every call of ")
            each = (
                f"{runs} runs by its name the object's own service, and a second call would run "
                "its endless loops twice over"
            )
            many = self._per_object(site, each)
        if (
            many.level is Level.PER_CALL
            and not many.positive
            and (site.forever or kind is Kind.SERVICE)
            and (sets_up := self._sets_up_a_service(site))
        ):
            # the program's own server, worker or monitor, by its name: started once by
            # whoever sets the program up, as a method named for starting its object's service
            runs, method, noun = sets_up
            each = (
                f"{runs}() is named for starting {'its object' if method else 'the program'}'s "
                f"{noun}, which its callers do once; a second call would run its endless loops "
                "twice over"
            )
            many = (
                self._per_object(site, each)
                if method
                else Multiplicity(
                    Level.PER_OBJECT, f"once per set-up: {each}", unless="it is run per request"
                )
            )
        if (
            many.level is Level.PER_CALL
            and not many.positive
            and verdict.stays
            and (pair := self._start_of_a_pair(site, verdict))
        ):
            # a start whose stop, named as its other half, ends what it began: whoever runs
            # the object calls them in turn (a Twisted service's parent calls startService(),
            # then stopService() at shutdown), not the start per request
            many = self._per_object(site, f"{pair} are called in turn")
        if verdict.retired and many.level >= Level.PER_CALL:
            # each call reaps the one the call before stored: one left per object at most
            each = (
                f"each call of {verdict.retired}() "
                f"{kind.reap('the one stored before', third_person=True)} it stores another"
            )
            many = self._per_object(site, each)
        if many.job_of and not site.lasts:
            # a one-shot start in a function that registers a recurring job: one per call
            many = Multiplicity(Level.PER_CALL, f"on every call of {many.job_of}()")
        if verdict.replaced:
            # only the last start is reaped: the ones replaced before stay only when dropping
            # the reference does not end them (a pid, a thread that never ends), and there is
            # a before only when the start repeats
            if many.level < Level.PER_CALL:
                return None
            # (a library service runs until stopped: dropping its object stops nothing)
            if kind in (Kind.FORK, Kind.SPAWN, Kind.SERVICE) or site.lasts:
                residue, owned = Residue.PERSISTENT, False
                if kind is Kind.SERVICE and not site.lasts and not many.positive:
                    # a client or observer set up by a method nothing shows called again while
                    # the last one runs (a retry after a failure, a set-up): bounded
                    many = Multiplicity(
                        Level.PER_OBJECT,
                        f"{many.describe()}: a replaced one runs on, but nothing shows the "
                        "start called again while the one before runs",
                    )
                left = (
                    "each one replaced keeps running until its loop's flag is set"
                    if site.until_stopped and not site.outsleeps
                    else ""
                )
            elif kind in (Kind.POPEN, Kind.ASYNCIO_SUBPROCESS, Kind.PROCESS):
                # a child object dropped by the next start is what a dropped local is: its
                # child runs on, ended only by itself, and is reaped by CPython only after that
                residue, owned = Residue.LINGERING, False
                left = (
                    "each one replaced is dropped with its child still running, reaped only "
                    "once it ends by itself (a server child never does)"
                )
            else:
                return None  # a thread that ends by itself: the one replaced ends too
        if (
            residue is None
            and kind.thread
            and site.until_stopped
            and not site.ends_unstopped
            and not site.until_collected
            and many.level >= Level.PER_CALL
            and not self._started_and_stopped_in_pairs(site, many)
        ):
            # its loop ends only when its object's flag is set, which the function starting
            # it does not do: started again on every call, each new one runs beside the ones
            # before until that flag is set, dropped or replaced as its reference may be
            residue, owned = Residue.PERSISTENT, False
            left = (
                f"it serves the object each call makes anew in `{site.serves_replaced}`, which "
                "the stop goes through: the next call replaces it, and the threads serving the "
                "ones before can no longer be stopped"
                if site.serves_replaced
                else f"each one runs beside the ones started before until `{site.until_flag}` "
                "stops them all"
                + (", which nothing in this module sets" if site.until_unset else "")
            )
        if residue is None:
            return None  # a thread that ends by itself (or is not seen not to)
        if (
            many.level is Level.PER_OBJECT
            and verdict.holder in ("container", "taken")
            and not many.keyed
        ):
            # a container is there to hold many: a method filling it (start(name, argv) keeping
            # each child under its name) adds one on every call, object or not; __init__ once
            function = self.facts.enclosing_function(site.call)
            if function is not None and not many.via and function.name.value != "__init__":
                many = Multiplicity(
                    Level.PER_CALL,
                    f"on every call of {function.name.value}(), each kept beside the others",
                )
        if (
            many.level is Level.PER_OBJECT
            and residue is Residue.PERSISTENT
            and not owned
            and not verdict.stays  # its object's end stops it; only the exit cannot
            # (a replaced one is left only when the start repeats, which nothing showed)
            and not verdict.replaced
        ):
            many = self._per_use(site, many)
        if owned and many.level > Level.PER_OBJECT:
            many = Multiplicity(
                Level.PER_OBJECT,
                f"{many.describe()}, but each replaces the last or goes with its object",
                many.positive,
            )
        if (
            kind.thread
            and site.forever
            and site.forever_loop is not None
            and many.level >= Level.PER_CALL
            and (address := held_address(self.index, site.forever_loop))
        ):
            # its function holds an address while it loops: another one started so while it
            # does fails at bind() and ends, however often the start runs (listening.py)
            many = Multiplicity(
                Level.PER_OBJECT,
                f"{many.describe()}, but one per address: its function listens on "
                f"`{address}` before it loops accepting, and another started while it does "
                "fails at bind() and ends",
                many.positive,
                unless="it is given a new address each time",
            )
        level = many.level
        if level < Level.PER_CALL and residue is Residue.LINGERING and kind.thread:
            return None  # a timer armed once (or once per object) fires and is gone
        daemon = verdict.daemon or site.daemon
        if site.race_only and (level < Level.PER_CALL or not many.positive):
            # a chain its object's stop() cancels, undone only by a cancel landing between a
            # firing and the re-arm: for an object made once, that race; made per request,
            # one more chain each time (and the race per request). Its first link is how a
            # periodic task begins, to run until stopped, like a start() beside its stop(): a
            # second start before the stop is misuse, so only repetition the code shows (a
            # loop, a handler) makes it pile up, not a public function's unknown callers
            return None
        if level is Level.ONCE and kind.thread and self.facts.child_ends_at_once(site.call):
            # started in a forked child that leaves by os._exit() or an exec: nothing waits
            # for its threads, daemon or not; they go with the child
            return None
        if level is Level.ONCE and (
            kind is Kind.SERVICE or kind is Kind.RAW_THREAD or (kind.thread and daemon)
        ):
            # a daemon thread (a raw `_thread` one is never waited for at exit either) or a
            # library service, serving for the life of the process
            return None
        if level is Level.ONCE and verdict.cancelled and not many.looped:
            # awaited, and left running only if a cancellation comes from outside while it
            # waits, on a path that runs once (at start, or as the process is asked to stop),
            # not in a loop: asyncio reaps the child when it ends, so at most one runs on
            return None
        if level is Level.ONCE and kind is Kind.PROCESS and residue is Residue.LINGERING:
            # a multiprocessing child started once that ends by itself: the next start() or
            # active_children() reaps it once it has ended, and multiprocessing's own exit
            # handler joins a non-daemon child (terminates a daemon one) before the
            # interpreter exits: nothing is left, and nothing repeats
            return None
        severity = _SEVERITY[residue][level]
        hangs_exit = (
            residue is Residue.PERSISTENT and level is Level.ONCE and kind.joinable and not daemon
        )
        if hangs_exit:
            severity = "medium"
        severity = _at_most(severity, rule.severity)
        if verdict.on_error:
            severity = _at_most(severity, "medium")  # only when a call raises
        if opted.opt_in:
            # only where a user turns on what the package leaves off: not the package's doing
            severity = _at_most(severity, "medium")
        confidence = verdict.confidence
        if site.timer_chain and confidence == "high":
            confidence = "medium"
        flags = _flags(site, verdict, many, residue, severity)
        message = _message(self.index, site, verdict, many, residue, left, hangs_exit)
        asks = many.asks if severity == "high" else ""
        if opted.opt_in:
            message += (
                f"; only where `{opted.opt_in}` is turned on: it is off by default, and no call "
                "in the package turns it on"
            )
            # (the package's other modules may yet turn it on: asked of them)
            asks = " ".join(dict.fromkeys([*asks.split(), *opted.asks.split()]))
        return RawFinding(
            rule=rule,
            call=site.call,
            confidence=confidence,
            message=message,
            flags=flags,
            severity=severity,
            asks=asks,  # what may lower it (or show an option turned on)
            bases=(*verdict.bases, *site.holder_asks),
            stops=tuple(sorted({*verdict.stops, *site.flag_asks})),
        )

    def _service_of(self, site: Site) -> str:
        """The class of the method starting ``site`` (a thread looping with no exit) when that
        method, public or private, is named for starting or running its object's own service
        (``start_polling()``, ``message_loop(callback=None, timeout=20)``, ``run_loop()``)
        and takes nothing it must be given: every parameter has a default, so what it starts is
        the object's (its settings tuned), not something each call brings (``start_download(
        url)``, ``run_job(job)`` act on what they are given, per call), and that the module does
        not call itself (its users do). Its threads never end and serve the object; callers
        start them once, as with ``start()``. "" otherwise."""
        function = self.facts.enclosing_function(site.call)
        info = self.index.class_of(site.call)
        if function is None or info is None or self.index.method_of(site.call) is not function:
            return ""
        # a private one too (`_start_timer_reload()`): what it serves is the object either way,
        # and the module calling it itself is left to its callers below
        name = function.name.value
        if name.startswith("__"):
            return ""
        # (snake_case or camelCase: `start_polling()`, `startAlertListener()`)
        words = name_words(name)
        if not (
            (len(words) == 1 and words[0] in _SERVICE_NAMES)
            or (len(words) > 1 and words[0] in _SERVICE_FIRST_WORDS)
            or (len(words) > 1 and words[-1] in _SERVICE_LAST_WORDS)
        ):
            return ""
        if without_object(function) or self.facts.callers(function):
            # (called by the module itself: how often is what its callers say, an event hook
            # running it again on every settings save)
            return ""
        params = [
            *[*function.params.posonly_params, *function.params.params][1:],
            *function.params.kwonly_params,
        ]
        if isinstance(function.params.star_arg, cst.Param) or any(
            param.default is None for param in params
        ):
            return ""
        return info.name

    def _sets_up_a_service(self, site: Site) -> tuple[str, bool, str] | None:
        """(the function starting ``site``, whether it is a method of its class, the service its
        name ends with) when its name says it starts or sets up a long-lived service of the
        program (``start_metrics_server(store, port)``, ``init_worker_monitoring()``,
        ``start_out_of_band_worker(queue)``: a start word first, a server, worker or monitor
        last) and the module does not call it itself (its callers say how often then). What it
        is given configures that service; unlike ``start_download(url)`` or ``run_job(job)``,
        its name is no task done per call. None otherwise."""
        function = self.facts.enclosing_function(site.call)
        if function is None or function.name.value.startswith("__"):
            return None
        words = name_words(function.name.value)
        if len(words) < 2 or words[0] not in _SETUP_FIRST_WORDS or words[-1] not in _SETUP_NOUN_OF:
            return None
        info = self.index.class_of(site.call)
        method = info is not None and self.index.method_of(site.call) is function
        if self.facts.callers(function) or (
            method and called_in_code(self.index.text, function.name.value)
        ):
            return None
        return function.name.value, method, _SETUP_NOUN_OF[words[-1]]

    def _started_and_stopped_in_pairs(self, site: Site, many: Multiplicity) -> bool:
        """Is the thread started by a method named for a start (``start_server()``,
        ``open()``, ``connect()``), of a class whose method named for a stop
        (``stop_server()``, ``close()``), called somewhere in the module's whole text (a sliced
        module leaves out the functions that start nothing, where stops are called), sets
        that flag? Or ``__enter__`` whose ``__exit__`` does, the pair a ``with`` calls. The two
        are called in turn, start then stop: the threads of one start end at
        the stop after it, and a start after a stop that left the flag set makes one that ends
        at once. Only a start called again without its stop runs one beside the other, which
        the pair is there to prevent. Unless every call of the start is on an object just made
        (``hb = Heartbeat(conn); hb.start()``), not where something shows the start running
        per request on one object, nor when the start writes the flag (``resume()`` raising it
        again undoes a stop its thread has not seen yet)."""
        function = self.facts.enclosing_function(site.call)
        info = self.index.class_of(site.call)
        flag = site.until_flag
        if function is None or info is None or not flag or site.until_unset:
            return False
        # `with` calls `__exit__` after every `__enter__`: the pair needs no caller of its own;
        # the start may be the method `__enter__` runs (`def __enter__(self): self.run()`),
        # the stop the one `__exit__` runs (`self.stop()`)
        table = self.index.method_table(info)
        entered = next(
            (
                enter
                for enter in _ENTERS
                if function.name.value == enter
                or (
                    enter in table
                    and any(
                        isinstance(node, cst.Call)
                        and calls_method(node, "self", (function.name.value,))
                        for node in walk_statements(table[enter])
                    )
                )
            ),
            "",
        )
        if not entered and not _named_for(function.name.value, START_NAME_WORDS):
            return False
        if not self.facts.called_only_on_new_objects(function) and (
            # shown running per request on one object (`monitor.start_watch(path)`)
            many.positive
            # `resume()` raising the flag again undoes a `pause()` its thread, asleep, has
            # not seen yet: one more runs beside it (an `__enter__` arming the flag its
            # `__exit__` lowers is the pair a `with` block calls in turn, each block's thread
            # ended at its exit: 200 blocks on one object at run time -> none left)
            or (
                not entered
                and any(
                    target == flag
                    for node in walk_statements(function)
                    for target, _ in flags_set(node)
                )
            )
        ):
            return False
        exits = {_ENTERS[entered]} if entered else set()
        exited = {
            node.func.attr.value
            for name in exits
            if name in table
            for node in walk_statements(table[name])
            if isinstance(node, cst.Call)
            and calls_method(node, "self", table)
            and isinstance(node.func, cst.Attribute)
        }
        for name, method in table.items():
            if name not in exits | exited and (
                # a with-block promises its `__exit__` only, not a stop called somewhere
                entered
                or not (_named_for(name, STOP_NAME_WORDS) and called_in_code(self.index.text, name))
            ):
                continue
            for node in walk_statements(method, skip_nested=False):
                if any(
                    target == flag
                    # (a flag whose stopping value is not known is stopped by being set)
                    and value in (None, True if site.until_value is None else site.until_value)
                    for target, value in flags_set(node)
                ):
                    return True
        return False

    def _per_object(self, site: Site, each: str) -> Multiplicity:
        """Once per object of the class starting ``site``, ``each`` saying why; more when the
        module shows such objects made over and over (in a loop, per request)."""
        info = self.index.class_of(site.call)
        made = self.counter.objects_made(info.node, each) if info is not None else None
        if made is not None and made.level is Level.MANY:
            return made
        owner = info.name if info is not None else "owning"
        return Multiplicity(Level.PER_OBJECT, f"once per {owner} object: {each}")

    def _start_of_a_pair(self, site: Site, verdict: Verdict) -> str:
        """ "start() and stop()" when ``site`` is started by a method named for a start and
        one of the methods that stop it (``verdict.reapers``) is named for a stop: its two
        halves; "" otherwise."""
        function = self.facts.enclosing_function(site.call)
        if (
            function is None
            or not _named_for(function.name.value, START_NAME_WORDS)
            # called by the package itself (`hb.start()` per connection): how often is what
            # those calls say, and they do not call the stop
            or self.facts.callers(function)
        ):
            return ""
        stops = sorted(name for name in verdict.reapers if _named_for(name, STOP_NAME_WORDS))
        return f"{function.name.value}() and {stops[0]}()" if stops else ""

    def _per_use(self, site: Site, many: Multiplicity) -> Multiplicity:
        """Once per object, where the object is a per-use one: its class has a method ending a
        resource's life (``close()``, ``disconnect()``, ``__exit__``), so its objects are made
        and closed over and over (a client, a session, a connection), and what each leaves
        behind that does not end with it (a thread looping on it, a zombie) piles up, one per
        use."""
        info = self.index.class_of(site.call)
        if info is None:
            return many
        family = self.facts.class_family(info)
        for member in family:
            for name, method in member.methods.items():
                # one of its methods blocks its caller until the object is stopped (start()
                # serves until the process ends, polling() until stop_polling()): a service the
                # program runs once, close() or not, not a resource used per call; what a thread
                # of its own runs (its target, run()) does not count
                if (
                    name != "run"
                    and name not in self.facts.entry_points
                    and self.counter.serves(method)
                ):
                    return many
        if any(HANDLER_EMIT in member.methods for member in family):
            # a logging handler (`emit(record)`, close()): set up on a logger, which is
            # process-wide, once per process, not made and closed per use
            return many
        function = self.facts.enclosing_function(site.call)
        if (
            not site.stop_misses
            and function is not None
            and any(
                name not in PER_USE_METHODS and _other_half(function.name.value, name)
                for member in family
                for name in member.methods
            )
        ):
            # started by a start of its own (`start()`, not the constructor) beside the stop
            # named as its other half (`stop()`; `start_updates()`, `stop_updates()`), apart
            # from the object's end (`__exit__`): the thread's life is that pair's, which
            # whoever calls the start calls in turn, not one per object made and ended (kr8s's
            # PortForward: `with pf:` never starts it)
            return many
        # a stop meant to end the thread that cannot reach it (it blocks in a get() the stop
        # puts nothing into) ends the object, not the thread: each object stopped leaves one
        enders = PER_USE_METHODS | (STOP_ENDS if site.stop_misses else frozenset())
        for member in family:
            ends = sorted(set(member.methods) & enders)
            if ends:
                # the package's own code making them only as it sets up its own objects (a
                # server list's `__init__` making its discovery part) shows them long-lived,
                # closed once with their owner: no more than per object
                set_up = self.counter.made_only_in_set_up(info.node)
                if set_up:
                    return many
                return Multiplicity(
                    Level.PER_CALL,
                    f"{many.describe()}; {info.name} objects end with {ends[0]}(), so they are "
                    "made and ended per use and each leaves its own",
                    many.positive,
                    asks=f"{many.asks} ^{info.name}".strip() if set_up is None else many.asks,
                )
        return many


def _residue(
    site: Site, verdict: Verdict, index: ModuleIndex | None = None
) -> tuple[Residue | None, str, bool]:
    """What one unreaped start of ``site`` leaves behind, a phrase saying so ("" when the
    verdict's reason already says it), and whether it lives only as long as the object holding
    it (then a new start replaces the old one, or the object takes it along when collected: it
    repeats at most once per object)."""
    kind = site.rule.kind
    holder = verdict.holder
    if kind in (Kind.FORK, Kind.SPAWN):
        return Residue.PERSISTENT, "the child stays a zombie until the parent exits", False
    if kind in (Kind.POPEN, Kind.OS_POPEN) and verdict.running and not holder:
        # a timed-out child left running: the dropped Popen is reaped only after it has ended
        return (
            Residue.LINGERING,
            "the timed-out child runs on until it ends by itself (a hung one never does); "
            "CPython reaps it only then",
            False,
        )
    if kind in (Kind.POPEN, Kind.OS_POPEN):
        if holder == "forged":
            return Residue.PERSISTENT, "the child stays a zombie until the parent exits", False
        if holder == "container":
            return (
                Residue.PERSISTENT,
                "it stays referenced, so CPython never reaps the child",
                False,
            )
        if holder == "cache":
            return (
                Residue.PERSISTENT,
                "the child stays a zombie as long as the cache holds it",
                False,
            )
        if holder in ("self", "module"):
            # a name or attribute holds one at a time: the next start drops the last one
            return (
                Residue.PERSISTENT,
                "the child stays a zombie as long as the "
                + ("object holding it" if holder == "self" else "module name holds it"),
                True,
            )
        if verdict.drained:
            # its output read to the end: the child has closed it as it exits, so the dropped
            # Popen, collected at once, finds it ended and reaps it (or parks it for the next
            # Popen() in the instant before it has)
            return (
                Residue.COLLECTED,
                "its output is read to the end, which the child closes as it exits: CPython "
                "reaps it as the dropped Popen is collected (one caught still exiting waits "
                "for the next Popen())",
                False,
            )
        return (
            Residue.LINGERING,
            "CPython reaps a dropped Popen when it is collected or at the next Popen(): "
            "a zombie until then",
            False,
        )
    if kind is Kind.ASYNCIO_SUBPROCESS:
        # asyncio's child watcher reaps the child; what stays is the transport and its pipes.
        if verdict.ended and not verdict.running:
            # killed or terminated: the child ends on the signal and the watcher reaps it,
            # awaited or not (CPython 3.8+ on Unix): no zombie, no child left running; its
            # pipes close with the transport once the object is let go
            return None, "", False
        if verdict.running and not holder:
            # a wait given up when it timed out, nothing killing the child: like a Popen's,
            # the child runs on until it ends by itself, which a hung one never does
            return (
                Residue.LINGERING,
                "the timed-out child runs on until it ends by itself (a hung one never does); "
                "asyncio reaps it only then",
                False,
            )
        if holder:
            return (
                Residue.LINGERING,
                "its transport and pipes stay open while it is referenced",
                False,
            )
        return (
            Residue.COLLECTED,
            "let go unkilled, the child runs on until it ends by itself (a server never "
            "does); asyncio's watcher reaps it then, and its transport closes when collected",
            False,
        )
    if kind.thread:
        if site.forever or site.timer_chain or verdict.stays or verdict.outlives:
            return Residue.PERSISTENT, "", False
        if verdict.on_error and (
            site.signal or site.lasts or site.feeds or site.serves_stopped or site.until_sentinel
        ):
            return Residue.PERSISTENT, "", False  # it waits for a signal that never comes
        if parks_until_fired(site, index):
            # kept on the object (`self._timer = Timer(...)`) or not, a timer nothing cancels
            # stays parked until it fires: the next one stored there replaces the reference,
            # not the pending timer; a debounce cancelling the last one first keeps one
            # pending per object
            return (
                Residue.LINGERING,
                _SLEEPS_FIRST
                if site.sleeps_first is not None
                else "its thread stays parked until it fires"
                if verdict.on_error
                else "a timer never cancelled keeps its thread parked until it fires",
                verdict.holder in ("self", "module") and _cancels_first(site, index),
            )
        if verdict.running:
            # joined with a timeout, and given up when it timed out (`if t.is_alive(): raise`):
            # the code itself says its function may not return in time, and a hung one never
            # does; the thread runs on with nothing left to join it
            return (
                Residue.LINGERING,
                "the timed-out thread runs on until its function returns (a hung one never "
                "does), with nothing left to join it",
                False,
            )
        # it ends by itself, or it runs code that is not ours to read: no evidence it lasts
        return None, "", False
    if kind is Kind.PROCESS:
        if site.forever and not verdict.ended:
            return Residue.PERSISTENT, "", False
        if site.feeds and (verdict.stays or verdict.on_error):
            # parked in put() on a queue nobody takes from any more: alive, never reaped
            return Residue.PERSISTENT, "", False
        return (
            Residue.LINGERING,
            "multiprocessing reaps a finished child at the next Process.start() or "
            "active_children(): a zombie until then",
            False,
        )
    if kind is Kind.SERVICE:
        # the library's thread holds the object: neither dropping nor collecting it stops it
        return Residue.PERSISTENT, "its thread runs on: dropping the object stops nothing", False
    if kind.served:
        what, s = ("its server process", "s") if kind is Kind.MANAGER else ("its workers", "")
        if verdict.stays:
            return Residue.PERSISTENT, "", False  # a worker held by a task that never returns
        if kind is Kind.POOL and verdict.ended and not site.forever and not holder:
            # closed on every way out of the function that holds it, then let go with it: each
            # worker takes its sentinel once the queued tasks are done and exits, and the
            # pool's finalizer terminates and joins what is left when it is collected (measured
            # on CPython 3.6, 3.7, 3.8 and 3.12: tests/test_engine_closed_pool.py). The corpus's
            # labels split on this shape: reported low, saying so. (A kept pool's close() may
            # sit in a method nothing calls: judged as any kept pool. An open pool dropped is
            # still reported: before 3.8 its workers outlive it.)
            return (
                Residue.COLLECTED,
                "closed, its workers exit once their tasks are done, and its finalizer joins "
                "them when the function lets the pool go (join() makes that explicit)",
                False,
            )
        if holder == "container":
            return Residue.PERSISTENT, f"{what} stay{s} until it is shut down", False
        if holder == "self":
            return Residue.PERSISTENT, f"{what} stay{s} as long as the object holding it", True
        if holder == "module":
            # `global _pool; _pool = Pool()`: the next start rebinds the name, dropping the last
            return Residue.PERSISTENT, f"{what} stay{s} as long as the module name holds it", True
        if holder == "cache":
            return Residue.PERSISTENT, f"{what} stay{s} as long as the cache holds it", False
        task = _endless_task(index, site.call) if index is not None else ""
        if task:
            return (
                Residue.PERSISTENT,
                f"one of its workers runs {task}(), which loops with no exit: it never ends, "
                "collected or not, and the interpreter waits for it at exit",
                False,
            )
        kept = proxies_kept(index, site.call) if kind is Kind.MANAGER and index else ""
        if kept == "container":
            # a proxy holds its Manager: one kept in a container keeps the server process as
            # long as the container holds it, and a container is there to hold many
            return (
                Residue.PERSISTENT,
                "a proxy of it is kept in a container, and a proxy holds its Manager: its "
                "server process stays as long as the container holds that proxy",
                False,
            )
        if kept in ("self", "module"):
            # as any handle held there: one at a time (the next one stored there lets the one
            # before go, and its finalizer shuts its server down once collected), its server
            # process staying as long as the holder holds the proxy
            return (
                Residue.PERSISTENT,
                "a proxy of it is kept on "
                + ("an object" if kept == "self" else "a module name")
                + ", and a proxy holds its Manager: its server process stays as long as that "
                "holds the proxy",
                True,
            )
        if site.rule.finalized_when_collected and index is not None and not kept:
            # let go by everything, it is collected at once and its finalizer shuts it down:
            # nothing is left (a Manager's proxies hold it: kept, they keep its server)
            return None, "", False
        return (
            Residue.COLLECTED,
            f"{what} end{s} only when the dropped object is collected",
            False,
        )
    return Residue.PERSISTENT, "", False


def _endless_task(index: ModuleIndex, start: cst.CSTNode) -> str:
    """Is a task handed to the executor made at ``start`` (``ex.submit(self._beat)``,
    ``loop.run_in_executor(ex, fn)``, through ``functools.partial``; through the local it is
    bound to or on the call itself) a function of the module that loops with no exit, or a
    server's ``serve_forever``? Its worker never ends, collected executor or not, and the
    interpreter waits for it at exit. Its name, "" when there is none. (The slicer keeps such
    tasks: slicing._SUBMITTED.)"""
    use = use_of(index, start)
    calls: list[tuple[cst.Call, int]] = []  # the call handing a task, the task's position
    if use.role is Role.CALL and isinstance(use.at, cst.Call):
        calls.append((use.at, 0))
    elif use.role is Role.BOUND and isinstance(use.at, cst.Assign):
        bound = {t.target.value for t in use.at.targets if isinstance(t.target, cst.Name)}
        for node in walk_statements(index.scope_of(start)):
            if not isinstance(node, cst.Call):
                continue
            func = node.func
            if (
                isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name)
                and func.value.value in bound
            ):
                calls.append((node, 0))  # `ex.submit(task)`
            elif (
                last_name(func) == "run_in_executor"
                and node.args
                and isinstance(node.args[0].value, cst.Name)
                and node.args[0].value.value in bound
            ):
                calls.append((node, 1))  # `loop.run_in_executor(ex, task)`
    info = index.class_of(start)
    for call, position in calls:
        if position == 0 and last_name(call.func) != "submit":
            continue
        if len(call.args) <= position:
            continue
        task = call.args[position].value
        if isinstance(task, cst.Call) and last_name(task.func) == "partial" and task.args:
            task = task.args[0].value  # `partial(fn, ...)` runs fn
        if isinstance(task, cst.Attribute) and task.attr.value in FOREVER_METHODS:
            return task.attr.value  # `httpd.serve_forever`
        name = dotted_name(task) or ""
        functions: list[cst.FunctionDef] = []
        if name.startswith("self.") and name.count(".") == 1 and info is not None:
            method = index.method_table(info).get(name[5:])
            functions = [method] if method is not None else []
        elif name and "." not in name:
            functions = [f for f in index.functions if f.name.value == name]
        if any(endless_loop(function) is not None for function in functions):
            return name.rpartition(".")[2]
    return ""


# methods putting what they are given into their container (``made.append(manager.dict())``)
_KEEPING = frozenset({"append", "appendleft", "add", "extend", "insert", "put", "put_nowait"})
# builtins whose result holds none of what they are given (a copy, a number, a string)
_COPYING = frozenset(
    {"list", "tuple", "dict", "set", "frozenset", "sorted", "len", "sum", "min", "max", "any"}
    | {"all", "str", "repr", "print", "bool", "int", "float"}
)


def proxies_kept(index: ModuleIndex, start: cst.CSTNode) -> str:
    """Where something a Manager made at ``start`` (a proxy: ``manager.dict()``,
    ``Manager().Queue()``) is kept past the function making it, "" when nowhere: "container"
    (put in a dict or a list, whichever holds it: `SESSIONS[sid] = m.dict()`), "self" (stored
    on an object or a class, or handed to one of its methods: one at a time), "module" (a
    global name, or a Manager made outside any function) or "kept" (returned or yielded, bound
    as a bound method, handed into an object made there: the caller decides). Also through the
    local names it is bound to. A proxy holds its manager, which lives as long as the proxy."""
    scope = index.scope_of(start)
    if not isinstance(scope, cst.FunctionDef):
        return "module"
    made: list[cst.CSTNode] = []  # the proxies: calls of a method of the manager
    managers: set[str] = set()
    proxies: set[str] = set()
    use = use_of(index, start)
    if use.role is Role.CALL:
        made.append(use.at)
    elif use.role is Role.BOUND and isinstance(use.at, cst.Assign):
        managers = {t.target.value for t in use.at.targets if isinstance(t.target, cst.Name)}
    nodes = walk_statements(scope)
    names = [node for node in nodes if isinstance(node, cst.Name)]
    kept = ""
    for node in names:
        if node.value not in managers or isinstance(index.parent_of(node), cst.AssignTarget):
            continue
        found = use_of(index, node)
        if found.role is not Role.CALL:
            kept = kept or "kept"  # `Queue = m.Queue`: a bound method holds the manager too
            continue
        made.append(found.at)
    pending = list(made)
    while pending:
        value = pending.pop()
        found = use_of(index, value)
        while found.role is Role.THROUGH:  # `await q`, `a or q`
            found = use_of(index, found.at)
        if found.role is Role.KEY:
            return "container"
        if found.role is Role.RETURNED:
            kept = kept or "kept"
            continue
        if found.role is Role.BOUND:
            bound = found.at
            targets = (
                [t.target for t in bound.targets]
                if isinstance(bound, cst.Assign)
                else [bound.target]
                if isinstance(bound, cst.AnnAssign | cst.NamedExpr)
                else []
            )
            held = [t.value for t in targets if isinstance(t, cst.Subscript)]
            if held:
                local = [
                    h.value for h in held if isinstance(h, cst.Name) and _local_container(scope, h)
                ]
                fresh = set(local) - proxies
                if len(local) < len(held):
                    return "container"  # `d[k] = manager.dict()`, d kept past the call
                # a local container holds it as long as the container lives: follow that
                proxies |= fresh
                pending.extend(n for n in names if n.value in fresh)
                continue
            if not targets or not all(isinstance(t, cst.Name) for t in targets):
                kept = "self"  # `self.queue = manager.Queue()`, `cls._shared = m.dict()`
                continue
            fresh = {t.value for t in targets if isinstance(t, cst.Name)} - proxies
            proxies |= fresh
            pending.extend(n for n in names if n.value in fresh and n not in targets)
            continue
        if found.role is Role.ARGUMENT:
            call = index.parent_of(found.at)
            if not isinstance(call, cst.Call):
                kept = kept or "kept"
                continue
            if isinstance(call.func, cst.Attribute) and call.func.attr.value in _KEEPING:
                base = call.func.value
                if not _local_container(scope, base):
                    return "container"  # `registry.append(proxy)`, the registry kept
                if isinstance(base, cst.Name) and base.value not in proxies:
                    proxies.add(base.value)  # a local list: it goes where the list goes
                    pending.extend(n for n in names if n.value == base.value)
                continue
            if (dotted_name(call.func) or "").startswith("self."):
                kept = "self"  # handed to the object
                continue
            if isinstance(call.func, cst.Name) and call.func.value in _COPYING:
                continue  # `list(proxy)`, `len(proxy)`: a copy, or a number
            # what the call makes may keep it (`Bucket(items=proxy)`, a Process's args): it
            # goes where that goes
            pending.append(call)
            continue
        if found.role is Role.ELEMENT:
            pending.append(found.at)  # the literal holding it goes where it goes
    if any(
        isinstance(node, cst.Global) and any(n.name.value in proxies for n in node.names)
        for node in nodes
    ):
        return "module"
    return kept


# A function named for setting up the program's own long-lived service: a start word first, the
# service last (start_metrics_server, init_worker_monitoring); the noun each stands for
_SETUP_FIRST_WORDS = frozenset({"start", "init", "initialize", "setup"})
_SETUP_NOUN_OF = {
    "server": "server",
    "service": "service",
    "worker": "worker",
    "monitor": "monitor",
    "monitoring": "monitor",
    "watcher": "watcher",
    "watchdog": "watcher",
    "daemon": "daemon",
    "scheduler": "scheduler",
    "poller": "poller",
    "heartbeat": "heartbeat",
    "reporter": "reporter",
    "exporter": "exporter",
    "collector": "collector",
    "listener": "listener",
}

# how a public method running its object's own service is named (Harm._service_of): started
# (`start_polling`, `launch_browser`), or the object's loop run (`message_loop`, `listen`)
_SERVICE_FIRST_WORDS = frozenset({"start", "launch", "run"})
_SERVICE_LAST_WORDS = frozenset({"loop", "forever"})
_SERVICE_NAMES = frozenset({"loop", "listen"})


def _local_container(scope: cst.FunctionDef, node: cst.BaseExpression) -> bool:
    """Is ``node`` a plain name bound in ``scope`` to a new empty container (``tmp = []``,
    ``seen = {}``, ``dict()``, ``[None] * n``), not a parameter nor a global: dropped with the
    call, unless followed elsewhere?"""
    if not isinstance(node, cst.Name):
        return False
    if any(
        isinstance(statement, cst.Global | cst.Nonlocal)
        and any(n.name.value == node.value for n in statement.names)
        for statement in walk_statements(scope)
    ):
        return False
    for statement in walk_statements(scope):
        if (
            isinstance(statement, cst.Assign)
            and any(
                isinstance(t.target, cst.Name) and t.target.value == node.value
                for t in statement.targets
            )
            and _new_container(statement.value)
        ):
            return True
    return False


def _new_container(value: cst.BaseExpression) -> bool:
    """``[]``, ``{}``, ``dict()``, and a list repeated to a size (``[None] * threads``): a new
    container each call makes."""
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Multiply):
        return isinstance(value.left, cst.List) or isinstance(value.right, cst.List)
    return isinstance(value, cst.List | cst.Dict | cst.Set | cst.Tuple) or (
        isinstance(value, cst.Call) and last_name(value.func) in ("list", "dict", "set", "deque")
    )


# a timer firing within this many seconds holds its thread for no time worth counting
_SLEEPS_FIRST = (
    "its function first sleeps out its interval, whatever happens meanwhile: each thread stays "
    "that long"
)


def parks_until_fired(site: Site, index: ModuleIndex | None = None) -> bool:
    """A ``threading.Timer`` never cancelled, whose interval is not a short literal (written
    out, or a module constant: ``ACK_DELAY = 2``): its thread sleeps until it fires
    (``Timer(300, self._timed_out)``), so one started per call, request or invocation holds
    one more thread for the whole interval."""
    if site.until_stopped:
        return False  # re-armed by its own function while a flag holds: one at a time
    if site.sleeps_first is not None:
        # a thread whose function begins by sleeping it out (`time.sleep(task.timeout)`,
        # a watchdog): a Timer by hand, which nothing can even cancel
        interval: cst.BaseExpression | None = site.sleeps_first
    elif site.via not in ("threading.Timer", "Timer"):
        return False  # a class of its own may take other arguments, or not be a timer at all
    else:
        interval = argument(site.call, 0, "interval")
    if interval is None:
        return False
    if site.sleeps_first is not None and index is not None:
        interval = _interval_bound(index, interval) or interval
    if isinstance(interval, cst.Name) and index is not None:
        interval = _module_constant(index, interval.value) or interval
    if isinstance(interval, cst.Integer | cst.Float):
        try:
            return float(interval.value.replace("_", "")) > SHORT_INTERVAL
        except ValueError:
            return False
    return True


def _interval_bound(
    index: ModuleIndex, interval: cst.BaseExpression | None
) -> cst.BaseExpression | None:
    """The literal that bounds a sleep's interval, where the code says it: a parameter's
    literal default (`def later(request, delay=0.1)`), the upper bound of a random draw
    (`random.uniform(0, 0.5)`); None when it does not. (A class constant, `self.DELAY`, is
    read where the site is found: sites._seconds.)"""
    if isinstance(interval, cst.Call) and last_name(interval.func) in ("uniform", "randint"):
        return interval.args[-1].value if len(interval.args) == 2 else None
    if isinstance(interval, cst.Call) and last_name(interval.func) == "random":
        return cst.Float("1.0")
    function = (
        next((a for a in index.ancestors(interval) if isinstance(a, cst.FunctionDef)), None)
        if interval is not None
        else None
    )
    if isinstance(interval, cst.Name) and function is not None:
        params = function.params
        for param in (*params.params, *params.kwonly_params):
            if param.name.value == interval.value:
                return param.default if isinstance(param.default, cst.Integer | cst.Float) else None
    return None


def _cancels_first(site: Site, index: ModuleIndex | None) -> bool:
    """Does the function arming the timer cancel one kept on the object before it arms it
    (`if self._timer: self._timer.cancel()`, a debounce)?"""
    if index is None:
        return False
    function = next((a for a in index.ancestors(site.call) if isinstance(a, cst.FunctionDef)), None)
    if function is None:
        return False
    line = index.line_of(site.call)
    return any(
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "cancel"
        and (dotted_name(node.func.value) or "").startswith("self.")
        and index.line_of(node) < line
        for node in walk_statements(function)
    )


def _module_constant(index: ModuleIndex, name: str) -> cst.BaseExpression | None:
    """The value of ``name`` when the module binds it once, at its top level, to a number
    (``ACK_DELAY = 2``, ``TIMEOUT: float = 30.0``); read from the whole text, which a slice
    does not change."""
    binding = re.compile(
        rf"{re.escape(name)}\s*(?::[^=]*)?=\s*([0-9][0-9_]*(?:\.[0-9_]*)?)\s*(?:#.*)?$"
    )
    found = [m.group(1) for line in index.lines if (m := binding.match(line))]
    assigned = [
        line for line in index.lines if re.match(rf"{re.escape(name)}\s*(?::[^=]*)?=[^=]", line)
    ]
    if len(found) == 1 and len(assigned) == 1:
        text = found[0]
        try:  # a literal Python reads (`0600` is none): libcst may not be there to check it
            ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return None
        return cst.Float(text) if "." in text else cst.Integer(text)
    return None


def _flags(
    site: Site, verdict: Verdict, many: Multiplicity, residue: Residue, severity: str
) -> tuple[str, ...]:
    flags: list[str] = []
    level = many.level
    if level is Level.MANY:
        flags.append("in-loop" if "loop" in many.reason else "per-request")
    elif level is Level.PER_CALL:
        flags.append("per-call")
    elif level is Level.PER_OBJECT:
        flags.append("per-object")
    else:
        flags.append("once")
    if site.timer_chain:
        flags.append("timer-chain")
    if residue is Residue.PERSISTENT and level >= Level.PER_CALL:
        flags.append("accumulates")
    if residue in (Residue.LINGERING, Residue.COLLECTED):
        flags.append("transient")
    if verdict.daemon or site.daemon:
        flags.append("daemon")
    if site.forever:
        flags.append("loops-forever")
    if many.script and not many.via:
        flags.append("script")
    return tuple(flags)


def _message(
    index: ModuleIndex,
    site: Site,
    verdict: Verdict,
    many: Multiplicity,
    residue: Residue,
    left: str,
    hangs_exit: bool,
) -> str:
    parts = [verdict.reason]
    if site.forever:
        parts.append(forever_text(site, index))
    if left:
        parts.append(left)
    level = many.level
    why = many.describe()
    if level is Level.MANY:
        tail = "one more each time" if residue is Residue.PERSISTENT else "each one transient"
        parts.append(f"{why}: {tail}")
    elif level is Level.PER_CALL:
        if residue is Residue.PERSISTENT:
            parts.append(f"{why}: piles up if that runs per request")
        else:
            parts.append(why)
    elif level is Level.PER_OBJECT:
        parts.append(f"{why}: bounded unless {many.unless}")
    elif why.startswith(("in ", "on ", "at ", "under ", "behind ", "after ")):
        parts.append(f"started {why}: bounded")
    else:  # a clause: `the only Reporter object is made at import time`, `run() never returns`
        parts.append(f"started once, as {why}: bounded")
    if hangs_exit:
        parts.append(
            "a non-daemon thread or process that never ends keeps the interpreter from exiting"
        )
    return "; ".join(part for part in parts if part)


# the word naming the other half of a start (`start_updates` / `stop_updates`)
_OTHER_HALF = {
    "start": "stop",
    "begin": "end",
    "enable": "disable",
    "activate": "deactivate",
    "resume": "pause",
}


def _other_half(start: str, name: str) -> bool:
    """Is method ``name`` the stop named as the other half of method ``start`` (``stop`` for
    ``start``, ``stopUpdates`` for ``startUpdates``, ``disable_sync`` for ``enable_sync``)?"""
    first, *rest = name_words(start)
    other = _OTHER_HALF.get(first)
    return other is not None and name_words(name) == [other, *rest]


# a context manager's halves: the `with` statement calls the exit after every enter
_ENTERS = {"__enter__": "__exit__", "__aenter__": "__aexit__"}


def _named_for(name: str, words: frozenset[str]) -> bool:
    """Is ``name`` (snake_case or camelCase, a leading underscore aside) one of ``words``, or
    made of one and more (``start_server``, ``stopServer``)?"""
    first = re.split(r"_|(?=[A-Z])", name.lstrip("_"), maxsplit=1)[0].lower()
    return first in words


def _at_most(severity: str, cap: str) -> str:
    """``severity``, lowered to ``cap`` (the rule's ``severity``) when above it."""
    return severity if SEVERITIES.index(severity) >= SEVERITIES.index(cap) else cap
