"""`forkaudit scan -r FILE`, `scan WHEEL`, `scan NAME==VERSION` (issue 12) through the installed
command: pip resolves from a local find-links folder of wheels built here, nothing is installed,
built or imported, an sdist-only requirement is listed as not audited, the rest is ranked with its
chain, and SARIF points at the requirement's line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.builders import make_wheel, run_cli
from tests.test_requirements_resolve import _sdist

LEAKY = """\
import os

def handle(request):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return 0
"""


def _pip_env(root: Path) -> dict[str, str]:
    """pip as on a machine with no configuration of its own (this one sets find-links)."""
    env = {name: "" for name in os.environ if name.startswith("PIP_")}
    env.update(
        {
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_CACHE_DIR": str(root / "pip-cache"),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "XDG_CACHE_HOME": str(root / "xdg"),
        }
    )
    return env


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("before-install")
    links = root / "wheels"
    make_wheel(links, "leaky-lib", "1.0", {"leaky_lib/__init__.py": LEAKY})
    make_wheel(
        links, "app-lib", "2.0", {"app_lib/__init__.py": "import leaky_lib\n"}, ["leaky-lib"]
    )
    _sdist(links, "srconly", "1.0", root / "canary")
    (root / "requirements.txt").write_text("# the app\napp-lib==2.0\nsrconly\n")
    return root


def _scan(project: Path, *args: str) -> dict[str, object]:
    result = run_cli(
        ["scan", *args, "--find-links", "wheels", "--no-index", "--format", "json", "-q"],
        cwd=project,
        env=_pip_env(project),
    )
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_requirements_file_audited_before_install(project: Path) -> None:
    data = _scan(project, "-r", "requirements.txt", "--fail-on", "none")
    assert data["environment"]["source"] == "requirements"  # type: ignore[index]
    ranked = {d["name"]: d for d in data["distributions"]}  # type: ignore[attr-defined]
    assert data["distributions"][0]["name"] == "leaky-lib"  # type: ignore[index]
    assert ranked["leaky-lib"]["chain"] == ["app-lib", "leaky-lib"]
    assert ranked["app-lib"]["direct"] is True
    assert ranked["srconly"]["why"].startswith("not audited: sdist only")
    assert not (project / "canary").exists()  # its build would have written it
    (finding,) = [f for f in data["findings"] if f["rule"] == "FA101"]  # type: ignore[attr-defined]
    assert finding["path"] == "leaky_lib/__init__.py" and finding["line"] == 4
    assert not list(project.glob("**/site-packages"))  # nothing installed


def test_sarif_anchors_to_the_requirement_line(project: Path) -> None:
    result = run_cli(
        [
            *("scan", "-r", "requirements.txt", "--find-links", "wheels", "--no-index", "-q"),
            *("--format", "sarif", "--fail-on", "none"),
        ],
        cwd=project,
        env=_pip_env(project),
    )
    log = json.loads(result.stdout)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("requirements.txt")
    assert location["region"]["startLine"] == 2  # app-lib==2.0, through which leaky-lib came


def test_a_wheel_and_a_spec_given_directly(project: Path) -> None:
    wheel = next((project / "wheels").glob("leaky_lib-*.whl"))
    data = _scan(project, str(wheel), "--fail-on", "none")
    assert data["environment"]["source"] == "wheels"  # type: ignore[index]
    assert [d["name"] for d in data["distributions"]] == ["leaky-lib"]  # type: ignore[attr-defined]
    spec = _scan(project, "app-lib==2.0", "--fail-on", "none")
    names = {d["name"] for d in spec["distributions"]}  # type: ignore[attr-defined]
    assert names == {"app-lib", "leaky-lib"}


def test_an_unresolvable_requirement_is_one_line(project: Path) -> None:
    result = run_cli(
        ["scan", "no-such-dist==9", "--find-links", "wheels", "--no-index"],
        cwd=project,
        env=_pip_env(project),
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_a_venv_scan_reuses_what_the_wheels_scan_cached(project: Path, tmp_path: Path) -> None:
    """A wheel audited before install and the venv it is then installed into hold the same
    files: the venv scan takes the wheel's cached result (checked against RECORD's hashes),
    unless a file was patched in place since."""
    from tests.builders import create_venv, pip_install, site_packages_of

    cache = tmp_path / "cache"
    wheel = next((project / "wheels").glob("leaky_lib-*.whl"))
    common = ["--cache-dir", str(cache), "--format", "json", "--fail-on", "none", "-q"]
    before = run_cli(["scan", str(wheel), *common], cwd=project, env=_pip_env(project))
    assert before.returncode == 0, before.stderr
    venv = create_venv(tmp_path / "venv")
    pip_install(venv, ["leaky-lib"], project / "wheels")

    def scan(cache_dir: Path) -> dict[str, object]:
        args = ["scan", str(venv), "--cache-dir", str(cache_dir), "--format", "json", "-q"]
        result = run_cli([*args, "--fail-on", "none"], cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        data: dict[str, object] = json.loads(result.stdout)
        return data

    fresh = scan(tmp_path / "other-cache")
    reused = scan(cache)
    counts = [d["environment"]["counts"]["cached_units"] for d in (fresh, reused)]  # type: ignore[index]
    assert counts[1] == counts[0] + 1  # leaky-lib from the wheel's entry
    assert reused["findings"] == fresh["findings"] == json.loads(before.stdout)["findings"]
    module = site_packages_of(venv) / "leaky_lib" / "__init__.py"
    module.write_text(LEAKY.replace("    return 0\n", "    os.waitpid(pid, 0)\n    return 0\n"))
    patched = scan(cache)
    assert patched["findings"] == []  # the patch is read, not the wheel's result


def test_a_fully_pinned_file_is_resolved_once(tmp_path: Path) -> None:
    """Every distribution pinned with == (pip-compile output): the resolution cannot change, so
    a warm scan runs no pip resolution — here it even succeeds with pip broken (a constraints
    file that does not exist). A file with an unpinned requirement is resolved again (and
    fails with pip broken)."""
    links = tmp_path / "wheels"
    make_wheel(links, "leaky-lib", "1.0", {"leaky_lib/__init__.py": LEAKY})
    make_wheel(
        links, "app-lib", "2.0", {"app_lib/__init__.py": "import leaky_lib\n"}, ["leaky-lib"]
    )
    (tmp_path / "pinned.txt").write_text("app-lib==2.0\nleaky-lib==1.0\n")
    (tmp_path / "loose.txt").write_text("app-lib==2.0\n")  # leaky-lib left to pip
    common = ["--find-links", "wheels", "--no-index", "--format", "json", "-q"]
    common += ["--cache-dir", str(tmp_path / "cache"), "--fail-on", "none"]
    env = _pip_env(tmp_path)
    for name in ("pinned.txt", "loose.txt"):
        first = run_cli(["scan", "-r", name, *common], cwd=tmp_path, env=env)
        assert first.returncode == 0, first.stderr
    env["PIP_CONSTRAINT"] = str(tmp_path / "no-such-constraints.txt")
    again = run_cli(["scan", "-r", "pinned.txt", *common], cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert {d["name"] for d in json.loads(again.stdout)["distributions"]} == {
        "app-lib",
        "leaky-lib",
    }
    loose = run_cli(["scan", "-r", "loose.txt", *common], cwd=tmp_path, env=env)
    assert loose.returncode == 2, loose.stderr  # pip ran again, and failed
