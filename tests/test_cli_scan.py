"""End to end, as a user runs it: `forkaudit scan` on a real venv of another Python version,
built from real wheels, through the installed console script."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from builders import TargetVenv
from builders import run_cli as run


@pytest.fixture(scope="session")
def scan_json(target_venv: TargetVenv, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cache = tmp_path_factory.mktemp("cache")
    result = run(["scan", "--format", "json", "--cache-dir", str(cache)], cwd=target_venv.project)
    assert result.returncode == 1, result.stderr  # acme-proxy forks and never waits: high
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_finds_every_unreaped_site(scan_json: dict[str, Any], target_venv: TargetVenv) -> None:
    found = {(f["distribution"], f["path"], f["line"]) for f in scan_json["findings"]}
    for leak in target_venv.leaks:
        assert (leak.distribution, leak.path, leak.line) in found, leak


def test_reports_nothing_for_reaped_code(
    scan_json: dict[str, Any], target_venv: TargetVenv
) -> None:
    flagged = {f["path"] for f in scan_json["findings"]}
    assert not flagged & set(target_venv.clean_files)
    expected = {(leak.path, leak.line) for leak in target_venv.leaks}
    extra = [f for f in scan_json["findings"] if (f["path"], f["line"]) not in expected]
    assert extra == [], extra


def test_test_code_skipped_by_default(scan_json: dict[str, Any], target_venv: TargetVenv) -> None:
    paths = {f["path"] for f in scan_json["findings"]}
    for leak in target_venv.test_leaks:
        assert leak.path not in paths


def test_target_python_version_and_environment(
    scan_json: dict[str, Any], target_venv: TargetVenv
) -> None:
    environment = scan_json["environment"]
    assert environment["python_version"] == target_venv.python_version
    assert environment["python_version"] != f"{sys.version_info.major}.{sys.version_info.minor}"
    assert Path(environment["path"]).resolve() == target_venv.venv.resolve()


def test_ranking_and_chains(scan_json: dict[str, Any], target_venv: TargetVenv) -> None:
    dists = {d["name"]: d for d in scan_json["distributions"]}
    leaky = {leak.distribution for leak in target_venv.leaks}
    clean = [name for name in dists if name not in leaky]
    worst_clean = min(dists[name]["rank"] for name in clean)
    for name in leaky:
        assert dists[name]["rank"] < worst_clean, (name, dists[name]["rank"])
        assert dists[name]["score"] > 0
    assert dists["acme-proxy"]["chain"] == list(target_venv.chains["acme-proxy"])
    assert dists["acme-proxy"]["chain"][-1] == "acme-proxy"
    assert dists["clean-lib"]["score"] == 0
    assert dists["clean-lib"]["files"]["compiled"] >= 1
    assert [d["rank"] for d in sorted(scan_json["distributions"], key=lambda d: d["rank"])] == list(
        range(1, len(dists) + 1)
    )


def test_the_culprits_rank_above_the_noisy_innocent(scan_json: dict[str, Any]) -> None:
    """The story of DESIGN §1: acme-metrics has the most findings (executors per exporter
    object, and a self-re-arming timer and service threads started once per process, which are
    not even findings), but nothing of it piles up; acme-proxy forks per connection and never
    waits, acme-web starts a never-ending thread per request. The ranking names those first."""
    dists = {d["name"]: d for d in scan_json["distributions"]}
    findings = scan_json["findings"]
    innocent = [f for f in findings if f["distribution"] == "acme-metrics"]
    proxy = [f for f in findings if f["distribution"] == "acme-proxy"]
    assert len(innocent) > len(proxy)
    assert {f["severity"] for f in innocent} == {"medium"}
    assert all("per-object" in f["flags"] for f in innocent)
    assert [f["severity"] for f in proxy] == ["high"]
    assert {"accumulates", "per-request"} <= set(proxy[0]["flags"])
    assert "handle() is a request or connection handler" in proxy[0]["message"]
    for culprit in ("acme-proxy", "acme-web"):
        assert dists[culprit]["rank"] < dists["acme-metrics"]["rank"], culprit
        assert dists[culprit]["why"].startswith("can pile up under load")
    assert dists["acme-metrics"]["why"].startswith("nothing seen to pile up")
    assert dists["clean-lib"]["why"] == "no finding"


def test_never_imports_the_scanned_code(scan_json: dict[str, Any], target_venv: TargetVenv) -> None:
    assert not target_venv.canary.exists()


def test_include_tests_reports_test_code_apart(target_venv: TargetVenv, tmp_path: Path) -> None:
    result = run(
        [
            "scan",
            str(target_venv.venv),
            "--include-tests",
            "--format",
            "json",
            "--no-cache",
            "-o",
            str(tmp_path / "r.json"),
        ],
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stderr
    data = json.loads((tmp_path / "r.json").read_text())
    test_findings = [f for f in data["findings"] if "test_code" in f["flags"]]
    assert {(f["path"], f["line"]) for f in test_findings} == {
        (leak.path, leak.line) for leak in target_venv.test_leaks
    }
    web = next(d for d in data["distributions"] if d["name"] == "acme-web")
    assert web["test_findings"] == len(target_venv.test_leaks)


def test_html_written_when_asked_not_when_piped(target_venv: TargetVenv) -> None:
    report = target_venv.project / "reports" / "forkaudit.html"
    if report.exists():
        report.unlink()
    result = run(["scan", "--no-cache"], cwd=target_venv.project)
    assert result.returncode == 1
    assert "acme-proxy" in result.stdout
    assert not report.exists() and "HTML" not in result.stderr  # piped: no surprise file
    result = run(["scan", "--html", "reports/forkaudit.html"], cwd=target_venv.project)
    assert "reports/forkaudit.html" in result.stderr
    html = report.read_text()
    assert "acme-proxy" in html and "<script" not in html.lower().replace("<script>", "")


def test_fail_on_and_exit_zero(target_venv: TargetVenv) -> None:
    assert (
        run(
            ["scan", "--no-cache", "--format", "json", "--fail-on", "none"], cwd=target_venv.project
        ).returncode
        == 0
    )
    assert (
        run(
            ["scan", "--no-cache", "--format", "json", "--exit-zero"], cwd=target_venv.project
        ).returncode
        == 0
    )
    assert (
        run(
            ["scan", "--no-cache", "--format", "json", "--fail-on", "medium"],
            cwd=target_venv.project,
        ).returncode
        == 1
    )


def test_cold_warm_serial_parallel_identical(target_venv: TargetVenv, tmp_path: Path) -> None:
    outputs = []
    cache = tmp_path / "cache"
    for args in (
        ["--no-cache", "-j", "1"],
        ["--no-cache", "-j", "2"],
        ["--cache-dir", str(cache)],
        ["--cache-dir", str(cache)],
    ):
        result = run(["scan", str(target_venv.venv), "--format", "json", *args], cwd=tmp_path)
        data = json.loads(result.stdout)
        data["environment"].pop("duration_seconds")
        data["environment"]["counts"].pop("cached_units", None)
        outputs.append(json.dumps(data, sort_keys=True))
    assert len(set(outputs)) == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["scan", "/nonexistent/venv"], "does not exist"),
        (["scan", "--format", "xml"], "invalid choice"),
        (["explain", "FA999"], "no rule"),
        (["check", "nope.py"], "does not exist"),
        (["scan", "--select", "FA999"], "unknown rule"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: list[str], needle: str, tmp_path: Path) -> None:
    result = run(args, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_not_an_environment(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    for target in (tmp_path, tmp_path / "file.txt"):
        result = run(["scan", str(target)], cwd=tmp_path)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_check_own_code(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import subprocess\n\ndef run(cmd):\n    p = subprocess.Popen(cmd)\n    return p.stdout\n\n"
        "def ok(cmd):\n    with subprocess.Popen(cmd) as p:\n        return p.pid\n"
    )
    result = run(["check", "app.py", "--no-cache"], cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("app.py:4:9: FA103 ")
    assert len(result.stdout.strip().splitlines()) == 1
    data = json.loads(run(["check", ".", "--format", "json", "--no-cache"], cwd=tmp_path).stdout)
    assert [(f["path"], f["line"], f["rule"]) for f in data["findings"]] == [("app.py", 4, "FA103")]


def test_check_two_folders_holding_a_file_of_the_same_name(tmp_path: Path) -> None:
    # outside a repository each folder's files are named from it: both are `m.py`
    for folder, code in (
        ("a", "import subprocess\n\ndef f():\n    subprocess.Popen(['x'])\n"),
        ("b", "import os\n\ndef g():\n    os.fork()\n"),
    ):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text(code)
    for given in (["a", "b"], ["a/m.py", "b/m.py"]):
        data = json.loads(
            run(["check", *given, "--format", "json", "--no-cache"], cwd=tmp_path).stdout
        )
        found = sorted((f["path"], f["rule"]) for f in data["findings"])
        assert found == [("a/m.py", "FA103"), ("b/m.py", "FA101")], (given, found)
        assert len({f["fingerprint"] for f in data["findings"]}) == 2
    # an unused suppression is told under its own file; exclude-paths drops only the one named
    (tmp_path / "a" / "m.py").write_text(
        "import subprocess\n\ndef f():\n    x = 1  # forkaudit: ignore\n"
        "    subprocess.Popen(['x'])\n"
    )
    (tmp_path / "pyproject.toml").write_text('[tool.forkaudit]\nexclude-paths = ["b/*"]\n')
    result = run(["check", "b", "a", "--no-cache"], cwd=tmp_path)
    assert result.stdout.startswith("a/m.py:5:5: FA103 "), result.stdout
    assert "b/m.py" not in result.stdout + result.stderr
    assert "a/m.py:4: unused forkaudit suppression" in result.stdout + result.stderr


def test_rules_and_explain(tmp_path: Path) -> None:
    listing = run(["rules"], cwd=tmp_path)
    assert listing.returncode == 0 and "FA101" in listing.stdout and "FA113" in listing.stdout
    explained = run(["explain", "popen-not-waited"], cwd=tmp_path)
    assert explained.returncode == 0
    for part in ("FA103", "Why it hurts", "How to fix", "Example (Leaks)", "Example (Fine)"):
        assert part in explained.stdout


def test_help_documents_exit_codes(tmp_path: Path) -> None:
    result = run(["scan", "--help"], cwd=tmp_path)
    assert result.returncode == 0
    assert "exit codes" in result.stdout and "--fail-on" in result.stdout


def test_check_knows_thread_subclasses_of_sibling_modules(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "watch.py").write_text(
        "import threading\n\nclass Watcher(threading.Thread):\n    def run(self):\n        while True:\n            scan()\n"
    )
    (package / "use.py").write_text(
        "from .watch import Watcher\n\ndef on_event():\n    Watcher().start()\n"
    )
    for _ in range(2):  # cold, then from the cache
        result = run(["check", "pkg", "--cache-dir", str(tmp_path / "cache")], cwd=tmp_path)
        assert result.returncode == 1
        assert result.stdout.startswith("pkg/use.py:4:5: FA111 [high] "), result.stdout
    # the subclass now ends by itself: the cached result must not survive the change
    (package / "watch.py").write_text(
        "import threading\n\nclass Watcher(threading.Thread):\n    def run(self):\n        scan()\n"
    )
    result = run(["check", "pkg", "--cache-dir", str(tmp_path / "cache")], cwd=tmp_path)
    assert result.returncode == 0, result.stdout


def test_environment_cache_notices_installs_and_removals(tmp_path: Path) -> None:
    from builders import make_dist_info, make_fake_venv

    venv = tmp_path / "venv"
    site = make_fake_venv(venv, "3.10")
    make_dist_info(site, "calm", "1.0", {"calm/__init__.py": "def f():\n    return 1\n"})
    cache = tmp_path / "cache"

    def scan() -> dict[str, Any]:
        result = run(
            ["scan", str(venv), "--format", "json", "--cache-dir", str(cache)], cwd=tmp_path
        )
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    assert [d["name"] for d in scan()["distributions"]] == ["calm"]
    assert scan()["environment"]["counts"]["cached_units"] == 1  # warm: nothing parsed again
    leaky = make_dist_info(
        site, "leaky", "2.0", {"leaky/__init__.py": "import os\n\ndef f():\n    os.fork()\n"}
    )
    after_install = scan()
    assert sorted(d["name"] for d in after_install["distributions"]) == ["calm", "leaky"]
    assert [f["path"] for f in after_install["findings"]] == ["leaky/__init__.py"]
    shutil.rmtree(leaky)
    shutil.rmtree(site / "leaky")
    after_removal = scan()
    assert [d["name"] for d in after_removal["distributions"]] == ["calm"]
    assert after_removal["findings"] == []
