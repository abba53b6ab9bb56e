"""``forkaudit run`` on a real pre-fork server: gunicorn from PyPI, 2 sync workers, serving an
app whose dependencies leak per request (a fork never waited, a thread that never ends) and
re-arm a report timer once per worker (the innocent suspect: one live thread at a time).

Real HTTP requests (urllib), SIGTERM to ``run``, then the traces are read back and attributed
to distributions through the venv's RECORD files."""

from __future__ import annotations

import fcntl
import os
import signal
import statistics
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from forkaudit.environment import load_environment
from forkaudit.runtime import (
    AttributedSite,
    RuntimeTrace,
    attribute,
    distribution_counts,
    load_trace,
)
from tests.builders import create_venv, line_of, make_wheel, pip_install
from tests.runtime_fixtures import RUNTIME, free_port, user_env

LEAKY_WORKER = '''"""leaky-lib: per call, a child forked and never waited, a thread that never ends."""

import os
import threading
import time


def _spin():
    while True:
        time.sleep(3600)


def handle(environ):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    threading.Thread(target=_spin, daemon=True).start()
    return pid
'''

METRICS = '''"""metrics-lib: a report timer that re-arms itself, started once per process."""

import threading

_reporter = None


def start_reporting(interval=0.05):
    global _reporter
    if _reporter is None:
        _reporter = Reporter(interval)
        _reporter.schedule()
    return _reporter


class Reporter:
    def __init__(self, interval):
        self.interval = interval
        self.reports = 0

    def schedule(self):
        timer = threading.Timer(self.interval, self._report)
        timer.daemon = True
        timer.start()

    def _report(self):
        self.reports += 1
        self.schedule()
'''

APP = '''"""shop-app: the WSGI app."""

from leakylib.worker import handle
from metricslib import start_reporting


def app(environ, start_response):
    start_reporting()
    handle(environ)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok\\n"]
'''

REQUESTS = 24


@dataclass(frozen=True)
class GunicornVenv:
    venv: Path
    gunicorn: Path


def _build(root: Path, python: str) -> GunicornVenv:
    wheels = root / "wheels"
    make_wheel(
        wheels,
        "leaky-lib",
        "1.0",
        {"leakylib/__init__.py": "", "leakylib/worker.py": LEAKY_WORKER},
    )
    make_wheel(wheels, "metrics-lib", "1.0", {"metricslib.py": METRICS})
    make_wheel(
        wheels,
        "shop-app",
        "1.0",
        {"shopapp/__init__.py": "", "shopapp/wsgi.py": APP},
        requires=["leaky-lib", "metrics-lib"],
    )
    venv = create_venv(root / "venv", python)
    pip_install(venv, ["gunicorn", "shop-app"], wheels, index=True, compile_bytecode=True)
    return GunicornVenv(venv=venv, gunicorn=venv / "bin" / "gunicorn")


