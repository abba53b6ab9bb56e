"""``forkaudit watch PID``: sample a process forkaudit did not start, from ``/proc`` alone.

Each interval: its thread count, its children (``/proc/PID/task/*/children``, else a scan of
``/proc`` for its pid as parent) and which are zombies, each child's command line (a zombie has
none left: its command name, as ``[name]``). Children are grouped by command line: that is all
the attribution there is, since nothing runs inside the process to see which code started them;
the trace file says so (``"attribution": "command-line"``) and so does the screen.

The series goes into ``DIR/trace-PID-watch.json`` in the format the hook writes, rewritten at
each sample, so ``load_trace`` reads it like a run's. On a terminal one line is updated in place;
piped, one line per sample.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from forkaudit.errors import InputError
from forkaudit.runtime.inject._forkaudit_trace_hook import (
    TRACE_FORMAT,
    Series,
    children_of_task,
    command_line,
    command_name,
    dumps,
    float_list,
    int_list,
    stat_fields,
    task_ids,
    write_atomic,
)
from forkaudit.runtime.tracedir import prepare_trace_dir

ATTRIBUTION_NOTE = (
    "attribution by command line only: watch cannot see which code started a child or a "
    "thread (run the program under `forkaudit run` for file:line)"
)
MAX_GROUPS = 200
_COMMAND_CHARS = 200


@dataclass
class _Group:
    command: str
    index: int
    seen: int = 0
    reaped: int = 0
    live: int = 0
    zombies: int = 0


@dataclass
class _Watch:
    pid: int
    argv: list[str]
    started: float
    started_mono: float
    interval: float
    path: str
    series: Series = field(default_factory=Series)
    groups: dict[str, _Group] = field(default_factory=dict)
    known: dict[int, str] = field(default_factory=dict)  # child pid -> its group's command
    zombie: set[int] = field(default_factory=set)
    samples: int = 0
    first: dict[str, int] = field(default_factory=dict)
    last: dict[str, int] = field(default_factory=dict)
    ended: bool = False


def _children(pid: int) -> list[int]:
    found: list[int] = []
    have_files = False
    for task in task_ids(pid):
        listed = children_of_task(pid, task)
        if listed is not None:
            have_files = True
            found.extend(listed)
    if have_files:
        return found
    wanted = str(pid).encode()
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = stat_fields(name)
            if fields and len(fields) > 1 and fields[1] == wanted:
                found.append(int(name))
    return found


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)


def _command_of(pid: int) -> str:
    argv = command_line(pid)
    text = _printable(" ".join(argv) if argv else f"[{command_name(pid) or '?'}]")
    return text if len(text) <= _COMMAND_CHARS else text[: _COMMAND_CHARS - 3] + "..."


def _sample(state: _Watch) -> bool:
    """Take one sample; False when the process is gone (or a zombie itself)."""
    fields = stat_fields(state.pid)
    if not fields or fields[0] in (b"Z", b"X"):
        return False
    try:
        threads = int(fields[17])
    except (IndexError, ValueError):
        threads = 0
    present = set(_children(state.pid))
    for group in state.groups.values():
        group.live = group.zombies = 0
    for child in list(state.known):
        if child not in present:
            state.groups[state.known.pop(child)].reaped += 1
            state.zombie.discard(child)
    for child in sorted(present):
        command = state.known.get(child)
        if command is None:
            command = _command_of(child)
            if command not in state.groups and len(state.groups) >= MAX_GROUPS:
                command = "(other command lines)"
            new_group = state.groups.get(command)
            if new_group is None:
                new_group = state.groups[command] = _Group(command, len(state.groups))
            new_group.seen += 1
            state.known[child] = command
        group = state.groups[command]
        if child not in state.zombie:
            child_fields = stat_fields(child)
            if child_fields and child_fields[0] == b"Z":
                state.zombie.add(child)
        if child in state.zombie:
            group.zombies += 1
        else:
            group.live += 1
    zombies = sum(g.zombies for g in state.groups.values())
    values = {"threads": threads, "children": len(present), "zombies": zombies}
    state.last = dict(values)
    if not state.first:
        state.first = dict(values)
    for group in state.groups.values():
        prefix = f"{group.index}."
        values[prefix + "children"] = group.live
        values[prefix + "zombies"] = group.zombies
        values[prefix + "starts"] = group.seen
    state.series.add(round(time.monotonic() - state.started_mono, 3), values)
    state.samples += 1
    return True


def _document(state: _Watch) -> dict[str, Any]:
    series = state.series
    sites = []
    for group in state.groups.values():
        prefix = f"{group.index}."
        sites.append(
            {
                "path": "",
                "line": 0,
                "function": "",
                "command": group.command,
                "kind": "child",
                "starts": group.seen,
                "reaped": group.reaped,
                "live_threads": 0,
                "live_children": group.live,
                "zombies": group.zombies,
                "unreaped": group.live + group.zombies,
                "series": {
                    "threads": int_list([0] * len(series.t)),
                    "children": int_list(series.column(prefix + "children")),
                    "zombies": int_list(series.column(prefix + "zombies")),
                    "starts": int_list(series.column(prefix + "starts")),
                },
            }
        )
    fields = stat_fields(state.pid)
    return {
        "forkaudit_trace": TRACE_FORMAT,
        "source": "watch",
        "attribution": "command-line",
        "note": ATTRIBUTION_NOTE,
        "run": "",
        "pid": state.pid,
        "ppid": int(fields[1]) if fields and len(fields) > 1 else 0,
        "forked_from": 0,
        "argv": state.argv,
        "executable": "",
        "python": "",
        "started": round(state.started, 3),
        "updated": round(time.time(), 3),
        "ended": state.ended,
        "exec": False,
        "interval": state.interval,
        "samples": state.samples,
        "stride": series.stride,
        "totals": {
            "threads": state.last.get("threads", 0),
            "children": state.last.get("children", 0),
            "zombies": state.last.get("zombies", 0),
            "unattributed_children": 0,
        },
        "dropped_sites": 0,
        "write_errors": 0,
        "sites": sites,
        "series": {
            "t": float_list(series.t),
            "threads": int_list(series.column("threads")),
            "children": int_list(series.column("children")),
            "zombies": int_list(series.column("zombies")),
        },
    }


def _per_minute(state: _Watch, name: str, elapsed: float) -> str:
    if elapsed < 1e-6 or state.samples < 2:
        return ""
    rate = (state.last.get(name, 0) - state.first.get(name, 0)) * 60.0 / elapsed
    return f" ({rate:+.1f}/min)"


def _status_line(state: _Watch, elapsed: float) -> str:
    name = _printable(" ".join(state.argv) or f"[{command_name(state.pid)}]")
    if len(name) > 40:
        name = name[:37] + "..."
    return (
        f"pid {state.pid} {name}  {elapsed:.0f}s  "
        f"threads {state.last.get('threads', 0)}{_per_minute(state, 'threads', elapsed)}  "
        f"children {state.last.get('children', 0)}  "
        f"zombies {state.last.get('zombies', 0)}{_per_minute(state, 'zombies', elapsed)}"
    )


def watch_process(
    pid: int,
    interval: float,
    duration: float | None,
    trace_dir: str,
    out: TextIO,
) -> int:
    """Watch ``pid`` until it exits, ``duration`` seconds pass or Ctrl-C; 0. Raises
    ``InputError`` for a process that does not exist or an unusable folder."""
    if pid <= 0 or not os.path.exists(f"/proc/{pid}/stat"):
        raise InputError(f"no process with pid {pid}")
    if not interval > 0:
        raise InputError(f"--interval must be a positive number of seconds, not {interval}")
    if duration is not None and not duration > 0:
        raise InputError(f"--duration must be a positive number of seconds, not {duration}")
    directory = prepare_trace_dir(trace_dir)
    state = _Watch(
        pid=pid,
        argv=command_line(pid),
        started=time.time(),
        started_mono=time.monotonic(),
        interval=interval,
        path=os.path.join(directory, f"trace-{pid}-watch.json"),
    )
    tty = out.isatty()
    width = shutil.get_terminal_size((100, 24)).columns if tty else 0
    print(f"forkaudit: watching pid {pid}; {ATTRIBUTION_NOTE}", file=out, flush=True)
    deadline = None if duration is None else state.started_mono + duration
    alive = True
    try:
        while True:
            alive = _sample(state)
            elapsed = time.monotonic() - state.started_mono
            if not alive:
                break
            write_atomic(state.path, dumps(_document(state)))
            line = _status_line(state, elapsed)
            if tty:
                out.write("\r" + line[: max(10, width - 1)] + "\x1b[K")
                out.flush()
            else:
                print(line, file=out, flush=True)
            if deadline is not None and time.monotonic() >= deadline:
                break
            pause = interval - (time.monotonic() - state.started_mono) % interval
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - time.monotonic()))
            time.sleep(pause)
    except KeyboardInterrupt:
        pass
    state.ended = True
    write_atomic(state.path, dumps(_document(state)))
    if tty:
        out.write("\n")
    _print_summary(state, alive, trace_dir, out)
    return 0


def _print_summary(state: _Watch, alive: bool, trace_dir: str, out: TextIO) -> None:
    elapsed = time.monotonic() - state.started_mono
    if not alive:
        print(f"forkaudit: pid {state.pid} has exited", file=out)
    first, last = state.first, state.last
    print(
        f"forkaudit: watched pid {state.pid} for {elapsed:.1f} s ({state.samples} samples): "
        f"threads {first.get('threads', 0)} -> {last.get('threads', 0)}"
        f"{_per_minute(state, 'threads', elapsed)}, "
        f"zombies {first.get('zombies', 0)} -> {last.get('zombies', 0)}"
        f"{_per_minute(state, 'zombies', elapsed)}",
        file=out,
    )
    print(f"forkaudit: {ATTRIBUTION_NOTE}", file=out)
    groups = sorted(
        state.groups.values(), key=lambda g: (-(g.zombies + g.live), -g.seen, g.command)
    )
    for group in groups[:5]:
        print(
            f"forkaudit:   {group.zombies} zombies, {group.live} running, {group.seen} seen, "
            f"{group.reaped} reaped: {group.command}",
            file=out,
        )
    print(
        f"forkaudit: series written to {os.path.join(trace_dir, os.path.basename(state.path))}",
        file=out,
    )
