"""benchmarks/triage.py holds scans against the triages of their findings; ``--many`` sums up
several environments and says, for each, whether its first-ranked distribution is one whose
leaks accumulate (the user's question: which dependency fills my servers?)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "triage.py"


def _finding(distribution: str, line: int, severity: str, test: bool = False) -> dict[str, object]:
    return {
        "distribution": distribution,
        "path": f"{distribution}/core.py",
        "line": line,
        "rule": "FA111",
        "severity": severity,
        "message": "started and never joined",
        "flags": ["test_code"] if test else [],
    }


def _scan(folder: Path, env: str, ranked: list[str], findings: list[dict[str, object]]) -> Path:
    report = {
        "distributions": [
            {"name": name, "rank": rank, "score": 10.0 - rank}
            for rank, name in enumerate(ranked, 1)
        ],
        "findings": findings,
    }
    path = folder / f"{env}.json"
    path.write_text(json.dumps(report))
    return path


def _triage(folder: Path, name: str, entries: list[tuple[str, int, str]]) -> None:
    text = "".join(
        f'[[finding]]\npath = "{d}/core.py"\nline = {line}\nverdict = "{verdict}"\n'
        f'reason = "read"\n\n'
        for d, line, verdict in entries
    )
    (folder / f"{name}.toml").write_text(text)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def test_many_environments_summed_up(tmp_path: Path) -> None:
    scans, triages = tmp_path / "scans", tmp_path / "triages"
    scans.mkdir()
    triages.mkdir()
    # the culprit ranked first; a test-code finding is left out
    _scan(
        scans,
        "big",
        ["culprit", "innocent"],
        [
            _finding("culprit", 3, "high"),
            _finding("innocent", 5, "medium"),
            _finding("innocent", 9, "high", test=True),
        ],
    )
    _triage(triages, "bench", [("culprit", 3, "accumulates"), ("innocent", 5, "bounded")])
    # an innocent ranked first, with a false high; the culprit second
    _scan(
        scans,
        "held3",
        ["innocent", "culprit"],
        [_finding("innocent", 4, "high"), _finding("culprit", 7, "medium")],
    )
    _triage(triages, "held3", [("innocent", 4, "false-alarm"), ("culprit", 7, "accumulates")])
    done = _run("--many", str(scans), "--triage-dir", str(triages))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("big") and "culprit (1)" in line for line in lines), done.stdout
    assert any(line.startswith("held3") and "innocent (2)" in line for line in lines), done.stdout
    assert lines[-1] == (
        "2 environments: high findings that accumulate 1 of 2 (50%); real 3 of 4 (75%); "
        "first-ranked distribution holds an accumulating leak in 1 of the 2 environments with one"
    )


def test_one_scan_names_its_first_culprit(tmp_path: Path) -> None:
    scan = _scan(
        tmp_path,
        "held4",
        ["innocent", "culprit"],
        [_finding("innocent", 4, "medium"), _finding("culprit", 7, "medium")],
    )
    _triage(tmp_path, "held4", [("innocent", 4, "bounded"), ("culprit", 7, "accumulates")])
    done = _run(str(scan), "--triage", str(tmp_path / "held4.toml"))
    assert done.returncode == 0, done.stderr
    assert "first-ranked distribution: innocent, the first that does is #2" in done.stdout


def test_an_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    done = _run("--many", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip() == f"no scan (*.json) in {tmp_path}"
