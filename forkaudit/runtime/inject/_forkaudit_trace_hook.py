"""forkaudit's run-time hook: records where child processes and threads are started in this
process, and what became of them, into one JSON trace file.

``sitecustomize.py`` beside this file loads it in every Python process started under
``forkaudit run`` (the folder is put on ``PYTHONPATH``) and calls ``install()``, which reads
``FORKAUDIT_TRACE_DIR`` and ``FORKAUDIT_TRACE_INTERVAL``. It imports only builtin modules (never
``threading``, ``json``, ``weakref`` or ``re``: importing them here would change what the traced
program sees and slow every interpreter's start), and it must run on any CPython 3.10+.

What it records, per creating site (the first frame outside the standard library and this hook):

* starts: ``os.fork``/``os.forkpty`` (audit events; the child's pid is the new entry of this
  thread's ``/proc/self/task/TID/children`` in the after-fork hook), ``subprocess.Popen`` (audit
  event; the ``Popen`` object is found in the caller's frame and kept by weak reference, its pid
  read at the next sample), ``os.posix_spawn[p]`` (audit event; the pid is the next unknown child
  of the thread), threads (``_thread.start_new_thread`` / ``start_joinable_thread`` audit events
  on 3.12+, a wrapper of ``_thread.start_new_thread`` on 3.10/3.11).
* at each sample (a raw daemon thread, every ``interval`` seconds, plus a last one at exit):
  per site the threads started there still running (``threading._active``), the children
  still running, the zombies, the children reaped; per process the thread count, children and
  zombies (``/proc``), and a bounded time series (at most ``MAX_SAMPLES`` points: when full, pairs
  of points are merged keeping their maximum and the stride doubles).

The file (``trace-PID-TOKEN.json``) is rewritten atomically at each sample (a temporary file,
then ``os.replace``), so a process killed by SIGKILL leaves its last sample. After a fork the
child starts afresh, with a new state and a new file made at its first audited operation and a
sampler thread of its own once a sample is due: a child that only calls ``os._exit`` or ``exec``
costs no thread and leaves no file.

Nothing here may change the traced program's behaviour: every hook body catches its own errors
(``Exception``: a ``KeyboardInterrupt`` arriving inside a hook still reaches the program), nothing
is printed, memory is bounded (sites, series, weak references pruned at each sample). On 3.12+,
``os.fork()`` warns when the process has more than one OS thread: when the program's only Python
thread is the one forking, the sampler is stopped before the fork and started again by the audit
hook at the first audited operation (an open, an import, a socket, a start...) after the fork
returned and once a sample is due. A single-threaded process that forks and then makes no audited
call until it exits is sampled again at exit only.

Costs, measured: about 0.05 us per unrelated audit event, 2 us per thread start, 0.3 to 0.5 ms
per ``os.fork`` (copy-on-write faults of the work done in the parent), a sample of 20 sites with
100 threads and 50 children in 2.5 ms of the sampler thread.
"""

from __future__ import annotations

import _thread
import atexit
import os
import sys
import time
from _weakref import ref as _ref

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and collections.abc import re, enum...: not in the traced program
    from collections.abc import Callable
    from typing import Any

TRACE_FORMAT = 1
MAX_SAMPLES = 256  # points kept in a time series
MAX_SITES = 1000  # distinct creating sites recorded; later ones are counted in dropped_sites
MAX_SITE_SERIES = 100  # sites (the first seen) that keep a time series of their own
MAX_TASKS_SCANNED = 256  # above this many threads, children are read from the known starters
ENV_DIR = "FORKAUDIT_TRACE_DIR"
ENV_INTERVAL = "FORKAUDIT_TRACE_INTERVAL"
ENV_RUN = "FORKAUDIT_TRACE_RUN"

_EVENTS = frozenset(
    {
        "os.fork",
        "os.forkpty",
        "os.posix_spawn",
        "subprocess.Popen",
        "_thread.start_new_thread",
        "_thread.start_joinable_thread",
        "os.exec",
    }
)
_HERE = os.path.normcase(os.path.abspath(__file__))
_USER, _SKIP, _HOOK = 0, 1, 9  # how a frame's file counts when looking for the creating site
_TAG_SPAWN, _TAG_PROCESS, _TAG_POOL = 2, 3, 4  # standard-library files refining the kind

# --------------------------------------------------------------------------- JSON, by hand

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_str(text: str) -> str:
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'
    out = []
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


class Raw(str):
    """JSON text already encoded: ``dumps`` writes it as it is."""


