"""What the analysis of one module tells the others of its distribution about its Thread/Process
subclasses. Kept apart from the engine so that the parent process, which receives these from the
workers, never imports libcst."""

from __future__ import annotations

from dataclasses import dataclass

from forkaudit.model import Rule


@dataclass
class SubclassInfo:
    """A class of this module (or of the distribution) that is a Thread/Process/Timer itself."""

    name: str
    rule: Rule
    self_starting: bool
    daemon: bool
    reap_methods: frozenset[str]
    context_manager: bool
    loops_forever: bool
    run_known: bool = False
    loop_reason: str = ""  # how run() goes on: "loops with no exit", "loops until stop() is called"
    stop_flags: frozenset[str] = (
        frozenset()
    )  # attributes its run() loop stops on (`stop` of self.stop)
