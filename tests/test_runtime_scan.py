"""`forkaudit run` then `forkaudit scan --runtime` (issue 11): what a real traced program did
settles the static findings, sites seen only at run time are reported, the culprit ranks first,
and every format shows it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.builders import create_venv, make_dist_info, run_cli, site_packages_of

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")

LEAKY = """\
import os, threading, time

def handle(request):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return pid

def serve_once():
    t = threading.Thread(target=_loop, daemon=True)
    t.start()

def _loop():
    while True:
        time.sleep(1)

def per_request_thread():
    t = threading.Thread(target=_loop, daemon=True)
    t.start()
"""
# a static finding the engine rates high that the trace shows started once: never high then
NOISY = """\
import threading, time

def start_reporter():
    t = threading.Thread(target=_report)
    t.daemon = True
    t.start()

def _report():
    while True:
        time.sleep(1)
"""
# a fork no static rule can see (the function is looked up by name): only the trace shows it
SNEAKY = """\
import os

def handle(request):
    fork = getattr(os, "fork")
    pid = fork()
    if pid == 0:
        os._exit(0)
    return pid
"""
APP = """\
import time, leaky_lib, noisy_metrics, sneaky_lib
leaky_lib.serve_once()
noisy_metrics.start_reporter()
for i in range(20):
    leaky_lib.handle(i)
    leaky_lib.per_request_thread()
    sneaky_lib.handle(i)
    time.sleep(0.01)
