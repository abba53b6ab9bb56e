"""Helpers of the run-time tracing tests (tests/test_runtime*.py): run ``forkaudit run`` and
``forkaudit watch`` as a user does (``python -m forkaudit.runtime``), find the Pythons to trace.

Fixture programs live in strings in the test modules (a leaky program written as a ``.py`` file
here would be flagged by ``forkaudit check tests``)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from forkaudit.runtime.launch import traced_environment

RUNTIME = [sys.executable, "-m", "forkaudit.runtime"]
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def pyenv_python(version: str) -> str | None:
    """The pyenv CPython ``version`` ("3.12") interpreter, None when pyenv has none."""
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    for root in roots:
        versions = Path(root) / "versions" if root else None
        if versions is None or not versions.is_dir():
            continue
        found = sorted(
            (p for p in versions.iterdir() if re.fullmatch(re.escape(version) + r"\.\d+", p.name)),
            key=lambda p: int(p.name.rsplit(".", 1)[1]),
        )
        for candidate in reversed(found):
            for name in ("python3", "python"):
                python = candidate / "bin" / name
                if python.exists():
                    return str(python)
    return None


def user_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a user's shell would pass: ours without the test venv's markers."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(extra or {})
    return env


def runtime(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m forkaudit.runtime ARGS`` to completion."""
    command = [*RUNTIME, *args]
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=user_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def run_plain(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """A command to completion, without forkaudit (to compare with a traced run)."""
    with subprocess.Popen(
        list(args),
        cwd=cwd,
        env=user_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(list(args), proc.returncode, out, err)


def hook_env(trace_dir: Path | str, interval: float = 0.1) -> dict[str, str]:
    """The environment ``run`` gives its command (to run a program traced without ``run``)."""
    return traced_environment(user_env(), str(trace_dir), interval, "test")


def without_forkaudit_lines(text: str) -> str:
    """Standard error of ``run`` minus its own summary lines."""
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith("forkaudit:")
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def realpath(path: str) -> str:
    return os.path.realpath(path)
