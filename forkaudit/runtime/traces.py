"""Read a trace folder (``forkaudit run`` / ``forkaudit watch``) into plain frozen values.

``load_trace(directory)`` returns a ``RuntimeTrace``: what was traced (command, duration,
processes) and one ``RuntimeSite`` per creating site (absolute path and line), summed over the
traced processes. Per site:

* ``starts``: children or threads started there, summed over the processes;
* ``unreaped``: at each process's last sample, its children started there still running (never
  waited) or zombies, plus its threads started there still alive, summed;
* ``processes``: how many traced processes started it (``pids`` names them);
* ``kind``: ``fork``, ``spawn``, ``popen``, ``process`` (a multiprocessing child),
  ``pool`` (multiprocessing or concurrent.futures workers), ``thread``, ``raw-thread``
  (``_thread.start_new_thread``), or ``child`` (``watch``: children grouped by command line);
* ``series``: per process, the live threads, live children, zombies and cumulative starts over
  time (seconds since the trace started), for a chart.

Nothing here imports the traced code; a file that cannot be read or parsed is named in
``warnings`` and left out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from forkaudit.errors import InputError
from forkaudit.runtime.tracedir import RUN_FILE, TRACE_FILE


@dataclass(frozen=True)
class RuntimeCounts:
    """The ``runtime`` object of a finding or a distribution in the JSON report (DESIGN §7)."""

    starts: int
    unreaped: int
    processes: int

    def as_json(self) -> dict[str, int]:
        return {"starts": self.starts, "unreaped": self.unreaped, "processes": self.processes}


@dataclass(frozen=True)
class SiteSeries:
    """One process's samples of one site. ``times`` are seconds since the trace started."""

    pid: int
    times: tuple[float, ...]
    live_threads: tuple[int, ...]
    live_children: tuple[int, ...]
    zombies: tuple[int, ...]
    starts: tuple[int, ...]  # cumulative


@dataclass(frozen=True)
class RuntimeSite:
    """A creating site, summed over the traced processes (see the module docstring)."""

    path: str  # absolute path of the file that started it ("" for a watch trace)
    line: int  # 1-based (0 for a watch trace)
    kind: str
    function: str  # the enclosing function's name, "" when unknown
    starts: int
    unreaped: int
    reaped: int  # children seen reaped, threads seen ended are not counted
    live_threads: int  # at the last samples
    live_children: int
    zombies: int
    processes: int
    pids: tuple[int, ...]
    command: str = ""  # watch: the children's command line
    series: tuple[SiteSeries, ...] = ()

    @property
    def counts(self) -> RuntimeCounts:
        return RuntimeCounts(self.starts, self.unreaped, self.processes)


@dataclass(frozen=True)
class ProcessSeries:
    """A process's totals over time (seconds since the trace started)."""

    times: tuple[float, ...]
    threads: tuple[int, ...]
    children: tuple[int, ...]
    zombies: tuple[int, ...]


@dataclass(frozen=True)
class TracedProcess:
    pid: int
    ppid: int
    forked_from: int  # the traced parent it was forked from (pre-fork workers), 0 if exec'd
    argv: tuple[str, ...]
    python: str  # "3.12.1" ("" for a watched process)
    source: str  # "hook" (run) or "watch"
    started: float  # epoch seconds
    updated: float  # time of its last sample
    ended: bool  # its last sample was taken at exit (or exec), not killed
    samples: int
    threads: int  # at its last sample (the hook's own sampler thread not counted)
    children: int
    zombies: int
    unattributed_children: int  # children started where no hook sees (multiprocessing spawn)
    file: str
    series: ProcessSeries


@dataclass(frozen=True)
class RuntimeTrace:
    directory: str
    source: str  # "run" or "watch"
    attribution: str  # "stack" (file:line) or "command-line" (watch)
    command: tuple[str, ...]
    started: float  # epoch seconds
    duration: float  # seconds
    exit_code: int | None  # the command's (run), None when unknown
    interval: float
    processes: tuple[TracedProcess, ...]
    sites: tuple[RuntimeSite, ...]  # most unreaped first, then most starts
    warnings: tuple[str, ...] = ()

    def summary_json(self) -> dict[str, Any]:
        """The top-level ``runtime`` object of the JSON report: what was traced."""
        return {
            "command": list(self.command),
            "duration": round(self.duration, 3),
            "processes": len(self.processes),
            "source": self.source,
            "attribution": self.attribution,
            "exit_code": self.exit_code,
            "started": round(self.started, 3),
        }


