"""Run-time tracing: ``forkaudit run`` / ``forkaudit watch``, and reading their traces.

Static analysis guesses which start sites pile up; a trace shows it. This package has two
halves that share only a file format:

* ``inject/`` is put on the traced program's ``PYTHONPATH``: ``sitecustomize.py`` loads
  ``_forkaudit_trace_hook.py`` (standard library only, any CPython 3.10+, never imports
  forkaudit or the scanned packages) in every Python process of the command's tree. The hook
  records each start of a child or thread by its creating site (the first frame outside the
  standard library) and, every ``--interval`` seconds, what became of them, into
  ``DIR/trace-PID-TOKEN.json`` (see that module's docstring).
* the rest runs in forkaudit: the commands and the reader.

Commands (``python -m forkaudit.runtime run|watch ...`` until the CLI wires them in):

``command.main(argv: Sequence[str] | None = None, platform: str | None = None) -> int``
    ``argv`` is ``["run", "--trace", DIR, "--interval", S, "--", COMMAND, ...]`` or
    ``["watch", PID, "--interval", S, "--duration", S, "--trace", DIR]``. Returns the command's
    exit code (``run``), 0 (``watch``), 2 with one ``forkaudit: error: ...`` line for bad input
    or when not on Linux. ``command.RUN_USAGE``/``RUN_HELP``/``WATCH_USAGE``/``WATCH_HELP`` and
    ``command.run_parser()``/``watch_parser()`` are there for the CLI's help.
``launch.run_command(command, trace_dir, interval=1.0, *, summary=None) -> int``
    the same as ``run`` without argument parsing; raises ``forkaudit.errors.InputError``.
``watch.watch_process(pid, interval, duration, trace_dir, out) -> int``
``tracedir.DEFAULT_TRACE_DIR`` = ``reports/forkaudit-trace``

Reading (all values are frozen dataclasses):

``load_trace(directory: str) -> RuntimeTrace``
    raises ``InputError`` when ``directory`` is not a trace folder.
``RuntimeTrace``: ``directory``, ``source`` (``run``/``watch``), ``attribution``
    (``stack``/``command-line``), ``command``, ``started`` (epoch s), ``duration`` (s),
    ``exit_code``, ``interval``, ``processes: tuple[TracedProcess, ...]``,
    ``sites: tuple[RuntimeSite, ...]`` (most unreaped first), ``warnings``;
    ``summary_json()`` is the report's top-level ``runtime`` object (command, duration,
    processes, source, attribution, exit_code, started).
``RuntimeSite``: ``path`` (absolute), ``line``, ``kind`` (fork, spawn, popen, process, pool,
    thread, raw-thread; ``child`` for watch), ``function``, ``starts``, ``unreaped``,
    ``reaped``, ``live_threads``, ``live_children``, ``zombies``, ``processes``, ``pids``,
    ``command`` (watch), ``series: tuple[SiteSeries, ...]`` (one per process: ``pid``,
    ``times`` in seconds since the trace started, ``live_threads``, ``live_children``,
    ``zombies``, cumulative ``starts``); ``counts`` -> ``RuntimeCounts``.
``RuntimeCounts(starts, unreaped, processes)``; ``as_json()`` is a finding's or a
    distribution's ``"runtime"`` object (DESIGN §7).
``TracedProcess``: ``pid``, ``ppid``, ``forked_from``, ``argv``, ``python``, ``source``,
    ``started``, ``updated``, ``ended``, ``samples``, ``threads``, ``children``, ``zombies``,
    ``unattributed_children``, ``file``, ``series: ProcessSeries`` (times, threads, children,
    zombies).
``sum_counts(sites) -> RuntimeCounts``

Attribution to distributions (RECORD ownership, through ``forkaudit.environment``):

``OwnerIndex(env).locate(path) -> SiteOwner | None`` (``distribution``, ``version``,
    ``relpath`` relative to site-packages).
``attribute(trace, env) -> tuple[AttributedSite, ...]``: ``site``, ``distribution``,
    ``version``, ``relpath`` ("" and "" outside the environment).
``distribution_counts(attributed) -> dict[str, RuntimeCounts]``: per distribution name.

A static finding and a traced site are the same place when the distribution, the path relative
to site-packages and the line are equal; a traced site with unreaped starts that matches no
finding is a ``runtime-only`` finding.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forkaudit.runtime.attribution import (
        AttributedSite,
        OwnerIndex,
        SiteOwner,
        attribute,
        distribution_counts,
    )
    from forkaudit.runtime.traces import (
        ProcessSeries,
        RuntimeCounts,
        RuntimeSite,
        RuntimeTrace,
        SiteSeries,
        TracedProcess,
        load_trace,
        sum_counts,
    )

_ATTRIBUTION = ("AttributedSite", "OwnerIndex", "SiteOwner", "attribute", "distribution_counts")


def __getattr__(name: str) -> Any:
    """The readers load on first use (PEP 562): the CLI's parser needs only ``command``'s help
    texts, and the attribution pulls in the environment reader (~80 ms of imports)."""
    if name in _ATTRIBUTION:
        return getattr(importlib.import_module("forkaudit.runtime.attribution"), name)
    if name in __all__:
        return getattr(importlib.import_module("forkaudit.runtime.traces"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AttributedSite",
    "OwnerIndex",
    "ProcessSeries",
    "RuntimeCounts",
    "RuntimeSite",
    "RuntimeTrace",
    "SiteOwner",
    "SiteSeries",
    "TracedProcess",
    "attribute",
    "distribution_counts",
    "load_trace",
    "sum_counts",
]
