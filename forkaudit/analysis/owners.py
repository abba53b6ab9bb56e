"""Classes that own a thread: a wrapper that keeps the thread it makes on ``self`` and stops it
only in its own methods (``IntervalRunner.shutdown()``, ``Heartbeat.stop()``).

Inside the wrapper the thread is taken care of, so the wrapper's own module reports nothing; the
thread lives exactly as long as nobody calls those methods. A CPython thread whose loop waits on a
flag or a queue does not end because the object that started it is dropped (the thread's own
frame keeps the object alive), so whoever makes such an object holds a thread: each instantiation
of the wrapper is a start, reaped by the methods that stop the thread, and followed like a Thread
subclass (in this module and, through the survey, in the others of its distribution).

Only threads that do not end by themselves make an owner (their target loops forever or until a
flag is set): a wrapper around a thread that finishes its work costs nothing once it is done.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

import libcst as cst

from forkaudit.analysis.flow import Follower
from forkaudit.analysis.index import ClassInfo, ModuleIndex, dotted_name
from forkaudit.analysis.sites import Site, forever_text
from forkaudit.analysis.subclasses import SubclassInfo
from forkaudit.analysis.syntax import calls_in, calls_method, stopped_at_shutdown, with_callers


def find_owners(
    index: ModuleIndex, sites: Sequence[Site], flow: Follower, thread_classes: Collection[str]
) -> list[SubclassInfo]:
    """The classes of the module that own a thread, found among the start ``sites`` of the
    module, each described as a start (a Thread subclass, in ``thread_classes``, is none)."""
    found: dict[str, SubclassInfo] = {}
    for site in sites:
        call = site.call
        if not site.rule.kind.thread or not site.rule.kind.joinable:
            continue
        if not (site.forever or site.until_stopped):
            continue
        attr = _stored_on_self(index, call)
        info = index.class_of(call)
        if not attr or info is None or info.name in found or info.name in thread_classes:
            continue
        verdict = flow.follow(site, site.node)
        if verdict.leak or not verdict.reapers:
            continue
        described = _describe(index, info, attr, site, verdict.reapers, verdict.daemon)
        if described is not None:
            found[info.name] = described
    return list(found.values())


def _stored_on_self(index: ModuleIndex, call: cst.Call) -> str:
    """``thread`` for ``self.thread = Thread(...)``; "" otherwise."""
    parent = index.parent_of(call)
    if not isinstance(parent, cst.Assign) or parent.value is not call or len(parent.targets) != 1:
        return ""
    target = dotted_name(parent.targets[0].target) or ""
    head, _, attr = target.partition(".")
    return attr if head == "self" and attr and "." not in attr else ""


def _describe(
    index: ModuleIndex,
    info: ClassInfo,
    attr: str,
    site: Site,
    reapers: tuple[str, ...],
    daemon: bool,
) -> SubclassInfo | None:
    rule = site.rule
    starters = {
        name
        for name, method in info.methods.items()
        if any(
            calls_method(call, f"self.{attr}", rule.start_methods)
            for call in calls_in(index, method)
        )
    }
    self_starting = site.started or "__init__" in starters
    if not self_starting and not starters:
        return None  # the thread is never started here: nothing to own
    reap = with_callers(index, info, set(reapers), skip={"__init__"})
    starts = with_callers(index, info, starters - {"__init__"}, skip={"__init__"}) - reap
    if not self_starting and not starts:
        return None
    stoppers = " or ".join(f"{name}()" for name in sorted(reap)[:2])
    reason = forever_text(site, index).split(": ", 1)[0] if site.forever else ""
    return SubclassInfo(
        name=info.name,
        rule=replace(rule, start_methods=tuple(sorted(starts)) or rule.start_methods),
        self_starting=self_starting,
        # (stopped as the interpreter shuts down, before it waits for non-daemon threads)
        daemon=daemon or site.daemon or stopped_at_shutdown(index, info, reap),
        reap_methods=frozenset(reap),
        context_manager="__exit__" in reap,
        loops_forever=True,
        run_known=True,
        loop_reason=f"runs until {stoppers} is called" + (f" ({reason})" if reason else ""),
        owned=attr,
    )
