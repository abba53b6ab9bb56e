"""Review probes of the rules added on 2026-12-03 (each written by an independent reviewer
with the run-time outcome on the line of every start: ``# expect: leak`` or ``# expect: ok``).
They pin the near-misses the first version of those rules got wrong: a setter handed to atexit
or in a nested class, a queue get() given its block flag by position, one fixed element joined,
a cleanup calling a forwarded kill(), an import fallback for a Windows-only flag, flags or-ed
together, a container rebound on one pass only, an and-ed is_alive() test, a factory whose
early return keeps callers from the start, a timeout shown only in a docstring; and (mended on
2026-12-03, sixth session) get(True) by position, a timeout block around the wait itself, a
container emptied by clear() or rebound in an outer loop, a guard written `block is False`, a
timeout block that logs before the await, a STARTUPINFO made on the line before the start, a forwarding wrapper whose wait() takes a timeout. The r28_ probes come from a second review of
that session's rules: get() waiting with timeout=None, a mapping's get(1), identity and equality
of a flag with a literal read as written, shield()/gather() in a timeout block, `del x[:]`. The
r29_ probes come from a third review: a main-thread-alive loop does not hold exit, a handler the
module closes itself, a retry loop whose own test may end it, a continue or a later raise before
the break, a function looked up by name or exec'd, torch's get_context() kept in a variable."""

from __future__ import annotations

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules
from tests.builders import assert_expectations

PACK = load_rules()

