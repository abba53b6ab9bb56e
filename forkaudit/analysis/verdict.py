"""What the analysis concludes about one handle: leaked or not, how sure, why, and what it
learned on the way (started, daemon, handed to the caller as a factory's result)."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst


@dataclass
class Verdict:
    leak: bool
    confidence: str = "high"
    reason: str = ""
    started: bool = False
    daemon: bool = False
    factory: cst.FunctionDef | None = None  # the handle leaves its function through return/yield
    factory_index: int = 0  # its position when returned in a tuple
    # Where the leaked handle stays referenced, so that CPython cannot reap or finalise it when
    # it is collected: "" (dropped), "self" (as long as its object), "container", "module",
    # "cache" (a cached function's, handing the same one to every caller).
    holder: str = ""
    # terminate()/kill() was called on it: the child ends, but nobody reaps it.
    ended: bool = False
    # a wait that timed out was given up: the child may still be running (a hung one for good)
    running: bool = False
    # Reaped through the attribute that holds it, but a new start replaces it there without
    # reaping the one before: only the last is reaped. Whether that repeats is the harm stage's
    # call (a start() run once per object replaces nothing).
    replaced: bool = False
    # Retired and replaced: the method (named) storing it reaps the one stored before, every
    # time there is one (`if self._t.is_alive(): self._t.join()` then `self._t = Thread()`):
    # at most one per object is left, the last, until that method's next call.
    retired: str = ""
    # Stored on ``self`` and reaped by these other methods of its class (not where it starts).
    reapers: tuple[str, ...] = ()
    # Reaped only by cleanup registered with atexit: at the end of the process, not before.
    at_exit: bool = False
    # A thread that never ends though something would stop it: what stops it never runs.
    stays: bool = False
    # A thread its object's end does not stop: it loops on after each object is done with.
    outlives: bool = False
    # Stopped on the normal path only: a call that raises before the stop leaves it running.
    on_error: bool = False
    # Awaited, left only when its task is cancelled from outside while it waits.
    cancelled: bool = False
    # Its output read to the end before it is let go (`os.popen(cmd).read()`, `for line in
    # p.stdout`): the child closes it as it exits, so the dropped Popen finds it ended.
    drained: bool = False
    # Base classes defined in other modules whose methods may reap it (asked of the runner).
    bases: tuple[str, ...] = ()
    # Methods of its class that stop it, which no code of the module calls: whether the
    # package's other modules call them is asked of the runner.
    stops: tuple[str, ...] = ()


@dataclass
class Evidence:
    """What the uses of one binding say about its handle."""

    reaps: list[cst.CSTNode] = field(default_factory=list)
    conditional_reaps: list[cst.CSTNode] = field(default_factory=list)
    started: bool = False
    starts: list[cst.CSTNode] = field(default_factory=list)  # its start() calls, where seen
    daemon: bool = False
    ends: list[cst.CSTNode] = field(default_factory=list)  # where it is killed or terminated
    escapes: list[str] = field(default_factory=list)
    handoffs: list[cst.CSTNode] = field(default_factory=list)  # reaps that are hand-overs
    timed: list[cst.CSTNode] = field(default_factory=list)  # reaps with a timeout
    uses: list[cst.Name] = field(default_factory=list)  # the reads of the binding
    returned: list[cst.CSTNode] = field(default_factory=list)
    returned_index: int = 0
    sub_verdicts: list[Verdict] = field(default_factory=list)
    at_exit: list[cst.CSTNode] = field(default_factory=list)  # reaps registered with atexit
    # where it was kept somewhere that takes care of it (a container, an attribute)
    kept: list[cst.CSTNode] = field(default_factory=list)
    # where its returncode is written by hand before anything has waited for it
    forged: list[cst.CSTNode] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        """terminate()/kill() was called on it: it ends, but is still to be reaped."""
        return bool(self.ends)


def merge(verdicts: list[Verdict]) -> Verdict:
    """One verdict for one handle bound to several targets (``self.p = p = Popen()``): it is
    taken care of when any of them reaps it or hands it on; else a factory, else a leak."""
    for verdict in verdicts:
        if not verdict.leak and verdict.factory is None:
            return verdict
    for verdict in verdicts:
        if verdict.factory is not None:
            return verdict
    return verdicts[0] if verdicts else Verdict(False)
