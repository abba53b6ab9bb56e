"""Baselines on real environments: write, then report and fail only on new findings; fingerprints
survive line shifts and version bumps; duplicates are a multiset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builders import TargetVenv, make_dist_info, make_fake_venv
from builders import run_cli as run


def scan_json(venv: Path, cwd: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = run(["scan", str(venv), "--format", "json", "-q", "--no-cache", *extra], cwd)
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return result.returncode, data


def test_write_then_only_new_findings(tmp_path: Path, target_venv: TargetVenv) -> None:
    base = tmp_path / "forkaudit-baseline.json"
    written = run(
        [
            "scan",
            str(target_venv.venv),
            "-q",
            "--no-cache",
            "--format",
            "json",
            "-o",
            str(tmp_path / "r.json"),
            "--write-baseline",
            str(base),
        ],
        tmp_path,
    )
    assert written.returncode == 0, written.stderr  # writing a baseline accepts what is there
    text = base.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == '{"forkaudit_baseline": 1, "findings": ['
    assert lines[-1] == "]}"
    entries = [json.loads(line.rstrip(",")) for line in lines[1:-1]]
    assert len(entries) == len(target_venv.leaks)
    order = [(e["distribution"], e["path"], e["rule"]) for e in entries]
    assert order == sorted(order)
    assert json.loads(text)["findings"] == entries  # the whole file is JSON too

    again = tmp_path / "again.json"
    run(
        [
            "scan",
            str(target_venv.venv),
            "-q",
            "--no-cache",
            "--format",
            "json",
            "-o",
            str(tmp_path / "r2.json"),
            "--write-baseline",
            str(again),
        ],
        tmp_path,
    )
    assert again.read_bytes() == base.read_bytes()  # stable bytes

    code, data = scan_json(target_venv.venv, tmp_path, "--baseline", str(base))
    assert code == 0
    assert data["findings"] == []
    assert data["environment"]["counts"]["baselined"] == len(target_venv.leaks)
    assert data["environment"]["counts"]["baseline_unmatched"] == 0


def test_baseline_from_config_and_no_baseline_flag(tmp_path: Path, target_venv: TargetVenv) -> None:
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / ".venv").symlink_to(target_venv.venv, target_is_directory=True)
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "shop"\ndependencies = ["acme-app"]\n\n'
        '[tool.forkaudit]\nbaseline = "ci/forkaudit-baseline.json"\n',
        encoding="utf-8",
    )
    missing = run(["scan", "-q", "--no-cache", "--format", "json"], folder)
    assert missing.returncode == 2
    assert "ci/forkaudit-baseline.json does not exist" in missing.stderr
    written = run(
        [
            "scan",
            "-q",
            "--no-cache",
            "--format",
            "json",
            "-o",
            "r.json",
            "--write-baseline",
            "ci/forkaudit-baseline.json",
        ],
        folder,
    )
    assert written.returncode == 0, written.stderr
    code, data = scan_json(folder / ".venv", folder)
    assert (code, data["findings"]) == (0, [])
    code, data = scan_json(folder / ".venv", folder, "--no-baseline")
    assert code == 1
    assert len(data["findings"]) == len(target_venv.leaks)


LIB_V1 = """import subprocess


def render(page):
    proc = subprocess.Popen(["render", page])
    return page


def other(page):
    return page
