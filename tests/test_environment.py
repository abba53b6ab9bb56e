"""The environment stage, on real venvs and hand-built dist-info trees."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from builders import TargetVenv, make_dist_info, make_fake_venv

from forkaudit.environment import (
    DependencyGraph,
    all_warnings,
    dependency_info,
    is_test_path,
    iter_files,
    load_environment,
    resolve_target,
)
from forkaudit.errors import InputError
from forkaudit.model import Distribution, Environment

RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"


def dist(env: Environment, name: str) -> Distribution:
    found = [d for d in env.distributions if d.name == name]
    assert len(found) == 1, [d.name for d in env.distributions]
    return found[0]


# --------------------------------------------------------------------------- the real venv


@pytest.fixture(scope="module")
def shop_env(target_venv: TargetVenv) -> Environment:
    return load_environment(str(target_venv.venv))


def test_target_python_version_comes_from_the_venv_not_the_runner(
    target_venv: TargetVenv, shop_env: Environment
) -> None:
    assert shop_env.python_version == target_venv.python_version
    if target_venv.python_version == RUNNING:
        pytest.skip("no CPython other than the running one to build a target venv")
    assert shop_env.python_version != RUNNING


def test_site_packages_and_distributions(target_venv: TargetVenv, shop_env: Environment) -> None:
    assert shop_env.site_packages == (str(target_venv.site_packages),)
    names = [d.name for d in shop_env.distributions]
    assert names == sorted(names, key=str.lower)
    for name, version in target_venv.versions.items():
        assert dist(shop_env, name).version == version
    assert shop_env.warnings == ()
    assert all(d.warnings == () for d in shop_env.distributions)


def test_ownership_is_read_from_record(shop_env: Environment) -> None:
    web = dist(shop_env, "acme-web")
    assert web.files == (
        "acme_web/__init__.py",
        "acme_web/demo.py",
        "acme_web/server.py",
        "acme_web/tests/__init__.py",
        "acme_web/tests/test_x.py",
    )
    assert web.requires[0] == "acme-proxy>=2.3"
    assert web.metadata_path.endswith("acme_web-2.1.0.dist-info")
    proxy = dist(shop_env, "acme-proxy")
    # its RECORD also lists ../../../bin/acme-proxy (console script): outside site-packages
    assert proxy.files == ("acme_proxy/__init__.py", "acme_proxy/proxy.py")
    for d in shop_env.distributions:
        assert all(".." not in f.split("/") and "\\" not in f for f in d.files)
        assert all(f.endswith(".py") and "__pycache__" not in f for f in d.files)
    assert shop_env.unowned == ()


def test_compiled_modules_are_counted(shop_env: Environment) -> None:
    assert dist(shop_env, "clean-lib").compiled == 1
    assert dist(shop_env, "clean-lib").files == ("clean_lib/__init__.py", "clean_lib/runner.py")
    assert dist(shop_env, "acme-web").compiled == 0


def test_editable_install_by_editable_pth(shop_env: Environment) -> None:
    shop = dist(shop_env, "shop")
    assert shop.editable is True
    assert shop.files == ()  # its code lives in the project folder, outside the environment
    assert [d.name for d in shop_env.distributions if d.editable] == ["shop"]


def test_iter_files_resolves_to_existing_files(
    target_venv: TargetVenv, shop_env: Environment
) -> None:
    rows = list(iter_files(shop_env))
    assert all(os.path.isfile(abspath) for abspath, _, _ in rows)
    assert (
        str(target_venv.site_packages / "acme_proxy" / "proxy.py"),
        "acme_proxy/proxy.py",
        "acme-proxy",
    ) in rows


def test_chains_with_markers_evaluated_for_the_target(
    target_venv: TargetVenv, shop_env: Environment
) -> None:
    if target_venv.python_version != "3.12":
        pytest.skip("the expected chains assume a CPython 3.12 target venv")
    info = dependency_info(shop_env, str(target_venv.project))
    for name, chain in target_venv.chains.items():
        assert info[name].chain == chain, name
    assert info["acme-app"].direct and info["clean-lib"].direct
    assert not info["acme-web"].direct and not info["acme-proxy"].direct
    # acme-compat; python_version < "3.12" would be reached if the runner's 3.11 were used
    for name in target_venv.unreached:
        assert info[name] == info[name].__class__(direct=False, chain=(name,)), name
    assert set(info) == {"pip", *(n for n in target_venv.versions)}


def test_never_imports_the_target(target_venv: TargetVenv) -> None:
    assert not target_venv.canary.exists()
    env = load_environment(str(target_venv.venv))
    dependency_info(env, str(target_venv.project))
    resolve_target(str(target_venv.project), "/")
    assert not target_venv.canary.exists()
    assert "acme_proxy" not in sys.modules


def test_resolve_target_on_the_real_venv(target_venv: TargetVenv) -> None:
    venv, project = str(target_venv.venv), str(target_venv.project)
    assert resolve_target(venv, "/") == (venv, project)
    assert resolve_target(project, "/") == (venv, project)
    assert resolve_target(".venv", project) == (venv, project)
    site = str(target_venv.site_packages)
    assert resolve_target(site, "/") == (site, project)


# --------------------------------------------------------------------------- test paths


@pytest.mark.parametrize(
    "path",
    [
        "pkg/tests/test_a.py",
        "pkg/tests/helpers.py",
        "pkg/test/util.py",
        "numpy/testing/_private/utils.py",
        "pkg/_tests/x.py",
        "tests/__init__.py",
        "pkg/test_thing.py",
        "pkg/thing_test.py",
        "pkg/conftest.py",
        "conftest.py",
        "pkg\\tests\\x.py",
        "kafka/benchmarks/load_example.py",
        "pkg/_benchmarks/run.py",
        "pydevd_attach_to_process/_test_attach_to_process_linux.py",
    ],
)
def test_is_test_path(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "pytest/__init__.py",
        "_pytest/runner.py",
        "pkg/testsuite/x.py",
        "pkg/contest.py",
        "pkg/attest.py",
        "pkg/test.py",
        "pkg/latest_test_data/x.py",
        "pkg/testing.py",
        "pkg/benchmarking.py",
        "pkg/bench/x.py",
        "torch/utils/benchmark/utils/timer.py",
        "pkg/_testing_helpers.py",
        "",
    ],
)
def test_is_not_test_path(path: str) -> None:
    assert not is_test_path(path)


# --------------------------------------------------------------------------- hand-built trees


def test_unowned_files(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v")
    make_dist_info(site, "owned", "1.0", {"owned/__init__.py": "", "owned/m.py": "x = 1\n"})
    (site / "stray.py").write_text("", encoding="utf-8")
    (site / "owned" / "extra.py").write_text("", encoding="utf-8")
    (site / "owned" / "__pycache__").mkdir()
    (site / "owned" / "__pycache__" / "m.py").write_text("", encoding="utf-8")
    (site / "owned-1.0.dist-info" / "helper.py").write_text("", encoding="utf-8")
    (site / "data.txt").write_text("", encoding="utf-8")
    env = load_environment(str(tmp_path / "v"))
    assert env.unowned == ("owned/extra.py", "stray.py")
    assert dist(env, "owned").files == ("owned/__init__.py", "owned/m.py")
    assert ("", "stray.py") in {(d, r) for _, r, d in iter_files(env)}


def test_version_from_virtualenv_version_info_and_from_layout(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "a", "3.9")
    (tmp_path / "a" / "pyvenv.cfg").write_text(
        "home = /x\nimplementation = CPython\nversion_info = 3.9.18.final.0\n", encoding="utf-8"
    )
    assert load_environment(str(tmp_path / "a")).python_version == "3.9"
    assert site.is_dir()

    (tmp_path / "b" / "lib64" / "python3.13t" / "site-packages").mkdir(parents=True)
    env = load_environment(str(tmp_path / "b"))
    assert env.python_version == "3.13"
    assert env.site_packages == (str(tmp_path / "b" / "lib64" / "python3.13t" / "site-packages"),)

    (tmp_path / "w" / "Lib" / "site-packages").mkdir(parents=True)
    (tmp_path / "w" / "pyvenv.cfg").write_text("version = 3.8.10\n", encoding="utf-8")
    env = load_environment(str(tmp_path / "w"))
    assert env.python_version == "3.8"
    assert env.site_packages == (str(tmp_path / "w" / "Lib" / "site-packages"),)


def test_lib64_symlink_is_not_scanned_twice(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v", "3.10")
    make_dist_info(site, "a", "1", {"a.py": ""})
    os.symlink("lib", tmp_path / "v" / "lib64")
    env = load_environment(str(tmp_path / "v"))
    assert len(env.site_packages) == 1
    assert [d.name for d in env.distributions] == ["a"]


def test_site_packages_given_directly(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v", "3.7")
    make_dist_info(site, "a", "1", {"a.py": ""})
    env = load_environment(str(site))
    assert env.path == str(site)
    assert env.python_version == "3.7"
    assert env.site_packages == (str(site),)
    assert dist(env, "a").files == ("a.py",)


def test_missing_record_guesses_from_top_level_or_name(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v")
    make_dist_info(
        site,
        "Nice-Lib",
        "1.0",
        {"nice_lib/__init__.py": "", "nice_lib/core.py": "", "nice_lib_ext.so": b"\0"},
        record=None,
    )
    make_dist_info(
        site,
        "weird",
        "2.0",
        {"wx/__init__.py": "", "wy.py": ""},
        record=None,
        dist_info_files={"top_level.txt": "wx\nwy\n"},
    )
    env = load_environment(str(tmp_path / "v"))
    nice = dist(env, "Nice-Lib")
    assert nice.files == ("nice_lib/__init__.py", "nice_lib/core.py")
    assert any("RECORD is missing" in w for w in nice.warnings)
    assert dist(env, "weird").files == ("wx/__init__.py", "wy.py")
    assert env.unowned == ()
    assert any(w.startswith("Nice-Lib 1.0: RECORD is missing") for w in all_warnings(env))


def test_garbled_record_invalid_version_and_requirement_warn(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v")
    make_dist_info(site, "garbled", "1.0", {"garbled.py": ""}, record=b"\x00\xff\xfe\x00junk")
    make_dist_info(
        site,
        "badver",
        "not.a.version!",
        {"badver.py": ""},
        requires=["ok-dep>=1", "this is ( not valid"],
    )
    make_dist_info(site, "ok-dep", "1", {"ok_dep.py": ""})
    env = load_environment(str(tmp_path / "v"))
    garbled = dist(env, "garbled")
    assert garbled.files == ("garbled.py",)
    assert any("garbled" in w for w in garbled.warnings)
    bad = dist(env, "badver")
    assert bad.version == "not.a.version!"
    assert any("invalid version" in w for w in bad.warnings)
    assert any("invalid requirement" in w for w in bad.warnings)
    assert bad.requires == ("ok-dep>=1", "this is ( not valid")
    info = dependency_info(env, None)
    assert info["ok-dep"].chain == ("badver", "ok-dep")


def test_missing_metadata_and_garbage_metadata(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v")
    (site / "ghost-3.0.dist-info").mkdir()
    info = make_dist_info(site, "binary", "1", {"binary.py": ""})
    (info / "METADATA").write_bytes(b"\xff\xfe\x00garbage\n\n\x00")
    env = load_environment(str(tmp_path / "v"))
    ghost = dist(env, "ghost")
    assert ghost.version == "3.0"
    assert any("METADATA is missing" in w for w in ghost.warnings)
    assert dist(env, "binary").files == ("binary.py",)


def test_duplicate_dist_info_keeps_first_sorted(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v")
    make_dist_info(site, "dup", "1.0", {"dup/__init__.py": "", "dup/old.py": ""})
    make_dist_info(site, "dup", "2.0", {"dup/__init__.py": "", "dup/new.py": ""})
    env = load_environment(str(tmp_path / "v"))
    kept = dist(env, "dup")
    assert kept.version == "1.0"
    assert kept.metadata_path.endswith("dup-1.0.dist-info")
    assert kept.files == ("dup/__init__.py", "dup/new.py", "dup/old.py")
    assert any("two metadata folders" in w for w in env.warnings)
    assert env.unowned == ()


def test_editable_by_direct_url(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v")
    make_dist_info(
        site,
        "mine",
        "0.1",
        {"_mine.pth": "/somewhere/src\n"},
        dist_info_files={
            "direct_url.json": '{"url": "file:///somewhere", "dir_info": {"editable": true}}'
        },
    )
    make_dist_info(
        site,
        "theirs",
        "1",
        {"theirs.py": ""},
        dist_info_files={"direct_url.json": '{"url": "file:///x.whl", "archive_info": {}}'},
    )
    make_dist_info(
        site, "broken-url", "1", {"b.py": ""}, dist_info_files={"direct_url.json": "{nope"}
    )
    env = load_environment(str(tmp_path / "v"))
    assert dist(env, "mine").editable
    assert not dist(env, "theirs").editable
    assert not dist(env, "broken-url").editable
    assert any("direct_url.json" in w for w in dist(env, "broken-url").warnings)


def test_egg_info(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v")
    (site / "old").mkdir()
    (site / "old" / "__init__.py").write_text("", encoding="utf-8")
    (site / "old" / "fast.so").write_bytes(b"\0")
    egg = site / "Old_Pkg-0.9-py3.12.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 1.1\nName: Old-Pkg\nVersion: 0.9\n\n")
    (egg / "requires.txt").write_text(
        'six\n\n[speed]\ncython\n\n[:python_version < "3"]\nfutures\n', encoding="utf-8"
    )
    (egg / "installed-files.txt").write_text(
        "../old/__init__.py\n../old/fast.so\nPKG-INFO\n../../../../bin/old\n", encoding="utf-8"
    )
    (site / "single-1.0-py3.12.egg-info").write_text(
        "Metadata-Version: 1.0\nName: single\nVersion: 1.0\n\n", encoding="utf-8"
    )
    (site / "single.py").write_text("", encoding="utf-8")
    env = load_environment(str(tmp_path / "v"))
    old = dist(env, "Old-Pkg")
    assert old.files == ("old/__init__.py",)
    assert old.compiled == 1
    assert old.requires == ("six", 'cython; extra == "speed"', 'futures; (python_version < "3")')
    assert dist(env, "single").files == ("single.py",)
    assert env.unowned == ()


def test_pth_dirs_inside_the_env_only_and_import_lines_never_run(tmp_path: Path) -> None:
    venv = tmp_path / "v"
    site = make_fake_venv(venv)
    inside = venv / "src-inside"
    (inside / "plug").mkdir(parents=True)
    (inside / "plug" / "__init__.py").write_text("", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.py").write_text("", encoding="utf-8")
    canary = tmp_path / "pth.canary"
    (site / "zz.pth").write_text(
        f"# a comment\n../../../src-inside\n{outside}\n"
        f"import os; open({str(canary)!r}, 'w').close()\nno-such-dir\n",
        encoding="utf-8",
    )
    env = load_environment(str(venv))
    assert env.site_packages == (str(site), str(inside))
    assert env.unowned == ("plug/__init__.py",)
    assert [r for _, r, _ in iter_files(env)] == ["plug/__init__.py"]
    assert not canary.exists()


def test_symlinks_loops_and_escapes(tmp_path: Path) -> None:
    venv = tmp_path / "v"
    site = make_fake_venv(venv)
    make_dist_info(site, "pkg", "1", {"pkg/__init__.py": "", "pkg/a.py": ""})
    os.symlink(site / "pkg", site / "pkg" / "loop")  # a folder loop
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("", encoding="utf-8")
    os.symlink(outside, site / "escape")  # a folder out of the environment
    os.symlink(outside / "secret.py", site / "secret.py")  # a file out of the environment
    os.symlink(site / "pkg" / "a.py", site / "alias.py")  # a file inside: fine
    env = load_environment(str(venv))
    assert dist(env, "pkg").files == ("pkg/__init__.py", "pkg/a.py")
    assert env.unowned == ("alias.py",)


def test_deterministic(tmp_path: Path) -> None:
    site = make_fake_venv(tmp_path / "v")
    for name in ("zeta", "Alpha", "mid_dle"):
        make_dist_info(site, name, "1", {f"{name.lower()}.py": ""})
    first = load_environment(str(tmp_path / "v"))
    assert first == load_environment(str(tmp_path / "v"))
    assert [d.name for d in first.distributions] == ["Alpha", "mid_dle", "zeta"]


# --------------------------------------------------------------------------- dependency graph


def _graph_venv(tmp_path: Path, version: str) -> Path:
    venv = tmp_path / f"v{version}"
    site = make_fake_venv(venv, version)
    make_dist_info(site, "Top", "1", {"top.py": ""}, requires=["Mid[fast]", "shim"])
    make_dist_info(
        site,
        "Mid",
        "1",
        {"mid.py": ""},
        requires=[
            'Leaf; python_version >= "3.8"',
            'old-shim; python_version < "3.8"',
            'speedy; extra == "fast"',
            'debugger; extra == "debug"',
            "Mid[more]",  # self-reference: asks for another extra of itself
            'more-dep; extra == "more"',
        ],
    )
    for name in ("Leaf", "old-shim", "speedy", "debugger", "more-dep", "shim", "Lone"):
        make_dist_info(site, name, "1", {f"{name.lower().replace('-', '_')}.py": ""})
    make_dist_info(site, "cyc-a", "1", {"cyc_a.py": ""}, requires=["cyc-b"])
    make_dist_info(site, "cyc-b", "1", {"cyc_b.py": ""}, requires=["cyc-a", "not-installed"])
    return venv


def test_graph_markers_extras_and_roots(tmp_path: Path) -> None:
    env = load_environment(str(_graph_venv(tmp_path, "3.12")))
    graph = DependencyGraph.from_environment(env)
    assert [e.target for e in graph["mid"]] == ["leaf", "more-dep", "speedy"]
    assert graph.dependents("mid") == ("top",)
    assert graph.display_name("mid") == "Mid"
    assert graph.missing == {"cyc-b": ("not-installed",)}
    assert graph.roots() == ("debugger", "lone", "old-shim", "top")

    info = dependency_info(env, None)
    assert info["top"] == info["top"].__class__(direct=True, chain=("Top",))
    assert info["leaf"].chain == ("Top", "Mid", "Leaf")
    assert info["speedy"].chain == ("Top", "Mid", "speedy")
    assert info["more-dep"].chain == ("Top", "Mid", "more-dep")
    assert info["old-shim"].direct  # nothing requires it on 3.12: a root
    assert info["debugger"].chain == ("debugger",)
    assert not info["cyc-a"].direct and info["cyc-a"].chain == ("cyc-a",)


def test_markers_use_the_target_python_not_the_runner(tmp_path: Path) -> None:
    env = load_environment(str(_graph_venv(tmp_path, "3.7")))
    assert env.python_version == "3.7"
    info = dependency_info(env, None)
    assert info["old-shim"].chain == ("Top", "Mid", "old-shim")
    assert not info["old-shim"].direct
    assert info["leaf"].chain == ("Leaf",) and info["leaf"].direct


def test_direct_dependencies_from_pyproject(tmp_path: Path) -> None:
    venv = _graph_venv(tmp_path, "3.12")
    project = tmp_path
    (project / "pyproject.toml").write_text(
        '[project]\nname = "my-app"\ndependencies = ["mid[debug]", "lone; python_version < \'3\'"]\n'
        '[project.optional-dependencies]\ncli = ["shim"]\n',
        encoding="utf-8",
    )
    env = load_environment(str(venv))
    info = dependency_info(env, str(project))
    assert info["mid"].chain == ("my-app", "Mid") and info["mid"].direct
    assert info["shim"].chain == ("my-app", "shim") and info["shim"].direct
    assert info["debugger"].chain == ("my-app", "Mid", "debugger")  # asked for by the project
    assert info["leaf"].chain == ("my-app", "Mid", "Leaf") and not info["leaf"].direct
    assert info["lone"] == info["lone"].__class__(direct=False, chain=("Lone",))
    assert info["top"].chain == ("Top",) and not info["top"].direct
    # Top asks for Mid[fast], so Mid -> speedy counts; extras are pooled per distribution, so the
    # shortest chain runs through the project's own Mid
    assert info["speedy"].chain == ("my-app", "Mid", "speedy")


def test_project_without_pyproject_deps_falls_back_to_roots(tmp_path: Path) -> None:
    venv = _graph_venv(tmp_path, "3.12")
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n", encoding="utf-8")
    env = load_environment(str(venv))
    info = dependency_info(env, str(tmp_path))
    assert info["leaf"].chain == ("Top", "Mid", "Leaf")
    (tmp_path / "pyproject.toml").write_text("this is [ not toml", encoding="utf-8")
    assert dependency_info(env, str(tmp_path))["leaf"].chain == ("Top", "Mid", "Leaf")


# --------------------------------------------------------------------------- resolve_target


def test_resolve_target_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n', encoding="utf-8")
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    assert resolve_target(None, str(project)) == (sys.prefix, resolve_target(None, "/")[1])
    make_fake_venv(project / "venv")
    assert resolve_target(None, str(project)) == (str(project / "venv"), str(project))
    make_fake_venv(project / ".venv")
    assert resolve_target(None, str(project)) == (str(project / ".venv"), str(project))
    other = make_fake_venv(tmp_path / "other").parents[2]
    monkeypatch.setenv("VIRTUAL_ENV", str(other))
    assert resolve_target(None, str(project)) == (str(other), None)
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "gone"))
    with pytest.raises(InputError):
        resolve_target(None, str(project))


def test_resolve_target_errors(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    for path, words in [
        ("missing", "does not exist"),
        ("file.txt", "is a file"),
        ("empty", "is not a Python environment"),
    ]:
        with pytest.raises(InputError) as err:
            resolve_target(path, str(tmp_path))
        message = str(err.value)
        assert words in message and "\n" not in message
    with pytest.raises(InputError):
        load_environment(str(tmp_path / "empty"))


def test_metadata_headers_continue_over_blank_looking_lines() -> None:
    """setuptools writes a multi-line License's empty lines as 8 spaces: still the same header,
    so the Requires-Dist after it counts; the body after the real empty line does not."""
    from forkaudit.environment import _parse_headers

    text = (
        "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nLicense: BSD\n        \n"
        "        Copyright (c) someone\nRequires-Dist: requests\n"
        "Requires-Dist: idna; extra == 'x'\n\nA README that says\nRequires-Dist: not-a-dep\n"
    )
    name, version, requires, had_name = _parse_headers(text)
    assert (name, version, had_name) == ("demo", "1.0", True)
    assert requires == ["requests", "idna; extra == 'x'"]
