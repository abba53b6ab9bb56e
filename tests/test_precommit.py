"""The two hooks of .pre-commit-hooks.yaml, run by the real ``pre-commit`` in temporary git
repositories holding real venvs.

pre-commit builds its own isolated environment and pip-installs forkaudit into it from a git
copy of this working tree (so the tests do not depend on what HEAD holds); the pre-commit cache
(PRE_COMMIT_HOME) is shared by the whole session, so that install happens once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import SHOP_JOBS_PY, TargetVenv
from conftest import BuiltVenv, VenvFactory

REPO = Path(__file__).resolve().parent.parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "forkaudit tests",
    "GIT_AUTHOR_EMAIL": "tests@forkaudit.invalid",
    "GIT_COMMITTER_NAME": "forkaudit tests",
    "GIT_COMMITTER_EMAIL": "tests@forkaudit.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}
PACKAGE_PARTS = ("forkaudit/", "rules/", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(args: list[str], cwd: Path, home: Path) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(home)}
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="session")
def git_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A HOME with no user git config, so commits and hooks behave the same everywhere."""
    home = tmp_path_factory.mktemp("git-home")
    (home / ".gitconfig").write_text(
        "[init]\n\tdefaultBranch = main\n[safe]\n\tdirectory = *\n", encoding="utf-8"
    )
    return home


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, git_home: Path) -> Path:
    """A git repository with this working tree's package files committed (tracked files as they
    are on disk, plus new, not yet tracked files of the package)."""
    listed = _git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO, git_home)
    dest = tmp_path_factory.mktemp("forkaudit-hook-repo")
    for rel in sorted(set(listed.split("\0"))):
        if not rel or not rel.startswith(PACKAGE_PARTS):
            continue
        source = REPO / rel
        if not source.is_file():
            continue  # deleted in the working tree
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    _git(["init", "-q"], dest, git_home)
    _git(["add", "-A"], dest, git_home)
    _git(["commit", "-q", "-m", "forkaudit working tree"], dest, git_home)
    return dest


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture(scope="session")
def leaky_venv(venv_factory: VenvFactory, target_venv: TargetVenv) -> BuiltVenv:
    """acme-app -> acme-web -> acme-proxy: a high finding (acme-proxy forks, never waits)."""
    return venv_factory(target_venv.wheels, ["acme-app"], ["acme-app"], name="leaky")


@pytest.fixture(scope="session")
def clean_venv(venv_factory: VenvFactory, target_venv: TargetVenv) -> BuiltVenv:
    return venv_factory(target_venv.wheels, ["clean-lib"], ["clean-lib"], name="clean")


