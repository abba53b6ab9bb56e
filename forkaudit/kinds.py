"""The kinds of things a rule can start, each with its policy: how it is reaped, what stays
behind when it is not, and the words the messages use for it.

A rule's ``kind`` (in ``rules/*.toml``) names one of these; everything the engine decides per kind
is a property here rather than a string compared in many places.
"""

from __future__ import annotations

from enum import Enum

# How severe a finding is: the harm model, in the words `forkaudit explain` and the README use.
HARM_MODEL = (
    "Severity answers one question: can this pile up under your workload? HIGH: what it leaves "
    "behind stays (a zombie until the parent exits, a thread that never ends, pool workers), "
    "and the start can run per request, connection, call or loop iteration (in a loop, in a "
    "request handler, in a function called so, or a plain function that nothing shows runs "
    "once, or once per object of a resource class, with close()/disconnect()/__exit__, whose "
    "objects are opened and closed per use). MEDIUM: never reaped, but bounded: started once per process or once "
    "per object of a long-lived class, or left for CPython to reap later by itself (a dropped "
    "Popen is reaped when collected or at the next Popen()). LOW: cosmetic (a pool made once "
    "per process, workers that end when their dropped pool is collected), or in a module the "
    "scanned environment cannot import (its body imports a module no site folder holds: "
    "flagged not-importable). A start behind an option that is off by default and that no "
    "call in the package turns on (`enable_expiration=False`) is the user's choice: at most "
    "MEDIUM. So is a thread that listens on the address it is given before it loops "
    "accepting: another started while it runs fails at bind(), one per address. A daemon thread "
    "(or a library service such as a watchdog Observer) started once to serve for the life of "
    "the process is by design and not reported. Every "
    "message says which evidence it used: 'in a `while` loop in serve()', 'behind the "
    "once-guard `_pool is None`', 'once per Server object', 'Client objects end with close(), "
    "so they are made and ended per use'."
)


class Kind(str, Enum):
    FORK = "fork"
    SPAWN = "spawn"
    POPEN = "popen"
    OS_POPEN = "os-popen"
    ASYNCIO_SUBPROCESS = "asyncio-subprocess"
    THREAD = "thread"
    PROCESS = "process"
    POOL = "pool"
    MANAGER = "manager"
    RAW_THREAD = "raw-thread"
    # A library object that runs a thread (or a child) of its own until one of its methods stops
    # it: the running thread holds the object, so dropping the last reference ends nothing.
    SERVICE = "service"

    def __str__(self) -> str:
        return self.value

    @property
    def os_child(self) -> bool:
        """A child of this process at the OS level: a wait-any reaper (``os.wait()``,
        ``waitpid(-1)``, SIGCHLD ignored) reaps it."""
        return self in _OS_CHILDREN

    @property
    def mp_child(self) -> bool:
        """A ``multiprocessing`` child: ``active_children()`` and the next ``Process.start()`` reap
        it once it has ended."""
        return self is Kind.PROCESS

    @property
    def joinable(self) -> bool:
        """Reaped by ``join()`` (a thread or a process object)."""
        return self in (Kind.THREAD, Kind.PROCESS)

    @property
    def thread(self) -> bool:
        """A thread of this process (it costs something only while it runs)."""
        return self in (Kind.THREAD, Kind.RAW_THREAD)

    @property
    def served(self) -> bool:
        """A pool, an executor or a manager: worker processes or threads (or a server process)
        that live until it is shut down, or until the object is collected."""
        return self in (Kind.POOL, Kind.MANAGER)

    @property
    def left_behind(self) -> str:
        """What one unreaped start of this kind leaves behind, in a sentence."""
        return _LEFT_BEHIND[self]

    @property
    def ending_methods(self) -> tuple[str, ...]:
        """Methods that end the child (or the pool's work) without reaping it."""
        if self is Kind.POOL:
            return ("close",)
        if self in (Kind.THREAD, Kind.RAW_THREAD, Kind.SERVICE):
            return ()
        return ("terminate", "kill")

    @property
    def reaped(self) -> str:
        """``never {reaped}``."""
        return _REAPED[self]

    def reap(self, thing: str = "it", third_person: bool = False) -> str:
        """The verb phrase that reaps ``thing``: ``wait for it``, ``join it``, ``shut it down``
        (``shuts down its elements`` in the third person)."""
        verb = _VERB[_REAPED[self]]
        head, _, particle = verb.partition(" ")
        if third_person:
            head += "s"
        if particle == "down":
            return f"{head} {thing} down" if thing == "it" else f"{head} down {thing}"
        return f"{head} {particle} {thing}" if particle else f"{head} {thing}"


_OS_CHILDREN = frozenset(
    {Kind.FORK, Kind.SPAWN, Kind.POPEN, Kind.OS_POPEN, Kind.ASYNCIO_SUBPROCESS}
)
_REAPED = {
    Kind.FORK: "waited",
    Kind.SPAWN: "waited",
    Kind.POPEN: "waited",
    Kind.OS_POPEN: "closed",
    Kind.ASYNCIO_SUBPROCESS: "waited",
    Kind.THREAD: "joined",
    Kind.PROCESS: "joined",
    Kind.POOL: "shut down",
    Kind.MANAGER: "shut down",
    Kind.RAW_THREAD: "joined",
    Kind.SERVICE: "stopped",
}
_VERB = {
    "waited": "wait for",
    "joined": "join",
    "shut down": "shut down",
    "closed": "close",
    "stopped": "stop",
}
_LEFT_BEHIND = {
    Kind.FORK: "a zombie that stays until the parent exits",
    Kind.SPAWN: "a zombie that stays until the parent exits",
    Kind.POPEN: (
        "a zombie: CPython reaps a dropped Popen when it is collected or at the next Popen(), "
        "but never one that stays referenced (in a list, on a long-lived object)"
    ),
    Kind.OS_POPEN: "a zombie until the pipe object is collected, or for as long as it is kept",
    Kind.ASYNCIO_SUBPROCESS: (
        "an open transport and pipes; a child abandoned when the awaiting task is cancelled "
        "keeps running"
    ),
    Kind.THREAD: "a thread, for as long as its target runs: forever when it loops with no exit",
    Kind.PROCESS: (
        "a zombie until multiprocessing's next start() or active_children(), or a live process "
        "when its target never ends"
    ),
    Kind.POOL: "worker processes or threads, until it is shut down or collected",
    Kind.MANAGER: "a server process, until it is shut down or collected",
    Kind.RAW_THREAD: "a thread that nothing can join, for as long as its function runs",
    Kind.SERVICE: (
        "the thread the library object runs, until one of its stop methods is called: its "
        "running thread keeps it alive, so dropping it ends nothing"
    ),
}
