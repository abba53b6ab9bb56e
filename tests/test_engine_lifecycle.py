"""The lifecycle analysis, behaviour by behaviour (issue 3): each case is a small module and the
exact findings it must produce. Lines that must be flagged end with `# leak` (or `# leak: FA1xx`)."""

from __future__ import annotations

import re
import sys
import textwrap

import pytest

from forkaudit.analysis.engine import analyze, analyze_source
from forkaudit.model import Finding
from forkaudit.rules import load_rules

PACK = load_rules()
MARK = re.compile(r"#\s*leak(?::\s*(?P<rule>FA\d+))?\s*$")


def check(code: str) -> list[Finding]:
    code = textwrap.dedent(code)
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    assert result.error is None, result.error
    expected = set()
    for number, line in enumerate(code.splitlines(), start=1):
        match = MARK.search(line)
        if match:
            expected.add((number, match.group("rule")))
    found = {(f.line, f.rule) for f in result.findings}
    want_lines = {line for line, _ in expected}
    assert {line for line, _ in found} == want_lines, [
        (f.line, f.rule, f.message) for f in result.findings
    ]
    for line, rule in expected:
        if rule:
            assert (line, rule) in found, (line, rule, found)
    return sorted(result.findings, key=lambda f: f.line)


# A class owning a thread that loops until shutdown() (the cases below make it)
_INTERVAL_RUNNER = """
        import threading
        class IntervalRunner:
            def __init__(self, target, interval=0.1):
                self.event = threading.Event()
                self.target = target
                self.interval = interval
                self.thread = threading.Thread(target=self._run, daemon=True)
            def _run(self):
                while not self.event.is_set():
                    self.target()
                    self.event.wait(self.interval)
            def start(self):
                self.thread.start()
                return self
            def shutdown(self):
                self.event.set()
                self.thread.join()
"""

CASES: dict[str, str] = {
    "a SIGCHLD handler reaping one child per signal reaps nothing reliably": """
        import os, signal
        def on_child(signum, frame):
            os.waitpid(-1, os.WNOHANG)
        signal.signal(signal.SIGCHLD, on_child)
        def handle(request):
            pid = os.fork()  # leak
            if pid == 0:
                serve(request)
                os._exit(0)
    """,
    "an event loop's SIGCHLD handler reaping one child per signal reaps nothing reliably": """
        import asyncio, os, signal
        def on_child():
            os.waitpid(-1, os.WNOHANG)
        def install(loop):
            loop.add_signal_handler(signal.SIGCHLD, on_child)
        def handle(request):
            pid = os.fork()  # leak
            if pid == 0:
                serve(request)
                os._exit(0)
    """,
    "a parent leaving on every branch (os._exit or sys.exit) leaves no zombie": """
        import os, sys
        def daemonize(keep_fds):
            pid = os.fork()
            if pid != 0:
                if keep_fds:
                    os._exit(0)
                elif keep_fds is None:
                    raise SystemExit(0)
                else:
                    sys.exit(0)
            os.setsid()
    """,
    "a parent leaving on one branch only stays on the other": """
        import os, sys
        def daemonize(keep_fds):
            pid = os.fork()  # leak
            if pid != 0:
                if keep_fds:
                    os._exit(0)
                else:
                    log("parent goes on")
            os.setsid()
    """,
    "a SIGCHLD handler reaping in a loop reaps every child": """
        import os, signal
        def on_child(signum, frame):
            while True:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
        signal.signal(signal.SIGCHLD, on_child)
        def handle(request):
            pid = os.fork()
            if pid == 0:
                serve(request)
                os._exit(0)
    """,
    "a child that ignores SIGCHLD leaves its parent to reap it": """
        import os, signal
        def serve(job):
            pid = os.fork()  # leak
            if pid == 0:
                signal.signal(signal.SIGCHLD, signal.SIG_IGN)
                job()
                os._exit(0)
            log(pid)
    """,
    "the parent ignoring SIGCHLD has its children reaped by the kernel": """
        import os, signal
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        def serve(job):
            pid = os.fork()
            if pid == 0:
                job()
                os._exit(0)
            log(pid)
    """,
    # ------------------------------------------------------------------ reaping shapes (issue 10)
    "the parent aborts through a helper": """
        import os
        def spawn(job):
            pid = os.fork()
            if pid:
                bail()
            job()
        def bail():
            log("bye")
            os.abort()
    """,
    # the pid and its children stay through an exec: the new program never waits for them
    "the parent execs through a helper": """
        import os, sys
        def spawn(job):
            pid = os.fork()  # leak: FA101
            if pid > 0:
                reexec()
            job()
        def reexec():
            os.execv(sys.executable, [sys.executable] + sys.argv)
    """,
    "the parent exits right after a Popen": """
        import os, subprocess, sys
        def restart():
            subprocess.Popen([sys.executable] + sys.argv)
            os._exit(0)
    """,
    "a polling predicate reaps": """
        import subprocess
        class Job:
            def start(self, cmd):
                self._proc = subprocess.Popen(cmd)
            def done(self):
                return self._proc.poll() is not None
    """,
    "a callback that reschedules itself polls": """
        import subprocess
        class Updates:
            def check(self, loop):
                self._proc = subprocess.Popen(["apt", "update"])
                loop.call_later(5, self._refresh)
            def _refresh(self, loop):
                if self._proc.poll() is None:
                    loop.call_later(5, self._refresh)
    """,
    "cleanup registered for later": """
        import atexit, contextlib, subprocess, threading, weakref
        def agent():
            p = subprocess.Popen(["ssh-agent"])
            atexit.register(p.terminate)
        def watcher(stack: contextlib.ExitStack):
            t = threading.Thread(target=watch)
            t.start()
            stack.callback(t.join)
        class Owner:
            def __init__(self):
                self.proc = subprocess.Popen(["helper"])
                weakref.finalize(self, self.proc.kill)
        def watch():
            while True:
                poll_once()
    """,
    "a pid handed to the caller": """
        import subprocess
        def start_server(cmd):
            process = subprocess.Popen(cmd)
            return process.pid
    """,
    "a wrapper forwarding to its child through __getattr__": """
        import subprocess
        class Child:
            def __init__(self, *args):
                self._proc = subprocess.Popen(*args)
            def __getattr__(self, name):
                return getattr(self._proc, name)
    """,
    "one handle bound to two names, one handed on": """
        import subprocess
        class Runner:
            def run(self, cmd):
                self.process = process = subprocess.Popen(cmd)
                return Status(process)
    """,
    "a loop left by a caught exception ends the thread": """
        import threading
        def serve(conn):
            def pump():
                try:
                    while True:
                        handle(conn.recv())
                except (EOFError, OSError):
                    return
            threading.Thread(target=pump, daemon=True).start()
    """,
    "handed to a function of the module that waits": """
        import subprocess
        def run(cmd):
            proc = subprocess.Popen(cmd)
            finish(proc)
        def finish(p):
            p.communicate()
    """,
    "handed to a function of the module that only kills": """
        import subprocess
        def run(cmd):
            proc = subprocess.Popen(cmd)  # leak: FA103
            stop(proc)
        def stop(p):
            p.kill()
    """,
    "workers joined only on the error path": """
        import multiprocessing
        def crunch(parts):
            workers = []
            for part in parts:
                w = multiprocessing.Process(target=work, args=(part,))  # leak: FA112
                w.start()
                workers.append(w)
            results = collect()
            if isinstance(results, Exception):
                for w in workers:
                    w.join()
            return results
    """,
    "joined with a timeout, then killed and never joined": """
        import multiprocessing
        def check(program, timeout):
            p = multiprocessing.Process(target=run, args=(program,))  # leak: FA112
            p.start()
            p.join(timeout)
            if p.is_alive():
                p.kill()
    """,
    "killed, then waited with a timeout: SIGKILL cannot be caught, the wait reaps": """
        import subprocess
        class Display:
            def start(self):
                self.proc = subprocess.Popen(["Xvfb"])
            def stop(self, timeout):
                self.proc.terminate()
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout)
    """,
    "terminated, then waited with a timeout: a child ending on SIGTERM is reaped": """
        import subprocess
        def run(cmd, timeout):
            p = subprocess.Popen(cmd)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.terminate()
                p.wait(timeout)
    """,
    "sent SIGTERM, then waited with a timeout that kills when it gives up": """
        import signal
        import subprocess
        def run(cmd):
            p = subprocess.Popen(cmd)
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
    """,
    "terminated on one way only before a timed wait that kills when it gives up": """
        import subprocess
        def run(cmd, late):
            p = subprocess.Popen(cmd)  # leak: FA103
            if late():
                p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
    """,
    "timed out and terminated, never waited again": """
        import subprocess
        def run(cmd, timeout):
            p = subprocess.Popen(cmd)  # leak: FA103
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.terminate()
    """,
    "waited in the test of an if: the wait runs whichever branch follows": """
        from subprocess import Popen
        def build(commands):
            proc = Popen(commands)
            if proc.wait():
                raise RuntimeError("build failed")
            return proc.returncode
    """,
    "started and shut down under the same test: the conditions go together": """
        from concurrent.futures import ThreadPoolExecutor
        class Runner:
            def map(self, jobs, own_pool):
                if own_pool:
                    pool = ThreadPoolExecutor(4)
                else:
                    pool = self._shared
                results = [f.result() for f in [pool.submit(j) for j in jobs]]
                if own_pool:
                    pool.shutdown()
                return results
    """,
    # (a pool: an executor let go unshut is shut down as it is collected, not reported)
    "shut down under another test: the other path leaks": """
        from multiprocessing.pool import ThreadPool
        def run(jobs, own_pool, tidy):
            if own_pool:
                pool = ThreadPool(4)  # leak: FA117
                results = [r.get() for r in [pool.apply_async(j) for j in jobs]]
                if tidy:
                    pool.terminate()
                return results
    """,
    "an executor given work through run_in_executor, never shut down": """
        from concurrent.futures import ThreadPoolExecutor
        class Client:
            def __init__(self):
                self.executor = ThreadPoolExecutor(4)  # leak: FA115
            async def query(self, loop, q):
                return await loop.run_in_executor(self.executor, send, q)
    """,
    "a pool closed but never joined": """
        import multiprocessing
        def crunch(items):
            pool = multiprocessing.Pool(4)  # leak: FA113
            out = pool.map(work, items)
            pool.close()
            return out
    """,
    "a conditional expression passes the pool on": """
        import concurrent.futures
        class Session:
            def __init__(self, executor=None):
                self.executor = executor if executor is not None else concurrent.futures.ThreadPoolExecutor()  # leak: FA115
            def run(self, fn):
                return self.executor.submit(fn)
    """,
    "a served loop stopped by the class": """
        import asyncio, threading
        class Connector:
            def __init__(self):
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
                self._thread.start()
            def close(self):
                self._loop.call_soon_threadsafe(self._loop.stop)
    """,
    "a served loop never stopped": """
        import asyncio, threading
        class Connector:
            def __init__(self):
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)  # leak: FA111
                self._thread.start()
    """,
    "a server handed to the caller is theirs to stop": """
        import socketserver, threading
        def start_server(port):
            server = socketserver.TCPServer(("", port), Handler)
            def run():
                server.serve_forever()
            threading.Thread(target=run, daemon=True).start()
            return server
    """,
    "a flag nothing sets": """
        import threading
        class Poller:
            def start(self):
                self._running = True
                self._thread = threading.Thread(target=self._loop, daemon=True)  # leak: FA111
                self._thread.start()
            def _loop(self):
                while self._running:
                    poll()
    """,
    "a flag set by stop(), seen by the loop": """
        import threading
        class Poller:
            def start(self):
                self._running = True
                self._thread = threading.Thread(target=self._loop, daemon=True)
                self._thread.start()
            def stop(self):
                self._running = False
            def _loop(self):
                while self._running:
                    poll()
    """,
    "a flag set by shutdown(), but the loop blocks in get()": """
        import queue, threading
        class Scheduler:
            def __init__(self):
                self._queue = queue.Queue()
                self.is_shutdown = False
                t = threading.Thread(target=self.run, daemon=True)  # leak: FA111
                t.start()
            def shutdown(self):
                self.is_shutdown = True
            def run(self):
                while not self.is_shutdown:
                    task = self._queue.get()
                    task()
    """,
    "a flag set and a sentinel put: the blocked get() wakes": """
        import queue, threading
        class Scheduler:
            def __init__(self):
                self._queue = queue.Queue()
                self.is_shutdown = False
                t = threading.Thread(target=self.run, daemon=True)
                t.start()
            def shutdown(self):
                self.is_shutdown = True
                self._queue.put(None)
            def run(self):
                while not self.is_shutdown:
                    task = self._queue.get()
                    if task:
                        task()
    """,
    "a thread subclass looping until stop(), never stopped": """
        import threading
        class KeepAlive(threading.Thread):
            def __init__(self):
                super().__init__()
                self._stop_flag = False
            def run(self):
                while not self._stop_flag:
                    ping()
            def stop(self):
                self._stop_flag = True
        def connect():
            keep = KeepAlive()  # leak: FA111
            keep.start()
            return session()
    """,
    "a thread subclass looping until stop(), stopped": """
        import threading
        class KeepAlive(threading.Thread):
            def __init__(self):
                super().__init__()
                self._stop_flag = False
            def run(self):
                while not self._stop_flag:
                    ping()
            def stop(self):
                self._stop_flag = True
        class Client:
            def connect(self):
                self.keep = KeepAlive()
                self.keep.start()
            def close(self):
                self.keep.stop()
    """,
    "a flag set through the thread object": """
        import threading
        class Heart(threading.Thread):
            def __init__(self):
                super().__init__(daemon=True)
                self.halt = threading.Event()
            def run(self):
                while not self.halt.wait(30):
                    beat()
        class Client:
            def login(self):
                self.heart = Heart()
                self.heart.start()
            def logout(self):
                self.heart.halt.set()
    """,
    "the child and the parent of a fork, and a failed fork": """
        import os
        def run(cmd):
            pid = os.fork()
            if pid == 0:
                os.execvp(cmd[0], cmd)
            elif pid == -1:
                raise OSError("fork failed")
            else:
                os.waitpid(pid, 0)
    """,
    "a name bound again to another value": """
        import os
        def spawn(cmd):
            r, w = os.pipe()
            pid = os.fork()  # leak: FA101
            if pid == 0:
                os.close(r)
                os.execvp(cmd[0], cmd)
            os.close(w)
            pid = os.read(r, 16)
            return int(pid)
    """,
    "a cleanup method that kills without waiting": """
        import subprocess
        class Tube:
            def __init__(self, argv):
                self.proc = subprocess.Popen(argv)  # leak: FA103
            def communicate(self, data):
                return self.proc.communicate(data)
            def close(self):
                self.proc.kill()
    """,
    "a Manager kept per job": """
        import multiprocessing
        _managers = []
        def job(fn):
            manager = multiprocessing.Manager()  # leak: FA116
            _managers.append(manager)
            return fn(manager.dict())
    """,
    # ------------------------------------------------------------------ timer chains
    "the first timer of a chain ends; the re-arming one goes on": """
        import threading
        class Poller:
            def __init__(self):
                self._timer = threading.Timer(5, self._on_timer)
                self._timer.start()
            def _on_timer(self):
                poll()
                self._timer = threading.Timer(5, self._on_timer)  # leak: FA111
                self._timer.start()
            def stop(self):
                self._timer.cancel()
    """,
    "a re-arm behind a stop flag can be stopped": """
        import threading
        class Poller:
            def __init__(self):
                self._stopped = False
                self._timer = threading.Timer(5, self._on_timer)
                self._timer.start()
            def _on_timer(self):
                poll()
                if not self._stopped:
                    self._timer = threading.Timer(5, self._on_timer)
                    self._timer.daemon = True  # (else exit waits for a stop() nothing calls)
                    self._timer.start()
            def stop(self):
                self._stopped = True
                self._timer.cancel()
    """,
    # ------------------------------------------------------------------ attributes on self
    "attr reaped in stop()": """
        import subprocess
        class Runner:
            def start(self):
                self._proc = subprocess.Popen(["sleep", "9"])
            def stop(self):
                self._proc.terminate()
                self._proc.wait()
    """,
    "attr reaped in __exit__ through a local alias": """
        import subprocess
        class Runner:
            def __enter__(self):
                self._proc = subprocess.Popen(["x"])
                return self
            def __exit__(self, *exc):
                proc = self._proc
                proc.communicate()
    """,
    "attr reaped in __del__": """
        from concurrent.futures import ThreadPoolExecutor
        class Session:
            def __init__(self):
                self.executor = ThreadPoolExecutor(4)
            def __del__(self):
                self.executor.shutdown(wait=False)
    """,
    "attr reaped by a subclass": """
        import subprocess
        class Base:
            def launch(self):
                self._proc = subprocess.Popen(["x"])
        class Child(Base):
            def close(self):
                self._proc.wait()
    """,
    "attr never reaped": """
        import subprocess
        class Runner:
            def start(self):
                self._proc = subprocess.Popen(["x"])  # leak: FA103
            def status(self):
                return self._proc.poll()
    """,
    "sibling class does not reap for you": """
        import subprocess
        class Base:
            pass
        class A(Base):
            def run(self):
                self.process = subprocess.Popen(["x"])  # leak
        class B(Base):
            def stop(self):
                self.process.wait()
    """,
    # ------------------------------------------------------------------ containers
    "list of threads joined in a loop": """
        import threading
        def crunch(parts):
            workers = []
            for part in parts:
                t = threading.Thread(target=work, args=(part,))
                t.start()
                workers.append(t)
            for t in workers:
                t.join()
        def work(part):
            while True:
                pass
    """,
    "set of processes waited in a comprehension": """
        import subprocess
        def run_all(cmds):
            procs = set()
            for cmd in cmds:
                procs.add(subprocess.Popen(cmd))
            [p.wait() for p in procs]
    """,
    "dict on self reaped through values()": """
        import subprocess
        class Pool:
            def __init__(self):
                self._procs = {}
            def spawn(self, name, cmd):
                self._procs[name] = subprocess.Popen(cmd)
            def close(self):
                for proc in self._procs.values():
                    proc.wait()
    """,
    "private list on self never reaped": """
        import subprocess
        class Launcher:
            def __init__(self):
                self._children = []
            def launch(self, cmd):
                self._children.append(subprocess.Popen(cmd))  # leak
    """,
    "local list never reaped": """
        import subprocess
        def fire(cmds):
            procs = [subprocess.Popen(c) for c in cmds]  # leak
            return len(procs)
    """,
    "popped and waited": """
        import subprocess
        def drain(cmds):
            pending = [subprocess.Popen(c) for c in cmds]
            while pending:
                pending.pop().wait()
    """,
    # ------------------------------------------------------------------ exceptions
    "waited after the try": """
        import subprocess
        def run(cmd):
            try:
                proc = subprocess.Popen(cmd)
            except OSError:
                return None
            proc.wait()
    """,
    "waited in finally": """
        import subprocess
        def run(cmd):
            proc = subprocess.Popen(cmd)
            try:
                use(proc.stdout)
            finally:
                proc.wait()
    """,
    "waited in try-else": """
        import subprocess
        def run(cmd):
            try:
                proc = subprocess.Popen(cmd)
            except OSError:
                return None
            else:
                return proc.communicate()
    """,
    "waited only when an exception is raised": """
        import subprocess
        def run(cmd):
            proc = subprocess.Popen(cmd)  # leak
            try:
                use(proc.stdout)
            except Exception:
                proc.kill()
                proc.wait()
                raise
            return proc.returncode
    """,
    "waited on one branch only": """
        import subprocess
        def run(cmd, wait):
            proc = subprocess.Popen(cmd)  # leak
            if wait:
                proc.wait()
    """,
    "waited on both branches": """
        import subprocess
        def run(cmd, timeout):
            proc = subprocess.Popen(cmd)
            if timeout:
                proc.wait(timeout)
            else:
                proc.wait()
    """,
    "only the last one of the loop is waited": """
        import subprocess
        def run(cmds):
            for cmd in cmds:
                proc = subprocess.Popen(cmd)  # leak
            proc.wait()
    """,
    # ------------------------------------------------------------------ wait-any reapers
    "waitpid(-1) loop at module level": """
        import os
        def reap():
            while True:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                if not pid:
                    break
        def spawn():
            pid = os.fork()
            if pid == 0:
                os._exit(0)
    """,
    "os.wait() anywhere": """
        import os
        def spawn():
            if os.fork() == 0:
                os._exit(0)
        def collect():
            os.wait()
    """,
    "SIGCHLD ignored": """
        import os, signal, subprocess
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        def spawn():
            os.fork()
            subprocess.Popen(["x"])
    """,
    "waitid P_ALL": """
        import os
        def spawn():
            pid = os.fork()
            if pid == 0:
                os._exit(0)
        def reap():
            os.waitid(os.P_ALL, 0, os.WEXITED)
    """,
    "active_children in a supervisor loop reaps processes": """
        import multiprocessing
        def spawn(job):
            p = multiprocessing.Process(target=job)
            p.start()
        def supervise():
            while True:
                multiprocessing.active_children()
                time.sleep(1)
    """,
    "SIGCHLD handler that loops waitpid": """
        import os, signal
        def _on_child(signum, frame):
            try:
                while os.waitpid(-1, os.WNOHANG)[0]:
                    pass
            except ChildProcessError:
                pass
        signal.signal(signal.SIGCHLD, _on_child)
        def start(job):
            if os.fork() == 0:
                job()
                os._exit(0)
    """,
    # ------------------------------------------------------------------ parent exits
    "parent test pid > 0": """
        import os, sys
        def detach():
            pid = os.fork()
            if pid > 0:
                sys.exit(0)
    """,
    "parent test pid != 0 with os._exit": """
        import os
        def detach():
            pid = os.fork()
            if pid != 0:
                os._exit(0)
    """,
    "parent test in the else of `if not pid`": """
        import os
        def detach():
            pid = os.fork()
            if not pid:
                os.setsid()
            else:
                os._exit(0)
    """,
    "parent test `if pid:` with raise SystemExit": """
        import os
        def detach():
            pid = os.fork()
            if pid:
                raise SystemExit(0)
    """,
    "double fork inline": """
        import os
        def daemonize():
            if os.fork():
                os._exit(0)
            os.setsid()
            if os.fork() > 0:
                os._exit(0)
    """,
    "forkpty tuple, waited": """
        import os
        def shell():
            pid, fd = os.forkpty()
            if pid == 0:
                os.execv("/bin/sh", ["sh"])
            os.waitpid(pid, 0)
            return fd
    """,
    "pty.fork kept on self, waited by a lambda thread": """
        import os, pty, threading
        class Term:
            def run(self):
                self._pid, self._fd = pty.fork()
                if self._pid == 0:
                    os.execv("/bin/sh", ["sh"])
                threading.Thread(target=lambda pid=self._pid: os.waitpid(pid, 0)).start()
    """,
    "child test only, parent never waits": """
        import os
        def spawn(job):
            pid = os.fork()  # leak: FA101
            if pid == 0:
                job()
                os._exit(0)
            return None
    """,
    # ------------------------------------------------------------------ subclasses
    "Thread subclass looping forever, started per call": """
        import threading
        class Poller(threading.Thread):
            def run(self):
                while True:
                    poll()
        def watch():
            Poller(daemon=True).start()  # leak: FA111
    """,
    "Thread subclass that starts itself in __init__": """
        from threading import Thread
        class Pump(Thread):
            def __init__(self):
                super().__init__(daemon=True)
                self.start()
            def run(self):
                while True:
                    pump()
        def handle():
            Pump()  # leak: FA111
    """,
    "Thread subclass with a stop() that joins, used in with": """
        import threading
        class Reader(threading.Thread):
            def __init__(self):
                super().__init__()
                self.alive = True
            def run(self):
                while self.alive:
                    read()
            def stop(self):
                self.alive = False
                self.join()
            def __enter__(self):
                self.start()
                return self
            def __exit__(self, *exc):
                self.stop()
        def serve():
            with Reader() as reader:
                reader.alive
    """,
    "Process subclass joined": """
        import multiprocessing
        class Worker(multiprocessing.Process):
            def run(self):
                work()
        def run():
            w = Worker()
            w.start()
            w.join()
    """,
    "Process subclass never joined": """
        import multiprocessing
        class Worker(multiprocessing.Process):
            def run(self):
                work()
        def run():
            w = Worker()  # leak: FA112
            w.start()
    """,
    # ------------------------------------------------------------------ factories
    "factory returning a Popen, caller discards": """
        import subprocess
        def spawn(cmd):
            return subprocess.Popen(cmd)
        def notify(msg):
            spawn(["notify-send", msg])  # leak: FA103
    """,
    "factory returning a Popen, caller waits": """
        import subprocess
        def spawn(cmd):
            proc = subprocess.Popen(cmd)
            return proc
        def run(cmd):
            spawn(cmd).wait()
    """,
    "method factory, caller stores and never waits": """
        import subprocess
        class Client:
            def _launch(self):
                return subprocess.Popen(["srv"])
            def connect(self):
                self._server = self._launch()  # leak: FA103
    """,
    "factory with no caller in the module: ownership goes to the caller": """
        import subprocess
        def spawn(cmd):
            return subprocess.Popen(cmd)
    """,
    "generator factory": """
        import subprocess
        def procs(cmds):
            for cmd in cmds:
                yield subprocess.Popen(cmd)
        def run(cmds):
            for proc in procs(cmds):
                proc.wait()
    """,
    "factory returning (event, thread) whose loop never ends: a leak where it starts": """
        import threading
        def background(target):
            event = threading.Event()
            def loop():
                while True:
                    target()
                    event.wait(1)
            thread = threading.Thread(target=loop, daemon=True)  # leak: FA111
            thread.start()
            return event, thread
        def attach(self):
            self.event, _ = background(work)
    """,
    # ------------------------------------------------------------------ accumulation
    "loop thread per request": """
        import threading
        def on_request(conn):
            def pump():
                while True:
                    conn.send(read())
            threading.Thread(target=pump).start()  # leak: FA111
    """,
    "runaway timer chain": """
        import threading
        class Metrics:
            def collect(self, rearm=True):
                if rearm:
                    self._timer = threading.Timer(10, self.collect)  # leak: FA111
                    self._timer.daemon = True
                    self._timer.start()
                send()
            def stop(self):
                self._timer.cancel()
    """,
    "a finite fire-and-forget thread is not a leak": """
        import threading
        def notify(msg):
            threading.Thread(target=lambda: send(msg)).start()
    """,
    "a forever daemon thread started once at import is not a leak": """
        import threading
        def _heartbeat():
            while True:
                beat()
        threading.Thread(target=_heartbeat, daemon=True).start()
    """,
    "a forever daemon thread started from a process entry point": """
        import threading
        class Child:
            def __init__(self):
                self.process = spawn_process(self.target)
            def pong(self):
                while True:
                    answer()
            def target(self):
                threading.Thread(target=self.pong, daemon=True).start()
                serve()
    """,
    "loop thread with a stop event and a join is fine": """
        import threading
        class Loop:
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._run, daemon=True)
                self._thread.start()
            def _run(self):
                while not self._stop.is_set():
                    tick()
            def close(self):
                self._stop.set()
                self._thread.join()
    """,
    "run_forever target on self, never joined": """
        import asyncio, threading
        class Connector:
            def __init__(self):
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)  # leak: FA111
                self._thread.start()
    """,
    # ------------------------------------------------------------------ decoys
    "psutil.Process is not multiprocessing": """
        import psutil
        def rss(pid):
            p = psutil.Process(pid)
            return p.memory_info()
    """,
    "own Timer class": """
        from .util import Timer
        def timed():
            t = Timer()
            t.start()
            return t
    """,
    "local fork function": """
        def fork(x):
            return x
        def use():
            fork(1)
    """,
    "subprocess.run and check_output wait": """
        import subprocess
        def run():
            subprocess.run(["x"])
            return subprocess.check_output(["y"])
    """,
    "a Popen subclass that is not ours": """
        import subprocess
        def run(cmd):
            with subprocess.Popen(cmd) as p:
                p.communicate()
    """,
    # ------------------------------------------------------------------ misc handles
    "asyncio subprocess awaited, also when cancelled": """
        import asyncio
        async def run(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)
            try:
                await proc.wait()
            finally:
                if proc.returncode is None:
                    proc.kill()
                    await proc.wait()
    """,
    "asyncio subprocess awaited, but abandoned when cancelled": """
        import asyncio
        async def run(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)  # leak: FA105
            await proc.wait()
        async def run_all(cmds):
            try:
                for cmd in cmds:
                    await run(cmd)
            except asyncio.CancelledError:
                log("cancelled")
                raise
    """,
    "asyncio subprocess awaited, in a module that never cancels": """
        import asyncio
        async def run(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)
            await proc.wait()
    """,
    "asyncio subprocess awaited by a task of its own": """
        import asyncio
        async def run(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)
            return asyncio.create_task(proc.wait())
    """,
    "asyncio wait_for that gives up, child never killed": """
        import asyncio
        async def run(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)  # leak: FA105
            return await asyncio.wait_for(proc.communicate(), 5)
    """,
    "asyncio subprocess killed on a timeout, never awaited: the watcher reaps it": """
        import asyncio
        async def run(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except asyncio.TimeoutError:
                proc.kill()
    """,
    "asyncio subprocess terminated and let go in __aexit__: the watcher reaps it": """
        import asyncio
        class Stream:
            async def __aenter__(self):
                self._proc = await asyncio.create_subprocess_exec("sox", "-")
                return self
            async def __aexit__(self, *exc):
                self._proc.terminate()
                del self._proc
    """,
    "asyncio subprocess never awaited nor killed: it runs on": """
        import asyncio
        async def run(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)  # leak: FA105
            await asyncio.sleep(1)
    """,
    "asyncio subprocess killed on the error path only: let go running on the normal one": """
        import asyncio
        async def serve(cmd, client):
            proc = await asyncio.create_subprocess_exec(*cmd)  # leak: FA105
            try:
                await client.handshake()
            except Exception:
                proc.kill()
                raise
            return "started"
    """,
    "asyncio subprocess killed in finally unless it has ended: nothing left": """
        import asyncio
        async def serve(cmd, ws):
            proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
            try:
                while line := await proc.stdout.readline():
                    await ws.send(line)
            finally:
                if proc.returncode is None:
                    proc.kill()
            return proc.returncode
    """,
    "popen waited in finally unless its returncode is known: reaped on every path": """
        import subprocess
        def run(cmd):
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            try:
                return p.stdout.read()
            finally:
                if p.returncode is None:
                    p.kill()
                    p.wait()
    """,
    "thread looping on a flag of its function, lowered after a call that may raise": """
        import threading, time
        def with_spinner(work):
            running = True
            def spin():
                while running:
                    time.sleep(0.1)
            t = threading.Thread(target=spin, daemon=True)  # leak: FA111
            t.start()
            result = work()
            running = False
            return result
    """,
    "thread looping on a flag of its function, lowered in finally": """
        import threading, time
        def with_spinner(work):
            running: bool = True
            def spin():
                while running:
                    time.sleep(0.1)
            t = threading.Thread(target=spin, daemon=True)
            t.start()
            try:
                return work()
            finally:
                running = False
    """,
    "thread looping on a flag it may lower itself: it can end by itself": """
        import threading, time
        def with_spinner(work, limit):
            running = True
            def spin():
                nonlocal running
                while running:
                    time.sleep(0.1)
                    if time.time() > limit:
                        running = False
            t = threading.Thread(target=spin, daemon=True)
            t.start()
            result = work()
            running = False
            return result
    """,
    "thread looping on a flag lowered inside a with-block, after a call that may raise": """
        import threading, time
        def handle(request, path):
            running = True
            def spin():
                while running:
                    time.sleep(0.1)
            t = threading.Thread(target=spin, daemon=True)  # leak: FA111
            t.start()
            with open(path) as f:
                data = f.read()
                running = False
            return data
    """,
    "thread looping on a parameter of its function, lowered after a call that may raise": """
        import threading, time, json
        def handle(request, running=True):
            def spin():
                while running:
                    time.sleep(0.1)
            t = threading.Thread(target=spin, daemon=True)  # leak: FA111
            t.start()
            body = json.loads(request)
            running = False
            return body
    """,
    "thread looping on a flag of its function that nothing lowers": """
        import threading, time
        def handle(request):
            running = True
            def spin():
                while running:
                    time.sleep(0.1)
            t = threading.Thread(target=spin, daemon=True)  # leak: FA111
            t.start()
            return request
    """,
    "thread looping on a flag a stop function beside it lowers (nonlocal)": """
        import threading, time
        def handle(request):
            running = True
            def spin():
                while running:
                    time.sleep(0.1)
            def stop():
                nonlocal running
                running = False
            threading.Thread(target=spin, daemon=True).start()
            return stop
    """,
    "thread waiting for an Event set after a call that may raise, never joined": """
        import threading
        def with_heartbeat(work, beat):
            stop = threading.Event()
            def loop():
                while not stop.wait(1):
                    beat()
            threading.Thread(target=loop, daemon=True).start()  # leak: FA111
            result = work()
            stop.set()
            return result
    """,
    "asyncio subprocess stored on self and awaited elsewhere": """
        import asyncio
        class Recorder:
            async def start(self):
                self._proc = await asyncio.create_subprocess_exec("rec")
            async def stop(self):
                self._proc.terminate()
                await self._proc.communicate()
    """,
    "spawn P_NOWAIT through an alias": """
        import os as system
        def notify():
            system.spawnlp(system.P_NOWAIT, "x", "x")  # leak: FA102
    """,
    "posix mode variable is unknown: stay silent": """
        import os
        def run(mode):
            os.spawnlp(mode, "x", "x")
    """,
    "executor shut down in finally": """
        from concurrent import futures
        def fetch(urls):
            ex = futures.ThreadPoolExecutor(8)
            try:
                return list(ex.map(get, urls))
            finally:
                ex.shutdown()
    """,
    "pool used once and dropped": """
        from multiprocessing import Pool
        def crunch(items):
            return Pool(4).map(work, items)  # leak: FA113
    """,
    "get_context().Pool in with": """
        import multiprocessing as mp
        def crunch(items):
            with mp.get_context("spawn").Pool(2) as pool:
                return pool.map(work, items)
    """,
    "handle passed to another function: ownership moves": """
        import subprocess
        def run(cmd, watcher):
            proc = subprocess.Popen(cmd)
            watcher.watch(proc)
    """,
    "global handle reaped in another function": """
        import subprocess
        _server = None
        def start():
            global _server
            _server = subprocess.Popen(["srv"])
        def stop():
            _server.wait()
    """,
    "star import": """
        from subprocess import *
        def run(cmd):
            Popen(cmd)  # leak: FA103
    """,
    "poll in a loop reaps": """
        import subprocess, time
        def run(cmd):
            proc = subprocess.Popen(cmd)
            while proc.poll() is None:
                time.sleep(0.1)
    """,
    "popen logged and dropped": """
        import os, logging
        def handle():
            pid = os.fork()  # leak: FA101
            if pid == 0:
                os._exit(0)
            logging.info("child %d", pid)
            print("spawned %s" % (pid,))
    """,
}


@pytest.mark.parametrize("code", list(CASES.values()), ids=list(CASES))
def test_case(code: str) -> None:
    check(code)


def test_every_finding_says_how_sure_and_why() -> None:
    findings = check(CASES["attr never reaped"])
    assert findings[0].confidence == "medium"
    assert "stored on self._proc; no method of Runner waits for it" in findings[0].message
    findings = check(CASES["waited on one branch only"])
    assert findings[0].confidence == "low" and "only when `wait`" in findings[0].message
    findings = check(CASES["waited only when an exception is raised"])
    assert "exception" in findings[0].message


def test_accumulation_flags_and_severity() -> None:
    (loop_thread,) = check(CASES["loop thread per request"])
    # on_request() is a request handler: the repetition is seen, not assumed
    assert {"accumulates", "per-request", "loops-forever"} <= set(loop_thread.flags)
    assert loop_thread.severity == "high"
    (timer,) = check(CASES["runaway timer chain"])
    assert timer.severity == "high" and "loops-forever" in timer.flags and "daemon" in timer.flags
    in_loop = check(
        """
        import subprocess
        def fire(cmds):
            for c in cmds:
                subprocess.Popen(c)  # leak
        """
    )
    assert "in-loop" in in_loop[0].flags
    at_import = check(
        """
        import subprocess
        subprocess.Popen(["x"])  # leak
        """
    )
    assert "accumulates" not in at_import[0].flags
    main = check(
        """
        import subprocess
        def main():
            subprocess.Popen(["x"])  # leak
        """
    )
    assert "accumulates" not in main[0].flags


def test_an_asyncio_child_abandoned_on_cancellation_is_low_and_says_so() -> None:
    (finding,) = check(CASES["asyncio subprocess awaited, but abandoned when cancelled"])
    assert finding.severity == "low" and finding.confidence == "low"
    assert "if the task is cancelled" in finding.message


def test_a_pool_made_once_per_process_is_low() -> None:
    (finding,) = check(MORE_CASES["module-level executor singleton: reported, but low"])
    assert finding.severity == "low" and "once" in finding.flags
    assert "at import time: bounded" in finding.message


CHAIN_ENTERED = """
    import threading
    _reporter = None
    def start_reporting():
        global _reporter
        {guard}
            _reporter = Reporter()
            _reporter.schedule()
    class Reporter:
        def schedule(self):
            timer = threading.Timer(10, self._report){mark}
            timer.daemon = True
            timer.start()
        def _report(self):
            flush()
            self.schedule()
"""


def test_a_timer_chain_weighs_as_often_as_the_way_into_it() -> None:
    """A timer whose callback re-arms it keeps one live timer at a time: a chain entered once
    (through a module global holding the object, behind a once-guard) is a daemon serving the
    process; entered on every call, chains pile up. The callback named positionally
    (``Timer(10, self._report)``) is a reference, not a caller of its own."""
    assert check(CHAIN_ENTERED.format(guard="if _reporter is None:", mark="")) == []
    (chain,) = check(CHAIN_ENTERED.format(guard="if True:", mark="  # leak"))
    assert chain.severity == "high" and "timer-chain" in chain.flags
    assert "start_reporting()" in chain.message


DEMOED = """
    import threading
    class Speaker:
        def __init__(self):
            self.running = True
            self.worker = None
        def consume(self, source):
            self.worker = threading.Thread(target=self._loop, daemon=True){mark}
            self.worker.start()
        def _loop(self):
            while self.running:
                step()
        def dispose(self):
            self.running = False
            if self.worker:
                self.worker.join()
    {script}
"""


def test_a_method_used_once_by_the_modules_own_script_block_still_runs_per_call() -> None:
    """The `__main__` block runs only when the module is run as a script: a class's methods
    called there once are a demo of the API, not evidence of how often importers call them.
    A module-level function the script block calls (its entry point) still runs once."""
    script = """if __name__ == "__main__":
        speaker = Speaker()
        speaker.consume(source())"""
    (replaced,) = check(DEMOED.format(mark="  # leak", script=script))
    assert "per-call" in replaced.flags and replaced.severity == "high"
    entry = """
    import threading
    def run_app():
        t = threading.Thread(target=serve){mark}
        t.start()
    def serve():
        while True:
            step()
    if __name__ == "__main__":
        run_app()
    """
    (once,) = check(entry.format(mark="  # leak"))
    assert "once" in once.flags and "__main__" in once.message


def test_daemon_lowers_severity_of_a_one_off_forever_thread() -> None:
    (finding,) = check(
        """
        import threading
        def _loop():
            while True:
                tick()
        def main():
            threading.Thread(target=_loop).start()  # leak
        """
    )
    assert finding.severity == "medium"  # non-daemon, once: exit hangs on it, nothing piles up
    assert "interpreter from exiting" in finding.message


def test_subclass_from_a_sibling_module_is_a_start() -> None:
    base = textwrap.dedent(
        """
        import threading
        class Watcher(threading.Thread):
            def __init__(self):
                super().__init__(daemon=True)
            def run(self):
                while True:
                    scan()
        """
    ).encode()
    user = textwrap.dedent(
        """
        from .watch import Watcher
        def on_event():
            Watcher().start()
        """
    ).encode()
    _, exported = analyze(base, "pkg/watch.py", PACK.rules)
    assert (
        "Watcher" in exported and exported["Watcher"].loops_forever and exported["Watcher"].daemon
    )
    result, _ = analyze(user, "pkg/use.py", PACK.rules, external=exported)
    assert [(f.line, f.rule, f.severity) for f in result.findings] == [(4, "FA111", "high")]


def test_suppression_comment() -> None:
    code = textwrap.dedent(
        """
        import subprocess
        def a():
            subprocess.Popen(["x"])  # forkaudit: ignore[FA103]
        def b():
            subprocess.Popen(["x"])  # forkaudit: ignore
        def c():
            subprocess.Popen(["x"])  # forkaudit: ignore[FA101]
        """
    )
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    assert [f.line for f in result.findings] == [8]
    assert result.suppressed == 2


def test_fingerprints_survive_line_shifts() -> None:
    code = "import subprocess\ndef f():\n    subprocess.Popen(['x'])\n"
    shifted = "import subprocess\n\n\n# a comment\ndef f():\n    subprocess.Popen(['x'])\n"
    a = analyze_source(code.encode(), "m.py", PACK.rules).findings[0]
    b = analyze_source(shifted.encode(), "m.py", PACK.rules).findings[0]
    assert a.line != b.line and a.fingerprint == b.fingerprint


def test_reap_guarded_by_the_handle_itself_is_unconditional() -> None:
    check(
        """
        import subprocess
        def run(cmd):
            proc = spawn(cmd)
            if proc is not None:
                proc.communicate()
        def spawn(cmd):
            try:
                return subprocess.Popen(cmd)
            except OSError:
                return None
        """
    )


# A child waited with a timeout, then killed or waited by a policy set in a handler
_KILL_OR_WAIT = """
        import subprocess
        def run(cmd):
            p = subprocess.Popen(cmd){leak}
            policy = "wait"
            try:
                p.communicate(timeout=60)
            except {caught}:
                policy = "kill"{then}
            finally:
                if policy == "kill":
                    p.kill()
                else:
                    p.wait()
"""

MORE_CASES: dict[str, str] = {
    "waited in a try's else whose only handler is for Ctrl-C": """
        import subprocess
        def run(cmd):
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
            try:
                proc.stdin.close()
            except KeyboardInterrupt:
                pass
            else:
                proc.wait()
    """,
    "waited in a try's else, not when an error is handled": """
        import subprocess
        def run(cmd):
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)  # leak
            try:
                proc.stdin.close()
            except OSError:
                log("broken pipe")
            else:
                proc.wait()
    """,
    "a worker re-created by an after-fork hook, in the child where the old one is gone": """
        import os, threading, weakref
        class Exporter:
            def __init__(self):
                self.done = False
                self._worker = threading.Thread(target=self._loop, daemon=True)
                self._worker.start()
                reinit = weakref.WeakMethod(self._at_fork_reinit)
                os.register_at_fork(after_in_child=lambda: reinit()())
            def _at_fork_reinit(self):
                self._worker = threading.Thread(target=self._loop, daemon=True)
                self._worker.start()
            def _loop(self):
                while not self.done:
                    export()
            def shutdown(self):
                self.done = True
                self._worker.join()
    """,
    "a worker per call on one attribute, and only the object's end stops the last": """
        import threading
        class Speaker:
            def speak(self, text):
                self.running = True
                self.worker = threading.Thread(target=self._pump, args=(text,))  # leak
                self.worker.start()
            def _pump(self, text):
                while self.running:
                    say(text)
            def dispose(self):
                self.running = False
                self.worker.join()
        def on_request(request):
            SPEAKER.speak(request.text)
    """,
    "a worker replaced after a look at the old one, or by a start/stop pair": """
        import threading
        class Speaker:
            def speak(self, text):
                if self.worker is not None:
                    self.dispose()
                self.running = True
                self.worker = threading.Thread(target=self._pump, args=(text,))
                self.worker.start()
            def start(self):
                self.running = True
                self.other = threading.Thread(target=self._pump, args=("",))
                self.other.start()
            def _pump(self, text):
                while self.running:
                    say(text)
            def stop(self):
                self.running = False
                self.other.join()
            def dispose(self):
                self.running = False
                self.worker.join()
    """,
    "a worker whose only exit is queue.Empty from a blocking get()": """
        import queue, threading
        class Worker(threading.Thread):
            def __init__(self, tasks):
                super().__init__(daemon=True)
                self.tasks = tasks
            def run(self):
                while True:
                    try:
                        func = self.tasks.get()
                    except queue.Empty:
                        break
                    func()
        def handle(request):
            tasks = queue.Queue()
            Worker(tasks).start()  # leak
            tasks.put(request.job)
    """,
    "a worker that ends when get() times out": """
        import queue, threading
        class Worker(threading.Thread):
            def __init__(self, tasks):
                super().__init__(daemon=True)
                self.tasks = tasks
            def run(self):
                while True:
                    try:
                        func = self.tasks.get(timeout=5)
                    except queue.Empty:
                        break
                    func()
        def handle(request):
            tasks = queue.Queue()
            Worker(tasks).start()
            tasks.put(request.job)
    """,
    "a thread that registers its own stop as a weakref callback on its owner": """
        import threading, time, weakref
        class Poller(threading.Thread):
            def __init__(self, owner):
                super().__init__(daemon=True)
                self.done = False
                self.owner = weakref.ref(owner, self._stop)
            def run(self):
                while not self.done:
                    time.sleep(1)
            def _stop(self, ref):
                self.done = True
        class Executor:
            def __init__(self):
                self._poller = Poller(self)
                self._poller.start()
    """,
    "a thread whose stop nothing calls or registers": """
        import threading, time
        class Poller(threading.Thread):
            def __init__(self, owner):
                super().__init__(daemon=True)
                self.done = False
            def run(self):
                while not self.done:
                    time.sleep(1)
            def stop(self):
                self.done = True
        def serve(owner):
            Poller(owner).start()  # leak
    """,
    "a flag another class sets on the object it holds stops its loop (af-t pwnagotchi)": """
        import threading, time
        class Server:
            def __init__(self):
                self.keep_going = True
                t = threading.Thread(target=self.update, daemon=True)
                t.start()
            def update(self):
                while self.keep_going:
                    time.sleep(6)
        class Plugin:
            def attach(self, server):
                self.ps = server
            def on_unload(self):
                self.ps.keep_going = False
    """,
    "a timer re-armed only while the object's flag holds (else it shuts down)": """
        import threading
        class Publisher:
            def publish(self):
                send()
                if self.allow_continue:
                    t = threading.Timer(self.interval, self.publish)
                    t.daemon = True
                    t.start()
                else:
                    log("shutting down")
            def close(self):
                self.allow_continue = False
    """,
    "a private pid waited through its public accessor (a property of a base class)": """
        import os
        class Worker(BaseWorker):
            def fork_horse(self):
                pid = os.fork()
                if pid == 0:
                    os._exit(work())
                self._horse_pid = pid
            def wait_for_horse(self):
                return os.wait4(self.horse_pid, 0)
    """,
    "a public attribute of the same name is another attribute": """
        import os
        class Worker:
            def fork_horse(self):
                pid = os.fork()  # leak
                if pid == 0:
                    os._exit(work())
                self._horse_pid = pid
                self.horse_pid = None
            def wait_for_horse(self):
                return os.wait4(self.horse_pid, 0)
    """,
    "parent exits through a module helper that always exits": """
        import os, sys
        def end(msg=None):
            print(msg)
            sys.exit(0)
        def daemonize():
            pid = os.fork()
            if pid > 0:
                end()
    """,
    "reaped in the if test": """
        import subprocess
        def edit(path):
            proc = subprocess.Popen(["vi", path])
            if proc.wait() != 0:
                raise RuntimeError("editor failed")
    """,
    "reaped in the if test, but only when a flag is set": """
        import subprocess
        def run(cmd, wait):
            proc = subprocess.Popen(cmd)  # leak
            if wait and proc.wait() != 0:
                raise RuntimeError("failed")
    """,
    "poll loop whose only exit follows a successful poll": """
        import select, subprocess
        def run(cmd):
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            out = b""
            while True:
                ready, _, _ = select.select([p.stdout], [], [], 1)
                if ready:
                    out += p.stdout.read(1024)
                if not ready and p.poll() is not None:
                    break
            return p.returncode, out
    """,
    "dead code under `if False:`": """
        import subprocess
        def run(cmd):
            if False:
                subprocess.Popen(cmd)
            else:
                proc = subprocess.Popen(cmd)
                proc.wait()
    """,
    "the flag set on one branch, the queue fed on another: the blocked get() never wakes": """
        import queue, threading
        class Router:
            def __init__(self):
                self.buffers = queue.Queue()
                self._stop = False
                self._feed = threading.Thread(target=self._feed_buffers)  # leak: FA111
                self._feed.start()
            def route(self, command, data):
                if command == "stop":
                    self._stop = True
                elif command == "reload":
                    self.reload()
                else:
                    self.buffers.put(data)
            def _feed_buffers(self):
                while not self._stop:
                    item = self.buffers.get()
                    self.parse(item)
    """,
    "the flag set, then the queue fed on the same pass: the blocked get() wakes": """
        import queue, threading
        class Router:
            def __init__(self):
                self.buffers = queue.Queue()
                self._stop = False
                self._feed = threading.Thread(target=self._feed_buffers)
                self._feed.start()
            def route(self, command, data):
                if command == "stop":
                    self._stop = True
                    if self.verbose:
                        log("stopping")
                    self.buffers.put(None)
                else:
                    self.buffers.put(data)
            def _feed_buffers(self):
                while not self._stop:
                    item = self.buffers.get()
                    if item is not None:
                        self.parse(item)
    """,
    "a class owning a looping thread, made per request and never shut down": _INTERVAL_RUNNER
    + """
        def handle(request):
            runner = IntervalRunner(request.poll).start()  # leak: FA111
            return request.reply()
    """,
    "a class owning a looping thread, shut down by its user": _INTERVAL_RUNNER
    + """
        class Client:
            def __init__(self):
                self.runner = IntervalRunner(self.poll).start()
            def poll(self):
                pass
            def close(self):
                self.runner.shutdown()
        def handle(request):
            with_client = Client()
            try:
                return with_client.poll()
            finally:
                with_client.close()
    """,
    "a class owning a looping thread, kept by a client whose close() forgets it": _INTERVAL_RUNNER
    + """
        class Client:
            def __init__(self):
                self.runner = IntervalRunner(self.poll)  # leak: FA111
                self.runner.start()
            def poll(self):
                pass
            def close(self):
                pass
    """,
    "an owner whose thread starts in __init__ and whose stop has another name": """
        import threading
        class Heartbeat:
            def __init__(self, conn):
                self.conn = conn
                self._done = threading.Event()
                self._worker = threading.Thread(target=self._beat)
                self._worker.start()
            def _beat(self):
                while not self._done.wait(5):
                    self.conn.ping()
            def halt(self):
                self._done.set()
                self._worker.join()
        def on_connect(conn):
            Heartbeat(conn)  # leak: FA111
        def on_connect_then_close(conn):
            beat = Heartbeat(conn)
            conn.serve()
            beat.halt()
    """,
    "a class around a thread that ends by itself owns nothing": """
        import threading
        class Job:
            def __init__(self, work):
                self.work = work
                self.thread = threading.Thread(target=self._run)
            def _run(self):
                self.work()
            def start(self):
                self.thread.start()
            def wait(self):
                self.thread.join()
        def handle(request):
            Job(request.work).start()
    """,
    "a factory returning a started thread that runs its argument": """
        import threading
        def start_thread(name, target, daemon=True):
            thread = threading.Thread(name=name, target=target)
            thread.daemon = daemon
            thread.start()
            return thread
        class Session:
            def on_connect(self):
                self.beat = start_thread("beat", self._beat)  # leak: FA111
                self.once = start_thread("hello", self._hello)
            def _beat(self):
                while True:
                    self.conn.ping()
            def _hello(self):
                self.conn.send("hello")
    """,
    "a loop on a flag of another object the class holds: set from elsewhere": """
        import threading, time
        class Discover:
            def __init__(self, base):
                self.base = base
            def listen(self):
                t = threading.Thread(target=self.broadcast, daemon=True)
                t.start()
            def broadcast(self):
                while True:
                    if self.base._exiting:
                        return
                    self.send()
                    time.sleep(10)
    """,
    "an event loop a thread serves, stopped through the list of loops it was put in": """
        import asyncio, threading
        class Scheduler:
            def __init__(self):
                self._loops = []
                self._loop = None
            def ensure(self):
                if self._loop is None:
                    self._loop = asyncio.new_event_loop()
                    self._loops.append(self._loop)
                    self._thread = threading.Thread(target=self._serve, daemon=True)
                    self._thread.start()
            def _serve(self):
                self._loop.run_forever()
            def stop(self):
                for loop in self._loops:
                    loop.call_soon_threadsafe(loop.stop)
    """,
    # the wait in the other branch never runs after the kill
    "killed on timeout in one branch, waited in the other": _KILL_OR_WAIT.format(
        leak="  # leak: FA103", caught="(KeyboardInterrupt, subprocess.TimeoutExpired)", then=""
    ),
    "killed on timeout in one branch, waited after the if": """
        import subprocess
        def run(cmd):
            p = subprocess.Popen(cmd)
            try:
                p.communicate(timeout=60)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
            if timed_out:
                p.kill()
            p.wait()
    """,
    # `policy` is only ever "wait" outside Ctrl-C: the kill branch is never taken
    "the killing branch is never taken": _KILL_OR_WAIT.format(
        leak="", caught="KeyboardInterrupt", then="\n                raise"
    ),
    # __exit__ stops it, then waits for it; a watcher thread polls it to its end
    "a cleanup killing a Popen, waited right after by __exit__": """
        import subprocess
        class Job:
            def __init__(self, cmd):
                self.proc = subprocess.Popen(cmd)
            def terminate(self):
                self.proc.terminate()
            def wait(self):
                return self.proc.wait()
            def __exit__(self, *exc):
                self.terminate()
                self.wait()
    """,
    "a cleanup killing a Popen that a watcher thread polls to its end": """
        import subprocess, threading, time
        class Job:
            def __init__(self, cmd):
                self.proc = subprocess.Popen(cmd)
                threading.Thread(target=self._watch, daemon=True).start()
            def _watch(self):
                while self.proc.poll() is None:
                    time.sleep(1)
            def close(self):
                self.proc.terminate()
    """,
    "a cleanup killing a Popen whose class waits for it only with a timeout": """
        import subprocess
        class Job:
            def start(self, cmd):
                self.proc = subprocess.Popen(cmd)  # leak: FA103
            def terminate(self):
                self.proc.terminate()
            def finished(self):
                try:
                    return self.proc.wait(timeout=0.1)
                except subprocess.TimeoutExpired:
                    return None
    """,
    "module-level executor singleton: reported, but low": """
        from concurrent.futures import ThreadPoolExecutor
        executor = ThreadPoolExecutor(4)  # leak: FA115
        def submit(fn):
            return executor.submit(fn)
    """,
}


@pytest.mark.parametrize("code", list(MORE_CASES.values()), ids=list(MORE_CASES))
def test_more_case(code: str) -> None:
    check(code)


def test_unused_suppressions_are_reported_by_line() -> None:
    code = textwrap.dedent(
        """
        import subprocess
        X = "# forkaudit: ignore  (inside a string: not a comment)"
        def a():
            subprocess.Popen(["x"])  # forkaudit: ignore[FA103]
        def b():
            return 1  # forkaudit: ignore
        def c():
            subprocess.Popen(["x"])  # forkaudit: ignore[FA101]
        """
    )
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    assert result.suppressed == 1
    assert result.unused_suppressions == (7, 9)


def test_handles_passed_around_in_a_cycle_do_not_recurse_forever() -> None:
    code = textwrap.dedent(
        """
        import subprocess
        def run(cmds, table):
            proc = subprocess.Popen(cmds[0])
            table["p"] = proc
            again = table["p"]
            table["q"] = again
            other = table["q"]
            table["p"] = other
        """
    )
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    assert result.error is None  # it terminates (this used to be a RecursionError)
    assert [f.rule for f in result.findings] == ["FA103"]


_LISTENER = """
        import threading
        class Listener:
            def __init__(self):
                self._thread = None
            def on_connected(self):
                if self._thread is None:
                    self._thread = threading.Thread(target=self._loop, daemon=True)  # leak
                    self._thread.start()
            def _loop(self):
                while True:
                    self.beat()
"""


def test_a_once_guard_on_the_object_itself_is_once_per_object() -> None:
    """`if self._thread is None:` starts one thread per object, not one per process: as often
    as such objects are made (here per request), where a module-level guard is once."""
    per_object = check(
        _LISTENER
        + """
        def handle(request):
            listener = Listener()
            request.subscribe(listener)
        """
    )
    assert per_object[0].severity == "high"
    # the handler's reason reads as a sentence of its own
    assert (
        "Listener objects are made per request (handle() is a request or connection handler)"
        in per_object[0].message
    ), per_object[0].message
    bounded = check(_LISTENER)
    assert bounded[0].severity == "medium"
    assert "once per Listener object, behind the once-guard" in bounded[0].message
    process_wide = check(
        """
        import threading
        _thread = None
        def ensure_started():
            global _thread
            if _thread is None:
                _thread = threading.Thread(target=_loop, daemon=True)
                _thread.start()
        def _loop():
            while True:
                beat()
        """
    )
    assert process_wide == []


def test_once_per_object_of_a_per_use_class_piles_up() -> None:
    """A thread that never ends, started once per object: bounded while the objects live as long
    as the program (a server, a service with stop()); but objects of a class with close() (a
    client, a session) are made and closed per use, and each leaves its thread when close() does
    not stop it."""
    code = """
        import threading
        class {name}:
            def __init__(self, conn):
                self.conn = conn
                self._beat = threading.Thread(target=self._loop, daemon=True)  # leak
                self._beat.start()
            def _loop(self):
                while True:
                    self.conn.ping()
            {end}
    """
    (per_use,) = check(
        code.format(name="Client", end="def close(self):\n                self.conn.close()")
    )
    assert per_use.severity == "high"
    assert "Client objects end with close(), so they are made and ended per use" in (
        per_use.message
    )
    (bounded,) = check(code.format(name="Server", end="def serve(self):\n                pass"))
    assert bounded.severity == "medium" and "once per Server object" in bounded.message
    # stop(): a service, stopped once at the end, not a resource closed per use
    (service,) = check(code.format(name="Agent", end="def stop(self):\n                pass"))
    assert service.severity == "medium" and "once per Agent object" in service.message


def test_a_factory_thread_is_a_daemon_unless_the_caller_says_otherwise() -> None:
    """`start_thread(name, target, daemon=True)`: a daemon by default, so one started once per
    process serves by design; `daemon=False` at the call makes it one that hangs exit."""
    code = """
        import threading
        def start_thread(name, target, daemon=True):
            thread = threading.Thread(name=name, target=target)
            thread.daemon = daemon
            thread.start()
            return thread
        def _loop():
            while True:
                poll()
        if __name__ == "__main__":
            start_thread("poller", _loop{extra}){mark}
    """
    assert check(code.format(extra="", mark="")) == []
    (hangs,) = check(code.format(extra=", daemon=False", mark="  # leak"))
    assert hangs.severity == "medium" and "keeps the interpreter from exiting" in hangs.message


def test_code_that_runs_only_on_windows_is_not_judged_here() -> None:
    """forkaudit judges the platform it runs on: a start under a Windows test (a platform
    comparison, a flag naming Windows, a conjunction holding one, the `else` of a test that
    holds everywhere but Windows, a function defined only there) never runs on Linux; a start
    under a test that holds here, or under `or`, does."""
    check(
        """
        import os, sys, platform, threading
        from .compat import RUNNING_WINDOWS, IS_WIN32

        def loop():
            while True:
                pass

        def a():
            if sys.platform == "win32":
                threading.Thread(target=loop).start()

        def b():
            if not RUNNING_WINDOWS:
                pass
            elif RUNNING_WINDOWS and os.getpid():
                threading.Thread(target=loop).start()

        def c():
            if os.name != "nt":
                pass
            else:
                threading.Thread(target=loop).start()

        def d():
            if platform.system() == "Windows" or IS_WIN32:
                threading.Thread(target=loop).start()

        if sys.platform.startswith("win"):
            def e():
                threading.Thread(target=loop).start()

        def f():
            if sys.platform == "linux":
                threading.Thread(target=loop).start()  # leak

        def g():
            if IS_WIN32 or os.getpid():
                threading.Thread(target=loop).start()  # leak

        def h(win):
            if win:  # a window, not Windows
                threading.Thread(target=loop).start()  # leak
        """
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="judged as on Linux")
def test_code_for_macos_only_or_off_linux_is_not_judged_on_linux() -> None:
    """The same for macOS (`sys.platform == "darwin"`, `IS_MACOS`), and the `else` of a test
    that holds on Linux: each platform test is evaluated as it is here."""
    check(
        """
        import sys, threading
        from .compat import IS_MACOS

        def loop():
            while True:
                pass

        def a():
            if sys.platform == "darwin":
                threading.Thread(target=loop).start()
            elif IS_MACOS:
                threading.Thread(target=loop).start()
            else:
                threading.Thread(target=loop).start()  # leak

        def b():
            if sys.platform.startswith("linux"):
                threading.Thread(target=loop).start()  # leak
            else:
                threading.Thread(target=loop).start()

        def c():
            if sys.platform in ("darwin", "win32"):
                threading.Thread(target=loop).start()

        def d(kind):
            if sys.platform in ("darwin", kind):  # not known here: judged
                threading.Thread(target=loop).start()  # leak
        """
    )


_TOKENS = """
    import threading
    class Tokens:
        def __init__(self):
            self._lock = threading.Lock()
            self.token = None
        def get(self):
            with self._lock:
                if self.token:
                    return self.token
            t = threading.Timer(0, self._poll)  # leak
            t.start()
        def _poll(self):
            self.token = fetch()
            threading.Timer(60, self._poll).start()  # leak
        def stop(self):
            self.token = None
"""


def test_an_early_return_is_a_once_guard_only_on_state_the_start_sets() -> None:
    """`with self._lock: if self.token: return self.token` before the start is the double-checked
    once-guard (the started poller sets the token): once per object, when only the object's end
    (stop) clears the token; a method clearing it on the way (`clear_token()` after a 401)
    reopens the guard, so the start runs again on calls after each clear. `if self._stopped:
    return` tests state only stop() sets: it guards nothing, the start runs on every call."""
    # (two findings: where the chain starts, line 11, and where it goes on)
    for guarded in check(_TOKENS):
        assert guarded.severity == "medium", guarded.message
        assert "once per Tokens object, after the once-guard `if self.token: return`" in (
            guarded.message
        )
    for reopened in check(
        _TOKENS + "        def clear_token(self):\n            self.token = None\n"
    ):
        assert reopened.severity == "high", reopened.message
        assert "on every call of get()" in reopened.message
    (per_call,) = check(
        """
        import threading
        class Scheduler:
            def __init__(self):
                self._lock = threading.Lock()
                self._stopped = False
            def stop(self):
                self._stopped = True
            def run_once(self, callback):
                with self._lock:
                    if self._stopped:
                        return
                t = threading.Thread(target=self._serve, args=(callback,), daemon=True)  # leak
                t.start()
            def _serve(self, callback):
                while True:
                    callback()
        """
    )
    assert per_call.severity == "high", per_call.message
    assert "on every call of run_once()" in per_call.message


def test_a_module_name_rebound_per_call_holds_one_at_a_time() -> None:
    """`global _pool; _pool = Executor()` on every call drops the last executor (its idle
    workers end when it is collected): one at a time, bounded. Appended to a module list, every
    one stays."""
    (rebound,) = check(
        """
        from concurrent.futures import ThreadPoolExecutor
        _pool = None
        def use_pool(workers):
            global _pool
            _pool = ThreadPoolExecutor(workers)  # leak
        def submit(fn):
            _pool.submit(fn)
        """
    )
    assert rebound.severity == "medium", rebound.message
    assert "each replaces the last" in rebound.message
    (kept,) = check(
        """
        from concurrent.futures import ThreadPoolExecutor
        _pools = []
        def use_pool(workers, fn):
            pool = ThreadPoolExecutor(workers)  # leak
            _pools.append(pool)
            pool.submit(fn)
        """
    )
    assert kept.severity == "high", kept.message


_REGISTERED = """
    import subprocess, weakref, atexit

    def _cleanup(process):
        process.kill()
        process.wait()

    def _log(process):
        print(process)

    # FILLER

    class Sub:
        def _get_process(self):
            process = subprocess.Popen(["x"])
            self._finalizer = weakref.finalize(self, _cleanup, process)
            return process

        def _get_other(self):
            process = subprocess.Popen(["y"])
            weakref.finalize(self, _log, process)
            return process

        def send(self, data):
            self._get_process().stdin.write(data)
            self._get_other().stdin.write(data)  # leak: FA103

    def spawn():
        p = subprocess.Popen(["z"])
        atexit.register(_cleanup, p)
        return p

    def use():
        spawn().stdin.write(b"x")
"""


def test_a_reap_registered_for_later_with_the_handle_as_argument() -> None:
    """`weakref.finalize(self, _cleanup, proc)` / `atexit.register(_cleanup, proc)` hand the
    handle to a function of the module that will run later: when that function waits for it,
    the reaping is arranged where the handle is made, and returning it only shares it (callers
    of the factory start nothing). A registered function that does not reap changes nothing."""
    check(_REGISTERED)


def test_a_container_parameter_is_the_callers_and_elements_taken_by_index_are_reaped() -> None:
    """`_populate(processes)` appends to its caller's list; the caller hands the same list to
    `_join_exited(processes)`, which takes each element out by index (`worker = processes[i]`)
    in a loop and joins it: reaped. A list only read by index (printed) reaps nothing."""
    check(
        """
        import multiprocessing

        def _populate(processes, n):
            for _ in range(n):
                p = multiprocessing.Process(target=work)
                p.start()
                processes.append(p)

        def _join_exited(processes):
            for index in reversed(range(len(processes))):
                worker = processes[index]
                if worker.exitcode is not None:
                    worker.join()
                    del processes[index]

        def serve(n):
            processes = []
            while True:
                _populate(processes, n)
                _join_exited(processes)

        def _populate_other(processes, n):
            for _ in range(n):
                p = multiprocessing.Process(target=work)  # leak: FA112
                p.start()
                processes.append(p)

        def _show(processes):
            for index in range(len(processes)):
                worker = processes[index]
                print(worker.name)

        def serve_other(n):
            processes = []
            while True:
                _populate_other(processes, n)
                _show(processes)
        """
    )


def test_an_asyncio_start_awaited_later_is_followed_through_the_await() -> None:
    """`cmd = asyncio.create_subprocess_exec(...)` makes a coroutine; `proc = await cmd` is the
    process: its `wait()` reaps it."""
    check(
        """
        import asyncio

        async def run(args):
            cmd_exec = asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE)
            proc = await cmd_exec
            out = await proc.stdout.read()
            await proc.wait()
            return out

        async def run_unwaited(args):
            cmd_exec = asyncio.create_subprocess_exec(*args, stdout=PIPE)  # leak: FA105
            proc = await cmd_exec
            return await proc.stdout.read()
        """
    )


_PLAYER = """
    import subprocess
    import threading

    MISSING = object()

    class Player:
        def __init__(self, args):
            self._process = subprocess.Popen(args, stdout=subprocess.PIPE){m1}
            self._reader = threading.Thread(target=self._read, daemon=True){m2}
            self._reader.start()

        def _read(self):
            while self._process:
                self._process.stdout.read(4096)

        def _kill(self):
            proc = getattr(self, "{attr}", MISSING)
            if proc is MISSING:
                return
            proc.kill()
            proc.communicate()

        def cleanup(self):
            self._kill()
            {chain} = MISSING
"""


def test_getattr_on_self_reads_the_attribute_and_chained_assignments_set_each_flag() -> None:
    """`proc = getattr(self, "_process", MISSING)` then `proc.communicate()` reaps
    `self._process`; `self._process = self._stdout = MISSING` clears the flag `while
    self._process:` waits on (chained: every target is set). Without them, both leak."""
    code = _PLAYER
    check(code.format(m1="", m2="", attr="_process", chain="self._process = self._stdout"))
    check(
        code.format(
            m1="  # leak: FA103",
            m2="  # leak: FA111",
            attr="_other",
            chain="self._stdout = self._stderr",
        )
    )


_SERVE_UNTIL_ERROR = """
    import threading

    def capture(app):
        while 1:
            with app.connection() as conn:
                try:
                    conn.drain_events()
                except conn.errors:
                    print("lost")

    def top(app):
        refresher = threading.Thread(target=refresh_loop){mark}
        refresher.start()
        try:
            capture(app){tail}
        except Exception:
            refresher.join()
            raise
        except KeyboardInterrupt:
            refresher.join()

    def refresh_loop():
        while True:
            redraw()
"""


def test_a_try_that_never_ends_normally_is_left_only_through_its_handlers() -> None:
    """`try: capture(app)` where capture() serves in an endless loop: the only ways out are the
    handlers, and each joins the thread. When the try can end normally (a call after which the
    function goes on), the normal path leaks."""
    check(_SERVE_UNTIL_ERROR.format(mark="", tail=""))
    check(_SERVE_UNTIL_ERROR.format(mark="  # leak: FA111", tail="\n            tidy()"))


def test_an_object_kept_alive_by_its_own_endless_thread_keeps_what_it_holds() -> None:
    """An executor on `self` goes with its object when the object is collected: once per
    object. But an object whose own thread never ends and runs one of its methods
    (`target=self._pump`) is never collected: what it holds stays, and for a per-use class
    (close()) one set per use piles up."""
    code = """
        import threading
        from concurrent.futures import ThreadPoolExecutor

        class Client:
            def __init__(self):
                self.workers = ThreadPoolExecutor(4)  # leak: FA115
                self.workers.submit(warm_up)
                self._pump = threading.Thread(target={target}, daemon=True){mark}
                self._pump.start()

            def _run(self):
                while True:
                    poll()

            def close(self):
                self.closed = True
    """
    workers, pump = check(code.format(target="self._run", mark="  # leak: FA111"))
    assert workers.severity == "high", workers.message
    assert "kept alive by a thread of its own" in workers.message
    assert pump.severity == "high", pump.message
    (alone,) = check(code.format(target="serve_forever", mark=""))
    assert alone.severity == "medium", alone.message


def test_polling_a_process_until_it_has_ended_reaps_it() -> None:
    """`Process.is_alive()` and `Process.exitcode` poll the child (`waitpid(pid, WNOHANG)`): a
    loop that goes on until they say it has ended leaves it reaped. Asking once does not."""
    check(
        """
        import multiprocessing, time

        def run_until_dead(fn):
            p = multiprocessing.Process(target=fn)
            p.start()
            while p.is_alive():
                time.sleep(0.1)
            return p.exitcode

        def run_until_exitcode(fn):
            p = multiprocessing.Process(target=fn)
            p.start()
            while p.exitcode is None:
                time.sleep(0.1)

        def ask_once(fn):
            p = multiprocessing.Process(target=fn)  # leak: FA112
            p.start()
            if p.is_alive():
                print("running")
        """
    )


def test_an_early_return_before_the_reap_leaves_the_handle() -> None:
    """A `return` between the start and the reap leaves that path unreaped, unless the path
    reaps before returning, returns the handle, has no handle (`if pool is None:`) or is the
    child's side of a fork."""
    (finding,) = check(
        """
        import os, subprocess
        from multiprocessing import Pool

        def early(x):
            p = subprocess.Popen(["a"])  # leak: FA103
            if x:
                return
            p.wait()

        def reaped_first(x):
            p = subprocess.Popen(["a"])
            if x:
                p.kill()
                p.wait()
                return
            p.wait()

        def handed(x):
            p = subprocess.Popen(["a"])
            if x:
                return p
            p.wait()

        def no_pool(jobs, run_serial):
            pool = Pool(jobs) if jobs > 1 else None
            if pool is None:
                run_serial()
                return
            pool.close()
            pool.join()

        def forked(work):
            pid = os.fork()
            if pid == 0:
                work()
                return
            os.waitpid(pid, 0)
        """
    )
    assert "the `return` at line 8 leaves it unwaited" in finding.message, finding.message


def test_a_wait_any_loop_of_the_starting_function_reaps_only_the_paths_reaching_it() -> None:
    """The module's only wait-any reaper is a `while True: os.waitpid(-1, WNOHANG)` loop in
    the function that spawns the child: a path returning before it leaves the child; a parent
    reaching it on every path (the child's side of the fork aside) is reaped."""
    check(
        """
        import os, time

        class Proxy:
            def go(self):
                self.pid = os.spawnv(os.P_NOWAIT, self.command, self.args)  # leak: FA102
                if self.wait_pidfile:
                    self.watch_pidfile()
                    return
                while True:
                    time.sleep(5)
                    pid, status = os.waitpid(-1, os.WNOHANG)
                    if pid:
                        break
        """
    )
    check(
        """
        import os, subprocess

        def popen_forked(args):
            try:
                pid = os.fork()
            except OSError:
                return False
            if pid == 0:
                subprocess.Popen(args)
                os._exit(0)
            else:
                os.wait()
            return True
        """
    )


def test_review_ordinary_names_and_objects_are_not_platform_tests() -> None:
    """`windows = list_windows()`, `self.windows`, a loop variable named `platform`, and a
    `host.system()` that is not `platform.system()` test nothing about this machine."""
    check(
        """
        import subprocess

        def focus_all(names):
            windows = list_windows()
            if windows:
                subprocess.Popen(["wmctrl", "-a", names[0]])  # leak

        def build_all(platforms):
            for platform in platforms:
                if platform == "darwin":
                    subprocess.Popen(["make", "dmg"])  # leak

        def restart(host):
            if host.system() == "Windows":
                subprocess.Popen(["ssh", host.name, "sc", "stop", "agent"])  # leak
        """
    )


def test_a_name_bound_to_the_platform_alone_is_the_platform() -> None:
    """`system = platform.system()` then `if system == "Windows":` tests this machine as the
    call itself would (PyMeasure's open_file_externally, held9); a name also bound to anything
    else, or a parameter, tests nothing known."""
    check(
        """
        import os
        import platform
        import subprocess
        import sys

        PLATFORM = sys.platform

        def open_externally(filename):
            system = platform.system()
            if system == "Windows":
                _ = subprocess.Popen(["start", "", filename], shell=True)
            elif system == "Linux":
                _ = subprocess.Popen(["xdg-open", filename])  # leak

        def reveal(path):
            if PLATFORM == "win32":
                subprocess.Popen(["explorer", path])
            subprocess.Popen(["xdg-open", path])  # leak

        def on_host(system, path):
            if system == "Windows":
                subprocess.Popen(["explorer", path])  # leak

        def either(path, remote):
            system = platform.system()
            if remote:
                system = remote.system()
            if system == "Windows":
                subprocess.Popen(["explorer", path])  # leak
        """
    )


def test_review_polling_counts_only_until_the_end_and_early_returns_only_when_they_leave() -> None:
    """A loop on `not p.is_alive()`, on `is_alive() and deadline`, or one a break leaves does
    not wait for the end. A return inside a try whose finally reaps, after `p.poll() is not
    None`, or of a handle also kept in a list leaves nothing; `return p.returncode` does."""
    check(
        """
        import multiprocessing, subprocess, time

        def wait_started(fn):
            p = multiprocessing.Process(target=fn)  # leak: FA112
            p.start()
            while not p.is_alive():
                time.sleep(0.1)

        def with_deadline(fn, deadline):
            p = multiprocessing.Process(target=fn)  # leak: FA112
            p.start()
            while p.is_alive() and time.time() < deadline:
                time.sleep(0.1)

        def with_break(fn, stop):
            p = multiprocessing.Process(target=fn)  # leak: FA112
            p.start()
            while p.exitcode is None:
                if stop():
                    break

        def finally_reaps(cmd, ready):
            p = None
            try:
                p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
                if not ready():
                    return None
                out, _ = p.communicate()
                return out
            finally:
                if p is not None:
                    p.kill()
                    p.wait()

        def poll_check(cmd):
            p = subprocess.Popen(cmd)
            if p.poll() is not None:
                return False
            p.wait()
            return True

        def kept(cmd, x, procs):
            p = subprocess.Popen(cmd)
            procs.append(p)
            if x:
                return
            p.wait()

        def returncode(cmd, x):
            proc = subprocess.Popen(cmd)  # leak: FA103
            if x:
                return proc.returncode
            proc.wait()
        """
    )


def test_review_wait_any_loops_containers_guards_and_run() -> None:
    """A wait-any loop after a fork loop reaps every iteration's child; a static method filling
    the caller's list that the caller joins; a guard set by a helper the guarded method calls;
    `run(self, interval)` storing a new thread per call replaces the last one unjoined."""
    check(
        """
        import os, multiprocessing, threading

        def main(n):
            for i in range(n):
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
            while True:
                try:
                    os.wait()
                except ChildProcessError:
                    break

        class Pool:
            @staticmethod
            def _populate(procs, n):
                for _ in range(n):
                    p = multiprocessing.Process(target=work)
                    p.start()
                    procs.append(p)

            def run(self, n):
                processes = []
                self._populate(processes, n)
                for p in processes:
                    p.join()

        class Ticker:
            def run(self, interval):
                self._thread = threading.Thread(target=self._tick, args=(interval,))  # leak
                self._thread.start()

            def _tick(self, interval):
                while True:
                    beat(interval)

            def close(self):
                self._thread.join()
        """
    )
    (guarded,) = check(
        """
        import threading

        class Conn:
            def _open(self):
                self._connected = True

            def send(self, data):
                if self._connected:
                    return
                self._open()
                reader = threading.Thread(target=self._read_loop)  # leak
                reader.start()

            def _read_loop(self):
                while True:
                    self.sock.recv(4096)
        """
    )
    assert "once per Conn object, after the once-guard" in guarded.message, guarded.message


def test_cleanup_registered_with_atexit_reaps_only_what_is_made_once() -> None:
    """`atexit.register(_cleanup, p)` / `atexit.register(p.terminate)` reap at the end of the
    process: a child made once (or by a function nothing shows to run often) is its author's
    design; one made in a loop stays, referenced by the registry, until the process ends."""
    check(
        """
        import atexit, subprocess

        def _cleanup(proc):
            proc.terminate()
            proc.wait()

        def launch_agent():
            p = subprocess.Popen(["ssh-agent", "-D"])
            atexit.register(_cleanup, p)
            return p.pid

        def spawn_all(cmds):
            for cmd in cmds:
                p = subprocess.Popen(cmd)  # leak: FA103
                atexit.register(_cleanup, p)

        def watch_all(cmds):
            for cmd in cmds:
                p = subprocess.Popen(cmd)  # leak: FA103
                atexit.register(p.kill)
        """
    )


def test_a_flag_cleared_on_the_way_out_only_keeps_calls_from_overlapping() -> None:
    """`if self._busy: return; self._busy = True; try: ... finally: self._busy = False` (or the
    flag cleared at the end of the function) keeps two calls from overlapping, not a second
    call from starting again: each call starts anew. A flag cleared only in an `except` handler
    (undoing a failed start) still guards later calls."""
    work = """
            def _work(self):
                while True:
                    poll()
        """
    busy = (
        """
        import threading
        class Refresher:
            def __init__(self):
                self._busy = False
            def refresh(self):
                if self._busy:
                    return
                self._busy = True
                try:
                    threading.Thread(target=self._work, daemon=True).start()  # leak
                finally:
                    self._busy = False"""
        + work
    )
    (finding,) = check(busy)
    assert finding.severity == "high", finding.message
    assert "on every call of refresh()" in finding.message
    at_the_end = busy.replace(
        "                try:\n                    threading.Thread(target=self._work, daemon=True)"
        ".start()  # leak\n                finally:\n                    self._busy = False\n",
        "                threading.Thread(target=self._work, daemon=True).start()  # leak\n"
        "                with self._lock:\n                    self._busy = False\n",
    )
    assert at_the_end != busy
    (finding,) = check(at_the_end)
    assert finding.severity == "high", finding.message
    wrapped = (
        """
        import threading
        class Refresher:
            def refresh(self):
                if not self._busy:
                    self._busy = True
                    try:
                        threading.Thread(target=self._work, daemon=True).start()  # leak
                    finally:
                        self._busy = None"""
        + work
    )
    (finding,) = check(wrapped)
    assert finding.severity == "high", finding.message
    undone = busy.replace("finally:", "except Exception:").replace(
        "self._busy = False\n            def _work",
        "self._busy = False\n                    raise\n            def _work",
    )
    assert "raise" in undone
    (finding,) = check(undone)
    assert finding.severity == "medium", finding.message
    assert "once-guard" in finding.message
    # a finally clearing it only when the start failed undoes that start, no more
    failed_only = busy.replace(
        "                finally:\n                    self._busy = False",
        "                finally:\n                    if not started:\n"
        "                        self._busy = False",
    )
    assert failed_only != busy
    (finding,) = check(failed_only)
    assert finding.severity == "medium", finding.message


def test_a_handler_base_counts_only_when_it_is_the_frameworks() -> None:
    """`class H(BaseRequestHandler)` runs per connection when the base is socketserver's (or
    defined in the module itself, as in the framework's own code); the distribution's own class
    of that name (`from acme.handlers.base import BaseRequestHandler`, a relative import) says
    nothing about how often it is made."""
    template = """
        import threading
        {import_line}
        class Handler(BaseRequestHandler):
            def setup(self):
                threading.Thread(target=self._watch, daemon=True).start()  # leak
            def _watch(self):
                while True:
                    tick()
        """
    framework = check(template.format(import_line="from socketserver import BaseRequestHandler"))
    assert [f.severity for f in framework] == ["high"], framework
    assert "runs per connection or request" in framework[0].message
    six = check(
        template.format(import_line="from six.moves.socketserver import BaseRequestHandler")
    )
    assert [f.severity for f in six] == ["high"], six
    for own in (
        "from acme.handlers.base import BaseRequestHandler",
        "from acme.http.base import BaseRequestHandler",
        "from .base import BaseRequestHandler",
    ):
        (finding,) = check(template.format(import_line=own))
        assert "runs per connection or request" not in finding.message, (own, finding.message)
    local = template.format(import_line="class BaseRequestHandler: pass")
    (finding,) = check(local)
    assert "runs per connection or request" in finding.message


def test_get_of_a_mapping_does_not_block_a_stop_flag_loop() -> None:
    """A flag loop blocked in `self._q.get()` never sees stop() set the flag unless something
    is put in the queue; `self._deadlines.get(key)` of a dict, or `self._backoff.get()` of an
    object not named a queue, returns at once, so stop() ends the loop."""
    template = """
        import queue, threading
        class Watchdog:
            def __init__(self):
                self._items = {value}
                self._stop = threading.Event()
                self._thread = None
            def start(self):
                self._thread = threading.Thread(target=self._run, daemon=True)  # leak
                self._thread.start()
            def stop(self):
                self._stop.set()
            def _run(self):
                while not self._stop.is_set():
                    item = self._items.get(1)
                    check(item)
        """
    for queue_like in ("queue.Queue()", "gevent.queue.Channel()", "AsyncResult()"):
        (blocked,) = check(template.format(value=queue_like))
        assert "nothing puts anything in the queue" in blocked.message, blocked.message
    for mapping in ("{}", "dict()", "collections.defaultdict(list)", "Backoff()"):
        # stop() ends the loop: nothing to report
        assert check(template.format(value=mapping).replace("  # leak", "")) == [], mapping


def test_a_loop_exit_on_what_the_loop_changes_is_not_a_stuck_flag() -> None:
    """A worker loop that also leaves on a marker it takes from its queue ends with no flag
    set when the class puts that marker there (shutdown() putting SHUTDOWN); blocked in that
    get(), it sees no other exit (a retire-after-N counter) until something is put. A loop
    with no queue leaves on a counter it raises, or on the clock, by itself."""
    pool = """
        import queue, threading
        class Pool:
            SHUTDOWN = object()
            def __init__(self):
                self.queue = queue.Queue()
                self.dying = {}
                self.max_requests = 100
            def add_worker(self):
                worker = threading.Thread(target=self.work)
                worker.start()
            def shutdown(self):
                self.queue.put({marker})
            def work(self):
                served = 0
                while True:
                    if self.max_requests and self.max_requests < served:
                        break
                    runnable = self.queue.get()
                    if runnable is Pool.SHUTDOWN:
                        break
                    served += 1
                    runnable()
                    if self.dying:
                        break
        """
    assert check(pool.replace("{marker}", "self.SHUTDOWN")) == []  # each ends when told
    (stuck,) = check(
        pool.replace("{marker}", "None").replace("(target=self.work)", "(target=self.work)  # leak")
    )
    assert "loops-forever" in stuck.flags, stuck.message
    counter = """
        import threading, time
        class Monitor:
            def start(self):
                threading.Thread(target=self.watch, daemon=True).start()
            def watch(self):
                started = time.time()
                checks = 0
                while time.time() - started <= self.limit:
                    checks += 1
                    if self.done or checks > 100:
                        break
        """
    assert check(counter) == []


def test_a_reset_in_the_forked_child_does_not_reopen_a_once_guard() -> None:
    """`if self.flush_thread and self.flush_thread.is_alive(): return` keeps one flusher per
    handler; a hook that clears it in each forked child (`_reset_after_fork`, or a method
    handed to os.register_at_fork) lets the child start its own, where the parent's thread
    does not exist: the guard is not reopened, unlike a regular method clearing it."""
    handler = """
        import os, threading
        class Handler:
            def __init__(self):
                self.flush_thread = None
            def ensure(self):
                if self.flush_thread and self.flush_thread.is_alive():
                    return
                self.flush_thread = threading.Thread(target=self._flush, daemon=True)  # leak
                self.flush_thread.start()
            def emit(self, record):
                self.ensure()
            def _flush(self):
                while True:
                    send()
            def {name}(self):
                self.flush_thread = None
            def install(self):
                {install}
        """
    for hook in ("_reset_after_fork", "_at_fork_reinit"):
        (finding,) = check(handler.format(name=hook, install="pass"))
        assert finding.severity == "medium", (hook, finding.message)
        assert "once per Handler object" in finding.message, finding.message
    registered = handler.format(
        name="_fresh", install="os.register_at_fork(after_in_child=self._fresh)"
    )
    (finding,) = check(registered)
    assert finding.severity == "medium", finding.message
    for parent_side in ("_prepare_after_fork_parent", "_before_fork"):
        (finding,) = check(handler.format(name=parent_side, install="pass"))
        assert finding.severity == "high", (parent_side, finding.message)
    before = handler.format(name="_fresh", install="os.register_at_fork(before=self._fresh)")
    (finding,) = check(before)
    assert finding.severity == "high", finding.message  # runs in the parent, on every fork
    (reopened,) = check(handler.format(name="clear", install="pass"))
    assert reopened.severity == "high", reopened.message


def test_a_module_function_reset_in_the_forked_child_does_not_reopen_a_global_guard() -> None:
    """The same with module state: a function of the module given to
    os.register_at_fork(after_in_child=...) clearing the global runs in the child only."""
    module = """
        import os, threading
        _flusher = None
        def ensure():
            global _flusher
            if _flusher is not None and _flusher.is_alive():
                return
            _flusher = threading.Thread(target=_flush)  # leak
            _flusher.start()
        def emit(record):
            ensure()
        def _flush():
            while True:
                send()
        def _fresh():
            global _flusher
            _flusher = None
        os.register_at_fork({when}=_fresh)
        """
    (finding,) = check(module.format(when="after_in_child"))
    assert finding.severity == "medium", finding.message
    (finding,) = check(module.format(when="before"))
    assert finding.severity == "high", finding.message  # runs in the parent, on every fork


def test_an_event_given_by_the_owner_is_set_by_the_owner() -> None:
    """A worker loop waiting on an Event the object was given (`self.shutdown_event =
    shutdown_event`) ends when the owner that passed it in sets it: the owner holds it too. A
    plain value given (`self.running = running`) is the object's own copy, and an Event the
    object makes itself, with nothing setting it, never ends the loop."""
    template = """
        import threading
        class Cache:
            def __init__(self, shutdown_event):
                self.shutdown_event = {value}
                threading.Thread(target=self._reset, daemon=True).start()  # leak
            def _reset(self):
                while True:
                    if self.shutdown_event.wait(60):
                        break
                    clear()
        """
    given = check(template.format(value="shutdown_event").replace("  # leak", ""))
    assert given == [], given
    (own,) = check(template.format(value="threading.Event()"))
    assert "which nothing sets to stop it" in own.message, own.message


def test_a_flag_loop_ends_on_a_list_made_non_empty_or_its_own_break() -> None:
    """`while not self.stopping or self.pending:` ends when stop() appends to the list (a list
    made non-empty is true), and a `break` on a deadline the loop reads the clock for ends it
    too: the loop is not endless."""
    server = """
        import threading, time
        class Server:
            def __init__(self):
                self.stopping = []
                self.pending = []
            def serve(self):
                # (daemon: else exit would wait for a stop() that no code calls)
                thread = threading.Thread(target=self.serve_pending, daemon=True)  # leak
                thread.start()
            def serve_pending(self):
                while not self.stopping or self.pending:
                    {body}
            def stop(self):
                self.stopping.append(True)
        """
    assert check(server.format(body="handle()").replace("  # leak", "")) == []
    deadline = server.replace("self.stopping.append(True)", "pass").format(
        body="now = time.time()\n                    if now > self.expires:\n"
        "                        break"
    )
    assert check(deadline.replace("  # leak", "")) == []
    (stuck,) = check(server.replace("self.stopping.append(True)", "pass").format(body="handle()"))
    assert "which nothing sets to stop it" in stuck.message, stuck.message


def test_a_break_of_a_nested_for_does_not_leave_the_flag_loop() -> None:
    """`if isinstance(result, Exception): break` inside a `for` over a batch leaves the `for`,
    not the worker's `while` loop: it is no exit of the loop."""
    (stuck,) = check(
        """
        import threading
        class Collector(threading.Thread):
            def __init__(self):
                threading.Thread.__init__(self, daemon=True)
                self._ready = 0
                self._total = float("inf")
            def run(self):
                while self._ready < self._total:
                    batch = fetch()
                    for result in batch:
                        if isinstance(result, Exception):
                            break
                    self._ready += 1
        def imap(items):
            collector = Collector()  # leak
            collector.start()
            return iter(items)
        """
    )
    assert "loops-forever" in stuck.flags, stuck.message
    assert stuck.severity == "high", stuck.message


def test_a_value_taken_from_the_own_queue_ends_the_loop_only_if_put_there() -> None:
    """`data = self._queue.get(); if data is None: break` ends the loop only if someone puts
    None there: disconnect() setting the abort flag and editing the deque behind the Queue's
    back (`self._queue.queue.appendleft(None)`) wakes no blocked get(). A local that only sets
    the timeout of the flag's wait (`self._aborted.wait(throttle)`) is no exit either."""
    (stuck,) = check(
        """
        import queue, threading
        class Network:
            def connect(self):
                self._aborted = threading.Event()
                self._queue = queue.Queue()
                self._thread = threading.Thread(target=self._process, daemon=True)  # leak
                self._thread.start()
            def disconnect(self):
                self._aborted.set()
                self._queue.queue.appendleft(None)
            def _process(self):
                while True:
                    throttle = self.settings.get("throttle", 0.005)
                    if not self._aborted.wait(throttle):
                        data = self._queue.get()
                        if data is None:
                            break
                        send(data)
                    else:
                        break
        """
    )
    assert "nothing puts anything in the queue" in stuck.message, stuck.message


def test_a_get_taken_only_when_the_queue_holds_something_never_waits() -> None:
    """`if self._queue.empty(): time.sleep(5) else: batch = self._queue.get()`: the get() is
    reached only when the queue was just seen holding something, so it returns at once (the
    loop's thread alone takes from it) and the loop goes back to its test, where close()'s flag
    ends it. So under `if not q.empty():` and `if q.qsize() > 0:`. A get() with no such test
    waits for an item that close() never puts."""
    template = """
        import queue, threading, time
        class MetricQueue:
            def __init__(self):
                self._queue = queue.Queue()
                self._thread = threading.Thread(target=self._run)  {mark}
                self._finished = False
            def start(self):
                self._thread.start()
            def _run(self):
                while not self._queue.empty() or not self._finished:
                    {body}
            def close(self):
                self._finished = True
        """
    guarded = (
        "if self._queue.empty():\n                        time.sleep(5)\n"
        "                    else:\n                        send(self._queue.get())",
        "if not self._queue.empty():\n                        send(self._queue.get())\n"
        "                    time.sleep(1)",
        "if self._queue.qsize() > 0:\n                        send(self._queue.get())\n"
        "                    time.sleep(1)",
    )
    for body in guarded:
        check(template.format(mark="", body=body))
    (stuck,) = check(template.format(mark="# leak: FA111", body="send(self._queue.get())"))
    assert "nothing puts anything in the queue" in stuck.message, stuck.message


def test_a_server_handed_to_its_thread_from_a_container_the_class_stops() -> None:
    """`Thread(target=self._serve, args=(srv,))` for each `srv in self._servers`, the target
    running `srv.serve_forever()`: the class's stop() shutting down each server in
    `self._servers` ends every such thread. With nothing stopping them, they serve forever."""
    template = """
        import threading
        class Forwarder:
            def start(self):
                for srv in self._servers:
                    thread = threading.Thread(target=self._serve, args=(srv,), daemon=True)  # leak
                    thread.start()
            def _serve(self, srv, poll=0.1):
                srv.serve_forever(poll)
            def stop(self):
                for srv in self._servers:
                    {stop}
        """
    assert check(template.format(stop="srv.shutdown()").replace("  # leak", "")) == []
    (forever,) = check(template.format(stop="log(srv)"))
    assert "loops-forever" in forever.flags, forever.message


def test_a_call_passing_the_guard_parameter_false_does_not_reach_the_start() -> None:
    """`polling(restart=False)` in a loop never reaches `if restart: self._watch()`: how often
    the start runs follows the callers that can pass it true (here, every call of go()),
    not the loop. A value left to *args/**kwargs, or a rebound parameter, is not known."""
    bot = """
        import threading
        class Bot:
            def _watch(self):
                self.watcher = threading.Thread(target=self._loop, daemon=True)  # leak
                self.watcher.start()
            def _loop(self):
                while True:
                    tick()
            def polling(self, restart=False, *args):
                if restart:
                    self._watch()
                fetch()
            def infinity(self):
                while True:
                    self.polling({given})
            def go(self):
                self.polling(restart=True)
        """
    (guarded,) = check(bot.format(given="restart=False"))
    assert "on every call of go()" in guarded.message, guarded.message
    (positional,) = check(bot.format(given="False"))
    assert "on every call of go()" in positional.message, positional.message
    for unknown in ("restart=flag", "*options", ""):
        (looped,) = check(bot.format(given=unknown))
        # the default False does not reach it either, but *options may
        expected = "in a `while` loop in infinity()" if unknown != "" else "on every call"
        assert expected in looped.message, (unknown, looped.message)


# a bot whose _watch() starts a thread that never ends, stopped by nothing: how often _watch()
# runs is the finding's severity
_WATCHING_BOT = """
        import threading
        class Bot:
            def _watch(self):
                self.watcher = threading.Thread(target=self._loop, daemon=True)  # leak
                self.watcher.start()
            def _loop(self):
                while True:
                    tick()
            def stop(self):
                self._stop.set()
"""


def test_a_function_serving_until_stopped_runs_once_per_run() -> None:
    """A start before `while not self._stop.wait(interval):` (the object's flag, which only
    stop() sets) runs once per run of the serving function, directly or through the method
    it hands over to on every branch: it does not return before the object is stopped, so its
    callers run a service, not a request. A loop the function can end itself (it sets the flag)
    serves nothing: the start runs per call."""
    template = (
        _WATCHING_BOT
        + """            def _serve(self, interval):
                while not self._stop.wait(interval):
                    fetch()
                    {ending}
            def polling(self, interval=0):
                self._watch()
                if self.threaded:
                    self._serve(interval)
                else:
                    self._serve(interval * 2)
        """
    )
    (serving,) = check(template.format(ending="pass"))
    assert serving.severity == "medium", serving.message
    assert "once per run of polling(), which serves until stopped" in serving.message
    (returning,) = check(template.format(ending="self._stop.set()"))
    assert returning.severity == "high", returning.message
    assert "on every call of polling()" in returning.message


def test_a_loop_serving_until_stopped_is_not_ended_by_its_failures_or_its_reset() -> None:
    """What ends a serving loop is the object's flag set by another method. None of these end it
    on their own: clearing the Event before the loop (`clear()` re-arms `while not
    self._stop.wait()`), leaving it from an `except` handler (it ends only when something fails,
    or on Ctrl-C: no caller runs it per request for its failures), clearing the flag in a
    `finally` around it or after it (the loop is left by then), or calling a method that itself
    serves until stopped and clears the flag once stopped. A `break` on the normal path, or
    emptying a collection the loop runs on, does end it."""
    template = (
        _WATCHING_BOT
        + """            def _inner(self):
                while self._running:
                    fetch()
                self._running = False
            def polling(self, interval=0):
                self._watch()
                self._stop.clear()
                try:
                    while not self._stop.wait(interval):
                        {body}
                finally:
                    self._stop.set()
        """
    )

    def fill(body: str) -> str:  # body lines, "|" per level of indent below the loop's
        lines = [" " * 24 + line.replace("|", "    ") for line in body.split("/")]
        return template.replace(" " * 24 + "{body}", "\n".join(lines))

    serving = {
        "try:/|fetch()/except KeyboardInterrupt:/|break": "Ctrl-C",
        "try:/|fetch()/except OSError:/|self._stop.set()/|raise": "failure",
        "self._inner()": "a serving callee",
    }
    for body, why in serving.items():
        (found,) = check(fill(body))
        assert found.severity == "medium", (why, found.message)
        assert "once per run of polling(), which serves until stopped" in found.message, why
    for body in ("if fetch() is None:/|break", "fetch()/self._stop.set()"):
        (found,) = check(fill(body))
        assert found.severity == "high", (body, found.message)
        assert "on every call of polling()" in found.message, body
    drained = (
        _WATCHING_BOT
        + """            def pump(self):
                self._watch()
                while self.pending:
                    send(self.pending[0])
                    self.pending.clear()
        """
    )
    (found,) = check(drained)
    assert "on every call of pump()" in found.message, found.message


def test_a_per_use_class_whose_method_serves_until_stopped_is_a_service() -> None:
    """A class with close() is made per use unless one of its methods blocks its caller until
    the object is stopped: `polling()` serving `while not self._stop.is_set()` makes it a bot
    the program runs, so what each object leaves is bounded by the objects made."""
    template = """
        import threading
        class Bot:
            def __init__(self):
                self._stop = threading.Event()
            def _loop(self):
                while True:
                    tick()
            def close(self):
                self.session.close()
            def stop_polling(self):
                self._stop.set()
            def polling(self):
                self.watcher = threading.Thread(target=self._loop, daemon=True)  # leak
                self.watcher.start()
                while not self._stop.is_set():
                    fetch()
                    {ending}
        """
    (service,) = check(template.replace("{ending}", "pass"))
    assert service.severity == "medium", service.message
    assert "made and ended per use" not in service.message
    (per_use,) = check(template.replace("{ending}", "return"))
    assert per_use.severity == "high", per_use.message


def test_a_collection_filled_by_another_method_ends_the_loop_waiting_for_it() -> None:
    """`if self.active_connections: return` ends once another method stores an item in the
    mapping (`self.active_connections[uuid] = conn`) or adds one: a collection made non-empty
    is true."""
    template = """
        import threading
        class Manager:
            def __init__(self):
                self.active_connections = {}
            def start(self):
                def run():
                    while True:
                        connect_once()
                        if self.active_connections:
                            return
                threading.Thread(target=run, daemon=True).start()  # leak
            def on_connected(self, uuid, conn):
                {store}
        """
    for store in ("self.active_connections[uuid] = conn", "self.active_connections.update({})"):
        assert check(template.replace("{store}", store).replace("  # leak", "")) == [], store
    (stuck,) = check(template.replace("{store}", "log(conn)"))
    assert "loops-forever" in stuck.flags, stuck.message


def test_review_counterexamples_of_the_loop_and_guard_rules() -> None:
    """Shapes a review found the day's rules got wrong, each now judged as CPython runs it."""
    # an exit that needs a flag nothing sets cannot fire alone (`closed and queue empty`)
    drain = """
        import queue, threading
        class Reporter:
            def __init__(self):
                self._queue = queue.Queue()
                self._closed = False
                self._thread = threading.Thread(target=self._send)  # leak
                self._thread.start()
            def report(self, item):
                self._queue.put(item)
            def _send(self):
                while True:
                    if self._closed and self._queue.empty():
                        break
                    try:
                        post(self._queue.get(timeout=1))
                    except queue.Empty:
                        continue
        def handle(request):
            Reporter().report(request)
        """
    (stuck,) = check(drain)
    assert stuck.severity == "high" and "loops-forever" in stuck.flags, stuck.message
    # an Event with a default (`stop_event=None`, then a fresh one) is the object's own
    given = """
        import threading
        class Poller:
            def __init__(self, stop_event=None):
                if stop_event is None:
                    stop_event = threading.Event()
                self.stop_event = stop_event
                threading.Thread(target=self._poll, daemon=True).start()  # leak
            def _poll(self):
                while not self.stop_event.wait(5):
                    fetch()
        def handle(request):
            Poller()
        """
    (own,) = check(given)
    assert "loops-forever" in own.flags, own.message
    # a worker putting the sentinel back for its siblings stops none of them
    relay = """
        import queue, threading
        class Pool:
            def __init__(self):
                self._q = queue.Queue()
                self._stopped = False
            def start(self):
                threading.Thread(target=self._work, daemon=True).start()  # leak
            def stop(self):
                self._stopped = True
            def _work(self):
                while not self._stopped:
                    job = self._q.get()
                    if job is None:
                        self._q.put(None)
                        break
                    job()
        """
    (relayed,) = check(relay)
    assert "loops-forever" in relayed.flags, relayed.message
    # a pager leaving its loop on an empty page serves nothing: each call pages anew
    pager = """
        import threading
        class Client:
            def download(self):
                threading.Thread(target=self._beat, daemon=True).start()  # leak
                while self.running:
                    data = fetch()
                    if not data:
                        break
            def _beat(self):
                while True:
                    ping()
        """
    (paged,) = check(pager)
    assert "on every call of download()" in paged.message, paged.message
    # callers all passing the guard false leave no evidence: the script block still counts
    script = """
        import threading
        def run_server(port, reload=False):
            if reload:
                threading.Thread(target=watch, daemon=True).start()
            serve(port)
        def watch():
            while True:
                scan()
        if __name__ == "__main__":
            run_server(8080)
        """
    assert check(script) == []  # a daemon watcher started once, by the script: by design
    # SIGKILL lands when the child is next scheduled: wait(0) right after kill() can time out;
    # after terminate() a timed wait reaps a child ending on the signal, as children do, and
    # only one ignoring SIGTERM reaches that kill
    kill_poll = """
        import subprocess
        class Display:
            def start(self):
                self.proc = subprocess.Popen(["Xvfb"])  # leak: FA103
            def stop(self):
                {first}
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=0)
        """
    assert [f.rule for f in check(kill_poll.format(first="pass"))] == ["FA103"]
    assert (
        check(kill_poll.format(first="self.proc.terminate()").replace("  # leak: FA103", "")) == []
    )


def test_a_function_importing_a_windows_only_name_first_runs_on_windows_only() -> None:
    """`from subprocess import CREATE_NEW_CONSOLE` (or `import msvcrt`) as a statement of the
    function before its start raises ImportError anywhere but Windows: that start never runs
    here. Imported after the start, or under a try, it proves nothing."""
    template = """
        import subprocess
        def start(cmd):
            {before}
            p = subprocess.Popen(cmd)  # leak
            {after}
        """
    windows = template.format(before="from subprocess import CREATE_NEW_CONSOLE", after="pass")
    assert check(windows.replace("  # leak", "")) == []
    assert (
        check(template.format(before="import msvcrt", after="pass").replace("  # leak", "")) == []
    )
    (after,) = check(template.format(before="pass", after="import msvcrt"))
    assert after.rule == "FA103", after.message
    guarded = """
        import subprocess
        def start(cmd):
            try:
                import msvcrt
            except ImportError:
                msvcrt = None
            p = subprocess.Popen(cmd)  # leak
        """
    assert [f.rule for f in check(guarded)] == ["FA103"]


def test_a_program_relaunching_itself_does_so_once() -> None:
    """`Popen([sys.executable, *sys.argv])` (or through `python = sys.executable`) starts the
    running program again as the process makes way for it: a restart, not a start per call.
    Another command in the same place runs per call."""
    template = """
        import subprocess, sys
        class Scheduler:
            def restart(self):
                python = sys.executable
                subprocess.Popen({command}, close_fds=True)  # leak
        """
    (relaunch,) = check(template.format(command="[python, *sys.argv]"))
    assert relaunch.severity == "low", relaunch.message
    assert "relaunches the program itself" in relaunch.message
    (direct,) = check(template.format(command="[sys.executable, '-m', 'app', *sys.argv]"))
    assert direct.severity == "low", direct.message
    (other,) = check(template.format(command="[python, '-m', 'worker']"))
    assert "relaunches" not in other.message and other.severity == "medium", other.message


def test_a_gap_shared_by_the_handle_and_its_container_is_said_once() -> None:
    """Spawned pids kept in a list reaped only `if wait:`: the message names that gap once."""
    (finding,) = check(
        """
        import os
        def start(groups, wait):
            children = []
            for g in groups:
                pid = os.spawnv(os.P_NOWAIT, "/bin/x", ["x", g])  # leak
                children.append(pid)
            if wait:
                for pid in children:
                    os.waitpid(pid, 0)
        """
    )
    assert finding.message.count("waited only when `wait`") == 1, finding.message


def test_a_job_asked_for_by_name_to_recur_runs_once_per_job() -> None:
    """A function whose name asks for a recurring job (`run_recurring`, `start_periodic_flush`,
    `callEvery`) starts what lasts by contract: callers register such jobs at set-up, one per
    job, so a never-ending thread started there is bounded by the jobs. A one-off function with
    the same body piles up per call, so does a one-shot child started there; a caller in a loop
    still counts as many."""
    template = """
        import threading
        class Scheduler:
            def {name}(self, interval, callback):
                thread = threading.Thread(target=_serve, args=(interval, callback), daemon=True)  # leak
                thread.start()
            {caller}
        def _serve(interval, callback):
            while True:
                callback()
        """
    for name in ("run_recurring", "start_periodic_flush", "callEvery"):
        (job,) = check(template.format(name=name, caller=""))
        assert job.severity == "medium", job.message
        assert f"once per job registered with {name}()" in job.message, job.message
        assert "bounded unless jobs are registered per request" in job.message, job.message
    (once,) = check(template.format(name="run_once", caller=""))
    assert once.severity == "high", once.message
    popen = (
        template.replace(
            "thread = threading.Thread(target=_serve, args=(interval, callback), daemon=True)",
            "thread = subprocess.Popen(['sync'])",
        )
        .replace("thread.start()", "pass")
        .replace("import threading", "import subprocess")
    )
    (one_shot,) = check(popen.format(name="run_recurring", caller=""))
    assert "on every call of run_recurring()" in one_shot.message, one_shot.message
    looped = "def submit_all(self, requests):\n                for r in requests:\n                    self.run_recurring(1, r)"
    (many,) = check(template.format(name="run_recurring", caller=looped))
    assert many.severity == "high", many.message


def test_a_local_value_passed_to_a_process_helper_is_not_the_function_it_shadows() -> None:
    """`run_in_child_process(query, runner)` hands the child the functions it is given, but a
    bare name the calling function binds itself (`query = request.get_json()`) is a value that
    shadows the module's function `query`: that function is not the child's entry point, and
    a fork per call of it piles up."""
    template = """
        import os
        def run_in_child_process(payload, runner):
            pid = os.fork()  # leak
            if pid == 0:
                runner(payload)
                os._exit(0)
            return pid > 0
        def work(payload):
            return payload
        def query(body):
            {binding}
            return run_in_child_process(query, work)
        """
    (shadowed,) = check(template.format(binding="query = body.get_json()"))
    assert shadowed.severity == "high", shadowed.message
    assert "on every call of query()" in shadowed.message, shadowed.message
    (entry,) = check(template.format(binding="pass"))
    assert "query() is the entry point of a child process" in entry.message, entry.message


def test_a_login_runs_once_per_client_object() -> None:
    """login() opens its client object's session, as connect() does: a timer chain it re-arms
    is started once per client, bounded unless clients are made per request."""
    (chain,) = check(
        """
        import threading
        class Client:
            def login(self):
                self.token = fetch_token()
                self.login_timer = threading.Timer(3600, self.login)  # leak
                self.login_timer.start()
        """
    )
    assert chain.severity == "medium", chain.message
    assert "once per Client object (Client.login())" in chain.message, chain.message


def test_a_program_launched_by_spawn_is_not_a_function_of_the_module() -> None:
    """`os.spawnlp(os.P_NOWAIT, conf.prog.wireshark, ...)` runs the program its positional
    arguments name: `conf.prog.wireshark` is not the module's function wireshark(), whose
    every call leaves a zombie."""
    (spawned,) = check(
        """
        import os
        def wireshark(packets):
            path = dump(packets)
            os.spawnlp(os.P_NOWAIT, conf.prog.wireshark, conf.prog.wireshark, "-r", path)  # leak
        """
    )
    assert spawned.severity == "high", spawned.message
    assert "on every call of wireshark()" in spawned.message, spawned.message


def test_a_caller_that_cannot_reach_the_guarded_start_is_no_evidence_of_a_loop() -> None:
    """`self.polling(restart_on_change=False)` in a `while` loop never reaches the watcher that
    polling() starts behind `if restart_on_change:`: that loop is no evidence of it. With no
    other caller the path runs only from outside the module, per call of polling(); a caller
    that runs once (the script block) still bounds it from above."""
    template = """
        import threading
        class Bot:
            def polling(self, restart_on_change=False):
                if restart_on_change:
                    self.watcher = threading.Thread(target=self._watch, daemon=True)  # leak
                    self.watcher.start()
                self.fetch()
            def _watch(self):
                while True:
                    scan()
            def infinity_polling(self):
                while not self.stopped:
                    self.polling(restart_on_change={given})
        """
    (looped,) = check(template.format(given="True"))
    assert "in a `while` loop in infinity_polling()" in looped.message, looped.message
    (direct,) = check(template.format(given="False"))
    assert "on every call of polling()" in direct.message, direct.message


def test_a_client_whose_start_blocks_for_good_is_a_service_not_a_per_use_object() -> None:
    """A class with close() is a per-use resource, made and closed over and over, so what its
    __init__ leaves running piles up; but when one of its methods never returns (start() waits
    on an Event nobody else holds, or serves forever), the program runs it as a service, once:
    what it leaves is bounded by its objects."""
    template = (
        _INTERVAL_RUNNER
        + """
        from threading import Event
        class Client:
            def __init__(self):
                self.pinger = IntervalRunner(self.ping, 5).start()  # leak
            def ping(self):
                pass
            def close(self):
                self.closed = True
            def start(self):
                self.connect()
                {wait}
        """
    )
    (per_use,) = check(template.format(wait="self.done.wait()"))
    assert per_use.severity == "high", per_use.message
    # a method looping for good that a thread of the object runs is no service of the program
    looping = template.format(wait="self.done.wait()").replace(
        "def ping(self):\n                pass",
        "def ping(self):\n                pass\n            def _loop(self):\n"
        "                while True:\n                    step()\n"
        "            def spawn(self):\n"
        "                threading.Thread(target=self._loop, daemon=True)",
    )
    assert "def _loop" in looping
    (own_loop,) = check(looping)
    assert own_loop.severity == "high", own_loop.message
    (service,) = check(template.format(wait="Event().wait()"))
    assert service.severity == "medium", service.message
    assert "once per Client object" in service.message, service.message


def test_a_shutdown_under_the_flag_that_says_the_pool_was_made_here_reaps_it() -> None:
    """`cleanup = executor is None; if cleanup: executor = Pool()` ... `finally: if cleanup:
    executor.terminate()`: the test holds wherever the pool was made, as nothing assigns
    `cleanup` after it is read; so does a flag set to True right after the start and only to a
    false literal before it. A flag changed after the start, or set elsewhere too, proves
    nothing. (A pool, not an executor: a local executor left unshut is shut down as it is
    collected, and is not reported at all.)"""
    check(
        """
        from multiprocessing.pool import ThreadPool

        def fetch_all(urls, fetch, executor=None):
            cleanup = executor is None
            if cleanup:
                executor = ThreadPool(8)
            try:
                return list(executor.map(fetch, urls))
            finally:
                if cleanup:
                    executor.terminate()

        def fetch_own(urls, fetch, executor=None):
            own = False
            if executor is None:
                executor = ThreadPool(8)
                own = True
            try:
                return list(executor.map(fetch, urls))
            finally:
                if own:
                    executor.terminate()

        def fetch_changed(urls, fetch, executor=None):
            cleanup = executor is None
            if cleanup:
                executor = ThreadPool(8)  # leak: FA117
            cleanup = len(urls) > 10
            try:
                return list(executor.map(fetch, urls))
            finally:
                if cleanup:
                    executor.terminate()

        def fetch_flag_elsewhere(urls, fetch, executor=None, own=False):
            if executor is None:
                executor = ThreadPool(8)  # leak: FA117
                own = True
            try:
                return list(executor.map(fetch, urls))
            finally:
                if own:
                    executor.terminate()
        """
    )


def test_a_timer_polling_its_child_until_it_exits_reaps_it_and_ends() -> None:
    """A Timer callback that polls the child and arms the next run (through a helper) only
    while poll() says it runs: the poll reaps the child when it exits, and the chain ends
    then. Re-armed on a parameter's test, which comes back unchanged every run, or without a
    test, the chain runs for good."""
    template = """
        import subprocess
        import threading

        class Watched:
            def __init__(self, cmd, interval=0.5):
                self._interval = interval
                self._proc = subprocess.Popen(cmd)
                self._schedule()

            def _schedule(self):
                t = threading.Timer(self._interval, self._tick)  {mark}
                t.daemon = True
                t.start()

            def _tick(self):
                rc = self._proc.poll()
                {rearm}
        """
    assert (
        check(
            template.format(mark="", rearm="if rc is None:\n                    self._schedule()")
        )
        == []
    )
    (runaway,) = check(template.format(mark="# leak: FA111", rearm="self._schedule()"))
    assert "runaway timer chain" in runaway.message, runaway.message


def test_a_timed_wait_after_terminate_waits_out_the_signal() -> None:
    """`p.terminate(); p.wait(timeout=10)`: the wait waits out the signal the child just got,
    and reaps it. A kill coming only when the timed wait gives up (`except TimeoutExpired:
    p.kill()`) leaves the killed child unwaited."""
    check(
        """
        import subprocess

        class Server:
            def __init__(self, port):
                self.proc = subprocess.Popen(["server", str(port)])

            def stop(self):
                self.proc.terminate()
                self.proc.wait(timeout=10)

        class Impatient:
            def __init__(self, port):
                self.proc = subprocess.Popen(["server", str(port)])  # leak: FA103

            def stop(self):
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
        """
    )


def test_a_returned_thread_that_never_ends_is_a_leak_where_it_starts() -> None:
    """Returning a thread hands joining it to the caller; a thread whose target loops with no
    exit and no stop can be neither joined nor stopped, so the leak is where it starts. One
    that stops on its object's flag is the caller's to stop."""
    check(
        """
        import threading

        class Poller(threading.Thread):
            def __init__(self, url):
                super().__init__(daemon=True)
                self.url = url
            def run(self):
                while True:
                    fetch(self.url)

        class Stoppable(threading.Thread):
            def __init__(self, url):
                super().__init__(daemon=True)
                self.url = url
                self.stopped = False
            def run(self):
                while not self.stopped:
                    fetch(self.url)
            def stop(self):
                self.stopped = True

        def watch(url):
            p = Poller(url)  # leak: FA111
            p.start()
            return p

        def watch_stoppable(url):
            p = Stoppable(url)
            p.start()
            return p
        """
    )


def test_active_children_reaps_only_where_it_runs_regularly() -> None:
    """multiprocessing.active_children() reaps the finished children when it runs: in a
    supervisor's loop, or after each start in the function making them, it keeps zombies
    away; in a status method called now and then it does not."""
    template = """
        import multiprocessing

        class Indexer:
            def reindex(self, path):
                p = multiprocessing.Process(target=index_one, args=(path,))  {mark}
                p.start()
                {after}

            def status(self):
                {status}
        """
    rare = template.format(
        mark="# leak: FA112",
        after="",
        status="return [c.pid for c in multiprocessing.active_children()]",
    )
    check(rare)
    after_each = template.format(mark="", after="multiprocessing.active_children()", status="pass")
    check(after_each)
    supervised = template.format(
        mark="",
        after="",
        status="while True:\n                    multiprocessing.active_children()\n"
        "                    sleep(1)",
    )
    check(supervised)


def test_psutil_process_inspects_a_child_and_only_its_wait_reaps() -> None:
    """`psutil.Process(pid)` makes an object that looks at the child: status() or
    memory_info() reap nothing; its wait() does, called on the object or on what holds it."""
    check(
        """
        import os
        import psutil

        def spawn_and_look():
            pid = os.fork()  # leak: FA101
            if pid == 0:
                os._exit(0)
            return psutil.Process(pid).status()

        def spawn_and_wait():
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            psutil.Process(pid).wait()

        class Keeper:
            def start(self):
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
                self.watched = psutil.Process(pid)

            def stop(self):
                self.watched.wait(timeout=None)
        """
    )


def test_a_thread_that_never_ends_kept_in_a_public_list_is_still_a_leak() -> None:
    """A public list on the object may be managed by other modules, which the module cannot
    see; but none of them can join (join() blocks for good) or stop a thread whose target loops
    with no exit: kept there per connection, such threads pile up."""
    check(
        """
        import subprocess
        import threading

        class Hub:
            def __init__(self):
                self.threads = []
                self.jobs = []

            def _loop(self, conn):
                while True:
                    conn.recv()

            def on_connect(self, conn):
                t = threading.Thread(target=self._loop, args=(conn,), daemon=True)  # leak: FA111
                t.start()
                self.threads.append(t)

            def render(self, url):
                self.jobs.append(subprocess.Popen(["render", url]))
        """
    )


def test_a_child_kept_under_a_key_per_call_and_dropped_when_taken_out() -> None:
    """A method filling a container (`self._procs[name] = Popen(argv)` in start(name, argv))
    adds one child on every call, whatever its name says: a container is there to hold many.
    Taken out with pop() and dropped unreaped, the Popen is referenced no more, and CPython
    reaps it when it is collected; left in, it stays a zombie for good."""
    template = """
        import subprocess

        class Supervisor:
            def __init__(self):
                self._procs = {{}}

            def start(self, name, argv):
                self._procs[name] = subprocess.Popen(argv)  # leak: FA103

            def forget(self, name):
                {forget}
        """
    (dropped,) = check(template.format(forget="self._procs.pop(name, None)"))
    assert dropped.severity == "medium", dropped.message
    assert "taken out unreaped" in dropped.message and "CPython reaps" in dropped.message
    assert "on every call of start()" in dropped.message, dropped.message
    (kept,) = check(template.format(forget="pass"))
    assert kept.severity == "high", kept.message
    assert "stays referenced" in kept.message, kept.message


def test_a_timer_taking_itself_out_of_its_container_as_it_fires_leaves_nothing() -> None:
    """A retry timer kept under its key until its own function takes it out
    (`self._retries.pop(key)` in `_retry()`, the function it runs) is taken out as it fires:
    its wait is over and its thread ends as the function returns. Taken out elsewhere
    (`forget()`), a pending timer is dropped still parked; a thread whose own function takes
    it out and then loops on is not ending either."""
    check(
        """
        import threading

        class Retrier:
            def __init__(self, work):
                self._work = work
                self._retries = {}
                self._lock = threading.Lock()

            def retry_later(self, key, delay):
                with self._lock:
                    if key in self._retries:
                        return
                    timer = threading.Timer(delay, self._retry, args=(key,))
                    timer.daemon = True
                    self._retries[key] = timer
                    timer.start()

            def _retry(self, key):
                with self._lock:
                    self._retries.pop(key, None)
                self._work(key)

        class Forgetful:
            def __init__(self, work):
                self._work = work
                self._retries = {}

            def retry_later(self, key, delay):
                timer = threading.Timer(delay, self._work, args=(key,))  # leak: FA111
                self._retries[key] = timer
                timer.start()

            def forget(self, key):
                self._retries.pop(key, None)

        class Spinner:
            def __init__(self):
                self._threads = {}

            def spin(self, key):
                t = threading.Thread(target=self._run, args=(key,))  # leak: FA111
                self._threads[key] = t
                t.start()

            def _run(self, key):
                self._threads.pop(key, None)
                while True:
                    self.poll(key)
        """
    )


def test_a_class_private_method_nothing_names_never_runs() -> None:
    """Python mangles `__start` to `_Monitor__start`, so only code naming it can call it: one
    whose only other mention is a commented-out call never runs (its fork is no finding); one
    called from its class, or through the mangled spelling from outside, does."""
    template = """
        import os
        class Monitor:
            @classmethod
            def start_all(cls, task):
                {call}
            @classmethod
            def __start(cls, task):
                pid = os.fork()
                if pid == 0:
                    task()
                    os._exit(0)
        {outside}
        """
    assert check(template.format(call="pass  # cls.__start(task)", outside="")) == []
    # a name put together for getattr() may be the mangled one: it may run
    dispatch = template.replace("# leak", "").replace("pid = os.fork()", "pid = os.fork()  # leak")
    (found,) = check(dispatch.format(call='getattr(cls, "_Monitor" + "__start")(task)', outside=""))
    assert found.rule == "FA101", found.message
    assert check(template.format(call="print('cls.__start(task)')", outside="")) == []
    # a getattr() with a literal naming something else reaches no method (held4: clearml)
    traced = 'pass  # cls.__start(task)\n                getattr(sys, "gettrace", None)'
    assert check(template.format(call=traced, outside="")) == []
    leaking = template.replace("pid = os.fork()", "pid = os.fork()  # leak")
    for call, outside in (
        ("cls.__start(task)", ""),
        ("pass", "def run(t):\n            Monitor._Monitor__start(t)"),
    ):
        (found,) = check(leaking.format(call=call, outside=outside))
        assert found.rule == "FA101", (call, found.message)


def test_a_branch_only_an_interrupt_takes_is_no_path_of_a_call() -> None:
    """`stop_policy = "kill"` only in `except BaseException:` after `except Exception:` (or in
    `except KeyboardInterrupt:`): a run that is not being interrupted sees only the other
    values, so an `if`/`elif` chain on it takes only their branches, each waiting. The same
    value set where any error can set it (`except Exception:`) is a path that leaks. And `if
    p.poll() is None:` leaves a child unreaped only on its running branch: a code returned means
    that poll() reaped it."""
    template = """
        import subprocess
        def write(path, timeout=0):
            p = subprocess.Popen(["ffmpeg", path], stdin=subprocess.PIPE){mark}
            policy = "timeout"
            if not timeout:
                policy = "wait"
            try:
                while True:
                    p.stdin.write((yield))
            except GeneratorExit:
                pass
            except Exception:
                {error}
            except BaseException:
                policy = "kill"
                raise
            finally:
                if p.poll() is None:
                    if policy == "timeout":
                        p.wait()
                    elif policy == "wait":
                        p.communicate()
                    else:
                        p.kill()
        """
    assert check(template.format(mark="", error="raise")) == []
    interrupt = template.replace("except BaseException:", "except KeyboardInterrupt:")
    assert check(interrupt.format(mark="", error="raise")) == []
    (error,) = check(
        template.format(mark="  # leak", error='policy = "kill"\n' + " " * 16 + "raise")
    )
    assert "the other path leaks" in error.message, error.message
    running = template.replace("p.wait()", "pass").replace("p.communicate()", "pass")
    (found,) = check(running.format(mark="  # leak", error="raise"))
    assert found.rule == "FA103", found.message
    # in a generator, `except BaseException:` also gets the GeneratorExit of a consumer that
    # stops early, unless a handler before it takes that
    early = template.replace("except GeneratorExit:\n                pass\n            ", "")
    (stopped,) = check(early.format(mark="  # leak", error="raise"))
    assert "the other path leaks" in stopped.message, stopped.message
    closing = template.replace(
        "except GeneratorExit:\n                pass",
        'except GeneratorExit:\n                policy = "kill"',
    )
    (closed,) = check(closing.format(mark="  # leak", error="raise"))
    assert "the other path leaks" in closed.message, closed.message


def test_a_loop_that_ends_with_its_data_or_its_work_does_not_serve() -> None:
    """Review counterexamples of the serving rule: a loop left when its data ends (`except
    queue.Empty: break`), one waiting for a flag its object's own thread sets (the work being
    done), one whose flag a method sets two calls down, and one calling stop() (whatever stop()
    does next) each end by themselves: the start before them runs per call."""
    methods = {
        "empty": """
            def pump(self):
                self._watch()
                while not self._stop.is_set():
                    try:
                        send(self.queue.get_nowait())
                    except queue.Empty:
                        break""",
        "own thread": """
            def run(self):
                work()
                self._stop.set()
            def pump(self):
                self._watch()
                threading.Thread(target=self.run, daemon=True).start()
                while not self._stop.is_set():
                    time.sleep(0.1)""",
        "deep": """
            def _step(self):
                if not read():
                    self._mark()
            def _mark(self):
                self._stop.set()
            def pump(self):
                self._watch()
                while not self._stop.is_set():
                    self._step()""",
        "stop": """
            def stop(self):
                self._stop.set()
                while self._busy:
                    time.sleep(0.1)
            def pump(self):
                self._watch()
                while not self._stop.is_set():
                    if not read():
                        self.stop()""",
    }
    for why, body in methods.items():
        code = _WATCHING_BOT.replace("import threading", "import queue, threading, time")
        code = code.replace("            def stop(self):\n                self._stop.set()\n", "")
        (found,) = check(code + textwrap.indent(textwrap.dedent(body), " " * 12))
        assert found.severity == "high", (why, found.message)
        assert "on every call of pump()" in found.message, (why, found.message)


# A child stored on the object by pid, polled by a status query (WNOHANG)
_PID_HOLDER = """
    import os, signal
    class Shell:
        def spawn(self):
            pid = os.fork(){mark}
            if pid == 0:
                os.execvp("sh", ["sh"])
            self.pid = pid
        def isalive(self):
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            return pid == 0
        def terminate(self):
{cleanup}
"""

PID_CLEANUPS = {
    # a signal that ends the child, and no blocking wait: the cleanup leaves a zombie
    "killed, never waited": ("        os.kill(self.pid, signal.SIGTERM)", True),
    "killed with SIGKILL by number": ("        os.kill(self.pid, 9)", True),
    # a WNOHANG wait right after the kill finds the child still running
    "killed, then polled once": (
        "        os.kill(self.pid, signal.SIGTERM)\n        os.waitpid(self.pid, os.WNOHANG)",
        True,
    ),
    "killed, then waited": (
        "        os.kill(self.pid, signal.SIGTERM)\n        os.waitpid(self.pid, 0)",
        False,
    ),
    # the cleanup then waits through a method of the class: kill-then-wait
    "killed, then waited by the class's wait()": (
        "        os.kill(self.pid, signal.SIGTERM)\n        self.wait()\n    def wait(self):\n"
        "        os.waitpid(self.pid, 0)",
        False,
    ),
    "killed, then polled until it ends": (
        "        os.kill(self.pid, signal.SIGTERM)\n        self.wait()\n    def wait(self):\n"
        "        while os.waitpid(self.pid, os.WNOHANG)[0] == 0:\n            pass",
        False,
    ),
    # a wait() nothing calls after the kill, or a bounded poll, leaves it
    "killed, with a wait() nothing calls": (
        "        os.kill(self.pid, signal.SIGTERM)\n    def wait(self):\n"
        "        os.waitpid(self.pid, 0)",
        True,
    ),
    "killed, then polled three times": (
        "        os.kill(self.pid, signal.SIGTERM)\n        for _ in range(3):\n"
        "            os.waitpid(self.pid, os.WNOHANG)",
        True,
    ),
    # kill -0 asks whether it is alive; a signal passed in may be any (SIGWINCH, SIGSTOP)
    "probed with signal 0": ("        os.kill(self.pid, 0)", False),
    "signal passed in": (
        "        self.send(signal.SIGTERM)\n    def send(self, sig):\n"
        "        os.kill(self.pid, sig)",
        False,
    ),
}


@pytest.mark.parametrize("cleanup,leaks", list(PID_CLEANUPS.values()), ids=list(PID_CLEANUPS))
def test_a_cleanup_killing_a_pid_must_wait_for_it(cleanup: str, leaks: bool) -> None:
    code = _PID_HOLDER.format(
        mark="  # leak: FA101" if leaks else "", cleanup=textwrap.indent(cleanup, "    ")
    )
    found = check(code)
    if leaks:
        assert "terminate() kills it with os.kill() but does not wait for it" in found[0].message
        # spawn() is the start of the object's life: once per Shell object
        assert "once per Shell object" in found[0].message, found[0].message


# Children launched by pid and dropped, and a non-blocking wait-any reaper somewhere
_WAIT_ANY = """
    import os
    class Launcher:
        def launch(self, cmd):
{before}            os.spawnvp(os.P_NOWAIT, cmd[0], cmd){mark}
        def reap(self):
            os.waitpid(-1, os.WNOHANG)
{more}"""

WAIT_ANY_PLACES = {
    # once, in a method nothing calls per start: it reaps only the children already ended then
    "once in an unrelated method": ("", "", True),
    # before each start: each launch reaps the ones before it
    "before each start": ("            self.reap()\n", "", False),
    # in what calls the start (a handler reaping at the start of each event it serves)
    "in the caller of the start": (
        "",
        "        def on_event(self, cmd):\n"
        "            os.waitpid(-1, os.WNOHANG)\n"
        "            self.launch(cmd)\n",
        False,
    ),
    # handed to a timer that runs it again and again, or to atexit, which runs it once
    "handed to a periodic timer": (
        "",
        "        def install(self, loop):\n            loop.timeout_add(1000, self.reap)\n",
        False,
    ),
    "handed to atexit": (
        "",
        "        def install(self):\n            import atexit\n            atexit.register(self.reap)\n",
        True,
    ),
    # one caller starts many, then reaps once: one child reaped of many
    "once after a loop of starts": (
        "",
        "        def run_all(self, cmds):\n            for cmd in cmds:\n"
        "                self.launch(cmd)\n            self.reap()\n",
        True,
    ),
    "in the same loop as the starts": (
        "",
        "        def run_all(self, cmds):\n            for cmd in cmds:\n"
        "                self.launch(cmd)\n                self.reap()\n",
        False,
    ),
    # called in a loop: a supervisor polling
    "called from a loop": (
        "",
        "        def supervise(self):\n            while True:\n                self.reap()\n",
        False,
    ),
}


@pytest.mark.parametrize(
    "before,more,leaks", list(WAIT_ANY_PLACES.values()), ids=list(WAIT_ANY_PLACES)
)
def test_a_non_blocking_wait_any_reaps_only_where_it_runs_regularly(
    before: str, more: str, leaks: bool
) -> None:
    check(_WAIT_ANY.format(before=before, more=more, mark="  # leak: FA102" if leaks else ""))


def test_a_blocking_wait_any_anywhere_still_reaps_every_child() -> None:
    check(
        _WAIT_ANY.format(before="", more="", mark="").replace(
            "os.waitpid(-1, os.WNOHANG)", "os.wait()"
        )
    )


def test_code_after_a_statement_leaving_its_block_starts_nothing() -> None:
    # `return False` first, then what the function used to do: nothing after it runs
    check(
        """
        import subprocess
        class Cert:
            def disabled(self):
                return False
                out = subprocess.Popen("openssl", shell=True, stdout=subprocess.PIPE).stdout.read()
                return out
            def each(self, cmds):
                for cmd in cmds:
                    continue
                    subprocess.Popen(cmd)
            def live(self):
                out = subprocess.Popen("openssl", shell=True, stdout=subprocess.PIPE).stdout.read()  # leak
                return out
        """
    )


KEPT_PIDS = {
    # the pid kept on the object, waited for by a method of the class
    "waited by stop()": (
        "        self.pid = proc.pid\n",
        "    def stop(self):\n        os.kill(self.pid, signal.SIGTERM)\n"
        "        os.waitpid(self.pid, 0)\n",
        False,
    ),
    # signalled, never waited: the child stays a zombie
    "only killed": (
        "        self.pid = proc.pid\n",
        "    def stop(self):\n        os.kill(self.pid, signal.SIGTERM)\n",
        True,
    ),
    # a WNOHANG poll once reaps only a child that has already ended
    "polled once": (
        "        self.pid = proc.pid\n",
        "    def alive(self):\n        return os.waitpid(self.pid, os.WNOHANG)[0] == 0\n",
        True,
    ),
    # a local copy of the pid, waited for in the same function
    "a local waited for": (
        "        pid = proc.pid\n        os.waitpid(pid, 0)\n",
        "",
        False,
    ),
}


@pytest.mark.parametrize("kept,more,leaks", list(KEPT_PIDS.values()), ids=list(KEPT_PIDS))
def test_a_kept_pid_is_reaped_where_it_is_waited_for(kept: str, more: str, leaks: bool) -> None:
    mark = "  # leak: FA112" if leaks else ""
    code = (
        "import os\nimport signal\nfrom multiprocessing import Process\n"
        "class Runner:\n"
        "    def start(self):\n"
        f"        proc = Process(target=self.work){mark}\n"
        "        proc.start()\n"
        f"{kept}"
        "    def work(self):\n        pass\n"
        f"{more}"
    )
    check(code)


def test_a_reap_in_a_handler_of_an_ending_signal_is_not_on_the_normal_path() -> None:
    # the SIGINT handler terminates the pool only when the process is interrupted; the `else`
    # path leaves it running
    findings = check(
        """
        import multiprocessing
        import signal
        import sys
        def check(a):
            return a
        def run(actions):
            def handler(signum, frame):
                pool.terminate()
                sys.exit(1)
            signal.signal(signal.SIGINT, handler)
            pool = multiprocessing.Pool(4)  # leak: FA113
            if actions:
                try:
                    pool.map_async(check, actions).get(100)
                    pool.close()
                except Exception:
                    pool.terminate()
                    raise
                finally:
                    pool.join()
            else:
                print("nothing")
        """
    )
    assert "shut down only when `actions`; the other path leaks" in findings[0].message
    # a handler of a signal sent on demand (SIGUSR1) runs while the program goes on: it counts
    check(
        """
        import signal
        import subprocess
        def run():
            proc = subprocess.Popen(["sleep", "9"])
            def handler(signum, frame):
                proc.wait()
            signal.signal(signal.SIGUSR1, handler)
        """
    )


def test_a_handle_rebound_in_a_try_is_another_one_after_it() -> None:
    # each branch binds its own `p` in a try whose handler raises: the wait in one branch is
    # not the other branch's
    findings = check(
        """
        import subprocess
        class Pipe:
            def execute(self):
                if self.background:
                    try:
                        p = subprocess.Popen(["a"], stdout=subprocess.PIPE)
                    except Exception:
                        raise ValueError("x")
                    p.wait()
                else:
                    try:
                        p = subprocess.Popen(["b"], stdout=subprocess.PIPE)  # leak
                    except Exception:
                        raise ValueError("x")
                    self._stdout = p.stdout
        """
    )
    assert "never waited" in findings[0].message


_SENTINEL_WORKERS = """
    import threading
    from queue import Queue
    def lookup(items):
        q = Queue()
        def worker():
            while True:
                item = q.get()
                if item is None:
                    break
                print(item)
                q.task_done()
        threads = []
        for _ in range(4):
            t = threading.Thread(target=worker, daemon=True){mark}
            t.start()
            threads.append(t)
        for item in items:
            params = {{"item": item}}
            q.put(params)
        q.join()
{more}
"""

SENTINELS = {
    # only dicts go in: the workers wait for a None for ever, four more per call
    "never put": ("", True),
    "put per worker": ("        for _ in threads:\n            q.put(None)\n", False),
    # what a loop variable holds may be the sentinel (`for x in items + [None]`)
    "a loop variable put": ("        for x in items:\n            q.put(x)\n", False),
    # handed on: whoever gets the queue may put it
    "queue handed on": ("        stop_all(q)\n", False),
}


@pytest.mark.parametrize("more,leaks", list(SENTINELS.values()), ids=list(SENTINELS))
def test_a_worker_waiting_for_a_sentinel_nothing_puts_never_ends(more: str, leaks: bool) -> None:
    findings = check(_SENTINEL_WORKERS.format(mark="  # leak: FA111" if leaks else "", more=more))
    if leaks:
        assert "blocks in q.get() until it takes None, which nothing puts" in findings[0].message


_SUBMITTING_WORKER = """
    import queue
    import threading
    class Worker(threading.Thread):
        def __init__(self):
            super().__init__(daemon=True)
            self.tasks = queue.Queue()
        def run(self):
            while True:
                task = self.tasks.get()
                if task is None:
                    return
                task()
        def submit(self, fn):
            self.tasks.put(fn)
{stop}
    def handle(request):
        w = Worker(){mark}
        w.start()
        w.submit(lambda: print(request))
{stopped}
"""


def test_a_thread_subclass_waiting_for_a_sentinel_its_class_never_puts() -> None:
    # submit() puts what its callers give: a function (a lambda here), never None; a subclass
    # whose stop() submits None ends
    check(_SUBMITTING_WORKER.format(stop="", mark="  # leak: FA111", stopped=""))
    check(
        _SUBMITTING_WORKER.format(
            stop="        def stop(self):\n            self.submit(None)",
            mark="",
            stopped="        w.stop()",
        )
    )


TIMEOUTS_CAUGHT = {
    # the timeout is caught and the code goes on: the hung child is left running, dropped
    "swallowed": ("        result = 'timeout'\n", "", True),
    # raised again (as itself or as another error): the caller never had the handle and
    # cannot kill the child, which is left running all the same
    "raised again": ("        raise\n", "", True),
    "raised as another error": ("        raise TimeoutError(cmd)\n", "", True),
    # waited for without a timeout then
    "waited after": ("        proc.wait()\n", "", False),
    # returned to the caller, who holds the handle
    "returned": ("        result = 'timeout'\n", "    return proc\n", False),
}


@pytest.mark.parametrize(
    "handler,tail,leaks", list(TIMEOUTS_CAUGHT.values()), ids=list(TIMEOUTS_CAUGHT)
)
def test_a_timed_wait_whose_timeout_is_caught_leaves_the_child_running(
    handler: str, tail: str, leaks: bool
) -> None:
    mark = "  # leak: FA103" if leaks else ""
    check(
        "import subprocess\n"
        "def run(cmd, timeout):\n"
        f"    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE){mark}\n"
        "    try:\n"
        "        outs, errs = proc.communicate(timeout=timeout)\n"
        "        result = outs\n"
        "    except subprocess.TimeoutExpired:\n"
        f"{handler}"
        f"{tail}"
    )


def test_a_timeout_left_to_reach_the_caller_leaves_the_child_running() -> None:
    # no try at all: TimeoutExpired goes up to a caller that never had the handle; run()
    # kills the child itself before it raises
    check(
        """
        import subprocess
        def probe(path):
            proc = subprocess.Popen(["ffprobe", path], stdout=subprocess.PIPE)  # leak: FA103
            out, _ = proc.communicate(timeout=20)
            return out
        def probe_run(path):
            return subprocess.run(["ffprobe", path], capture_output=True, timeout=20).stdout
        """
    )


def test_a_kept_handle_waited_with_a_timeout_can_be_waited_again() -> None:
    # status() polls wait(timeout=0); the handle stays on the object for the next poll
    check(
        """
        import subprocess
        class Job:
            def launch(self, cmd):
                self._proc = subprocess.Popen(cmd)
            def poll(self, timeout=None):
                try:
                    code = self._proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    return None
                self._proc = None
                return code
        """
    )


def test_a_timed_wait_retried_in_a_loop_waits_again() -> None:
    check(
        """
        import subprocess
        def run(cmd):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            while True:
                try:
                    out, _ = proc.communicate(timeout=1)
                    break
                except subprocess.TimeoutExpired:
                    print("still running")
            return out
        def each(cmds):
            for cmd in cmds:
                proc = subprocess.Popen(cmd)  # leak: FA103
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    print("too slow")
        """
    )


_STOPPED_AT_EXIT = """
    import atexit
    import threading
    import time
    class Poller:
        def __init__(self):
            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run{daemon}){mark}
            self._thread.start()
            atexit.register(self.{registered})
        def _run(self):
            while not self._stop.is_set():
                time.sleep(1)
        def stop(self):
            self._stop.set()
            self._thread.join()
        def close(self):
            self.stop()
{more}
"""

STOPPED_AT_EXIT = {
    # the interpreter waits for non-daemon threads before it runs atexit callbacks
    "non-daemon": ("", "stop", "", True),
    "through a method calling stop()": ("", "close", "", True),
    # a daemon thread is not waited for: the callback runs and stops it
    "daemon": (", daemon=True", "stop", "", False),
    # `with Poller():` stops it on the way out of the block
    "also stopped by __exit__": (
        "",
        "stop",
        "        def __exit__(self, *exc):\n            self.stop()\n",
        False,
    ),
}


@pytest.mark.parametrize(
    "daemon,registered,more,leaks", list(STOPPED_AT_EXIT.values()), ids=list(STOPPED_AT_EXIT)
)
def test_a_non_daemon_thread_stopped_only_at_exit_hangs_exit(
    daemon: str, registered: str, more: str, leaks: bool
) -> None:
    findings = check(
        _STOPPED_AT_EXIT.format(
            daemon=daemon,
            registered=registered,
            mark="  # leak: FA111" if leaks else "",
            more=more,
        )
    )
    if leaks:
        assert "stopped only by cleanup run at exit (registered with atexit" in findings[0].message
        assert findings[0].severity == "medium"  # once per object: it hangs exit


def test_a_raw_thread_started_once_serves_for_the_life_of_the_process() -> None:
    # never waited for at exit, like a daemon thread: once at import time is by design; per
    # call it piles up
    check(
        """
        import _thread
        import time
        def run():
            while True:
                time.sleep(1)
        _thread.start_new_thread(run, ())
        def on_open(ws):
            _thread.start_new_thread(run, ())  # leak: FA114
        """
    )


KILLED_AND_DROPPED = {
    # the poll loop waits for self.child_pid: once it is None, the killed child is nobody's
    "pid dropped after the kill": (
        "        os.kill(self.child_pid, signal.SIGINT)\n        self.child_pid = None\n",
        True,
    ),
    "waited for before it is dropped": (
        "        os.kill(self.child_pid, signal.SIGINT)\n"
        "        os.waitpid(self.child_pid, 0)\n        self.child_pid = None\n",
        False,
    ),
    # dropped first: the kill is of another value (a local copy), judged by its own flow
    "dropped, still polled": ("        self.pending.append(self.child_pid)\n", False),
}


@pytest.mark.parametrize(
    "switch,leaks", list(KILLED_AND_DROPPED.values()), ids=list(KILLED_AND_DROPPED)
)
def test_a_child_killed_then_let_go_of_is_never_reaped(switch: str, leaks: bool) -> None:
    mark = "  # leak: FA101" if leaks else ""
    check(
        "import os\nimport pty\nimport signal\n"
        "class Proxy:\n"
        "    def __init__(self):\n"
        "        self.child_pid = None\n"
        "        self.pending = []\n"
        "    def spawn(self):\n"
        f"        pid, fd = pty.fork(){mark}\n"
        "        if pid == 0:\n"
        "            os.execvp('sh', ['sh'])\n"
        "        self.child_pid = pid\n"
        "    def switch(self):\n"
        f"{switch}"
        "    def loop(self):\n"
        "        while True:\n"
        "            if self.child_pid is not None:\n"
        "                done, status = os.waitpid(self.child_pid, os.WNOHANG)\n"
        "            for pid in list(self.pending):\n"
        "                if os.waitpid(pid, os.WNOHANG)[0]:\n"
        "                    self.pending.remove(pid)\n"
    )


def test_a_cached_property_keeps_what_it_returns_on_its_object() -> None:
    # @cached_property stores the pool on the object as self.thread_pool: close() must shut
    # it down; computed once per object, not once per process
    findings = check(
        """
        from functools import cached_property
        from multiprocessing.pool import ThreadPool
        class Protocol:
            @cached_property
            def thread_pool(self):
                return ThreadPool(processes=8)  # leak: FA117
            def close(self):
                pass
        class Closing:
            @cached_property
            def thread_pool(self):
                return ThreadPool(processes=8)
            def close(self):
                self.thread_pool.close()
                self.thread_pool.join()
        """
    )
    assert "stored on self.thread_pool" in findings[0].message
    assert "once per Protocol object" in findings[0].message


def test_a_kill_then_letting_go_sees_waits_copies_and_tuples() -> None:
    # terminate() then poll() in a loop: reaped when the loop ends; a copy of the pid killed,
    # or the pid dropped in a tuple assignment: lost (and a second play() before stop() drops
    # the player still running: only the last one is stopped)
    check(
        """
        import os
        import pty
        import signal
        import subprocess
        import time
        class Player:
            def play(self, path):
                self.proc = subprocess.Popen(["mpv", path])  # leak: FA103
            def stop(self):
                self.proc.terminate()
                while self.proc.poll() is None:
                    time.sleep(0.1)
                self.proc = None
        class Term:
            def spawn(self):
                pid, fd = pty.fork()  # leak: FA101
                if pid == 0:
                    os.execvp("sh", ["sh"])
                self.child_pid = pid
                self.fd = fd
            def restart(self):
                pid = self.child_pid
                os.kill(pid, signal.SIGKILL)
                self.child_pid, self.fd = None, None
                self.spawn()
            def poll(self):
                while self.child_pid:
                    os.waitpid(self.child_pid, os.WNOHANG)
        """
    )


SENTINEL_SHAPES = {
    # the work in a try whose handler goes on looping: still only the sentinel ends it
    "try in the loop": (
        "            item = q.get()\n            if item is None:\n                break\n"
        "            try:\n                print(item)\n            except Exception:\n"
        "                pass\n"
    ),
    "walrus": "            if (item := q.get()) is None:\n                break\n            print(item)\n",
}


@pytest.mark.parametrize("body", list(SENTINEL_SHAPES.values()), ids=list(SENTINEL_SHAPES))
def test_a_sentinel_loop_is_read_in_its_usual_shapes(body: str) -> None:
    check(
        "import threading\nimport queue\n"
        "def fetch_all(items):\n"
        "    q = queue.Queue()\n"
        "    def worker():\n"
        "        while True:\n"
        f"{body}"
        "    for _ in range(4):\n"
        "        threading.Thread(target=worker, daemon=True).start()  # leak: FA111\n"
        "    for item in items:\n"
        "        q.put({'item': item})\n"
    )


def test_an_annotated_queue_attribute_is_the_objects_own() -> None:
    check(
        """
        import queue
        import threading
        class EventSender(threading.Thread):
            def __init__(self):
                super().__init__(daemon=True)
                self._events: queue.Queue[dict] = queue.Queue()
            def run(self):
                while True:
                    event = self._events.get()
                    if event is None:
                        return
                    print(event)
            def send(self, name):
                self._events.put({"name": name})
        def track(name):
            sender = EventSender()  # leak: FA111
            sender.start()
            sender.send(name)
        """
    )


def test_an_interrupt_handler_defined_after_the_start_or_a_lambda_is_no_normal_path() -> None:
    check(
        """
        import signal
        import subprocess
        import sys
        def run(items):
            proc = subprocess.Popen(["worker"])  # leak: FA103
            def on_int(signum, frame):
                proc.kill()
                proc.wait()
                sys.exit(1)
            signal.signal(signal.SIGINT, on_int)
            if items:
                proc.wait()
        def run2(items):
            proc = subprocess.Popen(["worker"])  # leak: FA103
            signal.signal(signal.SIGTERM, lambda s, f: proc.kill() or proc.wait())
            if items:
                proc.wait()
        """
    )


def test_a_kept_pid_waited_through_a_local_copy() -> None:
    check(
        """
        import os
        import signal
        import subprocess
        class Runner:
            def start(self):
                proc = subprocess.Popen(["sleep", "100"])
                self._pid = proc.pid
            def stop(self):
                pid = self._pid
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
        """
    )


def test_a_timed_out_child_is_left_running_whoever_catches_the_timeout() -> None:
    # TimeoutExpired is a SubprocessError, not a TimeoutError: `except TimeoutError` lets it
    # through to the caller, caught under an alias it is swallowed: either way the child runs
    # on; a `for` tries a few times, then gives up
    check(
        """
        import subprocess
        from subprocess import TimeoutExpired as Timeout
        def a(cmd):
            proc = subprocess.Popen(cmd)  # leak: FA103
            try:
                proc.wait(timeout=5)
            except TimeoutError:
                return None
        def b(cmd):
            proc = subprocess.Popen(cmd)  # leak: FA103
            try:
                proc.wait(timeout=5)
            except (OSError, Timeout):
                return None
        def c(cmd):
            proc = subprocess.Popen(cmd)  # leak: FA103
            for attempt in range(3):
                try:
                    return proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    print("retrying", attempt)
        """
    )


def test_a_global_guard_that_takes_several_values_is_no_once_guard() -> None:
    # the scan thread sets "Scanning..." then "Idle" each pass: the guard holds only during a
    # pass, and every request after it starts one more endless loop; `_started = True` holds
    check(
        """
        import threading
        import time
        scan_status = "Idle"
        _started = False
        def scanner_loop():
            global scan_status
            while True:
                scan_status = "Scanning..."
                time.sleep(1)
                scan_status = "Idle"
                time.sleep(60)
        def handle_scan(request):
            if "Scanning" in scan_status:
                return "busy"
            threading.Thread(target=scanner_loop, daemon=True).start()  # leak: FA111
            return "started"
        def handle_start(request):
            global _started
            if _started:
                return "running"
            _started = True
            threading.Thread(target=scanner_loop, daemon=True).start()
            return "started"
        """
    )


def test_a_loop_ending_on_a_counter_of_its_object_it_moves_ends_by_itself() -> None:
    # `self.zsize.value += 1` each pass, `if self.zsize.value == self.zlen: return`: the loop
    # moves its own exit closer (a shared counter), it is no flag nobody sets
    findings = check(
        """
        import multiprocessing as mp
        class Chain(mp.Process):
            def __init__(self, zsize, zlen):
                super().__init__()
                self.zsize = zsize
                self.zlen = zlen
            def run(self):
                while True:
                    with self.zsize.get_lock():
                        if self.zsize.value == self.zlen:
                            return
                        self.zsize.value += 1
        def sample(n):
            zsize = mp.Value("i", 0)
            chains = [Chain(zsize, 100) for _ in range(n)]  # leak: FA112
            for chain in chains:
                chain.start()
            for chain in chains:
                chain.terminate()
        """
    )
    # terminated and never joined: a zombie each until multiprocessing reaps it, not a loop
    # that never ends
    assert "loops with no exit" not in findings[0].message
    assert findings[0].severity == "medium"


def test_a_worker_draining_the_queue_it_tests_ends_when_it_is_empty() -> None:
    # `while not self._queue.empty(): self._queue.get()`: the get never waits, the loop ends
    # once the queue is drained
    check(
        """
        import threading
        from queue import Queue
        class Audio:
            def __init__(self):
                self._queue = Queue()
                self._thread = None
            def play(self, sound):
                self._queue.put(sound)
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(target=self._run, daemon=True)
                    self._thread.start()
            def _run(self):
                while not self._queue.empty():
                    sound = self._queue.get()
                    print(sound)
        """
    )


_EVENT_POLLER = """\
import queue, threading

class Poller:
    def __init__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True){mark}
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self._stop.wait(1.0)
{ending}"""


def test_a_stop_only_the_finalizer_makes_never_stops_a_thread_holding_the_object() -> None:
    """The running thread holds its object (its target is a bound method; a Thread subclass is
    kept by threading while it runs), so the object's __del__ never runs while the thread does:
    a flag it sets, a sentinel it puts or a join it makes never ends the thread."""
    ending = "\n    def __del__(self):\n        self._stop.set()\n        self._thread.join()\n"
    findings = check(
        _EVENT_POLLER.format(mark="  # leak", ending=ending)
        + textwrap.dedent(
            """\

        class Client:
            def __init__(self):
                self._q = queue.Queue()
                self._thread = None

            def __del__(self):
                if self._thread is not None:
                    self._wake()

            def _wake(self):
                self._q.put(None)

            def _loop(self):
                while True:
                    item = self._q.get()
                    if item is None:
                        break
                    item()

            def connect(self):
                if not self._thread:
                    self._thread = threading.Thread(target=self._loop, daemon=True)  # leak
                    self._thread.start()

        class Worker(threading.Thread):
            def __init__(self):
                super().__init__(daemon=True)
                self._running = True

            def run(self):
                while self._running:
                    pass

            def __del__(self):
                self._running = False

        def handle(request):
            w = Worker()  # leak
            w.start()
            return w
        """
        )
    )
    assert "only its object's __del__() sets" in findings[0].message
    assert "only its object's __del__() puts" in findings[1].message
    assert "only its object's __del__() sets" in findings[2].message


def test_a_stop_a_public_method_makes_may_come_before_collection() -> None:
    """The finalizer calling close() (a public method the object's users call), a thread whose
    target is not the object's, or a stop made elsewhere too: the thread may well be stopped."""
    ending = (
        "\n    def close(self):\n        self._stop.set()\n        self._thread.join()\n"
        "\n    def __del__(self):\n        self.close()\n"
    )
    check(
        _EVENT_POLLER.format(mark="", ending=ending)
        + textwrap.dedent(
            """\

        def _serve(stop):
            while not stop.is_set():
                stop.wait(1.0)

        class Holder:
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(target=_serve, args=(self._stop,), daemon=True)
                self._thread.start()

            def __del__(self):
                self._stop.set()
                self._thread.join()

        class Both:
            def __init__(self):
                self._stop = False
                self._thread = threading.Thread(target=self._run, daemon=True)
                self._thread.start()

            def _run(self):
                while not self._stop:
                    pass

            def _halt(self):
                self._stop = True

            def __del__(self):
                self._halt()

            def __exit__(self, *exc):
                self._halt()
        """
        )
    )


def test_an_event_loop_served_inside_a_try_serves_until_stopped() -> None:
    """``try: self._loop.run_forever() except Exception: ...``: a serving loop hands what its
    callbacks raise to its own handler and goes on; only stop() ends it. Stopped only by the
    finalizer of the object whose bound method the thread holds, it never stops."""
    findings = check(
        """\
        import asyncio, threading

        class LoopThread(threading.Thread):
            def __init__(self, init):
                super().__init__(daemon=True)
                self._init = init
                self._loop = asyncio.new_event_loop()

            def run(self):
                try:
                    self._loop.run_forever()
                except Exception as e:
                    print(e)
                finally:
                    self._loop.close()

            def _stop(self):
                self._loop.call_soon_threadsafe(self._loop.stop)

        class Client:
            def __init__(self):
                self._thread = None

            def _connect(self):
                pass

            def __del__(self):
                if self._thread.is_alive():
                    self._thread._stop()

            def open(self):
                if not self._thread:
                    self._thread = LoopThread(init=self._connect)  # leak
                    self._thread.start()
        """
    )
    assert "only Client.__del__()" in findings[0].message


def test_a_reap_under_a_test_the_start_s_own_test_implies_reaps() -> None:
    """Started under `n_jobs > 1` or `n_jobs < 0`, shut down under `n_jobs != 1`: every value
    that started it also reaps it. Shut down under `n_jobs > 2`, the start under `n_jobs > 1`
    leaks when it is 2."""
    findings = check(
        """\
        import multiprocessing

        def fit(self, data):
            if self.n_jobs > 1:
                pool = multiprocessing.Pool(self.n_jobs)
            elif self.n_jobs < 0:
                pool = multiprocessing.Pool()
            run(data)
            if self.n_jobs != 1:
                pool.close()
                pool.join()

        def fit_narrow(self, data):
            if self.n_jobs > 1:
                pool = multiprocessing.Pool(self.n_jobs)  # leak
            run(data)
            if 2 < self.n_jobs:
                pool.close()
                pool.join()
        """
    )
    assert "only when `2 < self.n_jobs`" in findings[0].message


def test_an_assert_that_the_start_never_ran_is_a_once_guard() -> None:
    """`assert not self._started, "called twice"` then the start and `self._started = True`:
    like `if self._started: raise`, the start runs once per object."""
    (finding,) = check(
        """\
        import threading, time

        class Settings:
            def __init__(self):
                self._started = False

            def start_reloader(self, path):
                assert not self._started, "start_reloader called twice"
                def reload_loop():
                    while True:
                        time.sleep(10)
                        self.load(path)
                thread = threading.Thread(target=reload_loop)  # leak
                thread.start()
                self._started = True

            def load(self, path):
                pass
        """
    )
    assert "once per Settings object" in finding.message, finding.message
    assert finding.severity != "high", finding.message


def test_a_pid_sent_out_of_the_process_is_not_handed_to_a_reaper() -> None:
    """Only the parent can wait for its child: a fork's pid sent over a pipe (in a message) or
    written to a pid file reaches processes that can signal it, never reap it. Handed to a
    function of this process (a reaper's), it may be reaped there."""
    check(
        """\
        import os

        def handle_fork_request(conn):
            while True:
                request = conn.recv()
                pid = os.fork()  # leak
                if pid > 0:
                    conn.send({"status": "forked", "pid": pid})
                else:
                    serve(request)
                    os._exit(0)

        def start_daemon(pid_file):
            while True:
                pid = os.fork()  # leak
                if pid > 0:
                    with open(pid_file, "w") as f:
                        f.write(str(pid))
                else:
                    serve(None)
                    os._exit(0)

        def start_reaped(reaper):
            while True:
                pid = os.fork()
                if pid > 0:
                    reaper.watch(pid)
                else:
                    serve(None)
                    os._exit(0)
        """
    )


def test_an_asyncio_child_killed_when_its_wait_times_out_is_reaped_by_the_watcher() -> None:
    """asyncio's child watcher reaps each child it started once it ends, awaited or not: killed
    when wait_for() gives up, the child dies and is reaped, so the timeout leaves nothing. Not
    killed, the timed out child keeps running. The module's own timeout says nothing of its
    tasks being cancelled from outside: no low finding for that here."""
    (given_up,) = check(
        """\
        import asyncio

        async def run_killed(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)
            try:
                return await asyncio.wait_for(proc.communicate(), 5)
            except asyncio.TimeoutError:
                proc.kill()
                return None

        async def run_given_up(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)  # leak
            try:
                return await asyncio.wait_for(proc.communicate(), 5)
            except asyncio.TimeoutError:
                return None
        """
    )
    assert "when it times out the wait is given up" in given_up.message, given_up.message


def test_a_thread_given_a_weak_reference_does_not_hold_its_object() -> None:
    """`args=(weakref.ref(self),)`: the thread holds a weak reference, so the object can be
    collected while it runs and its __del__ stops it."""
    check(
        """\
        import threading, weakref

        def _poll(ref, stop):
            while not stop.is_set():
                owner = ref()
                if owner is None:
                    return
                owner.refresh()
                del owner
                stop.wait(1.0)

        class Client:
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=_poll, args=(weakref.ref(self), self._stop), daemon=True
                )
                self._thread.start()

            def refresh(self):
                pass

            def __del__(self):
                self._stop.set()
                self._thread.join()
        """
    )


_POLLER = """\
import atexit, threading

class Poller:
    def __init__(self, period):
        self._period = period
        self._enabled = True
        self._timer = None
        atexit.register(self.shut_down)

    def shut_down(self):
        self._enabled = False
        timer = getattr(self, "_timer", None)
        if timer is not None:
            timer.cancel()

    def sync(self):
        refresh()
        if self._enabled:
            if self._timer is not None and self._timer.is_alive():
                self._timer.cancel()
            self._timer = threading.Timer(self._period, self.sync){mark}
            {daemon}self._timer.start()
"""


def test_a_timer_re_armed_while_a_flag_holds_lasts_until_it_is_cleared() -> None:
    """A Timer whose function starts the next one only while a flag holds lasts until the flag
    is cleared, like a loop until stopped. Cleared only by cleanup registered with atexit, a
    non-daemon chain hangs exit: the interpreter joins non-daemon threads before it runs atexit
    callbacks. The cancel of the timer being replaced, before the store, does not stop the new
    one. A daemon chain is not joined at exit."""
    (hangs,) = check(_POLLER.format(mark="  # leak", daemon=""))
    assert "exit hangs" in hangs.message, hangs.message
    check(_POLLER.format(mark="", daemon="self._timer.daemon = True\n            "))


def test_an_event_loop_stopped_through_a_name_for_it_stops_the_thread() -> None:
    """`loop = self._loop; loop.call_soon_threadsafe(loop.stop)` in close() stops the loop the
    target serves, inside a `try` or not; so does stopping `self._loop` when the target made
    the loop as a local and kept it there. A name for another loop stops nothing."""
    findings = check(
        """\
        import asyncio, threading

        class Bridge:
            def __init__(self):
                self._loop = asyncio.new_event_loop()
                self._other = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._run, daemon=True)
                self._thread.start()

            def _run(self):
                try:
                    self._loop.run_forever()
                finally:
                    self._loop.close()

            def close(self):
                loop = self._loop
                loop.call_soon_threadsafe(loop.stop)

        class Local:
            def __init__(self):
                self._loop = None
                self._thread = threading.Thread(target=self._run, daemon=True)
                self._thread.start()

            def _run(self):
                loop = asyncio.new_event_loop()
                self._loop = loop
                try:
                    loop.run_forever()
                finally:
                    loop.close()

            def stop(self):
                self._loop.call_soon_threadsafe(self._loop.stop)

        class Wrong:
            def __init__(self):
                self._loop = asyncio.new_event_loop()
                self._other = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._run, daemon=True)  # leak
                self._thread.start()

            def _run(self):
                self._loop.run_forever()

            def close(self):
                loop = self._other
                loop.call_soon_threadsafe(loop.stop)
        """
    )
    assert "loops with no exit" in findings[0].message


def test_values_read_off_the_object_do_not_hold_it() -> None:
    """`name=repr(self)`, a property's value or a method's result among a thread's arguments
    are values: the thread does not hold the object, which __del__ may then stop.
    `functools.partial(self._run)` holds it."""
    check(
        """\
        import functools, threading

        class Poller:
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=_poll, args=(self._stop, self.period, self._label()), name=repr(self),
                    daemon=True,
                )
                self._thread.start()

            @property
            def period(self):
                return 1.0

            def _label(self):
                return "poller"

            def __del__(self):
                self._stop.set()
                self._thread.join()

        def _poll(stop, period, label):
            while not stop.is_set():
                stop.wait(period)

        class Held:
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(  # leak
                    target=functools.partial(self._poll, 1.0), daemon=True
                )
                self._thread.start()

            def _poll(self, period):
                while not self._stop.is_set():
                    self._stop.wait(period)

            def __del__(self):
                self._stop.set()
                self._thread.join()
        """
    )


@pytest.mark.parametrize(
    ("start", "reap", "leaks"),
    [
        ("if n_jobs == 1:\n        run(data)\n    else:\n        {pool}", "n_jobs != 1", False),
        (
            "if n_jobs > 1 or n_jobs < 0:\n        {pool}\n    else:\n        run(data)",
            "n_jobs != 1",
            False,
        ),
        ("if n_jobs > 1:\n        {pool}\n    else:\n        run(data)", "n_jobs >= 2", False),
        ("if 1 < n_jobs < 64:\n        {pool}\n    else:\n        run(data)", "n_jobs > 1", False),
        (
            "if not n_jobs <= 1:\n        {pool}\n    else:\n        run(data)",
            "not (n_jobs == 1)",
            False,
        ),
        ("if n_jobs != 1:\n        {pool}\n    else:\n        run(data)", "n_jobs > 1", True),
        ("if n_jobs > 1.0:\n        {pool}\n    else:\n        run(data)", "n_jobs >= 2", True),
    ],
)
def test_numbers_the_start_s_test_lets_through_meet_the_reap_s_test(
    start: str, reap: str, leaks: bool
) -> None:
    """A start's path tests a count against numbers (an `else` of the test that failed, `or`,
    `not`, a chained comparison); the reap's test holds for every number that started it, or
    it leaks on the others (`!= 1` lets -1 through where `> 1` reaps only above 1). Compared
    with whole numbers only, the count is taken for a whole number; a float bound is not."""
    pool = "pool = multiprocessing.Pool()" + ("  # leak" if leaks else "")
    check(
        "import multiprocessing\n\ndef fit(data, n_jobs):\n    pool = None\n    "
        + start.format(pool=pool)
        + f"\n    if {reap}:\n        pool.close()\n        pool.join()\n"
    )


_MQTT = """\
import threading

class Listener(threading.Thread):
    def __init__(self, owner):
        super().__init__()
        self._owner = owner

    def run(self):
        while True:
            try:
                self._owner.client.connect("broker")
                self._owner.client.loop_forever()
                break
            except OSError:
                self._owner.client.disconnect()

class Owner:
    def __init__(self, client):
        self.client = client
        self._listener = None

    def connect(self):
        self._listener = Listener(self){mark}
        self._listener.start()
{close}"""


def test_a_loop_serving_an_object_its_owner_stops_ends_when_the_owner_stops_it() -> None:
    """A thread serving an object another object holds (`self._owner.client.loop_forever()`,
    inside a `try` or not) ends when that owner stops it (`self.client.disconnect()`, which
    makes an MQTT client's loop_forever() return). run() disconnecting on its own way out is
    not a stop from outside: with no owner stopping it, it serves for good."""
    close = "\n    def close(self):\n        self.client.disconnect()\n"
    check(_MQTT.format(mark="", close=close))
    (finding,) = check(_MQTT.format(mark="  # leak", close=""))
    assert "loops with no exit" in finding.message, finding.message


def test_a_lambda_target_runs_the_call_it_makes() -> None:
    """`target=lambda: self._poll(1.0)` runs _poll(): its loop is the thread's, judged as if
    `_poll` were the target."""
    check(
        """\
        import threading

        class Poller:
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(target=lambda: self._poll(1.0), daemon=True)  # leak
                self._thread.start()

            def _poll(self, period):
                while not self._stop.is_set():
                    self._stop.wait(period)

        class Stopped:
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(target=lambda: self._poll(1.0), daemon=True)
                self._thread.start()

            def _poll(self, period):
                while not self._stop.is_set():
                    self._stop.wait(period)

            def close(self):
                self._stop.set()
                self._thread.join()
        """
    )


def test_a_popen_pid_waited_by_a_function_of_the_module_is_reaped() -> None:
    """`pid = Popen(cmd).pid` then `wait_for_pid(pid)`, where wait_for_pid() blocks in
    os.waitpid(pid, 0) (in a thread or not): a child is reaped by its pid whatever object
    started it. A function that only logs the pid reaps nothing."""
    check(
        """\
        import logging, os, subprocess, threading

        def wait_for_pid(pid):
            os.waitpid(pid, 0)

        def log_pid(pid):
            logging.info("started %s", pid)

        def launch(cmd):
            pid = subprocess.Popen(cmd, start_new_session=True).pid
            threading.Thread(target=wait_for_pid, args=(pid,), daemon=True).start()
            wait_for_pid(pid)

        def launch_logged(cmd):
            pid = subprocess.Popen(cmd, start_new_session=True).pid  # leak
            log_pid(pid)
        """
    )


def test_a_kill_answers_a_timeout_only_after_the_wait_on_its_way() -> None:
    """A kill in a method done with the object (finalize(), close()) is not what follows a
    timed wait that gave up; one in the handler, or in a method the handler calls, is. And
    the toggle's other branch (`if self._proc is None: start` / `else: stop`) reaps on the
    next call, as another method would."""
    check(
        """
        import subprocess
        class Widget:
            def __init__(self, cmd):
                self._cmd = cmd
                self._proc = None
            def toggle(self):
                if self._proc is None:
                    self._proc = subprocess.Popen(self._cmd)
                else:
                    self._proc.terminate()
                    try:
                        self._proc.wait(timeout=2)
                    except subprocess.TimeoutExpired:
                        pass
                    self._proc = None
            def finalize(self):
                if self._proc:
                    self._proc.terminate()
        """
    )
    (killed,) = check(
        """
        import subprocess
        class Runner:
            def run(self, cmd):
                self.proc = subprocess.Popen(cmd)  # leak: FA103
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._stop()
            def _stop(self):
                self.proc.kill()
        """
    )
    assert "when it times out it is killed and never waited again" in killed.message, killed.message


def test_a_multiprocessing_child_started_once_is_joined_by_multiprocessing_at_exit() -> None:
    """multiprocessing's exit handler joins every non-daemon child (and terminates the daemon
    ones) before the interpreter exits, and the next start() reaps one that has ended: started
    once, nothing is left; started per call, each ended child is a zombie until the next start
    (low). A child that never ends is joined at exit for ever: exit hangs."""
    check(
        """
        import multiprocessing
        def work(n):
            return n * 2
        p1 = multiprocessing.Process(target=work, args=(1,))
        p1.start()
        if __name__ == "__main__":
            p2 = multiprocessing.Process(target=work, args=(2,))
            p2.start()
        def each(n):
            p = multiprocessing.Process(target=work, args=(n,))  # leak: FA112
            p.start()
        """
    )
    (forever,) = check(
        """
        import multiprocessing
        import time
        def serve():
            while True:
                time.sleep(1)
        if __name__ == "__main__":
            p = multiprocessing.Process(target=serve)  # leak: FA112
            p.start()
        """
    )
    assert forever.severity != "low", forever


def test_a_poll_loop_left_before_a_poll_says_the_child_ended_leaves_it_unwaited() -> None:
    """poll() reaps only the child it reports ended: a loop left on a deadline (a return, or a
    raise after a kill or of a timeout) leaves the child unwaited, a kill being no wait. Behind
    what a poll said (`if proc.poll() is not None`, `rc = proc.poll()` / `if rc is not None`), or
    after a wait, it has been reaped; a raise on an error read from the child is an error path."""
    check(
        """
        import subprocess, time

        def deadline_return(cmd, timeout):
            proc = subprocess.Popen(cmd)  # leak: FA103
            deadline = time.monotonic() + timeout
            while True:
                if time.monotonic() > deadline:
                    proc.kill()
                    return None
                rc = proc.poll()
                if rc is not None:
                    return rc
                time.sleep(0.1)

        def poll_first(cmd, timeout):
            proc = subprocess.Popen(cmd)  # leak: FA103
            deadline = time.monotonic() + timeout
            while True:
                rc = proc.poll()
                if rc is not None:
                    return rc
                if time.monotonic() > deadline:
                    proc.kill()
                    raise TimeoutError(cmd)
                time.sleep(0.1)

        def fine(cmd):
            proc = subprocess.Popen(cmd)
            while True:
                if proc.poll() is not None:
                    return proc.returncode
                time.sleep(0.1)

        def fine_wait_after_kill(cmd, timeout):
            proc = subprocess.Popen(cmd)
            deadline = time.monotonic() + timeout
            while proc.poll() is None:
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    return None
                time.sleep(0.1)
            return proc.returncode

        def fine_error(cmd):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            while proc.poll() is None:
                line = proc.stdout.readline()
                if line.startswith(b"FATAL"):
                    raise RuntimeError(line)
            return proc.returncode
        """
    )


_QUEUE_WORKERS = """
    import logging
    import queue
    import threading
    class Client:
        def __init__(self, session):
            self.session = session
            self._jobs = queue.Queue()
            self._lines = queue.Queue()
            for _ in range(4):
                worker = threading.Thread(target=self._work, daemon=True){mark}
                worker.start()
            reader = threading.Thread(target=self._read, daemon=True)
            reader.start()
            timed = threading.Thread(target=self._drain, daemon=True)
            timed.start()
        def _work(self):
            try:
                while True:
                    job = self._jobs.get()
                    try:
                        response = self.session.post(job)
                        if response.status_code == 401:
                            raise PermissionError(job)
                    except BaseException as exc:
                        logging.error("failed: %s", exc)
                        continue
                    self._jobs.task_done()
            except Exception:
                logging.exception("worker crashed")
        def _read(self):
            try:
                while True:
                    self._lines.put(self.session.sock.recv(1024))
            except OSError:
                return
        def _drain(self):
            try:
                while True:
                    self._lines.get(timeout=1)
            except Exception:
                logging.exception("drain ended")
        def close(self):
            self._jobs.join()
            self.session.close()
        def __exit__(self, *exc):
            self.close()
"""


def test_a_handler_around_a_loop_blocked_in_a_queue_get_does_not_end_it() -> None:
    """A thread blocked in a queue's get() with no timeout sleeps until something is put: a
    handler around its loop (logging a crash) ends it only if an item makes the body raise,
    and once nothing more is put it waits for ever. A raise caught inside the loop by a handler
    that goes on (`except BaseException: continue`) does not leave it either. A loop reading a
    socket ends when the socket fails (OSError); one with a get(timeout=) wakes up by itself."""
    (worker,) = check(_QUEUE_WORKERS.format(mark="  # leak: FA111"))
    assert "loops with no exit" in worker.message, worker.message


def test_a_signal_to_the_childs_pid_or_group_kills_it() -> None:
    """os.kill(h.pid, SIGTERM), os.killpg(h.pid, SIGKILL), os.killpg(os.getpgid(h.pid), ...)
    end the child as h.kill() does: asyncio's watcher then reaps it; a Popen still has to be
    waited for."""
    (popen,) = check(
        """
        import asyncio
        import os
        import signal
        import subprocess

        async def run(cmd, timeout):
            proc = await asyncio.create_subprocess_exec(*cmd, start_new_session=True)
            try:
                return await asyncio.wait_for(proc.communicate(), timeout)
            except asyncio.TimeoutError:
                os.killpg(proc.pid, signal.SIGKILL)
                raise

        def run_sync(cmd, timeout):
            proc = subprocess.Popen(cmd, start_new_session=True)  # leak: FA103
            try:
                return proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(os.getpgid(proc.pid), signal.SIGTERM)
                raise
        """
    )
    assert "killed and never waited again" in popen.message, popen.message


def test_an_exec_keeps_the_children_an_exit_hands_to_init() -> None:
    """After an exit, init adopts the children and reaps them; after an exec the pid, and its
    children, stay: they are the new program's, which never waits for a child it did not start
    (bounded: low). The child's own exec (`if pid == 0: os.execvp(...)`) leaves nothing."""
    execed = check(
        """
        import os, subprocess, sys
        def launch(compositor):
            helper = os.fork()  # leak: FA101
            if helper == 0:
                notify_ready()
                sys.exit(0)
            os.execvp(compositor[0], compositor)
        def hand_over(cmd):
            subprocess.Popen(["notify-send", "starting"])  # leak: FA103
            os.execvp(cmd[0], cmd)
        def restart():
            subprocess.Popen([sys.executable] + sys.argv)
            os._exit(0)
        def run(cmd):
            pid = os.fork()
            if pid == 0:
                os.execvp(cmd[0], cmd)
            os.waitpid(pid, 0)
        class Arbiter:
            def reexec(self):
                self.reexec_pid = os.fork()
                if self.reexec_pid != 0:
                    return
                os.execvpe(self.argv[0], self.argv, self.env)
            def reap(self):
                os.waitpid(self.reexec_pid, 0)
        """
    )
    assert all(f.severity == "low" for f in execed), execed
    (reexec,) = check(CASES["the parent execs through a helper"])
    assert "the parent then execs another program" in reexec.message, reexec.message


def test_the_pid_read_out_of_a_forkpty_tuple_is_the_handle() -> None:
    """`pidpty = os.forkpty()` then `self.pid = pidpty[0]`: the element holding the pid is the
    handle (the other, the pty's fd, is not). A test the start's path found false (`if os.name
    == 'nt': ... else: <start>`) sends a later `if os.name == 'nt': ... else: <keep>` into its
    else."""
    check(
        """
        import os
        import subprocess

        class Session:
            def start(self, argv):
                if os.name == "nt":
                    self.pid = subprocess.Popen(argv)
                else:
                    pidpty = os.forkpty()
                    if pidpty[0] == 0:
                        os.execv(argv[0], argv)
                if os.name == "nt":
                    self.stdin = self.pid.stdin
                else:
                    self.pid = pidpty[0]
                    self.fd = pidpty[1]

            def end(self):
                if os.name == "nt":
                    self.pid.wait()
                else:
                    os.waitpid(self.pid, 0)
                self.pid = None
        """
    )
    check(
        """
        import os

        def start(argv):
            pidpty = os.forkpty()  # leak: FA101
            if pidpty[0] == 0:
                os.execv(argv[0], argv)
            return pidpty[1]
        """
    )


def test_what_a_poll_said_is_read_through_the_names_bound_to_it() -> None:
    """`done = proc.poll() is not None` / `elif done: return` and `rc = proc.poll()` / `if rc
    is None: continue` / `return rc` leave the loop once the poll said the child ended. A
    `while` whose test polls and-ed with a deadline may end with the child running, as a timed
    wait gives up (2026-12-05; taken to reap before): the kill after it, with no wait, leaves a
    zombie until CPython collects the dropped Popen, as after a timed wait."""
    check(
        """
        import subprocess
        import time

        def stream(cmd, out):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            while True:
                line = proc.stdout.readline()
                done = proc.poll() is not None
                if line:
                    out.write(line)
                elif done:
                    return proc.returncode

        def quietly(cmd):
            proc = subprocess.Popen(cmd)
            while True:
                rc = proc.poll()
                if rc is None:
                    time.sleep(0.1)
                    continue
                return rc

        def until(cmd, timeout):
            proc = subprocess.Popen(cmd)  # leak: FA103
            deadline = time.monotonic() + timeout
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if proc.returncode is None:
                proc.kill()
                return None
            return proc.returncode
        """
    )


def test_a_timeout_of_none_waits_for_good() -> None:
    """`timeout=None`, or a parameter defaulting to None passed on, is no timeout: the wait
    reaps; by position (`communicate(data, 5)`, `wait(5)`) it is one."""
    check(
        """
        import subprocess

        def run(cmd, timeout=None):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            out, _ = proc.communicate(timeout=timeout)
            return out

        def run_none(cmd):
            proc = subprocess.Popen(cmd)
            return proc.wait(timeout=None)

        def feed(cmd, data):
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)  # leak: FA103
            return proc.communicate(data, 5)
        """
    )


def test_a_sigkill_however_sent_is_waited_out_by_the_next_wait() -> None:
    """SIGKILL cannot be caught: a timed wait right after it reaps, whether it was sent with
    kill(), send_signal(SIGKILL) or os.killpg(h.pid, SIGKILL); a SIGTERM or no wait after the
    kill leaves the child to be waited for."""
    check(
        """
        import os
        import signal
        import subprocess

        def group(cmd, timeout):
            proc = subprocess.Popen(cmd, start_new_session=True)
            try:
                return proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                return proc.wait(timeout=5)

        def signalled(cmd, timeout):
            proc = subprocess.Popen(cmd)
            try:
                return proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                return proc.wait(timeout=5)

        def dropped(cmd, timeout):
            proc = subprocess.Popen(cmd)  # leak: FA103
            try:
                return proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, 9)
                return None
        """
    )


def test_a_loop_handler_that_leaves_for_good_ends_the_loop() -> None:
    """A catch-all handler in the loop ending in sys.exit() or a helper that raises leaves the
    loop; a handler around a queue loop naming queue.ShutDown (3.13) is how it ends."""
    check(
        """
        import logging
        import queue
        import sys
        import threading

        class Reader:
            def __init__(self, sock, jobs):
                self.sock = sock
                self.jobs = jobs
                threading.Thread(target=self._read, daemon=True).start()
                threading.Thread(target=self._work, daemon=True).start()

            def _fail(self, exc):
                raise RuntimeError("reader failed") from exc

            def _read(self):
                while True:
                    try:
                        data = self.sock.recv(4096)
                        if not data:
                            raise ConnectionError("peer closed")
                    except Exception as exc:
                        logging.exception("read failed")
                        self._fail(exc)

            def _work(self):
                try:
                    while True:
                        job = self.jobs.get()
                        job()
                except queue.ShutDown:
                    return

            def close(self):
                self.jobs.shutdown()
                self.sock.close()
        """
    )


def test_a_timer_armed_per_call_and_never_cancelled_parks_a_thread_until_it_fires() -> None:
    """A Timer holds its thread asleep for its whole interval: armed on every call (a request,
    an invocation) and never cancelled, live threads grow with the call rate (medium). Armed
    once, with a short literal interval, or cancelled when alive (`if t.is_alive():
    t.cancel()`: a timer no longer alive has fired and ended), nothing piles up."""
    (parked,) = check(
        """
        import threading

        class Handler:
            def handle(self, event, context):
                threading.Timer(context.remaining / 2, self._warn).start()  # leak: FA111
                threading.Timer(0.5, self._tick).start()
                timer = threading.Timer(context.remaining - 1, self._timed_out)
                timer.start()
                try:
                    return self.run(event)
                finally:
                    if timer and timer.is_alive():
                        timer.cancel()

        _watchdog = threading.Timer(600, lambda: None)
        _watchdog.start()
        """
    )
    assert parked.severity == "medium", parked
    assert "parked until it fires" in parked.message, parked.message


def test_a_timer_cancelled_whenever_it_was_started_leaves_nothing() -> None:
    """`if deadline.ident is not None: deadline.cancel()`: a thread gets its ident as it is
    started, so the test holds for every timer there is to cancel; one that was never started
    (its start is in a signal handler that did not run) has no thread. So for a process's
    `pid`. A test of something else is still a path that leaks."""
    check(
        """
        import multiprocessing
        import threading

        def serve(run, seconds, on_signal):
            deadline = threading.Timer(seconds, run)
            deadline.daemon = True

            def terminate():
                deadline.start()

            on_signal(terminate)
            try:
                run()
            finally:
                if deadline.ident is not None:
                    deadline.cancel()

        def work(target, later):
            p = multiprocessing.Process(target=target)
            later(p.start)
            if p.pid is not None:
                p.join()

        def other(run, seconds, on_signal, armed):
            deadline = threading.Timer(seconds, run)  # leak: FA111

            def terminate():
                deadline.start()

            on_signal(terminate)
            try:
                run()
            finally:
                if armed:
                    deadline.cancel()
        """
    )


def test_a_timer_stored_anew_without_a_cancel_leaves_the_last_one_parked() -> None:
    """`self.pong_timer = Timer(30, self._check)` on every ping, nothing cancelling the one
    before: replacing the reference does not cancel the pending timer, so each stays parked
    until it fires (medium per call, as a dropped one; p3 pysher). A debounce cancelling the
    last one first keeps one pending per object (below)."""
    (pong,) = check(
        """
        import threading

        class Connection:
            def send_ping(self):
                self.ws.send("ping")
                self.pong_timer = threading.Timer(30, self._check_pong)  # leak
                self.pong_timer.start()

            def _check_pong(self):
                if not self.pong_received:
                    self.reconnect()
        """
    )
    assert pong.severity == "medium" and "parked until it fires" in pong.message, pong.message


def test_a_debounce_timer_is_one_pending_per_object() -> None:
    """A debounce cancels the pending timer before it arms the next on the same attribute: one
    pending per object, whatever the guard (`if self._timer:`, `is not None and is_alive()`);
    `if not t.is_alive(): ... else: t.cancel()` guards the handle as its positive form does."""
    check(
        """
        import threading

        class Debouncer:
            def __init__(self, wait, fn):
                self.wait = wait
                self.fn = fn
                self._timer = None

            def __call__(self):
                if self._timer is not None and self._timer.is_alive():
                    self._timer.cancel()
                self._timer = threading.Timer(self.wait, self.fn)
                self._timer.start()

        def guarded(handler, seconds):
            t = threading.Timer(seconds, handler)
            t.start()
            try:
                return handler.run()
            finally:
                if not t.is_alive():
                    handler.log("fired")
                else:
                    t.cancel()
        """
    )


def test_the_childs_closing_exit_is_not_the_parents() -> None:
    """After `if pid > 0: return` (or `if pid: os.execv(...)`), the os._exit that follows is the
    child's: the parent went on without waiting (high per call), or execed (low)."""
    spawned, reexec = check(
        """
        import os, sys

        def spawn_worker(job):
            pid = os.fork()  # leak: FA101
            if pid > 0:
                return pid and None
            job()
            os._exit(0)

        def restart_with_reloader(argv):
            pid = os.fork()  # leak: FA101
            if pid:
                os.execv(sys.executable, [sys.executable] + argv)
            watch_files()
            os._exit(0)

        def detach():
            pid = os.fork()
            if pid > 0:
                os._exit(0)
            serve()
        """
    )
    assert spawned.severity == "high", spawned
    assert reexec.severity == "low" and "execs another program" in reexec.message, reexec


def test_a_test_the_starts_path_ruled_out_is_read_however_it_is_written() -> None:
    """The start in the else of `if sys.platform == "win32":` is waited under `if sys.platform
    != "win32":` (or `if not IS_WINDOWS:` after `if IS_WINDOWS: ... else:`); a return under the
    first test again never runs on the start's path."""
    check(
        """
        import os, subprocess, sys
        IS_WINDOWS = os.name == "nt"

        def run_shell(cmd):
            if sys.platform == "win32":
                proc = subprocess.Popen(cmd, shell=True)
            else:
                pid = os.fork()
                if pid == 0:
                    os.execvp("/bin/sh", ["/bin/sh", "-c", cmd])
            if sys.platform != "win32":
                _, status = os.waitpid(pid, 0)
                return status
            return proc.wait()

        def run_flag(cmd):
            if IS_WINDOWS:
                proc = subprocess.Popen(cmd)
            else:
                pid = os.fork()
                if pid == 0:
                    os.execvp(cmd[0], cmd)
            if IS_WINDOWS:
                return proc.wait()
            if not IS_WINDOWS:
                os.waitpid(pid, 0)
        """
    )


def test_a_timer_interval_named_by_a_module_constant_is_read() -> None:
    """`ACK_DELAY = 2` at the module's top level, then `Timer(ACK_DELAY, ...)` per message: a
    short interval, as if written out; `RETRY_AFTER = 300` per call parks a thread."""
    (parked,) = check(
        """
        import threading
        ACK_DELAY = 2
        RETRY_AFTER = 300

        def on_message(client, msg):
            threading.Timer(ACK_DELAY, client.ack, args=(msg.id,)).start()
            threading.Timer(RETRY_AFTER, client.retry, args=(msg.id,)).start()  # leak: FA111
        """
    )
    assert "parked until it fires" in parked.message


def test_a_try_in_the_loop_that_goes_on_keeps_the_thread_parked_in_get() -> None:
    """A `try` of the loop's own whose handler goes on (`except queue.Empty: pass` around a
    get_nowait() beside the blocking get()) leaves the loop as it was: the thread still sleeps
    in the get() once nothing more is put, and a catch-all around the whole loop cannot wake
    it. A `try` whose handler leaves the loop (return, break) may end it."""
    check(
        """
        import logging
        import queue
        import threading

        class Client:
            def __init__(self):
                self._polls = queue.Queue()
                self._jobs = queue.Queue()
                threading.Thread(target=self._poll, daemon=True).start()  # leak: FA111
                threading.Thread(target=self._work, daemon=True).start()

            def _poll(self):
                try:
                    active = set()
                    while True:
                        try:
                            while not active:
                                active.add(self._polls.get())
                            while len(active) < 10:
                                active.add(self._polls.get_nowait())
                        except queue.Empty:
                            pass
                        self.query(active)
                        active.clear()
                except Exception as exc:
                    logging.exception(exc)

            def _work(self):
                try:
                    while True:
                        try:
                            job = self._jobs.get()
                        except EOFError:
                            return
                        job()
                except Exception as exc:
                    logging.exception(exc)

            def query(self, ids):
                pass

            def __exit__(self, *exc):
                pass
        """
    )


def test_an_asyncio_child_whose_timed_wait_is_given_up_runs_on() -> None:
    """wait_for() cancels the wait when it times out, not the child: nothing killing it, the
    child runs on until it ends by itself, which a hung one never does, as a Popen's would
    (medium per request). asyncio's watcher reaps it only then. Killed and awaited when the
    wait times out, nothing stays."""
    (abandoned,) = check(
        """
        import asyncio

        async def handle_request(prompt):
            proc = await asyncio.create_subprocess_exec(  # leak: FA105
                "claude", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
            )
            out, _ = await asyncio.wait_for(proc.communicate(prompt), timeout=120)
            return out

        async def handle_other(prompt):
            proc = await asyncio.create_subprocess_exec(
                "codex", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
            )
            try:
                out, _ = await asyncio.wait_for(proc.communicate(prompt), timeout=120)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()
                raise
            return out
        """
    )
    assert abandoned.severity == "medium", abandoned
    assert "runs on until it ends by itself" in abandoned.message, abandoned.message


def test_a_cancel_in_the_timers_own_function_reaps_nothing() -> None:
    """What a timer or thread runs itself cannot reap it: a cancel() in the timer's function
    comes once the timer has fired (a join() of its own thread cannot be). A chain whose only
    cancel() is in its own function has no way to be stopped."""
    (chain,) = check(
        """
        import threading

        class Poller:
            def __init__(self):
                self._timer = None

            def start(self):
                self._timer = threading.Timer(10, self._tick)
                self._timer.start()

            def _tick(self):
                self._timer.cancel()
                self.poll()
                self._timer = threading.Timer(10, self._tick)  # leak: FA111
                self._timer.start()

            def poll(self):
                pass

            def close(self):
                pass
        """
    )
    assert "no method of Poller" in chain.message, chain.message
    assert "some paths" not in chain.message, chain.message


def test_a_public_class_made_once_by_the_modules_script_is_made_per_use_by_importers() -> None:
    """The module's script (its `__main__` block and the functions only that block calls)
    making one object says nothing of how often importers make a public class's objects: a
    connection class whose loop nothing wakes at close() leaves a thread per connection. A
    flag set in a function close() defines acts for close(); `self._seen.get(line)` looks a
    mapping up (a key, not a truth value) and never blocks. A private class has no maker but
    the module: made once there, once it is."""
    check(
        """
        import queue
        import threading

        class Connection:
            def __init__(self, port):
                self._queue = queue.Queue()
                self._lines = {}
                self._seen = {}
                self._active = True
                self._reading = True
                self._sender = threading.Thread(target=self._send_loop, daemon=True)  # leak: FA111
                self._sender.start()
                self._reader = threading.Thread(target=self._read_loop, daemon=True)
                self._reader.start()

            def _send_loop(self):
                while self._active:
                    entry = self._queue.get()
                    self.write(entry)

            def _read_loop(self):
                while self._reading:
                    line = self.readline()
                    old = self._seen.get(line)
                    self._seen = self._lines
                    self._lines[line] = old

            def write(self, entry):
                pass

            def readline(self):
                return ""

            def close(self):
                def deactivate():
                    self._active = False
                    self._reading = False
                deactivate()

        class _Server:
            def __init__(self):
                self._jobs = queue.Queue()
                self._running = True
                threading.Thread(target=self._loop, daemon=True).start()

            def _loop(self):
                while self._running:
                    self._jobs.get()()

        def cli():
            conn = Connection(5)
            conn.close()
            _Server()

        if __name__ == "__main__":
            cli()
        """
    )


def test_a_wrapper_forwarding_kill_and_wait_leaves_both_to_its_users() -> None:
    """A class forwarding the child's own API, a kill() beside a wait() that waits for it,
    hands both to its users, who follow a kill() with a wait() as they would on the child
    itself. A close() that only kills is the object's own end: the child stays unreaped
    whatever wait() the class also has."""
    check(
        """
        import multiprocessing
        import subprocess

        class AgentProcess:
            def __init__(self, command=None, function=None):
                if command:
                    self._popen = subprocess.Popen(command)
                else:
                    self._proc = multiprocessing.Process(target=function)
                    self._proc.start()

            def wait(self, timeout=None):
                if self._popen:
                    return self._popen.wait(timeout=timeout)
                return self._proc.join(timeout=timeout)

            def kill(self):
                if self._popen:
                    return self._popen.kill()
                return self._proc.kill()

        class Session:
            def __init__(self, command):
                self._popen = subprocess.Popen(command)  # leak: FA103

            def wait(self):
                return self._popen.wait()

            def close(self):
                self._popen.kill()
        """
    )


def test_an_element_taken_by_index_into_a_local_and_joined_is_reaped_through_its_container() -> (
    None
):
    """`old = workers[i]; old.terminate(); old.join()` joins what the container holds: the
    one put in that slot next is joined the same way when its turn comes. Taken and only
    read, it reaps nothing."""
    check(
        """
        from multiprocessing import Process

        class ReloadOne:
            def handle(self, workers, i, target):
                worker = workers[i]
                print(worker.pid)
                new = Process(target=target)  # leak: FA112
                new.start()
                workers[i] = new

        class ReloadTwo:
            def handle(self, workers, i, target):
                old = workers[i]
                old.terminate()
                old.join()
                new = Process(target=target)
                new.start()
                workers[i] = new
        """
    )


def test_the_modules_own_timeout_around_the_awaiting_coroutine_leaves_the_child_running() -> None:
    """A coroutine awaiting the child, run by the module under a timeout of its own
    (wait_for(run(), t), `async with asyncio.timeout(t): return await run()`), is cancelled
    when the timeout expires: the child is left running and never awaited, as with a timed
    wait given up (medium per call), not a cancellation that may or may not come. A handler
    killing and awaiting it on cancellation reaps it."""
    first, second = check(
        """
        import asyncio

        async def subprocess_run(args, timeout):
            async def run_command():
                proc = await asyncio.create_subprocess_exec(*args)  # leak: FA105
                await proc.communicate()
                return proc.returncode

            return await asyncio.wait_for(run_command(), timeout=timeout)

        async def run_shell(cmd):
            proc = await asyncio.create_subprocess_shell(cmd)  # leak: FA105
            await proc.wait()
            return proc.returncode

        async def shell(cmd, timeout):
            async with asyncio.timeout(timeout):
                return await run_shell(cmd)

        async def run_safe(args):
            proc = await asyncio.create_subprocess_exec(*args)
            try:
                await proc.communicate()
            except asyncio.CancelledError:
                proc.kill()
                await proc.wait()
                raise
            return proc.returncode

        async def safe(args, timeout):
            return await asyncio.wait_for(run_safe(args), timeout)
        """
    )
    for finding in (first, second):
        assert finding.severity == "medium", finding
        assert "under a timeout of its own" in finding.message, finding.message


def test_a_start_given_a_windows_only_subprocess_name_runs_on_windows_alone() -> None:
    """Reading `subprocess.CREATE_NO_WINDOW` (or getattr() of it with no default, or
    `subprocess.STARTUPINFO()`) raises AttributeError on any other system before the child is
    made: such a start runs on Windows alone, where no zombie exists. One chosen by a test or
    read with a default runs here."""
    check(
        """
        import subprocess

        class WindowsViewer:
            def show_file(self, path):
                subprocess.Popen(
                    f'start "{path}"',
                    shell=True,
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW"),
                )
                subprocess.Popen(["notepad", path], startupinfo=subprocess.STARTUPINFO())
                subprocess.Popen(["x", path], creationflags=subprocess.CREATE_NEW_CONSOLE)

        class AnyViewer:
            def show_file(self, path):
                subprocess.Popen(  # leak: FA103
                    ["xdg-open", path],
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
        """
    )


def test_a_container_bound_anew_on_every_pass_keeps_only_the_last_pass() -> None:
    """`for n in range(k): self.consumers = []; ...; self.consumers.append(c)` binds a new
    list on each pass and drops the one before with what it held: join() later reaches only
    the last pass's thread. A pass that reaps its own list before the next binds one is
    fine."""
    check(
        """
        import subprocess
        import threading

        class Consumer(threading.Thread):
            def __init__(self, queue):
                super().__init__(daemon=True)
                self.queue = queue
                self.running = True

            def run(self):
                while self.running:
                    self.queue.get()()

            def pause(self):
                self.running = False

        class Client:
            def __init__(self, queue, threads=2):
                for n in range(threads):
                    self.consumers = []
                    consumer = Consumer(queue)  # leak: FA111
                    self.consumers.append(consumer)
                    consumer.start()

            def join(self):
                for consumer in self.consumers:
                    consumer.pause()
                    consumer.join()

        def run_batches(batches):
            for batch in batches:
                procs = []
                for cmd in batch:
                    procs.append(subprocess.Popen(cmd))
                for proc in procs:
                    proc.wait()
        """
    )


def test_a_timer_asking_whether_it_is_alive_from_its_own_function_is_always_alive() -> None:
    """`if self.timer.is_alive(): self.start_loop()` in the timer's own function asks about the
    timer whose thread is running it: always true, so it stops nothing, and a chain re-armed
    under it runs for good (started again on every settings save). A chain re-armed while
    another thread lives ends with that thread."""
    check(
        """
        import threading

        class Uploader:
            def on_settings_save(self, data):
                self.start_loop()

            def start_loop(self):
                self.timer = threading.Timer(10, self.upload)  # leak: FA111
                self.timer.daemon = True
                self.timer.start()

            def upload(self):
                self.send()
                if self.timer.is_alive():
                    self.start_loop()

            def send(self):
                pass

            def on_shutdown(self):
                if self.timer:
                    self.timer.cancel()

        class Watcher:
            def __init__(self, main):
                self.main = main

            def on_settings_save(self, data):
                self.start_loop()

            def start_loop(self):
                self.timer = threading.Timer(10, self.check)
                self.timer.daemon = True
                self.timer.start()

            def check(self):
                if self.main.is_alive():
                    self.start_loop()

            def on_shutdown(self):
                self.timer.cancel()
        """
    )


def test_a_factory_call_that_keeps_the_start_branch_from_running_gets_no_handle() -> None:
    """`def run(cmd, block=True): if block: check_output(cmd) else: Popen(cmd)` returns a
    Popen only to callers passing block=False: one leaving block to its default (or passing
    True) gets the command's output, and there is nothing to wait for."""
    check(
        """
        import subprocess

        def run(cmd, *, check=True, block=True):
            try:
                if block:
                    result = subprocess.check_output(cmd, universal_newlines=True)
                else:
                    result = subprocess.Popen(cmd)
            except Exception:
                result = None
            return result

        def version():
            out = run(("libinput", "--version"), check=False)
            return out.strip() if out else ""

        def on_gesture(cmd):
            run(cmd, block=False)  # leak: FA103

        def devices():
            return run(["libinput", "list-devices"], block=True)
        """
    )


def test_a_cancellation_handler_handing_the_child_to_a_helper_that_kills_it_reaps() -> None:
    """`except asyncio.CancelledError: await _terminate(proc); raise` hands the child to a
    function of the module that kills and awaits it: reaped when the task is cancelled. One
    handed to a helper that only logs it is still left running."""
    check(
        """
        import asyncio
        import logging
        import os
        import signal

        async def _terminate(proc):
            if proc.returncode is not None:
                return
            os.killpg(proc.pid, signal.SIGTERM)
            await proc.wait()

        def _describe(proc):
            logging.info("cancelled %s", proc.pid)

        async def run_tool(cmd):
            proc = await asyncio.create_subprocess_shell(cmd, start_new_session=True)
            try:
                await proc.communicate()
            except asyncio.CancelledError:
                await _terminate(proc)
                raise
            return proc.returncode

        async def run_other(cmd):
            proc = await asyncio.create_subprocess_shell(cmd)  # leak: FA105
            try:
                await proc.communicate()
            except asyncio.CancelledError:
                _describe(proc)
                raise
            return proc.returncode
        """
    )


def test_a_child_handed_to_a_coroutine_whose_finally_kills_it_survives_cancellation() -> None:
    """`return await collect(proc, timeout)` hands the child to a coroutine of the module whose
    every await sits in a `try` with `finally: await kill(proc)`: a cancellation lands at one
    of those awaits, inside the `try`, and the cleanup runs on the way out. A coroutine that
    awaits something before its `try`, or has no such `finally`, leaves the child running
    when the cancellation lands there."""
    check(
        """
        import asyncio

        async def kill(process):
            if process.returncode is not None:
                return
            process.kill()
            await process.wait()

        async def collect(process, timeout):
            try:
                try:
                    await asyncio.wait_for(process.wait(), timeout=timeout)
                except TimeoutError:
                    await kill(process)
                return process.returncode
            finally:
                await kill(process)

        async def run(command, timeout):
            process = await asyncio.create_subprocess_exec("sh", "-c", command)
            return await collect(process, timeout)

        async def collect_late(process):
            await asyncio.sleep(0.1)
            try:
                await process.wait()
            finally:
                await kill(process)

        async def run_late(command):
            process = await asyncio.create_subprocess_exec("sh", "-c", command)  # leak: FA105
            return await collect_late(process)

        async def collect_locked(process, lock):
            async with lock:  # entering awaits, outside the try
                try:
                    await process.wait()
                finally:
                    await kill(process)

        async def run_locked(command, lock):
            process = await asyncio.create_subprocess_exec("sh", "-c", command)  # leak: FA105
            return await collect_locked(process, lock)

        async def collect_plain(process):
            await process.wait()
            return process.returncode

        async def run_plain(command):
            process = await asyncio.create_subprocess_exec("sh", "-c", command)  # leak: FA105
            try:
                return await collect_plain(process)
            except asyncio.CancelledError:
                raise
        """
    )


def test_a_child_yielded_by_a_context_manager_inside_its_cleaning_try_survives_cancellation() -> (
    None
):
    """`try: yield process finally: await stop_process(process)` in an @asynccontextmanager:
    the with-block's body runs at the yield, so a cancellation there leaves the block, which
    throws into the generator, and the finally stops the child. A yield outside such a try
    leaves it running."""
    check(
        """
        import asyncio
        import contextlib

        async def stop_process(process):
            if process.returncode is not None:
                return
            process.kill()
            await process.wait()

        @contextlib.asynccontextmanager
        async def spawned(command):
            process = await asyncio.create_subprocess_exec("sh", "-c", command)
            try:
                yield process
            finally:
                await stop_process(process)

        async def run(command, timeout):
            async with spawned(command) as process:
                async with asyncio.timeout(timeout):
                    await process.communicate()
                return process.returncode

        @contextlib.asynccontextmanager
        async def spawned_open(command):
            process = await asyncio.create_subprocess_exec("sh", "-c", command)  # leak: FA105
            yield process
            await stop_process(process)

        async def run_open(command, timeout):
            async with spawned_open(command) as process:
                async with asyncio.timeout(timeout):
                    await process.communicate()
                return process.returncode

        async def guarded(coro):
            try:
                return await coro
            except asyncio.CancelledError:
                raise
        """
    )


def test_a_pool_given_to_a_call_on_every_pass_of_a_loop_is_lent_not_handed_over() -> None:
    # a pool shut down refuses more work, so a callee given it again and again only uses it;
    # given once, the callee may own it (and a callee of the module is read for what it does)
    check(
        """
        import multiprocessing as mp
        from concurrent.futures import ThreadPoolExecutor
        from other import compute, consume

        def optimize(f, iters, n):
            pool = mp.Pool(n)  # leak
            for _ in range(iters):
                compute(f, pool=pool)

        def runs(jobs):
            executor = ThreadPoolExecutor(4)  # let go unshut: shut down as it is collected
            while jobs:
                compute(jobs.pop(), executor)

        def handed_once(n):
            pool = mp.Pool(n)
            return consume(pool)

        def made_each_pass(items):
            for item in items:
                pool = mp.Pool(2)
                consume(item, pool)
        """
    )


def test_a_start_in_one_side_of_a_conditional_expression_is_reaped_under_its_test() -> None:
    # `h = Pool(n) if test else None`: where the test fails the name holds None and there is
    # nothing to reap, so a reap under the same test covers every start
    check(
        """
        import multiprocessing as mp
        from other import compute

        def optimize(f, iters, n_processes=None):
            pool = None if n_processes is None else mp.Pool(n_processes)
            for _ in range(iters):
                compute(f, pool=pool)
            if n_processes is not None:
                pool.close()
                pool.join()

        def shaped(f, workers=0):
            pool = mp.Pool(workers) if workers else None
            compute(f, pool)
            if workers:
                pool.terminate()
                pool.join()

        def other_test(f, n, verbose):
            pool = mp.Pool(n) if n else None  # leak
            for _ in range(3):
                compute(f, pool)
            if verbose:
                pool.terminate()
                pool.join()
        """
    )


def test_a_factory_guard_comparing_a_flag_with_a_literal_reads_as_the_flag() -> None:
    # `if block is False:` / `if wait == True:` test what `if not block:` / `if wait:` test
    check(
        """
        import subprocess

        def run(cmd, block=True):
            if block is False:
                return subprocess.Popen(cmd)
            return subprocess.check_output(cmd, universal_newlines=True)

        def run2(cmd, wait=False):
            if wait == True:
                return subprocess.check_output(cmd)
            return subprocess.Popen(cmd)

        def version():
            return run(["x"]).strip()

        def spawn():
            run(["y"], block=False)  # leak

        def spawn2():
            run2(["y"])  # leak

        def fine2():
            return run2(["y"], wait=True)
        """
    )


def test_a_container_emptied_on_every_pass_of_an_outer_loop_keeps_only_the_last_pass() -> None:
    # `self.procs.clear()` drops what the last pass put there as surely as `self.procs = []`,
    # and a rebind in an outer loop drops the inner loop's fill of the pass before
    check(
        """
        import subprocess

        class Farm:
            def __init__(self):
                self.procs = []

            def start(self, groups):
                for group in groups:
                    self.procs.clear()
                    for cmd in group:
                        self.procs.append(subprocess.Popen(cmd))  # leak

            def stop(self):
                for proc in self.procs:
                    proc.wait()

        def reaped_each_pass(batches):
            for batch in batches:
                procs = []
                for cmd in batch:
                    procs.append(subprocess.Popen(cmd))
                for proc in procs:
                    proc.wait()
        """
    )


def test_a_method_timed_by_its_own_class_is_not_another_class_method_of_that_name() -> None:
    # `wait_for(self.run(), 2)` times its own class's run(): another class's run() awaiting a
    # child is only exposed to cancellation from outside (low), not under a timeout (medium)
    code = textwrap.dedent(
        """
        import asyncio

        class Builder:
            async def run(self, args):
                proc = await asyncio.create_subprocess_exec(*args)
                await proc.wait()
                return proc.returncode

        class Pinger:
            async def run(self):
                proc = await asyncio.create_subprocess_exec("ping", "-c1", "h")
                await proc.wait()

            async def check(self):
                await asyncio.wait_for(self.run(), 2)
        """
    )
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    severities = {f.line: f.severity for f in result.findings}
    assert severities == {6: "low", 12: "medium"}, [(f.line, f.message) for f in result.findings]


def test_a_loop_on_the_main_thread_being_alive_runs_until_the_program_exits() -> None:
    # CPython marks the main thread stopped only at interpreter shutdown: a thread looping
    # `while threading.main_thread().is_alive():` started per request runs as long as the server
    check(
        """
        import threading
        import time

        def beat(conn):
            while threading.main_thread().is_alive():
                conn.ping()
                time.sleep(5)

        def handle(conn):
            t = threading.Thread(target=beat, args=(conn,), daemon=True)  # leak
            t.start()

        def beat_until_closed(conn):
            while threading.main_thread().is_alive():
                if conn.closed:
                    return
                conn.ping()
                time.sleep(5)

        def handle_closing(conn):
            t = threading.Thread(target=beat_until_closed, args=(conn,), daemon=True)
            t.start()
        """
    )


def test_a_server_kept_by_key_and_stopped_when_its_key_is_taken_again_is_stopped() -> None:
    # a local server put in a container of its object, whose methods stop what they take back
    # out of it (by key, or by iterating it): the thread serving it ends when it is stopped
    check(
        """
        import threading
        from wsgiref.simple_server import make_server

        class Runner:
            def __init__(self):
                self._servers = {}

            def run(self, app, host, port):
                old = self._servers.get((host, port))
                if old is not None:
                    old.shutdown()
                server = make_server(host, port, app)
                thread = threading.Thread(target=server.serve_forever, daemon=True)
                thread.start()
                self._servers[(host, port)] = server

        class Pool:
            def __init__(self):
                self._all = []

            def add(self, app, port):
                server = make_server("", port, app)
                threading.Thread(target=server.serve_forever, daemon=True).start()
                self._all.append(server)

            def close(self):
                for server in self._all:
                    server.shutdown()

        class Popping:
            def __init__(self):
                self._servers = {}

            def run(self, app, port):
                server = make_server("", port, app)
                threading.Thread(target=server.serve_forever, daemon=True).start()
                self._servers[port] = server

            def stop(self, port):
                self._servers.pop(port).shutdown()

        class Leaky:
            def __init__(self):
                self._servers = {}
                self._stopped = {}

            def run(self, app, port):
                server = make_server("", port, app)
                t = threading.Thread(target=server.serve_forever, daemon=True)  # leak
                t.start()
                self._servers[port] = server

            def stop(self, port):
                old = self._stopped.get(port)
                old.shutdown()
        """
    )


def test_a_thread_constructed_with_its_loop_flag_already_ending_the_loop_never_loops() -> None:
    # `while self.wait_for_shell:` with the flag copied from a constructor parameter that no
    # method sets to go on: a start passing False begins with the loop over, and run() ends
    check(
        """
        import threading
        import time

        class GC(threading.Thread):
            def __init__(self, wait_for_shell=True, size=None):
                super().__init__(daemon=True)
                self.wait_for_shell = wait_for_shell
                self.size = size
                self.start()

            def run(self):
                while self.wait_for_shell:
                    time.sleep(0.01)
                collect(self.size)

        class Restarting(threading.Thread):
            def __init__(self, waiting=True):
                super().__init__(daemon=True)
                self.waiting = waiting
                self.start()

            def resume(self):
                self.waiting = True

            def run(self):
                while self.waiting:
                    time.sleep(0.01)

        class History:
            def run_gc(self, size=None):
                self.gc = GC(wait_for_shell=False, size=size)

            def run_gc_now(self):
                self.gc = GC(False)

            def wait_gc(self):
                self.gc = GC()  # leak

            def restart(self):
                self.other = Restarting(waiting=False)  # leak

        class Peek(threading.Thread):
            def __init__(self, path, keep_polling=False):
                super().__init__(daemon=True)
                self.keep_polling = keep_polling

            def run(self):
                while self.keep_polling:
                    time.sleep(1)

        def peek(path):
            Peek(path).start()

        def watch(path):
            Peek(path, keep_polling=True).start()  # leak
        """
    )


def test_a_guard_set_only_when_the_start_failed_guards_nothing() -> None:
    # `self._t` assigned only in an `except` handler: on the normal path the guard stays open
    # and every call starts another thread
    code = textwrap.dedent(
        """
        import queue
        import threading

        class Shipper:
            def __init__(self):
                self._q = queue.Queue()
                self._t = None

            def send(self, record):
                if self._t is None:
                    try:
                        threading.Thread(target=self._ship).start()
                    except RuntimeError:
                        self._t = False
                self._q.put(record)

            def _ship(self):
                while True:
                    print(self._q.get())

        SHIPPER = Shipper()

        def handle(request):
            SHIPPER.send(request)
        """
    )
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    severities = {f.line: f.severity for f in result.findings}
    assert severities == {13: "high"}, [(f.line, f.message) for f in result.findings]


def test_a_once_guard_holds_only_for_the_state_its_path_sets() -> None:
    # `if self._thread is None:` guards a start only when that path sets self._thread: one
    # assigning another attribute starts a thread on every call. A helper called on the object
    # `__new__` makes under the singleton guard runs once, like the guarded block itself
    code = textwrap.dedent(
        """
        import queue
        import threading
        import time

        class Shipper:
            def __init__(self):
                self._q = queue.Queue()
                self._thread = None

            def _ship(self):
                while True:
                    print(self._q.get())

            def send(self, record):
                if self._thread is None:
                    self._worker = threading.Thread(target=self._ship)
                    self._worker.start()
                self._q.put(record)

        SHIPPER = Shipper()

        def handle(request):
            SHIPPER.send(request)

        class Agent:
            _instance = None

            def __new__(cls):
                if cls._instance is None:
                    cls._instance = super().__new__(cls)
                    cls._instance._start()
                return cls._instance

            def _start(self):
                self._t = threading.Thread(target=self._beat)
                self._t.start()

            def _beat(self):
                while True:
                    time.sleep(15)
        """
    )
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    severities = {f.line: f.severity for f in result.findings}
    assert severities == {17: "high", 36: "medium"}, [(f.line, f.message) for f in result.findings]


def test_statements_joined_by_semicolons_run_one_after_the_other() -> None:
    # `p = Popen(cmd); rc = p.wait()` (vendored, minified code): the wait after the start on the
    # same line runs on every path, as on the next line
    check(
        """
        import subprocess

        def edit(name):
            p = subprocess.Popen(["vi", name]); rc = p.wait()
            if rc != 0:
                raise RuntimeError(rc)

        def run(cmd):
            b = subprocess.Popen(cmd); out, err = b.communicate(); return b.returncode

        def dropped(cmd):
            p = subprocess.Popen(cmd); return 1  # leak

        def one_line(cmd): b = subprocess.Popen(cmd); b.communicate(); return b.returncode

        def waited_too_late(cmd):
            p = subprocess.Popen(cmd)  # leak
            if cmd: return 0
            p.wait()
        """
    )


def test_a_blocking_drain_of_every_child_reaps_only_where_it_runs() -> None:
    # `while True: try: os.waitpid(-1, 0) except ChildProcessError: return` waits out the
    # children there are when it runs: in a function only shutdown calls, it leaves the
    # children made per connection meanwhile as zombies; run after each request it reaps them
    template = """
        import os
        import socketserver
        import threading

        class EchoHandler(socketserver.BaseRequestHandler):
            def handle(self):
                pid = os.fork(){mark}
                if pid == 0:
                    self.request.sendall(self.request.recv(1024))
                    os._exit(0)

        def drain_children():
            while True:
                try:
                    os.waitpid(-1, 0)
                except ChildProcessError:
                    return
        {extra}
        """
    check(template.format(mark="  # leak", extra=""))
    check(
        template.format(
            mark="",
            extra="def serve(server):\n            while True:\n"
            "                server.handle_request()\n                drain_children()",
        )
    )
    check(
        template.format(
            mark="",
            extra="def _tick():\n            drain_children()\n"
            "            t = threading.Timer(5.0, _tick)\n            t.daemon = True\n"
            "            t.start()\n        _tick()",
        )
    )  # drained by a timer chain re-arming itself every 5 s
    supervisor = """
        import os

        def serve(jobs):
            for job in jobs:
                pid = os.fork()
                if pid == 0:
                    job()
                    os._exit(0)

        def supervise():
            while True:
                os.wait()
        """
    check(supervisor)  # a blocking wait-any that is no drain waits for every child to end


def test_a_web_route_or_a_worker_task_runs_per_request() -> None:
    # `@app.route("/x")`, FastAPI's `@app.post("/x")`, celery's `@app.task`: the framework calls
    # the function per request or message, which the message says instead of "if that runs
    # per request"; a decorator merely named so without a path (`@cache.get`) says nothing
    code = textwrap.dedent(
        """
        import subprocess
        from flask import Flask

        app = Flask(__name__)
        _jobs = {}

        @app.route("/render")
        def render(name):
            _jobs[name] = subprocess.Popen(["render", name])

        @app.task
        def transcode(name):
            _jobs[name] = subprocess.Popen(["ffmpeg", name])

        @registry.get
        def lookup(name):
            _jobs[name] = subprocess.Popen(["lookup", name])

        @cache.get("settings")
        def settings(name):
            _jobs[name] = subprocess.Popen(["settings", name])
        """
    )
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    said = {f.line: f.message for f in result.findings}
    assert "render() is a web route (@app.route): it runs per request" in said[10], said
    assert "transcode() is a task (@app.task)" in said[14], said
    assert "web route" not in said[18] and "task" not in said[18], said
    assert "web route" not in said[22], said


def test_the_main_thread_named_by_a_local_is_the_main_thread() -> None:
    # `main = threading.main_thread()` bound once: `while main.is_alive():` is the same loop;
    # a name bound again (to another thread) asks about that one
    check(
        """
        import threading
        import time

        def beat(conn):
            main = threading.main_thread()
            while main.is_alive():
                conn.ping()
                time.sleep(5)

        def handle(conn):
            t = threading.Thread(target=beat, args=(conn,), daemon=True)  # leak
            t.start()

        def own(conn):
            me = threading.current_thread()
            while me.is_alive():
                conn.ping()
                time.sleep(5)

        def handle_own(conn):
            threading.Thread(target=own, args=(conn,), daemon=True).start()  # leak

        def watch(conn, other):
            main = threading.main_thread()
            if other is not None:
                main = other
            while main.is_alive():
                conn.ping()
                time.sleep(5)

        def handle_watching(conn, other):
            t = threading.Thread(target=watch, args=(conn, other), daemon=True)
            t.start()
        """
    )


def test_a_logging_handler_thread_stopped_only_in_close_hangs_exit() -> None:
    # logging.shutdown(), registered with atexit, closes the handlers the program has not
    # closed: it runs only after the interpreter has waited for every non-daemon thread, so a
    # non-daemon flusher that only close() stops never ends (a daemon one ends with the process)
    check(
        """
        import logging
        import threading

        class ShippingHandler(logging.Handler):
            def __init__(self):
                super().__init__()
                self._stop = threading.Event()
                self._flusher = threading.Thread(target=self._flush_loop)  # leak
                self._flusher.start()

            def _flush_loop(self):
                while not self._stop.wait(5):
                    self.flush()

            def _stop_flusher(self):
                self._stop.set()
                self._flusher.join()

            def close(self):
                self._stop_flusher()
                super().close()

        class DaemonHandler(logging.Handler):
            def __init__(self):
                super().__init__()
                self._stop = threading.Event()
                self._flusher = threading.Thread(target=self._flush_loop, daemon=True)
                self._flusher.start()

            def _flush_loop(self):
                while not self._stop.wait(5):
                    self.flush()

            def close(self):
                self._stop.set()
                self._flusher.join()
                super().close()

        class Sender:
            # no handler: its close() is its users' to call, and a program that does not
            # never exits, as with a plain flag (a new Event() made here was taken for a stop
            # before 2026-12-07, and hid this; and this comment naming close() was taken for
            # a call of it the slice left out)
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._loop)  # leak
                self._thread.start()

            def _loop(self):
                while not self._stop.wait(5):
                    pass

            def close(self):
                self._stop.set()
                self._thread.join()
        """
    )


def test_a_timed_wait_retried_until_the_child_ends_reaps_it() -> None:
    # a loop whose handler goes round again after each timeout (logging, checking a flag,
    # killing) waits until the child has ended; one whose handler leaves gives it up
    check(
        """
        import asyncio
        import logging
        import subprocess

        def run(cmd, stop):
            p = subprocess.Popen(cmd)
            while True:
                try:
                    p.wait(timeout=1)
                    break
                except subprocess.TimeoutExpired:
                    if stop.is_set():
                        p.kill()

        async def render(path):
            proc = await asyncio.create_subprocess_exec("render", path)
            while proc.returncode is None:
                try:
                    async with asyncio.timeout(5):
                        await proc.wait()
                except TimeoutError:
                    logging.info("render still running")
            return proc.returncode

        async def render_once(path):
            proc = await asyncio.create_subprocess_exec("render", path)  # leak
            while proc.returncode is None:
                try:
                    await asyncio.wait_for(proc.wait(), 5)
                except asyncio.TimeoutError:
                    break
            return proc.returncode

        def run_killed_then_left(cmd):
            p = subprocess.Popen(cmd)  # leak
            while True:
                try:
                    p.wait(timeout=1)
                    break
                except subprocess.TimeoutExpired:
                    p.kill()
                    return None
        """
    )


def test_a_private_function_whose_source_is_only_read_never_runs_here() -> None:
    # `inspect.getsourcelines(self._first_stage)`: a bootstrap sent to another interpreter as
    # text; called anywhere in the module as well, it runs here too
    check(
        """
        import inspect
        import os

        class Connection:
            @staticmethod
            def _first_stage():
                if os.fork():
                    os.execl("/usr/bin/python3", "python3")
                os._exit(0)

            def _boot_source(self):
                return "".join(inspect.getsourcelines(self._first_stage)[0][2:])

        class Local:
            @staticmethod
            def _spawn_helper():
                pid = os.fork()  # leak
                if pid == 0:
                    os._exit(0)

            def source(self):
                return inspect.getsource(self._spawn_helper)

            def run(self):
                self._spawn_helper()
        """
    )


def test_a_loop_that_goes_round_only_when_the_start_raised_has_one_handle() -> None:
    # `for path in paths: try: p = Popen([path, "-V"]) except OSError: pass else: break`: a pass
    # that made a child leaves the loop, so the one made is the one reaped after it
    check(
        """
        import subprocess

        def version(paths):
            for path in paths:
                try:
                    p = subprocess.Popen([path, "-V"], stdout=subprocess.PIPE)
                except OSError:
                    pass
                else:
                    break
            else:
                raise RuntimeError("not found")
            return p.communicate()[0]

        def shell(command, retries):
            while True:
                try:
                    proc = subprocess.Popen(command, shell=True)
                    break
                except PermissionError:
                    retries -= 1
            proc.wait()

        def each(commands):
            for command in commands:
                try:
                    proc = subprocess.Popen(command)  # leak
                except OSError:
                    continue
            proc.wait()
        """
    )


def test_a_start_no_call_of_its_private_function_can_reach_never_runs() -> None:
    # every call of `_run` leaves pipe_command to its default None: the else never runs; a
    # public function, or one named otherwise too (a callback), may be called in other ways
    check(
        """
        from subprocess import PIPE, Popen

        def _run(command, pipe_command=None):
            if not pipe_command:
                p1 = Popen(command, stdout=PIPE)
            else:
                p2 = Popen(command, stdout=PIPE)
                p1 = Popen(pipe_command, stdin=p2.stdout, stdout=PIPE)
            return p1.communicate()[0]

        def run(command, pipe_command=None):
            if not pipe_command:
                p1 = Popen(command, stdout=PIPE)
            else:
                p2 = Popen(command, stdout=PIPE)  # leak
                p1 = Popen(pipe_command, stdin=p2.stdout, stdout=PIPE)
            return p1.communicate()[0]

        def cpuinfo():
            return _run(["cat", "/proc/cpuinfo"])

        def dmesg():
            return _run(["dmesg"]) + run(["dmesg"])
        """
    )


def test_a_timeout_of_the_module_own_before_the_reap_leaves_the_child_running() -> None:
    # a timeout is set to expire: the reap after it runs only when what it waits for comes in
    # time; caught where it expires, the code goes on to the reap
    check(
        """
        import asyncio

        async def first_lines(host, count=10):
            proc = await asyncio.create_subprocess_exec(  # leak
                "ssh", host, "tail", "-f", "/var/log/syslog", stdout=asyncio.subprocess.PIPE
            )
            lines = []
            while len(lines) < count:
                line = await asyncio.wait_for(proc.stdout.readline(), 5)
                lines.append(line)
            proc.terminate()
            await proc.wait()
            return lines

        async def first_lines_caught(host, count=10):
            proc = await asyncio.create_subprocess_exec(
                "ssh", host, "tail", "-f", "/var/log/syslog", stdout=asyncio.subprocess.PIPE
            )
            lines = []
            try:
                while len(lines) < count:
                    lines.append(await asyncio.wait_for(proc.stdout.readline(), 5))
            except asyncio.TimeoutError:
                pass
            proc.terminate()
            await proc.wait()
            return lines

        async def no_limit(host):
            proc = await asyncio.create_subprocess_exec("ssh", host, stdout=asyncio.subprocess.PIPE)
            line = await asyncio.wait_for(proc.stdout.readline(), None)
            proc.terminate()
            await proc.wait()
            return line
        """
    )


def test_a_number_tested_for_truth_is_tested_against_zero() -> None:
    # `Pool(n) if n > 1 else None` then `if n: pool.close(); pool.join()`: n > 1 makes n true
    check(
        """
        import multiprocessing as mp

        def transform(items, n):
            pool = mp.Pool(n) if n > 1 else None
            out = pool.map(str, items)
            if n:
                pool.close()
                pool.join()
            return out

        def transform_wrong(items, n):
            pool = mp.Pool(n) if n > -1 else None  # leak
            out = pool.map(str, items)
            if n:
                pool.close()
                pool.join()
            return out
        """
    )


def test_a_start_after_the_method_binds_the_attribute_anew_starts_the_new_object() -> None:
    # `self._proc = Process()` in __init__ as a placeholder, replaced in __call__ before its
    # start(): the start is the new object's; the placeholder is never started (no child).
    # Bound only on one path before the start, the old one may be what starts
    check(
        """
        import multiprocessing

        class Timeout:
            def __init__(self, fn):
                self.fn = fn
                self._proc = multiprocessing.Process()

            def __call__(self, *args):
                self._proc = multiprocessing.Process(target=self.fn, args=args)  # leak
                self._proc.daemon = True
                self._proc.start()

        class Maybe:
            def __init__(self, fn):
                self._proc = multiprocessing.Process(target=fn)  # leak

            def run(self, fn, fresh):
                if fresh:
                    self._proc = multiprocessing.Process(target=fn)  # leak
                self._proc.start()
        """
    )


def test_a_wait_in_one_branch_of_a_conditional_expression_runs_only_there() -> None:
    # `rc = p.wait() if check else None` waits only when `check`; both branches waiting, or a
    # test that only asks for the handle, wait on every path; `ok and p.wait()` only when `ok`
    check(
        """
        import subprocess


        def maybe(cmd, check):
            p = subprocess.Popen(cmd)  # leak
            rc = p.wait() if check else None
            return rc


        def both(cmd, quick):
            p = subprocess.Popen(cmd)
            out = p.communicate(timeout=5) if quick else p.wait()
            return out


        def guarded(cmd):
            p = subprocess.Popen(cmd)
            rc = p.wait() if p is not None else None
            return rc


        def shortcut(cmd, ok):
            p = subprocess.Popen(cmd)  # leak
            ok and p.wait()


        def first(cmd):
            p = subprocess.Popen(cmd)
            p.wait() or print("done")
        """
    )


def test_a_child_replaced_by_the_next_start_is_dropped_still_running() -> None:
    # `self._proc = Popen(...)` in a method run per call, reaped only through the attribute by
    # close(): each call drops the one before while its child may still run, as a dropped
    # local does (medium); a step of __enter__()/start(), or of a method that stops the old one
    # first, replaces nothing; a Process or an asyncio child replaced is dropped the same way
    (public, launched, stops_first, entered) = (
        check(
            """
            import subprocess


            class Server:
                def __init__(self, cmd):
                    self.cmd = cmd
                    self._proc = None

                def respawn(self):
                    self._proc = subprocess.Popen(self.cmd)  # leak

                def _make_child(self):
                    self._helper = subprocess.Popen(self.cmd)  # leak

                def start(self):
                    self._make_child()

                def reload(self, cmd):
                    self.cmd = cmd
                    self._make_child()

                def close(self):
                    if self._proc is not None:
                        self._proc.terminate()
                        self._proc.wait()
                    self._helper.terminate()
                    self._helper.wait()
            """
        ),
        check(
            """
            import asyncio, multiprocessing


            def work():
                pass


            class Runtime:
                def __init__(self):
                    self._proc = None
                    self._worker = None

                async def relaunch(self, argv):
                    self._proc = await asyncio.create_subprocess_exec(*argv)  # leak

                def kick(self):
                    self._worker = multiprocessing.Process(target=work)  # leak
                    self._worker.start()

                async def stop(self):
                    self._worker.terminate()
                    self._worker.join()
                    if self._proc is not None:
                        self._proc.terminate()
                        await self._proc.wait()
            """
        ),
        check(
            """
            import subprocess


            class Server:
                def __init__(self, cmd):
                    self.cmd = cmd
                    self._proc = None

                def _make_child(self):
                    self._proc = subprocess.Popen(self.cmd)

                def start(self):
                    self._make_child()

                def restart(self):
                    self.close()
                    self._make_child()

                def close(self):
                    if self._proc is not None:
                        self._proc.terminate()
                        self._proc.wait()
            """
        ),
        check(
            """
            import subprocess


            class Pager:
                def __init__(self):
                    self._pager = None

                def __enter__(self):
                    return self._open()

                def _open(self):
                    self._pager = subprocess.Popen(["less"], stdin=subprocess.PIPE)
                    return self._pager.stdin

                def __exit__(self, *exc):
                    self._pager.stdin.close()
                    self._pager.wait()
            """
        ),
    )
    assert not stops_first and not entered
    for finding in [*public, *launched]:
        assert finding.severity == "medium", finding.message
        assert "stores a new one there without stopping the one before" in finding.message
        assert "dropped with its child still running" in finding.message


def test_a_server_whose_port_is_returned_is_not_handed_on() -> None:
    # `return httpd.server_address[1]`: what leaves the function is a value read from the
    # server, not the server: nobody else can shut it down, and the thread serving it runs
    # for ever, one per call; returning the server, or its bound shutdown, hands it on
    (leak,) = check(
        """
        import threading
        from http.server import HTTPServer

        def serve_port(handler):
            httpd = HTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()  # leak
            return httpd.server_address[1]

        def serve(handler):
            httpd = HTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            return httpd

        def serve_with_stop(handler):
            httpd = HTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()
            return httpd.server_address[1], httpd.shutdown
        """
    )
    assert leak.severity == "high" and "runs forever" in leak.message


def test_class_and_module_fixtures_of_a_test_run_once() -> None:
    # unittest runs setUpClass()/setUpModule() (pytest's setup_class/setup_module) once per
    # class or module of a test run, not per test as setUp(): a non-daemon server thread one
    # of them leaves is bounded, one setUp() leaves piles up per test
    once, per_test = check(
        """
        import threading
        import unittest
        from http.server import HTTPServer

        class ServerCase(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                cls.server = HTTPServer(("127.0.0.1", 0), None)
                cls.thread = threading.Thread(target=cls.server.serve_forever)  # leak
                cls.thread.start()

            def setUp(self):
                self.other = HTTPServer(("127.0.0.1", 0), None)
                self.worker = threading.Thread(target=self.other.serve_forever)  # leak
                self.worker.start()
        """
    )
    assert once.severity == "medium" and "setUpClass(), which runs once" in once.message
    assert per_test.severity == "high", per_test.message


def test_a_stop_that_a_raising_call_skips_leaves_the_thread_waiting() -> None:
    # a thread waiting for its starter's Event or sentinel, or a parked Timer it cancels, stopped
    # only after calls that may raise: each call that raises leaves it waiting for good (armed);
    # a finally, a handler letting the function go on to the stop, or nothing but quiet calls in
    # between stop it on every path. Only when a call raises: medium at most
    found = check(
        """
        import logging
        import queue
        import threading

        log = logging.getLogger(__name__)


        def beat(stop_event):
            while not stop_event.wait(5):
                log.info("beat")


        def run_batch(tasks):
            stop_event = threading.Event()
            t = threading.Thread(target=beat, args=(stop_event,))  # leak
            t.start()
            result = [task() for task in tasks]
            stop_event.set()
            t.join()
            return result


        def run_batch_safe(tasks):
            stop_event = threading.Event()
            t = threading.Thread(target=beat, args=(stop_event,))
            t.start()
            try:
                return [task() for task in tasks]
            finally:
                stop_event.set()
                t.join()


        def run_batch_caught(tasks):
            stop_event = threading.Event()
            t = threading.Thread(target=beat, args=(stop_event,))
            t.start()
            try:
                result = [task() for task in tasks]
            except Exception:
                log.exception("batch failed")
                result = None
            stop_event.set()
            t.join()
            return result


        def run_quiet(n):
            stop_event = threading.Event()
            t = threading.Thread(target=beat, args=(stop_event,))
            t.start()
            log.info("started %d", n)
            stop_event.set()
            t.join()


        def timed(f, seconds):
            timer = threading.Timer(seconds, log.warning, args=["late"])  # leak
            timer.start()
            result = f()
            timer.cancel()
            return result


        def spin(call):
            q = queue.Queue()

            def show():
                while True:
                    item = q.get()
                    if item == "done":
                        return
                    log.info(item)

            t = threading.Thread(target=show)  # leak
            t.start()
            r = call()
            try:
                log.info(r)
            finally:
                q.put("done")
                t.join()


        class Executor:
            def _heartbeat(self, name, stop_event):
                while not stop_event.is_set():
                    log.info(name)
                    stop_event.wait(3)

            def execute(self, name, tasks):
                stop_event = threading.Event()
                t = threading.Thread(  # leak
                    target=self._heartbeat, kwargs={"name": name, "stop_event": stop_event}
                )
                t.start()
                result = self.run_tasks(tasks)
                stop_event.set()
                t.join()
                return result

            def run_tasks(self, tasks):
                return [task() for task in tasks]
        """
    )
    for finding in found:
        assert finding.severity == "medium", finding.message
        assert "raises" in finding.message
    batch, timer, spinner, executor = found
    assert "`stop_event` is set only after line 18" in batch.message
    assert "the timer stays armed and fires later" in timer.message
    assert "`q` gets its sentinel only after line 78" in spinner.message
    assert "on every call of execute()" in executor.message


def test_a_contextmanager_stopping_its_thread_after_the_yield_leaks_when_the_block_raises() -> None:
    # the with-block's exception is raised at the `yield` of a @contextmanager (GeneratorExit,
    # when a generator is dropped): a stop after it, outside a finally, is skipped
    (leak,) = check(
        """
        import contextlib
        import threading
        import time


        def spin(stop):
            while not stop.is_set():
                time.sleep(0.1)


        @contextlib.contextmanager
        def spinner():
            stop = threading.Event()
            t = threading.Thread(target=spin, args=(stop,))  # leak
            t.start()
            yield
            stop.set()
            t.join()


        @contextlib.contextmanager
        def safe_spinner():
            stop = threading.Event()
            t = threading.Thread(target=spin, args=(stop,))
            t.start()
            try:
                yield
            finally:
                stop.set()
                t.join()
        """
    )
    assert "`stop` is set only after line 17" in leak.message


def test_a_thread_of_its_own_stopped_after_a_raising_call_runs_on() -> None:
    # a Thread subclass looping until its stop(): stopped after work that may raise, with no
    # finally, its loop runs on for good when the work raises
    (leak,) = check(
        """
        import threading
        import time


        class Watcher(threading.Thread):
            def __init__(self):
                super().__init__()
                self._running = True

            def run(self):
                while self._running:
                    time.sleep(1)

            def stop(self):
                self._running = False


        def work(job):
            w = Watcher()  # leak
            w.start()
            job.run()
            w.stop()
            w.join()


        def work_safe(job):
            w = Watcher()
            w.start()
            try:
                job.run()
            finally:
                w.stop()
                w.join()
        """
    )
    assert leak.severity == "medium" and "`w` is stopped only after line 22" in leak.message


def test_code_for_another_platform_by_flag_predicate_name_or_folder_is_not_judged_here() -> None:
    # a module flag set from a platform test, a package's own is_windows()/is_aix(), a function
    # named for the platform it implements, a frozen executable's branch: none runs in the
    # environment read here; a Linux twin does
    check(
        """
        import subprocess
        import sys

        import salt.utils.platform

        if salt.utils.platform.is_windows():
            USE_LOAD_BALANCER = True
        else:
            USE_LOAD_BALANCER = False
        IS_AIX = sys.platform.startswith("aix")


        def serve(cmd):
            if USE_LOAD_BALANCER:
                subprocess.Popen(cmd)


        def probe(cmd):
            if salt.utils.platform.is_aix():
                subprocess.Popen(cmd)
            if IS_AIX:
                subprocess.Popen(cmd)


        def _hw_addr_aix(iface):
            subprocess.Popen(["entstat", "-d", iface])


        def view_darwin(path):
            subprocess.Popen(["open", path])


        def view_linux(path):
            subprocess.Popen(["xdg-open", path])  # leak


        def update(bat):
            if hasattr(sys, "frozen"):
                subprocess.Popen([bat])
            if getattr(sys, "frozen", False):
                subprocess.Popen([bat])
        """
    )
    # a folder or module named for a platform, as found in an environment (the path starts at
    # site-packages); `windows` may be windows on screen, and a project checked outside an
    # environment is judged whatever folder it sits in
    source = b"import subprocess\ndef send(cmd):\n    subprocess.Popen(cmd)\n"
    for path, distribution, found in (
        ("plyer/platforms/macosx/email.py", "plyer", 0),
        ("plyer/platforms/win/email.py", "plyer", 0),
        ("multiprocess/popen_spawn_win32.py", "multiprocess", 0),
        ("plyer/platforms/linux/email.py", "plyer", 1),
        ("app/ui/windows/preview.py", "app", 1),
        ("app/popup_windows.py", "app", 1),
        ("/home/me/src/win/proj/server.py", "", 1),
    ):
        result = analyze_source(source, path, PACK.rules, distribution=distribution)
        assert len(result.findings) == found, path


def test_a_platform_named_setting_is_no_once_guard_and_a_library_setup_module_is_no_fixture() -> (
    None
):
    # `if not USE_TASKKILL:` on a module name bound only at import is a setting, not a guard
    # that closes once the start has run; a library's own `setup_module(name)`, called per
    # plugin, is no test fixture (review33 p05a, p03e)
    once_not, per_plugin = check(
        """
        import subprocess
        import threading
        import time

        USE_TASKKILL = False


        def kill_tree(pid):
            if not USE_TASKKILL:
                subprocess.Popen(["pkill", "-P", str(pid)])  # leak


        def _watch(name):
            while True:
                time.sleep(1)


        def setup_module(name):
            threading.Thread(target=_watch, args=(name,)).start()  # leak


        def load(names):
            return [setup_module(name) for name in names]
        """
    )
    assert once_not.severity == "medium", once_not.message
    assert per_plugin.severity == "high", per_plugin.message


def test_a_put_of_data_is_no_sentinel() -> None:
    # the queue's sentinel is a constant (None, "done", STOP); a put of a computed value is
    # work: a raising call after it still skips the sentinel (review33 p04g)
    (leak,) = check(
        """
        import queue
        import threading


        def export(rows, write):
            q = queue.Queue()

            def writer():
                while True:
                    item = q.get()
                    if item is None:
                        return
                    write(item)

            t = threading.Thread(target=writer)  # leak
            t.start()
            for row in rows:
                q.put(transform(row))
            finish(rows)
            q.put(None)
            t.join()


        def transform(row):
            return row
        """
    )
    assert "gets its sentinel only after line" in leak.message


def test_a_handle_kept_before_it_is_returned_is_not_dropped_by_the_caller() -> None:
    # `self._procs.append(p); return p`: the object keeps it (and reaps it), the caller gets a
    # second reference: discarding the return value drops nothing. Kept on one path only, or
    # kept where nothing reaps it, the callers still decide
    check(
        """
        import multiprocessing


        def work():
            pass


        class Manager:
            def __init__(self):
                self._process_map = {}
                self._procs = []

            def add_process(self, tgt):
                process = multiprocessing.Process(target=tgt)
                process.start()
                self._process_map[process.pid] = {"tgt": tgt, "Process": process}
                return process

            def spawn(self, tgt, keep):
                p = multiprocessing.Process(target=tgt)
                p.start()
                if keep:
                    self._procs.append(p)
                return p

            def run(self):
                for _ in range(3):
                    self.add_process(work)
                self.spawn(work, False)  # leak

            def kill_children(self):
                for entry in self._process_map.values():
                    entry["Process"].terminate()
                    entry["Process"].join()
                for p in self._procs:
                    p.join()


        class Hoarder:
            def __init__(self):
                self._all = []

            def spawn(self):
                p = multiprocessing.Process(target=work)
                p.start()
                self._all.append(p)
                return p

            def run(self):
                self.spawn()  # leak
        """
    )


def test_an_endless_loop_whose_every_way_out_follows_a_reap_reaps() -> None:
    # `while True:` left only by `pool.close(); pool.join(); break` or by `pool.terminate();
    # pool.join(); raise`: every way out of it has reaped; a way out that has not, leaks
    check(
        """
        import multiprocessing
        import time


        def enter_mainloop(target, queue, items):
            pool = multiprocessing.Pool(4)
            ret = pool.map(target, items)
            while True:
                test = queue.get()
                if test == "ERROR":
                    pool.terminate()
                    pool.join()
                    raise RuntimeError("worker failed")
                elif test == "END":
                    pool.close()
                    pool.join()
                    break
                else:
                    time.sleep(0.125)
            return ret


        def leaky_mainloop(target, queue, items):
            pool = multiprocessing.Pool(4)  # leak
            ret = pool.map(target, items)
            while True:
                test = queue.get()
                if test == "ERROR":
                    raise RuntimeError("worker failed")
                elif test == "END":
                    pool.close()
                    pool.join()
                    break
            return ret
        """
    )


def test_an_async_child_replaced_and_reaped_by_aclose_is_dropped_still_running() -> None:
    # aclose() is the asyncio twin of close(): the object's end, not a counterpart of the
    # method that replaces the child (review33 p01g)
    (leak,) = check(
        """
        import asyncio


        class Runtime:
            def __init__(self):
                self._proc = None

            async def relaunch(self, argv):
                self._proc = await asyncio.create_subprocess_exec(*argv)  # leak

            async def aclose(self):
                if self._proc is not None:
                    self._proc.terminate()
                    await self._proc.wait()
        """
    )
    assert leak.severity == "medium" and "relaunch() stores a new one" in leak.message


def test_a_module_flag_is_what_its_bindings_make_it() -> None:
    # `WINDOWS = config.get("windows")` is a setting whatever its name says; a flag bound True
    # and False by an import that may fail (`_mswindows`) means the platform its name says
    check(
        """
        import subprocess

        import config

        try:
            import msvcrt

            _mswindows = True
        except ImportError:
            _mswindows = False

        WINDOWS = config.get("windows")


        def on_windows(cmd):
            if _mswindows:
                subprocess.Popen(cmd)


        def configured(cmd):
            if WINDOWS:
                subprocess.Popen(cmd)  # leak
        """
    )


def test_a_hasattr_guard_on_the_object_stays_a_once_guard() -> None:
    # `if not hasattr(self, "_executor"):` reads the object, not a module name (hasattr is a
    # builtin called, not state): once per object, as `self._executor is None` is (medium:
    # bounded unless such objects are made per request; held15's remi made them per request)
    (once,) = check(
        """
        import concurrent.futures


        class Loop:
            def run_in_executor(self, func):
                if not hasattr(self, "_executor"):
                    self._executor = concurrent.futures.ThreadPoolExecutor(4)  # leak
                return self._executor.submit(func)
        """
    )
    assert once.severity == "medium", once.message
    assert "once per Loop object" in once.message


def test_a_private_helper_named_like_a_start_is_what_its_callers_make_it() -> None:
    # `_launch()` storing the child is no set-up half by its name: called from open() only, it
    # replaces nothing; called from a per-call send() too, it drops the running child (review33
    # p01k)
    (leak,) = check(
        """
        import subprocess


        class Pipe:
            def __init__(self, cmd):
                self.cmd = cmd
                self._proc = None
                self._other = None

            def _launch(self):
                self._proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE)  # leak

            def _spawn_other(self):
                self._other = subprocess.Popen(self.cmd, stdin=subprocess.PIPE)

            def open(self):
                self._launch()
                self._spawn_other()

            def send(self, data):
                self._launch()
                self._proc.stdin.write(data)

            def close(self):
                self._proc.terminate()
                self._proc.wait()
                self._other.terminate()
                self._other.wait()


        class Plugin:
            # `_open()` is called by a base class elsewhere, as a start half: its name says so
            def _open(self, cmd):
                self._proc = subprocess.Popen(cmd)

            def _close(self):
                self._proc.terminate()
                self._proc.wait()
        """
    )
    assert "on every call of send()" in leak.message, leak.message


def test_a_thread_waiting_for_an_event_nothing_sets_never_ends() -> None:
    # the Event the loop waits for is made where the thread starts and used by nothing but the
    # start and calls that wait for it: nothing can set it (review33 p04f). Set, handed on as
    # a callback, or passed elsewhere, it may be
    (leak,) = check(
        """
        import atexit
        import threading


        def _watch(conn, stop):
            while not stop.wait(1):
                conn.ping()


        def transfer(conn, blobs):
            stop = threading.Event()
            done = threading.Event()
            w = threading.Thread(target=_watch, args=(conn, stop), daemon=True)  # leak
            w.start()
            try:
                for b in blobs:
                    conn.send(b)
            finally:
                done.set()
            return done.is_set()


        def transfer_stopped(conn, blobs):
            stop = threading.Event()
            w = threading.Thread(target=_watch, args=(conn, stop), daemon=True)
            w.start()
            try:
                for b in blobs:
                    conn.send(b)
            finally:
                stop.set()


        def transfer_at_exit(conn):
            stop = threading.Event()
            threading.Thread(target=_watch, args=(conn, stop), daemon=True).start()
            atexit.register(stop.set)
        """
    )
    assert leak.severity == "high" and "waits for `stop`, which nothing sets" in leak.message


def test_a_loop_until_its_objects_flag_started_on_every_call_piles_up() -> None:
    # a thread looping until its object's flag is set does not end when its reference goes:
    # started again on every call, each runs beside the ones before until the flag is set. Not
    # when the starting method writes the flag itself (a clear() after a stop whose thread
    # wakes on it), when the thread clears it itself, when the loop also ends on another
    # object's state, nor when the start runs once per object. A loop that sleeps between its
    # looks at the flag is another matter: a restart that stops the old thread and sets the
    # flag back at once (restart()) undoes the stop before the old thread wakes, and it runs
    # on (test_a_restart_within_the_sleep_undoes_a_stop_the_thread_has_not_seen); burst()'s
    # next call comes within its 1 s sleep only under a burst of calls
    per_request, restarted, resubscribed = check(
        """
        import threading
        import time


        class Poller:
            def __init__(self):
                self.running = True

            def _loop(self):
                while self.running:
                    time.sleep(1)

            def handle(self, request):
                t = threading.Thread(target=self._loop, daemon=True)  # leak
                t.start()

            def restart(self, request):
                self.stop()
                self.running = True
                threading.Thread(target=self._loop, daemon=True).start()  # leak

            def burst(self, request):
                self.running = True
                threading.Thread(target=self._loop, daemon=True).start()
                request.process()
                self.running = False

            def subscribe(self, topic):
                # the flag re-armed on every call stops none of the ones before
                self.running = True
                threading.Thread(target=self._loop, daemon=True).start()  # leak

            def stop(self):
                self.running = False


        class Once:
            def __init__(self):
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._loop, daemon=True)
                self._thread.start()

            def _loop(self):
                while not self._stop.is_set():
                    time.sleep(1)

            def close(self):
                self._stop.set()


        class Restartable:
            # stop() sets the Event and forgets the thread; the next start clears it again:
            # one at a time
            def __init__(self):
                self._stop = threading.Event()
                self._task = None

            def _poll(self):
                while not self._stop.is_set():
                    if self._stop.wait(30):
                        break

            def start_polling(self):
                if not self._task:
                    self._stop.clear()
                    self._task = threading.Thread(target=self._poll, daemon=True)
                    self._task.start()

            def stop_polling(self):
                self._stop.set()
                self._task = None


        class Recalculating:
            # each thread waits for the one before, which clears the flag when it is done
            def __init__(self):
                self._busy = threading.Event()

            def _calculate(self):
                while self._busy.is_set():
                    time.sleep(0)
                self._busy.set()
                try:
                    compute()
                finally:
                    self._busy.clear()

            def on_change(self, value):
                threading.Thread(target=self._calculate).start()

            def busy(self):
                return self._busy.is_set()


        class Receiver:
            # its loop ends once the server it drives has an answer
            def __init__(self, server):
                self._server = server
                self._closing = False

            def _serve(self):
                while not self._closing:
                    self._server.handle_request()
                    if self._server.answer:
                        break

            def get_answer(self, timeout):
                t = threading.Thread(target=self._serve, daemon=True)
                t.start()
                return self._server.answer

            def close(self):
                self._closing = True
        """
    )
    assert per_request.severity == "high", per_request.message
    assert resubscribed.severity == "high", resubscribed.message
    assert (
        "runs beside the ones started before until `self.running` stops them all"
        in per_request.message
    )
    assert "restart() sets `self.running` back before the old thread wakes" in (restarted.message)


def test_a_poll_checking_the_child_is_alive_while_waiting_for_something_else_reaps_nothing() -> (
    None
):
    # a poll() in a loop reaps when the loop runs until the child has ended (its test, an
    # endless loop, a flag the poll sets, the child's own pipe); a loop waiting for something
    # else (a port, a bounded number of tries) ends with the child still running (af-p)
    (leak,) = check(
        """
        import subprocess, time

        def ready_then_drop(cmd, port):
            p = subprocess.Popen(cmd)  # leak
            while not port_open(port):
                if p.poll() is not None:
                    raise RuntimeError("died")
                time.sleep(0.1)
            return port

        def polled_to_end(cmd):
            p = subprocess.Popen(cmd)
            while p.poll() is None:
                time.sleep(0.1)

        def polled_flag(cmd):
            p = subprocess.Popen(cmd)
            done = False
            while not done:
                done = p.poll() is not None
                time.sleep(0.1)

        def polled_true(cmd):
            p = subprocess.Popen(cmd)
            while True:
                if p.poll() is not None:
                    break
                time.sleep(0.1)

        def pipe_loop(cmd):
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            for line in p.stdout:
                if p.poll() is not None:
                    break

        def attr_flag(self, cmd):
            p = subprocess.Popen(cmd)
            while self.running:
                if p.poll() is not None:
                    self.running = False
                time.sleep(1)

        def ready_then_wait(cmd, port):
            p = subprocess.Popen(cmd)
            while not port_open(port):
                if p.poll() is not None:
                    raise RuntimeError("died")
            try:
                use(port)
            finally:
                p.terminate()
                p.wait()
        """
    )
    assert "ready_then_drop()" in leak.message, leak.message


def test_threads_handed_their_starters_stop_event_on_every_call_pile_up() -> None:
    # a thread handed the Event of the object starting it (`args=(self.stop,)`) serves until
    # that Event is set: started per session, with the object's Event, each session's workers
    # outlive it (af-t smartthings). Not when the starter sets the Event itself, nor once per
    # object, nor with an Event of its own per session
    found = check(
        """
        import threading


        def _ping(conn, stop):
            while not stop.wait(5):
                conn.ping()


        class Bridge:
            def __init__(self):
                self.stop = threading.Event()

            def run(self):
                while not self.stop.is_set():
                    self.session_once()

            def session_once(self):
                sess = connect()
                poller = Poller(sess)
                threading.Thread(target=poller.run_forever, args=(self.stop,)).start()  # leak
                threading.Thread(target=_ping, args=(sess, self.stop)).start()  # leak
                sess.join()

            def session_own_event(self):
                sess = connect()
                done = threading.Event()
                t = threading.Thread(target=_ping, args=(sess, done))
                t.start()
                sess.join()
                done.set()
                t.join()


        class Restarting:
            def __init__(self):
                self._stop = threading.Event()

            def reconnect(self):
                self._stop.set()
                self._stop = threading.Event()
                sess = connect()
                threading.Thread(target=_ping, args=(sess, self._stop), daemon=True).start()

            def close(self):
                self._stop.set()


        class Once:
            def __init__(self, sess):
                self._stop = threading.Event()
                self._t = threading.Thread(target=_ping, args=(sess, self._stop), daemon=True)
                self._t.start()

            def close(self):
                self._stop.set()
        """
    )
    assert all("until `self.stop` stops them all" in f.message for f in found), found
    # the object's private Event that nothing of the module sets: the loop never ends
    (never,) = check(
        """
        import threading
        import weakref


        def _ping(conn, stop):
            while not stop.wait(5):
                conn.ping()


        class Heartbeat:
            def __init__(self, conn):
                self._stop = threading.Event()
                self._t = threading.Thread(target=_ping, args=(conn, self._stop))  # leak
                self._t.start()


        class Finalized:
            # set through an alias handed to a finalizer (held4: mlflow's secret cache)
            def __init__(self, conn):
                self._stop = threading.Event()
                stop = self._stop
                weakref.finalize(self, stop.set)
                self._t = threading.Thread(target=_ping, args=(conn, self._stop), daemon=True)
                self._t.start()
        """
    )
    assert "waits for `self._stop`, which nothing sets" in never.message, never.message


def test_a_loop_inside_with_suppress_ends_when_what_it_suppresses_is_raised() -> None:
    # `with suppress(ConnectionError):` around `while True: conn.recv()` is a `try` whose
    # handler goes on: the per-connection thread ends when the peer goes away (held8:
    # pytest-rerunfailures). Suppressing only Ctrl-C ends nothing, nor around code that calls
    # nothing that raises (review34 p03e)
    check(
        """
        import contextlib
        import threading
        import time


        class Session:
            def on_request(self, request):
                threading.Thread(target=self._count_idle, daemon=True).start()  # leak

            def _count_idle(self):
                with contextlib.suppress(ConnectionError):
                    while True:
                        time.sleep(1)
                        self.idle += 1
        """
    )
    check(
        """
        import socket
        import threading
        from contextlib import suppress


        class Server:
            def __init__(self):
                self.sock = socket.socket()

            def run_server(self):
                while True:
                    conn, _ = self.sock.accept()
                    threading.Thread(target=self.run_connection, args=(conn,), daemon=True).start()

            def run_connection(self, conn):
                with conn, suppress(ConnectionError):
                    while True:
                        data = conn.recv(10)
                        conn.send(data)

            def run_quiet(self, conn):
                with suppress(KeyboardInterrupt):
                    while True:
                        conn.send(b"x")

            def serve_quiet(self):
                while True:
                    conn, _ = self.sock.accept()
                    threading.Thread(target=self.run_quiet, args=(conn,), daemon=True).start()  # leak
        """
    )


def test_a_command_of_the_programs_command_line_runs_once() -> None:
    # `@click.command()`, `@cli.command()`, typer's `@app.command()`: what one run of the
    # program does, once per process (held8: aim's `aim up`). Without a command-line library
    # imported, `@bot.command()` (a chat bot's, per message) is no such thing
    (dropped,) = check(
        """
        import subprocess

        import click


        @click.group()
        def cli():
            pass


        @cli.group()
        def server():
            pass


        @server.command()
        @click.option("--port", default=8080)
        def up(port):
            server = subprocess.Popen(["server", str(port)])  # leak
            server.poll()
        """
    )
    assert dropped.severity == "low" and "runs once per process" in dropped.message, dropped
    (per_message,) = check(
        """
        import subprocess

        import click
        from discord.ext import commands

        bot = commands.Bot(command_prefix="!")


        @bot.command()
        def ping(ctx):
            p = subprocess.Popen(["ping", "-c", "1", ctx.host])  # leak
            p.poll()
        """
    )
    assert "runs once per process" not in per_message.message, per_message
    # hug's command line: `@hug.cli()`, `from hug.route import cli` (held37: hug's development
    # runner, started once per run of the `hug` command)
    (hug_command,) = check(
        """
        import _thread
        import subprocess

        from hug.route import cli


        @cli(version="1.0")
        def serve(port: int = 8000):
            server = subprocess.Popen(["server", str(port)])  # leak
            server.poll()
        """
    )
    assert "runs once per process" in hug_command.message, hug_command


def test_a_local_container_that_goes_nowhere_is_dropped_with_its_function() -> None:
    # a list local to a function, neither returned nor stored, is dropped when it returns and
    # its Popens with it: CPython reaps them as dropped ones (held8: bentoml's read-ahead dd).
    # Filled in a `while` loop, it may live as long as a serving loop
    dropped, serving = check(
        """
        import subprocess


        def read_ahead(path, parts):
            procs = []
            for i in range(parts):
                p = subprocess.Popen(["dd", f"if={path}", f"skip={i}"])  # leak
                procs.append(p)


        def serve(listener):
            children = []
            while True:
                conn = listener.accept()
                child = subprocess.Popen(["handler", str(conn)])  # leak
                children.append(child)
        """
    )
    assert dropped.severity == "medium" and "dropped when read_ahead() returns" in dropped.message
    assert serving.severity == "high", serving.message


def test_a_guard_reopened_when_the_work_completes_runs_once_at_a_time_not_once() -> None:
    # `if self.running: raise` set by run() and cleared by `_reset()`, which the output
    # callback run() hands on calls when the child's output ends: one run at a time, run after
    # run (held8: panel's Terminal). A reset only the object's end calls leaves it a once-guard
    (per_run,) = check(
        """
        import os
        import pty
        import threading


        class Terminal:
            def run(self, *args):
                if self.running:
                    raise RuntimeError("already running")
                pid, fd = pty.fork()  # leak
                if pid == 0:
                    os.execvp(args[0], args)
                self._pid = pid
                self._fd = fd
                self._callback = PeriodicCallback(self._forward, 50)
                self._callback.start()
                self.running = True

            def _forward(self):
                data = read(self._fd)
                if not data:
                    self._reset()

            def _reset(self):
                self._pid = 0
                self.running = False


        class Expiry:
            # the worker clears the guard itself as it ends: one at a time, not beside it
            def __init__(self):
                self._worker = None
                self._closed = False

            def subscribe(self, item):
                self._items.append(item)
                if self._worker is None or not self._worker.is_alive():
                    self._worker = threading.Thread(target=self._expire, daemon=True)
                    self._worker.start()

            def _expire(self):
                while not self._closed:
                    if not self._items:
                        self._worker = None
                        return
                    self._items.pop().expire()

            def close(self):
                self._closed = True
        """
    )
    assert per_run.severity == "high" and "on every call of run()" in per_run.message, per_run


def test_an_application_factory_runs_once_per_process() -> None:
    # Flask's `create_app()` convention: the server process builds its one application with it
    # (held8: aim's transport server starts a heartbeat watcher there)
    (watcher,) = check(
        """
        import threading


        def _watch(state):
            while True:
                state.check()


        def create_app(state):
            t = threading.Thread(target=_watch, args=(state,))  # leak
            t.start()
            return App(state)
        """
    )
    assert watcher.severity == "medium" and "create_app(), which runs once" in watcher.message
    # one the module calls on every request is what its callers make it
    (per_request,) = check(
        """
        import threading


        def _watch(state):
            while True:
                state.check()


        def make_app(state):
            threading.Thread(target=_watch, args=(state,)).start()  # leak
            return App(state)


        def handle(request):
            return make_app(request.state).respond(request)
        """
    )
    assert per_request.severity == "high", per_request.message


def test_a_cleanup_companion_taking_the_handle_off_the_object_reaps_it() -> None:
    # a class made from the object (`RunCleanup(self)`) that takes the thread off it and stops
    # it in a method of its own: kept apart so that the object's finalizer does not hold the
    # object (held8: aim's BasicRunAutoClean). One that takes it and never stops it reaps
    # nothing
    check(
        """
        import threading
        import weakref


        class RunCleanup:
            def __init__(self, run):
                self._beat = run._beat

            def close(self):
                self._beat.join()


        class Run:
            def __init__(self):
                # (daemon: a non-daemon one whose close() no code calls holds the exit)
                self._beat = threading.Thread(target=self._tick, daemon=True)
                self._beat.start()
                self._cleanup = RunCleanup(self)

            def _tick(self):
                while not self._stopped:
                    beat()

            def close(self):
                self._cleanup.close()


        class Collected:
            # its companion runs only when the object is collected, which the thread holding
            # it through its bound target prevents
            def __init__(self):
                self._beat = threading.Thread(target=self._tick)  # leak
                self._beat.start()
                self._cleanup = RunCleanup(self)
                weakref.finalize(self, self._cleanup.close)

            def _tick(self):
                while not self._stopped:
                    beat()


        class Keeper:
            def __init__(self, run):
                self._beat = run._beat


        class Lost:
            def __init__(self):
                self._beat = threading.Thread(target=self._tick)  # leak
                self._beat.start()
                self._keeper = Keeper(self)

            def _tick(self):
                while True:
                    beat()
        """
    )


def test_a_timed_wait_after_a_kill_reaps() -> None:
    # `kill(); communicate(timeout=1)`: SIGKILL ends the child at once and the wait reaps it
    # (its timeout is for pipes a grandchild may hold: held8, streamlit's probe); after a
    # terminate() it waits out a child ending on the signal, as children do (only one ignoring
    # SIGTERM outlasts it); with timeout=0 it may ask before the child is next scheduled
    template = """
        import subprocess


        def probe(cmd, timeout):
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE){mark}
            try:
                out, _ = p.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                p.{end}()
                try:
                    p.communicate(timeout={wait})
                except subprocess.TimeoutExpired:
                    pass
                return None
            return out
        """
    assert check(template.format(mark="", end="kill", wait=1)) == []
    assert check(template.format(mark="", end="terminate", wait=1)) == []
    (left,) = check(template.format(mark="  # leak", end="kill", wait=0))
    assert left.rule == "FA103", left.message


def test_a_stop_that_cannot_reach_its_thread_leaves_one_per_object_stopped() -> None:
    # stop() sets the flag but the worker blocks in a get() nothing then feeds: the object's
    # end does not end its thread, so each object made and stopped leaves one (held8: aim's
    # remote request queue, one per reopened repository)
    (stuck,) = check(
        """
        import queue
        import threading


        class RequestQueue:
            def __init__(self):
                self._queue = queue.Queue()
                self._shutdown = False
                self._thread = threading.Thread(target=self._work, daemon=True)  # leak
                self._thread.start()

            def _work(self):
                while not self._shutdown:
                    task = self._queue.get()
                    task()

            def submit(self, task):
                self._queue.put(task)

            def stop(self):
                self._shutdown = True
        """
    )
    assert stuck.severity == "high" and "end with stop()" in stuck.message, stuck.message


def test_a_handle_unpacked_with_others_goes_to_its_own_target() -> None:
    # `self._pid, self._fd = pid, fd`: the pid goes to self._pid, followed there as if stored
    # alone (review34 p06a: the tuple store lost it, and the zombie with it)
    check(
        """
        import os
        import pty


        class Terminal:
            def run(self, argv):
                pid, fd = pty.fork()  # leak
                if pid == 0:
                    os.execvp(argv[0], argv)
                self._pid, self._fd = pid, fd


        class Reaped:
            def start(self, argv):
                pid, fd = pty.fork()
                if pid == 0:
                    os.execvp(argv[0], argv)
                self._pid, self._fd = pid, fd

            def close(self):
                os.close(self._fd)
                os.waitpid(self._pid, 0)


        def local(argv):
            pid, fd = pty.fork()
            if pid == 0:
                os.execvp(argv[0], argv)
            child, out = pid, fd
            os.waitpid(child, 0)
            return out
        """
    )


def test_a_handle_kept_as_a_mapping_key_is_reaped_by_a_loop_over_the_keys() -> None:
    # `procs[p] = path`: the mapping keeps the child as a key; a loop over its keys (plain,
    # keys(), the first of items()) reaches it, one over values() does not (held8 metaflow's
    # s3op workers, joined until their exitcode is set, were "never joined")
    check(
        """
        import os
        from multiprocessing import Process


        def work():
            pass


        def by_keys(paths):
            procs = {}
            for path in paths:
                p = Process(target=work)
                p.start()
                procs[p] = path
            while procs:
                left = {}
                for proc, path in procs.items():
                    proc.join(timeout=1)
                    if proc.exitcode is None:
                        left[proc] = path
                procs = left


        def plain(paths):
            procs = {}
            for path in paths:
                p = Process(target=work)
                p.start()
                procs[p] = path
            for proc in procs:
                proc.join()


        def by_values(paths):
            procs = {}
            for path in paths:
                p = Process(target=work)  # leak
                p.start()
                procs[p] = open(path)
            for handle in procs.values():
                handle.close()


        def pids(jobs):
            children = {}
            for job in jobs:
                pid = os.fork()
                if pid == 0:
                    os._exit(0)
                children[pid] = job
            for pid in list(children):
                os.waitpid(pid, 0)


        def pids_values(jobs):
            children = {}
            for job in jobs:
                pid = os.fork()  # leak
                if pid == 0:
                    os._exit(0)
                children[pid] = job
            for job in children.values():
                os.waitpid(job, 0)
        """
    )


def test_a_handler_of_a_stop_signal_runs_once() -> None:
    # a handler of SIGINT/SIGTERM runs when the process is asked to stop, not per unit of work;
    # SIGCHLD's comes with the program's own activity (held8 metaflow's SIGINT kill children)
    once, each = check(
        """
        import signal
        import subprocess


        def _on_term(signum, frame):
            subprocess.Popen(["cleanup"])  # leak


        def _on_child(signum, frame):
            subprocess.Popen(["note"])  # leak


        signal.signal(signal.SIGTERM, _on_term)
        signal.signal(signal.SIGCHLD, _on_child)
        """
    )
    assert once.severity == "low" and "handles SIGTERM" in once.message, once.message
    assert each.severity == "medium" and "on every call of _on_child()" in each.message


def test_a_cancellation_residue_on_a_path_run_once_is_not_reported() -> None:
    # awaited, left running only if the task is cancelled from outside while it waits: asyncio
    # reaps the child when it ends, so once (as the process is asked to stop) leaves at most
    # one running to its own end; per call it may pile up
    check(
        """
        import asyncio
        import signal


        async def kill_all(pids):
            proc = await asyncio.create_subprocess_exec("pkill", "-TERM", *pids)
            try:
                await proc.wait()
            except asyncio.CancelledError:
                raise


        async def per_request(cmd):
            proc = await asyncio.create_subprocess_exec(*cmd)  # leak
            await proc.wait()


        class Manager:
            def __init__(self, pids):
                loop = asyncio.get_running_loop()
                loop.add_signal_handler(
                    signal.SIGINT, lambda: asyncio.create_task(kill_all(pids))
                )
        """
    )


def test_a_script_block_of_an_installed_module_is_not_scored(tmp_path) -> None:
    # `if __name__ == '__main__':` of an installed module runs only when someone runs that
    # module as a program: `check` of one's own code reports it (once, bounded); a scan of a
    # distribution reports it only with the test code (held8 metaflow's procpoll demo)
    code = textwrap.dedent(
        """
        import subprocess

        if __name__ == "__main__":
            p = subprocess.Popen(["sleep", "1"], stdout=subprocess.PIPE)
            print(p.stdout.read())
        """
    )
    result = analyze_source(code.encode(), "m.py", PACK.rules)
    (finding,) = result.findings
    assert "script" in finding.flags and finding.severity == "low"


def test_code_only_another_platform_uses_never_runs_here() -> None:
    # a class the module uses only under another platform's test (registered on Windows or
    # macOS alone), and a base class's helper only such classes call (held5/held7 pillow's
    # ImageShow, held6 curio's WinProcessWorker); a class used here too, or one the module
    # never uses (its importers may), is read as before
    check(
        """
        import subprocess
        import sys

        VIEWERS = []


        def register(viewer):
            VIEWERS.append(viewer)


        class Viewer:
            def _remove_later(self, path):
                subprocess.Popen(["sh", "-c", f"sleep 20; rm {path}"])

            def show(self, path):
                raise NotImplementedError


        class WindowsViewer(Viewer):
            def show(self, path):
                self._remove_later(path)


        class MacViewer(Viewer):
            def show(self, path):
                subprocess.Popen(["open", path])
                self._remove_later(path)


        class UnixViewer(Viewer):
            def show(self, path):
                subprocess.Popen(["xdg-open", path])  # leak


        class PublicViewer(Viewer):
            def show(self, path):
                subprocess.Popen(["see", path])  # leak


        if sys.platform == "win32":
            register(WindowsViewer)
        if sys.platform == "darwin":
            register(MacViewer)
        if sys.platform not in ("win32", "darwin"):
            register(UnixViewer)
        """
    )


def test_a_cleanup_killing_and_letting_go_drops_the_child() -> None:
    # `self._proc.kill(); self._proc = None` in cleanup(): the Popen is dropped, and CPython
    # reaps it at the next Popen() (held8 metaflow's env_escape client: was "a zombie as long
    # as the object holding it"); a cleanup that kills and keeps it leaves it on the object
    dropped, kept = check(
        """
        import subprocess


        class Client:
            def __init__(self, argv):
                self._proc = subprocess.Popen(argv)  # leak

            def cleanup(self):
                if self._proc is not None:
                    self._proc.kill()
                    self._proc = None


        class Keeps:
            def __init__(self, argv):
                self._proc = subprocess.Popen(argv)  # leak

            def cleanup(self):
                self._proc.kill()
        """
    )
    assert dropped.severity == "low" and "lets go of it" in dropped.message, dropped.message
    assert kept.severity == "medium" and "as long as the object" in kept.message, kept.message


def test_a_returncode_written_by_hand_before_any_wait_leaves_the_child_unreaped() -> None:
    # Popen's wait(), poll() and communicate() return at once once returncode is set, and its
    # finalizer passes such a child by: a value written before anything waited for the child
    # (after a kill() on a timeout, by a Timer's callback, after a waitpid(WNOHANG) that found
    # it running) means nothing ever reaps it (blind batch ag-p: pytesseract, miniray); written
    # after a wait() or communicate() it only records the end
    found = check(
        """
        import subprocess
        from threading import Timer

        from psutil import Process as Inspector

        TIMEOUT = -9


        def kill(process, code):
            process.kill()
            process.returncode = code


        def run_timed(cmd, seconds):
            proc = subprocess.Popen(cmd)  # leak
            try:
                proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                kill(proc, TIMEOUT)
            proc.wait()
            return proc.returncode


        def run_inline(cmd, seconds):
            proc = subprocess.Popen(cmd)  # leak
            try:
                proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.returncode = TIMEOUT
            proc.communicate()
            return proc.returncode


        def run_recorded(cmd, seconds):
            proc = subprocess.Popen(cmd)
            try:
                proc.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                proc.returncode = TIMEOUT
            return proc.returncode


        def run_after(cmd):
            proc = subprocess.Popen(cmd)
            out, _ = proc.communicate()
            proc.returncode = 0 if out else 1
            return proc.returncode


        def run_timer(cmd, seconds):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # leak
            timer = Timer(seconds, kill, [proc, TIMEOUT])
            timer.start()
            try:
                out, _ = proc.communicate()
            finally:
                timer.cancel()
            return out


        class Watched(Inspector):
            def __init__(self, cmd):
                self.__proc = subprocess.Popen(cmd)
                super().__init__(self.__proc.pid)

            def wait(self, timeout=None):
                if self.__proc.returncode is not None:
                    return self.__proc.returncode
                ret = super().wait(timeout)
                self.__proc.returncode = ret
                return ret


        class Forwarding:
            def __init__(self, cmd):
                self.proc = subprocess.Popen(cmd)

            @property
            def returncode(self):
                return self.proc.returncode

            @returncode.setter
            def returncode(self, value):
                self.proc.returncode = value

            def wait(self):
                return self.proc.wait()


        class Task:
            def start(self, cmd):
                self.proc = subprocess.Popen(cmd)  # leak

            def reap(self, timed_out):
                if self.proc.returncode is None and timed_out:
                    self.proc.kill()
                    self.proc.returncode = TIMEOUT
                self.proc.wait()
        """
    )
    assert "written by hand in kill()" in found[0].message, found[0].message
    assert found[0].severity == "high"


def test_a_join_of_a_thread_serving_what_it_made_itself_never_reaps() -> None:
    # the target makes the object it serves (`app = build(); app.run_polling()`) and keeps it
    # to itself: nothing outside the thread can stop it, so a join() waits for good or, timed,
    # gives up, and each connect() adds a thread (corpus: openjarvis' Telegram channel). Stored
    # where the stop can reach it, or handed its own stop, the loop ends
    (found,) = check(
        """
        import asyncio
        import threading


        class Bot:
            def __init__(self, token):
                self._token = token
                self._thread = None

            def connect(self):
                self._thread = threading.Thread(target=self._poll, daemon=True)  # leak
                self._thread.start()

            def disconnect(self):
                if self._thread is not None:
                    self._thread.join(timeout=5.0)
                    self._thread = None

            def _poll(self):
                app = build_app(self._token)
                app.add_handler(self.on_message)
                app.run_polling(stop_signals=None)


        class Reachable:
            def connect(self):
                self._thread = threading.Thread(target=self._serve, daemon=True)
                self._thread.start()

            def disconnect(self):
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(timeout=5.0)

            def _serve(self):
                loop = asyncio.new_event_loop()
                self._loop = loop
                loop.run_forever()


        class Timed:
            def connect(self):
                self._thread = threading.Thread(target=self._serve, daemon=True)
                self._thread.start()

            def disconnect(self):
                self._thread.join(timeout=5.0)

            def _serve(self):
                loop = asyncio.new_event_loop()
                loop.call_later(60, loop.stop)
                loop.run_forever()
        """
    )
    assert "disconnect()'s join() gives up" in found.message, found.message


def test_an_accept_loop_left_only_when_accept_fails_outlives_the_close() -> None:
    # closing a listening socket from another thread does not wake a thread blocked in its
    # accept() on Linux (only shutdown(), a timeout or a new connection does): a loop left only
    # through accept()'s OSError waits for good once nobody connects (bench: scikit-learn's
    # callback listener, one per fit)
    (found,) = check(
        """
        import socket
        import threading
        from multiprocessing.connection import Listener

        _listeners = {}


        def open_listener(consumer):
            listener = Listener(authkey=b"k")
            _listeners[listener.address] = listener

            def _handle(conn):
                try:
                    while True:
                        consumer(conn.recv())
                except (EOFError, OSError):
                    return

            def _accept():
                while True:
                    try:
                        conn = listener.accept()
                    except OSError:
                        return
                    threading.Thread(target=_handle, args=(conn,), daemon=True).start()

            threading.Thread(target=_accept, daemon=True).start()  # leak
            return listener.address


        def close_listener(address):
            listener = _listeners.pop(address, None)
            if listener is not None:
                listener.close()
        """
    )
    assert found.severity == "high" and "does not wake it" in found.message, found.message


def test_an_accept_loop_with_another_way_out_or_a_shutdown_ends() -> None:
    # a way out on the object's stop flag is looked at only once accept() has returned: after
    # the stop's close() that needs one more connection (review35b a04); a shutdown of the
    # socket ends it
    check(
        """
        import socket
        import threading


        class Server:
            def __init__(self):
                self._sock = socket.socket()
                self._stopping = False

            def start(self):
                threading.Thread(target=self._accept, daemon=True).start()  # leak

            def _accept(self):
                while True:
                    try:
                        conn, _ = self._sock.accept()
                    except OSError:
                        return
                    if self._stopping:
                        break
                    conn.close()

            def stop(self):
                self._stopping = True
                self._sock.close()
        """
    )
    check(
        """
        import socket
        import threading


        def serve(handler):
            sock = socket.socket()
            sock.listen()

            def _accept():
                while True:
                    try:
                        conn, _ = sock.accept()
                    except OSError:
                        return
                    handler(conn)

            threading.Thread(target=_accept, daemon=True).start()
            return sock


        def stop(sock):
            sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        """
    )


def test_a_handle_in_a_sum_of_sequences_goes_where_the_sum_goes() -> None:
    # `tuple(processes) + (proc,)` handed to a function of the module that polls every element
    # to its end: the sum holds the same elements (blind batch ai-p: borgmatic's
    # log_many_outputs); a sum nothing takes keeps nothing
    check(
        """
        import subprocess


        def log_many_outputs(processes):
            while True:
                if all(process.poll() is not None for process in processes):
                    break


        def run(processes, last):
            proc = subprocess.Popen(last)
            log_many_outputs(tuple(processes) + (proc,))


        def dropped(processes, last):
            proc = subprocess.Popen(last)  # leak
            everything = tuple(processes) + (proc,)
            return len(everything)
        """
    )


def test_a_timeout_parameter_defaulting_to_none_is_one_where_its_expiry_is_handled() -> None:
    # `timeout=command_timeout` (default None) in a function that catches the wait's expiry
    # itself: it is given a timeout to expire, and the timed-out child runs on (blind batch
    # ai-p: osparc's docker-compose); with nothing handling it, None waits for good
    check(
        """
        import asyncio
        import subprocess


        async def async_command(command, command_timeout=None):
            try:
                proc = await asyncio.create_subprocess_shell(command)  # leak
                await asyncio.wait_for(proc.communicate(), timeout=command_timeout)
            except asyncio.TimeoutError:
                raise
            return proc.returncode


        def run(cmd, timeout=None):
            proc = subprocess.Popen(cmd)
            proc.communicate(timeout=timeout)
            return proc.returncode
        """
    )
    # a handler of Exception catches the expiry too; a caller of the module giving the
    # parameter a value gives it a timeout (review35b c04, c05, c07)
    check(
        """
        import subprocess


        def run(cmd, timeout=None):
            p = subprocess.Popen(cmd)  # leak
            try:
                return p.communicate(timeout=timeout)[0]
            except Exception:
                return None


        def _run(cmd, timeout=None):
            p = subprocess.Popen(cmd)  # leak
            return p.communicate(timeout=timeout)[0]


        def probe(cmd):
            try:
                return _run(cmd, timeout=2)
            except subprocess.TimeoutExpired:
                return b""


        def _plain(cmd, timeout=None):
            p = subprocess.Popen(cmd)
            return p.communicate(timeout=timeout)[0]


        def plain(cmd):
            return _plain(cmd, timeout=None)
        """
    )


def test_a_store_on_an_object_just_made_replaces_nothing() -> None:
    # every call of tunnel() in the module is on an object the calling function has just made:
    # there is no child before to replace (blind batch ai-p: runhouse's ssh tunnel, a false
    # alarm after its fix); called twice on one object, or on one kept across calls, it drops
    # the running child
    check(
        """
        import subprocess


        class Runner:
            def __init__(self, host):
                self.host = host
                self.tunnel_proc = None

            def tunnel(self, port):
                self.tunnel_proc = subprocess.Popen(["ssh", "-N", "-L", str(port), self.host])

            def terminate(self):
                if self.tunnel_proc is not None:
                    self.tunnel_proc.stdin.close()
                    self.tunnel_proc.wait()
                    self.tunnel_proc = None


        def ssh_tunnel(host, port):
            runner = Runner(host)
            runner.tunnel(port)
            return runner


        class Keeper:
            def __init__(self, host):
                self.host = host
                self.proc = None

            def forward(self, port):
                self.proc = subprocess.Popen(["ssh", "-N", "-L", str(port), self.host])  # leak

            def close(self):
                self.proc.wait()


        KEEPER = Keeper("h")


        def reopen(port):
            KEEPER.forward(port)
        """
    )
    # in a loop, a pass making the object anew before the call stores on a new object too
    # (review35b d06); one made before the loop is the same object on every pass
    check(
        """
        import subprocess


        class Tunnel:
            def __init__(self, host):
                self.host = host
                self._proc = None

            def tunnel(self, port):
                self._proc = subprocess.Popen(["ssh", "-N", str(port), self.host])

            def stop(self):
                self._proc.terminate()
                self._proc.wait()


        class Forward:
            def __init__(self, host):
                self.host = host
                self._proc = None

            def forward(self, port):
                self._proc = subprocess.Popen(["ssh", "-N", str(port), self.host])  # leak

            def stop(self):
                self._proc.terminate()
                self._proc.wait()


        def open_all(hosts, port):
            tunnels = []
            for host in hosts:
                t = Tunnel(host)
                t.tunnel(port)
                tunnels.append(t)
            return tunnels


        def forward_all(host, ports):
            f = Forward(host)
            for port in ports:
                f.forward(port)
            return f
        """
    )


def test_a_thread_serving_an_object_made_anew_per_call_outlives_the_stop() -> None:
    # the thread runs a method of an object kept on its starter's object, which the class stops
    # through that attribute alone: the object is made anew on every call, so the stop reaches
    # only the newest and the threads serving the ones before run on (corpus: a Mesos
    # scheduler's seven loops started in every registered()). Made once (a once-guard, in
    # __init__), or the one before stopped first, each thread can still be stopped; with no
    # stop in the class there is no sign the thread lasts at all
    findings = check(
        """
        import threading
        from wsgiref.simple_server import make_server
        from workers import Worker


        class Scheduler:
            def __init__(self):
                self._worker = None
                self._server = None
                self._kept = Worker()

            def registered(self, driver):
                self._worker = Worker(driver)
                thread = threading.Thread(target=self._worker.run)  # leak
                thread.daemon = True
                thread.start()

            def listen(self, port):
                self._server = make_server("", port, None)
                threading.Thread(target=self._server.serve_forever, daemon=True).start()  # leak

            def reregistered(self, driver):
                threading.Thread(target=self._kept.run, daemon=True).start()

            def shutdown(self):
                self._worker.shutdown()
                self._server.shutdown()
                self._kept.shutdown()


        class Guarded:
            def __init__(self):
                self._worker = None

            def registered(self, driver):
                if self._worker is None:
                    self._worker = Worker(driver)
                    threading.Thread(target=self._worker.run, daemon=True).start()

            def shutdown(self):
                self._worker.shutdown()


        class Restarting:
            def __init__(self):
                self._worker = None

            def registered(self, driver):
                if self._worker is not None:
                    self._worker.shutdown()
                self._worker = Worker(driver)
                threading.Thread(target=self._worker.run, daemon=True).start()

            def shutdown(self):
                self._worker.shutdown()


        class Unstopped:
            def registered(self, driver):
                self._worker = Worker(driver)
                threading.Thread(target=self._worker.run, daemon=True).start()


        class MadeWhenGone:
            # made only once the one before is gone, which the stop clears (twisted's helper
            # reactor, behind `if self._reactor is None` in its caller)
            def _unmake(self):
                self._reactor.stop()
                self._reactor = None

            def _make(self):
                self._reactor = Worker()
                threading.Thread(target=self._reactor.run, daemon=True).start()

            def add_event(self, event):
                if self._reactor is None:
                    self._make()
                self._reactor.add(event)
        """
    )
    assert [f.severity for f in findings] == ["high", "high"]
    assert "can no longer be stopped" in findings[0].message


def test_a_hook_run_after_the_fork_runs_once_per_child() -> None:
    # a forking server calls post_fork() (gunicorn, salt) once in each new child, which has its
    # own copy of the object: what it starts is once per process, not per call (held7: salt's
    # ZeroMQ monitor, a false high "piles up" from the reading above)
    check(
        """
        import threading
        from monitors import Monitor


        class Channel:
            def post_fork(self, handler):
                self._monitor = Monitor(self._socket)
                threading.Thread(target=self._monitor.start_poll).start()

            def reconnect(self):
                self._watch = Monitor(self._socket)
                threading.Thread(target=self._watch.start_poll).start()  # leak

            def close(self):
                self._monitor.stop()
                self._watch.stop()
        """
    )
    # the module itself calling the hook in a loop says how often it runs (review36 e05)
    check(
        """
        import threading


        def after_fork(worker):
            threading.Thread(target=worker.serve_forever).start()  # leak


        def spawn_all(workers):
            for worker in workers:
                after_fork(worker)
        """
    )


def test_a_hook_run_as_a_worker_boots_runs_once_per_worker() -> None:
    # a worker framework calls a middleware's before_worker_boot() (dramatiq) as each worker
    # boots: once per worker process, not per request (held13: dramatiq-abort's abort watcher,
    # a false high "piles up if that runs per request")
    findings = check(
        """
        import threading


        class Abortable:
            def before_worker_boot(self, broker, worker):
                threading.Thread(target=self._watch).start()  # leak

            def on_message(self, message):
                threading.Thread(target=self._watch).start()  # leak

            def _watch(self):
                while True:
                    self.poll()
        """
    )
    assert findings[0].severity == "medium", findings[0].message
    assert "runs once in each worker or process, as it boots" in findings[0].message
    assert findings[1].severity == "high", findings[1].message
    # "boot" alone is no worker's boot: booting a machine is per object, as any method
    findings = check(
        """
        import threading


        class Emulator:
            def boot(self):
                threading.Thread(target=self._console).start()  # leak

            def _console(self):
                while True:
                    self.poll()
        """
    )
    assert "as it boots" not in findings[0].message
    # nor an action named so (a hook is named for when it runs: before_, after_, on_)
    findings = check(
        """
        import threading


        class JobRunner:
            def boot_process(self, argv):
                threading.Thread(target=self._sample).start()  # leak

            def _sample(self):
                while True:
                    self.poll()
        """
    )
    assert "as it boots" not in findings[0].message
    # the module calling the hook in a loop says how often it runs
    findings = check(
        """
        import threading


        def after_worker_boot(worker):
            threading.Thread(target=worker.serve_forever).start()  # leak


        def boot_all(workers):
            for worker in workers:
                after_worker_boot(worker)
        """
    )
    assert findings[0].severity == "high", findings[0].message


def test_a_function_named_to_serve_for_ever_that_returns_is_judged_by_its_body() -> None:
    # `run_forever` is the library's word for serving; one whose body ends in a return gives
    # back to its caller (websocket-client's returns when its connection closes, and callers
    # call it again to reconnect): what it starts is per call, not once
    findings = check(
        """
        import subprocess


        class App:
            def run_forever(self, url):
                helper = subprocess.Popen(["ssh", "-N", url])  # leak
                self.dispatcher.dispatch(url)
                return self.has_errored


        class Server:
            def run_forever(self, url):
                helper = subprocess.Popen(["ssh", "-N", url])  # leak
                self.dispatcher.dispatch(url)


        class Relay:
            # a bare `return`, or returning what a call serving for ever gives, is no way back
            # (review36 e06, e07)
            def serve_forever(self, url):
                helper = subprocess.Popen(["ssh", "-N", url])  # leak
                return self.server.serve_forever()

            def run_forever(self, url):
                helper = subprocess.Popen(["ssh", "-N", url])  # leak
                self.dispatcher.dispatch(url)
                return
        """
    )
    assert [f.severity for f in findings] == ["medium", "low", "low", "low"], [
        f.message for f in findings
    ]


def test_a_queue_handed_to_the_target_is_the_objects_own() -> None:
    # the target gets the object's queue as an argument (`args=(self._events,)`): blocked in
    # its get(), it sees the stop flag only when something is put there, as when it reads
    # self._events itself (blind batch aj-t: an SDK's event handler per client, its close()
    # setting _closed with nothing queued); a stop putting a wake-up item ends it
    check(
        """
        import queue
        import threading


        class Processor:
            def __init__(self):
                self._closed = False
                self._events = queue.Queue()
                handler = threading.Thread(  # leak
                    target=self._handle, args=(self._events,), daemon=True
                )
                handler.start()

            def push(self, event):
                self._events.put(event)

            def _handle(self, events):
                while not self._closed:
                    self.process(events.get())

            def close(self):
                self._closed = True


        class Woken:
            def __init__(self):
                self._closed = False
                self._events = queue.Queue()
                self._handler = threading.Thread(
                    target=self._handle, args=(self._events,), daemon=True
                )
                self._handler.start()

            def _handle(self, events):
                while not self._closed:
                    self.process(events.get())

            def close(self):
                self._closed = True
                self._events.put(None)
                self._handler.join()
        """
    )


def test_only_a_wake_up_of_the_listening_socket_ends_an_accept_loop() -> None:
    # what wakes accept() is a shutdown, a timeout or non-blocking mode of the listening socket
    # itself (or of a name bound to it); an executor's shutdown() or a timeout on each accepted
    # connection leaves it blocked after close() (review35b a09, a13: both were switched off by
    # any such call in the module)
    check(
        """
        import socket
        import threading
        from concurrent.futures import ThreadPoolExecutor


        class Gateway:
            def __init__(self):
                self._pool = ThreadPoolExecutor(4)
                self._sock = socket.socket()
                self._sock.listen()
                self._thread = threading.Thread(target=self._accept_loop, daemon=True)  # leak
                self._thread.start()

            def _accept_loop(self):
                while True:
                    try:
                        conn, _ = self._sock.accept()
                    except OSError:
                        return
                    conn.settimeout(5)
                    self._pool.submit(self._serve, conn)

            def close(self):
                self._sock.close()
                self._pool.shutdown(wait=True)


        class Woken:
            def __init__(self):
                self._listener = socket.socket()
                self._listener.listen()
                self._thread = threading.Thread(target=self._accept_loop, daemon=True)
                self._thread.start()

            def _accept_loop(self):
                while True:
                    try:
                        conn, _ = self._listener.accept()
                    except OSError:
                        return
                    conn.close()

            def close(self):
                listener = self._listener
                listener.shutdown(socket.SHUT_RDWR)
                listener.close()
        """
    )
    # a stop flag looked at between two connections does not end the wait in accept()
    # (review35b a04); a stop connecting to the listener itself wakes it
    flagged = """
        import socket
        import threading


        class Listener:
            def __init__(self):
                self._stop = False
                self._sock = socket.socket()
                self._sock.listen()
                self._addr = self._sock.getsockname()
                self._thread = threading.Thread(target=self._loop, daemon=True){mark}
                self._thread.start()

            def _loop(self):
                while True:
                    if self._stop:
                        break
                    try:
                        conn, _ = self._sock.accept()
                    except OSError:
                        return
                    conn.close()

            def close(self):
                self._stop = True
                {wake}
                self._sock.close()
        """
    check(flagged.format(mark="  # leak", wake="pass"))
    # the same flag as the loop's condition (review36 c09, c11)
    check(
        flagged.format(mark="  # leak", wake="pass")
        .replace("while True:", "while not self._stop:")
        .replace("if self._stop:\n                        break", "pass")
    )
    check(flagged.format(mark="", wake="socket.create_connection(self._addr).close()"))


def test_a_module_importing_a_windows_module_at_its_top_never_runs_here() -> None:
    # `import win32file` at the top of a module, not under a try nor a test: importing the
    # module raises ImportError anywhere but Windows, so none of its code runs (twisted's
    # win32eventreactor in four environments); under a try it may fall back, and runs
    source = """
        {imports}
        import subprocess


        def spawn(argv):
            return subprocess.Popen(argv).pid{mark}
        """
    if sys.platform == "win32":
        return
    check(source.format(imports="import win32file", mark=""))
    check(source.format(imports="from win32event import INFINITE", mark=""))
    check(
        source.format(
            imports="try:\n            import win32file\n        except ImportError:\n"
            "            win32file = None",
            mark="  # leak",
        )
    )


def test_a_put_the_stopping_pass_leaves_before_wakes_nothing() -> None:
    # the reader sets the flag and breaks on a disconnect: the puts further down its loop never
    # run on that pass, so the consumer blocked in get() never sees the flag (blind batch
    # al-t: a drone link's sender thread per connection); a put right after the set wakes it
    source = """
        import queue
        import threading


        class Link:
            def __init__(self, port):
                self.port = port
                self.active = True
                self.messages = queue.Queue()
                self.reader = threading.Thread(target=self.read, daemon=True)
                self.reader.start()
                self.sender = threading.Thread(target=self.execute, daemon=True){mark}
                self.sender.start()

            def read(self):
                while self.active:
                    try:
                        msg = self.port.recv()
                    except OSError:
                        self.active = False
                        {wake}
                        break
                    self.messages.put(msg)

            def execute(self):
                while self.active:
                    self.handle(self.messages.get())

            def close(self):
                self.active = False
                self.port.close()
        """
    check(source.format(mark="  # leak", wake="pass"))
    check(source.format(mark="", wake="self.messages.put(None)"))


def test_a_for_loop_inside_a_while_loop_runs_on_every_pass_of_it() -> None:
    # `while True: for w in workers: attach(w); sleep(30)`: the inner loop runs again on every
    # pass of the outer one, as a call straight in the `while` does (review36 e02: it was read
    # as once, the function never returning)
    check(
        """
        import threading
        import time


        def _heartbeat(worker):
            while True:
                worker.ping()
                time.sleep(5)


        def attach(worker):
            threading.Thread(target=_heartbeat, args=(worker,), daemon=True).start()  # leak


        def supervise(workers):
            while True:
                for worker in workers:
                    attach(worker)
                time.sleep(30)
        """
    )


def test_is_alive_and_exitcode_poll_a_multiprocessing_child_as_popen_poll_does() -> None:
    # Process.is_alive() and Process.exitcode are its Popen's poll() (waitpid WNOHANG): a
    # predicate made to be polled, or a loop over the children asking each, reaps the ones that
    # ended, as `return self.proc.poll() is None` does for a Popen. A `while not p.is_alive()`
    # waits for the start, and a one-off check before a restart is no reaper.
    check(
        """
        import multiprocessing
        import time


        def work():
            pass


        class Job:
            def start(self):
                self.proc = multiprocessing.Process(target=work)
                self.proc.start()

            def done(self):
                return not self.proc.is_alive()


        class Task:
            def start(self):
                self.child = multiprocessing.Process(target=work)
                self.child.start()

            def finished(self):
                return self.child.exitcode is not None


        def supervise(count):
            procs = []
            for _ in range(count):
                p = multiprocessing.Process(target=work)
                p.start()
                procs.append(p)
            while procs:
                for p in list(procs):
                    if not p.is_alive():
                        procs.remove(p)
                time.sleep(1)


        def started(fn):
            p = multiprocessing.Process(target=fn)  # leak: FA112
            p.start()
            while not p.is_alive():
                time.sleep(0.1)
        """
    )


def test_a_kept_pid_polled_by_a_liveness_predicate_reaps_the_child() -> None:
    # `self.pid = proc.pid` then `pid, status = os.waitpid(self.pid, os.WNOHANG)` in a method
    # returning from it whether the child runs (pexpect's and salt's isalive()): made to be
    # polled, as `return self.proc.poll() is None` is. Also through CPython's own idiom of a
    # parameter defaulting to the function (`_waitpid=os.waitpid, _wnohang=os.WNOHANG`).
    # After a kill in the same method, the one poll reports on a dying child: no reaper.
    source = """
        import os
        import signal
        import subprocess


        class Terminal:
            def __init__(self, cmd):
                proc = subprocess.Popen(cmd){mark}
                self.pid = proc.pid
                self.proc = proc

            {body}
        """
    check(
        source.format(
            mark="",
            body="""def isalive(self, _waitpid=os.waitpid, _wnohang=os.WNOHANG):
                pid, status = _waitpid(self.pid, _wnohang)
                if pid == 0:
                    return True
                return False""",
        )
    )
    check(
        source.format(
            mark="",
            body="""def running(self):
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
                return pid == 0""",
        )
    )
    check(
        source.format(
            mark="  # leak: FA103",
            body="""def close(self):
                os.kill(self.pid, signal.SIGTERM)
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
                return pid""",
        )
    )


def test_a_handle_kept_on_an_object_is_reaped_by_code_reaching_it_through_the_object() -> None:
    # `par.proc.join()`, or `self.procs[tag].proc.is_alive()` polled in a loop, in another class
    # or function of the module: a child is reaped by whoever reaches it. Only for an attribute
    # no other class of the module stores (two classes keep a `proc`: which one does
    # `shell.proc.wait()` reach?); a one-off is_alive() outside a loop is no reaper.
    check(
        """
        import multiprocessing


        def work():
            pass


        class Parallel:
            def start(self):
                self.proc = multiprocessing.Process(target=work)
                self.proc.start()


        class State:
            def __init__(self):
                self.procs = {}

            def call(self, tags):
                for tag in tags:
                    parallel = Parallel()
                    parallel.start()
                    self.procs[tag] = parallel
                while self.procs:
                    self.reconcile()

            def reconcile(self):
                for tag in list(self.procs):
                    if not self.procs[tag].proc.is_alive():
                        del self.procs[tag]
        """
    )
    kept_elsewhere = """
        import multiprocessing
        import subprocess


        def work():
            pass


        class Parallel:
            def start(self):
                self.proc = multiprocessing.Process(target=work)  # leak: FA112
                self.proc.start()
        {other}

        def run_all(n):
            for _ in range(n):
                Parallel().start()
        """
    # a one-off is_alive() outside a loop reaps nothing
    check(
        kept_elsewhere.format(
            other="\n\n        def alive(parallel):\n            return parallel.proc.is_alive()\n"
        )
    )
    # another class keeps a `proc` too: `shell.proc.wait()` may be its
    check(
        kept_elsewhere.format(
            other=(
                "\n\n        class Shell:\n            def start(self, cmd):\n"
                "                self.proc = subprocess.Popen(cmd)  # leak: FA103\n\n\n"
                "        def finish(shell):\n            shell.proc.wait()\n"
            )
        )
    )


def test_methods_defined_under_an_if_of_the_class_body_are_the_class_methods() -> None:
    # `if mswindows: def isalive(...)` / `else: def isalive(...)` (salt's vt.Terminal): the
    # branch that runs here defines the method (when the test says nothing of the platform,
    # every branch may).
    source = """
        import subprocess
        import sys


        class Terminal:
            def __init__(self, cmd):
                self.proc = subprocess.Popen(cmd){mark}

            if {test}:
                def close(self):
                    self.proc.kill()
            else:
                def close(self):
                    self.proc.kill()
                    self.proc.wait()
        """
    check(source.format(mark="", test='sys.platform == "win32"'))
    check(source.format(mark="  # leak: FA103", test='sys.platform != "win32"'))
    # a test that names no platform may go either way: both branches' methods count, the one
    # that waits included, whichever of the two `close` the class's method list keeps
    check(
        """
        import os
        import signal
        import subprocess


        class Server:
            def __init__(self, cmd):
                self.proc = subprocess.Popen(cmd)

            if FAST:
                def close(self):
                    self.proc.wait()
            else:
                def close(self):
                    os.kill(self.proc.pid, signal.SIGTERM)
        """
    )
    # and what a left-out branch's method does to the attribute counts for nothing either
    # (review37 p27: only the Windows close() waits)
    check(
        """
        import os
        import signal
        import subprocess
        import sys


        class Server:
            def __init__(self, cmd):
                self.proc = subprocess.Popen(cmd)  # leak: FA103

            if sys.platform == "win32":
                def close(self):
                    self.proc.wait()
            else:
                def close(self):
                    os.kill(self.proc.pid, signal.SIGTERM)
        """
    )


def test_the_result_of_start_is_none_so_binding_it_keeps_nothing() -> None:
    # `self._thread = Thread(...).start()` (smarthomeNG's websocket module, blind am-t): the
    # standard library's start() returns None, so the attribute holds None and the later
    # `self._thread.join()` cannot reach the thread. A class of the module whose own start()
    # returns the object keeps it; one inheriting Thread.start() does not.
    check(
        """
        import threading
        import time


        def serve():
            while True:
                time.sleep(1)


        class Server:
            def start(self):
                self._thread = threading.Thread(target=serve).start()  # leak: FA111

            def stop(self):
                self._thread.join()


        class Runner(threading.Thread):
            def __init__(self):
                super().__init__(daemon=True)
                self.stopped = threading.Event()

            def run(self):
                while not self.stopped.wait(1):
                    pass

            def start(self):
                super().start()
                return self


        class Loop(threading.Thread):
            def run(self):
                while True:
                    time.sleep(1)


        class Owner:
            def open(self):
                self.runner = Runner().start()
                self.loop = Loop().start()  # leak: FA111

            def close(self):
                self.runner.stopped.set()
                self.runner.join()
                self.loop.join()
        """
    )


def test_a_target_calling_a_function_that_never_returns_never_returns() -> None:
    # `def run(self): self._setup(); self._serve()` with `_serve` looping for good: the call
    # never returns, so neither does the thread (up to two calls deep, straight statements
    # only: a call under an if or a try is not followed)
    check(
        """
        import threading
        import time


        def serve():
            while True:
                time.sleep(1)


        class Loop(threading.Thread):
            def run(self):
                self._setup()
                serve()

            def _setup(self):
                pass


        class Worker:
            def start(self):
                threading.Thread(target=self._run).start()  # leak

            def _run(self):
                self._main()

            def _main(self):
                serve()


        def handle(request):
            Loop().start()  # leak


        def maybe(request, ok):
            def body():
                if ok:
                    serve()
            threading.Thread(target=body).start()
        """
    )


def test_a_producer_joined_after_a_yield_parks_when_the_consumer_stops_early() -> None:
    """A generator's code after a yield runs only if its consumer resumes it to the end: a
    `break`, `next()` once, or dropping it closes the generator at the yield (GeneratorExit),
    and only its `finally` blocks run. A producer thread filling a bounded queue only the
    generator takes from then waits in put() for room for good (one per call). A `finally`
    joining it, or a queue that never fills, takes care of it. A @contextmanager's yield is
    left early only when its with-block raises, and a consumer whose work may raise before the
    join leaves it parked too: on the error path, medium."""
    findings = check(
        """
        import contextlib
        import queue
        import threading


        def paginate(fetch, prefetched=8):
            q = queue.Queue(prefetched)

            def produce(q):
                for row in fetch():
                    q.put(row)
                q.put(None)

            t = threading.Thread(target=produce, args=(q,))  # leak: FA111
            t.start()
            row = q.get()
            while row is not None:
                yield row
                row = q.get()
            t.join()


        def paginate_closed(fetch):
            q = queue.Queue(8)

            def produce():
                for row in fetch():
                    q.put(row)
                q.put(None)

            t = threading.Thread(target=produce)
            t.start()
            try:
                row = q.get()
                while row is not None:
                    yield row
                    row = q.get()
            finally:
                t.join()


        def unbounded(fetch):
            q = queue.Queue()

            def produce():
                for row in fetch():
                    q.put(row)
                q.put(None)

            t = threading.Thread(target=produce)
            t.start()
            row = q.get()
            while row is not None:
                yield row
                row = q.get()
            t.join()


        def waits_a_second(fetch):
            q = queue.Queue(8)

            def produce():
                for row in fetch():
                    q.put(row, timeout=1)

            t = threading.Thread(target=produce)
            t.start()
            for _ in range(3):
                yield q.get()
            t.join()


        @contextlib.contextmanager
        def prefetching(fetch):
            q = queue.Queue(8)

            def produce():
                for row in fetch():
                    q.put(row)
                q.put(None)

            t = threading.Thread(target=produce)  # leak: FA111
            t.start()
            yield iter(q.get, None)
            t.join()


        def consume_all(fetch, handle):
            q = queue.Queue(maxsize=4)

            def produce():
                for row in fetch():
                    q.put(row)
                q.put(None)

            t = threading.Thread(target=produce)  # leak: FA111
            t.start()
            for row in iter(q.get, None):
                handle(row)
            t.join()
        """
    )
    by_line = {f.line: f for f in findings}
    first, managed, last = sorted(by_line)
    assert by_line[first].severity == "high"
    assert "consumer that stops early" in by_line[first].message
    assert "parked in put()" in by_line[first].message
    assert by_line[managed].severity == "medium"
    assert "the with-block around that yield raises" in by_line[managed].message
    assert by_line[last].severity == "medium"  # only when handle() raises
    assert "when what runs there raises" in by_line[last].message


def test_how_a_generator_is_left_decides_whether_the_code_after_its_yield_runs() -> None:
    """GeneratorExit, which closing a generator raises at its yield, is no Exception: only a
    bare handler, `BaseException` or `GeneratorExit` catches it and lets the code after the
    `try` run. Building a collection (`iter(q.get, None)`, `list(...)`) raises nothing itself.
    A private generator that its module only hands to a builtin exhausting it (`list(...)`) is
    always run to its end."""
    check(
        """
        import queue
        import threading


        def pages(fetch):
            q = queue.Queue(8)

            def produce():
                for row in fetch():
                    q.put(row)
                q.put(None)

            t = threading.Thread(target=produce)  # leak: FA111
            t.start()
            for row in iter(q.get, None):
                yield row
            t.join()


        def drained_first(fetch):
            q = queue.Queue(8)

            def produce():
                for row in fetch():
                    q.put(row)
                q.put(None)

            t = threading.Thread(target=produce)
            t.start()
            rows = list(iter(q.get, None))
            t.join()
            yield from rows


        def closing_caught(read, n):
            stop = threading.Event()
            readings = queue.Queue()

            def poll():
                while not stop.is_set():
                    readings.put(read())
                    stop.wait(0.05)

            t = threading.Thread(target=poll)
            t.start()
            try:
                for _ in range(n):
                    yield readings.get()
            except GeneratorExit:
                pass
            stop.set()
            t.join()


        def closing_not_caught(read, n):
            stop = threading.Event()
            readings = queue.Queue()

            def poll():
                while not stop.is_set():
                    readings.put(read())
                    stop.wait(0.05)

            t = threading.Thread(target=poll)  # leak: FA111
            t.start()
            try:
                for _ in range(n):
                    yield readings.get()
            except Exception:
                pass
            stop.set()
            t.join()


        def _rows(source):
            q = queue.Queue(maxsize=8)

            def produce():
                for item in source:
                    q.put(item)
                q.put(None)

            t = threading.Thread(target=produce)
            t.start()
            for item in iter(q.get, None):
                yield item
            t.join()


        def load(source):
            return list(_rows(source))
        """
    )


def test_an_iterator_object_is_a_generator_its_consumer_may_stop_early() -> None:
    """Whoever iterates an object may stop calling __next__() at any point (a `break`,
    `next()` once), and nothing tells the object. A thread filling a bounded queue of the
    object that only its iterator protocol takes from then waits in put() for good, holding
    the object: a join in __next__() when the items end never comes. A class that offers
    another way to end it (a close() draining the queue, an owner's shutdown() joining it)
    or a queue that never fills is not such a leak."""
    check(
        """
        import queue
        import threading


        class Prefetch:
            def __init__(self, source, size=2):
                self._q = queue.Queue(maxsize=size)
                self._t = threading.Thread(target=lambda: self._fill(self._q, source))  # leak: FA111
                self._t.start()

            @staticmethod
            def _fill(q, source):
                for item in source:
                    q.put(item)
                q.put(None)

            def __iter__(self):
                return self

            def __next__(self):
                item = self._q.get()
                if item is None:
                    self._t.join()
                    raise StopIteration
                return item


        class ClosablePrefetch:
            def __init__(self, source):
                self._q = queue.Queue(4)
                self._t = threading.Thread(target=self._fill, args=(source,))
                self._t.start()

            def _fill(self, source):
                for item in source:
                    self._q.put(item)
                self._q.put(None)

            def __next__(self):
                item = self._q.get()
                if item is None:
                    raise StopIteration
                return item

            def close(self):
                while self._t.is_alive():
                    try:
                        self._q.get_nowait()
                    except queue.Empty:
                        pass
                self._t.join()


        class Background(threading.Thread):
            def __init__(self, source, size=10):
                super().__init__(daemon=True)
                self.queue = queue.Queue(size)
                self.source = source
                self.start()

            def run(self):
                for item in self.source:
                    self.queue.put(item)
                self.queue.put(None)

            def __iter__(self):
                return self

            def __next__(self):
                item = self.queue.get()
                if item is None:
                    raise StopIteration
                return item


        class Unbounded(threading.Thread):
            def __init__(self, source):
                super().__init__(daemon=True)
                self.queue = queue.Queue()
                self.source = source
                self.start()

            def run(self):
                for item in self.source:
                    self.queue.put(item)
                self.queue.put(None)

            def __next__(self):
                item = self.queue.get()
                if item is None:
                    raise StopIteration
                return item


        class Loader:
            def __iter__(self):
                self.it = Background(self.batches())  # leak: FA111
                return self

            def __next__(self):
                return next(self.it)

            def batches(self):
                return iter(range(100))


        class ShutdownLoader:
            def __iter__(self):
                self.it = Background(self.batches())
                return self

            def __next__(self):
                return next(self.it)

            def batches(self):
                return iter(range(100))

            def shutdown(self):
                for _ in self.it:
                    pass
                self.it.join()


        def stream(source):
            return list(Unbounded(source))
        """
    )


def test_an_iterator_filled_by_its_own_child_leaks_however_it_is_handed_on() -> None:
    """Returning such an iterator (a decorator's wrapper, a factory) hands the caller nothing
    to end its thread with but taking every item: a consumer that stops early leaves it in
    put() whoever holds the object. A child process filling a bounded multiprocessing queue
    only the iterator takes from is left the same (alive, never reaped), and letting the
    queue go at the end (`self._q = None`) makes no second queue. A class whose close()
    drains the queue still offers a way to end it."""
    check(
        """
        import multiprocessing
        import queue
        import threading


        class Ahead(threading.Thread):
            def __init__(self, source, size=1):
                super().__init__()
                self.queue = queue.Queue(size)
                self.source = source
                self.daemon = True
                self.start()

            def run(self):
                for item in self.source:
                    self.queue.put(item)
                self.queue.put(None)

            def __iter__(self):
                return self

            def next(self):
                item = self.queue.get()
                if item is None:
                    raise StopIteration
                return item

            __next__ = next


        def ahead(size=1):
            def decorator(generator):
                def wrapper(*args, **kwargs):
                    return Ahead(generator(*args, **kwargs), size)  # leak: FA111
                return wrapper
            return decorator


        class Drained(threading.Thread):
            def __init__(self, source):
                super().__init__(daemon=True)
                self.queue = queue.Queue(4)
                self.source = source
                self.start()

            def run(self):
                for item in self.source:
                    self.queue.put(item)
                self.queue.put(None)

            def __next__(self):
                item = self.queue.get()
                if item is None:
                    raise StopIteration
                return item

            def close(self):
                while self.is_alive():
                    try:
                        self.queue.get_nowait()
                    except queue.Empty:
                        pass


        def drained(source):
            return Drained(source)


        class ProcessAhead:
            def __init__(self, source, size=8):
                self._q = multiprocessing.Queue(size)
                self._p = multiprocessing.Process(target=self._run, args=(source, self._q))  # leak: FA112
                self._p.daemon = True
                self._p.start()

            def __next__(self):
                if self._q is None:
                    raise StopIteration
                item = self._q.get()
                if item is None:
                    self._p.join()
                    self._q.close()
                    self._q = None
                    raise StopIteration
                return item

            def _run(self, source, q):
                for item in source:
                    q.put(item)
                q.put(None)
        """
    )


def test_a_readline_sentinel_of_the_other_type_never_ends_the_loop() -> None:
    """`iter(out.readline, b"")` ends only when readline() returns exactly b"": a pipe opened
    in text mode (text=True, universal_newlines=True, an encoding) returns "" at its end, and
    one in binary mode b"", never the other. A reader thread whose sentinel is of the other
    type spins for good once the child has exited, one per call."""
    check(
        """
        import subprocess
        import threading


        def _pump(out, sink):
            for line in iter(out.readline, b""):
                sink.append(line)


        def run_text(cmd, sink):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            t = threading.Thread(target=_pump, args=(proc.stdout, sink), daemon=True)  # leak: FA111
            t.start()
            return proc.wait()


        def run_binary(cmd, sink):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)
            t = threading.Thread(target=_pump, args=(proc.stdout, sink), daemon=True)
            t.start()
            return proc.wait()


        def run_encoded(cmd, sink):
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, encoding="utf-8")

            def pump():
                for line in iter(proc.stdout.readline, ""):
                    sink.append(line)

            t = threading.Thread(target=pump, daemon=True)
            t.start()
            return proc.wait()


        class Runner:
            def __init__(self, cmd):
                self.cmd = cmd
                self.proc = None

            def run(self, sink):
                self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE)
                t = threading.Thread(target=self._pump, args=(sink,), daemon=True)  # leak: FA111
                t.start()
                return self.proc.wait()

            def _pump(self, sink):
                for line in iter(self.proc.stdout.readline, ""):
                    sink.append(line)
        """
    )


def test_a_stand_in_imported_where_threading_is_missing_is_not_threading() -> None:
    """`except ImportError: import dummy_threading as threading` runs only where `threading`
    cannot be imported (no Python 3.7+ build, and dummy_threading is gone since 3.9): the name
    is the real module, and its threads are judged as threads."""
    check(
        """
        try:
            import threading
        except ImportError:
            import dummy_threading as threading


        class Client:
            def connect(self):
                t = threading.Thread(target=self._loop)  # leak: FA111
                t.start()

            def _loop(self):
                while True:
                    pass
        """
    )


def test_a_function_handed_once_to_a_one_shot_scheduler_runs_once() -> None:
    """Tk's `root.after(ms, f)` and asyncio's `loop.call_soon(f)` / `call_later(t, f)` call the
    function they are given once: handed so at import time, it runs once, as a thread's
    target runs once per start. A daemon thread it starts to serve for the life of the
    program is by design; a non-daemon one that never ends holds the exit (medium); handed
    so in a loop of a function, it runs once per pass."""
    findings = check(
        """
        import threading
        import tkinter

        root = tkinter.Tk()


        def animate():
            while True:
                root.update_idletasks()


        def start_daemon():
            threading.Thread(target=animate, daemon=True).start()


        def start_plain():
            threading.Thread(target=animate).start()  # leak: FA111


        def start_each():
            threading.Thread(target=animate, daemon=True).start()  # leak: FA111


        def refresh(delays):
            for delay in delays:
                root.after(delay, start_each)


        root.after(1000, start_daemon)
        root.after_idle(start_plain)
        """
    )
    plain, each = findings
    assert plain.severity == "medium"
    assert "start_plain() (scheduled)" in plain.message
    assert each.severity == "high"


def test_only_taking_from_the_queue_frees_a_parked_producer() -> None:
    """A producer waiting in put() for room is freed only by something taking from the queue:
    a join, a `qsize()` or a `__del__` (which never runs while the thread holds the object)
    frees nothing. A fixed number of puts may all fit (a producer is a loop). A generator that
    never joins its producer leaves it parked when its consumer stops early."""
    check(
        """
        import queue
        import threading


        class Sized:
            def __init__(self, source):
                self._q = queue.Queue(8)
                self._t = threading.Thread(target=self._fill, args=(source,))  # leak: FA111
                self._t.start()

            def _fill(self, source):
                for item in source:
                    self._q.put(item)
                self._q.put(None)

            def __next__(self):
                item = self._q.get()
                if item is None:
                    raise StopIteration
                return item

            def pending(self):
                return self._q.qsize()

            def __del__(self):
                while not self._q.empty():
                    self._q.get_nowait()


        class Three:
            def __init__(self):
                self._q = queue.Queue(4)
                self._t = threading.Thread(target=self._fill)
                self._t.start()

            def _fill(self):
                self._q.put(1)
                self._q.put(2)
                self._q.put(None)

            def __next__(self):
                item = self._q.get()
                if item is None:
                    raise StopIteration
                return item


        class Reader(threading.Thread):
            def __init__(self, source):
                super().__init__(daemon=True)
                self.queue = queue.Queue(16)
                self.source = source
                self.start()

            def run(self):
                for item in self.source:
                    self.queue.put(item)
                self.queue.put(None)

            def __next__(self):
                item = self.queue.get()
                if item is None:
                    raise StopIteration
                return item


        class Holder:
            def open(self, source):
                self.reader = Reader(source)  # leak: FA111

            def shutdown(self):
                self.reader.join()


        def prefetch(items):
            q = queue.Queue(8)
            done = object()

            def fill():
                for x in items:
                    q.put(x)
                q.put(done)

            threading.Thread(target=fill, daemon=True).start()  # leak: FA111
            while True:
                x = q.get()
                if x is done:
                    return
                yield x
        """
    )


def test_a_local_loop_flag_never_rebound_is_a_constant() -> None:
    """`waiting = True; while waiting:` with nothing else binding `waiting` (no assignment, no
    `nonlocal`/`global`, no `for`/`with` target) is `while True:` under another name: the loop
    ends only by its own exits. One a nested function rebinds (`nonlocal`) is a real flag,
    which something else may clear."""
    check(
        """
        import threading


        def spin(channel):
            waiting = True
            while waiting:
                message = channel.get()
                if message == "done":
                    return


        def spin_flag(channel):
            waiting = True

            def stop():
                nonlocal waiting
                waiting = False

            channel.on_close(stop)
            while waiting:
                message = channel.get()
                if message == "done":
                    return


        def handle(request, backend):
            channel = __import__("queue").Queue()
            t = threading.Thread(target=spin, args=(channel,))  # leak: FA111
            t.start()
            backend.run(request)
            channel.put("done")
            t.join()


        def handle_flag(request, backend):
            channel = __import__("queue").Queue()
            t = threading.Thread(target=spin_flag, args=(channel,))
            t.start()
            backend.run(request)
            channel.put("done")
            t.join()
        """
    )


def test_a_restart_within_the_sleep_undoes_a_stop_the_thread_has_not_seen() -> None:
    """A thread looks at its flag only between sleeps: `time.sleep(30)` is woken by nothing,
    so a stop reaches it only once it wakes. join(timeout=2) gives up first (no join waits at
    all), and a restart that sets the flag back before the old thread wakes undoes the stop:
    the old one runs on beside the new one, one more per restart within the sleep. Not when
    the join waits longer than the sleep, or waits untimed; not when nothing but __init__
    sets the flag back (a stopped thread then ends once it wakes); not for an Event wait,
    which the stop wakes. An exit on the time since a moment other code keeps moving forward
    (`time.time() - self._last` with `self._last = time.time()` on each message) is a
    watchdog's: it fires only on a stall, so the loop does not end by itself; a deadline
    counted from a moment the loop fixed does. A new Event stored in place of the flag is a
    clear(); a sleep of an attribute set once from a parameter sleeps its default. A restart
    that also writes another state the loop reads (a generation the old thread compares with
    its own) may end the old one: not reported. A restart that comes on its own (a reconnect,
    not a restart() stopping first) lands within the sleep when the sleep is long (10 s or
    more): a 0.5 s poller is not reported for it."""
    findings = check(
        """
        import threading
        import time


        class Feed:
            INTERVAL = 30

            def __init__(self):
                self.connected = False
                self._checker = None

            def on_open(self):
                self.connected = True
                self._start_checker()

            def _start_checker(self):
                self._checker = threading.Thread(target=self._check, daemon=True)  # leak: FA111
                self._checker.start()

            def on_close(self):
                self.connected = False
                if self._checker is not None:
                    self._checker.join(timeout=2)
                self._checker = None

            def _check(self):
                while self.connected:
                    try:
                        time.sleep(self.INTERVAL)
                    except Exception:
                        break


        class NoJoin:
            def __init__(self):
                self._stop = threading.Event()

            def resume(self):
                self._stop.clear()
                self._t = threading.Thread(target=self._poll, daemon=True)  # leak: FA111
                self._t.start()

            def stop(self):
                self._stop.set()

            def _poll(self):
                while not self._stop.is_set():
                    time.sleep(10)


        class ShortSleep:
            def __init__(self):
                self.connected = False

            def on_open(self):
                self.connected = True
                self._t = threading.Thread(target=self._check, daemon=True)
                self._t.start()

            def on_close(self):
                self.connected = False
                self._t.join(timeout=2)

            def _check(self):
                while self.connected:
                    time.sleep(0.5)


        class UntimedJoin:
            def __init__(self):
                self.connected = False

            def on_open(self):
                self.connected = True
                self._t = threading.Thread(target=self._check, daemon=True)
                self._t.start()

            def on_close(self):
                self.connected = False
                self._t.join()

            def _check(self):
                while self.connected:
                    time.sleep(30)


        class NoRestart:
            def __init__(self):
                self.running = True
                self._t = threading.Thread(target=self._check, daemon=True)
                self._t.start()

            def close(self):
                self.running = False
                self._t.join(timeout=1)

            def _check(self):
                while self.running:
                    time.sleep(30)


        class Watchdog:
            def __init__(self):
                self.connected = False
                self._last = 0.0

            def on_message(self, message):
                self._last = time.time()

            def on_open(self):
                self.connected = True
                self._t = threading.Thread(target=self._watch, daemon=True)  # leak: FA111
                self._t.start()

            def on_close(self):
                self.connected = False
                self._t.join(timeout=2)

            def _watch(self):
                while self.connected:
                    time.sleep(30)
                    elapsed = time.time() - self._last
                    if elapsed > 90:
                        break


        class Deadline:
            def __init__(self):
                self.connected = False

            def on_open(self):
                self.connected = True
                self._t = threading.Thread(target=self._watch, daemon=True)
                self._t.start()

            def on_close(self):
                self.connected = False
                self._t.join(timeout=2)

            def _watch(self):
                began = time.time()
                while self.connected:
                    time.sleep(30)
                    if time.time() - began > 90:
                        break


        class Generations:
            def __init__(self):
                self.running = False
                self._gen = 0

            def resume(self):
                self._gen += 1
                self.running = True
                self._t = threading.Thread(target=self._run, args=(self._gen,), daemon=True)
                self._t.start()

            def pause(self):
                self.running = False
                self._t.join(timeout=1)

            def _run(self, gen):
                while self.running and self._gen == gen:
                    time.sleep(30)


        class FreshEvent:
            def __init__(self, interval=30.0):
                self.interval = interval
                self._stop = threading.Event()

            def resume(self):
                self._stop = threading.Event()
                self._t = threading.Thread(target=self._run, daemon=True)  # leak: FA111
                self._t.start()

            def pause(self):
                self._stop.set()
                self._t.join(timeout=1)

            def _run(self):
                while not self._stop.is_set():
                    time.sleep(self.interval)


        class Woken:
            def __init__(self):
                self._stop = threading.Event()

            def start(self):
                self._stop.clear()
                self._t = threading.Thread(target=self._poll, daemon=True)
                self._t.start()

            def stop(self):
                self._stop.set()
                self._t.join(timeout=1)

            def _poll(self):
                while not self._stop.is_set():
                    self._stop.wait(30)
        """
    )
    assert "sleeps 30 s between its looks at `self.connected`, longer than the 2 s" in (
        findings[0].message
    )
    assert "on_open() sets `self.connected` back" in findings[0].message
    assert "nothing waits for it to see the stop" in findings[1].message


def test_a_test_both_of_whose_ways_re_arm_the_timer_does_not_end_the_chain() -> None:
    """A re-arm is guarded by a test of the object's state only if some outcome of that test
    re-arms nothing. `if not self.changes: <re-arm>; return` followed by the same re-arm once
    the work is done re-arms either way: the test picks the work, not whether the chain goes
    on, as with an `else` that re-arms too. When the way past the test stops re-arming
    (`if self._stopped: return`), the chain ends on that state."""
    check(
        """
        import threading


        class Sender:
            def __init__(self, cycle):
                self.cycle = cycle
                self.changes = {}
                self.send_async()

            def send_async(self):
                if len(self.changes) == 0:
                    again = threading.Timer(self.cycle, self.send_async)  # leak: FA111
                    again.start()
                    return
                changes, self.changes = self.changes, {}
                post(changes)
                again = threading.Timer(self.cycle, self.send_async)  # leak: FA111
                again.start()


        class Stoppable:
            def __init__(self, cycle):
                self.cycle = cycle
                self._stopped = False
                self.tick()

            def tick(self):
                if self._stopped:
                    return
                again = threading.Timer(self.cycle, self.tick)
                again.daemon = True  # (else exit waits for a stop() that no code calls)
                again.start()

            def stop(self):
                self._stopped = True
        """
    )


def test_a_thread_started_before_its_constructor_fails_cannot_be_stopped() -> None:
    """A constructor that starts a thread lasting until its object stops it, and then makes a
    call that fails in normal operation (a connect, a handshake, its own wait for its peer
    with a deadline) or raises, outside any `try`: when that fails, the caller never gets
    the object, and nothing can reach its stop. `with C(...)` makes and enters in one step:
    an `__enter__` that fails strands the thread too (`__exit__` runs only once `__enter__`
    has returned), and so does a thread `__enter__` starts itself. A thread serving an object
    its class stops (`serve_forever()` until `shutdown()`) lasts until that stop too. Not when
    a handler stops the thread first, not for a thread that ends by
    itself, not for calls that fail only in theory, nor for a raise of the caller's error
    (`ValueError`) or one in another branch than the start. The object's own wait is read
    where the class defines it (one that returns False on timeout fails nothing); where it
    does not, its name tells (`self._wait_connected()`). A connect whose answer the code tests
    (`if not ports.connect(a, b):`) reports failure by its value and raises nothing. A method
    the class defines is read, whatever its name: a `login()` that only sends is no failure;
    one whose body is a stub (`@remote_call def login(self): pass`) is judged by its name."""
    check(
        """
        import socket
        import threading


        class Link:
            def __init__(self, sock):
                self.sock = sock
                self._want_exit = False
                self._reader = threading.Thread(target=self._read, daemon=True)  # leak: FA111
                self._reader.start()
                if self.sock.recv(2) != b"OK":
                    raise ConnectionError("handshake failed")

            def _read(self):
                while not self._want_exit:
                    self.sock.recv(1024)

            def close(self):
                self._want_exit = True
                self._reader.join()


        class Guarded:
            def __init__(self, sock):
                self.sock = sock
                self._want_exit = False
                self._reader = threading.Thread(target=self._read, daemon=True)
                self._reader.start()
                try:
                    if self.sock.recv(2) != b"OK":
                        raise ConnectionError("handshake failed")
                except Exception:
                    self.close()
                    raise

            def _read(self):
                while not self._want_exit:
                    self.sock.recv(1024)

            def close(self):
                self._want_exit = True
                self._reader.join()


        class Client:
            def __init__(self, address):
                self._stop = threading.Event()
                self._sock = socket.socket()
                self.connect(address)

            def connect(self, address):
                self._pinger = threading.Thread(target=self._ping)  # leak: FA111
                self._pinger.start()
                self._sock.connect(address)

            def _ping(self):
                while not self._stop.wait(5):
                    self._sock.send(b"ping")

            def close(self):
                self._stop.set()
                self._pinger.join()


        class Session:
            def __init__(self, url):
                self.url = url
                self._stop = threading.Event()
                self._loop = threading.Thread(target=self._serve)  # leak: FA111
                self._loop.start()

            def _serve(self):
                while not self._stop.is_set():
                    self._stop.wait(1)

            def __enter__(self):
                self.login()
                return self

            def __exit__(self, *exc):
                self._stop.set()
                self._loop.join()

            def login(self):
                self._sock = socket.create_connection((self.url, 443))


        class Entered:
            def __init__(self, host):
                self.host = host
                self._alive = False

            def __enter__(self):
                self._alive = True
                self._keepalive = threading.Thread(target=self._beat, daemon=True)  # leak: FA111
                self._keepalive.start()
                self.login()
                return self

            @remote_call  # the body is a stub: what runs is what the decorator puts there
            def login(self):
                pass

            def _beat(self):
                while self._alive:
                    __import__("time").sleep(1)

            def __exit__(self, *exc):
                self._alive = False
                self._keepalive.join()


        class Sender:
            def __init__(self, client):
                self.client = client
                self._stop = threading.Event()
                self._thread = threading.Thread(target=self._listen, daemon=True)
                self._thread.start()
                self.login()

            def login(self):
                self.client.send({"type": "login"})

            def _listen(self):
                while not self._stop.is_set():
                    self.client.receive()

            def stop(self):
                self._stop.set()
                self._thread.join()


        class Transport:
            def __init__(self, address):
                self.address = address
                self._stop = threading.Event()
                self._beat = threading.Thread(target=self._heartbeat)  # leak: FA111
                self._beat.start()
                self.connect()

            def connect(self):
                raise NotImplementedError  # a subclass connects: judged by its name

            def _heartbeat(self):
                while not self._stop.wait(1.0):
                    pass

            def close(self):
                self._stop.set()
                self._beat.join()


        class Served:
            def __init__(self, server):
                self.server = server
                self._ready = threading.Event()
                self._thread = threading.Thread(target=self._serve)  # leak: FA111
                self._thread.start()
                if not self._ready.wait(5):
                    raise TimeoutError("server did not start")

            def _serve(self):
                self._ready.set()
                self.server.serve_forever()

            def close(self):
                self.server.shutdown()
                self._thread.join()


        class Quiet:
            def __init__(self, sock):
                self.sock = sock
                self._want_exit = False
                self._reader = threading.Thread(target=self._read, daemon=True)
                self._reader.start()
                self._handlers = {}
                self.sock.settimeout(5)

            def _read(self):
                while not self._want_exit:
                    self.sock.recv(1024)

            def close(self):
                self._want_exit = True
                self._reader.join()


        class Validated:
            def __init__(self, interval):
                self._stop = threading.Event()
                if interval > 0:
                    self._ticker = threading.Thread(target=self._tick, daemon=True)
                    self._ticker.start()
                else:
                    raise ConnectionError("unreachable: another branch")
                if interval > 3600:
                    raise ValueError("interval too long")

            def _tick(self):
                while not self._stop.wait(1):
                    pass

            def shutdown(self):
                self._stop.set()
                self._ticker.join()


        class PatientWait:
            def __init__(self, url):
                self._stop = threading.Event()
                self._started = False
                self._loop = threading.Thread(target=self._serve, daemon=True)
                self._loop.start()
                self._wait_until(lambda: self._started)

            def _serve(self):
                self._started = True
                while not self._stop.is_set():
                    self._stop.wait(1)

            def _wait_until(self, condition):
                for _ in range(10):
                    if condition():
                        return True
                return False

            def close(self):
                self._stop.set()
                self._loop.join()


        class Routed:
            def __init__(self, ports):
                self.ports = ports
                self._stop = threading.Event()
                self._watcher = threading.Thread(target=self._watch)
                self._watcher.start()
                if not self.ports.connect("mic", "speaker"):
                    print("no route")

            def _watch(self):
                while not self._stop.wait(1):
                    pass

            def close(self):
                self._stop.set()
                self._watcher.join()


        class OneShot:
            def __init__(self, address):
                self._sock = socket.socket()
                self._greeter = threading.Thread(target=self._greet)
                self._greeter.start()
                self._sock.connect(address)

            def _greet(self):
                print("hello")

            def close(self):
                self._greeter.join()
        """
    )


def test_a_thread_joining_the_main_thread_lasts_as_long_as_the_program() -> None:
    """A thread waiting, with no timeout, in the join() of the main thread (or of the thread
    that called the code starting it: `threading.current_thread()`, passed in by every caller)
    lasts as long as that thread: for the main thread, the life of the program. Started per
    object, one more per object. Not when it joins a thread that ends by itself, nor when
    current_thread() is asked by the thread itself (its own join() raises at once). It never
    holds exit: the main thread is marked done at shutdown before the interpreter waits for
    the others, so one started once at import costs nothing."""
    check(
        """
        import threading


        def call_when_done(thread, callback):
            def _watch():
                thread.join()
                callback()

            threading.Thread(target=_watch, daemon=True).start()  # leak: FA111


        def run_after(work, callback):
            def _watch():
                work.join()
                callback()

            threading.Thread(target=_watch, daemon=True).start()


        class Broker:
            def __init__(self):
                call_when_done(threading.current_thread(), self.shutdown)
                worker = threading.Thread(target=print)
                worker.start()
                run_after(worker, self.shutdown)

            def shutdown(self):
                pass


        def watch_exit(callback):
            def _wait():
                threading.main_thread().join()
                callback()

            threading.Thread(target=_wait, daemon=True).start()  # leak: FA111


        class Session:
            def __init__(self):
                watch_exit(self.close)

            def close(self):
                pass


        def _flush_when_done(buffer):
            threading.current_thread().join()
            buffer.flush()


        def start_flusher(buffer):
            threading.Thread(target=_flush_when_done, args=(buffer,), daemon=True).start()


        def _cleanup_at_exit():
            threading.main_thread().join()


        _watcher = threading.Thread(target=_cleanup_at_exit)
        _watcher.start()
        """
    )


def test_an_executor_shut_down_without_waiting_keeps_a_worker_busy_in_its_task() -> None:
    """shutdown(wait=False) and a future's cancel() stop no task already running. A per-call
    executor handed a task that waits, with no timeout, for what the submitting function never
    gives (`submit(self._closed.wait)`: an Event set only when the object closes) keeps a
    worker in that task after the shutdown: one more per call until then. Not when the
    function sets that Event itself, nor when the shutdown waits (the caller would hang
    instead, a different fault)."""
    check(
        """
        import concurrent.futures
        import threading


        class Session:
            def __init__(self):
                self._closed = threading.Event()

            def wait_or_close(self, work):
                executor = concurrent.futures.ThreadPoolExecutor(max_workers=2)  # leak: FA115
                closing = executor.submit(self._closed.wait)
                task = executor.submit(work)
                done, pending = concurrent.futures.wait(
                    (task, closing), return_when=concurrent.futures.FIRST_COMPLETED
                )
                for future in pending:
                    future.cancel()
                executor.shutdown(False)
                return task.result()

            def wait_then_close(self, work):
                executor = concurrent.futures.ThreadPoolExecutor(max_workers=2)
                closing = executor.submit(self._closed.wait)
                task = executor.submit(work)
                result = task.result()
                self._closed.set()
                executor.shutdown(wait=False)
                return result

            def close(self):
                self._closed.set()
        """
    )


def test_a_local_flag_set_only_under_another_platforms_test_carries_that_test() -> None:
    """`viewer = False`, then `if WINDOWS: viewer = True`, then `if viewer: Popen(...)`: on
    this platform every binding of the local that runs is False, so the code under `if viewer:`
    runs only where the platform test holds. Not when the flag is also set true on this
    platform's path, nor when it is bound another way (a loop target, `+=`, a parameter)."""
    check(
        """
        import subprocess
        import sys

        WINDOWS = sys.platform.startswith("win32")


        def show(path):
            viewer = False
            if WINDOWS:
                viewer = True
            if viewer:
                subprocess.Popen(["start", path])


        def show_anyway(path, force):
            viewer = False
            if WINDOWS:
                viewer = True
            elif force:
                viewer = True
            if viewer:
                subprocess.Popen(["xdg-open", path])  # leak: FA103


        def show_counted(paths):
            viewer = 0
            for path in paths:
                if WINDOWS:
                    viewer += 1
            if viewer:
                subprocess.Popen(["xdg-open", paths[0]])  # leak: FA103
        """
    )


def test_a_wait_skipped_only_when_a_caller_opts_out_is_made_on_the_default_path() -> None:
    """`def editor(filename, wait=True): proc = Popen(...); if wait: proc.wait()` waits on
    the path every caller takes until one passes `wait=False`: the default of a flag is the
    normal path. A caller in the module that passes it (by keyword, by position, through
    `**kwargs`) takes the other path, unless it passes the default itself (`wait=True`); a
    function handed on as a value, or decorated (a decorator may register it), has callers
    unseen; and a default that skips the wait (`wait=False`) leaks on the normal path."""
    check(
        """
        import subprocess


        def editor(filename, wait=True):
            proc = subprocess.Popen(["vi", filename])
            if wait and proc.wait() != 0:
                raise RuntimeError(filename)


        def launch(cmd, background=False):
            proc = subprocess.Popen(cmd)
            if not background:
                proc.wait()


        def launch_opted_out(cmd, background=False):
            proc = subprocess.Popen(cmd)  # leak: FA103
            if not background:
                proc.wait()


        def launch_by_position(cmd, wait=True):
            proc = subprocess.Popen(cmd)  # leak: FA103
            if wait:
                proc.wait()


        def launch_through_kwargs(cmd, wait=True):
            proc = subprocess.Popen(cmd)  # leak: FA103
            if wait:
                proc.wait()


        def launch_handed_on(cmd, wait=True):
            proc = subprocess.Popen(cmd)  # leak: FA103
            if wait:
                proc.wait()


        def launch_no_wait_by_default(cmd, wait=False):
            proc = subprocess.Popen(cmd)  # leak: FA103
            if wait:
                proc.wait()


        def launch_told_to_wait(cmd, wait=True):
            proc = subprocess.Popen(cmd)
            if wait:
                proc.wait()


        @command
        def launch_registered(cmd, wait=True):
            proc = subprocess.Popen(cmd)  # leak: FA103
            if wait:
                proc.wait()


        HOOKS = {"launch": launch_handed_on}


        def main(options):
            editor("notes.txt")
            launch(["true"])
            launch_opted_out(["sleep", "60"], background=True)
            launch_by_position(["sleep", "60"], False)
            launch_through_kwargs(["sleep", "60"], **options)
            launch_told_to_wait(["make"], wait=True)
        """
    )


def test_a_single_pass_of_polls_over_the_children_reaps_only_those_already_ended() -> None:
    """`alive = [p for p in procs if p.is_alive()]`: each child is asked once, and a poll reaps
    only a child that has ended; those still running are never asked again. A pass repeated
    (inside a `while`, or a loop around it) polls each child until it has ended, and so does
    a pass over a container kept from call to call (a global, `self._procs`) run on each
    launch: the next launch asks again."""
    check(
        """
        import multiprocessing
        import subprocess
        import time


        def run_once(jobs):
            procs = []
            for job in jobs:
                p = multiprocessing.Process(target=job)  # leak: FA112
                p.start()
                procs.append(p)
            alive = [p for p in procs if p.is_alive()]
            return len(alive)


        def spawn_once(commands):
            children = []
            for command in commands:
                children.append(subprocess.Popen(command))  # leak: FA103
            for child in children:
                if child.poll() is not None:
                    print(child.returncode)


        def run_until_done(jobs):
            procs = []
            for job in jobs:
                p = multiprocessing.Process(target=job)
                p.start()
                procs.append(p)
            while procs:
                procs = [p for p in procs if p.is_alive()]
                time.sleep(0.1)


        def spawn_until_done(commands):
            children = [subprocess.Popen(command) for command in commands]
            while children:
                for child in list(children):
                    if child.poll() is not None:
                        children.remove(child)
                time.sleep(0.1)


        servers = []


        def forget_ended():
            global servers
            servers = [server for server in servers if server.poll() is None]


        def launch(command):
            forget_ended()
            servers.append(subprocess.Popen(command))


        workers = []


        def launch_worker(command):
            global workers
            workers = [worker for worker in workers if worker.poll() is None]
            workers.append(subprocess.Popen(command))
        """
    )


def test_a_handle_the_class_reaps_only_in_an_except_is_left_on_the_normal_path() -> None:
    """`self._executor.shutdown()` only in the `except` of `_upload()`: it runs when a part
    fails; an upload that succeeds never shuts the executor down, and its workers stay with
    the object. A reap in a `finally`, or in another method as well, reaps on every path."""
    check(
        """
        from concurrent.futures import ThreadPoolExecutor, as_completed


        class Uploader:
            def __init__(self, parts):
                self.parts = parts
                self._executor = ThreadPoolExecutor(4)  # leak: FA115

            def start(self):
                futures = [self._executor.submit(part.send) for part in self.parts]
                self._upload(futures)

            def _upload(self, futures):
                try:
                    for future in as_completed(futures):
                        future.result()
                except Exception:
                    self._executor.shutdown(wait=True)
                    raise


        class FinallyUploader:
            def __init__(self, parts):
                self.parts = parts
                self._executor = ThreadPoolExecutor(4)

            def start(self):
                try:
                    for future in [self._executor.submit(p.send) for p in self.parts]:
                        future.result()
                finally:
                    self._executor.shutdown()


        class ClosingUploader:
            def __init__(self, parts):
                self.parts = parts
                self._executor = ThreadPoolExecutor(4)

            def start(self):
                try:
                    for future in [self._executor.submit(p.send) for p in self.parts]:
                        future.result()
                except Exception:
                    self._executor.shutdown(wait=False)
                    raise

            def close(self):
                self._executor.shutdown()
        """
    )


def test_a_handle_stored_over_before_anything_reads_it_is_dropped() -> None:
    """`if verbose: self._proc = Popen(a)` then `self._proc = Popen(b)`: the second store
    replaces the first before anything can read the attribute, so whatever reaps `self._proc`
    later reaches only the second child; the first is dropped the moment it is stored. Only
    a store reached on every way on from the first counts: one in the other branch of the
    `if`, one after a read, a method of the object called, the object handed on, a `return`,
    or one past the end of a loop or a `try` (whose other ways are not followed) does not."""
    check(
        """
        import subprocess


        class Reader:
            def open(self, cmd, verbose):
                if verbose:
                    print(cmd)
                    self._proc = subprocess.Popen(cmd)  # leak: FA103
                self._proc = subprocess.Popen(cmd)
                self._cmd = " ".join(cmd)

            def close(self):
                self._proc.wait()


        class Branches:
            def open(self, cmd, verbose):
                if verbose:
                    self._proc = subprocess.Popen(cmd)
                elif cmd:
                    self._proc = subprocess.Popen(cmd + ["-q"])
                else:
                    self._proc = subprocess.Popen(["true"])

            def close(self):
                self._proc.wait()


        class ReadFirst:
            def open(self, cmd):
                self._proc = subprocess.Popen(cmd)
                self._check()
                self._proc = subprocess.Popen(cmd)

            def _check(self):
                if self._proc.poll() is not None:
                    self._proc.wait()

            def close(self):
                self._proc.wait()


        class Retried:
            def open(self, cmd):
                for attempt in range(3):
                    self._proc = subprocess.Popen(cmd)
                    if self._proc.poll() is None:
                        break

            def close(self):
                self._proc.wait()


        class Tried:
            def open(self, cmd):
                try:
                    self._proc = subprocess.Popen(cmd)
                except OSError:
                    self._proc = subprocess.Popen(["fallback"])

            def close(self):
                self._proc.wait()


        class Locked:
            def open(self, cmd):
                with self._lock:
                    self._proc = subprocess.Popen(cmd)  # leak: FA103
                self._proc = subprocess.Popen(cmd)

            def close(self):
                self._proc.wait()


        class Entered:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self._proc.wait()

            def open(self, cmd):
                with self:
                    self._proc = subprocess.Popen(cmd)
                self._proc = subprocess.Popen(cmd)

            def close(self):
                self._proc.wait()
        """
    )
    # a store to a property runs its setter (which may reap the one before), and a name for the
    # object (`me = self`) may read it: neither is judged a store over an unread handle
    for code in (
        """
        import subprocess

        class Supervisor:
            @property
            def proc(self):
                return self._p

            @proc.setter
            def proc(self, new):
                self._p = new

            def restart(self, quick):
                if quick:
                    self.proc = subprocess.Popen(["quick"])
                self.proc = subprocess.Popen(["full"])
        """,
        """
        import subprocess

        class Job:
            def run(self, warm):
                me = self
                if warm:
                    self._proc = subprocess.Popen(["warmup"])
                    me._proc.wait()
                self._proc = subprocess.Popen(["main"])

            def close(self):
                self._proc.wait()
        """,
    ):
        findings = analyze_source(textwrap.dedent(code).encode(), "m.py", PACK.rules).findings
        assert not any("stored over" in f.message for f in findings), findings


def test_a_wait_with_a_zero_timeout_is_one_poll() -> None:
    """`p.wait(timeout=0)`, `p.join(0)`: the call asks once whether the child has ended and
    waits for nothing, as one `poll()` does. Right after a `kill()` or `terminate()` the signal
    has not landed yet (it does when the child is next scheduled), so the child is found running
    and never waited for again. Repeated in a loop it polls to the end, as a poll loop does; a
    timeout that waits (`wait(timeout=5)` after `terminate()`) waits out the signal."""
    check(
        """
        import multiprocessing
        import subprocess
        import time


        def cancel(cmd):
            p = subprocess.Popen(cmd)  # leak: FA103
            p.kill()
            try:
                p.wait(timeout=0)
            except subprocess.TimeoutExpired:
                pass


        def stop(cmd):
            p = subprocess.Popen(cmd)  # leak: FA103
            p.terminate()
            try:
                p.communicate(None, 0)
            except subprocess.TimeoutExpired:
                pass


        def work():
            while True:
                time.sleep(1)


        def halt():
            p = multiprocessing.Process(target=work)  # leak: FA112
            p.start()
            p.terminate()
            p.join(0)


        def halt_polled():
            p = multiprocessing.Process(target=work)
            p.start()
            p.terminate()
            while p.exitcode is None:
                p.join(0)


        def stop_waited(cmd):
            p = subprocess.Popen(cmd)
            p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        """
    )


def test_a_subclass_overriding_the_constructors_method_can_make_it_fail() -> None:
    """The constructor's `self.login()` runs what the object's class defines: the base's only
    queues a message, but a subclass in the module overrides it with a connect and a TLS
    handshake, so building one of its objects can raise after the thread has started, and
    nothing can stop that thread. Without such a subclass the base's own method is read."""
    code = """
        import queue
        import socket
        import ssl
        import threading


        class Channel:
            def __init__(self, addr):
                self.addr = addr
                self._outbox = queue.Queue()
                self._stop = threading.Event()
                self._writer = threading.Thread(target=self._write_loop)  # leak: FA111
                self._writer.start()
                self.login()

            def login(self):
                self._outbox.put(b"HELLO")

            def _write_loop(self):
                while not self._stop.is_set():
                    self._outbox.get(timeout=1)

            def close(self):
                self._stop.set()
                self._writer.join()


        class TLSChannel(Channel):
            def login(self):
                raw = socket.create_connection(self.addr)
                self.sock = ssl.create_default_context().wrap_socket(raw)
        """
    (finding,) = check(code)
    assert "TLSChannel()" in finding.message
    # (a daemon: a non-daemon one that only close() stops holds the exit of a program that
    # never closes it, which is another finding)
    check(
        code[: code.index("        class TLSChannel")]
        .replace("  # leak: FA111", "")
        .replace("target=self._write_loop)", "target=self._write_loop, daemon=True)")
    )


def test_a_thread_ending_on_its_objects_sentinel_is_stranded_by_a_failed_construction() -> None:
    """A writer looping on `self._outbox.get()` until the `None` its object's `close()` puts
    there lasts until its object stops it, as a flag loop does: started in the constructor
    before a connect that fails, it can never be stopped; so does a module function handed
    that queue (`args=(self._q,)`). A sentinel put on a queue that others hold (one given to
    the constructor) may come from them: not judged so."""
    check(
        """
        import queue
        import socket
        import threading


        class Channel:
            def __init__(self, addr):
                self._outbox = queue.Queue()
                self._writer = threading.Thread(target=self._write_loop)  # leak: FA111
                self._writer.start()
                self.sock = socket.create_connection(addr)

            def _write_loop(self):
                while True:
                    msg = self._outbox.get()
                    if msg is None:
                        return
                    self.sock.sendall(msg)

            def close(self):
                self._outbox.put(None)
                self._writer.join()


        _STOP = object()


        def _drain(q, sink):
            while True:
                item = q.get()
                if item is _STOP:
                    break
                sink.append(item)


        class Uploader:
            def __init__(self, addr):
                self._q = queue.Queue()
                self._done = []
                self._t = threading.Thread(target=_drain, args=(self._q, self._done))  # leak: FA111
                self._t.start()
                self.sock = socket.create_connection(addr)

            def close(self):
                self._q.put(_STOP)
                self._t.join()


        class Shared:
            def __init__(self, outbox, addr):
                self._outbox = outbox
                self._writer = threading.Thread(target=self._write_loop)
                self._writer.start()
                self.sock = socket.create_connection(addr)

            def _write_loop(self):
                while True:
                    msg = self._outbox.get()
                    if msg is None:
                        return

            def close(self):
                self._outbox.put(None)
                self._writer.join()
        """
    )


def test_a_method_raising_the_run_flag_its_stop_lowers_starts_a_start_stop_pair() -> None:
    """`watch()` sets `self.running = True` and enters a timer chain that re-arms only while
    that flag holds; `stop()` lowers it and cancels the pending timer. `watch()` is the start
    half of a start/stop pair (as `start()` is by its name): calling it again without `stop()`
    breaks the pair's contract, so its re-entry is not read as a replacement. A method that
    enters the chain with no such flag (`refresh()`) starts a second chain beside the first
    on every call."""
    check(
        """
        import threading


        class Syncer:
            def __init__(self):
                self.running = False
                self.timer = None

            def watch(self):
                self.running = True
                self.tick()

            def tick(self):
                if not self.running:
                    return
                self.timer = threading.Timer(5, self.tick)
                self.timer.daemon = True  # (else exit waits for a stop() that no code calls)
                self.timer.start()

            def stop(self):
                self.running = False
                if self.timer:
                    self.timer.cancel()
        """
    )
    check(
        """
        import threading


        class Syncer:
            def __init__(self):
                self.running = True
                self.timer = None

            def refresh(self):
                self.tick()

            def tick(self):
                if not self.running:
                    return
                self.timer = threading.Timer(5, self.tick)  # leak: FA111
                self.timer.start()

            def stop(self):
                self.running = False
                if self.timer:
                    self.timer.cancel()
        """
    )


def test_a_pid_kept_in_a_container_of_a_module_object_is_module_state() -> None:
    """`app.config["child_pid"] = pid`, `app` an object the module makes at its top level:
    module state, as a global dict is, read wherever the module names `app.config`; nothing
    waits for the pid there. Another element of it (`app.config["cmd"]`, iterated) is not the
    pid. A container of an imported object, or of a local, is followed as before."""
    check(
        """
        import os
        import pty
        import shlex

        from flask import Flask, current_app

        app = Flask(__name__)
        app.config["child_pid"] = None


        def connect():
            (child_pid, fd) = pty.fork()  # leak: FA101
            if child_pid == 0:
                os.execvp("bash", ["bash"])
            app.config["fd"] = fd
            app.config["child_pid"] = child_pid
            return " ".join(shlex.quote(c) for c in app.config["cmd"])


        def reaped():
            (child_pid, fd) = pty.fork()
            if child_pid == 0:
                os.execvp("bash", ["bash"])
            app.config["other"] = child_pid


        def close():
            os.waitpid(app.config["other"], 0)


        def elsewhere():
            (child_pid, fd) = pty.fork()
            if child_pid == 0:
                os.execvp("bash", ["bash"])
            current_app.config["child_pid"] = child_pid
        """
    )
    # made by a class of the module: its methods read the container as `self.procs`
    check(
        """
        import atexit
        import subprocess


        class Registry:
            def __init__(self):
                self.procs = {}

            def shutdown(self):
                for p in self.procs.values():
                    p.terminate()
                    p.wait()


        class Sink:
            def __init__(self):
                self.procs = {}


        registry = Registry()
        atexit.register(registry.shutdown)
        sink = Sink()


        def launch(name, cmd):
            registry.procs[name] = subprocess.Popen(cmd)


        def drop(name, cmd):
            sink.procs[name] = subprocess.Popen(cmd)  # leak: FA103
        """
    )


def test_a_slot_of_a_module_object_tested_before_the_start_is_a_once_guard() -> None:
    """`if app.config["child_pid"]: return` before the fork whose pid is stored there: state of
    the module's own object outlives the call, as a module name does, so the start runs once
    per process (the pyxtermjs shape, blind batch ar-p), decorated as a route or not."""
    code = """
        import os
        import pty
        import logging

        from flask import Flask

        app = Flask(__name__)
        app.config["child_pid"] = None


        @app.route("/connect")
        def connect():
            logging.info("new client connected")
            if app.config["child_pid"]:
                return
            (child_pid, fd) = pty.fork()  # leak: FA101
            if child_pid == 0:
                os.execvp("bash", ["bash"])
            else:
                app.config["child_pid"] = child_pid
        """
    for variant in (code, code.replace('        @app.route("/connect")\n', "")):
        (finding,) = check(variant)
        assert finding.severity == "low" and "once-guard" in finding.message, finding.message


def test_a_chain_going_on_while_a_private_flag_nothing_lowers_is_runaway() -> None:
    """A timer chain re-armed only `if self._running:` lasts until that flag is lowered; when
    no code of the module lowers it once the object is made (only `__init__` gives it its
    first value), nothing can stop the chain. A stop() lowering it ends it; a public flag
    (`self.running`) may be lowered by the object's users elsewhere: not claimed."""
    code = """
        import threading


        def send_ping():
            pass


        class Heartbeat:
            def __init__(self, interval):
                self.interval = interval
                self._running = False

            def begin(self):
                self._running = True
                self._arm()

            def _arm(self):
                self._timer = threading.Timer(self.interval, self._beat)  # leak: FA111
                self._timer.start()

            def _beat(self):
                if self._running:
                    send_ping()
                    self._arm()
        """
    (finding,) = check(code)
    assert "nothing lowers" in finding.message, finding.message
    stopped = code.replace("  # leak: FA111", "") + (
        "\n            def stop(self):\n                self._running = False\n"
        "                self._timer.cancel()\n"
    )
    check(stopped)
    subclass_stops = code.replace("  # leak: FA111", "") + (
        "\n        class Stoppable(Heartbeat):\n            def stop(self):\n"
        "                self._running = False\n"
    )
    check(subclass_stops)
    check(code.replace("  # leak: FA111", "").replace("self._running", "self.running"))
    # a flag whose test leads out (`if self._closing: return`) is the way out, never lowered
    # because it is raised once, at the end
    check(
        """
        import threading


        class Resubmitter:
            def __init__(self):
                self._closing = False
                self._timers = {}

            def _arm(self, key):
                if self._closing:
                    return
                timer = threading.Timer(30, self._resubmit, args=[key])
                timer.daemon = True
                self._timers[key] = timer
                timer.start()

            def _resubmit(self, key):
                if self._closing:
                    return
                self._arm(key)

            def close(self):
                self._closing = True
                for timer in self._timers.values():
                    timer.cancel()
        """
    )


def test_a_timeout_written_in_hexadecimal_is_no_internal_error() -> None:
    """`p.kill(); p.wait(0x10)`: a literal float() cannot read is not a number of seconds to
    judge by; the file is analysed, not lost to an internal error."""
    result = analyze_source(
        textwrap.dedent(
            """
            import subprocess


            def stop(cmd):
                p = subprocess.Popen(cmd)
                p.kill()
                p.wait(0x10)
            """
        ).encode(),
        "m.py",
        PACK.rules,
    )
    assert result.error is None, result.error


def test_a_child_restarted_only_once_the_last_one_has_ended_replaces_nothing_unreaped() -> None:
    """In a supervising loop, `proc = start()` under `if proc is None:` or after `proc.poll()`
    under `if proc.returncode is not None:` binds a new child only when the last one is gone
    or has reported its end (reaped by that poll): a restart after a death, not a drop. A
    restart on every pass with no such look drops a running child."""
    check(
        """
        import subprocess
        import time


        def start():
            return subprocess.Popen(["rtl_tcp"])


        def supervise(stop):
            proc = None
            while not stop.is_set():
                if proc is None:
                    proc = start()
                proc.poll()
                if proc.returncode is not None:
                    proc = start()
                time.sleep(5)
            if proc is not None:
                proc.terminate()
                proc.wait()


        def careless(stop):
            proc = None
            while not stop.is_set():
                proc = start()  # leak
                time.sleep(5)
            if proc is not None:
                proc.terminate()
                proc.wait()


        def either(stop):
            proc = None
            while not stop.is_set():
                if proc is None or proc.poll() is not None:
                    proc = start()
                time.sleep(5)
            if proc is not None:
                proc.kill()
                proc.wait()


        def forgets(stop, reload):
            # `proc = None` drops a running child: the next pass starts another beside it
            proc = None
            while not stop.is_set():
                if proc is None:
                    proc = start()  # leak
                if reload.is_set():
                    proc = None
                time.sleep(5)
            if proc is not None:
                proc.kill()
                proc.wait()


        def twice(stop, listening):
            # a second start in the same guarded block replaces the first, still running
            # (the second is the one kept: the next pass looks at it)
            proc = None
            while not stop.is_set():
                if proc is None or proc.poll() is not None:
                    proc = start()  # leak
                    if not listening():
                        proc = start()
                time.sleep(5)
            if proc is not None:
                proc.kill()
                proc.wait()
        """
    )
    check(
        """
        import multiprocessing
        import time


        def work():
            pass


        def supervise(stop):
            p = multiprocessing.Process(target=work)
            p.start()
            while not stop.is_set():
                if p.exitcode is not None:  # (exitcode polls the child: it reaps it)
                    p = multiprocessing.Process(target=work)
                    p.start()
                time.sleep(5)
            p.terminate()
            p.join()
        """
    )