PROBES = {
    "nested_setter_atexit_leak": '''\
import atexit
import threading
import time


class Uploader:
    """One per upload session; close() ends the session."""

    def __init__(self):
        self._running = True
        self._thread = threading.Thread(target=self._loop, daemon=True)  # expect: leak - close() only registers stop() to run at interpreter exit: the loop runs on after close(), one per session
        self._thread.start()

    def _loop(self):
        while self._running:
            self.flush()
            time.sleep(1)

    def flush(self):
        pass

    def close(self):
        def stop():
            self._running = False

        atexit.register(stop)  # let in-flight uploads finish when the process exits
''',
    "nested_class_self_leak": '''\
import threading
import time


class Watcher:
    """One per watched directory; close() is meant to stop it."""

    def __init__(self, path):
        self.path = path
        self.running = True
        self._thread = threading.Thread(target=self._loop, daemon=True)  # expect: leak - the `self.running = False` below is the Handle's own attribute, not the Watcher's: nothing stops the loop
        self._thread.start()

    def _loop(self):
        while self.running:
            self.scan()
            time.sleep(1)

    def scan(self):
        pass

    def close(self):
        class Handle:
            def __init__(self):
                self.running = True

            def cancel(self):
                self.running = False

        return Handle()
''',
    "queue_get_timeout_positional_leak": '''\
import queue
import threading


class Sender:
    """One per websocket; close() is called when the socket closes."""

    def __init__(self, ws, poll_interval=1.0):
        self.ws = ws
        self.poll_interval = poll_interval
        self._outbox = queue.Queue()
        self._running = True
        self._thread = threading.Thread(target=self._loop, daemon=True)  # expect: leak - get(self.poll_interval) passes 1.0 as *block*, not timeout: it waits for ever, and close() puts nothing
        self._thread.start()

    def _loop(self):
        while self._running:
            msg = self._outbox.get(self.poll_interval)
            self.ws.send(msg)

    def send(self, msg):
        self._outbox.put(msg)

    def close(self):
        self._running = False
''',
    "wrapper_exit_kills_only_leak": '''\
import subprocess


class Agent:
    """Used as `with Agent(cmd) as a: ...`."""

    def __init__(self, command):
        self._popen = subprocess.Popen(command)  # expect: leak - __exit__ only kills (through the forwarding kill()): each `with` block leaves a zombie until the Popen is collected

    def wait(self, timeout=None):
        return self._popen.wait(timeout=timeout)

    def kill(self):
        self._popen.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
''',
    "reaped_local_last_only_leak": """\
import subprocess


def pipeline(commands):
    procs = []
    prev = None
    for cmd in commands:
        proc = subprocess.Popen(cmd, stdin=prev, stdout=subprocess.PIPE)  # expect: leak - only the last is waited (last = procs[-1]); the earlier stages are never waited
        if prev is not None:
            prev.close()
        prev = proc.stdout
        procs.append(proc)
    last = procs[-1]
    out, _ = last.communicate()
    return out
""",
    "or_flags_ok": """\
import subprocess


def launch_detached(cmd):
    subprocess.Popen(  # expect: ok - reading subprocess.CREATE_NO_WINDOW raises AttributeError on Linux before the child is made
        cmd, creationflags=subprocess.CREATE_NO_WINDOW | subprocess.DETACHED_PROCESS
    )
""",
    "import_fallback_leak": """\
import subprocess

try:
    from subprocess import CREATE_NO_WINDOW
except ImportError:  # not Windows
    CREATE_NO_WINDOW = 0


def open_in_viewer(path):
    subprocess.Popen(["xdg-open", path], creationflags=CREATE_NO_WINDOW)  # expect: leak - on Linux the fallback makes it 0: the child runs and is never waited
""",
    "rebound_first_pass_only_ok": """\
import subprocess


class Farm:
    def start(self, commands):
        for i, cmd in enumerate(commands):
            if i == 0:
                self.procs = []
            proc = subprocess.Popen(cmd)  # expect: ok - the list is bound on the first pass only; stop() waits for all of them
            self.procs.append(proc)

    def stop(self):
        for proc in self.procs:
            proc.terminate()
            proc.wait()
""",
    "is_alive_and_guard_leak": """\
import threading


class Uploader:
    def __init__(self):
        self.timer = None

    def on_settings_save(self, data):
        self.start_loop()

    def start_loop(self):
        self.timer = threading.Timer(10, self.upload)  # expect: leak - `self.timer and self.timer.is_alive()` is always true in upload(): same runaway chain as p09a
        self.timer.daemon = True
        self.timer.start()

    def upload(self):
        self.send()
        if self.timer is not None and self.timer.is_alive():
            self.start_loop()

    def send(self):
        pass

    def on_shutdown(self):
        if self.timer:
            self.timer.cancel()
""",
    "mapping_get_ok": '''\
import threading


class LineReader:
    """One per serial connection; close() stops and joins it."""

    def __init__(self, port, cache):
        self.port = port
        self._seen = cache
        self._reading = True
        self._reader = threading.Thread(target=self._read_loop, daemon=True)  # expect: ok - _seen.get(line) is a mapping lookup; readline() times out, the loop sees _reading
        self._reader.start()

    def _read_loop(self):
        while self._reading:
            line = self.port.readline()
            count = self._seen.get(line)
            self._seen[line] = (count or 0) + 1

    def close(self):
        self._reading = False
        self._reader.join()
''',
    "wrapper_forward_ok": '''\
import subprocess


class AgentProcess:
    """Wraps the agent's child with the Popen API: callers kill() then wait()."""

    def __init__(self, command):
        self._popen = subprocess.Popen(command)  # expect: ok - kill() and wait() forward the child's own API to the users

    def poll(self):
        return self._popen.poll()

    def wait(self, timeout=None):
        return self._popen.wait(timeout=timeout)

    def kill(self):
        self._popen.kill()
''',
    "reaped_local_ok": """\
from multiprocessing import Process


class Supervisor:
    def __init__(self, target, n):
        self.target = target
        self.workers = [Process(target=target) for _ in range(n)]  # expect: ok - each is terminated and joined through `old` when replaced, and in stop()
        for w in self.workers:
            w.start()

    def restart(self, i):
        old = self.workers[i]
        old.terminate()
        old.join()
        new = Process(target=self.target)  # expect: ok - joined the same way when its turn comes
        new.start()
        self.workers[i] = new

    def stop(self):
        for w in self.workers:
            w.terminate()
            w.join()
""",
    "rebound_reaped_in_pass_ok": """\
import subprocess


def run_batches(batches):
    for batch in batches:
        procs = []
        for cmd in batch:
            procs.append(subprocess.Popen(cmd))  # expect: ok - every batch's list is waited before the next is bound
        for proc in procs:
            proc.wait()
""",
    "create_no_window_ok": """\
import subprocess


def open_in_viewer(path):
    subprocess.Popen(["viewer.exe", path], creationflags=subprocess.CREATE_NO_WINDOW)  # expect: ok - subprocess.CREATE_NO_WINDOW raises AttributeError on Linux before the child is made
""",
    "getattr_default_leak": """\
import subprocess


def open_in_viewer(path):
    subprocess.Popen(  # expect: leak - getattr(..., 0) gives 0 on Linux: the child runs and is never waited
        ["xdg-open", path], creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0)
    )
""",
    "_factory_early_return_ok": """\
import subprocess


def run(cmd, block=True):
    if block:
        return subprocess.check_output(cmd, universal_newlines=True)
    return subprocess.Popen(cmd)  # expect: ok here - returned; judged at the callers


def version():
    out = run(["libinput", "--version"])  # expect: ok - block is True: check_output() ran, nothing to wait
    return out.strip()


def devices():
    return run(["libinput", "list-devices"]).splitlines()  # expect: ok - same
""",
    "_docstring_mention_ok": '''\
import asyncio


async def fetch(url):
    """Download ``url`` with curl.

    Callers wanting a deadline wrap it themselves, e.g.
    ``await asyncio.wait_for(fetch(url), 10)``.
    """
    proc = await asyncio.create_subprocess_exec(  # expect: ok - awaited; the wait_for is only in the docstring, this module cancels nothing
        "curl", "-sL", url, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    return out
''',
    "queue_get_true_positional_leak": '''\
import logging
import queue
import threading


class Forwarder:
    """One per upstream connection; close() ends it."""

    def __init__(self, send):
        self._send = send
        self._out = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True)  # expect: leak - get(True) blocks exactly like get(); nothing is put after close()
        self._thread.start()

    def _run(self):
        try:
            while True:
                try:
                    msg = self._out.get(True)
                    extra = self._out.get_nowait()
                except queue.Empty:
                    extra = None
                self._send(msg, extra)
        except Exception:
            logging.exception("forwarder died")

    def close(self):
        self._send = None
''',
    "async_timeout_block_direct_leak": """\
import asyncio


async def render(path):
    proc = await asyncio.create_subprocess_exec(  # expect: leak (medium) - asyncio.timeout() cancels the wait, not the child, exactly like wait_for()
        "convert", path, "out.png"
    )
    async with asyncio.timeout(30):
        await proc.wait()
    return proc.returncode
""",
    "outer_loop_rebind_leak": """\
import subprocess


def run_all(batches):
    for batch in batches:
        procs = []
        for cmd in batch:
            procs.append(subprocess.Popen(cmd))  # expect: leak - procs is bound anew per batch: only the last batch is waited below
    for proc in procs:
        proc.wait()
""",
    "clear_each_pass_leak": """\
import subprocess


class Farm:
    def __init__(self):
        self.procs = []

    def start(self, groups):
        for group in groups:
            self.procs.clear()
            for cmd in group:
                self.procs.append(subprocess.Popen(cmd))  # expect: leak - clear() each pass drops the previous group's children: stop() waits only for the last group

    def stop(self):
        for proc in self.procs:
            proc.terminate()
            proc.wait()
""",
    "factory_guard_comparison_ok": """\
import subprocess


def run(cmd, block=True):
    if block is False:
        return subprocess.Popen(cmd)  # expect: ok here - returned; judged at the callers
    return subprocess.check_output(cmd, universal_newlines=True)


def version():
    out = run(["libinput", "--version"])  # expect: ok - block stays True: no Popen comes back
    return out.strip()
""",
    "timeout_block_log_first_leak": """\
import asyncio
import logging

log = logging.getLogger(__name__)


async def run_shell(cmd):
    proc = await asyncio.create_subprocess_shell(cmd)  # expect: leak (medium) - same as p06b: the timeout cancels run_shell() and the child runs on
    await proc.wait()
    return proc.returncode


async def shell(cmd, timeout):
    async with asyncio.timeout(timeout):
        log.debug("running %s", cmd)
        return await run_shell(cmd)
""",
    "startupinfo_local_ok": """\
import subprocess


def run_hidden(cmd):
    info = subprocess.STARTUPINFO()
    info.dwFlags |= subprocess.STARTF_USESHOWWINDOW
    subprocess.Popen(cmd, startupinfo=info)  # expect: ok - subprocess.STARTUPINFO() two lines up raises AttributeError on Linux
""",
    "wrapper_wait_timeout_ok": '''\
import subprocess


class Sidecar:
    """Wraps a helper child with the Popen API."""

    def __init__(self, command):
        self._proc = subprocess.Popen(command)  # expect: ok - kill()/terminate() forward; wait() waits (with a timeout), so kill()+wait() reaps it

    def wait(self, timeout=5):
        try:
            return self._proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def terminate(self):
        self._proc.terminate()

    def kill(self):
        self._proc.kill()
''',
    "r28_get_true_none_positional_leak": '''\
import logging
import queue
import threading


class Forwarder:
    """One per upstream connection; close() ends it."""

    def __init__(self, send):
        self._send = send
        self._out = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True)  # expect: leak - get(True, None) has no timeout: blocks for ever once nothing more is put after close()
        self._thread.start()

    def _run(self):
        try:
            while True:
                msg = self._out.get(True, None)
                self._send(msg)
        except Exception:
            logging.exception("forwarder died")

    def close(self):
        self._send = None
''',
    "r28_get_timeout_none_keyword_leak": '''\
import logging
import queue
import threading


class Forwarder:
    """One per upstream connection; close() ends it."""

    def __init__(self, send):
        self._send = send
        self._out = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True)  # expect: leak - get(timeout=None) blocks for ever (block defaults to True); nothing is put after close()
        self._thread.start()

    def _run(self):
        try:
            while True:
                msg = self._out.get(timeout=None)
                self._send(msg)
        except Exception:
            logging.exception("forwarder died")

    def close(self):
        self._send = None
''',
    "r28_dict_get_int_key_ok": '''\
import logging
import threading
import time


class SlotMonitor:
    """Polls slot 1 of a status table; close() ends it (the next report raises)."""

    def __init__(self, report):
        self._report = report
        self._slots = {}
        self._thread = threading.Thread(target=self._run, daemon=True)  # expect: ok - dict.get(1) returns at once (it is not a queue); after close() the report call raises and the handler ends the thread
        self._thread.start()

    def update(self, slot, status):
        self._slots[slot] = status

    def _run(self):
        try:
            while True:
                status = self._slots.get(1)
                self._report(status)
                time.sleep(1.0)
        except Exception:
            logging.exception("monitor stopped")

    def close(self):
        self._report = None
''',
    "r28_shield_gather_in_timeout_leak": """\
import asyncio


async def render_shielded(path):
    proc = await asyncio.create_subprocess_exec("render", path)  # expect: leak (medium) - the timeout cancels the shield's outer future; nothing kills the child, which runs on
    async with asyncio.timeout(30):
        await asyncio.shield(proc.wait())
    return proc.returncode


async def render_gathered(path, log):
    proc = await asyncio.create_subprocess_exec(  # expect: leak (medium) - the timeout cancels the gather (and the wait in it); the child runs on
        "render", path, stdout=asyncio.subprocess.PIPE
    )
    async with asyncio.timeout(30):
        await asyncio.gather(proc.wait(), log(proc.stdout))
    return proc.returncode
""",
    "r28_del_slice_each_pass_leak": """\
import subprocess


class Farm:
    def __init__(self):
        self.procs = []

    def start(self, groups):
        for group in groups:
            del self.procs[:]
            for cmd in group:
                self.procs.append(subprocess.Popen(cmd))  # expect: leak - `del self.procs[:]` empties the list like clear(): the previous group's children are dropped unwaited

    def stop(self):
        for proc in self.procs:
            proc.terminate()
            proc.wait()
""",
    "r28_guard_equals_zero": """\
import subprocess


def run(cmd, block=1):
    if block == 0:
        return subprocess.Popen(cmd)  # expect: ok here - returned; judged at the callers
    return subprocess.check_output(cmd, universal_newlines=True)


def version():
    return run(["tool", "--version"]).strip()  # expect: ok - block=1: check_output ran


def spawn_daemon():
    run(["tool", "daemon"], block=0)  # expect: leak - block=0: a Popen comes back and is dropped
""",
    "r28_guard_tristate_none_default": '''\
import subprocess


def run(cmd, block=None):
    """block=None: decide from the command (always blocking here); only block=False detaches."""
    if block is False:
        return subprocess.Popen(cmd)  # expect: ok here - returned; judged at the callers
    return subprocess.check_output(cmd, universal_newlines=True)


def version():
    return run(["tool", "--version"]).strip()  # expect: ok - block is None, `None is False` is false: check_output ran


def spawn_daemon():
    run(["tool", "daemon"], block=False)  # expect: leak - only an explicit False gets a Popen, dropped here
''',
    "r28_guard_identity_vs_truthy_literals": """\
import subprocess


def run(cmd, block=True):
    if block is False:
        return subprocess.Popen(cmd)  # expect: ok here - returned; judged at the callers
    return subprocess.check_output(cmd, universal_newlines=True)


def start(cmd, wait=False):
    if wait is True:
        return subprocess.check_output(cmd)
    return subprocess.Popen(cmd)  # expect: ok here - returned; judged at the callers


def legacy_version():
    return run(["tool", "--version"], block=0).strip()  # expect: ok - `0 is False` is false: check_output ran (reading it as `not block` would say Popen)


def legacy_spawn():
    start(["tool", "sync"], wait=1)  # expect: leak - `1 is True` is false: a Popen comes back and is dropped
""",
    "r28_guard_yoda_and_ne": """\
import subprocess


def run(cmd, block=True):
    if False is block:
        return subprocess.Popen(cmd)  # expect: ok here - returned; judged at the callers
    return subprocess.check_output(cmd, universal_newlines=True)


def run2(cmd, detach=False):
    if detach != False:
        return subprocess.Popen(cmd)  # expect: ok here - returned; judged at the callers
    return subprocess.check_output(cmd, universal_newlines=True)


def version():
    return run(["tool", "--version"]).strip()  # expect: ok - block=True: check_output ran


def version2():
    return run2(["tool", "--version"]).strip()  # expect: ok - detach=False: check_output ran


def spawn():
    run(["tool", "daemon"], block=False)  # expect: leak - Popen returned and dropped


def spawn2():
    run2(["tool", "daemon"], detach=True)  # expect: leak - Popen returned and dropped
""",
    "r29_main_alive_nondaemon_once_ok": '''\
"""Metrics flusher: a non-daemon thread that polls until the main thread has finished."""
import threading
import time

_started = False
_buffer = []


def _flush_loop():
    while threading.main_thread().is_alive():
        if _buffer:
            send(list(_buffer))
            del _buffer[:]
        time.sleep(1.0)
    send(list(_buffer))  # last flush after main has finished


def send(items):
    print(items)


def start_flusher():
    global _started
    if _started:
        return
    _started = True
    threading.Thread(target=_flush_loop, name="flusher").start()  # expect: ok - once per process; CPython marks main stopped in threading._shutdown() BEFORE joining non-daemon threads, so the loop ends within 1 s and exit does not hang (verified on 3.11)
''',
    "r29_handler_closed_by_library_ok": '''\
"""The library attaches its own handler for the length of a job and closes it itself."""
import logging
import threading


class JobLogHandler(logging.Handler):
    def __init__(self, sink):
        super().__init__()
        self.sink = sink
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump)  # expect: ok - the only user (run_job below) always closes it in finally: a normal path stops and joins the thread
        self._thread.start()

    def emit(self, record):
        self.sink.append(self.format(record))

    def _pump(self):
        while not self._stop.is_set():
            self._stop.wait(0.5)

    def close(self):
        self._stop.set()
        self._thread.join()
        super().close()


def run_job(job):
    log = logging.getLogger("jobs")
    handler = JobLogHandler(job.sink)
    log.addHandler(handler)
    try:
        job.run()
    finally:
        log.removeHandler(handler)
        handler.close()
''',
    "r29_while_flag_test_exits_leak": '''\
"""The retry loop's own test ends it: on shutdown the child is terminated and never waited."""
import subprocess
import threading

shutdown = threading.Event()


def run_worker(cmd):
    proc = subprocess.Popen(cmd)  # expect: leak (transient) - when shutdown is set the while test fails, the loop ends without a successful wait, and terminate() is not followed by a wait: zombie until collected
    while not shutdown.is_set():
        try:
            proc.wait(timeout=1)
            break
        except subprocess.TimeoutExpired:
            pass
    proc.terminate()
    return proc.returncode
''',
    "r29_poll_while_flag_kill_leak": '''\
"""Loop while the child runs and the job is wanted; the loop test can end it after a kill."""
import subprocess


def follow(cmd, job):
    proc = subprocess.Popen(cmd)  # expect: leak (transient) - when job.cancelled turns true the loop ends on its test right after the kill in the handler, with no further wait
    while not job.cancelled:
        try:
            proc.wait(timeout=2)
            return proc.returncode
        except subprocess.TimeoutExpired:
            if job.cancelled:
                proc.kill()
    return None
''',
    "r29_continue_before_break_leak": '''\
"""Retry a helper until it prints a line; the break after the start is skipped by a continue."""
import subprocess


def first_line(cmd):
    proc = None
    for attempt in range(3):
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: leak (transient) - a pass that made a handle goes round again via `continue` when no line came; that child (which has closed stdout, i.e. usually exited) is dropped unwaited
        line = proc.stdout.readline()
        if not line:
            continue
        break
    out, _ = proc.communicate()
    return out
''',
    "r29_try_else_break_later_raise_leak": '''\
"""Find a tool whose version we can parse: a parse error after a successful start goes round."""
import subprocess


def tool_version(paths):
    proc = None
    for path in paths:
        try:
            proc = subprocess.Popen([path, "--version"], stdout=subprocess.PIPE)  # expect: leak (transient) - when Popen succeeds but int() below raises ValueError, the pass goes round with the child dropped unwaited (not only 'when the start raised')
            major = int(proc.stdout.readline().split(b".")[0])
        except (OSError, ValueError):
            continue
        else:
            break
    else:
        return None
    proc.wait()
    return major
''',
    "r29_getsource_and_getattr_leak": '''\
"""Source taken for shipping; locally the same hook is dispatched by name."""
import inspect
import subprocess


class Hooks:
    def _spawn_helper(self):
        subprocess.Popen(["helper", "--daemon"])  # expect: leak - runs here through getattr(self, "_spawn_helper") in run_hook(); the name appears only in a string, which the text check blanks

    def ship(self):
        return inspect.getsource(self._spawn_helper)

    def run_hook(self, name):
        return getattr(self, "_" + name)() if name != "spawn_helper" else getattr(self, "_spawn_helper")()
''',
    "r29_getsource_then_exec_leak": '''\
"""The source is read and then exec'd in this very process (a fresh namespace per plugin)."""
import inspect
import subprocess


def _plugin_body():
    subprocess.Popen(["notify-send", "plugin loaded"])  # expect: leak - the exec below runs this source (and the call) in this process, each load_plugin() call


def load_plugin():
    namespace = {"subprocess": subprocess}
    exec(inspect.getsource(_plugin_body) + "\\n_plugin_body()\\n", namespace)
    return namespace
''',
    "r29_torch_get_context_leak": '''\
"""torch.multiprocessing with a spawn context, inline and through a variable."""
import torch.multiprocessing as mp


def _work(x):
    return x * 2


def start_inline(x):
    p = mp.get_context("spawn").Process(target=_work, args=(x,))  # expect: leak - spawn-context Process, never joined
    p.start()


def start_via_ctx(x):
    ctx = mp.get_context("spawn")
    p = ctx.Process(target=_work, args=(x,))  # expect: leak - same through `ctx = mp.get_context("spawn")`
    p.start()


def pool_via_ctx(xs):
    ctx = mp.get_context("forkserver")
    pool = ctx.Pool(4)  # expect: leak - pool never closed/terminated (its workers persist until GC finalizer)
    return pool.map(_work, xs)
''',
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_review_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])


