"""``forkaudit run`` on real programs: every Python process of the tree is traced (multiprocessing
spawn children, ``python -c`` subprocesses, forked children), on CPython 3.10 to 3.13, and the
program behaves exactly as it does without forkaudit."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from forkaudit.runtime import RuntimeSite, RuntimeTrace, load_trace
from tests.builders import line_of
from tests.runtime_fixtures import (
    RUNTIME,
    VERSIONS,
    hook_env,
    pyenv_python,
    realpath,
    run_plain,
    runtime,
    user_env,
    without_forkaudit_lines,
)

PER_CALL = """\
import os
import subprocess
import threading

children = []  # kept until exit, never waited


def serve(stop):
    stop.wait()


def handle(stop):
    threading.Thread(target=serve, args=(stop,), daemon=True).start()
    children.append(subprocess.Popen(["true"]))


def main():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    stop = threading.Event()
    for _ in range(5):
        handle(stop)
    print("served", len(children))


main()
"""

TREE = """\
import multiprocessing
import os
import subprocess
import sys


def child():
    print("spawned child ran")


def forked():
    print("forked child ran")


if __name__ == "__main__":
    spawned = multiprocessing.get_context("spawn").Process(target=child)
    spawned.start()
    spawned.join()
    forked_process = multiprocessing.get_context("fork").Process(target=forked)
    forked_process.start()
    forked_process.join()
    subprocess.run([sys.executable, "-c", "print('python -c ran')"], check=True)
    spawned_pid = os.posix_spawnp("true", ["true"], os.environ)
"""


def _site(trace: RuntimeTrace, program: Path, needle: str, source: str) -> RuntimeSite:
    line = line_of(source, needle)
    found = [
        s for s in trace.sites if realpath(s.path) == realpath(str(program)) and s.line == line
    ]
    assert len(found) == 1, (needle, trace.sites)
    return found[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_per_call_thread_and_unwaited_popen_on_each_python(version: str, tmp_path: Path) -> None:
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"pyenv has no CPython {version}")
    program = tmp_path / "per_call.py"
    program.write_text(PER_CALL, encoding="utf-8")
    # -W always: on 3.12+ os.fork() warns in a multi-threaded process; forkaudit's sampler
    # thread must not make this single-threaded program's fork warn
    args = ["run", "--trace", "trace", "--interval", "0.1", "--"]
    result = runtime([*args, python, "-W", "always::DeprecationWarning", str(program)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "served 5\n"
    assert "Warning" not in without_forkaudit_lines(result.stderr), result.stderr
    trace = load_trace(str(tmp_path / "trace"))
    main = [p for p in trace.processes if p.forked_from == 0]
    assert len(main) == 1 and main[0].python.startswith(version + ".") and main[0].ended
    thread = _site(trace, program, "threading.Thread(", PER_CALL)
    assert (thread.kind, thread.function) == ("thread", "handle")
    assert thread.starts == thread.live_threads == thread.unreaped == 5
    popen = _site(trace, program, "subprocess.Popen(", PER_CALL)
    assert popen.kind == "popen"
    assert popen.starts == popen.unreaped == popen.zombies + popen.live_children == 5
    fork = _site(trace, program, "os.fork()", PER_CALL)
    assert (fork.kind, fork.starts, fork.reaped, fork.unreaped) == ("fork", 1, 1, 0)
    assert fork.processes == 1 and fork.pids == (main[0].pid,)
    assert main[0].series.times and len(thread.series) == 1


def test_spawn_children_and_python_subprocesses_are_traced_too(
    tmp_path: Path, target_python: tuple[str, str]
) -> None:
    program = tmp_path / "tree.py"
    program.write_text(TREE, encoding="utf-8")
    args = ["run", "--trace", "trace", "--interval", "0.1", "--", target_python[0], str(program)]
    result = runtime(args, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["spawned child ran", "forked child ran", "python -c ran"]
    trace = load_trace(str(tmp_path / "trace"))
    (main,) = [p for p in trace.processes if p.argv[-1:] == (str(program),)]
    spawned = [p for p in trace.processes if "--multiprocessing-fork" in p.argv]
    dash_c = [p for p in trace.processes if p.argv[1:2] == ("-c",) and "ran" in p.argv[2]]
    assert len(spawned) == 1 and spawned[0].ppid == main.pid and spawned[0].ended
    assert len(dash_c) == 1 and dash_c[0].ppid == main.pid and dash_c[0].ended
    for process in (main, *spawned, *dash_c):
        assert (tmp_path / "trace" / process.file).is_file()
    run = _site(trace, program, "subprocess.run(", TREE)
    assert (run.kind, run.starts, run.reaped, run.unreaped) == ("popen", 1, 1, 0)
    forked = _site(trace, program, "forked_process.start()", TREE)
    assert (forked.kind, forked.starts, forked.reaped, forked.unreaped) == ("process", 1, 1, 0)
    spawn = _site(trace, program, "os.posix_spawnp(", TREE)
    assert (spawn.kind, spawn.starts, spawn.unreaped) == ("spawn", 1, 1)  # never waited


SITECUSTOMIZE = """\
MARK = "the program's own sitecustomize ran"
"""

BEHAVIOUR = """\
import sys

