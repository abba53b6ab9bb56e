"""A new user's first hour (issue 13): each trap seen when trying forkaudit as a newcomer, driven
through the installed command on real files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.builders import make_dist_info, make_fake_venv, run_cli

REAPED = """\
import subprocess
def run(cmd):
    proc = subprocess.Popen(cmd)
    proc.wait()
    return proc.returncode
"""
# the same file patched in place: the wait is gone (one line shorter, same RECORD)
PATCHED = REAPED.replace("    proc.wait()\n", "")


def _findings(result_stdout: str) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in json.loads(result_stdout)["findings"]]


def test_a_file_patched_in_place_is_rescanned_not_served_from_the_cache(tmp_path: Path) -> None:
    """The cache is keyed by what is read: RECORD does not change when a file is edited in
    place inside site-packages (a local patch, a RECORD without hashes, a rebuilt image)."""
    site = make_fake_venv(tmp_path / "venv")
    make_dist_info(site, "patchme", "1.0", {"patchme/__init__.py": REAPED}, record=None)
    cache = tmp_path / "cache"
    args = ["scan", str(tmp_path / "venv"), "--format", "json", "--cache-dir", str(cache), "-q"]
    for _ in range(2):  # cold, then from the cache
        result = run_cli(args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert _findings(result.stdout) == []
    module = site / "patchme" / "__init__.py"
    before = module.stat().st_mtime_ns
    module.write_text(PATCHED, encoding="utf-8")
    os.utime(module, ns=(before + 1_000_000_000, before + 1_000_000_000))
    for _ in range(2):  # the edit is seen, and then served from the cache again
        result = run_cli([*args, "--fail-on", "none"], cwd=tmp_path)
        assert _findings(result.stdout) == [("patchme/__init__.py", 3)], result.stdout


# --------------------------------------------------------------------------- shared set-up

LEAKY = "".join(
    f"def run_{n}(cmd):\n    subprocess.Popen(cmd + ['{n}' * 40])  # a long line {n}\n\n"
    for n in range(12)
)


def _project(tmp_path: Path) -> Path:
    """A project folder whose ``.venv`` holds one leaking distribution (12 findings)."""
    project = tmp_path / "proj"
    site = make_fake_venv(project / ".venv")
    make_dist_info(
        site, "leaky-lib", "2.0", {"leaky_lib/__init__.py": "import subprocess\n" + LEAKY}
    )
    (project / "pyproject.toml").write_text(
        '[project]\nname = "proj"\nversion = "0"\ndependencies = ["leaky-lib"]\n'
    )
    return project


def _in_terminal(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run forkaudit with its standard output on a real pseudo-terminal."""
    import pty
    import subprocess
    import sys

    from tests.builders import FORKAUDIT

    command = [FORKAUDIT, *args] if FORKAUDIT else [sys.executable, "-m", "forkaudit", *args]
    environ = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "NO_COLOR")}
    environ.update(env or {})
    master, slave = pty.openpty()
    with subprocess.Popen(
        command, cwd=cwd, env=environ, stdout=slave, stderr=subprocess.PIPE, text=True
    ) as proc:
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=120)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


# --------------------------------------------------------------------------- 1. environment


