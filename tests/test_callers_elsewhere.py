"""A private module-level function (``_launch_consumer``) is its package's own: when its module
never calls it, the package's other modules do, and how often their calls run is how often it
runs (issue 10: "functions called only from another module's ``__main__`` or ``main()``")."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from forkaudit.analysis.engine import analyze
from forkaudit.rules import load_rules
from tests.builders import check_findings, run_cli

PACK = load_rules()

UTILS = """\
import threading

def _launch_consumer(name):
    def consume():
        while True:
            step(name)
    threading.Thread(target=consume, name=name).start()
"""

CALLERS = {
    # once per process: the runner's script block, or its main()
    "script": (
        """\
from app.utils import _launch_consumer

if __name__ == "__main__":
    for name in ("a", "b"):
        _launch_consumer(name)
""",
        "medium",
        "under `if __name__ == '__main__'` in _runner.py, through _launch_consumer()",
    ),
    "main": (
        """\
from .utils import _launch_consumer

def main():
    _launch_consumer("jobs")
""",
        "medium",
        "in main(), which runs once in _runner.py, through _launch_consumer()",
    ),
    # many: a request handler's loop, through a module alias
    "loop": (
        """\
from app import utils

def serve(requests):
    while True:
        utils._launch_consumer(requests.get())
""",
        "high",
        "in a `while` loop in serve() in _runner.py, through _launch_consumer()",
    ),
}


def _findings(root: Path, cache: bool = False) -> list[dict[str, object]]:
    return check_findings(root, "app", cache)


@pytest.mark.parametrize("how", sorted(CALLERS))
def test_the_callers_in_other_modules_say_how_often(tmp_path: Path, how: str) -> None:
    runner, severity, why = CALLERS[how]
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "utils.py").write_text(UTILS)
    (tmp_path / "app" / "_runner.py").write_text(runner)
    (found,) = _findings(tmp_path)
    assert (found["path"], found["severity"]) == ("app/utils.py", severity), found
    assert why in str(found["message"]), found["message"]


def test_no_caller_anywhere_stays_per_call_and_is_not_cached(tmp_path: Path) -> None:
    """With no module calling it, the default holds (per call: high). A loose file's cache
    entry is named after its own content, so a result that hangs on other files is not kept:
    adding a caller changes the next run's answer."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "utils.py").write_text(UTILS)
    (tmp_path / "app" / "other.py").write_text("def _launch_consumer():\n    pass\n")
    (alone,) = _findings(tmp_path, cache=True)
    assert alone["severity"] == "high", alone
    assert "on every call of _launch_consumer()" in str(alone["message"])
    (tmp_path / "app" / "_runner.py").write_text(CALLERS["script"][0])
    (called,) = _findings(tmp_path, cache=True)
    assert called["severity"] == "medium", called


def test_only_calls_resolving_to_the_function_count() -> None:
    """A call of another module's function of the same name, or of a name the caller defines
    itself, says nothing; a relative import two levels up resolves from the caller's package."""
    callers = {
        "_launch_consumer": [
            (
                "app/jobs/_other.py",
                b"from app.elsewhere import _launch_consumer\n"
                b"def handle(r):\n    for x in r:\n        _launch_consumer(x)\n",
            ),
            (
                "app/jobs/_own.py",
                b"def _launch_consumer(x):\n    pass\n"
                b"def handle(r):\n    for x in r:\n        _launch_consumer(x)\n",
            ),
        ]
    }
    (result, _) = analyze(UTILS.encode(), "app/utils.py", PACK.rules, callers=callers)
    (finding,) = result.findings
    assert "on every call of _launch_consumer()" in finding.message, finding.message
    callers["_launch_consumer"].append(
        (
            "app/jobs/deep/_runner.py",
            b"from ...utils import _launch_consumer\n"
            b"if __name__ == '__main__':\n    _launch_consumer('x')\n",
        )
    )
    (result, _) = analyze(UTILS.encode(), "app/utils.py", PACK.rules, callers=callers)
    (finding,) = result.findings
    assert finding.severity == "medium", finding.message
    assert "in app/jobs/deep/_runner.py" in finding.message


HIDDEN = {
    # its own module names it as a value: it may run from there, unseen
    "own dispatch table": ("utils.py", UTILS + 'ACTIONS = {"consume": _launch_consumer}\n'),
    # a caller hands it on instead of calling it
    "passed as a value": (
        "_pool.py",
        "from concurrent.futures import ThreadPoolExecutor\n"
        "from app.utils import _launch_consumer\n\n"
        "def run(names):\n"
        "    with ThreadPoolExecutor() as pool:\n"
        "        for name in names:\n"
        "            pool.submit(_launch_consumer, name)\n",
    ),
    # the package re-exports it under a public name: its users' calls are out of sight
    "public re-export": ("__init__.py", "from .utils import _launch_consumer as consume\n"),
}


@pytest.mark.parametrize("how", sorted(HIDDEN))
def test_callers_out_of_sight_leave_it_per_call(tmp_path: Path, how: str) -> None:
    """The one call under `__main__` says nothing when the function is also named where its
    runs cannot be counted."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "utils.py").write_text(UTILS)
    (tmp_path / "app" / "_runner.py").write_text(CALLERS["script"][0])
    name, text = HIDDEN[how]
    (tmp_path / "app" / name).write_text(text)
    (found,) = _findings(tmp_path)
    assert found["severity"] == "high", (how, found["message"])


def test_each_folder_given_is_its_own_package(tmp_path: Path) -> None:
    """`check one two`, each holding an app package: one's runner does not call the other's."""
    for name, runner in (("one", "loop"), ("two", "script")):
        (tmp_path / name / "app").mkdir(parents=True)
        (tmp_path / name / "app" / "utils.py").write_text(UTILS)
        (tmp_path / name / "app" / "_runner.py").write_text(CALLERS[runner][0])
    for order in (["one", "two"], ["two", "one"]):
        args = ["check", *order, "--format", "json", "--no-cache"]
        result = run_cli(args, cwd=tmp_path)
        found = json.loads(result.stdout)["findings"]
        # one's loop makes its start high; two's script block makes its own once (medium: a
        # non-daemon thread that never ends holds up exit)
        assert sorted(f["severity"] for f in found) == ["high", "medium"], (order, found)


def test_a_src_layout_in_a_repository(tmp_path: Path) -> None:
    """In a git repository, paths are relative to its root (src/app/utils.py) while the code
    imports app.utils: the caller is found all the same."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "src" / "app" / "utils.py").write_text(UTILS)
    (tmp_path / "src" / "app" / "_runner.py").write_text(CALLERS["script"][0])
    result = run_cli(["check", "src", "--format", "json", "--no-cache"], cwd=tmp_path)
    (found,) = json.loads(result.stdout)["findings"]
    assert found["severity"] == "medium", found["message"]
    assert "under `if __name__ == '__main__'` in src/app/_runner.py" in found["message"]