def int_list(values: list[int]) -> Raw:
    """A list of ints as JSON, at C speed (series are long)."""
    return Raw("[" + ",".join(map(str, values)) + "]")


def float_list(values: list[float]) -> Raw:
    return Raw("[" + ",".join(map(repr, values)) + "]")


def dumps(value: object) -> str:
    """JSON text of dicts (str keys), lists, tuples, str, int, float, bool and None."""
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


def _encode(value: object, parts: list[str]) -> None:
    if isinstance(value, Raw):
        parts.append(value)
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(str(int(value)))
    elif isinstance(value, float):
        parts.append(repr(value) if value == value and value not in (_INF, -_INF) else "null")
    elif isinstance(value, str):
        parts.append(_json_str(value))
    elif isinstance(value, dict):
        parts.append("{")
        first = True
        for key, item in value.items():
            if not first:
                parts.append(",")
            first = False
            parts.append(_json_str(str(key)))
            parts.append(":")
            _encode(item, parts)
        parts.append("}")
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for i, item in enumerate(value):
            if i:
                parts.append(",")
            _encode(item, parts)
        parts.append("]")
    else:
        parts.append(_json_str(str(value)))


_INF = float("inf")

# --------------------------------------------------------------------------- /proc


def read_file(path: str) -> bytes | None:
    """The bytes of a small file (``/proc``), None when it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def stat_fields(pid: int | str) -> list[bytes] | None:
    """Fields of ``/proc/PID/stat`` after the command name: [0] is the state (``R``, ``S``,
    ``Z``...), [1] the ppid, [17] the thread count, [19] the start time; None if gone."""
    data = read_file(f"/proc/{pid}/stat")
    if not data:
        return None
    end = data.rfind(b")")
    if end < 0:
        return None
    return data[end + 2 :].split()


def command_name(pid: int | str) -> str:
    """The command name (``comm``) of a process, kept by zombies too."""
    data = read_file(f"/proc/{pid}/stat")
    if not data:
        return ""
    start, end = data.find(b"("), data.rfind(b")")
    return data[start + 1 : end].decode("utf-8", "replace") if 0 <= start < end else ""


def command_line(pid: int | str) -> list[str]:
    """``/proc/PID/cmdline`` split into arguments (empty for a zombie or a kernel thread)."""
    data = read_file(f"/proc/{pid}/cmdline")
    if not data:
        return []
    return [a.decode("utf-8", "surrogateescape") for a in data.rstrip(b"\0").split(b"\0")]


def os_thread_count(pid: int | str = "self") -> int:
    fields = stat_fields(pid)
    try:
        return int(fields[17]) if fields else 0
    except (IndexError, ValueError):
        return 0


def task_ids(pid: int | str = "self") -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []


def children_of_task(pid: int | str, tid: int | str) -> list[int] | None:
    """Child pids (zombies included) of one thread; None when the kernel has no such file."""
    data = read_file(f"/proc/{pid}/task/{tid}/children")
    if data is None:
        return None
    return [int(p) for p in data.split()]


# --------------------------------------------------------------------------- time series


class Series:
    """A bounded time series: named columns of counts aligned with ``t`` (seconds).

    Each call of ``add`` is one sample. At most ``cap`` points are kept: when full, neighbouring
    points are merged (their maximum, the later time) and from then on each point holds the
    maximum of twice as many samples, so a spike is never lost and the series spans the run.
    """

    def __init__(self, cap: int = MAX_SAMPLES) -> None:
        self.cap = max(4, cap)
        self.stride = 1
        self.folded = 0  # samples already merged into the last point
        self.t: list[float] = []
        self.columns: dict[str, list[int]] = {}

    def add(self, t: float, values: dict[str, int]) -> None:
        n = len(self.t)
        if self.folded == 0:
            self.t.append(t)
            for name, value in values.items():
                column = self.columns.get(name)
                if column is None:
                    column = self.columns[name] = [0] * n
                column.append(value)
            for column in self.columns.values():
                if len(column) < n + 1:
                    column.append(0)
        else:
            self.t[-1] = t
            for name, value in values.items():
                column = self.columns.get(name)
                if column is None:
                    column = self.columns[name] = [0] * n
                if column[-1] < value:
                    column[-1] = value
        self.folded += 1
        if self.folded >= self.stride:
            self.folded = 0
            if len(self.t) >= self.cap:
                self._halve()

    def _halve(self) -> None:
        self.t = [self.t[min(i + 1, len(self.t) - 1)] for i in range(0, len(self.t), 2)]
        for name, column in self.columns.items():
            self.columns[name] = [max(column[i : i + 2]) for i in range(0, len(column), 2)]
        self.stride *= 2

    def column(self, name: str) -> list[int]:
        return self.columns.get(name) or [0] * len(self.t)


def write_atomic(path: str, text: str) -> bool:
    """Write ``text`` to ``path`` through a temporary file and ``os.replace``; False on error.
    Plain ``os.write`` (no buffered file object), so a fork cannot copy pending bytes."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    data = text.encode("utf-8", "surrogateescape")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        finally:
            os.close(fd)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            return False
        return False