"""

# a version bump: new code above, the function moved down; the leaking line itself untouched
LIB_V2 = '''"""drift-lib 2.0: now with a docstring and a helper."""

import logging
import subprocess

log = logging.getLogger(__name__)


def helper():
    return 1


def render(page):
    log.debug("rendering %s", page)
    proc = subprocess.Popen(["render", page])
    return page


def other(page):
    return page
'''

# the same line once more in the same function: one new finding, not absorbed by the old entry
LIB_V3 = LIB_V2.replace(
    '    proc = subprocess.Popen(["render", page])\n',
    '    proc = subprocess.Popen(["render", page])\n    proc = subprocess.Popen(["render", page])\n',
)

# the code around changed: a new finding (and the old entry no longer matches)
LIB_V4 = LIB_V2.replace('["render", page]', '["render", "--fast", page]')


def drift_venv(root: Path, version: str, source: str) -> Path:
    site = make_fake_venv(root / "venv")
    make_dist_info(
        site, "drift-lib", version, {"drift_lib/__init__.py": "", "drift_lib/core.py": source}
    )
    return root / "venv"


def test_fingerprints_survive_line_shifts_and_version_bumps(tmp_path: Path) -> None:
    v1 = drift_venv(tmp_path / "v1", "1.0", LIB_V1)
    v2 = drift_venv(tmp_path / "v2", "2.0", LIB_V2)
    base = tmp_path / "base.json"
    assert (
        run(
            [
                "scan",
                str(v1),
                "-q",
                "--no-cache",
                "--format",
                "json",
                "-o",
                str(tmp_path / "r.json"),
                "--write-baseline",
                str(base),
            ],
            tmp_path,
        ).returncode
        == 0
    )
    _, before = scan_json(v1, tmp_path)
    _, after = scan_json(v2, tmp_path)
    assert before["findings"][0]["line"] != after["findings"][0]["line"]
    assert before["findings"][0]["fingerprint"] == after["findings"][0]["fingerprint"]
    code, data = scan_json(v2, tmp_path, "--baseline", str(base), "--fail-on", "low")
    assert code == 0
    assert data["findings"] == []
    assert data["environment"]["counts"]["baselined"] == 1


def test_duplicates_are_a_multiset(tmp_path: Path) -> None:
    v1 = drift_venv(tmp_path / "v1", "1.0", LIB_V1)
    v3 = drift_venv(tmp_path / "v3", "3.0", LIB_V3)
    base = tmp_path / "base.json"
    run(
        [
            "scan",
            str(v1),
            "-q",
            "--no-cache",
            "--format",
            "json",
            "-o",
            str(tmp_path / "r.json"),
            "--write-baseline",
            str(base),
        ],
        tmp_path,
    )
    code, data = scan_json(v3, tmp_path, "--baseline", str(base), "--fail-on", "low")
    assert code == 1
    assert len(data["findings"]) == 1
    assert data["environment"]["counts"]["baselined"] == 1


def test_changed_code_is_new(tmp_path: Path) -> None:
    v1 = drift_venv(tmp_path / "v1", "1.0", LIB_V1)
    v4 = drift_venv(tmp_path / "v4", "4.0", LIB_V4)
    base = tmp_path / "base.json"
    run(
        [
            "scan",
            str(v1),
            "-q",
            "--no-cache",
            "--format",
            "json",
            "-o",
            str(tmp_path / "r.json"),
            "--write-baseline",
            str(base),
        ],
        tmp_path,
    )
    code, data = scan_json(v4, tmp_path, "--baseline", str(base), "--fail-on", "low")
    assert code == 1
    assert len(data["findings"]) == 1
    assert data["environment"]["counts"]["baseline_unmatched"] == 1


def test_check_with_a_baseline(tmp_path: Path) -> None:
    (tmp_path / "core.py").write_text(LIB_V1, encoding="utf-8")
    assert (
        run(["check", "core.py", "--no-cache", "--write-baseline", "b.json"], tmp_path).returncode
        == 0
    )
    (tmp_path / "core.py").write_text(LIB_V2, encoding="utf-8")
    result = run(["check", "core.py", "--no-cache", "--baseline", "b.json"], tmp_path)
    assert result.returncode == 0, result.stdout
    assert "1 in the baseline" in result.stderr


def test_malformed_baseline_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "core.py").write_text(LIB_V1, encoding="utf-8")
    (tmp_path / "b.json").write_text('{"findings": []}', encoding="utf-8")
    result = run(["check", "core.py", "--no-cache", "--baseline", "b.json"], tmp_path)
    assert result.returncode == 2
    assert "is not a forkaudit baseline" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