# Probes of a second read of the 2026-12-03 (seventh) changes: each with the severity per line
# it must get (the near-misses the first version of those changes got wrong).
READ32 = {
    # a timer's function two calls away (that reopens the guard) is not on the way
    "p11c_bfs_return": (
        """\
import threading
import time


def work():
    while True:
        time.sleep(1)


class Svc:
    def __init__(self):
        self._t = None

    def ensure(self):
        if self._t is not None:
            return
        self._t = threading.Thread(target=work)
        self._t.start()
        self._arm()

    def _arm(self):
        timer = threading.Timer(60, self._expire)
        timer.daemon = True
        timer.start()

    def _expire(self):
        self._t = None


SVC = Svc()


def handle(requests):
    for _ in requests:
        SVC.ensure()
""",
        {17: "high", 22: "medium"},
    ),
    # a flag loop before an endless one: the start's argument ends only the first
    "p06_two_loops": (
        """\
import threading
import time


class Worker(threading.Thread):
    def __init__(self, warmup=False):
        super().__init__()
        self.warmup = warmup

    def run(self):
        while self.warmup:
            time.sleep(1)
        while True:
            time.sleep(1)


def handle(requests):
    for _ in requests:
        Worker().start()
""",
        {19: "high"},
    ),
    # Other.__new__(Other) in a Svc method makes no Svc: Svc.start is not called
    "p10_made_here_new": (
        """\
import threading
import time


def work():
    while True:
        time.sleep(1)


class Other:
    def start(self):
        pass


class Svc:
    def start(self):
        self._t = threading.Thread(target=work)
        self._t.start()

    @classmethod
    def poke(cls):
        o = Other.__new__(Other)
        o.start()


SVC = Svc()
SVC.start()


def handle(requests):
    for _ in requests:
        Svc.poke()
""",
        {17: "medium"},
    ),
    # restart() joins the object it binds anew, not the stored one
    "p05_rebind_join": (
        """\
import multiprocessing


def work():
    pass


class Runner:
    def __init__(self):
        self._proc = multiprocessing.Process(target=work)

    def start(self):
        self._proc.start()

    def restart(self):
        self._proc = multiprocessing.Process(target=work)
        self._proc.start()
        self._proc.join()
""",
        {10: "low"},
    ),
    # a try around the drain loop: still a drain, only shutdown calls it
    "p08d_drain_outside": (
        """\
import os
import socketserver


class EchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        pid = os.fork()
        if pid == 0:
            self.request.sendall(self.request.recv(1024))
            os._exit(0)


def drain_children():
    try:
        while True:
            os.waitpid(-1, 0)
    except ChildProcessError:
        return
""",
        {7: "high"},
    ),
    # a handler leaving under an if: still a drain
    "p08e_drain_if_break": (
        """\
import os
import socketserver


class EchoHandler(socketserver.BaseRequestHandler):
    def handle(self):
        pid = os.fork()
        if pid == 0:
            self.request.sendall(self.request.recv(1024))
            os._exit(0)


def drain_children():
    while True:
        try:
            os.waitpid(-1, 0)
        except OSError as e:
            if e.errno == 10:
                break
            raise
""",
        {7: "high"},
    ),
    # a method named like a module fork hook is not one
    "p09_fork_hook_name": (
        """\
import os
import threading
import time


def work():
    while True:
        time.sleep(1)


class Svc:
    def __init__(self):
        self._t = None

    def ensure(self):
        if self._t is None:
            self._t = threading.Thread(target=work)
            self._t.start()

    def reopen(self):
        self._t = None


def reopen():
    pass


os.register_at_fork(after_in_child=reopen)

SVC = Svc()


def handle(requests):
    for _ in requests:
        SVC.ensure()
        SVC.reopen()
""",
        {17: "high"},
    ),
    # me = current_thread(); while me.is_alive(): never returns
    "p07c_own_local": (
        """\
import threading
import time


def work():
    while True:
        time.sleep(1)


def serve():
    t = threading.Thread(target=work)
    t.start()
    me = threading.current_thread()
    while me.is_alive():
        time.sleep(1)


def handle():
    for _ in range(10):
        serve()
""",
        {11: "medium"},
    ),
}


