"""Audit before install, for real: pip resolves requirements files, specs and locks against a
local find-links folder and a local PEP 503 index served by ``python -m http.server``; wheels are
read in memory; an sdist whose build would write a canary file is never built.

The wheels are the shop's (tests/builders.py), the ones its real venv was pip-installed from, so
a scan of the resolution can be compared with a scan of that venv.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from builders import TargetVenv, make_wheel

import forkaudit.pip
from forkaudit.errors import InputError
from forkaudit.files import environment_units
from forkaudit.model import RulePack
from forkaudit.pip import IndexOptions
from forkaudit.resolve import NOT_AUDITED_SDIST, ResolvedSource, resolve_source
from forkaudit.rules import load_rules
from forkaudit.runner import RunOptions, run_units
from forkaudit.scan import ScanOptions, scan_environment
from forkaudit.wheels import member_of

SRC_LEAK = "import subprocess\n\n\ndef run(cmd):\n    subprocess.Popen(cmd)\n"


@dataclass(frozen=True)
class World:
    root: Path
    links: Path  # find-links folder: the shop's wheels, ours and the sdists
    index_url: str  # the local simple index serving the same files
    canary: Path  # written by srconly's setup.py if anything ever builds it
    cache: Path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sdist(folder: Path, name: str, version: str, canary: Path) -> Path:
    """A real sdist whose setup.py (and in-tree build backend) writes ``canary`` when run."""
    stem = f"{name}-{version}"
    setup = f"open({str(canary)!r}, 'w').write('built')\nfrom setuptools import setup\nsetup(name={name!r}, version={version!r})\n"
    backend = f"open({str(canary)!r}, 'w').write('built')\n"
    members = {
        f"{stem}/setup.py": setup,
        f"{stem}/PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{stem}/pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "canary"\nbackend-path = ["."]\n',
        f"{stem}/canary.py": backend,
    }
    path = folder / f"{stem}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _write_index(links: Path, index: Path) -> None:
    """A PEP 503 simple index of every file in ``links``, with sha256 fragments."""
    files = index / "files"
    files.mkdir(parents=True)
    projects: dict[str, list[Path]] = {}
    for path in sorted(links.iterdir()):
        shutil.copy(path, files / path.name)
        stem = path.name.removesuffix(".tar.gz").removesuffix(".whl")
        name = stem.split("-")[0].replace("_", "-").lower()
        projects.setdefault(name, []).append(path)
    simple = index / "simple"
    simple.mkdir()
    rows = "".join(f'<a href="{n}/">{n}</a>\n' for n in sorted(projects))
    (simple / "index.html").write_text(f"<html><body>\n{rows}</body></html>\n", encoding="utf-8")
    for name, paths in projects.items():
        (simple / name).mkdir()
        links_html = "".join(
            f'<a href="../../files/{html.escape(p.name)}#sha256={_sha256(p)}">{html.escape(p.name)}</a>\n'
            for p in paths
        )
        (simple / name / "index.html").write_text(
            f"<html><body>\n{links_html}</body></html>\n", encoding="utf-8"
        )


@contextmanager
def _pip_isolated(root: Path) -> Iterator[None]:
    """pip as on a machine with no configuration: this machine's pip.conf and PIP_* settings
    (extra indexes, find-links, constraints) stay out; a cache of its own; one retry."""
    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("PIP_"):
                patch.delenv(name)
        patch.setenv("PIP_CONFIG_FILE", os.devnull)
        patch.setenv("PIP_CACHE_DIR", str(root / "pip-cache"))
        patch.setenv("PIP_RETRIES", "1")
        patch.setenv("PIP_TIMEOUT", "5")
        patch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        yield


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, target_venv: TargetVenv) -> Iterator[World]:
    root = tmp_path_factory.mktemp("preinstall")
    links = root / "links"
    links.mkdir()
    for wheel in target_venv.wheels.glob("*.whl"):
        shutil.copy(wheel, links / wheel.name)
    canary = root / "srconly-was-built.canary"
    make_wheel(
        links, "needs-src", "1.0", {"needs_src/__init__.py": SRC_LEAK}, requires=["srconly<2"]
    )
    _sdist(links, "srconly", "1.0", canary)
    _sdist(links, "srconly", "2.0", canary)
    index = root / "index"
    _write_index(links, index)
    with subprocess.Popen(
        [
            sys.executable,
            "-u",
            "-m",
            "http.server",
            "0",
            "--bind",
            "127.0.0.1",
            "--directory",
            str(index),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as server:
        assert server.stdout is not None
        first = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N (http://...) ..."
        port = int(first.split(" port ")[1].split()[0])
        try:
            yield World(
                root=root,
                links=links,
                index_url=f"http://127.0.0.1:{port}/simple",
                canary=canary,
                cache=root / "forkaudit-cache",
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture(scope="module")
def pack() -> RulePack:
    return load_rules()


def _resolve(world: World, *args: object, **kwargs: object) -> ResolvedSource:
    kwargs.setdefault("cwd", str(world.root))
    kwargs.setdefault("cache_dir", str(world.cache))
    kwargs.setdefault("progress", False)
    with _pip_isolated(world.root):
        return resolve_source(*args, **kwargs)  # type: ignore[arg-type]


def _findings(resolved: ResolvedSource, pack: RulePack) -> list[tuple[str, str, str, int, str]]:
    units = environment_units(resolved.environment, include_tests=False)
    results = run_units(units, pack, RunOptions(jobs=2))
    return sorted(
        (f.distribution, f.rule, f.path, f.line, f.message)
        for unit in results
        for result in unit.results
        for f in result.findings
        if "script" not in f.flags  # a module's script block: dropped by scan, as by a venv's
    )


def _names(resolved: ResolvedSource) -> dict[str, str]:
    return {d.name: d.version for d in resolved.environment.distributions}


REQUIREMENTS = """\
# the app and its helpers
acme-app>=1.0
clean-lib
legacy-shim; python_version < "3.11"
needs-src
"""


@pytest.fixture(scope="module")
def requirements_file(world: World) -> Path:
    path = world.root / "requirements.txt"
    path.write_text(REQUIREMENTS, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def on_312(world: World, requirements_file: Path) -> ResolvedSource:
    return _resolve(
        world,
        [requirements_file.name],
        python_version="3.12",
        index=IndexOptions(index_url=world.index_url),
    )


@pytest.fixture(scope="module")
def on_310(world: World, requirements_file: Path) -> ResolvedSource:
    return _resolve(
        world,
        [requirements_file.name],
        python_version="3.10",
        index=IndexOptions(index_url=world.index_url),
    )


# --------------------------------------------------------------------------- resolution


def test_resolved_from_the_index_with_three_level_chains(
    on_312: ResolvedSource, requirements_file: Path
) -> None:
    assert on_312.kind == "requirements"
    assert on_312.environment.python_version == "3.12"
    assert _names(on_312) == {
        "acme-app": "1.0.0",
        "acme-web": "2.1.0",
        "acme-proxy": "2.3.0",
        "acme-extra": "1.0.0",
        "acme-metrics": "1.0.0",
        "clean-lib": "1.4.0",
        "needs-src": "1.0",
        "srconly": "1.0",
    }
    chains = {name: info.chain for name, info in on_312.dependencies.items()}
    assert chains["acme-proxy"] == ("acme-app", "acme-web", "acme-proxy")
    assert chains["acme-metrics"] == ("acme-app", "acme-web", "acme-metrics")  # via [metrics]
    assert chains["srconly"] == ("needs-src", "srconly")
    assert on_312.dependencies["acme-app"].direct and not on_312.dependencies["acme-web"].direct
    path = str(requirements_file)
    assert [(d.name, d.path, d.line) for d in on_312.direct] == [
        ("acme-app", path, 2),
        ("clean-lib", path, 3),
        ("needs-src", path, 5),
    ]
    assert on_312.anchors["acme-proxy"] == (path, 2)
    assert on_312.anchors["clean-lib"] == (path, 3)
    assert on_312.anchors["srconly"] == (path, 5)
    assert on_312.inputs == (path,)
    # every audited distribution is a wheel in forkaudit's cache, read in place
    for dist in on_312.environment.distributions:
        if dist.name != "srconly":
            where = member_of(dist.metadata_path)
            assert where is not None and where[0].startswith(str(on_312_cache(on_312)))


def on_312_cache(resolved: ResolvedSource) -> Path:
    return Path(resolved.environment.path).parent / "forkaudit-cache" / "wheels"


def test_markers_are_evaluated_for_the_target_python(
    on_310: ResolvedSource, on_312: ResolvedSource
) -> None:
    """pip evaluates markers for the interpreter running it; forkaudit makes it use the
    target's: a direct requirement (legacy-shim) and a dependency's Requires-Dist (acme-web ->
    acme-compat) are gated by python_version."""
    extra = set(_names(on_310)) - set(_names(on_312))
    assert extra == {"legacy-shim", "acme-compat"}
    assert set(_names(on_312)) < set(_names(on_310))
    assert on_310.dependencies["acme-compat"].chain == ("acme-app", "acme-web", "acme-compat")
    assert on_310.dependencies["legacy-shim"].direct


def test_sdist_only_is_never_built_and_the_rest_is_audited(
    world: World, on_312: ResolvedSource, on_310: ResolvedSource, pack: RulePack
) -> None:
    srconly = next(d for d in on_312.environment.distributions if d.name == "srconly")
    # the newest version every requirement allows (needs-src asks srconly<2), as pip would pick
    assert srconly.version == "1.0"
    assert srconly.metadata_path == "" and srconly.files == ()
    assert srconly.warnings[0].startswith(NOT_AUDITED_SDIST)
    assert any(w.startswith(f"srconly 1.0: {NOT_AUDITED_SDIST}") for w in on_312.warnings)
    assert on_312.not_audited == ("srconly",)
    found = _findings(on_312, pack)
    assert ("needs-src", "FA103", "needs_src/__init__.py", 5) in [f[:4] for f in found]
    assert any(f[0] == "acme-proxy" and f[1] == "FA101" for f in found)
    units = environment_units(on_312.environment, include_tests=False)
    assert [u.files for u in units if u.distribution == "srconly"] == [()]
    assert not world.canary.exists()


def test_same_findings_as_a_scan_of_the_venv_they_install_into(
    on_312: ResolvedSource, target_venv: TargetVenv, pack: RulePack, world: World
) -> None:
    venv = scan_environment(
        str(target_venv.venv), str(world.root), ScanOptions(pack=pack, use_cache=False, jobs=2)
    )
    resolved = {d.name for d in on_312.environment.distributions}
    from_venv = sorted(
        (f.distribution, f.rule, f.path, f.line, f.message)
        for f in venv.findings
        if f.distribution in resolved
    )
    assert from_venv  # acme-proxy, acme-web and acme-metrics leak
    from_wheels = [f for f in _findings(on_312, pack) if f[0] != "needs-src"]
    assert from_wheels == from_venv
    assert not target_venv.canary.exists()


def test_hash_pinned_requirements(world: World, pack: RulePack) -> None:
    """Hash-checking mode: every line pinned and hashed, resolved with --no-deps (the file is
    the whole set); an sdist-only line is left out, unbuilt; a wrong hash is one line."""
    wheels = {p.name.split("-")[0]: p for p in world.links.glob("*.whl")}
    names = ["acme_app", "acme_web", "acme_proxy", "acme_extra", "acme_metrics", "clean_lib"]
    lines = ["--no-index", f"--find-links {world.links}"]
    for name in names:
        version = wheels[name].name.split("-")[1]
        lines.append(f"{name.replace('_', '-')}=={version} \\")
        lines.append(f"    --hash=sha256:{_sha256(wheels[name])}")
    sdist = world.links / "srconly-1.0.tar.gz"
    lines.append(f"srconly==1.0 --hash=sha256:{_sha256(sdist)}")
    path = world.root / "requirements-hashed.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    resolved = _resolve(world, [path.name])
    assert _names(resolved) == {
        "acme-app": "1.0.0",
        "acme-web": "2.1.0",
        "acme-proxy": "2.3.0",
        "acme-extra": "1.0.0",
        "acme-metrics": "1.0.0",
        "clean-lib": "1.4.0",
        "srconly": "1.0",
    }
    assert resolved.dependencies["acme-proxy"].chain == ("acme-app", "acme-web", "acme-proxy")
    # every distribution is written in the file: anchored to its own line
    proxy_line = lines.index("acme-proxy==2.3.0 \\") + 1
    assert resolved.anchors["acme-proxy"] == (str(path), proxy_line)
    assert any(f[0] == "acme-proxy" for f in _findings(resolved, pack))
    assert not world.canary.exists()

    wrong = path.read_text(encoding="utf-8").replace(_sha256(wheels["acme_proxy"]), "0" * 64)
    bad = world.root / "requirements-bad-hash.txt"
    bad.write_text(wrong, encoding="utf-8")
    with pytest.raises(InputError, match="hash mismatch") as caught:
        _resolve(world, [bad.name])
    assert "\n" not in str(caught.value)


def test_a_wheel_given_directly(world: World, pack: RulePack, target_venv: TargetVenv) -> None:
    wheel = next(world.links.glob("acme_proxy-*.whl"))
    resolved = _resolve(world, (), [str(wheel)])
    assert resolved.kind == "wheels"
    assert _names(resolved) == {"acme-proxy": "2.3.0"}
    assert resolved.dependencies["acme-proxy"].direct
    assert resolved.inputs == (str(wheel),)
    expected = [leak for leak in target_venv.leaks if leak.distribution == "acme-proxy"]
    assert [(f[2], f[3]) for f in _findings(resolved, pack)] == [
        (leak.path, leak.line) for leak in expected
    ]


def test_name_version_specs_and_find_links(world: World) -> None:
    resolved = _resolve(
        world,
        (),
        ["acme-web[metrics]==2.1.0"],
        python_version="3.12",
        index=IndexOptions(find_links=(str(world.links),), no_index=True),
    )
    assert set(_names(resolved)) == {"acme-web", "acme-proxy", "acme-extra", "acme-metrics"}
    assert resolved.dependencies["acme-metrics"].chain == ("acme-web", "acme-metrics")
    assert resolved.anchors == {}  # nothing written in a file


def test_downloads_are_cached_by_sha256(
    world: World, requirements_file: Path, on_312: ResolvedSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = forkaudit.pip._run

    def counting(args: list[str], *rest: object, **named: object) -> object:
        calls.append(args[0])
        return real(args, *rest, **named)  # type: ignore[arg-type]

    monkeypatch.setattr(forkaudit.pip, "_run", counting)
    again = _resolve(
        world,
        [requirements_file.name],
        python_version="3.12",
        index=IndexOptions(index_url=world.index_url),
    )
    assert "download" not in calls  # every wheel came from the cache
    assert [d.metadata_path for d in again.environment.distributions] == [
        d.metadata_path for d in on_312.environment.distributions
    ]
    cached = sorted(p.name for p in (world.cache / "wheels").glob("*/*/*.whl"))
    assert "acme_proxy-2.3.0-py3-none-any.whl" in cached


def test_locks_pylock_and_uv(world: World, pack: RulePack) -> None:
    wheel = {p.name.split("-")[0]: p for p in world.links.glob("*.whl")}
    base = world.index_url.removesuffix("/simple")

    def entry(name: str, version: str, marker: str = "") -> str:
        path = wheel[name.replace("-", "_")]
        gate = f'marker = "{marker}"\n' if marker else ""
        return textwrap.dedent(
            f"""\
            [[packages]]
            name = "{name}"
            version = "{version}"
            {gate}wheels = [{{ name = "{path.name}", path = "links/{path.name}", hashes = {{ sha256 = "{_sha256(path)}" }} }}]
            """
        ).replace("\n\n", "\n")

    pylock = world.root / "pylock.toml"
    pylock.write_text(
        'lock-version = "1.0"\ncreated-by = "hand"\n\n'
        + entry("acme-app", "1.0.0")
        + entry("acme-web", "2.1.0")
        + entry("acme-proxy", "2.3.0")
        + entry("legacy-shim", "1.0.0", "python_version < '3.11'")
        + '[[packages]]\nname = "srconly"\nversion = "1.0"\n'
        + 'sdist = { name = "srconly-1.0.tar.gz", path = "links/srconly-1.0.tar.gz" }\n',
        encoding="utf-8",
    )
    resolved = _resolve(world, [pylock.name], python_version="3.12")
    assert set(_names(resolved)) == {"acme-app", "acme-web", "acme-proxy", "srconly"}
    assert resolved.dependencies["acme-proxy"].chain == ("acme-app", "acme-web", "acme-proxy")
    text = pylock.read_text(encoding="utf-8").splitlines()
    assert text[resolved.anchors["acme-proxy"][1] - 1] == 'name = "acme-proxy"'
    older = _resolve(world, [pylock.name], python_version="3.10")
    assert "legacy-shim" in _names(older)

    def uv_package(name: str, version: str, deps: str = "", optional: str = "") -> str:
        path = wheel[name.replace("-", "_")]
        return (
            f'[[package]]\nname = "{name}"\nversion = "{version}"\n'
            f'source = {{ registry = "{world.index_url}" }}\n'
            + (f"dependencies = [{deps}]\n" if deps else "")
            + f'wheels = [{{ url = "{base}/files/{path.name}", hash = "sha256:{_sha256(path)}" }}]\n'
            + (f"\n[package.optional-dependencies]\n{optional}\n" if optional else "")
            + "\n"
        )

    uv_lock = world.root / "uv.lock"
    uv_lock.write_text(
        'version = 1\nrevision = 2\nrequires-python = ">=3.10"\n\n'
        '[[package]]\nname = "shop"\nversion = "0.1.0"\nsource = { virtual = "." }\n'
        'dependencies = [{ name = "acme-app" }, { name = "clean-lib" }]\n\n'
        + uv_package("acme-app", "1.0.0", '{ name = "acme-web", extra = ["metrics"] }')
        + uv_package(
            "acme-web",
            "2.1.0",
            '{ name = "acme-proxy" }, { name = "acme-compat", marker = "python_full_version < \'3.12\'" }',
            'metrics = [{ name = "acme-metrics" }]',
        )
        + uv_package("acme-proxy", "2.3.0")
        + uv_package("acme-compat", "1.0.0")
        + uv_package("acme-metrics", "1.0.0")
        + uv_package("clean-lib", "1.4.0")
        + uv_package("acme-debug", "1.0.0"),
        encoding="utf-8",
    )
    locked = _resolve(world, [uv_lock.name], python_version="3.12")
    assert set(_names(locked)) == {
        "acme-app",
        "acme-web",
        "acme-proxy",
        "acme-metrics",
        "clean-lib",
    }
    assert locked.dependencies["acme-app"].direct and locked.dependencies["clean-lib"].direct
    assert locked.dependencies["acme-proxy"].chain == ("acme-app", "acme-web", "acme-proxy")
    assert any(f[0] == "acme-proxy" for f in _findings(locked, pack))
    assert "acme-compat" in _names(_resolve(world, [uv_lock.name], python_version="3.11"))
    assert not world.canary.exists()


# --------------------------------------------------------------------------- errors


def test_unresolvable_and_unreachable_are_one_line(world: World) -> None:
    with pytest.raises(InputError, match="no distribution found for no-such-dist") as caught:
        _resolve(world, (), ["no-such-dist==1.0"], index=IndexOptions(index_url=world.index_url))
    assert "\n" not in str(caught.value)
    with pytest.raises(InputError, match="cannot be reached") as caught:
        _resolve(world, (), ["acme-app"], index=IndexOptions(index_url="http://127.0.0.1:9/simple"))
    assert "\n" not in str(caught.value)
    with pytest.raises(InputError, match="not a CPython 3 version"):
        _resolve(world, (), ["acme-app"], python_version="2.7")
    with pytest.raises(InputError, match="nothing to audit"):
        _resolve(world, (), ())


def test_files_named_after_r_are_read_too(world: World, requirements_file: Path) -> None:
    """pre-commit appends the changed files to the hook's ``scan -r``: the second and later
    come as positional names and are read as requirements (or lock) files."""
    other = world.root / "requirements-web.txt"
    other.write_text("acme-web==2.1.0\n", encoding="utf-8")
    resolved = _resolve(
        world,
        [requirements_file.name],
        [other.name],
        python_version="3.12",
        index=IndexOptions(index_url=world.index_url),
    )
    assert resolved.inputs == (str(requirements_file), str(other))
    assert resolved.dependencies["acme-web"].direct
    assert resolved.anchors["acme-web"] == (str(other), 1)
    # the shortest chain now starts at acme-web: its line
    assert resolved.dependencies["acme-proxy"].chain == ("acme-web", "acme-proxy")
    assert resolved.anchors["acme-proxy"] == (str(other), 1)
    assert resolved.anchors["clean-lib"] == (str(requirements_file), 3)


def test_the_pre_commit_hook_matches_requirements_and_lock_files() -> None:
    import re

    import yaml

    hooks = yaml.safe_load(Path(__file__).parents[1].joinpath(".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "forkaudit-requirements")
    # the changed files come last, after any args: each is read as a requirements or lock file
    assert hook["entry"] == "forkaudit scan" and hook["pass_filenames"] is True
    pattern = re.compile(hook["files"])
    for name in (
        "requirements.txt",
        "app/requirements-dev.in",
        "requirements/base.txt",
        "pylock.toml",
        "pylock.web.toml",
        "uv.lock",
    ):
        assert pattern.search(name), name
    for name in ("pyproject.toml", "notes.txt", "poetry.lock", "src/uv.lock.py"):
        assert not pattern.search(name), name
