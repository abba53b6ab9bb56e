"""A module whose body imports, outside any try or if, a top-level module that the environment
does not have cannot be imported there: Python raises ImportError out of its import and none of
its code runs. Its findings cannot pile up in that environment, so `scan` lowers them to low,
flags them `not-importable` and says what is missing (held7 and held9: docker's sshconn and
fsspec's sftp import paramiko, which neither environment holds)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from forkaudit.analysis.requires import module_requires
from forkaudit.environment import importable_names
from forkaudit.importable import NOT_IMPORTABLE, Importable
from tests.builders import make_wheel, run_cli
from tests.conftest import BuiltVenv, VenvFactory

# a thread started on every call and never joined, its target looping for good: high
LEAK = """
def _pump(conn):
    while True:
        conn.recv(1024)


def open_channel(conn):
    worker = threading.Thread(target=_pump, args=(conn,), daemon=True)
    worker.start()
    return conn
"""


def _module(head: str) -> str:
    return head + "\nimport threading\n" + LEAK


MODULES = {
    # needs a package nobody installed: cannot be imported, lowered
    "tunnel/sshconn.py": _module("import paramiko_not_installed_xyz\n"),
    "tunnel/sftp.py": _module("from paramiko_not_installed_xyz.client import SSHClient\n"),
    # the same leak where every import is there: as it was
    "tunnel/plain.py": _module("import json\n"),
    # the import is guarded: the module imports fine without it
    "tunnel/guarded.py": _module(
        "try:\n    import paramiko_not_installed_xyz\nexcept ImportError:\n"
        "    paramiko_not_installed_xyz = None\n"
    ),
    "tunnel/typed.py": _module(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    import paramiko_not_installed_xyz\n"
    ),
    # imported inside the function only: the module imports, the call fails (not lowered)
    "tunnel/lazy.py": _module("").replace(
        "def open_channel(conn):\n",
        "def open_channel(conn):\n    import paramiko_not_installed_xyz  # noqa\n",
    ),
    # what the module's own package, another installed distribution or the stdlib gives
    "tunnel/own.py": _module("import tunnel.plain\nimport helperdist\nimport sqlite3\n"),
    # a module beside it (a script run from its folder finds it): not taken as missing
    "tunnel/examples/app.py": _module("import utils\n"),
    "tunnel/examples/utils.py": "VALUE = 1\n",
    # a package whose __init__ puts its vendored copies on the path: the import may succeed
    "tunnel/vend/__init__.py": "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n",
    "tunnel/vend/jobs.py": _module("import paramiko_not_installed_xyz\n"),
    # a package __init__ and a module that only name sys.modules / sys.path in comments and
    # strings: nothing edits the import system, so the failing import is certain (held10:
    # tensorboard's __init__ explains its lazy imports in comments naming `sys.modules`)
    "tunnel/lazyinit/__init__.py": (
        '"""Submodules load lazily; sys.modules is left alone."""\n'
        "# sys.path.insert(0, here) used to live here; it is gone\n"
    ),
    "tunnel/lazyinit/jobs.py": _module("import paramiko_not_installed_xyz\n"),
    "tunnel/documented.py": _module(
        '"""Unlike vendored.py, this module leaves sys.path alone."""\n'
        "import paramiko_not_installed_xyz  # (no sys.path.append needed)\n"
    ),
    # a part of a namespace package (a folder without __init__.py, as google/ is) that none
    # of its folders holds cannot be imported; a part one of them holds can (held10: kombu's
    # gcpubsub imports google.api_core where only google.protobuf is installed)
    "tunnel/nsmissing.py": _module("from nsdemo.absent_part import client\n"),
    "tunnel/nspresent.py": _module("import nsdemo.present\n"),
    # the path edited first: the import may succeed
    "tunnel/vendored.py": _module(
        "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        "import paramiko_not_installed_xyz\n"
    ),
}
LOWERED = {
    "tunnel/sshconn.py": "paramiko_not_installed_xyz",
    "tunnel/sftp.py": "paramiko_not_installed_xyz",
    "tunnel/lazyinit/jobs.py": "paramiko_not_installed_xyz",
    "tunnel/documented.py": "paramiko_not_installed_xyz",
    "tunnel/nsmissing.py": "nsdemo.absent_part",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, venv_factory: VenvFactory) -> BuiltVenv:
    wheels = tmp_path_factory.mktemp("wheels")
    make_wheel(wheels, "tunnel", "1.0", {"tunnel/__init__.py": "", **MODULES})
    make_wheel(wheels, "helperdist", "1.0", {"helperdist.py": "X = 1\n"})
    # a portion of the namespace package nsdemo: nsdemo/ gets no __init__.py
    make_wheel(wheels, "nsdemo-present", "1.0", {"nsdemo/present/__init__.py": "X = 1\n"})
    return venv_factory(
        wheels, install=["tunnel", "helperdist", "nsdemo-present"], name="tunnelproj"
    )


def _scan(venv: Path, cwd: Path, *more: str) -> dict[str, object]:
    result = run_cli(
        ["scan", str(venv), "--format", "json", *more],
        cwd=cwd,
        env={"XDG_CACHE_HOME": str(cwd / "cache")},
    )
    assert result.returncode in (0, 1), result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def _by_path(report: dict[str, object]) -> dict[str, dict[str, object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return {str(f["path"]): f for f in findings}


def test_findings_of_a_module_that_cannot_be_imported_are_lowered(
    built: BuiltVenv, tmp_path: Path
) -> None:
    found = _by_path(_scan(built.venv, tmp_path, "--no-cache"))
    expected = {path for path in MODULES if not path.endswith(("utils.py", "__init__.py"))}
    assert set(found) == expected, sorted(found)
    for path, finding in found.items():
        flags = finding["flags"]
        assert isinstance(flags, list)
        if path in LOWERED:
            assert finding["severity"] == "low", finding
            assert NOT_IMPORTABLE in flags
            assert f"cannot run here: its module imports {LOWERED[path]} at the top" in str(
                finding["message"]
            )
        else:
            assert finding["severity"] == "high", (path, finding)
            assert NOT_IMPORTABLE not in flags


def test_the_cache_keeps_what_a_module_imports(built: BuiltVenv, tmp_path: Path) -> None:
    """A second scan reads the files' results from the cache: the same findings, lowered alike."""
    first = _by_path(_scan(built.venv, tmp_path))
    second = _by_path(_scan(built.venv, tmp_path))
    assert first == second
    assert second["tunnel/sshconn.py"]["severity"] == "low"