# --------------------------------------------------------------------------- state


class _Site:
    __slots__ = (
        "function",
        "index",
        "kind",
        "line",
        "live_children",
        "live_threads",
        "path",
        "reaped",
        "starts",
        "threads",
        "zombies",
    )

    def __init__(self, path: str, line: int, function: str, kind: str, index: int) -> None:
        self.path = path
        self.line = line
        self.function = function
        self.kind = kind
        self.index = index
        self.starts = 0
        self.reaped = 0
        self.live_threads = 0
        self.live_children = 0
        self.zombies = 0
        # id(thread object) -> weak reference, for threading.Thread starts
        self.threads: dict[int, Any] = {}


class _Child:
    __slots__ = ("popen", "sequence", "site", "zombie")

    def __init__(self, site: _Site, sequence: int, popen: Any = None) -> None:
        self.site = site
        self.sequence = sequence  # registration order: newer than a children listing or not
        self.popen = popen
        self.zombie = False


class _State:
    def __init__(
        self,
        directory: str,
        interval: float,
        run: str,
        forked_from: int,
        started: float = 0.0,
        started_mono: float = 0.0,
    ) -> None:
        self.lock = _thread.RLock()
        self.write_lock = _thread.allocate_lock()
        self.directory = directory
        self.interval = interval
        self.run = run
        self.pid = os.getpid()
        self.ppid = os.getppid()
        self.forked_from = forked_from
        self.token = os.urandom(4).hex()
        self.path = os.path.join(directory, f"trace-{self.pid}-{self.token}.json")
        self.started = started or time.time()
        self.started_mono = started_mono or time.monotonic()
        self.argv = command_line(self.pid)
        self.sites: dict[tuple[str, int, str], _Site] = {}
        self.dropped_sites = 0
        self.children: dict[int, _Child] = {}
        self.sequence = 0  # children registered so far
        self.popens: list[tuple[Any, _Site]] = []  # Popen weak refs whose pid is not read yet
        self.spawns: list[tuple[_Site, int]] = []  # posix_spawn starts: (site, native tid)
        self.raw_codes: dict[Any, _Site] = {}  # code of a raw thread's function -> site
        self.starter_tids: set[int] = {self.pid}
        self.unattributed: set[int] = set()
        self.pending_fork: dict[int, str] = {}
        self.series = Series()
        self.samples = 0
        self.written = False
        self.final = False
        self.exec_seen = False
        self.write_errors = 0
        self.totals = {"threads": 0, "children": 0, "zombies": 0, "unattributed_children": 0}
        self.children_files = os.path.exists(f"/proc/self/task/{self.pid}/children")
        # the sampler thread
        self.generation = 0
        self.wake: Any = None
        self.samplers_alive = 0
        self.sampler_ident = 0
        self.paused = False
        self.next_due = self.started_mono + interval


_holder: list[_State | None] = [None]
_installed = [False]
_original_start: list[Callable[..., Any]] = [_thread.start_new_thread]
# After a fork the sampler is started again by the audit hook, at the first audited operation
# once os.fork has returned (3.13 and 3.14.0 count the threads for their fork warning after the
# at-fork hooks, python/cpython#137109) and a sample is due (a loop of forks stops and starts
# it at most once per interval).
_restart = [False]
_in_fork = [0.0]  # while os.fork runs (until this monotonic time at most): no restart
_busy = [False]
_new_child: list[tuple[str, float, str, int, float, float] | None] = [
    None
]  # a forked child's state to make

# --------------------------------------------------------------------------- sites

_classified: dict[str, int] = {}
_absolute: dict[str, str] = {}
_STDLIB_DIRS: list[str] = []
_CWD = [""]


def _init_paths() -> None:
    stdlib = os.path.dirname(os.path.abspath(os.__file__))
    dirs = {stdlib, os.path.realpath(stdlib)}
    _STDLIB_DIRS[:] = sorted(d + os.sep for d in dirs)
    try:
        _CWD[0] = os.getcwd()
    except OSError:
        _CWD[0] = ""