print("threading imported at start:", "threading" in sys.modules)
names = ("json", "re", "typing", "weakref", "importlib", "warnings")
print("heavy modules:", sorted(m for m in names if m in sys.modules))
print("sitecustomize:", getattr(sys.modules.get("sitecustomize"), "MARK", None))
print("sys.path:", sys.path)

import threading


def boom():
    raise ValueError("boom in a thread")


worker = threading.Thread(target=boom, name="worker")
worker.start()
worker.join()
print("threads:", threading.active_count(), [t.name for t in threading.enumerate()])
sys.stderr.write("exiting with 3\\n")
sys.exit(3)
"""


def test_the_program_behaves_the_same_traced(
    tmp_path: Path, target_python: tuple[str, str]
) -> None:
    """Its own sitecustomize still runs, sys.path and the modules it sees are its own, an
    exception in a thread prints the same traceback, the exit code is its own."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    program = tmp_path / "behaviour.py"
    program.write_text(BEHAVIOUR, encoding="utf-8")
    env = {"PYTHONPATH": str(site)}
    plain = run_plain([target_python[0], str(program)], tmp_path, env)
    args = ["run", "--trace", "trace", "--interval", "0.1", "--", target_python[0], str(program)]
    traced = runtime(args, tmp_path, env)
    assert plain.returncode == traced.returncode == 3
    assert "the program's own sitecustomize ran" in plain.stdout
    assert "threading imported at start: False" in plain.stdout
    assert traced.stdout == plain.stdout
    assert without_forkaudit_lines(traced.stderr) == plain.stderr
    assert "ValueError: boom in a thread" in plain.stderr
    assert load_trace(str(tmp_path / "trace")).processes  # and it was traced


@pytest.mark.parametrize("version", ["2.7", "3.6", "3.8", "3.9"])
def test_older_pythons_are_left_alone(version: str, tmp_path: Path) -> None:
    """Not traced (the hook needs 3.10+), never broken: the inject folder's sitecustomize is
    valid Python 2 and still runs the program's own."""
    python = pyenv_python(version)
    if python is None:
        pytest.skip(f"pyenv has no CPython {version}")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    probe = "import sys; sys.stdout.write(sys.modules['sitecustomize'].MARK)"
    args = ["run", "--trace", "trace", "--", python, "-c", probe]
    result = runtime(args, tmp_path, {"PYTHONPATH": str(site)})
    assert (result.returncode, result.stdout) == (0, "the program's own sitecustomize ran")
    assert without_forkaudit_lines(result.stderr) == ""
    assert "no Python process was traced" in result.stderr