def test_installing_the_missing_module_makes_it_count(
    tmp_path: Path, venv_factory: VenvFactory
) -> None:
    """The same wheel with the imported package installed too: nothing is lowered."""
    wheels = tmp_path / "wheels"
    make_wheel(wheels, "tunnel", "1.0", {"tunnel/__init__.py": "", **MODULES})
    make_wheel(wheels, "helperdist", "1.0", {"helperdist.py": "X = 1\n"})
    make_wheel(
        wheels, "paramiko-not-installed-xyz", "1.0", {"paramiko_not_installed_xyz/__init__.py": ""}
    )
    # both portions of the namespace package: the part nsmissing.py imports is there now
    make_wheel(wheels, "nsdemo-present", "1.0", {"nsdemo/present/__init__.py": "X = 1\n"})
    make_wheel(wheels, "nsdemo-absent", "1.0", {"nsdemo/absent_part/client.py": "X = 1\n"})
    built = venv_factory(
        wheels,
        install=[
            "tunnel",
            "helperdist",
            "paramiko-not-installed-xyz",
            "nsdemo-present",
            "nsdemo-absent",
        ],
        name="withdep",
    )
    found = _by_path(_scan(built.venv, tmp_path, "--no-cache"))
    assert {f["severity"] for f in found.values()} == {"high"}, found