@pytest.fixture(scope="session")
def gunicorn_venv(
    tmp_path_factory: pytest.TempPathFactory, target_python: tuple[str, str]
) -> GunicornVenv:
    """gunicorn (from PyPI) and the three fixture distributions in a venv of the target Python,
    built once per test session (xdist workers share it through a lock)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    root = base / "runtime-gunicorn"
    root.mkdir(exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        ready, failed = root / "ready", root / "failed"
        if failed.exists():
            pytest.skip(failed.read_text(encoding="utf-8"))
        if not ready.exists():
            try:
                built = _build(root, target_python[0])
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                failed.write_text(f"cannot install gunicorn: {exc}", encoding="utf-8")
                pytest.skip(f"cannot install gunicorn: {exc}")
            ready.write_text("ok", encoding="utf-8")
            return built
    return GunicornVenv(venv=root / "venv", gunicorn=root / "venv" / "bin" / "gunicorn")


def _get(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            return bool(response.status == 200 and response.read() == b"ok\n")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass(frozen=True)
class Served:
    requests: int  # responses received: each one is one call of the app
    returncode: int
    stderr: str


def _serve(gunicorn: GunicornVenv, trace: Path, cwd: Path) -> Served:
    port = free_port()
    command = [*RUNTIME, "run", "--trace", str(trace), "--interval", "0.1", "--"]
    command += [str(gunicorn.gunicorn), "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    command += ["--graceful-timeout", "10", "shopapp.wsgi:app"]
    served = 0
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=user_env({"HOME": str(cwd)}),  # gunicorn's control socket goes under $HOME
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            deadline = time.monotonic() + 60
            while not _get(port):
                assert proc.poll() is None, proc.communicate()[1]
                assert time.monotonic() < deadline, "gunicorn did not answer in 60 s"
                time.sleep(0.05)
            served = 1
            with ThreadPoolExecutor(4) as pool:
                served += sum(pool.map(lambda _: _get(port), range(REQUESTS)))
            time.sleep(0.5)  # a few samples while it serves, the timers re-arm
        finally:
            proc.send_signal(signal.SIGTERM)  # to `run`, which passes it to gunicorn
            _, err = proc.communicate(timeout=120)
    return Served(served, proc.returncode, err)


@dataclass(frozen=True)
class ServedTrace:
    result: Served
    trace: RuntimeTrace
    # (distribution, path relative to site-packages, line) -> the site
    sites: dict[tuple[str, str, int], AttributedSite]


@pytest.fixture(scope="module")
def served(gunicorn_venv: GunicornVenv, tmp_path_factory: pytest.TempPathFactory) -> ServedTrace:
    cwd = tmp_path_factory.mktemp("gunicorn-run")
    result = _serve(gunicorn_venv, cwd / "trace", cwd)
    trace = load_trace(str(cwd / "trace"))
    env = load_environment(str(gunicorn_venv.venv))
    sites = {(a.distribution, a.relpath, a.site.line): a for a in attribute(trace, env)}
    return ServedTrace(result, trace, sites)


def test_run_passes_sigterm_on_and_exits_with_gunicorns_code(served: ServedTrace) -> None:
    result = served.result
    assert result.returncode == 0, result.stderr
    assert result.requests == REQUESTS + 1
    assert "Handling signal: term" in result.stderr
    assert f"trace in {served.trace.directory}" in result.stderr  # run's summary


def test_master_and_both_workers_are_traced(served: ServedTrace) -> None:
    loaded = served.trace
    masters = [p for p in loaded.processes if p.forked_from == 0]
    assert len(masters) == 1 and any("gunicorn" in a for a in masters[0].argv)
    master = masters[0]
    workers = [p for p in loaded.processes if p.forked_from == master.pid]
    assert len(workers) == 2
    assert all(w.ppid == master.pid and w.ended for w in workers)
    assert master.ended  # its last sample was taken at exit, after its workers were reaped
    assert loaded.command[-1] == "shopapp.wsgi:app" and loaded.exit_code == 0


def test_per_request_fork_and_thread_are_unreaped_once_per_request(
    served: ServedTrace,
) -> None:
    result, sites = served.result, served.sites
    workers = {p.pid for p in served.trace.processes if p.forked_from}
    fork = sites["leaky-lib", "leakylib/worker.py", line_of(LEAKY_WORKER, "os.fork()")]
    assert fork.site.kind == "fork" and fork.version == "1.0"
    assert fork.site.starts == result.requests
    assert fork.site.unreaped == result.requests  # zombies: never waited
    assert fork.site.zombies + fork.site.live_children == result.requests
    assert set(fork.site.pids) <= workers and fork.site.processes >= 1
    thread = sites["leaky-lib", "leakylib/worker.py", line_of(LEAKY_WORKER, "threading.Thread(")]
    assert thread.site.kind == "thread"
    assert thread.site.starts == result.requests
    assert thread.site.live_threads == result.requests == thread.site.unreaped
    assert thread.site.function == "handle"


def test_the_re_arming_timer_keeps_one_thread_per_worker(
    served: ServedTrace,
) -> None:
    sites = served.sites
    timer = sites["metrics-lib", "metricslib.py", line_of(METRICS, "timer.start()")]
    assert timer.site.kind == "thread" and timer.site.function == "schedule"
    assert 1 <= timer.site.processes <= 2
    # re-armed many times, one thread alive at a time: the thread re-arming is still alive
    # for an instant after it started the next, so a sample may catch two, never more
    assert timer.site.starts >= 4 * timer.site.processes
    assert timer.site.unreaped <= 2 * timer.site.processes
    for series in timer.site.series:
        assert max(series.live_threads) <= 2
        assert statistics.median(series.live_threads) <= 1
        assert series.starts == tuple(sorted(series.starts))  # cumulative
        assert series.starts[-1] > 2 * max(series.live_threads)  # not accumulating


def test_gunicorns_own_worker_forks_are_seen_and_reaped(
    served: ServedTrace,
) -> None:
    sites = served.sites
    forks = [a for a in sites.values() if a.distribution == "gunicorn" and a.site.kind == "fork"]
    assert len(forks) == 1, forks
    (arbiter,) = forks
    assert arbiter.relpath == "gunicorn/arbiter.py"
    assert arbiter.site.starts == 2 and arbiter.site.reaped == 2 and arbiter.site.unreaped == 0
    assert arbiter.site.processes == 1


def test_distribution_sums(served: ServedTrace) -> None:
    result = served.result
    counts = distribution_counts(served.sites.values())
    leaky = counts["leaky-lib"]
    assert leaky.starts == 2 * result.requests and leaky.unreaped == 2 * result.requests
    assert counts["metrics-lib"].unreaped <= 4  # at most two per worker: see the timer test
    assert counts["gunicorn"].starts >= 2 and "shop-app" not in counts  # the app starts nothing
    assert leaky.as_json() == {
        "starts": leaky.starts,
        "unreaped": leaky.unreaped,
        "processes": leaky.processes,
    }


def test_the_traced_interpreter_is_the_venvs(
    served: ServedTrace, target_python: tuple[str, str]
) -> None:
    versions = {p.python.rsplit(".", 1)[0] for p in served.trace.processes}
    assert versions == {target_python[1]}


def test_scan_runtime_ranks_the_leaking_distribution_first(
    served: ServedTrace, gunicorn_venv: GunicornVenv, tmp_path: Path
) -> None:
    """The merged report (`forkaudit scan --runtime`): starts and unreaped per site, the
    once-per-worker timer not accused, the leaking distribution ranked first."""
    import json

    from tests.builders import run_cli

    result = run_cli(
        [
            "scan",
            str(gunicorn_venv.venv),
            "--runtime",
            served.trace.directory,
            "--format",
            "json",
            "--no-cache",
            "--fail-on",
            "none",
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["runtime"]["processes"] == len(served.trace.processes)
    requests = served.result.requests
    fork_line = line_of(LEAKY_WORKER, "os.fork()")
    at = {(f["distribution"], f["path"], f["line"]): f for f in data["findings"]}
    fork = at[("leaky-lib", "leakylib/worker.py", fork_line)]
    assert fork["severity"] == "high" and {"observed", "accumulates"} <= set(fork["flags"])
    assert fork["runtime"]["starts"] == requests and fork["runtime"]["processes"] <= 2
    assert fork["runtime"]["unreaped"] >= requests - 2
    thread = next(
        f
        for f in data["findings"]
        if f["distribution"] == "leaky-lib" and f["rule"] == "FA111" and "runtime" in f
    )
    assert thread["runtime"]["unreaped"] >= requests - 2 and thread["severity"] == "high"
    timers = [f for f in data["findings"] if f["distribution"] == "metrics-lib"]
    assert all(f["severity"] != "high" for f in timers), timers  # the innocent suspect
    ranked = data["distributions"]
    assert ranked[0]["name"] == "leaky-lib"
    assert ranked[0]["why"].startswith("seen piling up at run time")
    assert all(d["name"] != "metrics-lib" or d["rank"] > 1 for d in ranked)