# Probes of a review of the 2026-12-04 (tenth session) changes (review35): the near-misses
# the first version of those changes got wrong; each with the severity per line it must get.
READ35 = {
    # a returncode written only where a WNOHANG waitpid() returned the pid: it reaped the child
    "p07f_wnohang_reaped_branch": (
        """\
import os
import subprocess


def check(cmd):
    p = subprocess.Popen(cmd)
    pid, status = os.waitpid(p.pid, os.WNOHANG)
    if pid != 0:
        p.returncode = os.waitstatus_to_exitcode(status)
        return p.returncode
    p.kill()
    p.wait()
    return None
""",
        {},
    ),
    # written under `if p.returncode is None` after a timed wait: the timeout path forges it
    "p07i_forge_after_try": (
        """\
import subprocess


def run(cmd):
    p = subprocess.Popen(cmd)
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
    if p.returncode is None:
        p.returncode = -9
    p.wait()
    return p.returncode
""",
        {5: "high"},
    ),
    # the served app kept in a module dict that a function pops and stops, at once or through
    # a name
    "p09f_p09i_ptb_dict_pop_then_stop": (
        """\
import threading

from telegram.ext import Application

_apps = {}
_hooks = {}


def add_bot(name, token, port):
    app = Application.builder().token(token).build()
    _apps[name] = app
    t = threading.Thread(target=app.run_webhook, kwargs={"port": port, "stop_signals": None})
    t.start()
    return t


def remove_bot(name):
    _apps.pop(name).stop_running()


def add_hook(name, token):
    hook = Application.builder().token(token).build()
    _hooks[name] = hook
    threading.Thread(target=hook.run_polling, kwargs={"stop_signals": None}).start()


def remove_hook(name):
    hook = _hooks.pop(name)
    hook.stop_running()
""",
        {},
    ),
    # also kept in a module list: letting go of the attribute drops nothing
    "p06e_kill_none_kept_in_list": (
        """\
import subprocess

_all_procs = []


class Tunnel:
    def __init__(self, host):
        self._proc = subprocess.Popen(["ssh", "-N", host])
        _all_procs.append(self._proc)

    def close(self):
        self._proc.kill()
        self._proc = None
""",
        {8: "medium"},
    ),
    # once, but a loop on the way: a cancellation leaves several running
    "p03e_asyncio_taskgroup_loop_in_main": (
        """\
import asyncio


async def compress(path):
    proc = await asyncio.create_subprocess_exec("xz", "-9", path)
    await proc.wait()


async def main(paths):
    async with asyncio.TaskGroup() as tg:
        for p in paths:
            tg.create_task(compress(p))


if __name__ == "__main__":
    import sys
    asyncio.run(main(sys.argv[1:]))
""",
        {5: "low"},
    ),
    # a bot made and kept where the thread starts: nothing stops its polling, the timed join
    # gives up (one thread per call)
    "p09e_telebot_timed_join": (
        """\
import threading

import telebot


def poll_for(token, seconds):
    bot = telebot.TeleBot(token)
    t = threading.Thread(target=bot.infinity_polling)
    t.start()
    t.join(timeout=seconds)
""",
        {8: "high"},
    ),
    # a sum handed to a function that only logs the pids: nothing waits (review35b)
    "b03_sum_not_waited": (
        """\
# A sum handed to a function that only logs the pids: nothing waits.
import logging
import subprocess

log = logging.getLogger(__name__)


def _describe(procs):
    for p in procs:
        log.info("started %s", p.pid)


def spawn_pair(cmd_a, cmd_b):
    a = subprocess.Popen(cmd_a)
    b = subprocess.Popen(cmd_b)
    _describe([a] + [b])
""",
        {14: "medium", 15: "medium"},
    ),
    # the class calls the storing method again itself: the object is not new (review35b)
    "d08_restart_inside_class": (
        """\
# Callers open a fresh Tunnel once, but the class's own restart() re-tunnels without stopping.
import subprocess


class Tunnel:
    def __init__(self, host):
        self.host = host
        self.port = None
        self._proc = None

    def tunnel(self, port):
        self.port = port
        self._proc = subprocess.Popen(["ssh", "-N", "-L", "%d:localhost:%d" % (port, port), self.host])
        return self

    def restart(self):
        self.tunnel(self.port)

    def stop(self):
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait()


def make_tunnel(host, port):
    t = Tunnel(host)
    t.tunnel(port)
    return t
""",
        {13: "medium"},
    ),
}


SEVERITY_PROBES = {**READ32, **READ35}


@pytest.mark.parametrize("name", sorted(SEVERITY_PROBES))
def test_severity_probe(name: str) -> None:
    # READ32 and READ35: each probe with the severity it must get on each line it reports
    code, expected = SEVERITY_PROBES[name]
    result = analyze_source(code.encode(), f"{name}.py", PACK.rules)
    assert result.error is None, result.error
    got = {f.line: f.severity for f in result.findings}
    assert got == expected, [(f.line, f.severity, f.message) for f in result.findings]
