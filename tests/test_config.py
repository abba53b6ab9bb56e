"""[tool.forkaudit] in a real pyproject.toml, command-line overrides, config errors (exit 2), and
suppressions: inline comments in checked code, config ignores, unused suppressions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import SHOP_JOBS_PY, TargetVenv
from builders import run_cli as run


def project(tmp_path: Path, target_venv: TargetVenv, config: str) -> Path:
    """A project folder: pyproject.toml (shop's dependencies + ``config``) and ``.venv``, a
    symlink to the shared shop venv (which is never modified)."""
    folder = tmp_path / "proj"
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "shop"\nversion = "0.1.0"\n'
        'dependencies = ["acme-app>=1.0", "clean-lib"]\n\n' + config,
        encoding="utf-8",
    )
    (folder / ".venv").symlink_to(target_venv.venv, target_is_directory=True)
    return folder


def scan(folder: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    result = run(["scan", "--format", "json", "-q", "--no-cache", *extra], folder)
    data: dict[str, Any] = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, data, result.stderr


def keys(data: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["distribution"], f["rule"]) for f in data["findings"]}


ALL = {
    ("acme-proxy", "FA101"),
    ("acme-web", "FA103"),
    ("acme-web", "FA111"),
    ("acme-metrics", "FA115"),
}


def test_no_config_finds_everything(tmp_path: Path, target_venv: TargetVenv) -> None:
    code, data, _ = scan(project(tmp_path, target_venv, ""))
    assert code == 1
    assert keys(data) == ALL
    assert data["environment"]["counts"]["suppressed"] == 0


def test_select_ignore_and_fail_on_from_config(tmp_path: Path, target_venv: TargetVenv) -> None:
    folder = project(
        tmp_path, target_venv, '[tool.forkaudit]\nignore = ["FA101", "FA111"]\nfail-on = "medium"\n'
    )
    code, data, _ = scan(folder)
    assert keys(data) == {("acme-web", "FA103"), ("acme-metrics", "FA115")}
    assert data["environment"]["counts"]["suppressed"] == 2
    assert code == 1  # FA103 is medium, config fail-on is medium
    code, data, _ = scan(folder, "--fail-on", "high")  # the flag overrides the config
    assert code == 0
    code, data, _ = scan(folder, "--ignore", "FA103")  # replaces the config's ignore list
    assert keys(data) == {("acme-proxy", "FA101"), ("acme-web", "FA111"), ("acme-metrics", "FA115")}


def test_select_from_config(tmp_path: Path, target_venv: TargetVenv) -> None:
    _, data, _ = scan(project(tmp_path, target_venv, '[tool.forkaudit]\nselect = ["FA101"]\n'))
    assert keys(data) == {("acme-proxy", "FA101")}


def test_ignore_findings_by_distribution_rule_and_fingerprint(
    tmp_path: Path, target_venv: TargetVenv
) -> None:
    _, everything, _ = scan(project(tmp_path / "a", target_venv, ""))
    fingerprint = next(f["fingerprint"] for f in everything["findings"] if f["rule"] == "FA111")
    config = f"""[tool.forkaudit]

[[tool.forkaudit.ignore-findings]]
distribution = "ACME_Proxy"
reason = "forks once at start-up in our deployment"

[[tool.forkaudit.ignore-findings]]
distribution = "acme-web"
rule = "fa103"
reason = "render() is only called from a CLI"

[[tool.forkaudit.ignore-findings]]
fingerprint = "{fingerprint}"
reason = "reviewed"

[[tool.forkaudit.ignore-findings]]
distribution = "acme-metrics"
reason = "one exporter per process"
"""
    code, data, _ = scan(project(tmp_path / "b", target_venv, config))
    assert code == 0
    assert data["findings"] == []
    assert data["environment"]["counts"]["suppressed"] == 7


def test_include_and_exclude_distributions(tmp_path: Path, target_venv: TargetVenv) -> None:
    _, data, _ = scan(
        project(
            tmp_path / "a", target_venv, '[tool.forkaudit]\nexclude-distributions = ["acme-web"]\n'
        )
    )
    assert keys(data) == {("acme-proxy", "FA101"), ("acme-metrics", "FA115")}
    assert "acme-web" not in {d["name"] for d in data["distributions"]}
    _, data, _ = scan(
        project(
            tmp_path / "b", target_venv, '[tool.forkaudit]\ninclude-distributions = ["acme-web"]\n'
        )
    )
    assert keys(data) == {("acme-web", "FA103"), ("acme-web", "FA111")}
    assert [d["name"] for d in data["distributions"]] == ["acme-web"]


def test_exclude_paths(tmp_path: Path, target_venv: TargetVenv) -> None:
    _, data, _ = scan(
        project(
            tmp_path,
            target_venv,
            '[tool.forkaudit]\nexclude-paths = ["acme_web/*", "acme_metrics.py"]\n',
        )
    )
    assert keys(data) == {("acme-proxy", "FA101")}


def test_include_tests_from_config_and_flag(tmp_path: Path, target_venv: TargetVenv) -> None:
    folder = project(tmp_path, target_venv, "[tool.forkaudit]\ninclude-tests = true\n")
    _, data, _ = scan(folder)
    test_paths = {f["path"] for f in data["findings"] if "test_code" in f["flags"]}
    assert test_paths == {leak.path for leak in target_venv.test_leaks}
    _, data, _ = scan(folder, "--no-include-tests")
    assert not [f for f in data["findings"] if "test_code" in f["flags"]]


EXTRA_RULE = """[[rule]]
id = "X201"
name = "billiard-process-not-joined"
kind = "process"
severity = "medium"
handle = "object"
starts = ["billiard.Process"]
start-method = "start"
reaped-by-methods = ["join"]
context-manager = false
summary = "A billiard process is started and never joined."
consequence = "It stays a zombie until the parent exits."
fix = "Join it."

[[rule.example]]
leak = true
code = '''
import billiard

def run(job):
    p = billiard.Process(target=job)  # leak
    p.start()
'''
"""

BILLIARD_PY = """import billiard


def run(job):
    p = billiard.Process(target=job)
    p.start()
"""


def test_extra_rules_relative_to_the_pyproject_and_check_finds_config_upward(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    (root / "team_rules").mkdir(parents=True)
    (root / "team_rules" / "billiard.toml").write_text(EXTRA_RULE, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.forkaudit]\nextra-rules = ["team_rules"]\n',
        encoding="utf-8",
    )
    sub = root / "src" / "pkg"
    sub.mkdir(parents=True)
    (sub / "work.py").write_text(BILLIARD_PY, encoding="utf-8")
    result = run(["check", "work.py", "--no-cache"], sub)  # cwd two levels below the pyproject
    assert result.returncode == 1, result.stderr
    assert result.stdout == "work.py:5:9: X201 " + result.stdout.split(" X201 ", 1)[1]
    listed = run(["rules", "--extra-rules", str(root / "team_rules")], sub)
    assert "X201" in listed.stdout


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ('[tool.forkaudit]\nfail_on = "high"\n', "unknown key 'fail_on'"),
        ("[tool.forkaudit]\nfail-on = 3\n", "fail-on must be one of"),
        ('[tool.forkaudit]\nfail-on = "severe"\n', "fail-on must be one of"),
        ('[tool.forkaudit]\ninclude-tests = "yes"\n', "include-tests must be true or false"),
        ('[tool.forkaudit]\nselect = ["FA999"]\n', "select names unknown rule FA999"),
        (
            '[tool.forkaudit]\nselect = "FA101"\n',
            'select must be a list (list of rule ids), not a string: write select = ["FA101"]',
        ),
        ("[tool.forkaudit]\nexclude-paths = [1]\n", "exclude-paths must be list of glob"),
        (
            '[[tool.forkaudit.ignore-findings]]\ndistribution = "ray"\n',
            "ignore-findings entry 1 needs a reason",
        ),
        (
            '[[tool.forkaudit.ignore-findings]]\nrule = "FA101"\nreason = "x"\n',
            "needs a distribution or a fingerprint",
        ),
        (
            '[[tool.forkaudit.ignore-findings]]\ndistribution = "ray"\nreson = "x"\n',
            "unknown key 'reson'",
        ),
        ("[tool.forkaudit\n", "is not valid TOML"),
    ],
)
def test_config_errors_exit_2_naming_key_and_file(tmp_path: Path, config: str, needle: str) -> None:
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    result = run(["check", "ok.py", "--no-cache"], tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert needle in lines[0]
    assert str(tmp_path / "pyproject.toml") in lines[0]
    assert "Traceback" not in result.stderr


def test_scan_reads_the_project_of_the_venv_not_the_cwd(
    tmp_path: Path, target_venv: TargetVenv
) -> None:
    folder = project(tmp_path / "p", target_venv, '[tool.forkaudit]\nfail-on = "none"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "pyproject.toml").write_text("[tool.forkaudit]\nbogus = 1\n", encoding="utf-8")
    result = run(
        ["scan", str(folder / ".venv"), "-q", "--no-cache", "-o", "out.json", "--format", "json"],
        elsewhere,
    )
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- inline suppression


SUPPRESSED_PY = """import subprocess
import threading


def a(cmd):
    subprocess.Popen(cmd)  # forkaudit: ignore[FA103]


def b(cmd):
    subprocess.Popen(cmd)  # forkaudit: ignore


def c(cmd):
    proc = subprocess.Popen(  # forkaudit: ignore[FA103]
        cmd,
        shell=False,
    )
    return None


def d(cmd):
    subprocess.Popen(cmd)  # forkaudit: ignore[FA101]


def e(cmd):
    return len(cmd)  # forkaudit: ignore


def f(cmd):
    subprocess.Popen(cmd)
"""


def test_inline_suppressions_counted_and_unused_ones_flagged(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SUPPRESSED_PY, encoding="utf-8")
    result = run(["check", "app.py", "--no-cache"], tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    flagged = sorted(int(line.split(":")[1]) for line in lines if " FA103 " in line)
    assert flagged == [22, 30]  # d() has the wrong id; f() has no comment
    unused = [line for line in lines if "unused forkaudit suppression" in line]
    assert unused == [
        "app.py:22: unused forkaudit suppression",
        "app.py:26: unused forkaudit suppression",
    ]
    assert "3 suppressed" in result.stderr
    assert "2 unused suppression(s)" in result.stderr

    as_json = run(["check", "app.py", "--no-cache", "--format", "json"], tmp_path)
    data = json.loads(as_json.stdout)
    assert data["environment"]["counts"]["suppressed"] == 3
    assert data["environment"]["counts"]["unused_suppressions"] == 2
    assert "app.py:26: unused forkaudit suppression" in data["warnings"]


def test_unused_suppression_in_a_file_with_no_start_site(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("x = 1  # forkaudit: ignore[FA101]\n", encoding="utf-8")
    result = run(["check", ".", "--no-cache"], tmp_path)
    assert result.returncode == 0
    assert result.stdout == "plain.py:1: unused forkaudit suppression\n"


def test_suppressed_code_passes_check(tmp_path: Path) -> None:
    suppressed = SHOP_JOBS_PY.replace(
        'subprocess.Popen(["report", name])',
        'subprocess.Popen(["report", name])  # forkaudit: ignore[FA103]',
    )
    (tmp_path / "jobs.py").write_text(suppressed, encoding="utf-8")
    result = run(["check", "jobs.py", "--no-cache"], tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
