"""A module cannot be imported when what importing it runs first fails: its packages'
``__init__`` (``a`` then ``a.b`` before ``a.b.c``), then the import lines it opens with, each
module they name run whole in turn. When one of those imports at its top a module the
environment lacks, ImportError comes out of the import of the module itself, and none of its
code runs (2026-12-06: on the bench environment, 16 of ray's findings sit in modules that
cannot be imported without its extras, pyarrow, opencensus, aiohttp_cors, which ray's packages
import first; held15's nose cannot be imported on 3.12 at all, its ``nose.importer`` importing
``imp``, and remi's ``__init__`` imports ``pkg_resources``, which setuptools no longer ships).

What is followed is what is certain: the imports a module opens with, up to its first other
statement, in the package of the module (another distribution's package, installed, is judged
by its own findings); a module run whole that edits the import system (``sys.path.insert`` at
its top, not in a function) may make any later import work, and ends the judgement. Every case
here is checked against the target interpreter itself: a module is lowered exactly when
importing it fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forkaudit.importable import NOT_IMPORTABLE
from forkaudit.leading_imports import Imported, edits_imports_when_run, leading_imports
from tests.builders import import_in, make_wheel, run_cli
from tests.conftest import BuiltVenv, VenvFactory
from tests.test_not_importable import LEAK as THREAD_LEAK

# a thread started on every call and never joined, its target looping for good: high
LEAK = "\n\nimport threading\n" + THREAD_LEAK

FILES = {
    # a package whose __init__ imports a module of its own that needs what is missing
    "chainpkg/__init__.py": '"""Chain."""\nfrom chainpkg.core import run\n',
    "chainpkg/core.py": "from . import helpers\n\n\ndef run():\n    return helpers\n",
    "chainpkg/helpers.py": "import os\nimport missing_dep_xyz\n",
    "chainpkg/server.py": "import json" + LEAK,
    # an import cycle on the way (a imports b, b imports a, then c), still failing
    "cyclepkg/__init__.py": "from cyclepkg import b\n",
    "cyclepkg/b.py": "import cyclepkg\nfrom cyclepkg.c import X\n",
    "cyclepkg/c.py": "from missing_dep_xyz import X\n",
    "cyclepkg/leak.py": "import cyclepkg.b" + LEAK,
    # the path edited at the top of the __init__ before the import: it may work (here it
    # does: the package carries its own copy)
    "vendpkg/__init__.py": (
        "import os\nimport sys\n\n"
        'sys.path.insert(0, os.path.join(os.path.dirname(__file__), "_vendor"))\n'
        "import vendpkg.deps\n"
    ),
    "vendpkg/_vendor/missing_dep_xyz.py": "X = 1\n",
    "vendpkg/deps.py": "import missing_dep_xyz\n",
    "vendpkg/leak.py": LEAK,
    # an edit inside a function runs only when called: the failing import still fails
    "fnpkg/__init__.py": (
        "import sys\nimport fnpkg.deps\n\n\ndef extend(path):\n    sys.path.insert(0, path)\n"
    ),
    "fnpkg/deps.py": "import missing_dep_xyz\n",
    "fnpkg/leak.py": LEAK,
    # the failing import under try: the package imports fine without it
    "trypkg/__init__.py": "try:\n    import missing_dep_xyz\nexcept ImportError:\n    pass\n",
    "trypkg/leak.py": LEAK,
    # an installed package of another distribution: imported as itself, fine
    "otherpkg/__init__.py": "import helperdist2\n",
    "otherpkg/leak.py": LEAK,
}
LOWERED = {
    "chainpkg/server.py": ("missing_dep_xyz", "chainpkg.helpers"),
    "cyclepkg/leak.py": ("missing_dep_xyz", "cyclepkg.c"),
    "fnpkg/leak.py": ("missing_dep_xyz", "fnpkg.deps"),
}
KEPT = ("vendpkg/leak.py", "trypkg/leak.py", "otherpkg/leak.py")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, venv_factory: VenvFactory) -> BuiltVenv:
    wheels = tmp_path_factory.mktemp("wheels")
    make_wheel(wheels, "chains", "1.0", FILES)
    make_wheel(wheels, "helperdist2", "1.0", {"helperdist2.py": "X = 1\n"})
    return venv_factory(wheels, install=["chains", "helperdist2"], name="chains")


def _scan(venv: Path, cwd: Path) -> dict[str, dict[str, object]]:
    result = run_cli(
        ["scan", str(venv), "--format", "json", "--no-cache"],
        cwd=cwd,
        env={"XDG_CACHE_HOME": str(cwd / "cache")},
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return {str(f["path"]): f for f in report["findings"]}


def test_a_module_is_lowered_when_what_it_imports_first_fails(
    built: BuiltVenv, tmp_path: Path
) -> None:
    found = _scan(built.venv, tmp_path)
    assert set(found) == set(LOWERED) | set(KEPT), sorted(found)
    for path, (name, through) in LOWERED.items():
        finding = found[path]
        assert finding["severity"] == "low", finding
        assert NOT_IMPORTABLE in finding["flags"]  # type: ignore[operator]
        assert f"importing its module imports {through} first, which imports {name}" in str(
            finding["message"]
        )
    for path in KEPT:
        assert found[path]["severity"] == "high", found[path]
        assert NOT_IMPORTABLE not in found[path]["flags"]  # type: ignore[operator]


def test_at_run_time_exactly_the_lowered_modules_fail_to_import(built: BuiltVenv) -> None:
    for path in [*LOWERED, *KEPT]:
        imported = import_in(built.venv, path)
        if path in LOWERED:
            assert imported.returncode != 0, path
            assert b"missing_dep_xyz" in imported.stderr, imported.stderr
        else:
            assert imported.returncode == 0, (path, imported.stderr)


def test_a_second_scan_keeps_the_answers(built: BuiltVenv, tmp_path: Path) -> None:
    """Remembered with the environment's fingerprint: a warm scan reads no file for it and
    says the same."""
    first = run_cli(
        ["scan", str(built.venv), "--format", "json"],
        cwd=tmp_path,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    second = run_cli(
        ["scan", str(built.venv), "--format", "json"],
        cwd=tmp_path,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    findings = [json.loads(r.stdout)["findings"] for r in (first, second)]
    assert findings[0] == findings[1]
    assert sum(NOT_IMPORTABLE in f["flags"] for f in findings[1]) == len(LOWERED)


def test_the_opening_imports_are_read_from_the_text() -> None:
    text = b'''#!/usr/bin/env python
"""A module.