def test_the_ranking_follows(tmp_path: Path, venv_factory: VenvFactory) -> None:
    """A distribution whose only leak cannot run ranks below one whose leak can."""
    wheels = tmp_path / "wheels"
    ssh = MODULES["tunnel/sshconn.py"]
    make_wheel(wheels, "onlyssh", "1.0", {"onlyssh/__init__.py": "", "onlyssh/conn.py": ssh})
    plain = MODULES["tunnel/plain.py"]
    make_wheel(wheels, "runs", "1.0", {"runs/__init__.py": "", "runs/conn.py": plain})
    built = venv_factory(wheels, install=["onlyssh", "runs"], name="ranked")
    report = _scan(built.venv, tmp_path, "--no-cache")
    distributions = report["distributions"]
    assert isinstance(distributions, list)
    ranked = {d["name"]: d for d in distributions}
    assert ranked["runs"]["rank"] < ranked["onlyssh"]["rank"], ranked
    assert ranked["onlyssh"]["counts"] == {"high": 0, "medium": 0, "low": 1}, ranked


# --------------------------------------------------------------------------- the parts


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "import a.b.x, c as d\nfrom e.f import g\nfrom . import h\nfrom .i import j\n",
            ("a", "a.b", "c", "e", "e.f"),
        ),
        (
            # of a namespace package, `from ns import part` names a part (review u_missing_fromns)
            "from ns import part, other as o\nfrom os.path import join\nfrom x import *\n",
            ("ns", "ns.other", "ns.part", "os", "os.path", "x"),
        ),
        ("from __future__ import annotations\nimport os\n", ("os",)),
        ("try:\n    import a\nexcept ImportError:\n    a = None\n", ()),
        ("if True:\n    import a\n", ()),
        ("with x:\n    import a\n", ()),
        ("def f():\n    import a\n", ()),
        ("class C:\n    import a\n", ()),
        ("import sys\nsys.path.append('x')\nimport a\n", ()),
        ("import sys\nsys.modules['a'] = object()\nimport a\n", ()),
        ("import site\nsite.addsitedir('x')\nimport a\n", ()),
        # named in a comment or a string only: nothing is edited
        ('"""Leaves sys.path alone."""\n# sys.modules: untouched\nimport a\n', ("a",)),
        ("import a  # not sys.path.append\nx = 'sys.modules'\n", ("a",)),
        # sys or its path under another name (the independent review's r2_sysalias, r2_fromsys)
        ("import sys as _s\n_s.path.insert(0, 'v')\nimport a\n", ()),
        ("from sys import (\n    argv,\n    path as _p,\n)\n_p.append('v')\nimport a\n", ()),
        # a module replacing its own entry (a lazy module) makes no other name importable
        ("import sys\nimport a\nsys.modules[__name__] = Lazy(__name__)\nimport b\n", ("a", "sys")),
        ("import sys\nsys.modules[__name__].x = 1\nsys.modules['b'] = m\nimport a\n", ()),
        ("import a; import b\n", ("a", "b")),
        # what runs before a failing import stays done (and runs again on the next attempt)
        ("import a\nimport subprocess\nsubprocess.Popen(['x'])\nimport b\n", ("a", "subprocess")),
        ("import a\nlog = get_logger(__name__)\nimport b\n", ("a",)),
        ("import a\n@register()\ndef f():\n    pass\nimport b\n", ("a",)),
        ("import a\nclass C:\n    x = make()\nimport b\n", ("a",)),
        ('"""doc"""\nimport a\n__all__ = ["f"]\ndef f(x=1):\n    g()\nimport b\n', ("a", "b")),
        ("import a\nif TYPE_CHECKING:\n    import c\nimport b\n", ("a", "b")),
    ],
)
def test_module_requires(code: str, expected: tuple[str, ...]) -> None:
    assert module_requires(cst.parse_module(code), code) == expected


def test_importable_names_of_a_real_venv(built: BuiltVenv) -> None:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    target = built.site_packages.parent.name.removeprefix("python")
    names = importable_names(str(built.venv), target, [str(built.site_packages)])
    assert {"tunnel", "helperdist", "pip", "nsdemo", "nsdemo.present"} <= set(names), names
    # a regular package's parts are not listed: its __init__ may make any
    assert not any(n.startswith(("tunnel.", "pip.")) for n in names), names
    assert not any(n.endswith(("dist-info", "-info")) for n in names)
    assert importable_names(str(built.venv), "2.7", [str(built.site_packages)]) == ()
    assert importable_names(str(built.site_packages), version, [str(built.site_packages)]) == ()


