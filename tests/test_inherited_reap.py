"""A method a class inherits from a base class defined in another module of its package is its
method too: ``VideoReaderAbstract.close()`` waiting for ``self._proc`` reaps the child a
subclass in ``ffmpeg.py`` stores there (blind batch aq-p, scikit-video). The module alone says
"no method of FFmpegReader waits for it"; the runner hands the module defining the base in on a
second analysis, as it does for the callers of a private function."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import check_findings, make_wheel, run_cli
from tests.conftest import VenvFactory

READER = """\
import subprocess

from .base import Reader


class FFmpegReader(Reader):
    def __init__(self, path):
        self._proc = subprocess.Popen(["ffmpeg", "-i", path, "-f", "rawvideo", "-"])

    def frames(self):
        return self._proc.stdout.read(1024)
"""

BASES = {
    # the base waits in close(): reaped
    "waits": (
        """\
class Reader:
    def close(self):
        if self._proc is not None:
            self._proc.stdout.close()
            self._proc.wait()
        self._proc = None
""",
        False,
    ),
    # terminates and polls until it has ended: reaped
    "polls": (
        """\
import time


class Reader:
    def close(self):
        self._proc.terminate()
        while self._proc.poll() is None:
            time.sleep(0.01)
""",
        False,
    ),
    # the base never waits (only kills): still a leak
    "kills": (
        """\
class Reader:
    def close(self):
        self._proc.kill()
""",
        True,
    ),
    # the base waits only when something fails: the normal path leaves it
    "on error": (
        """\
class Reader:
    def send(self, data):
        try:
            self._proc.stdin.write(data)
        except BrokenPipeError:
            self._proc.wait()
            raise
""",
        True,
    ),
    # a base of the same name elsewhere in the package does not count
    "unrelated": (
        """\
class Base:
    def close(self):
        self._proc.wait()


class Reader:
    def frames(self):
        return b""
""",
        True,
    ),
}


def test_an_override_that_does_not_call_the_base_is_what_runs(tmp_path: Path) -> None:
    """`close()` in the subclass, without `super().close()`, replaces the base's: the base's
    wait never runs. With `super().close()` it does."""
    for override, leaks in (("self._proc.kill()", True), ("super().close()", False)):
        package = tmp_path / override.split("(")[0].replace(".", "_") / "video"
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "base.py").write_text(BASES["waits"][0])
        (package / "ffmpeg.py").write_text(READER + f"\n    def close(self):\n        {override}\n")
        found = [f for f in _findings(package.parent) if str(f["path"]).endswith("ffmpeg.py")]
        assert bool(found) == leaks, (override, found)


def _findings(root: Path) -> list[dict[str, object]]:
    return check_findings(root, "video")


@pytest.mark.parametrize("how", sorted(BASES))
def test_a_method_inherited_from_a_base_in_another_module_reaps(tmp_path: Path, how: str) -> None:
    base, leaks = BASES[how]
    package = tmp_path / "video"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(base)
    (package / "ffmpeg.py").write_text(READER)
    found = [f for f in _findings(tmp_path) if str(f["path"]).endswith("ffmpeg.py")]
    if leaks:
        assert [f["rule"] for f in found] == ["FA103"], found
        assert "no method of FFmpegReader" in str(found[0]["message"])
    else:
        assert found == [], found


def test_a_base_imported_by_its_absolute_name(tmp_path: Path) -> None:
    """`from video.base import Reader` names the same module as `from .base import Reader`."""
    package = tmp_path / "video"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(BASES["waits"][0])
    (package / "ffmpeg.py").write_text(
        READER.replace("from .base import", "from video.base import")
    )
    assert [f for f in _findings(tmp_path) if str(f["path"]).endswith("ffmpeg.py")] == []


def test_alone_the_module_cannot_see_its_base(tmp_path: Path) -> None:
    """Checked by itself, the subclass's module says what it sees: no method of its own waits."""
    (tmp_path / "ffmpeg.py").write_text(READER.replace("from .base import", "from base import"))
    result = run_cli(["check", "ffmpeg.py", "--format", "json", "--no-cache"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "FA103"


def test_an_installed_package_inheriting_its_reap(
    tmp_path: Path, venv_factory: VenvFactory
) -> None:
    """`forkaudit scan` of a real venv with a wheel whose subclass is reaped by its base."""
    wheels = tmp_path / "wheels"
    make_wheel(
        wheels,
        "videotools",
        "1.0",
        {
            "video/__init__.py": "",
            "video/base.py": BASES["waits"][0],
            "video/ffmpeg.py": READER,
        },
    )
    make_wheel(
        wheels,
        "leakytools",
        "1.0",
        {
            "leaky/__init__.py": "",
            "leaky/base.py": BASES["kills"][0],
            "leaky/ffmpeg.py": READER,
        },
    )
    built = venv_factory(wheels, install=["videotools", "leakytools"])
    result = run_cli(["scan", str(built.venv), "--format", "json", "--no-cache"], cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    found = json.loads(result.stdout)["findings"]
    assert {f["distribution"] for f in found} == {"leakytools"}, found


def test_only_the_module_an_import_names_is_read_for_a_base() -> None:
    """The runner looks for a base class in the module its import names, and hands it in only
    when its text defines the class and reaps the attribute there."""
    from forkaudit.runner import _defines_reaping, _module_of

    assert _module_of("video.base.Reader:_proc", "video/base.py")
    assert _module_of("video.base.Reader:_proc", "video/base/__init__.py")
    assert _module_of("base.Reader:_proc", "src/video/base.py")  # checked above the import root
    assert not _module_of("video.base.Reader:_proc", "video/ffmpeg.py")
    assert not _module_of("video.base.Reader:_proc", "video/database.py")
    text = BASES["waits"][0].encode()
    assert _defines_reaping(text, "video.base.Reader:_proc")
    assert not _defines_reaping(text, "video.base.Reader:_pool")  # another attribute
    assert not _defines_reaping(text, "video.base.Writer:_proc")  # another class
    assert not _defines_reaping(BASES["kills"][0].encode(), "video.base.Reader:_proc")
