"""Issue 6, through the CLI: a corrupt or shared cache, Ctrl-C mid-scan, and bad invocations."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from builders import FORKAUDIT, make_dist_info, make_fake_venv, run_cli
from children import processes

LEAK = "import os\n\n\ndef handle(conn):\n    pid = os.fork()  # leak {tag}\n    return conn\n"
CLEAN = "import os\n\n\ndef nothing_{n}(a):\n    return os.getcwd() + str(a)\n"


@pytest.fixture(scope="module")
def small_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six distributions, a few hundred files, a leak in some of them."""
    root = tmp_path_factory.mktemp("small")
    site = make_fake_venv(root / "venv")
    for d in range(6):
        files: dict[str, str | bytes] = {}
        for n in range(60):
            files[f"pkg{d}/m{n}.py"] = (
                LEAK.format(tag=f"{d}_{n}") if n % 7 == 0 else CLEAN.format(n=n)
            )
        make_dist_info(site, f"pkg{d}", "1.0", files)
    return root / "venv"


def _stable(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    data["environment"].pop("duration_seconds", None)
    data["environment"]["counts"].pop("cached_units", None)
    return data


@pytest.fixture(scope="module")
def reference(small_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    result = run_cli(
        ["scan", str(small_venv), "--format", "json", "--no-cache"],
        cwd=tmp_path_factory.mktemp("ref"),
    )
    assert result.returncode == 1, result.stderr
    data = _stable(result.stdout)
    assert len(data["findings"]) == 6 * 9
    return data


def _scan(venv: Path, cache: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(["scan", str(venv), "--format", "json", "--cache-dir", str(cache)], cwd=cwd)


def _cache_files(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*.json"))


# --------------------------------------------------------------------------- cache


def test_corrupt_cache_is_ignored_and_rebuilt(
    small_venv: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert _stable(_scan(small_venv, cache, tmp_path).stdout) == reference
    entries = _cache_files(cache)
    # six distributions, the environment stage and what it can import
    assert len(entries) == 8
    rng = random.Random(6)
    damage: list[Callable[[bytes], bytes]] = [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: bytes(rng.randrange(256) for _ in range(200)),  # garbage
        lambda b: b"[" * 200000,  # nested past the recursion limit
        lambda b: b"",  # empty
        lambda b: b.replace(b'"line":', b'"line":"x","_":', 1),  # valid JSON, bad type
        lambda b: b.replace(b'"severity":"high"', b'"severity":"<script>"', 1),
        lambda b: b.replace(b'"distributions":[', b'"distributions":[7,', 1),  # wrong shape
        lambda b: b.replace(b'"answers":{', b'"answers":{"a/b.py":[1],"c.py":7,', 1),
    ]
    for entry, spoil in zip(entries, damage, strict=True):
        entry.write_bytes(spoil(entry.read_bytes()))
    result = _scan(small_venv, cache, tmp_path)
    assert "Traceback" not in result.stderr
    assert _stable(result.stdout) == reference
    # ... and rebuilt: the next scan reads all six from the cache.
    again = json.loads(_scan(small_venv, cache, tmp_path).stdout)
    assert again["environment"]["counts"]["cached_units"] == 6
    assert _stable(json.dumps(again)) == reference


def test_two_scans_at_once_on_one_cache(
    small_venv: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    command = [FORKAUDIT] if FORKAUDIT else [sys.executable, "-m", "forkaudit"]
    args = [*command, "scan", str(small_venv), "--format", "json", "--cache-dir", str(cache)]
    procs = [
        subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 1, err
        assert _stable(out.decode()) == reference
    assert not [p for p in cache.rglob("*") if p.name.startswith(".tmp-")]
    assert _stable(_scan(small_venv, cache, tmp_path).stdout) == reference


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for child, _, parent in processes():
        children.setdefault(parent, []).append(child)
    out: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            out.add(child)
            stack.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


SLOW = "import subprocess\n\n" + "".join(
    f"def run_{n}(cmd):\n    proc = subprocess.Popen(cmd)\n    out = [proc.pid, {n}, cmd]\n"
    f"    return len(out) + sum(x for x in range({n % 7}))\n\n\n"
    for n in range(2500)
)


@pytest.fixture(scope="module")
def slow_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few distributions and one big module that takes a worker seconds to analyse, so a
    scan is certainly still running when the test interrupts it."""
    root = tmp_path_factory.mktemp("slow")
    site = make_fake_venv(root / "venv")
    for d in range(3):
        files: dict[str, str | bytes] = {
            f"pkg{d}/m{n}.py": LEAK.format(tag=f"{d}_{n}") if n % 7 == 0 else CLEAN.format(n=n)
            for n in range(30)
        }
        make_dist_info(site, f"pkg{d}", "1.0", files)
    make_dist_info(site, "slowpkg", "1.0", {"slowpkg/big.py": SLOW})
    return root / "venv"


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [(signal.SIGINT, 130, b"interrupted"), (signal.SIGTERM, 143, b"terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_ctrl_c_mid_scan_leaves_no_workers_and_a_sound_cache(
    slow_venv: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    signum: int,
    code: int,
    said: bytes,
) -> None:
    """Ctrl-C, and SIGTERM (a CI job's timeout, a service manager stopping it: before, the
    fork server and its workers outlived a terminated scan for good), stop the scan with no
    worker left and a cache a later scan can trust."""
    small_venv = slow_venv
    cache = tmp_path / "cache"
    # A short TMPDIR (pytest's are deep): the fork server's socket must fit in an AF_UNIX path.
    tmp = Path(tempfile.mkdtemp(prefix="fa-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    command = [FORKAUDIT] if FORKAUDIT else [sys.executable, "-m", "forkaudit"]
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("VIRTUAL_ENV", None)
    proc = subprocess.Popen(
        [
            *command,
            "scan",
            str(small_venv),
            "--format",
            "json",
            "--cache-dir",
            str(cache),
            "-j",
            "2",
            "--timeout",
            "60",
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # Wait until the worker pool exists (the forkserver's children: the pool lives until
        # the scan is done), then freeze the workers so the scan is certainly still running.
        workers: set[int] = set()
        while proc.poll() is None and not workers:
            if any(tmp.glob("forkaudit-*")):
                children = _descendants(proc.pid)
                direct = {c for c in children if c in _children(proc.pid)}
                workers = children - direct
            time.sleep(0.002)
        assert proc.poll() is None, ("the scan ended before it was interrupted", proc.communicate())
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        everything = _descendants(proc.pid)
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == code, err
    assert b"Traceback" not in err
    assert said in err
    for _ in range(100):  # the killed workers are reaped by their parents as they exit
        if not any(_alive(pid) for pid in everything):
            break
        time.sleep(0.05)
    assert [pid for pid in everything if _alive(pid)] == []
    assert not list(tmp.glob("forkaudit-*"))  # marker folder removed
    fresh = run_cli(["scan", str(small_venv), "--format", "json", "--no-cache"], cwd=tmp_path)
    assert _stable(_scan(small_venv, cache, tmp_path).stdout) == _stable(fresh.stdout)


def _children(pid: int) -> set[int]:
    return {c for c in _descendants(pid) if _parent(c) == pid}


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1


# --------------------------------------------------------------------------- bad invocations


def _bad(args: list[str], cwd: Path) -> str:
    result = run_cli(args, cwd=cwd)
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("forkaudit: error: ")
    return lines[0]


def test_bad_invocations_are_one_line_and_exit_2(tmp_path: Path, small_venv: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "file.txt").write_text("x")
    assert "not a Python environment" in _bad(["scan", str(tmp_path / "plain")], tmp_path)
    (tmp_path / "file.dat").write_text("x")
    assert "is a file" in _bad(["scan", str(tmp_path / "file.dat")], tmp_path)
    assert "does not exist" in _bad(["scan", str(tmp_path / "nowhere")], tmp_path)
    assert "does not exist" in _bad(["check", str(tmp_path / "nowhere.py")], tmp_path)

    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project\nname = 'x'\n")
    line = _bad(["scan", str(small_venv), "--project", str(project), "--no-cache"], tmp_path)
    assert "pyproject.toml" in line and "TOML" in line

    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.toml").write_text("[[rule]\nid = 'X1'\n")
    line = _bad(["check", str(tmp_path / "file.txt"), "--extra-rules", str(rules)], tmp_path)
    assert "bad.toml" in line and "TOML" in line
    (rules / "bad.toml").write_text(
        "[[rule]]\nid = 'X201'\nname = 'x'\nkind = 'process'\nseverity = 'urgent'\n"
        "handle = 'object'\nstarts = ['a.b']\nsummary = 's'\nconsequence = 'c'\nfix = 'f'\n"
    )
    line = _bad(["check", str(tmp_path / "file.txt"), "--extra-rules", str(rules)], tmp_path)
    assert "bad.toml" in line and "severity" in line
    assert "--timeout" in _bad(["check", str(tmp_path), "--timeout", "0"], tmp_path)
    _bad(["scan", "--jobs", "many"], tmp_path)


def test_deep_tmpdir_spawns_workers_instead(
    small_venv: Path, reference: dict[str, Any], tmp_path: Path
) -> None:
    """A TMPDIR too deep for the fork server's Unix socket ("AF_UNIX path too long"): the scan
    spawns its workers instead and gives the same report, no traceback."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    result = run_cli(
        ["scan", str(small_venv), "--format", "json", "--no-cache", "-j", "2"],
        tmp_path,
        {"TMPDIR": str(deep)},
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    assert _stable(result.stdout) == reference