def _user_repo(
    root: Path, git_home: Path, files: dict[str, str], venv: BuiltVenv | None = None
) -> Path:
    """A git repository with ``files`` committed and, when given, ``.venv`` -> the venv."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / ".gitignore").write_text(".venv\nreports/\n", encoding="utf-8")
    if venv is not None:
        (root / ".venv").symlink_to(venv.venv, target_is_directory=True)
    _git(["init", "-q"], root, git_home)
    _git(["add", "-A"], root, git_home)
    _git(["commit", "-q", "-m", "init"], root, git_home)
    return root


def _pre_commit(
    args: list[str], cwd: Path, pre_commit_home: Path, git_home: Path
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH") and not k.startswith("PRE_COMMIT")
    }
    env.update(GIT_ENV)
    env["HOME"] = str(git_home)
    env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    env["XDG_CACHE_HOME"] = str(git_home / "cache")
    env["NO_COLOR"] = "1"
    with subprocess.Popen(
        [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        out, _ = proc.communicate(timeout=1200)
    return subprocess.CompletedProcess(args, proc.returncode, out, "")


def _try_repo(
    hook: str,
    cwd: Path,
    hook_repo: Path,
    pre_commit_home: Path,
    git_home: Path,
    verbose: bool = False,
) -> subprocess.CompletedProcess[str]:
    extra = ["--verbose"] if verbose else []
    return _pre_commit(
        ["try-repo", str(hook_repo), hook, "--all-files", *extra], cwd, pre_commit_home, git_home
    )


def _run_hook(
    hook: str,
    cwd: Path,
    hook_repo: Path,
    pre_commit_home: Path,
    git_home: Path,
    args: tuple[str, ...] = (),
    verbose: bool = False,
) -> subprocess.CompletedProcess[str]:
    """``pre-commit run HOOK --all-files`` with a committed .pre-commit-config.yaml naming the
    hook repository at its commit: unlike try-repo (a fresh store per call), this reuses the
    session's PRE_COMMIT_HOME, so the hook environment is installed once."""
    rev = _git(["rev-parse", "HEAD"], hook_repo, git_home).strip()
    config = f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n  - id: {hook}\n"
    if args:
        config += f"    args: [{', '.join(args)}]\n"
    (cwd / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(["add", ".pre-commit-config.yaml"], cwd, git_home)
    _git(["commit", "-q", "--allow-empty", "-m", "pre-commit config"], cwd, git_home)
    extra = ["--verbose"] if verbose else []
    return _pre_commit(["run", hook, "--all-files", *extra], cwd, pre_commit_home, git_home)


def _pyproject(deps: list[str], extra: str = "") -> str:
    listed = ", ".join(f'"{d}"' for d in deps)
    return f'[project]\nname = "app"\nversion = "0.1.0"\ndependencies = [{listed}]\n{extra}'


CLEAN_PY = "import subprocess\n\n\ndef run(cmd):\n    with subprocess.Popen(cmd) as proc:\n        return proc.wait()\n"


# --------------------------------------------------------------------------- forkaudit (own code)


def test_own_code_hook_fails_on_a_leak(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, git_home: Path
) -> None:
    repo = _user_repo(tmp_path / "repo", git_home, {"app/jobs.py": SHOP_JOBS_PY})
    result = _try_repo("forkaudit", repo, hook_repo, pre_commit_home, git_home)
    assert result.returncode == 1, result.stdout
    assert "app/jobs.py:7:5: FA103" in result.stdout


def test_own_code_hook_passes_clean_and_suppressed_code(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, git_home: Path
) -> None:
    suppressed = SHOP_JOBS_PY.replace(
        'subprocess.Popen(["report", name])',
        'subprocess.Popen(["report", name])  # forkaudit: ignore[FA103]',
    )
    repo = _user_repo(
        tmp_path / "repo", git_home, {"app/jobs.py": suppressed, "app/clean.py": CLEAN_PY}
    )
    result = _run_hook("forkaudit", repo, hook_repo, pre_commit_home, git_home)
    assert result.returncode == 0, result.stdout
    assert "Passed" in result.stdout


# --------------------------------------------------------------------------- forkaudit-deps


def test_deps_hook_fails_on_a_leaky_environment(
    tmp_path: Path,
    hook_repo: Path,
    pre_commit_home: Path,
    git_home: Path,
    leaky_venv: BuiltVenv,
) -> None:
    repo = _user_repo(
        tmp_path / "repo", git_home, {"pyproject.toml": _pyproject(["acme-app"])}, leaky_venv
    )
    result = _try_repo("forkaudit-deps", repo, hook_repo, pre_commit_home, git_home)
    assert result.returncode == 1, result.stdout
    assert "acme-proxy" in result.stdout
    assert "app → acme-app → acme-web → acme-proxy" in result.stdout
    assert not (repo / "reports").exists()  # the gate writes no HTML report into the repo


def test_deps_hook_passes_a_clean_environment(
    tmp_path: Path,
    hook_repo: Path,
    pre_commit_home: Path,
    git_home: Path,
    clean_venv: BuiltVenv,
) -> None:
    repo = _user_repo(tmp_path / "repo", git_home, {"requirements.txt": "clean-lib\n"}, clean_venv)
    result = _run_hook("forkaudit-deps", repo, hook_repo, pre_commit_home, git_home)
    assert result.returncode == 0, result.stdout
    assert "Passed" in result.stdout


def test_deps_hook_passes_when_every_finding_is_in_the_baseline(
    tmp_path: Path,
    hook_repo: Path,
    pre_commit_home: Path,
    git_home: Path,
    leaky_venv: BuiltVenv,
) -> None:
    baseline = tmp_path / "baseline.json"
    written = subprocess.run(
        [
            sys.executable,
            "-m",
            "forkaudit",
            "scan",
            str(leaky_venv.venv),
            "-q",
            "--no-cache",
            "--format",
            "json",
            "-o",
            str(tmp_path / "ignored.json"),
            "--write-baseline",
            str(baseline),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert written.returncode == 0, written.stderr
    repo = _user_repo(
        tmp_path / "repo",
        git_home,
        {
            "pyproject.toml": _pyproject(
                ["acme-app"], '\n[tool.forkaudit]\nbaseline = "forkaudit-baseline.json"\n'
            ),
            "forkaudit-baseline.json": baseline.read_text(encoding="utf-8"),
        },
        leaky_venv,
    )
    result = _run_hook("forkaudit-deps", repo, hook_repo, pre_commit_home, git_home, verbose=True)
    assert result.returncode == 0, result.stdout
    assert "0 new finding(s), 7 in the baseline" in result.stdout


def test_deps_hook_never_audits_its_own_environment(
    tmp_path: Path, hook_repo: Path, pre_commit_home: Path, git_home: Path
) -> None:
    """No project venv: pre-commit points $VIRTUAL_ENV at the hook's own environment, which must
    be recognised and refused (exit 2, a clear message) rather than audited."""
    repo = _user_repo(tmp_path / "repo", git_home, {"pyproject.toml": _pyproject(["acme-app"])})
    result = _run_hook("forkaudit-deps", repo, hook_repo, pre_commit_home, git_home)
    assert result.returncode != 0, result.stdout
    assert "no project environment found" in result.stdout
    assert "pass --venv PATH" in result.stdout


def test_deps_hook_skips_when_no_dependency_file_changed(
    tmp_path: Path,
    hook_repo: Path,
    pre_commit_home: Path,
    git_home: Path,
    leaky_venv: BuiltVenv,
) -> None:
    repo = _user_repo(tmp_path / "repo", git_home, {"app/clean.py": CLEAN_PY}, leaky_venv)
    result = _run_hook("forkaudit-deps", repo, hook_repo, pre_commit_home, git_home)
    assert result.returncode == 0, result.stdout
    assert "Skipped" in result.stdout


def test_deps_hook_takes_venv_and_fail_on_args(
    tmp_path: Path,
    hook_repo: Path,
    pre_commit_home: Path,
    git_home: Path,
    leaky_venv: BuiltVenv,
) -> None:
    """--venv pointing outside the repository (which has no venv), and --fail-on."""
    repo = _user_repo(tmp_path / "repo", git_home, {"requirements.txt": "acme-app\n"})
    venv = ("--venv", str(leaky_venv.venv))
    failing = _run_hook(
        "forkaudit-deps", repo, hook_repo, pre_commit_home, git_home, (*venv, "--fail-on", "high")
    )
    assert failing.returncode == 1, failing.stdout
    assert "acme-proxy" in failing.stdout
    passing = _run_hook(
        "forkaudit-deps", repo, hook_repo, pre_commit_home, git_home, (*venv, "--fail-on", "none")
    )
    assert passing.returncode == 0, passing.stdout


def test_requirements_hook_gates_a_requirements_file_with_no_environment(
    tmp_path: Path,
    hook_repo: Path,
    pre_commit_home: Path,
    git_home: Path,
    target_venv: TargetVenv,
) -> None:
    """`forkaudit-requirements` audits what the changed requirements file would install, from
    wheels pip resolves (here a local find-links folder): no venv exists anywhere."""
    args = ("--find-links", str(target_venv.wheels), "--no-index")
    leaky = _user_repo(tmp_path / "leaky", git_home, {"requirements.txt": "acme-app\n"})
    result = _run_hook("forkaudit-requirements", leaky, hook_repo, pre_commit_home, git_home, args)
    assert result.returncode == 1, result.stdout
    assert "acme-proxy" in result.stdout and "acme_proxy/proxy.py" in result.stdout
    assert not (leaky / ".venv").exists() and not (leaky / "reports").exists()
    clean = _user_repo(tmp_path / "clean", git_home, {"requirements.txt": "clean-lib\n"})
    result = _run_hook("forkaudit-requirements", clean, hook_repo, pre_commit_home, git_home, args)
    assert result.returncode == 0, result.stdout