def _classify(filename: str) -> int:
    if filename.startswith("<"):
        return _SKIP if filename.startswith("<frozen ") else _USER
    if os.path.normcase(os.path.abspath(filename)) == _HERE:
        return _HOOK
    for stdlib in _STDLIB_DIRS:
        if filename.startswith(stdlib):
            rest = filename[len(stdlib) :]
            if rest.startswith(("site-packages", "dist-packages")):
                return _USER
            if rest.startswith(("multiprocessing" + os.sep + "pool.py", "concurrent" + os.sep)):
                return _TAG_POOL
            if rest.startswith("multiprocessing" + os.sep):
                return _TAG_PROCESS
            return _SKIP
    return _USER


def _absolute_path(filename: str) -> str:
    path = _absolute.get(filename)
    if path is None:
        if filename.startswith("<") or os.path.isabs(filename) or not _CWD[0]:
            path = filename
        else:
            path = os.path.normpath(os.path.join(_CWD[0], filename))
        if len(_absolute) > 10000:
            _absolute.clear()
        _absolute[filename] = path
    return path


def _locate(frame: Any, kind: str) -> tuple[str, int, str, str]:
    """(path, line, function, kind) of the creating site seen from ``frame`` (the hook's
    caller): the first frame outside the standard library and this hook, else the innermost
    frame outside this hook. Standard-library frames passed on the way refine the kind: a
    multiprocessing or concurrent.futures pool, a multiprocessing process, ``os.spawn*``."""
    fallback = None
    tag = 0
    while frame is not None:
        code = frame.f_code
        filename = code.co_filename
        cls = _classified.get(filename)
        if cls is None:
            cls = _classify(filename)
            if len(_classified) > 10000:
                _classified.clear()
            _classified[filename] = cls
        if cls == _USER:
            break
        if fallback is None and cls != _HOOK:
            fallback = frame
        if cls != _HOOK and cls > tag:
            tag = cls
        if code.co_name == "_spawnvef" and tag < _TAG_SPAWN:
            tag = _TAG_SPAWN
        frame = frame.f_back
    if frame is None:
        frame = fallback
    if tag == _TAG_POOL:
        kind = "pool"
    elif tag == _TAG_PROCESS and kind in ("fork", "popen", "spawn"):
        kind = "process"
    elif tag == _TAG_SPAWN and kind == "fork":
        kind = "spawn"
    if frame is None:
        return "<unknown>", 0, "", kind
    return _absolute_path(frame.f_code.co_filename), frame.f_lineno, frame.f_code.co_name, kind


def _site(st: _State, frame: Any, kind: str) -> _Site:
    path, line, function, kind = _locate(frame, kind)
    key = (path, line, kind)
    site = st.sites.get(key)
    if site is None:
        with st.lock:
            site = st.sites.get(key)
            if site is None:
                if len(st.sites) >= MAX_SITES:
                    st.dropped_sites += 1
                    key = ("<other sites>", 0, kind)
                    site = st.sites.get(key)
                    path, line, function = key[0], 0, ""
                if site is None:
                    site = _Site(path, line, function, kind, len(st.sites))
                    st.sites[key] = site
    return site


def _in_popen(frame: Any, depth: int = 6) -> bool:
    """True when ``frame`` is (close to) ``subprocess.Popen._execute_child``."""
    while frame is not None and depth > 0:
        code = frame.f_code
        if code.co_name in ("_execute_child", "_posix_spawn") and code.co_filename.endswith(
            "subprocess.py"
        ):
            return True
        frame = frame.f_back
        depth -= 1
    return False


def _in_execute_child(frame: Any) -> bool:
    while frame is not None:
        code = frame.f_code
        if code.co_name == "_execute_child" and code.co_filename.endswith("subprocess.py"):
            return True
        frame = frame.f_back
    return False


# --------------------------------------------------------------------------- events


def _on_event(event: str, args: tuple[Any, ...]) -> None:
    try:
        st = _holder[0]
        if st is None or st.final:
            return
        if event == "os.fork" or event == "os.forkpty":
            st.pending_fork[_thread.get_ident()] = "fork"
            _in_fork[0] = time.monotonic() + 5.0  # no sampler restart until it is over
        elif event == "subprocess.Popen":
            caller = sys._getframe(2)
            popen = None
            frame: Any = caller
            while frame is not None:
                code = frame.f_code
                if code.co_name == "_execute_child" and code.co_filename.endswith("subprocess.py"):
                    popen = frame.f_locals.get("self")
                    break
                frame = frame.f_back
            site = _site(st, caller, "popen")
            with st.lock:
                site.starts += 1
                st.starter_tids.add(_native_id())
                if popen is not None:
                    st.popens.append((_ref(popen), site))
        elif event == "os.posix_spawn":
            caller = sys._getframe(2)
            if _in_popen(caller):
                return
            site = _site(st, caller, "spawn")
            with st.lock:
                site.starts += 1
                tid = _native_id()
                st.starter_tids.add(tid)
                st.spawns.append((site, tid))
        elif event == "os.exec":
            st.exec_seen = True
            if st.written or st.sites:
                _sample(st, final=True)
        else:  # a thread start
            _on_thread(st, args[0] if args else None, sys._getframe(2))
    except Exception:
        pass