With a long docstring.
"""
from __future__ import annotations

import os, sys as system
from .sibling import (
    one,  # a comment
    two,
)
from ..parent import three as four
from pkg.sub import \\
    five
import late  # still an opening import

VALUE = compute()
import never_read
'''
    assert leading_imports(text) == [
        Imported(0, "os"),
        Imported(0, "sys"),
        Imported(1, "sibling", ("one", "two")),
        Imported(2, "parent", ("three",)),
        Imported(0, "pkg.sub", ("five",)),
        Imported(0, "late"),
    ]
    # a block opened at the top ends the reading: what follows may run only after code
    assert leading_imports(
        b"import a\ntry:\n    import b\nexcept ImportError:\n    b = None\nimport c\n"
    ) == [Imported(0, "a")]
    assert leading_imports(b'"""unclosed\n') is None


def test_an_edit_of_the_import_system_counts_where_it_runs() -> None:
    assert edits_imports_when_run(b"import sys\nsys.path.insert(0, 'x')\n")
    assert edits_imports_when_run(b"import sys\nif True:\n    sys.path.append('x')\n")
    assert edits_imports_when_run(b"import sys\nclass A:\n    sys.modules['a'] = 1\n")
    assert not edits_imports_when_run(b"import sys\ndef f():\n    sys.path.insert(0, 'x')\n")
    assert not edits_imports_when_run(b"# sys.path.insert(0, 'x')\nimport os\n")
    assert not edits_imports_when_run(b"import os\nHERE = os.path.dirname(__file__)\n")