# --------------------------------------------------------------------------- reading


def _read_json(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _ints(value: Any, length: int) -> tuple[int, ...]:
    if not isinstance(value, list):
        return (0,) * length
    out = tuple(v if isinstance(v, int) and not isinstance(v, bool) else 0 for v in value)
    return out[:length] + (0,) * (length - len(out))


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _float(value: Any, default: float = 0.0) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return default


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class _SiteSum:
    path: str
    line: int
    command: str
    function: str = ""
    starts: int = 0
    unreaped: int = 0
    reaped: int = 0
    live_threads: int = 0
    live_children: int = 0
    zombies: int = 0


def load_trace(directory: str) -> RuntimeTrace:
    """Read the trace folder ``directory``. Raises ``InputError`` when it is not a trace folder
    (missing, or neither ``run.json`` nor any ``trace-*.json`` in it)."""
    folder = os.path.abspath(directory)
    if not os.path.isdir(folder):
        raise InputError(
            f"{directory} is not a trace folder (make one with "
            "`forkaudit run --trace DIR -- COMMAND`)"
        )
    warnings: list[str] = []
    run: Mapping[str, Any] = {}
    run_path = os.path.join(folder, RUN_FILE)
    if os.path.exists(run_path):
        try:
            loaded = _read_json(run_path)
            if isinstance(loaded, dict):
                run = loaded
            else:
                warnings.append(f"{RUN_FILE}: not a JSON object; ignored")
        except (OSError, ValueError) as exc:
            warnings.append(f"{RUN_FILE}: cannot be read ({exc}); ignored")
    names = sorted(n for n in os.listdir(folder) if TRACE_FILE.match(n))
    if not run and not names:
        raise InputError(
            f"{directory} holds no trace (no {RUN_FILE}, no trace-*.json); make one with "
            "`forkaudit run --trace DIR -- COMMAND`"
        )
    token = _str(run.get("run"))
    documents: list[tuple[str, dict[str, Any]]] = []
    for name in names:
        try:
            document = _read_json(os.path.join(folder, name))
        except (OSError, ValueError) as exc:
            warnings.append(f"{name}: cannot be read ({exc}); left out")
            continue
        if not isinstance(document, dict) or document.get("forkaudit_trace") != 1:
            warnings.append(f"{name}: not a forkaudit trace file of format 1; left out")
            continue
        if token and _str(document.get("run")) not in ("", token):
            warnings.append(f"{name}: from another run; left out")
            continue
        documents.append((name, document))
    if run and not documents:
        warnings.append(
            "no Python process was traced: the command ran no Python, or its interpreters "
            "ignore PYTHONPATH (python -I, -E, -S) or were started with an environment "
            "that left it out"
        )

    starts_at = [_float(d.get("started")) for _, d in documents]
    started = _float(run.get("started"), min(starts_at) if starts_at else 0.0)
    processes: list[TracedProcess] = []
    sums: dict[tuple[str, int, str], _SiteSum] = {}
    kinds: dict[tuple[str, int, str], dict[str, int]] = {}
    pids: dict[tuple[str, int, str], list[int]] = {}
    series: dict[tuple[str, int, str], list[SiteSeries]] = {}
    last_update = started
    for name, document in documents:
        process = _process(name, document, started)
        processes.append(process)
        last_update = max(last_update, process.updated)
        raw_series = document.get("series")
        raw_t = raw_series.get("t") if isinstance(raw_series, dict) else None
        times = _times(raw_t, process.started - started)
        sites = document.get("sites")
        for raw in sites if isinstance(sites, list) else ():
            if not isinstance(raw, dict):
                continue
            command = _str(raw.get("command"))
            key = (_str(raw.get("path")), _int(raw.get("line")), command)
            total = sums.get(key)
            if total is None:
                total = sums[key] = _SiteSum(key[0], key[1], command)
            total.function = total.function or _str(raw.get("function"))
            starts = _int(raw.get("starts"))
            total.starts += starts
            total.unreaped += _int(raw.get("unreaped"))
            total.reaped += _int(raw.get("reaped"))
            total.live_threads += _int(raw.get("live_threads"))
            total.live_children += _int(raw.get("live_children"))
            total.zombies += _int(raw.get("zombies"))
            kind = _str(raw.get("kind")) or "unknown"
            by_kind = kinds.setdefault(key, {})
            by_kind[kind] = by_kind.get(kind, 0) + max(starts, 1)
            if starts:
                pids.setdefault(key, []).append(process.pid)
            site_series = raw.get("series")
            if isinstance(site_series, dict) and times:
                n = len(times)
                series.setdefault(key, []).append(
                    SiteSeries(
                        pid=process.pid,
                        times=times,
                        live_threads=_ints(site_series.get("threads"), n),
                        live_children=_ints(site_series.get("children"), n),
                        zombies=_ints(site_series.get("zombies"), n),
                        starts=_ints(site_series.get("starts"), n),
                    )
                )

    runtime_sites = []
    for key, total in sums.items():
        by_kind = kinds[key]
        kind = max(sorted(by_kind), key=lambda k: by_kind[k])
        site_pids = tuple(sorted(set(pids.get(key, ()))))
        runtime_sites.append(
            RuntimeSite(
                path=total.path,
                line=total.line,
                kind=kind,
                function=total.function,
                starts=total.starts,
                unreaped=total.unreaped,
                reaped=total.reaped,
                live_threads=total.live_threads,
                live_children=total.live_children,
                zombies=total.zombies,
                processes=len(site_pids),
                pids=site_pids,
                command=total.command,
                series=tuple(sorted(series.get(key, ()), key=lambda s: s.pid)),
            )
        )
    runtime_sites.sort(key=lambda s: (-s.unreaped, -s.starts, s.path, s.line, s.command))
    processes.sort(key=lambda p: (p.started, p.pid))

    source = _str(run.get("source")) or (
        "watch" if any(_str(d.get("source")) == "watch" for _, d in documents) else "run"
    )
    attribution = "command-line" if source == "watch" else "stack"
    run_command = run.get("command")
    if isinstance(run_command, list) and all(isinstance(a, str) for a in run_command):
        argv: tuple[str, ...] = tuple(run_command)
    elif processes:
        argv = processes[0].argv
    else:
        argv = ()
    ended = _float(run.get("ended"), 0.0) or last_update
    exit_code = run.get("exit_code")
    return RuntimeTrace(
        directory=folder,
        source=source,
        attribution=attribution,
        command=argv,
        started=started,
        duration=max(0.0, ended - started),
        exit_code=exit_code if isinstance(exit_code, int) else None,
        interval=_float(
            run.get("interval"),
            _float(documents[0][1].get("interval"), 1.0) if documents else 1.0,
        ),
        processes=tuple(processes),
        sites=tuple(runtime_sites),
        warnings=tuple(warnings),
    )


def _times(raw: Any, offset: float) -> tuple[float, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(round(offset + _float(t), 3) for t in raw)


def _process(name: str, document: Mapping[str, Any], trace_started: float) -> TracedProcess:
    totals = document.get("totals")
    totals = totals if isinstance(totals, dict) else {}
    raw_series = document.get("series")
    raw_series = raw_series if isinstance(raw_series, dict) else {}
    started = _float(document.get("started"))
    times = _times(raw_series.get("t"), started - trace_started)
    n = len(times)
    argv = document.get("argv")
    return TracedProcess(
        pid=_int(document.get("pid")),
        ppid=_int(document.get("ppid")),
        forked_from=_int(document.get("forked_from")),
        argv=tuple(a for a in argv if isinstance(a, str)) if isinstance(argv, list) else (),
        python=_str(document.get("python")),
        source=_str(document.get("source")) or "hook",
        started=started,
        updated=_float(document.get("updated"), started),
        ended=document.get("ended") is True,
        samples=_int(document.get("samples")),
        threads=_int(totals.get("threads")),
        children=_int(totals.get("children")),
        zombies=_int(totals.get("zombies")),
        unattributed_children=_int(totals.get("unattributed_children")),
        file=name,
        series=ProcessSeries(
            times=times,
            threads=_ints(raw_series.get("threads"), n),
            children=_ints(raw_series.get("children"), n),
            zombies=_ints(raw_series.get("zombies"), n),
        ),
    )


def sum_counts(sites: Iterable[RuntimeSite]) -> RuntimeCounts:
    """Starts and unreaped summed; processes = distinct traced processes among them."""
    starts = unreaped = 0
    pids: set[int] = set()
    for site in sites:
        starts += site.starts
        unreaped += site.unreaped
        pids.update(site.pids)
    return RuntimeCounts(starts, unreaped, len(pids))
