"""Issue 13, item 7: no process outlives forkaudit. A tool about reaping child processes reaps
its own: its workers, the fork server they are forked from and multiprocessing's resource
tracker are all gone, and reaped by forkaudit itself, when it exits, after a Ctrl-C too.

Each test runs the installed command under a *child subreaper* (``prctl(PR_SET_CHILD_SUBREAPER)``):
a process that forkaudit left behind when it exited is re-parented to the subreaper, instead of
to init, and shows up there as an orphan."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import FORKAUDIT, make_dist_info, make_fake_venv

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="child subreapers and /proc are Linux's"
)

LEAK = "import os\n\n\ndef handle(conn):\n    pid = os.fork()  # leak {tag}\n    return conn\n"
CLEAN = "import os\n\n\ndef nothing_{n}(a):\n    return os.getcwd() + str(a)\n"

# The subreaper: runs forkaudit (in a session of its own), watches which processes it starts,
# optionally sends SIGINT to its whole process group, waits for it, then collects every process
# re-parented to the subreaper within the grace period (killing, then reaping, any still alive).
# Prints a JSON report.
SUBREAPER = r"""
import ctypes, json, os, signal, subprocess, sys, tempfile, time

PR_SET_CHILD_SUBREAPER = 36
config = json.loads(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
    print(json.dumps({"error": os.strerror(ctypes.get_errno())}))
    sys.exit(0)
me = os.getpid()


def parents():
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    table[int(entry)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return table


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def kind(text):
    if "multiprocessing.forkserver" in text:
        return "server"
    if "multiprocessing.resource_tracker" in text:
        return "tracker"
    if "multiprocessing.spawn" in text:
        return "worker"
    return "other"


def below(root):
    # The processes forkaudit started: its children, and the fork server's (the workers).
    table = parents()
    found = {}
    for child in [p for p, parent in table.items() if parent == root]:
        found[child] = kind(cmdline(child))
        for grandchild in [p for p, parent in table.items() if parent == child]:
            found[grandchild] = "worker"
    return found


out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
proc = subprocess.Popen(
    config["command"], cwd=config["cwd"], env=config["env"], stdout=out, stderr=err,
    start_new_session=True,
)
seen, fired = set(), False
while proc.poll() is None:
    found = below(proc.pid)
    seen.update(found.values())
    if config["interrupt"] and not fired and config["interrupt"] in found.values():
        if config["freeze"]:  # the scan cannot end before the interrupt is handled
            for pid, what in found.items():
                if what == "worker":
                    os.kill(pid, signal.SIGSTOP)
        os.killpg(proc.pid, signal.SIGINT)
        fired = True
    time.sleep(0.005)

orphans = {}
deadline = time.monotonic() + config["grace"]
while True:
    for pid, parent in parents().items():
        if parent == me and not orphans.get(pid):
            orphans[pid] = cmdline(pid) or "(exited)"
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break  # no process is left re-parented to us, running or not
    if pid:
        orphans.setdefault(pid, "(exited)")
        continue
    if time.monotonic() > deadline:  # an orphan still running: end it (and the next ones)
        for pid, parent in parents().items():
            if parent == me:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
    time.sleep(0.01)

out.seek(0)
err.seek(0)
print(json.dumps({
    "returncode": proc.returncode,
    "stdout": out.read().decode("utf-8", "replace"),
    "stderr": err.read().decode("utf-8", "replace"),
    "seen": sorted(seen),
    "fired": fired,
    "orphans": [f"{pid}: {text}" for pid, text in sorted(orphans.items())],
}))
"""


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """A short TMPDIR (pytest's are deep): the fork server's socket must fit an AF_UNIX path."""
    path = Path(tempfile.mkdtemp(prefix="fa-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def fake_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three distributions, a leak in some of their files."""
    root = tmp_path_factory.mktemp("venv")
    site = make_fake_venv(root / "venv")
    for d in range(3):
        files: dict[str, str | bytes] = {
            f"pkg{d}/m{n}.py": LEAK.format(tag=f"{d}_{n}") if n % 4 == 0 else CLEAN.format(n=n)
            for n in range(40)
        }
        make_dist_info(site, f"pkg{d}", "1.0", files)
    return root / "venv"


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sources")
    for n in range(12):
        (folder / f"m{n}.py").write_text(LEAK.format(tag=n) if n % 3 == 0 else CLEAN.format(n=n))
    return folder


def _run(
    args: list[str],
    cwd: Path,
    tmp: Path,
    interrupt: str = "",
    freeze: bool = False,
) -> dict[str, Any]:
    """Run ``forkaudit ARGS`` under a child subreaper; ``interrupt``: send SIGINT to its process
    group as soon as a process of that kind ("server", "worker") exists."""
    command = [FORKAUDIT] if FORKAUDIT else [sys.executable, "-m", "forkaudit"]
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["TMPDIR"] = str(tmp)
    config = {
        "command": [*command, *args],
        "cwd": str(cwd),
        "env": env,
        "interrupt": interrupt,
        "freeze": freeze,
        "grace": 2.0,
    }
    result = subprocess.run(
        [sys.executable, "-c", SUBREAPER, json.dumps(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    if "error" in report:
        pytest.skip(f"cannot become a child subreaper here: {report['error']}")
    return report


def _clean_exit(report: dict[str, Any]) -> None:
    assert report["orphans"] == [], report
    assert "Traceback" not in report["stderr"], report["stderr"]


def test_check_leaves_no_process_behind(sources: Path, short_tmp: Path) -> None:
    report = _run(["check", str(sources), "-j", "2", "--no-cache"], sources, short_tmp)
    assert report["returncode"] == 1, report  # the leaks were found
    assert "m0.py:5:" in report["stdout"]
    assert {"server", "tracker", "worker"} <= set(report["seen"]), report["seen"]
    _clean_exit(report)


def test_scan_leaves_no_process_behind(fake_venv: Path, short_tmp: Path) -> None:
    report = _run(
        ["scan", str(fake_venv), "-j", "2", "--no-cache", "--format", "json"], short_tmp, short_tmp
    )
    assert report["returncode"] == 1, report
    assert len(json.loads(report["stdout"])["findings"]) == 30
    assert {"server", "tracker", "worker"} <= set(report["seen"]), report["seen"]
    _clean_exit(report)


def test_spawned_workers_leave_no_process_behind(fake_venv: Path, short_tmp: Path) -> None:
    """A TMPDIR too deep for the fork server's socket: the workers are spawned instead."""
    deep = short_tmp / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    report = _run(["scan", str(fake_venv), "-j", "2", "--no-cache", "-q"], short_tmp, deep)
    assert report["returncode"] == 1, report
    assert "server" not in report["seen"] and "worker" in report["seen"], report["seen"]
    _clean_exit(report)


@pytest.mark.parametrize(
    ("command", "interrupt"),
    [
        ("scan", "server"),  # while the fork server imports the engine, before any worker
        ("scan", "worker"),  # mid-scan
        ("check", "worker"),
    ],
)
def test_ctrl_c_leaves_no_process_and_no_traceback(
    command: str,
    interrupt: str,
    fake_venv: Path,
    sources: Path,
    short_tmp: Path,
) -> None:
    target = fake_venv if command == "scan" else sources
    report = _run(
        [command, str(target), "-j", "2", "--no-cache", "-q"],
        short_tmp,
        short_tmp,
        interrupt=interrupt,
        freeze=interrupt == "worker",
    )
    assert report["fired"], report
    assert report["returncode"] == 130, report
    assert report["stderr"].splitlines() == ["forkaudit: interrupted"], report["stderr"]
    _clean_exit(report)


def test_ctrl_c_while_the_command_loads_is_one_line_too(sources: Path) -> None:
    """Ctrl-C in the first moments (the command's modules still importing) ends it like Ctrl-C
    later: "forkaudit: interrupted", exit code 130, never a traceback through forkaudit's code
    (one from the interpreter's start-up or the launcher script importing the package, before
    that code runs, is not ours to catch).
    Interrupted at many moments from 0 to 150 ms after the start, and later on a loaded machine
    (where start-up is slower) until one lands in forkaudit's own code."""
    command = [FORKAUDIT] if FORKAUDIT else [sys.executable, "-m", "forkaudit"]
    outcomes: set[int] = set()
    delays = [step * 0.01 for step in range(16)] + [0.2 + step * 0.1 for step in range(30)]
    for step, delay in enumerate(delays):
        if step >= 16 and 130 in outcomes:
            break
        with subprocess.Popen(
            [*command, "check", str(sources), "--no-cache", "-q"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            time.sleep(delay)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=60)
        frames = re.findall(r'File "([^"]+)", line \d+, in (\S+)', err)
        if "Traceback" in err and not any(_ours(path, scope) for path, scope in frames):
            continue  # the interpreter's start-up or the launcher's import: no forkaudit code yet
        assert "Traceback" not in err, (step, err)
        if proc.returncode == 130:
            assert err.splitlines() == ["forkaudit: interrupted"], (step, err)
        outcomes.add(proc.returncode)
    # some interrupts land before Python's own handler (killed by SIGINT) or after the work
    assert outcomes <= {130, -signal.SIGINT, 0, 1}, outcomes
    assert 130 in outcomes


def _ours(path: str, scope: str) -> bool:
    """Is this traceback frame forkaudit's code running, not the launcher importing the entry
    point (``forkaudit/entry.py`` or the package's ``__init__`` at module level, before any
    handler of ours can exist)?"""
    launcher = scope == "<module>" and Path(path).name in ("entry.py", "__init__.py")
    return _in_package(path) and not launcher


def _in_package(frame: str) -> bool:
    """Is this traceback frame's file one of forkaudit's own modules?"""
    path = Path(frame)
    return path.suffix == ".py" and "forkaudit" in path.parts[:-1]


def test_ctrl_c_inside_a_class_being_made_is_still_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An interrupt landing in a descriptor's ``__set_name__`` while a module defines a class (the
    standard library's platform module, imported as forkaudit loads) reaches the entry point as
    ``RuntimeError: Error calling __set_name__``, caused by the KeyboardInterrupt: still one line
    and exit code 130 (a CI run met it). Another RuntimeError is not swallowed."""
    import forkaudit.cli
    from forkaudit import entry

    class Interrupting:
        def __set_name__(self, owner: type, name: str) -> None:
            raise KeyboardInterrupt

    def loading() -> int:
        type("Made", (), {"field": Interrupting()})
        return 0

    monkeypatch.setattr(forkaudit.cli, "main", loading)
    assert entry.main() == 130
    assert capsys.readouterr().err.splitlines() == ["forkaudit: interrupted"]

    def failing() -> int:
        raise RuntimeError("not an interrupt")

    monkeypatch.setattr(forkaudit.cli, "main", failing)
    with pytest.raises(RuntimeError, match="not an interrupt"):
        entry.main()
