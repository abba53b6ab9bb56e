"""Wheels read in memory: attributed by their own RECORD, scanned from the archive, cached by the
wheel's sha256, with the same files and findings as a venv where they are installed."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest
from builders import TargetVenv, escape_name, make_wheel

from forkaudit.cache import Cache
from forkaudit.environment import load_environment
from forkaudit.errors import InputError
from forkaudit.files import environment_units
from forkaudit.model import Environment, RulePack
from forkaudit.rules import load_rules
from forkaudit.runner import RunOptions, UnitResult, run_units
from forkaudit.wheels import load_wheels, member_of, member_path, read_member, read_wheel

LEAK = (
    "import os\n\n\ndef handle(conn):\n    pid = os.fork()\n    if pid == 0:\n        os._exit(0)\n"
)
LEAK_LINE = 5


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return load_rules()


def _env(distributions: list[object], path: str = "/nowhere") -> Environment:
    return Environment(
        path=path,
        python_version="3.12",
        site_packages=(),
        distributions=tuple(distributions),  # type: ignore[arg-type]
        unowned=(),
    )


def _findings(results: list[UnitResult]) -> list[tuple[str, str, str, int]]:
    return sorted(
        (f.distribution, f.rule, f.path, f.line)
        for unit in results
        for result in unit.results
        for f in result.findings
    )


def test_member_paths_round_trip() -> None:
    path = member_path("/c/x-1.0-py3-none-any.whl", "pkg/a.py")
    assert path == "/c/x-1.0-py3-none-any.whl!/pkg/a.py"
    assert member_of(path) == ("/c/x-1.0-py3-none-any.whl", "pkg/a.py")
    assert member_of("/site-packages/pkg/a.py") is None


def test_wheels_are_read_like_their_installed_dist_info(target_venv: TargetVenv) -> None:
    """The shop venv was pip-installed from these very wheels: same names, versions, owned
    files, compiled counts, requirements."""
    installed = {d.name: d for d in load_environment(str(target_venv.venv)).distributions}
    wheels = sorted(str(p) for p in target_venv.wheels.glob("*.whl"))
    read = load_wheels(wheels)
    assert {d.name for d in read} == set(installed) - {"pip", "setuptools"}
    for dist in read:
        venv_dist = installed[dist.name]
        assert (dist.version, dist.files, dist.compiled, dist.requires) == (
            venv_dist.version,
            venv_dist.files,
            venv_dist.compiled,
            venv_dist.requires,
        ), dist.name
        assert member_of(dist.metadata_path) is not None
        assert dist.warnings == ()


def test_same_findings_as_the_installed_venv(target_venv: TargetVenv, pack: RulePack) -> None:
    venv_env = load_environment(str(target_venv.venv))
    wheel_env = _env(load_wheels(str(p) for p in target_venv.wheels.glob("*.whl")))
    options = RunOptions(jobs=2)
    for include_tests in (False, True):
        from_venv = _findings(run_units(environment_units(venv_env, include_tests), pack, options))
        from_wheels = _findings(
            run_units(environment_units(wheel_env, include_tests), pack, options)
        )
        # the venv also holds shop's first-party files through its editable .pth: not a wheel's
        assert from_wheels == [f for f in from_venv if f[0] != "shop"]
        assert {(d, p, line) for d, _, p, line in from_wheels} >= {
            (leak.distribution, leak.path, leak.line) for leak in target_venv.leaks
        }
    # nothing was imported: acme_proxy's __init__ writes a canary when imported
    assert not target_venv.canary.exists()


def test_data_folders_scripts_and_ownership(tmp_path: Path, pack: RulePack) -> None:
    """``.data/purelib`` and ``.data/platlib`` land in site-packages, scripts and data do not; a
    file two wheels list belongs to the first by name, as in a venv."""
    data = f"{escape_name('alpha')}-1.0.data"
    alpha = make_wheel(
        tmp_path,
        "alpha",
        "1.0",
        {
            "alpha/__init__.py": "",
            f"{data}/purelib/alpha/pure.py": LEAK,
            f"{data}/platlib/alpha/plat.py": LEAK,
            f"{data}/scripts/alpha-run.py": LEAK,
            f"{data}/data/share/x.py": LEAK,
            "common/shared.py": LEAK,
            "alpha/_speed.cpython-312-x86_64-linux-gnu.so": b"\x7fELF",
        },
    )
    beta = make_wheel(tmp_path, "beta", "2.0", {"common/shared.py": LEAK, "beta.py": LEAK})
    dists = {d.name: d for d in load_wheels([str(beta), str(alpha)])}
    assert dists["alpha"].files == (
        "alpha/__init__.py",
        "alpha/plat.py",
        "alpha/pure.py",
        "common/shared.py",
    )
    assert dists["alpha"].compiled == 1
    assert dists["beta"].files == ("beta.py",)
    results = run_units(
        environment_units(_env(list(dists.values())), False), pack, RunOptions(jobs=1)
    )
    assert _findings(results) == [
        ("alpha", "FA101", "alpha/plat.py", LEAK_LINE),
        ("alpha", "FA101", "alpha/pure.py", LEAK_LINE),
        ("alpha", "FA101", "common/shared.py", LEAK_LINE),
        ("beta", "FA101", "beta.py", LEAK_LINE),
    ]


def test_record_missing_or_incomplete(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    wheel = make_wheel(folder, "gamma", "1.0", {"gamma/__init__.py": "", "gamma/a.py": LEAK})
    # drop RECORD: files are guessed from the name; drop a listed file: counted missing
    no_record = tmp_path / wheel.name
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(no_record, "w") as target:
        for item in source.infolist():
            if not item.filename.endswith("/RECORD"):
                target.writestr(item, source.read(item))
    dist = read_wheel(str(no_record))
    assert dist.files == ("gamma/__init__.py", "gamma/a.py")
    assert any("RECORD is missing" in w for w in dist.warnings)

    short = tmp_path / "short" / wheel.name
    short.parent.mkdir()
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(short, "w") as target:
        for item in source.infolist():
            if item.filename != "gamma/a.py":
                target.writestr(item, source.read(item))
    dist = read_wheel(str(short))
    assert dist.files == ("gamma/__init__.py",)
    assert any("1 .py file(s) listed in RECORD are not in the wheel" in w for w in dist.warnings)


def test_not_a_wheel(tmp_path: Path) -> None:
    bad = tmp_path / "bad-1.0-py3-none-any.whl"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a wheel"):
        read_wheel(str(bad))
    with pytest.raises(InputError, match="does not exist"):
        read_wheel(str(tmp_path / "missing-1.0-py3-none-any.whl"))
    empty = tmp_path / "empty-1.0-py3-none-any.whl"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("empty.py", "")
    with pytest.raises(InputError, match=r"no \.dist-info"):
        read_wheel(str(empty))


def test_member_reads_and_errors(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "delta", "1.0", {"delta.py": LEAK})
    assert read_member(member_path(str(wheel), "delta.py"), 1 << 20) == LEAK.encode()
    assert read_member(member_path(str(wheel), "delta.py"), 3) is None  # over the limit
    with pytest.raises(OSError, match="not in"):
        read_member(member_path(str(wheel), "nope.py"), 1 << 20)


def test_damaged_archive_is_one_error_not_a_crash(tmp_path: Path, pack: RulePack) -> None:
    wheel = make_wheel(tmp_path, "epsilon", "1.0", {"epsilon.py": LEAK})
    dist = read_wheel(str(wheel))
    wheel.write_bytes(wheel.read_bytes()[:40])  # cut after the metadata was read
    results = run_units(environment_units(_env([dist]), False), pack, RunOptions(jobs=1))
    errors = [r.error for unit in results for r in unit.results if r.error]
    assert [e.path for e in errors] == ["epsilon.py"]
    assert errors[0].reason.startswith("cannot read")


def test_cached_by_the_wheels_sha256(tmp_path: Path, pack: RulePack) -> None:
    """The unit key names the archive's sha256: the same bytes anywhere hit the cache, other
    bytes under the same name miss it."""
    first = make_wheel(tmp_path / "a", "zeta", "1.0", {"zeta.py": LEAK})
    digest = hashlib.sha256(first.read_bytes()).hexdigest()
    units = environment_units(_env([read_wheel(str(first))]), False)
    assert digest in units[0].key
    cache = Cache(str(tmp_path / "cache"), pack.digest)
    options = RunOptions(jobs=1, cache=cache)
    cold = run_units(units, pack, options)
    assert not cold[0].cached and _findings(cold) == [("zeta", "FA101", "zeta.py", LEAK_LINE)]

    copy = tmp_path / "b" / first.name
    copy.parent.mkdir()
    shutil.copy(first, copy)
    warm = run_units(environment_units(_env([read_wheel(str(copy))]), False), pack, options)
    assert warm[0].cached and _findings(warm) == _findings(cold)

    changed = make_wheel(tmp_path / "c", "zeta", "1.0", {"zeta.py": "\n" + LEAK})
    other = run_units(environment_units(_env([read_wheel(str(changed))]), False), pack, options)
    assert not other[0].cached
    assert _findings(other) == [("zeta", "FA101", "zeta.py", LEAK_LINE + 1)]


def test_not_audited_distribution_is_a_unit_without_files(pack: RulePack) -> None:
    from forkaudit.model import Distribution

    placeholder = Distribution(
        name="srconly",
        version="1.0",
        metadata_path="",
        requires=(),
        files=(),
        compiled=0,
        warnings=("not audited: sdist only",),
    )
    units = environment_units(_env([placeholder]), False)
    assert [(u.distribution, u.files, u.key) for u in units] == [("srconly", (), "")]
    results = run_units(units, pack, RunOptions(jobs=1))
    assert results[0].files == 0 and results[0].results == []