def test_a_venv_seeing_the_system_site_packages_is_not_judged(tmp_path: Path) -> None:
    site = tmp_path / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    (site / "alpha").mkdir()
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\ninclude-system-site-packages = false\n")
    assert importable_names(str(tmp_path), "3.12", [str(site)]) == ("alpha",)
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\ninclude-system-site-packages = true\n")
    assert importable_names(str(tmp_path), "3.12", [str(site)]) == ()


def test_a_namespace_package_lists_its_parts(tmp_path: Path) -> None:
    """PEP 420: folders without __init__.py are portions of one namespace package, found in
    every site folder; a regular package or a module of the same name shadows them."""
    site = tmp_path / "lib" / "python3.12" / "site-packages"
    (site / "ns" / "api_core").mkdir(parents=True)
    (site / "ns" / "protobuf.py").write_text("")
    (site / "ns" / "stub.pyi").write_text("")  # a stub is not importable (review u_stubonly)
    (site / "ns" / "notes.txt").write_text("")
    (site / "ns" / "__pycache__").mkdir()
    other = tmp_path / "extra"
    (other / "ns" / "cloud").mkdir(parents=True)
    (site / "extra.pth").write_text(f"{other}\n")
    (site / "reg" / "sub").mkdir(parents=True)
    (site / "reg" / "__init__.py").write_text("")
    (site / "mixed" / "part").mkdir(parents=True)
    (site / "mixed.py").write_text("")
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    names = importable_names(str(tmp_path), "3.12", [str(site)])
    assert names == ("mixed", "ns", "ns.api_core", "ns.cloud", "ns.protobuf", "reg"), names
    finder = site / "__editable___nsdev_1_0_finder.py"
    finder.write_text("MAPPING = {'ns.dev.tool': '/src/ns/dev/tool'}\nNAMESPACES = {}\n")
    (site / "__editable__.nsdev-1.0.pth").write_text(
        "import __editable___nsdev_1_0_finder; __editable___nsdev_1_0_finder.install()\n"
    )
    assert {"ns.dev", "ns.cloud"} <= set(importable_names(str(tmp_path), "3.12", [str(site)]))
    # judged: a part no folder holds; not judged: a regular package's part, a dotted stdlib name
    importable = Importable(names, [], "3.12")
    assert importable.missing("x/m.py", ["ns", "ns.api_core", "ns.gone", "reg.any", "os.path"]) == (
        "ns.gone",
    )
    assert importable.missing("x/m.py", ["absent", "absent.part"]) == ("absent",)


def test_pth_folders_and_editable_finders_count(tmp_path: Path) -> None:
    site = tmp_path / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    outside = tmp_path / "src"
    (outside / "devpkg").mkdir(parents=True)
    (site / "dev.pth").write_text(f"{outside}\n")
    (site / "__editable___mine_1_0_finder.py").write_text(
        "MAPPING: dict[str, str] = {'minepkg': '/home/me/mine/minepkg'}\nNAMESPACES = {}\n"
    )
    (site / "__editable__.mine-1.0.pth").write_text(
        "import __editable___mine_1_0_finder; __editable___mine_1_0_finder.install()\n"
    )
    names = importable_names(str(tmp_path), "3.12", [str(site)])
    assert {"devpkg", "minepkg", "__editable___mine_1_0_finder"} <= set(names), names
    # a finder whose mapping cannot be read: not judged
    (site / "__editable___mine_1_0_finder.py").write_text("MAPPING = load()\n")
    assert importable_names(str(tmp_path), "3.12", [str(site)]) == ()


