"""The import chains of the modules with findings are read while the workers still analyse the
other files: the runner hands each file result with findings to ``RunOptions.found`` as it comes
in, and ``Importable.read_ahead`` reads then what the scan's gathering asks later (remembered:
the gathering reads nothing more)."""

from __future__ import annotations

from pathlib import Path

from forkaudit import runner
from forkaudit.files import collect_paths, file_units
from forkaudit.importable import Importable
from forkaudit.model import FileResult, Finding
from forkaudit.rules import load_rules

LEAK = """\
import threading


def _pump(conn):
    while True:
        conn.recv(1024)


def open_channel(conn):
    threading.Thread(target=_pump, args=(conn,), daemon=True).start()
"""
REAPED = """\
import subprocess


def run(cmd):
    with subprocess.Popen(cmd) as proc:
        return proc.wait()
"""


def test_each_result_with_findings_is_handed_over_as_it_comes_in(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    for i in range(4):
        (package / f"leak{i}.py").write_text(LEAK)
        (package / f"reaped{i}.py").write_text(REAPED)
        (package / f"plain{i}.py").write_text("X = 1\n")
    files, _ = collect_paths(["pkg"], str(tmp_path))
    seen: list[str] = []
    results = runner.run_units(
        file_units(files),
        load_rules(),
        runner.RunOptions(jobs=2, found=lambda result: seen.append(result.path)),
    )
    with_findings = sorted(
        result.path for unit in results for result in unit.results if result.findings
    )
    assert with_findings == [f"leak{i}.py" for i in range(4)]
    assert sorted(seen) == with_findings


def test_what_was_read_ahead_is_not_read_again() -> None:
    files = {
        "chainpkg/__init__.py": b"from chainpkg import helpers\n",
        "chainpkg/helpers.py": b"import missing_dep_xyz\n",
        "chainpkg/server.py": b"import json\n",
    }
    reads: list[str] = []

    def read(path: str) -> bytes | None:
        reads.append(path)
        return files.get(path)

    importable = Importable(["chainpkg", "json"], list(files), "3.12", read)
    result = FileResult(path="chainpkg/server.py", findings=(), requires=("json",))
    # a module without findings is not asked about its chain
    importable.read_ahead(result)
    assert reads == []
    finding = Finding(
        "FA111", "thread", "high", "high", "chainpkg/server.py", 1, 1, 1, "", "", 1, (), ()
    )
    found = FileResult(path="chainpkg/server.py", findings=(finding,), requires=("json",))
    importable.read_ahead(found)
    # (its package's __init__ fails first: the module itself is not read)
    assert sorted(set(reads)) == ["chainpkg/__init__.py", "chainpkg/helpers.py"]
    before = len(reads)
    assert importable.missing_or_through(found) == (("missing_dep_xyz",), "chainpkg.helpers")
    assert len(reads) == before