def test_an_unwritable_trace_folder_changes_nothing(
    tmp_path: Path, target_python: tuple[str, str]
) -> None:
    program = tmp_path / "per_call.py"
    program.write_text(PER_CALL, encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    command = [target_python[0], "-W", "always::DeprecationWarning", str(program)]
    plain = run_plain(command, tmp_path)
    traced = run_plain(command, tmp_path, hook_env(blocker / "trace", interval=0.01))
    assert (traced.returncode, traced.stdout, traced.stderr) == (
        plain.returncode,
        plain.stdout,
        plain.stderr,
    )
    assert plain.returncode == 0 and not blocker.with_name("trace").exists()
    # run itself refuses such a folder, in one line
    refused = runtime(["run", "--trace", str(blocker / "trace"), "--", *command], tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.startswith("forkaudit: error: cannot create the trace folder")
    assert refused.stderr.count("\n") == 1 and refused.stdout == ""


KILLED = """\
import threading
import time


def forever():
    while True:
        time.sleep(1)


for _ in range(3):
    threading.Thread(target=forever, daemon=True).start()
print("ready", flush=True)
time.sleep(120)
"""


def test_a_process_killed_with_sigkill_leaves_its_last_samples(
    tmp_path: Path, target_python: tuple[str, str]
) -> None:
    program = tmp_path / "killed.py"
    program.write_text(KILLED, encoding="utf-8")
    trace_dir = tmp_path / "trace"
    command = [*RUNTIME, "run", "--trace", str(trace_dir), "--interval", "0.05", "--"]
    with subprocess.Popen(
        [*command, target_python[0], str(program)],
        cwd=tmp_path,
        env=user_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 60
        while True:  # wait for a sample that saw the three threads
            traced = load_trace(str(trace_dir)) if list(trace_dir.glob("trace-*")) else None
            if traced and traced.sites and traced.sites[0].live_threads == 3:
                break
            assert time.monotonic() < deadline, "no sample with three live threads in 60 s"
            time.sleep(0.05)
        os.kill(traced.processes[0].pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGKILL, err
    trace = load_trace(str(trace_dir))
    (process,) = trace.processes
    assert not process.ended and process.samples >= 1
    site = _site(trace, program, "threading.Thread(", KILLED)
    assert site.starts == site.unreaped == 3
    assert trace.exit_code == 128 + signal.SIGKILL


ZOMBIE_MAKER = """\
import signal
import subprocess
import sys
import time

children = [subprocess.Popen(["sleep", "30"])]


def stop(signum, frame):
    for child in children:
        child.kill()
        child.wait()
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
print("started", flush=True)
while True:
    children.append(subprocess.Popen(["true"]))
    time.sleep(0.02)
"""


def test_watch_samples_a_process_it_did_not_start(
    tmp_path: Path, target_python: tuple[str, str]
) -> None:
    program = tmp_path / "zombies.py"
    program.write_text(ZOMBIE_MAKER, encoding="utf-8")
    with subprocess.Popen(
        [target_python[0], str(program)],
        cwd=tmp_path,
        env=user_env(),
        stdout=subprocess.PIPE,
        text=True,
    ) as maker:
        try:
            assert maker.stdout is not None and maker.stdout.readline() == "started\n"
            args = ["watch", str(maker.pid), "--interval", "0.1", "--duration", "1.5"]
            result = runtime([*args, "--trace", "trace"], tmp_path)
        finally:
            maker.terminate()
            maker.communicate(timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "attribution by command line only" in lines[0]
    samples = [line for line in lines if line.startswith(f"pid {maker.pid} ")]
    assert len(samples) >= 3  # piped: one plain line per sample, no terminal codes
    assert "\r" not in result.stdout and "\x1b" not in result.stdout
    assert "/min)" in samples[-1]
    trace = load_trace(str(tmp_path / "trace"))
    assert (trace.source, trace.attribution) == ("watch", "command-line")
    (process,) = trace.processes
    assert process.pid == maker.pid and process.file == f"trace-{maker.pid}-watch.json"
    assert process.zombies >= 2 and process.series.zombies[-1] >= process.series.zombies[0]
    by_command = {s.command: s for s in trace.sites}
    assert by_command["sleep 30"].live_children == 1
    zombie_groups = [s for s in trace.sites if s.zombies]
    assert zombie_groups and all(s.kind == "child" and s.path == "" for s in trace.sites)
    assert sum(s.zombies for s in zombie_groups) == process.zombies


def test_watch_stops_when_the_process_exits(tmp_path: Path, target_python: tuple[str, str]) -> None:
    with subprocess.Popen(
        [target_python[0], "-c", "import time; time.sleep(0.6)"], cwd=tmp_path, env=user_env()
    ) as short:
        result = runtime(["watch", str(short.pid), "--interval", "0.1", "--trace", "t"], tmp_path)
        short.wait(timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"forkaudit: pid {short.pid} has exited" in result.stdout
    assert load_trace(str(tmp_path / "t")).processes[0].pid == short.pid


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run"], "forkaudit: error: run needs the command after --"),
        (["run", "--trace", "t", "--"], "forkaudit: error: run needs the command after --"),
        (["run", "--interval", "0", "--", "true"], "forkaudit: error: argument --interval"),
        (["run", "--trace", "t", "true"], "forkaudit: error: run needs -- before the command"),
        (["run", "--bogus", "--", "true"], "forkaudit: error: unrecognized arguments: --bogus"),
        (["run", "--", "no-such-command-anywhere"], "forkaudit: error: cannot run no-such"),
        (["watch", "999999999"], "forkaudit: error: no process with pid 999999999"),
        (["watch", "abc"], "forkaudit: error: argument PID: not a process id"),
        (["watch"], "forkaudit: error: the following arguments are required: PID"),
        (["frobnicate"], "forkaudit: error: expected `run` or `watch`"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    result = runtime(args, tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_other_platforms_are_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from forkaudit.runtime.command import main

    assert main(["run", "--", "true"], platform="darwin") == 2
    assert main(["watch", "1"], platform="win32") == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "forkaudit: error: `run` needs Linux (/proc and its children files); this is darwin",
        "forkaudit: error: `watch` needs Linux (/proc and its children files); this is win32",
    ]


def test_a_folder_without_traces_is_an_input_error(tmp_path: Path) -> None:
    from forkaudit.errors import InputError

    with pytest.raises(InputError, match="is not a trace folder"):
        load_trace(str(tmp_path / "missing"))
    with pytest.raises(InputError, match="holds no trace"):
        load_trace(str(tmp_path))


def test_the_hooks_series_stays_bounded_and_keeps_peaks() -> None:
    from forkaudit.runtime.inject._forkaudit_trace_hook import MAX_SAMPLES, Series

    series = Series()
    for tick in range(10 * MAX_SAMPLES):
        series.add(float(tick), {"zombies": 7 if tick == 1234 else tick % 3})
    assert len(series.t) <= MAX_SAMPLES and len(series.column("zombies")) == len(series.t)
    assert max(series.column("zombies")) == 7  # a one-sample spike survives the merging
    assert series.t == sorted(series.t) and series.t[-1] >= 10 * MAX_SAMPLES - series.stride


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        'quote " backslash \\ newline \n tab \t bell \x07',
        "caf\u00e9 \u2603 \U0001f600",
        "bad bytes \udcff from argv",
        {"nested": [1, 2.5, None, True, False, -3], "": {}},
    ],
)
def test_the_hooks_json_writer_writes_json(value: object) -> None:
    import json

    from forkaudit.runtime.inject._forkaudit_trace_hook import dumps

    assert json.loads(dumps(value)) == value