def _on_thread(st: _State, function: Any, caller: Any) -> None:
    if function is _sampler_main:
        return
    threading = sys.modules.get("threading")
    owner = getattr(function, "__self__", None)
    thread_class = getattr(threading, "Thread", None) if threading is not None else None
    if thread_class is not None and isinstance(owner, thread_class):
        site = _site(st, caller, "thread")
        with st.lock:
            site.starts += 1
            threads = site.threads
            threads[id(owner)] = _ref(owner)
            if len(threads) > 4096 and len(threads) & 1023 == 0:
                for key, reference in list(threads.items()):
                    if reference() is None:
                        threads.pop(key, None)
    else:
        site = _site(st, caller, "raw-thread")
        target = getattr(function, "__func__", function)
        code = getattr(target, "__code__", None)
        with st.lock:
            site.starts += 1
            if code is not None and (code in st.raw_codes or len(st.raw_codes) < MAX_SITES):
                st.raw_codes[code] = site


def _make_audit_hook(
    handle: Callable[[str, tuple[Any, ...]], None], restart: Callable[[], None]
) -> Callable[..., None]:
    wanted = _EVENTS
    pending = _restart
    not_now = frozenset({"os.fork", "os.forkpty", "os.exec"})  # no thread to start there

    def _forkaudit_audit(event: str, args: tuple[Any, ...]) -> None:
        if pending[0] and event not in not_now:
            restart()
        if event in wanted:
            handle(event, args)

    return _forkaudit_audit


def _make_thread_wrapper(original: Callable[..., Any]) -> Callable[..., Any]:
    """Python < 3.12 raises no audit event for a thread start: wrap the function instead."""
    missing = object()

    def start_new_thread(function: Any, args: Any, kwargs: Any = missing) -> Any:
        try:
            st = _holder[0]
            if st is not None and not st.final:
                _on_thread(st, function, sys._getframe(1))
        except Exception:
            pass
        if kwargs is missing:
            return original(function, args)
        return original(function, args, kwargs)

    start_new_thread.__doc__ = original.__doc__
    return start_new_thread


def _native_id() -> int:
    return _thread.get_native_id()


# --------------------------------------------------------------------------- fork


def _before_fork() -> None:
    try:
        st = _holder[0]
        if st is None or st.samplers_alive <= 0 or sys.version_info < (3, 12):
            return
        if _thread.get_ident() not in st.pending_fork:
            return  # not os.fork/forkpty (a Popen with preexec_fn): no warning to avoid
        # 3.12+ warns "multi-threaded, use of fork() may lead to deadlocks" when the process
        # has more than one OS thread: when the program's only Python thread is this one, stop
        # the sampler for the fork (OS threads may also be C threads, or a thread the program
        # has just joined and that is still on its way out: the program's own business)
        if len(sys._current_frames()) <= 2:
            _stop_sampler(st, wait=True)
            st.paused = True
    except Exception:
        pass


def _after_fork_parent() -> None:
    try:
        st = _holder[0]
        if st is None:
            return
        try:
            kind = st.pending_fork.pop(_thread.get_ident(), None)
            if kind is not None:
                _record_fork(st, kind, sys._getframe(1))
        finally:
            _in_fork[0] = 0.0
            if st.paused:
                st.paused = False
                _restart[0] = True  # when the next sample is due, at an audited operation
    except Exception:
        pass


def _restart_sampler() -> None:
    """Called by the audit hook while ``_restart`` is set: once the fork is over and a sample
    is due, make the forked child's state (if needed) and start the sampler."""
    if _busy[0] or (_in_fork[0] and time.monotonic() < _in_fork[0]):
        return  # re-entered, or an event inside os.fork (its at-fork hooks)
    _busy[0] = True
    try:
        st = _holder[0]
        if st is None:
            child = _new_child[0]
            _new_child[0] = None
            if child is None:
                _restart[0] = False
                return
            st = _holder[0] = _State(*child)
        if st.final:
            _restart[0] = False
        elif time.monotonic() >= st.next_due:
            _restart[0] = False
            if st.samplers_alive <= 0:
                _start_sampler(st)
    except Exception:
        _restart[0] = False
    finally:
        _busy[0] = False