time.sleep(0.4)
"""


@pytest.fixture(scope="module")
def traced(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("runtime-scan")
    venv = create_venv(root / "venv")
    site = site_packages_of(venv)
    make_dist_info(site, "leaky-lib", "1.0", {"leaky_lib/__init__.py": LEAKY})
    make_dist_info(site, "noisy-metrics", "3.0", {"noisy_metrics/__init__.py": NOISY})
    make_dist_info(site, "sneaky-lib", "0.1", {"sneaky_lib/__init__.py": SNEAKY})
    (root / "app.py").write_text(APP)
    trace = root / "trace"
    python = str(venv / "bin" / "python")
    result = run_cli(
        ["run", "--trace", str(trace), "--interval", "0.1", "--", python, "app.py"], cwd=root
    )
    assert result.returncode == 0, result.stderr
    return root, venv, trace


def test_the_trace_settles_the_ranking(traced: tuple[Path, Path, Path]) -> None:
    root, venv, trace = traced
    result = run_cli(
        ["scan", str(venv), "--runtime", str(trace), "--format", "json", "--no-cache"], cwd=root
    )
    assert result.returncode == 1, result.stderr  # high findings seen piling up
    data = json.loads(result.stdout)
    assert data["runtime"]["processes"] == 1 and data["runtime"]["source"] == "run"
    findings = {(f["path"], f["line"]): f for f in data["findings"]}
    fork = findings[("leaky_lib/__init__.py", 4)]
    assert fork["runtime"] == {"starts": 20, "unreaped": 20, "processes": 1}
    assert fork["severity"] == "high" and {"observed", "accumulates"} <= set(fork["flags"])
    per_request = findings[("leaky_lib/__init__.py", 18)]
    assert per_request["runtime"]["unreaped"] == 20 and per_request["severity"] == "high"
    once = findings[("leaky_lib/__init__.py", 10)]
    assert once["runtime"]["starts"] == 1 and once["severity"] != "high"
    reporter = findings[("noisy_metrics/__init__.py", 4)]
    assert reporter["runtime"]["starts"] == 1 and reporter["severity"] != "high"
    assert "once per process: bounded" in reporter["message"]
    first = data["distributions"][0]
    assert first["name"] == "leaky-lib" and first["runtime"]["unreaped"] >= 40
    assert first["why"].startswith("seen piling up at run time")


def test_a_site_only_the_trace_saw_is_reported_and_can_be_ignored(
    traced: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    root, venv, trace = traced
    common = ["scan", str(venv), "--runtime", str(trace), "--format", "json", "--no-cache"]
    data = json.loads(run_cli(common, cwd=root).stdout)
    (sneaky,) = [f for f in data["findings"] if f["distribution"] == "sneaky-lib"]
    assert (sneaky["path"], sneaky["line"], sneaky["rule"]) == (
        "sneaky_lib/__init__.py",
        5,
        "FA101",
    )
    assert {"runtime-only", "observed", "accumulates"} <= set(sneaky["flags"])
    assert sneaky["severity"] == "high" and sneaky["runtime"]["unreaped"] == 20
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        "[[tool.forkaudit.ignore-findings]]\n"
        'distribution = "sneaky-lib"\n'
        'reason = "reviewed: the app calls it once"\n'
    )
    config = ["--config", str(project / "pyproject.toml")]
    ignored = json.loads(run_cli([*common, *config], cwd=root).stdout)
    assert not [f for f in ignored["findings"] if f["distribution"] == "sneaky-lib"]
    suppressed = ignored["environment"]["counts"]["suppressed"]
    assert suppressed == data["environment"]["counts"]["suppressed"] + 1


def test_every_format_shows_the_evidence(traced: tuple[Path, Path, Path]) -> None:
    root, venv, trace = traced
    common = ["scan", str(venv), "--runtime", str(trace), "--no-cache", "--fail-on", "none"]
    text = run_cli(common, cwd=root).stdout
    assert "run-time evidence: " in text and "seen at run time: started 20 times" in text
    sarif = json.loads(run_cli([*common, "--format", "sarif"], cwd=root).stdout)
    run = sarif["runs"][0]
    assert run["properties"]["runtime"]["processes"] == 1
    assert any(r["properties"].get("runtime", {}).get("unreaped") == 20 for r in run["results"])
    html = run_cli([*common, "--format", "html"], cwd=root).stdout
    assert 'id="runtime"' in html and html.count('<svg class="chart"') >= 2
    assert "<polyline" in html and "<script" not in html


def test_a_folder_without_a_trace_is_one_line(tmp_path: Path) -> None:
    from tests.builders import make_fake_venv

    make_fake_venv(tmp_path / "venv")
    (tmp_path / "empty").mkdir()
    result = run_cli(["scan", str(tmp_path / "venv"), "--runtime", "empty"], cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_sites_of_one_finding_count_distinct_processes() -> None:
    """One finding seen at two sites (its line reached from two call stacks): each started once
    in three workers of its own is six starts in six processes, once per process, not a pile-up
    (counting the processes as the most of either site, three, made it one); both in the same
    three workers is two per process, and all in one process is a pile-up."""
    from forkaudit.evidence import _summed, piles_up
    from forkaudit.runtime import RuntimeSite

    def site(line: int, pids: tuple[int, ...]) -> RuntimeSite:
        return RuntimeSite(
            path="/x/m.py", line=line, kind="thread", function="f", starts=len(pids),
            unreaped=len(pids), reaped=0, live_threads=len(pids), live_children=0, zombies=0,
            processes=len(set(pids)), pids=pids,
        )  # fmt: skip

    spread = _summed([site(10, (1, 2, 3)), site(12, (1, 2, 3))])
    assert (spread.starts, spread.unreaped, spread.processes) == (6, 6, 3)
    assert piles_up(spread)  # two per process, six in all: more than one per process
    once_each = _summed([site(10, (1, 2, 3)), site(12, (4, 5, 6))])
    assert once_each.processes == 6
    assert not piles_up(once_each)
    one = _summed([site(10, (7, 7, 7)), site(12, (7,))])
    assert one.processes == 1 and piles_up(one)


def test_a_re_arming_thread_caught_beside_its_successor_is_no_pile_up() -> None:
    """A timer chain re-arms itself: the thread that started the next one is still alive for an
    instant, so the last sample of two workers may count four; five is more than that."""
    from forkaudit.evidence import piles_up
    from forkaudit.model import Observed

    assert not piles_up(Observed(starts=80, unreaped=4, processes=2), threads=True)
    assert piles_up(Observed(starts=80, unreaped=5, processes=2), threads=True)
    assert piles_up(Observed(starts=4, unreaped=4, processes=2))  # children: one each at most
