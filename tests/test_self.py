"""We eat our own cooking: forkaudit's code passes its own check, mypy --strict and ruff."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    with subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        out, _ = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(args, proc.returncode, out, "")


def test_forkaudit_checks_itself_clean() -> None:
    result = _run(
        [
            sys.executable,
            "-m",
            "forkaudit",
            "check",
            "forkaudit",
            "tests",
            "benchmarks",
            "--fail-on",
            "low",
            "--no-cache",
        ]
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None, reason="mypy is installed by the test extra"
)
def test_mypy_strict() -> None:
    result = _run([sys.executable, "-m", "mypy", "--strict", "forkaudit"])
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None, reason="ruff is installed by the test extra"
)
def test_ruff_lint_and_format() -> None:
    lint = _run([sys.executable, "-m", "ruff", "check", "forkaudit", "tests"])
    assert lint.returncode == 0, lint.stdout
    fmt = _run([sys.executable, "-m", "ruff", "format", "--check", "forkaudit", "tests"])
    assert fmt.returncode == 0, fmt.stdout