def _record_fork(st: _State, kind: str, caller: Any) -> None:
    site = _site(st, caller, kind)
    tid = _native_id()
    with st.lock:
        site.starts += 1
        st.starter_tids.add(tid)
        _resolve_popens(st)
        found = children_of_task(st.pid, tid) if st.children_files else None
        new = [p for p in found or () if p not in st.children]
        if not new:
            if found is not None:
                site.reaped += 1  # gone already (or the fork failed)
            return
        pid = new[0]
        if len(new) > 1:  # other unknown children too (multiprocessing spawn): the youngest
            best = -1
            for candidate in new:
                fields = stat_fields(candidate)
                started = int(fields[19]) if fields and len(fields) > 19 else 0
                if started > best or (started == best and candidate > pid):
                    best, pid = started, candidate
        _register(st, pid, site)


def _register(st: _State, pid: int, site: _Site, popen: Any = None) -> _Child:
    """A child of ``site`` (called with the lock held)."""
    old = st.children.get(pid)
    if old is not None and old.site is not site:
        old.site.reaped += 1  # its pid was reused: it was reaped
    st.sequence += 1
    child = st.children[pid] = _Child(site, st.sequence, popen)
    st.unattributed.discard(pid)
    return child


def _after_fork_child() -> None:
    try:
        old = _holder[0]
        if old is None:
            return
        if _in_execute_child(sys._getframe(1)):
            _holder[0] = None  # a Popen's child (preexec_fn): it is about to exec
            return
        _in_fork[0] = 0.0
        # little work here, copy-on-write makes every touched page dear: the child's state is
        # made at its first audited operation, its sampler starts when a sample is due; a
        # child that only exits (os._exit) or execs costs no thread and leaves no file
        _holder[0] = None
        _new_child[0] = (
            old.directory,
            old.interval,
            old.run,
            old.pid,
            time.time(),
            time.monotonic(),
        )
        _restart[0] = True
    except Exception:
        _holder[0] = None


# --------------------------------------------------------------------------- sampler


def _start_sampler(st: _State) -> None:
    wake = _thread.allocate_lock()
    wake.acquire()
    with st.lock:
        st.generation += 1
        st.wake = wake
        st.samplers_alive += 1
        generation = st.generation
    try:
        # the sampler serves for the life of the process; `wake` asks it to end (before a
        # fork on 3.12+, at exit)
        _original_start[0](_sampler_main, (st, generation, wake))
    except Exception:
        with st.lock:
            st.samplers_alive -= 1


def _stop_sampler(st: _State, wait: bool) -> None:
    wake = st.wake
    st.wake = None
    st.generation += 1
    if wake is not None:
        try:  # noqa: SIM105 -- contextlib is not imported into the traced program
            wake.release()
        except Exception:
            pass
    if not wait:
        return
    deadline = time.monotonic() + 0.2
    while st.samplers_alive > 0 and time.monotonic() < deadline:
        time.sleep(0.0002)
    while os_thread_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.0001)


def _sampler_main(st: _State, generation: int, wake: Any) -> None:
    try:
        st.sampler_ident = _thread.get_ident()
        while True:
            delay = st.next_due - time.monotonic()
            if delay > 0 and wake.acquire(True, min(delay, 3600.0)):
                break  # asked to stop
            if st.generation != generation or _holder[0] is not st or st.final:
                break
            now = time.monotonic()
            st.next_due += st.interval
            if st.next_due <= now:
                st.next_due = now + st.interval
            _sample(st, final=False)
    except BaseException:
        pass
    finally:
        with st.lock:
            st.samplers_alive -= 1


def _resolve_popens(st: _State) -> None:
    """Read the pid of every Popen seen starting (called with the lock held)."""
    if not st.popens:
        return
    keep = []
    for reference, site in st.popens:
        popen = reference()
        if popen is None:
            site.reaped += 1  # collected: CPython reaped its child (or it never started)
            continue
        pid = getattr(popen, "pid", None)
        if isinstance(pid, int) and pid > 0:
            _register(st, pid, site, reference)
        else:
            keep.append((reference, site))
    st.popens = keep


def _live_thread(thread: Any, active: Any, limbo: Any) -> bool:
    ident = getattr(thread, "_ident", None)
    if ident is not None:
        return active.get(ident) is thread
    try:
        if thread in limbo:
            return True
    except Exception:
        return False
    ident = getattr(thread, "_ident", None)  # it may have left _limbo for _active meanwhile
    return ident is not None and active.get(ident) is thread