def test_an_unknown_pth_hook_makes_the_names_unknown(tmp_path: Path) -> None:
    """A .pth import line may install a finder for any name (the `editables` redirector): its
    names are read when its module maps them (`map_module`), else nothing is judged; the
    common harmless hooks (namespace packages, distutils' shim) change nothing."""
    site = tmp_path / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    (tmp_path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (site / "distutils-precedence.pth").write_text(
        "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local')\n"
    )
    (site / "zope-nspkg.pth").write_text(
        "import sys, types, os;p = os.path.join(sys._getframe(1).f_locals['sitedir'], "
        "*('zope',));ie = os.path.exists(p)\n"
    )
    assert importable_names(str(tmp_path), "3.12", [str(site)]) == ("distutils-precedence",)[:0]
    (site / "_corelib_hook.pth").write_text("import _editable_impl_corelib\n")
    (site / "_editable_impl_corelib.py").write_text(
        "from editables.redirector import RedirectingFinder as F\nF.install()\n"
        "F.map_module('corelib', '/src/corelib/__init__.py')\n"
    )
    assert importable_names(str(tmp_path), "3.12", [str(site)]) == (
        "_editable_impl_corelib",
        "corelib",
    )
    (site / "_editable_impl_corelib.py").write_text("install_everything()\n")
    assert importable_names(str(tmp_path), "3.12", [str(site)]) == ()


def test_importable_knows_the_standard_library_and_siblings() -> None:
    importable = Importable(
        ["requests"], ["pkg/__init__.py", "pkg/a.py", "pkg/sub/__init__.py"], "3.10"
    )
    assert importable.missing("pkg/a.py", ("os", "requests", "distutils", "asyncore")) == ()
    assert importable.missing("pkg/a.py", ("sub", "nothere")) == ("nothere",)
    assert importable.missing("other/b.py", ("sub",)) == ("sub",)
    assert Importable([], [], "3.10").missing("a.py", ("nothere",)) == ()  # nothing known
    # a module a program embedding Python provides (a uWSGI app's `import uwsgi`)
    assert importable.missing("pkg/a.py", ("uwsgi", "bpy")) == ()
    # a newer target's additions are known up to the last listed, a later target not at all
    assert Importable(["requests"], [], "3.14").missing("a.py", ("annotationlib", "tomllib")) == ()
    assert Importable(["requests"], [], "3.14").missing("a.py", ("nothere",)) == ("nothere",)
    assert Importable(["requests"], [], "3.99").missing("a.py", ("nothere",)) == ()
    assert Importable(["requests"], [], "").missing("a.py", ("nothere",)) == ()


def test_the_standard_library_is_the_targets() -> None:
    """A module the standard library dropped (PEP 594 and before) is missing from a target at
    or past the version that removed it, and there before: ``imp`` went in 3.12, ``telnetlib``
    in 3.13. setuptools puts ``distutils`` back (its distutils-precedence.pth)."""
    older = Importable(["requests"], [], "3.11")
    newer = Importable(["requests"], [], "3.12")
    newest = Importable(["requests"], [], "3.13")
    assert older.missing("m.py", ["imp", "telnetlib"]) == ()
    assert newer.missing("m.py", ["imp", "telnetlib", "asyncore"]) == ("imp", "asyncore")
    assert newest.missing("m.py", ["telnetlib", "json"]) == ("telnetlib",)
    assert newer.missing("m.py", ["distutils"]) == ("distutils",)
    assert Importable(["setuptools"], [], "3.12").missing("m.py", ["distutils"]) == ()
    # what an installed distribution provides under the old name counts (pyasyncore)
    assert Importable(["asyncore"], [], "3.12").missing("m.py", ["asyncore"]) == ()


def test_a_module_importing_a_removed_standard_module_cannot_run(
    tmp_path: Path, venv_factory: VenvFactory, target_python: tuple[str, str]
) -> None:
    """End to end on a real venv of the target Python: ``import imp`` at the top fails there
    from 3.12 on, and the scan lowers the module's finding exactly then."""
    wheels = tmp_path / "wheels"
    make_wheel(
        wheels,
        "oldstd",
        "1.0",
        {"oldstd/__init__.py": "", "oldstd/loader.py": _module("import imp\n")},
    )
    built = venv_factory(wheels, install=["oldstd"], name="oldstd")
    version = tuple(int(part) for part in target_python[1].split("."))
    imported = subprocess.run(
        [str(built.venv / "bin" / "python"), "-c", "import oldstd.loader"],
        capture_output=True,
        check=False,
    )
    found = _by_path(_scan(built.venv, tmp_path, "--no-cache"))["oldstd/loader.py"]
    if version >= (3, 12):
        assert imported.returncode != 0 and b"imp" in imported.stderr
        assert found["severity"] == "low" and "its module imports imp at the top" in str(
            found["message"]
        )
    else:
        assert imported.returncode == 0, imported.stderr
        assert found["severity"] == "high"