def test_forkaudits_own_active_environment_defers_to_the_projects_venv(tmp_path: Path) -> None:
    """`pip install forkaudit` in a venv of its own, activated, then `forkaudit scan` in the
    project: the project's .venv is audited (and stderr says so), not forkaudit's packages."""
    import sys

    project = _project(tmp_path)
    result = run_cli(
        ["scan", "--format", "json", "--no-cache", "--fail-on", "none"],
        cwd=project,
        env={"VIRTUAL_ENV": sys.prefix},
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["environment"]["path"] == str(project / ".venv")
    assert data["environment"]["source"] == "venv"
    assert {d["name"] for d in data["distributions"]} == {"leaky-lib"}
    assert "auditing .venv (the active environment is forkaudit's own)" in result.stderr
    # an active environment that is not forkaudit's own is still what is audited
    other = _project(tmp_path / "other") / ".venv"
    result = run_cli(
        ["scan", "--format", "json", "--no-cache", "--fail-on", "none"],
        cwd=project,
        env={"VIRTUAL_ENV": str(other)},
    )
    assert json.loads(result.stdout)["environment"]["path"] == str(other)


# --------------------------------------------------------------------------- 2. no surprise files


def test_the_html_report_is_written_only_with_the_terminal_table_or_when_asked(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path)
    report = project / "reports" / "forkaudit.html"
    for args in (["--format", "json"], ["--format", "sarif"], ["-q"], []):  # [] = piped text
        result = run_cli(["scan", "--no-cache", *args], cwd=project)
        assert result.returncode == 0, result.stderr  # medium findings: below --fail-on high
        assert not report.exists(), args
    code, _ = _in_terminal(["scan", "--no-cache", "--no-html"], cwd=project)
    assert code == 0 and not report.exists()
    code, out = _in_terminal(["scan", "--no-cache"], cwd=project)
    assert code == 0 and report.exists() and "leaky-lib" in report.read_text()
    assert "Distributions ranked by suspicion" in out  # the table, on a terminal
    elsewhere = tmp_path / "out" / "audit.html"
    result = run_cli(["scan", "--format", "json", "--html", str(elsewhere)], cwd=project)
    assert json.loads(result.stdout)["findings"] and "leaky-lib" in elsewhere.read_text()


# --------------------------------------------------------------------------- 3. greppable text


def test_piped_text_is_one_line_per_finding_with_everything_grep_needs(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_cli(["scan", "--no-cache"], cwd=project, env={"COLUMNS": "60"})
    lines = result.stdout.splitlines()
    findings = [line for line in lines if " FA103 [" in line]
    assert len(findings) == 12  # all of them when piped, not a top 10
    for line in findings:
        assert line.startswith("leaky_lib/__init__.py:")
        assert " FA103 [medium/" in line and "] leaky-lib: " in line
        assert line.rstrip().endswith(")")  # the flags close the line: nothing wrapped away
    assert any(line.startswith("#1 leaky-lib 2.0 score ") for line in lines)
    assert "score = " in result.stdout or "weight" in result.stdout  # the formula, not quiet
    assert "\x1b[" not in result.stdout
    quiet = run_cli(["scan", "--no-cache", "-q", "--top", "3"], cwd=project)
    assert "weight" not in quiet.stdout and quiet.stderr == ""
    assert sum(" FA103 [" in line for line in quiet.stdout.splitlines()) == 3
    assert "9 more findings (--top N, or --format json for all)" in quiet.stdout
    colored = run_cli(["scan", "--no-cache", "-q"], cwd=project, env={"FORCE_COLOR": "1"})
    assert "\x1b[33mFA103 [medium/" in colored.stdout  # a CI log asking for colour gets it
    assert (
        "\x1b["
        not in run_cli(
            ["scan", "--no-cache", "-q"], cwd=project, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}
        ).stdout
    )
    _, out = _in_terminal(
        ["scan", "--no-cache", "-q", "--no-html"], cwd=project, env={"FORCE_COLOR": "1"}
    )
    assert "\x1b[" in out and "Top findings (10 of 12)" in out
    assert "--top N for more" in out


def test_version_and_verbose(tmp_path: Path) -> None:
    from forkaudit import __version__

    assert run_cli(["-V"], cwd=tmp_path).stdout.strip() == f"forkaudit {__version__}"
    project = _project(tmp_path)
    bad = project / ".venv" / "lib" / "python3.12" / "site-packages" / "leaky_lib" / "broken.py"
    bad.write_text("import subprocess\ndef f(:\n    subprocess.Popen(x)\n")
    plain = run_cli(["scan", "--no-cache", "--fail-on", "none"], cwd=project)
    assert "1 files could not be parsed (-v names them)" in plain.stdout
    verbose = run_cli(["scan", "--no-cache", "--fail-on", "none", "-v"], cwd=project)
    assert "  leaky_lib/broken.py: " in verbose.stdout


# --------------------------------------------------------------------------- 4. check


def _repository(tmp_path: Path) -> Path:
    """A real git repository with src/pkg/mod.py leaking one Popen."""
    import subprocess

    repo = tmp_path / "repo"
    (repo / "src" / "pkg").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "src" / "pkg" / "mod.py").write_text(PATCHED)
    (repo / "src" / "pkg" / "fine.py").write_text(REAPED)
    return repo