def _sample(st: _State, final: bool) -> None:
    """Update every site's counts and the series from /proc and the thread tables; write."""
    with st.lock:
        if st.final and not final:
            return
        if final:
            st.final = True
        now = time.time()
        _resolve_popens(st)
        sites = list(st.sites.values())
    # --- threads started by threading.Thread: alive when threading._active holds them
    threading = sys.modules.get("threading")
    active = getattr(threading, "_active", None) or {}
    limbo = getattr(threading, "_limbo", None) or {}
    for site in sites:
        live = 0
        if site.threads:
            for key, reference in list(site.threads.items()):
                thread = reference()
                if thread is not None and _live_thread(thread, active, limbo):
                    live += 1
                else:
                    site.threads.pop(key, None)  # ended: it never comes back
        site.live_threads = live
    # --- raw threads (_thread.start_new_thread): the function at the bottom of a live stack
    if st.raw_codes:
        codes = st.raw_codes
        own = st.sampler_ident
        for ident, frame in list(sys._current_frames().items()):
            if ident == own or ident == _thread.get_ident():
                continue
            while frame.f_back is not None:
                frame = frame.f_back
            raw_site = codes.get(frame.f_code)
            if raw_site is not None:
                raw_site.live_threads += 1
    # --- children
    _sample_children(st)
    # --- totals and series
    threads = os_thread_count()
    if st.samplers_alive > 0 and threads > 1:
        threads -= 1  # not counting the sampler itself
    with st.lock:
        totals = st.totals
        totals["threads"] = threads
        values = {
            "threads": threads,
            "children": totals["children"],
            "zombies": totals["zombies"],
        }
        for site in sites:
            if site.index >= MAX_SITE_SERIES:
                continue
            prefix = f"{site.index}."
            values[prefix + "threads"] = site.live_threads
            values[prefix + "children"] = site.live_children
            values[prefix + "zombies"] = site.zombies
            values[prefix + "starts"] = site.starts
        st.series.add(round(time.monotonic() - st.started_mono, 3), values)
        st.samples += 1
        text = dumps(_document(st, now, sites))
    with st.write_lock:
        if st.final and not final:
            return
        if write_atomic(st.path, text):
            st.written = True
        else:
            st.write_errors += 1


def _sample_children(st: _State) -> None:
    pid = st.pid
    own = str(pid).encode()
    with st.lock:  # what was registered before the listing below was read
        listed_sequence = st.sequence
        listed_spawns = len(st.spawns)
    if st.children_files:
        tasks = task_ids()
        with st.lock:  # threads gone: their children went to another thread (the main one)
            st.starter_tids.intersection_update(int(t) for t in tasks)
            st.starter_tids.add(pid)
        if len(tasks) > MAX_TASKS_SCANNED:
            tasks = [str(t) for t in st.starter_tids]
        present: dict[int, int] = {}  # child pid -> tid of its parent thread
        for task in tasks:
            for child_pid in children_of_task(pid, task) or ():
                present[child_pid] = int(task)
    else:
        present = {}
        for child_pid in list(st.children):
            fields = stat_fields(child_pid)
            if fields and len(fields) > 1 and fields[1] == own:
                present[child_pid] = pid
    zombies_total = 0
    with st.lock:
        for site in st.sites.values():
            site.live_children = 0
            site.zombies = 0
        for child_pid, child in list(st.children.items()):
            if child_pid not in present:
                fields = None
                if child.sequence > listed_sequence:  # started after the listing was read
                    fields = stat_fields(child_pid)
                    if fields is not None and fields[1:2] != [own]:
                        fields = None
                if fields is None:
                    del st.children[child_pid]
                    child.site.reaped += 1
                    continue
                present[child_pid] = pid
            if not child.zombie:
                fields = stat_fields(child_pid)
                child.zombie = fields is not None and fields[:1] == [b"Z"]
            if child.zombie:
                child.site.zombies += 1
            else:
                child.site.live_children += 1
        # unknown children: the posix_spawn starts first (in pid order per thread), the rest
        # were started where no hook sees them (multiprocessing's spawn, C code)
        unknown = sorted(p for p in present if p not in st.children)
        if listed_spawns:
            pending = st.spawns[:listed_spawns]
            del st.spawns[:listed_spawns]
            for site, tid in pending:
                # an unknown child of that thread, not one already unknown at the last sample
                # if there is one (that is an older start no hook saw)
                mine = [p for p in unknown if present[p] == tid]
                fresh = [p for p in mine if p not in st.unattributed]
                candidates = fresh or mine
                if not candidates:
                    site.reaped += 1  # already gone: waited for by the program
                    continue
                match = candidates[0]
                unknown.remove(match)
                spawned = _register(st, match, site)
                fields = stat_fields(match)
                spawned.zombie = fields is not None and fields[:1] == [b"Z"]
                if spawned.zombie:
                    site.zombies += 1
                else:
                    site.live_children += 1
        st.unattributed = set(unknown)
        for child in st.children.values():
            if child.zombie:
                zombies_total += 1
        unattributed_zombies = 0
        for child_pid in unknown:
            fields = stat_fields(child_pid)
            if fields and fields[0] == b"Z":
                unattributed_zombies += 1
        st.totals["children"] = len(present)
        st.totals["zombies"] = zombies_total + unattributed_zombies
        st.totals["unattributed_children"] = len(unknown)


