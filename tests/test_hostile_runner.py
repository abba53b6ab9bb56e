"""Issue 6, the runner: a worker that segfaults, hangs in native code, raises or is killed costs
exactly one entry in errors[]; files that vanish, turn into folders or FIFOs, or change during
the scan are errors or re-read, never a hang or a crash."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from builders import BreaksWhileSubmitting, make_dist_info, make_fake_venv

import forkaudit.runner as runner
from forkaudit.environment import load_environment
from forkaudit.files import environment_units, file_units
from forkaudit.model import FileResult, Rule, SourceFile
from forkaudit.rules import load_rules
from forkaudit.runner import RunOptions, UnitResult, run_units

LEAK = "import os\n\n\ndef handle(conn):\n    pid = os.fork()  # leak {tag}\n    return conn\n"

_real_analyze = runner.analyze


def _hostile_analyze(data: bytes, path: str, rules: Sequence[Rule], **kwargs: Any) -> Any:
    """Runs in the (forked) worker: misbehave on the files named for it."""
    name = os.path.basename(path)
    if name == "segv.py":
        ctypes.string_at(0)  # SIGSEGV
    if name == "hang.py":  # a native call that never returns: SIGALRM cannot interrupt it
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            time.sleep(3600)
    if name == "boom.py":
        raise RuntimeError("boom")
    if name == "killed.py":
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_analyze(data, path, rules, **kwargs)


def _errors(results: list[UnitResult]) -> dict[str, str]:
    return {r.path: r.error.reason for u in results for r in u.results if r.error is not None}


def _found(results: list[UnitResult]) -> set[str]:
    return {f.path for u in results for r in u.results for f in r.findings}


@pytest.fixture(scope="module")
def pack() -> Any:
    return load_rules([])


def test_crash_hang_error_and_kill_each_cost_one_entry(
    tmp_path: Path, pack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forked workers inherit the patched analyze (a forkserver would start them clean).
    monkeypatch.setattr(runner, "_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(runner, "analyze", _hostile_analyze)
    files = []
    for n in range(40):
        (tmp_path / f"ok{n:02d}.py").write_text(LEAK.format(tag=n))
    for bad in ("segv", "hang", "boom", "killed"):
        (tmp_path / f"{bad}.py").write_text(LEAK.format(tag=bad))
    for path in sorted(tmp_path.iterdir()):
        files.append(SourceFile(abspath=str(path), relpath=path.name, distribution=""))
    results = run_units(file_units(files), pack, RunOptions(jobs=2, timeout=1))
    errors = _errors(results)
    assert set(errors) == {"segv.py", "hang.py", "boom.py", "killed.py"}, errors
    assert "Segmentation fault" in errors["segv.py"]
    assert "took longer than 1 s" in errors["hang.py"]
    assert "RuntimeError: boom" in errors["boom.py"]
    assert "killed" in errors["killed.py"]
    assert _found(results) == {f"ok{n:02d}.py" for n in range(40)}


def test_pool_broken_while_submitting_runs_the_rest_on_a_new_pool(
    tmp_path: Path, pack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "ProcessPoolExecutor", BreaksWhileSubmitting)
    monkeypatch.setattr(BreaksWhileSubmitting, "instances", 0)
    files = []
    for n in range(40):
        (tmp_path / f"ok{n:02d}.py").write_text(LEAK.format(tag=n))
        files.append(SourceFile(str(tmp_path / f"ok{n:02d}.py"), f"ok{n:02d}.py", ""))
    results = run_units(file_units(files), pack, RunOptions(jobs=2, timeout=30))
    assert BreaksWhileSubmitting.instances >= 2  # the round was cut short
    assert _errors(results) == {}
    assert _found(results) == {f"ok{n:02d}.py" for n in range(40)}


def test_real_libcst_segfault_is_isolated(tmp_path: Path, pack: Any) -> None:
    # inside a function that forks, so slicing cannot leave the killer out of the parse
    deep = (
        "import os\ndef boom():\n    os.fork()\n    x = " + "(" * 10000 + "1" + ")" * 10000 + "\n"
    )
    (tmp_path / "deep.py").write_text(deep + LEAK.format(tag="deep").replace("import os\n", ""))
    for n in range(5):
        (tmp_path / f"ok{n}.py").write_text(LEAK.format(tag=n))
    files = [
        SourceFile(abspath=str(p), relpath=p.name, distribution="")
        for p in sorted(tmp_path.iterdir())
    ]
    results = run_units(file_units(files), pack, RunOptions(jobs=2, timeout=30))
    errors = _errors(results)
    assert list(errors) == ["deep.py"]
    assert "crashed the parser" in errors["deep.py"] or "nested" in errors["deep.py"]
    assert _found(results) == {f"ok{n}.py" for n in range(5)}


def test_files_that_vanish_or_change_during_the_scan(tmp_path: Path, pack: Any) -> None:
    site = make_fake_venv(tmp_path / "venv")
    names = ["gone", "to_dir", "to_fifo", "changed", "kept"]
    make_dist_info(site, "racy", "1.0", {f"racy/{n}.py": LEAK.format(tag=n) for n in names})
    env = load_environment(str(tmp_path / "venv"))
    units = environment_units(env, include_tests=False)
    racy = site / "racy"
    (racy / "gone.py").unlink()
    (racy / "to_dir.py").unlink()
    (racy / "to_dir.py").mkdir()
    (racy / "to_fifo.py").unlink()
    os.mkfifo(racy / "to_fifo.py")  # opening it blocking would hang the scan
    (racy / "changed.py").write_text(
        "import subprocess\n\n\ndef f():\n    subprocess.Popen(['x'])\n"
    )
    results = run_units(units, pack, RunOptions(jobs=2, timeout=30))
    errors = _errors(results)
    assert set(errors) == {"racy/gone.py", "racy/to_dir.py", "racy/to_fifo.py"}
    assert "No such file" in errors["racy/gone.py"]
    assert "not a regular file" in errors["racy/to_dir.py"]
    assert "not a regular file" in errors["racy/to_fifo.py"]
    found = {(f.path, f.rule) for u in results for r in u.results for f in r.findings}
    assert found == {("racy/kept.py", "FA101"), ("racy/changed.py", "FA103")}


def test_check_of_a_folder_holding_a_fifo_and_symlink_loops(tmp_path: Path, pack: Any) -> None:
    from forkaudit.files import collect_paths

    (tmp_path / "ok.py").write_text(LEAK.format(tag="ok"))
    os.mkfifo(tmp_path / "fifo.py")
    os.symlink("loop.py", tmp_path / "loop.py")
    os.symlink(".", tmp_path / "again")
    files, missing = collect_paths([str(tmp_path)], str(tmp_path))
    assert missing == []
    results = run_units(file_units(files), pack, RunOptions(jobs=1, timeout=30))
    errors = _errors(results)
    assert "not a regular file" in errors.pop("fifo.py")
    assert set(errors) <= {"loop.py"}
    assert _found(results) == {"ok.py"}


def test_oversized_file_is_an_error(
    tmp_path: Path, pack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MAX_FILE_BYTES", 1024)
    monkeypatch.setattr(runner, "_context", lambda: multiprocessing.get_context("fork"))
    (tmp_path / "big.py").write_text(LEAK.format(tag="big") + "#" * 4096 + "\n")
    files = [SourceFile(abspath=str(tmp_path / "big.py"), relpath="big.py", distribution="")]
    results = run_units(file_units(files), pack, RunOptions(jobs=1, timeout=30))
    assert "larger than" in _errors(results)["big.py"]


def test_result_type_is_unchanged() -> None:
    assert FileResult(path="x", findings=()).error is None
