"""How much harm an unreaped handle does: can it pile up under the user's workload?

The follow stage says *whether* a handle leaks; this stage says how bad that is. Severity answers
"can this accumulate?" (per request, connection, call or loop iteration), not "is every handle
reaped", and every message says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from forkaudit.analysis.facts import ModuleFacts
from forkaudit.analysis.index import ModuleIndex
from forkaudit.analysis.sites import Site
from forkaudit.analysis.syntax import in_loop
from forkaudit.analysis.verdict import Verdict
from forkaudit.analysis.vocabulary import ONE_OFF_FUNCTIONS
from forkaudit.kinds import Kind
from forkaudit.model import Rule


@dataclass
class RawFinding:
    rule: Rule
    call: cst.Call
    confidence: str
    message: str
    flags: tuple[str, ...]
    severity: str


class Harm:
    """Turns a leaking handle into a finding with its severity, flags and message."""

    def __init__(self, index: ModuleIndex, facts: ModuleFacts) -> None:
        self.index = index
        self.facts = facts

    def assess(self, site: Site, verdict: Verdict) -> RawFinding | None:
        """The finding for a leaking ``site``, or None when what leaks costs nothing."""
        rule = site.rule
        flags: list[str] = []
        looped = in_loop(self.index, site.call)
        per_call = self._per_call(site.call)
        if rule.kind is Kind.POOL and not (looped or per_call):
            return None  # a module-level (or one-off) pool is a singleton for the process
        if rule.kind is Kind.THREAD:
            # A thread that ends by itself costs nothing once it has ended; what hurts is a thread
            # that never ends: started per call (they pile up) or non-daemon (exit hangs on it).
            daemon_now = verdict.daemon or site.daemon
            if site.forever:
                if not (looped or per_call or site.timer_chain) and daemon_now:
                    return None
            elif site.target_known or not (looped or per_call) or site.depth > 0:
                return None
            else:
                verdict.confidence = "low"
                verdict.reason = (
                    f"{verdict.reason}; its target could not be read, so it may or may not end"
                )
        if looped:
            flags.append("in-loop")
        if per_call:
            flags.append("per-call")
        if site.timer_chain:
            flags.append("timer-chain")
        accumulates = looped or per_call or site.timer_chain
        if accumulates:
            flags.append("accumulates")
        daemon = verdict.daemon or site.daemon
        if daemon:
            flags.append("daemon")
        severity = rule.severity
        if daemon and rule.daemon_severity:
            severity = rule.daemon_severity
        message = verdict.reason
        if site.forever:
            flags.append("loops-forever")
            message = f"{message}; {site.forever_reason}"
            if rule.forever_severity:
                severity = (
                    rule.forever_severity if accumulates else _one_below(rule.forever_severity)
                )
                if not accumulates and rule.kind is Kind.THREAD:
                    message = f"{message}; a non-daemon thread that never ends keeps the interpreter from exiting"
        if site.forever and "timer chain" in site.forever_reason:
            verdict.confidence = "medium" if verdict.confidence == "high" else verdict.confidence
        if accumulates and not site.forever:
            message = f"{message} ({'in a loop' if looped else 'on every call'})"
        return RawFinding(
            rule=rule,
            call=site.call,
            confidence=verdict.confidence,
            message=message,
            flags=tuple(flags),
            severity=severity,
        )

    def _per_call(self, node: cst.CSTNode) -> bool:
        function = None
        for ancestor in self.index.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef) and function is None:
                function = ancestor
            if isinstance(ancestor, cst.If) and "__main__" in self.index.code(ancestor.test):
                return False
        if function is None:
            return False
        name = function.name.value
        return name not in ONE_OFF_FUNCTIONS and name not in self.facts.entry_points


def _one_below(severity: str) -> str:
    return {"high": "medium", "medium": "low"}.get(severity, "low")