def _document(st: _State, now: float, sites: list[_Site]) -> dict[str, Any]:
    series = st.series
    out_sites = []
    for site in sites:
        prefix = f"{site.index}."
        unreaped = site.live_threads + site.live_children + site.zombies
        site_series = None
        if site.index < MAX_SITE_SERIES:
            site_series = {
                "threads": int_list(series.column(prefix + "threads")),
                "children": int_list(series.column(prefix + "children")),
                "zombies": int_list(series.column(prefix + "zombies")),
                "starts": int_list(series.column(prefix + "starts")),
            }
        out_sites.append(
            {
                "path": site.path,
                "line": site.line,
                "function": site.function,
                "kind": site.kind,
                "starts": site.starts,
                "reaped": site.reaped,
                "live_threads": site.live_threads,
                "live_children": site.live_children,
                "zombies": site.zombies,
                "unreaped": unreaped,
                "series": site_series,
            }
        )
    return {
        "forkaudit_trace": TRACE_FORMAT,
        "source": "hook",
        "attribution": "stack",
        "run": st.run,
        "pid": st.pid,
        "ppid": st.ppid,
        "forked_from": st.forked_from,
        "argv": st.argv,
        "executable": sys.executable,
        "python": ".".join(str(n) for n in sys.version_info[:3]),
        "started": round(st.started, 3),
        "updated": round(now, 3),
        "ended": st.final,
        "exec": st.exec_seen,
        "interval": st.interval,
        "samples": st.samples,
        "stride": series.stride,
        "totals": dict(st.totals),
        "dropped_sites": st.dropped_sites,
        "write_errors": st.write_errors,
        "sites": out_sites,
        "series": {
            "t": float_list(series.t),
            "threads": int_list(series.column("threads")),
            "children": int_list(series.column("children")),
            "zombies": int_list(series.column("zombies")),
        },
    }


def _at_exit() -> None:
    try:
        st = _holder[0]
        if st is None or st.final:
            return
        _stop_sampler(st, wait=False)
        _sample(st, final=True)
    except Exception:
        pass


# --------------------------------------------------------------------------- install


def install() -> bool:
    """Start tracing this process (once). False when not asked to (no ``FORKAUDIT_TRACE_DIR``)
    or not possible here (not Linux, not CPython 3.10+)."""
    if _installed[0]:
        return False
    if not sys.platform.startswith("linux") or sys.implementation.name != "cpython":
        return False
    if sys.hexversion < 0x030A0000:
        return False
    directory = os.environ.get(ENV_DIR, "")
    if not directory:
        return False
    try:
        interval = float(os.environ.get(ENV_INTERVAL, "") or 1.0)
    except ValueError:
        interval = 1.0
    interval = min(max(interval, 0.01), 3600.0)
    _installed[0] = True
    _init_paths()
    st = _State(os.path.abspath(directory), interval, os.environ.get(ENV_RUN, ""), 0)
    _holder[0] = st
    original = _thread.start_new_thread
    _original_start[0] = original
    sys.addaudithook(_make_audit_hook(_on_event, _restart_sampler))
    if sys.version_info < (3, 12):
        wrapper = _make_thread_wrapper(original)
        _thread.start_new_thread = wrapper
        if getattr(_thread, "start_new", None) is original:
            _thread.start_new = wrapper
        threading = sys.modules.get("threading")
        if threading is not None and getattr(threading, "_start_new_thread", None) is original:
            threading._start_new_thread = wrapper  # type: ignore[attr-defined]
    os.register_at_fork(
        before=_before_fork,
        after_in_parent=_after_fork_parent,
        after_in_child=_after_fork_child,
    )
    atexit.register(_at_exit)
    _start_sampler(st)
    return True