def test_check_paths_are_relative_to_the_current_folder_with_severity(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    line = "src/pkg/mod.py:3:12: FA103 [medium] "
    for cwd, args in ((repo, ["src"]), (repo, []), (repo, ["."]), (repo, ["src/pkg/mod.py"])):
        result = run_cli(["check", "--no-cache", *args], cwd=cwd)
        assert result.returncode == 1 and result.stdout.startswith(line), (args, result.stdout)
    as_json = run_cli(["check", "--no-cache", "--format", "json"], cwd=repo)
    assert json.loads(as_json.stdout)["environment"]["source"] == "files"
    inside = run_cli(["check", "--no-cache", "pkg"], cwd=repo / "src")
    assert inside.stdout.startswith("pkg/mod.py:3:12: FA103 [medium] ")
    outside = run_cli(["check", "--no-cache", str(repo / "src")], cwd=tmp_path)
    assert outside.stdout.startswith("repo/src/pkg/mod.py:3:12: ")
    (repo / "src" / "pkg" / "broken.py").write_text("import os\ndef f(:\n    os.fork()\n")
    result = run_cli(["check", "--no-cache", "src"], cwd=repo)
    assert "src/pkg/broken.py: parse error: " in result.stdout
    assert "1 file(s) could not be parsed" in result.stderr
    (repo / "pyproject.toml").write_text("[project]\n")
    for name in ("pyproject.toml", "README"):
        (repo / name).touch()
        result = run_cli(["check", name], cwd=repo)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and "is not a Python file" in result.stderr
    (repo / "tool").write_text("#!/usr/bin/env python3\nimport os\nos.fork()\n")
    assert run_cli(["check", "--no-cache", "tool"], cwd=repo).returncode == 1  # a script


# --------------------------------------------------------------------------- 5. baseline


def test_a_baseline_matches_however_the_files_are_named(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    written = run_cli(["check", "src", "--write-baseline", "baseline.json"], cwd=repo)
    assert written.returncode == 0, written.stderr
    assert '"path": "src/pkg/mod.py"' in (repo / "baseline.json").read_text()
    for cwd, args in (
        (repo, ["src/pkg/mod.py"]),  # what pre-commit passes
        (repo, ["."]),
        (repo, []),
        (repo / "src", ["pkg"]),  # from another folder
        (tmp_path, [str(repo / "src")]),
    ):
        baseline = str(repo / "baseline.json")
        result = run_cli(["check", "--no-cache", *args, "--baseline", baseline], cwd=cwd)
        assert result.returncode == 0, (args, result.stdout)
        assert "0 new finding(s)" in result.stderr and "1 in the baseline" in result.stderr
        assert "matched no finding" not in result.stderr
    (repo / "src" / "pkg" / "mod.py").write_text(REAPED)  # fixed: the entry is stale now
    result = run_cli(["check", "--no-cache", "--baseline", "baseline.json"], cwd=repo)
    assert result.returncode == 0
    assert "1 baseline entry matched no finding" in result.stderr
    assert "--write-baseline" in result.stderr


# --------------------------------------------------------------------------- 8. github


def test_github_annotations(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    result = run_cli(["check", "--no-cache", "--format", "github", "src"], cwd=repo)
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        "::warning file=src/pkg/mod.py,line=3,col=12,endLine=3,title=FA103 popen-not-waited::"
    ), line
    assert "::[medium] bound to `proc` in run() and never waited" in line
    project = _project(tmp_path)
    subprocess_lines = run_cli(
        ["scan", "--no-cache", "--format", "github"], cwd=project
    ).stdout.splitlines()
    assert len(subprocess_lines) == 12
    for line in subprocess_lines:
        assert line.startswith("::warning file=pyproject.toml,line=4,title=FA103 ")
        assert "::leaky-lib: leaky_lib/__init__.py:" in line


# --------------------------------------------------------------------------- 10. small things


def test_small_input_errors_are_one_line(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    assert run_cli(["check", "--no-cache", "-j", "0", "src"], cwd=repo).returncode == 1
    for args, needle in (
        (["check", "-j", "many", "src"], "invalid int value: 'many'"),
        (["check", "-j", "-1", "src"], "--jobs must be 0 (every core) or more"),
        (["scan", "--bogus"], "see 'forkaudit scan --help'"),
        (["check", "--bogus"], "see 'forkaudit check --help'"),
    ):
        result = run_cli(args, cwd=repo)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert needle in result.stderr and "Traceback" not in result.stderr
    (repo / "pyproject.toml").write_text('[tool.forkaudit]\nexclude-paths = "src/*"\n')
    result = run_cli(["check", "src"], cwd=repo)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "exclude-paths must be a list" in result.stderr
    assert 'write exclude-paths = ["src/*"]' in result.stderr


def test_a_failing_deps_gate_says_how_to_accept_findings(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = run_cli(["deps", "--no-cache", "--fail-on", "medium"], cwd=project)
    assert result.returncode == 1
    assert "--write-baseline" in result.stderr and "ignore-findings" in result.stderr


def test_outside_a_repository_files_keep_their_folders(tmp_path: Path) -> None:
    """With no .git anywhere up, two files of the same name in different folders stay apart
    (paths and fingerprints relative to the folder given, as before)."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.py").write_text(PATCHED)
    result = run_cli(["check", "--no-cache", "--format", "json", "a/x.py", "b/x.py"], cwd=tmp_path)
    found = json.loads(result.stdout)["findings"]
    assert sorted(f["path"] for f in found) == ["a/x.py", "b/x.py"]
    assert len({f["fingerprint"] for f in found}) == 2
